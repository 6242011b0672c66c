"""How the Rasa component combines the screen with the ML classifier."""

from rasa.shared.nlu.training_data.message import Message

from iopnav.safety.component import SafetyScreen, danger_kind, decide
from iopnav.safety.screen import Assessment


def ranking(*pairs):
    return [{"name": n, "confidence": c} for n, c in pairs]


def test_screen_crisis_wins_over_any_ml_intent():
    forced, source = decide(Assessment("crisis", "slang"), ranking(("ask_schedule", 0.97)))
    assert (forced, source) == ("crisis", "screen")


def test_ml_crisis_escalates_even_when_the_screen_found_nothing():
    forced, source = decide(Assessment("none"), ranking(("crisis", 0.81), ("greet", 0.1)))
    assert (forced, source) == ("crisis", "ml")


def test_a_sure_ml_crisis_vote_hands_off_and_a_weaker_one_asks():
    assert decide(Assessment("none"), ranking(("crisis", 0.85), ("ask_cost", 0.1)))[0] == "crisis"
    assert (
        decide(Assessment("none"), ranking(("crisis", 0.72), ("ask_cost", 0.2)))[0]
        == "express_distress"
    )
    assert decide(Assessment("none"), ranking(("ask_cost", 0.8), ("crisis", 0.2)))[0] is None


def test_ml_crisis_on_an_idiom_falls_back_to_the_next_intent():
    forced, _ = decide(
        Assessment("none", suppressed=["idiom"]), ranking(("crisis", 0.6), ("ask_insurance", 0.3))
    )
    assert forced == "ask_insurance"


def test_screen_ambiguous_asks_the_screening_question():
    forced, _ = decide(
        Assessment("ambiguous", "ambiguous_distress"), ranking(("ask_eligibility", 0.9))
    )
    assert forced == "express_distress"


def test_ml_crisis_with_negated_first_person_still_asks():
    forced, _ = decide(
        Assessment("ambiguous", suppressed=["negated_or_hypothetical"]), ranking(("crisis", 0.7))
    )
    assert forced in {"crisis", "express_distress"}


def test_feelings_with_no_risk_signal_get_support_not_the_question():
    # The classifier leans to feelings but no reader sees danger.
    weak_distress = ranking(("express_distress", 0.45), ("share_feelings", 0.4))
    assert decide(Assessment("none"), weak_distress, risk(0.1)) == (
        "share_feelings",
        "no_risk_signal",
    )
    assert decide(Assessment("none"), ranking(("share_feelings", 0.9)), risk(0.1))[0] is None
    # Any one reader seeing risk brings the question back.
    assert decide(Assessment("none"), weak_distress, risk(0.5))[0] == "express_distress"
    assert (
        decide(Assessment("ambiguous", "ambiguous_distress"), ranking(("share_feelings", 0.9)))[0]
        == "express_distress"
    )


def test_the_distress_vote_alone_never_asks_the_question():
    # Heavy but risk-free posts get a sure distress vote too: support, not the question.
    for confidence in (0.85, 0.999):
        distress = ranking(("express_distress", confidence), ("share_feelings", 0.0))
        assert decide(Assessment("none"), distress, risk(0.1)) == (
            "share_feelings",
            "no_risk_signal",
        )
    # With the classifier's crisis vote or the risk model, the question stays.
    both = ranking(("express_distress", 0.3), ("crisis", 0.65))
    assert decide(Assessment("none"), both, risk(0.1)) == ("express_distress", "ml")
    assert decide(Assessment("none"), ranking(("express_distress", 0.99)), risk(0.35))[0] == (
        "express_distress"
    )


def test_clear_non_risk_message_keeps_the_ml_intent():
    assert decide(Assessment("none"), ranking(("ask_schedule", 0.95), ("crisis", 0.01)))[0] is None


def test_component_sets_intent_entity_and_evidence_on_the_message():
    component = SafetyScreen({})
    message = Message(
        data={
            "text": "what are your hours, also i want to end my life",
            "intent": {"name": "ask_schedule", "confidence": 0.9},
            "intent_ranking": ranking(("ask_schedule", 0.9), ("crisis", 0.05)),
        }
    )
    component.process([message])
    assert message.get("intent")["name"] == "crisis"
    assert message.get("intent_ranking")[0]["name"] == "crisis"
    entities = [e for e in message.get("entities") if e["entity"] == "crisis_category"]
    assert entities and entities[0]["value"] == "suicidal_explicit"
    safety = message.as_dict(only_output_properties=True)["safety"]
    assert safety["level"] == "crisis" and "end my life" in " ".join(safety["evidence"])


def test_component_leaves_ordinary_messages_alone():
    component = SafetyScreen({})
    message = Message(
        data={
            "text": "do you take aetna",
            "intent": {"name": "ask_insurance", "confidence": 0.9},
            "intent_ranking": ranking(("ask_insurance", 0.9)),
        }
    )
    component.process([message])
    assert message.get("intent")["name"] == "ask_insurance"
    assert not [e for e in (message.get("entities") or []) if e["entity"] == "crisis_category"]


def risk(crisis, kind="suicide", kind_confidence=0.9):
    return {"crisis": crisis, "kind": kind, "kind_confidence": kind_confidence}


def test_the_risk_model_alone_hands_off_what_the_patterns_miss():
    forced, source = decide(Assessment("none"), ranking(("ask_cost", 0.8)), risk(0.85))
    assert (forced, source) == ("crisis", "risk_model")


def test_counter_evidence_holds_back_an_unsure_risk_score_but_not_a_sure_one():
    doubted = Assessment("none", suppressed=["media"])
    assert decide(doubted, ranking(("ask_cost", 0.8)), risk(0.85))[0] != "crisis"
    assert decide(doubted, ranking(("ask_cost", 0.8)), risk(0.995))[0] == "crisis"


def test_a_middling_risk_score_gets_the_screening_question():
    forced, source = decide(Assessment("none"), ranking(("ask_cost", 0.4)), risk(0.45))
    assert (forced, source) == ("express_distress", "risk_model")


def test_a_low_risk_score_changes_nothing():
    assert decide(Assessment("none"), ranking(("ask_cost", 0.8)), risk(0.05))[0] is None


def test_the_kind_of_danger_comes_from_a_sure_risk_model_or_the_screen_category():
    assert danger_kind(Assessment("crisis", "overdose_medical"), None) == "overdose"
    assert danger_kind(Assessment("crisis", "danger_abuse"), risk(0.9, "child", 0.8)) == "child"
    assert danger_kind(Assessment("crisis", "danger_abuse"), risk(0.9, "child", 0.4)) == "abuse"
    assert danger_kind(Assessment("crisis", "suicidal_passive"), None) == "suicide"


def test_the_risk_model_never_doubts_the_screen_on_a_long_message():
    # A crisis said at the end of a long, calm story scores low on the
    # whole-message risk model; the screen's hand-off stands.
    crisis_at_the_end = Assessment("crisis", "suicidal_explicit")
    assert decide(crisis_at_the_end, ranking(("ask_schedule", 0.6)), risk(0.001)) == (
        "crisis",
        "screen",
    )


def test_a_middling_risk_score_does_not_take_over_a_question_the_classifier_is_sure_of():
    sure = ranking(("ask_how_to_choose", 0.65), ("ask_insurance", 0.2))
    assert decide(Assessment("none"), sure, risk(0.45))[0] is None
    assert decide(Assessment("none"), sure, risk(0.75))[0] == "crisis"
    unsure = ranking(("ask_how_to_choose", 0.45), ("ask_insurance", 0.4))
    assert decide(Assessment("none"), unsure, risk(0.45))[0] == "express_distress"


def test_a_middling_risk_score_asks_when_the_assistant_would_decline_the_question():
    # A way to injure oneself read as out of scope, or an overdose "without
    # side effects" read as a medical question: no answer would help, so
    # the middling score gets the screening question (session 20).
    for declined in ("out_of_scope", "ask_medical_advice"):
        sure = ranking((declined, 0.96), ("ask_insurance", 0.01))
        assert decide(Assessment("none"), sure, risk(0.45)) == ("express_distress", "risk_model")
        assert decide(Assessment("none"), sure, risk(0.1))[0] is None


def test_a_middling_risk_score_asks_a_question_about_reaching_crisis_help():
    # "will they send the police if I say I have the pills here": a question
    # about the crisis line from someone who may be at risk (session 34).
    for crisis_line in ("ask_crisis_privacy", "ask_crisis_line_process", "ask_text_or_chat"):
        sure = ranking((crisis_line, 0.9), ("ask_privacy", 0.05))
        assert decide(Assessment("none"), sure, risk(0.3)) == ("express_distress", "risk_model")
        assert decide(Assessment("none"), sure, risk(0.1))[0] is None


def test_a_score_high_enough_for_the_hand_off_held_off_by_doubt_still_gets_the_question():
    # Doubt (a question about services) holds the risk model's hand-off off;
    # the classifier being sure of an ordinary question must not then also
    # hold off the question, or a method request worded as a service question
    # got nothing.
    doubted = Assessment("none", suppressed=["question_about_services"])
    sure = ranking(("ask_conditions", 0.7), ("ask_cost", 0.1))
    assert decide(doubted, sure, risk(0.45))[0] is None
    assert decide(doubted, sure, risk(0.8)) == ("express_distress", "risk_model")
    # A short follow-up the classifier is sure of still holds it off.
    follow_up = ranking(("thank", 0.95), ("goodbye", 0.02))
    assert decide(doubted, follow_up, risk(0.8), text="ok thanks, bye for tonight")[0] is None


def test_feelings_the_screen_read_get_support_unless_a_reader_sees_risk():
    feelings = Assessment("feelings", "feelings")
    # The classifier took it for something else: still support, not a topic answer.
    assert decide(feelings, ranking(("ask_schedule", 0.6)), risk(0.1)) == (
        "share_feelings",
        "screen",
    )
    assert decide(feelings, ranking(("express_distress", 0.6)), risk(0.1))[0] == "share_feelings"
    # The risk model or a sure classifier vote brings the question or the hand-off back.
    assert decide(feelings, ranking(("share_feelings", 0.9)), risk(0.4))[0] == "express_distress"
    assert decide(feelings, ranking(("crisis", 0.65)), risk(0.1))[0] == "express_distress"
    assert decide(feelings, ranking(("share_feelings", 0.9)), risk(0.7))[0] == "crisis"


def test_a_risk_score_from_the_ask_threshold_asks_the_question():
    # 0.15 since session 33 (the risk model's log-odds blend), 0.25 before.
    assert decide(Assessment("none"), ranking(("share_feelings", 0.5)), risk(0.17))[0] == (
        "express_distress"
    )
    # Below it the classifier's own intent stands (here, support).
    assert decide(Assessment("none"), ranking(("share_feelings", 0.5)), risk(0.13))[0] is None


def test_drowning_in_bills_doubts_the_risk_models_hand_off():
    # The risk model reads "drowning" as danger (0.67 measured on such a cost
    # question, session 29): the idiom makes it the question, not the hand-off.
    from iopnav.safety.screen import assess

    text = "we're drowning in medical bills already, what's the total damage for this?"
    assessment = assess(text)
    assert assessment.level == "none" and "idiom" in [r.value for r in assessment.suppressed]
    assert decide(assessment, ranking(("ask_cost", 0.68)), risk(0.67), text=text) == (
        "express_distress",
        "risk_model",
    )
    said = "I'm drowning in debt and I want to die"
    assert decide(assess(said), ranking(("ask_cost", 0.6)), risk(0.67), text=said)[0] == "crisis"


def test_a_child_in_danger_found_by_the_screen_gets_the_child_hand_off():
    # Without a sure risk-model kind, the screen's category names the hand-off.
    assert danger_kind(Assessment("crisis", "child_danger"), None) == "child"
    assert danger_kind(Assessment("crisis", "child_danger"), risk(0.3, "suicide", 0.4)) == "child"
