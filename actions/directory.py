"""Program search in the conversation: the search form's validation, the
search itself, and "show more". The searching and wording live in
iopnav.directory; this module only moves values between slots and it."""

import logging
from typing import Any, Dict, List, NamedTuple, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import prompts
from iopnav import answers
from iopnav.db import session_factory
from iopnav.directory import geo, present
from iopnav.directory.search import ANYWHERE, SearchQuery, SearchResult, search

logger = logging.getLogger(__name__)

# Slot -> SearchQuery attribute.
FILTER_SLOTS = {
    "search_condition": "condition",
    "search_insurance": "insurance",
    "search_age_group": "age_group",
    "search_program_type": "program_type",
    "search_time_of_day": "time_of_day",
    "search_delivery_mode": "delivery_mode",
    "search_language": "language",  # groups held in this language
}
# A visitor writing in Spanish sees programs with Spanish groups first.
PREFERRED_GROUP_LANGUAGE = {"es": "Spanish"}
SEARCH_SLOTS = ("search_location", *FILTER_SLOTS, "search_page", "search_shown")


def query_from_slots(tracker: Tracker, default_location: Optional[str] = None) -> SearchQuery:
    values = {attr: tracker.get_slot(slot) for slot, attr in FILTER_SLOTS.items()}
    return SearchQuery(
        location=tracker.get_slot("search_location") or default_location,
        prefer_language=PREFERRED_GROUP_LANGUAGE.get(prompts.language_of(tracker) or ""),
        **values,
    )


def dropped_filters(tracker: Tracker) -> List[str]:
    """Filters the visitor asked to drop with a "Search without ..." button."""
    names = set(FILTER_SLOTS.values())
    return [
        e.get("value")
        for e in tracker.latest_message.get("entities", [])
        if e.get("entity") == "search_drop" and e.get("value") in names
    ]


def say_unknown_value(
    dispatcher: CollectingDispatcher, tracker: Tracker, name: str, raw: str
) -> None:
    if name == "insurance":
        prompts.send(dispatcher, tracker, "unknown_insurance", raw=raw)
    else:
        label = present.filter_label(name, prompts.language_of(tracker))
        prompts.send(dispatcher, tracker, "unknown_value", raw=raw, label=label)


def show_more(tracker: Tracker) -> Dict[str, str]:
    return prompts.button(tracker, "button_show_more", "/show_more")


def start_intake(tracker: Tracker) -> Dict[str, str]:
    return prompts.button(tracker, "button_start_intake", "/start_intake")


def talk_to_staff(tracker: Tracker) -> Dict[str, str]:
    return prompts.button(tracker, "button_talk_to_staff", "/request_human")


def result_buttons(tracker: Tracker, result: SearchResult) -> List[Dict[str, str]]:
    if result.matches:
        return ([show_more(tracker)] if result.has_more else []) + [start_intake(tracker)]
    buttons = [
        prompts.button(
            tracker,
            "button_search_without",
            f'/find_program{{"search_drop":"{name}"}}',
            label=present.filter_label(name, prompts.language_of(tracker)),
        )
        for name, _value, _count in result.relaxations
        if name != "radius_miles"
    ][:2]
    return buttons + [talk_to_staff(tracker)]


class Answer(NamedTuple):
    result: SearchResult
    text: str
    shown: List[str]  # slugs of the programs listed, in order


def run_search(query: SearchQuery, page: int, language: Optional[str]) -> Optional[Answer]:
    """The search and its wording in `language`, or None when the database is unreachable."""
    try:
        with session_factory()() as session:
            result = search(session, query, page=page)
            listed = result.page_matches if result.matches else result.alternatives
            text = (
                present.results_text(result, language)
                if result.matches
                else present.no_results_text(result, language)
            )
            return Answer(result, text, [m.program.slug for m in listed])
    except SQLAlchemyError:
        logger.exception("program search failed")
        return None


class ValidateProgramSearchForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_program_search_form"

    def validate_search_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(value or "").strip()
        if text.lower() == ANYWHERE:
            return {"search_location": ANYWHERE}
        place = geo.resolve(text)
        if place is None:
            dispatcher.utter_message(
                text=present.location_not_found_text(text, prompts.language_of(tracker))
            )
            return {"search_location": None}
        # Store what we understood ("Tampa, FL 33602"): it is shown back in
        # the results and resolves to the same place on "show more".
        return {"search_location": place.label}


class ActionSearchPrograms(Action):
    # Where to search when no place is known (the search form always has one).
    default_location: Optional[str] = None

    def name(self) -> Text:
        return "action_search_programs"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        events = []
        if not tracker.get_slot("search_location") and self.default_location:
            events.append(
                SlotSet("search_location", self.default_location)
            )  # so "show more" pages on
        query = query_from_slots(tracker, self.default_location)
        for name in dropped_filters(tracker):
            query = query.without(name)
        canonical, unknown = query.normalised()
        for name, raw in unknown.items():
            say_unknown_value(dispatcher, tracker, name, raw)
        # Canonical values back into the slots, so later turns (and staff
        # reading the transcript) see "Blue Cross Blue Shield", not "bcbs".
        for slot, attr in FILTER_SLOTS.items():
            if getattr(canonical, attr) != tracker.get_slot(slot):
                events.append(SlotSet(slot, getattr(canonical, attr)))
        answer = run_search(canonical, page=1, language=prompts.language_of(tracker))
        if answer is None:
            prompts.send(dispatcher, tracker, "directory_unavailable")
            return events
        if answer.result.location_not_found:
            dispatcher.utter_message(
                text=present.location_not_found_text(
                    canonical.location, prompts.language_of(tracker)
                )
            )
            return events + [SlotSet("search_location", None)]
        dispatcher.utter_message(text=answer.text, buttons=result_buttons(tracker, answer.result))
        return events + [SlotSet("search_page", 1.0), SlotSet("search_shown", answer.shown)]


class ActionShowMorePrograms(Action):
    def name(self) -> Text:
        return "action_show_more_programs"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if not tracker.get_slot("search_location"):
            prompts.send(dispatcher, tracker, "no_search_yet")
            return []
        page = int(tracker.get_slot("search_page") or 1) + 1
        query, _unknown = query_from_slots(tracker).normalised()
        answer = run_search(query, page=page, language=prompts.language_of(tracker))
        if answer is None:
            prompts.send(dispatcher, tracker, "directory_unavailable")
            return []
        result = answer.result
        if not result.matches or result.page < page:
            prompts.send(
                dispatcher,
                tracker,
                "all_shown" if result.total else "nothing_to_show",
                buttons=[start_intake(tracker), talk_to_staff(tracker)],
                total=result.total,
            )
            return []
        dispatcher.utter_message(text=answer.text, buttons=result_buttons(tracker, result))
        # Keep the earlier pages' programs: numbers continue (4, 5, 6), and
        # "number 2" in the intake form still means the second one listed.
        already = list(tracker.get_slot("search_shown") or [])
        return [
            SlotSet("search_page", float(result.page)),
            SlotSet("search_shown", already + answer.shown),
        ]


# Entities that make a general question ("do you take Aetna?", "is there an
# evening group?") answerable from the directory as well.
DIRECTORY_ENTITIES = {
    "condition",
    "insurance",
    "location",
    "age_group",
    "program_type",
    "time_of_day",
    "delivery_mode",
    "group_language",
}


class ActionAnswerFromDirectory(ActionSearchPrograms):
    """Runs after the answer to an insurance, schedule or conditions
    question. When the question named a plan, place, condition, age group,
    type or time, it adds the matching programs from the directory near the
    place already known; with no place yet it asks for one instead of
    listing programs in other states. Otherwise it says nothing more."""

    def name(self) -> Text:
        return "action_answer_from_directory"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        named = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
        if not named & DIRECTORY_ENTITIES:
            return []
        if not tracker.get_slot("search_location"):
            # A specific answer this turn (the teen program, a named
            # program) already offers its own next step.
            if not answers.specific_answer_this_turn(tracker.events):
                ask_for_place(dispatcher, tracker)
            return []
        return await super().run(dispatcher, tracker, domain)


def ask_for_place(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """'I can list programs for teens, taking Aetna near you: which city or ZIP?'"""
    canonical, _unknown = query_from_slots(tracker).normalised()
    language = prompts.language_of(tracker)
    filters = present.describe_filters(SearchResult(canonical, None, []), language)
    prompts.send(
        dispatcher, tracker, "directory_needs_place", filters=f" ({filters})" if filters else ""
    )
