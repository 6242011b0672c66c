"""Keeping evaluation sets independent of training data.

A set measures understanding only if none of its messages is in, or nearly
in, the data a model learns from. "Nearly" is a token-set (Jaccard)
similarity above 0.8 after lower-casing and dropping punctuation, the rule in
../shared/blind-writing.md. The index uses prefix filtering (rarest tokens
first), so checking thousands of messages against thousands takes a second.
"""

import math
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

import yaml

THRESHOLD = 0.8


def tokens(text: str) -> FrozenSet[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


def jaccard(a: FrozenSet[str], b: FrozenSet[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


class NearDuplicateIndex:
    """Answers "is this text a near-copy of one already added?"."""

    def __init__(self, texts: Iterable[str] = (), threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self.sets: List[FrozenSet[str]] = []
        self.texts: List[str] = []
        self.postings: Dict[str, Set[int]] = defaultdict(set)
        self.frequency: Counter = Counter()
        for text in texts:
            self.add(text)

    def _prefix(self, toks: FrozenSet[str]) -> List[str]:
        # Two sets over the threshold must share a token among the first
        # |A| - ceil(t*|A|) + 1 of A's tokens in any fixed global order.
        ordered = sorted(toks, key=lambda t: (self.frequency[t], t))
        keep = len(ordered) - math.ceil(self.threshold * len(ordered)) + 1
        return ordered[: max(keep, 1)]

    def add(self, text: str) -> None:
        toks = tokens(text)
        self.frequency.update(toks)
        row = len(self.sets)
        self.sets.append(toks)
        self.texts.append(text)
        # Index every token: the order used for probing changes as counts grow.
        for token in toks:
            self.postings[token].add(row)

    def near(self, text: str) -> Optional[str]:
        """The first stored text at or above the threshold, or None."""
        toks = tokens(text)
        if not toks:
            return None
        candidates: Set[int] = set()
        for token in self._prefix(toks):
            candidates |= self.postings.get(token, set())
        for row in candidates:
            if jaccard(toks, self.sets[row]) >= self.threshold:
                return self.texts[row]
        return None


def yaml_texts(path: Path) -> List[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [m["text"] for m in data.get("messages") or [] if m.get("text")]


# The safety evaluation sets (never trained on): name -> (file, what it is).
# The one list: the risk-data import and test_risk_model keep them out of
# training, replay_safety.py replays them, gates.py gates or reports them.
SAFETY_EVALUATION_SETS: Dict[str, Tuple[str, str]] = {
    "labelled": ("tests/safety/labelled.yml", "labelled set"),
    "blind": ("tests/safety/blind.yml", "blind set"),
    # written blind in session 17; training on it made recall worse
    "blind_s17": ("tests/safety/blind_s17.yml", "session-17 blind set"),
    # written blind in session 35: history that is over, and danger now
    # told with past risk
    "blind_history": ("tests/safety/blind_history.yml", "session-35 history blind set"),
    # written blind in session 38: third parties safe now, quoted words,
    # the subject in a statement, professionals (and the crises beside them)
    "blind_s38": ("tests/safety/blind_s38.yml", "session-38 look-alike blind set"),
    # written blind in session 40: someone else in danger now or within
    # hours, asked as "how do I help", against the same worry in general
    "blind_s40": ("tests/safety/blind_s40.yml", "session-40 someone-else blind set"),
    # written blind in session 43: danger now told inside an ordinary message
    # (a greeting, a service or medication question), against heavy but
    # risk-free context told the same way
    "blind_s43": ("tests/safety/blind_s43.yml", "session-43 ordinary-message blind set"),
    # written blind in session 44: questions about crisis lines, trainings
    # asked for a group, past risk told as over, words said and explained,
    # against the same surfaces with danger now
    "blind_s44": ("tests/safety/blind_s44.yml", "session-44 line-and-history blind set"),
}


def evaluation_texts(root: Path) -> List[str]:
    """Every message of the safety evaluation sets."""
    found: List[str] = []
    for relative, _ in SAFETY_EVALUATION_SETS.values():
        path = root / relative
        if path.exists():
            found.extend(yaml_texts(path))
    return found


def scored_texts(root: Path) -> List[str]:
    """evaluation_texts and the intent hold-outs: the risk model's score
    decides some of their intents (a hand-off), so it learns from none of them."""
    holdouts = sorted((root / "tests").glob("nlu_holdout*.yml"))
    return evaluation_texts(root) + nlu_texts(*holdouts)


def nlu_texts(*paths: Path) -> List[str]:
    """The plain text (entity markup removed) of every intent example in
    Rasa NLU files or folders."""
    from rasa.shared.nlu.training_data.loading import load_data

    return [m.get("text") for path in paths for m in load_data(str(path)).intent_examples]


def nlu_overlaps(
    texts: Iterable[str], pool: Iterable[str], token_sets: bool = True
) -> List[Tuple[str, str]]:
    """(text, the pool text it copies) for each text that is in the pool or
    nearly so: a token-set Jaccard above THRESHOLD (unless token_sets is
    False), or (over 15 characters) a character-level ratio of 93 or more,
    which catches one-letter edits that token sets miss."""
    from rapidfuzz import fuzz, process

    pool = list(pool)
    lowered = [p.lower() for p in pool]
    index = NearDuplicateIndex(pool if token_sets else ())
    found = []
    for text in texts:
        match = index.near(text)
        if match is None and len(text) > 15:
            best = process.extractOne(text.lower(), lowered, scorer=fuzz.ratio)
            if best and best[1] >= 93:
                match = pool[best[2]]
        if match is not None:
            found.append((text, match))
    return found
