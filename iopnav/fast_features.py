"""The risk model's and the intent classifier's features for one message,
without scikit-learn's per-call overhead, and bit for bit the same as their
slow paths (shared by iopnav.safety and iopnav.nlu, so it sits in neither).

RiskModel._features builds, through a FeatureUnion of two TfidfVectorizers
and scipy's hstack, one sparse row: word 1-2-grams, then character 2-5-grams
within words (char_wb), then the sentence embedding. On a 2,000-character
message that took 7 ms, mostly in generating 8,000 character n-grams and in
scikit-learn's checks. Here a word's character n-grams are looked up once a
process (words repeat: a long message has a few hundred distinct ones) and
the row is assembled directly.

Exactly the same numbers, in the same order, matter: the classifiers sum
the row in its stored order, so a different order could move a score by a
rounding error. scikit-learn 1.1 stores each TF-IDF block in descending
column order (its `X * idf_diag` product reverses the sorted counts) and
normalises it in that order; this module does the same steps on the same
arrays (the log, +1, times idf, the same Cython L2 normalisation).
tests/safety/test_fast_features.py compares both paths on every message
of the safety sets, and `from_model` returns None (the slow path stays)
for any vectorizer setting it does not reproduce.
"""

from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from scipy.sparse import csr_matrix

# A word's char n-gram columns, kept for this many distinct words a process.
_WORD_CACHE_MAX = 50_000  # about 10 MB at most


class _Block:
    """One fitted TfidfVectorizer: counts -> sublinear tf -> idf -> L2."""

    def __init__(self, vectorizer) -> None:
        self.vocabulary: Dict[str, int] = vectorizer.vocabulary_
        # The diagonal of the matrix sklearn multiplies by: the idf as stored.
        self.idf = np.asarray(vectorizer._tfidf._idf_diag.diagonal(), dtype=np.float64)
        self.size = len(self.vocabulary)
        self.analyzer = vectorizer.analyzer
        self.vectorizer = vectorizer
        self._analyze = vectorizer.build_analyzer()
        self._words: Dict[str, np.ndarray] = {}

    def _columns(self, text: str) -> np.ndarray:
        """The vocabulary columns of every n-gram of the text, with repeats
        (as int32: numpy sorts them about ten times faster than int64, and
        np.unique's sort was a tenth of a long message's scoring)."""
        if self.analyzer == "word":
            get = self.vocabulary.get
            found = [j for j in map(get, self._analyze(text)) if j is not None]
            return np.asarray(found, dtype=np.int32)
        # char_wb reads each whitespace-separated word alone (padded with
        # spaces), after lower-casing: the same per word in any message.
        words = self.vectorizer._white_spaces.sub(" ", text.lower()).split()
        parts = [self._word_columns(w) for w in words]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)

    def _word_columns(self, word: str) -> np.ndarray:
        cols = self._words.get(word)
        if cols is None:
            if len(self._words) >= _WORD_CACHE_MAX:
                self._words.clear()
            get = self.vocabulary.get
            grams = self.vectorizer._char_wb_ngrams(word)
            cols = np.asarray([j for j in map(get, grams) if j is not None], dtype=np.int32)
            self._words[word] = cols
        return cols

    def row(self, text: str) -> Tuple[np.ndarray, np.ndarray]:
        """(columns, values) in scikit-learn's stored order (descending)."""
        from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

        columns, counts = np.unique(self._columns(text), return_counts=True)
        values = counts.astype(np.float64)
        np.log(values, values)
        values += 1
        columns, values = columns[::-1].astype(np.int32), values[::-1] * self.idf[columns[::-1]]
        one = csr_matrix(
            (values, columns, np.array([0, len(columns)], dtype=np.int32)), shape=(1, self.size)
        )
        inplace_csr_row_normalize_l2(one)
        return columns, one.data

    def dots(self, texts: Sequence[str], coef: np.ndarray) -> np.ndarray:
        """Each text's row times a weight vector over this block, without
        building the rows: one np.unique over (text, column) pairs, sums by
        text (the same numbers up to rounding: numpy's L2)."""
        parts = [self._columns(t) for t in texts]
        which = np.repeat(np.arange(len(texts)), [len(c) for c in parts])
        if not len(which):
            return np.zeros(len(texts))
        keys, counts = np.unique(
            which * np.int64(self.size) + np.concatenate(parts), return_counts=True
        )
        rows, columns = np.divmod(keys, self.size)
        values = (np.log(counts) + 1.0) * self.idf[columns]
        product = np.bincount(rows, weights=coef[columns] * values, minlength=len(texts))
        norm = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(texts)))
        return np.divide(product, norm, out=np.zeros(len(texts)), where=norm > 0)


def _reproducible(vectorizer) -> bool:
    """The settings this module reproduces (the project's: see RiskModel.fit)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if type(vectorizer) is not TfidfVectorizer or vectorizer.analyzer not in ("word", "char_wb"):
        return False
    params = vectorizer.get_params()
    return (
        params["input"] == "content"
        and params["lowercase"]
        and params["preprocessor"] is None
        and params["strip_accents"] is None
        and params["binary"] is False
        and params["norm"] == "l2"
        and params["use_idf"]
        and params["sublinear_tf"]
        and params["dtype"] is np.float64
        and (vectorizer.analyzer == "char_wb" or params["tokenizer"] is None)
    )


def _union_steps(union) -> List:
    """A FeatureUnion's transformers, or [] for anything else (or weighted)."""
    from sklearn.pipeline import FeatureUnion

    if type(union) is not FeatureUnion or union.transformer_weights:
        return []
    return [t for _, t in union.transformer_list]


# A dense block: its width and texts -> their (n, width) vectors.
Dense = Tuple[int, Callable[[Sequence[str]], np.ndarray]]


def _lowered(text: str) -> str:
    # Every slow path embeds the lower-cased, space-joined text.
    return " ".join(text.lower().split())


class FastFeatures:
    """The whole feature row of one message, as RiskModel._features gives it."""

    def __init__(
        self, blocks: List[_Block], dense: Sequence[Dense] = (), sort: bool = False
    ) -> None:
        self.blocks = blocks
        self.dense = list(dense)
        self.sort = sort
        self.width = sum(b.size for b in blocks) + sum(width for width, _ in self.dense)

    @classmethod
    def from_model(cls, vectorizer, embedder, embedding_weight: float) -> Optional["FastFeatures"]:
        """The risk model's: a union of TF-IDF blocks, the embedding beside it."""
        steps = _union_steps(vectorizer)
        if not steps or not all(_reproducible(t) for t in steps):
            return None
        dense: List[Dense] = []
        if embedder is not None and embedding_weight:
            dense.append(
                (
                    embedder.table.shape[1],
                    lambda texts: embedder.embed([_lowered(t) for t in texts]) * embedding_weight,
                )
            )
        return cls([_Block(t) for t in steps], dense)

    @classmethod
    def from_union(cls, union) -> Optional["FastFeatures"]:
        """The intent classifier's: TF-IDF blocks, then its sentence-vector blocks."""
        from iopnav.nlu.sentence_vectors import ContextualVectors, SentenceVectors

        steps = _union_steps(union)
        vectors: List = []
        while steps and type(steps[-1]) in (SentenceVectors, ContextualVectors):
            vectors.insert(0, steps.pop())
        if not steps or not all(_reproducible(t) for t in steps):
            return None
        # A union with a dense block is joined through COO, which sorts each
        # row's columns: so are these.
        dense = [(v.width, lambda texts, v=v: v.transform(list(texts))) for v in vectors]
        return cls([_Block(t) for t in steps], dense, sort=bool(dense))

    def dots(self, texts: Sequence[str], coef: np.ndarray) -> np.ndarray:
        """[row(t) @ coef for t in texts] at a fraction of the cost: the
        risk model's reading of each sentence (RiskModel._best_sentences)."""
        total, offset = np.zeros(len(texts)), 0
        for block in self.blocks:
            total += block.dots(texts, coef[offset : offset + block.size])
            offset += block.size
        for width, vectors_of in self.dense:
            total += vectors_of(texts).astype(np.float64) @ coef[offset : offset + width]
            offset += width
        return total

    def row(self, text: str) -> csr_matrix:
        """A 1 x width CSR row, equal (indices, data, order) to the slow path."""
        columns: List[np.ndarray] = []
        values: List[np.ndarray] = []
        offset = 0
        for block in self.blocks:
            cols, vals = block.row(text)
            columns.append(cols + offset)
            values.append(vals)
            offset += block.size
        for width, vectors_of in self.dense:
            vector = vectors_of([text])[0]
            nonzero = np.flatnonzero(vector)
            columns.append(nonzero + offset)
            values.append(vector[nonzero].astype(np.float64))
            offset += width
        indices = np.concatenate(columns).astype(np.int32)
        data = np.concatenate(values)
        indptr = np.array([0, len(indices)], dtype=np.int32)
        row = csr_matrix((data, indices, indptr), shape=(1, self.width))
        if self.sort:
            row.sort_indices()
        return row
