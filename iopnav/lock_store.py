"""Lock store chosen by IOP_LOCK_STORE_URL: the project's atomic Redis lock store
when set (required when several Rasa servers share one tracker store, see
docs/scaling.md), else Rasa's in-memory store. Either way each turn's wait
for its conversation's lock is measured (iop_lock_wait_seconds)."""

import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator
from urllib.parse import urlsplit

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore

from iopnav import settings
from iopnav.atomic_lock_store import DEFAULT_LIFETIME_SECONDS, AtomicRedisLockStore
from iopnav.ops import turns


class TimedLocks:
    """Mixin for a LockStore: how long each turn waited for the lock, in the
    metrics and in the turn's log line."""

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, *args: Any, **kwargs: Any
    ) -> AsyncGenerator[TicketLock, None]:
        started = time.perf_counter()
        async with super().lock(conversation_id, *args, **kwargs) as held:  # type: ignore[misc]
            turns.lock_waited(time.perf_counter() - started)
            yield held


class TimedInMemoryLockStore(TimedLocks, InMemoryLockStore):
    pass


class TimedAtomicRedisLockStore(TimedLocks, AtomicRedisLockStore):
    pass


class EnvLockStore:
    """A factory in class form, because Rasa instantiates the endpoint's `type`."""

    def __new__(cls, endpoint_config=None, **kwargs):
        url = settings.lock_store_url()
        if not url:
            return TimedInMemoryLockStore()
        parts = urlsplit(url)
        # Not Rasa's RedisLockStore: its tickets are not atomic (rasa #9213).
        return TimedAtomicRedisLockStore(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 6379,
            db=int((parts.path or "/1").strip("/") or 1),
            username=parts.username,
            password=parts.password,
            use_ssl=parts.scheme == "rediss",
            key_prefix=settings.env("IOP_LOCK_STORE_PREFIX", "iop"),
            lifetime=float(
                settings.env(
                    "IOP_LOCK_LIFETIME",
                    settings.env("TICKET_LOCK_LIFETIME", str(DEFAULT_LIFETIME_SECONDS)),
                )
            ),
        )
