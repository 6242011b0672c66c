"""Work Rasa 3.6 repeats on every turn that gives the same result each time.

Measured with py-spy under 32 closed-loop clients (docs/performance.md):

- Every custom action's response is checked with `jsonschema.validate`,
  which first checks Rasa's fixed response schema against the JSON Schema
  meta-schema: 17% of the Rasa server's time. Here a validator for that
  schema is built once; a response it finds invalid still goes through
  Rasa's own check, so the error and its message are Rasa's.

Installed when our tracker store is created (tracker_store.py), which every
Rasa server of ours does before it takes a message.
"""

import functools
from typing import Any, Dict

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction

_rasa_validate = RemoteAction._validate_action_result


@functools.lru_cache(maxsize=None)
def _action_response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    if exceptions.best_match(_action_response_validator().iter_errors(result)) is None:
        return True
    return bool(_rasa_validate(self, result))  # raises Rasa's ValidationError


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
