"""The base of our untrained NLU components: each reads a message and
rewrites its entities, with no training and no state to store."""

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message


class MessageRewriter(GraphComponent):
    """Calls `rewrite` on every message; subclasses say what it does."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """See parent class."""
        cls.prepare()
        return cls()

    @classmethod
    def prepare(cls) -> None:
        """What a component loads once, before its first message (none here)."""

    def process(self, messages: List[Message]) -> List[Message]:
        """See `rewrite`."""
        for message in messages:
            self.rewrite(message)
        return messages

    def rewrite(self, message: Message) -> None:
        raise NotImplementedError

    def whole_span(self, entity: str, value: Any, start: int, end: int) -> Dict[Text, Any]:
        """An entity this component is sure of (no confidence to weigh)."""
        return {
            "entity": entity,
            "value": value,
            "start": start,
            "end": end,
            "confidence_entity": 1.0,
            "extractor": type(self).__name__,
        }
