"""The language-detection table in docs/language.md, on the project's own
sentences (tests/nlu/language_samples.yml): each detector's hits per group.
langdetect is measured only where it is installed (it is not a dependency).

  PYTHONPATH=. .venv/bin/python scripts/language_bench.py
"""

from pathlib import Path
from typing import Callable, Dict, Optional

import yaml

from iopnav.nlu import language

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "nlu" / "language_samples.yml"
# Group -> the answer expected ("none" groups: keep the previous language).
EXPECTED = {"en": "en", "es": "es", "mixed_es": "es", "mixed_en": "en", "none": None}
Detector = Callable[[str], Optional[str]]


def langid_only(sure: float) -> Detector:
    def detect(text: str) -> Optional[str]:
        found, probability = language._langid().classify(text)
        return str(found) if probability >= sure else None

    return detect


def words_only(text: str) -> Optional[str]:
    spanish, english = language.word_votes(text)
    return None if spanish == english else ("es" if spanish > english else "en")


def detectors() -> Dict[str, Detector]:
    found: Dict[str, Detector] = {
        "langid (en/es)": langid_only(0.0),
        "langid, p >= 0.9": langid_only(language.SURE),
        "Spanish/English words": words_only,
        "words + langid (chosen)": language.detect,
    }
    try:
        from langdetect import DetectorFactory, detect

        DetectorFactory.seed = 0
        found["langdetect (all languages)"] = detect
    except ImportError:
        pass
    return found


def main() -> None:
    groups = {
        name: [str(t) for t in texts] for name, texts in yaml.safe_load(SAMPLES.read_text()).items()
    }
    print("| detector | " + " | ".join(f"{g} ({len(groups[g])})" for g in EXPECTED) + " | all |")
    print("|---" * (len(EXPECTED) + 2) + "|")
    for name, detect in detectors().items():
        hits = {g: sum(_safe(detect, t) == want for t in groups[g]) for g, want in EXPECTED.items()}
        cells = " | ".join(f"{hits[g]}/{len(groups[g])}" for g in EXPECTED)
        print(f"| {name} | {cells} | {sum(hits.values())}/{sum(map(len, groups.values()))} |")


def _safe(detect: Detector, text: str) -> Optional[str]:
    try:
        return detect(text)
    except Exception:  # langdetect raises on text without letters
        return None


if __name__ == "__main__":
    main()
