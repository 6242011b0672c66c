"""Sign-in, sessions, CSRF, lockout, security headers, and the account CLI."""

import os
import re
import subprocess
import sys
from datetime import datetime
from functools import lru_cache

from iopnav.console import __main__ as console_cli
from iopnav.console.app import create_app
from iopnav.console.config import ConsoleSettings
from tests.support.console import ADMIN, LOGIN_TOKEN_RE, PASSWORD, REVIEWER, InProcessConsole
from tests.support.databases import isolated_database_url
from tests.support.demo_data import Msg


def test_wrong_password_is_refused_and_right_one_signs_in(console):
    client = console.client()
    bad = client.login(ADMIN, "not the password at all")
    assert bad.status_code == 401
    assert "Wrong email or password." in bad.text
    assert client.get("/conversations").url.endswith("/login?next=%2Fconversations")

    good = client.login(ADMIN, PASSWORD)
    assert good.status_code == 200 and "Dashboard" in good.text and ADMIN in good.text
    assert client.get("/conversations").status_code == 200


def test_session_cookie_is_httponly_and_samesite_strict(console):
    client = console.client()
    page = client.get("/login")
    token = page.text.split('name="login_token" value="')[1].split('"')[0]
    resp = client.request(
        "POST",
        "/login",
        {"email": REVIEWER, "password": PASSWORD, "login_token": token},
        allow_redirects=False,
    )
    assert resp.status_code == 303
    cookie = next(c for c in resp.set_cookies if c.startswith("iop_console_session="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie


def test_logged_out_pages_redirect_to_login_and_logout_ends_the_session(console):
    client = console.client(REVIEWER)
    old_cookie = client.cookies["iop_console_session"]
    resp = client.post("/logout")
    assert resp.url.endswith("/login")
    stranger = console.client()
    stranger.cookies["iop_console_session"] = old_cookie
    for path in ("/conversations", "/intake", "/dashboard", "/admin/audit"):
        resp = stranger.get(path, allow_redirects=False)
        assert resp.status_code == 302 and resp.headers["Location"].startswith("/login?next="), path


# A sample value for each kind of path parameter, so every registered route
# (including ones added later) is requested without a hand-kept list.
SAMPLE_PARAMETER = {"int": "1", "path": "console.css", "str": "someone", "": "someone"}
PARAMETER_RE = re.compile(r"<(\w+)(?::(\w+))?>")


@lru_cache(maxsize=1)
def console_routes():
    """(path, methods) of every route the console app registers (Sanic allows one app per name)."""
    app = create_app(ConsoleSettings("sqlite://", "sqlite://"), name="route_listing")
    paths = set()
    for route in app.router.routes:
        path = PARAMETER_RE.sub(
            lambda m: SAMPLE_PARAMETER.get(m.group(2) or "", "1"), "/" + route.path.lstrip("/")
        )
        paths.add((path, tuple(route.methods)))
    return sorted(paths)


def test_every_route_but_login_requires_a_session(console):
    paths = console_routes()
    assert len(paths) >= 20
    anonymous = console.client()
    for path, methods in paths:
        for method in methods:
            if method == "HEAD" or method == "OPTIONS":
                continue
            resp = anonymous.request(method, path, allow_redirects=False)
            if path in ("/ready", "/metrics"):
                # For probes and Prometheus, no session (test_server.py); /metrics
                # answers private networks only (iopnav/ops/endpoints.py).
                assert resp.status_code in (200, 503), (method, path, resp.status_code)
                continue
            if path == "/login" or path.startswith("/static"):
                assert resp.status_code in (200, 400, 401), (method, path, resp.status_code)
                continue
            if method == "GET":
                assert resp.status_code == 302 and resp.headers["Location"].startswith("/login"), (
                    method,
                    path,
                )
            else:
                assert resp.status_code == 401 and "sign in again" in resp.text, (method, path)


def test_forms_without_the_csrf_token_are_refused(console):
    sender = console.conversation([Msg("hello", "greet")])
    client = console.client(REVIEWER)
    resp = client.post(
        "/annotate/review", {"conversation": console.key(sender), "reviewed": "1"}, with_csrf=False
    )
    assert resp.status_code == 403 and "form is out of date" in resp.text
    resp = client.post(
        "/annotate/review",
        {"conversation": console.key(sender), "reviewed": "1", "csrf_token": "forged"},
        with_csrf=False,
    )
    assert resp.status_code == 403
    assert (
        console.query(console.database_url, "select count(*) from conversation_reviews")[0][0] == 0
    )
    # The token of another session does not work either.
    other = console.client(ADMIN)
    resp = client.post(
        "/annotate/review",
        {"conversation": console.key(sender), "reviewed": "1", "csrf_token": other.csrf},
        with_csrf=False,
    )
    assert resp.status_code == 403


def test_login_form_needs_its_own_token(console):
    resp = console.client().request("POST", "/login", {"email": ADMIN, "password": PASSWORD})
    assert resp.status_code == 400 and "form expired" in resp.text


def test_lockout_after_repeated_failures_even_with_the_right_password(console):
    console.add_user("locked.out@clinic.example", "reviewer")
    client = console.client()
    for _ in range(4):
        assert client.login("locked.out@clinic.example", "wrong password!!").status_code == 401
    fifth = client.login("locked.out@clinic.example", "wrong password!!")
    assert fifth.status_code == 429 and "locked for about 15 minutes" in fifth.text
    right = client.login("locked.out@clinic.example", PASSWORD)
    assert (
        right.status_code == 429
        and client.get("/dashboard", allow_redirects=False).status_code == 302
    )
    # Other accounts are unaffected; unknown addresses lock the same way (no account enumeration).
    assert console.client(REVIEWER).get("/dashboard").status_code == 200
    for _ in range(4):
        assert client.login("nobody@clinic.example", "whatever whatever").status_code == 401
    assert client.login("nobody@clinic.example", "whatever whatever").status_code == 429
    actions = [a for _, a, _, d in console.audit() if a == "login_failed"]
    assert len(actions) >= 11


def test_idle_session_expires(console):
    client = console.client(REVIEWER)
    assert client.get("/dashboard").status_code == 200
    console.execute(
        console.database_url,
        "update console_sessions set last_seen_at = :t",
        t=datetime(2000, 1, 1),
    )
    resp = client.get("/dashboard", allow_redirects=False)
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_security_headers_on_every_page(console):
    client = console.client(ADMIN)
    for path in ("/login", "/conversations", "/no-such-page", "/static/console.css"):
        resp = client.get(path)
        assert resp.headers["Content-Security-Policy"].startswith("default-src 'self'"), path
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Cache-Control"] == "no-store"
    page = client.get("/conversations").text
    assert "http://" not in page and "https://" not in page  # no external CDN, fonts or scripts


def _cli(console, *args, password=None):
    env = {**os.environ, "IOP_DATABASE_URL": console.database_url, "PYTHONPATH": os.getcwd()}
    env.pop("IOP_CONSOLE_PASSWORD", None)
    if password is not None:
        env["IOP_CONSOLE_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "iopnav.console", *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_create_user_command_bootstraps_an_admin(console):
    done = _cli(
        console,
        "create-user",
        "--role",
        "admin",
        "First.Admin@Clinic.example",
        password="a long enough password",
    )
    assert done.returncode == 0, done.stderr
    assert "Created admin account first.admin@clinic.example" in done.stdout
    client = console.client()
    assert client.login("first.admin@clinic.example", "a long enough password").status_code == 200
    assert client.get("/admin/users").status_code == 200

    again = _cli(
        console,
        "create-user",
        "--role",
        "admin",
        "first.admin@clinic.example",
        password="a long enough password",
    )
    assert again.returncode == 2 and "already exists" in again.stderr
    short = _cli(console, "create-user", "someone@clinic.example", password="short")
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    no_password = _cli(console, "create-user", "someone@clinic.example")
    assert no_password.returncode == 2 and "IOP_CONSOLE_PASSWORD" in no_password.stderr
    bad_email = _cli(console, "create-user", "not-an-email", password="a long enough password")
    assert bad_email.returncode == 2 and "Not a valid email address" in bad_email.stderr
    reset = _cli(
        console, "set-password", "first.admin@clinic.example", password="another long password"
    )
    assert reset.returncode == 0
    assert (
        console.client().login("first.admin@clinic.example", "another long password").status_code
        == 200
    )


def test_passwords_are_stored_as_argon2_hashes_only(console):
    rows = console.query(console.database_url, "select password_hash from console_users")
    assert rows and all(h.startswith("$argon2id$") for (h,) in rows)
    assert not any(PASSWORD in h for (h,) in rows)


def test_a_login_page_opened_in_the_background_does_not_expire_the_form_on_screen(console):
    """Browsers fetch /favicon.ico or open a second tab; that login page must
    not replace the token of the form the person is filling in."""
    client = console.client()
    on_screen = LOGIN_TOKEN_RE.search(client.get("/login").text).group(1)
    assert client.get("/favicon.ico").url.endswith("/login?next=%2Ffavicon.ico")
    resp = client.request(
        "POST", "/login", {"email": REVIEWER, "password": PASSWORD, "login_token": on_screen}
    )
    assert resp.status_code == 200 and f"{REVIEWER} (reviewer)" in resp.text


# ---- M5: where the console listens, Secure cookies and HSTS ----------------------


def _login_page_headers(tmp_path, **settings):
    """Set-Cookie and HSTS of /login on a console built with `settings`."""
    with (
        isolated_database_url("sqlite", tmp_path) as app_url,
        isolated_database_url("sqlite", tmp_path) as tracker_url,
    ):
        console = InProcessConsole(app_url, tracker_url, **settings).start()
        try:
            page = console.client().get("/login")
        finally:
            console.stop()
    cookie = next(c for c in page.set_cookies if c.startswith("iop_console_login="))
    return cookie, page.headers.get("Strict-Transport-Security")


def test_cookies_are_secure_with_hsts_when_reachable_beyond_loopback(tmp_path):
    cookie, hsts = _login_page_headers(tmp_path, host="0.0.0.0")
    assert "Secure" in cookie and hsts == "max-age=31536000"
    cookie, hsts = _login_page_headers(tmp_path, host="127.0.0.1")
    assert "Secure" not in cookie and hsts is None  # plain-http localhost sign-in still works
    # IOP_CONSOLE_SECURE_COOKIES forces either way (a TLS proxy on the same machine: on).
    cookie, hsts = _login_page_headers(tmp_path, host="127.0.0.1", force_secure_cookies=True)
    assert "Secure" in cookie and hsts
    cookie, hsts = _login_page_headers(tmp_path, host="10.0.0.5", force_secure_cookies=False)
    assert "Secure" not in cookie and hsts is None


def test_the_console_stays_on_loopback_when_the_assistant_is_exposed(monkeypatch):
    monkeypatch.setenv("IOP_HOST", "0.0.0.0")
    monkeypatch.delenv("IOP_CONSOLE_HOST", raising=False)
    monkeypatch.delenv("IOP_CONSOLE_SECURE_COOKIES", raising=False)
    assert console_cli.parser().parse_args(["serve"]).host == "127.0.0.1"
    assert not ConsoleSettings.from_env().secure_cookies
    monkeypatch.setenv("IOP_CONSOLE_HOST", "0.0.0.0")
    assert console_cli.parser().parse_args(["serve"]).host == "0.0.0.0"
    assert ConsoleSettings.from_env().secure_cookies
    monkeypatch.setenv("IOP_CONSOLE_SECURE_COOKIES", "0")
    assert not ConsoleSettings.from_env().secure_cookies


def test_a_malformed_budget_setting_is_named_at_start_up(tmp_path):
    env = {**os.environ, "IOP_DATABASE_URL": f"sqlite:///{tmp_path}/app.db"}
    env["PYTHONPATH"] = os.getcwd()
    env["IOP_RATE_LIMIT_CONSOLE_LOGIN_IP"] = "lots"
    done = subprocess.run(
        [sys.executable, "-m", "iopnav.console", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "IOP_RATE_LIMIT_CONSOLE_LOGIN_IP" in done.stderr
    assert "Traceback" not in done.stderr
