"""Rasa NLU component: one type per span where the CRF and the lookup tables
disagree. A lookup table knows words, not context: "eating disorder" is on
its condition list, but in "an eating disorder program" it names the program
type, which the CRF reads from the words around it. So where a lookup-table
entity overlaps a CRF entity of another type, the CRF's stands; a lookup
entity of the same type, or one the CRF missed, is kept.
"""

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from iopnav.nlu.rewriter import MessageRewriter

CONTEXT = "CRFEntityExtractor"
WORD_LIST = "RegexEntityExtractor"
# Types the two extractors share; `language` and the safety screen's entities
# span whole messages and are not a reading of the words.
TYPES = {"condition", "insurance", "location", "age_group", "program_type"}


def _overlap(a: Dict[Text, Any], b: Dict[Text, Any]) -> bool:
    return a.get("start", 0) < b.get("end", 0) and b.get("start", 0) < a.get("end", 0)


def resolve(entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """The entities without lookup-table ones the CRF reads as another type."""
    read = [e for e in entities if e.get("extractor") == CONTEXT and e.get("entity") in TYPES]
    return [
        e
        for e in entities
        if e.get("extractor") != WORD_LIST
        or e.get("entity") not in TYPES
        or not any(_overlap(e, c) and c["entity"] != e["entity"] for c in read)
    ]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class EntityOverlapResolver(MessageRewriter):
    """Drops lookup-table entities that the CRF reads as another type."""

    def rewrite(self, message: Message) -> None:
        """See the module docstring."""
        entities = message.get(ENTITIES) or []
        kept = resolve(entities)
        if len(kept) != len(entities):
            message.set(ENTITIES, kept, add_to_output=True)
