"""Work Rasa 3.6 repeats on every turn that gives the same result each time.

Measured with py-spy under 32 closed-loop clients (docs/performance.md):

- Every custom action's response is checked with `jsonschema.validate`,
  which first checks Rasa's fixed response schema against the JSON Schema
  meta-schema: 17% of the Rasa server's time. Here a validator for that
  schema is built once; a response it finds invalid still goes through
  Rasa's own check, so the error and its message are Rasa's.

- TED, the dialogue policy's neural network, runs its TensorFlow graph for
  every prediction (two or three a turn): 25-40% of the server's time. Its
  input is the conversation's last few states (intents, entities, slots,
  previous actions: no text), which repeat across conversations, and
  inference is deterministic. So its outputs are kept per input, keyed by a
  digest of the exact arrays fed to the graph (a bounded LRU per loaded
  model): the same input gives the same prediction, without the graph.

Installed when our tracker store is created (tracker_store.py), which every
Rasa server of ours does before it takes a message.
"""

import copy
import functools
import hashlib
import weakref
from collections import OrderedDict
from typing import Any, Callable, Dict, Optional, Sequence

import numpy as np
from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.ted_policy import TED

_rasa_validate = RemoteAction._validate_action_result
_rasa_predict = TED._rasa_predict
PREDICTIONS_KEPT = 4096  # per model; one entry is a few KB


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


def input_digest(arrays: Sequence[Any]) -> Optional[bytes]:
    """A digest of a model's input arrays (type, shape and content of each);
    None for an input that is not a sequence of arrays."""
    digest = hashlib.blake2b(digest_size=20)
    try:
        for item in arrays:
            array = np.ascontiguousarray(item)
            if array.dtype == object:
                return None
            digest.update(f"{array.dtype.str}{array.shape};".encode())
            digest.update(array.tobytes())
    except (TypeError, ValueError):
        return None
    return digest.digest()


def remembering(predict: Callable[[Any, Any], Any], size: int = PREDICTIONS_KEPT) -> Callable:
    """`predict(model, batch)` with its outputs kept per model and input."""
    kept: "weakref.WeakKeyDictionary[Any, OrderedDict[bytes, Any]]" = weakref.WeakKeyDictionary()

    def predict_once(model: Any, batch: Any) -> Any:
        key = input_digest(batch)
        if key is None:
            return predict(model, batch)
        outputs = kept.setdefault(model, OrderedDict())
        if key in outputs:
            outputs.move_to_end(key)
        else:
            outputs[key] = predict(model, batch)
            if len(outputs) > size:
                outputs.popitem(last=False)
        return copy.deepcopy(outputs[key])  # callers may change what they get

    return predict_once


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result
    if TED._rasa_predict is _rasa_predict:  # once
        TED._rasa_predict = remembering(_rasa_predict)
