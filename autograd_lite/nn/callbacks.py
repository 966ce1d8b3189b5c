"""Training history and callbacks, as in Keras: ``History``, ``EarlyStopping``, ``TerminateOnNaN``."""

from __future__ import annotations

import math
import numbers
import sys
import warnings
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from .model import Model

__all__ = ["Callback", "EarlyStopping", "History", "ProgressLogger", "TerminateOnNaN"]


class Callback:
    """Hooks called by ``fit``; ``self.model`` is the model being trained.

    Set ``self.model.stop_training = True`` to end training after the current epoch.
    """

    model: Model | None = None

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        """Before the first epoch."""

    def on_batch_end(self, batch: int, logs: dict[str, float]) -> None:
        """After each optimisation step, with the logs its ``train_step`` returned: ``logs['loss']``
        is that batch's loss."""

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        """After each epoch, with the epoch's mean loss and metrics (and validation ones)."""

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        """After the last epoch (also after an interruption)."""


def callback_list(callbacks: object) -> list[Callback]:
    """``fit``'s ``callbacks`` as a list, checked: a list (or tuple) of :class:`Callback` objects, or
    one Callback alone (Keras 3 flattens what it is given, so it accepts that too).

    >>> callback_list(TerminateOnNaN())
    [<...TerminateOnNaN object at ...>]
    >>> callback_list(TerminateOnNaN)
    Traceback (most recent call last):
    TypeError: fit: callbacks must be a list of Callback objects, not type
    """
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback):
        return [callbacks]
    if not isinstance(callbacks, (list, tuple)):
        raise TypeError(f"fit: callbacks must be a list of Callback objects, not {type(callbacks).__name__}")
    for index, callback in enumerate(callbacks):
        if not isinstance(callback, Callback):
            raise TypeError(f"fit: callbacks[{index}] is {callback!r} ({type(callback).__name__}), not a "
                            f"Callback")
    return list(callbacks)


class History(Callback):
    """What ``fit`` returns: ``history[name]`` is the per-epoch list of each loss and metric.

    >>> h = History()
    >>> h.on_epoch_end(0, {"loss": 0.5, "accuracy": 0.75})
    >>> h.history, h.epoch
    ({'loss': [0.5], 'accuracy': [0.75]}, [0])
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        self.epoch.append(epoch)
        for name, value in logs.items():
            self.history.setdefault(name, []).append(value)


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    ``mode`` is ``'min'``, ``'max'`` or ``'auto'`` (max for accuracies, min otherwise). With
    ``restore_best_weights`` the model gets back the weights of its best epoch whenever training
    ends — also when it ran all its epochs or another callback stopped it — as in Keras 3.

    >>> EarlyStopping(patience=-1)
    Traceback (most recent call last):
    ValueError: EarlyStopping: patience must be a whole number of epochs, at least 0, not -1
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0,
                 mode: str = "auto", restore_best_weights: bool = False) -> None:
        if not isinstance(monitor, str) or not monitor:
            raise TypeError(f"EarlyStopping: monitor must be the name of a logged value such as "
                            f"'val_loss', not {monitor!r}")
        if isinstance(min_delta, bool) or not isinstance(min_delta, numbers.Real) \
                or not math.isfinite(min_delta):
            raise ValueError(f"EarlyStopping: min_delta must be a finite number, not {min_delta!r}")
        if isinstance(patience, bool) or not isinstance(patience, numbers.Integral) or patience < 0:
            raise ValueError(f"EarlyStopping: patience must be a whole number of epochs, at least 0, "
                             f"not {patience!r}")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'auto', 'min' or 'max', not {mode!r}")
        if not isinstance(restore_best_weights, bool):
            raise TypeError(f"EarlyStopping: restore_best_weights must be True or False, not "
                            f"{restore_best_weights!r}")
        self.monitor, self.min_delta, self.patience = monitor, abs(float(min_delta)), int(patience)
        maximise = mode == "max" or (mode == "auto" and monitor.removeprefix("val_") in ("accuracy", "acc"))
        self.sign = -1.0 if maximise else 1.0   # compare sign·value: smaller is better
        self.restore_best_weights = restore_best_weights
        self.on_train_begin()

    def check_monitor(self, logged: list[str]) -> None:
        """Raise unless ``monitor`` is among the names that ``fit`` will log (``fit`` calls this
        before it trains: a monitor that is never logged would never stop anything)."""
        if self.monitor not in logged:
            hint = " (val_ values need validation_data or validation_split)" \
                if self.monitor.startswith("val_") else ""
            raise ValueError(f"EarlyStopping: monitor={self.monitor!r} is not logged by this fit, which "
                             f"logs {logged}{hint}")

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        self.best, self.wait, self.best_weights = math.inf, 0, None
        self.best_epoch, self.stopped_epoch = None, None

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self.monitor not in logs:
            warnings.warn(f"EarlyStopping: '{self.monitor}' is not among the logs {sorted(logs)}",
                          stacklevel=2)
            return
        if self.restore_best_weights and self.best_weights is None:  # as Keras: the first are the best
            self.best_weights, self.best_epoch = self.model.state_dict(), epoch
        value = self.sign * logs[self.monitor]
        self.wait += 1
        if value < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.state_dict()
            return
        if self.wait >= self.patience and epoch > 0:  # as Keras: ``patience`` epochs without improvement
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        if self.best_weights is not None:
            self.model.load_state_dict(self.best_weights)


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch's loss is NaN or infinite."""

    def on_batch_end(self, batch: int, logs: dict[str, float]) -> None:
        if not math.isfinite(logs["loss"]):
            print(f"Batch {batch}: the loss is {logs['loss']}; terminating training", file=sys.stderr)
            self.model.stop_training = True


def _format(logs: dict[str, float]) -> str:
    return " - ".join(f"{name}: {value:.4f}" for name, value in logs.items())


class ProgressLogger(Callback):
    """What ``verbose`` prints: 1 → a live bar on a terminal (one line per epoch otherwise), 2 → a line
    per epoch. The bar is drawn by ``tqdm``."""

    def __init__(self, verbose: int, epochs: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.epochs = epochs
        self.bar = None
        if verbose == 1 and getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(total=epochs, unit="epoch", file=self.stream, dynamic_ncols=True)

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix_str(_format(logs), refresh=False)
        else:
            print(f"Epoch {epoch + 1}/{self.epochs} - {_format(logs)}", file=self.stream)

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        if self.bar is not None:
            self.bar.close()
