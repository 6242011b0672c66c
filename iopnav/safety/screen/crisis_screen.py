"""Steps 1-3 put together: normalise, read the frames, apply the rule table,
and say what the message needs (step 4, combining with the learned model,
is component.py)."""

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from iopnav.safety.screen import history, lexicon, speaker
from iopnav.safety.screen.frames import MessageFrames, SentenceFrames
from iopnav.safety.screen.lexicon import Match
from iopnav.safety.screen.normalise import normalise
from iopnav.safety.screen.rules import Outcome, RuleTable, Suppression, default_rules
from iopnav.safety.screen.views import SentenceViews, lemma_text

CRISIS, AMBIGUOUS, NONE = "crisis", "ambiguous", "none"
# Only feelings matched (lexicon category `feelings`): support, not the question.
FEELINGS = "feelings"
# Asked matches about hurting someone else (anger out of control): the
# screening question asks about that, not about ending one's life
# (component.question_kind). Not `harm_others`: its asked matches are mostly
# negated self-harm wording ("he isn't thinking about hurting himself").
OTHERS_AT_RISK = ("losing_control",)

# Most specific first: a third party or a medical emergency changes what
# staff should do, so it names the flag even if a generic term matched too.
CATEGORY_ORDER = (
    "child_danger",
    "overdose_medical",
    "plan_or_means",
    "third_party",
    "danger_abuse",
    "harm_others",
    "self_harm",
    "suicidal_explicit",
    "suicidal_passive",
    "slang",
    "suicide_word",
)


@dataclass
class Assessment:
    level: str
    category: Optional[str] = None
    evidence: List[str] = field(default_factory=list)
    suppressed: List[Suppression] = field(default_factory=list)
    language: str = "en"

    def __post_init__(self) -> None:
        # A reason spelled as a string (tests, stored parse data) must be a known one.
        self.suppressed = [Suppression(reason) for reason in self.suppressed]

    @property
    def is_crisis(self) -> bool:
        return self.level == CRISIS

    def as_dict(self) -> Dict:
        return {
            "level": self.level,
            "category": self.category,
            "evidence": self.evidence,
            "suppressed": [reason.value for reason in self.suppressed],
            "language": self.language,
        }


@dataclass
class Findings:
    """What the rules made of the matches so far."""

    crisis: List[Match] = field(default_factory=list)
    ambiguous: List[Match] = field(default_factory=list)
    suppressed: List[Suppression] = field(default_factory=list)

    def add(self, match: Match, outcome: Outcome, reason: Optional[Suppression]) -> None:
        if outcome is Outcome.CRISIS:
            self.crisis.append(match)
        elif outcome is Outcome.ASK:
            self.ambiguous.append(match)
        if reason is not None:
            self.suppressed.append(reason)


class CrisisScreen:
    """Reads one message; stateless, thread-safe once the lexicon is loaded."""

    def __init__(self, rules: Optional[RuleTable] = None) -> None:
        lexicon.load()
        lemma_text("")  # loads spaCy now, not on the first message
        self.rules = rules or default_rules()

    def assess(self, text: str) -> Assessment:
        message = MessageFrames(normalise(text))
        found = Findings()
        for sentence in message.sentence_frames:
            self._read_sentence(sentence, found)
        self._read_across(message, found)
        speaker.attribute_to_others(found.crisis)
        return _verdict(message, found)

    def _read_sentence(self, sentence: SentenceFrames, found: Findings) -> None:
        for kind in ("strong", "topic"):
            for m in _matches(kind, sentence):
                found.add(m, *self.rules.decide(kind, sentence, m))
        if not found.crisis:
            for m in _matches("ambiguous", sentence):
                found.add(m, *self.rules.decide("ambiguous", sentence, m))
        if sentence.idioms:
            # An idiom doubts the ML's crisis vote even where no pattern matched.
            found.suppressed.append(Suppression.IDIOM)

    def _read_across(self, message: MessageFrames, found: Findings) -> None:
        """Patterns across sentences (means plus intent), then past risk
        coming back, while nothing else is a crisis."""
        whole = message.present_part()
        if not found.crisis and whole and (not message.history or len(message.segments) > 1):
            frames = SentenceFrames(message, SentenceViews.of(whole), is_last=True)
            for m in lexicon.find("message", (whole, frames.lemmas), whole):
                found.add(m, *self.rules.decide("message", frames, m))
        if not found.crisis:
            # Not the words of an idiom ("overdosed on coffee this morning").
            text = message.norm
            for phrase in (p for sentence in message.sentence_frames for p in sentence.idioms):
                text = text.replace(phrase, " ")
            coming_back = history.recurrence(text, message.history)
            if coming_back:
                sure = coming_back.kind == "strong"
                found.add(coming_back, Outcome.CRISIS if sure else Outcome.ASK, None)


def _matches(kind: str, sentence: SentenceFrames) -> List[Match]:
    """Matches in the sentence's views; for strong patterns, also those found
    only when someone else's words are read as the speaker's."""
    views, prefilter = sentence.views, sentence.message.prefilter
    found = lexicon.find(kind, views.views, views.sentence, prefilter=prefilter)
    if kind == "strong" and views.reported:
        seen = {m.pattern for m in found}
        found += [
            m
            for m in lexicon.find(kind, views.reported, views.sentence, True, prefilter)
            if m.pattern not in seen
        ]
    return found


def _verdict(message: MessageFrames, found: Findings) -> Assessment:
    if found.crisis:
        return Assessment(
            CRISIS,
            _category(found.crisis),
            [m.text for m in found.crisis],
            found.suppressed,
            message.language,
        )
    if found.ambiguous:
        feelings_only = all(m.category == FEELINGS for m in found.ambiguous)
        return Assessment(
            FEELINGS if feelings_only else AMBIGUOUS,
            FEELINGS if feelings_only else _ask_category(found.ambiguous),
            [m.text for m in found.ambiguous],
            found.suppressed,
            message.language,
        )
    suppressed = found.suppressed
    if message.history and history.says_stable(message.norm):
        suppressed.append(Suppression.HISTORY)
    return Assessment(NONE, None, [], sorted(set(suppressed)), message.language)


def _ask_category(matches: List[Match]) -> str:
    cats = {m.category for m in matches}
    return next((cat for cat in OTHERS_AT_RISK if cat in cats), "ambiguous_distress")


def _category(matches: List[Match]) -> str:
    cats = {m.category for m in matches}
    return next((cat for cat in CATEGORY_ORDER if cat in cats), matches[0].category)
