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

- Featurising the tracker for TED (encoding each state into arrays, then
  batching them) cost more than the kept graph run saved: 15% of the
  server's time. The arrays are a function of the dialogue states TED reads
  (intents, entities, slots, previous actions, active loop), so TED's whole
  prediction is also kept per those states, computed as TED computes them;
  only when no state holds text (TED trained without end-to-end stories),
  else the arrays decide as before.

- The dialogue states of the whole conversation (`past_states`, which
  replays every earlier turn) are computed by each policy for the same
  tracker and turn: kept on the tracker until its events change.

- RulePolicy finds the rules that apply by testing each of its few hundred
  rules against the dialogue states, two or three times a turn: 9% of the
  server's time. Which rules apply is a function of the rules and the
  states alone, so it is kept per (rules, states), the rules by their
  content, not their identity: a set of rules that changes (as in training)
  never answers from the old one.

- Reading a stored conversation turns each event's JSON into an event with
  `Event.from_parameters`, which finds the event's class by walking every
  subclass of Event, recursively, for every event of every read: 90% of
  the read's time (1.6 ms of 1.8 ms for a six-message conversation). The
  class of each type name is looked up once; a name not found there is
  left to Rasa's own lookup (its default, or its error).

Installed when our tracker store is created (tracker_store.py), which every
Rasa server of ours does before it takes a message.
"""

import copy
import functools
import hashlib
import json
import weakref
from collections import OrderedDict
from typing import Any, Callable, Dict, Optional, Sequence, Set

import numpy as np
from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.policy import SupportedData
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.policies.ted_policy import TED, TEDPolicy
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ACTION_TEXT, TEXT

_rasa_validate = RemoteAction._validate_action_result
_rasa_predict = TED._rasa_predict
_rasa_policy_predict = TEDPolicy.predict_action_probabilities
_rasa_past_states = DialogueStateTracker.past_states
_rasa_resolve_by_type = Event.resolve_by_type
_rasa_possible_keys = RulePolicy._get_possible_keys
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


def remembering(
    predict: Callable[..., Any],
    size: int = PREDICTIONS_KEPT,
    key: Optional[Callable[..., Optional[bytes]]] = None,
) -> Callable:
    """`predict(model, *args)` with its outputs kept per model and key (by
    default a digest of the input arrays); a None key is never kept."""
    key_of = key or (lambda _model, batch: input_digest(batch))
    kept: "weakref.WeakKeyDictionary[Any, OrderedDict[bytes, Any]]" = weakref.WeakKeyDictionary()

    def predict_once(model: Any, *args: Any, **kwargs: Any) -> Any:
        found = key_of(model, *args, **kwargs)
        if found is None:
            return predict(model, *args, **kwargs)
        outputs = kept.setdefault(model, OrderedDict())
        if found in outputs:
            outputs.move_to_end(found)
        else:
            outputs[found] = predict(model, *args, **kwargs)
            if len(outputs) > size:
                outputs.popitem(last=False)
        return copy.deepcopy(outputs[found])  # callers may change what they get

    return predict_once


def dialogue_states_key(
    policy: TEDPolicy,
    tracker: Any,
    domain: Any,
    rule_only_data: Optional[Dict[str, Any]] = None,
    precomputations: Any = None,
    **kwargs: Any,
) -> Optional[bytes]:
    """A digest of the states TED featurises for this prediction (the same
    call as Policy._featurize_for_prediction); None where text could be
    among its inputs, or for a call this does not know."""
    if kwargs or policy.model is None or policy.only_e2e or TEXT in policy.fake_features:
        return None
    ml_only = policy.supported_data() == SupportedData.ML_DATA
    states = policy.featurizer.prediction_states(
        [tracker],
        domain,
        use_text_for_last_user_input=False,
        ignore_rule_only_turns=ml_only,
        rule_only_data=rule_only_data,
        ignore_action_unlikely_intent=ml_only,
    )
    if any(
        TEXT in sub or ACTION_TEXT in sub
        for turns in states
        for state in turns
        for sub in state.values()
        if isinstance(sub, dict)
    ):
        return None
    encoded = json.dumps(states, sort_keys=True, default=repr).encode()
    return hashlib.blake2b(encoded, digest_size=20).digest()


def past_states_once(
    tracker: DialogueStateTracker,
    domain: Any,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[Dict[str, Any]] = None,
) -> Any:
    """DialogueStateTracker.past_states, kept on the tracker per arguments
    while its events stay the same (the first and last event objects and
    their count: events are only ever appended). Callers change the states
    they get (the featurisers drop text in place), so each gets a copy."""
    events = tracker.events
    version = (len(events), id(events[0]), id(events[-1])) if events else (0, 0, 0)
    key = (
        id(domain),
        omit_unset_slots,
        ignore_rule_only_turns,
        json.dumps(rule_only_data, sort_keys=True, default=repr),
    )
    memo = tracker.__dict__.get("_iop_past_states")
    if memo is None or memo[0] != version:
        memo = (version, {})
        tracker.__dict__["_iop_past_states"] = memo
    if key not in memo[1]:
        memo[1][key] = _rasa_past_states(
            tracker, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data
        )
    return copy.deepcopy(memo[1][key])


def possible_rule_keys(policy: RulePolicy, lookup: Dict[str, str], states: Any) -> Set[str]:
    """RulePolicy._get_possible_keys, kept per (rules, states) on the policy."""
    try:
        key = (
            len(lookup),
            hash(frozenset(lookup.items())),
            json.dumps(states, sort_keys=True, default=repr),
        )
    except TypeError:  # states this does not know how to key
        return _rasa_possible_keys(policy, lookup, states)
    kept = policy.__dict__.setdefault("_iop_rule_keys", OrderedDict())
    if key in kept:
        kept.move_to_end(key)
    else:
        kept[key] = frozenset(_rasa_possible_keys(policy, lookup, states))
        if len(kept) > PREDICTIONS_KEPT:
            kept.popitem(last=False)
    return set(kept[key])


_event_classes: Dict[str, Any] = {}


def resolve_by_type(type_name: str, default: Optional[Any] = None) -> Optional[Any]:
    """Rasa's `Event.resolve_by_type`, the class of each type name found
    once: the first subclass with that name, in Rasa's order."""
    if not _event_classes:
        for cls in _all_event_classes():
            _event_classes.setdefault(cls.type_name, cls)
    found = _event_classes.get(type_name)
    return found if found is not None else _rasa_resolve_by_type(type_name, default)


def _all_event_classes() -> Any:
    import rasa.shared.utils.common

    return rasa.shared.utils.common.all_subclasses(Event)


def install() -> None:
    RulePolicy._get_possible_keys = possible_rule_keys
    Event.resolve_by_type = staticmethod(resolve_by_type)
    RemoteAction._validate_action_result = _validate_action_result
    if TED._rasa_predict is _rasa_predict:  # once
        TED._rasa_predict = remembering(_rasa_predict)
    DialogueStateTracker.past_states = past_states_once
    if TEDPolicy.predict_action_probabilities is _rasa_policy_predict:
        TEDPolicy.predict_action_probabilities = remembering(
            _rasa_policy_predict, key=dialogue_states_key
        )
