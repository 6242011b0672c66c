""" "Forget me" (admin only): by conversation or by phone number. It is the
only thing that touches a crisis flag, and it anonymises it rather than
deleting it; acknowledging or reviewing never changes it."""

import hashlib
from html import unescape

from tests.support.console import ADMIN, REVIEWER
from tests.support.demo_data import Msg
from tests.support.waiting import wait_for


def count(console, table, sender):
    return console.query(
        console.database_url, f"select count(*) from {table} where sender_id = :s", s=sender
    )[0][0]


def test_erasing_needs_the_confirmation_box(console):
    sender = console.conversation([Msg("hello", "greet")])
    page = console.client(ADMIN).post("/forget", {"conversation": console.key(sender)})
    assert "Tick the box to confirm: erasing cannot be undone." in page.text
    assert console.event_count(sender) > 0


def test_forget_one_conversation_removes_everything_and_anonymises_the_crisis_flag(console):
    sender = console.conversation([Msg("I want to kill myself", "crisis", 0.98)])
    console.referral(sender, "Noa", "noa@example.org")
    key = console.key(sender)
    reviewer = console.client(REVIEWER)
    reviewer.post("/annotate/note", {"conversation": key, "text": "called, safe now"})
    reviewer.post("/annotate/review", {"conversation": key, "reviewed": "1"})
    # Staff follow-up does not remove the flag...
    assert count(console, "crisis_flags", sender) == 1

    admin = console.client(ADMIN)
    confirm = unescape(admin.get(f"/forget?id={key}").text)
    assert (
        f"Conversation #{key}" in confirm
        and "1 intake request(s), 1 note(s) will be erased; 1 crisis flag(s) will be anonymised"
        in confirm
    )
    # M8: an open crisis flag is never orphaned: erasing waits for the follow-up.
    assert "Open crisis flag: erasing is refused" in confirm
    refused = admin.post("/forget", {"conversation": key, "confirm": "yes"})
    assert "This conversation has an open crisis flag." in unescape(refused.text)
    assert console.event_count(sender) > 0 and count(console, "crisis_flags", sender) == 1
    [(flag_id,)] = console.query(
        console.database_url, "select id from crisis_flags where sender_id = :s", s=sender
    )
    reviewer.post(f"/flags/{flag_id}/acknowledge")
    done = admin.post("/forget", {"conversation": key, "confirm": "yes"})
    assert done.url.endswith("/conversations")
    assert "Erased 1 conversation(s):" in done.text and "1 crisis flags anonymised" in done.text
    # ...and this explicit erasure unlinks it from the visitor but keeps it.
    for table in ("crisis_flags", "referrals", "conversation_notes", "conversation_reviews"):
        assert count(console, table, sender) == 0, table
    [(kept,)] = console.query(
        console.database_url, "select sender_id from crisis_flags where id = :i", i=flag_id
    )
    # A random id: hashing the sender id (or a phone number) does not find it.
    assert (
        kept.startswith("forgotten-")
        and hashlib.sha256(sender.encode()).hexdigest()[:16] not in kept
    )
    assert console.event_count(sender) == 0
    assert f'href="/transcript/{key}"' not in done.text
    gone = admin.get(f"/transcript/{key}")
    assert gone.status_code == 404
    entry = next(e for e in reversed(console.audit()) if e[1] == "forget")
    assert (
        entry[0] == ADMIN
        and entry[2] == f"conversation #{key}"
        and "1 crisis flags anonymised" in entry[3]
    )
    assert "kill" not in (entry[3] or "")  # the audit keeps counts, never the words


def test_forget_a_phone_number(console):
    sms = console.conversation(
        [Msg("do you have evening groups?", "ask_schedule")],
        channel="sms",
        sender_id="+17275550177",
    )
    whatsapp = console.conversation(
        [Msg("hi there", "greet")], channel="sms", sender_id="whatsapp:+17275550177"
    )
    web = console.conversation([Msg("sign me up", "start_intake")])
    console.referral(web, "Rui", "(727) 555-0177")
    bystander = console.conversation(
        [Msg("what is IOP?", "ask_what_is_iop")], channel="sms", sender_id="+17275550178"
    )

    admin = console.client(ADMIN)
    bad = admin.post("/forget", {"phone": "call me maybe", "confirm": "yes"})
    assert "That is not a phone number we can read" in bad.text
    done = admin.post("/forget", {"phone": "727.555.0177", "confirm": "yes"})
    assert "Erased 3 conversation(s):" in done.text and "1 referrals" in done.text
    for sender in (sms, whatsapp, web):
        assert console.event_count(sender) == 0 and count(console, "referrals", sender) == 0
    assert console.event_count(bystander) > 0
    actor, action, target, _ = next(e for e in reversed(console.audit()) if e[1] == "forget")
    assert (actor, target) == (ADMIN, "phone number ending 77")
    assert not any("5550177" in str(e) or "555-0177" in str(e) for e in console.audit())


def test_forget_a_number_deletes_its_opt_out_and_waits_for_an_open_flag(console):
    from iopnav.channels.optout import set_opted_out

    number = "+17275550166"
    crisis = console.conversation(
        [Msg("I want to kill myself", "crisis", 0.98)], channel="sms", sender_id=number
    )
    set_opted_out(number, True, "STOP", url=console.database_url)
    set_opted_out("whatsapp:" + number, True, "STOP", url=console.database_url)
    admin = console.client(ADMIN)
    refused = admin.post("/forget", {"phone": "727 555 0166", "confirm": "yes"})
    assert "This conversation has an open crisis flag." in unescape(refused.text)
    assert console.event_count(crisis) > 0  # nothing was erased

    console.execute(
        console.database_url,
        "update crisis_flags set acknowledged = :t where sender_id = :s",
        t=True,
        s=number,
    )
    done = admin.post("/forget", {"phone": "727 555 0166", "confirm": "yes"})
    assert "2 sms opt outs" in done.text
    left = console.query(
        console.database_url, "select count(*) from sms_opt_outs where phone like :p", p="%0166"
    )
    assert left == [(0,)]
    assert count(console, "crisis_flags", number) == 0  # anonymised, not deleted
    assert (
        console.query(
            console.database_url,
            "select count(*) from crisis_flags"
            " where sender_id like 'forgotten-%' and evidence is null",
        )[0][0]
        >= 1
    )


def test_an_in_flight_turn_cannot_bring_the_erased_events_back(console, monkeypatch):
    from iopnav.console import forget, tracker
    from iopnav.db import session_factory

    monkeypatch.setenv("IOP_FORGET_RECHECK_SECONDS", "1")
    sender = console.conversation([Msg("when are groups?", "ask_schedule")])
    eng = tracker.engine(console.tracker_url)
    with session_factory(console.database_url)() as db:
        forget.forget_sender(db, eng, sender)
    assert console.event_count(sender) == 0
    # Rasa finishes the turn it was handling and saves the whole session again.
    console.conversation([Msg("when are groups?", "ask_schedule")], sender_id=sender)
    assert console.event_count(sender) > 0  # the fault the re-check exists for
    wait_for(lambda: console.event_count(sender) == 0, timeout=10)
