"""The stores production uses, against the real services: the SQL tracker
store on SQLite and PostgreSQL, and the Redis lock store that several Rasa
servers share."""

import asyncio
import time
import uuid

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from iopnav.atomic_lock_store import AtomicRedisLockStore
from iopnav.lock_store import EnvLockStore
from iopnav.safety import outbox
from iopnav.safety.flags import flagged_keys, is_flagged
from iopnav.tracker_store import EnvSQLTrackerStore
from tests.support.databases import redis_available
from tests.support.db_faults import reconnect, sqlite_write_lock, unreachable
from tests.support.waiting import wait_for


def test_without_a_url_one_server_locks_in_memory(monkeypatch):
    monkeypatch.delenv("IOP_LOCK_STORE_URL", raising=False)
    assert isinstance(EnvLockStore(), InMemoryLockStore)


@pytest.mark.skipif(not redis_available(), reason="Redis is not reachable at 127.0.0.1:6379")
def test_redis_lock_serialises_two_servers_on_one_conversation(monkeypatch):
    monkeypatch.setenv("IOP_LOCK_STORE_URL", "redis://127.0.0.1:6379/15")
    monkeypatch.setenv("IOP_LOCK_STORE_PREFIX", "ioptest" + uuid.uuid4().hex[:8])
    server_a, server_b = EnvLockStore(), EnvLockStore()  # as two Rasa processes would
    assert isinstance(server_a, AtomicRedisLockStore)  # tests/test_lock_store_race.py
    order = []

    async def handle(store, name, pause):
        async with store.lock("visitor-1", lock_lifetime=5, wait_time_in_seconds=0.05):
            order.append(f"{name} in")
            await asyncio.sleep(pause)
            order.append(f"{name} out")

    async def both():
        first = asyncio.create_task(handle(server_a, "a", 0.3))
        await asyncio.sleep(0.05)
        await asyncio.gather(first, handle(server_b, "b", 0))

    asyncio.run(both())
    assert order == ["a in", "a out", "b in", "b out"]
    server_a.delete_lock("visitor-1")  # the numbering would stay a day


def test_tracker_store_keeps_the_conversation_and_flags_a_crisis(db_url, monkeypatch):
    from iopnav import migrate

    migrate.upgrade(db_url)
    monkeypatch.setenv("IOP_TRACKER_STORE_URL", db_url)
    monkeypatch.setenv("IOP_DATABASE_URL", db_url)
    domain = Domain.empty()
    store = EnvSQLTrackerStore(domain=domain)
    tracker = DialogueStateTracker.from_events(
        "visitor-9",
        [
            UserUttered(
                "what is an iop", {"name": "ask_what_is_iop", "confidence": 0.9}, message_id="m1"
            ),
            ActionExecuted("utter_ask_what_is_iop"),
            UserUttered(
                "i want to end my life",
                {"name": "crisis", "confidence": 1.0},
                message_id="m2",
                parse_data={
                    "safety": {"category": "suicidal_explicit", "evidence": ["end my life"]}
                },
                input_channel="rest",
            ),
            ActionExecuted("utter_crisis_handoff"),
        ],
    )
    asyncio.run(store.save(tracker))
    again = asyncio.run(EnvSQLTrackerStore(domain=domain).retrieve("visitor-9"))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == [
        "what is an iop",
        "i want to end my life",
    ]
    wait_for(lambda: is_flagged("visitor-9", url=db_url))


def test_a_read_gives_the_tracker_rasas_own_read_gives(db_url, monkeypatch):
    """The store reads with one Core query (docs/performance.md); the
    latest session alone, or every session, exactly as Rasa's read does."""
    from rasa.shared.core.events import SessionStarted, SlotSet

    from iopnav import migrate

    migrate.upgrade(db_url)
    monkeypatch.setenv("IOP_TRACKER_STORE_URL", db_url)
    monkeypatch.setenv("IOP_DATABASE_URL", db_url)
    domain = Domain.from_dict({"intents": ["greet"], "slots": {}})
    store = EnvSQLTrackerStore(domain=domain)
    now = time.time()
    events = []
    for session, texts in enumerate([["hi", "what is an iop"], ["hello again", "bye"]]):
        events += [
            ActionExecuted("action_session_start", timestamp=now + session * 100),
            SessionStarted(timestamp=now + session * 100),
            ActionExecuted("action_listen", timestamp=now + session * 100 + 1),
        ]
        for turn, said in enumerate(texts):
            at = now + session * 100 + 2 + turn
            events += [
                UserUttered(said, {"name": "greet", "confidence": 1.0}, timestamp=at),
                SlotSet("language", "en", timestamp=at),
                ActionExecuted("utter_greet", timestamp=at),
            ]
    asyncio.run(store.save(DialogueStateTracker.from_events("visitor-s", events)))

    for all_sessions in (False, True):
        ours = asyncio.run(store._retrieve("visitor-s", all_sessions))
        rasas = asyncio.run(SQLTrackerStore._retrieve(store, "visitor-s", all_sessions))
        assert [e.as_dict() for e in ours.events] == [e.as_dict() for e in rasas.events]
        texts = [e.text for e in ours.events if isinstance(e, UserUttered)]
        assert texts == (["hi", "what is an iop"] if all_sessions else []) + ["hello again", "bye"]
    assert asyncio.run(store.retrieve("nobody")) is None


def crisis_tracker(sender: str, message_id: str = "c1") -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        sender,
        [
            UserUttered(
                "i have the pills and i am taking them all tonight",
                {"name": "crisis", "confidence": 1.0},
                message_id=message_id,
                parse_data={"safety": {"category": "suicidal_plan", "evidence": ["pills"]}},
                input_channel="rest",
            ),
            ActionExecuted("utter_crisis_handoff"),
        ],
    )


def stored_senders(url: str):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [s for (s,) in conn.execute(text("select distinct sender_id from events"))]
    finally:
        engine.dispose()


def test_a_locked_tracker_store_loses_the_turn_but_not_the_flag(tmp_path, monkeypatch):
    """M1 (store side): the crisis is handed to the outbox before the events
    are written, so a write-locked tracker store still ends with a flag."""
    from iopnav import migrate

    app_url = f"sqlite:///{tmp_path / 'iop.db'}"
    tracker_file = tmp_path / "tracker.db"
    migrate.upgrade(app_url)
    monkeypatch.setenv("IOP_DATABASE_URL", app_url)
    monkeypatch.setenv("IOP_TRACKER_STORE_URL", f"sqlite:///{tracker_file}")
    monkeypatch.setenv("IOP_SQLITE_BUSY_SECONDS", "0.3")
    store = EnvSQLTrackerStore(domain=Domain.empty())
    with sqlite_write_lock(tracker_file):
        start = time.perf_counter()
        with pytest.raises(OperationalError):  # the fault is real: the turn is not stored
            asyncio.run(store.save(crisis_tracker("visitor-locked")))
        assert time.perf_counter() - start < 2  # a short busy timeout, not 5 s
    assert stored_senders(f"sqlite:///{tracker_file}") == []
    wait_for(lambda: flagged_keys("visitor-locked", url=app_url) == {"c1"})


def test_rasa_starts_while_the_app_db_is_down_and_flags_once_it_is_back(
    db_url, tmp_path, monkeypatch
):
    """L6: the tracker store constructor no longer needs the application
    database; migrations and flags are retried until it answers."""
    if not db_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL variant (a closed port, then a forwarder)")
    down_url, port = unreachable(db_url)
    monkeypatch.setenv("IOP_DATABASE_URL", down_url)
    monkeypatch.setenv("IOP_TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.setenv("IOP_FLAG_SWEEP_SECONDS", "0.3")
    start = time.perf_counter()
    store = EnvSQLTrackerStore(domain=Domain.empty())  # used to raise here
    assert time.perf_counter() - start < 10
    asyncio.run(store.save(crisis_tracker("visitor-early")))
    assert stored_senders(f"sqlite:///{tmp_path / 'tracker.db'}") == ["visitor-early"]
    with pytest.raises(OperationalError):  # still down: nothing can be flagged yet
        flagged_keys("visitor-early", url=down_url)
    forwarder = reconnect(port)
    try:
        wait_for(
            lambda: flagged_keys("visitor-early", url=db_url) == {"c1"},
            timeout=30,
            ignore=(ProgrammingError,),  # until the retried migrations create the table
        )
    finally:
        outbox.stop_all()
        forwarder.stop()


def test_the_sweeper_flags_a_stored_crisis_that_never_reached_the_outbox(db_url, monkeypatch):
    """A crash between the hand-off and the flag: the events are stored (here
    by Rasa's own store, which flags nothing), the outbox never heard of
    them; the sweeper of the next Rasa process finds the crisis turn."""
    from iopnav import migrate

    migrate.upgrade(db_url)
    monkeypatch.setenv("IOP_DATABASE_URL", db_url)
    monkeypatch.setenv("IOP_TRACKER_STORE_URL", db_url)
    asyncio.run(SQLTrackerStore(host=db_url).save(crisis_tracker("visitor-swept", "c7")))
    time.sleep(1)
    assert not is_flagged("visitor-swept", url=db_url)  # the fault: no flag
    monkeypatch.setenv("IOP_FLAG_SWEEP_SECONDS", "0.3")
    EnvSQLTrackerStore(domain=Domain.empty())  # the restarted server
    wait_for(lambda: flagged_keys("visitor-swept", url=db_url) == {"c7"})


def test_engines_hide_parameters_and_time_out(db_url, monkeypatch):
    """M6/L6: no bound values (phone numbers, evidence) in error messages,
    and statements or lock waits cannot stall the event loop for long."""
    from iopnav import migrate
    from iopnav.db import get_engine
    from iopnav.safety.flags import CrisisFlag

    migrate.upgrade(db_url)
    monkeypatch.setenv("IOP_DATABASE_URL", db_url)
    monkeypatch.setenv("IOP_TRACKER_STORE_URL", db_url)
    store = EnvSQLTrackerStore(domain=Domain.empty())
    for engine in (get_engine(db_url), store.engine):
        assert engine.hide_parameters
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                assert conn.execute(text("show statement_timeout")).scalar() == "5s"
            else:
                assert conn.execute(text("pragma busy_timeout")).scalar() == 2000
    with get_engine(db_url).begin() as conn:
        conn.execute(CrisisFlag.__table__.insert(), {"sender_id": "+15550100002", "event_key": "k"})
    with pytest.raises(IntegrityError) as raised:
        with get_engine(db_url).begin() as conn:
            conn.execute(
                CrisisFlag.__table__.insert(), {"sender_id": "+15550100002", "event_key": "k"}
            )
    assert "SQL parameters hidden" in str(raised.value)
    if db_url.startswith("sqlite"):
        assert "+15550100002" not in str(raised.value)
    # PostgreSQL's own DETAIL line can still quote a key's value: that is why
    # the flag code logs the exception type only, never the message.


def test_rasa_starts_and_flags_even_when_var_is_not_writable(db_url, tmp_path, monkeypatch):
    from iopnav import migrate

    migrate.upgrade(db_url)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the journal folder should be")
    monkeypatch.setenv("IOP_OUTBOX_DIR", str(blocked / "outbox"))
    monkeypatch.setenv("IOP_DATABASE_URL", db_url)
    monkeypatch.setenv("IOP_TRACKER_STORE_URL", db_url)
    store = EnvSQLTrackerStore(domain=Domain.empty())
    asyncio.run(store.save(crisis_tracker("visitor-nowhere", "c9")))
    wait_for(lambda: flagged_keys("visitor-nowhere", url=db_url) == {"c9"})
    assert outbox.worker(db_url).journal.path.parent.name.startswith("iopnav-outbox-")
