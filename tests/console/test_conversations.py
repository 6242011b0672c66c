"""Conversation list and transcript, read from a tracker store filled with
real Rasa events (through the project's tracker store, which records the
crisis flags), plus the reviewer's annotations."""

import re
import time
from html import unescape

import pytest

from tests.support.console import REVIEWER
from tests.support.demo_data import Msg

DAY = 86400


def rows(html: str):
    """(row classes, conversation link, row html) of the list table, in page order."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    found = []
    for cls, inner in re.findall(r'<tr class="([^"]*)"[^>]*>(.*?)</tr>', body, re.S):
        key = int(re.search(r'href="/transcript/(\d+)"', inner).group(1))
        found.append((cls, key, inner))
    return found


@pytest.fixture(scope="module")
def data(console):
    """A small clinic day: an older crisis, newer ordinary chats, an SMS intake."""
    crisis = console.conversation(
        [
            Msg("hi", "greet"),
            Msg("what is an IOP?", "ask_what_is_iop"),
            Msg("honestly I dont want to be alive anymore", "express_distress", 0.55),
        ],
        age_seconds=3 * 3600,
    )
    calm = console.conversation(
        [Msg("when do the evening groups meet?", "ask_schedule", 0.93)], age_seconds=1800
    )
    newest = console.conversation(
        [
            Msg("do you take Aetna insurance?", "ask_insurance", 0.91),
            Msg("blorp fizzle", "nlu_fallback", 0.21),
        ],
        age_seconds=60,
    )
    sms = console.conversation(
        [Msg("I'd like to sign up, call me at 813-555-0143", "start_intake", 0.9)],
        age_seconds=600,
        channel="sms",
        sender_id="+18135550143",
    )
    console.referral(sms, "Ana", "813-555-0143", channel="sms", program_interest="evening IOP")
    old = console.conversation(
        [Msg("is there a program for teens?", "find_program", 0.8)], age_seconds=40 * DAY
    )
    return {"crisis": crisis, "calm": calm, "newest": newest, "sms": sms, "old": old}


def test_list_pins_open_crisis_flags_then_newest_first(console, data):
    client = console.client(REVIEWER)
    listed = rows(client.get("/conversations").text)
    links = [link for _, link, _ in listed]
    for key in ("crisis", "calm", "newest", "sms", "old"):
        assert console.key(data[key]) in links, key
    first_unpinned = next(i for i, (cls, _, _) in enumerate(listed) if "pinned" not in cls)
    assert all("pinned" not in cls for cls, _, _ in listed[first_unpinned:]), (
        "pinned rows must come first"
    )
    crisis_row = next(r for r in listed if r[1] == console.key(data["crisis"]))
    assert "pinned crisis" in crisis_row[0] and "CRISIS" in crisis_row[2]
    assert links.index(console.key(data["crisis"])) < links.index(console.key(data["newest"]))
    # Unpinned: newest first.
    order = [links.index(console.key(data[k])) for k in ("newest", "sms", "calm", "old")]
    assert order == sorted(order)


def test_list_masks_phone_numbers_and_emails(console, data):
    html = client_html = console.client(REVIEWER).get("/conversations").text
    row = next(r for r in rows(html) if r[1] == console.key(data["sms"]))[2]
    assert "0143" not in row and "•••43" in unescape(row)
    assert "813-555" not in client_html


def test_filters(console, data):
    client = console.client(REVIEWER)

    def listed(query):
        return [link for _, link, _ in rows(client.get("/conversations?" + query).text)]

    assert listed("channel=sms") == [console.key(data["sms"])]
    flagged = listed("flagged=1")
    assert console.key(data["crisis"]) in flagged and console.key(data["calm"]) not in flagged
    assert console.key(data["sms"]) in listed("intake=1") and console.key(
        data["calm"]
    ) not in listed("intake=1")
    assert console.key(data["newest"]) in listed("fallback=1") and console.key(
        data["calm"]
    ) not in listed("fallback=1")
    assert listed("q=EVENING+groups") == [console.key(data["calm"])]
    assert listed("q=%25") == []  # a LIKE wildcard is searched literally
    # The calm chat's own day, not today's: it is half an hour old, which is
    # yesterday in the first half hour after midnight UTC.
    calm_day = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 1800))
    recent = listed(f"start={calm_day}")
    assert console.key(data["calm"]) in recent and console.key(data["old"]) not in recent
    old_day = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 40 * DAY))
    assert listed(f"start={old_day}&end={old_day}") == [console.key(data["old"])]


def test_bad_filter_values_get_a_clear_answer(console, data):
    resp = console.client(REVIEWER).get("/conversations?start=yesterday&page=-3&reviewed=maybe")
    assert resp.status_code == 200
    text = unescape(resp.text)
    assert "'yesterday' is not a date; use YYYY-MM-DD." in text
    assert "'-3' is not a page number" in text
    assert "Reviewed must be yes, no or empty." in text


def test_paging(console):
    senders = [
        console.conversation(
            [Msg(f"question number {i}", "ask_schedule")],
            age_seconds=5000 + i * 10,
            channel="paging",
        )
        for i in range(27)
    ]
    client = console.client(REVIEWER)
    first = [link for _, link, _ in rows(client.get("/conversations?channel=paging").text)]
    second_page = client.get("/conversations?channel=paging&page=2").text
    second = [link for _, link, _ in rows(second_page)]
    assert len(first) == 25 and len(second) == 2
    assert first + second == [console.key(s) for s in senders]  # newest (smallest age) first
    assert "Page 2 of 2" in second_page


def test_transcript_shows_turns_intents_actions_and_crisis_evidence(console, data):
    client = console.client(REVIEWER)
    html = client.get(f"/transcript/{console.key(data['crisis'])}").text
    text = unescape(re.sub(r"<[^>]+>", "", html))
    assert "what is an IOP?" in text and "honestly I dont want to be alive anymore" in text
    assert "988" in text  # the hand-off the bot sent, from the domain
    assert re.search(r"intent <strong class=\"intent\">ask_what_is_iop</strong> 0\.9", html)
    assert "utter_crisis_handoff" in text and "chosen by RulePolicy" in text
    crisis_turn = re.search(r'<li class="turn user crisis"[^>]*>(.*?)</li>', html, re.S).group(1)
    assert '<mark class="evidence">want to be alive</mark>' in crisis_turn
    assert "suicidal_passive" in text  # the flag's category
    assert re.search(r"<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d</time>", html)
    assert "Acknowledge (followed up)" in text


def test_transcript_of_sms_conversation_and_unknown_id(console, data):
    client = console.client(REVIEWER)
    html = unescape(client.get(f"/transcript/{console.key(data['sms'])}").text)
    assert "· sms" in html and "start_intake" in html and "#" in html and "Ana" in html
    # Staff alerts link by sender id; that lands on the numbered page.
    by_sender = client.get("/conversations/%2B18135550143")
    assert by_sender.url.endswith(f"/transcript/{console.key(data['sms'])}")
    missing = client.get("/conversations/no-such-visitor")
    assert missing.status_code == 404 and "There is no conversation with that id" in missing.text


def test_viewing_never_writes_to_the_tracker_store(console, data):
    before = console.event_count(data["calm"])
    client = console.client(REVIEWER)
    client.get(f"/transcript/{console.key(data['calm'])}")
    client.get("/conversations")
    assert console.event_count(data["calm"]) == before


def test_acknowledging_a_flag_keeps_it_and_unpins(console):
    sender = console.conversation([Msg("i want to kill myself", "crisis", 0.97)], age_seconds=7200)
    client = console.client(REVIEWER)
    html = client.get(f"/transcript/{console.key(sender)}").text
    flag_id = re.search(r'action="/flags/(\d+)/acknowledge"', html).group(1)
    done = client.post(f"/flags/{flag_id}/acknowledge")
    assert "Crisis flag acknowledged. It stays on record." in done.text
    assert f"acknowledged by {REVIEWER}" in done.text
    assert (
        console.query(
            console.database_url, "select count(*) from crisis_flags where sender_id = :s", s=sender
        )[0][0]
        == 1
    )
    listed = rows(client.get("/conversations?flagged=1").text)
    row = next(r for r in listed if r[1] == console.key(sender))
    assert "pinned" not in row[0] and "crisis · acknowledged" in row[2]


def test_mark_reviewed_and_filter(console, data):
    client = console.client(REVIEWER)
    page = client.post(
        "/annotate/review", {"conversation": console.key(data["calm"]), "reviewed": "1"}
    )
    assert "Marked as reviewed." in page.text and f"reviewed by {REVIEWER}" in page.text
    reviewed = [link for _, link, _ in rows(client.get("/conversations?reviewed=yes").text)]
    not_reviewed = [link for _, link, _ in rows(client.get("/conversations?reviewed=no").text)]
    assert console.key(data["calm"]) in reviewed and console.key(data["calm"]) not in not_reviewed


def test_notes(console, data):
    client = console.client(REVIEWER)
    page = client.post(
        "/annotate/note",
        {"conversation": console.key(data["newest"]), "text": "Asked about Aetna; call back <b>"},
    )
    assert "Note added." in page.text and "Asked about Aetna; call back &lt;b&gt;" in page.text
    empty = client.post(
        "/annotate/note", {"conversation": console.key(data["newest"]), "text": "   "}
    )
    assert "The note is empty." in empty.text


def test_tag_wrong_answer_and_export_training_data(console, data):
    client = console.client(REVIEWER)
    html = client.get(f"/transcript/{console.key(data['newest'])}").text
    event_id = re.findall(r'<li class="turn user" id="m(\d+)"', html)[1]  # "blorp fizzle"
    page = client.post(
        "/annotate/tag",
        {
            "conversation": console.key(data["newest"]),
            "event_id": event_id,
            "intent": "ask_insurance",
        },
    )
    assert (
        "Tagged: this message meant ask_insurance." in page.text
        and "should be ask_insurance" in page.text
    )
    bad = client.post(
        "/annotate/tag",
        {
            "conversation": console.key(data["newest"]),
            "event_id": event_id,
            "intent": "make_coffee",
        },
    )
    assert "'make_coffee' is not an intent of this assistant." in unescape(bad.text)
    wrong_event = client.post(
        "/annotate/tag",
        {"conversation": console.key(data["calm"]), "event_id": event_id, "intent": "greet"},
    )
    assert "That message is not part of this conversation." in wrong_event.text

    sms_html = client.get(f"/transcript/{console.key(data['sms'])}").text
    sms_event = re.search(r'<li class="turn user" id="m(\d+)"', sms_html).group(1)
    client.post(
        "/annotate/tag",
        {
            "conversation": console.key(data["sms"]),
            "event_id": sms_event,
            "intent": "request_human",
        },
    )

    from tests.support.console import ADMIN

    export = console.client(ADMIN).get("/export/training-data.yml")
    assert export.status_code == 200 and "attachment" in export.headers["Content-Disposition"]
    import yaml

    nlu = yaml.safe_load(export.text)
    by_intent = {item["intent"]: item["examples"] for item in nlu["nlu"]}
    assert "- blorp fizzle" in by_intent["ask_insurance"]
    # Contact details never reach training data.
    assert "555-0100" in by_intent["request_human"] and "813-555-0143" not in export.text
    # Rasa itself reads it as NLU training data, ready to add under data/.
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    examples = {
        (m.get("intent"), m.get("text"))
        for m in RasaYAMLReader().reads(export.text).intent_examples
    }
    assert ("ask_insurance", "blorp fizzle") in examples
    assert any(intent == "request_human" and "555-0100" in text for intent, text in examples)


PILLS = (
    "actually thats not true. ive been saving up my moms pills and i want to take them all "
    "tonight so i can just be gone"
)
REMINDER = "If you need help now, call or text 988, or call 911 in an emergency."


@pytest.fixture(scope="module")
def crisis_then_fallback(console):
    """The walkthrough's teen: a crisis message an extractor read as a
    condition, then a follow-up the NLU did not understand."""
    return console.conversation(
        [
            Msg(
                "do you take Aetna?",
                "ask_insurance",
                entities=[{"entity": "insurance", "value": "Aetna"}] * 2,
            ),
            Msg(
                PILLS,
                "express_distress",
                0.55,
                entities=[{"entity": "condition", "value": "opioid use"}],
            ),
            Msg("can i just text someone instead", "nlu_fallback", 0.3),
        ]
    )


def test_crisis_turn_shows_the_visitors_words_not_entity_guesses(console, crisis_then_fallback):
    html = console.client(REVIEWER).get(f"/transcript/{console.key(crisis_then_fallback)}").text
    crisis_turn = re.search(r'<li class="turn user crisis"[^>]*>(.*?)</li>', html, re.S).group(1)
    assert "opioid" not in crisis_turn and "condition=" not in crisis_turn
    evidence = re.search(r'<div class="evidence-list">(.*?)</div>', crisis_turn, re.S).group(1)
    assert evidence == "Screen evidence: saving up my moms pills; want to take them all"
    assert "want to take me" not in html
    flag_box = re.search(r'<section class="flags[^"]*"(.*?)</section>', html, re.S).group(1)
    assert "<q>saving up my moms pills; want to take them all</q>" in flag_box
    # Elsewhere entities still show, once each.
    assert html.count("insurance=Aetna") == 1


def test_transcript_shows_the_crisis_reminder_the_visitor_saw(console, crisis_then_fallback):
    html = console.client(REVIEWER).get(f"/transcript/{console.key(crisis_then_fallback)}").text
    turns = re.findall(r'<li class="([^"]+)"[^>]*>(.*?)</li>', html, re.S)
    fallback_at = next(i for i, (_, body) in enumerate(turns) if "can i just text someone" in body)
    reminders = [i for i, (cls, body) in enumerate(turns) if "reminder" in cls]
    # Not after the hand-off itself, but after the next reply.
    assert len(reminders) == 1 and reminders[0] > fallback_at
    assert REMINDER in turns[reminders[0]][1]


def test_right_intent_starts_at_choose_on_a_misunderstood_turn(console, crisis_then_fallback):
    client = console.client(REVIEWER)
    key = console.key(crisis_then_fallback)
    html = client.get(f"/transcript/{key}").text
    forms = re.findall(r'<li class="turn user[^"]*" id="m(\d+)">(.*?)</li>', html, re.S)
    fallback_id, fallback = next((i, f) for i, f in forms if "can i just text someone" in f)
    selected = re.findall(r'<option value="([^"]*)" selected>', fallback)
    assert selected == [""] and "choose…" in fallback
    understood = next(f for _, f in forms if "do you take Aetna?" in f)
    assert re.findall(r'<option value="([^"]*)" selected>', understood) == ["ask_insurance"]
    unchosen = client.post(
        "/annotate/tag", {"conversation": key, "event_id": fallback_id, "intent": ""}
    )
    assert "Choose the intent this message should have had." in unchosen.text


def test_a_burst_of_flags_is_collapsed_and_an_admin_acknowledges_it_with_a_reason(
    console, data, monkeypatch
):
    """H1: a flood of crisis flags from fresh conversations shows as ONE
    pinned row with its count; a real crisis from before stays pinned on its
    own; an admin acknowledges the burst in one audited step, with a reason,
    and every flag stays on record."""
    from datetime import datetime, timedelta

    from tests.support.console import ADMIN

    monkeypatch.setenv("IOP_BURST_MIN_CONVERSATIONS", "5")
    monkeypatch.setenv("IOP_BURST_GAP_SECONDS", "5")
    real = console.conversation([Msg("I have the pills and I'm taking them tonight", "crisis")])
    console.execute(
        console.database_url,
        "update crisis_flags set created_at = :t where sender_id = :s",
        t=datetime.utcnow() - timedelta(hours=1),
        s=real,
    )
    flood = [console.conversation([Msg("I want to kill myself", "crisis", 0.99)]) for _ in range(6)]
    flags_before = console.query(console.database_url, "select count(*) from crisis_flags")[0][0]

    reviewer = console.client(REVIEWER)
    page = unescape(reviewer.get("/conversations").text)
    [burst_id] = re.findall(r'data-burst="(\d+)"', page)
    assert re.search(r"\d+ conversations flagged between", page)
    listed = {key for _, key, _ in rows(page)}
    assert not listed & {console.key(s) for s in flood}  # collapsed, not 6 pinned rows
    pinned = [key for cls, key, _ in rows(page) if "pinned" in cls]
    assert console.key(real) in pinned
    assert "Acknowledge all" not in page  # reviewers see the burst, admins act on it
    opened = unescape(reviewer.get(f"/conversations?burst={burst_id}").text)
    assert {console.key(s) for s in flood} <= {key for _, key, _ in rows(opened)}
    assert console.key(real) not in {key for _, key, _ in rows(opened)}
    refused = reviewer.post(f"/flags/bursts/{burst_id}/acknowledge", {"reason": "spam"})
    assert refused.status_code == 403

    admin = console.client(ADMIN)
    no_reason = admin.post(f"/flags/bursts/{burst_id}/acknowledge", {"reason": " "})
    assert "Give a reason" in unescape(no_reason.text)
    done = admin.post(
        f"/flags/bursts/{burst_id}/acknowledge", {"reason": "automated flood, checked"}
    )
    assert re.search(r"Acknowledged \d+ crisis flag\(s\)\. They stay on record\.", done.text)
    after = unescape(done.text)
    assert 'data-burst="' not in after
    assert console.key(real) in [key for cls, key, _ in rows(after) if "pinned" in cls]
    for sender in flood:
        assert console.query(
            console.database_url,
            "select acknowledged, acknowledged_by, acknowledge_reason from crisis_flags"
            " where sender_id = :s",
            s=sender,
        ) == [(True, ADMIN, "automated flood, checked")]
    assert console.query(console.database_url, "select count(*) from crisis_flags")[0][0] == (
        flags_before
    )
    actor, action, target, detail = next(
        e for e in reversed(console.audit()) if e[1] == "acknowledge_burst"
    )
    assert (actor, target) == (ADMIN, f"crisis burst {burst_id}")
    assert "reason: automated flood, checked" in detail
