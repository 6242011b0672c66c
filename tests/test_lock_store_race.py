"""The lock store several Rasa servers share (iopnav/atomic_lock_store.py)
against a real Redis, next to Rasa's RedisLockStore: the same harness must
catch the stock store letting two servers hold one conversation, and pass on
ours. Redis db 5, keys under a prefix of their own, deleted afterwards."""

import asyncio
import os
import select
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from rasa.core.lock_store import RedisLockStore

from iopnav.atomic_lock_store import DEFAULT_LIFETIME_SECONDS, AtomicRedisLockStore
from iopnav.lock_store import EnvLockStore
from tests.support.databases import REDIS, redis_available
from tests.support.lock_race import run_race, with_latency

pytestmark = pytest.mark.skipif(
    not redis_available(), reason="Redis is not reachable at 127.0.0.1:6379"
)

ROOT = Path(__file__).resolve().parent.parent
REDIS_DB = 5
# One simulated network hop per Redis command, the same for both stores.
LATENCY = 0.001
SERVERS, TURNS = 8, 10


@pytest.fixture
def prefix():
    prefix = "lockrace" + uuid.uuid4().hex[:8]  # alphanumeric, or Rasa ignores it
    yield prefix
    client = redis.Redis(*REDIS, db=REDIS_DB)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def atomic_store(prefix, **kwargs):
    return AtomicRedisLockStore(*REDIS, db=REDIS_DB, key_prefix=prefix, **kwargs)


def stock_store(prefix):
    return RedisLockStore(*REDIS, db=REDIS_DB, key_prefix=prefix)


def test_the_env_lock_store_is_the_atomic_one_with_its_lifetime(monkeypatch):
    monkeypatch.setenv("IOP_LOCK_STORE_URL", "redis://127.0.0.1:6379/5")
    monkeypatch.delenv("IOP_LOCK_LIFETIME", raising=False)
    monkeypatch.delenv("TICKET_LOCK_LIFETIME", raising=False)
    assert EnvLockStore().lifetime == DEFAULT_LIFETIME_SECONDS < 60  # Rasa's default
    monkeypatch.setenv("TICKET_LOCK_LIFETIME", "15")  # Rasa's own setting is honoured
    assert EnvLockStore().lifetime == 15
    monkeypatch.setenv("IOP_LOCK_LIFETIME", "7")
    store = EnvLockStore()
    assert isinstance(store, AtomicRedisLockStore) and store.lifetime == 7


def test_the_harness_catches_stock_redis_lock_store_failing_under_a_race(prefix):
    # rasa #9213: the stock store reads the lock, then writes it back. Which way
    # that fails depends on timing (a loaded CI machine saw the second): two
    # servers get one ticket number and hold the conversation together, or a
    # waiting server writes back a ticket that has already finished, and every
    # later turn waits on it for its whole lifetime (cut short at 0.5 s here).
    report = run_race(
        lambda: with_latency(stock_store(prefix), LATENCY),
        "visitor-1",
        SERVERS,
        TURNS,
        turn_timeout=0.5,
    )
    assert report.overlaps > 0 or report.stuck > 0, report


def test_atomic_lock_store_serves_one_turn_at_a_time_in_ticket_order(prefix):
    report = run_race(
        lambda: with_latency(atomic_store(prefix), LATENCY), "visitor-1", SERVERS, TURNS
    )
    assert (report.overlaps, report.lock_errors, report.stuck, report.unfinished) == (0, 0, 0, 0), (
        report
    )
    assert len(report.served) == SERVERS * TURNS
    assert report.in_ticket_order, report.served


HOLDER = """
import asyncio, sys
from iopnav.atomic_lock_store import DEFAULT_LIFETIME_SECONDS, AtomicRedisLockStore
from iopnav.lock_store import EnvLockStore

store = AtomicRedisLockStore(sys.argv[1], int(sys.argv[2]), db=int(sys.argv[3]),
                             key_prefix=sys.argv[4], lifetime=float(sys.argv[5]))

async def turn():
    async with store.lock("visitor-1", wait_time_in_seconds=0.02):
        print("holding", flush=True)
        await asyncio.sleep(60)

# One turn holds the conversation, a second one of it waits on the same server.
async def main():
    await asyncio.gather(turn(), turn())

asyncio.run(main())
"""


def test_a_killed_server_blocks_the_conversation_only_for_the_lifetime(prefix):
    lifetime = 1.5
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, *map(str, REDIS), str(REDIS_DB), prefix, str(lifetime)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert select.select([holder.stdout], [], [], 10)[0], "the holder never took the lock"
        assert holder.stdout.readline().strip() == "holding"
        time.sleep(0.2)  # its waiting turn polls, i.e. stays alive, meanwhile
        holder.send_signal(signal.SIGKILL)
        holder.wait(5)
        killed = time.monotonic()

        async def next_turn():
            store = atomic_store(prefix, lifetime=lifetime)
            async with store.lock("visitor-1", wait_time_in_seconds=0.02):
                return time.monotonic() - killed

        waited = asyncio.run(asyncio.wait_for(next_turn(), 10))
    finally:
        holder.kill()
        holder.wait(5)
    # Neither the dead turn nor the dead waiter behind it holds on longer
    # than one lifetime from the server's last sign of life.
    assert lifetime - 0.3 < waited < lifetime + 0.5, waited


@pytest.mark.parametrize("kind", ["stock", "atomic"])
def test_a_turn_that_overran_its_lifetime_releases_only_its_own_ticket(prefix, kind):
    """a overruns its 0.3 s ticket, so b goes ahead; a's late release must not
    free b's place for c. Rasa's stores number from 0 again once every ticket
    has gone, so a's release removes b's ticket (same number): c gets in."""
    events = []

    async def turn(name, lifetime, hold, start_after):
        store = stock_store(prefix) if kind == "stock" else atomic_store(prefix)
        await asyncio.sleep(start_after)
        async with store.lock("visitor-1", lock_lifetime=lifetime, wait_time_in_seconds=0.01):
            events.append(f"{name} in")
            await asyncio.sleep(hold)
            events.append(f"{name} out")

    async def three_turns():
        await asyncio.gather(turn("a", 0.3, 1.0, 0), turn("b", 5, 1.0, 0.6), turn("c", 5, 0, 1.1))

    asyncio.run(three_turns())
    serial = ["a in", "b in", "a out", "b out", "c in", "c out"]
    if kind == "stock":
        assert events != serial and events.index("c in") < events.index("b out"), events
    else:
        assert events == serial
