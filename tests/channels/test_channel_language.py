"""The channels' own answers (the hand-off when the dialogue cannot answer,
the reminder after one) are in the person's language: the message's own,
else the conversation's last known one, else English. No model needed."""

import asyncio

import pytest

from iopnav.channels import fallback, sms_text, texts, webfallback
from iopnav.channels.conversation import last_language
from iopnav.safety import outbox, resources

SPANISH_CRISIS = "ya no aguanto más, esta noche me quito la vida"


def handoff(language, channel="rest"):
    return resources.handoff_for(resources.load(), None, channel, language)


def slot(value):
    return {"event": "slot", "name": "language", "value": value}


def test_the_conversations_language_is_its_last_language_slot():
    assert last_language([]) is None
    events = [slot("en"), {"event": "user", "text": "hola"}, slot("es"), slot(None)]
    assert last_language(events) is None
    assert last_language(events[:3]) == "es"


class Store:
    def __init__(self, language=None, fails=False):
        self.language, self.fails = language, fails

    async def retrieve_full_tracker(self, sender_id):
        if self.fails:
            raise ConnectionError("tracker store down")
        store = self

        class Tracker:
            def get_slot(self, name):
                return store.language if name == "language" else None

        return Tracker()


class Agent:
    def __init__(self, store):
        self.tracker_store = store


@pytest.mark.parametrize(
    "text, store, language",
    [
        (SPANISH_CRISIS, Store("en"), "es"),  # the message's own language first
        ("I can't go on anymore, tonight is the night", Store("es"), "en"),
        ("ok", Store("es"), "es"),  # no language of its own: the conversation's
        ("ok", Store(None), "en"),
        ("ok", Store(fails=True), "en"),  # the store is what failed: English
        (SPANISH_CRISIS, Store(fails=True), "es"),
    ],
)
def test_the_fallbacks_language(text, store, language):
    assert asyncio.run(fallback.language_of(Agent(store), "s1", text)) == language


@pytest.fixture
def flags(monkeypatch):
    raised = []
    monkeypatch.setattr(outbox, "enqueue_flag", lambda *a, **k: raised.append(a))
    return raised


def test_the_web_page_hands_a_spanish_crisis_the_spanish_handoff(flags):
    verdict = webfallback.Verdict(True, "suicide_intent")
    [answer] = webfallback.reply("web-" + "a" * 32, SPANISH_CRISIS, verdict, "unreachable")
    assert answer["text"] == handoff("es") and "marca 2" in answer["text"]
    assert len(flags) == 1
    [answer] = webfallback.reply("web-" + "b" * 32, "I want to die", verdict, "unreachable")
    assert answer["text"] == handoff("en")


def test_an_unread_spanish_message_gets_the_spanish_crisis_lines():
    verdict = webfallback.Verdict(False, unread=True)
    answer = webfallback.reply("web-" + "c" * 32, "¿me puedes ayudar?", verdict, "unreachable")
    assert answer[1]["text"] == handoff("es")


def test_the_stand_ins_in_spanish_name_988_the_spanish_way_and_911():
    verdict = webfallback.Verdict(False)
    [answer] = webfallback.reply("web-" + "d" * 32, "¿cuánto cuesta?", verdict, "unreachable")
    assert answer["text"].startswith("No se puede contactar al asistente")
    assert answer["status"] == "not_delivered"
    [answer] = webfallback.reply("web-" + "e" * 32, "how much is it?", verdict, "unreachable")
    assert answer["text"] == webfallback.NOT_DELIVERED
    for text in (sms_text.unavailable_text("es"), texts.say("no_reply", "es", "sms")):
        assert "marca 2" in text and "AYUDA" in text and "911" in text
    # By SMS: GSM-7 only, within two segments.
    assert sms_text.unavailable_text("es").isascii() and len(sms_text.unavailable_text("es")) <= 306
