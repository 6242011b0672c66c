"""The safety decision's fast paths give exactly what their slow paths give.

Each speed-up of the screen and the risk model (docs/safety.md, latency)
keeps a slow reference: spaCy over the whole sentence, the lexicon without
the message-wide prefilter, scikit-learn's own feature pipeline. These tests
run both on the safety sets and on long messages joined from them, and
require equal results: equal lemmas, equal matches, bit-equal features (so
equal risk scores). scripts/safety_decisions.py checks the decisions
themselves on every set against a dump taken before a change.
"""

import importlib
import re
from pathlib import Path
from typing import List

import numpy as np
import pytest
import yaml

from iopnav import embeddings, settings
from iopnav.safety import risk_model
from iopnav.safety.risk_model import RiskModel, _prepare
from iopnav.safety.screen import lexicon
from iopnav.safety.screen.frames import MessageFrames
from iopnav.safety.screen.normalise import normalise
from iopnav.safety.screen.views import lemma_text, spacy_lemma_text

SAFETY = settings.PROJECT_ROOT / "tests" / "safety"
# The module (the package exports its `normalise` function under the same name).
normalise_module = importlib.import_module("iopnav.safety.screen.normalise")


def _texts(path: Path) -> List[str]:
    return [m["text"] for m in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]]


@pytest.fixture(scope="module")
def messages() -> List[str]:
    short = _texts(SAFETY / "labelled.yml") + _texts(SAFETY / "blind.yml")
    # Long messages (1,000-2,000 characters) whose risk sits anywhere in them.
    long = [" ".join(short[i : i + 25])[: 1000 + 37 * i % 1000] for i in range(0, 1400, 25)]
    return short + long


def test_lemmas_chunk_by_chunk_are_spacys_lemmas_of_the_whole_sentence(messages):
    odd = ["", " ", "a  b", " leading and trailing ", "tabs\tand\nnewlines", "can't won't i'm"]
    for text in odd + [s for m in messages for s in MessageFrames(normalise(m)).sentences]:
        assert lemma_text(text) == spacy_lemma_text(text), text


def _every_pattern(kind: str, views, sentence: str, reported: bool) -> List[lexicon.Match]:
    """The lexicon without its shortcuts: every pattern searched in every view."""
    found = []
    for category, raw, rx, _ in lexicon.load()[kind]:
        for view in views:
            m = rx.search(view) if view else None
            if m:
                category = "third_party" if reported else category
                found.append(
                    lexicon.Match(category, kind, raw, m.group(0), sentence, view, reported)
                )
                break
    return found


def test_the_prefilter_and_literal_gates_find_what_every_pattern_finds(messages):
    compared = 0
    for text in messages:
        message = MessageFrames(normalise(text))
        for sentence in message.sentence_frames:
            views = sentence.views
            for kind in ("strong", "topic", "ambiguous"):
                for group, reported in ((views.views, False), (views.reported, True)):
                    if not group:
                        continue
                    fast = lexicon.find(kind, group, views.sentence, reported, message.prefilter)
                    slow = _every_pattern(kind, group, views.sentence, reported)
                    assert fast == slow, (kind, views.sentence)
                    compared += len(slow)
        whole = (message.norm, lemma_text(message.norm))
        assert lexicon.find("message", whole, message.norm) == _every_pattern(
            "message", whole, message.norm, False
        )
    assert compared > 1000  # the sets do match many patterns


def test_literal_gates_are_what_every_match_contains():
    gates = lexicon.literal_gates(r"\b(?:kill|end) (?:myself|my life)( tonight)?\b")
    assert gates == (("end", "kill"), (" my",), (" life", "self"))
    assert lexicon.literal_gates("(?i:kill) me") == ()  # case-insensitive: no gates


def test_literal_gates_read_a_repeated_letter_as_its_neighbours():
    assert lexicon.literal_gates(r"\bkm+s+\b") == (("km",), ("ms",), ("s",))


def test_leading_words_are_the_whole_first_word_of_every_match():
    assert lexicon.leading_words(r"\bcan'?t\b") == (("can't", "can"), ("cant", "cant"))
    assert lexicon.leading_words(r"\b(he|she)'d\b") == (("he'd", "he"), ("she'd", "she"))
    assert lexicon.leading_words(r"\bw/") == (("w/", "w"),)
    # The first word's end unknown ("\bkm+s", "\bfoo"), or no word at the start: None.
    for pattern in (r"\bim+a\b", r"\bfoo", r"\b'x", r"kill\b", r"\b(?i:kms)\b"):
        assert lexicon.leading_words(pattern) is None, pattern


def test_halves_split_at_the_first_top_level_any_run():
    head, tail = lexicon.halves(r"\bgun\b.*\bnote\b.*x")
    assert (head.pattern, tail.pattern) == (r"\bgun\b", r"\bnote\b.*x")
    for pattern in (r"a.*b|c", r"(a.*b)", r"a[.*]b", r"a\.*b", r"[]a.*]b", r"ab"):
        assert lexicon.halves(pattern) is None, pattern


def _expand_every_pattern(text: str) -> str:
    for pattern, replacement in normalise_module._EXPANSION_TABLE:
        text = re.sub(pattern, replacement, text)
    return text


def test_the_gated_expansions_give_what_every_expansion_gives(messages):
    odd = ["i'm im u r ur w/ w life", "he's been he'd o.d'd a.b.c. sh'ing shing", "killin bout"]
    for text in odd + [m.lower() for m in messages]:
        assert normalise_module._expand(text) == _expand_every_pattern(text), text


@pytest.fixture(scope="module")
def model() -> RiskModel:
    # A small model of the real kind (word and char_wb TF-IDF + WordLlama).
    examples = risk_model.load_examples(risk_model.TRAIN_FILE)[::8]
    return RiskModel.fit(examples, embeddings.load())


def test_the_fast_feature_row_is_bit_equal_to_scikit_learns(model, messages):
    assert model._fast is not None
    heldout = [e.text for e in risk_model.load_examples(risk_model.HELDOUT_FILE)[::4]]
    odd = ["", "   ", "!!!", "a", "ÉCOLE Ñ 😂 — ok", "x" * 3000]
    for text in [_prepare(t) for t in odd + messages + heldout]:
        slow, fast = model._features([text]), model._fast.row(text)
        assert fast.shape == slow.shape
        assert fast.indices.dtype == slow.indices.dtype
        assert np.array_equal(fast.indices, slow.indices), text
        assert fast.data.tobytes() == slow.data.tobytes(), text


def test_scores_on_the_fast_path_equal_scores_on_the_slow_path(model, messages):
    texts = messages[::5]
    fast = model.score(texts)
    model_slow = RiskModel(
        model.embedder, model.vectorizer, model.crisis_clf, model.kind_clf, 1.0
    )  # built without _fast_layout: scikit-learn's path
    assert getattr(model_slow, "_fast", None) is None
    assert model_slow.score(texts) == fast


def test_the_sentence_products_equal_the_rows_times_the_weights(model, messages):
    """FastFeatures.dots (each sentence of a Spanish message read alone,
    session 42) skips building the rows; its numbers match them up to
    rounding, and so do the best sentences' scores."""
    heldout = [e.text for e in risk_model.load_examples(risk_model.HELDOUT_FILE)[::4]]
    texts = [_prepare(t) for t in ["", "!!!", "x" * 3000] + messages + heldout]
    coef = model.crisis_clf.coef_[0]
    rows = np.array([(model._features([t]) @ coef)[0] for t in texts])
    assert model._fast.dots(texts, coef) == pytest.approx(rows, abs=1e-12)
    long = [t for t in messages + heldout if risk_model.sentences(t)]
    assert len(long) > 100
    slow = RiskModel(model.embedder, model.vectorizer, model.crisis_clf, model.kind_clf, 1.0)
    assert model._best_sentences(long) == pytest.approx(slow._best_sentences(long), abs=1e-12)
