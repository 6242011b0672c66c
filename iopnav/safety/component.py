"""Rasa NLU component: the safety screen has the last word on `crisis`.

It runs after the intent classifier, the FallbackClassifier and the learned
risk model (risk_component.py), on every user message (inside forms too:
forms only see intents after NLU), and combines three independent readers:
the rule-based screen, the risk model and the intent classifier's `crisis`
vote, so no single mechanism decides alone:

  screen says crisis                     -> crisis
  risk model >= risk_handoff (0.6), no counter-evidence; or >= risk_sure
  (0.99) even with counter-evidence      -> crisis
  risk model >= risk_ask (0.15)         -> express_distress (the question)
  intent classifier's crisis score >= 0.8, no counter-evidence
                                         -> crisis (the ML catches wording the
                                            patterns lack)
  screen says distress (ambiguous)       -> express_distress (one question)
  its crisis score >= 0.6 (its distress vote alone never asks)
                                         -> express_distress: the screening
                                            question, which names 988 too
  screen read only feelings (lonely, crying, numb), no reader sees risk
                                         -> share_feelings (support, below)
  ML leans to risk, but the screen found an idiom / remote history /
  negation / question about services     -> the classifier's next intent
  ML leans to risk or feelings, and no reader sees risk
                                         -> share_feelings: support, 988 as an
                                            option and what an IOP could do,
                                            without the question

The decision and the evidence go into the parse data under "safety" and, for
a crisis, the entities `crisis_category` (why) and `crisis_kind` (which
hand-off), so staff can see why it escalated.
"""

from dataclasses import dataclass, fields
from typing import Any, Dict, FrozenSet, List, Optional, Text, Tuple, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from iopnav.safety.risk_component import RISK_KEY
from iopnav.safety.screen import (
    AMBIGUOUS,
    CRISIS,
    FEELINGS,
    OTHERS_AT_RISK,
    Assessment,
    Suppression,
    default_screen,
)

# The kind of danger picks the hand-off that names the right help
# (crisis_resources.yml). Screen categories map to kinds; the risk model
# names a kind itself, and a confident risk-model kind wins, because the
# screen has no patterns for some kinds (a child in danger).
KIND_OF_SCREEN_CATEGORY = {
    "child_danger": "child",
    "danger_abuse": "abuse",
    "harm_others": "harm_others",
    "overdose_medical": "overdose",
}
DEFAULT_KIND = "suicide"
SURE_KIND = 0.6

CRISIS_INTENT = "crisis"
DISTRESS_INTENT = "express_distress"
# Feelings shared with no sign of danger: asking every sad or stressed person
# whether they want to end their life buried the question (39% of risk-free
# messages on the external dev set got it).
SUPPORT_INTENT = "share_feelings"
RISK_INTENTS = {CRISIS_INTENT, DISTRESS_INTENT}
# Reasons that make an ML crisis vote doubtful: the person used an idiom,
# told remote history, negated the risk, asked about services or media, joked.
COUNTER_EVIDENCE = frozenset(
    {
        Suppression.IDIOM,
        Suppression.HISTORY,
        Suppression.NEGATED,
        Suppression.QUESTION_ABOUT_SERVICES,
        Suppression.MEDIA,
        Suppression.JOKING,
    }
)


@dataclass(frozen=True)
class Guard:
    """A sure reading of the intent classifier that the risk model alone (no
    pattern, no ML crisis vote, below risk_sure) does not overrule: it holds
    off the risk model's screening question, and with `holds_handoff` its
    hand-off too."""

    name: str
    sure: float  # the classifier's top intent at this confidence or more
    intents: Optional[FrozenSet[str]] = None  # is one of these (None: any)...
    excluded: FrozenSet[str] = frozenset()  # ...but not one of these
    max_words: Optional[int] = None  # in a message this short (None: any length)
    holds_handoff: bool = False

    def holds(self, text: Optional[str], ranking: List[Dict[str, Any]]) -> bool:
        if not ranking:
            return False
        if self.max_words is not None and (text is None or len(text.split()) > self.max_words):
            return False
        top = ranking[0].get("name")
        if (self.intents is not None and top not in self.intents) or top in self.excluded:
            return False
        return (ranking[0].get("confidence") or 0.0) >= self.sure


# Short replies after a hand-off or to the screening question ("can I text
# instead", "will they tell my parents", "idk", "yes") and ordinary chat moves
# ("ok that's all for tonight, bye") are far from the risk model's training
# messages and often score high on it (its farewell examples say "tonight"
# and "bye" far more often than its risk-free ones). The dialogue answers
# them in context (data/rules/crisis_mode.yml, safety.yml), their crisis-mode
# replies name the crisis line, and the screen's farewell patterns ("bye
# forever", "goodbye everyone") still hand off.
FOLLOW_UP = Guard(
    "follow_up",
    sure=0.9,
    intents=frozenset(
        {
            "greet",
            "goodbye",
            "thank",
            "ask_text_or_chat",
            "ask_crisis_line_process",
            "ask_crisis_privacy",
            "im_ok_now",
            "express_anger_at_bot",
            "express_unsure",
            "affirm",
            "deny",
        }
    ),
    max_words=8,
    holds_handoff=True,
)
# A middling risk score on a message the classifier reads as an ordinary
# question ("what should I ask the programs I call?"): answer the question.
# 0.5 was chosen on the external dev set's curve: it cost 0.008 of
# hand-off-or-question recall there and kept in-scope questions answered.
# Not for a question the assistant would decline anyway (out of scope, or
# medical advice): a way to injure oneself or to overdose "without anyone
# noticing" lands there, and the question costs such a visitor nothing
# (session 20, on the training part's out-of-fold scores: crises neither
# handed off nor asked 352 -> 314, false questions 9.8% -> 10.9%).
# Nor for a question about reaching crisis help (police, parents, what happens
# on the call, texting): its writer may be the one at risk (session 34: the
# held-out part's crises neither handed off nor asked 42 -> 39, its risk-free
# messages asked 372 -> 389; external unchanged but one crisis more asked).
ORDINARY_QUESTION = Guard(
    "ordinary_question",
    sure=0.5,
    excluded=frozenset(
        RISK_INTENTS
        | {SUPPORT_INTENT, "ask_help_now", "ask_medical_advice", "out_of_scope"}
        | {"ask_crisis_privacy", "ask_crisis_line_process", "ask_text_or_chat"}
    ),
)
# The table of guards decide() reads.
GUARDS = (FOLLOW_UP, ORDINARY_QUESTION)


def is_short_follow_up(text: str, ranking: List[Dict[str, Any]]) -> bool:
    """A short message the intent classifier surely reads as a follow-up."""
    return FOLLOW_UP.holds(text, ranking)


@dataclass(frozen=True)
class Thresholds:
    """Where each reader's score turns into the hand-off or the question."""

    # Chosen on the external dev set's totals and checked against the
    # labelled gate (docs/safety.md): recall first, false alarms held where
    # they were before the risk model came.
    crisis: float = 0.8  # intent classifier's crisis confidence: hand-off
    ask: float = 0.6  # intent classifier's crisis confidence: the question
    # 0.6 since 2026-12-02 (session 9): the model trained with 3,410 more
    # blind messages scores a little lower on crises. 0.55 was measured in
    # session 10 and not taken: the crises it adds already got the question,
    # and it hands off ordinary questions ("how long is the wait"; docs/safety.md).
    # 0.55 since session 13 (2026-12-03), with the embedding network averaged
    # in (risk_model.RiskModel): its scores sit lower on crises (at 0.6 the
    # held-out part's recall fell to 0.910); at 0.5 ordinary questions were
    # handed off ("how many days a week would I need to go?"; docs/safety.md).
    # 0.6 / 0.99 / 0.15 since session 33, when the risk model's readers were
    # combined by log-odds (risk_model.combine_log_odds), whose scores are
    # sharper: chosen on the training part's out-of-fold scores, where 0.6
    # keeps the precision the old blend had at 0.55 (0.909 -> 0.910) for
    # hand-off recall 0.931 -> 0.945, and 0.15 gives hand-off-or-question
    # recall 0.975 -> 0.979 with false questions 13.8% -> 13.2%
    # (docs/safety.md); 0.99 for the sure score, as 0.95 was on the old scale
    # (at 0.98 "goodbye and take care" overruled the follow-up guard).
    # Before: 0.55 and 0.95 since session 13; 0.25 for the question since
    # session 19.
    risk_handoff: float = 0.6  # risk model, no counter-evidence: hand-off
    risk_sure: float = 0.99  # risk model: hand-off even with counter-evidence
    risk_ask: float = 0.15  # risk model: the question


def danger_kind(assessment: Assessment, risk: Optional[Dict[str, Any]]) -> str:
    """suicide | overdose | harm_others | child | abuse, for a crisis turn."""
    if risk and float(risk.get("kind_confidence") or 0.0) >= SURE_KIND and risk.get("kind"):
        return str(risk["kind"])
    return KIND_OF_SCREEN_CATEGORY.get(assessment.category or "", DEFAULT_KIND)


def question_kind(assessment: Assessment) -> str:
    """harm_others | suicide: which screening question a risk turn gets, about
    hurting someone or about ending one's life. It is the turn's crisis_kind,
    so a typed "yes" gets the hand-off for that danger (data/rules/safety.yml).
    Only the screen's reading of anger out of control picks the first: the
    question names that anger, and the risk model's kind of a message it is
    unsure of ("my toddler..." read as harm to others) would not fit it."""
    return "harm_others" if assessment.category in OTHERS_AT_RISK else DEFAULT_KIND


def _intent_scores(ranking: List[Dict[str, Any]]) -> Dict[Optional[str], float]:
    """Intent name -> the classifier's confidence (0.0 when it gave none)."""
    return {r.get("name"): r.get("confidence") or 0.0 for r in ranking}


def decide(
    assessment: Assessment,
    ranking: List[Dict[str, Any]],
    risk: Optional[Dict[str, Any]] = None,
    thresholds: Thresholds = Thresholds(),
    text: Optional[str] = None,
) -> Tuple[Optional[str], str]:
    """Return (intent to force or None to keep the ML's, source of the decision).

    `text` is the message, for the guards that need its length (GUARDS);
    without it only the guards that read the classifier alone apply."""
    if assessment.level == CRISIS:
        # Never doubted by the risk model: a crisis said at the end of a long
        # story scores low on a whole-message model (tried: docs/safety.md).
        return CRISIS_INTENT, "screen"
    risk_score = float((risk or {}).get("crisis") or 0.0)
    scores = _intent_scores(ranking)
    top = ranking[0].get("name") if ranking else None
    doubted = bool(COUNTER_EVIDENCE & set(assessment.suppressed))
    crisis_threshold, ask_threshold = thresholds.crisis, thresholds.ask
    guards = [guard for guard in GUARDS if guard.holds(text, ranking)]
    # The risk model was trained on negations, history, idioms and media
    # questions, so a sure score stands even where a frame doubts the words.
    if risk_score >= thresholds.risk_sure or (
        risk_score >= thresholds.risk_handoff
        and not doubted
        and not any(guard.holds_handoff for guard in guards)
    ):
        return CRISIS_INTENT, "risk_model"
    # The intent classifier is the third reader: since the risk model took
    # over the doubtful cases, it hands off only when it is sure (0.8); a
    # less certain risk vote gets the screening question (it names 988 too).
    ml_crisis = scores.get(CRISIS_INTENT, 0.0) >= crisis_threshold
    if ml_crisis and not doubted:
        return CRISIS_INTENT, "ml"
    if assessment.level == AMBIGUOUS:
        return DISTRESS_INTENT, "screen"
    # A sure reading of the classifier holds off the risk model's question
    # (GUARDS); a score high enough for the hand-off, held off only by doubt,
    # still gets the question unless the message is a short follow-up.
    holding = [g for g in guards if g.holds_handoff or risk_score < thresholds.risk_handoff]
    if risk_score >= thresholds.risk_ask and not holding:
        return DISTRESS_INTENT, "risk_model"
    # The classifier's distress intent alone never asks (its vote reads
    # feelings, not danger: docs/safety.md, session 19); its crisis vote does.
    if scores.get(CRISIS_INTENT, 0.0) >= ask_threshold and not doubted:
        return DISTRESS_INTENT, "ml"
    if assessment.level == FEELINGS and not doubted:
        # Feelings the screen read and no reader sees risk in: support, even
        # where the classifier took the message for something else.
        return SUPPORT_INTENT, "screen"
    if top in RISK_INTENTS and doubted:
        # Counter-evidence overrules the ML's risk vote: use its next guess.
        for entry in ranking:
            if entry.get("name") not in RISK_INTENTS:
                return entry.get("name"), "screen_overrule"
        return "out_of_scope", "screen_overrule"
    if top in RISK_INTENTS:
        # A weak risk vote that no other reader shares: support, not the question.
        return SUPPORT_INTENT, "no_risk_signal"
    return None, "ml"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyScreen(GraphComponent, IntentClassifier):
    """The last NLU component: may replace the intent with crisis or
    express_distress (see the module docstring for the decision)."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """Components that must run before this one: an intent classifier,
        whose crisis vote the screen weighs. Rasa checks only trainable
        components against this; tests/nlu/test_pipeline_order.py checks the
        whole pipeline of every config."""
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        defaults = Thresholds()
        return {
            "crisis_threshold": defaults.crisis,
            "ask_threshold": defaults.ask,
            "risk_handoff": defaults.risk_handoff,
            "risk_sure": defaults.risk_sure,
            "risk_ask": defaults.risk_ask,
        }

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Refuse thresholds that are not probabilities, or out of order for a
        reader: asking is the milder answer to a less certain score, so it
        must start at or below where that reader's hand-off starts."""
        orders = (
            ("ask_threshold", "crisis_threshold"),
            ("risk_ask", "risk_handoff", "risk_sure"),
        )
        for keys in orders:
            values = [config[key] for key in keys]
            if not (0 < values[0] and values == sorted(values) and values[-1] <= 1):
                raise InvalidConfigException(
                    f"SafetyScreen needs 0 < {' <= '.join(keys)} <= 1; got "
                    + ", ".join(f"{k}={v}" for k, v in zip(keys, values, strict=True))
                    + "."
                )

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Checks the config and loads the screen's lexicon."""
        self.config = {**self.get_default_config(), **config}
        self.validate_config(self.config)
        self.screen = default_screen()
        named = {"crisis": "crisis_threshold", "ask": "ask_threshold"}
        self.thresholds = Thresholds(
            **{f.name: float(self.config[named.get(f.name, f.name)]) for f in fields(Thresholds)}
        )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyScreen":
        """Creates the component (see parent class for full docstring)."""
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        """Screens every message and may replace its intent (see parent class)."""
        for message in messages:
            self._screen(message)
        return messages

    def _screen(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        assessment = self.screen.assess(text)
        ranking = list(message.get(INTENT_RANKING_KEY) or [])
        if not ranking and message.get(INTENT):
            ranking = [message.get(INTENT)]
        scores = _intent_scores(ranking)
        ml_vote = {
            "top": ranking[0].get("name") if ranking else None,
            "crisis": round(scores.get(CRISIS_INTENT, 0.0), 3),
            "distress": round(scores.get(DISTRESS_INTENT, 0.0), 3),
        }
        risk = message.get(RISK_KEY)
        forced, source = decide(assessment, ranking, risk, self.thresholds, text)
        if forced is not None:
            _set_intent(message, forced, ranking)
        category = assessment.category if forced == CRISIS_INTENT else None
        if forced == CRISIS_INTENT:
            if not category and source == "risk_model" and risk:
                category = f"risk_{risk.get('kind')}"
            category = category or "ml_detected"
            _set_danger(
                message, text, crisis_category=category, crisis_kind=danger_kind(assessment, risk)
            )
        elif forced == DISTRESS_INTENT:
            # The kind picks the question (domain/crisis.yml) and the hand-off a "yes" gets.
            _set_danger(message, text, crisis_kind=question_kind(assessment))
        message.set(
            "safety",
            {
                **assessment.as_dict(),
                "decision": forced or "keep",
                "source": source,
                "ml": ml_vote,
                "risk": risk,
                "category": category or assessment.category,
            },
            add_to_output=True,
        )


def _set_danger(message: Message, text: str, **values: str) -> None:
    """Replace the message's crisis_category / crisis_kind entities with these."""
    entities = [
        e
        for e in (message.get(ENTITIES) or [])
        if e.get("entity") not in ("crisis_category", "crisis_kind")
    ]
    entities.extend(
        {
            "entity": name,
            "value": value,
            "start": 0,
            "end": len(text),
            "confidence_entity": 1.0,
            "extractor": "SafetyScreen",
        }
        for name, value in values.items()
    )
    message.set(ENTITIES, entities, add_to_output=True)


def _set_intent(message: Message, name: str, ranking: List[Dict[str, Any]]) -> None:
    current = message.get(INTENT) or {}
    if current.get("name") == name:
        return
    others = [r for r in ranking if r.get("name") != name]
    message.set(INTENT, {"name": name, "confidence": 1.0}, add_to_output=True)
    message.set(
        INTENT_RANKING_KEY, [{"name": name, "confidence": 1.0}] + others, add_to_output=True
    )
