"""Intake requests: list (contact details masked unless revealed, which is
audited) and status changes (who and when are stored on the request)."""

from urllib.parse import urlencode

from sanic import Blueprint, Request

from iopnav.console import audit, tracker, web
from iopnav.console import referral_queue as intake_data
from iopnav.console.conversations import parse_page
from iopnav.console.views.conversations import transcript_url
from iopnav.referrals import REFERRAL_STATUSES

bp = Blueprint("intake")


@bp.get("/intake")
async def intake_list(request: Request):
    db = request.ctx.db
    errors = []
    status = request.args.get("status") or ""
    if status and status not in REFERRAL_STATUSES:
        errors.append(f"Unknown status '{status}'; showing all.")
        status = ""
    page_no = parse_page(request.args.get("page"), errors)
    reveal = request.args.get("reveal") == "1"
    rows, total, page_no, pages = intake_data.list_referrals(db, status, page_no)
    audit.record(
        db,
        request.ctx.user.email,
        "reveal_contacts" if reveal else "view_list",
        "intake requests",
        f"page {page_no}" + (f"; status {status}" if status else ""),
    )
    return web.render(
        request,
        "intake.html",
        rows=rows,
        total=total,
        page=page_no,
        pages=pages,
        current=status,
        statuses=REFERRAL_STATUSES,
        reveal=reveal,
        errors=errors,
        transcript_url=transcript_url,
        keys=tracker.first_event_ids(web.tracker_of(request), [r.sender_id for r in rows]),
        query=urlencode({k: v for k, v in (("status", status), ("reveal", reveal and "1")) if v}),
    )


@bp.post("/intake/<referral_id:int>/status")
async def update_status(request: Request, referral_id: int):
    db = request.ctx.db
    status = web.form_value(request, "status")
    try:
        referral = intake_data.update_status(
            db, referral_id, status, request.ctx.user.email, web.form_value(request, "note")
        )
    except intake_data.IntakeError as exc:
        web.set_flash(request, str(exc), "error")
    else:
        audit.record(
            db,
            request.ctx.user.email,
            "status_change",
            f"referral {referral.id}",
            f"status -> {status}",
        )
        web.set_flash(request, f"Intake request #{referral.id} is now {status}.")
    back = web.safe_next(web.form_value(request, "back") or "/intake")
    return web.see_other(back)
