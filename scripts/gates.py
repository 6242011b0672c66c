"""The evaluation sets, scored with one model load for all of them (each
script loading the model on its own cost about a minute of `make test`).

`python scripts/gates.py` runs the gates `make test` holds; `--report` also
scores the sets that are reported, not gated (`make bench`), and fails
nothing. Why each gate sits where it does: docs/safety.md, docs/pipeline.md.
Run eval_safety.py or eval_nlu.py on their own to list misses or errors."""

import argparse
import sys
from pathlib import Path
from typing import Callable, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import eval_entities  # noqa: E402
import eval_nlu  # noqa: E402
import eval_safety  # noqa: E402

from iopnav.evaluation import DEFAULT_MODEL, load_parser  # noqa: E402
from iopnav.textsets import SAFETY_EVALUATION_SETS  # noqa: E402

ENTITY_F1_GATE = 0.90


class Gate(NamedTuple):
    title: str
    evaluate: Callable[..., bool]
    data: str
    gate: tuple  # the evaluate function's thresholds; () reports only
    show_misses: bool = False  # a short set whose every miss matters


GATES = [
    # The labelled safety set: every crisis handed off.
    Gate(
        f"safety, {SAFETY_EVALUATION_SETS['labelled'][1]}",
        eval_safety.evaluate,
        SAFETY_EVALUATION_SETS["labelled"][0],
        (1.0, 0.95),
        show_misses=True,
    ),
    # The risk model's held-out part (written blind, never tuned on): per-class
    # recall is printed; the gate holds today's figures (target 0.97 / 0.95).
    # 0.92 / 0.845 since session 10 (2026-12-02): 3,992 held-out items, today
    # 0.923 / 0.847 (Spanish 0.913 / 0.850).
    Gate(
        "safety, risk held-out part",
        eval_safety.evaluate,
        "iopnav/safety/risk_data/heldout.yml",
        (0.92, 0.845),
    ),
    Gate("intents, first hold-out", eval_nlu.evaluate, "tests/nlu_holdout.yml", (0.95, None)),
    # Written blind: the fallback share meets its 5% target; macro-F1 is
    # gated just under today's figure, 0.922 (target 0.95).
    Gate(
        "intents, blind hold-out", eval_nlu.evaluate, "tests/nlu_holdout_blind.yml", (0.915, 0.05)
    ),
    # Spanish, written blind (issue 15): the contract intents' macro-F1 at its
    # 0.93 target (0.943 since session 34's blind Spanish training data) and
    # the fallback share under 5%.
    Gate(
        "intents, Spanish blind hold-out",
        eval_nlu.evaluate,
        "tests/nlu_holdout_es.yml",
        (None, 0.05, 0.93),
    ),
    # Entity F1 of each of condition, insurance, location, age_group and
    # program_type as a visitor gets them (issue 13's target: 0.90 each).
    Gate(
        "entities, blind hold-out",
        eval_entities.evaluate,
        "tests/nlu_holdout_blind.yml",
        (ENTITY_F1_GATE,),
    ),
]
REPORTS = [
    # The blind safety sets: never trained or tuned on.
    *(
        Gate(f"safety, {title}", eval_safety.evaluate, relative, ())
        for name, (relative, title) in SAFETY_EVALUATION_SETS.items()
        if name != "labelled"
    ),
    Gate(
        "entities, Spanish blind hold-out", eval_entities.evaluate, "tests/nlu_holdout_es.yml", ()
    ),
]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--report", action="store_true", help="also the ungated sets; fail nothing")
    args = ap.parse_args()
    parse = load_parser(DEFAULT_MODEL)
    results = {}
    for gate in GATES + (REPORTS if args.report else []):
        print(f"\n######## {gate.title} ({gate.data})")
        thresholds = () if args.report else gate.gate
        safety = gate.evaluate is eval_safety.evaluate
        quiet = {"quiet": not gate.show_misses} if safety else {}
        results[gate.title] = gate.evaluate(str(ROOT / gate.data), parse, *thresholds, **quiet)
    print("\n######## summary")
    for title, ok in results.items():
        print(f"{'pass' if ok else 'FAIL'}  {title}")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
