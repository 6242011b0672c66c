"""The staff console for tests, over its own application database and
tracker store: in-process (`InProcessConsole`, the default for console tests)
or as a real server process (`ConsoleServer`, for smoke and browser tests).
Both hand out the same `Client`, which signs in like a browser does, keeps
cookies and follows redirects."""

import json
import re
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple
from urllib.parse import urlencode

import requests
from requests.structures import CaseInsensitiveDict
from sqlalchemy import create_engine, text

from iopnav import migrate
from iopnav.console import accounts
from iopnav.console.app import create_app
from iopnav.console.config import ConsoleSettings
from iopnav.db import get_engine, session_factory
from iopnav.services import VENV_BIN, Service, free_port
from tests.support import demo_data
from tests.support.asgi import AsgiApp, Headers, split_url, unique_name

PASSWORD = "correct horse battery staple"
ADMIN = "admin@clinic.example"
REVIEWER = "reviewer@clinic.example"

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
LOGIN_TOKEN_RE = re.compile(r'name="login_token" value="([^"]+)"')
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class Page:
    """One response as a test reads it, whichever way the console runs."""

    status_code: int
    url: str  # the path finally requested, after redirects
    headers: CaseInsensitiveDict
    content: bytes
    set_cookies: List[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    def json(self):
        return json.loads(self.content)


class Client:
    """A visitor of the console, signed in or not. `send(method, path,
    query, headers, body)` is the transport: in-process ASGI or HTTP."""

    def __init__(self, send):
        self._send = send
        self.cookies: Dict[str, str] = {}
        self.csrf: Optional[str] = None

    def request(
        self,
        method: str,
        path: str,
        data: Optional[Dict] = None,
        allow_redirects: bool = True,
    ) -> Page:
        body = urlencode({k: str(v) for k, v in (data or {}).items()}).encode()
        for _ in range(10):
            headers = {"content-type": "application/x-www-form-urlencoded"} if data else {}
            if self.cookies:
                headers["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            status, raw_headers, content = self._send(method, *split_url(path), headers, body)
            page = _page(status, path, raw_headers, content)
            self._keep_cookies(page.set_cookies)
            if not (allow_redirects and status in REDIRECTS):
                return page
            # Like a browser: a redirect after a form post is fetched with GET.
            path, method, data, body = page.headers["Location"], "GET", None, b""
        raise AssertionError(f"too many redirects, last {path}")

    def get(self, path: str, **kwargs) -> Page:
        return self.request("GET", path, **kwargs)

    def post(
        self, path: str, data: Optional[Dict] = None, with_csrf: bool = True, **kwargs
    ) -> Page:
        data = dict(data or {})
        if with_csrf and self.csrf:
            data.setdefault("csrf_token", self.csrf)
        return self.request("POST", path, data, **kwargs)

    def login(self, email: str, password: str = PASSWORD) -> Page:
        token = LOGIN_TOKEN_RE.search(self.get("/login").text).group(1)
        resp = self.request(
            "POST",
            "/login",
            {"email": email, "password": password, "login_token": token, "next": "/dashboard"},
        )
        found = CSRF_RE.search(resp.text)
        self.csrf = found.group(1) if found else None
        return resp

    def _keep_cookies(self, set_cookies: List[str]) -> None:
        for header in set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)


def _page(status: int, path: str, raw_headers: Headers, content: bytes) -> Page:
    headers = CaseInsensitiveDict()
    for name, value in raw_headers:
        headers.setdefault(name, value)
    cookies = [v for k, v in raw_headers if k.lower() == "set-cookie"]
    return Page(status, path, headers, content, cookies)


class Console:
    """What every way of running the console shares: its databases, its
    accounts, and sample data written the way the assistant writes it."""

    def __init__(self, database_url: str, tracker_url: str):
        self.database_url = database_url
        self.tracker_url = tracker_url

    def prepare(self) -> None:
        migrate.upgrade(self.database_url)
        self.add_user(ADMIN, "admin")
        self.add_user(REVIEWER, "reviewer")

    def _send(self, method: str, path: str, query: str, headers: Dict[str, str], body: bytes):
        raise NotImplementedError

    def client(self, email: Optional[str] = None, password: str = PASSWORD) -> Client:
        client = Client(self._send)
        if email:
            resp = client.login(email, password)
            assert resp.ok and client.csrf, f"login as {email} failed: {resp.status_code}"
        return client

    # ---- data ---------------------------------------------------------------
    def add_user(self, email: str, role: str, password: str = PASSWORD) -> None:
        with session_factory(self.database_url)() as db:
            accounts.create_user(db, email, password, role, created_by="test")

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

    def audit_rows(self, action: str) -> List[tuple]:
        """(actor, target, detail, source_ip, user_agent) of one action's rows, oldest first."""
        return self.query(
            self.database_url,
            "select actor, target, detail, source_ip, user_agent from console_audit"
            " where action = :a order by id",
            a=action,
        )

    def client_sending(self, headers: Dict[str, str]) -> Client:
        """A browser that adds these headers (its address behind the proxy, its user agent)."""

        def send(method, path, query, base, body):
            return self._send(method, path, query, {**base, **headers}, body)

        return Client(send)

    def key(self, sender_id: str) -> int:
        """The conversation's number in console URLs (its first event id)."""
        return self.query(
            self.tracker_url, "select min(id) from events where sender_id = :s", s=sender_id
        )[0][0]

    def event_count(self, sender_id: str) -> int:
        return self.query(
            self.tracker_url, "select count(*) from events where sender_id = :s", s=sender_id
        )[0][0]


class InProcessConsole(Console):
    """The console app in this process, spoken to over ASGI."""

    def __init__(self, database_url: str, tracker_url: str, **settings):
        super().__init__(database_url, tracker_url)
        self.settings = ConsoleSettings(database_url, tracker_url, **settings)
        self.asgi: Optional[AsgiApp] = None

    def start(self) -> "InProcessConsole":
        self.prepare()
        self.asgi = AsgiApp(create_app(self.settings, name=unique_name("console")))
        return self

    def stop(self) -> None:
        if self.asgi:
            self.asgi.close()
        # Pooled connections would otherwise outlive the test's throwaway schema.
        for url in (self.database_url, self.tracker_url):
            get_engine(url).dispose()

    def _send(self, method, path, query, headers, body) -> Tuple[int, Headers, bytes]:
        return self.asgi.request(method, path, query, headers, body)


class ConsoleServer(Console):
    """`python -m iopnav.console serve` as a real process on a free port."""

    def __init__(
        self,
        database_url: str,
        tracker_url: str,
        workdir: Path,
        env: Optional[Dict[str, str]] = None,
    ):
        super().__init__(database_url, tracker_url)
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

    def start(self) -> "ConsoleServer":
        self.prepare()
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

    def _send(self, method, path, query, headers, body) -> Tuple[int, Headers, bytes]:
        resp = requests.request(
            method,
            self.base_url + path + (f"?{query}" if query else ""),
            headers=headers,
            data=body,
            allow_redirects=False,
            timeout=30,
        )
        return resp.status_code, list(_raw_headers(resp)), resp.content


def _raw_headers(resp: requests.Response):
    """Every header line, Set-Cookie ones included (requests joins repeats)."""
    for name in resp.raw.headers:
        for value in resp.raw.headers.getlist(name):
            yield name, value
