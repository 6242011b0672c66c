"""Every setting comes from an environment variable with a safe default.

Defaults keep everything on SQLite files under var/ and every server on the
loopback interface, so `make run` works on a fresh machine with no setup.
"""

import ipaddress
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("IOP_VAR_DIR", PROJECT_ROOT / "var"))


def _sqlite_url(name: str) -> str:
    return f"sqlite:///{VAR_DIR / name}"


def env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


def database_url() -> str:
    """Program directory, referrals, crisis flags, console accounts and audit."""
    return env("IOP_DATABASE_URL", _sqlite_url("iop.db"))


def tracker_store_url() -> str:
    """Rasa's conversation events (SQLTrackerStore)."""
    return env("IOP_TRACKER_STORE_URL", _sqlite_url("tracker.db"))


def lock_store_url() -> str:
    """Empty means Rasa's in-memory lock store (one server); redis://... for several."""
    return env("IOP_LOCK_STORE_URL", "")


# Where each server listens. IOP_HOST is the default for the public ones
# only (Rasa for the SMS webhook, the web page); the staff console and the
# action server stay on loopback unless their own setting says otherwise.
def is_loopback(host: str) -> bool:
    """An address only this machine can reach: cookies need not be Secure
    there, and anything else gets Secure cookies and HSTS."""
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


HOST = env("IOP_HOST", "127.0.0.1")
RASA_HOST = env("IOP_RASA_HOST", HOST)
WEB_HOST = env("IOP_WEB_HOST", HOST)
CONSOLE_HOST = env("IOP_CONSOLE_HOST", "127.0.0.1")
ACTIONS_HOST = env("IOP_ACTIONS_HOST", "127.0.0.1")
RASA_PORT = env_int("IOP_RASA_PORT", 5005)
ACTIONS_PORT = env_int("IOP_ACTIONS_PORT", 5055)
WEB_PORT = env_int("IOP_WEB_PORT", 8080)
CONSOLE_PORT = env_int("IOP_CONSOLE_PORT", 8081)
