"""Anger the person says they cannot control gets the screening question
about hurting someone, not the one about ending their life; a "yes" to it
gets the hand-off for harm to others, typed or tapped."""

import asyncio

import pytest
import yaml
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from iopnav import settings
from iopnav.safety import handoffs, resources, spanish
from iopnav.safety.component import SafetyScreen, question_kind
from iopnav.safety.risk_component import RISK_KEY
from iopnav.safety.screen import AMBIGUOUS, NONE, assess

LOSING_CONTROL = [
    "i keep lashing out at my coworkers over nothing",
    "i have been so angry this month and i honestly cannot control it",
    "I can't control my temper anymore, I scare my own kids",
    "i can feel myself getting violent when we argue",
    "im scared of what i might do when he walks in",
    "my rage is scaring me lately",
    "i smash things when i get mad and last night it was the tv",
    "no puedo controlar mi coraje, ya le grité a todos en el trabajo",
    "me estoy poniendo violento con mi familia",
]
CALM_ANGER = [
    "do you have anger management groups in the evening?",
    "my son cannot control his temper at school, is there a teen program?",
    "I want to learn to manage my anger better",
    "I get annoyed at traffic like everybody else",
    "my toddler throws things when she is tired",
]


@pytest.mark.parametrize("text", LOSING_CONTROL)
def test_anger_out_of_control_is_asked_about_hurting_someone(text):
    assessment = assess(text)
    assert (assessment.level, assessment.category) == (AMBIGUOUS, "losing_control")
    assert question_kind(assessment) == "harm_others"


@pytest.mark.parametrize("text", CALM_ANGER)
def test_anger_as_a_topic_or_someone_elses_stays_calm(text):
    assert assess(text).level == NONE


def screened(text, *ranking, risk=None):
    message = Message(data={TEXT: text})
    if risk:
        message.set(RISK_KEY, risk)
    message.set(INTENT, {"name": ranking[0][0], "confidence": ranking[0][1]})
    message.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in ranking])
    SafetyScreen({}).process([message])
    kinds = [e["value"] for e in message.get(ENTITIES) or [] if e["entity"] == "crisis_kind"]
    return message.get(INTENT)["name"], kinds


def test_the_question_turn_names_the_danger_it_asks_about():
    assert screened("i keep lashing out at people and i cant control it", ("ask_cost", 0.6)) == (
        "express_distress",
        ["harm_others"],
    )
    assert screened("i feel hopeless about everything", ("share_feelings", 0.7)) == (
        "express_distress",
        ["suicide"],
    )
    # The risk model's kind alone does not pick it: the question names the anger.
    sure_others = {"crisis": 0.4, "kind": "harm_others", "kind_confidence": 0.9}
    assert screened("my toddler fights me every bedtime", ("ask_cost", 0.3), risk=sure_others) == (
        "express_distress",
        ["suicide"],
    )
    # An ordinary answer carries no kind.
    assert screened("do you take aetna", ("ask_insurance", 0.95)) == ("ask_insurance", [])


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(settings.PROJECT_ROOT / "domain"))


def sent(domain, action, **slots):
    tracker = DialogueStateTracker.from_events("t", [], slots=domain.slots)
    for name, value in slots.items():
        tracker.update(SlotSet(name, value))
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    return asyncio.run(nlg.generate(action, tracker, "rest"))


@pytest.mark.parametrize("language", ["en", "es"])
def test_rasa_asks_the_question_the_turn_named(domain, language):
    r = resources.load()
    es = language == "es"
    about_self = spanish.risk_check(r) if es else resources.risk_check_text(r)
    about_others = spanish.risk_check_others(r) if es else resources.risk_check_others_text(r)
    for kind in (None, "suicide", "overdose"):
        assert sent(domain, "utter_risk_check", crisis_kind=kind, language=language)["text"] == (
            about_self
        )
    asked = sent(domain, "utter_risk_check", crisis_kind="harm_others", language=language)
    assert asked["text"] == about_others
    assert "911" in asked["text"] and "988" in asked["text"]
    [yes] = [b for b in asked["buttons"] if b["title"] in ("Yes", "Sí")]
    assert '"crisis_kind": "harm_others"' in yes["payload"] and yes["payload"].startswith("/crisis")


def test_the_answers_to_the_question_about_others_fit_it(domain):
    no = sent(domain, "utter_risk_check_no", crisis_kind="harm_others")["text"]
    assert "hurt someone" in no and no.index("988") < no.index("intensive outpatient")
    assert "ending your life" not in no and "those thoughts" not in no
    unsure = sent(domain, "utter_risk_check_unsure", crisis_kind="harm_others")
    assert "everyone safe" in unsure["text"] and "911" in unsure["text"]
    payloads = {b["title"]: b["payload"] for b in unsure["buttons"]}
    assert payloads["Everyone is safe"] == "/affirm"
    assert "harm_others" in payloads["Someone could get hurt"]
    # A typed "yes" (the rule in data/rules/safety.yml) gets the hand-off for this danger.
    handoff = sent(domain, "utter_crisis_handoff", crisis_kind="harm_others")["text"]
    assert handoff == handoffs.by_kind(resources.load())["harm_others"][0]


def test_the_rules_after_the_question_need_no_new_branch():
    """Both questions are one action, so every answer rule covers both."""
    rules = yaml.safe_load((settings.PROJECT_ROOT / "data/rules/safety.yml").read_text())
    after = [r for r in rules["rules"] if r["steps"][0].get("action") == "utter_risk_check"]
    assert {"affirm", "deny", "express_unsure", "nlu_fallback"} <= {
        r["steps"][1]["intent"] for r in after
    }
