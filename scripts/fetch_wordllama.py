"""Unpack the WordLlama token table and tokenizer from its PyPI wheel.

Run by `make install` (never at run time): `pip download --no-deps` fetches
the pinned wheel, and only the two data files and the licence are kept in
var/wordllama/. See iopnav/embeddings.py for why the package itself is
not installed.
"""

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "wordllama==0.4.0.post1"
MEMBERS = {
    "wordllama/weights/l2_supercat_256.safetensors": "l2_supercat_256.safetensors",
    "wordllama/tokenizers/l2_supercat_tokenizer_config.json": "l2_supercat_tokenizer_config.json",
}


def main(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", WHEEL, "-d", tmp],
            check=True,
        )
        (wheel,) = Path(tmp).glob("wordllama-*.whl")
        with zipfile.ZipFile(wheel) as archive:
            for member, name in MEMBERS.items():
                (target / name).write_bytes(archive.read(member))
            licence = next(n for n in archive.namelist() if n.endswith("licenses/LICENSE"))
            (target / "LICENSE").write_bytes(archive.read(licence))
    (target / "SOURCE").write_text(f"{WHEEL} from PyPI (MIT licence, Lee Miller)\n")
    print(f"WordLlama files in {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/wordllama"))
