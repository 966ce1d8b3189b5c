"""Keras' ``jit_compile`` in ``fit``, ``evaluate`` and ``predict``: compiled training equals eager
training bit for bit — the tutorial perceptron after 1000 epochs, the digits CNN — and what cannot
be compiled (dropout's random masks, batch normalization's running statistics) trains eagerly."""

import warnings

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import keras, nn
from autograd_lite.keras import layers


def tutorial_data():
    """The neuron tutorial's two clusters, as benchmarks/perceptron.py draws them (150 to train)."""
    data = np.random.RandomState(0).randn(200, 3)
    data[:100, :2] += (10, 10)
    data[:100, 2] = 0
    data[100:, 2] = 1
    order = np.random.RandomState(42).permutation(200)
    return data[order[50:], :2], data[order[50:], 2], data[order[:50], :2], data[order[:50], 2]


def perceptron(jit_compile, **options):
    ag.manual_seed(0)
    model = nn.Sequential()
    model.add(nn.Dense(1, input_dim=2, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"],
                  jit_compile=jit_compile, **options)
    return model


def same_weights(a, b):
    return all(x.dtype == y.dtype and x.tobytes() == y.tobytes()
               for x, y in zip(a.get_weights(), b.get_weights()))


def test_the_tutorial_perceptron_after_1000_epochs_is_eager_bit_for_bit():
    X, y, X_test, y_test = tutorial_data()
    eager, compiled = perceptron(False), perceptron("auto")
    history_eager = eager.fit(X, y, epochs=1000, batch_size=32, verbose=0, seed=0).history
    history_compiled = compiled.fit(X, y, epochs=1000, batch_size=32, verbose=0, seed=0).history
    assert history_compiled == history_eager and same_weights(compiled, eager)
    step = compiled._step_function("train")
    assert step.traces == 2 and step.last_call == "replay"   # the batches of 32 and the last of 22
    assert compiled.evaluate(X_test, y_test, verbose=0) == eager.evaluate(X_test, y_test, verbose=0)
    assert compiled.evaluate(X_test, y_test, verbose=0)[1] == 1.0        # the tutorial's 100%
    compiled.evaluate(X_test, y_test, verbose=0)                        # warm-up, trace, replay
    assert compiled._step_function("test").last_call == "replay"
    predictions = [compiled.predict(X_test, batch_size=10, verbose=0) for _ in range(3)]
    assert all(p.tobytes() == eager.predict(X_test, batch_size=10, verbose=0).tobytes() for p in predictions)
    assert compiled._step_function("predict").last_call == "replay"


def digits_cnn(jit_compile):
    ag.manual_seed(0)
    model = keras.Sequential([
        keras.Input((8, 8, 1)), layers.Conv2D(8, 3, activation="relu", padding="same"), layers.MaxPooling2D(),
        layers.Conv2D(8, 3, activation="relu", padding="same"), layers.GlobalAveragePooling2D(),
        layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003),
                  loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=jit_compile)
    return model


def test_the_digits_cnn_is_eager_bit_for_bit():
    """Conv2D, pooling, Dense, softmax and sparse labels (class indices computed, and checked, on
    every replay), with a validation split (the compiled evaluation step)."""
    digits = pytest.importorskip("sklearn.datasets").load_digits()
    x, labels = (digits.images / 16.0)[:300, :, :, None], digits.target[:300]
    eager, compiled = digits_cnn(False), digits_cnn(True)
    history_eager = eager.fit(x, labels, epochs=3, batch_size=32, validation_split=0.1, verbose=0,
                                seed=0).history
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # jit_compile=True would warn if it fell back
        history_compiled = compiled.fit(x, labels, epochs=3, batch_size=32, validation_split=0.1,
                                        verbose=0, seed=0).history
    assert history_compiled == history_eager and same_weights(compiled, eager)
    assert compiled._step_function("train").last_call == "replay"
    assert compiled._step_function("test").last_call == "replay"


def test_a_label_out_of_range_on_a_replay_is_the_eager_error():
    """The class indices' checks run on every call: a bad label after the trace raises as eagerly."""
    rng = np.random.default_rng(0)
    model = keras.Sequential([keras.Input((2,)), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    compute = model._step_function("train")
    x, y = rng.normal(size=(8, 2)), rng.integers(0, 3, size=8)
    for labels in (y, y[::-1].copy(), (y + 1) % 3):
        model.train_on_batch(x, labels)
    assert compute.last_call == "replay"
    with pytest.raises(ValueError, match=r"class labels must be in \[0, 3\)"):
        compute(x, np.full(8, 7), None, optimizer=model.optimizer)


def test_what_cannot_be_compiled_trains_eagerly():
    """Dropout draws its mask on every step and BatchNormalization updates its statistics in place:
    jit_compile="auto" trains those eagerly, without a word; True says so in a warning."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 4)), rng.integers(0, 2, size=64).astype(float)
    for make_layer in (lambda: layers.Dropout(0.5), layers.BatchNormalization):
        histories = {}
        for jit in (False, "auto", True):
            ag.manual_seed(0)
            model = keras.Sequential([keras.Input((4,)), layers.Dense(4), make_layer(),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy", jit_compile=jit)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                histories[jit] = model.fit(x, y, epochs=3, batch_size=16, verbose=0, seed=0).history
            messages = [str(w.message) for w in caught if "jit_compile" in str(w.message)]
            assert len(messages) == (1 if jit is True else 0)
            if jit is True:
                assert "Proceeding with jit_compile=False" in messages[0]
            if jit is not False:
                assert model._step_function("train").last_call == "eager"
        assert histories[False] == histories["auto"] == histories[True]


def test_run_eagerly_never_compiles():
    X, y, _, _ = tutorial_data()
    model = perceptron("auto", run_eagerly=True)
    model.fit(X, y, epochs=3, batch_size=32, verbose=0)
    assert not isinstance(model._step_function("train"), ag.compiler.CompiledFunction)


def test_a_new_layer_after_training_is_seen():
    """Sequential.add after fit: the compiled step of the old layers is out of date."""
    X, y, _, _ = tutorial_data()
    eager, compiled = perceptron(False), perceptron("auto")
    for model in (eager, compiled):
        model.fit(X, y, epochs=3, batch_size=32, verbose=0, seed=0)
        ag.manual_seed(1)
        model.add(nn.Dense(1, activation="sigmoid"))
        model.compile(loss="binary_crossentropy", optimizer="adam", jit_compile=model is compiled)
        model.fit(X, y, epochs=3, batch_size=32, verbose=0, seed=0)
    assert same_weights(compiled, eager)
