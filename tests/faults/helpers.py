"""What the fault tests see: the web page's /api/chat and Twilio's side of the
SMS webhook with bounded waits, the hand-off as a person would read it, and
the crisis flags staff would find in the application database."""

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, List, Optional

from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from iopnav.safety import resources
from tests.support.assistant import TWILIO_TOKEN
from tests.support.db_faults import sqlite_write_lock
from tests.support.sms import SmsReply, twilio_params

# The person's message in every fault scenario, and the time they may wait.
CRISIS = "I want to kill myself tonight"
HANDOFF_SECONDS = 15
FLAG_SECONDS = 60
# An ordinary question whose normal answer comes from the action server and
# the application database (the sample programs).
PROGRAM_QUESTION = "do you have an evening program for teens near 33602 that takes Aetna"
PROGRAM_ANSWER = "Bayview Teen Evening IOP"


def handoff(channel: str) -> str:
    """The suicide hand-off text as the person reads it on this channel."""
    return resources.handoff_for(resources.load(), "suicide", channel)


def squash(value: str) -> str:
    return " ".join(value.split())


def has_handoff(reply: str, channel: str) -> bool:
    return squash(handoff(channel)) in squash(reply)


@dataclass
class Turn:
    """One message and what came back, as the person would see it."""

    status: int
    text: str
    seconds: float
    raw: str = ""
    recipient: Optional[str] = None

    def handoff(self, channel: str) -> bool:
        return has_handoff(self.text, channel)


def _timed(call: Callable[[], Turn]) -> Turn:
    started = time.monotonic()
    turn = call()
    turn.seconds = time.monotonic() - started
    return turn


def _urlopen(opener, request, timeout: float):
    """(status, body) for any HTTP answer; (0, why) when none came in time."""
    try:
        with opener.open(request, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, socket.timeout) as exc:
        return 0, f"no answer: {exc}"


@dataclass
class WebChat:
    """One browser on the web page: its own cookies and conversation id."""

    web_url: str
    sender: str = field(default_factory=lambda: "web-" + uuid.uuid4().hex)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def say(self, message: Any, timeout: float = 30) -> Turn:
        def call() -> Turn:
            request = urllib.request.Request(
                f"{self.web_url}/api/chat",
                data=json.dumps({"sender": self.sender, "message": message}).encode(),
                headers={"Content-Type": "application/json"},
            )
            status, body = _urlopen(self.opener, request, timeout)
            return _turn_from_json(status, body)

        turn = _timed(call)
        if turn.recipient:  # the id Rasa knows the conversation by
            self.sender = turn.recipient
        return turn


def rest(rasa_url: str, sender: str, message: Any, timeout: float = 30) -> Turn:
    def call() -> Turn:
        request = urllib.request.Request(
            f"{rasa_url}/webhooks/rest/webhook",
            data=json.dumps({"sender": sender, "message": message}).encode(),
            headers={"Content-Type": "application/json"},
        )
        return _turn_from_json(*_urlopen(urllib.request.build_opener(), request, timeout))

    return _timed(call)


def _turn_from_json(status: int, body: str) -> Turn:
    try:
        payload = json.loads(body)
    except ValueError:
        return Turn(status, body, 0, body)
    if isinstance(payload, list):
        texts = [m.get("text") or "" for m in payload if isinstance(m, dict)]
        recipients = [m.get("recipient_id") for m in payload if isinstance(m, dict)]
        return Turn(status, "\n".join(texts), 0, body, next(filter(None, recipients), None))
    if isinstance(payload, dict):
        return Turn(status, str(payload.get("message") or payload.get("text") or ""), 0, body)
    return Turn(status, body, 0, body)


def sms(rasa_url: str, sender: str, body: str, timeout: float = 30) -> Turn:
    """Twilio's webhook call for one text, signed with the real validator."""

    def call() -> Turn:
        url = f"{rasa_url}/webhooks/sms/webhook"
        params = twilio_params(sender, body, MessageSid="SM" + uuid.uuid4().hex)
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, params)
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode(params).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature,
            },
        )
        status, raw = _urlopen(urllib.request.build_opener(), request, timeout)
        try:
            shown = SmsReply(status, "application/xml", raw).text
        except Exception:  # not TwiML: Twilio would send nothing
            shown = ""
        return Turn(status, shown, 0, raw)

    return _timed(call)


def new_phone() -> str:
    return "+1555" + str(uuid.uuid4().int)[:7]


def sqlite_write_locked(url: str):
    """Another process's write transaction on the SQLite file of `url` (the
    console's forget or retention does this) until the block ends."""
    return sqlite_write_lock(Path(url.replace("sqlite:///", "", 1)))


# --- what staff see ----------------------------------------------------------
def flag_rows(database_url: str, sender: str) -> List[Any]:
    engine = create_engine(database_url, connect_args=_connect_args(database_url))
    try:
        with engine.connect() as conn:
            return conn.execute(
                text("select * from crisis_flags where sender_id = :s"), {"s": sender}
            ).fetchall()
    finally:
        engine.dispose()


def _connect_args(url: str) -> dict:
    return {"connect_timeout": 3} if url.startswith("postgresql") else {}


def wait_for_flag(database_url: str, sender: str, seconds: float = FLAG_SECONDS) -> List[Any]:
    deadline = time.monotonic() + seconds
    while True:
        try:
            rows = flag_rows(database_url, sender)
        except Exception:  # the database may still be coming back
            rows = []
        if rows or time.monotonic() > deadline:
            return rows
        time.sleep(1)


class AlertListener:
    """A loopback staff-alert webhook that counts what it is sent."""

    def __init__(self) -> None:
        self.posts: List[dict] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - stdlib naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    listener.posts.append(json.loads(body or b"{}"))
                except ValueError:
                    listener.posts.append({"raw": body.decode("utf-8", "replace")})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
