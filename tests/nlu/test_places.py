"""Places found in a message (iopnav/nlu/places.py and its component): what
the search then gets as `location`, and what it must not take for a place."""

import pytest
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from iopnav.directory import geo
from iopnav.nlu.place_component import PlaceExtractor
from iopnav.nlu.places import find_places, place_value


def places(text):
    return [text[start:end] for start, end in find_places(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("teen programs near Boise, ID 83702 please", ["Boise, ID 83702"]),
        ("anything in akron oh", ["akron oh"]),
        ("we moved to Eau Claire, Wisconsin last year", ["Eau Claire, Wisconsin"]),
        ("evening iop 33602", ["33602"]),
        ("my zip is three three six oh two", ["three three six oh two"]),
        ("is there one in Montana", ["Montana"]),
        ("does Medicaid pay in NJ", ["NJ"]),
        ("we live in Cuyahoga County", ["Cuyahoga County"]),
        ("near St. Louis", ["St. Louis"]),
        ("any groups in albuquerque", ["albuquerque"]),
        ("Sacramento programs for adults", ["Sacramento"]),
        ("iop in austin", ["austin"]),
        ("Charlotte NC, evenings", ["Charlotte NC"]),
        ("something in the Bay Area", ["the Bay Area"]),
    ],
)
def test_places_are_found_whole(text, expected):
    assert places(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # First names and everyday words that are also towns.
        "my son Austin is 16",
        "Charlotte says she is fine",
        "reading about iops in spring",
        "my mobile number changed",
        # State codes that are words, and numbers that are not ZIPs.
        "OK thanks",
        "is it covered by the VA",
        "I am in IN THE MORNING group",
        "call me at 555-201-3344",
        "I have 00000 questions",
        "what happens in a day",
    ],
)
def test_words_that_are_not_places_are_left_alone(text):
    assert places(text) == []


def test_every_found_place_resolves_for_the_search():
    for text in ("Boise, ID 83702", "akron oh", "three three six oh two", "St. Louis", "Montana"):
        [(start, end)] = find_places(text)
        assert geo.resolve(place_value(text[start:end])) is not None


def test_the_component_replaces_a_partial_crf_location_with_the_whole_place():
    text = "iop near Houston, TX 77002"
    crf = {"entity": "location", "value": "Houston", "start": 9, "end": 16, "extractor": "CRF"}
    other = {"entity": "condition", "value": "x", "start": 0, "end": 3, "extractor": "CRF"}
    message = Message(data={TEXT: text, ENTITIES: [crf, other]})
    PlaceExtractor().process([message])
    found = [(e["entity"], e["value"]) for e in message.get(ENTITIES)]
    assert found == [("condition", "x"), ("location", "Houston, TX 77002")]


def test_the_city_tables_are_built_when_the_model_loads_not_at_the_first_place():
    """Building them takes over a second: the first visitor naming a place
    would wait for it, in the middle of a conversation."""
    from iopnav.directory import geo
    from iopnav.nlu.place_component import PlaceExtractor

    geo._city_sizes.cache_clear()
    PlaceExtractor.create({}, None, None, None)
    assert geo._city_sizes.cache_info().currsize == 1
