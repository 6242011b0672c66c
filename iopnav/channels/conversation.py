"""What a channel reads back from a conversation's tracker.

Both channels answer from the same tracker store the Rasa server writes, so
they keep no state of their own and any server instance can take any
request: the crisis reminder and the SMS numbered options are derived from
the stored events each time.
"""

import logging
from typing import Any, Dict, Iterable, List, NamedTuple, Optional

from rasa.shared.core.trackers import EventVerbosity

from iopnav.bilingual import SLOT as LANGUAGE_SLOT
from iopnav.channels import texts
from iopnav.channels.general_answer import general_answer, last_intent
from iopnav.channels.idempotency import innermost
from iopnav.safety.session import crisis_reminder

logger = logging.getLogger(__name__)

# Said when the dialogue produced no message at all, which happens when a
# custom action fails (action server down: Rasa logs it and carries on
# silently). Silence looks like a broken chat, and a texter would get nothing.
NO_REPLY = texts.say("no_reply")


async def stored_events(app: Any, sender_id: str) -> List[Dict[str, Any]]:
    """Every event of the conversation, across sessions, as dicts.

    Across sessions because a "/restart" right after a hand-off starts a new
    session, and the reminder must survive it (iopnav.safety.session decides
    when a session really ended).
    """
    store = app.ctx.agent.tracker_store
    tracker = await store.retrieve_full_tracker(sender_id)
    if tracker is None:
        return []
    return tracker.current_state(EventVerbosity.ALL)["events"]


async def outline(app: Any, sender_id: str) -> List[Dict[str, Any]]:
    """What the crisis reminder reads: every event's type, name and time.
    Our SQL store reads those three columns only; any other store (tests use
    Rasa's in-memory one) gives the whole tracker."""
    inner = innermost(app.ctx.agent.tracker_store)
    if hasattr(inner, "outline"):
        return list(await inner.outline(sender_id))
    return await stored_events(app, sender_id)


def last_language(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The conversation's language: the last value its `language` slot was
    set to (docs/language.md), None if it never was."""
    language = None
    for event in events:
        if event.get("event") == "slot" and event.get("name") == LANGUAGE_SLOT:
            language = event.get("value")
    return language


class AfterTurn(NamedTuple):
    """What to add around a turn's reply."""

    stand_in: Optional[str] = None  # when the dialogue said nothing
    reminder: Optional[str] = None  # the crisis reminder to end with
    language: Optional[str] = None  # the conversation's language after the turn
    # When the dialogue said nothing to a knowledge question: its general
    # paragraph (a domain response), sent instead of the stand-in.
    general: Optional[Dict[str, Any]] = None


async def after_turn(app: Any, sender_id: str, answered: bool, channel: str) -> AfterTurn:
    """One read of the stored conversation after a turn. NO_REPLY names 988
    and 911 itself, so it needs no reminder after it."""
    try:
        events = await outline(app, sender_id)
    except Exception:  # the reply itself must still go out
        logger.exception("could not read the tracker for the crisis reminder")
        return AfterTurn(None if answered else NO_REPLY)
    language = last_language(events)
    reminder = crisis_reminder(events, language, channel)
    if not answered:
        general = await general_answer(app.ctx.agent, last_intent(events), language, channel)
        if general:
            return AfterTurn(None, reminder, language, general)
        return AfterTurn(texts.say("no_reply", language, channel), None, language)
    return AfterTurn(None, reminder, language)


def last_turn_options(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The buttons the bot offered in its latest turn, in the order shown.

    Only the turn after the last user message counts: an old menu must not
    turn a later "2" (an answer to something else) into a button press.
    """
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    options: List[Dict[str, Any]] = []
    for event in events[last_user + 1 :]:
        if event.get("event") != "bot":
            continue
        data = event.get("data") or {}
        for button in data.get("buttons") or data.get("quick_replies") or []:
            if is_option(button):
                options.append(button)
    return options


def is_option(button: Any) -> bool:
    """A button a person can choose by replying with its number (link
    buttons have a URL instead of a payload and are shown as links)."""
    return isinstance(button, dict) and bool(button.get("payload")) and bool(button.get("title"))


async def offered_options(app: Any, sender_id: str) -> List[Dict[str, Any]]:
    try:
        return last_turn_options(await stored_events(app, sender_id))
    except Exception:  # without options, a digit is read as plain text
        logger.exception("could not read the tracker for the offered options")
        return []


# Buttons that stay after a hand-off: answers about safety itself. Topic
# menus and program buttons go, because someone just told us they are in
# danger (issue 11: no topic menus or sales buttons in crisis mode).
SAFETY_PAYLOAD_INTENTS = {
    "crisis",
    "affirm",
    "deny",
    "express_unsure",
    "im_ok_now",
    "ask_help_now",
    "request_human",
}


def _payload_intent(button: Dict[str, Any]) -> str:
    payload = str(button.get("payload") or "")
    return payload[1:].split("{", 1)[0].split("@", 1)[0] if payload.startswith("/") else ""


def without_topic_buttons(replies: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The replies with every button that is not about safety removed."""
    calm = []
    for reply in replies:
        buttons = reply.get("buttons")
        if buttons:
            kept = [b for b in buttons if _payload_intent(b) in SAFETY_PAYLOAD_INTENTS]
            reply = (
                {**reply, "buttons": kept}
                if kept
                else {k: v for k, v in reply.items() if k != "buttons"}
            )
        calm.append(reply)
    return calm
