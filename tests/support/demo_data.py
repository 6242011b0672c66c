"""Sample conversations written the way the running assistant writes them,
for the console's tests and screenshots.

Each visitor message goes through the project's real SafetyScreen component
(so crisis intents and evidence are what production would store); the
events are real Rasa events saved through the project's tracker store class,
whose save hook records crisis flags exactly as in production. Bot replies
are the domain's own response texts where the action is a domain response.

Imports Rasa (slow), so only tests and scripts use it, never the console.
"""

import asyncio
import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Iterator, List, Optional, Sequence

import yaml

from iopnav import settings

CRISIS_ACTION = "utter_crisis_handoff"


@dataclass
class Msg:
    """One visitor message and what the ML classifier guessed for it."""

    text: str
    intent: str
    confidence: float = 0.9
    action: Optional[str] = None  # response action; default utter_<intent>
    reply: Optional[str] = None  # when the action is not a domain response
    entities: Sequence[dict] = ()  # what the entity extractors found, as Rasa reports them


@lru_cache(maxsize=1)
def domain_responses() -> Dict[str, List[dict]]:
    responses: Dict[str, List[dict]] = {}
    for path in sorted((settings.PROJECT_ROOT / "domain").rglob("*.yml")):
        responses.update((yaml.safe_load(path.read_text()) or {}).get("responses") or {})
    return responses


def response_text(action: str, channel: str) -> Optional[str]:
    variants = domain_responses().get(action) or []
    for v in variants:
        if v.get("channel") == channel and v.get("text"):
            return v["text"]
    for v in variants:
        if not v.get("channel") and v.get("text"):
            return v["text"]
    return None


@lru_cache(maxsize=1)
def _screen():
    from iopnav.safety.component import SafetyScreen

    return SafetyScreen({})


def nlu_parse(msg: Msg) -> dict:
    """What Rasa's NLU pipeline would output, with the real safety screen last."""
    from rasa.shared.nlu.training_data.message import Message

    ranking = [
        {"name": msg.intent, "confidence": msg.confidence},
        {"name": "out_of_scope", "confidence": round(1 - msg.confidence, 3)},
    ]
    message = Message(data={"text": msg.text})
    message.set("intent", ranking[0], add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)
    message.set("entities", [dict(e) for e in msg.entities], add_to_output=True)
    _screen().process([message])
    return message.as_dict(only_output_properties=True)


@contextmanager
def _environment(database_url: str, tracker_url: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("IOP_DATABASE_URL", "IOP_TRACKER_STORE_URL")}
    os.environ.update(IOP_DATABASE_URL=database_url, IOP_TRACKER_STORE_URL=tracker_url)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def conversation_events(
    messages: Sequence[Msg], start: float, channel: str = "rest", step: float = 20.0
):
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

    ts = start
    events = [
        ActionExecuted("action_session_start", timestamp=ts),
        SessionStarted(timestamp=ts),
        ActionExecuted("action_listen", timestamp=ts),
    ]
    for msg in messages:
        ts += step
        parse = nlu_parse(msg)
        intent = parse["intent"]
        events.append(
            UserUttered(
                msg.text,
                intent=intent,
                entities=parse.get("entities"),
                parse_data=parse,
                timestamp=ts,
                input_channel=channel,
                message_id=uuid.uuid4().hex,
            )
        )
        # The crisis rule answers every crisis message with the hand-off (RulePolicy).
        if intent["name"] == "crisis":
            action, policy, confidence = CRISIS_ACTION, "policy_0_RulePolicy", 1.0
        elif intent["name"] == "nlu_fallback":
            action, policy, confidence = "action_default_fallback", "policy_0_RulePolicy", 1.0
        else:
            action, policy, confidence = (
                msg.action or f"utter_{intent['name']}",
                "policy_2_TEDPolicy",
                0.87,
            )
        ts += 1
        events.append(ActionExecuted(action, policy=policy, confidence=confidence, timestamp=ts))
        text = (
            response_text(action, channel)
            or msg.reply
            or response_text("utter_default", channel)
            or "Sorry, I didn't get that. Could you say it another way?"
        )
        events.append(BotUttered(text, timestamp=ts + 0.5))
        events.append(
            ActionExecuted(
                "action_listen", policy="policy_0_RulePolicy", confidence=1.0, timestamp=ts + 0.6
            )
        )
    return events


def write_conversation(
    database_url: str,
    tracker_url: str,
    messages: Sequence[Msg],
    start: float,
    channel: str = "rest",
    sender_id: Optional[str] = None,
) -> str:
    """Save a conversation through the project's tracker store; returns its sender id."""
    from rasa.shared.core.trackers import DialogueStateTracker

    from iopnav.safety import outbox
    from iopnav.tracker_store import EnvSQLTrackerStore

    sender_id = sender_id or "web-" + uuid.uuid4().hex
    with _environment(database_url, tracker_url):
        store = EnvSQLTrackerStore()
        try:
            tracker = DialogueStateTracker.from_events(
                sender_id, conversation_events(messages, start, channel)
            )
            asyncio.run(store.save(tracker))
            # The store hands crisis moments to the outbox; staff see them once written.
            assert outbox.drain(database_url), "crisis flags not written"
        finally:
            store.engine.dispose()
    return sender_id


def add_referral(
    database_url: str,
    sender_id: str,
    first_name: str,
    contact: str,
    channel: str = "rest",
    contact_time: Optional[str] = None,
    program_interest: Optional[str] = None,
) -> int:
    """An intake request stored by the intake form's own code (checks included)."""
    from iopnav.db import session_factory
    from iopnav.referrals.checks import parse_contact
    from iopnav.referrals.save import save_referral

    parsed, problem = parse_contact(contact)
    if problem or parsed is None:
        raise ValueError(problem or "no contact given")
    with session_factory(database_url)() as db:
        row = save_referral(
            db,
            sender_id=sender_id,
            first_name=first_name,
            contact=parsed,
            contact_time=contact_time,
            consent=True,
            program_interest=program_interest,
            channel=channel,
        )
        return row.id
