"""Small guards of the channels, without a model or a server: typed payloads
(L1), the MessageSid dedupe and the SMS start-up checks (L2), the turn
deadline and the event key of the channels' own flags."""

import asyncio

import pytest

from iopnav.channels import dedupe, fallback, payloads
from iopnav.channels.sms import check_settings

OFFERED = [
    {
        "title": "Yes",
        "payload": '/crisis{"crisis_kind": "suicide", "crisis_category": "screening_yes"}',
    },
    {"title": "No", "payload": "/deny"},
]


# ---- typed payloads (L1) ----------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, read_as",
    [
        (
            "/deny@1 I have a gun and I am going to use it on myself tonight",
            "deny@1 I have a gun and I am going to use it on myself tonight",
        ),
        ("/crisis", "crisis"),
        ("//crisis", "crisis"),
        (
            ' /start_intake{"intake_contact": "+18135550143"}',
            'start_intake{"intake_contact": "+18135550143"}',
        ),
        ("/deny@1", "deny@1"),  # offered "/deny", but not with a confidence
        ("/", ""),
        ("what is an IOP?", "what is an IOP?"),
        ("and/or", "and/or"),
    ],
)
def test_a_payload_that_was_not_offered_is_read_as_text(typed, read_as):
    assert payloads.as_typed(typed, OFFERED) == read_as


@pytest.mark.parametrize("button", OFFERED)
def test_an_offered_button_payload_is_kept(button):
    assert payloads.as_typed(button["payload"], OFFERED) == button["payload"]


def test_without_an_offer_no_payload_is_kept():
    assert payloads.as_typed("/deny", []) == "deny"


# ---- MessageSid dedupe (L2) -----------------------------------------------------------------


SID = "SM" + "ab" * 16


async def test_a_repeated_message_sid_gets_the_first_reply_without_running_again():
    recent = dedupe.RecentReplies()
    runs = []

    async def produce():
        runs.append(1)
        await asyncio.sleep(0.05)
        return 200, f"<Response><Message>reply {len(runs)}</Message></Response>", "application/xml"

    # The retry arrives while the first request is still running, then after.
    first, second = await asyncio.gather(recent.once(SID, produce), recent.once(SID, produce))
    third = await recent.once(SID, produce)
    assert runs == [1] and first == second == third and "reply 1" in first[1]
    other = await recent.once("SM" + "cd" * 16, produce)
    assert runs == [1, 1] and "reply 2" in other[1]


async def test_a_failed_first_attempt_is_not_remembered():
    recent = dedupe.RecentReplies()

    async def fails():
        raise RuntimeError("database down")

    async def works():
        return 200, "<Response/>", "application/xml"

    with pytest.raises(RuntimeError):
        await recent.once(SID, fails)
    assert await recent.once(SID, works) == (200, "<Response/>", "application/xml")


async def test_without_a_valid_sid_nothing_is_deduplicated():
    recent = dedupe.RecentReplies()
    runs = []

    async def produce():
        runs.append(1)
        return 200, "x", "text/plain"

    for sid in (None, "", "not-a-sid", "SM" + "0" * 31):
        await recent.once(sid, produce)
        await recent.once(sid, produce)
    assert len(runs) == 8


async def test_old_entries_expire():
    recent = dedupe.RecentReplies(ttl_seconds=0)
    runs = []

    async def produce():
        runs.append(1)
        return 200, "x", "text/plain"

    await recent.once(SID, produce)
    await recent.once(SID, produce)
    assert len(runs) == 2


# ---- SMS start-up checks (L2) -------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "chat.example.org"])
def test_signature_checks_cannot_be_off_on_a_public_address(host):
    with pytest.raises(RuntimeError, match="IOP_TWILIO_VALIDATE"):
        check_settings(validate=False, public_url="", host=host)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_signature_checks_may_be_off_on_loopback(host):
    check_settings(validate=False, public_url="", host=host)


def test_the_public_url_must_be_https():
    with pytest.raises(RuntimeError, match="https"):
        check_settings(validate=True, public_url="http://chat.example.org", host="0.0.0.0")
    check_settings(validate=True, public_url="https://chat.example.org/assistant", host="0.0.0.0")


def test_the_sms_channel_refuses_to_start_with_unsafe_settings(monkeypatch):
    from iopnav.channels.sms import TwilioSMSInput

    monkeypatch.setenv("IOP_PUBLIC_URL", "http://chat.example.org")
    with pytest.raises(RuntimeError):
        TwilioSMSInput.from_credentials(None)


# ---- deadline and flag key --------------------------------------------------------------------


def test_turn_deadlines_come_from_the_environment(monkeypatch):
    assert fallback.turn_deadline("rest") == 10 and fallback.turn_deadline("sms") == 12
    monkeypatch.setenv("IOP_SMS_TURN_DEADLINE", "3.5")
    monkeypatch.setenv("IOP_WEB_TURN_DEADLINE", "soon")
    assert fallback.turn_deadline("sms") == 3.5 and fallback.turn_deadline("rest") == 10


async def test_a_late_turn_goes_on_in_the_background():
    finished = asyncio.Event()

    async def slow_turn():
        await asyncio.sleep(0.3)
        finished.set()

    failure = await fallback.run_turn(slow_turn(), deadline=0.05)
    assert isinstance(failure, fallback.TurnLate) and not finished.is_set()
    await asyncio.wait_for(finished.wait(), 2)


async def test_a_failed_turn_returns_its_error():
    async def broken():
        raise ConnectionError("lock store down")

    assert isinstance(await fallback.run_turn(broken(), deadline=1), ConnectionError)
    assert await fallback.run_turn(asyncio.sleep(0), deadline=1) is None


def test_the_flag_key_is_stable_within_a_minute_and_per_text():
    key = fallback.event_key("web-1", "I want to die")
    assert key.startswith("fallback:") and key == fallback.event_key("web-1", "I want to die")
    assert key != fallback.event_key("web-2", "I want to die")
    assert key != fallback.event_key("web-1", "I want to die now")
