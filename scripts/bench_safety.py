"""How long the safety decision adds per message (printed, not asserted).

Times, over the labelled set plus long messages (up to 2,000 characters):
the rule-based screen alone, the learned risk model alone (read from the
trained model archive), and both followed by the SafetyScreen decision,
which is what every message pays. The goal is p95 <= 10 ms on one core.
"""

import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from iopnav.evaluation import DEFAULT_MODEL, load_risk_model  # noqa: E402
from iopnav.safety.component import SafetyScreen  # noqa: E402
from iopnav.safety.screen import assess  # noqa: E402


def timings(fn, texts, rounds=5):
    per_message = []
    for _ in range(rounds):
        for t in texts:
            start = time.perf_counter()
            fn(t)
            per_message.append((time.perf_counter() - start) * 1000)
    per_message.sort()
    return (
        statistics.median(per_message),
        per_message[int(0.95 * (len(per_message) - 1))],
        per_message[-1],
    )


def main() -> None:
    labelled = ROOT / "tests" / "safety" / "labelled.yml"
    texts = (
        [m["text"] for m in yaml.safe_load(labelled.read_text())["messages"]]
        if labelled.exists()
        else []
    )
    long_story = (
        "I have been feeling low since the winter and work has been a lot, my sister says "
        "I should talk to someone and I think she is right, what do your groups do? "
    )
    texts += ["I want to kill myself", "do you take aetna", (long_story * 20)[:2000]]
    texts += [(long_story * 10)[:n] for n in (500, 1000, 1500, 2000)]
    component = SafetyScreen({})
    risk = load_risk_model(DEFAULT_MODEL)

    def decision(text):
        data = {
            "text": text,
            "intent": {"name": "greet", "confidence": 0.9},
            "intent_ranking": [{"name": "greet", "confidence": 0.9}],
        }
        if risk is not None:
            data["risk"] = risk.score_one(text).as_dict()
        component.process([Message(data=data)])

    assess("warm up")
    print(f"messages: {len(texts)} (longest {max(map(len, texts))} characters), one core")
    steps = [("screen alone", assess), ("screen + risk model + decision", decision)]
    if risk is not None:
        steps.insert(1, ("risk model alone", risk.score_one))
    for name, fn in steps:
        p50, p95, worst = timings(fn, texts)
        print(f"{name:31} median {p50:.2f} ms   p95 {p95:.2f} ms   max {worst:.2f} ms")


if __name__ == "__main__":
    main()
