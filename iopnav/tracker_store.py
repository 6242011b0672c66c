"""Rasa's SQL tracker store, configured by one URL (IOP_TRACKER_STORE_URL),
which also records crisis flags from inside the Rasa server.

Recording flags here, not only in a custom action, means a crisis is flagged
for staff even when the action server is down or slow, and the hand-off
turn never waits on it.
"""

import json
import logging
from typing import Any, Dict, List, Optional, Tuple

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from iopnav import settings
from iopnav.db import ensure_sqlite_dir
from iopnav.safety.alerts import send_staff_alert
from iopnav.safety.flags import flagged_keys, record_flag
from iopnav.safety.session import HANDOFF_ACTION

logger = logging.getLogger(__name__)


def crisis_moments(
    tracker: DialogueStateTracker,
) -> List[Tuple[str, str, Optional[str], Optional[str]]]:
    """(event_key, category, channel, evidence) for each crisis moment: a user
    message classified `crisis`, or one answered with the hand-off (a "yes"
    to the screening question)."""
    moments: Dict[str, Tuple[str, str, Optional[str], Optional[str]]] = {}
    last_user: Optional[UserUttered] = None
    for event in tracker.events:
        if isinstance(event, UserUttered):
            last_user = event
            if (event.intent or {}).get("name") == "crisis":
                safety = (event.parse_data or {}).get("safety") or {}
                key = event.message_id or f"ts:{event.timestamp}"
                moments[key] = (
                    key,
                    safety.get("category") or _category_entity(event) or "ml_detected",
                    event.input_channel,
                    json.dumps(safety.get("evidence") or []),
                )
        elif (
            isinstance(event, ActionExecuted) and event.action_name == HANDOFF_ACTION and last_user
        ):
            key = last_user.message_id or f"ts:{last_user.timestamp}"
            moments.setdefault(key, (key, "screening_yes", last_user.input_channel, None))
    return list(moments.values())


def _category_entity(event: UserUttered) -> Optional[str]:
    """A button payload such as the screening question's "Yes" skips NLU, so
    it carries its category as an entity instead of the screen's verdict."""
    for entity in event.entities or []:
        if entity.get("entity") == "crisis_category" and entity.get("value"):
            return str(entity["value"])
    return None


class EnvSQLTrackerStore(SQLTrackerStore):
    def __init__(
        self, domain=None, host: Optional[str] = None, event_broker=None, **kwargs: Any
    ) -> None:
        url = settings.tracker_store_url()
        ensure_sqlite_dir(url)
        kwargs.pop("url", None)
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        from iopnav import migrate

        migrate.upgrade(settings.database_url())  # the flags table must exist
        logger.info("tracker store: %s", self.engine.url.__repr__())

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        try:
            self.record_flags(tracker)
        except Exception:  # never lose the conversation over the flag table
            logger.exception("could not record crisis flag for a conversation")

    @staticmethod
    def record_flags(tracker: DialogueStateTracker) -> int:
        moments = crisis_moments(tracker)
        if not moments:
            return 0
        added = 0
        known = flagged_keys(tracker.sender_id)
        for key, category, channel, evidence in moments:
            if key not in known and record_flag(
                tracker.sender_id, key, category, channel, evidence
            ):
                added += 1
                send_staff_alert(tracker.sender_id, category, channel)
        return added
