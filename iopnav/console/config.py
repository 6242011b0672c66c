"""Console settings, all from environment variables (see docs/console.md).

Defaults suit one clinic behind a TLS proxy; the clinic decides retention.
The server's settings travel as one `ConsoleSettings` object, read once at
start-up by `ConsoleSettings.from_env()`; tests build one by hand, so they
can run the app in-process with their own databases and limits.
"""

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from iopnav import settings

ROLES = ("reviewer", "admin")
MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class SessionPolicy:
    """Sessions end after `idle_minutes` of inactivity, and in any case after `max_hours`."""

    idle_minutes: int = 30
    max_hours: int = 12


@dataclass(frozen=True)
class LockoutPolicy:
    """`max_failures` failed logins within `minutes` lock the email for `minutes`."""

    max_failures: int = 5
    minutes: int = 15


@dataclass(frozen=True)
class ConsoleSettings:
    database_url: str
    tracker_store_url: str
    sessions: SessionPolicy = field(default_factory=SessionPolicy)
    lockout: LockoutPolicy = field(default_factory=LockoutPolicy)

    @classmethod
    def from_env(cls) -> "ConsoleSettings":
        return cls(
            database_url=settings.database_url(),
            tracker_store_url=settings.tracker_store_url(),
            sessions=SessionPolicy(
                idle_minutes=settings.env_int("IOP_CONSOLE_IDLE_MINUTES", 30),
                max_hours=settings.env_int("IOP_CONSOLE_SESSION_HOURS", 12),
            ),
            lockout=LockoutPolicy(
                max_failures=settings.env_int("IOP_CONSOLE_MAX_FAILURES", 5),
                minutes=settings.env_int("IOP_CONSOLE_LOCKOUT_MINUTES", 15),
            ),
        )


PAGE_SIZE = 25

COOKIE_NAME = "iop_console_session"
LOGIN_COOKIE_NAME = "iop_console_login"


# Read at call time (not part of ConsoleSettings): nothing a test needs to vary per app.
def secure_cookies() -> bool:
    """Secure cookies need HTTPS; on by default only when the clinic says the
    console sits behind TLS (a plain-http localhost login would break)."""
    return settings.env("IOP_CONSOLE_SECURE_COOKIES", "0").lower() in ("1", "true", "yes")


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
