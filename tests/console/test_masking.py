"""Contact details are masked wherever staff skim lists: message previews,
sender ids (SMS ids are phone numbers) and intake contacts. Numbers that are
not contact details (years, ZIP codes, counts) stay readable."""

import re
from html import unescape

import pytest

from iopnav.console.masking import mask_email, mask_identifier, mask_phone, mask_text
from tests.support.console import REVIEWER
from tests.support.demo_data import Msg


@pytest.mark.parametrize(
    "text, shown",
    [
        ("call me at 813-555-0143 please", "call me at •••43 please"),
        ("my cell is (813) 555 0143", "my cell is •••43"),
        ("text +1 813.555.0143 after 5", "text •••43 after 5"),
        ("+448001111234 is my UK number", "•••34 is my UK number"),
        ("email ana.ruiz+iop@example.org or 8135550143", "email a•••@•••.org or •••43"),
    ],
)
def test_contact_details_in_free_text_are_masked(text, shown):
    assert mask_text(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "I started in 2019 and go 3 times a week",
        "we live in 33602",
        "group runs 9:00-12:00, room 214",
        "",
    ],
)
def test_other_numbers_stay_readable(text):
    assert mask_text(text) == text


@pytest.mark.parametrize(
    "sender, shown",
    [
        ("+18135550143", "•••43"),
        ("whatsapp:+18135550143", "whatsapp:•••43"),
        ("ana@example.org", "a•••@•••.org"),
        # Web chat ids are random; digit runs inside them are not phone numbers.
        ("web-4f1c2b9a8135550143aa", "web-4f1c2b9a8135550143aa"),
        ("e2e-0123456789abcdef", "e2e-0123456789abcdef"),
    ],
)
def test_sender_ids(sender, shown):
    assert mask_identifier(sender) == shown


def test_single_values():
    assert (
        mask_phone("+18135550143") == "•••43"
        and mask_phone("12") == "•••"
        and mask_phone(None) == ""
    )
    assert mask_email("maria.lopez@example.org") == "m•••@•••.org" and mask_email("") == ""


def test_conversation_list_masks_previews_and_sms_senders_but_transcript_shows_them(console):
    sender = console.conversation(
        [Msg("please call 727-555-0188 or write to sam.kim@example.com", "start_intake")],
        channel="sms",
        sender_id="+17275550188",
    )
    client = console.client(REVIEWER)
    listing = unescape(client.get("/conversations?channel=sms").text)
    row = re.search(
        rf'<tr[^>]*data-key="{console.key(sender)}"[^>]*>(.*?)</tr>', listing, re.S
    ).group(1)
    assert "please call •••88 or write to s•••@•••.com" in row
    assert "•••88" in row and "727" not in row and "sam.kim" not in row
    # Opening the transcript is a deliberate, audited act: it shows the words as written.
    transcript = unescape(client.get(f"/transcript/{console.key(sender)}").text)
    assert "please call 727-555-0188 or write to sam.kim@example.com" in transcript
    assert "+17275550188" not in transcript  # the heading still masks the sender id
