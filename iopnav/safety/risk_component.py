"""Rasa NLU component: the learned risk model (risk_model.py) inside the pipeline.

It trains from its own blind-written data (iopnav/safety/risk_data/train.yml),
not from data/nlu, and stores the fitted model in the Rasa model archive, so
the Rasa server needs nothing else at run time but the WordLlama files that
`make install` unpacks. `fingerprint_addon` hashes the data file: Rasa's
training cache would otherwise keep a stale model when only the data changed.

Each message gets `risk` in its parse data ({"crisis", "kind",
"kind_confidence"}); SafetyScreen (component.py), later in the pipeline,
combines it with the pattern screen and the intent classifier.
"""

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from iopnav import settings
from iopnav.nlu import storage
from iopnav.nlu.language_component import ENTITY as LANGUAGE
from iopnav.nlu.wordless import is_wordless
from iopnav.safety import risk_model

logger = logging.getLogger(__name__)

MODEL_FILE = "risk_model.pkl"
# NLU intents that carry risk; every other intent's examples are risk-free.
RISK_INTENTS = {"crisis", "express_distress", "ask_help_now"}
RISK_KEY = "risk"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class RiskModelComponent(GraphComponent):
    """Scores every message for crisis risk and its kind of danger."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Data file (relative to the project), features and regularisation."""
        return {
            "train_file": "iopnav/safety/risk_data/train.yml",
            "use_embeddings": True,
            "embedding_weight": 1.0,
            "C": 16.0,
            # Share of the network on the sentence embedding in the score
            # (risk_model.RiskModel); 0 turns it off (since session 33: its
            # weight in the log-odds blend was 0.03).
            "dense_weight": 0.0,
            # Share of the network on MiniLM's contextual vectors (the intent
            # classifier's encoder, iopnav/contextual.py), and the tokens it
            # trains on; 0 turns it off.
            "contextual_weight": 0.3,
            "contextual_tokens": 64,
            # The readers' log-odds summed (risk_model.combine_log_odds)
            # with the best sentence's n-gram score, weights fitted per
            # language on the training part's out-of-fold scores
            # (docs/safety.md, sessions 33 and 42); empty: probabilities
            # averaged.
            "logit_blend": {
                "linear": 0.6,
                "contextual": 0.32,
                "length": -0.45,
                "sentence": 0.27,
                "sentences": -0.43,
                "bias": 2.29,
                "es": {
                    "linear": 1.06,
                    "contextual": 0.09,
                    "length": -0.48,
                    "sentence": 0.2,
                    "sentences": -1.01,
                    "bias": 2.71,
                },
            },
        }

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Retrain when the risk data changes (Rasa cannot see that file)."""
        merged = {**cls.get_default_config(), **config}
        return risk_model.data_fingerprint([_project_path(merged["train_file"])])

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[risk_model.RiskModel] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self.model_storage = model_storage
        self.resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RiskModelComponent":
        """See parent class."""
        return cls(config, model_storage, resource)

    @staticmethod
    def fit_settings(config: Dict[str, Any]) -> Dict[str, Any]:
        """RiskModel.fit's arguments (but the embedder) from the component's
        settings: training here, out-of-fold scores in scripts/replay_safety.py."""
        from iopnav import contextual

        weight = config["contextual_weight"]
        return {
            "C": config["C"],
            "embedding_weight": config["embedding_weight"],
            "dense_weight": config["dense_weight"],
            "contextual": contextual.load() if weight else None,
            "contextual_weight": weight,
            "contextual_tokens": config["contextual_tokens"],
            "logit_blend": dict(config["logit_blend"]) or None,
        }

    @staticmethod
    def in_scope_examples(training_data: TrainingData) -> List[risk_model.Example]:
        """The NLU examples of intents without risk, as risk-free examples."""
        return [
            risk_model.Example(e.get(TEXT), risk_model.NOT_CRISIS, "in_scope_" + e.get(INTENT))
            for e in training_data.intent_examples
            if e.get(TEXT) and e.get(INTENT) not in RISK_INTENTS
        ]

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on the risk data file plus the in-scope NLU examples as risk-free.

        The in-scope examples (greetings, yes and no, program questions) teach
        the model that short replies carry no risk: without them "yeah" or
        "nope" after a question scored as a crisis.
        """
        examples = risk_model.load_examples(_project_path(self.config["train_file"]))
        examples += self.in_scope_examples(training_data)
        self.model = risk_model.RiskModel.fit(
            examples,
            risk_model.default_embedder(self.config["use_embeddings"]),
            **self.fit_settings(self.config),
        )
        storage.save(self.model_storage, self.resource, MODEL_FILE, self.model)
        return self.resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "RiskModelComponent":
        """See parent class. A missing model leaves the screen and classifier on duty."""
        model = storage.load(model_storage, resource, MODEL_FILE)
        if model is None:
            logger.error("No trained risk model in this archive: run `make train`.")
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        """See parent class."""
        if self.model is None:
            return messages
        # A message without words is left unscored (iopnav/nlu/wordless.py).
        scored = [m for m in messages if not is_wordless(m.get(TEXT) or "")]
        texts = [m.get(TEXT) or "" for m in scored]
        # The LanguageDetector's reading when it ran (None is its "no clear
        # language"), so the model need not detect again.
        languages = (
            [m.get(LANGUAGE) for m in scored] if all(LANGUAGE in m.data for m in scored) else None
        )
        for message, score in zip(scored, self.model.score(texts, languages), strict=True):
            message.set(RISK_KEY, score.as_dict(), add_to_output=True)
        return messages


def _project_path(relative: str) -> Path:
    path = Path(relative)
    return path if path.is_absolute() else settings.PROJECT_ROOT / path
