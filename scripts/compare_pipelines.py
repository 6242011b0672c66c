"""Compare NLU pipeline candidates (configs/nlu_*.yml, and `deployed`: the
pipeline of config.yml as it runs) by measurement.

For each candidate: stratified k-fold cross-validation on data/nlu (intent
macro-F1, scored as scripts/eval_nlu.py scores a hold-out), macro-F1 on the
never-trained-on hold-out (tests/nlu_holdout.yml) after training on all
data, training time, model load time and median / p95 parse latency. Writes
the table to docs/pipeline.md (between markers) and prints it. Slow (trains
folds+1 models per candidate): not part of make test.

  python scripts/compare_pipelines.py [--folds 5] [--only deployed]
"""

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

# No training cache: a component restored from it would report a training
# time it did not take.
os.environ.setdefault("RASA_MAX_CACHE_SIZE", "0")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

MARK_START = "<!-- comparison:start -->"
MARK_END = "<!-- comparison:end -->"


DEPLOYED = ROOT / "config.yml"


def candidate_name(candidate: Path) -> str:
    return "deployed" if candidate == DEPLOYED else candidate.stem


def write_config(candidate: Path, out: Path) -> Path:
    nlu = yaml.safe_load(candidate.read_text())
    nlu = {key: nlu[key] for key in ("language", "pipeline") if key in nlu}
    policies = yaml.safe_load((ROOT / "configs" / "policies.yml").read_text())
    out.write_text(
        yaml.safe_dump({"recipe": "default.v1", "assistant_id": "iop-compare", **nlu, **policies})
    )
    return out


def train_nlu(config: Path, nlu_path: Path, out_dir: Path, name: str) -> Path:
    from rasa.model_training import train_nlu as rasa_train_nlu

    model = rasa_train_nlu(
        config=str(config),
        nlu_data=str(nlu_path),
        output=str(out_dir),
        fixed_model_name=name,
        domain=str(ROOT / "domain"),
    )
    return Path(model)


def evaluate(model: Path, examples):
    from rasa.core.agent import Agent
    from sklearn.metrics import f1_score

    from iopnav.evaluation import same_answer

    t0 = time.perf_counter()
    agent = Agent.load(str(model))
    load_s = time.perf_counter() - t0
    loop = asyncio.new_event_loop()
    gold, pred, lat = [], [], []
    for ex in examples:
        t = time.perf_counter()
        result = loop.run_until_complete(agent.parse_message(ex.get("text")))
        lat.append((time.perf_counter() - t) * 1000)
        gold.append(same_answer(ex.get("intent")))
        pred.append(same_answer(result["intent"]["name"]))
    labels = sorted(set(gold))
    macro = f1_score(gold, pred, labels=labels, average="macro", zero_division=0)
    lat.sort()
    return macro, load_s, statistics.median(lat), lat[int(0.95 * (len(lat) - 1))]


def kfold_files(td, folds: int, workdir: Path):
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    examples = td.intent_examples
    intents = [e.get("intent") for e in examples]
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=42)
    for i, (train_idx, test_idx) in enumerate(skf.split(examples, intents)):
        train = TrainingData(
            training_examples=[examples[j] for j in train_idx],
            entity_synonyms=td.entity_synonyms,
            regex_features=td.regex_features,
            lookup_tables=td.lookup_tables,
        )
        path = workdir / f"fold{i}.yml"
        path.write_text(train.nlu_as_yaml())
        yield path, [examples[j] for j in test_idx]


def cv_text(score) -> str:
    return "n/a" if score is None else "%.3f" % score


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--folds",
        type=int,
        default=5,
        help="cross-validation folds; 0 skips CV (DIET takes ~15 min per model on 2 cores)",
    )
    ap.add_argument("--only", default=None)
    args = ap.parse_args()
    logging.getLogger("rasa").setLevel(logging.ERROR)
    from rasa.shared.nlu.training_data.loading import load_data

    td = load_data(str(ROOT / "data" / "nlu"))
    holdout = load_data(str(ROOT / "tests" / "nlu_holdout.yml")).intent_examples
    rows = []
    candidates = [DEPLOYED] + sorted((ROOT / "configs").glob("nlu_*.yml"))
    for candidate in candidates:
        name = candidate_name(candidate)
        if args.only and name != args.only:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            config = write_config(candidate, tmp / "config.yml")
            cv_scores = []
            for path, test in kfold_files(td, args.folds, tmp) if args.folds else []:
                model = train_nlu(config, path, tmp, f"{name}-{path.stem}")
                cv_scores.append(evaluate(model, test)[0])
            t0 = time.perf_counter()
            model = train_nlu(config, ROOT / "data" / "nlu", tmp, name)
            train_s = time.perf_counter() - t0
            hold, load_s, p50, p95 = evaluate(model, holdout)
        row = (
            name,
            statistics.mean(cv_scores) if cv_scores else None,
            hold,
            train_s,
            load_s,
            p50,
            p95,
        )
        rows.append(row)
        print(
            "%-20s cv-F1 %s  holdout-F1 %.3f  train %.0fs  load %.1fs  parse p50 %.1fms p95 %.1fms"
            % (row[0], cv_text(row[1]), *row[2:]),
            flush=True,
        )

    # Results accumulate per candidate (DIET is slow: it can be run alone
    # with --only), and the table shows every candidate measured so far.
    store = ROOT / "docs" / "pipeline_results.json"
    results = json.loads(store.read_text()) if store.exists() else {}
    for r in rows:
        results[r[0]] = {
            "cv": r[1],
            "holdout": r[2],
            "train_s": r[3],
            "load_s": r[4],
            "p50_ms": r[5],
            "p95_ms": r[6],
            "folds": args.folds,
            "date": time.strftime("%Y-%m-%d"),
            "train_examples": len(td.intent_examples),
            "holdout_messages": len(holdout),
        }
    store.parent.mkdir(exist_ok=True)
    store.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    table = [
        "Measured on this project's 2-core machine; intent macro-F1 by stratified k-fold "
        "cross-validation on data/nlu and on the never-trained-on hold-out"
        " (tests/nlu_holdout.yml).",
        "",
        "| pipeline | folds | CV macro-F1 | hold-out macro-F1 | train (s) | load (s) | parse p50"
        " (ms) | parse p95 (ms) | examples | date |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ] + [
        "| %s | %s | %s | %.3f | %.0f | %.1f | %.1f | %.1f | %d | %s |"
        % (
            name,
            r["folds"] or "-",
            cv_text(r["cv"]),
            r["holdout"],
            r["train_s"],
            r["load_s"],
            r["p50_ms"],
            r["p95_ms"],
            r["train_examples"],
            r["date"],
        )
        for name, r in sorted(results.items())
    ]
    doc = ROOT / "docs" / "pipeline.md"
    text = (
        doc.read_text() if doc.exists() else f"# NLU pipeline choice\n\n{MARK_START}\n{MARK_END}\n"
    )
    before, _, rest = text.partition(MARK_START)
    _, _, after = rest.partition(MARK_END)
    doc.write_text(before + MARK_START + "\n" + "\n".join(table) + "\n" + MARK_END + after)
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
