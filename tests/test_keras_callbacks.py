"""Keras 3's callbacks (``autograd_lite.nn.callbacks``): every hook, ``CallbackList``, ``History``,
``ProgbarLogger``, ``EarlyStopping``, ``TerminateOnNaN``, ``ModelCheckpoint``, ``ReduceLROnPlateau``,
``LearningRateScheduler``, ``LambdaCallback`` (the ones that write files are in
``tests/test_keras_callbacks_files.py``).

The callbacks that decide (stop, save, change the rate) are compared with Keras' own: both are
driven through the same sequences of logs, Keras' with a stand-in model that records what it is
asked to do, ours with a small real model, and they must decide the same at every epoch. The rest
is driven through the hooks directly and through ``fit``.
"""

import io
import math
import sys

import numpy as np
import pytest
from callback_helpers import KerasStandIn, data, drive, sequences, small_model
from numpy.testing import assert_array_equal

import autograd_lite as ag
import autograd_lite.keras  # noqa: F401  (ag.keras)
from autograd_lite import nn
from autograd_lite.nn import callbacks as cb


@pytest.fixture(scope="module")
def keras():
    from keras_reference import keras

    return keras


# ---- Callback, CallbackList, History --------------------------------------------------------------
def test_callback_has_every_keras_hook_and_the_batch_aliases_are_keras(keras):
    ours = {name for name in dir(nn.Callback) if name.startswith(("on_", "set_"))}
    theirs = {name for name in dir(keras.callbacks.Callback) if name.startswith(("on_", "set_"))}
    assert ours == theirs
    seen = []

    class Old(nn.Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch, logs))

        def on_batch_end(self, batch, logs=None):
            seen.append(("end", batch, logs))

    Old().on_train_batch_begin(3)
    Old().on_train_batch_end(3, {"loss": 1.0})
    assert seen == [("begin", 3, None), ("end", 3, {"loss": 1.0})]
    for name in sorted(ours - {"set_model", "set_params"}):   # the defaults do nothing
        args = (0, {}) if "batch" in name or "epoch" in name else ({},)
        assert getattr(nn.Callback(), name)(*args) is None


def test_callback_list_calls_every_callback_in_order_with_one_copy_of_the_logs():
    calls = []

    class Note(nn.Callback):
        def __init__(self, tag):
            self.tag = tag

        def on_epoch_end(self, epoch, logs=None):
            calls.append((self.tag, epoch, dict(logs)))
            logs[f"from_{self.tag}"] = 1.0   # what the next ones see

        def on_test_batch_end(self, batch, logs=None):
            calls.append((self.tag, "test", batch, dict(logs)))

    model = small_model()
    given = {"loss": np.float64(0.5), "acc": ag.tensor(0.25), "nested": {"x": np.array(2.0)}}
    callbacks = cb.CallbackList([Note("a"), [Note("b")]], model=model, verbose=0, epochs=2, steps=3)
    callbacks.on_epoch_end(1, given)
    callbacks.on_test_batch_end(0, {"loss": 1})
    assert calls == [("a", 1, {"loss": 0.5, "acc": 0.25, "x": 2.0}),
                     ("b", 1, {"loss": 0.5, "acc": 0.25, "x": 2.0, "from_a": 1.0}),
                     ("a", "test", 0, {"loss": 1.0}), ("b", "test", 0, {"loss": 1.0})]
    assert type(calls[0][2]["loss"]) is float and "from_a" not in given   # converted, and a copy
    assert [c.model for c in callbacks.callbacks] == [model, model]
    assert callbacks.callbacks[0].params == {"verbose": 0, "epochs": 2, "steps": 3}
    assert callbacks.history is None


def test_callback_list_adds_history_and_progbar_once_and_gives_the_model_its_history():
    model = small_model()
    history, progbar = nn.History(), cb.ProgbarLogger()
    mine = cb.CallbackList([history, progbar], add_history=True, add_progbar=True, model=model)
    assert mine.callbacks == [history, progbar] and mine.history is history and model.history is history
    added = cb.CallbackList(nn.TerminateOnNaN(), add_history=True, add_progbar=True, model=model,
                            verbose=2, epochs=3, steps=5)
    kinds = [type(c) for c in added.callbacks]
    assert kinds == [nn.TerminateOnNaN, nn.History, cb.ProgbarLogger] and model.history is added.history
    assert (added.callbacks[2].verbose, added.callbacks[2].epochs, added.callbacks[2].steps) == (2, 3, 5)
    added.append(nn.TerminateOnNaN())
    assert len(added.callbacks) == 4
    assert cb.CallbackList().callbacks == [] and cb.CallbackList(add_history=True).history is not None
    with pytest.raises(TypeError, match=r"CallbackList: callbacks\[1\] is 3 \(int\), not a Callback"):
        cb.CallbackList([nn.History(), 3])
    with pytest.raises(TypeError, match="fit: callbacks must be a list of Callback objects, not dict"):
        cb.callback_list({})


def test_history_keeps_the_values_of_every_fit_it_sees_as_keras_does(keras):
    ours, theirs = nn.History(), keras.callbacks.History()
    for history in (ours, theirs):
        history.set_model(KerasStandIn(keras))
        for run in range(2):
            history.on_train_begin()
            for epoch in range(2):
                history.on_epoch_end(epoch, {"loss": run + epoch / 10})
    assert ours.history == theirs.history == {"loss": [0, 0.1, 1, 1.1]}
    assert ours.epoch == theirs.epoch == [0, 1]


# ---- ProgbarLogger ----------------------------------------------------------------------------------
class Terminal(io.StringIO):
    def isatty(self):
        return True


def run_epochs(logger, epochs=2, steps=4, val=True):
    logger.set_params({"verbose": logger.verbose, "epochs": epochs, "steps": steps})
    logger.on_train_begin()
    for epoch in range(epochs):
        logger.on_epoch_begin(epoch)
        for step in range(steps):
            logger.on_train_batch_begin(step)
            logger.on_train_batch_end(step, {"loss": 1.0 / (step + 1)})
        logger.on_test_begin()   # validation: silent inside fit
        logger.on_test_batch_end(0, {"loss": 9.0})
        logger.on_test_end({"loss": 9.0})
        logger.on_epoch_end(epoch, {"loss": 0.5, **({"val_loss": 0.75} if val else {})})
    logger.on_train_end()


@pytest.mark.parametrize("verbose", [1, 2, "auto"])
def test_progbar_off_a_terminal_prints_one_line_per_epoch(capsys, verbose):
    logger = cb.ProgbarLogger()
    logger.verbose = verbose
    run_epochs(logger)
    assert capsys.readouterr().out == ("Epoch 1/2 - loss: 0.5000 - val_loss: 0.7500\n"
                                       "Epoch 2/2 - loss: 0.5000 - val_loss: 0.7500\n")


def test_progbar_on_a_terminal_draws_a_bar_over_each_epochs_steps(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    logger = cb.ProgbarLogger()
    run_epochs(logger, epochs=2, steps=4)
    out = terminal.getvalue()
    assert out.count("Epoch 1/2\n") == out.count("Epoch 2/2\n") == 1
    assert "4/4" in out and "5/4" not in out and "loss: 0.5000, val_loss: 0.7500" not in out
    assert "loss: 0.5000 - val_loss: 0.7500" in out and "9.0000" not in out   # validation is silent
    assert out.index("Epoch 1/2") < out.index("4/4") < out.index("Epoch 2/2")
    assert logger.bar is None


def test_progbar_on_a_terminal_learns_unknown_steps_from_the_first_epoch(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    logger = cb.ProgbarLogger()
    logger.set_params({"verbose": 1, "epochs": 1, "steps": None})
    logger.on_epoch_begin(0)
    for step in range(3):
        logger.on_train_batch_end(step, {"loss": 1.0})
    logger.on_epoch_end(0, {"loss": 1.0})
    assert logger.steps == 3 and "3/3" in terminal.getvalue() and "Epoch 1/1" not in terminal.getvalue()


def test_progbar_for_evaluate_and_predict(capsys, monkeypatch):
    logger = cb.ProgbarLogger()
    logger.set_params({"verbose": 1, "epochs": 1, "steps": 2})
    logger.on_test_begin()
    logger.on_test_batch_end(0, {"loss": 1.0})
    logger.on_test_end({"loss": 0.25, "accuracy": 1.0})
    logger.on_predict_begin()
    logger.on_predict_batch_end(0, {"outputs": np.ones((2, 1))})
    logger.on_predict_end()
    assert capsys.readouterr().out == "loss: 0.2500 - accuracy: 1.0000\n"   # predict: nothing
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    logger.on_predict_begin()
    for step in range(2):
        logger.on_predict_batch_end(step, {"outputs": np.ones((2, 1))})
    logger.on_predict_end()
    assert "2/2" in terminal.getvalue() and "outputs" not in terminal.getvalue()


def test_progbar_through_fit_on_a_terminal(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    x, y = data()
    small_model().fit(x, y, batch_size=4, epochs=2, validation_split=0.25, verbose=1)
    out = terminal.getvalue()
    assert "Epoch 1/2\n" in out and "Epoch 2/2\n" in out and "3/3" in out and "val_loss: " in out


# ---- EarlyStopping and TerminateOnNaN --------------------------------------------------------------
EARLY = [
    dict(monitor="loss", patience=0),
    dict(monitor="loss", patience=2, min_delta=0.01),
    dict(monitor="loss", patience=3, start_from_epoch=4),
    dict(monitor="loss", patience=2, baseline=0.84),
    dict(monitor="val_auc", mode="max", patience=1, min_delta=0.001),
    dict(monitor="val_auc", mode="max", patience=3, baseline=0.65),
]


@pytest.mark.parametrize("options", EARLY, ids=[str(o) for o in EARLY])
def test_early_stopping_stops_when_keras_stops(keras, options):
    stopped = 0
    for sequence in sequences():
        ours = drive(nn.EarlyStopping(**options), small_model(), sequence, options["monitor"])
        reference = keras.callbacks.EarlyStopping(**options)
        assert ours == drive(reference, KerasStandIn(keras), sequence, options["monitor"]), sequence
        stopped += len(ours) < len(sequence)
    assert stopped, "no sequence stops early: the case tests nothing"


def test_early_stopping_restores_the_best_weights_and_says_so(capsys):
    model = small_model()
    stopper = nn.EarlyStopping(monitor="loss", patience=1, verbose=1, restore_best_weights=True)
    stopper.set_model(model)
    stopper.on_train_begin()
    weights = []
    for epoch, loss in enumerate([1.0, 0.5, 0.7, 0.8]):
        model.set_weights([w + 1 for w in model.get_weights()])
        weights.append(model.get_weights())
        stopper.on_epoch_end(epoch, {"loss": loss})
        if model.stop_training:
            break
    stopper.on_train_end()
    assert epoch == 2 and stopper.stopped_epoch == 2 and stopper.best_epoch == 1
    for got, expected in zip(model.get_weights(), weights[1]):
        assert_array_equal(got, expected)
    assert capsys.readouterr().out == ("Epoch 3: early stopping\n"
                                       "Restoring model weights from the end of the best epoch: 2.\n")


def test_terminate_on_nan_raises_when_asked_and_ignores_logs_without_a_loss():
    model = small_model()
    stopper = nn.TerminateOnNaN(raise_error=True)
    stopper.set_model(model)
    stopper.on_train_batch_end(0, {"accuracy": math.nan})
    stopper.on_train_batch_end(1, None)
    assert not model.stop_training
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 2. Loss value: inf"):
        stopper.on_train_batch_end(2, {"loss": math.inf})
    assert not model.stop_training


# ---- ReduceLROnPlateau and LearningRateScheduler -----------------------------------------------------
PLATEAUS = [
    dict(monitor="loss", patience=1, factor=0.5),
    dict(monitor="loss", patience=2, factor=0.5, cooldown=2, min_lr=0.02),
    dict(monitor="loss", patience=1, factor=0.5, cooldown=3),
    dict(monitor="loss", patience=0, factor=0.1, min_delta=0.01, min_lr=1e-4),
    dict(monitor="val_auc", mode="max", patience=1, factor=0.2, cooldown=1),
]


@pytest.mark.parametrize("options", PLATEAUS, ids=[str(o) for o in PLATEAUS])
def test_reduce_lr_on_plateau_changes_the_rate_as_keras_does(keras, options):
    for sequence in sequences():
        ours = drive(nn.callbacks.ReduceLROnPlateau(**options), small_model(lr=0.1), sequence,
                     options["monitor"])
        theirs = drive(keras.callbacks.ReduceLROnPlateau(**options), KerasStandIn(keras, lr=0.1), sequence,
                       options["monitor"])
        assert [stop for stop, _ in ours] == [stop for stop, _ in theirs]
        np.testing.assert_allclose([lr for _, lr in ours], [lr for _, lr in theirs], rtol=1e-12)
        assert len({lr for _, lr in ours}) > 1, "the rate never changed: the case tests nothing"


def test_reduce_lr_on_plateau_reduces_every_group_from_its_own_rate_and_logs_them(capsys):
    model = small_model(groups=lambda params: [{"params": params[:1], "name": "kernel"},
                                               {"params": params[1:], "lr": 0.01}])
    reducer = nn.callbacks.ReduceLROnPlateau(monitor="loss", patience=0, factor=0.5, min_lr=0.008,
                                             verbose=1)
    reducer.set_model(model)
    reducer.on_train_begin()
    logs = [{"loss": 1.0}, {"loss": 1.0}, {"loss": 1.0}]
    for epoch, log in enumerate(logs):
        reducer.on_epoch_end(epoch, log)
    assert [g["lr"] for g in model.optimizer.param_groups] == [0.025, 0.008]
    assert logs[1] == {"loss": 1.0, "learning_rate_kernel": 0.1, "learning_rate_1": 0.01}
    assert capsys.readouterr().out == (
        "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.05.\n"
        "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.008.\n"
        "\nEpoch 3: ReduceLROnPlateau reducing learning rate to 0.025.\n")


def test_the_rate_callbacks_need_an_optimizer():
    model = nn.Sequential(nn.Dense(1, input_dim=2))
    model.compile(optimizer="sgd", loss="mse")   # the optimizer is made when fit starts
    for callback in (nn.callbacks.ReduceLROnPlateau(), nn.callbacks.LearningRateScheduler(lambda e, lr: lr)):
        callback.set_model(model)
        with pytest.raises(RuntimeError, match="the model has no optimizer yet"):
            callback.on_epoch_begin(0) if isinstance(callback, nn.callbacks.LearningRateScheduler) \
                else callback.on_epoch_end(0, {"val_loss": 1.0})


def test_learning_rate_scheduler_sets_the_rate_as_keras_does(keras, capsys):
    def schedule(epoch, lr):
        return lr if epoch < 2 else lr * 0.5

    theirs = KerasStandIn(keras, lr=0.1)
    theirs_logs = [{"loss": 1.0} for _ in range(4)]   # Keras replaces an empty dict by a new one
    ours, ours_logs = small_model(lr=0.1), [{"loss": 1.0} for _ in range(4)]
    for model, callback, logs in ((theirs, keras.callbacks.LearningRateScheduler(schedule), theirs_logs),
                                  (ours, nn.callbacks.LearningRateScheduler(schedule, verbose=1), ours_logs)):
        callback.set_model(model)
        for epoch, log in enumerate(logs):
            callback.on_epoch_begin(epoch)
            callback.on_epoch_end(epoch, log)
    assert [log["learning_rate"] for log in ours_logs] == pytest.approx(
        [log["learning_rate"] for log in theirs_logs], rel=1e-12)
    assert ours_logs[-1]["learning_rate"] == 0.025
    assert capsys.readouterr().out.splitlines()[-1] == \
        "Epoch 4: LearningRateScheduler setting learning rate to 0.025."


def test_learning_rate_scheduler_takes_a_schedule_of_the_epoch_alone_and_checks_what_it_returns():
    model = small_model(groups=lambda params: [{"params": params[:1]}, {"params": params[1:], "lr": 0.5}])
    for bad in (-1.0, math.nan, "0.1", None, np.ones(2), True):   # the first group's rate is good
        scheduler = nn.callbacks.LearningRateScheduler(lambda epoch, lr, bad=bad: 0.2 if lr < 0.4 else bad)
        scheduler.set_model(model)
        with pytest.raises(ValueError, match=r"schedule\(0, 0.5\) returned .*; it must return a learning"):
            scheduler.on_epoch_begin(0)
        assert [g["lr"] for g in model.optimizer.param_groups] == [0.1, 0.5]   # neither changed
    scheduler = nn.callbacks.LearningRateScheduler(lambda epoch: 0.125 * (epoch + 1))
    scheduler.set_model(model)
    scheduler.on_epoch_begin(1)
    assert [g["lr"] for g in model.optimizer.param_groups] == [0.25, 0.25]
    scheduler = nn.callbacks.LearningRateScheduler(lambda epoch, lr: np.float32(lr * 2))
    scheduler.set_model(model)
    scheduler.on_epoch_begin(0)
    assert [g["lr"] for g in model.optimizer.param_groups] == [0.5, 0.5]


def test_learning_rate_scheduler_through_fit():
    x, y = data()
    model = small_model(lr=0.1)
    scheduler = nn.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0, callbacks=[scheduler])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3], rel=1e-15)
    assert model.optimizer.param_groups[0]["lr"] == pytest.approx(0.1 / 3, rel=1e-15)


def test_lambda_callback_runs_the_functions_it_is_given_at_their_hooks():
    seen = []
    callback = nn.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(("epoch", epoch)),
                                           on_train_batch_end=lambda batch, logs: seen.append(("b", batch)),
                                           on_test_end=lambda logs: seen.append(("test", logs)))
    callbacks = cb.CallbackList([callback])
    callbacks.on_train_begin()
    callbacks.on_train_batch_end(0, {"loss": 1.0})
    callbacks.on_epoch_end(0, {"loss": 1.0})
    callbacks.on_test_end({"loss": 2.0})
    assert seen == [("b", 0), ("epoch", 0), ("test", {"loss": 2.0})]


def test_lambda_callback_through_fit_sees_keras_running_averages():
    x, y = data()
    batches, epochs = [], []
    record = nn.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append(logs["loss"]),
                                         on_epoch_end=lambda epoch, logs: epochs.append(logs["loss"]))
    small_model().fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0, callbacks=record)
    assert len(batches) == 4 and epochs == [batches[-1]]


# ---- the keras namespace ---------------------------------------------------------------------------------
def test_the_keras_namespace_has_keras_callbacks(keras):
    names = {"RemoteMonitor", "SwapEMAWeights", "TensorBoard", "OrbaxCheckpoint"}
    expected = {name for name in dir(keras.callbacks) if not name.startswith("_")} - names
    assert expected <= set(ag.keras.callbacks.__all__)
    for name in expected:
        assert getattr(ag.keras.callbacks, name) is getattr(nn.callbacks, name)
    for name in ("Callback", "History", "EarlyStopping", "TerminateOnNaN"):
        assert getattr(nn, name) is getattr(nn.callbacks, name)
    assert cb.ProgressLogger is cb.ProgbarLogger   # the old name


# ---- every argument is checked where it is given -----------------------------------------------------
C = nn.callbacks
BAD_ARGUMENTS = [
    (C.EarlyStopping, dict(baseline="1"), ValueError, "baseline must be a finite number or None"),
    (C.EarlyStopping, dict(baseline=math.inf), ValueError, "baseline must be"),
    (C.EarlyStopping, dict(start_from_epoch=-1), ValueError, "start_from_epoch must be a whole number of"),
    (C.EarlyStopping, dict(verbose=-1), ValueError, "verbose must be 0"),
    (C.ModelCheckpoint, dict(filepath="m.h5"), ValueError, "filepath must end in '.keras'"),
    (C.ModelCheckpoint, dict(filepath="m.weights.h5"), ValueError, "filepath must end in '.keras'"),
    (C.ModelCheckpoint, dict(filepath=3), TypeError, "filepath must be a path"),
    (C.ModelCheckpoint, dict(filepath=""), TypeError, "filepath must be a path"),
    (C.ModelCheckpoint, dict(filepath="m{epoch.keras"), ValueError, "filepath .* is not a valid format"),
    (C.ModelCheckpoint, dict(filepath="m{}.keras"), ValueError, "filepath .* may only name its fields"),
    (C.ModelCheckpoint, dict(filepath="m.keras", save_freq=0), ValueError,
     "save_freq must be 'epoch' or a number of batches"),
    (C.ModelCheckpoint, dict(filepath="m.keras", save_freq="batch"), ValueError, "save_freq must be"),
    (C.ModelCheckpoint, dict(filepath="m.keras", save_freq=2.0), ValueError, "save_freq must be"),
    (C.ModelCheckpoint, dict(filepath="m.keras", save_best_only=1), TypeError, "save_best_only must be True"),
    (C.ModelCheckpoint, dict(filepath="m.keras", mode="up"), ValueError, "mode must be 'auto', 'min' or"),
    (C.ModelCheckpoint, dict(filepath="m.keras", initial_value_threshold="0"), ValueError,
     "initial_value_threshold must"),
    (C.ReduceLROnPlateau, dict(factor=1.0), ValueError, r"factor must be a number in \[0, 1\)"),
    (C.ReduceLROnPlateau, dict(factor=-0.5), ValueError, "factor must be"),
    (C.ReduceLROnPlateau, dict(min_lr=-1.0), ValueError, "min_lr must be at least 0"),
    (C.ReduceLROnPlateau, dict(patience=1.5), ValueError, "patience must be a whole number of epochs"),
    (C.ReduceLROnPlateau, dict(cooldown=-1), ValueError, "cooldown must be a whole number of epochs"),
    (C.ReduceLROnPlateau, dict(min_delta=math.nan), ValueError, "min_delta must be a finite number"),
    (C.LearningRateScheduler, dict(schedule=0.1), TypeError, "schedule must be a function of"),
    (C.LearningRateScheduler, dict(schedule=lambda: 0.1), TypeError, r"schedule must take \(epoch, lr\) or"),
    (C.LearningRateScheduler, dict(schedule=abs, verbose="1"), ValueError, "verbose must be 0"),
    (C.CSVLogger, dict(filename=3), TypeError, "filename must be a path"),
    (C.CSVLogger, dict(filename="a", separator=", "), ValueError, "separator must be one character"),
    (C.CSVLogger, dict(filename="a", append="yes"), TypeError, "append must be True or False"),
    (C.LambdaCallback, dict(on_epoch_ending=print), TypeError, "'on_epoch_ending' is not a hook of Callback"),
    (C.LambdaCallback, dict(on_epoch_end=3), TypeError, "on_epoch_end must be a function or None"),
    (C.TerminateOnNaN, dict(raise_error="no"), TypeError, "raise_error must be True or False"),
    (C.BackupAndRestore, dict(backup_dir=""), ValueError, "backup_dir must name a folder"),
    (C.BackupAndRestore, dict(backup_dir="b", save_freq=-2), ValueError, "save_freq must be 'epoch' or"),
    (C.BackupAndRestore, dict(backup_dir="b", delete_checkpoint=0), TypeError, "delete_checkpoint must be"),
]


@pytest.mark.parametrize("kind, options, error, message", BAD_ARGUMENTS,
                         ids=[f"{kind.__name__}-{sorted(options)}-{index}"   # (no reprs of functions: xdist)
                              for index, (kind, options, _, _) in enumerate(BAD_ARGUMENTS)])
def test_a_bad_argument_is_refused_when_the_callback_is_made(kind, options, error, message):
    with pytest.raises(error, match=f"{kind.__name__}: {message}"):
        kind(**options)


# ---- the hooks fit, evaluate and predict call, in Keras' order -----------------------------------------
def recorder(base):
    class Recorder(base):
        def __init__(self):
            super().__init__()
            self.calls = []

    for hook in (name for name in dir(nn.Callback) if name.startswith("on_")):
        def record(self, *args, logs=None, hook=hook):
            logs = args[-1] if len(args) == 2 or (args and isinstance(args[0], dict)) else logs
            self.calls.append((hook, *args[:1 if args and isinstance(args[0], int) else 0],
                               tuple(sorted(logs or ()))))

        setattr(Recorder, hook, record)
    return Recorder()


def test_fit_evaluate_and_predict_call_the_hooks_keras_calls_in_keras_order(keras):
    """Each hook, its epoch or batch, and the names it logs (fit's validation calls the test hooks)."""
    x, y = data(n=8)
    runs = {}
    for name, model in (("ours", nn.Sequential(nn.Dense(1, input_dim=2))),
                        ("keras", keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]))):
        model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        record = recorder(nn.Callback if name == "ours" else keras.callbacks.Callback)
        model.fit(x[:6], y[:6], batch_size=3, epochs=2, validation_data=(x[6:], y[6:]), verbose=0,
                  shuffle=False, callbacks=[record])
        model.evaluate(x, y, batch_size=4, verbose=0, callbacks=[record])
        model.predict(x, batch_size=8, verbose=0, callbacks=[record])
        runs[name] = record.calls
    assert runs["ours"] == runs["keras"]
