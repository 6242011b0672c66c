"""Answer a repeated Twilio webhook (same MessageSid) without running the
dialogue twice (finding L2).

Twilio signs no timestamp, so a captured request (a proxy log, a tunnel's
inspector) verifies forever, and Twilio itself may retry a webhook. Within
the TTL the same MessageSid gets the same reply as the first request (while
that one is still running, it waits for it): never a second turn, a second
flag or a flipped opt-out, and never an empty answer where the first had one.

In this process's memory, for the exact TwiML and for the keywords (STOP,
START, HELP), which never reach the dialogue. A retried text that reaches
another Rasa server is answered there from the stored turn: the turn carries
the MessageSid as its message id (idempotency.py). A retried keyword that
reaches another server is applied again (a STOP replayed after a later START
opts the number out again).
"""

import asyncio
import re
import time
from collections import OrderedDict
from typing import Awaitable, Callable, Optional, Tuple

# Twilio message SIDs: SM (SMS) or MM (MMS) and 32 hex digits.
SID_PATTERN = re.compile(r"^[A-Z]{2}[0-9a-fA-F]{32}$")

Reply = Tuple[int, str, str]  # status, body, content type


class RecentReplies:
    def __init__(self, ttl_seconds: float = 600, max_entries: int = 10_000) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: "OrderedDict[str, Tuple[float, asyncio.Future[Reply]]]" = OrderedDict()

    def _forget_old(self, now: float) -> None:
        while self._entries:
            key, (started, _) = next(iter(self._entries.items()))
            if now - started < self.ttl and len(self._entries) < self.max_entries:
                break
            del self._entries[key]

    async def once(self, sid: Optional[str], produce: Callable[[], Awaitable[Reply]]) -> Reply:
        """produce()'s reply, or the reply already produced for this SID."""
        if not sid or not SID_PATTERN.match(sid):
            return await produce()
        now = time.monotonic()
        self._forget_old(now)
        known = self._entries.get(sid)
        if known is not None:
            return await asyncio.shield(known[1])
        future: "asyncio.Future[Reply]" = asyncio.get_running_loop().create_future()
        self._entries[sid] = (now, future)
        try:
            reply = await produce()
        except BaseException as exc:
            # A failed first attempt is not remembered: a retry runs again.
            self._entries.pop(sid, None)
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning
            raise
        future.set_result(reply)
        return reply
