"""The web page's own answer when Rasa cannot give one in time (down, 5xx,
past the turn deadline) or the visitor is over a rate limit.

The page process has no Rasa model, so it reads the text with the rule screen
(iopnav.safety.screen.assess) alone: a crisis gets the same hand-off Rasa
would send (resources.handoff_for) and a crisis flag for staff
(outbox.enqueue_flag); anything else gets a stand-in that names 988 and 911.
The reply has the widget's normal format (a list of messages), so the visitor
never sees silence or a bare error.
"""

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, List, Optional

from iopnav.channels import texts
from iopnav.channels.cleaning import clean_text
from iopnav.safety import outbox, resources

logger = logging.getLogger(__name__)

# Flags from this path carry the web channel's name, like Rasa's own flags.
CHANNEL = "rest"
NOT_DELIVERED = texts.say("not_delivered")


@dataclass
class Verdict:
    crisis: bool
    category: Optional[str] = None
    kind: Optional[str] = None
    evidence: Optional[List[str]] = None
    # The screen itself failed: nobody has read the message.
    unread: bool = False


@lru_cache(maxsize=1)
def _handoff_resources() -> Dict[str, Any]:
    return resources.load()


def warm_up() -> None:
    """Load the screen (spaCy) and the resources before the first fallback needs them."""
    screen_text("hello")
    _handoff_resources()


def screen_text(raw: Any) -> Verdict:
    """The rule screen's reading of a chat message (the cleaned, shortened text
    Rasa would get). Synchronous and CPU-bound: call it from a thread."""
    from iopnav.safety.component import danger_kind
    from iopnav.safety.screen import assess

    try:
        text = clean_text(raw).text
    except Exception:  # empty, binary, not a string: nothing to screen
        return Verdict(False)
    try:
        assessment = assess(text)
    except Exception:
        logger.exception("the crisis screen failed")
        return Verdict(False, unread=True)
    if not assessment.is_crisis:
        return Verdict(False)
    return Verdict(
        True,
        assessment.category or "unspecified",
        danger_kind(assessment, None),
        list(assessment.evidence),
    )


def event_key(sender: str, text: str, now: Optional[float] = None) -> str:
    """One flag per sender, text and minute: a retried message is not flagged twice."""
    minute = int((now if now is not None else time.time()) // 60)
    digest = hashlib.sha256(f"{sender}\n{text}\n{minute}".encode()).hexdigest()
    return f"web-fallback:{digest}"


def handoff_reply(
    sender: str,
    raw: Any,
    verdict: Verdict,
    why: str,
    hint: Optional[str] = None,
    message_id: Optional[str] = None,
) -> List[Dict[str, Any]]:
    """Flag the crisis for staff and return the hand-off, as Rasa would.
    With the widget's message id the flag has the key Rasa's turn for that
    message has, so a resend that Rasa answers later is the same moment."""
    outbox.enqueue_flag(
        sender,
        message_id or event_key(sender, str(raw)),
        verdict.category or "unspecified",
        CHANNEL,
        evidence=json.dumps(verdict.evidence or []),
        note=f"answered by the web page ({why}): check the conversation",
    )
    text = resources.handoff_for(_handoff_resources(), verdict.kind, "web", language_of(raw, hint))
    return [{"recipient_id": sender, "text": text}]


def language_of(raw: Any, hint: Optional[str] = None) -> str:
    """The message's own language (this process keeps no conversation), else
    the widget's (`hint`, from its Accept-Language), else English."""
    return texts.language_for(str(raw or ""), hint)


def stand_in_reply(sender: str, text: str = NOT_DELIVERED) -> List[Dict[str, Any]]:
    # "not_delivered" tells the widget to give the visitor their text back.
    return [{"recipient_id": sender, "text": text, "status": "not_delivered"}]


def reply(
    sender: str,
    raw: Any,
    verdict: Verdict,
    why: str,
    hint: Optional[str] = None,
    message_id: Optional[str] = None,
) -> List[Dict[str, Any]]:
    """The page's answer for a turn Rasa did not answer."""
    if verdict.crisis:
        return handoff_reply(sender, raw, verdict, why, hint, message_id)
    language = language_of(raw, hint)
    answer = stand_in_reply(sender, texts.say("not_delivered", language))
    if verdict.unread:
        # Nothing could read the message: the crisis lines, in case it needed them.
        general = resources.handoff_for(_handoff_resources(), None, "web", language)
        answer.append({"recipient_id": sender, "text": general})
    return answer
