"""Who is at risk: the writer, or someone the writer speaks of.

A match that names the writer ("kill myself", "i want to die") is never a
question about services, a media mention or a story about others; a match
about "my son" is a third party's crisis, which changes what staff do.
"""

import re
from typing import List

from iopnav.safety.screen.lexicon import Match

_FIRST_PERSON_NOW = re.compile(
    r"\b(?:i am|i be|i feel|i have been|i have be|i keep|i want|i am having|i have|i be have|i"
    r" get|i started|me)\b"
)
_MEDIA_WORK = re.compile(
    r"\b(?:book|novel|movie|film|show|episode|series|song|lyrics|character|essay|article|documenta"
    r"ry|podcast|memoir|play|story"
    r"|paper|report|class|project|lesson|presentation|news|rapper|singer|actor|actress|celebrity|a"
    r"rtist|band|author)\b"
)
_LOOKING_INTO = re.compile(
    r"\b(?:read|reading|research\w*|look|looking|looked|search\w*|google\w*|think|thinking|thought"
    r"|wonder\w*|learn\w*|find|found"
    r"|figure|figured|check|checked|plan|planning|want|wanna|need|going|go|try|trying|keep|keeps)\b"
)
_OTHERS_NAMED = re.compile(
    r"\b(?:he|she|they|him|her|them|his|their|someone|somebody|people|where|who|character|characte"
    r"rs)\b"
    r"|\b(?:my|our|a|the) (?:\w+ )?(?:son|daughter|kid|kids|child|children|teen|teenager|teens|fri"
    r"end|friends|mom|mother|dad|father"
    r"|brother|sister|husband|wife|partner|boyfriend|girlfriend|roommate|cousin|aunt|uncle|nephew|"
    r"niece|client|clients|student|students"
    r"|patient|patients|coworker|family|parents|grandma|grandpa|sponsee|baby)\b"
)
# "is it normal to want to die?", "anyone else feel like ctb?": the writer
# asks about themself without saying "I".
_SELF_IMPLIED = re.compile(
    r"\b(?:is it (?:normal|bad|weird|okay|ok|wrong|crazy|strange) (?:to|that i|if i|for me to)"
    r" (?:not )?(?:want|wanna|feel|think|wish"
    r"|hope|keep|be|have|still|sometimes|always|never)|anyone else"
    r" (?:feel|want|wanna|think|get|have|ever)|am i the only one"
    r"|how do i stop|why do i|something wrong with me"
    r"|es (?:normal|malo|raro|grave) (?:querer|sentir|pensar|desear|tener ganas|no querer)"
    r"|alguien mas (?:siente|quiere|piensa|tiene)|soy (?:el|la) unic[oa]"
    r"|por que (?:yo )?(?:quiero|siento|pienso|no puedo))\b"
)
# A professional writing about a patient or student.
_PROFESSIONAL = re.compile(
    r"\bi (?:am|be|work as) (?:a|an) (?:\w+"
    r" )?(?:nurse|doctor|physician|counselor|therapist|social worker|case manager|teacher|coach"
    r"|paramedic|emt|officer|psychiatrist|psychologist|pharmacist|chaplain|pastor|caseworker|clini"
    r"cian|provider)\b"
    r"|\breferr\w* (?:a|my|our) (?:patient|client|student)"
)
# "me" that only receives words: "she tells me", "texted me".
_ME_AS_LISTENER = re.compile(
    r"\b(?:tell|tells|told|text|texts|texted|message|messaged|ask|asks|asked|send|sent|call|calls|"
    r"called"
    r"|show|showed|let|email|emailed|give|gave) me\b"
)
_SELF_CATEGORIES = {
    "suicidal_explicit",
    "suicidal_passive",
    "plan_or_means",
    "self_harm",
    "slang",
    "suicide_word",
}


def speaks_of_self_now(sentence: str, lemmas: str) -> bool:
    """The writer speaks of themself in the present ("i feel", "i have been",
    "is it normal to want to..."), and not as a professional."""
    return bool(
        _FIRST_PERSON_NOW.search(_ME_AS_LISTENER.sub(" ", lemmas))
        or _FIRST_PERSON_NOW.search(_ME_AS_LISTENER.sub(" ", sentence))
        or _SELF_IMPLIED.search(sentence)
    ) and not _PROFESSIONAL.search(sentence)


def _personal(match_text: str) -> bool:
    """A match that names the writer ("kill myself", "my life") is never a
    question about services, a media mention or a story about others."""
    return bool(
        re.search(r"\b(?:myself|me|my|i|mine)\b", match_text) or _PERSONAL_ES.search(match_text)
    )


# Spanish names the writer in a pronoun joined to the verb ("matarme",
# "cortándome") or in the verb's own first person ("quiero morir").
_PERSONAL_ES = re.compile(
    r"\b(?:yo|\w+(?:arme|erme|irme|andome|iendome)|quiero|quisiera|voy a|estoy|pienso|siento"
    r"|necesito|deseo|mi vida|mi cuerpo)\b"
)


def writer_strict(m: "Match") -> bool:
    """Like writer, but "my son" is not the writer."""
    if m.reported:
        return False
    if re.search(
        r"\b(?:myself|me|i|mine|my (?:own"
        r" )?(?:life|self|body|wrist|wrists|arm|arms|leg|legs|skin|head|throat))\b",
        _ME_AS_LISTENER.sub(" ", m.text),
    ):
        return True
    idx = m.view.find(m.text)
    return "i" in (m.view[:idx].split()[-3:] if idx > 0 else [])


# "that movie made me want to end it all": the writer, as what a cause moves.
_MOVED_ME = re.compile(r"\b(?:make|makes|made|making) me(?: (?:want to|wanna|feel like|just))*$")
# "watched a movie alone, want to end it all": a wish with no subject of its
# own opens the clause (texting drops the "i").
_NO_SUBJECT = re.compile(
    r"(?:^|[,;:]|\b(?:and|but|so|now))\s*(?:(?:just|really|honestly|literally|seriously|so|i)"
    r" )*(?:(?:want|wanna|going|gonna|about|ready|planning|trying|need|have)(?: to)? ?)+$"
)


# "that song 'i want to die' is literally me right now": the writer takes
# the quoted words as their own (session 45).
_ME_TOO = re.compile(
    r"^\W*(?:\S+ ){0,3}?(?:is|be|that is|that be|thats|es) (?:literally |so |lowkey |basically"
    r" |just |honestly |totally )*(?:me|yo)\b|^\W*(?:\S+ ){0,3}?(?:same|mood|me too|relatable"
    r"|yo tambien|igual yo)\b"
)


def moved_writer(m: "Match") -> bool:
    """The writer's own wish beside a film or a song: what it made them want
    ("made me want to end it all"), a wish whose "i" texting dropped, or the
    quoted words taken as their own ("...' is literally me")."""
    idx = m.view.find(m.text)
    if m.reported or idx < 0:
        return False
    lead = m.view[:idx].rstrip()
    after = m.view[idx + len(m.text) :]
    return bool(_MOVED_ME.search(lead) or _NO_SUBJECT.search(lead) or _ME_TOO.search(after))


def writer(m: "Match") -> bool:
    """The writer is the one at risk: the match names them, or "i" governs it
    ("i want to die"). Third persons' words read as the speaker's never do."""
    if m.reported:
        return False
    if _personal(m.text):
        return True
    idx = m.view.find(m.text)
    before = m.view[:idx].split()[-6:] if idx > 0 else []
    # "i have been reading about which pills are lethal": the writer governs
    # the match unless someone else is named in between.
    if "i" not in before:
        return False
    after_i = " ".join(before[len(before) - before[::-1].index("i") :])
    if _OTHERS_NAMED.search(after_i) or _MEDIA_WORK.search(after_i):
        return False
    return len(after_i.split()) <= 2 or bool(_LOOKING_INTO.search(after_i))


def first_person_self(sentence: str) -> bool:
    return bool(re.search(r"\b(?:myself|my life|i want to die)\b", sentence))


def attribute_to_others(crisis: List[Match]) -> None:
    """ "my brother said he doesn't see a future where he's alive": the
    person at risk is someone else, which changes what staff do."""
    for m in crisis:
        if (
            m.category in _SELF_CATEGORIES
            and not writer_strict(m)
            and m.kind != "message"
            and m.pattern != "recurrence"
            and _OTHERS_NAMED.search(m.sentence)
        ):
            m.category = "third_party"
