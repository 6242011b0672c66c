"""What happens to a form's answers when the visitor says "cancel"."""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.directory import SEARCH_SLOTS
from actions.referral_form import INTAKE_SLOTS

FORM_SLOTS = {"program_search_form": SEARCH_SLOTS, "intake_form": INTAKE_SLOTS}


def last_active_form(tracker: Tracker) -> Optional[str]:
    """The form that was active most recently (the one just deactivated)."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name"):
            return event["name"]
    return None


class ActionClearCancelledForm(Action):
    """Forget a cancelled form's answers, so a half-typed phone number is not
    reused later and a new search starts without the old filters."""

    def name(self) -> Text:
        return "action_clear_cancelled_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        slots = FORM_SLOTS.get(last_active_form(tracker) or "", ())
        return [SlotSet(slot, None) for slot in slots] + [SlotSet("requested_slot", None)]
