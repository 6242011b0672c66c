"""Server-side login sessions and CSRF tokens.

The cookie carries a random token; the database stores its SHA-256 with the
session's CSRF token, which every form posts back.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Optional, Tuple

from sqlalchemy.orm import Session

from iopnav.clock import utcnow
from iopnav.console import config
from iopnav.console.models import ConsoleSession, ConsoleUser

# Writing last_seen_at on every click is needless churn; a minute is precise enough.
_TOUCH_AFTER = timedelta(seconds=60)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(db: Session, user: ConsoleUser) -> str:
    token = secrets.token_urlsafe(32)
    db.add(
        ConsoleSession(
            token_hash=_digest(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32)
        )
    )
    db.commit()
    return token


def resolve(
    db: Session, token: Optional[str], policy: config.SessionPolicy
) -> Optional[Tuple[ConsoleSession, ConsoleUser]]:
    """The live session and its user, or None (missing, expired, disabled user)."""
    if not token:
        return None
    row = db.query(ConsoleSession).filter_by(token_hash=_digest(token)).first()
    if row is None:
        return None
    now = utcnow()
    idle = now - row.last_seen_at > timedelta(minutes=policy.idle_minutes)
    too_old = now - row.created_at > timedelta(hours=policy.max_hours)
    user = db.get(ConsoleUser, row.user_id)
    if idle or too_old or user is None or not user.active:
        db.delete(row)
        db.commit()
        return None
    if now - row.last_seen_at > _TOUCH_AFTER:
        row.last_seen_at = now
        db.commit()
    return row, user


def end(db: Session, token: Optional[str], commit: bool = True) -> None:
    if token:
        db.query(ConsoleSession).filter_by(token_hash=_digest(token)).delete()
    if commit:
        db.commit()


def csrf_ok(expected: Optional[str], given: Optional[str]) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
