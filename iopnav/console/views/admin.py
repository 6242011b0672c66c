"""Admin-only pages: accounts, audit log, exports and "forget this visitor"."""

import math
import re
from dataclasses import astuple
from datetime import datetime, timezone

from sanic import Blueprint, Request, response

from iopnav.console import (
    accounts,
    annotations,
    audit,
    config,
    exports,
    forget,
    tracker,
    transcript,
    web,
)
from iopnav.console.conversations import parse_page
from iopnav.console.models import ConsoleSession, ConsoleUser
from iopnav.console.views.conversations import transcript_url
from iopnav.referrals import Referral
from iopnav.safety.flags import CrisisFlag

bp = Blueprint("admin")

EXPORT_FORMATS = {
    "json": ("application/json", "json"),
    "txt": ("text/plain; charset=utf-8", "txt"),
    "pdf": ("application/pdf", "pdf"),
}


def _download(body, content_type: str, filename: str) -> response.HTTPResponse:
    return response.raw(
        body if isinstance(body, bytes) else body.encode("utf-8"),
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")


# ---- accounts --------------------------------------------------------------


@bp.get("/admin/users")
@web.admin_only("manage accounts")
async def users(request: Request):
    rows = request.ctx.db.query(ConsoleUser).order_by(ConsoleUser.email).all()
    audit.record(
        request.ctx.db, request.ctx.user.email, "view_users", "accounts", f"{len(rows)} accounts"
    )
    return web.render(
        request, "users.html", users=rows, roles=config.ROLES, min_length=config.MIN_PASSWORD_LENGTH
    )


@bp.post("/admin/users")
@web.admin_only("manage accounts")
async def create_user(request: Request):
    db = request.ctx.db
    try:
        user = accounts.create_user(
            db,
            web.form_value(request, "email"),
            web.form_value(request, "password"),
            web.form_value(request, "role"),
            created_by=request.ctx.user.email,
            commit=False,
        )
    except accounts.AccountError as exc:
        db.rollback()
        web.set_flash(request, str(exc), "error")
    else:
        audit.record(
            db,
            request.ctx.user.email,
            "user_create",
            f"user {user.email}",
            f"role {user.role}",
            commit=False,
        )
        db.commit()  # the account and its audit row together
        web.set_flash(request, f"Account created for {user.email} ({user.role}).")
    return web.see_other("/admin/users")


def _active_admins(db) -> int:
    return db.query(ConsoleUser).filter_by(role="admin", active=True).count()


@bp.post("/admin/users/<user_id:int>")
@web.admin_only("manage accounts")
async def update_user(request: Request, user_id: int):
    db = request.ctx.db
    user = web.get_or_404(request, ConsoleUser, user_id, "There is no such account.")
    role = web.form_value(request, "role", user.role)
    active = web.form_value(request, "active") == "1"
    password = web.form_value(request, "password")
    try:
        accounts.check_role(role)
        if user.id == request.ctx.user.id and (role != user.role or not active):
            raise accounts.AccountError(
                "You cannot change your own role or disable your own account."
            )
        if (
            user.role == "admin"
            and user.active
            and (role != "admin" or not active)
            and _active_admins(db) <= 1
        ):
            raise accounts.AccountError("This is the last active admin; make another admin first.")
        if password:
            accounts.set_password(db, user.email, password, commit=False)
    except accounts.AccountError as exc:
        db.rollback()
        web.set_flash(request, str(exc), "error")
        return web.see_other("/admin/users")
    changes = [f"role {user.role} -> {role}"] if role != user.role else []
    changes += [f"{'enabled' if active else 'disabled'}"] if active != user.active else []
    changes += ["password reset"] if password else []
    user.role, user.active = role, active
    if not active:
        db.query(ConsoleSession).filter_by(user_id=user.id).delete()
    audit.record(
        db,
        request.ctx.user.email,
        "user_update",
        f"user {user.email}",
        "; ".join(changes) or "no change",
        commit=False,
    )
    db.commit()  # the change and its audit row together
    web.set_flash(request, f"Saved {user.email}: {', '.join(changes) or 'no change'}.")
    return web.see_other("/admin/users")


# ---- audit log ---------------------------------------------------------------


@bp.get("/admin/audit")
@web.admin_only("read the audit log")
async def audit_log(request: Request):
    errors: list = []
    page = parse_page(request.args.get("page"), errors)
    action = (request.args.get("action") or "")[:40]
    actor = (request.args.get("actor") or "")[:254]
    per_page = 50
    rows, total = audit.entries(request.ctx.db, page, per_page, action, actor)
    filters = ", ".join(n for n, v in (("action", action), ("actor", actor)) if v)
    audit.record(
        request.ctx.db,
        request.ctx.user.email,
        "view_audit",
        "audit log",
        f"page {page}" + (f"; filters: {filters}" if filters else ""),
    )
    return web.render(
        request,
        "audit.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, math.ceil(total / per_page)),
        action=action,
        actor=actor,
        actions=audit.actions(request.ctx.db),
        errors=errors,
    )


# ---- exports -----------------------------------------------------------------


@bp.get("/export/referrals.csv")
@web.admin_only("export data")
async def export_referrals(request: Request):
    rows = request.ctx.db.query(Referral).order_by(Referral.created_at).all()
    audit.record(
        request.ctx.db,
        request.ctx.user.email,
        "export",
        "intake requests",
        f"CSV, {len(rows)} rows",
    )
    return _download(
        exports.referrals_csv(rows), "text/csv; charset=utf-8", f"intake-requests-{_stamp()}.csv"
    )


@bp.get("/export/training-data.yml")
@web.admin_only("export data")
async def export_training_data(request: Request):
    body = annotations.training_data_yaml(request.ctx.db)
    audit.record(request.ctx.db, request.ctx.user.email, "export", "training data", "Rasa NLU YAML")
    return _download(body, "application/x-yaml; charset=utf-8", f"nlu-corrections-{_stamp()}.yml")


@bp.get("/export/conversation")
@web.admin_only("export conversations")
async def export_conversation(request: Request):
    db = request.ctx.db
    fmt = request.args.get("format") or "pdf"
    if fmt not in EXPORT_FORMATS:
        return web.error_page(request, 400, f"Unknown export format '{fmt}'; use json, txt or pdf.")
    key, sender = astuple(web.conversation_or_404(request, request.args.get("id")))
    events = tracker.conversation_events(web.tracker_of(request), sender)
    flags = db.query(CrisisFlag).filter_by(sender_id=sender).order_by(CrisisFlag.created_at).all()
    body: str | bytes
    turns = transcript.build(events, flags, annotations.corrections_of(db, sender))
    if fmt == "json":
        body = exports.conversation_json(sender, events, flags, turns)
    else:
        body = (exports.transcript_text if fmt == "txt" else exports.transcript_pdf)(
            key, sender, turns, flags
        )
    audit.record(db, request.ctx.user.email, "export", audit.conversation_target(key), fmt.upper())
    content_type, ext = EXPORT_FORMATS[fmt]
    return _download(body, content_type, f"conversation-{key}-{_stamp()}.{ext}")


# ---- forget this visitor -------------------------------------------------------


@bp.get("/forget")
@web.admin_only("delete conversations")
async def forget_form(request: Request):
    raw = request.args.get("id")
    key, sender = astuple(web.conversation_or_404(request, raw)) if raw else (None, None)
    counts = forget.preview(request.ctx.db, web.tracker_of(request), sender) if sender else None
    if key is not None:
        audit.record(
            request.ctx.db,
            request.ctx.user.email,
            "view_forget",
            audit.conversation_target(key),
            "erasure preview",
        )
    return web.render(
        request,
        "forget.html",
        key=key,
        sender=sender,
        counts=counts,
        back=transcript_url(key) if key else "/conversations",
    )


@bp.post("/forget")
@web.admin_only("delete conversations")
async def forget_do(request: Request):
    db = request.ctx.db
    raw_key = web.form_value(request, "conversation")
    phone = web.form_value(request, "phone").strip()[:40]
    eng = web.tracker_of(request)
    found = tracker.conversation_from(eng, raw_key)
    if web.form_value(request, "confirm") != "yes":
        web.set_flash(request, "Tick the box to confirm: erasing cannot be undone.", "error")
        return web.see_other(f"/forget?id={found.key}" if found else "/forget")
    if raw_key:
        if found is None:
            web.set_flash(request, web.NO_SUCH_CONVERSATION, "error")
            return web.see_other("/forget")
        erased = forget.Erased()
        try:
            erased.add(forget.forget_sender(db, eng, found.sender_id))
        except forget.ForgetError as exc:
            web.set_flash(request, str(exc), "error")
            return web.see_other(f"/forget?id={found.key}")
        target = audit.conversation_target(found.key)
    elif phone:
        try:
            erased = forget.forget_phone(db, eng, phone)
        except forget.ForgetError as exc:
            web.set_flash(request, str(exc), "error")
            return web.see_other("/forget")
        # The number itself is what was to be forgotten: the audit keeps only its end.
        target = f"phone number ending {re.sub(r'[^0-9]', '', phone)[-2:]}"
    else:
        web.set_flash(request, "Give a conversation or a phone number to erase.", "error")
        return web.see_other("/forget")
    audit.record(db, request.ctx.user.email, "forget", target, erased.summary())
    web.set_flash(request, "Erased " + erased.summary() + ".")
    return web.see_other("/conversations")
