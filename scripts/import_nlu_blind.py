"""Import NLU messages written blind (../shared/blind-writing.md): by
writers who never saw data/nlu or the hold-outs.

    python scripts/import_nlu_blind.py --out tests/nlu_holdout_blind.yml A.yml B.yml
    python scripts/import_nlu_blind.py --out data/nlu/blind_written.yml C.yml D.yml

A message is left out when it is (nearly) a training example, a hold-out
message, or another message already kept (iopnav.textsets.nlu_overlaps):
a hold-out must measure understanding, not memory, and training data must
never copy a hold-out. Short stock replies ("yes", "thanks") are the usual
casualties. Nothing is reworded and no label is changed here.
"""

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from iopnav.textsets import nlu_overlaps, nlu_texts  # noqa: E402

HOLDOUTS = [
    ROOT / "tests" / "nlu_holdout.yml",
    ROOT / "tests" / "nlu_holdout_blind.yml",
    ROOT / "tests" / "nlu_holdout_es.yml",
]
HEADERS = {
    "holdout": """\
# Written blind (../shared/blind-writing.md) by writers who saw only the
# intent and entity descriptions and a list of personas, never data/nlu or
# the other hold-outs. Evaluation only: never train on it.
# tests/nlu/test_holdout_independent.py keeps it apart from the training data.
# Built by scripts/import_nlu_blind.py; never edit an item to make a model pass.
""",
    "training": """\
# Training messages written blind (../shared/blind-writing.md) by writers who
# saw only the intent and entity descriptions, personas and, for some, the
# kinds of message the assistant got wrong (never the hold-outs or their
# sentences).
# Built by scripts/import_nlu_blind.py, which leaves out anything near a
# hold-out message; tests/nlu/test_holdout_independent.py keeps it that way.
""",
}


def read_blind(path: Path) -> List[Tuple[str, str, str]]:
    """(intent, example as written with entity markup, plain text)."""
    from rasa.shared.nlu.training_data.entities_parser import replace_entities

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            line = " ".join(line.split())
            if line.startswith("- "):
                items.append((block["intent"], line[2:], replace_entities(line[2:])))
    return items


# The blind follow-ups (messages after a hand-off) are a test set too.
FOLLOWUPS = ROOT / "tests" / "safety" / "followups_blind.yml"


def seen_before(out: Path) -> List[str]:
    """Every training, hold-out and follow-up test message, except the file
    being rebuilt."""
    files = sorted((ROOT / "data" / "nlu").glob("*.yml")) + HOLDOUTS
    followups = yaml.safe_load(FOLLOWUPS.read_text(encoding="utf-8"))["messages"]
    return nlu_texts(*[f for f in files if f.exists() and f.resolve() != out.resolve()]) + [
        m["text"] for m in followups
    ]


def build(paths: List[Path], out: Path) -> Tuple[Dict[str, List[str]], Dict[str, int]]:
    pool = seen_before(out)
    kept: Dict[str, List[str]] = defaultdict(list)
    dropped: Dict[str, int] = defaultdict(int)
    for path in paths:
        for intent, example, plain in read_blind(path):
            if nlu_overlaps([plain], pool):
                dropped[intent] += 1
                continue
            pool.append(plain)
            kept[intent].append(example)
    return kept, dropped


def dump(kept: Dict[str, List[str]], header: str) -> str:
    lines = [header + 'version: "3.1"', "nlu:"]
    for intent in sorted(kept):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in kept[intent]]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("files", nargs="+", type=Path)
    args = ap.parse_args()
    out = args.out.resolve()
    kind = "training" if (ROOT / "data").resolve() in out.parents else "holdout"
    kept, dropped = build(args.files, out)
    out.write_text(dump(kept, HEADERS[kind]), encoding="utf-8")
    total = sum(len(v) for v in kept.values())
    print(f"kept {total} {kind} messages over {len(kept)} intents in {out.relative_to(ROOT)}")
    for intent in sorted(dropped):
        print(f"  left out {dropped[intent]:3d} {intent} (near a training or hold-out message)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
