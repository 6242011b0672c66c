"""The stores production uses, against the real services: the SQL tracker
store on SQLite and PostgreSQL, and the Redis lock store that several Rasa
servers share."""

import asyncio
import socket

import pytest
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from iopnav.lock_store import EnvLockStore
from iopnav.safety.flags import is_flagged
from iopnav.tracker_store import EnvSQLTrackerStore

REDIS = ("127.0.0.1", 6379)


def redis_available() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
        return True
    except OSError:
        return False


def test_without_a_url_one_server_locks_in_memory(monkeypatch):
    monkeypatch.delenv("IOP_LOCK_STORE_URL", raising=False)
    assert isinstance(EnvLockStore(), InMemoryLockStore)


@pytest.mark.skipif(not redis_available(), reason="Redis is not reachable at 127.0.0.1:6379")
def test_redis_lock_serialises_two_servers_on_one_conversation(monkeypatch):
    monkeypatch.setenv("IOP_LOCK_STORE_URL", "redis://127.0.0.1:6379/15")
    monkeypatch.setenv("IOP_LOCK_STORE_PREFIX", "iop-test-" + str(id(monkeypatch)))
    server_a, server_b = EnvLockStore(), EnvLockStore()  # as two Rasa processes would
    assert isinstance(server_a, RedisLockStore)
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
    assert is_flagged("visitor-9", url=db_url)
