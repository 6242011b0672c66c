"""Work Rasa repeats each turn, done once (iopnav.rasa_speedups): a custom
action's response is accepted or refused exactly as Rasa refuses it, and the
dialogue policy's outputs are kept per input, never mixed up between inputs
or models. (The real model's predictions with and without: docs/performance.md.)"""

import jsonschema
import numpy as np
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.ted_policy import TED

from iopnav import rasa_speedups

GOOD = {
    "events": [{"event": "slot", "name": "program", "value": "north"}],
    "responses": [{"text": "Here are three programs near you."}],
}
BAD = {"events": [{"event": "slot", "name": 3}], "responses": "not a list"}


@pytest.fixture
def action(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasa_speedups._rasa_validate)
    monkeypatch.setattr(TED, "_rasa_predict", rasa_speedups._rasa_predict)
    rasa_speedups.install()  # undone by monkeypatch after the test
    return RemoteAction("action_search_programs", None)


def test_a_valid_response_passes_without_checking_the_schema_again(action, monkeypatch):
    def validate_each_time(*_args, **_kwargs):
        raise AssertionError("jsonschema.validate re-checks the schema on every call")

    monkeypatch.setattr(jsonschema, "validate", validate_each_time)
    assert action._validate_action_result(GOOD) is True


def test_an_invalid_response_gets_rasas_own_error(action):
    with pytest.raises(ValidationError) as ours:
        action._validate_action_result(BAD)
    with pytest.raises(ValidationError) as rasas:
        rasa_speedups._rasa_validate(action, BAD)
    assert "Failed to validate Action server response" in ours.value.message
    assert ours.value.message == rasas.value.message


# ---- TED's outputs kept per input ------------------------------------------------------


class Model:
    """Stands in for TED: counts its graph runs."""

    def __init__(self):
        self.runs = 0

    def predict(self, batch):
        self.runs += 1
        return {"scores": np.asarray(batch[0], dtype=float) * 2, "diagnostic_data": {"a": [1]}}


def states(*values):
    return (np.asarray(values, dtype=np.float32), np.asarray([len(values)], dtype=np.int64))


def test_the_same_input_is_answered_without_running_the_model_again():
    predict = rasa_speedups.remembering(Model.predict)
    model = Model()
    first = predict(model, states(1, 2, 3))
    again = predict(model, states(1, 2, 3))
    assert model.runs == 1
    assert again["scores"].tolist() == first["scores"].tolist() == [2, 4, 6]
    again["scores"][0] = 99  # a caller changing its copy changes nothing kept
    assert predict(model, states(1, 2, 3))["scores"].tolist() == [2, 4, 6]


def test_a_different_input_or_another_model_runs_the_model():
    predict = rasa_speedups.remembering(Model.predict)
    model, reloaded = Model(), Model()
    predict(model, states(1, 2, 3))
    predict(model, states(1, 2, 4))
    predict(model, (np.asarray([1, 2, 3], dtype=np.int64), np.asarray([3], dtype=np.int64)))
    predict(reloaded, states(1, 2, 3))
    assert (model.runs, reloaded.runs) == (3, 1)


def test_only_the_latest_inputs_are_kept():
    predict = rasa_speedups.remembering(Model.predict, size=2)
    model = Model()
    for value in (1, 2, 3, 1):
        predict(model, states(value))
    assert model.runs == 4  # 1 was dropped when 3 came


# ---- the conversation's dialogue states, kept per tracker until it changes ----------


@pytest.fixture(scope="module")
def domain():
    from rasa.shared.core.domain import Domain

    from iopnav import settings

    return Domain.load(str(settings.PROJECT_ROOT / "domain"))


def test_past_states_are_kept_until_the_conversation_changes(domain):
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker.from_events(
        "kept",
        [
            ActionExecuted("action_listen"),
            UserUttered("do you take aetna", {"name": "ask_insurance", "confidence": 0.9}),
        ],
        domain.slots,
    )
    own = rasa_speedups._rasa_past_states(tracker, domain)
    first = rasa_speedups.past_states_once(tracker, domain)
    assert first == own
    first[-1].clear()  # a caller changing its copy changes nothing kept
    assert rasa_speedups.past_states_once(tracker, domain) == own
    # Other arguments are other states.
    assert rasa_speedups.past_states_once(
        tracker, domain, ignore_rule_only_turns=True, rule_only_data={"slots": ["language"]}
    ) == rasa_speedups._rasa_past_states(tracker, domain, False, True, {"slots": ["language"]})
    # A new event is a new conversation state.
    tracker.update(ActionExecuted("utter_insurance"))
    tracker.update(SlotSet("language", "es"))
    after = rasa_speedups.past_states_once(tracker, domain)
    assert after == rasa_speedups._rasa_past_states(tracker, domain) != own


# ---- event classes looked up once ------------------------------------------------------


def test_each_event_type_name_gives_rasas_class_and_unknown_names_rasas_answer(monkeypatch):
    import rasa.shared.utils.common
    from rasa.shared.core.events import ActionExecuted, Event, UserUttered

    names = {cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)}
    assert {"user", "action", "slot", "bot", "session_started"} <= names
    for name in names:
        assert rasa_speedups.resolve_by_type(name) is rasa_speedups._rasa_resolve_by_type(name)
    assert rasa_speedups.resolve_by_type("no_such_event", UserUttered) is UserUttered
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        rasa_speedups.resolve_by_type("no_such_event")
    assert rasa_speedups.resolve_by_type("topic") is None

    # Once found, a class is not searched for again among Event's subclasses.
    rasa_speedups.resolve_by_type("action")
    monkeypatch.setattr(
        rasa.shared.utils.common,
        "all_subclasses",
        lambda _cls: pytest.fail("walked Event's subclasses again"),
    )
    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(rasa_speedups.resolve_by_type))
    event = Event.from_parameters({"event": "action", "name": "utter_greet", "timestamp": 1.0})
    assert isinstance(event, ActionExecuted) and event.action_name == "utter_greet"


# ---- RulePolicy's applicable rules kept per (rules, states) ------------------------------


class Rules:
    """Stands in for RulePolicy: a rule applies when its key names the state's
    intent; counts its checks."""

    def __init__(self):
        self.checks = 0

    def _is_rule_applicable(self, rule_key, _turn, state):
        self.checks += 1
        return state.get("user", {}).get("intent") in rule_key


def test_applicable_rules_are_kept_per_states_and_follow_a_change_of_rules():
    policy = Rules()
    rules = {"greet->utter_greet": "utter_greet", "crisis->utter_crisis_handoff": "x"}
    greet = [{"user": {"intent": "greet"}}]
    crisis = [{"user": {"intent": "crisis"}}]
    assert rasa_speedups.possible_rule_keys(policy, rules, greet) == {"greet->utter_greet"}
    checks = policy.checks
    assert rasa_speedups.possible_rule_keys(policy, rules, greet) == {"greet->utter_greet"}
    assert policy.checks == checks  # kept
    assert rasa_speedups.possible_rule_keys(policy, rules, crisis) == {
        "crisis->utter_crisis_handoff"
    }
    rules.pop("greet->utter_greet")  # training removes a rule: never the old answer
    assert rasa_speedups.possible_rule_keys(policy, rules, greet) == set()
    rules["greet->utter_other"] = "utter_other"
    assert rasa_speedups.possible_rule_keys(policy, rules, greet) == {"greet->utter_other"}
