"""Score intent classification on a hold-out set (default
tests/nlu_holdout.yml; tests/nlu_holdout_blind.yml is the one written blind),
which is never trained on. Prints per-intent precision, recall and F1, the
macro-F1 over the intents in the set and over the contract intents, and the
share of in-scope messages that fall back. Exit 1 below --fail-under (macro-F1
over all intents) or above --max-fallback."""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from iopnav.evaluation import CONTRACT_INTENTS, DEFAULT_MODEL, load_parser  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT / "tests" / "nlu_holdout.yml"))
    ap.add_argument("--model", default=str(DEFAULT_MODEL))
    ap.add_argument("--fail-under", type=float, default=None)
    ap.add_argument("--max-fallback", type=float, default=None, help="share, e.g. 0.13")
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
    contract = sorted(set(gold) & CONTRACT_INTENTS)
    contract_f1 = f1_score(gold, pred, labels=contract, average="macro", zero_division=0)
    in_scope = [p for g, p in zip(gold, pred, strict=True) if g != "out_of_scope"]
    fallback = sum(p == "nlu_fallback" for p in in_scope) / max(len(in_scope), 1)
    print(f"hold-out messages: {len(gold)}  intents: {len(labels)}  macro-F1: {macro:.3f}")
    print(f"contract intents: {len(contract)}  macro-F1: {contract_f1:.3f}")
    print(f"in-scope messages that fall back: {fallback:.1%} of {len(in_scope)}")
    if args.errors:
        for ex, g, p in zip(examples, gold, pred, strict=False):
            if g != p:
                print(f"  {g:20} -> {p:20} {ex.get('text')}")
    failed = False
    if args.fail_under is not None and macro < args.fail_under:
        print(f"FAIL: macro-F1 {macro:.3f} < {args.fail_under}")
        failed = True
    if args.max_fallback is not None and fallback > args.max_fallback:
        print(f"FAIL: fallback share {fallback:.1%} > {args.max_fallback:.1%}")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
