"""The helpers of the layer examples (digits_cnn, sine_lstm, char_model) on small untrained models:
the shapes they give, that they leave the model in training mode and record no graph, and that the
sampling is seeded. (``test_examples.py`` runs the scripts themselves in quick mode, where each
asserts its own accuracy or loss.)"""

import sys
from pathlib import Path

import numpy as np
import pytest

import autograd_lite as ag

EXAMPLES_DIR = Path(__file__).parent.parent / "examples"


@pytest.fixture(scope="module")
def examples():
    sys.path.insert(0, str(EXAMPLES_DIR))
    try:
        import char_model
        import digits_cnn
        import sine_lstm
        yield digits_cnn, sine_lstm, char_model
    finally:
        sys.path.remove(str(EXAMPLES_DIR))


def test_digits_cnn_gives_ten_scores_and_predict_leaves_the_model_training(examples):
    digits_cnn, _, _ = examples
    ag.manual_seed(0)
    model = digits_cnn.make_model()
    images = np.random.default_rng(0).random((5, 1, 8, 8))
    assert model(images).shape == (5, 10)
    predicted = digits_cnn.predict(model, images)
    assert predicted.shape == (5,) and set(predicted) <= set(range(10))
    assert model.training and all(layer.training for layer in model)


def test_sine_lstm_continues_for_the_steps_asked_without_a_graph(examples):
    _, sine_lstm, _ = examples
    ag.manual_seed(0)
    model = sine_lstm.SineModel(hidden=4)
    generated = sine_lstm.continue_freely(model, np.sin(np.arange(10.0)), steps=7)
    assert generated.shape == (7,) and np.isfinite(generated).all()
    prediction, (h, c) = model(np.zeros((2, 3, 1)))
    assert prediction.shape == (2, 3, 1) and h.shape == c.shape == (1, 2, 4)


def test_char_model_samples_the_same_text_for_the_same_seed(examples):
    _, _, char_model = examples
    alphabet = list("ab .")
    encode = {c: i for i, c in enumerate(alphabet)}
    ag.manual_seed(0)
    model = char_model.CharModel(len(alphabet), embedding=3, hidden=5)
    texts = [char_model.sample(model, "ab", 20, encode, alphabet, 0.7, np.random.default_rng(1))
             for _ in range(2)]
    assert texts[0] == texts[1] and len(texts[0]) == 22 and texts[0].startswith("ab")
    assert set(texts[0]) <= set(alphabet) and model.training
    assert char_model.TEXT.is_file() and 2_000 < len(char_model.TEXT.read_text(encoding="utf-8")) < 10_000
