"""Exports: intake requests as CSV, a conversation as JSON, text and PDF."""

import csv
import io

import pytest

from tests.support.console import ADMIN
from tests.support.demo_data import Msg


@pytest.fixture(scope="module")
def conversation(console):
    sender = console.conversation(
        [
            Msg("how many hours a week is it?", "ask_schedule"),
            Msg("I want to kill myself", "crisis", 0.98),
        ]
    )
    ref_id = console.referral(sender, "José", "813-555-0143", program_interest="=cmd|' /C calc'!A0")
    return sender, ref_id


def test_referrals_csv(console, conversation):
    sender, ref_id = conversation
    resp = console.client(ADMIN).get("/export/referrals.csv")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    assert resp.headers["Content-Disposition"].startswith('attachment; filename="intake-requests-')
    rows = list(csv.DictReader(io.StringIO(resp.content.decode("utf-8"))))
    row = next(r for r in rows if r["id"] == str(ref_id))
    assert row["first_name"] == "José" and row["phone"] == "+18135550143" and row["status"] == "new"
    assert row["sender_id"] == sender
    assert row["program_interest"].startswith("'=")  # no formula runs when a spreadsheet opens it
    assert (ADMIN, "export", "intake requests") in [(a, b, c) for a, b, c, _ in console.audit()]


def test_conversation_json_text_and_pdf(console, conversation):
    sender, _ = conversation
    key = console.key(sender)
    client = console.client(ADMIN)
    data = client.get(f"/export/conversation?id={key}&format=json").json()
    assert data["sender_id"] == sender
    texts = [e.get("text") for e in data["events"] if e.get("event") == "user"]
    assert texts == ["how many hours a week is it?", "I want to kill myself"]
    assert data["crisis_flags"][0]["category"] == "suicidal_explicit"

    text = client.get(f"/export/conversation?id={key}&format=txt")
    assert text.headers["Content-Type"].startswith("text/plain")
    body = text.text
    assert "CRISIS FLAGGED (1): suicidal_explicit" in body
    assert "Visitor (rest) [CRISIS]: I want to kill myself" in body and "Assistant:" in body

    pdf = client.get(f"/export/conversation?id={key}&format=pdf")
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert len(pdf.content) > 1000
    exported = [
        d for a, b, c, d in console.audit() if b == "export" and c == f"conversation #{key}"
    ]
    assert exported == ["JSON", "TXT", "PDF"]


def test_bad_export_requests(console, conversation):
    client = console.client(ADMIN)
    bad = client.get(f"/export/conversation?id={console.key(conversation[0])}&format=docx")
    assert (
        bad.status_code == 400
        and "Unknown export format &#39;docx&#39;; use json, txt or pdf." in bad.text
    )
    missing = client.get("/export/conversation?id=987654&format=json")
    assert (
        missing.status_code == 404 and "There is no conversation with that number" in missing.text
    )


def test_exports_keep_the_crisis_reminder_the_visitor_saw(console):
    sender = console.conversation(
        [Msg("I want to kill myself", "crisis", 0.98), Msg("ok", "affirm")]
    )
    key = console.key(sender)
    client = console.client(ADMIN)
    reminder = "If you need help now, call or text 988, or call 911 in an emergency."
    text = client.get(f"/export/conversation?id={key}&format=txt").text
    assert f"Assistant (crisis reminder): {reminder}" in text
    assert text.index("Visitor (rest): ok") < text.index("(crisis reminder)")
    data = client.get(f"/export/conversation?id={key}&format=json").json()
    assert [r["text"] for r in data["crisis_reminders"]] == [reminder]
