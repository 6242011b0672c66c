"""The staff console as a real server process (`python -m iopnav.console
serve`) on a free port, over its own application database and tracker
store, plus an HTTP client that signs in like a browser does."""

import re
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import requests
from sqlalchemy import create_engine, text

from iopnav import migrate
from iopnav.console import accounts, demo_data
from iopnav.db import session_factory
from iopnav.services import VENV_BIN, Service, free_port

PASSWORD = "correct horse battery staple"
ADMIN = "admin@clinic.example"
REVIEWER = "reviewer@clinic.example"

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
LOGIN_TOKEN_RE = re.compile(r'name="login_token" value="([^"]+)"')


class Client:
    """A signed-in (or not) visitor of the console, keeping cookies."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = requests.Session()
        self.csrf: Optional[str] = None

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.base_url + path, timeout=30, **kwargs)

    def post(
        self, path: str, data: Optional[Dict] = None, with_csrf: bool = True, **kwargs
    ) -> requests.Response:
        data = dict(data or {})
        if with_csrf and self.csrf:
            data.setdefault("csrf_token", self.csrf)
        return self.http.post(self.base_url + path, data=data, timeout=30, **kwargs)

    def login(self, email: str, password: str = PASSWORD) -> requests.Response:
        page = self.get("/login")
        token = LOGIN_TOKEN_RE.search(page.text).group(1)
        resp = self.http.post(
            self.base_url + "/login",
            timeout=30,
            data={"email": email, "password": password, "login_token": token, "next": "/dashboard"},
        )
        found = CSRF_RE.search(resp.text)
        self.csrf = found.group(1) if found else None
        return resp


class Console:
    def __init__(
        self,
        database_url: str,
        tracker_url: str,
        workdir: Path,
        env: Optional[Dict[str, str]] = None,
    ):
        self.database_url = database_url
        self.tracker_url = tracker_url
        self.workdir = workdir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            "IOP_DATABASE_URL": database_url,
            "IOP_TRACKER_STORE_URL": tracker_url,
            "IOP_CONSOLE_TIMEZONE": "UTC",
            **(env or {}),
        }
        self.service: Optional[Service] = None

    def start(self) -> "Console":
        migrate.upgrade(self.database_url)
        self.add_user(ADMIN, "admin")
        self.add_user(REVIEWER, "reviewer")
        self.service = Service(
            "staff console",
            [
                str(VENV_BIN / "python"),
                "-m",
                "iopnav.console",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            f"{self.base_url}/login",
            env=self.env,
            log_path=self.workdir / "console.log",
        ).start()
        self.service.wait_ready(60)
        return self

    def stop(self) -> None:
        if self.service:
            self.service.stop()

    def log_text(self) -> str:
        return (self.workdir / "console.log").read_text(errors="replace")

    # ---- data ---------------------------------------------------------------
    def add_user(self, email: str, role: str, password: str = PASSWORD) -> None:
        with session_factory(self.database_url)() as db:
            accounts.create_user(db, email, password, role, created_by="test")

    def client(self, email: Optional[str] = None, password: str = PASSWORD) -> Client:
        client = Client(self.base_url)
        if email:
            resp = client.login(email, password)
            assert resp.ok and client.csrf, f"login as {email} failed: {resp.status_code}"
        return client

    def conversation(
        self,
        messages: Sequence[demo_data.Msg],
        age_seconds: float = 60,
        channel: str = "rest",
        sender_id: Optional[str] = None,
    ) -> str:
        return demo_data.write_conversation(
            self.database_url,
            self.tracker_url,
            messages,
            time.time() - age_seconds,
            channel,
            sender_id,
        )

    def referral(self, sender_id: str, first_name: str, contact: str, **kwargs) -> int:
        return demo_data.add_referral(self.database_url, sender_id, first_name, contact, **kwargs)

    def query(self, url: str, sql: str, **params) -> List[tuple]:
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text(sql), params)]
        finally:
            engine.dispose()

    def execute(self, url: str, sql: str, **params) -> None:
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text(sql), params)
        finally:
            engine.dispose()

    def audit(self) -> List[tuple]:
        return self.query(
            self.database_url, "select actor, action, target, detail from console_audit order by id"
        )

    def key(self, sender_id: str) -> int:
        """The conversation's number in console URLs (its first event id)."""
        return self.query(
            self.tracker_url, "select min(id) from events where sender_id = :s", s=sender_id
        )[0][0]

    def event_count(self, sender_id: str) -> int:
        return self.query(
            self.tracker_url, "select count(*) from events where sender_id = :s", s=sender_id
        )[0][0]
