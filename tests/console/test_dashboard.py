"""Dashboard: the numbers of a known day, drawn as inline SVG (no CDN)."""

import re
from html import unescape

import pytest

from tests.support.console import REVIEWER
from tests.support.demo_data import Msg


@pytest.fixture(scope="module")
def day(console):
    crisis = console.conversation(
        [Msg("hi", "greet"), Msg("I want to kill myself", "crisis", 0.97)], age_seconds=600
    )
    console.conversation(
        [Msg("when are groups?", "ask_schedule"), Msg("blorp fizzle", "nlu_fallback", 0.2)],
        age_seconds=500,
    )
    intake = console.conversation(
        [Msg("I want to sign up", "start_intake"), Msg("when are groups?", "ask_schedule")],
        age_seconds=400,
    )
    console.referral(intake, "Ari", "ari@example.org")
    console.conversation(
        [Msg("an old question", "ask_insurance")], age_seconds=60 * 86400
    )  # outside 30 days
    return crisis


def tile(html, title):
    found = re.search(r'<span class="big"[^>]*>([^<]+)</span>' + re.escape(title), html)
    return found.group(1) if found else None


def test_dashboard_numbers_and_charts(console, day):
    html = unescape(console.client(REVIEWER).get("/dashboard?days=30").text)
    assert tile(html, "conversations") == "3"
    assert tile(html, "crisis hand-offs") == "1"
    assert tile(html, "crisis flags") == "1"
    assert tile(html, "intake requests") == "1"
    assert "16.7%" in html and "fallback rate (1 of 6 messages)" in html
    top = re.search(
        r'<table class="list compact" id="top-intents">(.*?)</table>', html, re.S
    ).group(1)
    assert re.findall(r"<tr><td>(\w+)</td><td>(\d+)</td></tr>", top)[0] == ("ask_schedule", "2")
    assert html.count("<svg") == 5  # four series per day and the top intents
    assert 'aria-label="Conversations per day"' in html
    assert "http://" not in html and "https://" not in html and "<script" not in html


def test_range_choice(console, day):
    client = console.client(REVIEWER)
    assert tile(unescape(client.get("/dashboard?days=90").text), "conversations") == "4"
    wrong = unescape(client.get("/dashboard?days=12").text)
    assert (
        "Choose a range of 7, 30, 90 days; showing 30." in wrong
        and tile(wrong, "conversations") == "3"
    )


def test_open_crisis_flags_are_counted_whatever_their_age(console, day):
    console.conversation([Msg("I want to end my life", "crisis", 0.96)], age_seconds=200 * 86400)
    html = console.client(REVIEWER).get("/dashboard?days=7").text
    tile = re.search(r'<span class="big" id="open-flags">(\d+)</span>(.*?)</div>', html, re.S)
    assert tile.group(1) == "2"
    assert 'href="/conversations?flagged=1">open crisis flags</a>' in tile.group(2)
