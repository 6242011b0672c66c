"""Console settings, all from environment variables (see docs/console.md).

Defaults suit one clinic behind a TLS proxy; the clinic decides retention.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from iopnav import settings

ROLES = ("reviewer", "admin")

# Sessions end after this much inactivity, and in any case after MAX_HOURS.
SESSION_IDLE_MINUTES = settings.env_int("IOP_CONSOLE_IDLE_MINUTES", 30)
SESSION_MAX_HOURS = settings.env_int("IOP_CONSOLE_SESSION_HOURS", 12)
# Lockout: this many failures within the window lock the email for LOCKOUT_MINUTES.
MAX_LOGIN_FAILURES = settings.env_int("IOP_CONSOLE_MAX_FAILURES", 5)
LOCKOUT_MINUTES = settings.env_int("IOP_CONSOLE_LOCKOUT_MINUTES", 15)
MIN_PASSWORD_LENGTH = 12

PAGE_SIZE = 25

COOKIE_NAME = "iop_console_session"
LOGIN_COOKIE_NAME = "iop_console_login"


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
