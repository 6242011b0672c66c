"""End-to-end checks of the knowledge answers through a running assistant.

One test per fact cluster of the seed material (see
tests/knowledge_coverage.md), plus the greeting, the no-diagnosis answer, the
bot challenge, out-of-scope and the fallback. Every question is phrased the
way a visitor would type it and is not an NLU training example, so these
tests exercise the classifier as well as the responses.
"""

from typing import Any, Dict, Iterable, List

import pytest


def reply(assistant, message: str, sender: str = None) -> str:
    """The bot's whole reply to one message, lower-cased for matching."""
    return assistant.texts(message, sender).lower()


def assert_mentions(text: str, facts: Iterable[str], message: str) -> None:
    missing = [fact for fact in facts if fact.lower() not in text]
    assert not missing, f"reply to {message!r} lacks {missing}: {text!r}"


def assert_mentions_any(text: str, options: Iterable[str], message: str) -> None:
    options = list(options)
    assert any(o.lower() in text for o in options), (
        f"reply to {message!r} has none of {options}: {text!r}"
    )


def buttons(messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [b for m in messages for b in (m.get("buttons") or [])]


# ------------------------------------------------------------- fact clusters


def test_definition_and_difference_from_other_levels_of_care(assistant):
    sender = assistant.new_sender()
    question = "hey so what does intensive outpatient actually mean?"
    text = reply(assistant, question, sender)
    assert_mentions(text, ["intensive outpatient", "home", "weekly", "group"], question)
    assert_mentions_any(text, ["hospital", "residential", "inpatient"], question)

    question = "ok and how does that compare with inpatient or a php?"
    text = reply(assistant, question, sender)
    assert_mentions(
        text,
        ["inpatient", "partial hospitalization", "php", "iop", "9 to 20", "outpatient therapy"],
        question,
    )


def test_schedule_hours_and_length(assistant):
    question = "roughly how much time per week does an iop take up?"
    text = reply(assistant, question)
    assert_mentions(text, ["9", "20", "hours", "week", "3 to 5 days", "evening"], question)
    assert_mentions_any(text, ["few weeks", "few months"], question)


def test_conditions_treated(assistant):
    question = "which illnesses or issues can an iop deal with?"
    text = reply(assistant, question)
    assert_mentions(
        text, ["depression", "bipolar", "anxiety", "ptsd", "ocd", "alcohol or drug"], question
    )
    # It lists what programs treat; it does not tell the visitor what they have.
    assert_mentions(text, ["can't say whether"], question)


def test_therapies_used(assistant):
    question = "what sort of treatment methods are used in the sessions?"
    text = reply(assistant, question)
    assert_mentions(
        text,
        [
            "group therapy",
            "cbt",
            "dbt",
            "motivational interviewing",
            "mindfulness",
            "family therapy",
        ],
        question,
    )


def test_who_it_suits_and_who_needs_a_higher_level_of_care(assistant):
    question = "how can I tell if my wife would be a good candidate for iop?"
    text = reply(assistant, question)
    assert_mentions(
        text,
        ["weekly therapy", "detox", "24-hour", "higher level of care", "911", "988", "intake"],
        question,
    )
    assert_mentions_any(text, ["harm themselves or others", "danger"], question)


def test_program_types(assistant):
    question = "what different kinds of iop exist?"
    text = reply(assistant, question)
    assert_mentions(
        text, ["mental health", "addiction", "dual diagnosis", "teen", "eating disorder"], question
    )


def test_how_to_find_and_what_to_ask_a_program(assistant):
    question = "I'm calling around to a few places, what should I be asking them?"
    text = reply(assistant, question)
    assert_mentions(
        text,
        ["insurance", "accredited", "cbt", "schedule", "dual diagnosis", "after the program"],
        question,
    )
    assert_mentions_any(text, ["findtreatment.gov", "doctor or therapist"], question)


def test_what_happens_after_the_program(assistant):
    question = "once i graduate from the iop, then what?"
    text = reply(assistant, question)
    assert_mentions(
        text, ["aftercare", "step down", "outpatient therapy", "support groups"], question
    )


def test_cost_compared_with_inpatient(assistant):
    question = "how pricey is an intensive outpatient program?"
    text = reply(assistant, question)
    assert_mentions(text, ["less than inpatient", "insurance", "staff"], question)


def test_family_involvement(assistant):
    question = "are relatives allowed to take part in the treatment somehow?"
    text = reply(assistant, question)
    assert_mentions(text, ["family therapy", "parents"], question)


def test_insurance_what_to_check(assistant):
    question = "would my health plan pay for any of this?"
    messages = assistant.send(question)
    text = "\n".join(m.get("text", "") for m in messages).lower()
    assert_mentions(text, ["in-network", "prior authorization", "verify"], question)
    assert "/find_program" in [b["payload"] for b in buttons(messages)]


# ------------------------------------------------------------- conversation basics


def test_greeting_says_automated_and_gives_emergency_numbers(assistant):
    messages = assistant.send("hey hey, good evening")
    text = "\n".join(m.get("text", "") for m in messages).lower()
    assert_mentions(text, ["automated", "911", "988", "cedar grove"], "hey hey, good evening")
    payloads = [b["payload"] for b in buttons(messages)]
    assert "/ask_what_is_iop" in payloads and "/start_intake" in payloads


def test_diagnosis_question_gets_no_diagnosis(assistant):
    question = "do I have bipolar?"
    text = reply(assistant, question)
    assert_mentions(text, ["can't diagnose", "doctor", "automated"], question)
    assert "741741" not in text


def test_medication_question_gets_no_medical_advice(assistant):
    question = "is it ok if i stop my antidepressant on my own?"
    text = reply(assistant, question)
    assert_mentions(text, ["can't diagnose", "medication", "prescriber"], question)


def test_bot_challenge_is_honest(assistant):
    question = "wait am I chatting with a real human right now?"
    text = reply(assistant, question)
    assert_mentions(text, ["automated", "not a person", "not a clinician"], question)


def test_request_human_gives_phone_hours_and_callback(assistant):
    question = "I'd rather talk to a real staff member"
    messages = assistant.send(question)
    text = "\n".join(m.get("text", "") for m in messages).lower()
    assert_mentions(text, ["(555) 010-0142", "8am to 6pm", "call you back"], question)
    assert "/start_intake" in [b["payload"] for b in buttons(messages)]


def test_privacy_answer(assistant):
    question = "does anyone read these chats?"
    text = reply(assistant, question)
    assert_mentions(text, ["stored securely", "staff", "not an emergency service", "988"], question)


def test_out_of_scope_is_polite(assistant):
    question = "can you help me with my algebra homework?"
    text = reply(assistant, question)
    assert_mentions_any(text, ["sorry", "i'm sorry"], question)
    assert_mentions(text, ["intensive outpatient", "staff"], question)


def test_gibberish_gets_rephrase_and_a_person_button(assistant):
    message = "xqzv blrrp mmnk"
    messages = assistant.send(message)
    text = "\n".join(m.get("text", "") for m in messages).lower()
    assert_mentions(text, ["rephrase"], message)
    person = [b for b in buttons(messages) if b["title"] == "Talk to a person"]
    assert person and person[0]["payload"] == "/request_human"


# Not the training examples' own strings: the class, not the sentence.
@pytest.mark.parametrize("message", ["\u2026\u2026", ". .", "!!!!", "?!?!", "- -"])
def test_punctuation_alone_is_not_taken_for_an_answer(assistant, message):
    """A few dots or marks say nothing: the visitor is asked to rephrase (with
    the person button), never answered as if they had said yes."""
    messages = assistant.send(message)
    text = "\n".join(m.get("text", "") for m in messages).lower()
    assert_mentions(text, ["rephrase"], message)
    assert any(b["title"] == "Talk to a person" for b in buttons(messages)), text


def test_silence_after_the_screening_question_is_unclear_not_yes(assistant):
    sender = assistant.new_sender()
    asked = reply(assistant, "I can't take this anymore", sender)
    assert "thoughts of ending your life" in asked
    answer = reply(assistant, "\u2026", sender)
    assert_mentions(answer, ["are you safe right now", "988"], "\u2026")


def test_thanks_then_no_ends_the_chat(assistant):
    sender = assistant.new_sender()
    first = reply(assistant, "so what is this iop thing exactly", sender)
    assert "intensive outpatient" in first
    thanks = reply(assistant, "great, thanks a lot", sender)
    assert_mentions(thanks, ["welcome", "anything else"], "great, thanks a lot")
    bye = reply(assistant, "no that's it", sender)
    assert_mentions(bye, ["take care"], "no that's it")
