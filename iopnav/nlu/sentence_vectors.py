"""WordLlama sentence vectors as a scikit-learn feature block, so the intent
classifier sees meaning as well as spelling: "do I sleep there" and "is it
residential" share no n-gram but sit close together (docs/pipeline.md has
the measurement that chose the weight).

The 16 MB token table is never pickled into the model archive: it is loaded
from var/wordllama (iopnav/embeddings.py) when the model is loaded.
"""

from typing import Any, Optional, Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin


class SentenceVectors(BaseEstimator, TransformerMixin):
    """texts -> weight * L2-normalised mean token vectors (dense, 256 wide)."""

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight
        self._embedder: Optional[Any] = None

    def fit(self, texts: Sequence[str], y: Any = None) -> "SentenceVectors":
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        if self._embedder is None:
            from iopnav import embeddings

            self._embedder = embeddings.load()
        lowered = [" ".join(str(t).lower().split()) for t in texts]
        return self._embedder.embed(lowered) * self.weight

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_embedder"] = None
        return state
