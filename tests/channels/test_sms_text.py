"""How replies are written for SMS (iopnav.channels.sms_text) and which URL
the signature is checked against (iopnav.channels.sms.validation_url)."""

import pytest

from iopnav.channels import sms_text
from iopnav.channels.sms import masked, validation_url

YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


def test_buttons_become_numbered_options():
    assert sms_text.render([{"text": "Are you safe?", "buttons": YES_NO}]) == (
        "Are you safe?\nReply 1 for Yes, 2 for No."
    )


def test_numbering_continues_across_messages_of_a_turn():
    text = sms_text.render(
        [
            {"text": "First.", "buttons": YES_NO},
            {
                "text": "Second.",
                "buttons": [{"title": "Find a program", "payload": "/find_program"}],
            },
        ]
    )
    assert "Reply 3 for Find a program." in text


def test_link_buttons_are_shown_as_links_not_numbers():
    text = sms_text.render(
        [{"text": "Read more.", "buttons": [{"title": "Our site", "url": "https://example.org"}]}]
    )
    assert "Our site: https://example.org" in text and "Reply" not in text


@pytest.mark.parametrize(
    "reply, expected", [("1", "/affirm"), (" 2 ", "/deny"), ("#2", "/deny"), ("1.", "/affirm")]
)
def test_a_digit_picks_its_option(reply, expected):
    assert sms_text.chosen_option(reply, YES_NO)["payload"] == expected


@pytest.mark.parametrize("reply", ["3", "0", "12 people", "one", ""])
def test_anything_else_is_not_an_option(reply):
    assert sms_text.chosen_option(reply, YES_NO) is None


@pytest.mark.parametrize(
    "body, word",
    [
        ("STOP", "STOP"),
        ("stop", "STOP"),
        (" Stop. ", "STOP"),
        ("unsubscribe", "UNSUBSCRIBE"),
        ("cancel", "CANCEL"),
        ("START", "START"),
        ("unstop", "UNSTOP"),
        ("help", "HELP"),
        ("yes", "YES"),
    ],
)
def test_carrier_keywords(body, word):
    assert sms_text.keyword(body) == word


@pytest.mark.parametrize(
    "body", ["stop it I want to die", "please help me", "help me now", "don't stop", None, ""]
)
def test_longer_messages_are_not_keywords(body):
    assert sms_text.keyword(body) is None


def test_long_replies_split_between_sentences_under_1600():
    sentences = [f"Sentence number {i} tells you something about the program." for i in range(90)]
    text = " ".join(sentences)
    parts = sms_text.split(text)
    assert len(parts) >= 3 and all(len(p) <= 1600 for p in parts)
    assert all(p.endswith(".") for p in parts)
    assert " ".join(parts) == text


def test_a_sentence_longer_than_a_message_is_split_between_words():
    parts = sms_text.split("word " * 700)
    assert all(len(p) <= 1600 for p in parts)
    assert all(not p.startswith(" ") and not p.endswith(" ") for p in parts)


def test_paragraphs_survive_splitting():
    assert sms_text.split("One.\n\nTwo.\nThree.") == ["One.\n\nTwo.\nThree."]


def test_typographic_characters_become_gsm_friendly():
    assert (
        sms_text.gsm_friendly("I\u2019m here \u2014 \u201cok\u201d\u2026") == 'I\'m here - "ok"...'
    )


def test_fixed_texts_fit_two_segments_and_name_the_crisis_lines():
    for text in (*sms_text.help_texts(), sms_text.stop_text()):
        assert len(text) <= 306 and "988" in text and "911" in text


def test_help_is_answered_in_english_and_in_spanish():
    english, spanish = sms_text.help_texts()
    assert "Reply STOP to opt out" in english
    # Spanish speakers reach 988 by pressing 2 or texting AYUDA; the carrier
    # keyword stays STOP, and no accent turns the message into UCS-2.
    assert "marca 2" in spanish and "AYUDA" in spanish and "Responde STOP" in spanish
    assert all(ord(c) < 128 for c in spanish), spanish


def test_signature_url_uses_the_public_url_behind_a_proxy():
    assert validation_url(
        "", "http://10.0.0.5:5005/webhooks/sms/webhook", "/webhooks/sms/webhook"
    ) == ("http://10.0.0.5:5005/webhooks/sms/webhook")
    assert (
        validation_url(
            "https://chat.clinic.example/",
            "http://10.0.0.5:5005/webhooks/sms/webhook",
            "/webhooks/sms/webhook",
            "a=1",
        )
        == "https://chat.clinic.example/webhooks/sms/webhook?a=1"
    )


def test_logs_see_only_the_last_two_digits():
    assert masked("+15551234567") == "***67" and "555" not in masked("whatsapp:+15551234567")
