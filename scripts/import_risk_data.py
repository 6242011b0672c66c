"""Add blind-written risk messages to the risk model's data.

  python scripts/import_risk_data.py SOURCE [SOURCE ...]

A source is a folder of JSON Lines files, or a JSON Lines or YAML file; each
message is {"text", "label": "crisis"|"not_crisis", "category", "lang"}
(YAML: the risk_data format, a `messages` list). The messages already in
risk_data/ are read first and kept, so a run only adds. Messages are
cleaned of exact and near duplicates (token-set similarity above 0.8,
within the new set and against every safety and intent evaluation set
under tests/), then split by class: 80% to iopnav/safety/risk_data/train.yml,
20% to heldout.yml, which nothing is tuned on. Writers were briefed with the class
descriptions and personas only (../shared/blind-writing.md).
"""

import json
import sys
from pathlib import Path
from typing import List

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from iopnav.safety.risk_model import (  # noqa: E402
    HELDOUT_FILE,
    KIND_OF_CATEGORY,
    TRAIN_FILE,
    Example,
    load_examples,
    split_heldout,
)
from iopnav.textsets import NearDuplicateIndex, scored_texts  # noqa: E402

HEADER = (
    "# Written blind for the learned risk model (scripts/import_risk_data.py):\n"
    "# writers saw the class descriptions and personas only, never the patterns\n"
    "# or other sets. {what}\n"
)


def read_source(source: Path) -> List[Example]:
    if source.is_dir():
        return [e for path in sorted(source.glob("*.jsonl")) for e in read_source(path)]
    text = source.read_text(encoding="utf-8")
    if source.suffix in (".yml", ".yaml"):
        rows = (yaml.safe_load(text) or {}).get("messages") or []
    else:
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return [
        Example(str(m["text"]).strip(), m["label"], m["category"], m.get("lang", "en"))
        for m in rows
    ]


def write(path: Path, examples: List[Example], what: str) -> None:
    rows = [
        {"text": e.text, "label": e.label, "category": e.category, "lang": e.lang}
        for e in sorted(examples, key=lambda e: (e.label, e.category, e.lang, e.text))
    ]
    body = yaml.safe_dump(
        {"version": 1, "messages": rows}, allow_unicode=True, sort_keys=False, width=10_000
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER.format(what=what) + body, encoding="utf-8")


def main(sources: List[str]) -> None:
    existing = [e for path in (TRAIN_FILE, HELDOUT_FILE) for e in load_examples(path)]
    raw = existing + [e for s in sources for e in read_source(Path(s))]
    unknown = {e.category for e in raw if e.label == "crisis"} - set(KIND_OF_CATEGORY)
    if unknown:
        raise SystemExit(f"unknown crisis categories: {sorted(unknown)}")
    index = NearDuplicateIndex(scored_texts(ROOT))
    kept, dropped = [], 0
    for example in raw:
        if not example.text or index.near(example.text):
            dropped += 1
            continue
        index.add(example.text)
        kept.append(example)
    train, heldout = split_heldout(kept)
    write(TRAIN_FILE, train, "Training part (80% of each class).")
    write(HELDOUT_FILE, heldout, "Held-out part (20% of each class): never trained or tuned on.")
    print(
        f"{len(existing)} already there, {len(raw) - len(existing)} read, "
        f"{dropped} near-duplicates dropped, "
        f"{len(train)} train, {len(heldout)} held out"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
