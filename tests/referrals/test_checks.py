"""Referral form answers: names, phone numbers (to E.164) or emails, contact
times, consent and the program, each with a clear answer when it is wrong."""

import pytest

from iopnav.referrals import checks


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
    assert checks.check_first_name(text) == (name, None)


@pytest.mark.parametrize(
    "text", ["", "12345", "what is an IOP and how long does it take?", "a@b.com", "x" * 60]
)
def test_not_names_get_a_clear_answer(text):
    name, problem = checks.check_first_name(text)
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
    contact, problem = checks.parse_contact(text)
    assert problem is None and contact.phone == phone and contact.email is None


def test_email_is_checked_and_normalised():
    contact, problem = checks.parse_contact("you can email me at Ana.Lopez@Example.org")
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
    contact, problem = checks.parse_contact(text)
    assert contact is None and words in problem


@pytest.mark.parametrize(
    "text, value",
    [
        ("mornings", "morning"),
        ("after work", "evening"),
        ("weekdays after 5 pm", "weekdays after 5 pm"),
        ("anytime", checks.ANY_TIME),
    ],
)
def test_contact_times(text, value):
    assert checks.check_contact_time(text) == (value, None)


@pytest.mark.parametrize(
    "value, consent", [(True, True), (False, False), ("yes", True), ("No thanks", False)]
)
def test_consent_must_be_explicit(value, consent):
    assert checks.parse_consent(value) == (consent, None)


def test_unclear_consent_is_asked_again():
    consent, problem = checks.parse_consent("maybe later")
    assert consent is None and "yes or no" in problem


def test_unknown_program_names_are_kept_for_staff(session):
    assert checks.match_program(session, "the one my doctor mentioned") == (
        None,
        "the one my doctor mentioned",
    )
    assert checks.match_program(session, "not sure") == (None, checks.NOT_SURE)


# In Spanish (the conversation's `language` slot is "es"): the answers a
# Spanish speaker types, and the problems told in Spanish.


@pytest.mark.parametrize(
    "text, name",
    [("me llamo Lucía", "Lucía"), ("Soy Andrés", "Andrés"), ("mi nombre es ana", "Ana")],
)
def test_spanish_ways_of_giving_a_name(text, name):
    assert checks.check_first_name(text, "es") == (name, None)


@pytest.mark.parametrize(
    "check, text, words",
    [
        (
            checks.check_first_name,
            "¿y cuánto cuesta el programa para mi hijo?",
            "no parece un nombre",
        ),
        (checks.parse_contact, "555-0101", "código de área"),
        (checks.parse_contact, "123-456-7890", "no es un número de teléfono"),
        (checks.parse_contact, "ana@@ejemplo.org", "correo electrónico válido"),
        (checks.check_contact_time, "x" * 120, "pocas palabras"),
        (checks.parse_consent, "tal vez luego", "Responde sí o no"),
    ],
)
def test_problems_are_told_in_spanish(check, text, words):
    value, problem = check(text, "es")
    assert value is None and words in problem
    # The same answer in an English conversation gets the English problem.
    assert words not in check(text, "en")[1]


@pytest.mark.parametrize("value, consent", [("Sí", True), ("claro", True), ("no gracias", False)])
def test_spanish_consent(value, consent):
    assert checks.parse_consent(value, "es") == (consent, None)


def test_spanish_any_time_and_not_sure(session):
    assert checks.check_contact_time("cuando sea", "es") == (checks.ANY_TIME, None)
    assert checks.match_program(session, "no sé") == (None, checks.NOT_SURE)
