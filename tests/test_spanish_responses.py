"""Every domain response has a Spanish variation, and Rasa picks it by the
`language` slot alone: checked with Rasa's own variation filter on every
state of the slots the responses are conditioned on, on web and SMS."""

import itertools

import pytest
from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.shared.core.domain import Domain

from actions import prompts
from iopnav import bilingual, settings
from iopnav.nlu.language import detect
from iopnav.safety import resources

DOMAIN = Domain.load(str(settings.PROJECT_ROOT / "domain"))
STATES = [
    dict(zip(("crisis_kind", "crisis_mode"), values, strict=True))
    for values in itertools.product(
        bilingual.slot_values()["crisis_kind"], bilingual.slot_values()["crisis_mode"]
    )
]


def candidates(name, language, channel, state):
    slots = {**state, "language": language}
    return ResponseVariationFilter(DOMAIN.responses).responses_for_utter_action(
        name, channel, slots
    )


def is_spanish(variation):
    return bilingual.in_language("es") in (variation.get("condition") or [])


@pytest.mark.parametrize("name", sorted(DOMAIN.responses))
def test_every_response_is_sent_in_the_persons_language(name):
    for channel, state in itertools.product(("rest", "sms"), STATES):
        spanish = candidates(name, "es", channel, state)
        english = candidates(name, "en", channel, state)
        assert spanish and all(map(is_spanish, spanish)), (name, channel, state)
        assert english and not any(map(is_spanish, english)), (name, channel, state)
        for variation in spanish:
            assert detect(variation["text"]) == "es", variation["text"]
        for variation in english:
            assert detect(variation["text"]) == "en", variation["text"]
        english_titles = {b["title"] for v in english for b in v.get("buttons", [])}
        for variation in spanish:
            buttons = variation.get("buttons", [])
            # Same payloads as the English; titles in Spanish.
            assert {b["payload"] for b in buttons} <= {
                b["payload"] for v in english for b in v.get("buttons", [])
            }
            assert len(buttons) == len(english[0].get("buttons", []))
            shared = {b["title"] for b in buttons} & english_titles
            assert all(detect(title) is None for title in shared), (name, shared)  # "No"


def test_spanish_handoffs_name_988_in_spanish_and_911_and_fit_two_gsm_sms():
    r = resources.load()
    for state in STATES:
        for channel in ("rest", "sms"):
            [*texts] = (v["text"] for v in candidates("utter_crisis_handoff", "es", channel, state))
            for text in texts:
                assert "911" in text
                if state["crisis_kind"] in (None, "suicide"):
                    assert "marca 2" in text and "AYUDA" in text and "988" in text
                if channel == "sms":
                    assert len(text) <= resources.SMS_LIMIT
                    assert not set("áíóúÁÍÓÚ") & set(text), text  # GSM-7 only
    assert resources.handoff_for(r, None, "rest", "es") == resources.spanish.handoff(r)[0]


@pytest.mark.parametrize("key", sorted(prompts.PROMPTS))
@pytest.mark.parametrize("channel", ["rest", "sms"])
def test_every_action_server_text_is_sent_in_the_persons_language(key, channel):
    values = {"intake_first_name": "Ana", "intake_contact": "ana@example.com", "label": "x"}
    spanish = prompts.render(key, channel, "es", **values)
    english = prompts.render(key, channel, "en", **values)
    if not key.startswith("button_"):  # titles of one or two words: checked as titles
        assert detect(spanish["text"]) == "es" and detect(english["text"]) == "en"
    assert spanish["text"] != english["text"]
    es_buttons, en_buttons = spanish.get("buttons", []), english.get("buttons", [])
    assert [b["payload"] for b in es_buttons] == [b["payload"] for b in en_buttons]
    for es_button, en_button in zip(es_buttons, en_buttons, strict=True):
        assert es_button["title"] != en_button["title"] or detect(es_button["title"]) is None
