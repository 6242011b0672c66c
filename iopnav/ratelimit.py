"""Per-key request budgets for the public endpoints and the console login.

    PER_IP = limiter("web_ip", "60/minute")   # IOP_RATE_LIMIT_WEB_IP="120/minute" overrides
    if not await PER_IP.hit_async(client_ip): ...

Fixed windows counted in Redis when IOP_RATE_LIMIT_URL is set (several
servers then share one budget per key: INCR + EXPIRE in one transaction),
else in this process's memory.

Why not the `limits` package: every release that supports Python 3.10 needs
packaging>=21, and Rasa 3.6 pins packaging<21.

A limiter fails open: if Redis is unreachable the hit is allowed (logged once
per outage). Budgets protect the staff from floods; they must never be the
reason a person in crisis gets no answer. The channels also screen a
refused message and hand off anyway (docs/security.md).
"""

import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

import redis
import redis.asyncio as aioredis

from iopnav import settings

logger = logging.getLogger(__name__)

UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
RATE_PATTERN = re.compile(r"^\s*(\d+)\s*/\s*(?:(\d+)\s*s|(second|minute|hour|day)s?)\s*$")
# Redis must answer at once or not at all: a slow limiter would slow every reply.
REDIS_TIMEOUT_SECONDS = 0.25


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


def parse_rate(text: str) -> Rate:
    """ "60/minute", "5/10s", "1000/hours" -> Rate; ValueError otherwise."""
    match = RATE_PATTERN.match(text or "")
    if not match:
        raise ValueError(f"rate {text!r} is not like '60/minute' or '5/10s'")
    limit, seconds, unit = match.groups()
    window = int(seconds) if seconds else UNITS[unit]
    if int(limit) < 1 or window < 1:
        raise ValueError(f"rate {text!r} must allow at least 1 request per >= 1 second")
    return Rate(int(limit), window)


class MemoryCounter:
    """Fixed-window counts in this process (one server, tests)."""

    def __init__(self) -> None:
        self._counts: Dict[str, Tuple[int, int]] = {}
        self._lock = threading.Lock()

    def incr(self, key: str, window: int, now: float) -> Tuple[int, int]:
        """(count in the current window after this hit, window start)."""
        start = int(now // window) * window
        with self._lock:
            if len(self._counts) > 100_000:  # a flood of fresh keys: drop closed windows
                self._counts = {k: v for k, v in self._counts.items() if v[1] + window > now}
            count, seen_start = self._counts.get(key, (0, start))
            count = count + 1 if seen_start == start else 1
            self._counts[key] = (count, start)
        return count, start

    def peek(self, key: str) -> Optional[Tuple[int, int]]:
        with self._lock:
            return self._counts.get(key)


class Limiter:
    def __init__(self, name: str, rate: Rate, redis_url: str = "") -> None:
        self.name = name
        self.rate = rate
        self.redis_url = redis_url
        self._memory = MemoryCounter()
        self._sync: Optional[redis.Redis] = None
        self._async: Optional[aioredis.Redis] = None
        self._outage_logged = False

    def _key(self, key: str, start: int) -> str:
        prefix = settings.env("IOP_RATE_LIMIT_PREFIX", "iop:rl")
        return f"{prefix}:{self.name}:{key}:{start}"

    def _window_start(self, now: float) -> int:
        return int(now // self.rate.seconds) * self.rate.seconds

    def _allowed(self, count: int) -> bool:
        if self._outage_logged:
            logger.info("rate limiter %s reaches Redis again", self.name)
            self._outage_logged = False
        return count <= self.rate.limit

    def _fail_open(self, exc: Exception) -> bool:
        if not self._outage_logged:
            logger.warning(
                "rate limiter %s cannot reach Redis (%s): allowing requests",
                self.name,
                type(exc).__name__,
            )
            self._outage_logged = True
        return True

    def hit(self, key: str) -> bool:
        """Count one request for `key`; True if it is within the budget."""
        now = time.time()
        if not self.redis_url:
            return self._memory.incr(key, self.rate.seconds, now)[0] <= self.rate.limit
        if self._sync is None:
            self._sync = redis.Redis.from_url(
                self.redis_url,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
        name = self._key(key, self._window_start(now))
        try:
            pipe = self._sync.pipeline(transaction=True)
            pipe.incr(name)
            pipe.expire(name, self.rate.seconds + 1)
            count = pipe.execute()[0]
        except redis.RedisError as exc:
            return self._fail_open(exc)
        return self._allowed(int(count))

    async def hit_async(self, key: str) -> bool:
        """hit() for an event loop: never blocks it on Redis."""
        now = time.time()
        if not self.redis_url:
            return self._memory.incr(key, self.rate.seconds, now)[0] <= self.rate.limit
        if self._async is None:
            self._async = aioredis.Redis.from_url(
                self.redis_url,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
        name = self._key(key, self._window_start(now))
        try:
            async with self._async.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, self.rate.seconds + 1)
                count = (await pipe.execute())[0]
        except (redis.RedisError, OSError) as exc:
            return self._fail_open(exc)
        return self._allowed(int(count))

    def retry_after(self, key: str) -> int:
        """Seconds until `key` has budget again (for a Retry-After header)."""
        now = time.time()
        return max(1, int(self._window_start(now) + self.rate.seconds - now + 0.999))

    def reset(self) -> None:
        """Forget the in-memory counts (tests; Redis windows expire by themselves)."""
        self._memory = MemoryCounter()


_limiters: Dict[str, Limiter] = {}
_limiters_lock = threading.Lock()


def limiter(name: str, default: str) -> Limiter:
    """The process-wide limiter `name`; its rate comes from
    IOP_RATE_LIMIT_<NAME> (e.g. "30/minute") or `default`."""
    with _limiters_lock:
        if name not in _limiters:
            rate_text = settings.env(f"IOP_RATE_LIMIT_{name.upper()}", default)
            try:
                rate = parse_rate(rate_text)
            except ValueError:
                logger.error(
                    "IOP_RATE_LIMIT_%s=%r is invalid; using %s", name.upper(), rate_text, default
                )
                rate = parse_rate(default)
            _limiters[name] = Limiter(name, rate, settings.env("IOP_RATE_LIMIT_URL", ""))
        return _limiters[name]
