"""Everything the channels send by themselves (stand-ins for a missing
answer, request budgets, bad input, the SMS STOP/START confirmations, the
web page's own errors), in the person's language; the wording, English and
Spanish, is in wording.yml (docs/language.md, "The channels' own texts").

Which language: the message's own (iopnav.nlu.language.detect) when it has
one; else what the caller knows of the person (the widget's Accept-Language,
or by SMS the conversation's last `language` slot); else English.
"""

import re
from pathlib import Path
from typing import Any, Optional

from iopnav.nlu.language import ENGLISH, LANGUAGES, SPANISH, detect
from iopnav.safety import resources, spanish
from iopnav.wording import Wording

WORDING = Wording(Path(__file__).with_name("wording.yml"))
_QUALITY = re.compile(r"\bq\s*=\s*([^\s;,]*)")


def say(
    key: str, language: Optional[str] = None, channel: Optional[str] = None, **values: Any
) -> str:
    """The text of `key` in `language` for `channel`, naming the crisis line
    the way that language reaches it; Spanish by SMS without á í ó ú, which
    would turn the message into UCS-2 (half the characters a segment)."""
    r = resources.load()
    text = WORDING.say(
        key,
        language,
        ways=resources.crisis_ways(r, language, channel),
        emergency=r["emergency_number"],
        **values,
    )
    return spanish.sms_plain(text) if channel == "sms" and language == SPANISH else text


def language_hint(accept_language: Optional[str]) -> Optional[str]:
    """English or Spanish, whichever an Accept-Language header prefers
    ("es-MX,es;q=0.9,en;q=0.8" -> "es"); None if it names neither. The
    widget sends its interface language in it."""
    best, best_quality = None, 0.0
    for part in (accept_language or "").split(","):
        tag, _, parameters = part.partition(";")
        primary = tag.strip().lower().split("-")[0]
        match = _QUALITY.search(parameters)
        try:
            quality = float(match.group(1)) if match else 1.0
        except ValueError:
            continue
        if primary in LANGUAGES and quality > best_quality:
            best, best_quality = primary, quality
    return best


def request_hint(request: Any) -> Optional[str]:
    """language_hint of an HTTP request's Accept-Language; None without a
    request (Sanic may report an error before it has built one)."""
    headers = getattr(request, "headers", None)
    return language_hint(headers.get("accept-language")) if headers is not None else None


def language_for(text: Any, known: Optional[str] = None) -> str:
    """The language to answer `text` in: its own, else `known`, else English."""
    own = detect(text) if isinstance(text, str) and text.strip() else None
    return own or (known if known in LANGUAGES else ENGLISH)
