"""Two turns of one conversation saved at once (two Rasa servers, or a turn
that outlived its lock): Rasa's SQL tracker store drops one of them; ours
(iopnav.event_log through EnvSQLTrackerStore) keeps every event once, each
turn whole and in order, on SQLite and PostgreSQL. And a failing store
fails the turn instead of answering from memory (iopnav.refusing_store)."""

import asyncio
import json
import threading
import time
import uuid
from collections import Counter

import pytest
from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from iopnav import migrate
from iopnav.channels.conversation import last_language
from iopnav.refusing_store import RefusingTrackerStore
from iopnav.safety import resources
from iopnav.safety.session import crisis_reminder
from iopnav.tracker_store import EnvSQLTrackerStore
from tests.support.db_faults import sqlite_write_lock

DOMAIN = Domain.empty()


def turn(text_, message_id=None):
    """A turn's events as Rasa appends them: the message, the answer, listen."""
    return [
        UserUttered(text_, {"name": "ask", "confidence": 1.0}, message_id=message_id),
        ActionExecuted("utter_answer"),
        BotUttered(f"answer to {text_}"),
        ActionExecuted("action_listen"),
    ]


@pytest.fixture
def our_store(db_url, monkeypatch):
    migrate.upgrade(db_url)
    monkeypatch.setenv("IOP_DATABASE_URL", db_url)
    monkeypatch.setenv("IOP_TRACKER_STORE_URL", db_url)
    return lambda: EnvSQLTrackerStore(domain=DOMAIN)  # one per "server"


def rasa_store(db_url):
    return SQLTrackerStore(domain=DOMAIN, host=db_url)


def stored_rows(db_url, sender):
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text("select type_name, data from events where sender_id = :s order by id"),
                {"s": sender},
            ).fetchall()
    finally:
        engine.dispose()


def stored_texts(db_url, sender):
    """Each stored user message and bot reply, in id order."""
    return [
        json.loads(data).get("text")
        for kind, data in stored_rows(db_url, sender)
        if kind in ("user", "bot")
    ]


def start(store, sender):
    asyncio.run(
        store.save(DialogueStateTracker.from_events(sender, [SessionStarted(), *turn("hello")]))
    )


def read(store, sender):
    return asyncio.run(store.retrieve(sender))


def two_servers_race(first, second, sender, concurrently=False):
    """Both servers read the conversation, each adds a turn, both save."""
    trackers = [read(first, sender), read(second, sender)]
    for name, tracker in zip(("one", "two"), trackers, strict=True):
        for event in turn(f"from server {name}"):
            tracker.update(event)
    if not concurrently:
        asyncio.run(first.save(trackers[0]))
        asyncio.run(second.save(trackers[1]))
        return
    ready = threading.Barrier(2)
    errors = []

    def save(store, tracker):
        try:
            ready.wait()
            asyncio.run(store.save(tracker))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=save, args=pair)
        for pair in zip((first, second), trackers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


def test_rasas_store_drops_a_turn_saved_after_another_servers(db_url):
    """The fault is real: server two's count of stored events includes server
    one's turn, so it skips as many of its own, its user message first."""
    first, second = rasa_store(db_url), rasa_store(db_url)
    sender = "race-" + uuid.uuid4().hex
    start(first, sender)
    two_servers_race(first, second, sender)
    texts = stored_texts(db_url, sender)
    assert "from server one" in texts
    assert "from server two" not in texts and "answer to from server two" not in texts


def assert_whole_turns(texts, turns):
    """Every message and its answer once, the answer right after its message."""
    counts = Counter(texts)
    for message in turns:
        assert counts[message] == 1 and counts[f"answer to {message}"] == 1, texts
        at = texts.index(message)
        assert texts[at + 1] == f"answer to {message}", texts


def test_our_store_keeps_both_turns(db_url, our_store):
    first, second = our_store(), our_store()
    sender = "race-" + uuid.uuid4().hex
    start(first, sender)
    two_servers_race(first, second, sender)
    texts = stored_texts(db_url, sender)
    assert_whole_turns(texts, ["hello", "from server one", "from server two"])
    assert len(stored_rows(db_url, sender)) == 1 + 3 * 4  # nothing twice
    # Rasa reads them back, in order.
    again = read(our_store(), sender)
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == [
        "hello",
        "from server one",
        "from server two",
    ]


ROUNDS = 15


def test_concurrent_saves_from_two_stores_keep_every_event_once_and_in_order(db_url, our_store):
    """Two stores (two servers' connections) save a turn each at the same
    moment, round after round: every turn once, whole, in order."""
    first, second = our_store(), our_store()
    sender = "race-" + uuid.uuid4().hex
    start(first, sender)
    for _ in range(ROUNDS):
        two_servers_race(first, second, sender, concurrently=True)
    rows = stored_rows(db_url, sender)
    assert len(rows) == 1 + 4 + ROUNDS * 2 * 4
    texts = stored_texts(db_url, sender)
    assert len(texts) == 2 + ROUNDS * 2 * 2
    # Each turn's four events are consecutive (no interleaving of two saves).
    kinds = [kind for kind, _ in rows[1:]]
    assert kinds == ["user", "action", "bot", "action"] * (1 + ROUNDS * 2)
    for at in range(0, len(texts), 2):
        assert texts[at + 1] == f"answer to {texts[at]}"


def test_saving_a_tracker_again_stores_nothing_twice(db_url, our_store):
    store = our_store()
    sender = "again-" + uuid.uuid4().hex
    tracker = DialogueStateTracker.from_events(sender, [SessionStarted(), *turn("hi", "m-1")])
    asyncio.run(store.save(tracker))
    asyncio.run(store.save(tracker))
    # A tracker built elsewhere with the same events (Rasa's "replace events" API).
    copy = DialogueStateTracker.from_events(sender, list(tracker.events))
    asyncio.run(our_store().save(copy))
    assert len(stored_rows(db_url, sender)) == 5


def test_a_message_processed_twice_is_stored_once_with_its_first_answer(db_url, our_store):
    """A retry that reached another server while the first turn was still
    running: both processed it, only the first saved turn is kept."""
    first, second = our_store(), our_store()
    sender = "twice-" + uuid.uuid4().hex
    start(first, sender)
    trackers = [read(first, sender), read(second, sender)]
    for tracker, answer in zip(trackers, ("first", "second"), strict=True):
        for event in [
            UserUttered("where are you?", message_id="retry-1"),
            BotUttered(f"{answer} answer"),
            ActionExecuted("action_listen"),
        ]:
            tracker.update(event)
    asyncio.run(first.save(trackers[0]))
    asyncio.run(second.save(trackers[1]))
    assert stored_texts(db_url, sender) == [
        "hello",
        "answer to hello",
        "where are you?",
        "first answer",
    ]
    assert asyncio.run(second.replies_to(sender, "retry-1"))[0]["text"] == "first answer"
    assert asyncio.run(second.replies_to(sender, "never-sent")) is None


def test_an_existing_events_table_gets_the_key_column(tmp_path, monkeypatch):
    """A tracker database Rasa's own store wrote before the upgrade."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url)
    asyncio.run(rasa_store(url).save(DialogueStateTracker.from_events("old", turn("hello"))))
    monkeypatch.setenv("IOP_DATABASE_URL", url)
    monkeypatch.setenv("IOP_TRACKER_STORE_URL", url)
    store = EnvSQLTrackerStore(domain=DOMAIN)
    tracker = read(store, "old")
    for event in turn("and now"):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    assert stored_texts(url, "old") == ["hello", "answer to hello", "and now", "answer to and now"]


# ---- the crisis reminder's short read ---------------------------------------------------


def test_the_reminder_from_three_columns_is_the_one_the_whole_conversation_gives(db_url, our_store):
    """The channels read only each event's type, name and time for the crisis
    reminder: after a hand-off, after a /restart right after it, and after a
    new session half an hour later, the line a visitor gets is the one read
    from every stored event (the whole tracker, as before)."""
    store, sender, t0 = our_store(), "reminder-" + uuid.uuid4().hex[:8], time.time() - 7200
    reminder = resources.reminder_text(resources.load())

    def said_after(events):
        tracker = read(store, sender) or DialogueStateTracker(sender, DOMAIN.slots)
        for event in events:
            tracker.update(event)
        asyncio.run(store.save(tracker))
        whole = asyncio.run(store.retrieve_full_tracker(sender))
        full = crisis_reminder(whole.current_state(EventVerbosity.ALL)["events"])
        outline = asyncio.run(store.outline(sender))
        short = crisis_reminder(outline)
        assert short == full
        assert last_language(outline) == last_language(
            whole.current_state(EventVerbosity.ALL)["events"]
        )
        return short

    def at(seconds, event):
        event.timestamp = t0 + seconds
        return event

    def session(seconds):
        return [at(seconds, ActionExecuted("action_session_start")), at(seconds, SessionStarted())]

    def exchange(seconds, text_, action):
        return [
            at(seconds, UserUttered(text_, {"name": "ask", "confidence": 1.0})),
            at(seconds + 1, ActionExecuted(action)),
            at(seconds + 1, BotUttered(f"answer to {text_}")),
            at(seconds + 1, ActionExecuted("action_listen")),
        ]

    assert said_after([*session(0), *exchange(1, "hello", "utter_greet")]) is None
    assert said_after(exchange(10, "i am not safe", "utter_crisis_handoff")) is None  # sent now
    assert said_after(exchange(20, "ok", "utter_answer")) == reminder
    # The reply's language comes from the same short read.
    assert said_after([at(21, SlotSet("language", "es")), *exchange(22, "hola", "utter_answer")])
    assert last_language(asyncio.run(store.outline(sender))) == "es"
    assert said_after([*session(30), *exchange(31, "hi again", "utter_greet")]) == reminder
    assert said_after([*session(2500), *exchange(2501, "hi", "utter_greet")]) is None  # 40 min on


# ---- refusing instead of answering from memory -----------------------------------------


@pytest.fixture
def locked_file_store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("IOP_DATABASE_URL", url)
    monkeypatch.setenv("IOP_TRACKER_STORE_URL", url)
    monkeypatch.setenv("IOP_SQLITE_BUSY_SECONDS", "0.2")
    store = EnvSQLTrackerStore(domain=DOMAIN)
    start(store, "visitor")
    return store, tmp_path / "tracker.db"


def test_rasas_wrapper_hides_a_failed_save_and_a_failed_read(locked_file_store):
    """The fault is real: FailSafeTrackerStore answers from memory."""
    store, path = locked_file_store
    wrapped = FailSafeTrackerStore(store)
    tracker = DialogueStateTracker.from_events("visitor", turn("are you there?"))
    with sqlite_write_lock(path, readers_too=True, engines=[store.engine]):
        asyncio.run(wrapped.save(tracker))  # no error: kept in memory only
        assert asyncio.run(wrapped.retrieve("visitor")) is None  # a "new" conversation
    assert asyncio.run(wrapped.fallback_tracker_store.retrieve("visitor")) is not None
    assert "are you there?" not in stored_texts(f"sqlite:///{path}", "visitor")


def test_the_agent_wraps_our_store_so_that_errors_reach_the_turn(locked_file_store):
    store, path = locked_file_store
    wrapped = Agent(tracker_store=store).tracker_store
    assert isinstance(wrapped, RefusingTrackerStore)
    tracker = DialogueStateTracker.from_events("visitor", turn("are you there?"))
    with sqlite_write_lock(path, readers_too=True, engines=[store.engine]):
        with pytest.raises(OperationalError):
            asyncio.run(wrapped.save(tracker))
        with pytest.raises(OperationalError):
            asyncio.run(wrapped.retrieve("visitor"))
        with pytest.raises(OperationalError):
            asyncio.run(wrapped.retrieve_full_tracker("visitor"))
    assert wrapped._fallback_tracker_store is None  # nothing kept in memory
    # Once the database answers, the same turn is stored (nothing half-written).
    asyncio.run(wrapped.save(tracker))
    assert stored_texts(f"sqlite:///{path}", "visitor")[-2:] == [
        "are you there?",
        "answer to are you there?",
    ]
