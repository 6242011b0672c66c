"""Replay the safety decision in seconds, for tuning the screen or the
thresholds without parsing every message again.

The first run parses each message of the safety sets once with the trained
model and stores what the SafetyScreen receives from the components before
it (the intent ranking and the risk model's scores) under var/replay/,
keyed by a hash of the model and of each text (never the text: the file
may hold the external set's readings). Every run then re-runs the current
screen (`assess`) and the current `decide` on those readings and prints, as
deployed: recall and precision on the labelled, blind and held-out sets
(per language where there are two), hand-off / question rates on
../shared/eval/crisis_dev_external.json when it is there (evaluation only,
figures only), and the screen alone on the risk model's training part,
which is the only part to tune on. A change of the intent classifier or the
risk model needs a new model, so a new cache: it is rebuilt by itself.

    python scripts/replay_safety.py [--sets labelled,blind,heldout,external]
        [--train] [--oof] [--sources]
"""

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval_safety import SAFE_LABELS, score  # noqa: E402

from iopnav.evaluation import DEFAULT_MODEL, print_outcome_table, text_key  # noqa: E402
from iopnav.textsets import SAFETY_EVALUATION_SETS  # noqa: E402

EXTERNAL = ROOT.parent / "shared" / "eval" / "crisis_dev_external.json"
CACHE_DIR = ROOT / "var" / "replay"
OUTCOME = {"crisis": "handoff", "express_distress": "question"}

# name -> path: the safety evaluation sets and the risk model's held-out part
YAML_SETS = {
    **{name: ROOT / relative for name, (relative, _) in SAFETY_EVALUATION_SETS.items()},
    "heldout": ROOT / "iopnav" / "safety" / "risk_data" / "heldout.yml",
}
TRAIN = ROOT / "iopnav" / "safety" / "risk_data" / "train.yml"
Row = Dict[str, str]


def _model_key(model: Path) -> str:
    digest = hashlib.sha256()
    with open(model, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def _rows(name: str) -> List[Row]:
    if name == "external":
        if not EXTERNAL.exists():
            return []
        return [
            {"text": r["text"], "label": r["label"], "category": r["category"], "lang": "en"}
            for r in json.loads(EXTERNAL.read_text(encoding="utf-8"))
        ]
    return _rows_from(YAML_SETS[name])


def readings(texts: List[str], model: Path) -> Dict[str, Dict]:
    """text hash -> {"ranking", "risk"} as the SafetyScreen received them,
    parsing (once per model) only the texts not yet in the cache."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = CACHE_DIR / f"{_model_key(model)}.jsonl"
    cache: Dict[str, Dict] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            cache[record.pop("key")] = record
    missing = [t for t in dict.fromkeys(texts) if text_key(t) not in cache]
    if missing:
        print(f"parsing {len(missing)} messages once with {model.name} ...", flush=True)
        with open(path, "a", encoding="utf-8") as out:
            for key, record in _parse_readings(missing, model):
                cache[key] = record
                out.write(json.dumps({"key": key, **record}) + "\n")
    return cache


def _parse_readings(texts: List[str], model: Path):
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT

    from iopnav.evaluation import load_parser
    from iopnav.safety.component import SafetyScreen
    from iopnav.safety.risk_component import RISK_KEY

    seen: Dict[str, Dict] = {}
    original = SafetyScreen._screen

    def spy(self, message) -> None:
        ranking = list(message.get(INTENT_RANKING_KEY) or [])
        if not ranking and message.get(INTENT):
            ranking = [message.get(INTENT)]
        seen[message.get(TEXT) or ""] = {
            "ranking": ranking,
            "risk": message.get(RISK_KEY),
        }
        original(self, message)

    SafetyScreen._screen = spy  # type: ignore[method-assign]
    try:
        parse = load_parser(model)
        for text in texts:
            seen.clear()
            parse(text)
            # Rasa strips the text it hands the pipeline; one reading a parse.
            record = next(iter(seen.values()), {"ranking": [], "risk": None})
            yield text_key(text), record
    finally:
        SafetyScreen._screen = original  # type: ignore[method-assign]


Decision = Tuple[str, str, str]  # outcome, the reader that decided (decide's source), screen level


def decisions(cache: Dict[str, Dict]) -> Callable[[str], Decision]:
    """text -> (handoff | question | neither, source, screen level), from the
    current screen and decide."""
    from iopnav.safety.component import decide
    from iopnav.safety.screen import assess

    def decision(text: str) -> Decision:
        record = cache[text_key(text)]
        assessment = assess(text)
        forced, source = decide(assessment, record["ranking"], record["risk"], text=text)
        top = forced or (record["ranking"][0].get("name") if record["ranking"] else None)
        return OUTCOME.get(str(top), "neither"), source, assessment.level

    return decision


def errors_by_source(rows: List[Row], decided: Dict[str, Decision]) -> None:
    """Counts (never texts) of the wrong outcomes, by the reader that decided:
    where a change would have to act."""
    counts: Dict[Tuple[str, str, str], int] = {}
    for row in rows:
        outcome, source, level = decided[row["text"]]
        if row["label"] == "crisis" and outcome != "handoff":
            wrong = f"crisis -> {outcome}"
        elif row["label"] in SAFE_LABELS and outcome != "neither":
            wrong = f"safe -> {outcome}"
        else:
            continue
        key = (wrong, source, level)
        counts[key] = counts.get(key, 0) + 1
    for (wrong, source, level), n in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1])):
        print(f"    {n:4d}  {wrong:18} decided by {source:15} screen {level}")


# eval_safety's names for the three outcomes
AS_SCORED = {"handoff": "crisis", "question": "ambiguous", "neither": "none"}


def recall_precision(rows: List[Row], outcome: Dict[str, str]) -> Tuple[float, float, int]:
    """Hand-off recall and precision (eval_safety's score), and crises
    neither handed off nor asked."""
    _, recall, precision, _ = score(rows, lambda text: AS_SCORED[outcome[text]])
    unasked = sum(r["label"] == "crisis" and outcome[r["text"]] == "neither" for r in rows)
    return recall, precision, unasked


def report(name: str, rows: List[Row], outcome: Dict[str, str]) -> None:
    if name == "external":
        print(f"\n== external ({len(rows)} messages, evaluation only)")
        print_outcome_table(
            [(r["label"] == "crisis", r["category"], outcome[r["text"]]) for r in rows]
        )
        return
    parts = [("all", rows)]
    languages = sorted({r["lang"] for r in rows})
    if len(languages) > 1:
        parts += [(lang, [r for r in rows if r["lang"] == lang]) for lang in languages]
    for part, subset in parts:
        recall, precision, unasked = recall_precision(subset, outcome)
        print(
            f"{name:10} {part:4} n={len(subset):5d}  recall {recall:.3f}  "
            f"precision {precision:.3f}  crises neither handed off nor asked {unasked}"
        )


def screen_alone_on_training() -> None:
    """The tuning set: the screen alone on the risk model's training part."""
    from iopnav.safety.screen import assess

    rows = _rows_from(TRAIN)
    outcome = {r["text"]: "handoff" if assess(r["text"]).is_crisis else "neither" for r in rows}
    report("train/scr", rows, outcome)


def oof_risk(model: Path, folds: int = 5) -> Dict[str, Dict]:
    """text hash -> the risk model's score of each training-part message from
    a model fitted on the other folds (as deployed: the component's settings
    and the in-scope NLU examples), computed once per model (~5 minutes)."""
    path = CACHE_DIR / f"{_model_key(model)}-oof{folds}.jsonl"
    if path.exists():
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return {r["key"]: r["risk"] for r in records}
    from rasa.shared.nlu.training_data.loading import load_data

    from iopnav.safety.risk_component import RiskModelComponent
    from iopnav.safety.risk_model import default_embedder, load_examples, out_of_fold_scores

    [entry] = [
        c
        for c in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
        if c["name"].endswith("RiskModelComponent")
    ]
    config = {**RiskModelComponent.get_default_config(), **entry}
    print(f"fitting the risk model {folds} times for out-of-fold scores ...", flush=True)
    scores = out_of_fold_scores(
        load_examples(ROOT / config["train_file"]),
        RiskModelComponent.in_scope_examples(load_data(str(ROOT / "data" / "nlu"))),
        folds,
        default_embedder(config["use_embeddings"]),
        **RiskModelComponent.fit_settings(config),
    )
    risk = {text_key(text): score.as_dict() for text, score in scores.items()}
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(json.dumps({"key": k, "risk": r}) + "\n" for k, r in risk.items()),
        encoding="utf-8",
    )
    return risk


def deployed_on_training(model: Path, sources: bool) -> None:
    """The whole decision on the training part, with out-of-fold risk scores
    (the intent classifier never trains on the risk data): the part to tune
    the decision's thresholds on."""
    rows = _rows_from(TRAIN)
    cache = readings([r["text"] for r in rows], model)
    risk = oof_risk(model)
    oof = {key: {**record, "risk": risk.get(key)} for key, record in cache.items()}
    decide_one = decisions(oof)
    decided = {r["text"]: decide_one(r["text"]) for r in rows}
    report("train/oof", rows, {text: d[0] for text, d in decided.items()})
    if sources:
        errors_by_source(rows, decided)


def _rows_from(path: Path) -> List[Row]:
    if not path.exists():
        return []
    messages = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    return [{**m, "lang": m.get("lang", "en")} for m in messages]


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default=",".join([*YAML_SETS, "external"]))
    ap.add_argument("--model", default=str(DEFAULT_MODEL))
    ap.add_argument("--train", action="store_true", help="also the screen alone on train.yml")
    ap.add_argument(
        "--oof",
        action="store_true",
        help="also the whole decision on train.yml, with out-of-fold risk scores (slow once)",
    )
    ap.add_argument(
        "--sources", action="store_true", help="count each set's errors by the reader that decided"
    )
    args = ap.parse_args(argv)
    model = Path(args.model)
    if not model.exists():
        print(f"No model at {model}: run `make train` first.")
        return 1
    sets = {name: _rows(name) for name in args.sets.split(",")}
    cache = readings([r["text"] for rows in sets.values() for r in rows], model)
    decide_one = decisions(cache)
    for name, rows in sets.items():
        if rows:
            decided = {r["text"]: decide_one(r["text"]) for r in rows}
            report(name, rows, {text: d[0] for text, d in decided.items()})
            if args.sources:
                errors_by_source(rows, decided)
    if args.train:
        screen_alone_on_training()
    if args.oof:
        deployed_on_training(model, args.sources)
    return 0


if __name__ == "__main__":
    sys.exit(main())
