"""Conversation list, transcript, and the reviewer's annotations on it.

URLs name a conversation by its number (first event id), never by sender id:
SMS sender ids are phone numbers, and URLs end up in history and proxies.
"""

from dataclasses import astuple
from typing import Optional, Tuple
from urllib.parse import unquote

from sanic import Blueprint, Request, response

from iopnav.console import annotations, audit, referral_queue, tracker, transcript, web
from iopnav.console.conversations import ListFilters, burst_by_id, list_conversations
from iopnav.referrals import REFERRAL_STATUSES
from iopnav.safety.flags import CrisisFlag, acknowledge

bp = Blueprint("conversations")


def transcript_url(key: Optional[int]) -> str:
    return f"/transcript/{key}" if key is not None else "/conversations"


@bp.get("/conversations")
async def conversation_list(request: Request):
    db = request.ctx.db
    filters, errors = ListFilters.from_args(request.args)
    eng = web.tracker_of(request)
    page = list_conversations(db, eng, filters)
    used = [
        n
        for n in ("start", "end", "channel", "flagged", "intake", "fallback", "reviewed", "burst")
        if request.args.get(n)
    ]
    audit.record(
        db,
        request.ctx.user.email,
        "view_list",
        "conversations",
        f"page {page.page}"
        + (f"; filters: {', '.join(used)}" if used else "")
        + ("; text search" if filters.q else ""),
    )
    return web.render(
        request,
        "conversations.html",
        page=page,
        filters=filters,
        errors=errors,
        channels=tracker.channels(eng),
        transcript_url=transcript_url,
    )


@bp.get("/conversations/<sender_id:path>")
async def conversation_by_sender(request: Request, sender_id: str):
    """Links by sender id (the staff alert sends these) go to the numbered page.
    Every lookup is audited, found or not: the answer tells whether a phone
    number has texted the clinic, so probing leaves a trail (the id itself is
    not stored)."""
    # Sanic hands the path over still percent-encoded; ids may hold "+", "/" or spaces.
    key = tracker.key_of(web.tracker_of(request), unquote(sender_id))
    audit.record(
        request.ctx.db,
        request.ctx.user.email,
        "lookup_sender",
        audit.conversation_target(key) if key is not None else "no such conversation",
        "by sender id",
    )
    if key is None:
        return web.error_page(
            request, 404, "There is no conversation with that id (it may have been deleted)."
        )
    return response.redirect(transcript_url(key))


@bp.get("/transcript/<key:int>")
async def conversation(request: Request, key: int):
    db = request.ctx.db
    sender_id = web.conversation_or_404(request, str(key)).sender_id
    events = tracker.conversation_events(web.tracker_of(request), sender_id)
    flags = (
        db.query(CrisisFlag).filter_by(sender_id=sender_id).order_by(CrisisFlag.created_at).all()
    )
    turns = transcript.build(events, flags, annotations.corrections_of(db, sender_id))
    audit.record(db, request.ctx.user.email, "view_conversation", audit.conversation_target(key))
    return web.render(
        request,
        "transcript.html",
        key=key,
        sender_id=sender_id,
        turns=turns,
        flags=flags,
        open_flags=[f for f in flags if not f.acknowledged],
        referrals=referral_queue.for_sender(db, sender_id),
        review=annotations.review_of(db, sender_id),
        notes=annotations.notes_of(db, sender_id),
        intents=annotations.domain_intents(),
        snippets={t.flag.id: t.snippets for t in turns if t.flag is not None},
        url=transcript_url(key),
        channels=sorted({t.channel for t in turns if t.channel}),
        statuses=REFERRAL_STATUSES,
    )


def _conversation_in_form(request: Request) -> Tuple[int, str]:
    """(number, sender id) of the conversation a form posts, or a 404."""
    return astuple(web.conversation_or_404(request, web.form_value(request, "conversation")))


@bp.post("/annotate/review")
async def mark_reviewed(request: Request):
    key, sender = _conversation_in_form(request)
    reviewed = web.form_value(request, "reviewed") == "1"
    annotations.set_reviewed(request.ctx.db, sender, request.ctx.user.email, reviewed)
    audit.record(
        request.ctx.db,
        request.ctx.user.email,
        "review" if reviewed else "unreview",
        audit.conversation_target(key),
    )
    web.set_flash(request, "Marked as reviewed." if reviewed else "Marked as not reviewed.")
    return web.see_other(transcript_url(key))


@bp.post("/annotate/note")
async def add_note(request: Request):
    key, sender = _conversation_in_form(request)
    try:
        annotations.add_note(
            request.ctx.db, sender, request.ctx.user.email, web.form_value(request, "text")
        )
    except annotations.AnnotationError as exc:
        web.set_flash(request, str(exc), "error")
    else:
        audit.record(request.ctx.db, request.ctx.user.email, "note", audit.conversation_target(key))
        web.set_flash(request, "Note added.")
    return web.see_other(transcript_url(key) + "#notes")


@bp.post("/annotate/tag")
async def tag_intent(request: Request):
    db = request.ctx.db
    key, sender = _conversation_in_form(request)
    raw_id = web.form_value(request, "event_id")
    event = None
    if raw_id.isdigit():
        event = next(
            (
                e
                for e in tracker.conversation_events(web.tracker_of(request), sender)
                if e.id == int(raw_id) and e.type_name == "user"
            ),
            None,
        )
    if event is None:
        web.set_flash(request, "That message is not part of this conversation.", "error")
        return web.see_other(transcript_url(key))
    predicted = ((event.data.get("parse_data") or {}).get("intent") or {}).get("name")
    correct = web.form_value(request, "intent")
    try:
        annotations.tag_intent(
            db,
            sender,
            event.id,
            event.data.get("text") or "",
            predicted,
            correct,
            request.ctx.user.email,
        )
    except annotations.AnnotationError as exc:
        web.set_flash(request, str(exc), "error")
    else:
        audit.record(
            db,
            request.ctx.user.email,
            "tag_intent",
            audit.conversation_target(key),
            f"message {event.id}: {predicted} -> {correct}",
        )
        web.set_flash(request, f"Tagged: this message meant {correct}.")
    return web.see_other(transcript_url(key) + f"#m{event.id}")


@bp.post("/flags/bursts/<burst_id:int>/acknowledge")
@web.admin_only("acknowledge a burst of crisis flags")
async def acknowledge_burst(request: Request, burst_id: int):
    """H1: one audited step for a flood, with a reason; the flags stay."""
    db = request.ctx.db
    reason = web.form_value(request, "reason").strip()
    burst = burst_by_id(db, burst_id)
    if burst is None:
        web.set_flash(request, "That burst has no open flags any more.", "error")
        return web.see_other("/conversations")
    if not reason:
        web.set_flash(request, "Give a reason: it goes into the audit log.", "error")
        return web.see_other(f"/conversations?burst={burst_id}")
    flags = db.query(CrisisFlag).filter(CrisisFlag.id.in_(burst.flag_ids)).all()
    done = acknowledge(db, flags, request.ctx.user.email, reason)
    db.commit()
    audit.record(
        db,
        request.ctx.user.email,
        "acknowledge_burst",
        f"crisis burst {burst_id}",
        f"{done} flag(s) of {burst.conversations} conversation(s); reason: {reason[:300]}",
    )
    web.set_flash(request, f"Acknowledged {done} crisis flag(s). They stay on record.")
    return web.see_other("/conversations")


@bp.post("/flags/<flag_id:int>/acknowledge")
async def acknowledge_flag(request: Request, flag_id: int):
    db = request.ctx.db
    flag = web.get_or_404(request, CrisisFlag, flag_id, "There is no such crisis flag.")
    key = tracker.key_of(web.tracker_of(request), flag.sender_id)
    if not flag.acknowledged:
        # The flag stays: acknowledging records the follow-up, it does not undo the crisis.
        acknowledge(db, [flag], request.ctx.user.email)
        db.commit()
        audit.record(
            db,
            request.ctx.user.email,
            "acknowledge_flag",
            audit.conversation_target(key) if key is not None else f"crisis flag {flag.id}",
            f"flag {flag.id} ({flag.category})",
        )
        web.set_flash(request, "Crisis flag acknowledged. It stays on record.")
    return web.see_other(transcript_url(key))
