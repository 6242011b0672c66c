"""Crisis flags: one row per crisis moment in a conversation, for staff.

Rows are only ever inserted. Nothing in the project updates `sender_id` or
deletes a row except the admin-only "forget me" delete in the console, which
is an explicit, audited erasure request, not a conversation event.
"""

from typing import Optional

from sqlalchemy import Boolean, Column, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.exc import IntegrityError

from iopnav.clock import utcnow
from iopnav.db import Base, session_factory


class CrisisFlag(Base):
    __tablename__ = "crisis_flags"
    __table_args__ = (UniqueConstraint("sender_id", "event_key", name="uq_crisis_flag_event"),)

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    # Identifies the triggering message (its Rasa message_id or timestamp) so
    # the tracker store hook and the action server can both record it safely.
    event_key = Column(String(255), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    category = Column(String(64), nullable=False, default="unspecified")
    channel = Column(String(64), nullable=True)
    evidence = Column(Text, nullable=True)
    # Staff follow-up; acknowledging never removes the flag itself.
    acknowledged = Column(Boolean, nullable=False, default=False)
    acknowledged_by = Column(String(255), nullable=True)
    acknowledged_at = Column(DateTime, nullable=True)


def record_flag(
    sender_id: str,
    event_key: str,
    category: str = "unspecified",
    channel: Optional[str] = None,
    evidence: Optional[str] = None,
    url: Optional[str] = None,
) -> bool:
    """Insert a flag; returns False if this exact moment was already flagged."""
    Session = session_factory(url)
    with Session() as session:
        session.add(
            CrisisFlag(
                sender_id=sender_id,
                event_key=str(event_key)[:255],
                category=(category or "unspecified")[:64],
                channel=(channel or None) and channel[:64],
                evidence=evidence,
            )
        )
        try:
            session.commit()
            return True
        except IntegrityError:
            session.rollback()
            return False


def is_flagged(sender_id: str, url: Optional[str] = None) -> bool:
    Session = session_factory(url)
    with Session() as session:
        return session.query(CrisisFlag.id).filter_by(sender_id=sender_id).first() is not None


def flagged_keys(sender_id: str, url: Optional[str] = None) -> set:
    Session = session_factory(url)
    with Session() as session:
        return {k for (k,) in session.query(CrisisFlag.event_key).filter_by(sender_id=sender_id)}
