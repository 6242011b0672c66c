"""The TF-IDF + linear SVM intent classifier as Rasa runs it: trained through
the graph component API, persisted to model storage, loaded back."""

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from iopnav.nlu.tfidf_classifier import TfidfIntentClassifier

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    resource = Resource("tfidf")
    context = ExecutionContext(GraphSchema({}), "test")
    component = TfidfIntentClassifier.create({}, storage, resource, context)
    component.train(load_data(str(ROOT / "data" / "nlu")))
    return TfidfIntentClassifier.load({}, storage, resource, context)


def parse(component, text):
    [message] = component.process([Message.build(text=text)])
    return message


@pytest.mark.parametrize(
    "text, intent",
    [
        ("wut is an iop exactly", "ask_what_is_iop"),
        ("do u take bcbs", "ask_insurance"),
        ("what time do the evening groups meet", "ask_schedule"),
        ("can I talk to an actual person please", "request_human"),
    ],
)
def test_a_reloaded_model_classifies_typical_questions(trained, text, intent):
    assert parse(trained, text).get("intent")["name"] == intent


def test_ranking_is_a_probability_distribution_with_a_clear_winner(trained):
    ranking = parse(trained, "how many hours a week is the program").get("intent_ranking")
    assert len(ranking) == 10
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert 0.5 < confidences[0] <= 1.0 and sum(confidences) <= 1.0 + 1e-6


def test_empty_text_leaves_the_message_unclassified(trained):
    assert parse(trained, "   ").get("intent") is None


def test_untrained_model_storage_loads_without_crashing(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    component = TfidfIntentClassifier.load({}, storage, Resource("never-trained"), context)
    assert parse(component, "hello").get("intent") is None
