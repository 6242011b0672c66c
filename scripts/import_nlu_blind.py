"""Build tests/nlu_holdout_blind.yml from files written blind by writers who
never saw data/nlu or tests/nlu_holdout.yml (../shared/blind-writing.md).

    python scripts/import_nlu_blind.py /work/blind/nlu_blind_A.yml /work/blind/nlu_blind_B.yml

A message is left out when it is (nearly) a training example, an older
hold-out message, or another blind message already kept: the set must
measure understanding, not memory. Short stock replies ("yes", "thanks")
are the usual casualties. Nothing is reworded and no label is changed here.
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

OUT = ROOT / "tests" / "nlu_holdout_blind.yml"
HEADER = """\
# Written blind (../shared/blind-writing.md) by two writers who saw only the
# intent and entity descriptions and a list of personas, never data/nlu or
# tests/nlu_holdout.yml. Evaluation only: never train on it.
# tests/nlu/test_holdout_independent.py keeps it apart from the training data.
# Built by scripts/import_nlu_blind.py; never edit an item to make a model pass.
"""


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


def build(paths: List[Path]) -> Tuple[Dict[str, List[str]], Dict[str, int]]:
    pool = nlu_texts(ROOT / "data" / "nlu", ROOT / "tests" / "nlu_holdout.yml")
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


def dump(kept: Dict[str, List[str]]) -> str:
    lines = [HEADER + 'version: "3.1"', "nlu:"]
    for intent in sorted(kept):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in kept[intent]]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+", type=Path)
    args = ap.parse_args()
    kept, dropped = build(args.files)
    OUT.write_text(dump(kept), encoding="utf-8")
    total = sum(len(v) for v in kept.values())
    print(f"kept {total} messages over {len(kept)} intents in {OUT.relative_to(ROOT)}")
    for intent in sorted(dropped):
        print(f"  left out {dropped[intent]:3d} {intent} (near a training or hold-out message)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
