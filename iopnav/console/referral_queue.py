"""The staff's referral queue (the console's "intake requests"): the list,
oldest open request first, and status changes with who and when."""

import math
from typing import List, Optional, Tuple

from sqlalchemy.orm import Session

from iopnav.clock import utcnow
from iopnav.console import config
from iopnav.referrals import REFERRAL_STATUSES, Referral

MAX_NOTE = 2000


class IntakeError(ValueError):
    """Bad input; the message is shown to staff."""


def list_referrals(
    db: Session, status: str, page: int, per_page: int = config.PAGE_SIZE
) -> Tuple[List[Referral], int, int, int]:
    query = db.query(Referral)
    if status:
        query = query.filter(Referral.status == status)
    total = query.count()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    # Open requests first (new before contacted), oldest first within each:
    # the longest-waiting person gets called back first.
    order = {s: i for i, s in enumerate(REFERRAL_STATUSES)}

    def key(r: Referral):
        ts = r.created_at.timestamp()
        return order.get(r.status, 99), (-ts if r.status == "closed" else ts)

    rows = sorted(query.all(), key=key)
    return rows[(page - 1) * per_page : page * per_page], total, page, pages


def update_status(
    db: Session, referral_id: int, status: str, actor: str, note: Optional[str]
) -> Referral:
    if status not in REFERRAL_STATUSES:
        raise IntakeError(
            f"Unknown status '{status}'; choose one of: {', '.join(REFERRAL_STATUSES)}."
        )
    referral = db.get(Referral, referral_id)
    if referral is None:
        raise IntakeError(f"There is no intake request #{referral_id}.")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise IntakeError(f"The staff note can be at most {MAX_NOTE} characters long.")
    referral.status = status
    referral.status_changed_by = actor
    referral.status_changed_at = utcnow()
    if note:
        referral.staff_note = note
    db.commit()
    return referral


def for_sender(db: Session, sender_id: str) -> List[Referral]:
    return db.query(Referral).filter_by(sender_id=sender_id).order_by(Referral.created_at).all()
