"""Sentence vectors as scikit-learn feature blocks, so the intent classifier
sees meaning as well as spelling: "do I sleep there" and "is it residential"
share no n-gram but sit close together (docs/pipeline.md has the
measurements that chose the weights).

Two encoders: WordLlama's static token vectors (iopnav/embeddings.py) and
the MiniLM transformer (iopnav/contextual.py). Their weights are never
pickled into the model archive: they are loaded from var/ when the model is
first used.
"""

from typing import Any, Optional, Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from iopnav import contextual, embeddings


class _EncoderBlock(BaseEstimator, TransformerMixin):
    """texts -> weight * the encoder's L2-normalised sentence vectors (dense)."""

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight
        self._encoder: Optional[Any] = None

    @staticmethod
    def _load() -> Any:
        raise NotImplementedError

    def fit(self, texts: Sequence[str], y: Any = None) -> "_EncoderBlock":
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        if self._encoder is None:
            self._encoder = self._load()
        lowered = [" ".join(str(t).lower().split()) for t in texts]
        return self._encoder.embed(lowered) * self.weight

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_encoder"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        # Models trained before 2026-12-03 stored the encoder as `_embedder`.
        state.pop("_embedder", None)
        self.__dict__.update(state, _encoder=None)


class SentenceVectors(_EncoderBlock):
    """WordLlama: the mean of static token vectors (256 wide, ~0.02 ms)."""

    width = embeddings.DIMENSIONS

    @staticmethod
    def _load() -> Any:
        return embeddings.load()


class ContextualVectors(_EncoderBlock):
    """all-MiniLM-L6-v2: tokens read in context (384 wide, ~14 ms)."""

    width = contextual.DIMENSIONS

    @staticmethod
    def _load() -> Any:
        return contextual.load()
