"""Keras 3's callbacks that write files — ``ModelCheckpoint``, ``CSVLogger``, ``BackupAndRestore`` —
compared with Keras' own where they decide, and driven through the hooks and through ``fit``
(the others are in ``tests/test_keras_callbacks.py``)."""

import csv
import io
import math
import os
import zipfile

import numpy as np
import pytest
from callback_helpers import KerasStandIn, data, drive, sequences, small_model
from numpy.testing import assert_array_equal

import autograd_lite.keras  # noqa: F401  (ag.keras)
from autograd_lite import nn
from autograd_lite.nn import callbacks as cb


@pytest.fixture(scope="module")
def keras():
    from keras_reference import keras

    return keras


# ---- ModelCheckpoint ----------------------------------------------------------------------------
CHECKPOINTS = [
    dict(monitor="loss", save_best_only=True),
    dict(monitor="val_auc", mode="max", save_best_only=True),
    dict(monitor="loss", save_best_only=True, initial_value_threshold=0.87),
    dict(monitor="loss"),
]


@pytest.mark.parametrize("options", CHECKPOINTS, ids=[str(o) for o in CHECKPOINTS])
def test_model_checkpoint_saves_when_keras_saves(keras, tmp_path, options):
    saves = 0
    for index, sequence in enumerate(sequences()):
        name = f"{index}-{{epoch:02d}}-{{{options['monitor']}:.4f}}.weights.h5"
        theirs = KerasStandIn(keras)
        drive(keras.callbacks.ModelCheckpoint(str(tmp_path / name), save_weights_only=True, **options),
              theirs, sequence, options["monitor"])
        checkpoint = nn.callbacks.ModelCheckpoint(tmp_path / name, save_weights_only=True, **options)
        drive(checkpoint, small_model(), sequence, options["monitor"])
        assert sorted(p.name for p in tmp_path.glob(f"{index}-*")) == sorted(theirs.saved)
        saves += len(theirs.saved)
    assert 0 < saves < (sum(map(len, sequences())) if options.get("save_best_only") else math.inf)


def test_model_checkpoint_saves_weights_that_load_back(tmp_path):
    model = small_model()
    x, y = data()
    checkpoint = nn.callbacks.ModelCheckpoint(tmp_path / "deep" / "w.{epoch:02d}-{loss:.2f}",
                                              monitor="loss", save_best_only=True, save_weights_only=True)
    checkpoint.set_model(model)
    checkpoint.on_train_begin()
    saved = {}
    for epoch, loss in enumerate([2.0, 1.5, 1.75]):
        model.set_weights([w * 2 for w in model.get_weights()])
        saved[epoch] = model.get_weights()
        checkpoint.on_epoch_begin(epoch)
        checkpoint.on_epoch_end(epoch, {"loss": loss})
    assert sorted(os.listdir(tmp_path / "deep")) == ["w.01-2.00", "w.02-1.50"] and checkpoint.best == 1.5
    fresh = small_model()
    fresh.load_weights(tmp_path / "deep" / "w.02-1.50")
    for got, expected in zip(fresh.get_weights(), saved[1]):
        assert_array_equal(got, expected)


def test_model_checkpoint_saves_every_save_freq_batches_across_epochs(tmp_path):
    model = small_model()
    checkpoint = nn.callbacks.ModelCheckpoint(tmp_path / "e{epoch}b{batch}.weights.h5", save_freq=3,
                                              save_weights_only=True)
    checkpoint.set_model(model)
    checkpoint.on_train_begin()
    for epoch in range(2):
        checkpoint.on_epoch_begin(epoch)
        for batch in range(4):
            checkpoint.on_train_batch_end(batch, {"loss": 1.0})
        checkpoint.on_epoch_end(epoch, {"loss": 1.0})   # not at epochs' ends
    assert sorted(os.listdir(tmp_path)) == ["e1b3.weights.h5", "e2b2.weights.h5"]


def test_model_checkpoint_through_fit(tmp_path):
    x, y = data()
    model = small_model()
    checkpoint = nn.callbacks.ModelCheckpoint(tmp_path / "{epoch}.weights.h5", save_weights_only=True)
    model.fit(x, y, batch_size=4, epochs=3, verbose=0, callbacks=[checkpoint])
    assert sorted(os.listdir(tmp_path)) == ["1.weights.h5", "2.weights.h5", "3.weights.h5"]
    fresh = small_model()
    fresh.load_weights(tmp_path / "3.weights.h5")
    for got, expected in zip(fresh.get_weights(), model.get_weights()):
        assert_array_equal(got, expected)


def test_model_checkpoint_saves_the_whole_model_with_model_save(tmp_path):
    """Needs ``model.save`` (a .keras zip archive) and ``load_model``."""
    from autograd_lite.keras.models import load_model

    x, y = data()
    model = small_model()
    checkpoint = nn.callbacks.ModelCheckpoint(tmp_path / "m{epoch}.keras", monitor="loss")
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, callbacks=[checkpoint])
    assert sorted(os.listdir(tmp_path)) == ["m1.keras", "m2.keras"]
    assert zipfile.is_zipfile(tmp_path / "m2.keras")
    loaded = load_model(tmp_path / "m2.keras")
    assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_model_checkpoint_with_a_missing_monitor_saves_and_warns_as_keras(tmp_path):
    checkpoint = nn.callbacks.ModelCheckpoint(tmp_path / "w", save_best_only=True, save_weights_only=True)
    checkpoint.set_model(small_model())
    with pytest.warns(UserWarning, match="can save the best model only with 'val_loss' among the logs"):
        checkpoint.on_epoch_end(0, {"loss": 1.0})
    assert os.listdir(tmp_path) == ["w"] and checkpoint.best is None


def test_model_checkpoint_prints_what_it_does(tmp_path, capsys):
    checkpoint = nn.callbacks.ModelCheckpoint(tmp_path / "w", monitor="loss", verbose=1,
                                              save_best_only=True, save_weights_only=True)
    checkpoint.set_model(small_model())
    for epoch, loss in enumerate([1.0, 2.0]):
        checkpoint.on_epoch_end(epoch, {"loss": loss})
    assert capsys.readouterr().out == (f"\nEpoch 1: loss improved from None to 1.00000, saving model to "
                                       f"{tmp_path / 'w'}\n\nEpoch 2: loss did not improve from 1.00000\n")


def test_model_checkpoint_errors_when_saving_change_nothing(tmp_path):
    checkpoint = nn.callbacks.ModelCheckpoint(tmp_path / "{val_accuracy}", monitor="loss",
                                              save_best_only=True, save_weights_only=True)
    checkpoint.set_model(small_model())
    with pytest.raises(KeyError, match="cannot format filepath .* 'val_accuracy' is not epoch, batch or"):
        checkpoint.on_epoch_end(0, {"loss": 1.0})
    (tmp_path / "1.0").mkdir()
    with pytest.raises(IsADirectoryError, match="is an existing folder"):
        checkpoint.on_epoch_end(0, {"loss": 1.0, "val_accuracy": 1.0})
    assert checkpoint.best is None and os.listdir(tmp_path) == ["1.0"]


# ---- CSVLogger and LambdaCallback ---------------------------------------------------------------------
@pytest.mark.parametrize("separator, validate", [(",", True), (";", False)])
def test_csv_logger_writes_what_keras_writes(keras, tmp_path, separator, validate):
    runs = [[{"loss": 0.5, "accuracy": 0.25, **({"val_loss": 0.75} if validate else {}),
              "per_class": np.array([0.1, 0.2])}, {"loss": 0.125, "accuracy": 0.5, "per_class": [1, 2]}],
            [{"loss": 0.0625, "accuracy": 0.75}]]
    for name, logger_class in (("ours", nn.callbacks.CSVLogger), ("keras", keras.callbacks.CSVLogger)):
        for append, run in zip((False, True), runs):
            logger = logger_class(str(tmp_path / f"{name}.csv"), separator=separator, append=append)
            logger.on_train_begin()
            for epoch, logs in enumerate(run):
                logger.on_epoch_end(epoch, dict(logs))
            logger.on_train_end()
    ours, theirs = (tmp_path / "ours.csv").read_text(), (tmp_path / "keras.csv").read_text()
    assert ours == theirs
    rows = list(csv.reader(io.StringIO(ours), delimiter=separator))
    assert rows[0][0] == "epoch" and len(rows) == 4 and rows[3][0] == "0"


def test_csv_logger_overwrites_unless_appending(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("old\n")
    logger = nn.callbacks.CSVLogger(path)
    logger.on_train_begin()
    logger.on_epoch_end(0, {"loss": 1.0})
    logger.on_train_end()
    assert path.read_text().splitlines() == ["epoch,loss,val_loss", "0,1.0,NA"]


# ---- BackupAndRestore ---------------------------------------------------------------------------------
def backed_up_epochs(backup, model, epochs, params=None):
    backup.set_model(model)
    backup.set_params(params or {"epochs": 10})
    backup.on_train_begin()
    for epoch in range(epochs):
        model.set_weights([w + 1 for w in model.get_weights()])
        backup.on_epoch_begin(epoch)
        backup.on_epoch_end(epoch, {"loss": 1.0})
    return model.get_weights()


def test_backup_and_restore_gives_a_new_run_the_weights_and_epoch_of_the_last(tmp_path):
    folder = tmp_path / "backup"
    weights = backed_up_epochs(cb.BackupAndRestore(folder), small_model(), 2)   # then killed
    assert sorted(os.listdir(folder)) == ["latest.weights.h5", "training_metadata.json"]
    resumed = small_model()
    backup = cb.BackupAndRestore(folder)
    backup.set_model(resumed)
    backup.on_train_begin()
    assert resumed._initial_epoch == 2
    for got, expected in zip(resumed.get_weights(), weights):
        assert_array_equal(got, expected)
    backup.set_params({"epochs": 3})
    backup.on_epoch_end(2, {"loss": 1.0})
    backup.on_train_end()
    assert not folder.exists()


def test_backup_and_restore_falls_back_on_the_backup_before(tmp_path):
    backup = cb.BackupAndRestore(tmp_path, double_checkpoint=True)
    model = small_model()
    backed_up_epochs(backup, model, 1)
    before = model.get_weights()
    backed_up_epochs(backup, model, 1)   # a second run of one epoch: the first is the .bkp
    (tmp_path / "latest.weights.h5").write_bytes(b"torn")
    resumed = small_model()
    cb.BackupAndRestore(tmp_path).set_model(resumed)
    fallback = cb.BackupAndRestore(tmp_path)
    fallback.set_model(resumed)
    fallback.on_train_begin()
    for got, expected in zip(resumed.get_weights(), before):
        assert_array_equal(got, expected)
    (tmp_path / "latest.weights.h5").write_bytes(b"torn")
    os.remove(tmp_path / "latest.weights.h5.bkp")
    with pytest.raises(ValueError, match="not a readable weights file"):
        fallback.on_train_begin()


def test_backup_and_restore_through_fit_resumes_an_interrupted_run(tmp_path):
    class Interrupt(nn.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 2:
                raise KeyboardInterrupt

    x, y = data()
    model = small_model()
    model.fit(x, y, epochs=5, verbose=0, callbacks=[cb.BackupAndRestore(tmp_path / "b"), Interrupt()])
    assert (tmp_path / "b" / "latest.weights.h5").exists()   # interrupted: kept
    history = small_model().fit(x, y, epochs=5, verbose=0, callbacks=[cb.BackupAndRestore(tmp_path / "b")])
    assert history.epoch == [3, 4] and not (tmp_path / "b").exists()
