"""The TF-IDF + linear SVM intent classifier as Rasa runs it: trained through
the graph component API, persisted to model storage, loaded back."""

import pickle
from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from iopnav.nlu.tfidf_classifier import TfidfIntentClassifier
from tests.support.trained import load_component, node_of, unpack

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The classifier `make train` trained through the graph component API
    and persisted in the model archive, loaded back as Rasa loads it (a
    second training here cost most of a minute of make test)."""
    archive = unpack(tmp_path_factory.mktemp("storage"))
    deployed = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    [entry] = [c for c in deployed if c["name"].endswith("TfidfIntentClassifier")]
    node = node_of(archive, TfidfIntentClassifier)
    assert {k: v for k, v in entry.items() if k != "name"}.items() <= node.config.items()
    return load_component(archive, TfidfIntentClassifier)


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


def test_a_message_without_words_is_not_understood(trained):
    """Dots and marks are the fallback, not a guess (a few dots had been a
    confident "yes")."""
    for text in ("...", "?!?", "\u2026 \u2026"):
        assert parse(trained, text).get("intent") == {"name": "nlu_fallback", "confidence": 1.0}
    assert parse(trained, "...yes").get("intent")["name"] == "affirm"


def test_untrained_model_storage_loads_without_crashing(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    component = TfidfIntentClassifier.load({}, storage, Resource("never-trained"), context)
    assert parse(component, "hello").get("intent") is None


def test_sentence_vectors_leave_the_token_table_out_of_the_model():
    from iopnav.nlu.sentence_vectors import SentenceVectors

    vectors = SentenceVectors(weight=2.0)
    before = vectors.transform(["do I sleep there at night"])
    restored = pickle.loads(pickle.dumps(vectors))
    assert restored._encoder is None and len(pickle.dumps(vectors)) < 1_000
    assert before.shape == (1, 256)
    assert abs(float((before**2).sum()) - 4.0) < 1e-3  # unit vector times the weight
    assert (restored.transform(["do I sleep there at night"]) == before).all()


@pytest.mark.parametrize("key", ["embedding_weight", "contextual_weight"])
def test_a_negative_sentence_vector_weight_is_refused(key):
    from rasa.shared.exceptions import InvalidConfigException

    with pytest.raises(InvalidConfigException, match=key):
        TfidfIntentClassifier.validate_config(
            {**TfidfIntentClassifier.get_default_config(), key: -1}
        )


def test_the_fast_feature_row_scores_exactly_as_scikit_learn(trained, monkeypatch):
    """rank() builds the feature row itself (iopnav/fast_features.py):
    bit-equal rows and scores to the pipeline's own, on every training and
    hold-out text and on odd input."""
    from iopnav import contextual

    # Both paths call the same MiniLM encoder; it runs once a text here
    # (three paths x 14 ms x 1,600 texts was two minutes).
    encoder, memo = contextual.load(), {}
    embed = encoder.embed

    def embed_once(texts):
        if tuple(texts) not in memo:
            memo[tuple(texts)] = embed(texts)
        return memo[tuple(texts)].copy()

    monkeypatch.setattr(encoder, "embed", embed_once)
    fast = trained._fast_features()
    assert fast is not None  # the deployed settings take the fast path
    union, svm = trained.pipeline[0], trained.pipeline[-1]
    texts = [e.get("text") for e in load_data(str(ROOT / "data" / "nlu")).intent_examples]
    for holdout in ("nlu_holdout.yml", "nlu_holdout_blind.yml", "nlu_holdout_es.yml"):
        texts += [e.get("text") for e in load_data(str(ROOT / "tests" / holdout)).intent_examples]
    # Every fifth (the slow path costs a minute for all): both languages, all lengths.
    texts = texts[::5] + ["", "   ", "ÑANDÚ  Tabs\tand\nnewlines", "a" * 3000, "999-555 ??!!"]
    assert len(texts) > 1500
    for text in texts:
        slow_row = union.transform([text]).tocsr()
        row = fast.row(text)
        assert row.indices.tolist() == slow_row.indices.tolist(), text
        assert row.data.tolist() == slow_row.data.tolist(), text
        assert (
            svm.decision_function(row).tolist()
            == trained.pipeline.decision_function([text]).tolist()
        )
