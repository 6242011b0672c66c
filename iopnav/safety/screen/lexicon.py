"""The lexicon (iopnav/safety/lexicon.yml): risk patterns by kind and category.

Patterns carry required literals for a cheap prefilter: a substring test
skips most of the several hundred regex searches per sentence.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

import numpy as np
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
        if literals is None or any("\n" in lit for lit in literals):
            always.append(i)  # no literal, or one Prefilter cannot place
            continue
        for lit in literals:
            needing.setdefault(lit, []).append(i)
    return tuple(needing), {lit: tuple(ids) for lit, ids in needing.items()}, tuple(always)


# Literals are placed by their first and last GRAM characters (all of them,
# if shorter): a message has few of both, and the search for the others is skipped.
GRAM = 5
_PRIME = np.uint64(1_000_003)


def _gram_codes(text: str, n: int) -> "np.ndarray":
    """A hash of every n characters in a row of the text, for all positions
    at once (uint64 arithmetic wraps; a collision only costs a search),
    folded to 32 bits: half the bytes to sort, and sorting is most of it."""
    chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(chars) < n:
        return np.zeros(0, dtype=np.uint32)
    codes = np.full(len(chars) - n + 1, n, dtype=np.uint64)
    for k in range(n):
        codes = codes * _PRIME + chars[k : len(chars) - n + 1 + k]
    return (codes ^ (codes >> np.uint64(32))).astype(np.uint32)


def _code(text: str) -> int:
    return int(_gram_codes(text, len(text))[0])


@lru_cache(maxsize=None)
def _ends(kind: str) -> Tuple["np.ndarray", "np.ndarray"]:
    """The codes of the start and of the end of each of the kind's literals
    (in _index order)."""
    literals = _index(kind)[0]
    starts = [_code(lit[: min(GRAM, len(lit))]) for lit in literals]
    ends = [_code(lit[-min(GRAM, len(lit)) :]) for lit in literals]
    return np.array(starts, dtype=np.uint32), np.array(ends, dtype=np.uint32)


class Prefilter:
    """Which required literals occur in which of a message's hays (the
    views of one sentence, joined: what `find` searches), worked out once
    for the whole message: a literal is searched for in the message's text,
    from one hay to the next, instead of being tested in every sentence (on
    a long message, most of the screen's time went into those tests). Only
    literals whose first and last characters occur in the text are searched."""

    def __init__(self, hays: Iterable[str]) -> None:
        self.hays = list(dict.fromkeys(hays))
        self._index_of = {hay: i for i, hay in enumerate(self.hays)}
        # No literal holds a newline (checked in _index), so none spans two hays.
        self.text = "\n".join(self.hays)
        self._ends, end = [], -1
        for hay in self.hays:
            end += len(hay) + 1
            self._ends.append(end)
        grams = np.concatenate([_gram_codes(self.text, n) for n in range(2, GRAM + 1)])
        grams.sort()
        self._grams = grams
        self._by_hay: Dict[str, List[Tuple[str, ...]]] = {}

    def _has(self, codes: "np.ndarray") -> "np.ndarray":
        """Which of the codes occur in the text."""
        grams = self._grams
        if not len(grams):
            return np.zeros(len(codes), dtype=bool)
        at = np.minimum(np.searchsorted(grams, codes), len(grams) - 1)
        return grams[at] == codes

    def _hays_with(self, lit: str) -> List[int]:
        text, ends, found = self.text, self._ends, []
        pos = text.find(lit)
        while pos >= 0:
            hay = bisect_right(ends, pos)
            found.append(hay)
            pos = text.find(lit, ends[hay] + 1)
        return found

    def _per_hay(self, kind: str) -> List[Tuple[str, ...]]:
        if kind not in self._by_hay:
            per_hay: List[List[str]] = [[] for _ in self.hays]
            literals = _index(kind)[0]
            for i in np.flatnonzero(self._has(_ends(kind)[0]) & self._has(_ends(kind)[1])):
                for hay in self._hays_with(literals[i]):
                    per_hay[hay].append(literals[i])
            self._by_hay[kind] = [tuple(lits) for lits in per_hay]
        return self._by_hay[kind]

    def literals(self, kind: str, hay: str) -> Iterable[str]:
        """The kind's literals that occur in hay (any text inside the message's)."""
        index = self._index_of.get(hay)
        if index is not None:
            return self._per_hay(kind)[index]
        return [lit for lits in self._per_hay(kind) for lit in lits if lit in hay]


def _candidates(kind: str, hay: str, prefilter: Optional[Prefilter]) -> List[int]:
    """The patterns (in lexicon order) whose required literals occur in hay."""
    literals, needing, always = _index(kind)
    present = (
        filter(hay.__contains__, literals) if prefilter is None else prefilter.literals(kind, hay)
    )
    ids = set(always)
    for lit in present:
        ids.update(needing[lit])
    return sorted(ids)


def literal_gates(pattern: str, flags: int = 0) -> Tuple[Tuple[str, ...], ...]:
    """Every group of strings that a match of `pattern` must contain one of
    ("kill myself|end my life" then " tonight": (("end my life", "kill
    myself"), (" tonight",))); () when it cannot tell (case-insensitive).

    required_literals gives one such group, for the prefilter's index; these
    all of them, to skip a search in a view that lacks one (most candidates
    of a long message fail here, before any regex runs)."""
    import sre_constants as sc
    import sre_parse

    if flags & re.IGNORECASE:
        return ()

    def groups(seq) -> List[Set[str]]:
        found: List[Set[str]] = []
        run = ""
        for op, av in seq:
            if op is sc.LITERAL:
                run += chr(av)
                continue
            if run:
                found.append({run})
                run = ""
            if op is sc.SUBPATTERN:
                if av[1] & sc.SRE_FLAG_IGNORECASE:
                    raise ValueError("case-insensitive group")
                found.extend(groups(av[-1]))
            elif op is sc.BRANCH:
                alternatives = [groups(branch) for branch in av[1]]
                if alternatives and all(alternatives):
                    # Each alternative's most selective group; any of them will do.
                    found.append(
                        set().union(*(max(a, key=lambda g: min(map(len, g))) for a in alternatives))
                    )
            elif op in (sc.MAX_REPEAT, sc.MIN_REPEAT) and av[0] >= 1:
                found.extend(groups(av[2]))
        if run:
            found.append({run})
        return found

    try:
        return tuple(tuple(sorted(group)) for group in groups(sre_parse.parse(pattern, flags)))
    except Exception:  # an unusual construct: no gates, the regex decides alone
        return ()


@lru_cache(maxsize=None)
def _gates(kind: str) -> Tuple[Tuple[Tuple[str, ...], ...], ...]:
    """Each pattern's gates, the likely rarest (longest) group first."""
    return tuple(
        tuple(sorted(literal_gates(rx.pattern, rx.flags), key=lambda g: -min(map(len, g))))
        for _, _, rx, _ in load()[kind]
    )


def _passes(gates: Tuple[Tuple[str, ...], ...], view: str) -> bool:
    """The view holds a string of every group (plain loops: this runs
    hundreds of times a long message)."""
    for group in gates:
        for lit in group:
            if lit in view:
                break
        else:
            return False
    return True


def find(
    kind: str,
    views: Tuple[str, ...],
    sentence: str,
    reported: bool = False,
    prefilter: Optional[Prefilter] = None,
) -> List[Match]:
    """Matches of the kind's patterns, each in the first view it matches;
    `prefilter` must have been built from the message this sentence is part of."""
    found = []
    hay = "\n".join(views)
    patterns, gates = load()[kind], _gates(kind)
    for index in _candidates(kind, hay, prefilter):
        category, raw, rx, _ = patterns[index]
        if not _passes(gates[index], hay):  # the hay holds every view
            continue
        for view in views:
            if not view or not _passes(gates[index], view):
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
