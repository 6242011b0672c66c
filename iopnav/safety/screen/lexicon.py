"""The lexicon (iopnav/safety/lexicon.yml): risk patterns by kind and category.

Patterns carry required literals for a cheap prefilter: a substring test
skips most of the several hundred regex searches per sentence.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

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
                compiled[kind].append((category, raw, rx, _required_literals(rx.pattern)))
    return compiled


def categories(kind: str) -> Set[str]:
    """The categories the lexicon's patterns of this kind name."""
    return {category for category, *_ in load()[kind]}


def _required_literals(pattern: str) -> Optional[Tuple[str, ...]]:
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


def find(kind: str, views: Tuple[str, ...], sentence: str, reported: bool = False) -> List[Match]:
    found = []
    hay = "\n".join(views)
    for category, raw, rx, literals in load()[kind]:
        if literals is not None and not any(lit in hay for lit in literals):
            continue
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
