"""A Spanish message into each path where a channel answers by itself (bad
input, a long message, a request budget, SMS STOP/START, a picture alone)
gets the Spanish text; a rate-limited crisis still gets the hand-off, in
Spanish. The real trained model runs in-process (inprocess.py), no action
server."""

import json
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

import pytest

from iopnav.channels import limits, sms_text, texts
from iopnav.safety import resources
from iopnav.safety.handoffs import by_kind as handoffs_by_kind

# Loads the trained model in-process (about 30 s), so not in `make test-fast`.
pytestmark = pytest.mark.slow

SPANISH_QUESTION = "¿qué es un programa intensivo ambulatorio?"
SPANISH_CRISIS = "ya no aguanto más, tengo las pastillas y esta noche me las tomo todas"
SPANISH = {"accept-language": "es-MX,es;q=0.9,en;q=0.8"}


@pytest.fixture(scope="module")
def channels(sqlite_channels):
    return sqlite_channels


@pytest.fixture
def sender():
    return "es-" + uuid.uuid4().hex


@pytest.fixture
def number():
    return "+1555" + str(uuid.uuid4().int)[:7]


def handoffs(channel, language):
    kinds = [None, *handoffs_by_kind(resources.load())]
    return {resources.handoff_for(resources.load(), k, channel, language) for k in kinds}


def post_rest(channels, body: bytes, headers=None):
    status, _, raw = channels.asgi.request(
        "POST",
        "/webhooks/rest/webhook",
        "",
        {"content-type": "application/json", **(headers or {})},
        body,
    )
    return status, json.loads(raw.decode())


def sms(channels, number, body, media=0):
    """A text (or a picture with no text) as Twilio posts it."""
    params = {"From": number, "To": "+15550100142", "Body": body, "NumMedia": str(media)}
    _, _, raw = channels.asgi.request(
        "POST",
        "/webhooks/sms/webhook",
        "",
        {"content-type": "application/x-www-form-urlencoded"},
        urllib.parse.urlencode(params).encode(),
    )
    return [m.text or "" for m in ET.fromstring(raw.decode()).iter("Message")]


def spanish_sms_conversation(channels, number):
    """A texter whose conversation is in Spanish."""
    answer = " ".join(sms(channels, number, SPANISH_QUESTION))
    assert "programa" in answer.lower()


# ---- REST: bad input ---------------------------------------------------------------


@pytest.mark.parametrize(
    "message, code, spanish",
    [
        ("", "empty_message", "El mensaje está vacío."),
        ("/", "empty_message", "El mensaje está vacío."),  # a typed payload nobody offered
        (17, "message_not_text", "El mensaje debe ser texto"),
        ("\x00\x01\x02\x03\x04\x05\x06\x07", "unreadable_message", "El mensaje parece contener"),
    ],
)
def test_rest_a_message_with_no_words_is_refused_in_the_language_the_client_asks_for(
    channels, sender, message, code, spanish
):
    body = json.dumps({"sender": sender, "message": message}).encode()
    status, answer = post_rest(channels, body, SPANISH)
    assert status == 400 and answer["error"] == code and answer["message"].startswith(spanish)
    # Without the header, nothing tells the language: English.
    status, answer = post_rest(channels, body)
    assert answer["error"] == code and answer["message"] == texts.say(f"bad_input.{code}")


def test_rest_a_spanish_message_with_a_bad_sender_is_refused_in_spanish(channels):
    body = json.dumps({"sender": "no válido!", "message": SPANISH_QUESTION}).encode()
    status, answer = post_rest(channels, body)
    assert status == 400 and answer["error"] == "invalid_sender"
    assert answer["message"].startswith('El "sender" debe tener de 1 a 128 letras')


def test_rest_an_unreadable_body_is_refused_in_the_language_the_client_asks_for(channels):
    status, answer = post_rest(channels, b'{"sender": "x", "message": ', SPANISH)
    assert status == 400 and answer["error"] == "malformed_json"
    assert answer["message"].startswith("El contenido de la solicitud no es JSON válido.")
    status, answer = post_rest(channels, b"\xff\xfe\x00", SPANISH)
    assert answer["message"] == "El contenido de la solicitud no es texto UTF-8 válido."


def test_rest_a_long_spanish_message_is_answered_with_the_spanish_note(channels, sender):
    story = "Mi hermano tiene problemas con el alcohol y no sé cómo ayudarle. " * 40
    status, replies, _ = channels.rest(sender, story)
    assert status == 200
    length = f"{len(story.strip()):,}"
    assert replies[0]["text"].startswith(f"Tu mensaje era largo ({length} caracteres), así que")


# ---- REST: a request budget -----------------------------------------------------------


def test_rest_over_its_budget_spanish_waits_in_spanish_and_a_crisis_gets_the_spanish_handoff(
    channels, sender, tight_budgets
):
    for _ in range(2):
        assert channels.rest(sender, SPANISH_QUESTION)[0] == 200
    status, answer, headers = channels.rest(sender, "¿y los horarios de la tarde?")
    wait = int(headers["retry-after"])
    assert status == 429 and answer["message"] == limits.slow_down_text(wait, "es")
    assert answer["message"].startswith("Estás enviando mensajes más rápido de lo que puedo")
    # "ok" has no language of its own: the widget's (Accept-Language) decides.
    status, answer, _ = channels.rest(sender, "ok", **SPANISH)
    assert status == 429 and answer["message"].startswith("Estás enviando mensajes")
    status, replies, _ = channels.rest(sender, SPANISH_CRISIS)
    assert status == 200 and " ".join(r["text"] for r in replies) in handoffs("rest", "es")


# ---- SMS --------------------------------------------------------------------------------


def test_sms_stop_and_start_answer_in_the_conversations_language(channels, number):
    spanish_sms_conversation(channels, number)
    [stopped] = sms(channels, number, "STOP")
    assert stopped == sms_text.stop_text("es")
    assert "Responde START para volver a suscribirte" in stopped and "marca 2" in stopped
    [started] = sms(channels, number, "start")
    assert started == sms_text.start_text("es")
    # A number with no conversation gets the English confirmation.
    assert sms(channels, "+1555" + str(uuid.uuid4().int)[:7], "STOP") == [sms_text.stop_text()]


def test_sms_help_stays_english_then_spanish(channels, number):
    spanish_sms_conversation(channels, number)
    assert sms(channels, number, "HELP") == sms_text.help_texts()


def test_sms_a_text_with_no_words_is_answered_in_the_conversations_language(channels, number):
    spanish_sms_conversation(channels, number)
    assert sms(channels, number, "") == [sms_text.bad_input_text("empty_message", "es")]
    assert sms(channels, number, "", media=1) == [sms_text.bad_input_text("media_only", "es")]
    assert sms(channels, number, "/")[0].startswith("No me llego ningun texto.")
    [answer] = sms(channels, number, "¿aceptan Medicaid?", media=1)
    assert answer.startswith("No puedo abrir fotos ni archivos, asi que solo lei tu texto.")


def test_sms_over_its_budget_spanish_waits_in_spanish_and_a_crisis_gets_the_spanish_handoff(
    channels, number, tight_budgets
):
    for _ in range(2):
        sms(channels, number, SPANISH_QUESTION)
    [message] = sms(channels, number, "¿y cuánto cuesta?")
    assert message.startswith("Estas enviando mensajes mas rapido de lo que puedo responder.")
    assert "marca 2" in message and "911" in message
    [message] = sms(channels, number, "ok")  # none of its own: the conversation's
    assert message.startswith("Estas enviando mensajes")
    messages = sms(channels, number, SPANISH_CRISIS)
    assert len(messages) == 1 and messages[0] in handoffs("sms", "es")
