"""Web chat sessions issued by the web page server, never chosen by the browser.

A session is 128 random bits, signed with a server secret (HMAC-SHA256) and
stamped with the time it was issued:

    v1.<32 hex>.<unix time>.<hmac>      ->  Rasa sender id "web-<32 hex>"

The page server hands it out as an HttpOnly, SameSite=Strict cookie (Secure
when not on loopback), and, for sites in IOP_WEB_ALLOWED_ORIGINS, in the
X-Chat-Session response header, which the widget sends back (docs/channels.md
says why not a cross-site cookie). Page scripts never see the cookie, and a
sender id copied from the console or an alert cannot be used to post into that
conversation: without the signature it is refused.

The secret: IOP_WEB_SESSION_SECRET (set it, the same on every page server
instance), else a random one generated once into var/web_session.secret
(mode 0600).
"""

import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from iopnav import settings

COOKIE = "iopnav_chat"
HEADER = "X-Chat-Session"
VERSION = "v1"


def max_age_seconds() -> int:
    """A conversation lasts at most this long (default 12 hours); then a new one starts."""
    return settings.env_int("IOP_WEB_SESSION_MAX_AGE", 12 * 3600)


def secret_file() -> Path:
    return settings.VAR_DIR / "web_session.secret"


def load_secret() -> bytes:
    configured = settings.env("IOP_WEB_SESSION_SECRET", "")
    if configured:
        return configured.encode()
    path = secret_file()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        # O_EXCL: two servers starting together agree on the first one written.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32))
    return path.read_bytes().strip()


@dataclass(frozen=True)
class Session:
    token: str
    session_id: str  # 32 hex
    fresh: bool = False  # issued by this request: the reply must hand it out

    @property
    def sender(self) -> str:
        return f"web-{self.session_id}"


class SessionSigner:
    def __init__(self, secret: bytes, max_age: Optional[int] = None) -> None:
        self._secret = secret
        self.max_age = max_age_seconds() if max_age is None else max_age

    def _mac(self, body: str) -> str:
        return hmac.new(self._secret, body.encode(), hashlib.sha256).hexdigest()

    def issue(self, now: Optional[float] = None) -> Session:
        session_id = secrets.token_hex(16)
        body = f"{VERSION}.{session_id}.{int(now if now is not None else time.time())}"
        return Session(f"{body}.{self._mac(body)}", session_id, fresh=True)

    def verify(self, token: Optional[str], now: Optional[float] = None) -> Optional[Session]:
        """The session a token stands for, or None (missing, forged or expired)."""
        if not token or len(token) > 200:
            return None
        parts = token.split(".")
        if len(parts) != 4 or parts[0] != VERSION:
            return None
        _, session_id, issued, mac = parts
        body = f"{VERSION}.{session_id}.{issued}"
        if not hmac.compare_digest(mac, self._mac(body)):
            return None
        try:
            age = (now if now is not None else time.time()) - int(issued)
        except ValueError:
            return None
        if age < -60 or age > self.max_age:
            return None
        return Session(token, session_id)


def cookie_attributes(secure: bool) -> dict:
    """Session cookie (no Max-Age: it ends with the browser), script-proof,
    never sent on cross-site requests."""
    attributes = {"httponly": True, "samesite": "Strict", "path": "/api/"}
    if secure:
        attributes["secure"] = True
    return attributes
