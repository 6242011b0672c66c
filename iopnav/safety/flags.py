"""Crisis flags: at most one OPEN flag per conversation, for staff.

Every crisis moment (one message, by its Rasa message id) is recorded once in
`crisis_flag_moments`. The first moment of a conversation without an open
flag opens a flag; later moments are counted on that open flag (`moments`,
`last_moment_at`) instead of adding rows, so a flood of crisis messages
cannot push a real crisis off the staff's screen (review H1). A partial
unique index keeps "one open flag per conversation" true even when two
processes record at once.

Nothing deletes a flag. Acknowledging records the follow-up; "forget me" and
crisis retention only anonymise (random id, evidence dropped).
"""

import uuid
from datetime import timedelta
from enum import Enum
from typing import Dict, Iterable, List, Optional, Set

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from iopnav import settings
from iopnav.clock import utcnow
from iopnav.db import Base, session_factory


class CrisisFlag(Base):
    __tablename__ = "crisis_flags"
    __table_args__ = (
        UniqueConstraint("sender_id", "event_key", name="uq_crisis_flag_event"),
        Index(
            "uq_crisis_flag_open",
            "sender_id",
            unique=True,
            sqlite_where=text("acknowledged = 0"),
            postgresql_where=text("NOT acknowledged"),
        ),
    )

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    # The first moment's Rasa message id (or timestamp).
    event_key = Column(String(255), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    category = Column(String(64), nullable=False, default="unspecified")
    channel = Column(String(64), nullable=True)
    evidence = Column(Text, nullable=True)
    # Crisis moments counted on this flag while it was open (1 = the first).
    moments = Column(Integer, nullable=False, default=1, server_default="1")
    last_moment_at = Column(DateTime, nullable=True)
    # A short reason for staff, e.g. the number opted out of SMS and got no reply.
    note = Column(String(255), nullable=True)
    # When the staff alert covered this flag (sent, or folded into a summary
    # or a recent alert for the same conversation); NULL = still to alert.
    alerted_at = Column(DateTime, nullable=True)
    # When "still unacknowledged" was re-sent (once per flag).
    realerted_at = Column(DateTime, nullable=True)
    # Staff follow-up; acknowledging never removes the flag itself.
    acknowledged = Column(Boolean, nullable=False, default=False)
    acknowledged_by = Column(String(255), nullable=True)
    acknowledged_at = Column(DateTime, nullable=True)
    acknowledge_reason = Column(String(300), nullable=True)


class CrisisMoment(Base):
    """One crisis moment, recorded once (the idempotency key of the outbox)."""

    __tablename__ = "crisis_flag_moments"
    __table_args__ = (UniqueConstraint("sender_id", "event_key", name="uq_crisis_moment_event"),)

    id = Column(Integer, primary_key=True)
    flag_id = Column(Integer, ForeignKey("crisis_flags.id"), nullable=False, index=True)
    sender_id = Column(String(255), nullable=False, index=True)
    event_key = Column(String(255), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    category = Column(String(64), nullable=False, default="unspecified")


# The prefix of an anonymised flag's random sender id.
FORGOTTEN = "forgotten-"


class Recorded(str, Enum):
    NEW = "new"  # opened a flag
    COUNTED = "counted"  # counted on the conversation's open flag
    DUPLICATE = "duplicate"  # this moment was recorded before


def conversation_alert_minutes() -> int:
    """A conversation alerted this recently is not alerted again for a new flag."""
    return settings.env_int("IOP_ALERT_CONVERSATION_MINUTES", 10)


def record_moment(
    sender_id: str,
    event_key: str,
    category: Optional[str] = "unspecified",
    channel: Optional[str] = None,
    evidence: Optional[str] = None,
    note: Optional[str] = None,
    url: Optional[str] = None,
) -> Recorded:
    """Record one crisis moment; safe to repeat (the outbox retries)."""
    key, category = str(event_key)[:255], (category or "unspecified")[:64]
    Session = session_factory(url)
    for _ in range(3):  # an IntegrityError may be a concurrent open flag: look again
        with Session() as db:
            if _known(db, sender_id, key):
                return Recorded.DUPLICATE
            flag = (
                db.query(CrisisFlag)
                .filter(CrisisFlag.sender_id == sender_id, CrisisFlag.acknowledged.is_(False))
                .first()
            )
            now, outcome = utcnow(), Recorded.COUNTED
            if flag is None:
                outcome = Recorded.NEW
                flag = CrisisFlag(
                    sender_id=sender_id,
                    event_key=key,
                    category=category,
                    channel=(channel or None) and channel[:64],
                    evidence=evidence,
                    note=(note or None) and note[:255],
                    moments=1,
                    last_moment_at=now,
                    alerted_at=now if _recently_alerted(db, sender_id, now) else None,
                )
                db.add(flag)
            else:
                # In SQL, not read-modify-write: racing writers must not lose a count.
                flag.moments = CrisisFlag.moments + 1
                flag.last_moment_at = now
                if note and not flag.note:
                    flag.note = note[:255]
            try:
                db.flush()  # the flag's id; a concurrent open flag fails here already
                db.add(
                    CrisisMoment(
                        flag_id=flag.id, sender_id=sender_id, event_key=key, category=category
                    )
                )
                db.commit()
                return outcome
            except IntegrityError:
                db.rollback()
    with Session() as db:
        if _known(db, sender_id, key):
            return Recorded.DUPLICATE
    raise RuntimeError("could not record the crisis moment")  # the outbox retries


def _known(db: Session, sender_id: str, key: str) -> bool:
    return (
        db.query(CrisisMoment.id).filter_by(sender_id=sender_id, event_key=key).first() is not None
        or db.query(CrisisFlag.id).filter_by(sender_id=sender_id, event_key=key).first() is not None
    )


def _recently_alerted(db: Session, sender_id: str, now) -> bool:
    since = now - timedelta(minutes=conversation_alert_minutes())
    return (
        db.query(CrisisFlag.id)
        .filter(CrisisFlag.sender_id == sender_id, CrisisFlag.alerted_at >= since)
        .first()
        is not None
    )


def record_flag(
    sender_id: str,
    event_key: str,
    category: str = "unspecified",
    channel: Optional[str] = None,
    evidence: Optional[str] = None,
    url: Optional[str] = None,
) -> bool:
    """Record a moment; False if this exact moment was already recorded."""
    return record_moment(sender_id, event_key, category, channel, evidence, url=url) != (
        Recorded.DUPLICATE
    )


def is_flagged(sender_id: str, url: Optional[str] = None) -> bool:
    Session = session_factory(url)
    with Session() as session:
        return session.query(CrisisFlag.id).filter_by(sender_id=sender_id).first() is not None


def flagged_keys(sender_id: str, url: Optional[str] = None) -> set:
    return flagged_keys_of([sender_id], url).get(sender_id, set())


def flagged_keys_of(senders: Iterable[str], url: Optional[str] = None) -> Dict[str, Set[str]]:
    """Recorded moment keys per conversation (for the sweeper, in one query each)."""
    senders = list(senders)
    found: Dict[str, Set[str]] = {}
    if not senders:
        return found
    Session = session_factory(url)
    with Session() as db:
        for model in (CrisisFlag, CrisisMoment):
            rows = db.query(model.sender_id, model.event_key).filter(model.sender_id.in_(senders))
            for sender, key in rows:
                found.setdefault(sender, set()).add(key)
    return found


def anonymise(db: Session, flags: List[CrisisFlag]) -> int:
    """Cut flags off from their visitor (no commit): one new random id per
    conversation, so nobody can re-derive the id from a phone number (M8),
    and no quoted evidence. The time, category, channel and counts stay."""
    new_ids: Dict[str, str] = {}
    for flag in flags:
        old = flag.sender_id
        new_ids.setdefault(old, FORGOTTEN + uuid.uuid4().hex)
        db.query(CrisisMoment).filter_by(flag_id=flag.id).update(
            {"sender_id": new_ids[old]}, synchronize_session=False
        )
        flag.sender_id, flag.evidence = new_ids[old], None
    return len(flags)


def open_flags(db: Session, sender_id: str) -> int:
    return (
        db.query(CrisisFlag)
        .filter(CrisisFlag.sender_id == sender_id, CrisisFlag.acknowledged.is_(False))
        .count()
    )


def acknowledge(db: Session, flags: Iterable[CrisisFlag], actor: str, reason: str = "") -> int:
    """Mark open flags followed up (no commit); the rows stay."""
    now, done = utcnow(), 0
    for flag in flags:
        if not flag.acknowledged:
            flag.acknowledged, flag.acknowledged_by, flag.acknowledged_at = True, actor, now
            flag.acknowledge_reason = (reason or None) and reason[:300]
            done += 1
    return done
