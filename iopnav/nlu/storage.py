"""Pickled model state inside a Rasa model archive, for our trainable
components (the TF-IDF intent classifier and the learned risk model)."""

import pickle
from typing import Any, Optional

from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


def save(model_storage: ModelStorage, resource: Resource, name: str, state: Any) -> None:
    with model_storage.write_to(resource) as directory:
        (directory / name).write_bytes(pickle.dumps(state))


def load(model_storage: ModelStorage, resource: Resource, name: str) -> Optional[Any]:
    """The stored state, or None when this archive has none (not trained)."""
    try:
        with model_storage.read_from(resource) as directory:
            return pickle.loads((directory / name).read_bytes())
    except (ValueError, FileNotFoundError):
        return None
