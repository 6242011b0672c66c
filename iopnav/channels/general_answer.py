"""The general paragraph of a knowledge question, sent by the channel when
the action server that shapes the answer is down.

Schedule, conditions, insurance, program-type and family questions are
answered by action_answer_question (iopnav/answers.py), which tailors the
paragraph to what was asked. With the action server down Rasa logs the
failure and says nothing; the general paragraph is still a right answer, and
it is a domain response, so the channel can render it from the model it
already holds.
"""

import logging
from typing import Any, Dict, Iterable, Optional

from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from iopnav.answers import GENERAL
from iopnav.bilingual import SLOT as LANGUAGE_SLOT

logger = logging.getLogger(__name__)


def last_intent(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The intent of the latest user message (outline rows carry it as
    "intent", full event dicts in their parse data)."""
    intent = None
    for event in events:
        if event.get("event") == "user":
            parsed = (event.get("parse_data") or {}).get("intent") or {}
            intent = event.get("intent") or parsed.get("name")
    return intent


async def general_answer(
    agent: Any, intent: Optional[str], language: Optional[str], channel: str
) -> Optional[Dict[str, Any]]:
    """The intent's general domain response in the conversation's language,
    None when the intent has none (or it cannot be rendered)."""
    response = GENERAL.get(intent or "")
    if response is None:
        return None
    events = [SlotSet(LANGUAGE_SLOT, language)] if language else []
    tracker = DialogueStateTracker.from_events("general", events, slots=agent.domain.slots)
    try:
        return await agent.nlg.generate(response, tracker, channel)
    except Exception:  # the stand-in still goes out
        logger.exception("could not render %s", response)
        return None
