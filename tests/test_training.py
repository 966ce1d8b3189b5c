"""Tests of Keras' training API on ``nn.Model``: compile, fit, evaluate, predict, callbacks, weight files.

The central workload is the tutorial's perceptron: two Gaussian clusters, one shifted by (+10, +10),
separated by ``Dense(1, input_dim=2, activation='sigmoid')`` trained with Adam.
"""

import io
import math
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from autograd_lite import Tensor, nn, optim
from autograd_lite.nn import functional as F
from autograd_lite.nn.callbacks import ProgressLogger


def clusters(seed=0, n=200):
    """The tutorial's data: ``data = randn(200, 3)``, first half shifted by +10 with label 0."""
    data = np.random.default_rng(seed).normal(size=(n, 3))
    data[: n // 2, :2] += (10, 10)
    data[: n // 2, 2] = 0
    data[n // 2:, 2] = 1
    return data[:, :2], data[:, 2]


def split(X, y, test_size=0.25, seed=42):
    """``train_test_split`` in NumPy: a seeded shuffle, the first quarter held out for testing."""
    order = np.random.default_rng(seed).permutation(len(X))
    cut = int(round(len(X) * test_size))
    test, train = order[:cut], order[cut:]
    return X[train], X[test], y[train], y[test]


def perceptron(seed=0, **compile_options):
    nn.manual_seed(seed)
    model = nn.Sequential()
    model.add(nn.Dense(1, input_dim=2, activation="sigmoid"))
    options = dict(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.compile(**{**options, **compile_options})
    return model


@pytest.fixture
def data():
    return clusters()


def weights(model):
    return {name: array.copy() for name, array in model.state_dict().items()}


def assert_same_weights(model, before):
    after = model.state_dict()
    assert list(after) == list(before)
    for name in before:
        assert_array_equal(after[name], before[name])


# ---- the tutorial -------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1])
def test_tutorial_perceptron_separates_the_clusters(seed):
    X, y = clusters(seed)
    X_train, X_test, y_train, y_test = split(X, y)
    assert (len(X_train), len(X_test)) == (150, 50)
    model = perceptron(seed)
    history = model.fit(X_train, y_train, epochs=1000, batch_size=32, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}
    assert history.epoch == list(range(1000))
    assert all(len(values) == 1000 for values in history.history.values())
    assert history.history["loss"][-1] < history.history["loss"][0]
    result = model.evaluate(X_test, y_test, verbose=0)
    assert isinstance(result, list) and len(result) == 2
    loss, accuracy = result
    assert accuracy == 1.0 and 0 < loss < 0.2
    y_pred = model.predict(X)
    assert isinstance(y_pred, np.ndarray) and y_pred.shape == (200, 1)
    assert np.all((y_pred > 0) & (y_pred < 1))
    assert_array_equal(np.where(y_pred < 0.5, 0, 1).ravel(), y)


def test_evaluate_is_the_loss_and_accuracy_of_predict(data):
    X, y = data
    model = perceptron()
    model.fit(X, y, epochs=3, verbose=0)
    p = model.predict(X).ravel()
    expected_loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    loss, accuracy = model.evaluate(X, y, verbose=0)
    assert_allclose(loss, expected_loss, rtol=1e-9)
    assert accuracy == np.mean((p > 0.5) == (y == 1))
    assert_allclose(model.predict(X.tolist(), batch_size=7), p[:, None])   # lists and batches too


# ---- batches and optimizer steps ----------------------------------------------------------------
@pytest.mark.parametrize("batch_size, steps_per_epoch", [(150, 1), (None, 5), (1, 150), (32, 5), (1000, 1)])
def test_batch_size_sets_the_number_of_optimizer_steps(data, batch_size, steps_per_epoch):
    """``batch_size=None`` is Keras' default, 32."""
    X, y = data[0][:150], data[1][:150]
    model = perceptron()
    model.fit(X, y, epochs=2, batch_size=batch_size, verbose=0)
    assert model.optimizer.step_count == 2 * steps_per_epoch


def test_full_batch_epoch_is_one_exact_gradient_step(data):
    X, y = data
    model = perceptron(optimizer=lambda params: optim.SGD(params, lr=0.5))
    W, b = model[0].kernel.data.copy(), model[0].bias.data.copy()
    model.fit(X, y, epochs=1, batch_size=len(X), shuffle=False, verbose=0)
    residual = 1 / (1 + np.exp(-(X @ W + b))) - y[:, None]   # dBCE/dz for sigmoid outputs
    assert_allclose(model[0].kernel.data, W - 0.5 * X.T @ residual / len(X), rtol=1e-12)
    assert_allclose(model[0].bias.data, b - 0.5 * residual.mean(axis=0), rtol=1e-12)


def test_seed_makes_fit_reproducible(data):
    X, y = data
    runs = []
    for seed in (7, 7, 8):
        model = perceptron(seed=3)
        history = model.fit(X, y, epochs=3, batch_size=16, seed=seed, verbose=0)
        runs.append((weights(model), history.history["loss"]))
    for name in runs[0][0]:
        assert_array_equal(runs[0][0][name], runs[1][0][name])
    assert runs[0][1] == runs[1][1]
    assert not np.array_equal(runs[0][0]["0.kernel"], runs[2][0]["0.kernel"])  # another shuffle


# ---- validation -------------------------------------------------------------------------------
def test_validation_split_holds_out_the_last_samples(data):
    X, y = data
    model = perceptron()
    history = model.fit(X, y, epochs=4, batch_size=1, validation_split=0.25, verbose=0)
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(len(v) == 4 for v in history.history.values())
    assert model.optimizer.step_count == 4 * 150                 # trained on the first 150 only
    assert history.history["val_loss"][-1] == model.evaluate(X[150:], y[150:], batch_size=1, verbose=0)[0]
    with pytest.raises(ValueError, match=r"validation_split must be in \[0, 1\)"):
        model.fit(X, y, validation_split=1.0, verbose=0)


def test_validation_data_overrides_validation_split_as_in_keras(data):
    X, y = data
    model = perceptron()
    history = model.fit(X, y, epochs=1, batch_size=150, validation_split=0.25,
                        validation_data=(X[:10], y[:10]), verbose=0)
    assert model.optimizer.step_count == 2                       # all 200 samples (the split: 1 step)
    assert history.history["val_loss"][-1] == model.evaluate(X[:10], y[:10], verbose=0)[0]


def test_validation_data_is_evaluated_after_each_epoch(data):
    X, y = data
    model = perceptron()
    history = model.fit(X[:150], y[:150], epochs=3, validation_data=(X[150:], y[150:]), verbose=0)
    assert len(history.history["val_loss"]) == len(history.history["val_accuracy"]) == 3
    assert [history.history["val_loss"][-1], history.history["val_accuracy"][-1]] == \
        model.evaluate(X[150:], y[150:], verbose=0)


# ---- callbacks ----------------------------------------------------------------------------------
class Recorder(nn.Callback):
    """Keeps the weights at the end of each epoch and notes when training ends."""

    def on_train_begin(self, logs=None):
        self.weights, self.ended = [], False

    def on_epoch_end(self, epoch, logs):
        self.weights.append(weights(self.model))

    def on_train_end(self, logs=None):
        self.ended = True


def test_early_stopping_stops_after_patience_epochs_without_improvement(data):
    X, y = data
    model = perceptron(optimizer=lambda params: optim.SGD(params, lr=0.0))   # the loss never improves
    stopper = nn.EarlyStopping(monitor="loss", patience=3)
    history = model.fit(X, y, epochs=50, shuffle=False, callbacks=[stopper], verbose=0)
    assert history.epoch == [0, 1, 2, 3] and stopper.stopped_epoch == 3       # as Keras


def test_early_stopping_restores_the_best_weights(data):
    X, y = data
    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 1))
    model.compile(loss="mse", optimizer=lambda params: optim.SGD(params, lr=0.05))   # diverges
    recorder = Recorder()
    stopper = nn.EarlyStopping(monitor="loss", patience=2, restore_best_weights=True)
    history = model.fit(X, y, epochs=50, batch_size=len(X), callbacks=[recorder, stopper], verbose=0)
    losses = history.history["loss"]
    assert len(losses) == 3 and losses[0] < losses[1] < losses[2]
    assert_same_weights(model, recorder.weights[0])              # the weights after the best epoch
    assert not np.array_equal(model[0].weight.data, recorder.weights[-1]["0.weight"])


def test_early_stopping_patience_mode_and_missing_monitor():
    model = nn.Sequential(nn.Linear(1, 1))
    stopper = nn.EarlyStopping(monitor="val_accuracy", patience=2, min_delta=0.05)   # 'auto' → max
    stopper.model, model.stop_training = model, False
    stopper.on_train_begin()
    for epoch, accuracy in enumerate([0.5, 0.7, 0.72, 0.9, 0.91, 0.93]):
        stopper.on_epoch_end(epoch, {"val_accuracy": accuracy})
        if model.stop_training:
            break
    assert (epoch, stopper.best) == (5, -0.9)        # 0.91 and 0.93 are within min_delta of 0.9
    with pytest.warns(UserWarning, match="'val_loss' is not among the logs"):
        nn.EarlyStopping().on_epoch_end(0, {"loss": 1.0})
    with pytest.raises(ValueError, match="mode must be"):
        nn.EarlyStopping(mode="lowest")


def test_terminate_on_nan_stops_at_the_first_bad_batch(data, capsys):
    X, y = data

    def nan_loss(y_true, y_pred):
        return F.mse_loss(y_pred, y_true) * math.nan

    model = perceptron(loss=nan_loss)
    with np.errstate(invalid="ignore"):
        history = model.fit(X, y, epochs=5, batch_size=10, callbacks=[nn.TerminateOnNaN()], verbose=0)
    assert model.optimizer.step_count == 1 and history.epoch == [0]
    assert math.isnan(history.history["loss"][0])
    assert "Batch 0: the loss is nan; terminating training" in capsys.readouterr().err
    model = perceptron(loss=nan_loss)
    with np.errstate(invalid="ignore"):
        assert len(model.fit(X, y, epochs=5, batch_size=10, verbose=0).epoch) == 5   # not without it


def test_terminate_on_nan_stops_a_diverging_run(data):
    X, y = data
    model = nn.Sequential(nn.Linear(2, 1))
    model.compile(loss="mse", optimizer=lambda params: optim.SGD(params, lr=10.0))
    with np.errstate(over="ignore", invalid="ignore"):
        history = model.fit(X, y, epochs=200, callbacks=[nn.TerminateOnNaN()], verbose=0)
    assert 1 < len(history.epoch) < 200 and not math.isfinite(history.history["loss"][-1])
    assert all(math.isfinite(loss) for loss in history.history["loss"][:-1])


def test_keyboard_interrupt_returns_the_history_so_far(data, capsys):
    class Interrupt(nn.Callback):   # (History comes after the callbacks given, as in Keras)
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 4:
                raise KeyboardInterrupt

    X, y = data
    recorder = Recorder()
    history = perceptron().fit(X, y, epochs=10, callbacks=[recorder, Interrupt()], verbose=0)
    assert history.epoch == [0, 1, 2, 3] and len(history.history["loss"]) == 4 and recorder.ended
    assert capsys.readouterr() == ("", "")
    perceptron().fit(X, y, epochs=10, callbacks=[Interrupt()], verbose=2)
    assert capsys.readouterr().out.splitlines()[-1] == \
        "Interrupted after 4 epoch(s): returning the history so far"


# ---- what fit prints -------------------------------------------------------------------------
def test_verbose_0_prints_nothing(data, capsys):
    X, y = data
    model = perceptron()
    model.fit(X, y, epochs=3, validation_split=0.2, verbose=0)
    model.evaluate(X, y, verbose=0)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("verbose", [1, 2])   # 1 on a stream that is not a terminal: lines, no bar
def test_verbose_prints_one_line_per_epoch(data, capsys, verbose):
    X, y = data
    perceptron().fit(X, y, epochs=4, verbose=verbose)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    for epoch, line in enumerate(lines, start=1):
        assert line.startswith(f"Epoch {epoch}/4 - loss: ") and " - accuracy: " in line


def test_verbose_1_on_a_terminal_draws_a_bar_over_each_epochs_steps(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    monkeypatch.setattr(sys, "stdout", stream)
    logger = ProgressLogger()
    logger.set_params({"verbose": 1, "epochs": 3, "steps": 2})
    for epoch in range(3):
        logger.on_epoch_begin(epoch)
        for step in range(2):
            logger.on_train_batch_end(step, {"loss": 0.5})
        logger.on_epoch_end(epoch, {"loss": 0.5})
    logger.on_train_end()
    out = stream.getvalue()
    assert "Epoch 1/3\n" in out and "2/2" in out and "Epoch 1/3 - loss" not in out


def test_evaluate_prints_its_values(data, capsys):
    X, y = data
    loss, accuracy = perceptron().evaluate(X, y)
    assert capsys.readouterr().out == f"loss: {loss:.4f} - accuracy: {accuracy:.4f}\n"


# ---- compile ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name, kind, hyper", [
    ("adam", optim.KerasAdam, dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-7)),   # Keras' rules and defaults
    ("Adam", optim.KerasAdam, dict(lr=1e-3, eps=1e-7)),
    ("sgd", optim.SGD, dict(lr=1e-2, momentum=0.0)),
    ("rmsprop", optim.KerasRMSprop, dict(lr=1e-3, alpha=0.9, eps=1e-7)),
    ("adagrad", optim.KerasAdagrad, dict(lr=1e-3, eps=1e-7, initial_accumulator_value=0.1)),
    ("adamw", optim.KerasAdamW, dict(lr=1e-3, eps=1e-7, weight_decay=4e-3)),
])
def test_optimizer_names_have_keras_defaults(data, name, kind, hyper):
    model = perceptron(optimizer=name)
    model.fit(*data, epochs=1, verbose=0)
    assert type(model.optimizer) is kind
    group = model.optimizer.param_groups[0]
    assert {key: group[key] for key in hyper} == hyper
    assert all(a is b for a, b in zip(group["params"], model.parameters()))


def test_compile_accepts_an_optimizer_or_a_factory(data):
    X, y = data
    model = perceptron()
    sgd = optim.SGD(model.parameters(), lr=0.1)
    model.compile(loss="binary_crossentropy", optimizer=sgd)
    model.fit(X, y, epochs=2, batch_size=len(X), verbose=0)
    assert model.optimizer is sgd and sgd.step_count == 2
    model = perceptron(optimizer=lambda params: optim.SGD(params, lr=0.1, momentum=0.9))
    model.fit(X, y, epochs=1, verbose=0)
    assert isinstance(model.optimizer, optim.SGD) and model.optimizer.param_groups[0]["momentum"] == 0.9
    model.fit(X, y, epochs=1, verbose=0)                 # a second fit goes on with the same optimizer
    assert model.optimizer.step_count == 2 * 7


def test_compile_accepts_loss_functions(data):
    """A loss of your own is called ``loss(y_true, y_pred)``, as Keras calls it: once before training
    on a stand-in output of the whole data's shape (so that it fails before anything is built),
    then once per batch."""
    X, y = data
    calls = []

    def my_loss(y_true, y_pred):
        calls.append((type(y_true), type(y_pred), y_pred.shape))
        return F.mse_loss(y_pred, y_true)

    model = perceptron(loss=my_loss, metrics=["mae"], jit_compile=False)
    history = model.fit(X, y, epochs=1, batch_size=100, verbose=0)
    assert calls == [(np.ndarray, Tensor, (len(X), 1))] + [(np.ndarray, Tensor, (100, 1))] * 2
    assert set(history.history) == {"loss", "mae"}
    calls.clear()   # compiled (the default): the loss's Python runs to warm up, to trace (where y_true is
    model = perceptron(loss=my_loss, metrics=["mae"])   # a Tensor), and to check the trace; not after
    model.fit(X, y, epochs=3, batch_size=100, verbose=0)
    assert calls == [(np.ndarray, Tensor, (len(X), 1)), (np.ndarray, Tensor, (100, 1)),
                     (Tensor, Tensor, (100, 1)), (np.ndarray, Tensor, (100, 1))]
    assert model._step_function("train").traces == 1 and model._step_function("train").last_call == "replay"
    model = perceptron(loss=F.binary_cross_entropy)           # known losses keep their Keras name
    with pytest.raises(ValueError, match="binary cross-entropy needs labels 0 or 1"):
        model.fit(X, y * 2, verbose=0)


def test_accuracy_follows_the_loss():
    X = np.array([[-0.2], [-0.1], [0.3], [0.4]])
    y = np.array([0, 1, 1, 1])
    for loss in ("binary_crossentropy_from_logits", F.binary_cross_entropy_with_logits):
        model = nn.Sequential(nn.Linear(1, 1))
        model[0].weight.data, model[0].bias.data = np.ones((1, 1)), np.zeros(1)
        model.compile(loss=loss, optimizer="sgd", metrics=["accuracy"])
        assert model.evaluate(X, y, verbose=0)[1] == 0.75            # logits are split at 0
    model = nn.Sequential(nn.Linear(1, 3))
    model[0].weight.data = np.array([[1.0], [0.0], [-1.0]])
    model[0].bias.data = np.array([0.0, 0.1, 0.0])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    X3, labels = np.array([[2.0], [0.0], [-2.0]]), np.array([0, 1, 1])   # as many samples as classes
    assert model.evaluate(X3, labels, verbose=0)[1] == pytest.approx(2 / 3)
    model.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["acc"])
    assert model.evaluate(X3, np.eye(3)[labels], verbose=0)[1] == pytest.approx(2 / 3)


def test_softmax_classifier_learns_three_clusters():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 5.0], [5.0, 0.0], [-5.0, -5.0]])
    labels = rng.integers(0, 3, size=90)
    X = centres[labels] + rng.normal(size=(90, 2))
    nn.manual_seed(0)
    model = nn.Sequential(nn.Input((2,)), nn.Dense(8, activation="relu"), nn.Dense(3, activation="softmax"))
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=lambda params: optim.Adam(params, lr=0.05), metrics=["accuracy"])
    model.fit(X, labels, epochs=30, batch_size=16, verbose=0)
    assert model.evaluate(X, labels, verbose=0)[1] == 1.0
    assert_allclose(model.predict(X).sum(axis=1), 1.0)


@pytest.mark.parametrize("options, message", [
    (dict(loss="binary_cross_entropy"), "unknown loss 'binary_cross_entropy'; choose from"),
    (dict(loss=None), "a loss is required"),
    (dict(loss="mse", optimizer="adamax"), "unknown optimizer 'adamax'; choose from"),
    (dict(loss="mse", metrics=["precisionn"]), "Could not interpret metric identifier: 'precisionn'"),
])
def test_compile_rejects_unknown_names(options, message):
    with pytest.raises(ValueError, match=message):
        nn.Sequential(nn.Dense(1, input_dim=2)).compile(**options)


# ---- bad data is rejected before any training ---------------------------------------------------
X_GOOD, Y_GOOD = clusters(n=20)


def with_nan(array, index):
    array = array.astype(float).copy()
    array[index] = np.nan
    return array


@pytest.mark.parametrize("X, y, kwargs, error, message", [
    (X_GOOD, Y_GOOD[:19], {}, ValueError, "X has 20 samples but y has 19"),
    (np.c_[X_GOOD, X_GOOD[:, :1]], Y_GOOD, {}, ValueError, "expects 2 features per sample, but X has 3"),
    (X_GOOD[:, 0], Y_GOOD, {}, ValueError, "one row per sample"),
    (with_nan(X_GOOD, (4, 1)), Y_GOOD, {}, ValueError, r"X contains 1 NaN .* first at index \[4, 1\]"),
    (np.where(X_GOOD > 11, np.inf, X_GOOD), Y_GOOD, {}, ValueError, "X contains .* infinite"),
    (X_GOOD, with_nan(Y_GOOD, 3), {}, ValueError, r"y contains 1 NaN .* first at index \[3\]"),
    (X_GOOD, Y_GOOD * 2, {}, ValueError, r"needs labels 0 or 1, but y contains \[2.0\]"),
    (X_GOOD, Y_GOOD - 1, {}, ValueError, r"needs labels 0 or 1, but y contains \[-1.0\]"),
    (X_GOOD[:0], Y_GOOD[:0], {}, ValueError, "no samples"),
    (X_GOOD.astype(str), Y_GOOD, {}, TypeError, "X must hold numbers"),
    (X_GOOD, Y_GOOD, dict(validation_data=(X_GOOD, with_nan(Y_GOOD, 0))), ValueError, "validation_data"),
    (X_GOOD, Y_GOOD, dict(batch_size=0), ValueError, "invalid batch_size 0; it must be an integer >= 1"),
])
def test_bad_data_is_rejected_before_training(X, y, kwargs, error, message):
    model = perceptron()
    before = weights(model)
    with pytest.raises(error, match=message):
        model.fit(X, y, epochs=2, verbose=0, **kwargs)
    assert_same_weights(model, before)
    assert model.optimizer is None or model.optimizer.step_count == 0


def test_fit_and_evaluate_need_compile_but_predict_does_not():
    model = nn.Sequential(nn.Dense(1, input_dim=2, activation="sigmoid"))
    before = weights(model)
    with pytest.raises(RuntimeError, match=r"fit: call compile\(optimizer=..., loss=...\) first"):
        model.fit(X_GOOD, Y_GOOD, verbose=0)
    with pytest.raises(RuntimeError, match=r"evaluate: call compile"):
        model.evaluate(X_GOOD, Y_GOOD)
    assert_same_weights(model, before)
    assert model.predict(X_GOOD).shape == (20, 1)
    with pytest.raises(ValueError, match="expects 2 features"):
        model.predict(np.ones((3, 4)))


def test_predict_records_no_graph_and_keeps_the_mode():
    model = nn.Sequential(nn.Dense(2, input_dim=2)).train()   # (Keras' models start in inference)
    assert type(model.predict(X_GOOD)) is np.ndarray and model.training and model[0].training
    model.eval()
    model.predict(X_GOOD)
    assert not model.training and not model[0].training


def test_custom_models_and_shared_layers_train():
    class TwoTower(nn.Model):
        def __init__(self):
            super().__init__()
            self.shared = nn.Linear(2, 4)
            self.out = nn.Linear(4, 1)

        def forward(self, x):
            return self.out(F.tanh(self.shared(x)) + F.tanh(self.shared(-x)))

    model = TwoTower()
    names = [name for name, _ in model.named_parameters()]
    assert names == ["shared.weight", "shared.bias", "out.weight", "out.bias"]
    model.compile(loss="binary_crossentropy_from_logits", optimizer="adam", metrics=["accuracy"])
    history = model.fit(*clusters(n=40), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and model.optimizer.step_count == 4


# ---- weight files -------------------------------------------------------------------------------
def test_save_and_load_weights_round_trip(tmp_path, data):
    X, y = data
    model = perceptron(seed=0)
    model.fit(X, y, epochs=2, verbose=0)
    path = tmp_path / "perceptron.weights.npz"
    model.save_weights(path)
    with np.load(path, allow_pickle=False) as archive:   # plain arrays, named as in state_dict
        assert archive.files == ["0.kernel", "0.bias"]
    fresh = perceptron(seed=1)
    assert not np.allclose(fresh.predict(X), model.predict(X))
    fresh.load_weights(path)
    assert_array_equal(fresh.predict(X), model.predict(X))


@pytest.mark.parametrize("other, error, message", [
    (lambda: nn.Sequential(nn.Dense(2, input_dim=2)), ValueError, r"0.kernel has shape \(2, 2\)"),
    (lambda: nn.Sequential(nn.Dense(4, input_dim=2), nn.Dense(1)), KeyError,
     r"missing \[\], unexpected \['1.bias', '1.kernel'\]"),
])
def test_loading_another_architecture_is_a_clear_error(tmp_path, other, error, message):
    path = tmp_path / "other.npz"
    model = other()
    model(np.ones((1, 2)))
    model.save_weights(path)
    target = perceptron()
    before = weights(target)
    with pytest.raises(error, match=message):
        target.load_weights(path)
    assert_same_weights(target, before)


def corrupt(raw):
    """Flip a stretch of bytes in the middle of the archive's stored arrays."""
    middle = len(raw) // 3
    return raw[:middle] + bytes(b ^ 0xFF for b in raw[middle:middle + 16]) + raw[middle + 16:]


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2], lambda raw: raw[:-1], lambda raw: raw[:10], lambda raw: b"",
    corrupt, lambda raw: b"not a weights file at all",
])
def test_a_damaged_weights_file_is_a_value_error(tmp_path, damage):
    model = perceptron()
    path = tmp_path / "w.npz"
    model.save_weights(path)
    path.write_bytes(damage(path.read_bytes()))
    before = weights(model)
    with pytest.raises(ValueError, match="is not a readable weights file"):
        model.load_weights(path)
    assert_same_weights(model, before)


def test_a_missing_weights_file_is_file_not_found(tmp_path):
    model = perceptron()
    with pytest.raises(FileNotFoundError):
        model.load_weights(tmp_path / "nowhere.npz")


def test_weight_files_are_loaded_without_pickle(tmp_path):
    model = perceptron()
    before = weights(model)
    pickled = tmp_path / "pickled.npz"
    objects = np.empty(2, dtype=object)
    objects[:] = [np.ones((1, 2)), None]
    np.savez(pickled, **{"0.kernel": objects, "0.bias": np.zeros(1)})
    with pytest.raises(ValueError, match="Object arrays cannot be loaded when allow_pickle=False"):
        model.load_weights(pickled)
    single = tmp_path / "single.npy"
    np.save(single, np.ones((1, 2)))
    with pytest.raises(ValueError, match="a single array, not an .npz archive"):
        model.load_weights(single)
    assert_same_weights(model, before)
