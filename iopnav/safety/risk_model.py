"""The learned crisis-risk model: a second, independent reader of every message.

The pattern screen (screen/) knows the wording it was written for; this
model generalises from about 7,000 messages written blind by people who never
saw the patterns (iopnav/safety/risk_data/). It reads meaning through static
sentence embeddings (embeddings.py) and spelling through word and character
n-grams, and gives:

- `crisis`: the probability that the message needs the hand-off now;
- `kind`: which kind of danger (suicide and self-harm, overdose, harm to
  others, a child in danger, domestic violence), so the hand-off names the
  right help.

Pure Python and scikit-learn, no Rasa: the Rasa component (risk_component.py)
trains and stores it inside the model archive, and the scripts score it.
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

import numpy as np
import yaml

from iopnav.fast_features import FastFeatures

DATA_DIR = Path(__file__).resolve().parent / "risk_data"
TRAIN_FILE = DATA_DIR / "train.yml"
HELDOUT_FILE = DATA_DIR / "heldout.yml"

CRISIS = "crisis"
NOT_CRISIS = "not_crisis"

# Each crisis class maps to the hand-off that names the right help.
KIND_OF_CATEGORY: Dict[str, str] = {
    "method_seeking": "suicide",
    "preparation_farewell": "suicide",
    "passive_ideation": "suicide",
    "explicit_ideation": "suicide",
    "self_harm_current": "suicide",
    "psychosis_danger": "suicide",
    "overdose_poisoning": "overdose",
    "harm_to_others": "harm_others",
    "child_abuse_risk": "child",
    "domestic_violence_now": "abuse",
}
KINDS = sorted(set(KIND_OF_CATEGORY.values()))


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    category: str
    lang: str = "en"


@dataclass(frozen=True)
class RiskScore:
    crisis: float
    kind: str
    kind_confidence: float

    def as_dict(self) -> Dict[str, object]:
        return {
            "crisis": round(self.crisis, 3),
            "kind": self.kind,
            "kind_confidence": round(self.kind_confidence, 3),
        }


def load_examples(path: Path) -> List[Example]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return [
        Example(m["text"], m["label"], m["category"], m.get("lang", "en"))
        for m in data.get("messages") or []
    ]


def data_fingerprint(paths: Iterable[Path]) -> str:
    """Changes when any training file changes (Rasa retrains the model then)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes() if Path(path).exists() else b"-")
    return digest.hexdigest()[:16]


def _prepare(text: str) -> str:
    return " ".join(text.lower().split())


_SENTENCE_END = re.compile(r"(?<=[.!?\n])\s+")


def sentences(text: str) -> List[str]:
    """The message's sentences of three words or more, when it has two or
    more of them (else none): each is scored alone by the n-gram regression,
    so a crisis said in one sentence of a long calm story is not averaged
    away (combine_log_odds' `sentence`)."""
    parts = [_prepare(p) for p in _SENTENCE_END.split(text) if len(p.split()) >= 3]
    return parts if len(parts) >= 2 else []


class RiskModel:
    """Sparse n-grams + dense sentence embedding -> logistic regression,
    averaged with a small neural network on the sentence embedding alone.

    Why the network: the linear model leans on spelling and reads the
    writers' habits (explicit words mostly in look-alikes); a non-linear
    reader of meaning alone generalised better to messages written by others
    (docs/safety.md, session 13: external hand-off recall 0.811 -> 0.823)."""

    def __init__(
        self,
        embedder,
        vectorizer,
        crisis_clf,
        kind_clf,
        embedding_weight: float,
        dense_clf=None,
        dense_weight: float = 0.0,
        contextual=None,
        logit_blend: Optional[Dict[str, Any]] = None,
    ):
        self.embedder = embedder
        self.vectorizer = vectorizer
        self.crisis_clf = crisis_clf
        self.kind_clf = kind_clf
        self.embedding_weight = embedding_weight
        self.dense_clf = dense_clf
        self.dense_weight = dense_weight
        # MiniLM (contextual.py) and a network on its vectors: see fit.
        self.contextual = contextual
        self.contextual_clf = None
        self.contextual_weight = 0.0
        # None: the readers' probabilities are averaged (dense_weight,
        # contextual_weight). Else the n-gram regression's and the MiniLM
        # network's log-odds are summed with these weights (combine_log_odds).
        self.logit_blend = logit_blend

    @classmethod
    def fit(
        cls,
        examples: Sequence[Example],
        embedder,
        C: float = 4.0,
        embedding_weight: float = 1.0,
        seed: int = 13,
        dense_weight: float = 0.0,
        contextual=None,
        contextual_weight: float = 0.0,
        contextual_tokens: int = 64,
        logit_blend: Optional[Dict[str, Any]] = None,
    ) -> "RiskModel":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_union

        vectorizer = make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        )
        texts = [_prepare(e.text) for e in examples]
        vectorizer.fit(texts)
        model = cls(embedder, vectorizer, None, None, embedding_weight, logit_blend=logit_blend)
        features = model._features(texts)
        labels = np.array([e.label == CRISIS for e in examples])
        model.crisis_clf = LogisticRegression(
            C=C, class_weight="balanced", max_iter=3000, random_state=seed
        ).fit(features, labels)
        if dense_weight and embedder is not None and embedding_weight:
            model.dense_weight = dense_weight
            model.dense_clf = _network(len(examples), seed).fit(model._dense_part(features), labels)
        if contextual is not None and contextual_weight:
            # Trained on each message's first `contextual_tokens` tokens: the
            # encoding is most of the training time, and cutting long posts
            # at 64 scored as well as 128 (docs/safety.md, session 25). At
            # parse time the vector is the intent classifier's, shared.
            model.contextual, model.contextual_weight = contextual, contextual_weight
            model.contextual_clf = _network(len(examples), seed).fit(
                contextual.embed(texts, max_tokens=contextual_tokens), labels
            )
        crisis_rows = np.flatnonzero(labels)
        kinds = [KIND_OF_CATEGORY.get(examples[i].category, "suicide") for i in crisis_rows]
        model.kind_clf = LogisticRegression(
            C=C, class_weight="balanced", max_iter=3000, random_state=seed
        ).fit(features[crisis_rows], kinds)
        model._fast_layout()
        return model

    def _fast_layout(self) -> None:
        """Store the kind model's weights column-major: scoring multiplies the
        sparse features by coef_.T, which scipy otherwise copies (4 MB) for
        every message; the numbers are the same. And build the fast feature
        row (fast_features.py: the same numbers, a third of the time)."""
        if self.kind_clf is not None:
            self.kind_clf.coef_ = np.asfortranarray(self.kind_clf.coef_)
        self._fast = FastFeatures.from_model(self.vectorizer, self.embedder, self.embedding_weight)

    def _features(self, texts: Sequence[str]):
        from scipy.sparse import csr_matrix, hstack

        sparse = self.vectorizer.transform(texts)
        if self.embedder is None or not self.embedding_weight:
            return sparse.tocsr()
        dense = self.embedder.embed(list(texts)) * self.embedding_weight
        return hstack([sparse, csr_matrix(dense)]).tocsr()

    def _rows(self, texts: Sequence[str]):
        """The features of the texts: row by row on the fast path when it
        reproduces this vectorizer, else scikit-learn's own."""
        from scipy.sparse import vstack

        fast = getattr(self, "_fast", None)
        if fast is None:
            return self._features(texts)
        rows = [fast.row(t) for t in texts]
        return rows[0] if len(rows) == 1 else vstack(rows, format="csr")

    def _dense_part(self, features) -> np.ndarray:
        """The sentence embedding: the last columns of the feature rows."""
        width = self.embedder.table.shape[1]
        return features[:, -width:].toarray() / self.embedding_weight

    def score(
        self, texts: Sequence[str], languages: Optional[Sequence[Optional[str]]] = None
    ) -> List[RiskScore]:
        """`languages`: each message's ("en", "es" or None, as the
        LanguageDetector found it); detected here when not given."""
        if not texts:
            return []
        prepared = [_prepare(t) for t in texts]
        features = self._rows(prepared)
        linear = _true_column(self.crisis_clf, features)
        read = None
        if self.contextual_clf is not None and self.contextual is not None:
            # One at a time, so the intent classifier's vector of the same
            # message is reused (contextual.MEMO_SIZE).
            vectors = np.vstack([self.contextual.embed([t]) for t in prepared])
            read = _true_column(self.contextual_clf, vectors)
        if self.logit_blend:
            if languages is None:
                from iopnav.nlu.language import detect

                languages = [detect(t) for t in texts]
            # Only where the language's weights read sentences.
            reads = [bool(blend_for(self.logit_blend, lang).get("sentence")) for lang in languages]
            sentence = self._best_sentences(texts, reads)
            crisis = combine_log_odds(self.logit_blend, linear, read, prepared, sentence, languages)
        else:
            crisis = self._averaged(linear, read, features)
        kind_probs = self.kind_clf.predict_proba(features)
        best = kind_probs.argmax(axis=1)
        return [
            RiskScore(float(p), str(self.kind_clf.classes_[k]), float(kind_probs[row, k]))
            for row, (p, k) in enumerate(zip(crisis, best, strict=True))
        ]

    def _best_sentences(
        self, texts: Sequence[str], reads: Optional[Sequence[bool]] = None
    ) -> List[Optional[float]]:
        """The n-gram regression's highest score over each message's sentences
        (None for a message of fewer than two, or not to be read)."""
        fast = getattr(self, "_fast", None)
        true = list(self.crisis_clf.classes_).index(True)
        coef = self.crisis_clf.coef_[0] * (1 if true else -1)
        intercept = self.crisis_clf.intercept_[0] * (1 if true else -1)
        best: List[Optional[float]] = []
        for i, text in enumerate(texts):
            parts = sentences(text) if reads is None or reads[i] else []
            if not parts:
                best.append(None)
            elif fast is None:
                best.append(float(_true_column(self.crisis_clf, self._features(parts)).max()))
            else:
                # the regression's probability is the logistic of its decision
                top = fast.dots(parts, coef).max() + intercept
                best.append(float(1.0 / (1.0 + np.exp(-top))))
        return best

    def _averaged(self, linear: np.ndarray, read: Optional[np.ndarray], features) -> np.ndarray:
        """The blend before session 33: probabilities averaged, the network on
        the sentence embedding first, then MiniLM's network."""
        crisis = linear
        if self.dense_clf is not None and self.embedder is not None:
            dense = _true_column(self.dense_clf, self._dense_part(features))
            crisis = (1.0 - self.dense_weight) * crisis + self.dense_weight * dense
        if read is not None:
            crisis = (1.0 - self.contextual_weight) * crisis + self.contextual_weight * read
        return crisis

    def score_one(self, text: str) -> RiskScore:
        return self.score([text])[0]

    def __getstate__(self):
        # The embedder (16 MB table) is never pickled: it is reloaded from
        # var/wordllama by whoever unpickles the model.
        state = dict(self.__dict__)
        state["embedder"] = None
        state.pop("_fast", None)  # rebuilt on load, with its caches empty
        state["uses_embeddings"] = self.embedder is not None
        # MiniLM's 90 MB are never pickled either (var/minilm).
        state["contextual"] = None
        state["uses_contextual"] = self.contextual is not None
        return state

    def __setstate__(self, state):
        uses = state.pop("uses_embeddings", False)
        uses_contextual = state.pop("uses_contextual", False)
        state.setdefault("dense_clf", None)
        state.setdefault("dense_weight", 0.0)
        state.setdefault("contextual", None)
        state.setdefault("contextual_clf", None)
        state.setdefault("contextual_weight", 0.0)
        state.setdefault("logit_blend", None)
        self.__dict__.update(state)
        if uses:
            from iopnav import embeddings

            self.embedder = embeddings.load()
        if uses_contextual:
            from iopnav import contextual

            self.contextual = contextual.load()
        self._fast_layout()


def _log_odds(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1.0 - 1e-6)
    return np.log(p / (1.0 - p))


def blend_for(weights: Dict[str, Any], language: Optional[str]) -> Dict[str, Any]:
    """The blend's weights for a message in this language: "es" overrides
    the weights it names for a Spanish message."""
    if language == "es" and weights.get("es"):
        return {**weights, **weights["es"]}
    return weights


def combine_log_odds(
    weights: Dict[str, Any],
    linear: np.ndarray,
    contextual: Optional[np.ndarray],
    texts: Sequence[str],
    best_sentence: Optional[Sequence[Optional[float]]] = None,
    languages: Optional[Sequence[Optional[str]]] = None,
) -> np.ndarray:
    """The crisis probability from the readers' log-odds, weighted and summed
    with the message's length (log of its characters) and a bias. Since
    session 42 also the best sentence's n-gram score (`sentence`, with
    `sentences` added for a message of two or more), so a crisis said once
    in a long calm message is not averaged away; and a Spanish message
    takes the weights under "es", fitted on Spanish alone (MiniLM was
    trained on English: its Spanish reading weighs 0.09, against 0.32 in
    English; docs/safety.md, session 42).

    Why log-odds: an average of probabilities lets a reader that is unsure
    (0.5) pull a sure one (0.99) down as much as a reader that disagrees;
    summed log-odds keep a sure reading sure. Weights fitted by logistic
    regression on the training part's out-of-fold scores (docs/safety.md,
    session 33), where the network on WordLlama's vector alone got a weight
    of 0.03 (left out) and a long message lowered the odds (a long story
    with heavy words is more often told than lived)."""
    rows = [blend_for(weights, languages[i] if languages else None) for i in range(len(texts))]

    def weight(key: str) -> np.ndarray:
        return np.array([float(row.get(key, 0.0)) for row in rows])

    z = weight("linear") * _log_odds(linear) + weight("bias")
    if contextual is not None:
        z = z + weight("contextual") * _log_odds(contextual)
    z = z + weight("length") * np.log1p([len(t) for t in texts])
    if best_sentence is not None:
        has = np.array([b is not None for b in best_sentence], dtype=float)
        best = np.array([0.5 if b is None else b for b in best_sentence])
        z = z + has * (weight("sentence") * _log_odds(best) + weight("sentences"))
    return 1.0 / (1.0 + np.exp(-z))


def _network(size: int, seed: int):
    """The small network that reads one kind of sentence vector."""
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(
        hidden_layer_sizes=(256,),
        alpha=1e-3,
        # held-back tenth to stop on; a tiny set (tests) has none to spare
        early_stopping=size >= 200,
        random_state=seed,
        max_iter=200,
    )


def _true_column(classifier, features) -> np.ndarray:
    return classifier.predict_proba(features)[:, list(classifier.classes_).index(True)]


def _coin(text: str, salt: str = "") -> int:
    """A stable 32-bit number per message (a hash of its normalised text)."""
    digest = hashlib.sha256((salt + " ".join(text.lower().split())).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big")


def is_heldout(text: str, share: float = 0.2) -> bool:
    """A stable coin per message (a hash of its text), so adding data never
    moves a message between the training and held-out parts."""
    return _coin(text) < share * 2**32


def split_heldout(examples: Sequence[Example]) -> "tuple[List[Example], List[Example]]":
    """About 20% of every class goes to the held-out part (stable per message)."""
    train = [e for e in examples if not is_heldout(e.text)]
    heldout = [e for e in examples if is_heldout(e.text)]
    return train, heldout


def default_embedder(enabled: bool = True) -> Optional[object]:
    if not enabled:
        return None
    from iopnav import embeddings

    return embeddings.load()


def fold_of(text: str, folds: int) -> int:
    """A stable fold per message (its own coin, independent of is_heldout's)."""
    return _coin(text, "fold:") % folds


def out_of_fold_scores(
    examples: Sequence[Example],
    always: Sequence[Example] = (),
    folds: int = 5,
    embedder=None,
    **fit_kwargs,
) -> Dict[str, RiskScore]:
    """text -> its score from a model fitted without its fold (`always` are in
    every fit). Scores on the training part that the model did not see, so the
    decision's thresholds can be tuned there, not on the held-out part."""
    scores: Dict[str, RiskScore] = {}
    if fit_kwargs.get("contextual") is not None:
        from iopnav.contextual import Remembering

        fit_kwargs["contextual"] = Remembering(fit_kwargs["contextual"])
    for fold in range(folds):
        left_out = [e for e in examples if fold_of(e.text, folds) == fold]
        kept = [e for e in examples if fold_of(e.text, folds) != fold] + list(always)
        model = RiskModel.fit(kept, embedder, **fit_kwargs)
        texts = [e.text for e in left_out]
        scores.update(zip(texts, model.score(texts), strict=True))
    return scores
