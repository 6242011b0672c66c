"""The lexicon (iopnav/safety/lexicon.yml): risk patterns by kind and category.

Patterns carry required literals for a cheap prefilter: a substring test
skips most of the several hundred regex searches per sentence.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

import yaml

LEXICON_PATH = Path(__file__).resolve().parents[1] / "lexicon.yml"
KINDS = ("strong", "topic", "ambiguous", "message")


@dataclass
class Match:
    category: str
    kind: str  # strong | topic | ambiguous | message
    pattern: str
    text: str
    sentence: str
    view: str = ""
    reported: bool = False  # found only when a third person's words were read as the speaker's


@lru_cache(maxsize=1)
def load() -> Dict[str, List[Tuple[str, str, "re.Pattern", Optional[Tuple[str, ...]]]]]:
    data = yaml.safe_load(LEXICON_PATH.read_text())
    # `macros:` name shared alternations (drug names, people) used as %NAME%.
    macros = dict((data.get("macros") or {}).items())

    def expand(raw: str) -> str:
        for _ in range(3):
            new = re.sub(r"%([A-Z_]+)%", lambda m: macros[m.group(1)], raw)
            if new == raw:
                break
            raw = new
        return raw

    compiled: Dict[str, list] = {}
    for kind in ("strong", "topic", "ambiguous", "message"):
        compiled[kind] = []
        for category, patterns in (data.get(kind) or {}).items():
            for raw in patterns:
                rx = re.compile(expand(raw))
                compiled[kind].append((category, raw, rx, required_literals(rx.pattern)))
    return compiled


def categories(kind: str) -> Set[str]:
    """The categories the lexicon's patterns of this kind name."""
    return {category for category, *_ in load()[kind]}


def required_literals(pattern: str) -> Optional[Tuple[str, ...]]:
    """Strings one of which every match of `pattern` must contain, or None.

    A cheap substring test on these skips most of the several hundred regex
    searches per sentence (a prefilter in the manner of RE2's)."""
    import sre_constants as sc
    import sre_parse

    def required(seq) -> Optional[set]:
        candidates, run = [], ""
        for op, av in seq:
            if op is sc.LITERAL:
                run += chr(av)
                continue
            if run:
                candidates.append({run})
                run = ""
            sub = None
            if op is sc.SUBPATTERN:
                sub = required(av[-1])
            elif op is sc.BRANCH:
                alts = [required(b) for b in av[1]]
                sub = set().union(*[a for a in alts if a]) if alts and all(alts) else None
            elif op in (sc.MAX_REPEAT, sc.MIN_REPEAT) and av[0] >= 1:
                sub = required(av[2])
            if sub:
                candidates.append(sub)
        if run:
            candidates.append({run})
        return max(candidates, key=lambda c: min(map(len, c))) if candidates else None

    try:
        found = required(sre_parse.parse(pattern))
    except Exception:  # pragma: no cover - an unusual construct: no prefilter
        return None
    if not found or min(map(len, found)) < 2:
        return None
    return tuple(sorted(found))


@lru_cache(maxsize=None)
def _index(kind: str) -> Tuple[Tuple[str, ...], Dict[str, Tuple[int, ...]], Tuple[int, ...]]:
    """For the prefilter: every distinct literal, the patterns that need it,
    and the patterns without one (always tried)."""
    needing: Dict[str, List[int]] = {}
    always = []
    for i, (*_, literals) in enumerate(load()[kind]):
        if literals is None:
            always.append(i)
        for lit in literals or ():
            needing.setdefault(lit, []).append(i)
    return tuple(needing), {lit: tuple(ids) for lit, ids in needing.items()}, tuple(always)


@lru_cache(maxsize=None)
def _by_head(kind: str) -> Dict[str, Tuple[str, ...]]:
    """The kind's literals by their first three characters ("" for the
    two-character ones)."""
    heads: Dict[str, List[str]] = {}
    for lit in _index(kind)[0]:
        heads.setdefault(lit[:3] if len(lit) > 2 else "", []).append(lit)
    return {head: tuple(lits) for head, lits in heads.items()}


class Prefilter:
    """The required literals that occur anywhere in a message's views: a
    sentence then tests only these, not all of them (on a long message, most
    of the screen's time went into testing every literal in every sentence).
    Only literals whose first characters occur in the text are tested."""

    def __init__(self, views: Iterable[str]) -> None:
        self.text = "\n".join(views)
        text = self.text
        # "" stands for the two-character literals, tested one by one.
        self._heads = {text[i : i + 3] for i in range(len(text) - 2)} | {""}
        self._present: Dict[str, Tuple[str, ...]] = {}

    def literals(self, kind: str) -> Tuple[str, ...]:
        if kind not in self._present:
            by_head = _by_head(kind)
            self._present[kind] = tuple(
                lit
                for head in self._heads.intersection(by_head)
                for lit in by_head[head]
                if lit in self.text
            )
        return self._present[kind]


def _candidates(kind: str, hay: str, prefilter: Optional[Prefilter]) -> List[int]:
    """The patterns (in lexicon order) whose required literals occur in hay."""
    literals, needing, always = _index(kind)
    if prefilter is not None:
        literals = prefilter.literals(kind)
    ids = set(always)
    for lit in filter(hay.__contains__, literals):
        ids.update(needing[lit])
    return sorted(ids)


def find(
    kind: str,
    views: Tuple[str, ...],
    sentence: str,
    reported: bool = False,
    prefilter: Optional[Prefilter] = None,
) -> List[Match]:
    """Matches of the kind's patterns, each in the first view it matches;
    `prefilter` must have been built from text that contains every view."""
    found = []
    hay = "\n".join(views)
    patterns = load()[kind]
    for index in _candidates(kind, hay, prefilter):
        category, raw, rx, _ = patterns[index]
        for view in views:
            if not view:
                continue
            m = rx.search(view)
            if m:
                found.append(
                    Match(
                        "third_party" if reported else category,
                        kind,
                        raw,
                        m.group(0),
                        sentence,
                        view,
                        reported,
                    )
                )
                break
    return found
