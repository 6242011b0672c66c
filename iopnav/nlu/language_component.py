"""Rasa NLU component: the message's language (iopnav/nlu/language.py) as
the entity `language`, which the `language` slot (domain/core.yml) takes by
a from_entity mapping every user turn. Rasa applies that mapping itself, so
the language follows the person even with the action server down.

A message with no clear language ("ok", "2", a ZIP code) gets no entity and
the slot keeps its value. Button payloads ("/find_program") skip the NLU
pipeline and keep it too.
"""

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from iopnav.nlu import language

ENTITY = "language"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(GraphComponent):
    """Adds the entity `language` ("en" or "es") when the text has a clear one."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
        """See parent class."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Tags each message with its language (see the module docstring)."""
        for message in messages:
            found = language.detect(message.get(TEXT) or "")
            entities = [e for e in (message.get(ENTITIES) or []) if e.get("entity") != ENTITY]
            if found:
                entities.append(
                    {
                        "entity": ENTITY,
                        "value": found,
                        "start": 0,
                        "end": len(message.get(TEXT) or ""),
                        "confidence_entity": 1.0,
                        "extractor": type(self).__name__,
                    }
                )
            message.set(ENTITIES, entities, add_to_output=True)
            message.set(ENTITY, found, add_to_output=True)
        return messages
