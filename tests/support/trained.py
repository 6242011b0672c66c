"""One component of the trained model (`make train`'s archive), loaded from
the archive's files as Rasa's graph loads it, for tests that check a
component without starting Rasa."""

from pathlib import Path
from typing import Any, Tuple

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema, SchemaNode
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.storage import ModelMetadata

from tests.support.assistant import model_path

Archive = Tuple[LocalModelStorage, ModelMetadata]


def unpack(folder: Path) -> Archive:
    if not model_path().exists():
        pytest.fail("no trained model: run `make train` first")
    return LocalModelStorage.from_model_archive(folder, model_path())


def node_of(archive: Archive, component_class: type) -> SchemaNode:
    [node] = [n for n in archive[1].predict_schema.nodes.values() if n.uses is component_class]
    return node


def load_component(archive: Archive, component_class: type) -> Any:
    node = node_of(archive, component_class)
    config = {**component_class.get_default_config(), **node.config}  # as Rasa's graph does
    context = ExecutionContext(GraphSchema({}), "test")
    return component_class.load(config, archive[0], node.resource, context)
