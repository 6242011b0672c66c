"""The web page server (iopnav.channels.webpage) over HTTP: the page and the
widget files, /api/chat forwarding to the running assistant, the server's own
sessions, its answer when the assistant cannot give one, rate limits, and the
review's M11 probes (body limit, slow clients)."""

import http.cookiejar
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from iopnav.db import session_factory
from iopnav.safety import resources
from iopnav.safety.flags import CrisisFlag
from tests.channels.conftest import web_page_running

ORDINARY = "what is an IOP?"
CRISIS = "I want to kill myself"
ALLOWED = "https://www.cedargrove.example"


class Visitor:
    """One browser: it keeps the cookies the page server sets."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def fetch(self, path, body=None, headers=None, method=None):
        request = urllib.request.Request(
            self.base + path, data=body, headers=headers or {}, method=method
        )
        try:
            with self.opener.open(request, timeout=60) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read()

    def chat(self, payload, headers=None):
        if isinstance(payload, str):
            payload = {"message": payload}
        status, response_headers, body = self.fetch(
            "/api/chat",
            json.dumps(payload).encode(),
            {"Content-Type": "application/json", **(headers or {})},
        )
        return status, response_headers, json.loads(body)

    def cookie(self):
        return next((c for c in self.jar if c.name == "iopnav_chat"), None)


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


def flags(database_url, sender, wait=10.0):
    """The crisis flags staff see for a conversation (written in the background)."""
    deadline = time.time() + wait
    while True:
        with session_factory(database_url)() as db:
            found = db.query(CrisisFlag).filter_by(sender_id=sender).all()
        if found or time.time() > deadline:
            return found
        time.sleep(0.2)


# --- the page ----------------------------------------------------------------


def test_the_page_and_widget_are_served_with_a_strict_content_policy(web_page):
    visitor = Visitor(web_page.url)
    status, headers, body = visitor.fetch("/")
    assert status == 200 and b"Cedar Grove Behavioral Health" in body
    assert b"/widget/widget.js" in body
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    # On loopback (plain http) there is no HSTS; test_hsts_... covers a public bind.
    assert "Strict-Transport-Security" not in headers
    for path, kind in (("/widget/widget.js", "javascript"), ("/widget/widget.css", "text/css")):
        status, headers, _ = visitor.fetch(path)
        assert status == 200 and kind in headers["Content-Type"]
    assert visitor.fetch("/healthz")[0] == 200
    assert "Hello from Rasa" not in visitor.fetch("/")[2].decode()


@pytest.mark.parametrize(
    "path", ["/../credentials.yml", "/%2e%2e/credentials.yml", "/widget/", "/nope.html"]
)
def test_nothing_outside_web_is_served(web_page, path):
    status, _, body = Visitor(web_page.url).fetch(path)
    assert status == 404 and json.loads(body)["error"] == "not_found"


# --- chat and sessions ---------------------------------------------------------


def test_chat_is_forwarded_to_the_assistant_in_a_session_the_server_issues(web_page):
    visitor = Visitor(web_page.url)
    status, headers, replies = visitor.chat(ORDINARY)
    assert status == 200 and "outpatient" in replies[0]["text"].lower()
    assert "Access-Control-Allow-Origin" not in headers  # same origin: no CORS at all
    cookie = visitor.cookie()
    assert cookie is not None and cookie.path == "/api/"
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert cookie.get_nonstandard_attr("SameSite") == "Strict"
    sender = replies[0]["recipient_id"]
    assert sender.startswith("web-") and len(sender) == 4 + 32
    # The same browser stays in the same conversation.
    _, _, again = visitor.chat("how many hours a week?")
    assert again[0]["recipient_id"] == sender


def test_a_sender_chosen_by_the_browser_is_ignored(web_page, assistant):
    victim = Visitor(web_page.url)
    _, _, replies = victim.chat(ORDINARY)
    victim_sender = replies[0]["recipient_id"]
    attacker = Visitor(web_page.url)
    _, _, replies = attacker.chat({"sender": victim_sender, "message": "my name is Mallory"})
    assert replies[0]["recipient_id"] != victim_sender
    said = [
        e.get("text") for e in assistant.tracker(victim_sender)["events"] if e["event"] == "user"
    ]
    assert said == [ORDINARY]


def test_a_message_sent_again_is_answered_again_but_stored_once(web_page, assistant):
    """The widget sends the same message_id when it sends a message again
    (a lost answer); the page passes it on, and Rasa answers from the turn
    it stored (iopnav/channels/idempotency.py)."""
    visitor = Visitor(web_page.url)
    message = {"message": ORDINARY, "message_id": uuid.uuid4().hex}
    status, _, first = visitor.chat(message)
    assert status == 200 and "outpatient" in first[0]["text"].lower()
    assert visitor.chat(message)[::2] == (200, first)
    sender = first[0]["recipient_id"]
    said = [e.get("text") for e in assistant.tracker(sender)["events"] if e["event"] == "user"]
    assert said == [ORDINARY]
    status, _, answer = visitor.chat({"message": ORDINARY, "message_id": "../../etc"})
    assert status == 400 and answer["error"] == "invalid_message_id"


def test_a_forged_or_copied_session_gets_a_new_conversation(web_page):
    victim = Visitor(web_page.url)
    _, _, replies = victim.chat(ORDINARY)
    victim_sender = replies[0]["recipient_id"]
    token = victim.cookie().value
    version, _, issued, mac = token.split(".")
    forged = f"{version}.{'0' * 32}.{issued}.{mac}"
    for header in ({"Cookie": f"iopnav_chat={forged}"}, {"X-Chat-Session": forged}):
        _, headers, replies = Visitor(web_page.url).chat("hi", header)
        assert replies[0]["recipient_id"] not in (victim_sender, "web-" + "0" * 32)


def test_new_chat_starts_a_new_conversation(web_page):
    visitor = Visitor(web_page.url)
    _, _, replies = visitor.chat(ORDINARY)
    before = replies[0]["recipient_id"]
    status, _, _ = visitor.fetch("/api/session", b"{}", {"Content-Type": "application/json"})
    assert status == 200
    _, _, replies = visitor.chat("hi")
    assert replies[0]["recipient_id"] != before


def test_the_assistants_own_bad_input_answer_passes_through(web_page):
    status, _, answer = Visitor(web_page.url).chat("   ")
    assert status == 400 and answer["error"] == "empty_message"
    # In the widget's language (Accept-Language), passed on to the assistant.
    status, _, answer = Visitor(web_page.url).chat("/", {"Accept-Language": "es"})
    assert status == 400 and answer["error"] == "empty_message"
    assert answer["message"] == "El mensaje está vacío. Escribe una pregunta, por favor."


def test_bad_json_gets_a_clear_answer(web_page):
    status, _, body = Visitor(web_page.url).fetch(
        "/api/chat", b"{not json", {"Content-Type": "application/json"}
    )
    assert status == 400 and "JSON" in json.loads(body)["message"]


def test_other_sites_need_to_be_listed_and_keep_their_session_in_a_header(web_page):
    status, _, answer = Visitor(web_page.url).chat("hi", {"Origin": "https://evil.example"})
    assert status == 403 and "origin" in answer["message"]
    visitor = Visitor(web_page.url)
    status, headers, replies = visitor.chat(ORDINARY, {"Origin": ALLOWED})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == ALLOWED
    # A third-party cookie would be blocked by many browsers: a header instead.
    assert visitor.cookie() is None
    token = headers["X-Chat-Session"]
    assert "X-Chat-Session" in headers["Access-Control-Expose-Headers"]
    _, _, again = visitor.chat(
        "how many hours a week?", {"Origin": ALLOWED, "X-Chat-Session": token}
    )
    assert again[0]["recipient_id"] == replies[0]["recipient_id"]
    status, headers, _ = visitor.fetch("/api/chat", method="OPTIONS", headers={"Origin": ALLOWED})
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]
    assert "X-Chat-Session" in headers["Access-Control-Allow-Headers"]


def test_hsts_and_secure_cookies_when_not_on_loopback(tmp_path, monkeypatch):
    """In-process (no port bound on other interfaces): the app as configured
    for a public address."""
    from iopnav.channels.webpage import WebConfig, create_app
    from tests.support.asgi import AsgiApp, unique_name

    monkeypatch.setenv("IOP_WEB_SESSION_SECRET", "test-secret")
    migrate_url = f"sqlite:///{tmp_path / 'iop.db'}"
    monkeypatch.setenv("IOP_DATABASE_URL", migrate_url)
    config = WebConfig(host="0.0.0.0", rasa_url="http://127.0.0.1:9", turn_deadline=2)
    app = AsgiApp(create_app(config, name=unique_name("web")))
    try:
        _, headers, _ = app.request("GET", "/healthz", "", {}, b"")
        assert lower(headers)["strict-transport-security"].startswith("max-age=")
        status, headers, body = app.request(
            "POST", "/api/chat", "", {"content-type": "application/json"}, b'{"message": "hi"}'
        )
        cookie = lower(headers)["set-cookie"]
        assert status == 200 and "Secure" in cookie and "HttpOnly" in cookie
    finally:
        app.close()


def lower(headers):
    return {name.lower(): value for name, value in headers}


# --- when the assistant cannot answer -----------------------------------------


class FakeRasa(ThreadingHTTPServer):
    """An assistant that fails the way a real one can: `mode` is "hang" (takes
    longer than the page's deadline) or "error" (HTML 500, as from a proxy)."""

    daemon_threads = True
    mode = "hang"


class FakeRasaHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.server.mode == "hang":
            time.sleep(20)
        body = b"<html>500 Internal Server Error</html>"
        self.send_response(500)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def failing_rasa():
    server = FakeRasa(("127.0.0.1", 0), FakeRasaHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def page_before_failing_rasa(failing_rasa, tmp_path_factory):
    with web_page_running(
        f"http://127.0.0.1:{failing_rasa.server_address[1]}",
        tmp_path_factory.mktemp("web-failing"),
        IOP_WEB_TURN_DEADLINE="2",
    ) as service:
        yield service


def expected_handoff(kind="suicide"):
    return resources.handoff_for(resources.load(), kind, "web")


@pytest.mark.parametrize("mode", ["hang", "error"])
def test_a_failing_assistant_still_gets_the_crisis_handoff_to_the_visitor(
    mode, failing_rasa, page_before_failing_rasa
):
    failing_rasa.mode = mode
    page = page_before_failing_rasa
    visitor = Visitor(page.url)
    # The fault is real: an ordinary question is not answered...
    started = time.time()
    status, headers, replies = visitor.chat(ORDINARY)
    assert status == 200 and time.time() - started < 6
    assert "outpatient" not in texts(replies).lower()
    assert "can't be reached" in texts(replies) and "988" in texts(replies)
    assert replies[0]["status"] == "not_delivered"
    assert headers["X-IOP-Fallback"] == ("deadline" if mode == "hang" else "rasa_500")
    sender = replies[0]["recipient_id"]
    assert flags(page.database_url, sender, wait=1) == []
    # ...and a crisis still gets the hand-off, in time, and staff see a flag.
    started = time.time()
    status, _, replies = visitor.chat(CRISIS)
    assert status == 200 and time.time() - started < 6
    assert texts(replies) == expected_handoff()
    flagged = flags(page.database_url, sender)
    assert len(flagged) == 1 and flagged[0].event_key.startswith("web-fallback:")
    assert flagged[0].category == "suicidal_explicit"


def test_an_unreachable_assistant_still_gets_the_crisis_handoff(offline_web_page):
    visitor = Visitor(offline_web_page.url)
    status, headers, replies = visitor.chat(ORDINARY)
    assert status == 200 and headers["X-IOP-Fallback"] == "unreachable"
    assert "can't be reached" in texts(replies) and "911" in texts(replies)
    status, _, replies = visitor.chat("I took all my pills and I can't wake up my friend")
    assert status == 200 and "911" in texts(replies)
    status, _, replies = visitor.chat(CRISIS)
    assert texts(replies) == expected_handoff()
    assert flags(offline_web_page.database_url, replies[0]["recipient_id"])


def test_a_crisis_the_page_answered_is_one_moment_when_the_assistant_answers_its_resend(
    offline_web_page,
):
    """The page flags the crisis under the widget's message id, the key the
    assistant's own turn for that message records: a resend that reaches the
    assistant later is the same moment, not a second one (a scale-out run
    with a server killed mid-conversation counted two)."""
    from iopnav.safety.flags import Recorded, record_moment

    message_id = "m" + uuid.uuid4().hex
    visitor = Visitor(offline_web_page.url)
    status, _, replies = visitor.chat({"message": CRISIS, "message_id": message_id})
    assert status == 200 and texts(replies) == expected_handoff()
    sender = replies[0]["recipient_id"]
    [flag] = flags(offline_web_page.database_url, sender)
    assert flag.event_key == message_id
    # The assistant's turn for the same message (tracker_store.py keys it by its id).
    assert record_moment(sender, message_id, url=offline_web_page.database_url) == (
        Recorded.DUPLICATE
    )
    [flag] = flags(offline_web_page.database_url, sender)
    assert flag.moments == 1


# --- rate limits ---------------------------------------------------------------


@pytest.fixture(scope="module")
def limited_page(assistant, tmp_path_factory):
    with web_page_running(
        assistant.rasa_url,
        tmp_path_factory.mktemp("web-limited"),
        assistant.database_url,
        IOP_RATE_LIMIT_WEB_SESSION="3/day",
        IOP_RATE_LIMIT_WEB_IP="5/day",
    ) as service:
        yield service


def test_rate_limits_per_session_and_per_address_never_for_a_crisis(limited_page):
    visitor = Visitor(limited_page.url)
    for _ in range(3):
        status, _, replies = visitor.chat(ORDINARY)
        assert status == 200 and "outpatient" in texts(replies).lower()
    status, headers, answer = visitor.chat(ORDINARY)
    assert status == 429 and answer["error"] == "rate_limited"
    assert "988" in answer["message"] and "911" in answer["message"]
    assert int(headers["Retry-After"]) >= 1
    # A new session from the same address: one more turn, then the address is limited.
    assert Visitor(limited_page.url).chat(ORDINARY)[0] == 200
    assert Visitor(limited_page.url).chat(ORDINARY)[0] == 429
    # A crisis is never limited: the hand-off, and a flag for staff.
    status, _, replies = visitor.chat(CRISIS)
    assert status == 200 and texts(replies) == expected_handoff()
    assert flags(limited_page.database_url, replies[0]["recipient_id"])


# --- M11: body limit and slow clients -------------------------------------------


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) // 1024


def raw_request(port, head, body_chunks=(), timeout=5.0):
    """Send a raw request; (first response bytes or b"", MiB the server took)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sent = 0
    try:
        sock.sendall(head)
        for chunk in body_chunks:
            sock.sendall(chunk)
            sent += 1
    except OSError:
        pass  # the server closed the connection: what we want
    try:
        return sock.recv(200), sent
    except OSError:
        return b"", sent
    finally:
        sock.close()


def test_a_negative_content_length_is_refused_before_the_body_is_read(offline_web_page):
    port = int(offline_web_page.url.rsplit(":", 1)[1])
    before = rss_mb(offline_web_page.proc.pid)
    head = b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"
    started = time.time()
    answer, sent = raw_request(port, head, (b"A" * (1 << 20) for _ in range(100)))
    assert answer.startswith(b"HTTP/1.1 400") and time.time() - started < 5
    assert sent < 100  # the server hung up instead of reading 100 MiB
    assert rss_mb(offline_web_page.proc.pid) - before < 20


def test_oversized_bodies_are_refused_whatever_the_framing(offline_web_page):
    port = int(offline_web_page.url.rsplit(":", 1)[1])
    before = rss_mb(offline_web_page.proc.pid)
    head = b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n"
    answer, _ = raw_request(port, head, (b"A" * (1 << 20) for _ in range(100)))
    assert answer.startswith(b"HTTP/1.1 413")
    head = b"POST /api/chat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"100000\r\n" + b"A" * (1 << 20) + b"\r\n"
    answer, _ = raw_request(port, head, (chunk for _ in range(100)))
    assert answer.startswith(b"HTTP/1.1 413")
    assert rss_mb(offline_web_page.proc.pid) - before < 20


def test_half_open_connections_are_closed_and_do_not_pile_up(offline_web_page):
    port = int(offline_web_page.url.rsplit(":", 1)[1])
    pid = offline_web_page.proc.pid
    threads_before = len(os.listdir(f"/proc/{pid}/task"))
    held = []
    for _ in range(200):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"POST /api/chat HTTP/1.1\r\nHo")
        held.append(sock)
    # Slowloris: trickling a byte at a time for longer than the request
    # timeout (2 s on this page) does not keep a connection open.
    for _ in range(9):
        time.sleep(0.5)
        for sock in held[:10]:
            try:
                sock.sendall(b"s")
            except OSError:
                pass  # already closed by the server
    closed = 0
    for sock in held:
        sock.settimeout(1)
        try:
            data = sock.recv(100)
            closed += data == b"" or data.startswith(b"HTTP/1.1 408")
        except socket.timeout:
            pass  # still open
        except OSError:
            closed += 1  # reset
        sock.close()
    assert closed == 200
    assert len(os.listdir(f"/proc/{pid}/task")) <= threads_before + 2
    assert Visitor(offline_web_page.url).fetch("/healthz")[0] == 200


def test_when_the_screen_itself_fails_the_crisis_lines_are_still_given(monkeypatch):
    """Rasa down and the page's own screen broken too: nothing reads the
    message, so the answer carries the crisis lines rather than guess."""
    from iopnav.channels import webfallback
    from iopnav.safety import screen

    def broken(text):
        raise RuntimeError("spaCy model missing")

    monkeypatch.setattr(screen, "assess", broken)
    verdict = webfallback.screen_text(CRISIS)
    assert verdict.unread and not verdict.crisis  # the fault is real
    answer = webfallback.reply("web-" + "a" * 32, CRISIS, verdict, "unreachable")
    assert "can't be reached" in answer[0]["text"]
    assert answer[1]["text"] == expected_handoff(None)
