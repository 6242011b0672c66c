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

from iopnav.evaluation import (  # noqa: E402
    CONTRACT_INTENTS,
    DEFAULT_MODEL,
    load_parser,
    same_answer,
)


def top_guess(parsed: dict) -> tuple:
    """(intent, confidence) the pipeline would answer with if nothing fell
    back: the FallbackClassifier puts nlu_fallback above the real guess."""
    ranking = [r for r in parsed.get("intent_ranking") or [] if r["name"] != "nlu_fallback"]
    intent = parsed["intent"]["name"]
    if intent != "nlu_fallback" or not ranking:
        confidence = next((r["confidence"] for r in ranking if r["name"] == intent), 1.0)
        return intent, confidence
    return ranking[0]["name"], ranking[0]["confidence"]


def print_reject_curve(gold: list, best: list) -> None:
    """Choosing the fallback threshold: each row is what visitors would get."""
    print("threshold  falls back  accuracy of answered  (in-scope messages)")
    rows = [(g, b) for g, b in zip(gold, best, strict=True) if g != "out_of_scope"]
    for step in range(0, 9):
        threshold = step / 10
        answered = [(g, b) for g, b in rows if b[1] >= threshold]
        share = 1 - len(answered) / max(len(rows), 1)
        accuracy = sum(g == b[0] for g, b in answered) / max(len(answered), 1)
        print(f"  {threshold:.1f}      {share:6.1%}      {accuracy:6.1%}")


def evaluate(
    data: str,
    parse,
    fail_under=None,
    max_fallback=None,
    contract_under=None,
    errors=False,
    reject_curve=False,
) -> bool:
    """Print the scores for one hold-out; False below a gate (`fail_under`:
    macro-F1 over all intents; `contract_under`: over the contract intents)."""
    from rasa.shared.nlu.training_data.loading import load_data
    from sklearn.metrics import classification_report, f1_score

    examples = load_data(data).intent_examples
    gold, pred, best = [], [], []
    for ex in examples:
        parsed = parse(ex.get("text"))
        gold.append(same_answer(ex.get("intent")))
        pred.append(same_answer(parsed["intent"]["name"]))
        best.append(top_guess(parsed))
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
    if reject_curve:
        print_reject_curve(gold, best)
    if errors:
        for ex, g, p in zip(examples, gold, pred, strict=False):
            if g != p:
                print(f"  {g:20} -> {p:20} {ex.get('text')}")
    ok = True
    if fail_under is not None and macro < fail_under:
        print(f"FAIL: macro-F1 {macro:.3f} < {fail_under}")
        ok = False
    if contract_under is not None and contract_f1 < contract_under:
        print(f"FAIL: contract macro-F1 {contract_f1:.3f} < {contract_under}")
        ok = False
    if max_fallback is not None and fallback > max_fallback:
        print(f"FAIL: fallback share {fallback:.1%} > {max_fallback:.1%}")
        ok = False
    return ok


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT / "tests" / "nlu_holdout.yml"))
    ap.add_argument("--model", default=str(DEFAULT_MODEL))
    ap.add_argument("--fail-under", type=float, default=None)
    ap.add_argument("--max-fallback", type=float, default=None, help="share, e.g. 0.13")
    ap.add_argument("--contract-under", type=float, default=None, help="contract intents' gate")
    ap.add_argument("--errors", action="store_true", help="list misclassified messages")
    ap.add_argument(
        "--reject-curve",
        action="store_true",
        help="accuracy of answered messages against the share that falls back, per threshold",
    )
    args = ap.parse_args()
    parse = load_parser(Path(args.model))
    ok = evaluate(
        args.data,
        parse,
        args.fail_under,
        args.max_fallback,
        args.contract_under,
        errors=args.errors,
        reject_curve=args.reject_curve,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
