"""The hold-out set (tests/nlu_holdout.yml) scores the classifier on messages
it has never seen: none may be a training example or a near-copy of one."""

import re
from pathlib import Path

from rapidfuzz import fuzz, process
from rasa.shared.nlu.training_data.loading import load_data

ROOT = Path(__file__).resolve().parents[2]


def normalised(text: str) -> str:
    return re.sub(r"[^\w ]", "", text.lower()).strip()


def test_no_hold_out_message_is_trained_on():
    training = [
        normalised(m.get("text")) for m in load_data(str(ROOT / "data" / "nlu")).intent_examples
    ]
    holdout = [
        normalised(m.get("text"))
        for m in load_data(str(ROOT / "tests" / "nlu_holdout.yml")).intent_examples
    ]
    assert len(holdout) >= 200
    exact = sorted(set(holdout) & set(training))
    assert not exact, f"hold-out messages in the training data: {exact}"
    near = []
    for text in holdout:
        best = process.extractOne(text, training, scorer=fuzz.ratio)
        if len(text) > 15 and best[1] >= 93:
            near.append((text, best[0]))
    assert not near, f"hold-out messages nearly copied in the training data: {near}"
