"""Console tables in the application database (never in the tracker store).

Conversations are identified by Rasa's sender_id, the key shared by the
tracker store, referrals and crisis flags.
"""

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)

from iopnav.clock import utcnow
from iopnav.db import Base


class ConsoleUser(Base):
    __tablename__ = "console_users"

    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, unique=True)  # stored lower-case
    role = Column(String(16), nullable=False)  # reviewer | admin
    password_hash = Column(String(255), nullable=False)  # argon2id, never the password
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    created_by = Column(String(254), nullable=True)
    last_login_at = Column(DateTime, nullable=True)


class ConsoleSession(Base):
    """Server-side session: the cookie holds a random token, the table only
    its SHA-256, so a leaked database copy cannot be replayed as a login."""

    __tablename__ = "console_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    user_id = Column(
        Integer, ForeignKey("console_users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_seen_at = Column(DateTime, nullable=False, default=utcnow)
    # One message for the next page after a redirect ("Status saved.").
    flash = Column(String(500), nullable=True)
    flash_kind = Column(String(10), nullable=True)  # ok | error


class LoginThrottle(Base):
    """Failed logins per (client address, email) pair, known account or not,
    so a lockout neither reveals which addresses have accounts nor lets one
    address lock a named staff member out everywhere. Keys are SHA-256
    digests: the table holds no addresses or attacker-typed text."""

    __tablename__ = "console_login_throttle"

    key = Column(String(64), primary_key=True)  # sha256(address, email)
    account = Column(String(64), nullable=False, index=True)  # sha256(email): reset ends locks
    failures = Column(Integer, nullable=False, default=0)
    lockouts = Column(Integer, nullable=False, default=0)  # each one doubles the next
    first_failure_at = Column(DateTime, nullable=True)
    last_failure_at = Column(DateTime, nullable=True, index=True)
    locked_until = Column(DateTime, nullable=True)


class AuditEntry(Base):
    __tablename__ = "console_audit"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    actor = Column(String(254), nullable=False)  # staff email, "system" or "unknown account"
    action = Column(String(40), nullable=False, index=True)
    target = Column(String(300), nullable=True)  # "conversation <id>", "referral 12", ...
    detail = Column(Text, nullable=True)  # counts and choices, never message text
    source_ip = Column(String(64), nullable=True)  # the client (behind trusted proxies)
    user_agent = Column(String(300), nullable=True)


class ConversationReview(Base):
    __tablename__ = "conversation_reviews"

    sender_id = Column(String(255), primary_key=True)
    reviewed_by = Column(String(254), nullable=False)
    reviewed_at = Column(DateTime, nullable=False, default=utcnow)


class ConversationNote(Base):
    __tablename__ = "conversation_notes"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    author = Column(String(254), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    text = Column(Text, nullable=False)


class IntentCorrection(Base):
    """A reviewer's "the bot misread this message; it meant <intent>".

    The message text is copied here so the training-data export needs no
    cross-database join; forget-me and retention delete it with the rest."""

    __tablename__ = "intent_corrections"
    __table_args__ = (UniqueConstraint("sender_id", "event_id", name="uq_intent_correction_event"),)

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    event_id = Column(Integer, nullable=False)  # the tracker store's events.id
    message_text = Column(Text, nullable=False)
    predicted_intent = Column(String(255), nullable=True)
    correct_intent = Column(String(255), nullable=False)
    author = Column(String(254), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
