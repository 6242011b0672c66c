"""How the assistant writes for SMS: buttons as numbered options, replies split
into messages Twilio accepts, carrier keywords, and the fixed texts.

Pure functions (no Rasa, no network), so they are easy to test and reuse.
"""

import re
from typing import Any, Dict, List, Optional

from iopnav import settings
from iopnav.channels.cleaning import cut_at_word
from iopnav.channels.conversation import is_option
from iopnav.channels.standins import stand_in
from iopnav.safety import resources

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


def _lines() -> Dict[str, str]:
    r = resources.load()
    return {"crisis": r["crisis_line"]["call"], "emergency": r["emergency_number"]}


def help_text() -> str:
    n = _lines()
    return (
        f"{CLINIC_NAME}: I answer questions about our outpatient programs. Staff: {CLINIC_PHONE}. "
        f"In crisis, call or text {n['crisis']}. Emergency: call {n['emergency']}. "
        "Reply STOP to opt out. Msg & data rates may apply."
    )


def help_text_spanish() -> str:
    """HELP in Spanish (the keywords stay the English ones carriers act on);
    no accents outside GSM-7, like the Spanish SMS hand-offs."""
    n, ways = _lines(), resources.crisis_ways(resources.load(), "es", "sms")
    return (
        f"{CLINIC_NAME}: respondo preguntas sobre nuestros programas. Personal: {CLINIC_PHONE}. "
        f"En crisis, {ways}. Emergencias: llama al {n['emergency']}. "
        "Responde STOP para darte de baja. Pueden aplicarse tarifas de mensajes y datos."
    )


def help_texts() -> List[str]:
    """The answer to HELP: English, then Spanish, one message each (each fits
    two segments), as the texter's language is not known before it."""
    return [help_text(), help_text_spanish()]


def stop_text() -> str:
    n = _lines()
    return (
        f"You're unsubscribed from {CLINIC_NAME} texts and will get no more messages. "
        f"Reply START to resubscribe. In crisis, call or text {n['crisis']}; emergency"
        f" {n['emergency']}."
    )


def start_text() -> str:
    return (
        f"You're subscribed to {CLINIC_NAME} texts again. Ask me anything about our programs."
        f" Reply HELP for help, STOP to opt out."
    )


# Answers to messages the assistant cannot read (cleaning.BadInput codes).
BAD_INPUT_TEXTS = {
    "missing_message": "I didn't get any text. Please type your question.",
    "empty_message": "I didn't get any text. Please type your question.",
    "unreadable_message": "I couldn't read that message. Please type your question in words.",
    "media_only": "I can only read text, not pictures or files. Please type your question.",
}
MEDIA_NOTE = "I can't open pictures or files, so I read only your text."


def unavailable_text(language: Optional[str] = None) -> str:
    return stand_in("sms_unavailable", language, "sms")
