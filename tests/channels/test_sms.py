"""The SMS channel (iopnav.channels.sms.TwilioSMSInput) through a running
assistant, with requests signed by the real twilio RequestValidator."""

import re
import urllib.parse
import uuid

import pytest
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from tests.support.assistant import TWILIO_TOKEN
from tests.support.sms import post_form, send_sms, twilio_params
from tests.support.waiting import wait_for

# GSM-7 characters that take two positions (escape + char) in a segment.
GSM_EXTENDED = set("^{}\\[~]|€")


def new_number() -> str:
    return "+1555" + str(uuid.uuid4().int)[:7]


@pytest.fixture
def number():
    return new_number()


@pytest.fixture
def sms(assistant):
    def send(sender, body, **extra):
        return send_sms(assistant.rasa_url, sender, body, **extra)

    return send


def segments(body: str) -> int:
    """How many SMS segments a carrier bills for `body`."""
    if all(ord(c) < 128 for c in body):
        units = len(body) + sum(1 for c in body if c in GSM_EXTENDED)
        return 1 if units <= 160 else -(-units // 153)
    return 1 if len(body) <= 70 else -(-len(body) // 67)


# ---- signature ---------------------------------------------------------------


def test_a_signed_text_gets_a_twiml_reply(sms, number):
    reply = sms(number, "what is an IOP?")
    assert reply.status == 200 and "xml" in reply.content_type
    assert reply.body.startswith("<?xml") and "<Response>" in reply.body
    assert "outpatient" in reply.text.lower()


@pytest.mark.parametrize("how", ["wrong token", "no header", "tampered body"])
def test_an_unsigned_or_forged_request_is_refused_with_403(assistant, number, how):
    url = f"{assistant.rasa_url}/webhooks/sms/webhook"
    params = twilio_params(number, "hi")
    token = "not-the-clinic-token" if how == "wrong token" else TWILIO_TOKEN
    signature = RequestValidator(token).compute_signature(url, params)
    if how == "tampered body":
        params["Body"] = "send me everything"
    reply = post_form(
        url, urllib.parse.urlencode(params).encode(), None if how == "no header" else signature
    )
    assert reply.status == 403
    assert reply.messages == []


def test_a_signed_request_without_a_from_number_is_refused(assistant):
    url = f"{assistant.rasa_url}/webhooks/sms/webhook"
    params = twilio_params("", "hi")
    del params["From"]
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, params)
    reply = post_form(url, urllib.parse.urlencode(params).encode(), signature)
    assert reply.status == 400 and "From" in reply.body


# ---- carrier keywords ---------------------------------------------------------


def test_stop_then_nothing_until_start(sms, number):
    assert "outpatient" in sms(number, "what is an IOP?").text.lower()
    stopped = sms(number, "STOP")
    assert "unsubscribed" in stopped.text and "START" in stopped.text
    assert sms(number, "what is an IOP?").messages == []
    assert sms(number, "hello?").messages == []
    assert "subscribed" in sms(number, "Start").text
    assert "outpatient" in sms(number, "what is an IOP?").text.lower()


@pytest.mark.parametrize("word", ["unsubscribe", "Cancel", " stop. "])
def test_every_opt_out_keyword_opts_out(sms, number, word):
    assert "unsubscribed" in sms(number, word).text
    assert sms(number, "what is an IOP?").messages == []
    assert sms(number, "UNSTOP").messages


def test_opting_out_affects_only_that_number(sms, number):
    sms(number, "STOP")
    assert sms(new_number(), "what is an IOP?").messages


def test_help_names_the_clinic_988_and_911(sms, number):
    reply = sms(number, "help")
    assert (
        "Cedar Grove" in reply.text
        and "988" in reply.text
        and "911" in reply.text
        and "STOP" in reply.text
    )


def test_a_crisis_is_never_swallowed_by_keyword_handling(sms, number):
    reply = sms(number, "stop, I want to kill myself")
    assert "988" in reply.text and "911" in reply.text
    assert sms(number, "what is an IOP?").messages, "the number must still be subscribed"


def test_an_opted_out_crisis_text_gets_no_reply_but_is_flagged_for_staff(assistant, sms, number):
    sms(number, "STOP")
    assert sms(number, "I took a whole bottle of pills").messages == []
    engine = create_engine(assistant.database_url)

    def channels():  # the outbox writes the flag on its own thread, just after the reply
        with engine.connect() as conn:
            return (
                conn.execute(
                    text("select channel from crisis_flags where sender_id = :s"), {"s": number}
                )
                .scalars()
                .all()
            )

    try:
        assert wait_for(channels) == ["sms"]
    finally:
        engine.dispose()


def test_the_sms_intake_offers_a_way_out_that_is_not_an_opt_out_keyword(sms, number):
    question = sms(number, "I want to sign up").text
    assert "EXIT FORM" in question and "cancel" not in question.lower()
    left = sms(number, "EXIT FORM").text
    assert "nothing from that was saved" in left
    assert "outpatient" in sms(number, "what is an IOP?").text.lower(), "still subscribed"


# ---- crisis hand-off ------------------------------------------------------------


def test_a_crisis_text_gets_the_short_sms_handoff(sms, number):
    reply = sms(number, "i dont want to be alive anymore")
    [body] = reply.messages
    assert "988" in body and "911" in body and "741741" in body
    assert segments(body) <= 2, f"{len(body)} characters: {body!r}"


def test_after_a_handoff_every_reply_ends_with_the_reminder(sms, number):
    sms(number, "I want to kill myself")
    later = sms(number, "what is an IOP?").messages
    assert "988" in later[-1].splitlines()[-1]


def test_after_a_handoff_a_program_question_gets_no_numbered_topic_options(sms, number):
    question = "what kinds of programs are there"
    assert "Reply 1 for" in sms(number, question).text  # options before the hand-off
    sms(number, "I want to kill myself")
    later = sms(number, question).text
    assert "Reply 1 for" not in later and "988" in later


def test_the_intake_works_by_sms_in_spanish(sms, number):
    """Each question, the problem with an answer, and the way out, in Spanish;
    the way out is still not a carrier keyword."""
    first = sms(number, "quiero que me llamen para empezar el programa").text
    assert "¿Por que nombre deben preguntar?" in first and "EXIT FORM" in first
    assert "Gracias, Lucía" in sms(number, "me llamo Lucía").text
    assert "código de área" in sms(number, "555-0101").text
    assert "¿Cuándo es un buen momento" in sms(number, "(813) 555-0143").text
    left = sms(number, "EXIT FORM").text
    assert "no se guardó nada" in left


# ---- numbered options -----------------------------------------------------------


def test_buttons_become_numbered_options_and_a_digit_picks_one(assistant, sms, number):
    menu = sms(number, "hi").text
    options = re.search(r"Reply 1 for (.+)", menu)
    assert options, f"no numbered options in {menu!r}"
    first_title = options.group(1).split(",")[0].strip()
    reply = sms(number, "1")
    assert reply.messages and "Reply 1 for" not in reply.text.split("\n")[0]
    events = assistant.tracker(number)["events"]
    buttons = [e for e in events if e["event"] == "bot" and (e.get("data") or {}).get("buttons")]
    chosen = [b for b in buttons[0]["data"]["buttons"] if b["title"].rstrip("?.!:") == first_title]
    [last_user] = [e for e in events if e["event"] == "user"][-1:]
    assert chosen and last_user["text"] == chosen[0]["payload"]
    assert last_user["metadata"]["iopnav"]["typed"] == "1"


def test_a_number_without_a_matching_option_is_read_as_text(sms, number):
    sms(number, "hi")
    assert sms(number, "42").messages


# ---- bad and unusual input ------------------------------------------------------


def test_a_missing_body_gets_a_clear_reply(sms, number):
    assert "didn't get any text" in sms(number, None).text


def test_a_media_only_message_gets_a_clear_reply(sms, number):
    reply = sms(
        number,
        "",
        NumMedia="1",
        MediaUrl0="https://api.twilio.com/media/ME1",
        MediaContentType0="image/jpeg",
    )
    assert "only read text" in reply.text


def test_a_photo_with_a_question_answers_the_question(sms, number):
    reply = sms(
        number, "what is an IOP?", NumMedia="1", MediaUrl0="https://api.twilio.com/media/ME1"
    )
    assert "can't open pictures" in reply.text and "outpatient" in reply.text.lower()


def test_a_5000_character_text_is_answered_in_messages_twilio_accepts(assistant, sms, number):
    story = " ".join(
        f"Day {day}: work, dinner, a walk with the dog, then bed." for day in range(1, 110)
    )
    message = "What is an IOP? " + story
    assert len(message) > 5000
    reply = sms(number, message)
    assert reply.messages and all(len(m) <= 1600 for m in reply.messages)
    assert "long" in reply.messages[0]
    event = [e for e in assistant.tracker(number)["events"] if e["event"] == "user"][-1]
    assert event["metadata"]["iopnav"]["original_text"] == message


@pytest.mark.parametrize(
    "body", ["🙂👍", "¿Qué es un programa intensivo?", "Ich brauche Hilfe mit Alkohol"]
)
def test_emoji_and_other_languages_get_a_reply(sms, number, body):
    assert sms(number, body).messages


def test_invalid_utf8_in_the_form_is_read_not_crashed_on(assistant, number):
    url = f"{assistant.rasa_url}/webhooks/sms/webhook"
    raw = "Body=%FF%FEwhat+is+an+IOP%3F&From=" + urllib.parse.quote(number) + "&NumMedia=0"
    # Sign what a Twilio library would decode from these bytes (U+FFFD for the bad ones).
    params = dict(urllib.parse.parse_qsl(raw, encoding="utf-8", errors="replace"))
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, params)
    reply = post_form(url, raw.encode(), signature)
    assert reply.status == 200 and "outpatient" in reply.text.lower()


# ---- action server down and logs ----------------------------------------------


def test_with_the_action_server_down_a_crisis_text_still_gets_the_handoff(
    assistant_without_actions, number
):
    reply = send_sms(assistant_without_actions.rasa_url, number, "i dont want to be alive anymore")
    assert "988" in reply.text and "911" in reply.text and "741741" in reply.text
    failed = send_sms(assistant_without_actions.rasa_url, new_number(), "find an IOP near 60601")
    assert "couldn't answer" in failed.text, "a texter must not be left waiting"


def test_the_server_log_shows_masked_numbers_only(assistant, sms, number):
    sms(number, "STOP")
    sms(number, "START")
    log = (assistant.workdir / "rasa.log").read_text(errors="replace")
    assert f"***{number[-2:]}" in log, "the opt-out should be logged, masked"
    assert number[1:] not in log and number[-7:] not in log
