"""Rasa NLU component: the places iopnav/nlu/places.py finds (ZIPs, "City,
ST", states, counties, known cities) as `location` entities, next to the
CRF's. Where both found the same place, this one's span wins: it takes the
whole "Houston, TX 77002" where the CRF may split it in two or stop short.
"""

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from iopnav.directory import geo
from iopnav.nlu.places import find_places, place_value
from iopnav.nlu.rewriter import MessageRewriter

ENTITY = "location"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class PlaceExtractor(MessageRewriter):
    """Adds `location` entities for the places named in the text."""

    @classmethod
    def prepare(cls) -> None:
        """The ZIP table's city index is built when the model loads."""
        geo.load_tables()

    def rewrite(self, message: Message) -> None:
        """Tags the message's places (see the module docstring)."""
        text = message.get(TEXT) or ""
        spans = find_places(text)
        if not spans:
            return
        entities = [
            e
            for e in message.get(ENTITIES) or []
            if e.get("entity") != ENTITY
            or not any(
                e.get("start", -1) < end and start < e.get("end", -1) for start, end in spans
            )
        ]
        entities += [
            self.whole_span(ENTITY, place_value(text[start:end]), start, end)
            for start, end in spans
        ]
        message.set(ENTITIES, sorted(entities, key=lambda e: e.get("start", 0)), add_to_output=True)
