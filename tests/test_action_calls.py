"""What the Rasa server sends the action server: the domain (about 80 KB of
JSON) goes only to the actions that read it, the form validators, which
rasa_sdk's FormValidationAction needs it for (their forms' required slots).
docs/performance.md, cut 13."""

import ast

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from iopnav import settings

ROOT = settings.PROJECT_ROOT


def validators_in_code() -> set:
    """The names of the actions whose classes build on FormValidationAction."""
    names = set()
    for path in (ROOT / "actions").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                getattr(base, "id", None) == "FormValidationAction" for base in node.bases
            ):
                for item in ast.walk(node):
                    if isinstance(item, ast.Return) and isinstance(item.value, ast.Constant):
                        names.add(item.value.value)
    return names


def test_only_the_form_validators_get_the_domain(monkeypatch):
    monkeypatch.setenv("IOP_ACTIONS_TOKEN", "t")
    monkeypatch.setenv("IOP_ACTIONS_URL", "http://127.0.0.1:5055/webhook")
    domain = Domain.load(str(ROOT / "domain"))
    tracker = DialogueStateTracker.from_events(
        "visitor-1",
        [UserUttered("what is an iop", {"name": "ask_what_is_iop", "confidence": 1.0})],
        domain.slots,
    )
    validators = validators_in_code()
    assert validators == {"validate_program_search_form", "validate_intake_form"}
    for endpoints in (ROOT / "endpoints.yml", ROOT / "deploy" / "endpoints.yml"):
        endpoint = read_endpoint_config(str(endpoints), "action_endpoint")
        sent = {
            name: "domain" in RemoteAction(name, endpoint)._action_call_format(tracker, domain)
            for name in domain.user_actions
        }
        assert {name for name, has in sent.items() if has} == validators, endpoints
        assert len(sent) > 10


def test_a_validator_still_gets_the_forms_required_slots(monkeypatch):
    monkeypatch.setenv("IOP_ACTIONS_TOKEN", "t")
    domain = Domain.load(str(ROOT / "domain"))
    endpoint = read_endpoint_config(str(ROOT / "endpoints.yml"), "action_endpoint")
    tracker = DialogueStateTracker.from_events("v", [ActionExecuted("action_listen")], domain.slots)
    call = RemoteAction("validate_intake_form", endpoint)._action_call_format(tracker, domain)
    assert "intake_first_name" in call["domain"]["forms"]["intake_form"]["required_slots"]
