"""The views of one sentence that the lexicon's patterns are matched against.

Each sentence is read as: its normalised surface text, its spaCy lemmas
("killed myself" -> "kill myself"), both again without filler words
("i dont really want to be alive" -> "i do not want to be alive") and, when
someone else is quoted, with the third person read as the speaker ("my son
said he wants to die" -> "my son say i want to die"), so that every
first-person pattern also catches reports (the quoting frame).
"""

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Dict, List, Tuple

from iopnav import settings

SPACY_MODEL_DIR = settings.PROJECT_ROOT / "var" / "spacy" / "en_iop"

# Words that add tone, not meaning: dropped in a third view so that
# "i dont really want to be alive" reads as "i do not want to be alive".
_FILLERS = re.compile(
    r"\b(?:really|just|honestly|actually|literally|kinda|kind of|sort"
    r" of|sorta|truly|seriously|lowkey|low key|highkey|ngl|tbh|tbf"
    r"|fr|deadass|totally|basically|simply|fucking|fuckin|freaking|freakin|effing|damn|pretty"
    r" much|genuinely|legit|even|still"
    r"|lol|lmao|idk|tho|though|anymore|any more|a lot|so much|very|so|at this point|right"
    r" now|rn)\b ?"
)
# Spanish may put the pronoun before a verb group ("me voy a matar", "se
# quiere cortar") as well as after the infinitive ("voy a matarme"), the
# order the lexicon writes: the filler-free surface view moves it there.
_PRONOUN_BEFORE = re.compile(
    # reflexive only: the pronoun and the verb's person agree ("me voy a
    # matar"), not an object ("me va a matar": he is going to kill me)
    r"\b(?:(me) ((?:voy|iba) a|quiero|queria|quisiera|pienso|puedo|podria|deberia|debo|tengo que"
    r"|necesito|intento|intente|trate de|trato de|acabo de|estoy pensando en)"
    r"|(se) ((?:va|van|iba|iban) a|quiere|quieren|queria|piensa|puede|tiene que|intento|trato de"
    r"|acaba de|esta pensando en)"
    r"|(te) ((?:vas|ibas) a|quieres|piensas|puedes)|(nos) ((?:vamos|ibamos) a|queremos))"
    r" (\w+?(?:ar|er|ir))\b"
)


def pronoun_after(text: str) -> str:
    """ "me voy a matar" -> "voy a matarme" (Spanish; other text unchanged)."""

    def move(m: re.Match) -> str:
        pronoun, group = next((m.group(i), m.group(i + 1)) for i in (1, 3, 5, 7) if m.group(i))
        return f"{group} {m.group(9)}{pronoun}"

    return _PRONOUN_BEFORE.sub(move, text)


# Someone else's words told by the writer ("my son said he wants to die"):
# read again with the third person as the speaker.
_REPORT_CUE = re.compile(
    r"\b(?:he|she|they|him|her|them|his|their|himself|herself|themselves|themself|hisself)\b"
)
_THIRD_TO_FIRST = {
    "he": "i",
    "she": "i",
    "they": "i",
    "him": "me",
    "them": "me",
    "himself": "myself",
    "herself": "myself",
    "themselves": "myself",
    "themself": "myself",
    "hisself": "myself",
    "his": "my",
    "their": "my",
}
_NOT_A_NOUN = {
    "to",
    "and",
    "with",
    "in",
    "on",
    "at",
    "for",
    "again",
    "so",
    "up",
    "down",
    "out",
    "off",
    "that",
    "the",
    "a",
    "if",
    "when",
    "because",
    "but",
    "or",
    "then",
    "too",
    "badly",
    "hard",
    "really",
    "every",
    "last",
    "tonight",
    "today",
    "yesterday",
    "now",
    "anymore",
    "more",
    "about",
    "into",
    "by",
    "from",
    "over",
    "she",
    "he",
    "they",
    "i",
    "be",
}


def _as_reported(view: str) -> str:
    toks = view.split()
    out = []
    for i, tok in enumerate(toks):
        if tok == "her":
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            out.append("my" if nxt and nxt not in _NOT_A_NOUN else "me")
        else:
            out.append(_THIRD_TO_FIRST.get(tok, tok))
    return " ".join(out)


@lru_cache(maxsize=1)
def _nlp():
    import spacy

    if (SPACY_MODEL_DIR / "meta.json").exists():
        return spacy.load(SPACY_MODEL_DIR)
    # Same recipe as scripts/build_spacy_model.py, built in memory.
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def spacy_lemma_text(text: str) -> str:
    """The lemmas of the whole text, read by spaCy (the reference for lemma_text)."""
    return " ".join(
        t.lemma_.lower() if t.lemma_ else t.lower_ for t in _nlp()(text) if not t.is_space
    )


# spaCy's tokenizer first splits at spaces and the lookup lemmatizer reads one
# token at a time, so a space-separated chunk has the same lemmas alone as in
# any sentence: each chunk goes through spaCy once a process, not once per
# sentence and view (on a 2,000-character message spaCy took a quarter of the
# screen's time). Bounded: a chunk is a word or two, so this stays a few MB.
_CHUNK_LEMMAS: Dict[str, str] = {}
_CHUNK_LEMMAS_MAX = 100_000


def _lemmatise_chunks(chunks: List[str]) -> Dict[str, str]:
    """Each chunk's lemmas, from one spaCy call over all of them."""
    starts, offset = [], 0
    for chunk in chunks:
        starts.append(offset)
        offset += len(chunk) + 1
    lemmas: List[List[str]] = [[] for _ in chunks]
    for t in _nlp()(" ".join(chunks)):
        if not t.is_space:
            lemmas[bisect_right(starts, t.idx) - 1].append(
                t.lemma_.lower() if t.lemma_ else t.lower_
            )
    learned = {chunk: " ".join(words) for chunk, words in zip(chunks, lemmas, strict=True)}
    if len(_CHUNK_LEMMAS) + len(learned) > _CHUNK_LEMMAS_MAX:
        _CHUNK_LEMMAS.clear()
    _CHUNK_LEMMAS.update(learned)
    return learned


def prime_lemmas(texts: List[str]) -> None:
    """Learn the chunks of several texts in one spaCy call (a message's
    sentences: one call a message, not one a sentence; each call costs
    about a quarter of a millisecond before any work)."""
    missing = [c for c in dict.fromkeys(" ".join(texts).split(" ")) if c not in _CHUNK_LEMMAS]
    if missing:
        _lemmatise_chunks(missing)


def lemma_text(text: str) -> str:
    """The text's lemmas, space-joined ("killed myself" -> "kill myself"):
    the same as spacy_lemma_text, chunk by chunk from the cache."""
    chunks = text.split(" ")
    known = _CHUNK_LEMMAS
    missing = [c for c in dict.fromkeys(chunks) if c not in known]
    if not missing:  # the usual case: every chunk read before
        return " ".join(filter(None, map(known.get, chunks)))
    learned = _lemmatise_chunks(missing)
    return " ".join(filter(None, (known.get(c) or learned.get(c, "") for c in chunks)))


@dataclass(frozen=True)
class SentenceViews:
    """A sentence and its lemmas, with the views derived from them."""

    sentence: str
    lemmas: str

    @classmethod
    def of(cls, sentence: str) -> "SentenceViews":
        return cls(sentence, lemma_text(sentence))

    @cached_property
    def _stripped(self) -> Tuple[str, str]:
        surface = pronoun_after(_FILLERS.sub("", self.sentence).strip())
        return _FILLERS.sub("", self.lemmas).strip(), surface

    # Cached: each kind of pattern and the prefilter read them again.
    @cached_property
    def views(self) -> Tuple[str, ...]:
        """Surface, lemmas, and each without fillers when that differs ("" otherwise)."""
        stripped, stripped_surface = self._stripped
        return (
            self.sentence,
            self.lemmas,
            stripped if stripped != self.lemmas else "",
            stripped_surface if stripped_surface != self.sentence else "",
        )

    @cached_property
    def reported(self) -> Tuple[str, ...]:
        """The filler-free views with the third person as the speaker, when
        the sentence speaks of someone else (empty otherwise)."""
        if not _REPORT_CUE.search(self.sentence):
            return ()
        stripped, stripped_surface = self._stripped
        return (_as_reported(stripped_surface), _as_reported(stripped))
