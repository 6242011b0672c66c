"""What both channels do to incoming text (iopnav.channels.cleaning)."""

import pytest

from iopnav.channels.cleaning import MAX_MESSAGE_CHARS, BadInput, clean_text


@pytest.mark.parametrize(
    "raw, code",
    [
        (None, "missing_message"),
        (17, "message_not_text"),
        ("", "empty_message"),
        ("  \n\t ", "empty_message"),
        ("\u200b\ufeff", "empty_message"),
        ("\x00\x01\x02\x03\x04\x05\x06\x07", "unreadable_message"),
        ("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "unreadable_message"),
    ],
)
def test_unusable_input_is_refused_with_a_reason(raw, code):
    with pytest.raises(BadInput) as caught:
        clean_text(raw)
    assert caught.value.code == code and caught.value.message


def test_stray_control_characters_and_surrogates_are_dropped_not_the_text():
    assert clean_text("what is\x00 an \ud800IOP?\x07").text == "what is an IOP?"


def test_emoji_accents_and_other_scripts_are_kept():
    for text in ("¿Qué es un programa?", "👩‍👧 family program?", "强化门诊"):
        assert clean_text(text).text == text


def test_a_short_message_has_no_note():
    message = clean_text("hello")
    assert message.note() is None and message.metadata == {}


def test_a_long_message_is_cut_with_a_note_and_kept_in_metadata():
    raw = "I would like to know about evening groups and insurance. " * 100
    message = clean_text(raw)
    assert len(message.text) <= MAX_MESSAGE_CHARS
    assert message.note().startswith("Your message was long (5,699 characters)")
    assert message.metadata["iopnav"]["original_text"] == raw.strip()


def test_a_crisis_beyond_the_cut_is_kept():
    filler = "We talked about the weather, the garden and the neighbours. " * 60
    message = clean_text(filler + "I have a plan to kill myself tonight.")
    assert len(message.text) <= MAX_MESSAGE_CHARS
    assert "kill myself" in message.text


def test_the_long_message_note_is_in_the_language_of_the_message():
    raw = "Quiero saber si tienen grupos por la noche y si aceptan mi seguro. " * 60
    note = clean_text(raw).note()
    assert note.startswith("Tu mensaje era largo (4,019 caracteres), así que solo leí unos 2,000")
    # By SMS without á í ó ú, which would turn the message into UCS-2.
    assert (
        clean_text(raw).note("sms").startswith("Tu mensaje era largo (4,019 caracteres), asi que")
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_refusal_has_a_sentence_in_both_languages(language):
    for raw in (None, 17, "", "\x00\x01\x02\x03\x04\x05\x06\x07"):
        with pytest.raises(BadInput) as caught:
            clean_text(raw)
        assert len(caught.value.text(language)) > 20
    with pytest.raises(BadInput) as caught:
        clean_text("  ")
    assert caught.value.text("es") == "El mensaje está vacío. Escribe una pregunta, por favor."
    assert caught.value.message == "The message is empty. Please type a question."
