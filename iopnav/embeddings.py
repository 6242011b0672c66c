"""Static sentence embeddings from the WordLlama "l2_supercat" token table.

Why these: they carry meaning (a burden, better off without me, a finished
letter are near each other even with no shared words), they are 256 floats a
token, and a sentence vector is the mean of its token vectors: about 0.02 ms a
message, no GPU, no network. The two files (16 MB of weights and the
tokenizer) come from the `wordllama==0.4.0.post1` wheel on PyPI (MIT licence,
Lee Miller, github.com/dleemiller/WordLlama). That package wants numpy>=2,
which Rasa 3.6 cannot have, so `make install` downloads the wheel with
`--no-deps` and unpacks only the two files (scripts/fetch_models.py); this
module reads them with `tokenizers` and `safetensors.numpy`, which Rasa's own
dependencies already bring. Nothing is fetched at run time.
"""

import functools
import os
from pathlib import Path
from typing import List, Sequence

import numpy as np

DIMENSIONS = 256
WEIGHTS_FILE = "l2_supercat_256.safetensors"
TOKENIZER_FILE = "l2_supercat_tokenizer_config.json"
# Long messages are cut to this many tokens: the mean barely moves past it,
# and the cost stays flat for a 2,000-character message.
MAX_TOKENS = 512


def default_dir() -> Path:
    """Where `make install` unpacked the files (IOP_WORDLLAMA_DIR overrides)."""
    root = Path(__file__).resolve().parents[1]
    return Path(os.environ.get("IOP_WORDLLAMA_DIR", root / "var" / "wordllama"))


class MissingEmbeddings(RuntimeError):
    """The WordLlama files are not there: run `make install`."""


class SentenceEmbedder:
    """Mean of the token vectors, L2-normalised (cosine-ready)."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        weights, tokenizer = folder / WEIGHTS_FILE, folder / TOKENIZER_FILE
        if not weights.exists() or not tokenizer.exists():
            raise MissingEmbeddings(f"WordLlama files missing in {folder}: run `make install`")
        tensors = load_file(str(weights))
        self.table = next(iter(tensors.values())).astype(np.float32)
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        if not texts:
            return out
        if len(texts) == 1:  # one message (every turn): no thread pool to wake
            encodings = [self.tokenizer.encode(texts[0], add_special_tokens=False)]
        else:
            encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        for row, encoding in enumerate(encodings):
            ids: List[int] = encoding.ids[:MAX_TOKENS]
            if ids:
                vector = self.table[ids].mean(axis=0)
                norm = float(np.linalg.norm(vector))
                out[row] = vector / norm if norm else vector
        return out


@functools.lru_cache(maxsize=2)
def load(folder: str = "") -> SentenceEmbedder:
    """One embedder a process (the table is 16 MB)."""
    return SentenceEmbedder(Path(folder) if folder else default_dir())
