"""Step 1 of the screen: one spelling for many ways of writing the same words.

SMS spellings and contractions are expanded ("im gonna kms" -> "i am going to
kms"), masked, spaced and stretched risk words recovered ("su!c!de", "k m s",
"dieee"), accents stripped and emoji that name a means turned into words, so
that the patterns (lexicon.yml) and the frames (frames.py) are written once,
for the plain spelling. Also: sentences, and whether a message is Spanish.
"""

import re
import sre_parse
import unicodedata
from functools import lru_cache
from typing import List, Set

from iopnav.safety.screen.lexicon import leading_words, literal_gates, passes

# SMS spellings and contractions, expanded before lemmatising so that
# "im gonna kms", "i dont wanna live" and "I'm not okay" read alike.
_EXPANSION_TABLE = [
    (r"\bi'?m\b", "i am"),
    (r"\bi'?ve\b", "i have"),
    (r"\bi'?ll\b", "i will"),
    (r"\bi'?d\b", "i would"),
    (r"\bwon'?t\b", "will not"),
    (r"\bcan'?t\b", "can not"),
    (r"\bcannot\b", "can not"),
    (r"\bdon'?t\b", "do not"),
    (r"\bdoesn'?t\b", "do not"),
    (r"\bdoes not\b", "do not"),
    (r"\bdidn'?t\b", "did not"),
    (r"\bisn'?t\b", "is not"),
    (r"\baren'?t\b", "are not"),
    (r"\bwasn'?t\b", "was not"),
    (r"\bwouldn'?t\b", "would not"),
    (r"\bshouldn'?t\b", "should not"),
    (r"\bcouldn'?t\b", "could not"),
    (r"\bhaven'?t\b", "have not"),
    (r"\bhasn'?t\b", "has not"),
    (r"\bweren'?t\b", "were not"),
    (r"\bhadn'?t\b", "had not"),
    (r"\bain'?t\b", "am not"),
    (r"\b(tonight|today|tomorrow)'s\b", r"\1 is"),
    (r"\b(he|she|it|that|there)'s been\b", r"\1 has been"),
    (r"\b(he|she|it|that|there|what)'s\b", r"\1 is"),
    (r"\b(you|we|they)'re\b", r"\1 are"),
    (r"\b(he|she|they|you|we|it|that|there)'d\b", r"\1 would"),
    (r"\b(he|she|they|you|we)'ll\b", r"\1 will"),
    (r"\bwanna\b", "want to"),
    (r"\bgonna\b", "going to"),
    (r"\bgotta\b", "got to"),
    (r"\bfinna\b", "going to"),
    (r"\bim+a\b", "i am going to"),
    (r"\btryna\b", "trying to"),
    (r"\bgunna\b", "going to"),
    (r"\babt\b", "about"),
    (r"\bw/o\b", "without"),
    (r"\bw/", "with "),
    (r"\bw(?= (?:life|it|this|that|everything|my|me|him|her|them|a|the)\b)", "with"),
    (r"\b(?:bc|bcuz|bcoz)\b", "because"),
    (r"\b(?:tmrw|tmr|tmrow|2moro|2morrow|tomoro)\b", "tomorrow"),
    (r"\bwant2\b", "want to"),
    (
        r"\b(active|passive|having|my|the|with|have|experiencing|bad|some|of) si\b",
        r"\1 suicidal ideation",
    ),
    (r"\bsui (thoughts?|ideation|urges?|feelings?|vibes)\b", r"suicidal \1"),
    (r"\blemme\b", "let me"),
    (r"\bu\b", "you"),
    (r"\bur\b", "your"),
    (r"\br\b", "are"),
    (r"\brn\b", "right now"),
    (r"\btn\b", "tonight"),
    (r"\b2nite\b", "tonight"),
    (r"\btonite\b", "tonight"),
    (r"\bb4\b", "before"),
    (r"\bcuz\b", "because"),
    (r"\bppl\b", "people"),
    (r"\bsm\b", "so much"),
    (r"\bmy self\b", "myself"),
    (r"\bmyslef\b", "myself"),
    (r"\bmysef\b", "myself"),
    (r"\bmyselff\b", "myself"),
    (r"\bkil\b", "kill"),
    (r"\bkilll\b", "kill"),
    (r"\bsuicidle\b", "suicidal"),
    (r"\bself harm\b", "self-harm"),
    (r"\bselfharm\b", "self-harm"),
    (r"\bo\.?d\.?'?d\b", "odd"),
    (r"\bod'?ing\b", "oding"),
    # SMS spellings seen in crisis texts: "i want 2 die", "thinkin bout killin myself".
    (
        r"\b(want|wanna|going|gonna|how|wish|trying|try|need|ready|about|plan|planning|deserve)"
        r" 2\b",
        r"\1 to",
    ),
    (
        r"\b(kill|think|cutt|dy|try|go|plann|hurt|feel|tak|jump|end|liv|do|noth|someth|hid|burn|sa"
        r"y|talk|text|post"
        r"|drink|us|bleed|breath|shak|want|wish|hop|pray|wait|hang|shoot|sleep|cry|los|stab)in\b",
        r"\1ing",
    ),
    (r"\bbout\b", "about"),
    # Spanish SMS spellings (session 46): "kiero matarme", "xq ya no aguanto".
    (r"\b(?:kiero|kero|qiero)\b", "quiero"),
    (r"\b(?:kieres|keres)\b", "quieres"),
    (r"\b(?:xq|porq)\b", "porque"),
    (r"\blyfe\b", "life"),
    (r"\bded\b", "dead"),
    (r"\b(to|wanna|gonna|gunna|will|i) dye\b", r"\1 die"),
    (r"\bs/h\b", "self-harm"),
    (r"\b(to|might|will|may|could|would|did|and|i|not|urge to) sh\b(?!-)", r"\1 self-harm"),
    (r"\b(an?|no|my|the|of|on|with|into) sh\b(?!-)", r"\1 self-harm"),
    (r"\bsh (relapse|urges?|scars?|again|thoughts?|cravings?|wounds?)\b", r"self-harm \1"),
    (r"\bsh'(?:d|ed)\b", "self-harmed"),
    (r"\bsh'?ing\b", "self-harming"),
    (r"\b([a-z])\.([a-z])\.([a-z])\.?(?=\s|$)", r"\1\2\3"),
]


def _expansion(pattern: str, replacement: str) -> tuple:
    """The regex, the replacement as `re.sub` reads it (once, not every
    match), every group of literals a match needs one of ("'d" as well as
    "he", "she"...) and, when it opens with a whole word, the words it can
    open with: most expansions are skipped by substring and set tests,
    without scanning the text with their regex (a long message has "i" and
    "m", rarely "im")."""
    rx = re.compile(pattern)
    return (
        rx,
        sre_parse.parse_template(replacement, rx),
        literal_gates(pattern),
        leading_words(pattern),
    )


_EXPANSIONS = [_expansion(p, r) for p, r in _EXPANSION_TABLE]
_WORDS = re.compile(r"\w+")
_IS_WORD_CHAR = re.compile(r"\w").match

# Emoji that name a means; "su!c!de", "k1ll", "s*icide", "k m s" read as words.
_EMOJI = {
    "\U0001f52b": " gun ",
    "\U0001f52a": " knife ",
    "\U0001fa78": " blood ",
    "\U0001f48a": " pills ",
    "\U0001faa2": " rope ",
    "\u26b0": " coffin ",
    "\U0001faa6": " grave ",
}
# Each with the characters one of which it replaces: most texts have none of
# them, and a substring test is cheaper than scanning with the regex.
_LEET = [
    (re.compile(r"(?<=[a-z])[!1|](?=[a-z])"), "i", "!1|"),
    (re.compile(r"(?<=[a-z])3(?=[a-z])"), "e", "3"),
    (re.compile(r"(?<=[a-z])0(?=[a-z])"), "o", "0"),
    (re.compile(r"(?<=[a-z])@(?=[a-z])"), "a", "@"),
    (re.compile(r"(?<=[a-z])\$(?=[a-z])"), "s", "$"),
    (re.compile(r"(?<![\w$])\$(?=[a-z]{3})"), "s", "$"),
]
# Risk words that people mask or spell out; a masked or spaced token that can
# only be one of these is read as that word.
_RECOVERABLE = (
    "suicide",
    "suicidal",
    "kill",
    "killing",
    "myself",
    "die",
    "dying",
    "dead",
    "death",
    "cut",
    "cutting",
    "overdose",
    "unalive",
    "kms",
    "kys",
    "ctb",
    "self",
    "harm",
    "hang",
    "noose",
)
_MASKED = re.compile(r"\b[a-z]*\*+[a-z*]*\b|\b[a-z]+\*+")
_SPACED = re.compile(r"\b(?:[a-z] ){2,}[a-z]\b")


def _unmask(token: str) -> str:
    rx = re.compile(
        "".join("[a-z]{1,3}" if c == "*" else re.escape(c) for c in re.sub(r"\*+", "*", token))
        + "$"
    )
    hits = [w for w in _RECOVERABLE if rx.match(w)]
    return hits[0] if len(hits) == 1 else token


def _collapse(word: str) -> str:
    return re.sub(r"([a-z])\1+", r"\1", word)


_BY_COLLAPSED = {_collapse(w): w for w in _RECOVERABLE}
_DOUBLED = re.compile(r"\b[a-z]*([a-z])\1[a-z]*\b")


def _undouble(m: "re.Match") -> str:
    return _undouble_word(m.group(0))


@lru_cache(maxsize=20_000)
def _undouble_word(word: str) -> str:
    """ "dieee", "killll", "deadd": a stretched risk word reads as the word
    (cached: "feel", "too", "all" come in almost every message)."""
    return _BY_COLLAPSED.get(_collapse(word), word) if word not in _BY_COLLAPSED.values() else word


def _unspace(run: str) -> str:
    joined = run.replace(" ", "")
    return joined if joined in _RECOVERABLE else run


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    # Clinical shorthand "SI" (upper case, in an English clause; "SI, GRACIAS" stays Spanish).
    text = re.sub(
        r"\bSI(?= (?:is|was|has|thoughts?|again|today|tonight|lately|getting|and|with|since|every)"
        r"\b)",
        "suicidal ideation",
        text,
    )
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = text.lower()
    if not text.isascii():  # ASCII has no accents to strip
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    for emoji, word in _EMOJI.items():
        if emoji in text:
            text = text.replace(emoji, word)
    for rx, repl, chars in _LEET:
        if any(c in text for c in chars):
            text = rx.sub(repl, text)
    if "*" in text:
        text = _MASKED.sub(lambda m: _unmask(m.group(0)), text)
    text = _SPACED.sub(lambda m: _unspace(m.group(0)), text)
    text = re.sub(r"(\w)\1{2,}", r"\1\1", text)  # "soooo" -> "soo"
    text = _DOUBLED.sub(_undouble, text)
    text = _expand(text)
    return re.sub(r"\s+", " ", text).strip()


def _expand(text: str) -> str:
    """The SMS spellings and contractions, one after the other."""
    words = set(_WORDS.findall(text))
    for pattern, template, gates, leading in _EXPANSIONS:
        if not passes(gates, text):
            continue
        if leading is not None and not any(w in words and lit in text for lit, w in leading):
            continue
        text = _substitute(pattern, template, text, words)
    return text


def _substitute(pattern: "re.Pattern", template, text: str, words: Set[str]) -> str:
    """pattern.sub(replacement, text), adding to `words` the words around each
    replacement: `words` keeps every word of the text (and perhaps some it
    lost, which only costs a search) without reading the whole text again."""
    spans = []

    def replace(m: "re.Match") -> str:
        new = sre_parse.expand_template(template, m)  # what re.sub inserts
        spans.append((m.start(), m.end(), len(new)))
        return new

    out = pattern.sub(replace, text)
    shift = 0
    for start, end, size in spans:
        a, b = start + shift, start + shift + size
        shift += size - (end - start)
        while a > 0 and _IS_WORD_CHAR(out[a - 1]):
            a -= 1
        while b < len(out) and _IS_WORD_CHAR(out[b]):
            b += 1
        words.update(_WORDS.findall(out, a, b))
    return out


def split_sentences(text: str) -> List[str]:
    plus = "" if re.search(r"\bne\b|\bn'", text) else "|plus"  # French "ne ... plus" is "no longer"
    parts = re.split(
        r"[.!?;\n]+|\s+(?:also|btw|and also|anyway" + plus + r")\s+|,\s*but\s+|\s+but\s+", text
    )
    return [p.strip(" ,") for p in parts if p and p.strip(" ,")]


def is_spanish(text: str) -> bool:
    words = set(re.findall(r"[a-z]+", text))
    return len(
        words
        & {
            "quiero",
            "no",
            "me",
            "mi",
            "que",
            "de",
            "la",
            "el",
            "vivir",
            "morir",
            "estoy",
            "ya",
            "se",
            "por",
            "para",
            "hijo",
            "hija",
            "tengo",
            "puedo",
        }
    ) >= 3 or bool(
        re.search(r"\b(?:quiero|morirme|matarme|suicid|vivir|estoy|ayuda|hijo|hija)\b", text)
        and not re.search(r"\b(?:the|and|you|i|is|are|do|what)\b", text)
    )
