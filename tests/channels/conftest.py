"""The web page server (python -m iopnav.channels.webpage, as `make run`
starts it) in front of the running assistant, one in front of nothing, and
an assistant whose action server is down (with a page in front of it)."""

import secrets
import time
from contextlib import contextmanager

import pytest

from iopnav import migrate, ratelimit
from iopnav.services import VENV_BIN, WEB_SECRETS, Service, free_port


def start_web_page(rasa_url: str, tmp_path, database_url: str = "", **env: str) -> Service:
    """The page server as `make run` starts it; crisis flags it raises by
    itself land in `database_url` (a fresh migrated SQLite file if not given)."""
    if not database_url:
        database_url = f"sqlite:///{tmp_path / 'iop.db'}"
        migrate.upgrade(database_url)
    port = free_port()
    service = Service(
        name="web page",
        cmd=[str(VENV_BIN / "python"), "-m", "iopnav.channels.webpage"],
        ready_url=f"http://127.0.0.1:{port}/healthz",
        env={
            "IOP_WEB_PORT": str(port),
            "IOP_WEB_HOST": "127.0.0.1",
            "IOP_RASA_URL": rasa_url,
            "IOP_DATABASE_URL": database_url,
            "IOP_WEB_SESSION_SECRET": secrets.token_hex(16),
            "IOP_LOG_FORMAT": "json",
            **env,
        },
        log_path=tmp_path / f"web-{port}.log",
        secrets=WEB_SECRETS,
    )
    service.start().wait_ready(timeout=60)
    service.url = f"http://127.0.0.1:{port}"
    service.database_url = database_url
    return service


@contextmanager
def web_page_running(rasa_url: str, tmp_path, database_url: str = "", **env: str):
    service = start_web_page(rasa_url, tmp_path, database_url, **env)
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture(scope="session")
def web_page(assistant, tmp_path_factory):
    # Another site that embeds the widget: a loopback port of its own (a
    # different origin; Chromium refuses a public page's requests to loopback).
    embed_port = free_port()
    with web_page_running(
        assistant.rasa_url,
        tmp_path_factory.mktemp("web"),
        assistant.database_url,
        IOP_WEB_ALLOWED_ORIGINS=f"https://www.cedargrove.example,http://127.0.0.1:{embed_port}",
    ) as service:
        service.embed_port = embed_port
        yield service


@pytest.fixture(scope="session")
def offline_web_page(tmp_path_factory):
    """A page whose assistant is down (nothing listens on that port), with
    short request timeouts for the slow-client probes."""
    with web_page_running(
        f"http://127.0.0.1:{free_port()}",
        tmp_path_factory.mktemp("web-offline"),
        IOP_WEB_REQUEST_TIMEOUT="2",
    ) as service:
        yield service


@pytest.fixture(scope="session")
def web_page_without_actions(assistant_without_actions, tmp_path_factory):
    with web_page_running(
        assistant_without_actions.rasa_url,
        tmp_path_factory.mktemp("web-no-actions"),
        assistant_without_actions.database_url,
    ) as service:
        yield service


@pytest.fixture
def tight_budgets(monkeypatch):
    """The Rasa channels' request budgets at 2 (3 per address) a minute."""
    names = ("rest_sender", "rest_ip", "sms_number")
    monkeypatch.setenv("IOP_RATE_LIMIT_REST_SENDER", "2/minute")
    monkeypatch.setenv("IOP_RATE_LIMIT_REST_IP", "3/minute")
    monkeypatch.setenv("IOP_RATE_LIMIT_SMS_NUMBER", "2/minute")
    for name in names:
        monkeypatch.delitem(ratelimit._limiters, name, raising=False)
    # The budgets are fixed one-minute windows: a test whose messages cross
    # the minute's end would start a fresh budget halfway (seen on a loaded
    # CI machine). Start with at least 30 s of the window left.
    left = 60 - time.time() % 60
    if left < 30:
        time.sleep(left + 0.05)
    yield
    for name in names:
        ratelimit._limiters.pop(name, None)


@pytest.fixture(scope="module")
def sqlite_channels(tmp_path_factory):
    """The trained model in-process (inprocess.py) on a fresh SQLite database, no action
    server: one per test module."""
    from tests.channels.inprocess import Channels, load_agent
    from tests.support.assistant import model_path

    if not model_path().exists():
        pytest.fail("No trained model: run `make train` (make test does it first).")
    url = f"sqlite:///{tmp_path_factory.mktemp('inprocess') / 'iop.db'}"
    migrate.upgrade(url)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("IOP_DATABASE_URL", url)
        mp.setenv("IOP_STAFF_ALERT_URL", "")
        running = Channels(load_agent())
        yield running
        running.close()
