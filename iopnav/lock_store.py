"""Lock store chosen by IOP_LOCK_STORE_URL: the project's atomic Redis lock store
when set (required when several Rasa servers share one tracker store, see
docs/scaling.md), else Rasa's in-memory store."""

from urllib.parse import urlsplit

from rasa.core.lock_store import InMemoryLockStore

from iopnav import settings
from iopnav.atomic_lock_store import DEFAULT_LIFETIME_SECONDS, AtomicRedisLockStore


class EnvLockStore:
    """A factory in class form, because Rasa instantiates the endpoint's `type`."""

    def __new__(cls, endpoint_config=None, **kwargs):
        url = settings.lock_store_url()
        if not url:
            return InMemoryLockStore()
        parts = urlsplit(url)
        # Not Rasa's RedisLockStore: its tickets are not atomic (rasa #9213).
        return AtomicRedisLockStore(
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
