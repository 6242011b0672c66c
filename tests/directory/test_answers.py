"""Knowledge answers shaped by what was asked (actions/answers.py), read as
the visitor reads them: domain responses rendered by Rasa's own variation
filter in the conversation's language, action texts as sent. Against the
sample directory (a named program's facts come from it)."""

import asyncio
from typing import Any, Dict, List, Optional, Sequence

import pytest
from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.answers import ActionAnswerQuestion
from iopnav import answers, settings
from iopnav.directory.models import Program

DOMAIN = Domain.load(str(settings.PROJECT_ROOT / "domain"))


def bot_said(response: str) -> Dict[str, Any]:
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


def conversation(
    text: str,
    intent: str,
    entities: Sequence[Dict[str, Any]] = (),
    slots: Optional[Dict[str, Any]] = None,
    earlier: Sequence[Dict[str, Any]] = (),
) -> Tracker:
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": list(entities),
    }
    events = [*earlier, {"event": "user", "text": text, "parse_data": message}]
    return Tracker("parent", slots or {}, message, events, False, None, {}, "action_listen")


def seen(t: Tracker) -> List[Dict[str, Any]]:
    """What the visitor reads: a response name becomes its text in their language."""
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAnswerQuestion().run(dispatcher, t, {}))
    shown = []
    for message in dispatcher.messages:
        if message.get("response"):
            slots = {"language": t.get_slot("language") or "en"}
            [variation] = ResponseVariationFilter(DOMAIN.responses).responses_for_utter_action(
                message["response"], "rest", slots
            )
            shown.append({**variation, "utter_action": message["response"]})
        else:
            shown.append(message)
    return shown


def text_of(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def paragraph(response: str, language: str = "en") -> str:
    [variation] = ResponseVariationFilter(DOMAIN.responses).responses_for_utter_action(
        response, "rest", {"language": language}
    )
    return str(variation["text"])


# ---------------------------------------------------------- what was asked


def test_a_teen_age_gets_the_teen_program_not_the_conditions_list(actions_db):
    said = text_of(
        seen(
            conversation(
                "Do you treat teenagers? He is 16 and still in high school.",
                "ask_conditions",
                [{"entity": "age_group", "value": "16"}],
            )
        )
    )
    assert "13 to 17" in said and "after school" in said and "family sessions" in said
    assert "bipolar disorder" not in said  # the general conditions list


def test_asking_for_teens_again_as_a_type_gets_a_short_reference(actions_db):
    said = text_of(
        seen(
            conversation(
                "is there a program for teens his age?",
                "ask_program_types",
                [{"entity": "age_group", "value": "teen"}],
                earlier=[bot_said("answer_teen")],
            )
        )
    )
    assert said.startswith("As I mentioned") and "13 to 17" in said
    assert "Eating disorders" not in said  # not the list of program types


def test_vaping_gets_the_nicotine_answer_even_misspelt_and_without_an_entity(actions_db):
    said = text_of(
        seen(conversation("my son is vapping a lot, can an IOP help?", "ask_conditions"))
    )
    assert "nicotine" in said and "substance use" in said and "1-800-784-8669" in said
    assert said != paragraph("utter_ask_conditions")


def test_a_named_program_gets_its_own_facts_and_whether_it_lists_what_was_asked(actions_db):
    said = text_of(
        seen(
            conversation(
                "ok. does the bayview progam help with vapping too? hes adicted to nicotine",
                "ask_conditions",
                slots={"search_age_group": "teen"},
            )
        )
    )
    # The teen one of the two Bayview programs, because the child is a teen.
    assert said.startswith("Bayview Teen Evening IOP (Tampa, FL)")
    assert "Mon, Tue, Thu 4:30-7:30 pm" in said and "(813) 555-0101" in said
    assert "Substance use is not on its list" in said


def test_a_named_program_that_lists_the_condition_says_so(actions_db):
    said = text_of(
        seen(
            conversation(
                "does Harbor Path treat opioids?",
                "ask_conditions",
                [{"entity": "condition", "value": "opioids"}],
            )
        )
    )
    assert said.startswith("Harbor Path Recovery IOP") and "Yes, opioid use is on its list." in said


def test_en_espanol_el_programa_para_adolescentes(actions_db):
    said = text_of(
        seen(
            conversation(
                "¿tienen programa para adolescentes? mi hija tiene 15",
                "ask_program_types",
                [{"entity": "age_group", "value": "15"}],
                slots={"language": "es"},
            )
        )
    )
    assert "13 a 17 años" in said and "sesiones familiares" in said


# ------------------------------------------------------------------ no repeat


def test_a_paragraph_already_given_is_referred_to_not_repeated(actions_db):
    full = paragraph("utter_ask_schedule")
    first = text_of(seen(conversation("how many hours a week?", "ask_schedule")))
    assert first == full
    again = text_of(
        seen(
            conversation(
                "is there one with evening groups? he has school until 3",
                "ask_schedule",
                [{"entity": "time_of_day", "value": "evening"}],
                earlier=[bot_said("utter_ask_schedule")],
            )
        )
    )
    assert again.startswith("As I mentioned") and "9 to 20 hours" in again
    assert full not in again and len(again) < len(full) / 2


def test_a_paragraph_run_by_the_policy_counts_as_given_too(actions_db):
    # Inside a form the rules send utter_ask_conditions directly (an action event).
    again = text_of(
        seen(
            conversation(
                "what do you treat?",
                "ask_conditions",
                earlier=[{"event": "action", "name": "utter_ask_conditions"}],
            )
        )
    )
    assert again.startswith("As I mentioned") and again != paragraph("utter_ask_conditions")


def test_a_new_session_gets_the_full_paragraph_again(actions_db):
    earlier = [bot_said("utter_ask_insurance"), {"event": "session_started"}]
    said = text_of(seen(conversation("do you take insurance?", "ask_insurance", earlier=earlier)))
    assert said == paragraph("utter_ask_insurance")


def test_como_te_comente_en_espanol(actions_db):
    said = text_of(
        seen(
            conversation(
                "¿qué horario tienen?",
                "ask_schedule",
                slots={"language": "es"},
                earlier=[bot_said("utter_ask_schedule")],
            )
        )
    )
    assert said.startswith("Como te comenté") and paragraph("utter_ask_schedule", "es") not in said


def test_specific_answers_are_marked_so_a_later_turn_knows_them(actions_db):
    dispatcher = CollectingDispatcher()
    t = conversation(
        "do you treat teens?", "ask_conditions", [{"entity": "age_group", "value": "teens"}]
    )
    asyncio.run(ActionAnswerQuestion().run(dispatcher, t, {}))
    [message] = dispatcher.messages
    assert message["utter_action"] == "answer_teen"
    assert "answer_teen" in answers.answers_given([bot_said(message["utter_action"])])


@pytest.mark.parametrize("intent", ["ask_what_is_iop", "ask_therapies", "greet"])
def test_other_questions_are_left_to_their_own_rules(intent):
    assert answers.choose(intent, "hello", [], []) is None


@pytest.mark.parametrize(
    "text",
    [
        "could he live at home while he does it?",  # not Live Oak IOP
        "that sounds good, what conditions do you treat?",  # not Sound Recovery IOP
        "do programs have evening hours?",
    ],
)
def test_ordinary_words_do_not_name_a_program(session, text):
    programs = list(session.execute(select(Program)).scalars())
    assert answers.named_program(text, programs) is None


@pytest.mark.parametrize(
    "text, name",
    [
        ("does the bayveiw teen program take aetna", "Bayview Teen Evening IOP"),
        ("what time does Bayview adult day meet", "Bayview Adult Day IOP"),
        ("is live oak in austin any good", "Live Oak IOP"),
    ],
)
def test_a_program_named_with_typos_is_found(session, text, name):
    programs = list(session.execute(select(Program)).scalars())
    assert answers.named_program(text, programs).name == name


def test_with_the_directory_unreachable_the_question_still_gets_its_answer(monkeypatch):
    monkeypatch.setenv("IOP_DATABASE_URL", "postgresql://iop:x@127.0.0.1:9/iop")  # closed port
    said = text_of(seen(conversation("does the bayview program take aetna?", "ask_insurance")))
    assert said == paragraph("utter_ask_insurance")


def test_an_age_said_in_passing_counts_even_when_the_extractor_misses_it():
    assert answers.age_group_asked([], "Do you treat teenagers? He is 16.") == "teen"
    assert answers.age_group_asked([], "mi hijo tiene 15 años") == "teen"
    assert answers.age_group_asked([], "he is 16 days sober, what do you treat") is None
    assert answers.age_group_asked([], "my copay is 16 percent, what do you treat") is None
    assert answers.age_group_asked([], "tengo 30 dólares para el copago") is None
    assert answers.age_group_asked([], "what conditions do you treat") is None
