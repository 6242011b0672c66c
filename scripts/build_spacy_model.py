"""Build the project's spaCy pipeline on disk.

No model can be downloaded here, so we ship a recipe instead of weights:
blank English tokenizer plus the lookup lemmatizer from spacy-lookups-data
(a registry package), so lemma patterns work in the safety screen.
"""

import sys
from pathlib import Path

import spacy


def build(target: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    target.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    print(f"spaCy pipeline written to {target}")


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "var/spacy/en_iop"))
