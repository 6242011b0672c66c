"""What iopnav.rasa_speedups keeps gives what Rasa computes, on the trained
model, over several conversations (questions, a program search, the intake
form, Spanish, a crisis): TED's predictions kept per dialogue state (every
call answered both ways), and the dialogue states kept per tracker (the
same actions, chosen by the same policies with the same confidences)."""

import asyncio
from typing import List

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from iopnav import rasa_speedups

CONVERSATIONS = [
    ["hi", "what is an IOP?", "how many hours a week is it?", "do you take aetna?", "bye"],
    ["hello", "what does intensive outpatient mean", "do you accept cigna", "thanks, bye"],
    ["find a program for teens near Austin TX", "do you treat anxiety?", "covered by medicaid?"],
    ["I'd like to start the intake", "Sam", "I'm 34", "555 201 3344", "yes"],
    ["hola", "¿qué es un programa intensivo?", "¿aceptan Medi-Cal?"],
    ["I want to kill myself tonight", "ok", "what is an IOP?"],
]


def without_action_server(monkeypatch) -> None:
    async def no_action_server(*_args, **_kwargs):
        return []  # custom actions run elsewhere; here the dialogue goes on without them

    monkeypatch.setattr(RemoteAction, "run", no_action_server)


def talk(agent, prefix: str) -> List[List[tuple]]:
    """Each conversation's actions: (name, policy, confidence)."""

    async def run() -> List[List[tuple]]:
        actions = []
        for number, texts in enumerate(CONVERSATIONS):
            sender = f"{prefix}-{number}"
            for text in texts:
                await agent.handle_text(text, sender_id=sender)
            tracker = await agent.tracker_store.retrieve(sender)
            actions.append(
                [
                    (e.action_name, e.policy, e.confidence)
                    for e in tracker.events
                    if isinstance(e, ActionExecuted)
                ]
            )
        return actions

    return asyncio.run(run())


@pytest.fixture(scope="module")
def agent():
    from tests.channels.inprocess import load_agent

    return load_agent()


def test_kept_predictions_equal_teds_own_on_the_trained_model(agent, monkeypatch):
    kept = rasa_speedups.remembering(
        rasa_speedups._rasa_policy_predict, key=rasa_speedups.dialogue_states_key
    )
    compared: List[bytes] = []

    def both(policy, tracker, domain, rule_only_data=None, precomputations=None, **kwargs):
        own = rasa_speedups._rasa_policy_predict(
            policy, tracker, domain, rule_only_data, precomputations, **kwargs
        )
        fast = kept(policy, tracker, domain, rule_only_data, precomputations, **kwargs)
        assert fast.probabilities == own.probabilities, tracker.latest_message.text
        assert (fast.is_end_to_end_prediction, fast.optional_events, fast.policy_name) == (
            own.is_end_to_end_prediction,
            own.optional_events,
            own.policy_name,
        )
        key = rasa_speedups.dialogue_states_key(
            policy, tracker, domain, rule_only_data, precomputations
        )
        assert key is not None  # this model's states hold no text: the fast path is taken
        compared.append(key)
        return own

    # Graph nodes hold the function they run from the moment the model loads.
    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    ted_nodes = [n for n in nodes if issubclass(n._component_class, TEDPolicy)]
    assert ted_nodes
    for node in ted_nodes:
        monkeypatch.setattr(node, "_fn", both)

    without_action_server(monkeypatch)
    talk(agent, "kept")
    assert len(compared) >= 40
    # Conversations of the same shape meet the same states again: those
    # calls were answered from what was kept, and still equal TED's own.
    assert len(set(compared)) < len(compared) - 10


def test_kept_dialogue_states_choose_the_same_actions(agent, monkeypatch):
    without_action_server(monkeypatch)
    monkeypatch.setattr(DialogueStateTracker, "past_states", rasa_speedups._rasa_past_states)
    own = talk(agent, "own-states")
    monkeypatch.setattr(DialogueStateTracker, "past_states", rasa_speedups.past_states_once)
    kept = talk(agent, "kept-states")
    assert sum(len(c) for c in own) >= 40
    assert kept == own


def test_kept_rule_keys_equal_rulepolicys_own_on_the_trained_model(agent, monkeypatch):
    from rasa.core.policies.rule_policy import RulePolicy

    compared: List[str] = []

    def both(policy, lookup, states):
        own = rasa_speedups._rasa_possible_keys(policy, lookup, states)
        fast = rasa_speedups.possible_rule_keys(policy, lookup, states)
        assert fast == own, states
        compared.append(repr(states))
        return own

    monkeypatch.setattr(RulePolicy, "_get_possible_keys", both)
    without_action_server(monkeypatch)
    talk(agent, "rule-keys")
    assert len(compared) >= 40
    assert len(set(compared)) < len(compared) - 10  # answered from what was kept
