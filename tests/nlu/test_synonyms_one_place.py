"""Entity synonyms live in one place, iopnav/directory/vocab.py: the NLU
pipeline maps values with it (iopnav/nlu/vocab_mapper.py) and the directory
search normalises with it. data/nlu holds no synonym table of its own, and
the values annotated in its examples must be what vocab says."""

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from iopnav.nlu.vocab_mapper import VocabSynonymMapper, canonical_value

ROOT = Path(__file__).resolve().parents[2]
NLU_FILES = sorted((ROOT / "data" / "nlu").glob("*.yml"))


def test_data_nlu_keeps_no_second_synonym_table():
    entries = [
        (path.name, item["synonym"])
        for path in NLU_FILES
        for item in (yaml.safe_load(path.read_text()) or {}).get("nlu") or []
        if "synonym" in item
    ]
    assert entries == []


def test_values_annotated_in_the_training_data_are_what_vocab_says():
    disagree = []
    for example in load_data(str(ROOT / "data" / "nlu")).training_examples:
        for entity in example.get(ENTITIES) or []:
            text = example.get(TEXT)[entity["start"] : entity["end"]]
            if entity["value"] == text:
                continue
            mapped = canonical_value(entity["entity"], text)
            if entity["entity"] != "location" and mapped != entity["value"]:
                disagree.append((entity["entity"], text, entity["value"], mapped))
    assert disagree == []


def mapped(entity_type, text):
    entity = {"entity": entity_type, "value": text, "start": 0, "end": len(text)}
    message = Message(data={TEXT: text, ENTITIES: [entity]})
    VocabSynonymMapper().process([message])
    return message.get(ENTITIES)[0]["value"]


@pytest.mark.parametrize(
    "entity_type, text, value",
    [
        # The same words mean different values for different types.
        ("condition", "substance use", "substance use"),
        ("program_type", "substance use", "addiction"),
        ("condition", "addiction", "substance use"),
        ("program_type", "addiction", "addiction"),
        # The two copies had drifted apart on this one.
        ("insurance", "medicair", "Medicare"),
        ("insurance", "MassHealth", "Medicaid"),
        ("insurance", "Tricare East", "Tricare"),
        ("condition", "vaping", "substance use"),
        ("age_group", "my 15 year old", "teen"),
        ("age_group", "sixteen", "teen"),
        ("group_language", "español", "Spanish"),
        # Not in the vocabulary: the visitor's own words are kept.
        ("insurance", "Amerigroup", "Amerigroup"),
        ("location", "tampa fl", "tampa fl"),
    ],
)
def test_the_pipeline_maps_values_by_entity_type(entity_type, text, value):
    assert mapped(entity_type, text) == value
