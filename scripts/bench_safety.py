"""How long the safety decision adds per message (printed, not asserted).

Runs on one core (the process is pinned to one CPU, numeric libraries to one
thread) over the labelled set, the risk model's blind held-out part (up to
876 characters) and long messages of 1,000 to 2,000 characters (held-out
narratives joined), and times: the rule-based screen alone, the learned risk
model alone (read from the trained model archive), and both followed by the
SafetyScreen decision, which is what every message pays. The goal is p95 <=
10 ms for the whole decision.

The risk model reads MiniLM's vector of the message, which the intent
classifier computes first in the same pipeline (contextual.MEMO_SIZE): the
risk model is timed both with that vector already there (as deployed) and
encoding it itself (as if the classifier were gone).

`cpu` is the time the message costs its core (the thread's CPU time); `wall`
also counts waiting for other processes on a shared machine.
"""

import os

# One thread for numpy/scipy, before they are imported: "on one core".
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable, Dict, List, Optional, Tuple  # noqa: E402

import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from iopnav.evaluation import DEFAULT_MODEL, load_risk_model  # noqa: E402
from iopnav.nlu.language import detect  # noqa: E402
from iopnav.safety.component import SafetyScreen  # noqa: E402
from iopnav.safety.screen import assess  # noqa: E402

MAX_CHARS = 2000
BANDS = ((0, 200), (200, 1000), (1000, MAX_CHARS))


def _texts(path: Path) -> List[str]:
    return (
        [m["text"] for m in yaml.safe_load(path.read_text())["messages"]] if path.exists() else []
    )


def messages() -> List[str]:
    labelled = _texts(ROOT / "tests" / "safety" / "labelled.yml")
    heldout = _texts(ROOT / "iopnav" / "safety" / "risk_data" / "heldout.yml")
    stories = [t for t in heldout if len(t) > 300]
    # Nobody wrote 2,000 characters in one message here: join narratives.
    long = [
        " ".join(stories[i : i + 6])[: 1000 + (i * 37) % 1001]
        for i in range(0, len(stories) - 6, 3)
    ]
    return labelled + [t[:MAX_CHARS] for t in heldout] + long


def timings(
    fn: Callable[[str], object], texts: List[str], before: Callable[[str], object] = len
) -> List[Tuple[int, float, float]]:
    """(length, cpu ms, wall ms) per message; `before` runs untimed first."""
    out = []
    for text in texts:
        before(text)
        wall, cpu = time.perf_counter(), time.thread_time()
        fn(text)
        out.append(
            (len(text), (time.thread_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000)
        )
    return out


def p95(values: List[float]) -> float:
    values = sorted(values)
    return values[int(0.95 * (len(values) - 1))] if values else float("nan")


def main() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    texts = messages()
    component = SafetyScreen({})
    risk = load_risk_model(DEFAULT_MODEL)

    def decision(text: str) -> None:
        data: Dict = {
            "text": text,
            "intent": {"name": "greet", "confidence": 0.9},
            "intent_ranking": [{"name": "greet", "confidence": 0.9}],
        }
        if risk is not None:
            data["risk"] = risk.score([text], [languages.get(text)])[0].as_dict()
        component.process([Message(data=data)])

    languages: Dict[str, Optional[str]] = {}
    decision("warm up")
    print(f"messages: {len(texts)} (longest {max(map(len, texts))} characters), one core")
    encoder = getattr(risk, "contextual", None)

    def shared(text: str) -> None:
        """The intent classifier's MiniLM vector of the message and the
        LanguageDetector's reading, as in the pipeline."""
        languages[text] = detect(text)
        if encoder is not None:
            encoder.embed([" ".join(text.lower().split())])

    def unshared(text: str) -> None:
        if encoder is not None:
            encoder.forget()

    def risk_alone(text: str) -> None:
        risk.score([text], [languages.get(text)])

    steps = [("screen alone", assess, len), ("screen + risk model + decision", decision, shared)]
    if risk is not None:
        steps.insert(1, ("risk model alone", risk_alone, shared))
        if encoder is not None:
            steps.insert(2, ("risk model, encoding MiniLM", risk.score_one, unshared))
    else:
        print("no trained model: the risk model is not timed (run `make train`)")
    for name, fn, before in steps:
        rows = timings(fn, texts, before)
        cpu = [c for _, c, _ in rows]
        in_band = [
            [c for n, c, _ in rows if lo < n <= hi or (lo == 0 and n == 0)] for lo, hi in BANDS
        ]
        bands = "   ".join(
            f"{lo}-{hi}: {statistics.median(cs) if cs else float('nan'):.1f} / {p95(cs):.1f}"
            for (lo, hi), cs in zip(BANDS, in_band, strict=True)
        )
        print(
            f"{name:31} cpu median {statistics.median(cpu):.2f} ms   p95 {p95(cpu):.2f} ms   "
            f"max {max(cpu):.1f} ms   (wall p95 {p95([w for *_, w in rows]):.2f} ms)\n"
            f"{'':31} median / p95 by length (characters): {bands}"
        )


if __name__ == "__main__":
    main()
