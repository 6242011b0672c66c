"""One record per answered message (a "turn"), kept in a context variable
while the request runs, so the code deep inside it (the lock store, the
channels' fallback) can add what it learns without being handed anything.

When the handler returns, the turn's latency goes into the metrics and, with
IOP_LOG_FORMAT=json, one line goes to the log: request id, service, server,
channel, HTTP status, latency, lock wait, and whether a hand-off or the
channel's own fallback answered. Never the sender id (a phone number on
SMS) or any text.

The request id is the caller's X-Request-ID when it looks like one (HAProxy
sets it; the web page passes its own on to Rasa, so one message has one id
in every log), else a new one; the reply carries it back.
"""

import functools
import logging
import re
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Optional, TypeVar, cast

from iopnav.ops import jsonlog, metrics

logger = logging.getLogger("iopnav.turns")

HEADER = "X-Request-ID"
# Ids come from outside: only short plain tokens reach the logs.
_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


@dataclass
class Turn:
    channel: str
    request_id: str
    started: float = field(default_factory=time.perf_counter)
    lock_wait: Optional[float] = None
    handoff: Optional[str] = None  # kind of danger, when a hand-off was sent
    fallback: Optional[str] = None  # error kind, when the channel answered by itself


_current: ContextVar[Optional[Turn]] = ContextVar("iop_turn", default=None)


def current() -> Optional[Turn]:
    return _current.get()


def request_id(raw: Optional[str]) -> str:
    return raw if raw and _ID.match(raw) else uuid.uuid4().hex


def lock_waited(seconds: float) -> None:
    metrics.LOCK_WAIT_SECONDS.observe(seconds)
    turn = current()
    if turn is not None:
        turn.lock_wait = seconds


def handed_off(kind: Optional[str], source: str) -> None:
    metrics.handoff(kind, source)
    turn = current()
    if turn is not None:
        turn.handoff = kind or "general"


def fell_back(kind: str) -> None:
    """The dialogue did not finish this turn; the channel answers by itself."""
    metrics.error(kind)
    turn = current()
    if turn is not None:
        turn.fallback = kind


Handler = TypeVar("Handler", bound=Callable[..., Awaitable[Any]])


def timed(channel: str) -> Callable[[Handler], Handler]:
    """Decorates a Sanic handler that answers one message."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            turn = Turn(channel, request_id(request.headers.get(HEADER)))
            token = _current.set(turn)
            status = 500
            try:
                reply = await handler(request, *args, **kwargs)
                status = getattr(reply, "status", 500)
                reply.headers[HEADER] = turn.request_id
                return reply
            finally:
                _current.reset(token)
                finish(turn, status)

        return cast(Handler, wrapper)

    return decorate


def finish(turn: Turn, status: int) -> None:
    seconds = time.perf_counter() - turn.started
    metrics.TURN_SECONDS.labels(turn.channel).observe(seconds)
    if not jsonlog.enabled():
        return
    logger.info(
        "turn",
        extra={
            "fields": {
                "event": "turn",
                "request_id": turn.request_id,
                "channel": turn.channel,
                "status": status,
                "latency_ms": round(seconds * 1000, 1),
                "lock_wait_ms": None if turn.lock_wait is None else round(turn.lock_wait * 1000, 1),
                "handoff": turn.handoff,
                "fallback": turn.fallback,
            }
        },
    )
