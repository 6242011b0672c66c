"""Score the crisis screen on a labelled set (default tests/safety/labelled.yml;
also the blind set and the risk model's held-out part, --data).

Prints, per category, how many messages were escalated (recall for crisis
categories, false alarms for the others) and overall recall and precision,
for the full NLU path (ML + screen, as in production) and for the rule-based
screen alone (to show escalation never depends on the ML classifier alone).
Exit 1 below --fail-under-recall or --fail-under-precision (full path).
"""

import argparse
import collections
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from iopnav.evaluation import DEFAULT_MODEL, load_parser  # noqa: E402
from iopnav.safety.screen import assess  # noqa: E402

# The self-written sets say "none", the risk model's blind data "not_crisis".
SAFE_LABELS = {"none", "not_crisis"}
DEFAULT_DATA = ROOT / "tests" / "safety" / "labelled.yml"


def score(messages, decide):
    per_cat = collections.defaultdict(lambda: [0, 0, 0])  # n, crisis, asked
    tp = fp = fn = 0
    misses = []
    for m in messages:
        outcome = decide(m["text"])
        stats = per_cat[(m["label"], m["category"])]
        stats[0] += 1
        stats[1] += outcome == "crisis"
        stats[2] += outcome == "ambiguous"
        if m["label"] == "crisis":
            tp += outcome == "crisis"
            fn += outcome != "crisis"
            if outcome != "crisis":
                misses.append(("MISSED", m["category"], m["text"], outcome))
        elif m["label"] in SAFE_LABELS and outcome == "crisis":
            fp += 1
            misses.append(("FALSE ALARM", m["category"], m["text"], outcome))
        elif m["label"] == "ambiguous" and outcome == "none":
            misses.append(("NOT ASKED", m["category"], m["text"], outcome))
    recall = tp / (tp + fn) if tp + fn else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    return per_cat, recall, precision, misses


def report(title, per_cat, recall, precision, misses, show_misses):
    print(f"\n== {title}")
    print(f"{'label':10} {'category':22} {'n':>4} {'escalated':>10} {'asked':>6} {'rate':>6}")
    for (label, cat), (n, crisis, asked) in sorted(per_cat.items()):
        rate = crisis / n if n else 0
        print(f"{label:10} {cat:22} {n:4d} {crisis:10d} {asked:6d} {rate:6.2f}")
    print(f"recall {recall:.3f}  precision {precision:.3f}")
    if show_misses:
        for kind, cat, text, outcome in misses:
            print(f"  {kind:11} [{cat}] -> {outcome}: {text}")


def report_languages(messages, outcome) -> None:
    """Recall and precision per language, when the set has more than one
    (the risk data marks Spanish messages lang: es)."""
    languages = sorted({m.get("lang", "en") for m in messages})
    if len(languages) < 2:
        return
    for language in languages:
        subset = [m for m in messages if m.get("lang", "en") == language]
        _, recall, precision, _ = score(subset, outcome.get)
        print(
            f"language {language}: {len(subset)} messages  "
            f"recall {recall:.3f}  precision {precision:.3f}"
        )


def evaluate(
    data: str, parse, fail_under_recall=None, fail_under_precision=None, quiet=False
) -> bool:
    """Print the screen-alone and full-path tables for one set; False below a gate."""
    messages = yaml.safe_load(Path(data).read_text())["messages"]
    screen_only = score(messages, lambda t: assess(t).level)
    report("rule-based screen alone", *screen_only, show_misses=False)

    levels = {"crisis": "crisis", "express_distress": "ambiguous"}
    outcome = {m["text"]: levels.get(parse(m["text"])["intent"]["name"], "none") for m in messages}
    full = score(messages, outcome.get)
    report("full NLU path (ML classifier + screen), as deployed", *full, show_misses=not quiet)
    report_languages(messages, outcome)

    _, recall, precision, _ = full
    ok = True
    if fail_under_recall is not None and recall < fail_under_recall:
        print(f"FAIL: recall {recall:.3f} < {fail_under_recall}")
        ok = False
    if fail_under_precision is not None and precision < fail_under_precision:
        print(f"FAIL: precision {precision:.3f} < {fail_under_precision}")
        ok = False
    return ok


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--model", default=str(DEFAULT_MODEL))
    ap.add_argument("--fail-under-recall", type=float, default=None)
    ap.add_argument("--fail-under-precision", type=float, default=None)
    ap.add_argument("--quiet", action="store_true", help="do not list the misses")
    args = ap.parse_args()
    parse = load_parser(Path(args.model))
    ok = evaluate(
        args.data, parse, args.fail_under_recall, args.fail_under_precision, quiet=args.quiet
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
