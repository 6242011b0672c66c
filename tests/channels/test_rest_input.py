"""The REST channel (iopnav.channels.rest.SafeRestInput) through a running
assistant: Rasa's reply format for good requests, a clear 400 for bad ones,
long messages answered (shortened, with a note) instead of dropped."""

import http.client
import json
import select
import urllib.parse

import pytest
from sqlalchemy import create_engine, text

from tests.support.waiting import wait_for

HANDOFF_MARKERS = ("988", "911", "741741")


MAX_BODY = 64 * 1024


def post_raw(url: str, body: bytes):
    """POST `body` as JSON; (status, parsed answer).

    A body over the limit is refused from its Content-Length, before it is
    read: the client waits for that early answer instead of sending the
    body, or it races the server's close and sees a broken pipe."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.putrequest("POST", parts.path)
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        wait = 10.0 if len(body) > MAX_BODY else 0.0
        answered_early, _, _ = select.select([conn.sock], [], [], wait)
        if not answered_early:
            conn.send(body)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read().decode())
    finally:
        conn.close()


@pytest.fixture
def webhook(assistant):
    return f"{assistant.rasa_url}/webhooks/rest/webhook"


def user_events(assistant, sender):
    return [e for e in assistant.tracker(sender)["events"] if e["event"] == "user"]


def test_a_question_gets_an_answer_in_rasas_rest_format(assistant, sender_id):
    replies = assistant.send("what is an IOP?", sender_id)
    assert replies and all(r["recipient_id"] == sender_id for r in replies)
    assert "outpatient" in " ".join(r.get("text", "") for r in replies).lower()


@pytest.mark.parametrize(
    "body, code",
    [
        (b"", "empty_body"),
        (b"  \n ", "empty_body"),
        (b"\xff\xfe\x00\x01\x89PNG binary", "invalid_encoding"),
        (b'{"sender": "abc", "message": "hi"', "malformed_json"),
        (b"sender=abc&message=hi", "malformed_json"),
        (b'["abc", "hi"]', "malformed_json"),
        (b'{"message": "hi"}', "missing_sender"),
        (b'{"sender": "  ", "message": "hi"}', "missing_sender"),
        (b'{"sender": 42, "message": "hi"}', "invalid_sender"),
        (b'{"sender": "+15551234567", "message": "hi"}', "invalid_sender"),
        (b'{"sender": "abc"}', "missing_message"),
        (b'{"sender": "abc", "message": ""}', "empty_message"),
        (b'{"sender": "abc", "message": " \\n\\t  "}', "empty_message"),
        (b'{"sender": "abc", "message": {"text": "hi"}}', "message_not_text"),
        (
            b'{"sender": "abc", "message": "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006"}',
            "unreadable_message",
        ),
    ],
)
def test_bad_requests_get_a_clear_400(webhook, body, code):
    status, answer = post_raw(webhook, body)
    assert status == 400
    assert answer["error"] == code
    assert len(answer["message"]) > 10  # a sentence a developer can act on


@pytest.mark.parametrize("size", [70_000, 1_100_000])
def test_an_oversized_request_is_refused_with_413(webhook, size):
    # Refused from its Content-Length (REQUEST_MAX_SIZE 64 KB), before Sanic
    # buffers it, with the channel's own JSON answer.
    body = json.dumps({"sender": "abc", "message": "a" * size}).encode()
    status, answer = post_raw(webhook, body)
    assert status == 413 and answer["error"] == "too_large" and "65,536" in answer["message"]


def test_a_request_within_64_kb_is_answered(webhook, sender_id):
    body = json.dumps({"sender": sender_id, "message": "what is an IOP? " + "a " * 25_000})
    assert len(body) < 64 * 1024
    status, replies = post_raw(webhook, body.encode())
    assert status == 200 and "long" in replies[0]["text"]


def test_a_bad_request_does_not_break_the_conversation(assistant, webhook, sender_id):
    assistant.send("hi", sender_id)
    status, _ = post_raw(webhook, json.dumps({"sender": sender_id, "message": "   "}).encode())
    assert status == 400
    replies = assistant.send("what is an IOP?", sender_id)
    assert "outpatient" in " ".join(r.get("text", "") for r in replies).lower()


def test_a_long_message_is_answered_with_a_note_and_kept_in_full(assistant, sender_id):
    story = " ".join(
        f"On day {day} I went to work, came home, made dinner and watched the news."
        for day in range(1, 80)
    )
    message = "How many hours a week is an IOP? " + story
    assert len(message) > 5000
    replies = assistant.send(message, sender_id)
    assert "long" in replies[0]["text"] and "2,000" in replies[0]["text"]
    assert len(replies) >= 2, "the message itself must be answered, not just noted"
    [event] = user_events(assistant, sender_id)
    assert len(event["text"]) <= 2000
    kept = event["metadata"]["iopnav"]
    assert kept["original_length"] == len(message) and kept["original_text"] == message


def test_a_crisis_at_the_end_of_a_long_message_still_gets_the_handoff(assistant, sender_id):
    story = " ".join(
        f"Week {week} was busy with school, chores and my part-time job." for week in range(1, 60)
    )
    replies = assistant.send(story + " Honestly I am going to kill myself tonight.", sender_id)
    text = "\n".join(r.get("text", "") for r in replies)
    for marker in HANDOFF_MARKERS:
        assert marker in text


@pytest.mark.parametrize(
    "message",
    [
        "¿Qué es un programa intensivo ambulatorio?",
        "什么是强化门诊项目？",
        "👍🙂",
        "\ud800what is an IOP?",  # a lone surrogate, which JSON allows and databases do not
    ],
)
def test_non_english_emoji_and_odd_unicode_get_an_answer(assistant, webhook, sender_id, message):
    body = json.dumps({"sender": sender_id, "message": message}).encode()
    status, replies = post_raw(webhook, body)
    assert status == 200 and replies and replies[0].get("text")


def test_the_client_cannot_choose_the_channel(assistant, webhook, sender_id):
    body = json.dumps(
        {"sender": sender_id, "message": "hi", "input_channel": "sms", "metadata": {"x": 1}}
    ).encode()
    status, _ = post_raw(webhook, body)
    assert status == 200
    [event] = user_events(assistant, sender_id)
    assert event["input_channel"] == "rest" and "x" not in (event.get("metadata") or {})


# ---- action server down -----------------------------------------------------


def test_with_the_action_server_down_a_failed_action_is_answered_not_silent(
    assistant_without_actions, sender_id
):
    # The program search is a custom action; Rasa logs the failure and says nothing.
    replies = assistant_without_actions.send("find an IOP near 60601", sender_id)
    assert replies, "an empty reply looks like a broken chat"
    assert "couldn't answer" in replies[-1]["text"] and "988" in replies[-1]["text"]


def test_with_the_action_server_down_the_handoff_and_the_staff_flag_still_work(
    assistant_without_actions, sender_id
):
    replies = assistant_without_actions.send("I want to kill myself", sender_id)
    handoff = "\n".join(r.get("text", "") for r in replies)
    for marker in HANDOFF_MARKERS:
        assert marker in handoff
    engine = create_engine(assistant_without_actions.database_url)

    def flagged():  # the outbox writes the flag on its own thread, just after the reply
        with engine.connect() as conn:
            return conn.execute(
                text("select count(*) from crisis_flags where sender_id = :s"), {"s": sender_id}
            ).scalar()

    try:
        assert wait_for(flagged) == 1
    finally:
        engine.dispose()
