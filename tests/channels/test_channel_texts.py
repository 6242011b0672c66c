"""Every text a channel sends by itself (iopnav/channels/wording.yml) has an
English and a Spanish wording that read as their language, fill the same
blanks, name 988 and 911 where a person in crisis may read them, and by SMS
stay in GSM-7 within two segments. No model needed."""

import string

import pytest

from iopnav.channels import cleaning, limits, sms_text, texts
from iopnav.nlu.language import detect
from iopnav.safety import resources

ENTRIES = texts.WORDING.entries
# The texts a person may get instead of an answer: each names the crisis
# line and the emergency number, in either language.
NAMES_THE_CRISIS_LINES = [
    "no_reply",
    "sms_unavailable",
    "not_delivered",
    "slow_down",
    "web_rate_limited",
    "unavailable",
    "sms_help",
    "sms_stop",
    "web.server_error",
]
# The blanks texts.say fills, and what the callers give.
VALUES = {"seconds": 30, "clinic": "Cedar Grove", "clinic_phone": "(555) 010-0142"}
VALUES.update(limit="65,536", length="5,000", kept="2,000", kb=64)
# GSM 03.38 basic character set: anything else turns an SMS into UCS-2.
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
SMS_KEYS = [key for key in ENTRIES if key.startswith("sms")] + ["slow_down", "no_reply"]


def blanks(template: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def render(key, language, channel=None):
    return texts.say(key, language, channel, **VALUES)


def test_the_wording_holds_every_kind_of_channel_text():
    groups = ("bad_input.", "sms_bad_input.", "web.", "slow_down", "sms_stop", "sms_start")
    assert all(any(key.startswith(group) for key in ENTRIES) for group in groups)
    assert len(ENTRIES) >= 35


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_every_channel_text_has_both_languages_with_the_same_blanks(key):
    entry = ENTRIES[key]
    assert set(entry) == {"en", "es"}, key
    assert entry["en"].strip() and entry["es"].strip() and entry["en"] != entry["es"]
    assert blanks(entry["en"]) == blanks(entry["es"]), key
    english, spanish = render(key, "en"), render(key, "es")
    # Short texts ("There is no page here.") may leave the detector unsure;
    # none may read as the other language.
    assert detect(english) in ("en", None) and detect(spanish) in ("es", None), key
    if len(spanish.split()) >= 6:
        assert detect(spanish) == "es" and detect(english) == "en", key


@pytest.mark.parametrize("key", NAMES_THE_CRISIS_LINES)
def test_the_texts_instead_of_an_answer_name_988_and_911_the_way_each_language_reaches_them(key):
    english, spanish = render(key, "en"), render(key, "es")
    assert "988" in english and "911" in english
    assert "marca 2" in spanish and "AYUDA" in spanish and "911" in spanish


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("key", SMS_KEYS)
def test_sms_texts_are_gsm7_within_two_segments(key, language):
    text = sms_text.gsm_friendly(render(key, language, "sms"))
    assert set(text) <= GSM7, (key, set(text) - GSM7)
    assert len(text) <= resources.SMS_LIMIT, key


def test_spanish_by_sms_loses_only_the_accents_outside_gsm7():
    web, sms = render("sms_start", "es"), render("sms_start", "es", "sms")
    assert "Pregúntame" in web and "Preguntame" in sms
    assert render("sms_start", "en", "sms") == render("sms_start", "en")


def test_the_carrier_keywords_stay_english_in_spanish():
    assert "Responde START para volver a suscribirte" in sms_text.stop_text("es")
    assert "Responde HELP para recibir ayuda, STOP para darte de baja" in sms_text.start_text("es")
    assert sms_text.stop_text("es").startswith("Te diste de baja de los mensajes de")


def test_the_english_texts_are_the_ones_the_channels_sent_before():
    # Moved from code to wording.yml, not changed.
    assert limits.slow_down_text(30) == (
        "You're sending messages faster than I can answer. Please wait 30 seconds and try "
        "again. In crisis, call or text 988; emergency 911."
    )
    assert sms_text.bad_input_text("media_only") == (
        "I can only read text, not pictures or files. Please type your question."
    )
    with pytest.raises(cleaning.BadInput) as caught:
        cleaning.clean_text(None)
    assert caught.value.message == (
        'The request has no message. Send the text in the "message" field.'
    )


@pytest.mark.parametrize(
    "header, language",
    [
        ("es", "es"),
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ("en-US,en;q=0.9,es;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,es;q=0.5", "es"),
        ("en;q=0.2, es;q=0.7", "es"),
        ("fr", None),
        ("*", None),
        ("", None),
        (None, None),
        ("es;q=abc", None),
    ],
)
def test_the_language_a_client_asks_for(header, language):
    assert texts.language_hint(header) == language


@pytest.mark.parametrize(
    "text, known, language",
    [
        ("¿cuánto cuesta el programa?", "en", "es"),  # the message's own first
        ("how much does it cost?", "es", "en"),
        ("ok", "es", "es"),  # none of its own: what is known of the person
        ("/", "es", "es"),
        (None, "es", "es"),
        (17, None, "en"),
        ("ok", None, "en"),
        ("ok", "fr", "en"),
    ],
)
def test_the_language_of_a_channels_own_answer(text, known, language):
    assert texts.language_for(text, known) == language


def test_an_error_before_sanic_built_the_request_is_answered_in_english():
    class Request:
        headers = {"accept-language": "es"}

    assert texts.request_hint(Request()) == "es"
    assert texts.request_hint(None) is None
    assert texts.language_for(None, texts.request_hint(None)) == "en"
