"""Step 3 of the screen: the rule table (iopnav/safety/rules.yml) that says
which frame overrules which match.

For each kind of lexicon pattern the rules are read top to bottom; the first
whose `when` frames all hold, whose `unless` frames all fail and whose
`category` (if given) names the match's category decides the match. The
table is loaded and checked when the screen starts: a rule naming an unknown
frame, outcome, reason or category stops the start with RuleTableError,
which names the file, the rule and what is wrong.
"""

from dataclasses import dataclass, replace
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Tuple

import yaml

from iopnav.safety.screen import lexicon
from iopnav.safety.screen.frames import FRAMES, SentenceFrames
from iopnav.safety.screen.lexicon import Match

RULES_PATH = Path(__file__).resolve().parents[1] / "rules.yml"


class Suppression(str, Enum):
    """Why a frame overruled (or softened) a risk match; the decision
    (component.py) reads some of them as counter-evidence to the ML's vote."""

    IDIOM = "idiom"
    HISTORY = "history"
    NEGATED = "negated"
    NEGATED_OR_HYPOTHETICAL = "negated_or_hypothetical"
    HYPOTHETICAL = "hypothetical"
    QUESTION_ABOUT_SERVICES = "question_about_services"
    MEDIA = "media"
    LOSS = "loss"
    JOKING = "joking"


class Outcome(str, Enum):
    """What a match means once its frames are read."""

    CRISIS = "crisis"  # the hand-off
    ASK = "ask"  # the screening question
    DROP = "drop"  # nothing


class RuleTableError(ValueError):
    """The rule table cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Rule:
    name: str
    then: Outcome
    when: Tuple[str, ...] = ()
    unless: Tuple[str, ...] = ()
    categories: Optional[FrozenSet[str]] = None
    reason: Optional[Suppression] = None

    def applies(self, frames: SentenceFrames, match: Match) -> bool:
        if self.categories is not None and match.category not in self.categories:
            return False
        return all(FRAMES[name][0](frames, match) for name in self.when) and not any(
            FRAMES[name][0](frames, match) for name in self.unless
        )


@dataclass(frozen=True)
class KindRules:
    rules: Tuple[Rule, ...]
    otherwise: Outcome


@dataclass(frozen=True)
class RuleTable:
    kinds: Dict[str, KindRules]

    def decide(
        self, kind: str, frames: SentenceFrames, match: Match
    ) -> Tuple[Outcome, Optional[Suppression]]:
        """The first rule that applies decides; otherwise the kind's default."""
        table = self.kinds[kind]
        for rule in table.rules:
            if rule.applies(frames, match):
                return rule.then, rule.reason
        return table.otherwise, None

    def names(self) -> List[Tuple[str, str]]:
        """(kind, rule name) of every rule, in table order."""
        return [(kind, rule.name) for kind, table in self.kinds.items() for rule in table.rules]

    def without(self, kind: str, name: str) -> "RuleTable":
        """The same table with one rule removed (what a test of that rule checks)."""
        table = self.kinds[kind]
        kept = tuple(r for r in table.rules if r.name != name)
        return RuleTable({**self.kinds, kind: replace(table, rules=kept)})


_RULE_KEYS = {"name", "when", "unless", "category", "then", "reason"}


def _choices(values) -> str:
    return ", ".join(sorted(values))


def _names(raw: Any, what: str, known, where: str) -> Tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise RuleTableError(f"{where}: `{what}` must be a list of names, got {raw!r}")
    unknown = [v for v in raw if v not in known]
    if unknown:
        raise RuleTableError(
            f"{where}: unknown {what} {', '.join(map(repr, unknown))}; known: {_choices(known)}"
        )
    return tuple(raw)


def _enum(cls, raw: Any, what: str, where: str):
    try:
        return cls(raw)
    except ValueError:
        raise RuleTableError(
            f"{where}: `{what}: {raw}` is not one of {_choices(v.value for v in cls)}"
        ) from None


def _rule(raw: Any, kind: str, index: int, path: Path) -> Rule:
    where = f"{path}: {kind} rule #{index + 1}"
    if not isinstance(raw, dict):
        raise RuleTableError(f"{where}: a rule is a mapping, got {raw!r}")
    where += f" ({raw.get('name', 'unnamed')})"
    if not isinstance(raw.get("name"), str) or "then" not in raw:
        raise RuleTableError(f"{where}: a rule needs a `name` and a `then`")
    extra = set(raw) - _RULE_KEYS
    if extra:
        raise RuleTableError(
            f"{where}: unknown key {_choices(extra)}; keys: {_choices(_RULE_KEYS)}"
        )
    when = _names(raw.get("when"), "frame", FRAMES, where)
    if not when:
        raise RuleTableError(f"{where}: `when` needs at least one frame, or the rule always fires")
    categories = raw.get("category")
    return Rule(
        name=raw["name"],
        then=_enum(Outcome, raw["then"], "then", where),
        when=when,
        unless=_names(raw.get("unless"), "frame", FRAMES, where),
        categories=(
            None
            if categories is None
            else frozenset(_names(categories, "category", lexicon.categories(kind), where))
        ),
        reason=None
        if raw.get("reason") is None
        else _enum(Suppression, raw["reason"], "reason", where),
    )


def parse_rules(data: Any, path: Path = RULES_PATH) -> RuleTable:
    """Checks a loaded rule table and builds it (RuleTableError if malformed)."""
    if not isinstance(data, dict) or set(data) != set(lexicon.KINDS):
        found = _choices(data) if isinstance(data, dict) else repr(data)
        raise RuleTableError(
            f"{path}: needs exactly one section per pattern kind ({_choices(lexicon.KINDS)}); "
            f"found: {found}"
        )
    kinds = {}
    for kind in lexicon.KINDS:
        section = data[kind]
        if not isinstance(section, dict) or set(section) != {"rules", "otherwise"}:
            raise RuleTableError(f"{path}: `{kind}` needs `rules:` (a list) and `otherwise:`")
        raw_rules = section["rules"] or []
        if not isinstance(raw_rules, list):
            raise RuleTableError(f"{path}: `{kind}.rules` must be a list")
        rules = tuple(_rule(raw, kind, i, path) for i, raw in enumerate(raw_rules))
        names = [r.name for r in rules]
        twice = {n for n in names if names.count(n) > 1}
        if twice:
            raise RuleTableError(f"{path}: `{kind}` names rule {_choices(twice)} twice")
        otherwise = _enum(Outcome, section["otherwise"], "otherwise", f"{path}: {kind}")
        kinds[kind] = KindRules(rules, otherwise)
    return RuleTable(kinds)


def load_rules(path: Path = RULES_PATH) -> RuleTable:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise RuleTableError(f"{path}: not valid YAML: {error}") from None
    return parse_rules(data, Path(path))


@lru_cache(maxsize=1)
def default_rules() -> RuleTable:
    return load_rules()
