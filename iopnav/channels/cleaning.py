"""What every channel does to a visitor's text before Rasa reads it.

Shared by the REST and SMS channels so both treat bad input the same way:
control characters, broken encodings and invisible junk are removed; nothing
readable left means a clear "empty"/"unreadable" answer instead of a crash;
very long messages are shortened, never dropped.

Shortening keeps risk: a long message is cut to its opening, but any part
that the crisis screen finds worrying is kept too, so "...and tonight I'm
going to take all my pills" at the end of a 5,000-character story still
reaches the safety screen and gets the hand-off. The full text (up to
KEEP_CHARS) goes into the message metadata, so staff see what was written.
"""

import asyncio
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from iopnav.channels import texts

MAX_MESSAGE_CHARS = 2000
# Kept for staff in the event metadata, and the most the screen reads; longer
# input is not a person typing, and screening it would stall the server.
KEEP_CHARS = 20000
# Windows the crisis screen reads in the part that is cut off.
_WINDOW_CHARS = 400
# At most this share of the kept text goes to worrying parts of the cut-off tail.
_RISK_BUDGET = MAX_MESSAGE_CHARS // 2
_ELLIPSIS = " [...] "

# Invisible characters that carry no meaning for NLU (zero-width space, BOM,
# replacement character from broken encodings). Zero-width joiners stay:
# emoji sequences need them.
_JUNK = {"\u200b", "\ufeff", "\ufffd", "\u2028", "\u2029"}


class BadInput(Exception):
    """Input that cannot be processed. `code` is what the API answers with;
    text(language) what the sender reads (wording.yml, "bad_input.<key>");
    `said` what they wrote, when there is one, to answer in its language."""

    def __init__(
        self,
        code: str,
        status: int = 400,
        key: Optional[str] = None,
        said: Any = None,
        **values: Any,
    ) -> None:
        self.code = code
        self.status = status
        self.key = key or code
        self.said = said
        self.values = values
        super().__init__(self.message)

    def text(self, language: Optional[str] = None) -> str:
        return texts.say(f"bad_input.{self.key}", language, **self.values)

    @property
    def message(self) -> str:
        return self.text()


@dataclass
class CleanMessage:
    text: str
    metadata: Dict[str, Any] = field(default_factory=dict)
    # Set when the text was shortened: its length before, for the note.
    original_length: Optional[int] = None

    def note(self, channel: Optional[str] = None) -> Optional[str]:
        """A line to show the sender before the answer ("I read only part"),
        in the language of what they wrote."""
        if self.original_length is None:
            return None
        original = self.metadata["iopnav"]["original_text"]
        return texts.say(
            "long_message",
            texts.language_for(original),
            channel,
            length=f"{self.original_length:,}",
            kept=f"{MAX_MESSAGE_CHARS:,}",
        )


def _is_junk(char: str) -> bool:
    if char in "\n\t":
        return False
    if char in _JUNK:
        return True
    # Cc: control characters (binary data); Cs: lone surrogates, which JSON
    # allows ("\ud800") but no database can store as UTF-8.
    return unicodedata.category(char) in ("Cc", "Cs")


def strip_junk(text: str) -> "tuple[str, int]":
    """(text without junk characters, how many were removed)."""
    kept = [c for c in text if not _is_junk(c)]
    cleaned = "".join(kept)
    cleaned = re.sub(r"[ \t]+", " ", cleaned)
    cleaned = re.sub(r"\s*\n\s*", "\n", cleaned)
    return cleaned.strip(), len(text) - len(kept)


def clean_text(raw: Any) -> CleanMessage:
    """The text to give Rasa, or BadInput with a message for the sender."""
    if raw is None:
        raise BadInput("missing_message")
    if not isinstance(raw, str):
        raise BadInput("message_not_text")
    raw = unicodedata.normalize("NFC", raw[:KEEP_CHARS])
    text, removed = strip_junk(raw)
    if removed > max(3, len(raw) * 0.3):
        # Mostly control bytes: a file or binary data sent as text.
        raise BadInput("unreadable_message")
    if not text:
        raise BadInput("empty_message")
    if len(text) <= MAX_MESSAGE_CHARS:
        return CleanMessage(text=text)
    metadata = {"iopnav": {"truncated": True, "original_length": len(text), "original_text": text}}
    return CleanMessage(text=shorten(text), metadata=metadata, original_length=len(text))


def cut_at_word(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.8 else cut).rstrip()


def _windows(text: str, size: int) -> List[str]:
    """Sentence-aligned pieces of about `size` characters."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]
    windows, current = [], ""
    for sentence in sentences:
        for piece in (sentence[i : i + size] for i in range(0, len(sentence), size)):
            if current and len(current) + 1 + len(piece) > size:
                windows.append(current)
                current = piece
            else:
                current = f"{current} {piece}".strip()
    if current:
        windows.append(current)
    return windows


def worrying_parts(text: str) -> List[str]:
    """Pieces of `text` the crisis screen does not rate as safe, most serious first."""
    from iopnav.safety import screen  # loads spaCy: only when a message is long

    rated = []
    for index, window in enumerate(_windows(text, _WINDOW_CHARS)):
        level = screen.assess(window).level
        if level != screen.NONE:
            rated.append((0 if level == screen.CRISIS else 1, index, window))
    rated.sort()
    return [window for _, _, window in rated]


def shorten(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """The opening of `text`, plus any worrying part of what is cut off."""
    head = cut_at_word(text, limit)
    tail = text[len(head) :]
    kept: List[str] = []
    used = 0
    for part in worrying_parts(tail):
        if used + len(part) + len(_ELLIPSIS) > _RISK_BUDGET:
            break
        kept.append(part)
        used += len(part) + len(_ELLIPSIS)
    if not kept:
        return head
    head = cut_at_word(text, limit - used)
    return head + "".join(_ELLIPSIS + part for part in kept)


# Long messages are cleaned one at a time on their own thread: the regex work
# (about 350 ms for 20,000 characters) holds the GIL, so several at once
# would starve the event loop, and a short message (a crisis text) queued
# behind them in a shared pool would wait seconds (tests/faults, M12).
_LONG_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clean-long")


async def clean_text_async(raw: Any) -> CleanMessage:
    """clean_text for an event loop: short texts at once (a few ms), long
    ones queued on the single long-message thread."""
    if not isinstance(raw, str) or len(raw) <= MAX_MESSAGE_CHARS:
        return clean_text(raw)
    return await asyncio.get_running_loop().run_in_executor(_LONG_POOL, clean_text, raw)
