"""Checks of what a visitor typed into the referral form.

Each check returns (value, problem): a clean value, or a sentence saying what
is wrong in words the visitor can act on. We ask only for what staff need to
call back (no diagnosis, no date of birth, no insurance ID).
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

from email_validator import EmailNotValidError, validate_email
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from iopnav import phones
from iopnav.directory import vocab
from iopnav.directory.models import Program
from iopnav.wording import Wording

Check = Tuple[Optional[str], Optional[str]]
# The problems' wording, English and Spanish.
WORDING = Wording(Path(__file__).with_name("wording.yml"))
say = WORDING.say

ANY_TIME = "any time"
NOT_SURE = "not sure yet"
_NAME_RE = re.compile(r"^[^\W\d_][^\W\d_' .-]*(?:[' .-][^\W\d_]+)*\.?$", re.UNICODE)
_NAME_PREFIX_RE = re.compile(
    r"^(?:(?:my\s+(?:first\s+)?name\s+is|i\s*'?\s*a?m|it\s*'?\s*s|this\s+is|call\s+me|name\s*:"
    r"|me\s+llamo|mi\s+nombre\s+es|soy|nombre\s*:)\s+)",
    re.IGNORECASE,
)
# Words every program name shares; "the IOP" names no program in particular.
_GENERIC_WORDS = {
    "the",
    "a",
    "an",
    "one",
    "program",
    "programs",
    "iop",
    "intensive",
    "outpatient",
    "at",
    "in",
    "that",
    "i",
    "want",
    "like",
    "interested",
    "clinic",
    "center",
    "please",
}
_YES = {
    "yes",
    "y",
    "yeah",
    "yep",
    "ok",
    "okay",
    "sure",
    "i agree",
    "agree",
    "i consent",
    "yes please",
    "true",
    "sí",
    "si",
    "claro",
    "de acuerdo",
    "vale",
    "sí, por favor",
    "si por favor",
}
_NO = {
    "no",
    "n",
    "nope",
    "no thanks",
    "no thank you",
    "don't",
    "do not",
    "i don't agree",
    "false",
    "no gracias",
    "no, gracias",
    "mejor no",
}


def check_first_name(text: Optional[str], language: Optional[str] = None) -> Check:
    """'my name is Ana' -> 'Ana'. Letters, spaces, hyphens and apostrophes;
    at most three words, because a sentence here is almost always a question
    the visitor asked instead of answering."""
    value = _NAME_PREFIX_RE.sub("", (text or "").strip()).strip(" .!")
    if not value:
        return None, say("name_missing", language)
    if len(value) > 50 or len(value.split()) > 3 or not _NAME_RE.match(value):
        return None, say("name_unusable", language)
    return value[:1].upper() + value[1:], None


@dataclass(frozen=True)
class Contact:
    phone: Optional[str] = None  # E.164
    email: Optional[str] = None

    def __str__(self) -> str:
        return self.phone or self.email or ""


def parse_contact(
    text: Optional[str], language: Optional[str] = None
) -> Tuple[Optional[Contact], Optional[str]]:
    """A US phone number (normalised to E.164) or an email address."""
    value = (text or "").strip()
    if not value:
        return None, say("contact_missing", language)
    email_match = re.search(r"\S*@\S*", value)
    if email_match:
        try:
            checked = validate_email(
                email_match.group(0).strip(".,;<>()"), check_deliverability=False
            )
        except EmailNotValidError:
            return None, say("email_unusable", language, email=email_match.group(0))
        return Contact(email=checked.normalized), None
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return None, say("phone_too_short", language)
    number = phones.parse(value)
    if number is None:
        return None, say("phone_unusable", language, phone=value)
    return Contact(phone=phones.e164(number)), None


def check_contact_time(text: Optional[str], language: Optional[str] = None) -> Check:
    """Free text ("weekdays after 5") kept as typed, with the common answers
    tidied so staff can sort by them."""
    value = re.sub(r"\s+", " ", (text or "").strip())
    if not value:
        return None, say("time_missing", language)
    if len(value) > 100:
        return None, say("time_too_long", language)
    lowered = value.lower().strip(".!")
    if lowered in {
        "any",
        "anytime",
        "any time",
        "whenever",
        "doesn't matter",
        "no preference",
        "skip",
        "cuando sea",
        "a cualquier hora",
        "cualquier hora",
        "me da igual",
        "omitir",
    }:
        return ANY_TIME, None
    canonical = vocab.normalise("time_of_day", lowered) if len(lowered.split()) <= 2 else None
    return canonical or value, None


def parse_consent(value, language: Optional[str] = None) -> Tuple[Optional[bool], Optional[str]]:
    """Only an explicit yes is consent; anything unclear is asked again."""
    if isinstance(value, bool):
        return value, None
    text = str(value or "").strip().lower().strip(".!")
    if text in _YES:
        return True, None
    if text in _NO:
        return False, None
    return None, say("consent_unclear", language)


def match_program(session: Session, text: Optional[str]) -> Tuple[Optional[Program], str]:
    """The program the visitor named ("bayview teen" is enough), and the text
    to store. A name matches only when it points at one program clearly;
    anything else is kept as typed for staff to read."""
    value = re.sub(r"\s+", " ", (text or "").strip())[:255]
    if not value or value.lower().strip(".!") in {
        "not sure",
        "skip",
        "any",
        "don't know",
        "dont know",
        "no sé",
        "no se",
        "omitir",
        NOT_SURE,
    }:
        return None, NOT_SURE
    words = [w for w in re.findall(r"[a-z0-9']+", value.lower()) if w not in _GENERIC_WORDS]
    if not words:
        return None, value
    programs = session.execute(select(Program)).scalars().all()
    names = {p.name.lower(): p for p in programs}
    hits = process.extract(" ".join(words), list(names), scorer=fuzz.token_set_ratio, limit=2)
    if hits and hits[0][1] >= 90 and (len(hits) == 1 or hits[0][1] - hits[1][1] >= 10):
        program = names[hits[0][0]]
        return program, program.name
    return None, value
