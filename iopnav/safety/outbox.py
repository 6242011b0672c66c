"""The one way to raise a crisis flag for staff: enqueue_flag().

Callers (the tracker store, the channels' own fallback, the opted-out SMS
path) never write the flags table or send the staff alert themselves, so
retrying, collapsing bursts and keeping the event loop free live here.

This first version writes at once in a background thread (the behaviour the
tracker store had); the durable, retried outbox replaces the body, not the
signature.
"""

import logging
import threading
from typing import Optional

from iopnav.safety.alerts import send_staff_alert
from iopnav.safety.flags import record_flag

logger = logging.getLogger(__name__)


def enqueue_flag(
    sender_id: str,
    event_key: str,
    category: str,
    channel: Optional[str],
    evidence: Optional[str] = None,
    note: Optional[str] = None,
) -> None:
    """Record one crisis moment for staff; never raises, never blocks.

    `note` is a short reason staff should see in the alert (for example that
    the number has opted out of SMS and got no reply)."""

    def write() -> None:
        try:
            if record_flag(sender_id, event_key, category, channel, evidence):
                send_staff_alert(sender_id, category, channel)
        except Exception:  # logged; the durable outbox will retry instead
            logger.exception("could not record a crisis flag")

    threading.Thread(target=write, daemon=True).start()
