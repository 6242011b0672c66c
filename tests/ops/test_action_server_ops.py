"""/ready, /metrics and action timing on the action server, in-process
(the running one is read in tests/channels/test_ops_endpoints.py)."""

import json
import zlib

import pytest
from prometheus_client import REGISTRY

from iopnav.actionserver import create_app
from tests.support.asgi import AsgiApp

TOKEN = "tok"


def call(action: str) -> dict:
    tracker = {
        "sender_id": "s1",
        "slots": {},
        "latest_message": {"text": "hi", "intent": {}, "entities": []},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": None,
    }
    return {
        "next_action": action,
        "sender_id": "s1",
        "tracker": tracker,
        "domain": {},
        "version": "3.6.21",
    }


@pytest.fixture(scope="module")
def actions():
    app = create_app(TOKEN)
    return AsgiApp(app)


def count(action: str) -> float:
    return REGISTRY.get_sample_value("iop_action_seconds_count", {"action": action}) or 0.0


def post(actions, body: bytes, **headers: str):
    return actions.request(
        "POST",
        "/webhook",
        "",
        {"content-type": "application/json", "x-action-token": TOKEN, **headers},
        body,
    )


def test_an_action_call_is_timed_by_action_name(actions):
    before = count("action_clear_cancelled_form")
    status, _, _ = post(actions, json.dumps(call("action_clear_cancelled_form")).encode())
    assert status == 200
    assert count("action_clear_cancelled_form") == before + 1


def test_a_compressed_call_is_named_too(actions):
    before = count("action_clear_cancelled_form")
    body = zlib.compress(json.dumps(call("action_clear_cancelled_form")).encode())
    status, _, _ = post(actions, body, **{"content-encoding": "deflate"})
    assert status == 200
    assert count("action_clear_cancelled_form") == before + 1


def test_an_unknown_action_cannot_invent_a_label(actions):
    before = count("unknown")
    status, _, _ = post(actions, json.dumps(call("action_made_up_by_a_caller")).encode())
    assert status >= 400
    assert count("unknown") == before + 1
    assert count("action_made_up_by_a_caller") == 0


def test_ready_and_metrics_need_no_token_but_actions_do(actions, tmp_path, monkeypatch):
    monkeypatch.setenv("IOP_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    status, _, body = actions.request("GET", "/ready", "", {}, b"")
    assert status == 200 and json.loads(body)["checks"]["app_db"]["ok"]
    assert actions.request("GET", "/metrics", "", {}, b"")[0] == 200
    assert actions.request("GET", "/actions", "", {}, b"")[0] == 401
