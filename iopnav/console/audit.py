"""Audit log: who viewed, exported, changed or deleted what, and when.

Entries name the conversation or record and counts, never message text.
"""

from typing import List, Optional, Tuple

from sqlalchemy.orm import Session

from iopnav.console.models import AuditEntry


def record(
    db: Session, actor: str, action: str, target: Optional[str] = None, detail: Optional[str] = None
) -> None:
    db.add(
        AuditEntry(
            actor=actor, action=action, target=(target or None) and target[:300], detail=detail
        )
    )
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
