"""Phone numbers and email addresses masked in lists, so a glance over the
screen (or a shoulder) does not collect contact details. Transcripts show the
full text: opening one is a deliberate, audited act."""

import re
from typing import Optional

MASK = "\u2022" * 3  # •••

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# 7 to 15 digits, optionally with +, spaces, dots, dashes or brackets between:
# phone numbers in the US and E.164 forms, not years or ZIP codes.
PHONE_RE = re.compile(r"(?<![\w+])\+?\(?\d(?:[\s().-]*\d){6,14}(?!\w)")


def mask_email(email: Optional[str]) -> str:
    if not email:
        return ""
    local, _, domain = email.partition("@")
    tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
    return f"{local[:1]}{MASK}@{MASK}.{tld}" if tld else f"{local[:1]}{MASK}@{MASK}"


def mask_phone(phone: Optional[str]) -> str:
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    return f"{MASK}{digits[-2:]}" if len(digits) >= 4 else MASK


def mask_text(text: Optional[str]) -> str:
    """Mask every email address and phone number inside free text."""
    if not text:
        return ""
    text = EMAIL_RE.sub(lambda m: mask_email(m.group(0)), text)
    return PHONE_RE.sub(lambda m: mask_phone(m.group(0)), text)


def mask_identifier(value: Optional[str]) -> str:
    """Sender ids are random for web chats but the phone number for SMS
    (maybe with a channel prefix such as "whatsapp:"). Only a whole phone
    number or address is masked: random ids can contain digit runs."""
    value = value or ""
    prefix, sep, rest = value.partition(":")
    candidate, keep = (rest, prefix + sep) if sep and prefix.isalpha() else (value, "")
    if looks_like_phone(candidate):
        return keep + mask_phone(candidate)
    if EMAIL_RE.fullmatch(candidate.strip()):
        return keep + mask_email(candidate.strip())
    return value


def looks_like_phone(value: str) -> bool:
    return bool(PHONE_RE.fullmatch((value or "").strip()))
