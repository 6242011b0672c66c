"""Saving a referral for staff: nothing is stored unless the visitor said yes
to being contacted, and every value is checked again here, because callers
may pass slot values straight from a tracker."""

from typing import Optional

from sqlalchemy.orm import Session

from iopnav.referrals.checks import ANY_TIME, Contact, check_first_name
from iopnav.referrals.model import Referral


class ConsentRequired(ValueError):
    """Raised instead of saving when the visitor did not agree to be contacted."""


def save_referral(
    session: Session,
    *,
    sender_id: str,
    first_name: str,
    contact: Contact,
    contact_time: Optional[str],
    consent: Optional[bool],
    program_interest: Optional[str] = None,
    program_id: Optional[int] = None,
    channel: Optional[str] = None,
) -> Referral:
    """Store one referral, status "new"; ConsentRequired or ValueError instead
    when the visitor did not agree or a value fails its check."""
    if consent is not True:
        raise ConsentRequired("the visitor did not agree to be contacted; nothing is stored")
    name, problem = check_first_name(first_name)
    if problem:
        raise ValueError(problem)
    if not (contact.phone or contact.email):
        raise ValueError("a phone number or an email address is required")
    referral = Referral(
        sender_id=sender_id,
        channel=channel,
        first_name=name,
        phone=contact.phone,
        email=contact.email,
        preferred_contact_time=(contact_time or ANY_TIME)[:100],
        program_interest=(program_interest or None) and program_interest[:255],
        program_id=program_id,
        consent_to_contact=True,
        status="new",
    )
    session.add(referral)
    session.commit()
    return referral
