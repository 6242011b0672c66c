"""Intake answers: names, phone numbers (to E.164) or emails, contact times
and consent, each with a clear answer when it is wrong; a referral row only
with consent. The database tests run on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import func, select

from iopnav.db import session_factory
from iopnav.directory import intake
from iopnav.referrals import Referral


@pytest.mark.parametrize(
    "text, name",
    [
        ("Ana", "Ana"),
        ("my name is maria", "Maria"),
        ("I'm Jean-Luc", "Jean-Luc"),
        ("O'Brien", "O'Brien"),
        ("José", "José"),
        ("Mary Jo", "Mary Jo"),
        ("call me Sam.", "Sam"),
    ],
)
def test_first_names(text, name):
    assert intake.check_first_name(text) == (name, None)


@pytest.mark.parametrize(
    "text", ["", "12345", "what is an IOP and how long does it take?", "a@b.com", "x" * 60]
)
def test_not_names_get_a_clear_answer(text):
    name, problem = intake.check_first_name(text)
    assert name is None and ("name" in problem)


@pytest.mark.parametrize(
    "text, phone",
    [
        ("813-555-0143", "+18135550143"),
        ("(813) 555 0143", "+18135550143"),
        ("8135550143", "+18135550143"),
        ("+1 212 555 0100", "+12125550100"),
        ("my cell is 813.555.0143", "+18135550143"),
    ],
)
def test_us_phone_numbers_become_e164(text, phone):
    contact, problem = intake.parse_contact(text)
    assert problem is None and contact.phone == phone and contact.email is None


def test_email_is_checked_and_normalised():
    contact, problem = intake.parse_contact("you can email me at Ana.Lopez@Example.org")
    assert problem is None and contact.email == "Ana.Lopez@example.org" and contact.phone is None


@pytest.mark.parametrize(
    "text, words",
    [
        ("555-0101", "area code"),
        ("123-456-7890", "isn't a phone number"),
        ("ana@", "valid email"),
        ("ana@@example.org", "valid email"),
        ("", "phone number or an email"),
        ("tomorrow", "area code"),
    ],
)
def test_bad_contact_details_are_explained(text, words):
    contact, problem = intake.parse_contact(text)
    assert contact is None and words in problem


@pytest.mark.parametrize(
    "text, value",
    [
        ("mornings", "morning"),
        ("after work", "evening"),
        ("weekdays after 5 pm", "weekdays after 5 pm"),
        ("anytime", intake.ANY_TIME),
    ],
)
def test_contact_times(text, value):
    assert intake.check_contact_time(text) == (value, None)


@pytest.mark.parametrize(
    "value, consent", [(True, True), (False, False), ("yes", True), ("No thanks", False)]
)
def test_consent_must_be_explicit(value, consent):
    assert intake.parse_consent(value) == (consent, None)


def test_unclear_consent_is_asked_again():
    consent, problem = intake.parse_consent("maybe later")
    assert consent is None and "yes or no" in problem


def referrals(url):
    with session_factory(url)() as s:
        return s.execute(select(Referral)).scalars().all()


def test_referral_saved_with_consent(sample_db):
    with session_factory(sample_db)() as s:
        program, interest = intake.match_program(s, "bayview teen evening")
        intake.save_referral(
            s,
            sender_id="visitor-1",
            first_name="ana",
            contact=intake.Contact(phone="+18135550143"),
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
    with session_factory(sample_db)() as s, pytest.raises(intake.ConsentRequired):
        intake.save_referral(
            s,
            sender_id="v",
            first_name="Ana",
            contact=intake.Contact(email="a@example.org"),
            contact_time=None,
            consent=consent,
        )
    assert referrals(sample_db) == []


def test_unknown_program_names_are_kept_for_staff(session):
    assert intake.match_program(session, "the one my doctor mentioned") == (
        None,
        "the one my doctor mentioned",
    )
    assert intake.match_program(session, "not sure") == (None, intake.NOT_SURE)


def test_invalid_details_are_refused_even_from_a_caller_that_skipped_the_checks(sample_db):
    with session_factory(sample_db)() as s:
        with pytest.raises(ValueError):
            intake.save_referral(
                s,
                sender_id="v",
                first_name="1234",
                contact=intake.Contact(phone="+18135550143"),
                contact_time=None,
                consent=True,
            )
        with pytest.raises(ValueError):
            intake.save_referral(
                s,
                sender_id="v",
                first_name="Ana",
                contact=intake.Contact(),
                contact_time=None,
                consent=True,
            )
        assert s.execute(select(func.count(Referral.id))).scalar_one() == 0
