"""The referral table: one row per request a visitor left for staff.

Written by the referral form's action, read and updated by the staff console.
Only what staff need to call back: no diagnosis, no insurance ID numbers.
"""

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text

from iopnav.clock import utcnow
from iopnav.db import Base

REFERRAL_STATUSES = ("new", "contacted", "closed")


class Referral(Base):
    __tablename__ = "referrals"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    sender_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(64), nullable=True)
    first_name = Column(String(100), nullable=False)
    phone = Column(String(32), nullable=True)  # E.164 when given
    email = Column(String(254), nullable=True)
    preferred_contact_time = Column(String(100), nullable=True)
    # Free text as the visitor named it, plus the matched program when known.
    program_interest = Column(String(255), nullable=True)
    program_id = Column(Integer, ForeignKey("programs.id", ondelete="SET NULL"), nullable=True)
    consent_to_contact = Column(Boolean, nullable=False)
    status = Column(String(16), nullable=False, default="new", index=True)
    status_changed_by = Column(String(255), nullable=True)
    status_changed_at = Column(DateTime, nullable=True)
    staff_note = Column(Text, nullable=True)
