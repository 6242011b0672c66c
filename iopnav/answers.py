"""Which answer a knowledge question gets, decided from what was asked and
from the conversation so far (issue 13, item 6).

Kept apart from the action server so the choice can be tested on its own:
a question that names a program gets that program; one about vaping or
nicotine gets the substance-use answer; one about a teen (or a teen age,
"he is 16") gets the teen program; anything else gets the general
paragraph, or a short reference to it when this conversation already had it.
"""

import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence

from rapidfuzz import fuzz

from iopnav.directory import vocab

# Words that say nothing about which program is meant.
_GENERIC_NAME_WORDS = {
    "iop", "program", "programs", "the", "of", "and", "recovery", "teen", "adult",
    "day", "evening", "virtual", "senior", "older", "wellness", "dual", "diagnosis",
    "eating", "health", "mental",
}  # fmt: skip
# Nicotine is substance use to the directory; the answer about it is its own.
_NICOTINE = re.compile(
    r"\b(nicotin\w*|va+p+\w*|vapeo|vapea\w*|juul\w*|e-?cig\w*|cigar\w*|tobacco|tabaco|"
    r"smok\w*|fumar|fuma)\b",
    re.IGNORECASE,
)

# The general paragraph of each question this module shapes (domain responses).
GENERAL = {
    "ask_schedule": "utter_ask_schedule",
    "ask_conditions": "utter_ask_conditions",
    "ask_insurance": "utter_ask_insurance",
    "ask_program_types": "utter_ask_program_types",
    "ask_family": "utter_ask_family",
}
# Questions a teen's age changes the answer to, and questions about vaping.
TEEN_QUESTIONS = {"ask_conditions", "ask_program_types", "ask_family", "ask_schedule"}
NICOTINE_QUESTIONS = {"ask_conditions", "ask_program_types"}


@dataclass(frozen=True)
class Choice:
    """`key`: a domain response (utter_...) or an action-server text
    (actions/prompts.yml); `program`: the program the question named."""

    key: str
    program: Any = None

    @property
    def is_response(self) -> bool:
        return self.key.startswith("utter_")


def _words(text: str) -> List[str]:
    return re.findall(r"[a-záéíóúñü']+", text.lower())


def _distinctive(name: str) -> List[str]:
    return [w for w in _words(name) if w not in _GENERIC_NAME_WORDS and len(w) > 2]


def _said(word: str, said: List[str]) -> bool:
    # Short words only as written ("sound" is not "sounds"); longer ones
    # also misspelt ("bayveiw").
    if len(word) <= 5:
        return word in said
    return any(fuzz.ratio(word, w) >= 85 for w in said)


def named_program(text: str, programs: Iterable[Any], age_group: Optional[str] = None) -> Any:
    """The program a message names ("the bayview progam", "Harbor Path"), or
    None. Misspellings count; when two share a name ("Bayview Teen" and
    "Bayview Adult"), the one with more of its words in the message wins,
    then the one for the age group already known."""
    said = _words(text)
    best, best_score = None, (0, 0)
    for program in programs:
        distinctive = _distinctive(program.name)
        # Every distinctive word must be there ("Live Oak", not just "live").
        if not distinctive or not all(_said(word, said) for word in distinctive):
            continue
        all_words = [w for w in _words(program.name) if len(w) > 2 and w != "iop"]
        hits = sum(_said(n, said) for n in all_words)
        fits_age = int(bool(age_group) and age_group in program.list_of("age_groups"))
        score = (hits, fits_age)
        if score > best_score:
            best, best_score = program, score
    return best


def mentions_nicotine(text: str, entities: Sequence[Dict[str, Any]] = ()) -> bool:
    values = [str(e.get("value") or "") for e in entities if e.get("entity") == "condition"]
    return any(_NICOTINE.search(v) for v in [text, *values])


def age_group_asked(entities: Sequence[Dict[str, Any]], text: str = "") -> Optional[str]:
    """The age group the message itself names ("teenagers", "he is 16")."""
    for entity in entities:
        if entity.get("entity") == "age_group":
            group = vocab.normalise("age_group", str(entity.get("value") or ""))
            if group:
                return group
    # The extractor can miss an age said in passing ("he is 16", "teenagers").
    return vocab.age_group_said(text)


def choose(
    intent: str,
    text: str,
    entities: Sequence[Dict[str, Any]],
    given: Iterable[str],
    programs: Iterable[Any] = (),
    age_group: Optional[str] = None,
) -> Optional[Choice]:
    """The answer to `intent` asked as `text`. `given`: the answers already
    sent in this conversation (response names and prompt keys); `age_group`:
    the one already known from earlier turns. None for an intent not shaped here."""
    if intent not in GENERAL:
        return None
    given = set(given)
    asked_age = age_group_asked(entities, text)
    program = named_program(text, programs, asked_age or age_group)
    if program is not None:
        return Choice("answer_program", program)
    specific = None
    if intent in NICOTINE_QUESTIONS and mentions_nicotine(text, entities):
        specific = "answer_nicotine"
    elif intent in TEEN_QUESTIONS and asked_age == "teen":
        specific = "answer_teen"
    if specific:
        return Choice(specific + "_again" if specific in given else specific)
    general = GENERAL[intent]
    return Choice(f"again_{intent}" if general in given else general)


def answers_given(events: Sequence[Dict[str, Any]]) -> List[str]:
    """Names of the answers sent in this session: domain responses (run by
    the policy, or sent by an action) and action texts marked the same way."""
    start = 0
    for i, event in enumerate(events):
        if event.get("event") == "session_started":
            start = i
    names = []
    for event in events[start:]:
        if event.get("event") == "action" and str(event.get("name", "")).startswith("utter_"):
            names.append(event["name"])
        elif event.get("event") == "bot":
            name = (event.get("metadata") or {}).get("utter_action")
            if name:
                names.append(name)
    return names


SPECIFIC = ("answer_teen", "answer_nicotine", "answer_program")


def specific_answer_this_turn(events: Sequence[Dict[str, Any]]) -> bool:
    """True when, since the latest user message, a specific answer was sent."""
    for event in reversed(events):
        if event.get("event") == "user":
            return False
        name = (event.get("metadata") or {}).get("utter_action") or ""
        if event.get("event") == "bot" and name.startswith(SPECIFIC):
            return True
    return False
