"""The web page server (python -m iopnav.channels.webpage, as `make run`
starts it) in front of the running assistant, one in front of nothing, and
an assistant whose action server is down (with a page in front of it)."""

import pytest

from iopnav.services import VENV_BIN, Service, free_port


def start_web_page(rasa_url: str, tmp_path, **env: str) -> Service:
    port = free_port()
    service = Service(
        name="web page",
        cmd=[str(VENV_BIN / "python"), "-m", "iopnav.channels.webpage"],
        ready_url=f"http://127.0.0.1:{port}/healthz",
        env={"IOP_WEB_PORT": str(port), "IOP_HOST": "127.0.0.1", "IOP_RASA_URL": rasa_url, **env},
        log_path=tmp_path / f"web-{port}.log",
    )
    service.start().wait_ready(timeout=30)
    service.url = f"http://127.0.0.1:{port}"
    return service


@pytest.fixture(scope="session")
def web_page(assistant, tmp_path_factory):
    service = start_web_page(
        assistant.rasa_url,
        tmp_path_factory.mktemp("web"),
        IOP_WEB_ALLOWED_ORIGINS="https://www.cedargrove.example",
    )
    yield service
    service.stop()


@pytest.fixture(scope="session")
def offline_web_page(tmp_path_factory):
    """A page whose assistant is down (nothing listens on that port)."""
    service = start_web_page(
        f"http://127.0.0.1:{free_port()}", tmp_path_factory.mktemp("web-offline")
    )
    yield service
    service.stop()


@pytest.fixture(scope="session")
def web_page_without_actions(assistant_without_actions, tmp_path_factory):
    service = start_web_page(
        assistant_without_actions.rasa_url, tmp_path_factory.mktemp("web-no-actions")
    )
    yield service
    service.stop()
