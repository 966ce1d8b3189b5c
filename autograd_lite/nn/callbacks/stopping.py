"""Callbacks that end training: Keras 3's ``EarlyStopping`` and ``TerminateOnNaN``."""

from __future__ import annotations

import math
import sys
import warnings

from .base import Callback, Logs
from .monitor import MonitorCallback, count, flag, number, verbosity

__all__ = ["EarlyStopping", "TerminateOnNaN"]


class EarlyStopping(MonitorCallback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs, as
    Keras 3's ``EarlyStopping``.

    ``mode`` is ``'min'``, ``'max'`` or ``'auto'`` (see :class:`MonitorCallback`). The first
    ``start_from_epoch`` epochs are not watched (a warm-up). With a ``baseline``, an epoch counts as
    an improvement for ``patience`` only if it also beats the baseline, so training stops after
    ``patience`` epochs if the model never reaches it. With ``restore_best_weights`` the model gets
    back the weights of its best epoch whenever training ends — also when it ran all its epochs or
    another callback stopped it — as in Keras 3. ``verbose=1`` prints when it stops and restores.

    ``best`` is the best value so far times ``sign`` (so that smaller is better: -0.9 for an
    accuracy of 0.9), ``best_epoch`` its epoch, ``stopped_epoch`` the epoch it stopped at (None if
    it did not).

    >>> EarlyStopping(patience=-1)
    Traceback (most recent call last):
    ValueError: EarlyStopping: patience must be a whole number of epochs, at least 0, not -1
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: float | None = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = count(patience, "patience", "EarlyStopping", "epochs")
        self.verbose = verbosity(verbose, "EarlyStopping")
        self.baseline = number(baseline, "baseline", "EarlyStopping", optional=True)
        self.restore_best_weights = flag(restore_best_weights, "restore_best_weights", "EarlyStopping")
        self.start_from_epoch = count(start_from_epoch, "start_from_epoch", "EarlyStopping", "epochs")
        self.on_train_begin()

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.best, self.wait, self.best_weights = math.inf, 0, None
        self.best_epoch, self.stopped_epoch = None, None

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}
        if self.monitor not in logs:
            warnings.warn(f"EarlyStopping: '{self.monitor}' is not among the logs {sorted(logs)}",
                          stacklevel=2)
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:  # as Keras: the first are the best
            self.best_weights, self.best_epoch = self.model.state_dict(), epoch
        value = self.sign * logs[self.monitor]
        self.wait += 1
        if value < self.best - self.min_delta:
            self.best, self.best_epoch = value, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.state_dict()
            if self.baseline is None or value < self.sign * self.baseline - self.min_delta:
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:  # as Keras: ``patience`` epochs without improvement
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.stopped_epoch is not None and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.best_weights is not None:
            if self.verbose:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.load_state_dict(self.best_weights)


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch's loss is NaN or infinite, as Keras 3's ``TerminateOnNaN``:
    ``model.stop_training = True`` (the epoch ends, the other callbacks' ``on_train_end`` run), or
    with ``raise_error=True`` a ``RuntimeError`` at once.

    >>> TerminateOnNaN(raise_error=1)
    Traceback (most recent call last):
    TypeError: TerminateOnNaN: raise_error must be True or False, not 1
    """

    def __init__(self, raise_error: bool = False) -> None:
        self.raise_error = flag(raise_error, "raise_error", "TerminateOnNaN")

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                               f"Terminating training immediately.")
        print(f"Batch {batch}: the loss is {loss}; terminating training", file=sys.stderr)
        self.model.stop_training = True
