"""The web page server: the sample clinic page, the chat widget, and the
widget's /api/chat endpoint, which forwards to the Rasa REST webhook.

  python -m iopnav.channels.webpage     (make run starts it)

  GET  /               web/index.html (sample clinic page with the widget)
  GET  /widget/...     widget.js and widget.css (what the embed snippet loads)
  POST /api/chat       {"message": "...", "message_id": "..."} -> Rasa's reply (a
                       list of messages); the widget's message_id makes a resend
                       safe (answered from the stored turn, never run twice)
  POST /api/session    start a new conversation ("New chat")
  GET  /healthz        {"status": "ok"}
  GET  /ready          readiness: 200 once the screen is loaded (iopnav/ops)
  GET  /metrics        Prometheus metrics (private networks or IOP_METRICS_TOKEN)

Why a proxy: the page and its API share one origin, so the browser needs no
CORS and the Rasa server needs no --cors at all. Other sites that embed the
widget must be listed in IOP_WEB_ALLOWED_ORIGINS (exact origins, comma
separated); there is never a wildcard.

The conversation id is the server's (websession.py): a signed session in an
HttpOnly cookie, or in the X-Chat-Session header for allowed other sites. A
"sender" in the request body is ignored.

Sanic (Rasa's own server) because this is the public front door: the body
limit is enforced before anything is buffered, slow clients time out, the
number of connections and of turns waiting on Rasa is capped, and a turn has
a deadline after which the page answers by itself (webfallback.py).

Settings: docs/channels.md ("Settings").
"""

import asyncio
import json
import logging
import mimetypes
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

import aiohttp
from sanic import Sanic, response
from sanic.exceptions import InvalidUsage
from sanic.handlers import ErrorHandler
from sanic.http import Stage
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.server.protocols.http_protocol import HttpProtocol

from iopnav import settings
from iopnav.channels import message_ids, texts, webfallback, websession
from iopnav.db import get_engine
from iopnav.ops import endpoints, jsonlog, turns
from iopnav.ops.readiness import Check, flag_probe, http_probe, redis_url_probe, sql_probe
from iopnav.ratelimit import limiter

logger = logging.getLogger(__name__)

WEB_ROOT = settings.PROJECT_ROOT / "web"
MAX_BODY_BYTES = 64 * 1024
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
    ),
}
HSTS = "max-age=31536000; includeSubDomains"
# Per visitor: a person types a few messages a minute; a script sends hundreds.
PER_IP = limiter("web_ip", "60/minute")
PER_SESSION = limiter("web_session", "20/minute")


def allowed_origins() -> set:
    return {
        o.strip().rstrip("/")
        for o in settings.env("IOP_WEB_ALLOWED_ORIGINS", "").split(",")
        if o.strip()
    }


@dataclass
class WebConfig:
    """Everything the page server reads from outside, in one place (tests
    build their own)."""

    host: str = field(default_factory=lambda: settings.WEB_HOST)
    port: int = field(default_factory=lambda: settings.WEB_PORT)
    rasa_url: str = field(
        default_factory=lambda: settings.env(
            "IOP_RASA_URL", f"http://127.0.0.1:{settings.RASA_PORT}"
        )
    )
    web_root: Path = WEB_ROOT
    origins: set = field(default_factory=allowed_origins)
    # Rasa answers in about a second; past this the page answers by itself.
    turn_deadline: float = field(
        default_factory=lambda: float(settings.env("IOP_WEB_TURN_DEADLINE", "10"))
    )
    # Time to send a whole request (headers and body), and to stay idle between requests.
    request_timeout: float = field(
        default_factory=lambda: float(settings.env("IOP_WEB_REQUEST_TIMEOUT", "10"))
    )
    keep_alive_timeout: float = 5
    max_connections: int = field(
        default_factory=lambda: settings.env_int("IOP_WEB_MAX_CONNECTIONS", 500)
    )
    # Turns waiting on Rasa at once; more wait (up to the deadline) for a place.
    max_turns: int = field(default_factory=lambda: settings.env_int("IOP_WEB_MAX_TURNS", 64))
    # Reverse proxies in front that add X-Forwarded-For (0: use the socket's address).
    proxies: int = field(default_factory=lambda: settings.env_int("IOP_WEB_PROXIES", 0))

    @property
    def public(self) -> bool:
        return not settings.is_loopback(self.host)


# --- the server: caps on connections and slow clients ------------------------


class BoundedHttpProtocol(HttpProtocol):
    """Sanic's HTTP protocol with a cap on open connections, and a request
    timeout counted from the request's first byte: Sanic restarts its timer on
    every byte received, so a client trickling one header byte at a time
    (slowloris) would never time out."""

    max_connections = 500

    def connection_made(self, transport):
        if len(self.connections) >= self.max_connections:
            transport.abort()
            return
        super().connection_made(transport)

    def data_received(self, data: bytes):
        http = getattr(self, "_http", None)
        started = self._time if http is not None and http.stage is Stage.REQUEST else None
        super().data_received(data)
        if started:
            self._time = started


class JsonErrors(ErrorHandler):
    """Every error is a short JSON sentence, never a traceback or an HTML page,
    in the language the client asks for (the widget sends its own)."""

    MESSAGES = {404: "not_found", 405: "not_allowed", 408: "timeout", 413: "too_large"}

    def default(self, request, exception):
        status = getattr(exception, "status_code", 500) or 500
        language = language_hint(request)
        if status >= 500:
            logger.error("web page error: %s", type(exception).__name__)
            return error(500, "server_error", texts.say("web.server_error", language))
        code = self.MESSAGES.get(status, "bad_request")
        return error(status, code, texts.say(f"web.{code}", language, kb=MAX_BODY_BYTES // 1024))


def language_hint(request: Optional[Request]) -> Optional[str]:
    return texts.request_hint(request)


def error(
    status: int, code: str, message: str, headers: Optional[Dict[str, str]] = None
) -> HTTPResponse:
    return response.json({"error": code, "message": message}, status=status, headers=headers)


# --- origins and sessions ------------------------------------------------------


def origin_headers(request: Request, config: WebConfig) -> Optional[Dict[str, str]]:
    """CORS headers for an allowed cross-site origin, {} for same-origin or
    non-browser requests, None for a refused origin."""
    origin = request.headers.get("origin")
    if not origin:
        return {}
    if urlsplit(origin).netloc == request.headers.get("host", ""):
        return {}
    if origin.rstrip("/") in config.origins:
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Expose-Headers": websession.HEADER,
            "Vary": "Origin",
        }
    return None


def current_session(request: Request, signer: websession.SessionSigner) -> websession.Session:
    """The visitor's signed session, or a new one (none yet, forged or expired)."""
    for token in (
        request.cookies.get(websession.COOKIE),
        request.headers.get(websession.HEADER),
    ):
        session = signer.verify(token)
        if session:
            return session
    return signer.issue()


def hand_out(
    reply: HTTPResponse, session: websession.Session, cors: Dict[str, str], config: WebConfig
) -> HTTPResponse:
    """Give the browser its session: the cookie on the same site, the header
    for an allowed other site (its cookie would be a third-party one)."""
    if cors:
        reply.headers[websession.HEADER] = session.token
    elif session.fresh:
        reply.cookies[websession.COOKIE] = session.token
        for name, value in websession.cookie_attributes(config.public).items():
            reply.cookies[websession.COOKIE][name] = value
    return reply


def client_ip(request: Request) -> str:
    return request.remote_addr or request.ip


# --- the chat turn -------------------------------------------------------------


class Turns:
    """Forwards turns to Rasa with a deadline and a cap on turns in flight."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.url = config.rasa_url.rstrip("/") + "/webhooks/rest/webhook"
        self.places = asyncio.Semaphore(config.max_turns)
        self.http: Optional[aiohttp.ClientSession] = None

    async def start(self) -> None:
        self.http = aiohttp.ClientSession()

    async def stop(self) -> None:
        if self.http:
            await self.http.close()

    async def forward(
        self,
        sender: str,
        message: Any,
        message_id: Optional[str] = None,
        language: Optional[str] = None,
    ) -> Tuple[Optional[int], Any, str]:
        """(status, JSON body, "") from Rasa, or (None, None, why) when Rasa
        gave no usable answer within the deadline."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.turn_deadline
        try:
            await asyncio.wait_for(self.places.acquire(), self.config.turn_deadline)
        except asyncio.TimeoutError:
            return None, None, "busy"
        try:
            assert self.http is not None
            timeout = aiohttp.ClientTimeout(total=max(0.1, deadline - loop.time()))
            sent = {"sender": sender, "message": message}
            if message_id:
                sent["message_id"] = message_id
            turn = turns.current()  # one id for this message in the page's and Rasa's logs
            headers = {turns.HEADER: turn.request_id} if turn else {}
            if language:  # the widget's language, for Rasa's own texts (rest.py)
                headers["Accept-Language"] = language
            async with self.http.post(
                self.url, json=sent, timeout=timeout, headers=headers
            ) as resp:
                body = await resp.read()
                status = resp.status
        except asyncio.TimeoutError:
            logger.warning("Rasa did not answer within %.0f s", self.config.turn_deadline)
            return None, None, "deadline"
        except (aiohttp.ClientError, OSError) as exc:
            logger.warning(
                "Rasa at %s is unreachable: %s", self.config.rasa_url, type(exc).__name__
            )
            return None, None, "unreachable"
        finally:
            self.places.release()
        try:
            parsed = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            parsed = None
        # The channel's own clear answers (400 empty message...) pass through;
        # a 5xx or an answer that is not JSON means no answer.
        if status >= 500 or parsed is None:
            logger.warning("Rasa answered %s", status)
            return None, None, f"rasa_{status}"
        return status, parsed, ""


async def screen(message: Any) -> webfallback.Verdict:
    # CPU-bound (spaCy): off the event loop.
    return await asyncio.get_running_loop().run_in_executor(None, webfallback.screen_text, message)


def origin_refused(hint: Optional[str]) -> HTTPResponse:
    return error(403, "origin_not_allowed", texts.say("web.origin_not_allowed", hint))


async def chat_turn(request: Request, config: WebConfig, rasa: Turns) -> HTTPResponse:
    hint = language_hint(request)
    cors = origin_headers(request, config)
    if cors is None:
        return origin_refused(hint)
    try:
        payload = json.loads((request.body or b"").decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return error(400, "bad_request", texts.say("web.bad_json", hint), cors)
    if not isinstance(payload, dict):
        return error(400, "bad_request", texts.say("web.bad_json", hint), cors)
    message = payload.get("message")
    message_id = payload.get("message_id")
    # The page's own answers follow what was written, else the widget's language.
    language = texts.language_for(message, hint)
    if message_id is not None and not message_ids.is_client_id(message_id):
        invalid = texts.say("bad_input.invalid_message_id", language)
        return error(400, "invalid_message_id", invalid, cors)
    session = current_session(request, request.app.ctx.signer)
    sender = session.sender

    limited = not await PER_IP.hit_async(client_ip(request))
    limited = not await PER_SESSION.hit_async(session.session_id) or limited
    if limited:
        # A crisis is never limited: it still gets the hand-off and a flag.
        verdict = await screen(message)
        if verdict.crisis:
            turns.handed_off(verdict.kind, "web_page")
            handoff = webfallback.handoff_reply(
                sender, message, verdict, "rate limit", hint, message_id
            )
            return hand_out(response.json(handoff, headers=cors), session, cors, config)
        retry = max(
            PER_IP.retry_after(client_ip(request)), PER_SESSION.retry_after(session.session_id), 1
        )
        return hand_out(
            error(
                429,
                "rate_limited",
                texts.say("web_rate_limited", language),
                {**cors, "Retry-After": str(retry)},
            ),
            session,
            cors,
            config,
        )

    status, body, why = await rasa.forward(sender, message, message_id, language)
    if status is not None:
        return hand_out(response.json(body, status=status, headers=cors), session, cors, config)
    verdict = await screen(message)
    # busy, deadline, unreachable, or rasa_<status> for a 5xx: one error kind each.
    turns.fell_back("rasa_error" if why.startswith("rasa_") else f"rasa_{why}")
    if verdict.crisis:
        turns.handed_off(verdict.kind, "web_page")
    replies = webfallback.reply(sender, message, verdict, why, hint, message_id)
    headers = {**cors, "X-IOP-Fallback": why}
    return hand_out(response.json(replies, headers=headers), session, cors, config)


# --- the app -------------------------------------------------------------------


def create_app(config: Optional[WebConfig] = None, name: str = "iop_web") -> Sanic:
    config = config or WebConfig()
    app = Sanic(name, error_handler=JsonErrors())
    # Checked against Content-Length (and while a chunked body arrives) before
    # the body is buffered.
    app.config.update(
        {
            "REQUEST_MAX_SIZE": MAX_BODY_BYTES,
            "REQUEST_TIMEOUT": config.request_timeout,
            "KEEP_ALIVE_TIMEOUT": config.keep_alive_timeout,
            "RESPONSE_TIMEOUT": config.turn_deadline + 15,
            "PROXIES_COUNT": config.proxies or None,
        }
    )
    app.ctx.config = config
    app.ctx.signer = websession.SessionSigner(websession.load_secret())
    rasa = Turns(config)
    app.ctx.screen_loaded = False

    async def start(app, loop):
        jsonlog.configure("web")
        await rasa.start()
        # Load the screen now, so the first fallback answers at once.
        await loop.run_in_executor(None, webfallback.warm_up)
        app.ctx.screen_loaded = True

    async def stop(app, loop):
        await rasa.stop()

    app.register_listener(start, "before_server_start")
    app.register_listener(stop, "after_server_stop")

    @app.signal("http.lifecycle.request")
    async def refuse_odd_lengths(request: Request) -> None:
        # Sanic 21.12 takes "Content-Length: -1" as a body with no end and
        # buffers all of it; only plain digits are a length.
        length = request.headers.get("content-length")
        if length is not None and not (length.isdigit() and length.isascii()):
            raise InvalidUsage("Bad Content-Length")

    @app.middleware("response")
    async def security_headers(request: Request, reply: HTTPResponse):
        for name, value in SECURITY_HEADERS.items():
            reply.headers.setdefault(name, value)
        reply.headers.setdefault("Cache-Control", "no-cache")
        if config.public:
            reply.headers["Strict-Transport-Security"] = HSTS

    @app.route("/healthz", methods=["GET", "HEAD"])
    async def healthz(request: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.post("/api/chat")
    @turns.timed("web")
    async def chat(request: Request) -> HTTPResponse:
        return await chat_turn(request, config, rasa)

    endpoints.add_routes(app, "web", lambda app: web_checks(app, config))

    @app.post("/api/session")
    async def new_session(request: Request) -> HTTPResponse:
        """A new conversation ("New chat"): the old one's id is forgotten."""
        cors = origin_headers(request, config)
        if cors is None:
            return origin_refused(language_hint(request))
        if not await PER_IP.hit_async(client_ip(request)):
            retry = str(max(PER_IP.retry_after(client_ip(request)), 1))
            limited = texts.say("web_rate_limited", language_hint(request))
            return error(429, "rate_limited", limited, {**cors, "Retry-After": retry})
        session = request.app.ctx.signer.issue()
        return hand_out(response.json({"status": "new"}, headers=cors), session, cors, config)

    async def preflight(request: Request) -> HTTPResponse:
        cors = origin_headers(request, config)
        if cors is None:
            return origin_refused(language_hint(request))
        cors.update(
            {
                "Access-Control-Allow-Methods": "POST",
                "Access-Control-Allow-Headers": f"Content-Type, {websession.HEADER}",
                "Access-Control-Max-Age": "600",
            }
        )
        return response.empty(status=204, headers=cors)

    for endpoint in ("chat", "session"):
        app.add_route(preflight, f"/api/{endpoint}", methods=["OPTIONS"], name=f"cors_{endpoint}")

    @app.route("/", methods=["GET", "HEAD"])
    async def index(request: Request) -> HTTPResponse:
        return static_file(config.web_root, "index.html", language_hint(request))

    @app.route("/<path:path>", methods=["GET", "HEAD"])
    async def files(request: Request, path: str) -> HTTPResponse:
        return static_file(config.web_root, path, language_hint(request))

    return app


def web_checks(app: Sanic, config: WebConfig) -> List[Check]:
    """Only the screen is required: with Rasa, Redis or the application
    database down the page still answers (by itself, hand-off included), which
    is why it exists; taking it out of the load balancer would answer nothing."""
    checks = [
        Check("screen", flag_probe(lambda: app.ctx.screen_loaded, "screen")),
        Check("rasa", http_probe(config.rasa_url.rstrip("/") + "/webhooks/rest/"), False),
        Check("app_db", sql_probe(get_engine()), required=False),
    ]
    if PER_IP.redis_url:
        checks.append(Check("rate_limit_store", redis_url_probe(PER_IP.redis_url), False))
    return checks


def static_file(web_root: Path, path: str, language: Optional[str] = None) -> HTTPResponse:
    target = (web_root / path.lstrip("/")).resolve()
    # Only files inside web/ (no "../"), never a directory listing.
    if web_root.resolve() not in target.parents or not target.is_file():
        return error(404, "not_found", texts.say("web.not_found", language))
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type.endswith("javascript"):
        content_type += "; charset=utf-8"
    return response.raw(target.read_bytes(), content_type=content_type)


def serve(config: WebConfig) -> None:
    BoundedHttpProtocol.max_connections = config.max_connections
    app = create_app(config)
    logger.info("web page on http://%s:%s/ (Rasa at %s)", config.host, config.port, config.rasa_url)
    # No access log: it is noise here, and the page's paths are all public.
    app.run(
        host=config.host,
        port=config.port,
        protocol=BoundedHttpProtocol,
        access_log=False,
        motd=False,
        workers=1,
    )


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    jsonlog.configure("web")
    serve(WebConfig())
    return 0


if __name__ == "__main__":
    sys.exit(main())
