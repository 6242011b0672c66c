"""What visitors type for filters and places, mapped to what the directory
stores. No database needed: the ZIP table ships with the zipcodes package."""

import pytest

from iopnav.directory import geo, vocab


@pytest.mark.parametrize(
    "kind, text, expected",
    [
        ("insurance", "bcbs", "Blue Cross Blue Shield"),
        ("insurance", "aetnna", "Aetna"),
        ("insurance", "united health care", "UnitedHealthcare"),
        ("insurance", "Blue Cross Blue Shield of Texas", "Blue Cross Blue Shield"),
        ("insurance", "medicade", "Medicaid"),
        ("insurance", "paying out of pocket", "self-pay"),
        ("insurance", "TRICARE", "Tricare"),
        ("condition", "drinking", "alcohol use"),
        ("condition", "heroin", "opioid use"),
        ("condition", "anxeity", "anxiety"),
        ("condition", "ptsd", "PTSD"),
        ("age_group", "teenagers", "teen"),
        ("age_group", "my 15-year-old", "teen"),
        ("age_group", "seniors", "older adult"),
        ("program_type", "substance use", "addiction"),
        ("program_type", "co-occurring", "dual diagnosis"),
        ("time_of_day", "after work", "evening"),
        ("delivery_mode", "telehealth", "virtual"),
        ("delivery_mode", "in-person", "in person"),
    ],
)
def test_known_values_and_typos_normalise(kind, text, expected):
    assert vocab.normalise(kind, text) == expected


@pytest.mark.parametrize(
    "kind, text",
    [
        ("insurance", "Oscar"),
        ("insurance", "Amerigroup"),
        ("condition", "I want to add"),
        ("age_group", "my 5 year old"),
        ("time_of_day", "pm-ish maybe"),
        ("insurance", ""),
    ],
)
def test_unknown_values_are_not_guessed(kind, text):
    assert vocab.normalise(kind, text) is None


def test_umbrella_condition_covers_specific_substances():
    assert set(vocab.expand_condition("substance use")) == {
        "substance use",
        "alcohol use",
        "opioid use",
    }
    assert vocab.expand_condition("anxiety") == ("anxiety",)


@pytest.mark.parametrize(
    "text, label, kind",
    [
        ("33602", "Tampa, FL 33602", "zip"),
        ("my zip is 85003-1234", "Phoenix, AZ 85003", "zip"),
        ("Tampa", "Tampa, FL", "city"),
        ("tampa, fl", "Tampa, FL", "city"),
        ("Pheonix", "Phoenix, AZ", "city"),
        ("near Austin TX", "Austin, TX", "city"),
        ("portland maine", "Portland, ME", "city"),
        ("Portland", "Portland, OR", "city"),
        ("in the Denver area", "Denver, CO", "city"),
        ("St. Petersburg", "Saint Petersburg, FL", "city"),
        ("NYC", "New York, NY", "city"),
        ("Florida", "Florida", "state"),
    ],
)
def test_places_resolve(text, label, kind):
    place = geo.resolve(text)
    assert place is not None and (place.label, place.kind) == (label, kind)


@pytest.mark.parametrize("text", ["00000", "asdfgh", "near me", "what is an IOP", "or", ""])
def test_non_places_do_not_resolve(text):
    assert geo.resolve(text) is None


def test_haversine_tampa_to_orlando_is_about_80_miles():
    tampa, orlando = geo.place_for_zip("33602"), geo.place_for_zip("32801")
    miles = geo.haversine_miles(
        tampa.latitude, tampa.longitude, orlando.latitude, orlando.longitude
    )
    assert 75 < miles < 90
