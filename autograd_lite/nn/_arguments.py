"""What ``compile``, ``fit``, ``evaluate`` and ``predict`` accept: Keras' names for optimizers, losses and
metrics, and the checks of their arguments, each naming the function, the argument and the value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import optim
from .._checks import integer
from ..engine import data_of
from ..tensor_ops import mean
from . import functional as F

#: Keras' optimizer names with Keras' default hyperparameters
OPTIMIZERS: dict[str, Callable[[list], optim.Optimizer]] = {
    "adam": lambda params: optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-7),
    "adamw": lambda params: optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-7, weight_decay=4e-3),
    "sgd": lambda params: optim.SGD(params, lr=1e-2),
    "rmsprop": lambda params: optim.RMSprop(params, lr=1e-3, alpha=0.9, eps=1e-7),
    "adagrad": lambda params: optim.Adagrad(params, lr=1e-3, initial_accumulator_value=0.1, eps=1e-7),
}

#: metric names ``compile`` accepts (Keras' names and short forms)
METRICS = ("accuracy", "acc", "mse", "mean_squared_error", "mae", "mean_absolute_error")
#: Keras' default ``batch_size`` for fit, evaluate and predict
DEFAULT_BATCH_SIZE = 32
#: the library's losses by function, each under its Keras name where it has one
_LIBRARY_LOSSES = {function: name for name, function in F.LOSS_FUNCTIONS.items()}
_LIBRARY_LOSSES.update({function: name for name, function in reversed(F.LOSSES.items())})
#: losses whose targets are class labels, one per sample, rather than one value per output
_LABEL_LOSSES = ("sparse_categorical_crossentropy", "cross_entropy", "softmax_cross_entropy")


def _resolved_loss(loss: Any) -> tuple[Callable[[Any, Any], Any], str, bool]:
    """The loss as a function of (prediction, target), its name, and whether it is the library's."""
    if isinstance(loss, str):
        if loss not in F.LOSSES:
            raise ValueError(f"compile: unknown loss {loss!r}; choose from {sorted(F.LOSSES)}")
        return F.LOSSES[loss], loss, True
    if loss is None:
        raise ValueError("compile: a loss is required, e.g. loss='binary_crossentropy'")
    if not callable(loss):
        raise TypeError(f"compile: loss must be a Keras loss name such as 'mse' or a function "
                        f"loss(y_true, y_pred), not {loss!r} ({type(loss).__name__})")
    if loss in _LIBRARY_LOSSES:   # ours: (prediction, target), and the label checks and accuracy use its name
        return loss, _LIBRARY_LOSSES[loss], True
    return _keras_loss(loss), getattr(loss, "__name__", "loss"), False


def _keras_loss(loss: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A loss of Keras' kind, ``loss(y_true, y_pred)``, as one of (prediction, target) that returns a
    single number: values per sample (or per element) are averaged, as Keras' default reduction
    ("sum_over_batch_size") does."""
    def keras_loss(prediction: Any, target: Any) -> Any:
        value = loss(target, prediction)
        return mean(value) if np.size(data_of(value)) != 1 else value
    keras_loss.__name__ = getattr(loss, "__name__", "loss")
    return keras_loss


def _check_optimizer(optimizer: Any) -> None:
    if isinstance(optimizer, str):
        if optimizer.lower() not in OPTIMIZERS:
            raise ValueError(f"compile: unknown optimizer {optimizer!r}; choose from {sorted(OPTIMIZERS)}")
    elif not isinstance(optimizer, optim.Optimizer) and not callable(optimizer):
        raise TypeError(f"compile: optimizer must be a name such as 'adam', an optim.Optimizer, or a "
                        f"function of the parameters that returns one; got {optimizer!r} "
                        f"({type(optimizer).__name__})")


def _checked_metrics(metrics: Any) -> list[str]:
    """The metric names, checked. Like Keras 3, a lone name is a ValueError, not a list of one."""
    if metrics is None:
        return []
    if isinstance(metrics, str):
        raise ValueError(f"compile: metrics must be a list of names, e.g. metrics=[{metrics!r}], not the "
                        f"string {metrics!r}")
    if not isinstance(metrics, (list, tuple)):
        raise ValueError(f"compile: metrics must be a list of names such as ['accuracy'], not "
                        f"{type(metrics).__name__}")
    for name in metrics:
        if not isinstance(name, str):
            raise TypeError(f"compile: each metric must be a name, one of {METRICS}; got {name!r}")
        if name not in METRICS:
            raise ValueError(f"compile: unknown metric {name!r}; choose from {METRICS}")
    return list(metrics)


def _batch_size(where: str, batch_size: Any) -> int:
    return DEFAULT_BATCH_SIZE if batch_size is None else integer(batch_size, "batch_size", where, minimum=1)


def _verbose(where: str, verbose: Any) -> int:
    if verbose == "auto":   # Keras' default: a progress bar
        return 1
    if isinstance(verbose, str) or verbose not in (0, 1, 2):
        raise ValueError(f"{where}: verbose must be 0, 1, 2 or 'auto', not {verbose!r}")
    return int(verbose)


def _validation_split(split: Any) -> float:
    if isinstance(split, (bool, np.bool_)) or not isinstance(split, (int, float, np.integer, np.floating)):
        raise TypeError(f"fit: validation_split must be a number in [0, 1), not {split!r}")
    if not 0.0 <= split < 1.0:
        raise ValueError(f"fit: validation_split must be in [0, 1), not {split}")
    return float(split)


def _validation_pair(data: Any) -> tuple[Any, Any]:
    if not isinstance(data, (tuple, list)):
        raise TypeError(f"fit: validation_data must be a pair (X_val, y_val), not {type(data).__name__}")
    if len(data) != 2:
        extra = "; sample weights are not supported" if len(data) == 3 else ""
        raise ValueError(f"fit: validation_data must be a pair (X_val, y_val), but it has {len(data)} "
                         f"item(s){extra}")
    return data[0], data[1]
