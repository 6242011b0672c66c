"""Audit log: who viewed, exported, changed or deleted what, when, and from where.

Entries name the conversation or record and counts, never message text.
Each web request sets its client address and user agent once (`set_source`),
so every row written while handling it carries them without each view
passing them along.
"""

from contextvars import ContextVar
from typing import List, Optional, Tuple

from sqlalchemy.orm import Session

from iopnav.console.models import AuditEntry

UNKNOWN_ACCOUNT = "unknown account"

# (client address, user agent) of the request being handled; None outside one.
_source: ContextVar[Tuple[Optional[str], Optional[str]]] = ContextVar(
    "audit_source", default=(None, None)
)


def set_source(address: Optional[str], user_agent: Optional[str]) -> None:
    _source.set(((address or None) and address[:64], (user_agent or None) and user_agent[:300]))


def record(
    db: Session,
    actor: str,
    action: str,
    target: Optional[str] = None,
    detail: Optional[str] = None,
    commit: bool = True,
) -> None:
    """commit=False adds the row to the caller's transaction, so the action and
    its audit row are stored together or not at all."""
    address, agent = _source.get()
    db.add(
        AuditEntry(
            actor=actor,
            action=action,
            target=(target or None) and target[:300],
            detail=detail,
            source_ip=address,
            user_agent=agent,
        )
    )
    if commit:
        db.commit()


def conversation_target(key: int) -> str:
    """Conversations by their console number, not sender id (which can be a phone number)."""
    return f"conversation #{key}"


def entries(
    db: Session, page: int, per_page: int, action: str = "", actor: str = ""
) -> Tuple[List[AuditEntry], int]:
    query = db.query(AuditEntry)
    if action:
        query = query.filter(AuditEntry.action == action)
    if actor:
        query = query.filter(AuditEntry.actor == actor.strip().lower())
    total = query.count()
    rows = (
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all()
    )
    return rows, total


def actions(db: Session) -> List[str]:
    return sorted(a for (a,) in db.query(AuditEntry.action).distinct())
