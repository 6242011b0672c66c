"""The real trained model and our two channels in one Sanic app, driven
in-process through ASGI (tests/support/asgi.py), so a test can break one part
of Rasa (hold a sender's lock, fail the tracker store) and watch what the
person gets.

Rasa's in-memory lock store (or ours on Redis) and its (fail-safe wrapped)
in-memory tracker store are used; the faults are real failure modes: a lock
held by a turn stuck on the action server, the Redis lock store unreachable,
Redis lost mid-turn, a tracker store that cannot save (which Rasa's
FailSafeTrackerStore hides from the channel: it answers from memory).
"""

import asyncio
import copy
import functools
import json
import time
import urllib.parse
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from typing import Any, Dict, List, Optional, Tuple

import redis
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage, register
from rasa.core.lock_store import InMemoryLockStore, LockStore
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from sanic import Sanic
from sqlalchemy import create_engine, text

from iopnav.atomic_lock_store import AtomicRedisLockStore
from iopnav.channels.rest import SafeRestInput
from iopnav.channels.sms import TwilioSMSInput
from iopnav.services import free_port
from tests.support.asgi import AsgiApp, unique_name
from tests.support.assistant import model_path


def unreachable_redis_lock_store() -> AtomicRedisLockStore:
    """The Redis lock store IOP_LOCK_STORE_URL selects, with nothing listening
    on its port (Redis down): every turn fails to take the lock."""
    return AtomicRedisLockStore(host="127.0.0.1", port=free_port(), socket_timeout=1)


class LockLostMidTurn(InMemoryLockStore):
    """A lock store that fails when the turn releases its lock (Redis went
    away mid-turn): the replies were generated, then handle_message raises."""

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        super().cleanup(conversation_id, ticket_number)
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")


class SaveFails(InMemoryTrackerStore):
    """A tracker store whose writes fail (SQLite write-locked, PostgreSQL
    gone mid-turn). Rasa wraps it in its FailSafeTrackerStore, which logs the
    error and answers anyway from memory: the channel never sees it."""

    async def save(self, tracker: Any) -> None:
        raise RuntimeError("(sqlite3.OperationalError) database is locked")


class Channels:
    """POST to /webhooks/rest/webhook and /webhooks/sms/webhook in-process."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.healthy_store = agent.tracker_store
        self.healthy_locks = agent.lock_store
        app = Sanic(unique_name("rasa"))
        app.ctx.agent = agent
        # Signature checks are covered end to end in test_sms.py.
        register([SafeRestInput(), TwilioSMSInput(validate=False)], app, "/webhooks/")
        self.app = app
        self.asgi = AsgiApp(app)

    # ---- requests ---------------------------------------------------------

    def rest(
        self, sender: str, message: str, message_id: Optional[str] = None, **headers: str
    ) -> Tuple[int, Any, Dict[str, str]]:
        sent = {"sender": sender, "message": message}
        if message_id:
            sent["message_id"] = message_id
        body = json.dumps(sent).encode()
        status, out_headers, raw = self.asgi.request(
            "POST",
            "/webhooks/rest/webhook",
            "",
            {"content-type": "application/json", **headers},
            body,
        )
        return status, json.loads(raw.decode() or "null"), {k.lower(): v for k, v in out_headers}

    def sms(self, number: str, body: str, sid: Optional[str] = None) -> Tuple[int, List[str]]:
        params = {"From": number, "To": "+15550100142", "Body": body, "NumMedia": "0"}
        if sid:
            params["MessageSid"] = sid
        status, _, raw = self.asgi.request(
            "POST",
            "/webhooks/sms/webhook",
            "",
            {"content-type": "application/x-www-form-urlencoded"},
            urllib.parse.urlencode(params).encode(),
        )
        if status != 200:
            return status, []
        return status, [m.text or "" for m in ET.fromstring(raw.decode()).iter("Message")]

    def handle_directly(self, sender: str, text: str) -> List[Dict[str, Any]]:
        """The dialogue turn itself, as the channels call it (no channel)."""
        collector = CollectingOutputChannel()
        self.asgi.loop.run_until_complete(
            self.agent.handle_message(UserMessage(text, collector, sender))
        )
        return collector.messages

    # ---- faults -------------------------------------------------------------

    def use_lock_store(self, store: LockStore) -> None:
        self.agent.lock_store = store

    def use_tracker_store(self, store: Any) -> None:
        wrapped = FailSafeTrackerStore(store)  # as Agent.load wraps every store
        wrapped.domain = self.agent.domain
        self.agent.tracker_store = self.agent.processor.tracker_store = wrapped

    def heal(self) -> None:
        self.agent.lock_store = self.healthy_locks
        self.agent.tracker_store = self.agent.processor.tracker_store = self.healthy_store

    @contextmanager
    def lock_held(self, sender: str):
        """Rasa's own per-sender lock, held as by a turn waiting on a hung
        action server; released when the block ends."""
        release = asyncio.Event()
        held = asyncio.Event()

        async def hold() -> None:
            async with self.agent.lock_store.lock(sender):
                held.set()
                await release.wait()

        holder = self.asgi.loop.create_task(hold())
        self.asgi.loop.run_until_complete(asyncio.wait_for(held.wait(), 10))
        try:
            yield
        finally:
            release.set()
            self.asgi.loop.run_until_complete(holder)

    async def _user_events(self, sender: str) -> List[Any]:
        tracker = await self.healthy_store.retrieve(sender)
        if tracker is None:
            return []
        return [e for e in tracker.events if getattr(e, "type_name", "") == "user"]

    async def _user_texts(self, sender: str) -> List[str]:
        return [e.text for e in await self._user_events(sender)]

    def stored_message_ids(self, sender: str) -> List[str]:
        events = self.asgi.loop.run_until_complete(self._user_events(sender))
        return [e.message_id for e in events]

    def stored_user_texts(self, sender: str) -> List[str]:
        return self.asgi.loop.run_until_complete(self._user_texts(sender))

    def wait_until_stored(self, sender: str, texts: List[str], timeout: float = 30) -> List[str]:
        """The stored user texts once they are `texts` (or at the timeout):
        background turns only move while the loop runs."""
        deadline = time.monotonic() + timeout

        async def wait() -> List[str]:
            while True:
                stored = await self._user_texts(sender)
                if stored == texts or time.monotonic() > deadline:
                    return stored
                await asyncio.sleep(0.2)

        return self.asgi.loop.run_until_complete(wait())

    def close(self) -> None:
        self.asgi.close()


@functools.lru_cache(maxsize=1)
def _trained_model() -> Agent:
    return Agent.load(str(model_path()))


def load_agent(tracker_store: Any = None, lock_store: Optional[LockStore] = None) -> Agent:
    """A Rasa server's Agent around the trained model, which is loaded once
    per test process (about 30 s): each call gets its own tracker store
    (wrapped as Agent.load wraps it; in memory by default), lock store and
    processor, so test modules, and two "servers" in one test, share the
    model and nothing else."""
    model = _trained_model()
    agent = copy.copy(model)
    store = tracker_store or InMemoryTrackerStore(model.domain)
    agent.tracker_store = Agent._create_tracker_store(store, model.domain)
    agent.lock_store = lock_store or InMemoryLockStore()
    agent.processor = copy.copy(model.processor)
    agent.processor.tracker_store = agent.tracker_store
    agent.processor.lock_store = agent.lock_store
    return agent


def flags_for(database_url: str, sender: str, timeout: float = 10) -> List[Dict[str, Any]]:
    """The crisis flags of a sender (outbox.enqueue_flag writes from a
    thread, so wait a little for the first one)."""
    engine = create_engine(database_url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            with engine.connect() as conn:
                rows = [
                    dict(r._mapping)
                    for r in conn.execute(
                        text("select * from crisis_flags where sender_id = :s"), {"s": sender}
                    )
                ]
            if rows or time.monotonic() > deadline:
                return rows
            time.sleep(0.2)
    finally:
        engine.dispose()
