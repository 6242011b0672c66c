"""Canonical values of the directory's filters and how free text maps to them.

The same vocabulary serves three readers: the CSV importer (staff write
"BCBS" or "telehealth" in a spreadsheet), the search (user values arrive from
NLU entities, sometimes misspelt), and the NLU pipeline, which maps entity
values with it (iopnav/nlu/vocab_mapper.py). This is the one place synonyms
live: data/nlu has no synonym table (tests/nlu/test_synonyms_one_place.py).
Anything we cannot map returns None so callers can say honestly that they do not know the value.
"""

import re
from typing import Dict, Iterable, List, Optional, Tuple

from rapidfuzz import fuzz, process

CONDITIONS = (
    "depression",
    "anxiety",
    "bipolar disorder",
    "PTSD",
    "OCD",
    "eating disorder",
    "substance use",
    "alcohol use",
    "opioid use",
    "ADHD",
    "schizophrenia",
    "grief",
)
# "sliding scale" is not an NLU entity value, but FindTreatment.gov filters on
# it and clinics list it, so the directory keeps it as a payment option.
INSURANCES = (
    "Aetna",
    "Blue Cross Blue Shield",
    "Cigna",
    "UnitedHealthcare",
    "Humana",
    "Kaiser Permanente",
    "Medicaid",
    "Medicare",
    "Tricare",
    "Anthem",
    "Optum",
    "Magellan",
    "Ambetter",
    "Molina",
    "self-pay",
    "sliding scale",
)
AGE_GROUPS = ("teen", "young adult", "adult", "older adult")
PROGRAM_TYPES = ("mental health", "addiction", "dual diagnosis", "eating disorder")
TIMES_OF_DAY = ("morning", "afternoon", "evening")
DELIVERY_MODES = ("in person", "virtual")

# Searching for the umbrella term should find programs that list only a
# specific substance, because that is what a person asking about "substance
# use" would expect.
CONDITION_FAMILIES = {"substance use": ("substance use", "alcohol use", "opioid use")}

# Which kinds of program have a condition as their focus. A program may list
# a condition it is not built around (an eating-disorder IOP lists
# depression); a person who named the condition is better served by the
# programs built for it (search.py ranks by this).
_SUBSTANCE_FOCUS = ("addiction", "dual diagnosis")
_MENTAL_HEALTH_FOCUS = ("mental health", "dual diagnosis")
CONDITION_FOCUS = {
    "eating disorder": ("eating disorder",),
    "substance use": _SUBSTANCE_FOCUS,
    "alcohol use": _SUBSTANCE_FOCUS,
    "opioid use": _SUBSTANCE_FOCUS,
}


def focuses_on(program_type: str, condition: str) -> bool:
    """True when a program of `program_type` is built for `condition`."""
    return program_type in CONDITION_FOCUS.get(condition, _MENTAL_HEALTH_FOCUS)


_SYNONYMS: Dict[str, Dict[str, str]] = {
    "condition": {
        "depressed": "depression",
        "major depression": "depression",
        "mdd": "depression",
        "low mood": "depression",
        "postpartum depression": "depression",
        "anxious": "anxiety",
        "panic": "anxiety",
        "panic attacks": "anxiety",
        "gad": "anxiety",
        "social anxiety": "anxiety",
        "worry": "anxiety",
        "bipolar": "bipolar disorder",
        "manic depression": "bipolar disorder",
        "mania": "bipolar disorder",
        "trauma": "PTSD",
        "post traumatic stress": "PTSD",
        "post-traumatic stress": "PTSD",
        "post traumatic stress disorder": "PTSD",
        "ptsd": "PTSD",
        "ocd": "OCD",
        "obsessive compulsive": "OCD",
        "obsessive compulsive disorder": "OCD",
        "eating disorders": "eating disorder",
        "anorexia": "eating disorder",
        "bulimia": "eating disorder",
        "binge eating": "eating disorder",
        "arfid": "eating disorder",
        "ed": "eating disorder",
        "drugs": "substance use",
        "drug use": "substance use",
        "addiction": "substance use",
        "substance abuse": "substance use",
        "sud": "substance use",
        "substance use disorder": "substance use",
        "meth": "substance use",
        "cocaine": "substance use",
        "marijuana": "substance use",
        # Nicotine is a substance: programs list it under substance use.
        "nicotine": "substance use",
        "vaping": "substance use",
        "vape": "substance use",
        "vapes": "substance use",
        "juul": "substance use",
        "tobacco": "substance use",
        "smoking": "substance use",
        "weed": "substance use",
        "drug": "substance use",
        "drug addiction": "substance use",
        "crack": "substance use",
        "benzos": "substance use",
        "kratom": "substance use",
        "alcohol": "alcohol use",
        "drinking": "alcohol use",
        "alcoholism": "alcohol use",
        "alcohol abuse": "alcohol use",
        "alcohol addiction": "alcohol use",
        "aud": "alcohol use",
        "opioids": "opioid use",
        "opioid": "opioid use",
        "opiates": "opioid use",
        "opiate": "opioid use",
        "pills": "opioid use",
        "pill addiction": "opioid use",
        "opioid addiction": "opioid use",
        "opiate addiction": "opioid use",
        "heroin": "opioid use",
        "fentanyl": "opioid use",
        "painkillers": "opioid use",
        "oxy": "opioid use",
        "oud": "opioid use",
        "opioid use disorder": "opioid use",
        "add": "ADHD",
        "adhd": "ADHD",
        "attention deficit": "ADHD",
        "psychosis": "schizophrenia",
        "schizoaffective": "schizophrenia",
        "loss": "grief",
        "bereavement": "grief",
        "grieving": "grief",
        "greif": "grief",
    },
    "insurance": {
        "bcbs": "Blue Cross Blue Shield",
        "blue cross": "Blue Cross Blue Shield",
        "blue shield": "Blue Cross Blue Shield",
        "bluecross": "Blue Cross Blue Shield",
        "bluecross blueshield": "Blue Cross Blue Shield",
        "florida blue": "Blue Cross Blue Shield",
        "united": "UnitedHealthcare",
        "uhc": "UnitedHealthcare",
        "united health care": "UnitedHealthcare",
        "united healthcare": "UnitedHealthcare",
        "united health": "UnitedHealthcare",
        "kaiser": "Kaiser Permanente",
        "medi-cal": "Medicaid",
        "medi cal": "Medicaid",
        # State Medicaid programs go by their own names.
        "masshealth": "Medicaid",
        "tenncare": "Medicaid",
        "soonercare": "Medicaid",
        "ahcccs": "Medicaid",
        "badgercare": "Medicaid",
        "husky health": "Medicaid",
        "kancare": "Medicaid",
        "healthy michigan plan": "Medicaid",
        "apple health": "Medicaid",
        "oregon health plan": "Medicaid",
        "health first colorado": "Medicaid",
        "healthy louisiana": "Medicaid",
        "healthy indiana plan": "Medicaid",
        "nj familycare": "Medicaid",
        "mainecare": "Medicaid",
        "peachcare": "Medicaid",
        "centennial care": "Medicaid",
        "medicair": "Medicare",
        "humana military": "Tricare",
        "umr": "UnitedHealthcare",
        "highmark": "Blue Cross Blue Shield",
        "carefirst": "Blue Cross Blue Shield",
        "premera": "Blue Cross Blue Shield",
        "regence": "Blue Cross Blue Shield",
        "wellmark": "Blue Cross Blue Shield",
        "excellus": "Blue Cross Blue Shield",
        "atena": "Aetna",
        "signa": "Cigna",
        "kaizer": "Kaiser Permanente",
        "molena": "Molina",
        "tri care": "Tricare",
        "tricare": "Tricare",
        "champus": "Tricare",
        "anthem blue cross": "Anthem",
        "optum behavioral health": "Optum",
        "self pay": "self-pay",
        "selfpay": "self-pay",
        "cash": "self-pay",
        "out of pocket": "self-pay",
        "private pay": "self-pay",
        "no insurance": "self-pay",
        "uninsured": "self-pay",
        "sliding fee": "sliding scale",
        "sliding scale fee": "sliding scale",
    },
    "age_group": {
        "teens": "teen",
        "teenager": "teen",
        "teenagers": "teen",
        "adolescent": "teen",
        "adolescents": "teen",
        "youth": "teen",
        "high school": "teen",
        "high schooler": "teen",
        "adults": "adult",
        "grown up": "adult",
        "young adults": "young adult",
        "college": "young adult",
        "college student": "young adult",
        "older adults": "older adult",
        "senior": "older adult",
        "seniors": "older adult",
        "elderly": "older adult",
        "retiree": "older adult",
    },
    "program_type": {
        "mental": "mental health",
        "psychiatric": "mental health",
        "behavioral health": "mental health",
        "substance use": "addiction",
        "substance abuse": "addiction",
        "sud": "addiction",
        "recovery": "addiction",
        "rehab": "addiction",
        "chemical dependency": "addiction",
        "drug and alcohol": "addiction",
        "drugs and alcohol": "addiction",
        "co-occurring": "dual diagnosis",
        "co occurring": "dual diagnosis",
        "dual": "dual diagnosis",
        "dual-diagnosis": "dual diagnosis",
        "eating disorders": "eating disorder",
        "ed": "eating disorder",
        "anorexia": "eating disorder",
        "bulimia": "eating disorder",
        "binge eating": "eating disorder",
        "dual dx": "dual diagnosis",
    },
    "time_of_day": {
        "mornings": "morning",
        "am": "morning",
        "a.m.": "morning",
        "early": "morning",
        "afternoons": "afternoon",
        "after school": "afternoon",
        "midday": "afternoon",
        "evenings": "evening",
        "night": "evening",
        "nights": "evening",
        "after work": "evening",
        "pm": "evening",
        "p.m.": "evening",
        "nighttime": "evening",
    },
    "delivery_mode": {
        "in-person": "in person",
        "inperson": "in person",
        "onsite": "in person",
        "on site": "in person",
        "face to face": "in person",
        "face-to-face": "in person",
        "office": "in person",
        "telehealth": "virtual",
        "online": "virtual",
        "video": "virtual",
        "remote": "virtual",
        "zoom": "virtual",
        "telemedicine": "virtual",
        "from home": "virtual",
        "teletherapy": "virtual",
        "virtually": "virtual",
    },
}

# Spanish words for the same values (issue 15), as Spanish NLU entities
# arrive ("ansiedad", "adicciones"); fuzzy matching already finds the ones
# that look like the English ("depresión", "salud mental").
_SPANISH_SYNONYMS: Dict[str, Dict[str, str]] = {
    "condition": {
        "ansiedad": "anxiety",
        "ataques de pánico": "anxiety",
        "ataques de panico": "anxiety",
        "trastorno bipolar": "bipolar disorder",
        "trauma": "PTSD",
        "estrés postraumático": "PTSD",
        "estres postraumatico": "PTSD",
        "tept": "PTSD",
        "toc": "OCD",
        "trastorno obsesivo compulsivo": "OCD",
        "trastornos alimentarios": "eating disorder",
        "trastorno alimentario": "eating disorder",
        "trastornos alimenticios": "eating disorder",
        "trastorno alimenticio": "eating disorder",
        "bipolaridad": "bipolar disorder",
        "cristal": "substance use",
        "adicción a pastillas": "opioid use",
        "anorexia": "eating disorder",
        "bulimia": "eating disorder",
        "drogas": "substance use",
        "adicción": "substance use",
        "adiccion": "substance use",
        "consumo de sustancias": "substance use",
        "cocaína": "substance use",
        "cocaina": "substance use",
        "marihuana": "substance use",
        "vapeo": "substance use",
        "vapear": "substance use",
        "nicotina": "substance use",
        "tabaco": "substance use",
        "alcoholismo": "alcohol use",
        "bebida": "alcohol use",
        "opioides": "opioid use",
        "opiáceos": "opioid use",
        "heroína": "opioid use",
        "heroina": "opioid use",
        "fentanilo": "opioid use",
        "tdah": "ADHD",
        "déficit de atención": "ADHD",
        "esquizofrenia": "schizophrenia",
        "psicosis": "schizophrenia",
        "duelo": "grief",
    },
    "age_group": {
        "adolescente": "teen",
        "jóvenes": "young adult",
        "jovenes": "young adult",
        "adultos jóvenes": "young adult",
        "adultos": "adult",
        "adulto": "adult",
        "adultos mayores": "older adult",
        "personas mayores": "older adult",
        "tercera edad": "older adult",
    },
    "program_type": {
        "adicciones": "addiction",
        "adicción": "addiction",
        "adiccion": "addiction",
        "rehabilitación": "addiction",
        "drogas y alcohol": "addiction",
        "trastornos alimentarios": "eating disorder",
        "trastornos de la conducta alimentaria": "eating disorder",
    },
    "time_of_day": {
        "mañana": "morning",
        "mañanas": "morning",
        "por la mañana": "morning",
        "tarde": "afternoon",
        "tardes": "afternoon",
        "por la tarde": "afternoon",
        "noche": "evening",
        "noches": "evening",
        "por la noche": "evening",
        "en la noche": "evening",
        "después del trabajo": "evening",
    },
    "delivery_mode": {
        "en línea": "virtual",
        "en linea": "virtual",
        "por video": "virtual",
        "desde casa": "virtual",
        "presencial": "in person",
    },
}
for _kind, _words in _SPANISH_SYNONYMS.items():
    _SYNONYMS[_kind].update(_words)

CANONICAL: Dict[str, Tuple[str, ...]] = {
    "condition": CONDITIONS,
    "insurance": INSURANCES,
    "age_group": AGE_GROUPS,
    "program_type": PROGRAM_TYPES,
    "time_of_day": TIMES_OF_DAY,
    "delivery_mode": DELIVERY_MODES,
}

# Short names that are safe to spot inside a longer phrase; "add", "ed", "am"
# are ordinary words and only count when they are the whole value.
_SAFE_ACRONYMS = {"ocd", "gad", "sud", "aud", "oud", "mdd", "uhc"}

# Ages in years to the age groups programs advertise (IOPs for children
# under 12 are rare and none is in the sample directory).
_AGE_BANDS = (
    (12, 17, "teen"),
    (18, 25, "young adult"),
    (26, 64, "adult"),
    (65, 120, "older adult"),
)
_AGE_RE = re.compile(r"\b(\d{1,3})\s*(?:-|\s)?\s*(?:years?|yrs?|yo|y/o)?(?:[\s-]*old)?\b")


def _clean(text: str) -> str:
    text = text.lower().strip()
    text = re.sub(r"[\"'’`!?.,;:()]+$", "", text)
    return re.sub(r"\s+", " ", text.strip(" \"'’`"))


def _lookup(kind: str) -> Dict[str, str]:
    table = {value.lower(): value for value in CANONICAL[kind]}
    table.update(_SYNONYMS.get(kind, {}))
    return table


def normalise(kind: str, text: Optional[str]) -> Optional[str]:
    """The canonical value for `text`, or None when we cannot tell.

    Exact names and known synonyms first, then a known name inside a longer
    phrase ("blue cross of texas"), then a close spelling ("aetnna").
    """
    if kind not in CANONICAL:
        raise ValueError(f"unknown filter kind {kind!r}")
    if text is None or not str(text).strip():
        return None
    cleaned = _clean(str(text))
    table = _lookup(kind)
    if cleaned in table:
        return table[cleaned]
    if kind == "age_group":
        by_age = age_group_for_text(cleaned)
        if by_age:
            return by_age
    # Longest known phrase contained as whole words wins ("blue cross blue
    # shield of illinois" is BCBS, not something shorter).
    for phrase in sorted(table, key=len, reverse=True):
        if (len(phrase) >= 4 or phrase in _SAFE_ACRONYMS) and re.search(
            r"(?<![a-z])" + re.escape(phrase) + r"(?![a-z])", cleaned
        ):
            return table[phrase]
    # Short strings are too easy to confuse ("ed" vs "add"), so fuzzy matching
    # starts at four characters.
    if len(cleaned) >= 4:
        choices = [p for p in table if len(p) >= 4]
        best = process.extractOne(cleaned, choices, scorer=fuzz.ratio, score_cutoff=84)
        if best:
            return table[best[0]]
    return None


def age_group_for_age(age: int) -> Optional[str]:
    for low, high, group in _AGE_BANDS:
        if low <= age <= high:
            return group
    return None


# Ages written as words ("our son is sixteen"), as people text them.
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS: Tuple[str, ...] = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen")
_TEENS += ("sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_AGE_WORD_RE = re.compile(
    r"\b(?:(" + "|".join(_TENS) + r")(?:[\s-]+(" + "|".join(_UNITS) + r"))?"
    r"|(" + "|".join(_TEENS) + r"))\b"
)


_DECADE_RE = re.compile(r"\b([2-9])0['’]?s\b")


# The same in Spanish ("setenta y dos años", "diecisiete").
_ES_UNITS = ("uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve")
_ES_TEENS: Tuple[str, ...] = ("diez", "once", "doce", "trece", "catorce", "quince")
_ES_TEENS += ("dieciséis", "diecisiete", "dieciocho", "diecinueve")
_ES_TENS: Tuple[str, ...] = (
    "veinte",
    "treinta",
    "cuarenta",
    "cincuenta",
    "sesenta",
    "setenta",
    "ochenta",
)
_ES_TENS += ("noventa",)
_ES_AGE_RE = re.compile(
    r"\b(?:(" + "|".join(_ES_TENS) + r")(?: y (" + "|".join(_ES_UNITS) + r"))?"
    r"|veinti("
    + "|".join(u.replace("dos", "d[oó]s").replace("tres", "tr[eé]s") for u in _ES_UNITS)
    + r")|("
    + "|".join(_ES_TEENS)
    + r"|dieciseis))\b"
)


def _spanish_age_words_as_digits(text: str) -> str:
    def number(match: "re.Match[str]") -> str:
        if match.group(4):
            return str(
                16 if match.group(4) == "dieciseis" else 10 + _ES_TEENS.index(match.group(4))
            )
        if match.group(3):
            unit = match.group(3).replace("ó", "o").replace("é", "e")
            return str(21 + _ES_UNITS.index(unit))
        units = _ES_UNITS.index(match.group(2)) + 1 if match.group(2) else 0
        return str(20 + 10 * _ES_TENS.index(match.group(1)) + units)

    return _ES_AGE_RE.sub(number, text)


def _age_words_as_digits(text: str) -> str:
    def number(match: "re.Match[str]") -> str:
        if match.group(3):
            return str(10 + _TEENS.index(match.group(3)))
        units = _UNITS.index(match.group(2)) + 1 if match.group(2) else 0
        return str(20 + 10 * _TENS.index(match.group(1)) + units)

    return _spanish_age_words_as_digits(_AGE_WORD_RE.sub(number, text))


def age_group_for_text(text: str) -> Optional[str]:
    """'my 15-year-old', '15 yo', '16', 'sixteen' -> teen. Only plausible ages count."""
    text = _age_words_as_digits(text.lower())
    # "in her 70s" is 70-something: the decade's first year picks the group.
    decade = _DECADE_RE.search(text)
    if decade:
        return age_group_for_age(int(decade.group(1)) * 10)
    match = _AGE_RE.search(text)
    if not match:
        return None
    return age_group_for_age(int(match.group(1)))


# A number said as a person's age in a whole message ("he is 16", "my 15 yo"),
# not a count of something else ("is 16 percent", "16 months").
_SAID_AGE = re.compile(
    r"\b(?:is|he's|she's|they're|i'm|i am|turned|turns|aged?|tiene|tengo)\s+(\d{1,2})\b"
    r"(?!\s*(?:%|percent|por ?ciento|days?|weeks?|months?|hours?|minutes?|miles?|dollars?|"
    r"d[ií]as?|semanas?|meses|horas?|minutos?|millas?|d[oó]lares))"
    r"|\b(\d{1,2})[ -]?(?:yo|y/o|years?[ -]old|year-old|años)\b"
)


def age_group_said(text: str) -> Optional[str]:
    """The age group a whole message names: a number said as an age, or an
    age-group word ("teenagers", "adolescentes"). age_group_for_text reads an
    extracted span, where a bare number is an age."""
    lowered = text.lower()
    said_age = _SAID_AGE.search(lowered)
    if said_age:
        return age_group_for_age(int(said_age.group(1) or said_age.group(2)))
    words = (normalise("age_group", w) for w in re.findall(r"[a-zñ]{4,}", lowered))
    return next((g for g in words if g), None)


# Languages are a free list in the directory ("English|Spanish|Polish"), as
# staff type them; these are the names a visitor may use for them instead.
_LANGUAGE_NAMES = {
    "español": "Spanish",
    "espanol": "Spanish",
    "castellano": "Spanish",
    "hispanohablante": "Spanish",
    "hispanohablantes": "Spanish",
    "inglés": "English",
    "ingles": "English",
}


def language_name(text: str) -> str:
    """ "español" -> "Spanish", "polish" -> "Polish": as the directory lists it."""
    cleaned = text.strip().lower()
    return _LANGUAGE_NAMES.get(cleaned) or cleaned.title()


def normalise_list(kind: str, values: Iterable[str]) -> Tuple[List[str], List[str]]:
    """(canonical values in vocabulary order, values we could not map)."""
    found, unknown = set(), []
    for value in values:
        canonical = normalise(kind, value)
        if canonical:
            found.add(canonical)
        elif value.strip():
            unknown.append(value.strip())
    return [v for v in CANONICAL[kind] if v in found], unknown


def expand_condition(condition: str) -> Tuple[str, ...]:
    return CONDITION_FAMILIES.get(condition, (condition,))
