"""Crisis flags: recorded from the conversation's own events, once per
crisis moment, on SQLite and PostgreSQL, and never cleared by later turns."""

import threading
import time

import pytest
from rasa.shared.core.events import ActionExecuted, Restarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import IntegrityError, OperationalError

from iopnav import migrate
from iopnav.db import session_factory
from iopnav.safety.flags import (
    CrisisFlag,
    Recorded,
    acknowledge,
    flagged_keys,
    is_flagged,
    open_flags,
    record_flag,
    record_moment,
)
from iopnav.tracker_store import _Seen, crisis_moments, enqueue_moments
from tests.support.waiting import wait_for


def make_tracker(sender, *events):
    tracker = DialogueStateTracker(sender, slots=[])
    for event in events:
        tracker.update(event)
    return tracker


def crisis_message(text, category="suicidal_explicit", message_id="m1", channel="rest"):
    return UserUttered(
        text,
        intent={"name": "crisis", "confidence": 1.0},
        message_id=message_id,
        input_channel=channel,
        parse_data={
            "intent": {"name": "crisis", "confidence": 1.0},
            "text": text,
            "safety": {"category": category, "evidence": ["want to die"]},
        },
    )


def test_crisis_intent_is_a_moment_with_category_and_channel():
    tracker = make_tracker(
        "s1", crisis_message("i want to die"), ActionExecuted("utter_crisis_handoff")
    )
    [(key, category, channel, evidence)] = crisis_moments(tracker)
    assert (key, category, channel) == ("m1", "suicidal_explicit", "rest")
    assert "want to die" in evidence


def test_yes_to_the_screening_question_is_a_moment():
    tracker = make_tracker(
        "s2",
        UserUttered(
            "I feel hopeless", intent={"name": "express_distress", "confidence": 1}, message_id="a"
        ),
        ActionExecuted("utter_risk_check"),
        ActionExecuted("action_listen"),
        UserUttered(
            "yes", intent={"name": "affirm", "confidence": 1}, message_id="b", input_channel="sms"
        ),
        ActionExecuted("utter_crisis_handoff"),
    )
    assert crisis_moments(tracker) == [("b", "screening_yes", "sms", None)]


def test_ordinary_conversation_has_no_moments():
    tracker = make_tracker(
        "s3",
        UserUttered("hi", intent={"name": "greet", "confidence": 1}),
        ActionExecuted("utter_greet"),
    )
    assert crisis_moments(tracker) == []


def test_record_flag_is_idempotent_per_moment(db_url):
    migrate.upgrade(db_url)
    assert record_flag("p1", "m1", "slang", "sms", url=db_url) is True
    assert record_flag("p1", "m1", "slang", "sms", url=db_url) is False
    assert record_flag("p1", "m2", "self_harm", "sms", url=db_url) is True
    assert flagged_keys("p1", url=db_url) == {"m1", "m2"}
    assert is_flagged("p1", url=db_url) and not is_flagged("someone-else", url=db_url)


def test_more_moments_count_on_the_one_open_flag_until_staff_acknowledge(db_url):
    migrate.upgrade(db_url)
    assert record_moment("p3", "m1", "slang", "sms", url=db_url) is Recorded.NEW
    assert record_moment("p3", "m2", "plan", "sms", url=db_url) is Recorded.COUNTED
    assert record_moment("p3", "m2", "plan", "sms", url=db_url) is Recorded.DUPLICATE
    with session_factory(db_url)() as db:
        [flag] = db.query(CrisisFlag).filter_by(sender_id="p3").all()
        assert (flag.moments, flag.category, flag.acknowledged) == (2, "slang", False)
        acknowledge(db, [flag], "nurse@clinic.example", "called back")
        db.commit()
    # After the follow-up, a new crisis opens a new flag; the old row stays.
    assert record_moment("p3", "m3", "plan", "sms", url=db_url) is Recorded.NEW
    with session_factory(db_url)() as db:
        rows = db.query(CrisisFlag).filter_by(sender_id="p3").order_by(CrisisFlag.id).all()
        assert [(f.moments, f.acknowledged) for f in rows] == [(2, True), (1, False)]
        assert rows[0].acknowledge_reason == "called back"


def test_the_database_refuses_a_second_open_flag_for_a_conversation(db_url):
    """The guarantee holds even against a writer that skips record_moment
    (two processes racing): a partial unique index."""
    migrate.upgrade(db_url)
    record_moment("p4", "m1", url=db_url)
    with session_factory(db_url)() as db:
        db.add(CrisisFlag(sender_id="p4", event_key="m2"))
        with pytest.raises(IntegrityError):
            db.commit()


def test_later_turns_and_restart_never_remove_the_flag(db_url, monkeypatch):
    migrate.upgrade(db_url)
    monkeypatch.setenv("IOP_DATABASE_URL", db_url)
    seen = _Seen()
    tracker = make_tracker("p2", crisis_message("kms"), ActionExecuted("utter_crisis_handoff"))
    assert enqueue_moments("p2", crisis_moments(tracker), seen) == 1
    for event in (
        UserUttered("thanks", intent={"name": "thank", "confidence": 1}),
        SlotSet("crisis_flagged", False),
        Restarted(),
        UserUttered("hi", intent={"name": "greet", "confidence": 1}),
    ):
        tracker.update(event)
        assert enqueue_moments("p2", crisis_moments(tracker), seen) == 0
    wait_for(lambda: flagged_keys("p2", url=db_url) == {"m1"})
    with session_factory(db_url)() as db:
        assert open_flags(db, "p2") == 1


def test_a_tapped_yes_is_flagged_with_the_category_from_its_payload():
    tapped = UserUttered(
        '/crisis{"crisis_kind": "suicide", "crisis_category": "screening_yes"}',
        intent={"name": "crisis", "confidence": 1.0},
        entities=[
            {"entity": "crisis_kind", "value": "suicide"},
            {"entity": "crisis_category", "value": "screening_yes"},
        ],
        message_id="t1",
        input_channel="rest",
    )
    tracker = make_tracker("s4", tapped, ActionExecuted("utter_crisis_handoff"))
    assert crisis_moments(tracker) == [("t1", "screening_yes", "rest", "[]")]


def test_writers_racing_on_one_conversation_leave_one_open_flag_counting_all(db_url):
    """Two Rasa processes (or a process and the sweeper) recording the same
    conversation at once: no second open flag, no moment lost or doubled."""
    migrate.upgrade(db_url)

    def write(worker: int) -> None:
        for n in range(10):
            for _ in range(20):  # as the outbox does: a busy database is tried again
                try:
                    record_moment("p5", f"w{worker}-{n}", url=db_url)
                    break
                except OperationalError:
                    time.sleep(0.05)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with session_factory(db_url)() as db:
        flags = db.query(CrisisFlag).filter_by(sender_id="p5").all()
        assert [(f.acknowledged, f.moments) for f in flags] == [(False, 40)]
    assert len(flagged_keys("p5", url=db_url)) == 40
