"""The edges of Keras' training API (issue 11, sections 4 and 5): each either computes what Keras
computes, or raises a clear error before anything changes.

"Changes nothing" is checked on a model whose layers are not built yet (``Dense`` without
``input_dim``): after a failed ``fit`` no layer is built, no number has been drawn from the seeded
generator that initialises layers, and no optimizer exists.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import autograd_lite as ag
from autograd_lite import nn, optim
from autograd_lite.engine import ShapeError
from autograd_lite.nn import functional as F


def clusters(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(float)
    return X, y


def digits_like(n=30, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, size=n)
    X = np.eye(classes)[labels] * 3 + rng.normal(size=(n, classes))
    return X, labels


def unbuilt(units=1, activation="sigmoid", loss="binary_crossentropy", metrics=None, optimizer="adam"):
    """A model whose first layer learns its input size from the first batch (nothing built yet)."""
    model = nn.Sequential(nn.Dense(4, activation="relu"), nn.Dense(units, activation=activation))
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    return model


def snapshot(model):
    """Everything a failed call must leave as it was."""
    return (repr(model), model.optimizer, {k: v.copy() for k, v in model.state_dict().items()},
            nn.get_rng_state())


def assert_unchanged(model, before):
    after = snapshot(model)
    assert after[0] == before[0] and after[1] is before[1] and after[3] == before[3]
    assert list(after[2]) == list(before[2])
    for name in before[2]:
        assert_array_equal(after[2][name], before[2][name])


X2, Y2 = clusters()
X3, L3 = digits_like()


# ---- a failed fit leaves no trace ------------------------------------------------------------------
BAD_FITS = {
    "epochs=-1": (dict(), dict(epochs=-1), ValueError, "fit: invalid epochs -1; it must be an integer >= 0"),
    "epochs=2.5": (dict(), dict(epochs=2.5), TypeError, "fit: invalid epochs 2.5; it must be an integer"),
    "batch_size=0": (dict(), dict(batch_size=0), ValueError,
                     "fit: invalid batch_size 0; it must be an integer >= 1"),
    "batch_size=1.5": (dict(), dict(batch_size=1.5), TypeError,
                       "fit: invalid batch_size 1.5; it must be an integer"),
    "split leaves no training sample": (dict(), dict(validation_split=0.99), ValueError,
                                        r"validation_split=0.99 of 40 samples leaves 0 for training"),
    "validation_data=(X,)": (dict(), dict(validation_data=(X2,)), ValueError,
                             r"validation_data must be \(x_val, y_val\) or \(x_val, y_val, "
                             r"val_sample_weight\), or an iterable of batches; got tuple of 1 items"),
    "validation weights of another length": (
        dict(), dict(validation_data=(X2, Y2, Y2[:5])), ValueError,
        r"fit \(validation_data\): sample_weight must have one weight per"),
    "validation_data=X": (dict(), dict(validation_data=X2), ValueError, "got ndarray"),
    "callbacks=EarlyStopping": (dict(), dict(callbacks=nn.EarlyStopping), TypeError,
                                "fit: callbacks must be a list of Callback objects, not type"),
    "callbacks=[object()]": (dict(), dict(callbacks=[object()]), TypeError, r"callbacks\[0\] is .* not a"),
    "verbose=3": (dict(), dict(verbose=3), ValueError, "fit: verbose must be 0, 1, 2 or 'auto', not 3"),
    "shuffle='batch'": (dict(), dict(shuffle="batch"), TypeError,
                        "fit: invalid shuffle 'batch'; it must be True"),
    "seed=-1": (dict(), dict(seed=-1), ValueError, "fit: invalid seed -1; it must be an integer >= 0"),
    "monitor never logged": (dict(), dict(callbacks=[nn.EarlyStopping()]), ValueError,
                             r"monitor='val_loss' is not logged by this fit, which logs \['loss'\] "
                             r"\(val_ values need validation_data"),
    "1-D X": (dict(), dict(X=np.ones(40)), ValueError,   # (Dense takes inputs of any rank, as Keras')
              r"X must have one row per sample, .* got shape \(40,\) \(use X.reshape\(-1, 1\)"),
    "y of another shape": (dict(), dict(y=np.ones((40, 2))), ShapeError,
                           r"fit: binary_crossentropy: the prediction has shape \(40, 1\) but the target "
                           r"has shape \(40, 2\)"),
    "categorical CE of integer labels": (
        dict(units=3, activation="softmax", loss="categorical_crossentropy"), dict(X=X3, y=L3), ShapeError,
        r"fit: categorical_crossentropy: .* \(30, 3\) .* \(30,\).*use sparse_categorical_crossentropy"),
    "sparse label -1": (dict(units=3, activation="softmax", loss="sparse_categorical_crossentropy"),
                        dict(X=X3, y=np.where(np.arange(30) == 7, -1, L3)), ValueError,
                        r"class labels must be in \[0, 3\) for 3 classes, but the target contains \[-1\]"),
    "sparse label 3": (dict(units=3, activation="softmax", loss="sparse_categorical_crossentropy"),
                       dict(X=X3, y=np.where(np.arange(30) == 29, 3, L3)), ValueError,
                       r"but the target contains \[3\]"),
    "sparse label 1.5": (dict(units=3, activation="softmax", loss="sparse_categorical_crossentropy"),
                         dict(X=X3, y=np.where(np.arange(30) == 0, 1.5, L3)), ValueError,
                         r"class labels must be whole numbers, but the target contains \[1.5\]"),
    "validation labels out of range": (
        dict(units=3, activation="softmax", loss="sparse_categorical_crossentropy"),
        dict(X=X3, y=L3, validation_data=(X3, L3 + 1)), ValueError,
        r"fit \(validation_data\): sparse_categorical_crossentropy: .* contains \[3\]"),
    "metric of another shape": (  # a loss of your own is not run before training, but the metric is
        dict(units=2, activation="linear", loss=lambda y_true, y_pred: ag.mean(y_pred), metrics=["mae"]),
        dict(y=np.ones((40, 3))), ShapeError,
        r"fit: metric 'mae': .* \(40, 2\), \(40, 3\)"),
}


@pytest.mark.parametrize("case", sorted(BAD_FITS))
def test_a_failed_fit_builds_nothing_draws_nothing_and_creates_no_optimizer(case):
    """Keras raises these too (or, for a monitor never logged, warns every epoch and never stops):
    here every one is raised before the first layer is built."""
    model_options, fit_options, error, message = BAD_FITS[case]
    nn.manual_seed(0)
    model = unbuilt(**model_options)
    before = snapshot(model)
    arguments = {"X": X2, "y": Y2, "epochs": 2, "verbose": 0, **fit_options}
    with pytest.raises(error, match=message):
        model.fit(arguments.pop("X"), arguments.pop("y"), **arguments)
    assert_unchanged(model, before)
    assert not model[0].built and model.optimizer is None


def test_after_a_failed_fit_the_seeded_generator_is_where_it_was():
    """A failed fit draws nothing: the next model made gets the same weights as without it."""
    runs = []
    for fail_first in (False, True):
        nn.manual_seed(3)
        if fail_first:
            with pytest.raises(ShapeError):
                unbuilt().fit(X2, np.ones((40, 2)), verbose=0)
        model = unbuilt()
        model.fit(X2, Y2, epochs=2, verbose=0, seed=0)
        runs.append(model.state_dict())
    for name in runs[0]:
        assert_array_equal(runs[0][name], runs[1][name])


@settings(max_examples=25)
@given(st.integers(2, 5), st.data())
def test_every_sparse_label_out_of_range_is_rejected_before_training(classes, data):
    labels = np.array(data.draw(st.lists(st.integers(0, classes - 1), min_size=12, max_size=12)))
    bad = data.draw(st.one_of(st.integers(-3, -1), st.integers(classes, classes + 3)))
    labels[data.draw(st.integers(0, 11))] = bad
    model = unbuilt(units=classes, activation="softmax", loss="sparse_categorical_crossentropy")
    before = snapshot(model)
    with pytest.raises(ValueError, match=rf"must be in \[0, {classes}\) .* contains \[{bad}\]"):
        model.fit(np.ones((12, 2)), labels, verbose=0)
    assert_unchanged(model, before)


def test_whole_float_sparse_labels_train_as_the_integers_they_are():
    """Keras' sparse_categorical_crossentropy takes float labels such as 2.0."""
    histories = []
    for labels in (L3, L3.astype(float), L3.reshape(-1, 1).astype(float)):
        nn.manual_seed(0)
        model = unbuilt(units=3, activation="softmax", loss="sparse_categorical_crossentropy",
                        metrics=["accuracy"])
        histories.append(model.fit(X3, labels, epochs=3, batch_size=8, shuffle=False, verbose=0).history)
    assert histories[0] == histories[1] == histories[2]


# ---- compile ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("options, error, message", [
    (dict(metrics="accuracy"), ValueError, r"compile: metrics must be a list .* metrics=\['accuracy'\]"),
    (dict(metrics={"out": "accuracy"}), ValueError, "compile: metrics must be a list"),
    (dict(metrics=[3]), TypeError, "compile: each of metrics must be a name, a metric object or a"),
    (dict(optimizer=123), TypeError, r"compile: optimizer must be a name .* got 123 \(int\)"),
    (dict(optimizer=None), TypeError, "compile: optimizer must be"),
    (dict(loss=3), TypeError, r"compile: loss must be a Keras loss name .* not 3 \(int\)"),
    (dict(loss="binary_cross_entropy"), ValueError, "unknown loss 'binary_cross_entropy'"),
    (dict(metrics=["precisionn"]), ValueError, "compile: Could not interpret metric identifier: 'precision"),
])
def test_compile_checks_its_arguments_and_a_failed_compile_keeps_the_last_one(options, error, message):
    """Keras 3 rejects a lone metric string too ("Expected `metrics` argument to be a list")."""
    model = nn.Sequential(nn.Dense(1, input_dim=2, activation="sigmoid"))
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    with pytest.raises(error, match=message):
        model.compile(**{"optimizer": "adam", "loss": "binary_crossentropy", **options})
    kept = (model.loss, model.resolved_loss.name, model.metric_names, model._optimizer_spec)
    assert kept == ("mse", "mse", ["mae"], "sgd")


def test_an_optimizer_function_that_returns_something_else_is_a_type_error():
    model = nn.Sequential(nn.Dense(1, input_dim=2))
    model.compile(optimizer=lambda params: "adam", loss="mse")
    with pytest.raises(TypeError, match="returned str, not an optim.Optimizer"):
        model.fit(X2, Y2, verbose=0)


def test_an_optimizer_of_another_models_parameters_is_rejected_before_training():
    """It would have trained nothing, silently; a subset of the parameters (freezing) is fine."""
    model, other = nn.Sequential(nn.Dense(1, input_dim=2)), nn.Sequential(nn.Dense(1, input_dim=2))
    model.compile(optimizer=optim.SGD(other.parameters(), lr=0.1), loss="mse")
    before = snapshot(model)
    with pytest.raises(ValueError, match="fit: the optimizer given to compile updates none of this model's"):
        model.fit(X2, Y2, verbose=0)
    assert_unchanged(model, before)
    frozen_bias = model[0].bias.data.copy()
    model.compile(optimizer=optim.SGD([model[0].kernel], lr=0.1), loss="mse")
    model.fit(X2, Y2, verbose=0)
    assert_array_equal(model[0].bias.data, frozen_bias)
    assert model.optimizer.step_count == 2


# ---- losses: Keras' order for yours, the library's for its own ---------------------------------------
def keras_bce(y_true, y_pred):
    """Binary cross-entropy written as in Keras code: (y_true, y_pred)."""
    y_pred = ag.clip(y_pred, 1e-7, 1 - 1e-7)
    return -ag.mean(y_true * ag.log(y_pred) + (1 - y_true) * ag.log(1 - y_pred))


def test_a_loss_written_for_keras_trains_as_the_builtin_one():
    """Called (prediction, target), this loss took log of the labels: nan every epoch."""
    histories = []
    for loss in (keras_bce, "binary_crossentropy"):
        nn.manual_seed(0)
        model = nn.Sequential(nn.Dense(1, input_dim=2, activation="sigmoid"))
        model.compile(optimizer="adam", loss=loss)
        histories.append(model.fit(X2, Y2, epochs=5, batch_size=8, shuffle=False, verbose=0).history["loss"])
    assert all(math.isfinite(v) for v in histories[0])
    assert_allclose(histories[0], histories[1], rtol=1e-9)


@pytest.mark.parametrize("name", sorted(F.LOSSES))
def test_the_librarys_losses_by_name_and_as_functions_train_alike(name):
    """Its own functions are recognised and called (prediction, target), as everywhere in the library."""
    X, y = (X3, L3) if name == "sparse_categorical_crossentropy" else (X2, Y2)
    if name == "categorical_crossentropy":
        X, y = X3, np.eye(3)[L3]
    units = 3 if "categorical" in name else 1
    activation = {"binary_crossentropy": "sigmoid", "binary_crossentropy_from_logits": "linear",
                  "mse": "linear", "mean_squared_error": "linear", "hinge": "tanh"}.get(name, "softmax")
    histories = []
    for loss in (name, F.LOSSES[name]):
        nn.manual_seed(0)
        model = unbuilt(units=units, activation=activation, loss=loss)
        histories.append(model.fit(X, y, epochs=3, batch_size=8, shuffle=False, verbose=0).history["loss"])
    assert histories[0] == histories[1] and all(math.isfinite(v) for v in histories[0])


# ---- evaluate computes the loss as fit does -----------------------------------------------------------
SATURATED = [
    ("binary_crossentropy", "sigmoid", lambda z: np.mean(np.logaddexp(0, z[:, 0]) - Y2 * z[:, 0]), Y2),
    ("categorical_crossentropy", "softmax", None, None),
    ("sparse_categorical_crossentropy", "softmax", None, None),
]


@pytest.mark.parametrize("loss, activation, _, __", SATURATED, ids=[case[0] for case in SATURATED])
def test_evaluate_and_fit_agree_on_saturated_outputs(loss, activation, _, __):
    """Weights large enough that σ and softmax round to exactly 0 and 1: from the logits, the loss is
    the exact softplus / log-sum-exp one (as in Keras), in fit and in evaluate alike (16.1 vs 40.0)."""
    classes = 1 if activation == "sigmoid" else 3
    X, y = (X2, Y2) if classes == 1 else (X3, np.eye(3)[L3] if loss.startswith("categorical") else L3)
    model = nn.Sequential(nn.Dense(classes, input_dim=X.shape[1], activation=activation))
    model[0].kernel.data = np.full((X.shape[1], classes), 1.0) * np.linspace(-300, 300, classes) \
        if classes > 1 else np.array([[-300.0], [-200.0]])
    model.compile(optimizer=lambda params: optim.SGD(params, lr=0.0), loss=loss)
    z = X @ model[0].kernel.data
    if classes == 1:
        exact = np.mean(np.logaddexp(0, z[:, 0]) - y * z[:, 0])
    else:
        log_p = z - np.logaddexp.reduce(z, axis=1, keepdims=True)
        exact = -np.mean(log_p[np.arange(len(X)), L3])
    assert exact > 20                                       # beyond the clip at -log(1e-7) ≈ 16.1
    fitted = model.fit(X, y, epochs=1, batch_size=len(X), shuffle=False, verbose=0).history["loss"][0]
    assert_allclose(fitted, exact, rtol=1e-9)
    assert_allclose(model.evaluate(X, y, batch_size=len(X), verbose=0), exact, rtol=1e-9)
    assert_allclose(model.evaluate(X, y, verbose=0), exact, rtol=1e-9)      # in batches of 32


def test_evaluate_returns_a_float_without_metrics_and_a_list_with_them():
    """Keras: "Scalar test loss (if the model has a single output and no metrics)"."""
    model = nn.Sequential(nn.Dense(1, input_dim=2, activation="sigmoid"))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    loss = model.evaluate(X2, Y2, verbose=0)
    assert type(loss) is float
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    accuracy = np.mean((model.predict(X2)[:, 0] > 0.5) == Y2)
    assert model.evaluate(X2, Y2, verbose=0) == [loss, pytest.approx(accuracy)]


@pytest.mark.parametrize("call, message", [
    (lambda m: m.evaluate(X2, Y2, batch_size=0), "evaluate: invalid batch_size 0; it must be an integer"),
    (lambda m: m.evaluate(X2, Y2, verbose="loud"), "evaluate: verbose must be"),
    (lambda m: m.predict(X2, batch_size=-2), "predict: invalid batch_size -2; it must be an integer >= 1"),
    (lambda m: m.predict(np.ones(4)), r"predict: X must have one row per sample"),
])
def test_evaluate_and_predict_check_their_arguments(call, message):
    model = unbuilt()
    before = snapshot(model)
    with pytest.raises(ValueError, match=message):
        call(model)
    assert_unchanged(model, before)


def test_fit_batch_size_none_is_keras_32_and_arguments_go_in_keras_order():
    model = nn.Sequential(nn.Dense(1, input_dim=2))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X2, Y2, None, 2, 0)                     # x, y, batch_size, epochs, verbose
    assert model.optimizer.step_count == 2 * math.ceil(40 / 32)


# ---- an epoch stopped mid-way, and the best weights at the end -----------------------------------------
class StopAfter(nn.Callback):
    def __init__(self, batches):
        self.batches, self.losses = batches, []

    def on_batch_end(self, batch, logs):
        self.losses.append(logs["loss"])
        if batch + 1 == self.batches:
            self.model.stop_training = True


def test_the_loss_of_an_epoch_stopped_mid_way_is_the_mean_over_the_batches_run():
    """Keras averages the loss over the samples of the batches that ran: a batch's logs are the
    running mean so far (Keras 3), so the epoch's is the last batch's, the mean of the batches' own."""
    model = nn.Sequential(nn.Dense(1, input_dim=2, activation="sigmoid"))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    stopper = StopAfter(3)
    own = []
    model.train_step = lambda data: (own.append(float(model.compute_loss(data[0], data[1], model(data[0])))),
                                     nn.Sequential.train_step(model, data))[1]
    history = model.fit(X2, Y2, epochs=4, batch_size=8, callbacks=[stopper], verbose=0)
    assert history.epoch == [0] and len(stopper.losses) == 3
    assert history.history["loss"][0] == stopper.losses[-1] == pytest.approx(np.mean(own), rel=1e-12)
    assert stopper.losses[0] == pytest.approx(own[0], rel=1e-12)


def test_a_lone_callback_is_taken_as_a_list_of_one_as_keras_3_does():
    model = nn.Sequential(nn.Dense(1, input_dim=2, activation="sigmoid"))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    stopper = StopAfter(2)
    history = model.fit(X2, Y2, epochs=4, batch_size=8, callbacks=stopper, verbose=0)
    assert history.epoch == [0] and len(stopper.losses) == 2


class Recorder(nn.Callback):
    def on_train_begin(self, logs=None):
        self.weights = []

    def on_epoch_end(self, epoch, logs):
        self.weights.append(self.model.state_dict())


@pytest.mark.parametrize("stopped_by", ["running out of epochs", "another callback"])
def test_early_stopping_restores_the_best_weights_whenever_training_ends(stopped_by):
    """Keras 3's EarlyStopping.on_train_end restores the best weights if it has them."""
    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 1))
    model.compile(loss="mse", optimizer=lambda params: optim.SGD(params, lr=0.05))   # diverges
    recorder = Recorder()
    stopper = nn.EarlyStopping(monitor="loss", patience=100, restore_best_weights=True)
    callbacks = [recorder, stopper] + ([StopAfter(2 * 2)] if stopped_by == "another callback" else [])
    history = model.fit(X2 * 10, Y2, epochs=3, batch_size=20, callbacks=callbacks, verbose=0)
    losses = history.history["loss"]
    best = int(np.argmin(losses))
    assert stopper.stopped_epoch is None and best < len(losses) - 1
    for name, array in recorder.weights[best].items():
        assert_array_equal(model.state_dict()[name], array)


@pytest.mark.parametrize("options, error, message", [
    (dict(patience=-1), ValueError, "patience must be a whole number of epochs, at least 0, not -1"),
    (dict(patience=1.5), ValueError, "patience must be"),
    (dict(mode="lowest"), ValueError, "mode must be 'auto', 'min' or 'max', not 'lowest'"),
    (dict(monitor=3), TypeError, "monitor must be the name of a logged value"),
    (dict(monitor=""), TypeError, "monitor must be"),
    (dict(min_delta=math.nan), ValueError, "min_delta must be a finite number"),
    (dict(min_delta="0.1"), ValueError, "min_delta must be"),
    (dict(restore_best_weights="yes"), TypeError, "restore_best_weights must be True or False"),
])
def test_early_stopping_checks_its_arguments(options, error, message):
    with pytest.raises(error, match=f"EarlyStopping: {message}"):
        nn.EarlyStopping(**options)


def test_early_stopping_auto_mode_maximises_accuracy_only():
    assert nn.EarlyStopping(monitor="val_accuracy").sign == nn.EarlyStopping(monitor="acc").sign == -1.0
    assert nn.EarlyStopping(monitor="val_mae").sign == nn.EarlyStopping(monitor="loss").sign == 1.0


def test_a_keras_loss_of_one_value_per_sample_is_averaged_as_keras_does():
    """Keras reduces a loss of your own by its mean (the default "sum_over_batch_size")."""
    def per_sample(y_true, y_pred):
        return ((y_pred - y_true) ** 2).mean(axis=-1)   # the example of Keras' own docs

    ours = nn.Sequential(nn.Dense(1, input_dim=2))
    ours.compile(optimizer="sgd", loss=per_sample)
    reference = nn.Sequential(nn.Dense(1, input_dim=2))
    reference.compile(optimizer="sgd", loss="mse")
    ours(X2[:1]), reference(X2[:1])   # build both, then give them the same weights
    reference.load_state_dict(ours.state_dict())
    a = ours.fit(X2, Y2, epochs=2, batch_size=8, shuffle=False, verbose=0).history["loss"]
    b = reference.fit(X2, Y2, epochs=2, batch_size=8, shuffle=False, verbose=0).history["loss"]
    assert a == pytest.approx(b, rel=1e-12)


@pytest.mark.parametrize("loss, error, message", [
    (lambda y_true, y_pred: np.mean((np.asarray(y_pred) - y_true) ** 2), TypeError, "not a Tensor"),
    (lambda y_true, y_pred: y_pred[:, 5].sum(), RuntimeError, "raised IndexError on an output of shape"),
])
def test_a_loss_of_your_own_that_cannot_train_fails_before_anything_is_built(loss, error, message):
    model = nn.Sequential(nn.Dense(4), nn.Dense(1))
    model.compile(optimizer="adam", loss=loss)
    state = nn.get_rng_state()
    with pytest.raises(error, match=message):
        model.fit(X2, Y2, verbose=0)
    assert not model[0].built and model.optimizer is None
    assert nn.get_rng_state() == state
