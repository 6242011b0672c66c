"""The language a message is answered in (iopnav/nlu/language.py and its
Rasa component): Spanish and English on short and mixed messages, and no
language at all for "ok", numbers, ZIP codes and names."""

import pytest
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from iopnav.nlu.language import detect
from iopnav.nlu.language_component import LanguageDetector


@pytest.mark.parametrize(
    "text",
    [
        "hola",
        "gracias",
        "sí",
        "¿qué es un IOP?",
        "aceptan medicaid?",
        "no sé",
        "mi therapist dice que necesito un IOP",
        "tengo Medi-Cal, me lo cubre?",
        "Necesitamos orientación sobre tratamientos ambulatorios intensivos",
    ],
)
def test_spanish_messages_read_as_spanish(text):
    assert detect(text) == "es"


@pytest.mark.parametrize(
    "text",
    [
        "hi",
        "yes",
        "thanks",
        "do you take aetna",
        "I need a program near Los Angeles",
        "my mom only speaks español, do you have groups for her?",
        "hola, do you take Medi-Cal?",
    ],
)
def test_english_messages_read_as_english(text):
    assert detect(text) == "en"


@pytest.mark.parametrize(
    "text", ["ok", "2", "33602", "no", "Miami", "Medi-Cal", "IOP", "555-123-4567", "", "?"]
)
def test_messages_without_a_clear_language_have_none(text):
    assert detect(text) is None


def language_entities(text):
    message = Message(data={TEXT: text})
    LanguageDetector().process([message])
    return [e["value"] for e in message.get(ENTITIES) if e["entity"] == "language"]


def test_the_component_tags_a_spanish_message_for_the_slot():
    assert language_entities("necesito ayuda con mi hijo") == ["es"]


def test_the_component_leaves_an_unclear_message_untagged_so_the_slot_keeps_its_value():
    assert language_entities("33602") == []
