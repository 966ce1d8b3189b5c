"""The same Keras code run on Keras 3 (jax back end, float64) and on autograd_lite, only the imports
changed (issue #16's "Correctness"): identical initial weights through ``set_weights``, then outputs,
losses and metrics per epoch (the History), ``summary()``'s numbers and the ``get_weights()`` layouts
compared, for the tutorial's perceptron, a CNN on the digits, LSTMs, a BatchNormalization + Dropout MLP,
a functional model with a shared layer, the fit/evaluate/on-batch options, and saving.

Every scenario is written once as a function of the Keras module (``keras`` or ``ours``), run on both
in a module-scoped fixture (Keras traces each new function with jax, slowly: each model is trained once),
and the tests compare the recorded results.

Tolerances: both sides compute in float64 and the same operations in possibly different orders
(jax's XLA kernels vs NumPy's), so each forward agrees to a few ulps; a training run of a few dozen
steps carries such differences through the updates without amplifying them much (the steps are small and
the losses smooth), so results are compared at 1e-9 relative (``RTOL``) with an absolute floor of 1e-12
for values near 0 (probabilities of a confident softmax, means of centred data). That needs Keras'
own rounding of means to float32 switched off, as keras_reference does (Keras' type promotion maps
float64 to float32 on jax, and its ``ops.mean`` computes in ``result_type(x.dtype, "float32")``, so
every loss's mean over the last axis, and its gradient, was float32: 1e-8 relative at the first step;
``test_keras_reference_is_float64`` checks that it stays off). The scenarios keep every probability
away from Keras' clipping at 1e-7 (Keras clips a sigmoid's or softmax's output there; we compute those
losses from the logits).
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from keras_reference import keras

from autograd_lite import keras as ours

RTOL = 1e-9   # see the module's docstring
ATOL = 1e-12  # the absolute floor for values near 0
SIDES = {"keras": keras, "ours": ours}
SIDES_ORDER = ("ours", "keras")


def close(actual, expected, rtol: float = RTOL, atol: float = ATOL) -> None:
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64),
                               rtol=rtol, atol=atol)


def close_history(ours_history, keras_history, rtol: float = RTOL) -> None:
    """The same metrics, epoch by epoch (History.history on both sides), or by name (return_dict)."""
    assert sorted(ours_history) == sorted(keras_history)
    for name in keras_history:
        close(ours_history[name], keras_history[name], rtol=rtol)


def initial_weights(model, seed: int) -> list[np.ndarray]:
    """Weights of ``model``'s layout: Keras' own initial kernels (drawn under the scenario's seed), and
    the vectors (biases, BatchNormalization's gamma, beta and moving statistics) moved off their
    constant initial values by up to 0.05, so that each one's place in the layout matters; moving
    variances stay positive."""
    rng = np.random.default_rng(seed)
    weights = [np.asarray(w, dtype=np.float64) for w in model.get_weights()]
    return [w + rng.uniform(-0.05, 0.05, w.shape) if w.ndim == 1 else w for w in weights]


def summary_numbers(model) -> tuple[list[list[str]], dict[str, int]]:
    """``model.summary()``'s rows — [type, output shape, parameter count, (connected to)], without the
    layer's name (Keras numbers automatic names across the whole session; the functional model names
    its layers, and "connected to" shows them) — and its totals {"Total": n, "Trainable": n,
    "Non-trainable": n, ("Optimizer": n)}."""
    lines: list[str] = []
    model.summary(print_fn=lambda text, *args, **kwargs: lines.extend(str(text).splitlines()))
    rows, totals = [], {}
    for line in lines:
        if line.startswith("│"):
            cells = [cell.strip() for cell in line.strip().strip("│").split("│")]
            if cells[2] == "" and rows:  # a wrapped cell continues on the next line
                rows[-1] = [a + " " + b for a, b in zip(rows[-1], cells)]
            else:
                rows.append(cells)
        found = re.match(r"\s*(Total|Trainable|Non-trainable|Optimizer) params: ([\d,]+)", line)
        if found:
            totals[found[1]] = int(found[2].replace(",", ""))
    return [_row(cells) for cells in rows], totals


def _row(cells: list[str]) -> list[str]:
    # Keras wraps a long cell between words, we cut it at the column's width: compare without spaces
    cells = [re.sub(r"\s+", "", cell) for cell in cells]
    return [re.fullmatch(r"\S*\((\w+)\)", cells[0])[1], *cells[1:]]


def layouts(model) -> list[tuple[int, ...]]:
    return [tuple(np.shape(w)) for w in model.get_weights()]


def both(scenario, *args, **kwargs) -> dict:
    """``scenario(k, ...)`` run with ``k = keras`` and with ``k = ours``."""
    return {side: scenario(k, *args, **kwargs) for side, k in SIDES.items()}


def trained(runs: dict, epochs: int, batch_size: int, seed: int = 0) -> dict:
    """Both sides' models from the same initial weights: outputs before, the History, outputs and
    weights after ``fit(shuffle=False)``."""
    weights = initial_weights(runs["keras"]["model"], seed)
    for run in runs.values():
        model = run["model"]
        model.set_weights(weights)
        run["before"] = model.predict(run["x_new"], verbose=0)
        run["history"] = model.fit(run["x"], run["y"], epochs=epochs, batch_size=batch_size, shuffle=False,
                                   verbose=0).history
        run["after"] = model.predict(run["x_new"], verbose=0)
        run["weights"] = model.get_weights()
    return runs


def compare_training(runs: dict) -> None:
    close(runs["ours"]["before"], runs["keras"]["before"])
    close_history(runs["ours"]["history"], runs["keras"]["history"])
    close(runs["ours"]["after"], runs["keras"]["after"])
    assert layouts(runs["ours"]["model"]) == layouts(runs["keras"]["model"])
    for mine, theirs in zip(runs["ours"]["weights"], runs["keras"]["weights"]):
        close(mine, theirs)


# ---------------------------------------------------------------------------------------------------
# (a) the tutorial's perceptron, its data made by examples/perceptron.py's recipe
# ---------------------------------------------------------------------------------------------------
def perceptron_data():
    from sklearn.model_selection import train_test_split

    data = np.random.RandomState(0).randn(200, 3)   # the example's np.random.seed(0) then randn
    data[:100, :2] += (10, 10)
    data[:100, 2] = 0
    data[100:, 2] = 1
    X, y = data[:, :2], data[:, 2]
    return train_test_split(X, y, test_size=0.25, random_state=42)


#: the optimizers the perceptron is trained with: the tutorial's "adam", and SGD with momentum (whose
#: update Keras and PyTorch share), which separates the loop from Adam's update
OPTIMIZERS = {
    "adam": lambda k: "adam",
    # small steps: no output comes within Keras' clipping epsilon 1e-7 of 0 or 1 in these epochs (Keras
    # clips probabilities there, we compute the loss from the sigmoid's logit)
    "sgd_momentum": lambda k: k.optimizers.SGD(learning_rate=0.01, momentum=0.5),
}


def perceptron(k, optimizer: str, epochs: int = 5) -> dict:
    X_train, X_test, y_train, y_test = perceptron_data()
    k.utils.set_random_seed(0)
    model = k.Sequential()
    model.add(k.layers.Dense(1, input_dim=2, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer=OPTIMIZERS[optimizer](k), metrics=["accuracy"])
    result = {"layout": layouts(model), "summary": summary_numbers(model)}
    weights = [np.array([[0.3], [-0.2]]), np.array([0.1])]   # the tutorial's clusters start misclassified
    model.set_weights(weights)
    result["history"] = model.fit(X_train, y_train, epochs=epochs, batch_size=32, verbose=0,
                                  shuffle=False).history
    result["evaluate"] = model.evaluate(X_test, y_test, verbose=0)
    result["predict"] = model.predict(X_test, verbose=0)
    result["weights"] = model.get_weights()
    result["summary_fitted"] = summary_numbers(model)
    return result


@pytest.fixture(scope="module", params=list(OPTIMIZERS))
def perceptron_runs(request):
    return request.param, both(perceptron, request.param)


def test_perceptron_layout_and_summary(perceptron_runs):
    _, runs = perceptron_runs
    assert runs["ours"]["layout"] == runs["keras"]["layout"] == [(2, 1), (1,)]
    assert runs["ours"]["summary"] == runs["keras"]["summary"]
    assert runs["keras"]["summary"][1] == {"Total": 3, "Trainable": 3, "Non-trainable": 0}


def test_perceptron_fit(perceptron_runs):
    """Losses and accuracies per epoch, then evaluate, predict and the learned weights."""
    _, runs = perceptron_runs
    close_history(runs["ours"]["history"], runs["keras"]["history"])
    close(runs["ours"]["evaluate"], runs["keras"]["evaluate"])
    close(runs["ours"]["predict"], runs["keras"]["predict"])
    for mine, theirs in zip(runs["ours"]["weights"], runs["keras"]["weights"]):
        close(mine, theirs)


def test_perceptron_summary_after_fit(perceptron_runs):
    """Once the optimizer has its variables, Keras adds them to the table's totals: "Optimizer params"
    counts every optimizer variable (iterations, learning_rate and Adam's moments, or SGD's momenta)
    and "Total params" is trainable + non-trainable + optimizer."""
    _, runs = perceptron_runs
    assert runs["ours"]["summary_fitted"] == runs["keras"]["summary_fitted"]


def test_perceptron_adam_epsilon_is_keras():
    """Keras' Adam step is ``lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε)``: ε is added to the uncorrected √v,
    i.e. ``lr · m̂ / (√v̂ + ε/√(1−β₂ᵗ))``, not PyTorch's ``lr · m̂ / (√v̂ + ε)``. One step from the same
    weights, computed here by Keras' formula, is what both libraries must take."""
    X_train, _, y_train, _ = perceptron_data()
    x, y = X_train[:32], y_train[:32]
    weights = [np.array([[0.3], [-0.2]]), np.array([0.1])]
    stepped = {}
    for side, k in SIDES.items():
        model = k.Sequential([k.layers.Dense(1, input_dim=2, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer=k.optimizers.Adam(learning_rate=0.1, epsilon=0.1))
        model.set_weights(weights)
        model.train_on_batch(x, y)
        stepped[side] = model.get_weights()
    # the gradient of the mean binary cross-entropy of a sigmoid unit, by hand
    p = 1 / (1 + np.exp(-(x @ weights[0] + weights[1])))
    g = [x.T @ (p - y[:, None]) / len(x), np.mean(p - y[:, None], axis=0)]
    t, lr, eps, b1, b2 = 1, 0.1, 0.1, 0.9, 0.999
    m, v = [(1 - b1) * gi for gi in g], [(1 - b2) * gi**2 for gi in g]
    alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
    expected = [w - alpha * mi / (np.sqrt(vi) + eps) for w, mi, vi in zip(weights, m, v)]
    for theirs, want in zip(stepped["keras"], expected):
        close(theirs, want)
    for mine, want in zip(stepped["ours"], expected):
        close(mine, want)


#: Keras' optimizers with an epsilon large enough for its placement to show in a step, and steps small
#: enough that no output comes near Keras' clipping of probabilities at 1e-7
STEPPED = {
    "Adam": lambda k: k.optimizers.Adam(learning_rate=0.01, epsilon=0.1),
    "AdamW": lambda k: k.optimizers.AdamW(learning_rate=0.01, weight_decay=0.05, epsilon=0.1),
    "RMSprop": lambda k: k.optimizers.RMSprop(learning_rate=0.01, epsilon=0.1),
    "Adagrad": lambda k: k.optimizers.Adagrad(learning_rate=0.01, epsilon=0.1),
    "SGD_nesterov": lambda k: k.optimizers.SGD(learning_rate=0.01, momentum=0.8, nesterov=True),
}


@pytest.mark.parametrize("optimizer", list(STEPPED))
def test_three_steps_of_each_optimizer(optimizer):
    """Three train_on_batch steps from the same weights leave the same weights (the optimizer's state
    carries from step to step): Keras' update rules, epsilon included (RMSprop and Adagrad add it
    under the square root, Adam to the uncorrected one)."""
    X_train, _, y_train, _ = perceptron_data()
    weights = [np.array([[0.3], [-0.2]]), np.array([0.1])]
    stepped = {}
    for side, k in SIDES.items():
        model = k.Sequential([k.Input(shape=(2,)), k.layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer=STEPPED[optimizer](k))
        model.set_weights(weights)
        for start in (0, 32, 64):
            model.train_on_batch(X_train[start:start + 32], y_train[start:start + 32])
        stepped[side] = model.get_weights()
    for mine, theirs in zip(stepped["ours"], stepped["keras"]):
        close(mine, theirs)


# ---------------------------------------------------------------------------------------------------
# (b) a small CNN on the digits
# ---------------------------------------------------------------------------------------------------
def digits():
    from sklearn.datasets import load_digits

    images, labels = load_digits(return_X_y=True)
    return (images / 16.0).reshape(-1, 8, 8, 1), labels


def cnn(k) -> dict:
    images, labels = digits()
    x, y, x_new = images[:192], labels[:192], images[192:256]   # whole batches: Keras traces one step
    k.utils.set_random_seed(1)
    model = k.Sequential([
        k.Input(shape=(8, 8, 1)),
        k.layers.Conv2D(32, (3, 3), padding="same", activation="relu"),
        k.layers.MaxPooling2D(),
        k.layers.Conv2D(64, (3, 3), padding="same", activation="relu"),
        k.layers.GlobalAveragePooling2D(),
        k.layers.Dense(10, activation="softmax"),
    ])
    # SGD: Keras' and our Adam differ in where ε enters (test_perceptron_adam_epsilon_is_keras); the
    # layers, the loss and the loop are what this scenario compares
    # steps small enough that no probability comes within Keras' clipping epsilon 1e-7 of 0 (Keras
    # clips the softmax's output there, we compute the loss from its logits)
    model.compile(optimizer=k.optimizers.SGD(learning_rate=0.05, momentum=0.5),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return {"layout": layouts(model), "summary": summary_numbers(model), "model": model, "x": x, "y": y,
            "x_new": x_new}


@pytest.fixture(scope="module")
def cnn_runs():
    return trained(both(cnn), epochs=2, batch_size=32, seed=1)


def test_cnn_layout_and_summary(cnn_runs):
    assert cnn_runs["ours"]["layout"] == cnn_runs["keras"]["layout"] == [
        (3, 3, 1, 32), (32,), (3, 3, 32, 64), (64,), (64, 10), (10,)]
    assert cnn_runs["ours"]["summary"] == cnn_runs["keras"]["summary"]
    assert cnn_runs["keras"]["summary"][1]["Total"] == 320 + 18496 + 650


def test_cnn_predict_and_fit(cnn_runs):
    compare_training(cnn_runs)


def test_keras_reference_is_float64():
    """A mean of float64 values is float64 in the reference (1/3 in float32 is 0.3333333432674408):
    keras_reference keeps Keras' promotion from mapping float64 to float32."""
    assert float(keras.ops.mean(np.array([[1 / 3]]), axis=-1)[0]) == 1 / 3


# ---------------------------------------------------------------------------------------------------
# (c) LSTMs: the last state, and every step's (return_sequences=True)
# ---------------------------------------------------------------------------------------------------
def lstm(k, return_sequences: bool) -> dict:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((48, 5, 3))
    y = rng.standard_normal((48, 5, 1) if return_sequences else (48, 1))
    k.utils.set_random_seed(3)
    model = k.Sequential([k.Input(shape=(5, 3)), k.layers.LSTM(8, return_sequences=return_sequences),
                          k.layers.Dense(1)])
    model.compile(optimizer=k.optimizers.SGD(learning_rate=0.1, momentum=0.5), loss="mse")
    return {"layout": layouts(model), "summary": summary_numbers(model), "model": model, "x": x, "y": y,
            "x_new": rng.standard_normal((7, 5, 3))}


@pytest.fixture(scope="module")
def lstm_runs():
    return {variant: trained(both(lstm, variant == "sequences"), epochs=2, batch_size=16, seed=3)
            for variant in ("last", "sequences")}


@pytest.mark.parametrize("variant", ["last", "sequences"])
def test_lstm_layout_and_summary(lstm_runs, variant):
    runs = lstm_runs[variant]
    assert runs["ours"]["layout"] == runs["keras"]["layout"] == [(3, 32), (8, 32), (32,), (8, 1), (1,)]
    assert runs["ours"]["summary"] == runs["keras"]["summary"]
    assert runs["keras"]["summary"][0][0][1] == ("(None,5,8)" if variant == "sequences" else "(None,8)")


@pytest.mark.parametrize("variant", ["last", "sequences"])
def test_lstm_predict_and_fit(lstm_runs, variant):
    compare_training(lstm_runs[variant])


# ---------------------------------------------------------------------------------------------------
# (d) a BatchNormalization + Dropout MLP, in inference and training mode
# ---------------------------------------------------------------------------------------------------
def bn_mlp(k, rate: float, learning_rate: float) -> dict:
    rng = np.random.default_rng(4)
    x = rng.standard_normal((64, 6)) * 2.0 + 1.0   # batch statistics far from the initial (0, 1)
    y = rng.integers(0, 3, 64)
    k.utils.set_random_seed(4)
    model = k.Sequential([
        k.Input(shape=(6,)),
        k.layers.Dense(16),
        k.layers.BatchNormalization(),
        k.layers.Activation("relu"),
        k.layers.Dropout(rate),
        k.layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer=k.optimizers.SGD(learning_rate=learning_rate, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return {"layout": layouts(model), "summary": summary_numbers(model), "model": model, "x": x, "y": y,
            "x_new": rng.standard_normal((9, 6))}


@pytest.fixture(scope="module")
def bn_runs():
    """Dropout(0.0), trained: batch statistics in training mode, the moving statistics' updates and the
    losses per epoch are all deterministic."""
    runs = both(bn_mlp, rate=0.0, learning_rate=0.05)
    weights = initial_weights(runs["keras"]["model"], seed=4)
    for run in runs.values():
        model = run["model"]
        model.set_weights(weights)
        run["training_mode"] = np.asarray(model(run["x_new"], training=True))
        run["inference_mode"] = np.asarray(model(run["x_new"], training=False))
    return trained(runs, epochs=3, batch_size=16, seed=4)


def test_bn_layout_and_summary(bn_runs):
    assert bn_runs["ours"]["layout"] == bn_runs["keras"]["layout"] == [
        (6, 16), (16,), (16,), (16,), (16,), (16,), (16, 3), (3,)]
    assert bn_runs["ours"]["summary"] == bn_runs["keras"]["summary"]
    # gamma and beta train; moving_mean and moving_variance do not
    assert bn_runs["keras"]["summary"][1] == {"Total": 227, "Trainable": 195, "Non-trainable": 32}


def test_bn_modes(bn_runs):
    """Training mode normalizes by the batch's statistics, inference mode by the moving ones."""
    close(bn_runs["ours"]["training_mode"], bn_runs["keras"]["training_mode"])
    close(bn_runs["ours"]["inference_mode"], bn_runs["keras"]["inference_mode"])
    assert not np.allclose(bn_runs["keras"]["training_mode"], bn_runs["keras"]["inference_mode"])


def test_bn_fit(bn_runs):
    """Losses per epoch, predictions, and every weight after fit, the moving statistics included."""
    compare_training(bn_runs)


@pytest.fixture(scope="module")
def dropout_runs():
    """Dropout(0.5) in fit with a learning rate of 0: the two libraries draw different masks, but with
    the weights fixed BatchNormalization's moving statistics (before the dropout) depend on the data
    only; inference mode (predict) never drops."""
    runs = both(bn_mlp, rate=0.5, learning_rate=0.0)
    weights = initial_weights(runs["keras"]["model"], seed=5)
    for run in runs.values():
        model = run["model"]
        model.set_weights(weights)
        run["inference_mode"] = np.asarray(model(run["x_new"], training=False))
        model.fit(run["x"], run["y"], epochs=2, batch_size=16, shuffle=False, verbose=0)
        run["weights"] = model.get_weights()
        run["predict"] = model.predict(run["x_new"], verbose=0)
        run["dropped"] = np.asarray(model(run["x"], training=True))
    return runs


def test_dropout_inference_and_moving_statistics(dropout_runs):
    close(dropout_runs["ours"]["inference_mode"], dropout_runs["keras"]["inference_mode"])
    for mine, theirs in zip(dropout_runs["ours"]["weights"], dropout_runs["keras"]["weights"]):
        close(mine, theirs)
    close(dropout_runs["ours"]["predict"], dropout_runs["keras"]["predict"])


def test_dropout_in_training_mode_differs_from_inference(dropout_runs):
    """Masks are random on both sides: training-mode outputs are not inference-mode outputs (the
    masks themselves cannot be compared)."""
    for run in dropout_runs.values():
        inference = run["model"].predict(run["x"], verbose=0)
        assert not np.allclose(run["dropped"], inference)


# ---------------------------------------------------------------------------------------------------
# (e) the functional API: two inputs through one shared Dense, concatenated
# ---------------------------------------------------------------------------------------------------
def two_inputs(k) -> dict:
    rng = np.random.default_rng(6)
    x = [rng.standard_normal((40, 4)), rng.standard_normal((40, 4))]
    y = rng.standard_normal((40, 2))
    k.utils.set_random_seed(6)
    a, b = k.Input(shape=(4,), name="a"), k.Input(shape=(4,), name="b")
    shared = k.layers.Dense(5, activation="tanh", name="shared")
    joined = k.layers.Concatenate(name="joined")([shared(a), shared(b)])
    model = k.Model(inputs=[a, b], outputs=k.layers.Dense(2, name="head")(joined), name="two_inputs")
    model.compile(optimizer=k.optimizers.SGD(learning_rate=0.05, momentum=0.5), loss="mse", metrics=["mae"])
    return {"layout": layouts(model), "summary": summary_numbers(model), "model": model, "x": x, "y": y,
            "x_new": [rng.standard_normal((6, 4)), rng.standard_normal((6, 4))]}


@pytest.fixture(scope="module")
def functional_runs():
    return trained(both(two_inputs), epochs=3, batch_size=16, seed=6)


def test_functional_layout_and_summary(functional_runs):
    """The shared Dense's weights are listed once; the table has Keras' "Connected to" column."""
    assert functional_runs["ours"]["layout"] == functional_runs["keras"]["layout"] == [(4, 5), (5,), (10, 2),
                                                                                         (2,)]
    assert functional_runs["ours"]["summary"] == functional_runs["keras"]["summary"]


def test_functional_predict_and_fit(functional_runs):
    compare_training(functional_runs)


# ---------------------------------------------------------------------------------------------------
# (f) fit's sample_weight, class_weight and validation_split; evaluate(return_dict=True); on_batch
# ---------------------------------------------------------------------------------------------------
def fit_options(k) -> dict:
    """Each call starts from the same weights; plain SGD keeps no state between the calls."""
    X_train, X_test, y_train, y_test = perceptron_data()
    sample_weight = np.random.default_rng(7).uniform(0.2, 2.0, len(X_train))
    k.utils.set_random_seed(7)
    model = k.Sequential([k.Input(shape=(2,)), k.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=k.optimizers.SGD(learning_rate=0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    weights = [np.array([[0.3], [-0.2]]), np.array([0.1])]
    options = {"fit": lambda: model.fit(X_train, y_train, epochs=2, batch_size=32, shuffle=False, verbose=0),
               "sample_weight": lambda: model.fit(X_train, y_train, sample_weight=sample_weight, epochs=2,
                                                  batch_size=32, shuffle=False, verbose=0),
               "class_weight": lambda: model.fit(X_train, y_train, class_weight={0: 0.3, 1: 2.0}, epochs=2,
                                                 batch_size=32, shuffle=False, verbose=0),
               "validation_split": lambda: model.fit(X_train, y_train, validation_split=0.25, epochs=2,
                                                     batch_size=32, shuffle=False, verbose=0),
               "evaluate": lambda: model.evaluate(X_test, y_test, return_dict=True, verbose=0),
               "evaluate_sample_weight": lambda: model.evaluate(X_test, y_test, batch_size=10,
                                                                sample_weight=sample_weight[:len(X_test)],
                                                                return_dict=True, verbose=0),
               "train_on_batch": lambda: model.train_on_batch(X_train[:32], y_train[:32]),
               "train_on_batch_dict": lambda: model.train_on_batch(X_train[:32], y_train[:32],
                                                                   sample_weight=sample_weight[:32],
                                                                   return_dict=True),
               "test_on_batch": lambda: model.test_on_batch(X_test[:16], y_test[:16])}
    result = {}
    for name, call in options.items():
        model.set_weights(weights)
        returned = call()
        result[name] = (returned.history if hasattr(returned, "history") else returned, model.get_weights())
    return result


@pytest.fixture(scope="module")
def fit_option_runs():
    return both(fit_options)


@pytest.mark.parametrize("option", ["fit", "sample_weight", "class_weight", "validation_split", "evaluate",
                                    "evaluate_sample_weight", "train_on_batch", "train_on_batch_dict",
                                    "test_on_batch"])
def test_fit_options(fit_option_runs, option):
    """What each call returns (History, evaluate's dict, the on-batch [loss, accuracy] or dict) and the
    weights it leaves."""
    (mine, my_weights), (theirs, their_weights) = (fit_option_runs[side][option] for side in SIDES_ORDER)
    if isinstance(theirs, dict):
        close_history(mine, theirs)
    else:
        assert type(mine) is type(theirs) and np.shape(mine) == np.shape(theirs)
        close(mine, theirs)
    for w, v in zip(my_weights, their_weights):
        close(w, v)


# ---------------------------------------------------------------------------------------------------
# (g) saving: ours → .keras → ours, and Keras' trained weights → ours
# ---------------------------------------------------------------------------------------------------
TRAINED = ["cnn_runs", "lstm_runs", "bn_runs", "functional_runs"]


def runs_of(request, fixture: str) -> dict:
    runs = request.getfixturevalue(fixture)
    return runs["sequences"] if fixture == "lstm_runs" else runs


@pytest.mark.parametrize("fixture", TRAINED)
def test_save_and_load_model(request, tmp_path, fixture):
    """Our trained model saved as .keras and loaded back predicts the same, bit for bit, and keeps its
    layout and summary."""
    run = runs_of(request, fixture)["ours"]
    model = run["model"]
    model.save(tmp_path / "x.keras")
    loaded = ours.models.load_model(tmp_path / "x.keras")
    np.testing.assert_array_equal(loaded.predict(run["x_new"], verbose=0), run["after"])
    assert layouts(loaded) == layouts(model)
    for mine, saved in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(mine, saved)
    assert summary_numbers(loaded)[0] == summary_numbers(model)[0]


@pytest.mark.parametrize("fixture", TRAINED)
def test_keras_trained_weights_into_ours(request, fixture):
    """Keras' weights after its fit, moved by get_weights/set_weights into our model, predict what
    Keras predicts."""
    runs = runs_of(request, fixture)
    model = runs["ours"]["model"]
    mine = model.get_weights()
    try:
        model.set_weights(runs["keras"]["model"].get_weights())
        close(model.predict(runs["keras"]["x_new"], verbose=0), runs["keras"]["after"])
    finally:
        model.set_weights(mine)


@pytest.mark.parametrize("fixture", ["cnn_runs", "bn_runs"])
def test_save_and_load_weights(request, tmp_path, fixture):
    """save_weights under Keras' file name, load_weights into a new model of the same code: the same
    predictions (BatchNormalization's moving statistics travel with the weights)."""
    run = runs_of(request, fixture)["ours"]
    run["model"].save_weights(tmp_path / "m.weights.h5")
    fresh = cnn(ours) if fixture == "cnn_runs" else bn_mlp(ours, rate=0.0, learning_rate=0.05)
    fresh["model"].load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_array_equal(fresh["model"].predict(run["x_new"], verbose=0), run["after"])
