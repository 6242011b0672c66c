"""Readiness: can this instance serve a request right now?

Each service names the checks it needs (docs/operations.md has the table).
A check is a small synchronous probe (SELECT 1, Redis PING, "is the model
loaded") that raises when the dependency is not usable. `required=False`
checks are reported but do not make the instance unready: they are
dependencies that every instance shares and that the service copes without
(the Rasa server keeps crisis flags in its outbox while the application
database is down; the web page answers by itself while Rasa is down).
Taking every instance out of the load balancer for those would turn a
degraded service into no service, and silence is the one answer a person in
crisis must never get.

Probes run on two threads of their own with a deadline, one at a time per
check (a hung database cannot pile up probes), and a report is reused for a
second, so load balancers and Kubernetes polling every instance cost little.
"""

import asyncio
import logging
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, Tuple

import redis
import sqlalchemy as sa

from iopnav.ops import metrics

logger = logging.getLogger(__name__)

PROBE_SECONDS = 2.0
REUSE_SECONDS = 1.0

Probe = Callable[[], None]


@dataclass
class Check:
    name: str
    probe: Probe
    required: bool = True


@dataclass
class Result:
    ok: bool
    required: bool
    ms: float
    error: Optional[str] = None

    def as_json(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"ok": self.ok, "ms": round(self.ms, 1)}
        if not self.required:
            out["required"] = False
        if self.error:
            out["error"] = self.error
        return out


class CheckTimeout(Exception):
    pass


_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="iop-ready")


class Readiness:
    """The readiness report of one service instance."""

    def __init__(
        self,
        service: str,
        checks: Callable[[], List[Check]],
        probe_seconds: float = PROBE_SECONDS,
        reuse_seconds: float = REUSE_SECONDS,
    ) -> None:
        self.service = service
        self.checks = checks  # built on every run: the app's state changes (model loaded)
        self.probe_seconds = probe_seconds
        self.reuse_seconds = reuse_seconds
        self._running: Dict[str, "asyncio.Future[None]"] = {}
        self._last: Optional[Tuple[float, bool, Dict[str, Any]]] = None

    async def report(self) -> Tuple[bool, Dict[str, Any]]:
        """(ready, JSON body)."""
        now = time.monotonic()
        if self._last and now - self._last[0] < self.reuse_seconds:
            return self._last[1], self._last[2]
        checks = self.checks()
        results = await asyncio.gather(*(self._run(check) for check in checks))
        ready = all(r.ok for r in results if r.required)
        body = {
            "service": self.service,
            "ready": ready,
            "checks": {c.name: r.as_json() for c, r in zip(checks, results, strict=True)},
        }
        self._last = (time.monotonic(), ready, body)
        return ready, body

    async def _run(self, check: Check) -> Result:
        started = time.perf_counter()
        try:
            await self._probe(check)
            result = Result(True, check.required, 0.0)
        except Exception as exc:  # the type only: messages can hold URLs or hosts
            result = Result(False, check.required, 0.0, type(exc).__name__)
        result.ms = (time.perf_counter() - started) * 1000
        metrics.CHECK_UP.labels(check.name).set(1 if result.ok else 0)
        if not result.ok:
            logger.warning("readiness check %s failed (%s)", check.name, result.error)
        return result

    async def _probe(self, check: Check) -> None:
        running = self._running.get(check.name)
        if running is not None and not running.done():
            # The previous probe is still stuck: report that, start no second one.
            raise CheckTimeout(f"{check.name} probe still running")
        future = asyncio.get_running_loop().run_in_executor(_POOL, check.probe)
        self._running[check.name] = future
        try:
            await asyncio.wait_for(asyncio.shield(future), self.probe_seconds)
        except asyncio.TimeoutError:
            raise CheckTimeout(check.name) from None


# --- probes ------------------------------------------------------------------


def sql_probe(engine: sa.engine.Engine) -> Probe:
    def probe() -> None:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    return probe


def redis_probe(client: Any) -> Probe:
    def probe() -> None:
        client.ping()

    return probe


@lru_cache(maxsize=None)
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_timeout=PROBE_SECONDS, socket_connect_timeout=PROBE_SECONDS
    )


def redis_url_probe(url: str) -> Probe:
    return redis_probe(_redis_client(url))


def http_probe(url: str, seconds: float = PROBE_SECONDS) -> Probe:
    def probe() -> None:
        with urllib.request.urlopen(url, timeout=seconds) as resp:
            if resp.status >= 500:
                raise RuntimeError(f"HTTP {resp.status}")

    return probe


def flag_probe(is_set: Callable[[], bool], what: str) -> Probe:
    """For state the process itself sets (a model or a screen loaded)."""

    def probe() -> None:
        if not is_set():
            raise NotLoaded(what)

    return probe


class NotLoaded(Exception):
    pass


def inner_tracker_store(store: Any) -> Any:
    """Rasa wraps the configured tracker store in a FailSafeTrackerStore."""
    return getattr(store, "_tracker_store", store)
