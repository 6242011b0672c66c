"""Each High and Medium probe of the security review
(/work/shared/reviews/review-security.md), as a test of what a person or
staff would see, against the running servers (in-process only where the
probe is about code or a command line).

Three probes are the fault scenarios themselves (test_faults.py), not
repeated here: H3 = test_application_database_refusing_connections (SMS with
the application database down), M1's Redis variant =
test_redis_lock_store_cut_off, M3 = test_action_server_frozen_mid_turn.
"""

import http.client
import json
import os
import re
import socket
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import List, Tuple

import pytest
from sqlalchemy import bindparam, create_engine, text

from iopnav import settings
from iopnav.services import VENV_BIN, Service, free_port
from tests.faults.helpers import (
    CRISIS,
    HANDOFF_SECONDS,
    WebChat,
    new_phone,
    rest,
    sms,
    sqlite_write_locked,
    wait_for_flag,
)
from tests.faults.scenario import in_parallel
from tests.faults.test_flood import any_handoff
from tests.support.console import ADMIN, PASSWORD, Client, ConsoleServer
from tests.support.databases import isolated_database_url
from tests.support.demo_data import Msg

ROOT = settings.PROJECT_ROOT


def open_flag_count(database_url: str, senders: List[str]) -> int:
    engine = create_engine(database_url)
    query = text(
        "select count(*) from crisis_flags where sender_id in :s and not acknowledged"
    ).bindparams(bindparam("s", expanding=True))
    try:
        with engine.connect() as conn:
            return conn.execute(query, {"s": senders}).scalar()
    finally:
        engine.dispose()


# --- H1: fresh ids typing /crisis no longer plant flags and alerts ------------
def test_h1_typed_crisis_payloads_from_fresh_web_sessions_plant_no_flags(sqlite_stack):
    chats = [WebChat(sqlite_stack.web_url) for _ in range(40)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        turns = list(pool.map(lambda chat: chat.say("/crisis", timeout=HANDOFF_SECONDS), chats))
    assert all(turn.status and turn.status < 500 for turn in turns), turns[:2]
    time.sleep(5)  # what the outbox would have written by now
    planted = open_flag_count(sqlite_stack.database_url, [chat.sender for chat in chats])
    assert planted == 0, f"{planted} open crisis flags from 40 typed '/crisis' payloads"


# --- H2: the SMS intake never tells a texter to send a carrier keyword --------
CARRIER_INSTRUCTION = re.compile(
    r"\b(say|reply|text|send|type|write)\s+[\"'“]?(stop|stopall|unsubscribe|cancel|end|quit|"
    r"optout|revoke|start|unstop)\b",
    re.IGNORECASE,
)


def test_h2_sms_intake_names_no_carrier_keyword_and_a_crisis_still_gets_the_handoff(
    sqlite_stack,
):
    phone = new_phone()
    intake = sms(sqlite_stack.rasa_url, phone, "I want to start an intake")
    assert intake.status == 200 and intake.text, intake
    assert not CARRIER_INSTRUCTION.search(intake.text), intake.text
    crisis = sms(sqlite_stack.rasa_url, phone, CRISIS)
    assert crisis.handoff("sms"), crisis


# --- M1: a write-locked tracker database keeps the hand-off and the flag ------
def test_m1_locked_tracker_database_still_hands_off_and_flags(sqlite_stack):
    sender = "probe-" + uuid.uuid4().hex
    message = "I have the pills and I am taking them all tonight"
    with sqlite_write_locked(sqlite_stack.tracker_store_url):
        turn = rest(sqlite_stack.rasa_url, sender, message, timeout=HANDOFF_SECONDS + 5)
    assert any_handoff(turn, "web"), turn
    assert turn.seconds <= HANDOFF_SECONDS
    assert wait_for_flag(sqlite_stack.database_url, sender), "no flag for staff after the lock"


# --- M2: a locked application database neither delays nor loses the flag -----
def test_m2_locked_application_database_does_not_stall_replies_or_lose_the_flag(
    sqlite_stack,
):
    sender, bystander = "probe-" + uuid.uuid4().hex, "probe-" + uuid.uuid4().hex
    with sqlite_write_locked(sqlite_stack.database_url):
        crisis, other = in_parallel(
            lambda: rest(sqlite_stack.rasa_url, sender, CRISIS, timeout=30),
            lambda: rest(sqlite_stack.rasa_url, bystander, "how long is a typical IOP?"),
        )
        time.sleep(3)  # the lock outlives the turn, as a long console job would
    assert crisis.handoff("web"), crisis
    # Under the 5 s SQLite busy timeout: nothing waits on the flag insert.
    assert crisis.seconds < 4, f"hand-off after {crisis.seconds:.1f} s"
    assert other.status == 200 and other.seconds < 4, other
    assert wait_for_flag(sqlite_stack.database_url, sender), "flag lost after the lock"
    log = (sqlite_stack.workdir / "rasa.log").read_text(errors="replace")
    assert sender not in log, "the sender id reached the log (SQL parameters, M6)"


# --- M4: another browser holding a session id cannot read the conversation ----
def test_m4_a_copied_session_id_does_not_open_the_visitors_conversation(sqlite_stack):
    victim = WebChat(sqlite_stack.web_url)
    for message in ("I want to start an intake", "Ana", "813-555-0143"):
        victim.say(message)
    attacker = WebChat(sqlite_stack.web_url, sender=victim.sender)  # its own cookies
    seen = "\n".join(attacker.say(m).text for m in ("mornings", "not sure"))
    assert "0143" not in seen and "Ana" not in seen, seen


# --- M5: IOP_HOST=0.0.0.0 does not expose the console --------------------------
def listening_hosts(port: int) -> List[str]:
    """The local addresses a TCP port listens on (from /proc/net/tcp*)."""
    hosts = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                hosts.append(address)
    return hosts


def test_m5_one_public_switch_leaves_the_console_on_loopback(sqlite_stack):
    port = free_port()
    console = Service(
        "staff console",
        [str(VENV_BIN / "python"), "-m", "iopnav.console", "serve", "--port", str(port)],
        f"http://127.0.0.1:{port}/login",
        env={
            "IOP_HOST": "0.0.0.0",
            "IOP_DATABASE_URL": sqlite_stack.database_url,
            "IOP_TRACKER_STORE_URL": sqlite_stack.tracker_store_url,
        },
        log_path=sqlite_stack.workdir / "console-m5.log",
    ).start()
    try:
        console.wait_ready(60)
        hosts = listening_hosts(port)
    finally:
        console.stop()
    loopback = ("0100007F", "00000000000000000000000001000000")
    assert hosts and all(h in loopback for h in hosts), f"console listens on {hosts}"


# --- M6: messages stay out of the logs; logs are private -----------------------
def test_m6_health_details_stay_out_of_the_logs(sqlite_stack):
    message = "/my name is Jane Doe, 813-555-0143, I relapsed"
    turn = rest(sqlite_stack.rasa_url, "logprobe-" + uuid.uuid4().hex, message)
    assert turn.status == 200, turn
    time.sleep(1)
    for name in ("rasa.log", "actions.log", "web.log"):
        log = sqlite_stack.workdir / name
        content = log.read_text(errors="replace")
        assert "Jane Doe" not in content and "555-0143" not in content, f"{name} holds the message"
        assert log.stat().st_mode & 0o077 == 0, f"{name} is readable by others"


# --- M7: the staff alert names nobody, and its secret URL is never logged -----
def test_m7_staff_alert_carries_no_phone_number_or_category(sqlite_stack):
    phone = new_phone()
    before = len(sqlite_stack.alerts.posts)
    assert sms(sqlite_stack.rasa_url, phone, CRISIS).handoff("sms")
    deadline = time.monotonic() + 75  # alerts are collapsed per burst (60 s)
    while len(sqlite_stack.alerts.posts) == before and time.monotonic() < deadline:
        time.sleep(1)
    alerts = sqlite_stack.alerts.posts
    assert len(alerts) > before, "staff got no alert for an SMS crisis"
    sent = json.dumps(alerts)
    assert phone[-7:] not in sent, f"the phone number reached the alert webhook: {sent[:300]}"
    assert "suicid" not in sent.lower(), f"the crisis category reached the webhook: {sent[:300]}"


@pytest.mark.slow  # waits for the alert attempt
def test_m7_a_failed_alert_does_not_log_the_secret_webhook_url(tmp_path, caplog, monkeypatch):
    from iopnav import migrate
    from iopnav.safety import outbox

    database_url = f"sqlite:///{tmp_path / 'iop.db'}"
    migrate.upgrade(database_url)
    monkeypatch.setenv("IOP_DATABASE_URL", database_url)
    monkeypatch.setenv("IOP_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("IOP_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("IOP_STAFF_ALERT_URL", "https://127.0.0.1:1/services/T0/B0/SECRETPART")
    sender = "m7-" + uuid.uuid4().hex
    caplog.set_level("DEBUG")
    outbox.enqueue_flag(sender, "m7", "suicidal_explicit", "rest")
    assert wait_for_flag(database_url, sender, 30), "the flag was not written"
    time.sleep(8)  # the alert attempt (5 s timeout at most) and its log line
    assert "SECRETPART" not in caplog.text


def acknowledged_flag(tmp_path, number, evidence=None, age_seconds: float = 60) -> ConsoleServer:
    """Fresh databases holding one SMS conversation with an acknowledged
    crisis flag (staff followed it up), seen through the console helpers."""
    from iopnav import migrate
    from iopnav.safety.flags import record_flag

    database_url = f"sqlite:///{tmp_path / 'iop.db'}"
    migrate.upgrade(database_url)
    console = ConsoleServer(database_url, f"sqlite:///{tmp_path / 'tracker.db'}", tmp_path)
    console.conversation([Msg("hello", "greet")], age_seconds, "sms", number)
    record_flag(number, "k1", "suicidal_explicit", "sms", evidence, url=database_url)
    console.execute(database_url, "update crisis_flags set acknowledged = 1")
    return console


# --- M8: "forget me" leaves nothing that leads back to the number -------------
def test_m8_forgotten_number_cannot_be_recovered_from_flags_or_opt_outs(tmp_path):
    import hashlib

    from iopnav.channels import optout
    from iopnav.console import forget
    from iopnav.db import get_engine, session_factory

    number = "+15550106666"
    console = acknowledged_flag(tmp_path, number)
    database_url, tracker_url = console.database_url, console.tracker_url
    optout.set_opted_out(number, True, "STOP", url=database_url)
    with session_factory(database_url)() as db:
        forget.forget_phone(db, get_engine(tracker_url), number)
    guess = "forgotten-" + hashlib.sha256(number.encode()).hexdigest()[:16]
    assert not console.query(
        database_url, "select id from crisis_flags where sender_id = :s", s=guess
    ), "the anonymised flag id is the unsalted hash of the number"
    digits = number[-10:]
    for table in ("crisis_flags", "sms_opt_outs"):
        rows = console.query(database_url, f"select * from {table}")
        assert digits not in json.dumps([list(map(str, r)) for r in rows]), f"{table}: {rows}"


# --- M9: crisis flags are anonymised after the crisis retention period --------
@pytest.mark.slow  # runs the retention command line
def test_m9_retention_anonymises_old_flags_and_drops_their_evidence(tmp_path):
    number = "+15550105151"
    console = acknowledged_flag(tmp_path, number, '["kill myself"]', age_seconds=9e6)
    database_url, tracker_url = console.database_url, console.tracker_url
    console.execute(database_url, "update crisis_flags set created_at = '2020-01-01 00:00:00'")
    env = {**os.environ, "IOP_DATABASE_URL": database_url, "IOP_TRACKER_STORE_URL": tracker_url}
    done = subprocess.run(
        [
            str(ROOT / ".venv/bin/python"),
            "-m",
            "iopnav.console",
            "retention",
            "--days",
            "1",
            "--crisis-days",
            "1",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-800:]
    rows = console.query(database_url, "select sender_id, evidence from crisis_flags")
    assert rows, "the flag row itself must stay (it is never deleted)"
    assert all(number not in r[0] and not r[1] for r in rows), rows


# --- M10: one address cannot lock a staff member out or stall the console -----
def send_from(base_url: str, source: str):
    host, port = base_url.split("//")[1].split(":")

    def send(method, path, query, headers, body):
        conn = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
        try:
            conn.request(
                method, path + (f"?{query}" if query else ""), body=body or None, headers=headers
            )
            resp = conn.getresponse()
            return resp.status, resp.getheaders(), resp.read()
        finally:
            conn.close()

    return send


@pytest.fixture(scope="module")
def console_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("console")
    with isolated_database_url("sqlite", workdir) as db_url:
        server = ConsoleServer(db_url, f"sqlite:///{workdir / 'tracker.db'}", workdir).start()
        yield server
        server.stop()


def test_m10_failed_logins_from_one_address_do_not_lock_out_the_account(console_server):
    attacker = Client(send_from(console_server.base_url, "127.0.0.2"))
    codes = [attacker.login(ADMIN, "wrong password").status_code for _ in range(8)]
    assert 429 in codes or all(c in (400, 401) for c in codes), codes
    admin = Client(send_from(console_server.base_url, "127.0.0.3"))
    page = admin.login(ADMIN, PASSWORD)
    assert page.ok and admin.csrf, f"the admin is locked out by another address: {page.status_code}"


def test_m10_a_login_flood_does_not_stall_the_console(console_server):
    def attempt(i: int) -> int:
        client = Client(send_from(console_server.base_url, f"127.0.1.{i % 200 + 1}"))
        return client.login(f"u{i}@x.org", "p").status_code

    slowest = [0.0]
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            started = time.monotonic()
            Client(send_from(console_server.base_url, "127.0.0.9")).get("/login")
            slowest[0] = max(slowest[0], time.monotonic() - started)
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(attempt, range(80)))
    stop.set()
    watcher.join()
    assert slowest[0] < 1.5, f"GET /login took {slowest[0]:.1f} s during a login flood"


# --- M11: the web page refuses an endless body and drops half-open requests ---
def peak_rss_kb(pid: int) -> int:
    """Peak resident memory (VmHWM) of a server and its direct children:
    a body buffered and freed again still shows here."""
    total = 0
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text().split()
            if proc.name.isdigit() and (int(proc.name) == pid or int(stat[4]) == pid):
                for line in (proc / "status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total


def service_pid(stack, name: str) -> int:
    return next(s for s in stack.services if s.name == name).proc.pid


def push_body(port: int, head: bytes, megabytes: int) -> Tuple[int, bytes]:
    """Send a request head, then up to `megabytes` MB of body for as long as
    the server takes it. (MB sent, the first bytes of its answer)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sent, chunk = 0, b"a" * (1 << 20)
    try:
        sock.sendall(head)
        while sent < megabytes:
            sock.sendall(chunk)
            sent += 1
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # refused early: what we want
    try:
        answer = sock.recv(200)
    except OSError:
        answer = b""
    sock.close()
    return sent, answer


def test_m11_negative_content_length_does_not_buffer_the_body(sqlite_stack):
    pid = service_pid(sqlite_stack, "web page")
    before = peak_rss_kb(pid)
    head = b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    _, answer = push_body(sqlite_stack.web_port, head + b"Content-Length: -1\r\n\r\n", 100)
    grown_mb = (peak_rss_kb(pid) - before) / 1024
    assert grown_mb < 30, f"the web page buffered the body: +{grown_mb:.0f} MB"
    assert not answer or re.match(rb"HTTP/1\.[01] 4\d\d", answer), answer


def test_m11_half_open_requests_are_dropped_and_chat_keeps_working(sqlite_stack):
    held = []
    for _ in range(200):
        sock = socket.create_connection(("127.0.0.1", sqlite_stack.web_port), timeout=5)
        sock.sendall(b"POST /api/chat HTTP/1.1\r\nHost: x\r\n")  # never finished
        held.append(sock)
    try:
        turn = WebChat(sqlite_stack.web_url).say(CRISIS, timeout=HANDOFF_SECONDS)
        assert turn.handoff("web") and turn.seconds <= HANDOFF_SECONDS, turn
        deadline = time.monotonic() + 20
        open_ = held
        while open_ and time.monotonic() < deadline:
            time.sleep(1)
            open_ = [s for s in open_ if not _closed_by_peer(s)]
        assert not open_, f"{len(open_)} of 200 half-open requests still held after 20 s"
    finally:
        for sock in held:
            sock.close()


def _closed_by_peer(sock: socket.socket) -> bool:
    """The server answered (e.g. 408) or closed the connection."""
    sock.setblocking(False)
    try:
        sock.recv(1024, socket.MSG_PEEK)
        return True
    except BlockingIOError:
        return False
    except OSError:
        return True


# --- M12: the REST webhook refuses huge bodies early and stays responsive ------
def test_m12_a_60_mb_body_is_refused_before_it_is_buffered(sqlite_stack):
    pid = service_pid(sqlite_stack, "Rasa server")
    before = peak_rss_kb(pid)
    head = (
        b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\nContent-Length: 60000000\r\n\r\n"
    )
    sent, answer = push_body(sqlite_stack.rasa_port, head, 57)
    grown_mb = (peak_rss_kb(pid) - before) / 1024
    assert not answer or b" 413 " in answer.split(b"\r\n")[0], answer
    assert grown_mb < 30 and sent < 57, f"sent {sent} MB, Rasa grew {grown_mb:.0f} MB"


def test_m12_long_messages_from_others_do_not_delay_a_crisis(sqlite_stack):
    big = ("I feel stuck and tired. " * 900)[:20000]
    senders = [f"dos{i}-{uuid.uuid4().hex[:8]}" for i in range(30)]
    threads = [
        threading.Thread(target=rest, args=(sqlite_stack.rasa_url, s, big, 120), daemon=True)
        for s in senders
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    victim = rest(sqlite_stack.rasa_url, "victim-" + uuid.uuid4().hex, CRISIS, timeout=60)
    for thread in threads:
        thread.join(120)
    assert victim.handoff("web"), victim
    assert victim.seconds <= HANDOFF_SECONDS, (
        f"the hand-off waited {victim.seconds:.1f} s behind 30 long messages"
    )


# --- M13: `make shell` listens on loopback only, on a throw-away store --------
def test_m13_make_shell_binds_loopback_and_keeps_off_the_real_stores():
    plan = subprocess.run(
        ["make", "-n", "shell"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    shell = next((line for line in plan.splitlines() if " shell" in line and "rasa" in line), "")
    assert shell, plan[-500:]
    assert re.search(r"(-i|--interface)\s+127\.0\.0\.1", shell), shell
    endpoints = re.search(r"--endpoints\s+(\S+)", shell)
    used = (ROOT / endpoints.group(1)).read_text() if endpoints else ""
    assert "iopnav.tracker_store" not in used, f"`make shell` uses the real tracker store: {shell}"
