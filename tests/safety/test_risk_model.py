"""The learned risk model: its data stays independent, it learns, it survives
a save and load, and its embeddings are the real WordLlama table."""

import pickle
from collections import Counter

import numpy as np
import pytest
import yaml

from iopnav import contextual, embeddings, settings
from iopnav.safety import risk_model
from iopnav.safety.risk_model import CRISIS, KIND_OF_CATEGORY, Example, RiskModel
from iopnav.textsets import (
    SAFETY_EVALUATION_SETS,
    NearDuplicateIndex,
    nlu_overlaps,
    nlu_texts,
    scored_texts,
    yaml_texts,
)

ROOT = settings.PROJECT_ROOT


@pytest.fixture(scope="module")
def data():
    return (
        risk_model.load_examples(risk_model.TRAIN_FILE),
        risk_model.load_examples(risk_model.HELDOUT_FILE),
    )


def test_every_warning_sign_class_has_enough_training_and_held_out_messages(data):
    train, heldout = data
    train_counts = Counter(e.category for e in train if e.label == CRISIS)
    held_counts = Counter(e.category for e in heldout if e.label == CRISIS)
    for category in KIND_OF_CATEGORY:
        assert train_counts[category] >= 40, category
        assert held_counts[category] >= 15, category
    assert sum(e.label == CRISIS for e in train + heldout) >= 3000
    assert sum(e.label != CRISIS for e in train + heldout) >= 3000


def test_held_out_messages_are_not_in_or_near_the_training_part(data):
    train, heldout = data
    index = NearDuplicateIndex(e.text for e in train)
    near = [(e.text, index.near(e.text)) for e in heldout if index.near(e.text)]
    assert not near, near[:5]


def test_risk_data_does_not_copy_the_safety_sets_or_the_intent_hold_outs(data):
    index = NearDuplicateIndex(scored_texts(ROOT))
    copied = [e.text for e in data[0] + data[1] if index.near(e.text)]
    assert not copied, copied[:5]


# Sets older than the NLU training data's check against them (the labelled
# set was self-written beside it; two blind messages and one of session 17
# are near short training messages).
SETS_BEFORE_THE_NLU_CHECK = {"labelled", "blind", "blind_s17"}


def test_the_newer_safety_sets_copy_no_nlu_training_message():
    # The intent classifier and the risk model both learn from data/nlu.
    training = nlu_texts(ROOT / "data" / "nlu")
    copied = {
        name: nlu_overlaps(yaml_texts(ROOT / relative), training)
        for name, (relative, _) in SAFETY_EVALUATION_SETS.items()
        if name not in SETS_BEFORE_THE_NLU_CHECK
    }
    assert not any(copied.values()), {k: v[:3] for k, v in copied.items() if v}


def test_every_labelled_safety_set_is_kept_out_of_training():
    # A new evaluation set left out of the one list would be learned from.
    labelled = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "tests" / "safety").glob("*.yml")
        if any("label" in m for m in (yaml.safe_load(path.read_text()) or {}).get("messages", []))
    }
    listed = {relative for relative, _ in SAFETY_EVALUATION_SETS.values()}
    assert labelled == listed


def test_the_split_is_stable_per_message(data):
    train, heldout = data
    assert all(not risk_model.is_heldout(e.text) for e in train)
    assert all(risk_model.is_heldout(e.text) for e in heldout)


TINY = [
    Example("i want to end my life tonight", "crisis", "explicit_ideation"),
    Example("i have the pills ready and wrote my note", "crisis", "preparation_farewell"),
    Example("everyone would be better off without me", "crisis", "passive_ideation"),
    Example("i took the whole bottle of pills with vodka", "crisis", "overdose_poisoning"),
    Example("i swallowed all my sleeping pills an hour ago", "crisis", "overdose_poisoning"),
    Example("what time do the evening groups meet", "not_crisis", "service_questions"),
    Example("do you take aetna insurance for the program", "not_crisis", "service_questions"),
    Example("this traffic is killing me lol", "not_crisis", "idioms"),
    Example("how long is the intensive outpatient program", "not_crisis", "service_questions"),
    Example("my knee is killing me after the run", "not_crisis", "idioms"),
]


def test_a_fitted_model_scores_risk_and_names_the_kind():
    model = RiskModel.fit(TINY, embeddings.load())
    crisis, service = model.score(["i want to end my life", "when do groups meet"])
    assert crisis.crisis > 0.5 > service.crisis
    assert model.score_one("took all the pills with vodka").kind == "overdose"


def test_out_of_fold_scores_come_from_models_that_did_not_see_the_message():
    # Both classes and two kinds in every fit, whatever the fold holds.
    always = TINY[:1] + TINY[3:4] + TINY[5:7]
    examples = TINY[1:3] + TINY[4:5] + TINY[7:]
    scores = risk_model.out_of_fold_scores(examples, always, 2, embeddings.load())
    assert set(scores) == {e.text for e in examples}
    for fold in (0, 1):
        held = [e for e in examples if risk_model.fold_of(e.text, 2) == fold]
        rest = [e for e in examples if risk_model.fold_of(e.text, 2) != fold]
        alone = RiskModel.fit(rest + always, embeddings.load())
        for example, score in zip(held, alone.score([e.text for e in held]), strict=True):
            assert scores[example.text].crisis == pytest.approx(score.crisis)
    # Not the model fitted on everything: that one has seen the message.
    full = RiskModel.fit(examples + always, embeddings.load())
    assert any(abs(full.score_one(e.text).crisis - scores[e.text].crisis) > 1e-3 for e in examples)


def test_a_saved_model_scores_the_same_after_loading():
    model = RiskModel.fit(TINY, embeddings.load())
    loaded = pickle.loads(pickle.dumps(model))
    assert loaded.embedder is not None
    texts = ["i wrote my note", "do you take medicaid"]
    assert [s.crisis for s in loaded.score(texts)] == pytest.approx(
        [s.crisis for s in model.score(texts)]
    )


def test_the_embedding_network_is_averaged_in_and_survives_saving():
    plain = RiskModel.fit(TINY, embeddings.load())
    blended = RiskModel.fit(TINY, embeddings.load(), dense_weight=0.3)
    texts = ["i want to end my life", "when do groups meet"]
    dense = blended.dense_clf.predict_proba(embeddings.load().embed(texts))[:, 1]
    expected = [0.7 * s.crisis + 0.3 * d for s, d in zip(plain.score(texts), dense, strict=True)]
    assert [s.crisis for s in blended.score(texts)] == pytest.approx(expected, abs=1e-6)
    loaded = pickle.loads(pickle.dumps(blended))
    assert [s.crisis for s in loaded.score(texts)] == pytest.approx(expected, abs=1e-6)


def test_the_minilm_network_is_averaged_in_and_survives_saving():
    """MiniLM reads words in context (docs/safety.md, session 25): its network
    trains on the first 64 tokens and scores the full vector the intent
    classifier shares."""
    encoder = contextual.load()
    plain = RiskModel.fit(TINY, embeddings.load())
    blended = RiskModel.fit(TINY, embeddings.load(), contextual=encoder, contextual_weight=0.3)
    texts = ["i want to end my life", "when do groups meet"]
    read = blended.contextual_clf.predict_proba(encoder.embed(texts))[:, 1]
    expected = [0.7 * s.crisis + 0.3 * r for s, r in zip(plain.score(texts), read, strict=True)]
    assert [s.crisis for s in blended.score(texts)] == pytest.approx(expected, abs=1e-6)
    loaded = pickle.loads(pickle.dumps(blended))
    assert loaded.contextual is encoder
    assert [s.crisis for s in loaded.score(texts)] == pytest.approx(expected, abs=1e-6)


def test_the_readers_log_odds_are_summed_with_the_length_and_survive_saving():
    """Since session 33 the deployed blend sums log-odds (docs/safety.md): a
    sure reader stays sure where an average would pull it to the middle, and
    a longer message with the same readings scores lower."""
    encoder = contextual.load()
    weights = {"linear": 0.83, "contextual": 0.29, "length": -0.4, "bias": 2.0}
    plain = RiskModel.fit(TINY, embeddings.load())
    blended = RiskModel.fit(
        TINY, embeddings.load(), contextual=encoder, contextual_weight=0.3, logit_blend=weights
    )
    texts = ["i want to end my life", "when do groups meet"]
    linear = np.array([s.crisis for s in plain.score(texts)])
    read = blended.contextual_clf.predict_proba(encoder.embed(texts))[:, 1]
    odds = np.log(linear / (1 - linear)) * 0.83 + np.log(read / (1 - read)) * 0.29
    odds += 2.0 - 0.4 * np.log1p([len(t) for t in texts])
    expected = 1 / (1 + np.exp(-odds))
    assert [s.crisis for s in blended.score(texts)] == pytest.approx(expected, abs=1e-6)
    loaded = pickle.loads(pickle.dumps(blended))
    assert [s.crisis for s in loaded.score(texts)] == pytest.approx(expected, abs=1e-6)
    sure = risk_model.combine_log_odds(weights, np.array([0.99]), np.array([0.5]), ["x" * 20])
    assert sure[0] > 0.95 > 0.7 * 0.99 + 0.3 * 0.5  # the average: 0.84
    longer = risk_model.combine_log_odds(weights, np.array([0.9]), np.array([0.9]), ["x" * 2000])
    assert (
        longer[0] < risk_model.combine_log_odds(weights, np.array([0.9]), np.array([0.9]), ["x"])[0]
    )


SESSION_42_WEIGHTS = {
    "linear": 0.83,
    "contextual": 0.29,
    "length": -0.4,
    "bias": 2.0,
    "es": {"linear": 1.0, "contextual": 0.1, "length": -0.5, "sentence": 0.2, "sentences": -1.0},
}


def _odds(p):
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def test_a_spanish_message_takes_its_own_weights_and_its_best_sentence_is_read_alone():
    """Since session 42 (docs/safety.md): a Spanish message takes the weights
    under "es" (MiniLM reads English; a weight it does not name, here the
    bias, stays the English one), and the n-gram regression also scores each
    sentence of a message of two or more, so a crisis said once in a long
    calm message is not averaged away. Here only the Spanish weights name
    the sentence reader, so the English reading has no sentence term; a
    one-sentence message and short fragments add nothing."""
    encoder = contextual.load()
    model = RiskModel.fit(
        TINY,
        embeddings.load(),
        contextual=encoder,
        contextual_weight=0.3,
        logit_blend=SESSION_42_WEIGHTS,
    )
    story = (
        "The groups meet in the evening after work. My knee is killing me after the run. "
        "I want to end my life tonight."
    )
    assert risk_model.sentences(story) == [
        "the groups meet in the evening after work.",
        "my knee is killing me after the run.",
        "i want to end my life tonight.",
    ]
    assert risk_model.sentences("ok. thanks. i want to end my life tonight") == []
    linear = model.crisis_clf.predict_proba(model._features([story.lower()]))[:, 1]
    read = model.contextual_clf.predict_proba(encoder.embed([story.lower()]))[:, 1]
    best = model.crisis_clf.predict_proba(model._features(risk_model.sentences(story)))[:, 1]
    assert best.max() > linear[0]  # the crisis sentence alone reads surer than the story

    def expected(w, sentence):
        z = w["linear"] * _odds(linear) + w["contextual"] * _odds(read) + 2.0
        z += w["length"] * np.log1p(len(story))
        if sentence:
            z += w["sentence"] * _odds(best.max()) + w["sentences"]
        return 1 / (1 + np.exp(-z))

    english, spanish = model.score([story, story], ["en", "es"])
    assert english.crisis == pytest.approx(expected(SESSION_42_WEIGHTS, False)[0], abs=1e-6)
    assert spanish.crisis == pytest.approx(expected(SESSION_42_WEIGHTS["es"], True)[0], abs=1e-6)
    # not told the language, the model detects it: this story is English
    assert model.score_one(story).crisis == pytest.approx(english.crisis)
    loaded = pickle.loads(pickle.dumps(model))
    assert loaded.score([story], ["es"])[0].crisis == pytest.approx(spanish.crisis)


def test_the_component_passes_the_detected_language_to_the_model(tmp_path):
    """The LanguageDetector's reading decides the weights; without it (a
    pipeline that lacks the detector) the model detects the language."""
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message

    from iopnav.nlu.language_component import ENTITY as LANGUAGE
    from iopnav.safety.risk_component import RISK_KEY, RiskModelComponent

    model = RiskModel.fit(TINY, embeddings.load(), logit_blend=SESSION_42_WEIGHTS)
    component = RiskModelComponent({}, LocalModelStorage(tmp_path), Resource("risk"), model)
    text = "quiero terminar con mi vida esta noche"
    told, untold = Message.build(text=text), Message.build(text=text)
    told.set(LANGUAGE, "en")  # as if the detector had read it as English
    component.process([told])
    component.process([untold])
    assert told.get(RISK_KEY)["crisis"] == pytest.approx(
        round(model.score([text], ["en"])[0].crisis, 3)
    )
    assert untold.get(RISK_KEY)["crisis"] == pytest.approx(
        round(model.score([text], ["es"])[0].crisis, 3)
    )
    assert told.get(RISK_KEY)["crisis"] != untold.get(RISK_KEY)["crisis"]


def test_the_component_leaves_a_message_without_words_unscored(tmp_path):
    """A few dots say nothing to weigh (iopnav/nlu/wordless.py); the words
    around the same dots are scored."""
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message

    from iopnav.safety.risk_component import RISK_KEY, RiskModelComponent

    model = RiskModel.fit(TINY, embeddings.load())
    component = RiskModelComponent({}, LocalModelStorage(tmp_path), Resource("risk"), model)
    dots, words = Message.build(text="...."), Message.build(text="i want to end my life....")
    component.process([dots, words])
    assert dots.get(RISK_KEY) is None
    assert words.get(RISK_KEY)["crisis"] > 0.5


def test_sentence_vectors_are_unit_length_and_empty_text_is_zero():
    vectors = embeddings.load().embed(["a burden to my family", ""])
    assert vectors.shape == (2, embeddings.DIMENSIONS)
    assert np.linalg.norm(vectors[0]) == pytest.approx(1.0, abs=1e-4)
    assert not vectors[1].any()
