"""Shared by the evaluation and benchmark scripts: parse messages with the
trained model exactly as the Rasa server does (NLU pipeline incl. the safety
screen), without starting a server."""

import asyncio
import hashlib
import logging
from pathlib import Path
from typing import Callable, Dict, List, Tuple

from iopnav import settings

DEFAULT_MODEL = settings.PROJECT_ROOT / "models" / "iop.tar.gz"
# The intents the assistant was specified with (issue 2); the later ones
# steer the dialogue (forms, crisis mode) and are scored separately.
CONTRACT_INTENTS = frozenset(
    "greet goodbye thank affirm deny bot_challenge ask_what_is_iop ask_schedule ask_conditions "
    "ask_therapies ask_insurance ask_eligibility find_program ask_after_program start_intake "
    "request_human crisis out_of_scope".split()
)

# Feelings are understood when they land in either intent: whether they get
# the screening question (express_distress) or support without it
# (share_feelings) is the safety decision, scored by the safety sets.
SAME_ANSWER = {"share_feelings": "express_distress"}


def text_key(text: str) -> str:
    """A short stable hash of a message: the scripts that keep per-message
    readings or decisions on disk store this, never the text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def same_answer(intent: str) -> str:
    return SAME_ANSWER.get(intent, intent)


def load_parser(model: Path = DEFAULT_MODEL) -> Callable[[str], Dict]:
    logging.getLogger("rasa").setLevel(logging.ERROR)
    # Rasa 3.6 also logs every parsed text through structlog at debug level;
    # evaluation output must show figures, never the messages.
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    from rasa.core.agent import Agent

    if not Path(model).exists():
        raise SystemExit(f"No model at {model}: run `make train` first.")
    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()

    def parse(text: str) -> Dict:
        return loop.run_until_complete(agent.parse_message(text))

    return parse


def load_risk_model(model: Path = DEFAULT_MODEL):
    """The learned risk model stored inside a trained Rasa model archive
    (None if the archive has none), without loading the rest of Rasa."""
    import pickle
    import tarfile

    from iopnav.safety.risk_component import MODEL_FILE

    if not Path(model).exists():
        return None
    with tarfile.open(model) as archive:
        for member in archive.getmembers():
            if member.name.endswith("/" + MODEL_FILE):
                handle = archive.extractfile(member)
                return pickle.loads(handle.read()) if handle else None
    return None


HANDOFF, QUESTION, NEITHER = "handoff", "question", "neither"
_OUTCOME_OF_INTENT = {"crisis": HANDOFF, "express_distress": QUESTION}


def deployed_outcome(parsed: Dict) -> str:
    """What the person gets: the hand-off, the screening question, or neither."""
    name = str((parsed.get("intent") or {}).get("name") or "")
    return _OUTCOME_OF_INTENT.get(name, NEITHER)


def outcome_rates(outcomes: List[Tuple[bool, str, str]]) -> Dict[str, Dict[str, float]]:
    """Per category and overall, from (is_crisis, category, outcome) triples:
    n, hand-off rate and hand-off-or-question rate (recall for crisis rows,
    false-alarm rates for the rest), and the question-only rate."""
    groups: Dict[str, List[Tuple[bool, str]]] = {}
    for is_crisis, category, outcome in outcomes:
        label = "crisis" if is_crisis else "not_crisis"
        for key in (f"{label}/{category}", f"{label}/ALL"):
            groups.setdefault(key, []).append((is_crisis, outcome))
    rates = {}
    for key, rows in sorted(groups.items()):
        n = len(rows)
        handoff = sum(o == HANDOFF for _, o in rows)
        question = sum(o == QUESTION for _, o in rows)
        rates[key] = {
            "n": n,
            "handoff": handoff / n,
            "question": question / n,
            "handoff_or_question": (handoff + question) / n,
        }
    return rates


def print_outcome_table(outcomes: List[Tuple[bool, str, str]]) -> Dict[str, Dict[str, float]]:
    rates = outcome_rates(outcomes)
    print(f"{'label/category':40} {'n':>5} {'hand-off':>9} {'question':>9} {'either':>7}")
    for key, r in rates.items():
        print(
            f"{key:40} {r['n']:5d} {r['handoff']:9.3f} {r['question']:9.3f} "
            f"{r['handoff_or_question']:7.3f}"
        )
    crisis, safe = rates.get("crisis/ALL"), rates.get("not_crisis/ALL")
    if crisis and safe:
        print(
            f"hand-off recall {crisis['handoff']:.3f}  hand-off-or-question recall "
            f"{crisis['handoff_or_question']:.3f}  false hand-offs {safe['handoff']:.3f}  "
            f"false questions {safe['question']:.3f}"
        )
    return rates
