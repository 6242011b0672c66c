"""Optional staff alert: POST a small JSON notice to a clinic webhook
(IOP_STAFF_ALERT_URL) when a conversation is flagged.

It runs in a daemon thread with a short timeout, so it can never delay the
reply to the person in crisis. The notice carries no message text (that is
health information): staff open the conversation in the console.
"""

import json
import logging
import threading
import urllib.request
from typing import Dict, Optional

from iopnav import settings

logger = logging.getLogger(__name__)


def alert_url() -> str:
    return settings.env("IOP_STAFF_ALERT_URL", "")


def _post(url: str, payload: Dict, timeout: float) -> None:
    try:
        req = urllib.request.Request(
            url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        urllib.request.urlopen(req, timeout=timeout).close()
    except Exception as exc:  # an alert failure must never reach the user
        logger.warning("staff alert to %s failed: %s", url, exc)


def send_staff_alert(
    sender_id: str, category: str, channel: Optional[str], timeout: float = 5.0
) -> Optional[threading.Thread]:
    url = alert_url()
    if not url:
        return None
    console = settings.env(
        "IOP_CONSOLE_PUBLIC_URL", f"http://{settings.HOST}:{settings.CONSOLE_PORT}"
    )
    payload = {
        "type": "crisis_flag",
        "category": category,
        "channel": channel,
        "conversation": sender_id,
        "console_url": f"{console}/conversations/{sender_id}",
    }
    thread = threading.Thread(target=_post, args=(url, payload, timeout), daemon=True)
    thread.start()
    return thread
