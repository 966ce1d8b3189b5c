"""The contract of ``fit(distribute=...)``, without Ray: :class:`~autograd_lite.distribute.Local`
runs the replicas in this process with the same slicing, combining and checks as a cluster, so the
tests here are fast (the Ray ones are in test_distribute_ray.py; the refusals, checks, warnings and
pickling, the second half of the list below, in test_distribute_refusals.py).

- a distributed fit equals one process's fit to float64 round-off: weights and every logged value,
  for 1 to 5 workers, batches that do not divide the data, with and without shuffling, sample and
  class weights, validation, several optimizers, Keras and PyTorch-style models, two inputs, two
  outputs, float32;
- what it refuses, it refuses before anything changes (weights, optimizer, history, the global
  generator, whether the model is built);
- the first step's check catches a loss that is not a mean over the samples (``check=False`` opts
  out, and then the result differs, which is why the check exists);
- dropout draws per (seed, epoch, batch, rank), and the driver's generator is left as without it;
- the "does not pay" warning comes once per fit, with numbers;
- Ray is imported only by a run on it; primitives pickle; a resumed fit equals an uninterrupted one.
"""


import numpy as np
import pytest
from distribute_helpers import (
    IMAGE_LABELS,
    IMAGES,
    LABELS,
    RNG,
    SLOWER,
    X,
    Y,
    assert_same_history,
    assert_same_weights,
    dense_model,
    fitted,
    largest_difference,
)

import autograd_lite as ag
from autograd_lite import keras, nn
from autograd_lite.distribute import Local
from autograd_lite.keras import layers

pytestmark = pytest.mark.filterwarnings(SLOWER)

# ---- 1. the same as one process -------------------------------------------------------------------------
def classifier():
    nn.manual_seed(1)
    model = nn.Sequential(nn.Dense(6, activation="relu", input_dim=3), nn.Dense(3, activation="softmax"))
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def keras_cnn():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(6, 6, 1)), layers.Conv2D(3, 3, activation="relu"),
                              layers.GlobalAveragePooling2D(), layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def torch_style():
    nn.manual_seed(2)
    model = nn.Sequential(nn.Linear(3, 6), nn.ReLU(), nn.Linear(6, 1))
    model.compile(optimizer=ag.optim.SGD(model.parameters(), lr=0.05, momentum=0.9), loss="mse",
                  metrics=["mae"])
    return model


def two_inputs():
    keras.utils.set_random_seed(3)
    left, right = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    out = layers.Dense(1)(layers.Add()([layers.Dense(4, activation="tanh")(left), layers.Dense(4)(right)]))
    model = keras.Model(inputs=[left, right], outputs=out)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.5), loss="mse",
                  metrics=["mae"])
    return model


def two_outputs():
    keras.utils.set_random_seed(4)
    inputs = keras.Input(shape=(3,))
    hidden = layers.Dense(4, activation="tanh", name="hidden")(inputs)
    first = layers.Dense(1, name="first")(hidden)
    second = layers.Dense(3, activation="softmax", name="second")(hidden)
    model = keras.Model(inputs, [first, second])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss={"first": "mse", "second": "sparse_categorical_crossentropy"}, loss_weights=[1.0, 0.5],
                  metrics={"first": ["mae"], "second": ["accuracy"]})
    return model


#: name: (the model's maker, fit's arguments, num_workers); every batch size leaves a short last batch
CASES = {
    "one-worker": (dense_model, dict(x=X, y=Y, batch_size=16, epochs=2, seed=0), 1),
    "two-workers-no-shuffle-sample-weight-sgd-momentum": (
        lambda: dense_model(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)),
        dict(x=X, y=Y, batch_size=10, epochs=3, shuffle=False, sample_weight=RNG.uniform(0.1, 2.0, 50)), 2),
    "no-shuffle-batch-does-not-divide": (dense_model, dict(x=X, y=Y, batch_size=12, epochs=2, shuffle=False),
                                         3),
    "three-workers-global-generator": (dense_model, dict(x=X, y=Y, batch_size=9, epochs=2, seed=None), 3),
    # 50 = 3·16 + 2: the last batch has 2 rows for 5 workers, so three slices are empty and skipped
    "five-workers-last-batch-smaller": (dense_model, dict(x=X, y=Y, batch_size=16, epochs=3, seed=1), 5),
    "batch-of-one-row": (dense_model, dict(x=X, y=Y, batch_size=1, epochs=1, seed=1), 3),
    "steps-per-epoch-early-stopping": (dense_model, dict(
        x=X, y=Y, batch_size=8, epochs=4, seed=1, steps_per_epoch=3,
        callbacks=[nn.EarlyStopping(monitor="loss", patience=0, min_delta=10)]), 2),   # stops after 2 epochs
    "class-weight-rmsprop-validation-split": (
        classifier, dict(x=X, y=LABELS, batch_size=11, epochs=3, seed=2, validation_split=0.2,
                         class_weight={0: 1.0, 1: 0.5, 2: 3.0}), 3),
    "validation-data": (dense_model, dict(x=X[:40], y=Y[:40], batch_size=7, epochs=2, seed=3,
                                          validation_data=(X[40:], Y[40:])), 2),
    "keras-conv2d": (keras_cnn, dict(x=IMAGES, y=IMAGE_LABELS, batch_size=8, epochs=2, seed=4), 3),
    "torch-style-linear": (torch_style, dict(x=X, y=Y, batch_size=10, epochs=2, seed=5), 4),
    "two-inputs": (two_inputs, dict(x=[X, X[::-1]], y=Y, batch_size=13, epochs=2, seed=6), 2),
    "two-outputs": (two_outputs, dict(x=X, y=[Y, LABELS], batch_size=13, epochs=2, seed=7), 3),
}




@pytest.mark.parametrize("case", list(CASES))
def test_the_distributed_fit_equals_one_process(case):
    make, options, workers = CASES[case]
    alone, alone_history, _ = fitted(make, options, None)
    split, split_history, _ = fitted(make, options, Local(num_workers=workers))
    assert_same_weights(split, alone)
    assert_same_history(split_history, alone_history)
    assert len(next(iter(alone_history.values()))) == (2 if "callbacks" in options else options["epochs"])
    # the case trains: a test that compares two copies of an untrained model could not fail
    assert largest_difference(alone, make().get_weights()) > 1e-3


def test_validation_and_metrics_are_logged_and_validation_rows_stay_on_the_driver():
    class Recording(Local):
        def setup(self, model, data, entropy):
            self.rows = [len(part) for part in data if part is not None]
            super().setup(model, data, entropy)

    strategy = Recording(num_workers=3)
    _, history, _ = fitted(*CASES["class-weight-rmsprop-validation-split"][:2], strategy)
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert strategy.rows == [40, 40, 40]   # x, y and the folded class weights: not the last 10 rows
    assert strategy.replicas == []          # fit closed the strategy


def test_a_float32_model_equals_one_process_to_float32_round_off():
    """The replicas' gradients are float32, combined in float32 (Σ gᵢnᵢ / N) where one process
    computes the global batch's gradient at once: the sums are grouped differently, so they agree to
    float32 round-off, a few units of 2⁻²⁴ ≈ 6e-8 over a few steps (1e-5 relative allows ~100 ulp)."""
    def make():
        model = dense_model()
        with ag.no_grad():
            for parameter in model.parameters():
                parameter.data = parameter.data.astype(np.float32)
        return model

    options = dict(x=X.astype(np.float32), y=Y.astype(np.float32), batch_size=16, epochs=3, seed=0)
    alone, alone_history, _ = fitted(make, options, None)
    split, split_history, _ = fitted(make, options, Local(num_workers=3))
    assert all(w.dtype == np.float32 for w in alone + split)
    assert_same_weights(split, alone, relative=1e-5)
    assert_same_history(split_history, alone_history, relative=1e-5)


# ---- 8. distribute=None ------------------------------------------------------------------------------------
def test_distribute_none_is_the_fit_of_today():
    options = dict(x=X, y=Y, batch_size=16, epochs=2, verbose=0)
    today = dense_model()
    today_history = today.fit(**options).history
    passed = dense_model()
    passed_history = passed.fit(distribute=None, **options).history
    for a, b in zip(passed.get_weights(), today.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert passed_history == today_history


# ---- 9. resume ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("workers", [None, 3], ids=["one-process", "local-3"])
def test_a_resumed_seeded_fit_equals_the_uninterrupted_one(workers, tmp_path):
    def strategy():
        return None if workers is None else Local(num_workers=workers)

    options = dict(x=X, y=Y, batch_size=16, verbose=0, seed=9, shuffle=True)
    uninterrupted = dense_model()
    whole = uninterrupted.fit(epochs=4, distribute=strategy(), **options).history

    first = dense_model()
    first.fit(epochs=2, distribute=strategy(), **options)
    first.save(tmp_path / "after-2.keras")
    resumed = nn.load_model(tmp_path / "after-2.keras")
    rest = resumed.fit(epochs=4, initial_epoch=2, distribute=strategy(), **options).history

    assert_same_weights(resumed.get_weights(), uninterrupted.get_weights())
    assert_same_history(rest, {name: values[2:] for name, values in whole.items()})
    # the shuffles matter: without skipping the first two epochs' shuffles the result differs
    not_skipped = nn.load_model(tmp_path / "after-2.keras")
    not_skipped.fit(epochs=2, distribute=strategy(), **options)
    assert largest_difference(not_skipped.get_weights(), uninterrupted.get_weights()) > 1e-6
