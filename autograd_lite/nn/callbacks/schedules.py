"""Callbacks that change the learning rate: Keras 3's ``ReduceLROnPlateau`` and
``LearningRateScheduler``.

The learning rate is each parameter group's ``"lr"`` in ``model.optimizer.param_groups``; both
callbacks change every group, each from its own rate. The epoch's logs get ``learning_rate`` (with
several groups ``learning_rate_<name>``, a group's ``"name"`` or its index, as Keras names the rates
of several optimizers).
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable
from typing import Any

from .base import Callback, Logs
from .monitor import MonitorCallback, count, number, verbosity

__all__ = ["LearningRateScheduler", "ReduceLROnPlateau"]


def _groups(callback: Callback) -> list[dict[str, Any]]:
    """The model's optimizer's parameter groups (``fit`` makes the optimizer when it starts)."""
    optimizer = getattr(callback.model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "param_groups"):
        raise RuntimeError(f"{type(callback).__name__}: the model has no optimizer yet; compile it "
                           f"(fit makes the optimizer that compile names)")
    return optimizer.param_groups


def _log_learning_rates(groups: list[dict[str, Any]], logs: Logs) -> None:
    if len(groups) == 1:
        logs["learning_rate"] = float(groups[0]["lr"])
        return
    for index, group in enumerate(groups):
        logs[f"learning_rate_{group.get('name', index)}"] = float(group["lr"])


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` when ``monitor`` has not improved (by more than
    ``min_delta``) for ``patience`` epochs, as Keras 3's ``ReduceLROnPlateau``: never below
    ``min_lr``, and after a reduction the next ``cooldown`` epochs do not count.

    >>> ReduceLROnPlateau(factor=1.5)
    Traceback (most recent call last):
    ValueError: ReduceLROnPlateau: factor must be a number in [0, 1) (the rate is multiplied by it), not 1.5
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10, verbose: int = 0,
                 mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        factor = number(factor, "factor", "ReduceLROnPlateau")
        if not 0.0 <= factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be a number in [0, 1) (the rate is "
                             f"multiplied by it), not {factor!r}")
        min_lr = number(min_lr, "min_lr", "ReduceLROnPlateau")
        if min_lr < 0:
            raise ValueError(f"ReduceLROnPlateau: min_lr must be at least 0, not {min_lr!r}")
        self.factor, self.min_lr = factor, min_lr
        self.patience = count(patience, "patience", "ReduceLROnPlateau", "epochs")
        self.cooldown = count(cooldown, "cooldown", "ReduceLROnPlateau", "epochs")
        self.verbose = verbosity(verbose, "ReduceLROnPlateau")
        self.wait, self.cooldown_counter = 0, 0

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.best, self.wait, self.cooldown_counter = None, 0, 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs if logs is not None else {}
        groups = _groups(self)
        _log_learning_rates(groups, logs)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"ReduceLROnPlateau: '{self.monitor}' is not among the logs {sorted(logs)}",
                          stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best, self.wait = current, 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce(groups, epoch):
                self.cooldown_counter, self.wait = self.cooldown, 0

    def _reduce(self, groups: list[dict[str, Any]], epoch: int) -> bool:
        """Reduce each group's rate that is above ``min_lr``; whether any was."""
        reduced = False
        for group in groups:
            if group["lr"] > self.min_lr:
                group["lr"] = max(group["lr"] * self.factor, self.min_lr)
                reduced = True
                if self.verbose:
                    print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {group['lr']}.")
        return reduced


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of every epoch to ``schedule(epoch, lr)`` (``epoch``
    counting from 0, ``lr`` the current rate; a ``schedule(epoch)`` of one argument works too), as
    Keras 3's ``LearningRateScheduler``. ``verbose=1`` prints each new rate.

    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> model = nn.Sequential(nn.Dense(1, input_dim=2))
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> halve = LearningRateScheduler(lambda epoch, lr: lr if epoch == 0 else lr / 2)
    >>> history = model.fit(np.ones((4, 2)), np.ones(4), epochs=3, verbose=0, callbacks=[halve])
    >>> history.history["learning_rate"]
    [0.01, 0.005, 0.0025]
    """

    def __init__(self, schedule: Callable[..., float], verbose: int = 0) -> None:
        self.takes_lr = _takes_lr(schedule)
        self.schedule = schedule
        self.verbose = verbosity(verbose, "LearningRateScheduler")

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        groups = _groups(self)
        rates = [self._rate(epoch, float(group["lr"])) for group in groups]   # all checked, then set
        for group, rate in zip(groups, rates):
            group["lr"] = rate
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {rate}.")

    def _rate(self, epoch: int, lr: float) -> float:
        rate = self.schedule(epoch, lr) if self.takes_lr else self.schedule(epoch)
        value = None
        if not isinstance(rate, (bool, str)) and getattr(rate, "shape", ()) == ():
            try:
                value = float(rate)
            except (TypeError, ValueError):
                value = None
        if value is None or not math.isfinite(value) or value < 0:
            called = f"schedule({epoch}, {lr!r})" if self.takes_lr else f"schedule({epoch})"
            raise ValueError(f"LearningRateScheduler: {called} returned {rate!r}; it must return a "
                             f"learning rate, a finite number >= 0")
        return value

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if logs is not None:
            _log_learning_rates(_groups(self), logs)


def _takes_lr(schedule: object) -> bool:
    """Whether ``schedule`` is called as ``schedule(epoch, lr)`` (else ``schedule(epoch)``)."""
    if not callable(schedule):
        raise TypeError(f"LearningRateScheduler: schedule must be a function of (epoch, lr), not "
                        f"{type(schedule).__name__}")
    try:
        signature = inspect.signature(schedule)
    except (TypeError, ValueError):   # a built-in without a signature: Keras' two arguments
        return True
    for arguments in ((0, 0.1), (0,)):
        try:
            signature.bind(*arguments)
            return len(arguments) == 2
        except TypeError:
            continue
    raise TypeError(f"LearningRateScheduler: schedule must take (epoch, lr) or (epoch), but its "
                    f"signature is {signature}")
