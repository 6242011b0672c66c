"""One phone-number reader for intake, the program CSV and "forget me"; the
callers' own tests cover their wording, these cover the shared rules."""

import pytest

from iopnav import phones


@pytest.mark.parametrize(
    "text, e164",
    [
        ("(813) 555-0101", "+18135550101"),
        (" 813.555.0101 ", "+18135550101"),
        ("+44 20 7946 0000", "+442079460000"),
    ],
)
def test_numbers_without_a_country_code_are_us(text, e164):
    assert phones.e164(phones.parse(text)) == e164


def test_us_numbers_are_shown_national_and_others_international():
    assert phones.display(phones.parse("813-555-0101")) == "(813) 555-0101"
    assert phones.display(phones.parse("+44 20 7946 0000")) == "+44 20 7946 0000"


@pytest.mark.parametrize("text", ["", None, "call me", "12345"])
def test_unreadable_text_is_none(text):
    assert phones.parse(text) is None and phones.parse(text, dialable=False) is None


def test_an_unassigned_number_is_possible_but_not_dialable():
    assert phones.parse("123-456-7890") is None
    assert phones.e164(phones.parse("123-456-7890", dialable=False)) == "+11234567890"
