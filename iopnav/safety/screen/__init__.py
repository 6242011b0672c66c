"""The crisis screen: a rule-based reading of one message, independent of the
ML classifier and the learned risk model, so a crisis is caught even when
they are wrong.

assess(text) returns an Assessment with a level:
  "crisis"     hand off to crisis help now;
  "ambiguous"  distress without explicit risk: ask one screening question;
  "feelings"   only feelings without a sign of danger (lonely, numb, crying):
               support, unless another reader sees risk;
  "none"       nothing found, or only idioms, history, negated or
               question-about-services mentions (the `suppressed` reasons say
               which, so the ML's own crisis vote can be overruled with cause).

The screen is four steps, one module each:
  1. normalise.py  one spelling (SMS, masked words, emoji, accents);
                   views.py: each sentence as surface, lemmas, without
                   fillers, and with a quoted third person as the speaker;
  2. frames.py     what surrounds a match: negation (negation.py), history
                   (history.py), who is at risk (speaker.py), questions,
                   media, hypotheticals, loss, idioms, jokes;
  3. rules.py      the rule table, iopnav/safety/rules.yml: which frame
                   overrules which match (lexicon.yml, lexicon.py);
  4. component.py  (outside this package) combines the screen with the
                   learned risk model and the intent classifier.
crisis_screen.py runs steps 1-3. docs/safety.md says how to change them safely.

Limits, on purpose: it reads English and basic Spanish, Portuguese and French;
it matches patterns, so novel phrasing relies on the risk model and the ML
`crisis` intent, which the Rasa component combines with this screen.
"""

from functools import lru_cache

from iopnav.safety.screen.crisis_screen import (
    AMBIGUOUS,
    CRISIS,
    FEELINGS,
    NONE,
    OTHERS_AT_RISK,
    Assessment,
    CrisisScreen,
)
from iopnav.safety.screen.lexicon import Match
from iopnav.safety.screen.normalise import normalise
from iopnav.safety.screen.rules import RuleTableError, Suppression

__all__ = [
    "AMBIGUOUS",
    "CRISIS",
    "FEELINGS",
    "NONE",
    "OTHERS_AT_RISK",
    "Assessment",
    "CrisisScreen",
    "Match",
    "RuleTableError",
    "Suppression",
    "assess",
    "default_screen",
    "normalise",
]


@lru_cache(maxsize=1)
def default_screen() -> CrisisScreen:
    return CrisisScreen()


def assess(text: str) -> Assessment:
    return default_screen().assess(text)
