"""Staff alerts: POST a small JSON notice to a clinic webhook
(IOP_STAFF_ALERT_URL) when conversations are flagged.

The notice names no person (review M7): no phone number, sender id, category
or message text, only how many conversations and a console link by the
conversation's console number (`/transcript/<n>`), which only signed-in
staff can open. The webhook must be https (plain http only to a loopback
host, for local tests); failures log the host, never the URL (Slack-style
webhook URLs are secrets).

Alerts are driven by the flags table (`alerted_at` is NULL until covered),
so they survive a restart and are retried, and they are collapsed:
- one open flag per conversation, so more moments in it alert nobody;
- flags that arrive within IOP_ALERT_GATHER_SECONDS (2) of each other form
  one burst, sent as ONE alert (a summary when it holds several
  conversations); at most one such alert goes out per
  IOP_ALERT_BURST_SECONDS (60): flags in between are summarised in the
  next one, and no flag waits longer than that;
- an open flag older than IOP_FLAG_REALERT_MINUTES (15) is re-sent once as
  "still unacknowledged" (review L3), again one alert for all of them.
"""

import json
import logging
import urllib.request
from datetime import timedelta
from typing import Dict, List, Optional, Sequence
from urllib.parse import urlsplit

import sqlalchemy as sa

from iopnav import settings
from iopnav.clock import utcnow
from iopnav.db import session_factory
from iopnav.safety.flags import CrisisFlag

logger = logging.getLogger(__name__)

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_refused_logged: set = set()


def alert_url() -> str:
    return settings.env("IOP_STAFF_ALERT_URL", "")


def usable_url(url: str) -> Optional[str]:
    """The webhook URL if it is safe to post to; refusals are logged once."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK):
        return url
    if url not in _refused_logged:
        _refused_logged.add(url)
        logger.error(
            "staff alerts are OFF: IOP_STAFF_ALERT_URL must be https (host %s)", parts.hostname
        )
    return None


def console_base() -> str:
    return settings.env(
        "IOP_CONSOLE_PUBLIC_URL", f"http://{settings.HOST}:{settings.CONSOLE_PORT}"
    ).rstrip("/")


def post(payload: Dict, url: Optional[str] = None, timeout: float = 5.0) -> bool:
    """Send one notice; True when the webhook took it. Never raises."""
    url = usable_url(url if url is not None else alert_url())
    if url is None:
        return False
    try:
        req = urllib.request.Request(
            url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        urllib.request.urlopen(req, timeout=timeout).close()
        return True
    except Exception as exc:  # an alert failure must never reach the user
        logger.warning(
            "staff alert to host %s failed (%s)", urlsplit(url).hostname, type(exc).__name__
        )
        return False


def notice(kind: str, conversations: int, moments: int, link: str) -> Dict:
    texts = {
        "crisis_flag": "A conversation was flagged for crisis follow-up.",
        "crisis_burst": f"{conversations} conversations were flagged for crisis follow-up.",
        "still_unacknowledged": f"{conversations} crisis flag(s) still unacknowledged.",
    }
    return {
        "type": kind,
        "text": texts[kind] + " Open the staff console.",
        "conversations": conversations,
        "moments": moments,
        "console_url": link,
    }


def _link(flags: Sequence[CrisisFlag], console_key) -> str:
    """One conversation: its console page; several: the flagged list."""
    if len(flags) == 1:
        key = console_key(flags[0].sender_id)
        if key is not None:
            return f"{console_base()}/transcript/{key}"
    return f"{console_base()}/conversations?flagged=1"


def _settings() -> Dict[str, float]:
    return {
        "gather": float(settings.env("IOP_ALERT_GATHER_SECONDS", "2")),
        "burst": float(settings.env("IOP_ALERT_BURST_SECONDS", "60")),
        "realert": float(settings.env("IOP_FLAG_REALERT_MINUTES", "15")),
    }


def dispatch(console_key, url: Optional[str] = None, db_url: Optional[str] = None) -> int:
    """Send what is due; returns the number of notices sent. `console_key`
    maps a sender id to its console number (None if not stored yet).
    A flag is claimed (alerted_at set) before sending and released when the
    post fails, so several processes never alert the same flag twice."""
    url = usable_url(url if url is not None else alert_url())
    if url is None:
        return 0
    cfg, now, sent = _settings(), utcnow(), 0
    Session = session_factory(db_url)
    with Session() as db:
        waiting = (
            db.query(CrisisFlag)
            .filter(CrisisFlag.alerted_at.is_(None), CrisisFlag.acknowledged.is_(False))
            .order_by(CrisisFlag.created_at)
            .all()
        )
        last = db.query(sa.func.max(CrisisFlag.alerted_at)).scalar()
        quiet = waiting and now - waiting[-1].created_at >= timedelta(seconds=cfg["gather"])
        spaced = last is None or now - last >= timedelta(seconds=cfg["burst"])
        too_long = waiting and now - waiting[0].created_at >= timedelta(seconds=cfg["burst"])
        if (quiet and spaced) or too_long:
            kind = "crisis_flag" if len(waiting) == 1 else "crisis_burst"
            sent += _claim_and_send(db, waiting, "alerted_at", kind, console_key, url, now)
        stale = (
            db.query(CrisisFlag)
            .filter(
                CrisisFlag.acknowledged.is_(False),
                CrisisFlag.alerted_at.isnot(None),
                CrisisFlag.realerted_at.is_(None),
                CrisisFlag.created_at <= now - timedelta(minutes=cfg["realert"]),
            )
            .all()
        )
        if stale:
            sent += _claim_and_send(
                db, stale, "realerted_at", "still_unacknowledged", console_key, url, now
            )
    return sent


def _claim_and_send(db, flags: List[CrisisFlag], column: str, kind, console_key, url, now) -> int:
    ids = [f.id for f in flags]
    col = getattr(CrisisFlag, column)
    claimed = (
        db.query(CrisisFlag)
        .filter(CrisisFlag.id.in_(ids), col.is_(None))
        .update({column: now}, synchronize_session=False)
    )
    db.commit()
    if claimed != len(ids):  # another process got there first; it sends
        _release(db, ids, column, now)
        return 0
    payload = notice(
        kind, len(flags), sum(f.moments or 1 for f in flags), _link(flags, console_key)
    )
    if post(payload, url):
        return 1
    _release(db, ids, column, now)
    raise ConnectionError("staff alert not delivered")  # the outbox worker backs off


def _release(db, ids: List[int], column: str, at) -> None:
    col = getattr(CrisisFlag, column)
    db.query(CrisisFlag).filter(CrisisFlag.id.in_(ids), col == at).update(
        {column: None}, synchronize_session=False
    )
    db.commit()
