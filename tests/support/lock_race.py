"""Many servers' turns on one conversation at once, against a real Redis:
did two turns ever hold the lock together, and were turns served in ticket
order? Each "server" is a thread with its own lock store instance (its own
Redis connections), as separate Rasa processes would have."""

import asyncio
import threading
import time
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Callable, List

from rasa.core.lock_store import LockError, LockStore


@dataclass
class RaceReport:
    served: List[int] = field(default_factory=list)  # tickets, in the order turns began
    overlaps: int = 0  # turns that began while another turn still held the lock
    lock_errors: int = 0  # turns refused with Rasa's LockError
    stuck: int = 0  # turns given up after waiting `turn_timeout`
    unfinished: int = 0  # servers still running at the deadline

    @property
    def in_ticket_order(self) -> bool:
        return all(a < b for a, b in pairwise(self.served))


def with_latency(store: LockStore, seconds: float) -> LockStore:
    """Every Redis command of `store` waits `seconds` first, like the network
    hop between a server and Redis. It widens any gap between a read and the
    write that depends on it; a single atomic command does not care."""
    send = store.red.execute_command  # type: ignore[attr-defined]

    def delayed(*args, **kwargs):
        time.sleep(seconds)
        return send(*args, **kwargs)

    store.red.execute_command = delayed  # type: ignore[attr-defined]
    return store


def run_race(
    new_store: Callable[[], LockStore],
    conversation_id: str,
    servers: int = 8,
    turns: int = 10,
    hold: float = 0.002,
    lifetime: float = 5.0,
    poll: float = 0.002,
    turn_timeout: float = 3.0,
    deadline: float = 10.0,
) -> RaceReport:
    """`servers` threads each run `turns` turns one after another; all start
    together. A turn notes itself inside, sleeps `hold`, notes itself out.
    The first overlap ends the run (no server starts another turn): one is
    proof enough, and Rasa's store can leave turns waiting for ever after it
    (a lost ticket), which `turn_timeout` cuts short."""
    report = RaceReport()
    guard = threading.Lock()
    holding = 0
    overlapped = threading.Event()
    start = threading.Barrier(servers)

    async def one_turn(store: LockStore) -> None:
        nonlocal holding
        async with store.lock(
            conversation_id, lock_lifetime=lifetime, wait_time_in_seconds=poll
        ) as lock:
            with guard:
                holding += 1
                if holding > 1:
                    report.overlaps += 1
                    overlapped.set()
                report.served.append(lock.now_serving)
            try:
                await asyncio.sleep(hold)
            finally:
                with guard:
                    holding -= 1

    async def serve(store: LockStore) -> None:
        for _ in range(turns):
            if overlapped.is_set():
                return
            try:
                await asyncio.wait_for(one_turn(store), turn_timeout)
            except LockError:
                with guard:
                    report.lock_errors += 1
            except asyncio.TimeoutError:
                with guard:
                    report.stuck += 1

    def server() -> None:
        store = new_store()
        start.wait()
        asyncio.run(serve(store))

    threads = [threading.Thread(target=server, daemon=True) for _ in range(servers)]
    for thread in threads:
        thread.start()
    end = time.monotonic() + deadline
    for thread in threads:
        thread.join(max(0.0, end - time.monotonic()))
    report.unfinished = sum(thread.is_alive() for thread in threads)
    return report
