""" "Forget this visitor": erase one conversation, or every conversation and
intake request tied to a phone number (admin only, audited by the caller).

Removes the tracker events, intake requests, reviews, notes and intent
tags. Crisis flags are never deleted (safety rule: nothing removes a flag);
they are anonymised instead: the link to the visitor (sender id, which may be
a phone number) and the quoted evidence are erased, the time, category and
channel stay, so crisis counts and follow-up history remain true. The audit
log keeps the fact that an erasure happened.
"""

import hashlib
from dataclasses import dataclass, field
from typing import Dict, List

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from iopnav import phones
from iopnav.console import tracker
from iopnav.console.models import ConversationNote, ConversationReview, IntentCorrection
from iopnav.referrals import Referral
from iopnav.safety.flags import CrisisFlag


class ForgetError(ValueError):
    """Bad input; the message is shown to the admin."""


@dataclass
class Erased:
    conversations: int = 0
    counts: Dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("events", "referrals", "crisis_flags_anonymised", "notes", "reviews", "intent_tags"), 0
        )
    )

    def add(self, other: Dict[str, int]) -> None:
        self.conversations += 1
        for k, v in other.items():
            self.counts[k] += v

    def summary(self) -> str:
        parts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in self.counts.items())
        return f"{self.conversations} conversation(s): {parts}"


def anonymous_id(sender_id: str) -> str:
    """What a forgotten visitor's crisis flags keep instead of their id."""
    return "forgotten-" + hashlib.sha256(sender_id.encode()).hexdigest()[:16]


def app_data_delete(
    db: Session, sender_id: str, with_referrals: bool = True, with_crisis_flags: bool = True
) -> Dict[str, int]:
    """Delete the application-database rows tied to one conversation (no commit).

    with_crisis_flags (an admin's explicit "forget me") anonymises the
    conversation's crisis flags; no path deletes one."""
    counts = {
        "crisis_flags_anonymised": db.query(CrisisFlag)
        .filter_by(sender_id=sender_id)
        .update({"sender_id": anonymous_id(sender_id), "evidence": None}, synchronize_session=False)
        if with_crisis_flags
        else 0,
        "notes": db.query(ConversationNote).filter_by(sender_id=sender_id).delete(),
        "reviews": db.query(ConversationReview).filter_by(sender_id=sender_id).delete(),
        "intent_tags": db.query(IntentCorrection).filter_by(sender_id=sender_id).delete(),
    }
    if with_referrals:
        counts["referrals"] = db.query(Referral).filter_by(sender_id=sender_id).delete()
    return counts


def forget_sender(db: Session, eng: Engine, sender_id: str) -> Dict[str, int]:
    counts = app_data_delete(db, sender_id)
    db.commit()
    counts["events"] = tracker.delete_conversation(eng, sender_id)
    return counts


def preview(db: Session, eng: Engine, sender_id: str) -> Dict[str, int]:
    """What forgetting this conversation would remove (for the confirm page)."""
    events = len(tracker.conversation_events(eng, sender_id))
    return {
        "events": events,
        "referrals": db.query(Referral).filter_by(sender_id=sender_id).count(),
        "crisis_flags": db.query(CrisisFlag).filter_by(sender_id=sender_id).count(),
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
    erased = Erased()
    for sender in senders_for_phone(db, eng, raw_phone):
        erased.add(forget_sender(db, eng, sender))
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
