"""The custom actions, run as the action server runs them (rasa-sdk Tracker
and CollectingDispatcher) against a real database with the sample programs,
on SQLite and PostgreSQL. Assertions are on what the visitor would read and
on what ends up in the database."""

import asyncio
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.directory import (
    ActionAnswerFromDirectory,
    ActionSearchPrograms,
    ActionShowMorePrograms,
    ValidateProgramSearchForm,
)
from actions.forms import ActionClearCancelledForm
from actions.prompts import ASK_ACTIONS
from actions.referral_form import ActionSubmitIntake, ValidateIntakeForm
from iopnav.db import session_factory
from iopnav.referrals import Referral

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Dict[str, Any]:
    return Domain.load(str(ROOT / "domain")).as_dict()


def tracker(
    slots: Optional[Dict[str, Any]] = None,
    text: str = "",
    intent: str = "inform",
    entities: List[Dict] = (),
    new_slots: Optional[Dict[str, Any]] = None,
    active_loop: Optional[str] = None,
    extra_events: List[Dict] = (),
) -> Tracker:
    """A tracker whose latest user message is `text`; `new_slots` are the
    slots the message filled (what the form validation will check)."""
    new_slots = new_slots or {}
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": list(entities),
    }
    events = list(extra_events) + [{"event": "user", "text": text, "parse_data": message}]
    events += [SlotSet(k, v) for k, v in new_slots.items()]
    return Tracker(
        "visitor-1",
        {**(slots or {}), **new_slots},
        message,
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def run(action, t: Tracker, domain: Optional[Dict] = None):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, domain or {}))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def buttons(messages) -> List[str]:
    return [b["title"] for m in messages for b in m.get("buttons") or []]


# ------------------------------------------------------------------- search


def test_search_answers_from_the_database_with_normalised_filters(actions_db):
    messages, slots = run(
        ActionSearchPrograms(),
        tracker(
            {
                "search_location": "Tampa, FL 33602",
                "search_time_of_day": "evenings",
                "search_age_group": "teens",
                "search_insurance": "aetnna",
            }
        ),
    )
    text = texts(messages)
    assert text.startswith(
        "I found 2 programs within 25 miles of Tampa, FL 33602 (for teens, evening groups, taking"
        " Aetna)."
    )
    assert "1. Bayview Teen Evening IOP" in text and "Call (813) 555-0101" in text
    assert buttons(messages) == ["Start an intake"]  # two results: nothing more to show
    assert slots["search_insurance"] == "Aetna" and slots["search_age_group"] == "teen"
    assert slots["search_time_of_day"] == "evening"
    assert slots["search_page"] == 1 and slots["search_shown"][0] == "bayview-teen-evening-iop"


def test_unknown_insurer_is_said_honestly(actions_db):
    messages, slots = run(
        ActionSearchPrograms(), tracker({"search_location": "Tampa", "search_insurance": "Oscar"})
    )
    assert "I don't have \"Oscar\" in the directory's list of insurers" in messages[0]["text"]
    assert "I found 7 programs" in messages[1]["text"]
    assert slots["search_insurance"] is None


def test_no_results_offers_what_to_drop(actions_db):
    messages, _ = run(
        ActionSearchPrograms(),
        tracker(
            {"search_location": "33602", "search_insurance": "Molina", "search_age_group": "teen"}
        ),
    )
    text = texts(messages)
    assert "I couldn't find a program within 25 miles of Tampa, FL 33602" in text
    assert "Without the insurance filter (Molina) there are 2 programs." in text
    assert "FindTreatment.gov" in text and "988" in text
    assert buttons(messages)[:2] == ["Search without insurance", "Search without age group"]
    assert messages[0]["buttons"][0]["payload"] == '/find_program{"search_drop":"insurance"}'


def test_search_without_button_drops_that_filter(actions_db):
    messages, slots = run(
        ActionSearchPrograms(),
        tracker(
            {"search_location": "33602", "search_insurance": "Molina", "search_age_group": "teen"},
            intent="find_program",
            entities=[{"entity": "search_drop", "value": "insurance"}],
        ),
    )
    assert texts(messages).startswith(
        "I found 2 programs within 25 miles of Tampa, FL 33602 (for teens)."
    )
    assert slots["search_insurance"] is None


def test_show_more_pages_through_the_results(actions_db):
    _, first = run(ActionSearchPrograms(), tracker({"search_location": "Tampa"}))
    state = {"search_location": "Tampa", **first}
    messages, second = run(ActionShowMorePrograms(), tracker(state, intent="show_more"))
    assert messages[0]["text"].startswith("Programs 4-6 of 7:")
    assert "Show more" in buttons(messages)
    assert len(second["search_shown"]) == 6 and second["search_page"] == 2
    messages, third = run(
        ActionShowMorePrograms(), tracker({**state, **second}, intent="show_more")
    )
    assert (
        messages[0]["text"].startswith("Programs 7-7 of 7:")
        and "That's all 7." in messages[0]["text"]
    )
    assert "Show more" not in buttons(messages)
    messages, after = run(ActionShowMorePrograms(), tracker({**state, **third}, intent="show_more"))
    assert "I've shown every program I found (7)" in messages[0]["text"] and after == {}


def test_show_more_before_any_search(actions_db):
    messages, slots = run(ActionShowMorePrograms(), tracker({}, intent="show_more"))
    assert "I haven't searched for programs yet" in messages[0]["text"] and slots == {}


def test_directory_down_gets_an_apology_not_a_crash(monkeypatch):
    monkeypatch.setenv(
        "IOP_DATABASE_URL", "postgresql://nobody@127.0.0.1:9/nowhere?connect_timeout=2"
    )
    messages, _ = run(ActionSearchPrograms(), tracker({"search_location": "Tampa"}))
    assert (
        "can't reach the program directory" in messages[0]["text"] and "988" in messages[0]["text"]
    )


@pytest.mark.parametrize(
    "typed, stored",
    [("Pheonix", "Phoenix, AZ"), ("33602", "Tampa, FL 33602"), ("anywhere", "anywhere")],
)
def test_search_form_accepts_places(actions_db, domain, typed, stored):
    t = tracker(
        {"requested_slot": "search_location"},
        text=typed,
        new_slots={"search_location": typed},
        active_loop="program_search_form",
    )
    messages, slots = run(ValidateProgramSearchForm(), t, domain)
    assert slots["search_location"] == stored and messages == []


def test_search_form_rejects_non_places_with_a_clear_answer(actions_db, domain):
    t = tracker(
        {"requested_slot": "search_location"},
        text="Narnia",
        new_slots={"search_location": "Narnia"},
        active_loop="program_search_form",
    )
    messages, slots = run(ValidateProgramSearchForm(), t, domain)
    assert slots["search_location"] is None
    assert messages[0]["text"] == (
        'I couldn\'t find a US place called "Narnia". Please send a city (like Tampa, FL) '
        "or a 5-digit ZIP code."
    )


def test_a_spanish_conversation_gets_its_search_answers_in_spanish(actions_db, domain):
    spanish = {"language": "es", "search_location": "33602"}
    messages, _ = run(
        ActionSearchPrograms(),
        tracker({**spanish, "search_insurance": "Molina", "search_age_group": "teen"}),
    )
    text = texts(messages)
    assert text.startswith("No encontré ningún programa a menos de 25 millas de Tampa, FL 33602")
    assert buttons(messages)[:2] == ["Buscar sin: seguro", "Buscar sin: edad"]
    t = tracker(
        {"language": "es", "requested_slot": "search_location"},
        text="Narnia",
        new_slots={"search_location": "Narnia"},
        active_loop="program_search_form",
    )
    messages, _ = run(ValidateProgramSearchForm(), t, domain)
    assert messages[0]["text"].startswith('No encontré ningún lugar de EE. UU. llamado "Narnia"')


def test_spanish_groups_as_a_filter_and_first_for_a_spanish_speaker(actions_db):
    messages, slots = run(
        ActionSearchPrograms(),
        tracker({"language": "es", "search_location": "33602", "search_language": "español"}),
    )
    text = texts(messages)
    assert slots["search_language"] == "Spanish"  # canonical, for "show more" and staff
    assert "(grupos en español)" in text
    blocks = text.split("\n\n")[1:]
    assert blocks and all("Grupos en inglés, español" in block for block in blocks)
    # Without the filter, an English visitor gets the nearest first; a Spanish
    # one gets the programs with Spanish groups first.
    english = texts(run(ActionSearchPrograms(), tracker({"search_location": "33602"}))[0])
    spanish = texts(
        run(ActionSearchPrograms(), tracker({"language": "es", "search_location": "33602"}))[0]
    )
    assert "1. Bayview Adult Day IOP" in english and "Groups in English\n" in english
    assert "Primero van los programas con grupos en español." in spanish
    assert "1. Bayview Adult Day IOP" not in spanish


# ------------------------------------------------------------------- intake


def validate_intake(domain, slot: str, value: Any, known: Optional[Dict] = None):
    t = tracker(
        {"requested_slot": slot, **(known or {})},
        text=str(value),
        new_slots={slot: value},
        active_loop="intake_form",
    )
    return run(ValidateIntakeForm(), t, domain)


def test_intake_contact_invalid_then_valid(actions_db, domain):
    messages, slots = validate_intake(domain, "intake_contact", "555-0101")
    assert slots["intake_contact"] is None and "area code" in messages[0]["text"]
    messages, slots = validate_intake(domain, "intake_contact", "(813) 555-0143")
    assert slots["intake_contact"] == "+18135550143" and messages == []
    messages, slots = validate_intake(domain, "intake_contact", "ana@example")
    assert slots["intake_contact"] is None and "valid email" in messages[0]["text"]


def test_intake_questions_that_cannot_be_skipped_say_why(actions_db, domain):
    messages, slots = validate_intake(domain, "intake_first_name", "__skip__")
    assert slots["intake_first_name"] is None and "nickname is fine" in messages[0]["text"]
    messages, slots = validate_intake(domain, "intake_contact", "__skip__")
    assert slots["intake_contact"] is None and "say cancel" in messages[0]["text"]


def test_intake_name_time_and_consent(actions_db, domain):
    assert (
        validate_intake(domain, "intake_first_name", "my name is ana")[1]["intake_first_name"]
        == "Ana"
    )
    messages, slots = validate_intake(domain, "intake_first_name", "how long is the program?")
    assert slots["intake_first_name"] is None and "doesn't look like a name" in messages[0]["text"]
    assert (
        validate_intake(domain, "intake_contact_time", "evenings")[1]["intake_contact_time"]
        == "evening"
    )
    assert validate_intake(domain, "intake_consent", True)[1]["intake_consent"] is True
    messages, slots = validate_intake(domain, "intake_consent", "hmm")
    assert slots["intake_consent"] is None and "yes or no" in messages[0]["text"]


def test_intake_problems_in_a_spanish_conversation(actions_db, domain):
    spanish = {"language": "es"}
    messages, slots = validate_intake(domain, "intake_contact", "555-0101", spanish)
    assert slots["intake_contact"] is None and "código de área" in messages[0]["text"]
    messages, slots = validate_intake(domain, "intake_first_name", "¿cuánto dura?", spanish)
    assert slots["intake_first_name"] is None and "no parece un nombre" in messages[0]["text"]
    name = validate_intake(domain, "intake_first_name", "me llamo lucía", spanish)[1]
    assert name["intake_first_name"] == "Lucía"
    messages, slots = validate_intake(domain, "intake_consent", "quizás", spanish)
    assert slots["intake_consent"] is None and "Responde sí o no" in messages[0]["text"]


def test_intake_program_by_number_from_the_last_list(actions_db, domain):
    shown = {"search_shown": ["bayview-adult-day-iop", "bayview-teen-evening-iop"]}
    assert (
        validate_intake(domain, "intake_program", "2", shown)[1]["intake_program"]
        == "Bayview Teen Evening IOP"
    )
    assert (
        validate_intake(domain, "intake_program", "the first one", shown)[1]["intake_program"]
        == "Bayview Adult Day IOP"
    )
    assert (
        validate_intake(domain, "intake_program", "harbor path")[1]["intake_program"]
        == "Harbor Path Recovery IOP"
    )
    assert (
        validate_intake(domain, "intake_program", "not sure yet")[1]["intake_program"]
        == "not sure yet"
    )


def saved(url) -> List[Referral]:
    with session_factory(url)() as s:
        return s.execute(select(Referral)).scalars().all()


INTAKE = {
    "intake_first_name": "Ana",
    "intake_contact": "+18135550143",
    "intake_contact_time": "evening",
    "intake_program": "Bayview Teen Evening IOP",
}


def test_submit_with_consent_saves_a_referral_and_says_what_happens_next(actions_db):
    messages, slots = run(
        ActionSubmitIntake(), tracker({**INTAKE, "intake_consent": True}, intent="affirm")
    )
    [row] = saved(actions_db)
    assert (row.first_name, row.phone, row.preferred_contact_time, row.consent_to_contact) == (
        "Ana",
        "+18135550143",
        "evening",
        True,
    )
    assert row.program_interest == "Bayview Teen Evening IOP" and row.program_id is not None
    assert row.sender_id == "visitor-1"
    confirmation = messages[0]["text"]
    assert confirmation.startswith("Thank you, Ana. Your request is saved.")
    assert "+18135550143 (evening)" in confirmation and "one business day" in confirmation
    assert all(value is None for value in slots.values()) and "intake_consent" in slots


def test_submit_without_consent_saves_nothing(actions_db):
    messages, slots = run(
        ActionSubmitIntake(), tracker({**INTAKE, "intake_consent": False}, intent="deny")
    )
    assert saved(actions_db) == []
    assert "haven't saved anything" in messages[0]["text"]
    assert messages[0]["buttons"] == [{"title": "Find a program", "payload": "/find_program"}]
    assert slots["intake_contact"] is None


def test_the_action_servers_texts_with_the_language_slot_set(actions_db):
    """Every real tracker has the `language` slot: the texts filled from the
    slots must not take it for the wording's language argument."""
    for language, words in (("en", "haven't saved anything"), ("es", "no guardé nada")):
        state = {**INTAKE, "intake_consent": False, "language": language}
        messages, _ = run(ActionSubmitIntake(), tracker(state, intent="deny"))
        assert words in messages[0]["text"]
    messages, _ = run(ASK_ACTIONS["intake_first_name"](), tracker({"language": "es"}))
    assert "¿por qué nombre" in messages[0]["text"]


def test_submit_with_email_contact(actions_db):
    run(
        ActionSubmitIntake(),
        tracker({**INTAKE, "intake_contact": "ana@example.org", "intake_consent": True}),
    )
    [row] = saved(actions_db)
    assert (row.phone, row.email) == (None, "ana@example.org")


def test_cancel_forgets_only_the_cancelled_forms_answers(actions_db):
    loop_events = [
        {"event": "active_loop", "name": "intake_form"},
        {"event": "active_loop", "name": None},
    ]
    _, slots = run(
        ActionClearCancelledForm(),
        tracker({**INTAKE, "search_location": "Tampa"}, intent="cancel", extra_events=loop_events),
    )
    assert slots["intake_first_name"] is None and slots["intake_contact"] is None
    assert "search_location" not in slots


# ------------------------------------------- general questions that name a filter


def test_a_plan_named_in_an_insurance_question_lists_programs_that_take_it(actions_db):
    messages, slots = run(
        ActionAnswerFromDirectory(),
        tracker(
            {"search_insurance": "Medicaid", "search_location": "Tampa"},
            text="does the Tampa program take Medicaid?",
            intent="ask_insurance",
            entities=[
                {"entity": "location", "value": "Tampa"},
                {"entity": "insurance", "value": "Medicaid"},
            ],
        ),
    )
    text = texts(messages)
    assert text.startswith("I found") and "taking Medicaid" in text and "Tampa" in text
    assert "confirm with the program" in text
    assert slots["search_page"] == 1


def test_without_a_place_it_asks_where_before_listing_any_program(actions_db):
    # The walkthrough's parent named Aetna and a teen before any place, and
    # got a program in Arizona first: now the place is asked for first.
    messages, slots = run(
        ActionAnswerFromDirectory(),
        tracker(
            {"search_insurance": "Aetna", "search_age_group": "teen"},
            text="We have Aetna. Do you take it?",
            intent="ask_insurance",
            entities=[{"entity": "insurance", "value": "Aetna"}],
        ),
    )
    text = texts(messages)
    assert "Which city or ZIP code" in text and "for teens, taking Aetna" in text
    assert "I found" not in text and "Mesa, AZ" not in text
    assert slots == {}  # no place stored: the next message gives it


def test_sin_lugar_pregunta_donde_en_espanol(actions_db):
    messages, _slots = run(
        ActionAnswerFromDirectory(),
        tracker(
            {"search_insurance": "Medicaid", "language": "es"},
            text="¿aceptan Medicaid?",
            intent="ask_insurance",
            entities=[{"entity": "insurance", "value": "Medicaid"}],
        ),
    )
    assert "¿Cerca de qué ciudad o código postal busco?" in texts(messages)


def test_a_general_question_adds_nothing(actions_db):
    messages, slots = run(
        ActionAnswerFromDirectory(),
        tracker({}, text="do you take insurance?", intent="ask_insurance"),
    )
    assert messages == [] and slots == {}


# ------------------------------------------------------------------ questions


def sms_tracker(slots: Dict[str, Any]) -> Tracker:
    t = tracker(slots)
    t.events[-1]["input_channel"] = "sms"
    return t


def test_every_form_question_has_an_ask_action_in_the_domain():
    domain = yaml.safe_load((ROOT / "domain" / "directory.yml").read_text())
    required = {slot for form in domain["forms"].values() for slot in form["required_slots"]}
    assert set(ASK_ACTIONS) == required
    # An action is a name, or a name with its settings (send_domain).
    names = {a if isinstance(a, str) else next(iter(a)) for a in domain["actions"]}
    assert {f"action_ask_{slot}" for slot in required} <= names


def test_a_question_uses_what_the_visitor_already_said():
    messages, _ = run(
        ASK_ACTIONS["intake_consent"](), tracker({"intake_contact": "ana@example.org"})
    )
    assert "contact you at ana@example.org" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]


def test_the_first_intake_question_is_shorter_by_text_message():
    web, _ = run(ASK_ACTIONS["intake_first_name"](), tracker({}))
    sms, _ = run(ASK_ACTIONS["intake_first_name"](), sms_tracker({}))
    assert "first name" in web[0]["text"] and "first name" in sms[0]["text"]
    assert len(sms[0]["text"]) <= 160 < len(web[0]["text"])


def test_after_a_specific_answer_the_place_is_not_asked_twice(actions_db):
    # The teen answer already offers "Find a teen program"; a second
    # "which city?" right under it would be noise.
    teen_answer = {"event": "bot", "text": "...", "metadata": {"utter_action": "answer_teen"}}
    t = tracker(
        {"search_age_group": "16"},
        text="do you treat teenagers? he is 16",
        intent="ask_conditions",
        entities=[{"entity": "age_group", "value": "16"}],
    )
    t.events.append(teen_answer)
    messages, _slots = run(ActionAnswerFromDirectory(), t)
    assert messages == []
