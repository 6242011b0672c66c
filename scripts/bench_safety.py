"""How long the safety screen adds per message (printed, not asserted).

Times the rule-based screen alone and the Rasa SafetyScreen component
(screen + decision) over the labelled set and some long messages.
"""

import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasa.shared.nlu.training_data.message import Message  # noqa: E402

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
    texts += ["I want to kill myself", "do you take aetna", "what are your hours " * 50]
    component = SafetyScreen({})

    def through_component(text):
        component.process(
            [
                Message(
                    data={
                        "text": text,
                        "intent": {"name": "greet", "confidence": 0.9},
                        "intent_ranking": [{"name": "greet", "confidence": 0.9}],
                    }
                )
            ]
        )

    assess("warm up")
    print(f"messages: {len(texts)}")
    for name, fn in (("screen alone", assess), ("Rasa component", through_component)):
        p50, p95, worst = timings(fn, texts)
        print(f"{name:15} median {p50:.2f} ms   p95 {p95:.2f} ms   max {worst:.2f} ms per message")


if __name__ == "__main__":
    main()
