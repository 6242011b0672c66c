"""Per-key request budgets for the public endpoints and the console login.

    PER_IP = limiter("web_ip", "60/minute")   # IOP_RATE_LIMIT_WEB_IP="120/minute" overrides
    if not await PER_IP.hit_async(client_ip): ...

A sliding log: a key may have at most `limit` allowed requests within any
`seconds`; refused ones are not counted, and Retry-After is when the oldest
counted one leaves the window. (Fixed windows let twice the budget through
around a window's edge: a full budget at 12:00:59, another at 12:01:00.)
Kept in Redis when IOP_RATE_LIMIT_URL is set (several servers then share one
budget per key: a sorted set of request times, trimmed, added to and counted
in one transaction), else in this process's memory. A log holds at most
`limit` times a key, and the budgets are small.

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
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Deque, Dict, Optional, Tuple

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


class MemoryLog:
    """Each key's allowed request times within the window (one server, tests)."""

    def __init__(self) -> None:
        self._times: Dict[str, Deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, rate: Rate, now: float) -> Tuple[bool, float]:
        """(allowed, when the key has room again if it was refused)."""
        since = now - rate.seconds
        with self._lock:
            if len(self._times) > 100_000:  # a flood of fresh keys: drop quiet ones
                self._times = {k: t for k, t in self._times.items() if t and t[-1] > since}
            times = self._times.setdefault(key, deque())
            while times and times[0] <= since:
                times.popleft()
            if len(times) >= rate.limit:
                return False, times[0] + rate.seconds
            times.append(now)
        return True, now


class Limiter:
    def __init__(self, name: str, rate: Rate, redis_url: str = "") -> None:
        self.name = name
        self.rate = rate
        self.redis_url = redis_url
        self._memory = MemoryLog()
        self._sync: Optional[redis.Redis] = None
        self._async: Optional[aioredis.Redis] = None
        self._outage_logged = False
        self._free_at: Dict[str, float] = {}  # when each refused key has room again

    def _key(self, key: str) -> str:
        prefix = settings.env("IOP_RATE_LIMIT_PREFIX", "iop:rl")
        return f"{prefix}:{self.name}:{key}:log"

    def _answer(self, key: str, allowed: bool, free_at: float) -> bool:
        if self._outage_logged:
            logger.info("rate limiter %s reaches Redis again", self.name)
            self._outage_logged = False
        if len(self._free_at) > 10_000:  # only the latest refusals are asked about
            self._free_at.clear()
        if not allowed:
            self._free_at[key] = free_at
        return allowed

    def _fail_open(self, exc: Exception) -> bool:
        if not self._outage_logged:
            logger.warning(
                "rate limiter %s cannot reach Redis (%s): allowing requests",
                self.name,
                type(exc).__name__,
            )
            self._outage_logged = True
        return True

    def _queue(self, pipe, name: str, now: float) -> str:
        """Trim, add this request, count, and read the oldest, in one transaction."""
        member = f"{now:.6f}:{uuid.uuid4().hex[:8]}"
        pipe.zremrangebyscore(name, 0, now - self.rate.seconds)
        pipe.zadd(name, {member: now})
        pipe.zcard(name)
        pipe.zrange(name, 0, 0, withscores=True)
        pipe.expire(name, self.rate.seconds + 1)
        return member

    def _read(self, results: list) -> Tuple[bool, float]:
        """(allowed, free at); a refused request is then taken off the log."""
        count, oldest = int(results[2]), results[3]
        if count <= self.rate.limit:
            return True, 0.0
        return False, (oldest[0][1] if oldest else 0.0) + self.rate.seconds

    def hit(self, key: str) -> bool:
        """Count one request for `key`; True if it is within the budget."""
        now = time.time()
        if not self.redis_url:
            return self._answer(key, *self._memory.hit(key, self.rate, now))
        if self._sync is None:
            self._sync = redis.Redis.from_url(
                self.redis_url,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
        name = self._key(key)
        try:
            pipe = self._sync.pipeline(transaction=True)
            member = self._queue(pipe, name, now)
            allowed, free_at = self._read(pipe.execute())
            if not allowed:  # a refused request does not use up the budget
                self._sync.zrem(name, member)
        except redis.RedisError as exc:
            return self._fail_open(exc)
        return self._answer(key, allowed, free_at)

    async def hit_async(self, key: str) -> bool:
        """hit() for an event loop: never blocks it on Redis."""
        now = time.time()
        if not self.redis_url:
            return self._answer(key, *self._memory.hit(key, self.rate, now))
        if self._async is None:
            self._async = aioredis.Redis.from_url(
                self.redis_url,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
        name = self._key(key)
        try:
            async with self._async.pipeline(transaction=True) as pipe:
                member = self._queue(pipe, name, now)
                allowed, free_at = self._read(await pipe.execute())
            if not allowed:
                await self._async.zrem(name, member)
        except (redis.RedisError, OSError) as exc:
            return self._fail_open(exc)
        return self._answer(key, allowed, free_at)

    def retry_after(self, key: str) -> int:
        """Seconds until `key` has room again (for a Retry-After header),
        from its latest refusal by this limiter."""
        wait = self._free_at.get(key, 0.0) - time.time()
        return max(1, min(self.rate.seconds, int(wait) + 1))

    def reset(self) -> None:
        """Forget the in-memory counts (tests; Redis windows expire by themselves)."""
        self._memory = MemoryLog()
        self._free_at.clear()


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
