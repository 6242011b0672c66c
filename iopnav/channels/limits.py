"""What the Rasa channels refuse before reading a message: bodies over
64 KB (finding M12) and senders over their request budget (H1, M12).

Budgets (iopnav.ratelimit; IOP_RATE_LIMIT_<NAME>="N/period" overrides):
  rest_sender  20/minute per REST conversation id
  rest_ip      60/minute per client address, except loopback: the clinic's
               own web page server forwards every visitor from 127.0.0.1 and
               keeps its own per-visitor budget
  sms_number   12/minute per texting number
A refused message is still screened by the channel (fallback.py): a crisis
gets the hand-off and a flag, never a "slow down".
"""

import logging
from typing import Any, List, Optional, Tuple

from sanic import Blueprint, response
from sanic.handlers import ErrorHandler
from sanic.request import Request
from sanic.response import HTTPResponse

from iopnav import settings
from iopnav.channels import texts
from iopnav.ratelimit import Limiter, limiter

logger = logging.getLogger(__name__)

# Sanic's default is 100 MB, buffered before any handler runs. 64 KB holds a
# 20,000-character message (the most cleaning.py keeps) in any encoding
# a person types, plus the JSON around it.
MAX_REQUEST_BYTES = 64 * 1024


def limit_request_size(blueprint: Blueprint) -> None:
    """Lower the Rasa app's REQUEST_MAX_SIZE when the server starts, so an
    oversized body is refused from its Content-Length, before buffering.

    Sanic's own error pages (413 and the like, raised before any route) are
    answered by PlainErrors: its default renderer parses the Accept header,
    and an odd one ("Accept: 0") made it fail into a bare 500
    (tests/faults/test_fuzz.py)."""

    @blueprint.listener("before_server_start")
    async def _lower_request_max_size(app: Any, _loop: Any) -> None:
        if app.config.REQUEST_MAX_SIZE > MAX_REQUEST_BYTES:
            app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES
        use_plain_errors(app)


def use_plain_errors(app: Any) -> None:
    """Put PlainErrors where Sanic's own ErrorHandler is: at the end of the
    chain, since sanic-cors (which Rasa uses) wraps it in a handler of its own."""
    holder, attribute = app, "error_handler"
    handler = app.error_handler
    while hasattr(handler, "orig_handler"):
        holder, attribute, handler = handler, "orig_handler", handler.orig_handler
    if type(handler) is ErrorHandler:
        plain = PlainErrors()
        plain.__dict__.update(handler.__dict__)  # keep Rasa's registered handlers
        setattr(holder, attribute, plain)


class PlainErrors(ErrorHandler):
    """Sanic's error handler, with a default answer that reads no header: a
    short JSON error with the exception's status, never a traceback."""

    def default(self, request: Request, exception: BaseException) -> HTTPResponse:
        self.log(request, exception)
        status = int(getattr(exception, "status_code", 500) or 500)
        # Sanic's own sentence for a client error; ours, in the language the
        # client asks for, for a failure on our side.
        language = texts.request_hint(request)
        message = str(exception) if status < 500 else texts.say("request_error", language)
        return response.json({"error": "request_error", "message": message}, status=status)


def rest_sender() -> Limiter:
    return limiter("rest_sender", "20/minute")


def rest_ip() -> Limiter:
    return limiter("rest_ip", "60/minute")


def sms_number() -> Limiter:
    return limiter("sms_number", "12/minute")


def client_ip(request: Request) -> str:
    """The caller's address: Sanic's remote_addr honours a configured proxy
    (FORWARDED_SECRET, REAL_IP_HEADER, PROXIES_COUNT), else the socket peer."""
    return request.remote_addr or request.ip or ""


async def _wait(checks: List[Tuple[Limiter, str]]) -> int:
    """Seconds until every budget has room again; 0 when the request is
    within all of them. Every budget counts the hit."""
    waits = [lim.retry_after(key) for lim, key in checks if not await lim.hit_async(key)]
    return max(waits, default=0)


async def rest_wait(request: Request, sender: str) -> int:
    checks = [(rest_sender(), sender)]
    address = client_ip(request)
    # No address at all (an in-process test client) counts as loopback.
    if address and not settings.is_loopback(address):
        checks.append((rest_ip(), address))
    return await _wait(checks)


async def sms_wait(number: str) -> int:
    return await _wait([(sms_number(), number)])


def slow_down_text(
    seconds: int, language: Optional[str] = None, channel: Optional[str] = None
) -> str:
    return texts.say("slow_down", language, channel, seconds=seconds)
