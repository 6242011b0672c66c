"""The channels' own answer when the dialogue cannot give one.

A turn can fail (the tracker store or the lock store is down, a save fails
after the replies were generated) or hang (the per-sender lock is held by a
turn waiting on a hung action server: Rasa waits up to 60 s for the lock and
300 s for an action, and Twilio gives up after 15 s). The channel then screens
the text itself, in this process:

1. the Rasa NLU pipeline only (Agent.parse_message: no tracker store, no
   lock), which holds the rule screen AND the learned risk model, so the
   decision is the one the dialogue would have taken;
2. if that fails or is too slow, the rule screen alone (screen.assess).

A crisis gets the hand-off for its kind and channel (the same text as the
domain response) and a crisis flag through outbox.enqueue_flag; anything else
gets the channel's stand-in, which names 988 and 911.

The dialogue turn itself is never cancelled at the deadline (asyncio.shield):
it keeps waiting in the background, so when the fault ends the message is
still stored and the tracker store flags it too.
"""

import asyncio
import hashlib
import json
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Set, Tuple

from rasa.core.channels.channel import OutputChannel, UserMessage

from iopnav import settings
from iopnav.bilingual import SLOT as LANGUAGE_SLOT
from iopnav.clock import utcnow
from iopnav.nlu.language import ENGLISH, LANGUAGES, detect
from iopnav.ops import turns
from iopnav.safety import outbox, resources

logger = logging.getLogger(__name__)

# Per-turn deadlines, in seconds. SMS: Twilio waits 15 s for the webhook.
DEADLINE_SETTINGS = {
    "rest": ("IOP_WEB_TURN_DEADLINE", 10.0),
    "sms": ("IOP_SMS_TURN_DEADLINE", 12.0),
}
# How long each in-process screen may take before the next one is tried.
SCREEN_SECONDS = float(settings.env("IOP_FALLBACK_SCREEN_SECONDS", "3"))

CRISIS_INTENT = "crisis"
# How long the fallback may wait for the stored conversation's language.
LANGUAGE_LOOKUP_SECONDS = 1.0

# Turns still running after their deadline: a task nobody references can be
# garbage-collected mid-flight, and the message would then never be stored.
_late_turns: Set["asyncio.Task[Any]"] = set()


def turn_deadline(channel: str) -> float:
    name, default = DEADLINE_SETTINGS[channel]
    try:
        return max(0.1, float(settings.env(name, str(default))))
    except ValueError:
        logger.error("%s is not a number of seconds; using %s", name, default)
        return default


class TurnLate(Exception):
    """The dialogue did not answer within the channel's deadline."""


async def run_turn(turn: Awaitable[Any], deadline: float) -> Optional[Exception]:
    """Run one dialogue turn; None if it finished in time, else why not
    (its exception, or TurnLate while it goes on in the background)."""
    task = asyncio.ensure_future(turn)
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=deadline)
    except asyncio.TimeoutError:
        _late_turns.add(task)
        task.add_done_callback(_late_turn_done)
        return TurnLate(f"no answer within {deadline:g} s")
    except Exception as exc:  # the caller answers; the cause is logged there
        return exc
    return None


async def run_message(
    call: Callable[[UserMessage], Awaitable[Any]],
    text: str,
    output: Optional[OutputChannel],
    sender_id: str,
    channel: str,
    metadata: Optional[Dict[str, Any]],
    message_id: Optional[str] = None,
) -> Tuple[Optional[Exception], str]:
    """One user message through `call` (the dialogue's on_new_message, or
    Agent.log_message) within the channel's deadline: (why it did not
    finish or None, the message id the turn carries)."""
    message_id = message_id or new_message_id()
    message = UserMessage(
        text,
        output,
        sender_id,
        input_channel=channel,
        message_id=message_id,
        metadata=metadata or None,
    )
    failure = await run_turn(call(message), turn_deadline(channel))
    if failure is not None:
        turns.fell_back(failure_kind(failure))
    return failure, message_id


def failure_kind(failure: BaseException) -> str:
    """The error kind a turn the dialogue did not finish is counted under."""
    from rasa.core.lock_store import LockError

    if isinstance(failure, TurnLate):
        return "turn_late"
    if isinstance(failure, LockError):
        return "lock_store"
    return "turn_failed"


def _late_turn_done(task: "asyncio.Task[Any]") -> None:
    _late_turns.discard(task)
    if task.cancelled():
        return
    if task.exception() is not None:
        logger.error("a late dialogue turn failed too", exc_info=task.exception())
    else:
        logger.info("a late dialogue turn finished (its message is stored)")


@dataclass
class Verdict:
    crisis: bool
    kind: Optional[str] = None
    category: Optional[str] = None
    evidence: List[str] = field(default_factory=list)
    source: str = "none"  # nlu | rules | none (both screens failed)


def verdict_from_parse(parse_data: Dict[str, Any]) -> Verdict:
    """What the NLU pipeline (with the SafetyScreen last) decided."""
    safety = parse_data.get("safety") or {}
    if ((parse_data.get("intent") or {}).get("name")) != CRISIS_INTENT:
        return Verdict(False, source="nlu")
    entities = {e.get("entity"): e.get("value") for e in parse_data.get("entities") or []}
    return Verdict(
        True,
        kind=entities.get("crisis_kind") or safety.get("crisis_kind"),
        category=safety.get("category") or entities.get("crisis_category") or "ml_detected",
        evidence=list(safety.get("evidence") or []),
        source="nlu",
    )


def verdict_from_rules(text: str) -> Verdict:
    # Imported here: the screen loads spaCy, and the component module Rasa.
    from iopnav.safety.component import danger_kind
    from iopnav.safety.screen import assess

    assessment = assess(text)
    if not assessment.is_crisis:
        return Verdict(False, source="rules")
    return Verdict(
        True,
        kind=danger_kind(assessment, None),
        category=assessment.category or "rules_detected",
        evidence=list(assessment.evidence),
        source="rules",
    )


# The channels' own screens run in a small pool of their own: a flood of
# refused (over-budget) requests then waits here, and cannot starve the
# default pool that cleans every ordinary message.
_SCREEN_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="iop-screen")


def _in_screen_pool(function: Callable[..., Any], *args: Any) -> "asyncio.Future[Any]":
    return asyncio.get_running_loop().run_in_executor(_SCREEN_POOL, function, *args)


def _parse(agent: Any, text: str) -> Dict[str, Any]:
    # Agent.parse_message is a coroutine that runs the graph synchronously:
    # in a worker thread it cannot stall every other conversation.
    return asyncio.run(agent.parse_message(text))


async def screen_message(agent: Any, text: str, seconds: float = SCREEN_SECONDS) -> Verdict:
    """The NLU pipeline's crisis decision, else the rule screen's; a verdict
    of "not crisis" with source "none" if both fail."""
    try:
        if agent is None or not agent.is_ready():
            raise RuntimeError("no model loaded")
        return verdict_from_parse(
            await asyncio.wait_for(_in_screen_pool(_parse, agent, text), seconds)
        )
    except Exception as exc:
        logger.warning("NLU screen unavailable (%s): using the rule screen", type(exc).__name__)
    try:
        return await asyncio.wait_for(_in_screen_pool(verdict_from_rules, text), seconds)
    except Exception:
        logger.exception("the rule screen failed too")
    return Verdict(False)


def event_key(sender_id: str, text: str) -> str:
    """One flag per sender, text and minute: a retried request does not
    raise a second one."""
    minute = utcnow().strftime("%Y-%m-%dT%H:%M")
    digest = hashlib.sha256(f"{sender_id}\n{text}\n{minute}".encode()).hexdigest()
    return f"fallback:{digest}"


def raise_flag(
    sender_id: str,
    text: str,
    verdict: Verdict,
    channel: str,
    note: Optional[str] = None,
    message_id: Optional[str] = None,
) -> None:
    """Flag a crisis the channel found. With the message id the dialogue turn
    carries, the tracker store's own flag for that message (when the late
    turn is saved) is the same flag, not a second one."""
    outbox.enqueue_flag(
        sender_id,
        message_id or event_key(sender_id, text),
        verdict.category or "fallback_detected",
        channel,
        evidence=json.dumps(verdict.evidence),
        note=note,
    )


def handoff(kind: Optional[str], channel: str, language: str = ENGLISH) -> str:
    return resources.handoff_for(resources.load(), kind, channel, language)


async def language_of(agent: Any, sender_id: str, text: str) -> str:
    """The language to answer `text` in: its own, else the conversation's last
    known one, else English. The stored conversation is read within
    LANGUAGE_LOOKUP_SECONDS, as the store may be what failed."""
    own = detect(text)
    if own:
        return own
    try:
        tracker = await asyncio.wait_for(
            agent.tracker_store.retrieve_full_tracker(sender_id), LANGUAGE_LOOKUP_SECONDS
        )
        known = tracker.get_slot(LANGUAGE_SLOT) if tracker is not None else None
    except Exception as exc:
        logger.warning("conversation language unknown (%s): English", type(exc).__name__)
        known = None
    return known if known in LANGUAGES else ENGLISH


def handoff_kind(text: str) -> Optional[str]:
    """The kind of danger if `text` is one of the domain's hand-off
    variations ("general" for the general one), else None."""
    return resources.handoff_kinds(resources.load()).get(text)


def is_handoff(text: str) -> bool:
    return handoff_kind(text) is not None


def flag_handoff(sender_id: str, message_id: str, said: List[str], channel: str) -> None:
    """A turn the dialogue answered with the hand-off is flagged from the
    channel too, keyed by the turn's message id: when the tracker store has
    flagged it (in its save, before the reply came back) this is a no-op
    (same key); when its save failed (Rasa's FailSafeTrackerStore hides that
    and answers anyway) this is the flag staff get."""
    kinds = [kind for kind in map(handoff_kind, said) if kind]
    if kinds:
        turns.handed_off(kinds[0], "dialogue")
        outbox.enqueue_flag(sender_id, message_id, "handoff_sent", channel)


def names_crisis_line(texts: Iterable[str]) -> bool:
    """Whether a reply already points to the crisis line (e.g. the hand-off
    the dialogue generated before its save failed)."""
    line = str(resources.load()["crisis_line"]["call"])
    return any(line in (t or "") for t in texts)


async def rescue(
    agent: Any,
    sender_id: str,
    text: str,
    channel: str,
    already_said: List[str],
    message_id: Optional[str] = None,
) -> Optional[str]:
    """For a turn the dialogue could not finish: screen the text; for a
    crisis raise the flag and return the hand-off to send (None if the
    replies the dialogue already produced carry it, or no crisis)."""
    verdict = await screen_message(agent, text)
    if not verdict.crisis:
        return None
    logger.warning("crisis answered by the channel's own screen (%s)", verdict.source)
    raise_flag(sender_id, text, verdict, channel, message_id=message_id)
    if names_crisis_line(already_said):
        turns.handed_off(verdict.kind, "dialogue")  # it did, before its turn failed
        return None
    turns.handed_off(verdict.kind, "channel")
    return handoff(verdict.kind, channel, await language_of(agent, sender_id, text))


def new_message_id() -> str:
    """The id of a dialogue turn's UserMessage (Rasa's own format), known to
    the channel so its fallback flag and the tracker store's are one."""
    return uuid.uuid4().hex
