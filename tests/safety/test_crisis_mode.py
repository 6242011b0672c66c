"""The hand-off per kind of danger, and the replies after it (crisis mode).

Which variation a person gets is checked with Rasa's own response selection
(TemplatedNaturalLanguageGenerator over the real domain), because Rasa 3.6
prefers a channel match over a condition match: an SMS variation missing for
one kind would silently send the general hand-off by SMS.
"""

import asyncio
import re

import pytest
import yaml
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from iopnav import bilingual, settings
from iopnav.safety import followups, handoffs, resources
from iopnav.safety.component import decide, is_short_follow_up
from iopnav.safety.screen import Assessment

GSM7 = re.compile(r"[A-Za-z0-9 .,:;'()!?\-/&@+%\"#*=<>\n]*")

# What each kind's hand-off must name (crisis_resources.yml).
KIND_RESOURCES = {
    "overdose": ["911", "1-800-222-1222", "Poison Control", "988"],
    "harm_others": ["911", "988", "hurt someone"],
    "child": ["911", "1-888-773-8368", "Stop It Now", "stop", "1-800-422-4453"],
    "abuse": ["911", "1-800-799-7233", "START", "88788"],
}


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(settings.PROJECT_ROOT / "domain"))


def reply(domain, action, channel="rest", **slots):
    tracker = DialogueStateTracker.from_events("t", [], slots=domain.slots)
    for name, value in slots.items():
        tracker.update(SlotSet(name, value))
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    return asyncio.run(nlg.generate(action, tracker, channel))


@pytest.mark.parametrize("kind", sorted(KIND_RESOURCES))
def test_each_kind_names_its_resources_on_web_and_sms(kind):
    text, sms = handoffs.by_kind(resources.load())[kind]
    for value in KIND_RESOURCES[kind]:
        assert value in text, (kind, value)
    for value in KIND_RESOURCES[kind]:
        if value not in ("stop", "hurt someone"):
            assert value in sms, (kind, value)


@pytest.mark.parametrize("kind", sorted(KIND_RESOURCES))
def test_each_kind_fits_sms_and_never_offers_programs(kind):
    text, sms = handoffs.by_kind(resources.load())[kind]
    assert len(sms) <= resources.SMS_LIMIT
    assert GSM7.fullmatch(sms), sms
    for pitch in ("program", "IOP", "family", "insurance", "intake"):
        assert pitch not in text and pitch not in sms


@pytest.mark.parametrize("channel", ["rest", "sms"])
@pytest.mark.parametrize("kind", sorted(KIND_RESOURCES))
def test_rasa_sends_the_kind_variation_on_every_channel(domain, kind, channel):
    text, sms = handoffs.by_kind(resources.load())[kind]
    sent = reply(domain, "utter_crisis_handoff", channel, crisis_kind=kind)
    assert sent["text"] == (sms if channel == "sms" else text)


@pytest.mark.parametrize("channel", ["rest", "sms"])
def test_suicide_and_no_kind_get_the_general_handoff(domain, channel):
    r = resources.load()
    general = resources.handoff_sms(r) if channel == "sms" else resources.handoff_text(r)
    assert reply(domain, "utter_crisis_handoff", channel)["text"] == general
    assert reply(domain, "utter_crisis_handoff", channel, crisis_kind="suicide")["text"] == general


def test_fallback_in_crisis_mode_offers_help_not_a_menu(domain):
    for channel in ("rest", "sms"):
        sent = reply(domain, "utter_default", channel, crisis_mode=True)
        assert not sent.get("buttons")
        assert "rephrase" not in sent["text"].lower()
        for value in ("988", "741741", "988lifeline.org", "911"):
            assert value in sent["text"]
    ordinary = reply(domain, "utter_default")
    assert ordinary["buttons"] and "rephrase" in ordinary["text"]


def test_anger_gets_an_apology_and_in_crisis_mode_the_options(domain):
    calm = reply(domain, "utter_anger_at_bot", crisis_mode=True)
    assert "sorry" in calm["text"].lower() and "988" in calm["text"]
    assert "sorry" in reply(domain, "utter_anger_at_bot")["text"].lower()


def test_crisis_mode_replies_are_short_warm_and_without_buttons():
    for name, variations in followups.responses(resources.load()).items():
        for variation in variations:
            if name == "utter_default" and "condition" not in variation:
                continue  # the ordinary fallback keeps its topic menu
            assert "buttons" not in variation, name
            assert len(variation["text"].split()) <= 75, name


def test_the_answers_to_reaching_help_are_there():
    r = resources.load()
    texting = followups.text_options(r)[0]["text"]
    assert all(v in texting for v in ("Text 988", "HOME", "741741", "988lifeline.org", "AYUDA"))
    privacy = followups.crisis_privacy(r)[0]["text"]
    assert "usually no" in privacy and "immediate danger" in privacy
    assert "staff" in privacy  # honest about this chat too
    assert "counselor" in followups.line_process(r)[0]["text"]
    assert all("988" in v["text"] for v in followups.door_open(r))


def test_screening_answers_support_then_988_then_iop_and_never_repeat():
    r = resources.load()
    no = resources.risk_check_no_text(r)
    assert no.index("alone") < no.index("988") < no.index("intensive outpatient")
    unsure = resources.risk_check_unsure_text(r)
    assert "safe right now" in unsure and "988" in unsure
    assert "thoughts of ending your life" not in unsure


def test_tapping_yes_or_not_safe_is_a_crisis_turn():
    rendered = yaml.safe_load(resources.render(resources.load()))["responses"]
    for name, title in (("utter_risk_check", "Yes"), ("utter_risk_check_unsure", "I'm not safe")):
        [button] = [b for b in rendered[name][0]["buttons"] if b["title"] == title]
        assert button["payload"].startswith("/crisis{")


def test_crisis_mode_is_set_inside_rasa_and_only_by_responses(domain):
    slot = next(s for s in domain.slots if s.name == "crisis_mode")
    assert {"type": "from_intent", "intent": "crisis", "value": True} in slot.mappings
    rules = yaml.safe_load((settings.PROJECT_ROOT / "data/rules/crisis_mode.yml").read_text())
    for rule in rules["rules"]:
        for step in rule["steps"]:
            if "action" in step:
                assert step["action"].startswith("utter_"), rule["rule"]
                assert step["action"] in domain.responses, step["action"]


def test_a_clinic_without_the_extra_lines_gets_the_general_handoff(tmp_path):
    config = {
        "emergency_number": "112",
        "crisis_line": {"name": "Lifeline", "call": "0800 111", "text": "0800 111", "spanish": "-"},
        "text_line": {"name": "Textline", "keyword": "HI", "number": "4040"},
    }
    path = tmp_path / "crisis_resources.yml"
    path.write_text(yaml.safe_dump(config))
    rendered = yaml.safe_load(resources.render(resources.load(path)))["responses"]
    english = bilingual.in_language("en")
    kinds = {
        v["condition"][0]["value"]
        for v in rendered["utter_crisis_handoff"]
        if english in v.get("condition", [])
    }
    assert kinds == {"harm_others"}  # the only kind built from the crisis line alone
    texts = [v["text"] for variations in rendered.values() for v in variations]
    assert not any("988" in t or "741741" in t for t in texts)


# --- the safety decision on short follow-ups (iopnav/safety/component.py)


def test_a_sure_short_follow_up_is_not_overruled_by_the_risk_model_alone():
    asks_to_text = [{"name": "ask_text_or_chat", "confidence": 0.97}]
    assert is_short_follow_up("can i text instead", asks_to_text)
    risk = {"crisis": 0.8}
    text = "can i text instead"
    assert decide(Assessment("none"), asks_to_text, risk, text=text) == (None, "ml")
    # The same sure reading of a long message does not hold the risk model off.
    long = text + " because i have the pills here and i am going to take them"
    assert decide(Assessment("none"), asks_to_text, risk, text=long)[0] == "crisis"
    # The pattern screen and a sure risk score still hand off.
    assert decide(Assessment("crisis", "plan"), asks_to_text, risk, text=text)[0] == "crisis"
    assert decide(Assessment("none"), asks_to_text, {"crisis": 0.99}, text=text)[0] == "crisis"


def test_long_or_unsure_messages_are_not_follow_ups():
    long = "can i text instead because i have the pills here and i am going to take them"
    assert not is_short_follow_up(long, [{"name": "ask_text_or_chat", "confidence": 0.97}])
    assert not is_short_follow_up("idk", [{"name": "express_unsure", "confidence": 0.6}])
    assert not is_short_follow_up(
        "when do groups meet", [{"name": "ask_schedule", "confidence": 1}]
    )
