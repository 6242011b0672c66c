"""English and Spanish variations of one generated domain response, arranged
so that Rasa 3.6 picks by the `language` slot (docs/language.md).

Rasa picks at random among ALL conditional variations whose conditions hold,
not the most specific one. So a Spanish variation conditioned only on
`language: es` would compete with a Spanish one for `language: es,
crisis_kind: overdose`. Here:
- English variations with a condition also require `language: en`; English
  ones without a condition stay the default;
- every Spanish variation requires `language: es`, and one without a
  condition is repeated for each value of the slot its conditional
  siblings use that none of them covers (including no value), so exactly
  one kind of Spanish variation matches any state.
Hand-written domain files need none of this: their responses have no other
condition, so they add `condition: [language: es]` variations directly.
"""

from functools import lru_cache
from itertools import groupby
from typing import Any, Dict, List, Optional

import yaml

from iopnav import settings

Variations = List[Dict[str, Any]]
SLOT = "language"
ENGLISH, SPANISH = "en", "es"


def in_language(language: str) -> Dict[str, Any]:
    return {"type": "slot", "name": SLOT, "value": language}


@lru_cache(maxsize=1)
def slot_values() -> Dict[str, List[Any]]:
    """Every value a categorical or bool slot of domain/core.yml can hold."""
    slots = yaml.safe_load((settings.PROJECT_ROOT / "domain" / "core.yml").read_text())["slots"]
    values: Dict[str, List[Any]] = {}
    for name, slot in slots.items():
        if slot["type"] == "categorical":
            values[name] = [*slot["values"], None]
        elif slot["type"] == "bool":
            values[name] = [True, False, None]
    return values


def _channel(variation: Dict[str, Any]) -> str:
    return str(variation.get("channel") or "")


def _spanish(variations: Variations) -> Variations:
    out: Variations = []
    ordered = sorted(variations, key=_channel)
    for _channel_name, group in groupby(ordered, key=_channel):
        siblings = list(group)
        covered: Dict[str, set] = {}
        for v in siblings:
            for c in v.get("condition") or []:
                covered.setdefault(c["name"], set()).add(c["value"])
        for v in siblings:
            if v.get("condition"):
                out.append({**v, "condition": [*v["condition"], in_language(SPANISH)]})
            elif not covered:
                out.append({**v, "condition": [in_language(SPANISH)]})
            else:
                [(slot, taken)] = covered.items()  # one conditioning slot per response
                for value in slot_values()[slot]:
                    if value not in taken:
                        condition = [_slot_is(slot, value), in_language(SPANISH)]
                        out.append({**v, "condition": condition})
    return out


def _slot_is(slot: str, value: Optional[Any]) -> Dict[str, Any]:
    return {"type": "slot", "name": slot, "value": value}


def combine(english: Variations, spanish: Variations) -> Variations:
    """One response's variations for both languages (see the module docstring)."""
    out = [
        {**v, "condition": [*v["condition"], in_language(ENGLISH)]} if v.get("condition") else v
        for v in english
    ]
    return out + _spanish(spanish)
