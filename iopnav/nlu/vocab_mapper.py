"""Rasa NLU component: entity values mapped to the directory's canonical
values by iopnav/directory/vocab.py, the one place synonyms live.

It replaces Rasa's EntitySynonymMapper, which kept a second copy of the
synonyms in data/nlu (the two had drifted: "medicair" was Medicare in one and
Medicaid in the other) and maps by text alone, whatever the entity type
("substance use" is a condition, but the program type "addiction"). Here the
type picks the table, and misspellings and ages ("my 15 year old") are
handled the way the search handles them. A value vocab cannot map keeps the
visitor's words, so the answer can say honestly that it does not know it.
"""

from typing import Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from iopnav.directory import vocab
from iopnav.nlu.rewriter import MessageRewriter

# Entity types with a canonical vocabulary; `group_language` values are
# language names as the directory lists them.
GROUP_LANGUAGE = "group_language"


def canonical_value(entity_type: str, text: str) -> Optional[str]:
    """The canonical value for an entity's text, or None when vocab has none."""
    if entity_type == GROUP_LANGUAGE:
        return vocab.language_name(text)
    if entity_type in vocab.CANONICAL:
        return vocab.normalise(entity_type, text)
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class VocabSynonymMapper(MessageRewriter):
    """Sets each entity's value to vocab's canonical value for its type."""

    def rewrite(self, message: Message) -> None:
        """Maps the values of the entities found earlier in the pipeline."""
        entities = message.get(ENTITIES) or []
        for entity in entities:
            value = canonical_value(entity.get("entity", ""), str(entity.get("value", "")))
            if value and value != entity.get("value"):
                entity["value"] = value
                entity.setdefault("processors", []).append(type(self).__name__)
        message.set(ENTITIES, entities, add_to_output=True)
