"""TED's predictions kept per dialogue state (iopnav.rasa_speedups) are the
predictions TED makes, on the trained model: every call of several
conversations (questions, a program search, the intake form, Spanish, a
crisis) is answered both ways and compared, including the calls answered
from what was kept."""

import asyncio
from typing import List

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.ted_policy import TEDPolicy

from iopnav import rasa_speedups

CONVERSATIONS = [
    ["hi", "what is an IOP?", "how many hours a week is it?", "do you take aetna?", "bye"],
    ["hello", "what does intensive outpatient mean", "do you accept cigna", "thanks, bye"],
    ["find a program for teens near Austin TX", "do you treat anxiety?", "is it covered by medicaid"],
    ["I'd like to start the intake", "Sam", "I'm 34", "555 201 3344", "yes"],
    ["hola", "¿qué es un programa intensivo?", "¿aceptan Medi-Cal?"],
    ["I want to kill myself tonight", "ok", "what is an IOP?"],
]


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

    async def no_action_server(*_args, **_kwargs):
        return []  # custom actions run elsewhere; here the dialogue goes on without them

    monkeypatch.setattr(RemoteAction, "run", no_action_server)

    async def talk() -> None:
        for number, texts in enumerate(CONVERSATIONS):
            for text in texts:
                await agent.handle_text(text, sender_id=f"kept-{number}")

    asyncio.run(talk())
    assert len(compared) >= 40
    # Conversations of the same shape meet the same states again: those
    # calls were answered from what was kept, and still equal TED's own.
    assert len(set(compared)) < len(compared) - 10
