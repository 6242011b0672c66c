"""Crisis detection on messages nobody here wrote (printed, not a gate).

Reads ../shared/eval/crisis_dev_external.json: 1,725 messages from the test
split of "Between Help and Harm" (Arnaiz-Rodriguez et al., JMIR Mental Health
2026), CC BY-NC 4.0. EVALUATION ONLY: the file is never copied into the
project, never trained on, and this script prints figures, never messages.
It skips cleanly when the file is not there.

Every message goes through the trained model exactly as the Rasa server
parses it; the outcome is the hand-off (intent `crisis`), the screening
question (`express_distress`) or neither. Printed per category and overall:
hand-off recall, hand-off-or-question recall, false hand-off rate, false
question rate.

  python scripts/bench_crisis_external.py [--data PATH] [--model PATH]
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from iopnav.evaluation import (  # noqa: E402
    DEFAULT_MODEL,
    deployed_outcome,
    load_parser,
    print_outcome_table,
)

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "crisis_dev_external.json"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--model", default=str(DEFAULT_MODEL))
    args = ap.parse_args()
    path = Path(args.data)
    if not path.exists():
        print(f"External crisis set not found at {path}: skipped.")
        return 0
    rows = json.loads(path.read_text(encoding="utf-8"))
    parse = load_parser(Path(args.model))
    outcomes = [
        (r["label"] == "crisis", r["category"], deployed_outcome(parse(r["text"]))) for r in rows
    ]
    print(f"External crisis set ({len(rows)} messages, evaluation only), as deployed:")
    print_outcome_table(outcomes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
