"""Saving while training: Keras 3's ``ModelCheckpoint`` and ``BackupAndRestore``."""

from __future__ import annotations

import json
import os
import shutil
import string
import warnings

from .base import Callback, Logs
from .monitor import MonitorCallback, flag, number, verbosity

__all__ = ["BackupAndRestore", "ModelCheckpoint"]


def _save_freq(save_freq: object, where: str) -> str | int:
    if save_freq != "epoch" and (isinstance(save_freq, (bool, str)) or not isinstance(save_freq, int)
                                 or save_freq < 1):
        raise ValueError(f"{where}: save_freq must be 'epoch' or a number of batches >= 1, not "
                         f"{save_freq!r}")
    return save_freq


class _EveryBatches:
    """Counting batches for ``save_freq=N``, as Keras: a batch number not above the last one seen
    starts a new epoch."""

    save_freq: str | int = "epoch"
    _since_last_save, _last_batch_seen = 0, None

    def _batch_is_due(self, batch: int) -> bool:
        if self.save_freq == "epoch":
            return False
        last = self._last_batch_seen
        self._since_last_save += batch + 1 if last is None or batch <= last else batch - last
        self._last_batch_seen = batch
        if self._since_last_save >= self.save_freq:
            self._since_last_save = 0
            return True
        return False


class ModelCheckpoint(_EveryBatches, MonitorCallback):
    """Save the model, or only its weights, while it trains, as Keras 3's ``ModelCheckpoint``.

    ``filepath`` is formatted with ``epoch`` (counting from 1, as Keras) and the epoch's logs:
    ``"w.{epoch:02d}-{val_loss:.2f}.keras"``; saving after every ``save_freq`` batches
    (an integer instead of ``"epoch"``) also gives ``batch`` (from 1). Missing folders are made.
    ``save_weights_only=True`` saves with ``model.save_weights(path)``, which takes any file name
    (Keras wants ``.weights.h5``; ours is an ``.npz`` archive whatever it is called); otherwise
    ``model.save(path)``, which writes a ``.keras`` archive, so the name must end in ``.keras`` as
    Keras requires. With ``save_best_only`` it saves only when ``monitor`` improves on the best so
    far (``best``, starting from ``initial_value_threshold``; see :class:`MonitorCallback` for
    ``mode``); a monitor missing from the logs saves anyway, with a warning, as Keras.
    ``verbose=1`` prints each decision.

    >>> ModelCheckpoint("model.h5")
    Traceback (most recent call last):
    ValueError: ModelCheckpoint: filepath must end in '.keras' (model.save writes a .keras archive) ...
    """

    def __init__(self, filepath: str | os.PathLike[str], monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False, mode: str = "auto",
                 save_freq: str | int = "epoch", initial_value_threshold: float | None = None) -> None:
        super().__init__(monitor, mode, number(initial_value_threshold, "initial_value_threshold",
                                               "ModelCheckpoint", optional=True))
        if not isinstance(filepath, (str, os.PathLike)) or not os.fspath(filepath):
            raise TypeError(f"ModelCheckpoint: filepath must be a path (a str or os.PathLike), not "
                            f"{filepath!r}")
        filepath = os.fspath(filepath)
        if isinstance(filepath, bytes):
            raise TypeError(f"ModelCheckpoint: filepath must be a str path, not bytes {filepath!r}")
        try:
            fields = [field for _, field, _, _ in string.Formatter().parse(filepath) if field is not None]
        except ValueError as error:
            raise ValueError(f"ModelCheckpoint: filepath {filepath!r} is not a valid format string: "
                             f"{error}") from None
        if "" in fields or any(field.isdigit() for field in fields):
            raise ValueError(f"ModelCheckpoint: filepath {filepath!r} may only name its fields "
                             f"({{epoch}}, {{batch}} or a log such as {{val_loss:.2f}})")
        self.save_weights_only = flag(save_weights_only, "save_weights_only", "ModelCheckpoint")
        if not self.save_weights_only and not filepath.endswith(".keras"):
            raise ValueError(f"ModelCheckpoint: filepath must end in '.keras' (model.save writes a "
                             f".keras archive), not {filepath!r} (with save_weights_only=True any name "
                             f"works)")
        self.filepath, self.save_freq = filepath, _save_freq(save_freq, "ModelCheckpoint")
        self.save_best_only = flag(save_best_only, "save_best_only", "ModelCheckpoint")
        self.verbose = verbosity(verbose, "ModelCheckpoint")
        self._current_epoch = 0

    def check_monitor(self, logged: list[str]) -> None:
        """As :meth:`MonitorCallback.check_monitor`, only with ``save_best_only`` (the monitor decides
        nothing otherwise)."""
        if self.save_best_only:
            super().check_monitor(logged)

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if self._batch_is_due(batch):
            self._save(self._current_epoch, batch, logs or {})

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self.save_freq == "epoch":
            self._save(epoch, None, logs or {})

    def _path(self, epoch: int, batch: int | None, logs: Logs) -> str:
        fields = {"epoch": epoch + 1, **({} if batch is None else {"batch": batch + 1}), **logs}
        try:
            return self.filepath.format(**fields)
        except KeyError as error:
            raise KeyError(f"ModelCheckpoint: cannot format filepath {self.filepath!r}: {error} is not "
                           f"epoch, batch or a log of this epoch ({', '.join(logs) or 'none'})") from None

    def _save(self, epoch: int, batch: int | None, logs: Logs) -> None:
        path = self._path(epoch, batch, logs)
        if os.path.isdir(path):
            raise IsADirectoryError(f"ModelCheckpoint: filepath {path!r} is an existing folder; give a "
                                    f"file name")
        current = logs.get(self.monitor) if self.save_best_only else None
        if self.save_best_only and current is None:
            warnings.warn(f"ModelCheckpoint: can save the best model only with '{self.monitor}' among "
                          f"the logs ({', '.join(logs) or 'none'}); saving it anyway", stacklevel=2)
        elif self.save_best_only and not self._is_improvement(current, self.best):
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")
            return
        if self.verbose:
            best = "None" if self.best is None else f"{self.best:.5f}"
            change = f"{self.monitor} improved from {best} to {current:.5f}, " if current is not None else ""
            print(f"\nEpoch {epoch + 1}: {change}saving model to {path}")
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)
        if current is not None:   # the best changes once the model is saved
            self.best = float(current)


class BackupAndRestore(_EveryBatches, Callback):
    """Back training up to ``backup_dir`` so that a run that was killed resumes where it stopped, as
    Keras 3's ``BackupAndRestore``: after every epoch (or every ``save_freq`` batches) the weights go
    to ``latest.weights.h5`` and the number of epochs done to ``training_metadata.json``; when
    ``fit`` begins and a backup is there, the weights are loaded and ``fit`` starts at the epoch
    after the last one done. With ``double_checkpoint`` the backup before is kept as ``.bkp`` files,
    used when the latest cannot be read. When training is over (all its epochs, or stopped by a
    callback; not killed, not interrupted) the folder is deleted, unless
    ``delete_checkpoint=False``. The optimizer's own state (Adam's moments) is not backed up: ours
    is not part of ``save_weights``. (``fit`` starts from the epoch this sets as
    ``model._initial_epoch``, as Keras' ``fit`` does.)

    >>> BackupAndRestore("")
    Traceback (most recent call last):
    ValueError: BackupAndRestore: backup_dir must name a folder, not ''
    """

    def __init__(self, backup_dir: str | os.PathLike[str], save_freq: str | int = "epoch",
                 double_checkpoint: bool = False, delete_checkpoint: bool = True) -> None:
        if not isinstance(backup_dir, (str, os.PathLike)) or not isinstance(os.fspath(backup_dir), str) \
                or not os.fspath(backup_dir):
            raise ValueError(f"BackupAndRestore: backup_dir must name a folder, not {backup_dir!r}")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = _save_freq(save_freq, "BackupAndRestore")
        self.double_checkpoint = flag(double_checkpoint, "double_checkpoint", "BackupAndRestore")
        self.delete_checkpoint = flag(delete_checkpoint, "delete_checkpoint", "BackupAndRestore")
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._current_epoch = 0

    def on_train_begin(self, logs: Logs | None = None) -> None:
        try:
            self._load()
        except (OSError, ValueError):
            if not os.path.exists(self._weights_path + ".bkp"):
                raise
            for path in (self._weights_path, self._metadata_path):   # the backup before the latest
                if os.path.exists(path + ".bkp"):
                    shutil.copyfile(path + ".bkp", path)
                elif os.path.exists(path):
                    os.remove(path)
            self._load()

    def _load(self) -> None:
        if os.path.exists(self._weights_path):
            self.model.load_weights(self._weights_path)
        if os.path.exists(self._metadata_path):
            with open(self._metadata_path) as file:
                epoch = json.load(file)["epoch"]
            self.model._initial_epoch = self._current_epoch = epoch   # what fit starts from

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if self._batch_is_due(batch):
            self._save(batch)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self._current_epoch, self._last_batch_seen = epoch + 1, None
        if self.save_freq == "epoch":
            self._save(None)

    def _save(self, batch: int | None) -> None:
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            for path in (self._weights_path, self._metadata_path):
                if os.path.exists(path):
                    shutil.copyfile(path, path + ".bkp")
        self.model.save_weights(self._weights_path)
        with open(self._metadata_path, "w") as file:
            json.dump({"epoch": self._current_epoch, "batch": 0 if batch is None else batch}, file)

    def on_train_end(self, logs: Logs | None = None) -> None:
        """Delete the backup if training is over: it ran its epochs or a callback stopped it (Keras
        calls ``on_train_end`` only then; our ``fit`` calls it after Ctrl-C too, which keeps it)."""
        epochs = (self.params or {}).get("epochs")
        finished = self.model.stop_training or epochs is None or self._current_epoch >= epochs
        if self.delete_checkpoint and finished and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
