"""A conversation as staff read it: each turn with its time, channel, the
intent and confidence NLU gave it, and the actions the bot took (with the
policy that chose them), so staff can see why the bot answered as it did.
Crisis moments are marked with the screen's evidence, and the crisis
reminder line the channel added to a reply is shown where the visitor saw it."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Dict, List, Optional

from markupsafe import Markup, escape

from iopnav.console.tracker import LISTEN_ACTION, Event
from iopnav.safety.flags import CrisisFlag
from iopnav.safety.session import crisis_reminder

SHOWN_TYPES = ("user", "bot", "action", "session_started")


@dataclass
class Turn:
    kind: str  # user | bot | reminder | action | session
    event_id: int
    time: datetime
    text: str = ""
    channel: str = ""
    intent: str = ""
    confidence: Optional[float] = None
    entities: List[str] = field(default_factory=list)
    action: str = ""
    policy: str = ""
    buttons: List[str] = field(default_factory=list)
    crisis: bool = False
    evidence: List[str] = field(default_factory=list)
    snippets: List[str] = field(default_factory=list)  # the evidence, in the visitor's words
    flag: Optional[CrisisFlag] = None
    correction: Optional[str] = None

    @property
    def html_text(self) -> Markup:
        return highlight(self.text, self.evidence) if self.crisis else escape(self.text)


def _policy_name(policy: Optional[str]) -> str:
    # Rasa stores e.g. "policy_0_RulePolicy"; the class name is what staff need.
    return re.sub(r"^policy_\d+_", "", policy or "")


def flag_key(event: Event) -> str:
    """The key the tracker store used when it recorded a flag for this message."""
    return event.data.get("message_id") or f"ts:{event.data.get('timestamp', event.timestamp)}"


def _entity_labels(parse: dict) -> List[str]:
    labels = [f"{e.get('entity')}={e.get('value')}" for e in parse.get("entities") or []]
    return list(dict.fromkeys(labels))  # several extractors often find the same one


def build(events: List[Event], flags: List[CrisisFlag], corrections: Dict[int, str]) -> List[Turn]:
    by_key = {f.event_key: f for f in flags}
    turns: List[Turn] = []
    for i, ev in enumerate(events):
        when = datetime.fromtimestamp(ev.timestamp or 0, tz=timezone.utc)
        data = ev.data
        if ev.type_name == "user":
            parse = data.get("parse_data") or {}
            intent = parse.get("intent") or {}
            safety = parse.get("safety") or {}
            flag = by_key.get(flag_key(ev))
            crisis = intent.get("name") == "crisis" or flag is not None
            text = data.get("text") or ""
            evidence = list(safety.get("evidence") or []) if crisis else []
            turns.append(
                Turn(
                    "user",
                    ev.id,
                    when,
                    text=text,
                    channel=data.get("input_channel") or "",
                    intent=intent.get("name") or "",
                    confidence=intent.get("confidence"),
                    # Entity guesses from crisis words ("pills" -> opioid use)
                    # would read as clinical facts; staff read the words instead.
                    entities=[] if crisis else _entity_labels(parse),
                    crisis=crisis,
                    evidence=evidence,
                    snippets=evidence_snippets(text, evidence),
                    flag=flag,
                    correction=corrections.get(ev.id),
                )
            )
        elif ev.type_name == "bot":
            extra = data.get("data") or {}
            turns.append(
                Turn(
                    "bot",
                    ev.id,
                    when,
                    text=data.get("text") or "",
                    buttons=[b.get("title", "") for b in extra.get("buttons") or []],
                )
            )
        elif ev.type_name == "action" and data.get("name") != LISTEN_ACTION:
            turns.append(
                Turn(
                    "action",
                    ev.id,
                    when,
                    action=data.get("name") or "",
                    policy=_policy_name(data.get("policy")),
                    confidence=data.get("confidence"),
                )
            )
        elif ev.type_name == "session_started":
            turns.append(Turn("session", ev.id, when))
        turn_end = _end_of_reply(events, i)
        if turn_end is not None:
            reminder = crisis_reminder(e.data for e in events[:turn_end])
            if reminder:
                turns.append(Turn("reminder", ev.id, when, text=reminder))
    return turns


def _end_of_reply(events: List[Event], i: int) -> Optional[int]:
    """If events[i] is the reply's last bot message (where the channel added
    the crisis reminder, see iopnav.channels), the index where the turn ends:
    the channel decided on the reminder with the whole turn stored."""
    if events[i].type_name != "bot":
        return None
    for j in range(i + 1, len(events)):
        if events[j].type_name == "bot":
            return None
        if events[j].type_name == "user":
            return j
    return len(events)


def _phrase_pattern(words: List[str]) -> re.Pattern:
    # The screen reports normalised, lemmatised text ("saving up my pill"), so
    # each word matches by its stem and any punctuation may sit between words.
    parts = [re.escape(w[: max(3, len(w) - 2)]) + r"\w*" for w in words]
    return re.compile(r"\b" + r"\W+".join(parts), re.IGNORECASE)


def evidence_spans(text: str, evidence: List[str]):
    """Where the screen's evidence phrases are in the text, as whole words."""
    spans = []
    for phrase in evidence:
        words = re.findall(r"\w+", phrase or "")
        # "do not want to be alive" vs "dont want to be alive": drop leading
        # words until the rest is found, keeping at least two.
        for start in range(0, max(1, len(words) - 1)):
            match = _phrase_pattern(words[start:]).search(text) if words[start:] else None
            if match:
                spans.append(_whole_words(text, *match.span()))
                break
    merged: List[list] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return merged


def _whole_words(text: str, start: int, end: int):
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def evidence_snippets(text: str, evidence: List[str]) -> List[str]:
    """The evidence as staff should read it: the visitor's own words. The
    screen reports normalised phrases, and an odd one ("want to take me"
    for "want to take them") would mislead; the screen's phrases are shown
    only when none of them can be found in the text."""
    found = [text[s:e] for s, e in evidence_spans(text, evidence)]
    return found or [p for p in evidence if p]


def highlight(text: str, evidence: List[str]) -> Markup:
    out, pos = [], 0
    for s, e in evidence_spans(text, evidence):
        out.append(escape(text[pos:s]))
        out.append(Markup('<mark class="evidence">') + escape(text[s:e]) + Markup("</mark>"))
        pos = e
    out.append(escape(text[pos:]))
    return Markup("").join(out)
