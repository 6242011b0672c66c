"""Rasa NLU component: the safety screen has the last word on `crisis`.

It runs after the intent classifier and the FallbackClassifier, on every user
message (inside forms too: forms only see intents after NLU), and combines
the rule-based screen with the ML classifier's `crisis` vote:

  screen says crisis                     -> crisis
  ML crisis score >= 0.5, no counter-evidence
                                         -> crisis (the ML catches wording the
                                            patterns lack)
  ML less sure (>= 0.35)                 -> express_distress: the screening
                                            question, which names 988 too
  ML says crisis, but the screen found an idiom / remote history / negation /
  question about services                -> ambiguous (ask) or the next intent
  screen or ML says distress             -> express_distress (one question)

The decision and the evidence go into the parse data under "safety" and, for
a crisis, an entity `crisis_category`, so staff can see why it escalated.
"""

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from iopnav.safety.screen import AMBIGUOUS, CRISIS, Assessment, default_screen

CRISIS_INTENT = "crisis"
DISTRESS_INTENT = "express_distress"
RISK_INTENTS = {CRISIS_INTENT, DISTRESS_INTENT}
# Reasons that make an ML crisis vote doubtful: the person used an idiom,
# told remote history, negated the risk, or asked about services.
COUNTER_EVIDENCE = {"idiom", "history", "negated", "question_about_services", "media", "joking"}


def decide(
    assessment: Assessment,
    ranking: List[Dict[str, Any]],
    crisis_threshold: float = 0.5,
    ask_threshold: float = 0.35,
) -> Tuple[Optional[str], str]:
    """Return (intent to force or None to keep the ML's, source of the decision)."""
    if assessment.level == CRISIS:
        return CRISIS_INTENT, "screen"
    scores = {r.get("name"): r.get("confidence") or 0.0 for r in ranking}
    top = ranking[0].get("name") if ranking else None
    doubted = bool(COUNTER_EVIDENCE & set(assessment.suppressed))
    # The ML alone hands off when crisis is its likeliest reading (>= 0.5:
    # the lowest threshold that keeps the labelled set's precision well above
    # 0.95, because a missed crisis costs far more than a false alarm); a
    # less certain risk vote gets the screening question (it names 988 too).
    ml_crisis = scores.get(CRISIS_INTENT, 0.0) >= crisis_threshold
    if ml_crisis and not doubted:
        return CRISIS_INTENT, "ml"
    if assessment.level == AMBIGUOUS:
        return DISTRESS_INTENT, "screen"
    ml_distress = (
        top == DISTRESS_INTENT
        or max(scores.get(CRISIS_INTENT, 0.0), scores.get(DISTRESS_INTENT, 0.0)) >= ask_threshold
    )
    if ml_distress and not doubted:
        return DISTRESS_INTENT, "ml"
    if top in RISK_INTENTS:
        # Counter-evidence overrules the ML's risk vote: use its next guess.
        for entry in ranking:
            if entry.get("name") not in RISK_INTENTS:
                return entry.get("name"), "screen_overrule"
        return "out_of_scope", "screen_overrule"
    return None, "ml"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyScreen(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"crisis_threshold": 0.5, "ask_threshold": 0.35}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = {**self.get_default_config(), **config}
        self.screen = default_screen()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyScreen":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._screen(message)
        return messages

    def _screen(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        assessment = self.screen.assess(text)
        ranking = list(message.get(INTENT_RANKING_KEY) or [])
        if not ranking and message.get(INTENT):
            ranking = [message.get(INTENT)]
        scores = {r.get("name"): r.get("confidence") or 0.0 for r in ranking}
        ml_vote = {
            "top": ranking[0].get("name") if ranking else None,
            "crisis": round(scores.get(CRISIS_INTENT, 0.0), 3),
            "distress": round(scores.get(DISTRESS_INTENT, 0.0), 3),
        }
        forced, source = decide(
            assessment, ranking, self.config["crisis_threshold"], self.config["ask_threshold"]
        )
        if forced is not None:
            _set_intent(message, forced, ranking)
        category = assessment.category if forced == CRISIS_INTENT else None
        if forced == CRISIS_INTENT:
            category = category or "ml_detected"
            entities = [
                e for e in (message.get(ENTITIES) or []) if e.get("entity") != "crisis_category"
            ]
            entities.append(
                {
                    "entity": "crisis_category",
                    "value": category,
                    "start": 0,
                    "end": len(text),
                    "confidence_entity": 1.0,
                    "extractor": "SafetyScreen",
                }
            )
            message.set(ENTITIES, entities, add_to_output=True)
        message.set(
            "safety",
            {
                **assessment.as_dict(),
                "decision": forced or "keep",
                "source": source,
                "ml": ml_vote,
                "category": category or assessment.category,
            },
            add_to_output=True,
        )


def _set_intent(message: Message, name: str, ranking: List[Dict[str, Any]]) -> None:
    current = message.get(INTENT) or {}
    if current.get("name") == name:
        return
    others = [r for r in ranking if r.get("name") != name]
    message.set(INTENT, {"name": name, "confidence": 1.0}, add_to_output=True)
    message.set(
        INTENT_RANKING_KEY, [{"name": name, "confidence": 1.0}] + others, add_to_output=True
    )
