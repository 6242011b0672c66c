"""Structural guarantees behind the safety rules, checked on the project's
own files so that a later change (a new form, a new pipeline) cannot quietly
break them."""

import importlib
from pathlib import Path

import yaml
from rasa.shared.core.domain import Domain

ROOT = Path(__file__).resolve().parents[2]
# Feelings (share_feelings) are never an answer either: the form stops with support.
RISK_INTENTS = {"crisis", "express_distress", "share_feelings"}


def domain():
    return Domain.load(str(ROOT / "domain"))


def safety_rules():
    """The dialogue rules of data/rules/safety*.yml."""
    return [
        rule
        for path in sorted((ROOT / "data" / "rules").glob("safety*.yml"))
        for rule in yaml.safe_load(path.read_text())["rules"]
    ]


def active_loops(rule):
    """The forms a rule applies inside."""
    return [c.get("active_loop") for c in rule.get("condition", []) if "active_loop" in c]


def test_safety_screen_runs_last_in_the_nlu_pipeline():
    pipeline = [c["name"] for c in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]]
    assert pipeline[-1] == "iopnav.safety.component.SafetyScreen"
    assert pipeline.index("FallbackClassifier") < pipeline.index(
        "iopnav.safety.component.SafetyScreen"
    )


def test_rule_policy_is_configured_first():
    policies = [p["name"] for p in yaml.safe_load((ROOT / "config.yml").read_text())["policies"]]
    assert policies[0] == "RulePolicy"


def test_crisis_handoff_is_a_domain_response_with_an_sms_variant():
    variants = domain().responses["utter_crisis_handoff"]
    assert any(v.get("channel") == "sms" for v in variants)
    assert any(not v.get("channel") for v in variants)


def test_every_form_slot_mapping_refuses_risk_intents():
    d = domain()
    for form, spec in d.forms.items():
        for slot in spec.get("required_slots", []):
            slot_spec = next(s for s in d.slots if s.name == slot)
            for mapping in slot_spec.mappings:
                not_intent = set(mapping.get("not_intent") or [])
                assert RISK_INTENTS <= not_intent, (
                    f"{form}.{slot} mapping {mapping} lacks not_intent {RISK_INTENTS}"
                )


def test_every_form_has_a_crisis_interrupt_rule():
    interrupted = set()
    for rule in safety_rules():
        loops = active_loops(rule)
        steps = rule["steps"]
        if (
            loops
            and steps[0].get("intent") == "crisis"
            and steps[1].get("action") == "utter_crisis_handoff"
        ):
            interrupted.update(loops)
    assert set(domain().forms) <= interrupted, (
        f"forms without a crisis rule: {set(domain().forms) - interrupted}"
    )


def test_custom_tracker_and_lock_stores_import():
    # Rasa silently falls back to an in-memory tracker store when the class
    # cannot be imported, which would lose transcripts and crisis flags.
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    for key in ("tracker_store", "lock_store"):
        module, _, cls = endpoints[key]["type"].rpartition(".")
        assert hasattr(importlib.import_module(module), cls)


def test_every_form_stops_with_support_for_feelings():
    supported = set()
    for rule in safety_rules():
        loops = active_loops(rule)
        actions = [step.get("action") for step in rule["steps"][1:]]
        if loops and rule["steps"][0].get("intent") == "share_feelings":
            assert actions[:2] == ["utter_share_feelings_support", "action_deactivate_loop"]
            supported.update(loops)
    assert set(domain().forms) <= supported, (
        f"forms without a feelings rule: {set(domain().forms) - supported}"
    )
