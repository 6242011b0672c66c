"""Crisis reminders after a hand-off, and the configurable crisis resources."""

import re

import yaml

from iopnav.safety import resources
from iopnav.safety.session import crisis_reminder


def user(t, text="hi"):
    return {"event": "user", "timestamp": t, "text": text}


def action(t, name):
    return {"event": "action", "timestamp": t, "name": name}


def test_no_reminder_before_any_handoff():
    assert crisis_reminder([user(1), action(2, "utter_greet"), action(3, "action_listen")]) is None


def test_no_reminder_on_the_handoff_turn_itself():
    assert crisis_reminder([user(1), action(2, "utter_crisis_handoff")]) is None


def test_every_later_turn_gets_the_reminder():
    events = [
        user(1),
        action(2, "utter_crisis_handoff"),
        action(3, "action_listen"),
        user(4, "when do groups meet"),
        action(5, "utter_ask_schedule"),
    ]
    line = crisis_reminder(events)
    assert line and "988" in line and "911" in line


def test_the_reminder_is_in_the_conversations_language():
    events = [user(1), action(2, "utter_crisis_handoff"), user(3, "gracias")]
    web = crisis_reminder(events, "es")
    assert web and "marca 2" in web and "AYUDA" in web and "911" in web
    # By SMS without accents outside GSM-7, like the Spanish SMS hand-offs.
    sms = crisis_reminder(events, "es", "sms")
    assert sms and "envia AYUDA" in sms and all(ord(c) < 128 for c in sms)
    assert crisis_reminder(events, "en") == crisis_reminder(events)


def test_restart_right_after_handoff_keeps_the_reminder():
    events = [
        user(1),
        action(2, "utter_crisis_handoff"),
        action(3, "action_listen"),
        user(4, "/restart"),
        {"event": "restart", "timestamp": 5},
        action(6, "action_session_start"),
        {"event": "session_started", "timestamp": 6},
        user(7, "hello"),
        action(8, "utter_greet"),
    ]
    assert crisis_reminder(events)


def test_a_new_session_after_long_silence_ends_the_reminder():
    later = 10 + 3 * 3600
    events = [
        user(1),
        action(2, "utter_crisis_handoff"),
        action(3, "action_listen"),
        action(later, "action_session_start"),
        {"event": "session_started", "timestamp": later},
        user(later + 1),
        action(later + 2, "utter_greet"),
    ]
    assert crisis_reminder(events) is None


def test_unanswered_screening_question_keeps_hotline_visible_until_no():
    asked = [
        user(1),
        action(2, "utter_risk_check"),
        action(3, "action_listen"),
        user(4, "what is iop"),
        action(5, "utter_ask_what_is_iop"),
    ]
    assert crisis_reminder(asked)
    answered_no = asked[:3] + [
        user(4, "no"),
        action(5, "utter_risk_check_no"),
        action(6, "action_listen"),
        user(7, "what is iop"),
        action(8, "utter_ask_what_is_iop"),
    ]
    assert crisis_reminder(answered_no) is None


def test_handoff_names_every_configured_resource():
    r = resources.load()
    for text in (resources.handoff_text(r), resources.handoff_sms(r)):
        for value in (
            r["crisis_line"]["call"],
            r["emergency_number"],
            r["text_line"]["number"],
            r["text_line"]["keyword"],
        ):
            assert value in text
        assert "automated" in text and "still here" in text


def test_sms_handoff_fits_two_gsm7_segments():
    sms = resources.handoff_sms(resources.load())
    assert len(sms) <= resources.SMS_LIMIT
    # GSM-7 basic set: a curly quote or emoji would switch the SMS to UCS-2 (70 chars/segment).
    assert re.fullmatch(r"[A-Za-z0-9 .,:;'()!?\-/&@+%\"#*=<>\n]*", sms), sms


def test_generated_domain_file_is_up_to_date():
    assert resources.main(["", "check"]) == 0


def test_a_clinic_outside_the_us_changes_the_resources(tmp_path):
    config = {
        "emergency_number": "112",
        "crisis_line": {
            "name": "Telefonseelsorge",
            "call": "0800 111 0 111",
            "text": "0800 111 0 111",
            "spanish": "llame al 0800 111 0 111",
        },
        "text_line": {"name": "Krisenchat", "keyword": "HALLO", "number": "krisenchat.de"},
    }
    path = tmp_path / "crisis_resources.yml"
    path.write_text(yaml.safe_dump(config))
    rendered = yaml.safe_load(resources.render(resources.load(path)))
    texts = [v["text"] for v in rendered["responses"]["utter_crisis_handoff"]]
    assert all("112" in t and "0800 111 0 111" in t for t in texts)
    assert all("988" not in t for t in texts)
