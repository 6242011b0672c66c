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
def _data() -> Dict:
    return yaml.safe_load(LEXICON_PATH.read_text())


def expand(raw: str) -> str:
    """A pattern with its %NAME% macros written out: `macros:` name shared
    alternations (drug names, people), for the lexicon and the frames."""
    macros = _data().get("macros") or {}
    for _ in range(3):
        new = re.sub(r"%([A-Z_]+)%", lambda m: macros[m.group(1)], raw)
        if new == raw:
            break
        raw = new
    return raw


@lru_cache(maxsize=1)
def load() -> Dict[str, List[Tuple[str, str, "re.Pattern", Optional[Tuple[str, ...]]]]]:
    data = _data()
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


def _end_codes(literals: Iterable[str]) -> Tuple["np.ndarray", "np.ndarray"]:
    """The codes of the start and of the end of each literal."""
    starts = [_code(lit[: min(GRAM, len(lit))]) for lit in literals]
    ends = [_code(lit[-min(GRAM, len(lit)) :]) for lit in literals]
    return np.array(starts, dtype=np.uint32), np.array(ends, dtype=np.uint32)


@lru_cache(maxsize=None)
def _ends(kind: str) -> Tuple["np.ndarray", "np.ndarray"]:
    """The end codes of each of the kind's literals (in _index order)."""
    return _end_codes(_index(kind)[0])


@lru_cache(maxsize=None)
def _gate_layout(kind: str) -> Tuple["np.ndarray", ...]:
    """The kind's gates (_gates) flattened for Prefilter.possible: the end
    codes of every literal (one Prefilter cannot place, shorter than 2
    characters or holding a newline, stands for "  ", marked anywhere),
    each group's literals in a row, where each group and each gated
    pattern's groups start, and which patterns have gates."""
    gates = _gates(kind)
    literals = sorted({lit for pattern in gates for group in pattern for lit in group})
    at = {lit: i for i, lit in enumerate(literals)}
    anywhere = np.array([len(lit) < 2 or "\n" in lit for lit in literals], dtype=bool)
    starts, ends = _end_codes(
        ["  " if far else lit for lit, far in zip(literals, anywhere, strict=True)]
    )
    gated = [i for i, pattern in enumerate(gates) if pattern]
    groups = [group for i in gated for group in gates[i]]
    entries = [at[lit] for group in groups for lit in group]
    group_starts = np.cumsum([0] + [len(group) for group in groups[:-1]])
    pattern_starts = np.cumsum([0] + [len(gates[i]) for i in gated[:-1]])
    return starts, ends, anywhere, np.array(entries), group_starts, pattern_starts, np.array(gated)


# Prefilter texts (a message's views, joined) from this long are told which
# patterns may pass their gates anywhere (a message of some 500 characters).
POSSIBLE_FROM = 2000


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
        # A bit per code folded to a table some 16 times the grams' number:
        # a lookup instead of sorting the grams (a fifth of a long message's
        # prefilter); a fold that collides only costs a search.
        self._mask = np.uint32((1 << max(10, (16 * len(grams)).bit_length())) - 1)
        self._seen = np.zeros(int(self._mask) + 1, dtype=bool)
        self._seen[grams & self._mask] = True
        self._by_hay: Dict[str, List[Tuple[str, ...]]] = {}
        self._possible: Dict[str, List[bool]] = {}

    def _has(self, codes: "np.ndarray") -> "np.ndarray":
        """Which of the codes may occur in the text (never a no for one that does)."""
        return self._seen[codes & self._mask]

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

    def possible(self, kind: str) -> Optional[List[bool]]:
        """By pattern index, whether the pattern's gates may pass somewhere in
        the message (never False where they do): on a long message most of a
        hay's candidates lack a whole group of their literals everywhere,
        which is told here at once instead of by a test in every hay. None
        for a short message, where the tests cost less than this."""
        if len(self.text) < POSSIBLE_FROM:
            return None
        if kind not in self._possible:
            starts, ends, anywhere, entries, group_starts, pattern_starts, gated = _gate_layout(
                kind
            )
            maybe = self._has(starts) & self._has(ends) | anywhere
            possible = np.ones(len(_gates(kind)), dtype=bool)
            if len(gated):  # reduceat needs something to reduce
                groups = np.logical_or.reduceat(maybe[entries], group_starts)
                possible[gated] = np.logical_and.reduceat(groups, pattern_starts)
            self._possible[kind] = possible.tolist()
        return self._possible[kind]

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
    possible = prefilter.possible(kind) if prefilter is not None else None
    return sorted(ids) if possible is None else [i for i in sorted(ids) if possible[i]]


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
            if op in (sc.MAX_REPEAT, sc.MIN_REPEAT) and av[0] >= 1 and _one_literal(av[2]):
                # "km+s+" holds "km" and "ms": its first "m" follows the "k" and
                # its last is followed by the "s" (no gates, it ran on every view).
                ch = chr(av[2][0][1])
                found.append({run + ch})
                run = ch
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

    def _one_literal(seq) -> bool:
        return len(seq) == 1 and seq[0][0] is sc.LITERAL

    try:
        return tuple(tuple(sorted(group)) for group in groups(sre_parse.parse(pattern, flags)))
    except Exception:  # an unusual construct: no gates, the regex decides alone
        return ()


_WORD_CHAR = re.compile(r"\w")
_MAX_PATHS = 256


def leading_words(pattern: str) -> Optional[Tuple[Tuple[str, str], ...]]:
    """For a pattern that opens with a whole word ("\\bwon'?t\\b", "\\b(he|she)'d"):
    the (literal, word) pairs one of which every match starts with, the word
    being the whole first word of the match; None for any other pattern.

    A long message holds "won" and "'t" somewhere, but rarely the word "wont"
    or "won't": the text's set of words is a cheaper and sharper test than
    literal_gates for these (normalise.py's expansions)."""
    import sre_constants as sc
    import sre_parse

    # Each path: (literal so far, its first word once that word has ended).
    Paths = List[Tuple[str, Optional[str]]]

    def step(paths: Paths, op, av) -> Optional[Paths]:
        if op is sc.LITERAL:
            ch = chr(av)
            ends = not _WORD_CHAR.match(ch)
            return [(lit + ch, word if word or not ends else lit) for lit, word in paths]
        if op is sc.AT and av is sc.AT_BOUNDARY:
            # After a word character, a boundary ends the word.
            return [(lit, word or lit) for lit, word in paths]
        if op is sc.SUBPATTERN and not av[1] and not av[2]:  # no (?i:...)
            return walk(paths, av[-1], top=False)
        if op is sc.BRANCH:
            return join([walk(paths, branch, top=False) for branch in av[1]])
        if op in (sc.MAX_REPEAT, sc.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
            return join([paths, walk(paths, av[2], top=False)])
        return None

    def join(alternatives: List[Optional[Paths]]) -> Optional[Paths]:
        joined: Paths = []
        for alternative in alternatives:
            if alternative is None:
                return None
            joined.extend(alternative)
        return joined

    def walk(paths: Paths, seq, top: bool) -> Optional[Paths]:
        for op, av in seq:
            longer = step(paths, op, av)
            if longer is None or len(longer) > _MAX_PATHS:
                # Where every first word is known, the literals so far will do.
                return paths if top and all(word for _, word in paths) else None
            paths = longer
        return paths

    try:
        parsed = list(sre_parse.parse(pattern).data)
    except Exception:  # an unusual construct: no words, the regex decides alone
        return None
    if not parsed or parsed[0] != (sc.AT, sc.AT_BOUNDARY):
        return None
    paths = walk([("", None)], parsed[1:], top=True)
    if not paths or not all(word and _WORD_CHAR.match(word[0]) for _, word in paths):
        return None
    return tuple(sorted({(lit, word) for lit, word in paths if word}))


@lru_cache(maxsize=None)
def _gates(kind: str) -> Tuple[Tuple[Tuple[str, ...], ...], ...]:
    """Each pattern's gates, the likely rarest (longest) group first."""
    return tuple(
        tuple(sorted(literal_gates(rx.pattern, rx.flags), key=lambda g: -min(map(len, g))))
        for _, _, rx, _ in load()[kind]
    )


def passes(gates: Tuple[Tuple[str, ...], ...], view: str) -> bool:
    """The view holds a string of every group (plain loops: this runs
    hundreds of times a long message)."""
    for group in gates:
        for lit in group:
            if lit in view:
                break
        else:
            return False
    return True


def halves(pattern: str) -> Optional[Tuple["re.Pattern", "re.Pattern"]]:
    """(head, tail) of a pattern "head.*tail" (the first ".*" outside any
    group, class or alternation), or None.

    Such a pattern tries `.*tail` after every place the head matches, to the
    end of the text and back: on a long message with a common head ("took",
    "gun") that is most of the screen's time. It cannot match unless the tail
    matches after the head first does, which two plain searches tell."""
    depth, i, in_class, split = 0, 0, False, None
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += 2 if pattern.startswith("^", i + 1) else 1
            i += 1 if pattern.startswith("]", i) else 0  # "[]...]" and "[^]...]" hold "]"
            continue
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            return None  # head.*tail|other: either side may match
        elif split is None and depth == 0 and pattern.startswith(".*", i):
            split = i
        i += 1
    if split is None:
        return None
    try:
        head, tail = re.compile(pattern[:split]), re.compile(pattern[split + 2 :])
    except re.error:  # a back-reference across the halves
        return None
    return (head, tail) if head.flags == tail.flags == re.compile(pattern).flags else None


@lru_cache(maxsize=None)
def _halves(kind: str) -> Tuple[Optional[Tuple["re.Pattern", "re.Pattern"]], ...]:
    return tuple(halves(rx.pattern) for _, _, rx, _ in load()[kind])


# A view this long is first asked whether a head.*tail pattern can match
# (sentences are shorter: for them the pattern's own search is cheaper).
LONG_VIEW = 300


class _Held:
    """A long text that remembers its substring tests (`lit in held`): the
    message-wide patterns test the same drug names, weapons and people in
    it, and the whole message is long enough for each test to count."""

    __slots__ = ("text", "_known")

    def __init__(self, text: str) -> None:
        self.text = text
        self._known: Dict[str, bool] = {}

    def __contains__(self, literal: str) -> bool:
        known = self._known.get(literal)
        if known is None:
            known = self._known[literal] = literal in self.text
        return known


def _held(text: str):
    return _Held(text) if len(text) >= LONG_VIEW else text


def _may_match(head: "re.Pattern", tail: "re.Pattern", view: str) -> bool:
    if tail.search(view) is None:  # the tail ("end it", symptoms) is the rarer half
        return False
    first = head.search(view)
    return first is not None and tail.search(view, first.start()) is not None


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
    held = _held(hay)
    views_held = [_held(view) for view in views] if held is not hay else views
    patterns, gates, split = load()[kind], _gates(kind), _halves(kind)
    for index in _candidates(kind, hay if prefilter else held, prefilter):
        category, raw, rx, _ = patterns[index]
        if not passes(gates[index], held):  # the hay holds every view
            continue
        for view, view_held in zip(views, views_held, strict=True):
            if not view or not passes(gates[index], view_held):
                continue
            head_tail = split[index]
            if head_tail and len(view) >= LONG_VIEW and not _may_match(*head_tail, view):
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
