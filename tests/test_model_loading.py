"""iopnav/model_loading.py loads the trained model without training any part
of it again; these tests check that what it loads is what Rasa's own way
gives, on the model `make train` wrote: the CRF taggers weight for weight,
and TED's weights, label embeddings and predictions bit for bit."""

import re
from pathlib import Path

import numpy as np
import pytest
from rasa.core import training
from rasa.core.policies.ted_policy import TEDPolicy

from iopnav import model_loading
from iopnav.model_loading import TAGGERS_FILE, StoredCRFEntityExtractor
from tests.support.trained import load_component, node_of, unpack

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return unpack(tmp_path_factory.mktemp("storage"))


def test_the_model_stores_the_fitted_crf_and_loads_it_as_a_fresh_fit_would(archive):
    storage, _ = archive
    with storage.read_from(node_of(archive, StoredCRFEntityExtractor).resource) as folder:
        kept = folder / TAGGERS_FILE
        stored = load_component(archive, StoredCRFEntityExtractor)
        # A model trained before the taggers were stored is fitted again, as
        # Rasa's own loader does.
        saved = kept.read_bytes()
        kept.unlink()
        try:
            refitted = load_component(archive, StoredCRFEntityExtractor)
        finally:
            kept.write_bytes(saved)
    assert stored.name == "CRFEntityExtractor"  # entities name the extractor as before
    assert stored.crf_order == refitted.crf_order and stored.entity_taggers
    for tag, tagger in stored.entity_taggers.items():
        fresh = refitted.entity_taggers[tag]
        assert tagger.state_features_ == fresh.state_features_, tag
        assert tagger.transition_features_ == fresh.transition_features_, tag


@pytest.fixture(scope="module")
def teds(archive):
    """TED loaded our way and Rasa's way, from the same files."""
    ours = load_component(archive, TEDPolicy)
    model_loading.uninstall()
    try:
        rasas = load_component(archive, TEDPolicy)
    finally:
        model_loading.install()
    return ours, rasas


def unscoped(name: str) -> str:
    return re.sub(r"^cond(_\d+)?/", "", name)


def test_ted_loads_the_same_weights_and_label_embeddings(teds):
    ours, rasas = teds
    assert getattr(ours.model, "optimizer", None) is None  # no training step was taken
    assert len(ours.model.weights) == len(rasas.model.weights) > 0
    for mine, theirs in zip(ours.model.weights, rasas.model.weights, strict=True):
        # Which variables get a "cond_N/" scope in their name depends on the
        # graph that first ran the layer; the variable is the same.
        assert unscoped(mine.name) == unscoped(theirs.name)
        assert np.array_equal(mine.numpy(), theirs.numpy()), mine.name
    assert np.array_equal(ours.model.all_labels_embed.numpy(), rasas.model.all_labels_embed.numpy())


def test_ted_predicts_bit_for_bit_what_rasas_loading_gives(teds, archive):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    ours, rasas = teds
    domain = Domain.load(str(ROOT / "domain"))
    trackers = training.load_data(
        str(ROOT / "tests" / "test_stories.yml"), domain, augmentation_factor=0
    )
    compared = 0
    for tracker in trackers[:40]:
        events = list(tracker.events)
        for cut in range(1, len(events) + 1):
            prefix = DialogueStateTracker.from_events(tracker.sender_id, events[:cut], domain.slots)
            mine = ours.predict_action_probabilities(prefix, domain)
            theirs = rasas.predict_action_probabilities(prefix, domain)
            assert mine.probabilities == theirs.probabilities
            compared += 1
    assert compared > 200
