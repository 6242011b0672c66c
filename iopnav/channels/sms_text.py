"""How the assistant writes for SMS: buttons as numbered options, replies split
into messages Twilio accepts, carrier keywords, and the fixed texts.

Pure functions (no Rasa, no network), so they are easy to test and reuse.
"""

import re
from typing import Any, Dict, List, Optional

from iopnav import settings
from iopnav.channels import texts
from iopnav.channels.cleaning import cut_at_word
from iopnav.channels.conversation import is_option

# Twilio refuses a message body over 1,600 characters.
MAX_SMS_CHARS = 1600

# Carrier opt-out semantics, as Twilio applies them on long codes and toll-free
# numbers (OPTOUT and REVOKE follow the 2025 FCC revocation rule). Only a
# message that is exactly one keyword counts: "stop, I want to die" is a
# message to read, not an opt-out.
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"}
START_WORDS = {"START", "UNSTOP"}
# "YES" also opts back in on Twilio, but only means that for an opted-out
# number: otherwise it answers a question (e.g. the screening question).
START_WHEN_OPTED_OUT = {"YES"}
HELP_WORDS = {"HELP", "INFO"}

CLINIC_NAME = settings.env("IOP_CLINIC_NAME", "Cedar Grove Behavioral Health")
CLINIC_PHONE = settings.env("IOP_CLINIC_PHONE", "(555) 010-0142")

# Typographic characters outside the GSM-7 alphabet: one of them turns the
# whole SMS into UCS-2, which halves the characters per segment (and doubles
# the segments the hand-off needs).
_GSM_FRIENDLY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2022": "-",
    }
)


def keyword(body: Optional[str]) -> Optional[str]:
    """The carrier keyword a message is exactly (upper case), or None."""
    word = re.sub(r"[\s.!]+$", "", (body or "").strip()).upper()
    if word in STOP_WORDS | START_WORDS | START_WHEN_OPTED_OUT | HELP_WORDS:
        return word
    return None


def chosen_option(text: str, options: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The option a reply like "2", "2." or "#2" picks, or None."""
    match = re.fullmatch(r"\s*#?\s*(\d{1,2})\s*[.)!]?\s*", text)
    if not match:
        return None
    number = int(match.group(1))
    return options[number - 1] if 1 <= number <= len(options) else None


def _options_line(titles: List[str], first_number: int) -> str:
    parts = [
        f"{first_number + i} for {title.strip().rstrip('?.!:')}" for i, title in enumerate(titles)
    ]
    return "Reply " + ", ".join(parts) + "."


def render(messages: List[Dict[str, Any]]) -> str:
    """One SMS text for the bot's messages of a turn, buttons numbered in order
    (the numbering conversation.last_turn_options reads back)."""
    paragraphs: List[str] = []
    number = 1
    for message in messages:
        lines = [message["text"].strip()] if (message.get("text") or "").strip() else []
        for key in ("image", "attachment"):
            if isinstance(message.get(key), str):
                lines.append(message[key])
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("text"), str):
            lines.append(custom["text"])
        buttons = message.get("buttons") or message.get("quick_replies") or []
        choices = [b["title"] for b in buttons if is_option(b)]
        if choices:
            lines.append(_options_line(choices, number))
            number += len(choices)
        lines += [
            f"{b['title']}: {b['url']}" for b in buttons if isinstance(b, dict) and b.get("url")
        ]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def gsm_friendly(text: str) -> str:
    return text.translate(_GSM_FRIENDLY)


def _pieces(text: str, limit: int):
    """(separator, piece) pairs: sentences, or words of an over-long sentence."""
    separator = ""
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            separator = "\n\n"
            continue
        separator = separator or "\n"
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph.strip()):
            while len(sentence) > limit:
                cut = cut_at_word(sentence, limit)
                yield separator, cut
                separator, sentence = " ", sentence[len(cut) :].lstrip()
            if sentence:
                yield separator, sentence
            separator = " "
        separator = ""


def split(text: str, limit: int = MAX_SMS_CHARS) -> List[str]:
    """Messages of at most `limit` characters, split between sentences."""
    chunks: List[str] = []
    current = ""
    for separator, piece in _pieces(text, limit):
        if not current:
            current = piece
        elif len(current) + len(separator) + len(piece) <= limit:
            current += separator + piece
        else:
            chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def help_texts() -> List[str]:
    """The answer to HELP: English, then Spanish, one message each (each fits
    two segments), as the texter's language is not known before it."""
    return [
        texts.say("sms_help", language, "sms", clinic=CLINIC_NAME, clinic_phone=CLINIC_PHONE)
        for language in (texts.ENGLISH, texts.SPANISH)
    ]


def stop_text(language: Optional[str] = None) -> str:
    return texts.say("sms_stop", language, "sms", clinic=CLINIC_NAME)


def start_text(language: Optional[str] = None) -> str:
    return texts.say("sms_start", language, "sms", clinic=CLINIC_NAME)


# The cleaning.BadInput codes a text message can have, plus pictures alone.
BAD_INPUT_CODES = ("missing_message", "empty_message", "unreadable_message", "media_only")


def bad_input_text(code: str, language: Optional[str] = None) -> str:
    """The answer to a text the assistant cannot read, worded for a texter."""
    key = f"sms_bad_input.{code}"
    if key not in texts.WORDING.entries:
        key = f"bad_input.{code}"
    return texts.say(key, language, "sms")


def media_note(language: Optional[str] = None) -> str:
    return texts.say("sms_media_note", language, "sms")


def unavailable_text(language: Optional[str] = None) -> str:
    return texts.say("sms_unavailable", language, "sms")
