"""Intake requests: masked by default, reveal is logged, status changes
record who and when."""

import re

import pytest

from tests.support.console import ADMIN, REVIEWER
from tests.support.demo_data import Msg


@pytest.fixture(scope="module")
def referral(console):
    sender = console.conversation(
        [Msg("I want to start an intake", "start_intake")], channel="rest"
    )
    ref_id = console.referral(
        sender,
        "Maria",
        "maria.lopez@example.org",
        contact_time="mornings",
        program_interest="adult IOP",
    )
    return sender, ref_id


def test_list_masks_contacts_until_revealed(console, referral):
    client = console.client(REVIEWER)
    masked = client.get("/intake").text
    assert (
        "Maria" in masked and "maria.lopez@example.org" not in masked and "m•••@•••.org" in masked
    )
    shown = client.get("/intake?reveal=1").text
    assert "maria.lopez@example.org" in shown
    assert (REVIEWER, "reveal_contacts") in [(a, b) for a, b, _, _ in console.audit()]
    # Each request links to its conversation.
    assert f'href="/transcript/{console.key(referral[0])}"' in masked


def test_reviewer_updates_status_and_who_is_recorded(console, referral):
    _, ref_id = referral
    client = console.client(REVIEWER)
    page = client.post(
        f"/intake/{ref_id}/status",
        {"status": "contacted", "note": "left a voicemail", "back": "/intake"},
    )
    assert f"Intake request #{ref_id} is now contacted." in page.text
    row = re.search(
        rf'<tr class="status-contacted" id="referral-{ref_id}">(.*?)</tr>', page.text, re.S
    ).group(1)
    assert f"contacted · {REVIEWER}" in row and "note: left a voicemail" in row
    status, by = console.query(
        console.database_url,
        "select status, status_changed_by from referrals where id = :i",
        i=ref_id,
    )[0]
    assert (status, by) == ("contacted", REVIEWER)
    assert (
        REVIEWER,
        "status_change",
        f"referral {ref_id}",
        "status -> contacted",
    ) in console.audit()
    assert f'id="referral-{ref_id}"' in client.get("/intake?status=contacted").text
    assert f'id="referral-{ref_id}"' not in client.get("/intake?status=new").text


def test_bad_status_input_gets_a_clear_answer(console, referral):
    _, ref_id = referral
    client = console.client(ADMIN)
    page = client.post(f"/intake/{ref_id}/status", {"status": "lost"})
    assert "Unknown status &#39;lost&#39;; choose one of: new, contacted, closed." in page.text
    missing = client.post("/intake/999999/status", {"status": "closed"})
    assert "There is no intake request #999999." in missing.text
    assert "Unknown status &#39;weird&#39;; showing all." in client.get("/intake?status=weird").text
    # An attacker-supplied "back" address is not followed off-site.
    away = client.post(
        f"/intake/{ref_id}/status",
        {"status": "contacted", "back": "//evil.example/"},
        allow_redirects=False,
    )
    assert away.headers["Location"] == "/conversations"


def test_revealed_contacts_leave_a_missing_email_blank(console):
    """A phone-only request showed the literal text "None" in the Email column."""
    sender = console.conversation([Msg("call me back please", "start_intake")])
    ref_id = console.referral(sender, "Maria", "813-555-0147")
    page = console.client(REVIEWER).get("/intake?reveal=1").text
    row = re.search(rf'<tr class="[^"]*" id="referral-{ref_id}">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert cells[3] == "+18135550147" and cells[4] == ""
    assert "None" not in row
