"""Rasa NLU component: the places iopnav/nlu/places.py finds (ZIPs, "City,
ST", states, counties, known cities) as `location` entities, next to the
CRF's. Where both found the same place, this one's span wins: it takes the
whole "Houston, TX 77002" where the CRF may split it in two or stop short.
"""

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from iopnav.nlu.places import find_places, place_value

ENTITY = "location"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class PlaceExtractor(GraphComponent):
    """Adds `location` entities for the places named in the text."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "PlaceExtractor":
        """See parent class."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Tags each message's places (see the module docstring)."""
        for message in messages:
            text = message.get(TEXT) or ""
            spans = find_places(text)
            if not spans:
                continue
            entities = [
                e
                for e in message.get(ENTITIES) or []
                if e.get("entity") != ENTITY
                or not any(
                    e.get("start", -1) < end and start < e.get("end", -1) for start, end in spans
                )
            ]
            entities += [
                {
                    "entity": ENTITY,
                    "value": place_value(text[start:end]),
                    "start": start,
                    "end": end,
                    "confidence_entity": 1.0,
                    "extractor": type(self).__name__,
                }
                for start, end in spans
            ]
            message.set(
                ENTITIES, sorted(entities, key=lambda e: e.get("start", 0)), add_to_output=True
            )
        return messages
