"""Score entity extraction as deployed (CRF, lookup tables and synonyms
together) on a hold-out set: per entity, precision, recall and F1.

    python scripts/eval_entities.py --data tests/nlu_holdout_blind.yml

A predicted entity counts as found when it has the gold entity's type and
overlaps its characters: "Tampa, FL" against a gold "Tampa" is right, the
value mapping is scored separately (synonyms). `rasa test nlu` scores each
extractor on its own, which is not what a visitor gets.
"""

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from iopnav.evaluation import DEFAULT_MODEL, load_parser  # noqa: E402

SCORED = ("condition", "insurance", "location", "age_group", "program_type")
Span = Tuple[int, int, str]


def overlaps(a: Span, b: Span) -> bool:
    return a[2] == b[2] and a[0] < b[1] and b[0] < a[1]


def merged(found: List[Span]) -> List[Span]:
    """One span where two extractors (CRF and lookup tables) found the same
    entity: the visitor's answer uses it once."""
    kept: List[Span] = []
    for span in sorted(found):
        if not any(overlaps(span, k) for k in kept):
            kept.append(span)
    return kept


def count(gold: List[Span], found: List[Span], tally: Dict[str, Counter]) -> None:
    matched = set()
    for span in gold:
        hit = next((i for i, f in enumerate(found) if i not in matched and overlaps(span, f)), None)
        if hit is None:
            tally[span[2]]["fn"] += 1
        else:
            matched.add(hit)
            tally[span[2]]["tp"] += 1
    for i, span in enumerate(found):
        if i not in matched:
            tally[span[2]]["fp"] += 1


def evaluate(data: str, parse, fail_under=None, errors=False) -> bool:
    """Print precision, recall and F1 per entity; False when any of the
    scored entities is under `fail_under` (F1)."""
    from rasa.shared.nlu.training_data.loading import load_data

    tally: Dict[str, Counter] = {name: Counter() for name in SCORED}
    for example in load_data(data).intent_examples:
        text = example.get("text")
        gold = [
            (e["start"], e["end"], e["entity"])
            for e in example.get("entities") or []
            if e["entity"] in SCORED
        ]
        found = merged(
            [
                (e["start"], e["end"], e["entity"])
                for e in parse(text).get("entities") or []
                if e.get("entity") in SCORED and "start" in e
            ]
        )
        count(gold, found, tally)
        if errors and set(gold) != set(found):
            print(f"  gold {[text[s:e] + '/' + t for s, e, t in gold]}")
            print(f"  got  {[text[s:e] + '/' + t for s, e, t in found]}  <- {text}")
    print(f"{'entity':14} precision  recall     F1  gold")
    passed = True
    for name in SCORED:
        c = tally[name]
        precision = c["tp"] / max(c["tp"] + c["fp"], 1)
        recall = c["tp"] / max(c["tp"] + c["fn"], 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        low = fail_under is not None and f1 < fail_under
        passed = passed and not low
        flag = f"  < {fail_under}" if low else ""
        print(f"{name:14} {precision:9.3f} {recall:7.3f} {f1:6.3f} {c['tp'] + c['fn']:5d}{flag}")
    return passed


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT / "tests" / "nlu_holdout_blind.yml"))
    ap.add_argument("--model", default=str(DEFAULT_MODEL))
    ap.add_argument("--errors", action="store_true", help="list missed and extra entities")
    ap.add_argument("--fail-under", type=float, help="exit 1 when an entity's F1 is lower")
    args = ap.parse_args()
    parse = load_parser(Path(args.model))
    return 0 if evaluate(args.data, parse, args.fail_under, args.errors) else 1


if __name__ == "__main__":
    sys.exit(main())
