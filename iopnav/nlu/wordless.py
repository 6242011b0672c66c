"""Messages that hold no word: only punctuation, marks and spaces ("...",
"?!", "- -").

Such a message says nothing the readers can weigh: the intent classifier had
read a few dots as a confident "yes" and the risk model scored "...." 0.38
(the screening question). It is not understood (`nlu_fallback`: the request
to rephrase with a person button, and after the screening question the rules
for an unclear answer), and the risk model leaves it unscored; the pattern
screen still reads it. Emoji and any letter or digit are words here.
"""

import unicodedata

# Punctuation (P*), spaces and separators (Z*), control characters (C*) and
# the ASCII-like math and modifier symbols (Sm: + = < > | ~, Sk: ^ `).
_NO_WORD = ("P", "Z", "C", "Sm", "Sk")


def is_wordless(text: str) -> bool:
    """True for a non-empty message without a letter, digit or emoji."""
    stripped = (text or "").strip()
    return bool(stripped) and all(unicodedata.category(ch).startswith(_NO_WORD) for ch in stripped)
