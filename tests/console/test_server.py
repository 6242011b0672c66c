"""Smoke tests of the console as it is deployed: `python -m iopnav.console
serve` as its own process, reading its settings from the environment and
answering over real HTTP. The other console tests run the same app in-process."""

import pytest

from iopnav.services import VENV_BIN, Service, free_port
from tests.support.console import REVIEWER, ConsoleServer
from tests.support.databases import isolated_database_url
from tests.support.demo_data import Msg

SMS_NUMBER = "+18135550199"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("console-server")
    with (
        isolated_database_url("sqlite", workdir) as app_url,
        isolated_database_url("sqlite", workdir) as tracker_url,
    ):
        running = ConsoleServer(
            app_url, tracker_url, workdir, env={"IOP_CONSOLE_IDLE_MINUTES": "45"}
        ).start()
        try:
            yield running
        finally:
            running.stop()


def test_sign_in_and_read_a_crisis_transcript_over_http(server):
    sender = server.conversation([Msg("I want to kill myself", "crisis", 0.97)])
    client = server.client()
    token_page = client.get("/login")
    assert token_page.headers["X-Frame-Options"] == "DENY"
    signed_in = client.login(REVIEWER)
    assert signed_in.status_code == 200 and f"{REVIEWER} (reviewer)" in signed_in.text
    page = client.get(f"/transcript/{server.key(sender)}")
    assert page.status_code == 200 and "CRISIS" in page.text
    assert page.headers["Cache-Control"] == "no-store"


def test_ready_and_metrics_answer_without_signing_in(server):
    """For Kubernetes' readiness probe and Prometheus: no session, no redirect."""
    client = server.client()
    ready = client.get("/ready", allow_redirects=False)
    report = ready.json()
    assert ready.status_code == 200 and report["service"] == "console"
    assert report["checks"]["app_db"]["ok"] and report["checks"]["tracker_store"]["ok"]
    assert report["checks"]["tracker_store"]["required"] is False  # flags stay reachable
    client.get("/login")
    metrics = client.get("/metrics", allow_redirects=False)
    assert metrics.status_code == 200
    assert 'iop_request_seconds_count{route="' in metrics.text and "login" in metrics.text


def test_conversation_ids_stay_out_of_the_server_log(server):
    """Request paths hold conversation ids, which can be phone numbers: no access log."""
    server.conversation(
        [Msg("what is an IOP?", "ask_what_is_iop")], channel="sms", sender_id=SMS_NUMBER
    )
    client = server.client(REVIEWER)
    landed = client.get("/conversations/%2B18135550199")
    assert landed.status_code == 200 and "/transcript/" in landed.url
    assert "5550199" not in server.log_text()


def _listening_addresses(port: int):
    """Local addresses (hex, as /proc/net/tcp shows them) listening on `port`."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, _, hex_port = local.rpartition(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                    found.append(address)
    return found


def test_the_deployed_console_listens_on_loopback_even_when_the_assistant_is_exposed(
    tmp_path,
):
    port = free_port()
    service = Service(
        "staff console",
        [str(VENV_BIN / "python"), "-m", "iopnav.console"],  # as the launcher starts it
        f"http://127.0.0.1:{port}/login",
        env={
            "IOP_HOST": "0.0.0.0",
            "IOP_CONSOLE_HOST": "",
            "IOP_CONSOLE_PORT": str(port),
            "IOP_DATABASE_URL": f"sqlite:///{tmp_path}/app.db",
            "IOP_TRACKER_STORE_URL": f"sqlite:///{tmp_path}/tracker.db",
        },
        log_path=tmp_path / "console.log",
    ).start()
    try:
        service.wait_ready(60)
        assert _listening_addresses(port) == ["0100007F"]  # 127.0.0.1 only
    finally:
        service.stop()
