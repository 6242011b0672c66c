"""A real running assistant for end-to-end tests: the trained model in a Rasa
server plus the action server (and, on request, the web page server), on free
loopback ports, with their own SQLite tracker store and application database
unless `env` points IOP_DATABASE_URL, IOP_TRACKER_STORE_URL or
IOP_LOCK_STORE_URL elsewhere (the fault tests route them through a proxy)."""

import json
import os
import signal
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

from iopnav import settings
from iopnav.services import (
    VENV_BIN,
    Service,
    actions_service,
    free_port,
    rasa_service,
    write_endpoints,
)

TOKEN = "test-token"
# The SMS channel verifies X-Twilio-Signature; tests sign with this token.
TWILIO_TOKEN = "test-twilio-auth-token"
# Tests that send many messages from one loopback address raise the request
# budgets (iopnav/ratelimit.py), so that a 429 never passes for a fault.
UNLIMITED_BUDGETS = {
    f"IOP_RATE_LIMIT_{name}": "100000/minute"
    for name in ("WEB_IP", "WEB_SESSION", "REST_SENDER", "REST_IP", "SMS_NUMBER")
}


def model_path() -> Path:
    return settings.PROJECT_ROOT / "models" / "iop.tar.gz"


def post_json(url: str, payload: Any, timeout: float = 60) -> Any:
    req = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read().decode() or "null")


class RunningAssistant:
    def __init__(
        self,
        workdir: Path,
        with_actions: bool = True,
        env: Optional[Dict[str, str]] = None,
        with_web: bool = False,
    ):
        self.workdir = workdir
        self.with_actions = with_actions
        self.with_web = with_web
        self.rasa_port = free_port()
        self.actions_port = free_port()
        self.web_port = free_port()
        self.env = {
            "IOP_DATABASE_URL": f"sqlite:///{workdir / 'iop.db'}",
            "IOP_TRACKER_STORE_URL": f"sqlite:///{workdir / 'tracker.db'}",
            "IOP_RASA_TOKEN": TOKEN,
            "IOP_TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "IOP_TWILIO_VALIDATE": "true",
            "IOP_PUBLIC_URL": "",  # sign against the URL the test calls
            # As deployed (deploy/compose.yaml): one JSON line a turn, which
            # tests/channels/test_ops_endpoints.py reads back.
            "IOP_LOG_FORMAT": "json",
            **(env or {}),
        }
        self.database_url = self.env["IOP_DATABASE_URL"]
        self.tracker_store_url = self.env["IOP_TRACKER_STORE_URL"]
        self.services: List[Service] = []
        self.actions: Optional[Service] = None

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start(self) -> "RunningAssistant":
        from iopnav import migrate
        from iopnav.directory import cli

        migrate.upgrade(self.database_url)
        cli.load_sample_if_empty(self.database_url)  # as `make run` does
        endpoints = write_endpoints(self.workdir / "endpoints.yml", self.actions_port)
        if self.with_actions:
            self.actions = actions_service(
                self.actions_port, self.env, self.workdir / "actions.log"
            )
            self.services.append(self.actions.start())
        self.services.append(
            rasa_service(
                self.rasa_port,
                model_path(),
                endpoints,
                self.env,
                log_path=self.workdir / "rasa.log",
                enable_api=True,
            ).start()
        )
        if self.with_web:
            self.services.append(self.web_page_service().start())
        for service in self.services:
            service.wait_ready()
        return self

    def web_page_service(self) -> Service:
        """The web page server (python -m iopnav.channels.webpage, as `make run`
        starts it) in front of this Rasa server."""
        return Service(
            name="web page",
            cmd=[str(VENV_BIN / "python"), "-m", "iopnav.channels.webpage"],
            ready_url=f"{self.web_url}/healthz",
            env={
                **self.env,
                "IOP_WEB_PORT": str(self.web_port),
                "IOP_HOST": "127.0.0.1",
                "IOP_RASA_URL": self.rasa_url,
            },
            log_path=self.workdir / "web.log",
        )

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    # --- the action server, for fault tests ---------------------------------
    @property
    def actions_pid(self) -> int:
        assert self.actions and self.actions.proc, "started without an action server"
        return self.actions.proc.pid

    def signal_actions(self, signum: int) -> None:
        """SIGSTOP / SIGCONT / SIGKILL to the action server's whole process group."""
        os.killpg(self.actions_pid, signum)
        if signum == signal.SIGKILL and self.actions and self.actions.proc:
            self.actions.proc.wait(timeout=10)

    def restart_actions(self) -> None:
        assert self.actions, "started without an action server"
        self.actions.stop()
        self.actions.start().wait_ready()

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()

    @staticmethod
    def new_sender() -> str:
        return "e2e-" + uuid.uuid4().hex

    def send(
        self, text: str, sender: Optional[str] = None, channel: str = "rest"
    ) -> List[Dict[str, Any]]:
        """What the visitor would see: the bot's messages for one user message."""
        return post_json(
            f"{self.rasa_url}/webhooks/{channel}/webhook",
            {"sender": sender or self.new_sender(), "message": text},
        )

    def texts(self, text: str, sender: Optional[str] = None) -> str:
        return "\n".join(m.get("text", "") for m in self.send(text, sender))

    def tracker(self, sender: str) -> Dict[str, Any]:
        url = f"{self.rasa_url}/conversations/{sender}/tracker?token={TOKEN}"
        with urllib.request.urlopen(url, timeout=30) as resp:
            return json.loads(resp.read().decode())

    def sms(self, sender: str, body: str):
        """What Twilio does when `sender` texts `body` (signed with the real validator)."""
        from tests.support.sms import send_sms

        return send_sms(self.rasa_url, sender, body)

    def parse(self, text: str) -> Dict[str, Any]:
        return post_json(f"{self.rasa_url}/model/parse?token={TOKEN}", {"text": text})
