"""Pipeline order, as each component declares it (`required_components`).

Rasa checks these declarations only for the nodes it trains, so a
non-trainable component such as the SafetyScreen or the FallbackClassifier
is never checked when a model is trained. Here the whole prediction graph of
every config is checked with Rasa's own check, rooted at the NLU output."""

from pathlib import Path

import pytest
import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.validation import _recursively_check_required_components
from rasa.shared.data import TrainingType
from rasa.shared.exceptions import InvalidConfigException

from iopnav.nlu.tfidf_classifier import TfidfIntentClassifier
from iopnav.safety.component import SafetyScreen

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = [ROOT / "config.yml", *sorted((ROOT / "configs").glob("nlu_*.yml"))]
SAFETY = "iopnav.safety.component.SafetyScreen"


def unmet_requirements(pipeline):
    """{required type name: [component names]} that lack it earlier in the pipeline."""
    config = {"recipe": "default.v1", "language": "en", "pipeline": pipeline}
    graph = DefaultV1Recipe().graph_config_for_recipe(config, {}, TrainingType.NLU)
    unmet, _ = _recursively_check_required_components(graph.nlu_target, graph.predict_schema)
    return {t.__name__: sorted(nodes) for t, nodes in unmet.items()}


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_every_config_runs_each_component_after_what_it_needs(path):
    pipeline = yaml.safe_load(path.read_text())["pipeline"]
    assert pipeline[-1]["name"] == SAFETY, "the SafetyScreen has the last word"
    assert unmet_requirements(pipeline) == {}


def test_a_safety_screen_without_a_classifier_before_it_is_refused():
    pipeline = [{"name": "WhitespaceTokenizer"}, {"name": SAFETY}]
    unmet = unmet_requirements(pipeline)
    assert list(unmet) == ["IntentClassifier"] and SAFETY in unmet["IntentClassifier"][0]


@pytest.mark.parametrize(
    "config",
    [
        {"ask_threshold": 0.6, "crisis_threshold": 0.5},
        {"ask_threshold": 0.0},
        {"crisis_threshold": 1.5},
        {"risk_ask": 0.6, "risk_handoff": 0.5},
        {"risk_sure": 0.4},
    ],
)
def test_inconsistent_safety_thresholds_are_refused(config):
    with pytest.raises(InvalidConfigException):
        SafetyScreen.validate_config({**SafetyScreen.get_default_config(), **config})


@pytest.mark.parametrize(
    "config", [{"word_ngrams": [2, 1]}, {"char_ngrams": [0, 6]}, {"temperature": 0}, {"C": -1}]
)
def test_bad_classifier_settings_are_refused_before_training(config):
    with pytest.raises(InvalidConfigException):
        TfidfIntentClassifier.validate_config(
            {**TfidfIntentClassifier.get_default_config(), **config}
        )


def test_the_default_settings_are_valid():
    SafetyScreen.validate_config(SafetyScreen.get_default_config())
    TfidfIntentClassifier.validate_config(TfidfIntentClassifier.get_default_config())
