"""A referral row only with consent and checked values, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import func, select

from iopnav.db import session_factory
from iopnav.referrals import Referral
from iopnav.referrals.checks import Contact, match_program
from iopnav.referrals.save import ConsentRequired, save_referral


def referrals(url):
    with session_factory(url)() as s:
        return s.execute(select(Referral)).scalars().all()


def test_referral_saved_with_consent(sample_db):
    with session_factory(sample_db)() as s:
        program, interest = match_program(s, "bayview teen evening")
        save_referral(
            s,
            sender_id="visitor-1",
            first_name="ana",
            contact=Contact(phone="+18135550143"),
            contact_time="evening",
            consent=True,
            program_interest=interest,
            program_id=program.id,
            channel="rest",
        )
    [row] = referrals(sample_db)
    assert (row.first_name, row.phone, row.email, row.preferred_contact_time) == (
        "Ana",
        "+18135550143",
        None,
        "evening",
    )
    assert row.program_interest == "Bayview Teen Evening IOP" and row.program_id == program.id
    assert row.consent_to_contact is True and row.status == "new" and row.channel == "rest"


@pytest.mark.parametrize("consent", [False, None])
def test_nothing_saved_without_consent(sample_db, consent):
    with session_factory(sample_db)() as s, pytest.raises(ConsentRequired):
        save_referral(
            s,
            sender_id="v",
            first_name="Ana",
            contact=Contact(email="a@example.org"),
            contact_time=None,
            consent=consent,
        )
    assert referrals(sample_db) == []


def test_invalid_details_are_refused_even_from_a_caller_that_skipped_the_checks(sample_db):
    with session_factory(sample_db)() as s:
        with pytest.raises(ValueError):
            save_referral(
                s,
                sender_id="v",
                first_name="1234",
                contact=Contact(phone="+18135550143"),
                contact_time=None,
                consent=True,
            )
        with pytest.raises(ValueError):
            save_referral(
                s,
                sender_id="v",
                first_name="Ana",
                contact=Contact(),
                contact_time=None,
                consent=True,
            )
        assert s.execute(select(func.count(Referral.id))).scalar_one() == 0
