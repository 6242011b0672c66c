"""Console settings, all from environment variables (see docs/console.md).

Defaults suit one clinic behind a TLS proxy; the clinic decides retention.
The server's settings travel as one `ConsoleSettings` object, read once at
start-up by `ConsoleSettings.from_env()`; tests build one by hand, so they
can run the app in-process with their own databases and limits.
"""

import secrets
from dataclasses import dataclass, field
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from iopnav import settings
from iopnav.ratelimit import parse_rate

ROLES = ("reviewer", "admin")
MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class SessionPolicy:
    """Sessions end after `idle_minutes` of inactivity, and in any case after `max_hours`."""

    idle_minutes: int = 30
    max_hours: int = 12


@dataclass(frozen=True)
class LockoutPolicy:
    """Sign-in throttling (throttle.py, docs/console.md). `max_failures` failed
    logins within `minutes` lock that account *from that address* for `minutes`,
    doubling with each further lockout (up to `max_minutes`). The budgets are
    iopnav.ratelimit "N/period" strings (IOP_RATE_LIMIT_CONSOLE_LOGIN_IP etc.)."""

    max_failures: int = 5
    minutes: int = 15
    max_minutes: int = 24 * 60
    per_address: str = "40/hour"  # failed sign-ins from one client address
    # Failed sign-ins for one account from all addresses: one address manages
    # at most ~10 an hour on one account (pair lockout), so this takes 10 or more.
    per_account: str = "100/hour"
    everyone: str = "120/minute"  # all attempts: bounds argon2's CPU and memory
    audit_anonymous: str = "100/hour"  # itemised rows for failures without a session
    hash_threads: int = 2  # argon2 runs in this many threads, off the event loop
    hash_waiting: int = 8  # more attempts than this waiting for a thread: "busy"


_DEFAULTS = LockoutPolicy()


def _budget(name: str, variable: str) -> str:
    """A LockoutPolicy budget from IOP_RATE_LIMIT_<variable>, named like every
    iopnav.ratelimit budget's variable; a malformed one stops the start."""
    value = settings.env(f"IOP_RATE_LIMIT_{variable}", getattr(_DEFAULTS, name))
    try:
        parse_rate(value)
    except ValueError as exc:
        raise ValueError(f"IOP_RATE_LIMIT_{variable}: {exc}") from None
    return value


def console_host() -> str:
    """The console's own bind address: loopback unless the clinic says otherwise
    (IOP_HOST, which exposes the assistant, does not expose the console)."""
    return settings.env("IOP_CONSOLE_HOST", "127.0.0.1")


def _flag(name: str) -> Optional[bool]:
    """An on/off environment variable, or None when unset (use the default)."""
    value = settings.env(name, "").lower()
    if not value:
        return None
    return value in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class ConsoleSettings:
    database_url: str
    tracker_store_url: str
    sessions: SessionPolicy = field(default_factory=SessionPolicy)
    lockout: LockoutPolicy = field(default_factory=LockoutPolicy)
    host: str = "127.0.0.1"  # the address the console listens on
    # None: Secure cookies (and HSTS) whenever the console is reachable beyond loopback.
    force_secure_cookies: Optional[bool] = None
    # X-Forwarded-For entries to trust (the TLS proxies in front); 0 = the peer is the client.
    proxies: int = 0
    # Shared sign-in counters for several consoles (Redis); empty: this process's memory.
    rate_limit_url: str = ""
    # Signs the login form's token; a random one per start unless IOP_CONSOLE_SECRET is set.
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    @property
    def secure_cookies(self) -> bool:
        if self.force_secure_cookies is not None:
            return self.force_secure_cookies
        return not settings.is_loopback(self.host)

    @classmethod
    def from_env(cls, host: Optional[str] = None) -> "ConsoleSettings":
        secret = settings.env("IOP_CONSOLE_SECRET", "")
        return cls(
            database_url=settings.database_url(),
            tracker_store_url=settings.tracker_store_url(),
            host=host or console_host(),
            force_secure_cookies=_flag("IOP_CONSOLE_SECURE_COOKIES"),
            proxies=settings.env_int("IOP_CONSOLE_PROXIES", 0),
            secret=secret.encode() if secret else secrets.token_bytes(32),
            sessions=SessionPolicy(
                idle_minutes=settings.env_int("IOP_CONSOLE_IDLE_MINUTES", 30),
                max_hours=settings.env_int("IOP_CONSOLE_SESSION_HOURS", 12),
            ),
            lockout=LockoutPolicy(
                max_failures=settings.env_int("IOP_CONSOLE_MAX_FAILURES", 5),
                minutes=settings.env_int("IOP_CONSOLE_LOCKOUT_MINUTES", 15),
                per_address=_budget("per_address", "CONSOLE_LOGIN_IP"),
                per_account=_budget("per_account", "CONSOLE_LOGIN_ACCOUNT"),
                everyone=_budget("everyone", "CONSOLE_LOGIN"),
                audit_anonymous=_budget("audit_anonymous", "CONSOLE_LOGIN_AUDIT"),
            ),
            rate_limit_url=settings.env("IOP_RATE_LIMIT_URL", ""),
        )


PAGE_SIZE = 25

COOKIE_NAME = "iop_console_session"
LOGIN_COOKIE_NAME = "iop_console_login"


def retention_days() -> int:
    return settings.env_int("IOP_RETENTION_DAYS", 90)


def crisis_retention_days() -> int:
    return settings.env_int("IOP_CRISIS_RETENTION_DAYS", 365)


def timezone() -> ZoneInfo:
    """Times are stored in UTC and shown in the clinic's zone."""
    name = settings.env("IOP_CONSOLE_TIMEZONE", "UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
