"""What the callbacks that watch one logged value share (Keras 3's ``MonitorCallback``), and their
argument checks."""

from __future__ import annotations

import math
import numbers
from typing import Any

from .base import Callback

__all__ = ["MonitorCallback"]

#: the logged values that are better when larger (``mode="auto"`` maximises them): Keras' metrics
#: whose direction is "up"
MAXIMISED = frozenset({
    "accuracy", "acc", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "auc", "precision", "recall",
    "f1_score", "fbeta_score", "r2_score",
})


def count(value: Any, name: str, where: str, unit: str) -> int:
    """A whole number of ``unit``, at least 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{where}: {name} must be a whole number of {unit}, at least 0, not {value!r}")
    return int(value)


def flag(value: Any, name: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{where}: {name} must be True or False, not {value!r}")
    return value


def number(value: Any, name: str, where: str, optional: bool = False) -> float | None:
    """A finite real number (or None where ``optional``)."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{where}: {name} must be a finite number{' or None' if optional else ''}, "
                         f"not {value!r}")
    return float(value)


def verbosity(value: Any, where: str) -> int:
    """Keras' ``verbose`` of a callback: 0 is silent, more prints what it does."""
    if not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{where}: verbose must be 0 (silent) or 1 (print what it does), not {value!r}")
    return int(value)


class MonitorCallback(Callback):
    """The base of :class:`EarlyStopping`, :class:`ModelCheckpoint` and :class:`ReduceLROnPlateau`:
    the name of the logged value to watch (``monitor``), whether smaller or larger is better
    (``mode``: ``"min"``, ``"max"``, or ``"auto"``: larger for accuracies, AUC, precision and
    recall, smaller otherwise) and the least change that counts as better (``min_delta``).

    A value improves on ``reference`` when ``value < reference - min_delta`` (``min`` mode) or
    ``value > reference + min_delta`` (``max`` mode); anything improves on ``None``.
    ``sign`` is 1.0 for ``min`` mode and -1.0 for ``max``.

    >>> MonitorCallback(monitor="val_accuracy").sign, MonitorCallback(monitor="val_mae").sign
    (-1.0, 1.0)
    >>> MonitorCallback(monitor="loss", min_delta=0.1)._is_improvement(0.95, 1.0)
    False
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline: float | None = None,
                 min_delta: float = 0.0) -> None:
        where = type(self).__name__
        if not isinstance(monitor, str) or not monitor:
            raise TypeError(f"{where}: monitor must be the name of a logged value such as 'val_loss', "
                            f"not {monitor!r}")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"{where}: mode must be 'auto', 'min' or 'max', not {mode!r}")
        min_delta = abs(number(min_delta, "min_delta", where))
        self.best: float | None = number(baseline, "the initial best value", where, optional=True)
        self.monitor, self.mode, self.min_delta = monitor, mode, min_delta
        maximise = mode == "max" or (mode == "auto" and monitor.removeprefix("val_") in MAXIMISED)
        self.sign = -1.0 if maximise else 1.0   # compare sign·value: smaller is better

    def _is_improvement(self, value: float, reference: float | None) -> bool:
        if reference is None:
            return True
        return self.sign * value < self.sign * reference - self.min_delta

    def check_monitor(self, logged: list[str]) -> None:
        """Raise unless ``monitor`` is among the names that ``fit`` will log (``fit`` calls this
        before it trains: a monitor that is never logged would never act)."""
        if self.monitor not in logged:
            hint = " (val_ values need validation_data or validation_split)" \
                if self.monitor.startswith("val_") else ""
            raise ValueError(f"{type(self).__name__}: monitor={self.monitor!r} is not logged by this fit, "
                             f"which logs {logged}{hint}")
