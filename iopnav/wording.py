"""Texts composed outside the dialogue (search results, the intake form's
answer checks), each kept with its Spanish in one YAML file, read in the
person's language (the `language` slot, docs/language.md).

A file maps each key to {en: ..., es: ...}: a str.format template, or for a
`labels` entry a mapping of canonical values ("evening") to what is shown.
Anything but "es" reads the English.
"""

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional

import yaml

ENGLISH, SPANISH = "en", "es"


def _language(language: Optional[str]) -> str:
    return SPANISH if language == SPANISH else ENGLISH


class Wording:
    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def entries(self) -> Dict[str, Dict[str, Any]]:
        return _load(self.path)

    def say(self, key: str, language: Optional[str] = None, **values: Any) -> str:
        """The text of `key` in `language`, filled from `values`."""
        return str(self.entries[key][_language(language)]).format(**values)

    def label(self, kind: str, value: str, language: Optional[str] = None) -> str:
        """How a canonical value of `kind` is shown ("evening" -> "por la noche");
        a value with no label (an insurer's name) is shown as it is."""
        labels = self.entries["labels"][kind][_language(language)]
        return str(labels.get(value, value))


@lru_cache(maxsize=None)
def _load(path: Path) -> Dict[str, Dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))
