"""The referral form (Rasa's `intake_form`): check each answer, then save the
referral for staff.

The checks and the saving live in iopnav.referrals; this module turns their
problems into messages and their values into slots.
"""

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from actions import prompts
from iopnav.db import session_factory
from iopnav.directory.models import Program
from iopnav.referrals import checks
from iopnav.referrals.save import save_referral

logger = logging.getLogger(__name__)

INTAKE_SLOTS = (
    "intake_first_name",
    "intake_contact",
    "intake_contact_time",
    "intake_program",
    "intake_consent",
)
# What a "skip" on a question we cannot do without is recorded as (domain/directory.yml).
SKIPPED = "__skip__"
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "last": -1,
}
_NUMBER_RE = re.compile(
    r"^(?:(?:number|no\.?|#|option|the)\s*)?(\d{1,2}|"
    + "|".join(_ORDINALS)
    + r")(?:\s*(?:one|program))?$"
)


def listed_program(tracker: Tracker, text: str) -> Optional[str]:
    """ "2", "#2", "the second one" -> the slug of that program in the last list."""
    match = _NUMBER_RE.match(text.strip().lower().rstrip(".!"))
    shown = tracker.get_slot("search_shown") or []
    if not match or not shown:
        return None
    token = match.group(1)
    index = int(token) if token.isdigit() else _ORDINALS[token]
    if index == -1:
        return shown[-1]
    return shown[index - 1] if 1 <= index <= len(shown) else None


def refuse_skip(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> Dict[Text, Any]:
    prompts.send(dispatcher, tracker, f"needed_{slot}")
    return {slot: None}


class ValidateIntakeForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_intake_form"

    def validate_intake_first_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value == SKIPPED:
            return refuse_skip(dispatcher, tracker, "intake_first_name")
        name, problem = checks.check_first_name(str(value), prompts.language_of(tracker))
        if problem:
            dispatcher.utter_message(text=problem)
        return {"intake_first_name": name}

    def validate_intake_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value == SKIPPED:
            return refuse_skip(dispatcher, tracker, "intake_contact")
        contact, problem = checks.parse_contact(str(value), prompts.language_of(tracker))
        if problem:
            dispatcher.utter_message(text=problem)
            return {"intake_contact": None}
        return {"intake_contact": str(contact)}

    def validate_intake_contact_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        when, problem = checks.check_contact_time(str(value), prompts.language_of(tracker))
        if problem:
            dispatcher.utter_message(text=problem)
        return {"intake_contact_time": when}

    def validate_intake_program(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(value or "").strip()
        try:
            with session_factory()() as session:
                slug = listed_program(tracker, text)
                if slug:
                    program = session.execute(
                        select(Program).where(Program.slug == slug)
                    ).scalar_one_or_none()
                    if program:
                        return {"intake_program": program.name}
                _program, stored = checks.match_program(session, text)
                return {"intake_program": stored}
        except SQLAlchemyError:
            # The name is only a hint for staff; keep what was typed.
            logger.exception("program lookup failed")
            return {"intake_program": text[:255] or checks.NOT_SURE}

    def validate_intake_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        consent, problem = checks.parse_consent(value, prompts.language_of(tracker))
        if problem:
            dispatcher.utter_message(text=problem)
        return {"intake_consent": consent}


class ActionSubmitIntake(Action):
    def name(self) -> Text:
        return "action_submit_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        reset = [SlotSet(slot, None) for slot in INTAKE_SLOTS]
        if tracker.get_slot("intake_consent") is not True:
            prompts.send(dispatcher, tracker, "intake_not_saved")
            return reset
        contact, problem = checks.parse_contact(tracker.get_slot("intake_contact"))
        try:
            if problem or contact is None:
                raise ValueError(problem or "no contact given")
            with session_factory()() as session:
                program, interest = checks.match_program(
                    session, tracker.get_slot("intake_program")
                )
                save_referral(
                    session,
                    sender_id=tracker.sender_id,
                    channel=tracker.get_latest_input_channel(),
                    first_name=tracker.get_slot("intake_first_name"),
                    contact=contact,
                    contact_time=tracker.get_slot("intake_contact_time"),
                    consent=True,
                    program_interest=interest,
                    program_id=program.id if program else None,
                )
        except (SQLAlchemyError, ValueError):
            logger.exception("saving a referral failed")
            prompts.send(dispatcher, tracker, "intake_save_failed")
            return reset
        prompts.send(
            dispatcher,
            tracker,
            "intake_submitted",
            intake_contact=str(contact),
            intake_contact_time=tracker.get_slot("intake_contact_time") or checks.ANY_TIME,
        )
        return reset
