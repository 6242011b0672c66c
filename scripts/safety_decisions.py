"""Dump every safety decision, or prove that a change moved none of them.

A speed-up of the screen or the risk model must change no decision. This
script reads every message of the safety sets (the risk model's training
and held-out data, tests/safety/*.yml, the long messages of
scripts/bench_safety.py, long messages joined from the training data, and
../shared/eval/crisis_dev_external.json when it is there) and records, per
message: the screen's whole assessment (level, category, evidence,
suppression reasons, language), the risk model's scores as exact floats and
what the person gets from SafetyScreen (hand-off / question / none, with the
category) under two intent rankings (a neutral one and one leaning to risk).

    python scripts/safety_decisions.py dump var/decisions-before.jsonl
    python scripts/safety_decisions.py check var/decisions-before.jsonl

`check` exits 1 and lists the messages whose record differs. Records are
keyed by a hash of the text, never the text, so the file can hold the
external set's decisions without copying its words (it stays under var/,
which git ignores: it depends on the trained model).
"""

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from iopnav.evaluation import DEFAULT_MODEL, load_risk_model, text_key  # noqa: E402
from iopnav.safety.component import SafetyScreen  # noqa: E402

EXTERNAL = ROOT.parent / "shared" / "eval" / "crisis_dev_external.json"
# Two classifier readings: the decision reads the ranking, so one neutral and
# one leaning to risk exercise both sides of it.
RANKINGS = {
    "neutral": [{"name": "greet", "confidence": 0.9}],
    "risky": [
        {"name": "crisis", "confidence": 0.85},
        {"name": "express_distress", "confidence": 0.1},
        {"name": "ask_program_info", "confidence": 0.05},
    ],
}
OUTCOME = {"crisis": "handoff", "express_distress": "question"}


def _yaml_texts(path: Path) -> List[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [m["text"] for m in data.get("messages") or [] if m.get("text")]


def _joined(texts: List[str], lo: int = 1000, hi: int = 2000) -> List[str]:
    """Consecutive messages joined to lo..hi characters: long messages whose
    risk sits anywhere in the story (the sets have few that long)."""
    out, run = [], []
    for i, text in enumerate(texts):
        run.append(text)
        joined = " ".join(run)
        if len(joined) >= lo + (i * 37) % (hi - lo):
            out.append(joined[:hi])
            run = []
    return out


def sets() -> Iterator[Tuple[str, List[str]]]:
    import bench_safety

    train = _yaml_texts(ROOT / "iopnav" / "safety" / "risk_data" / "train.yml")
    yield "risk_train", train
    yield "risk_heldout", _yaml_texts(ROOT / "iopnav" / "safety" / "risk_data" / "heldout.yml")
    for path in sorted((ROOT / "tests" / "safety").glob("*.yml")):
        yield f"tests_{path.stem}", _yaml_texts(path)
    yield "bench", bench_safety.messages()
    yield "joined_train", _joined(train)
    if EXTERNAL.exists():
        yield "external", [m["text"] for m in json.loads(EXTERNAL.read_text())]


class Decider:
    def __init__(self, model: Path) -> None:
        self.component = SafetyScreen({})
        self.risk = load_risk_model(model)
        if self.risk is None:
            raise SystemExit(f"no risk model in {model}: run `make train`")

    def record(self, text: str) -> Dict:
        score = self.risk.score_one(text)
        out: Dict = {
            "risk": [repr(score.crisis), score.kind, repr(score.kind_confidence)],
        }
        for name, ranking in RANKINGS.items():
            message = Message(
                data={
                    "text": text,
                    "intent": dict(ranking[0]),
                    "intent_ranking": [dict(r) for r in ranking],
                    "risk": score.as_dict(),
                }
            )
            self.component.process([message])
            safety = message.get("safety")
            intent = (message.get("intent") or {}).get("name")
            out[name] = [OUTCOME.get(intent, "none"), safety["category"], safety["source"]]
        safety = message.get("safety")
        out["screen"] = {k: safety[k] for k in ("level", "category", "evidence", "suppressed")}
        out["screen"]["language"] = safety["language"]
        return out


def dump(path: Path, model: Path) -> int:
    decider = Decider(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as out:
        for name, texts in sets():
            for text in texts:
                rec = {"set": name, "key": text_key(text), **decider.record(text)}
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
            print(f"{name}: {len(texts)} messages", flush=True)
    print(f"{n} decisions written to {path}")
    return 0


def check(path: Path, model: Path, limit: Optional[int]) -> int:
    reference = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        reference[(rec.pop("set"), rec.pop("key"))] = rec
    decider = Decider(model)
    checked = changed_outcome = changed_any = missing = 0
    for name, texts in sets():
        for text in texts:
            ref = reference.get((name, text_key(text)))
            if ref is None:
                missing += 1
                continue
            checked += 1
            if limit is not None and checked > limit:
                break
            now = decider.record(text)
            if now != ref:
                changed_any += 1
                moved = any(now[r][:2] != ref[r][:2] for r in RANKINGS)
                changed_outcome += moved
                print(f"CHANGED [{name}] {'decision' if moved else 'record'}: {text[:100]!r}")
                for part in now:
                    if now[part] != ref[part]:
                        print(f"   {part}: {ref[part]} -> {now[part]}")
        print(f"{name}: checked", flush=True)
    print(
        f"{checked} messages checked against {path}: {changed_outcome} changed decisions, "
        f"{changed_any} changed records (screen evidence or exact risk scores); "
        f"{missing} not in the reference"
    )
    return 1 if changed_any or missing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("dump", "check"))
    parser.add_argument("file", type=Path)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--limit", type=int, default=None, help="check: stop after N")
    args = parser.parse_args()
    if args.command == "dump":
        return dump(args.file, args.model)
    return check(args.file, args.model, args.limit)


if __name__ == "__main__":
    sys.exit(main())
