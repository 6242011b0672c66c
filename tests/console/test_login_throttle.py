"""Sign-in throttling (review M10): one address cannot lock a colleague out,
guessing is limited per address, per account and for everyone, argon2 runs
off the event loop, the login form's token is bound to the server's secret,
and failed sign-ins without a session cannot flood the audit log.

The console here trusts one proxy, so each test chooses its client address
with X-Forwarded-For, as a TLS proxy in front of the console would send it."""

import asyncio
import threading
from datetime import datetime

import pytest

from iopnav.console.config import LockoutPolicy
from iopnav.console.passwords import Busy, HashPool
from tests.support.console import (
    ADMIN,
    LOGIN_TOKEN_RE,
    PASSWORD,
    REVIEWER,
    Client,
    InProcessConsole,
)
from tests.support.databases import isolated_database_url, postgres_available

WRONG = "not the password at all"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def start(request, tmp_path_factory):
    """start(**settings) -> a console trusting one proxy, with those settings."""
    if request.param == "postgresql" and not postgres_available():
        pytest.skip("PostgreSQL is not reachable")
    stack = []

    def start_console(**settings) -> InProcessConsole:
        workdir = tmp_path_factory.mktemp(f"throttle-{request.param}")
        urls = [isolated_database_url(request.param, workdir) for _ in range(2)]
        app_url, tracker_url = (u.__enter__() for u in urls)
        console = InProcessConsole(app_url, tracker_url, proxies=1, **settings).start()
        stack.append((console, urls))
        return console

    yield start_console
    for console, urls in reversed(stack):
        console.stop()
        for url in reversed(urls):
            url.__exit__(None, None, None)


@pytest.fixture(scope="module")
def console(start):
    return start()


def client_at(console, address: str, agent: str = "") -> Client:
    """A browser at `address` (behind the trusted proxy)."""
    return console.client_sending(
        {"x-forwarded-for": address, **({"user-agent": agent} if agent else {})}
    )


def audit_rows(console, action: str):
    """(actor, detail, source_ip, user_agent) of the action's rows."""
    return [
        (actor, detail, ip, agent) for actor, _, detail, ip, agent in console.audit_rows(action)
    ]


def test_one_address_cannot_lock_a_colleague_out(console):
    attacker = client_at(console, "203.0.113.66")
    codes = [attacker.login(ADMIN, WRONG).status_code for _ in range(10)]
    assert codes == [401] * 4 + [429] * 6, codes
    # Locked from that address, even with the right password...
    locked = attacker.login(ADMIN, PASSWORD)
    assert locked.status_code == 429 and "locked for about 15 minutes" in locked.text
    assert int(locked.headers["Retry-After"]) > 60
    assert attacker.get("/dashboard", allow_redirects=False).status_code == 302
    # ...however long it keeps trying (its address budget runs out too).
    assert {attacker.login(ADMIN, WRONG).status_code for _ in range(50)} == {429}
    # ...but the admin at their own desk signs in as usual.
    admin = client_at(console, "198.51.100.7")
    assert admin.login(ADMIN).status_code == 200 and admin.get("/admin/users").ok
    # The lockout is in the audit log, with the address it came from.
    assert [(a, ip) for a, _, ip, _ in audit_rows(console, "login_locked")] == [
        (ADMIN, "203.0.113.66")
    ]
    refused = [d for _, d, ip, _ in audit_rows(console, "login_failed") if ip == "203.0.113.66"]
    assert "refused: locked" in refused[-1] and len(refused) == 11 + 50


def test_each_further_lockout_doubles(console):
    attacker = client_at(console, "203.0.113.67")
    for _ in range(4):
        assert attacker.login(REVIEWER, WRONG).status_code == 401
    assert "about 15 minutes" in attacker.login(REVIEWER, WRONG).text
    # The 15 minutes pass; the same address fails again.
    console.execute(
        console.database_url,
        "update console_login_throttle set locked_until = :t",
        t=datetime(2000, 1, 1),
    )
    for _ in range(4):
        assert attacker.login(REVIEWER, WRONG).status_code == 401
    again = attacker.login(REVIEWER, WRONG)
    assert again.status_code == 429 and "about 30 minutes" in again.text
    assert client_at(console, "198.51.100.8").login(REVIEWER).status_code == 200


def test_a_new_password_ends_the_lockouts(console):
    console.add_user("temp@clinic.example", "reviewer")
    attacker = client_at(console, "203.0.113.68")
    for _ in range(5):
        attacker.login("temp@clinic.example", WRONG)
    assert attacker.login("temp@clinic.example", PASSWORD).status_code == 429
    admin = client_at(console, "198.51.100.9")
    admin.login(ADMIN)
    user_id = console.query(
        console.database_url, "select id from console_users where email = 'temp@clinic.example'"
    )[0][0]
    admin.post(f"/admin/users/{user_id}", {"role": "reviewer", "active": "1", "password": "x" * 14})
    assert attacker.login("temp@clinic.example", "x" * 14).status_code == 200


def test_one_address_is_limited_across_many_accounts(start):
    """Password spraying: a few tries at each of many addresses, from one place."""
    console = start(lockout=LockoutPolicy(per_address="8/hour"))
    sprayer = client_at(console, "203.0.113.70")
    codes = [sprayer.login(f"staff{i}@clinic.example", WRONG).status_code for i in range(11)]
    assert codes == [401] * 9 + [429] * 2  # the 9th failure used up the budget
    page = sprayer.login(REVIEWER, PASSWORD)
    assert page.status_code == 429 and "Too many failed sign-ins from your network" in page.text
    assert int(page.headers["Retry-After"]) > 0
    assert client_at(console, "198.51.100.10").login(REVIEWER).status_code == 200


def test_many_addresses_are_limited_on_one_account(start):
    """Guessing one account from many addresses slows down too; it takes
    more than one address to reach that limit (see the default policy)."""
    policy = LockoutPolicy(per_account="6/hour")
    default = LockoutPolicy()
    assert int(default.per_account.split("/")[0]) > int(default.per_address.split("/")[0])
    console = start(lockout=policy)
    for i in range(7):
        assert client_at(console, f"203.0.113.{100 + i}").login(ADMIN, WRONG).status_code == 401
    refused = client_at(console, "203.0.113.120").login(ADMIN, PASSWORD)
    assert refused.status_code == 429 and "Sign-in for this address is locked" in refused.text
    # Unknown addresses answer the same way: no hint which accounts exist.
    for i in range(7):
        client_at(console, f"203.0.113.{130 + i}").login("ghost@clinic.example", WRONG)
    ghost = client_at(console, "203.0.113.140").login("ghost@clinic.example", WRONG)
    assert ghost.status_code == 429 and "Sign-in for this address is locked" in ghost.text


def test_a_global_cap_bounds_the_hashing_work(start):
    console = start(lockout=LockoutPolicy(everyone="5/minute"))
    codes = [
        client_at(console, f"203.0.113.{150 + i}").login(f"x{i}@clinic.example", WRONG)
        for i in range(6)
    ]
    assert [p.status_code for p in codes] == [401] * 5 + [503]
    assert "too many sign-in attempts right now" in codes[-1].text
    assert int(codes[-1].headers["Retry-After"]) > 0


def _raw_login(console, address: str, email: str, password: str):
    """A sign-in as a coroutine on the app's loop (to run several at once)."""
    client = client_at(console, address)
    token = LOGIN_TOKEN_RE.search(client.get("/login").text).group(1)
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    body = f"email={email}&password={password}&login_token={token}".encode()
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "cookie": cookie,
        "x-forwarded-for": address,
    }
    return console.asgi._request("POST", "/login", "", headers, body)


def test_argon2_runs_off_the_event_loop_and_a_flood_is_turned_away(start):
    console = start(lockout=LockoutPolicy(hash_threads=1, hash_waiting=1))
    done = []

    async def timed(name, coro):
        status, _, body = await coro
        done.append((name, status))
        return body

    logins = [
        timed(f"login{i}", _raw_login(console, f"203.0.113.{200 + i}", f"y{i}@clinic.example", "p"))
        for i in range(3)
    ]
    page = timed("page", console.asgi._request("GET", "/login", "", {}, b""))

    async def together():
        return await asyncio.gather(*logins, page)

    bodies = console.asgi.loop.run_until_complete(together())
    # The page was served while the hashing went on, not after it.
    finished = [status for _, status in done]
    assert finished.index(200) < finished.index(401), done
    # One thread and one waiting: the third concurrent sign-in is told the console is busy.
    assert sorted(s for n, s in done if n != "page") == [401, 401, 503]
    assert any(b"too many sign-in attempts right now" in b for b in bodies)


def test_the_hash_pool_uses_other_threads_and_refuses_beyond_its_queue():
    pool = HashPool(threads=1, waiting=1)
    release, threads = threading.Event(), []

    def work():
        threads.append(threading.get_ident())
        release.wait(5)
        return True

    async def run():
        first = asyncio.ensure_future(pool.run(work))
        second = asyncio.ensure_future(pool.run(work))
        await asyncio.sleep(0.05)
        with pytest.raises(Busy):
            await pool.run(work)
        release.set()
        return await asyncio.gather(first, second)

    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(run()) == [True, True]
    finally:
        loop.close()
        pool.close()
    assert threads and threading.get_ident() not in threads


def test_the_login_token_must_be_signed_by_the_server(console):
    """The review's probe: the attacker picks both the cookie and the field."""
    token = "x" * 34
    client = client_at(console, "203.0.113.210")
    client.cookies["iop_console_login"] = token
    forged = client.request(
        "POST", "/login", {"email": ADMIN, "password": PASSWORD, "login_token": token}
    )
    assert forged.status_code == 400 and "form expired" in forged.text
    # A real form's token does not fit another browser's cookie either.
    real = LOGIN_TOKEN_RE.search(client_at(console, "203.0.113.211").get("/login").text).group(1)
    resp = client.request(
        "POST", "/login", {"email": ADMIN, "password": PASSWORD, "login_token": real}
    )
    assert resp.status_code == 400


def test_failed_sign_ins_name_no_typed_text_and_are_capped(start):
    console = start(lockout=LockoutPolicy(audit_anonymous="3/hour"))
    typed = "<script>alert(1)</script>@evil.example"
    for i in range(6):
        client_at(console, f"203.0.113.{220 + i}").login(f"{i}{typed}", WRONG)
    client_at(console, "203.0.113.230").login(REVIEWER, WRONG)
    rows = audit_rows(console, "login_failed")
    assert len(rows) == 3  # the cap: a flood adds no more rows
    assert {actor for actor, *_ in rows} == {"unknown account"}
    assert all("email digest" in detail for _, detail, _, _ in rows)
    everything = str(console.query(console.database_url, "select * from console_audit"))
    assert "script" not in everything and "evil" not in everything


def test_what_the_cap_left_out_is_counted_in_the_next_row(start):
    console = start()

    class Window:
        """The audit cap's limiter: full, then a new period."""

        def __init__(self):
            self.open = False

        async def hit_async(self, key):
            return self.open

    window = console.asgi.app.ctx.login_guard.anonymous_rows = Window()
    for i in range(4):
        client_at(console, f"203.0.113.{240 + i}").login("nobody@clinic.example", WRONG)
    assert audit_rows(console, "login_failed") == []
    window.open = True
    client_at(console, "203.0.113.250").login(ADMIN, WRONG)
    [(actor, detail, address, _)] = audit_rows(console, "login_failed")
    assert actor == ADMIN and address == "203.0.113.250"
    assert "4 earlier failed sign-ins not itemised" in detail


def test_logins_record_address_and_browser(console):
    client_at(console, "192.0.2.44", agent="Firefox/128.0 (test)").login(REVIEWER)
    actor, _, address, agent = audit_rows(console, "login")[-1]
    assert (actor, address, agent) == (REVIEWER, "192.0.2.44", "Firefox/128.0 (test)")


def test_forwarded_addresses_are_ignored_without_a_trusted_proxy(tmp_path):
    """Without a trusted proxy, X-Forwarded-For is the client's own claim."""
    with (
        isolated_database_url("sqlite", tmp_path) as app_url,
        isolated_database_url("sqlite", tmp_path) as tracker_url,
    ):
        console = InProcessConsole(app_url, tracker_url).start()
        try:
            client_at(console, "192.0.2.99").login(REVIEWER)
            [(_, _, address, _)] = audit_rows(console, "login")
            assert address == "127.0.0.1"
        finally:
            console.stop()


def test_an_ipv6_client_cannot_escape_by_rotating_through_its_prefix(start):
    console = start(lockout=LockoutPolicy(per_address="3/hour"))
    codes = [
        client_at(console, f"2001:db8:1:2::{i:x}").login(f"s{i}@clinic.example", WRONG).status_code
        for i in range(1, 7)
    ]
    assert codes == [401] * 4 + [429] * 2
    assert client_at(console, "2001:db8:1:3::1").login(REVIEWER).status_code == 200
