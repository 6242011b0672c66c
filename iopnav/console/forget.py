""" "Forget this visitor": erase one conversation, or every conversation and
intake request tied to a phone number (admin only, audited by the caller).

Removes the tracker events, intake requests, reviews, notes and intent
tags, and for a phone number its SMS opt-out row. Crisis flags are never
deleted (safety rule: nothing removes a flag); they are anonymised instead:
the sender id (which may be a phone number) becomes a random id, so nobody
can find the flag again by hashing a number, and the quoted evidence is
erased; the time, category, channel and counts stay. A conversation with an
OPEN crisis flag is not forgotten: staff follow up and acknowledge it first,
otherwise the crisis would drop out of the console unanswered.

An in-flight Rasa turn can still save just after the delete (the turn it
read before, or with Rasa's own store the whole session again), so the
events are deleted again after IOP_FORGET_RECHECK_SECONDS (2).
The audit log keeps the fact that an erasure happened.
"""

import logging
import threading
from dataclasses import dataclass, field
from typing import Dict, List

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from iopnav import phones, settings
from iopnav.channels.optout import SmsOptOut
from iopnav.console import tracker
from iopnav.console.models import ConversationNote, ConversationReview, IntentCorrection
from iopnav.referrals import Referral
from iopnav.safety.flags import CrisisFlag, anonymise, open_flags

logger = logging.getLogger(__name__)
OPEN_FLAG = (
    "This conversation has an open crisis flag. Follow it up and acknowledge the flag "
    "first; then it can be forgotten."
)


class ForgetError(ValueError):
    """Bad input; the message is shown to the admin."""


@dataclass
class Erased:
    conversations: int = 0
    counts: Dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            (
                "events",
                "referrals",
                "crisis_flags_anonymised",
                "notes",
                "reviews",
                "intent_tags",
                "sms_opt_outs",
            ),
            0,
        )
    )

    def add(self, other: Dict[str, int]) -> None:
        self.conversations += 1
        for k, v in other.items():
            self.counts[k] += v

    def summary(self) -> str:
        parts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in self.counts.items())
        return f"{self.conversations} conversation(s): {parts}"


def app_data_delete(
    db: Session, sender_id: str, with_referrals: bool = True, with_crisis_flags: bool = True
) -> Dict[str, int]:
    """Delete the application-database rows tied to one conversation (no commit).

    with_crisis_flags (an admin's explicit "forget me") anonymises the
    conversation's crisis flags; no path deletes one."""
    flags = db.query(CrisisFlag).filter_by(sender_id=sender_id).all() if with_crisis_flags else []
    counts = {
        "crisis_flags_anonymised": anonymise(db, flags),
        "notes": db.query(ConversationNote).filter_by(sender_id=sender_id).delete(),
        "reviews": db.query(ConversationReview).filter_by(sender_id=sender_id).delete(),
        "intent_tags": db.query(IntentCorrection).filter_by(sender_id=sender_id).delete(),
    }
    if with_referrals:
        counts["referrals"] = db.query(Referral).filter_by(sender_id=sender_id).delete()
    return counts


def refuse_open_flags(db: Session, senders: List[str]) -> None:
    if any(open_flags(db, s) for s in senders):
        raise ForgetError(OPEN_FLAG)


def forget_sender(db: Session, eng: Engine, sender_id: str) -> Dict[str, int]:
    refuse_open_flags(db, [sender_id])
    counts = app_data_delete(db, sender_id)
    db.commit()
    counts["events"] = tracker.delete_conversation(eng, sender_id)
    recheck_later(eng, sender_id)
    return counts


def recheck_later(eng: Engine, sender_id: str) -> threading.Timer:
    """Delete the events once more after a turn that was in flight has saved."""

    def again() -> None:
        try:
            if tracker.delete_conversation(eng, sender_id):
                logger.warning("forget: an in-flight turn had saved events again; deleted")
        except Exception as exc:  # logged by type: the message may name the sender
            logger.error("forget: the re-check failed (%s)", type(exc).__name__)

    timer = threading.Timer(float(settings.env("IOP_FORGET_RECHECK_SECONDS", "2")), again)
    timer.daemon = True
    timer.start()
    return timer


def preview(db: Session, eng: Engine, sender_id: str) -> Dict[str, int]:
    """What forgetting this conversation would remove (for the confirm page)."""
    events = len(tracker.conversation_events(eng, sender_id))
    return {
        "events": events,
        "referrals": db.query(Referral).filter_by(sender_id=sender_id).count(),
        "crisis_flags": db.query(CrisisFlag).filter_by(sender_id=sender_id).count(),
        "open_crisis_flags": open_flags(db, sender_id),
        "notes": db.query(ConversationNote).filter_by(sender_id=sender_id).count(),
    }


def normalise_phone(raw: str) -> str:
    number = phones.parse(raw, dialable=False)
    if number is None:
        raise ForgetError("That is not a phone number we can read; write it like +1 555 123 4567.")
    return phones.e164(number)


def _same_number(value: str, e164: str) -> bool:
    try:
        return normalise_phone(value) == e164
    except ForgetError:
        return False


def senders_for_phone(db: Session, eng: Engine, raw_phone: str) -> List[str]:
    """SMS conversations whose sender is the number (with or without a
    channel prefix such as "whatsapp:") and conversations whose intake
    request gave the number."""
    e164 = normalise_phone(raw_phone)
    senders = {
        r.sender_id
        for r in db.query(Referral).filter(Referral.phone.isnot(None))
        if _same_number(r.phone, e164)
    }
    if tracker.has_events_table(eng):
        digits = e164.lstrip("+")
        candidates = (
            sa.select(tracker.events.c.sender_id)
            .where(tracker.events.c.sender_id.like(f"%{digits[-7:]}"))
            .distinct()
        )
        with eng.connect() as conn:
            for (sender,) in conn.execute(candidates):
                bare = sender.split(":", 1)[-1]
                if _same_number(bare, e164):
                    senders.add(sender)
    return sorted(senders)


def forget_phone(db: Session, eng: Engine, raw_phone: str) -> Erased:
    e164 = normalise_phone(raw_phone)
    senders = senders_for_phone(db, eng, raw_phone)
    refuse_open_flags(db, senders)  # before anything is erased
    erased = Erased()
    for sender in senders:
        erased.add(forget_sender(db, eng, sender))
    # The opt-out row is deleted, not kept hashed: the assistant never starts
    # a text (it only answers), and the carrier keeps enforcing STOP itself;
    # see docs/console.md.
    opt_outs = db.query(SmsOptOut).filter(SmsOptOut.phone.like(f"%{e164}"))
    for row in opt_outs:
        if row.phone.split(":", 1)[-1] == e164:  # as Twilio sent it, e.g. "whatsapp:+1..."
            db.delete(row)
            erased.counts["sms_opt_outs"] += 1
    # Intake requests with the number whose conversation is already gone.
    extra = [
        r
        for r in db.query(Referral).filter(Referral.phone.isnot(None))
        if _same_number(r.phone, e164)
    ]
    for r in extra:
        db.delete(r)
    db.commit()
    erased.counts["referrals"] += len(extra)
    return erased
