"""The hold-out sets score the classifier on messages it has never seen: none
may be a training example or a near-copy of one, and the blind set (written
by people who never saw the others) copies neither the training data nor the
older hold-out."""

from pathlib import Path

import pytest

from iopnav.textsets import nlu_overlaps, nlu_texts

ROOT = Path(__file__).resolve().parents[2]
TRAINING = ROOT / "data" / "nlu"
HOLDOUT = ROOT / "tests" / "nlu_holdout.yml"
BLIND = ROOT / "tests" / "nlu_holdout_blind.yml"
SPANISH = ROOT / "tests" / "nlu_holdout_es.yml"


@pytest.fixture(scope="module")
def training():
    return nlu_texts(TRAINING)


def test_no_hold_out_message_is_trained_on(training):
    holdout = nlu_texts(HOLDOUT)
    assert len(holdout) >= 200
    # This older set predates the token-set rule ("ok bye bye" vs "ok bye"),
    # so only near-identical spellings count against it.
    copies = nlu_overlaps(holdout, training, token_sets=False)
    assert not copies, f"hold-out messages (nearly) in the training data: {copies}"


def test_the_blind_hold_out_copies_no_training_or_older_hold_out_message(training):
    blind = nlu_texts(BLIND)
    assert len(blind) >= 600
    copies = nlu_overlaps(blind, training + nlu_texts(HOLDOUT))
    assert not copies, f"blind hold-out messages (nearly) seen before: {copies}"


def test_the_spanish_hold_out_copies_no_training_or_other_hold_out_message(training):
    spanish = nlu_texts(SPANISH)
    assert len(spanish) >= 300
    copies = nlu_overlaps(spanish, training + nlu_texts(HOLDOUT) + nlu_texts(BLIND))
    assert not copies, f"Spanish hold-out messages (nearly) seen before: {copies}"


def test_the_overlap_check_has_teeth(training):
    """A training message with one letter changed, or its words reordered,
    counts as seen."""
    sample = next(t for t in training if len(t) > 30)
    edited = sample[:10] + ("x" if sample[10] != "x" else "y") + sample[11:]
    reordered = " ".join(reversed(sample.split()))
    assert len(nlu_overlaps([edited, reordered], training)) == 2
