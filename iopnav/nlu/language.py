"""Which language a message is written in: "en", "es", or None when it has
no clear language ("ok", "2", a ZIP code, a city), so the conversation keeps
the language it had.

Two signals, chosen by measurement (docs/language.md):
- common Spanish and English words, accents and ¿ ¡: decides short messages,
  where statistical detectors guess (langid reads "gracias" as English);
- langid.py (its model ships inside the package; nothing is downloaded),
  restricted to English and Spanish, for longer messages the words leave open.
"""

import re
from functools import lru_cache
from typing import Any, Optional

ENGLISH, SPANISH = "en", "es"
LANGUAGES = (ENGLISH, SPANISH)

# Words frequent in one language and rare in the other. Names of places,
# insurers and programs ("Medi-Cal", "San Antonio", "IOP") are in neither,
# and words both languages use ("no", "ok", "program") count for neither.
SPANISH_WORDS = frozenset(
    """
    a al algo alguien algún alguna ayuda ayúdame aceptan acepta adiós aquí así bien buenas
    buenos busco cerca como cómo con consulta cuál cuándo cuánto cuesta cubre de del dice
    dónde donde el él ella ellos en entonces es esa ese esta está estoy este esto gracias
    grupo grupos hablar hay hijo hija hola hora horario la las le lo los mamá más me mi mis
    muchas mucho muy nada necesito noche nos o oye para pero persona poco por porfa
    porque programa programas puede puedo pues que qué quiero se seguro sesiones si sí sin
    son soy su sus también tarde te tengo tiene tienen todo todos tu tú un una uno unos usted
    vez y ya yo favor días mañana semana ahora cuesta llamar mensaje español
    """.split()
)
ENGLISH_WORDS = frozenset(
    """
    a about am an and any are at be bye can could do does for from get give have hello help
    hey hi how i i'm im in is it its it's just me my need near not of on or please pls show
    so than thanks thank that the there they this to too want was we what whats what's when
    where which who why will with would yes you your afternoon evening morning day week
    insurance cost sure talk person find only speaks skip cancel okay
    """.split()
)
# "a" and "me" are words of both: they count for neither.
_SHARED = SPANISH_WORDS & ENGLISH_WORDS
_SPANISH_ONLY = SPANISH_WORDS - _SHARED
_ENGLISH_ONLY = ENGLISH_WORDS - _SHARED
_SPANISH_MARKS = re.compile(r"[ñ¿¡áéíóú]")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")

# Below this many words langid guesses; the words decide, or nothing does.
SHORT = 4
# A lead of this many known words decides a longer message by itself (mixed
# messages: "my mom only speaks español, do you have groups?" is English).
WORD_LEAD = 2
# langid's probability (English vs Spanish only) it must reach to decide.
SURE = 0.9


def word_votes(text: str) -> tuple:
    """(Spanish votes, English votes) from known words and Spanish marks."""
    words = _WORD.findall(text.lower())
    spanish = sum(w in _SPANISH_ONLY for w in words) + len(_SPANISH_MARKS.findall(text.lower()))
    english = sum(w in _ENGLISH_ONLY for w in words)
    return spanish, english


@lru_cache(maxsize=1)
def _langid() -> Any:
    from langid.langid import LanguageIdentifier, model

    identifier = LanguageIdentifier.from_modelstring(model, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect(text: str) -> Optional[str]:
    """ "en", "es", or None when the message has no clear language."""
    words = _WORD.findall(text.lower())
    if not words:
        return None
    spanish, english = word_votes(text)
    by_words = None if spanish == english else (SPANISH if spanish > english else ENGLISH)
    # Short, or a clear lead of one language's words: the words decide.
    if len(words) < SHORT or abs(spanish - english) >= WORD_LEAD:
        return by_words
    language, probability = _langid().classify(text)
    return str(language) if probability >= SURE else by_words
