"""Where in a message a US place is named: ZIP codes (also read out as words),
"City, ST 12345", "Fort Wayne, Indiana", state names, counties and city
names the ZIP table knows (iopnav/directory/geo.py).

The CRF learns places from a few hundred examples and misses the ones it
has never seen (most cities); the ZIP table knows them all. What makes a
city name a place here is what makes it one to a reader: a state after it,
a preposition before it ("near", "in"), or a capital letter on a name that
is not also an everyday word or a first name ("Austin", "Mobile").
"""

import re
from typing import List, Optional, Tuple

from iopnav.directory import geo

Span = Tuple[int, int]

_WORD_RE = re.compile(r"[A-Za-zÀ-ÿ]+(?:['’][A-Za-z]+)*")
_ZIP_RE = re.compile(r"(?<![\d-])\d{5}(?:-\d{4})?(?![\d-])")
_DIGIT_WORDS = {
    # Spanish too ("siete ocho siete cero cuatro"); "uno" and "dos" are never
    # five in a row by chance, and the ZIP must exist.
    "cero": "0",
    "uno": "1",
    "dos": "2",
    "tres": "3",
    "cuatro": "4",
    "cinco": "5",
    "seis": "6",
    "siete": "7",
    "ocho": "8",
    "nueve": "9",
    "zero": "0",
    "oh": "0",
    "o": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_DIGIT_WORD = "(?:" + "|".join(sorted(_DIGIT_WORDS, key=len, reverse=True)) + ")"
_SPOKEN_ZIP_RE = re.compile(
    r"\b" + _DIGIT_WORD + r"(?:[\s,-]+" + _DIGIT_WORD + r"){4}\b", re.IGNORECASE
)
_COUNTY_RE = re.compile(r"\b(?:[A-Z][a-z]+\s){1,2}(?:County|Parish)\b")
_LOWER_COUNTY_RE = re.compile(r"\b(?:in|near|around|from)\s+((?:[a-z]+\s){1,2}county)\b")

# Words before a place ("near", "en"); "of" counts after "outside", "north"...
_BEFORE_PLACE = {"in", "near", "around", "from", "to", "by", "at", "outside", "en", "cerca"}
_BEFORE_OF = {"outside", "north", "south", "east", "west", "cerca"}
# City names that are also everyday words or countries: a place only with a
# state after them, or capitalised after a preposition ("in Mobile").
_EVERYDAY = set(
    """apo dpo fpo bend mobile independence orange spring surprise temple reading
    sparks homestead hollywood jupiter summit concord providence meridian victoria
    florence lima rome london vienna athens ontario vancouver jamaica carolina
    columbia sandy laurel sterling normal troy flushing dover midland warren
    wells burns brooks corning wales parcel young kent""".split()
)
# City names that are also first names: a place after a preposition, or with
# a state after them ("my son Austin" is not Austin, TX).
_FIRST_NAMES = set(
    """enid salem hampton franklin lincoln jackson madison monroe lawrence marion
    clifton tyler austin charlotte gary norman bryan carson hamilton henderson
    anderson tracy eugene everett frederick augusta savannah aurora chandler
    gilbert irving richardson shawnee katy camden helena lynn cary bowie butte
    ames york decatur covington cumberland hanover bristol cambridge manchester
    lakewood""".split()
)
# Neighbourhoods and nicknames people use instead of a city.
_AREAS = (
    "nyc",
    "philly",
    "vegas",
    "the bay area",
    "bay area",
    "twin cities",
    "dfw",
    "queens",
    "manhattan",
    "harlem",
    "the bronx",
)
_AREA_RE = re.compile(r"\b(?:" + "|".join(re.escape(a) for a in _AREAS) + r")\b", re.IGNORECASE)
# Two-letter states that are also words ("in", "or", "me"; Spanish "de",
# "la"): only in capitals, or after a city of that state with a comma.
_WORDLIKE_STATES = {"IN", "OR", "ME", "OK", "HI", "ID", "DE", "LA", "PA", "MA", "AL", "CO", "VA"}
# Capitals that mean something else on their own ("OK", "VA" benefits, "OR").
_CAPS_ALONE_NOT_STATES = {"OK", "HI", "ID", "VA", "OR", "ME", "IN", "CO", "DE"}
_STATE_NAMES = sorted((name.lower() for name in geo.STATES.values()), key=len, reverse=True)
_STATE_NAME_RE = re.compile(
    "(?:" + "|".join(re.escape(n) for n in _STATE_NAMES) + r")(?![A-Za-z])", re.IGNORECASE
)
_MAX_CITY_WORDS = 4


def find_places(text: str) -> List[Span]:
    """Character spans of the places named in `text`, longest first where two
    readings overlap, in text order."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]
    found: List[Span] = []
    found += _zips(text)
    found += _spoken_zips(text)
    found += [(m.start(), m.end()) for m in _COUNTY_RE.finditer(text)]
    found += [m.span(1) for m in _LOWER_COUNTY_RE.finditer(text)]
    found += [m.span() for m in _AREA_RE.finditer(text)]
    i = 0
    while i < len(words):
        span, used = _place_at(text, words, i)
        if span:
            found.append(span)
            i += used
        else:
            i += 1
    return _with_trailing_zips(text, _longest(found))


def _zips(text: str) -> List[Span]:
    return [m.span() for m in _ZIP_RE.finditer(text) if geo.zip_info(m.group()[:5])]


def _spoken_zips(text: str) -> List[Span]:
    return [m.span() for m in _SPOKEN_ZIP_RE.finditer(text) if geo.zip_info(place_value(m.group()))]


def place_value(found: str) -> str:
    """What the search is given for a found place: a ZIP read out as words
    becomes its digits ("three three six oh two" -> "33602")."""
    if _SPOKEN_ZIP_RE.fullmatch(found):
        return "".join(_DIGIT_WORDS[w.lower()] for w in re.findall(r"[A-Za-z]+", found))
    return found


def _place_at(text: str, words, i: int) -> Tuple[Optional[Span], int]:
    """The place starting at word i, and how many words it takes."""
    for n in range(min(_MAX_CITY_WORDS, len(words) - i), 0, -1):
        chunk = words[i : i + n]
        if not _joined(text, chunk):
            continue
        name = " ".join(w[2] for w in chunk)
        state = _state_after(text, words, i + n, name)
        if state:
            return (chunk[0][0], state[0]), n + state[1]
        if geo.city_size(name) and _reads_as_city(text, words, i, chunk, name):
            return (chunk[0][0], chunk[-1][1]), n
    state_name = _state_name_at(text, words, i)
    if state_name:
        end, n = state_name
        title = words[i][2][:1].isupper()
        needs_context = words[i][2].lower() in {"washington", "georgia", "virginia"}
        if not needs_context or (title and _after_preposition(words, i)):
            return (words[i][0], end), n
    word = words[i][2]
    if (
        len(word) == 2
        and word.isupper()
        and word in geo.STATES
        and word not in _CAPS_ALONE_NOT_STATES
        and _after_preposition(words, i)
        and not text.isupper()
    ):
        return (words[i][0], words[i][1]), 1
    return None, 1


def _joined(text: str, chunk) -> bool:
    """The words of one name: only spaces, hyphens or "St." between them."""
    return all(
        re.fullmatch(r"\.?[\s-]{1,2}", text[a[1] : b[0]])
        for a, b in zip(chunk, chunk[1:], strict=False)
    )


def _state_after(text: str, words, j: int, city: str) -> Optional[Tuple[int, int]]:
    """(end, words used) of a state right after `city` that has that city."""
    if j >= len(words):
        return None
    gap = text[words[j - 1][1] : words[j][0]]
    if not re.fullmatch(r"\s*,?\s*", gap) or not gap:
        return None
    word = words[j][2]
    if len(word) == 2 and word.upper() in geo.STATES:
        wordlike = word.upper() in _WORDLIKE_STATES and not word.isupper() and "," not in gap
        if not wordlike and geo.city_size(city, word.upper()):
            return words[j][1], 1
    state_name = _state_name_at(text, words, j)
    if state_name and geo.city_size(city, geo.state_code(text[words[j][0] : state_name[0]])):
        return state_name
    return None


def _state_name_at(text: str, words, i: int) -> Optional[Tuple[int, int]]:
    match = _STATE_NAME_RE.match(text, words[i][0])
    if not match:
        return None
    return match.end(), len(match.group().split())


def _reads_as_city(text: str, words, i: int, chunk, name: str) -> bool:
    if geo.city_size(name) < 5:
        return False
    titled = all(w[2][:1].isupper() for w in chunk) and not text.isupper()
    first = chunk[0][2].lower()
    everyday = name.lower() in _EVERYDAY or first in _EVERYDAY
    if _after_preposition(words, i):
        return titled or not everyday
    if everyday or name.lower() in _FIRST_NAMES or first in _FIRST_NAMES:
        return False
    # Without a preposition: a capitalised name, or a big city texted in lower case.
    return titled or geo.city_size(name) >= 20


def _after_preposition(words, i: int) -> bool:
    if i == 0:
        return False
    before = words[i - 1][2].lower()
    if before in _BEFORE_PLACE:
        return True
    return before in {"of", "de"} and i > 1 and words[i - 2][2].lower() in _BEFORE_OF


def _longest(spans: List[Span]) -> List[Span]:
    kept: List[Span] = []
    for span in sorted(set(spans), key=lambda s: (s[0] - s[1], s[0])):
        if not any(span[0] < k[1] and k[0] < span[1] for k in kept):
            kept.append(span)
    return sorted(kept)


def _with_trailing_zips(text: str, spans: List[Span]) -> List[Span]:
    """ "Houston, TX 77002" is one place: a ZIP right after a place joins it."""
    merged: List[Span] = []
    for span in spans:
        if merged and re.fullmatch(r"\s*,?\s*", text[merged[-1][1] : span[0]]):
            if _ZIP_RE.fullmatch(text[span[0] : span[1]]):
                merged[-1] = (merged[-1][0], span[1])
                continue
        merged.append(span)
    return merged
