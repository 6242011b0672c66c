"""Rasa's per-turn checks, done once (iopnav.rasa_speedups): a custom action's
response is accepted or refused exactly as Rasa refuses it."""

import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from iopnav import rasa_speedups

GOOD = {
    "events": [{"event": "slot", "name": "program", "value": "north"}],
    "responses": [{"text": "Here are three programs near you."}],
}
BAD = {"events": [{"event": "slot", "name": 3}], "responses": "not a list"}


@pytest.fixture
def action(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasa_speedups._rasa_validate)
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
