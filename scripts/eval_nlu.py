"""Score intent classification on the hold-out set (tests/nlu_holdout.yml),
which is never trained on. Prints per-intent precision, recall and F1 and the
macro-F1 over the intents in the hold-out set; exit 1 below --fail-under."""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from iopnav.evaluation import DEFAULT_MODEL, load_parser  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT / "tests" / "nlu_holdout.yml"))
    ap.add_argument("--model", default=str(DEFAULT_MODEL))
    ap.add_argument("--fail-under", type=float, default=None)
    ap.add_argument("--errors", action="store_true", help="list misclassified messages")
    args = ap.parse_args()

    from rasa.shared.nlu.training_data.loading import load_data
    from sklearn.metrics import classification_report, f1_score

    examples = load_data(args.data).intent_examples
    parse = load_parser(Path(args.model))
    gold, pred = [], []
    for ex in examples:
        gold.append(ex.get("intent"))
        pred.append(parse(ex.get("text"))["intent"]["name"])
    labels = sorted(set(gold))
    print(classification_report(gold, pred, labels=labels, digits=3, zero_division=0))
    macro = f1_score(gold, pred, labels=labels, average="macro", zero_division=0)
    print(f"hold-out messages: {len(gold)}  intents: {len(labels)}  macro-F1: {macro:.3f}")
    if args.errors:
        for ex, g, p in zip(examples, gold, pred, strict=False):
            if g != p:
                print(f"  {g:20} -> {p:20} {ex.get('text')}")
    if args.fail_under is not None and macro < args.fail_under:
        print(f"FAIL: macro-F1 {macro:.3f} < {args.fail_under}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
