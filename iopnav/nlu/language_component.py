"""Rasa NLU component: the message's language (iopnav/nlu/language.py) as
the entity `language`, which the `language` slot (domain/core.yml) takes by
a from_entity mapping every user turn. Rasa applies that mapping itself, so
the language follows the person even with the action server down.

A message with no clear language ("ok", "2", a ZIP code) gets no entity and
the slot keeps its value. Button payloads ("/find_program") skip the NLU
pipeline and keep it too.
"""

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from iopnav.nlu import language
from iopnav.nlu.rewriter import MessageRewriter

ENTITY = "language"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(MessageRewriter):
    """Adds the entity `language` ("en" or "es") when the text has a clear one."""

    def rewrite(self, message: Message) -> None:
        """Tags the message with its language (see the module docstring)."""
        text = message.get(TEXT) or ""
        found = language.detect(text)
        entities = [e for e in (message.get(ENTITIES) or []) if e.get("entity") != ENTITY]
        if found:
            entities.append(self.whole_span(ENTITY, found, 0, len(text)))
        message.set(ENTITIES, entities, add_to_output=True)
        message.set(ENTITY, found, add_to_output=True)
