"""Which messages hold no word (iopnav/nlu/wordless.py)."""

import pytest

from iopnav.nlu.wordless import is_wordless


@pytest.mark.parametrize(
    "text", ["...", "\u2026", "?!", "- -", "\u00bf?", "( )", "+", " .\n", "~~"]
)
def test_punctuation_and_marks_alone_hold_no_word(text):
    assert is_wordless(text)


# Emoji, a letter, a digit, a currency sign and an empty message (which the
# classifier leaves unclassified) are not "wordless".
@pytest.mark.parametrize("text", ["\U0001f44d", "k", "1", "$", "\u00f1", "...no", "", "   "])
def test_a_letter_digit_or_emoji_is_a_word(text):
    assert not is_wordless(text)
