"""No in-memory stand-in for the tracker store.

Rasa wraps every tracker store in FailSafeTrackerStore (rasa/core/agent.py):
on a database error a save goes to an in-memory store and the reply goes out
as if nothing happened, so the transcript is lost and no server after this
one knows the turn happened; a failed read returns no tracker, and the turn
runs as the start of a brand-new conversation. For a store that sets
`refuses_fallback`, this wrapper lets the error through instead: the turn
fails, and the channel answers by itself (fallback.py: the hand-off and a
staff flag for a crisis, else what the dialogue said or a stand-in naming 988
and 911). Other stores keep Rasa's behaviour.
"""

from typing import Iterable, Optional, Text

import rasa.core.agent
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker


class RefusingTrackerStore(FailSafeTrackerStore):
    @property
    def refuses(self) -> bool:
        return bool(getattr(self._tracker_store, "refuses_fallback", False))

    async def save(self, tracker: DialogueStateTracker) -> None:
        if self.refuses:
            return await self._tracker_store.save(tracker)
        return await super().save(tracker)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        if self.refuses:
            return await self._tracker_store.retrieve(sender_id)
        return await super().retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        if self.refuses:
            return await self._tracker_store.retrieve_full_tracker(sender_id)
        return await super().retrieve_full_tracker(sender_id)

    async def keys(self) -> Iterable[Text]:
        if self.refuses:
            return await self._tracker_store.keys()
        return await super().keys()


def install() -> None:
    """Make Rasa's Agent wrap tracker stores in RefusingTrackerStore. The
    Agent looks the class up each time it builds one, and Rasa creates the
    configured tracker store (whose constructor calls this) before the Agent."""
    rasa.core.agent.FailSafeTrackerStore = RefusingTrackerStore
