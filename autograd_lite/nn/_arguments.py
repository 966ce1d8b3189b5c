"""What ``compile``, ``fit``, ``evaluate``, ``predict`` and ``Dense`` accept: the registries of Keras'
names, read through one :func:`lookup`, and the checks of the other arguments, each naming the
function, the argument and the value."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from .. import backend, optim
from .._checks import integer
from ..tensor import Tensor
from ..typing import Data

Entry = TypeVar("Entry")
_host = backend.host_namespace  # NumPy's scalar types, accepted as Python's numbers are


def lookup(registry: Mapping[str, Entry], kind: str, name: str, where: str, *,
           ignore_case: bool = False) -> Entry:
    """``registry[name]``, or a ``ValueError`` that names what was asked for and lists the choices.

    Every registry of names is a dict from a Keras name to what it names, read through this:
    ``nn.functional.LOSSES``, the metrics, the optimizers, the activations.

    >>> lookup({"relu": abs}, "activation", "relux", "Dense")
    Traceback (most recent call last):
    ValueError: Dense: unknown activation 'relux'; choose from ['relu']
    """
    entry = registry.get(name.lower() if ignore_case else name)
    if entry is None:
        raise ValueError(f"{where}: unknown {kind} {name!r}; choose from {sorted(registry)}")
    return entry


#: Keras' optimizer names (any case, as in Keras) with Keras' default hyperparameters
OPTIMIZERS: dict[str, Callable[[Iterable[Tensor]], optim.Optimizer]] = {
    "adam": lambda params: optim.KerasAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-7),
    "adamw": lambda params: optim.KerasAdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-7,
                                             weight_decay=4e-3),
    "sgd": lambda params: optim.SGD(params, lr=1e-2),
    "rmsprop": lambda params: optim.KerasRMSprop(params, lr=1e-3, alpha=0.9, eps=1e-7),
    "adagrad": lambda params: optim.KerasAdagrad(params, lr=1e-3, initial_accumulator_value=0.1, eps=1e-7),
}

#: Keras' default ``batch_size`` for fit, evaluate and predict
DEFAULT_BATCH_SIZE = 32


def _check_optimizer(optimizer: object) -> None:
    if isinstance(optimizer, str):
        lookup(OPTIMIZERS, "optimizer", optimizer, "compile", ignore_case=True)
    elif not isinstance(optimizer, optim.Optimizer) and not callable(optimizer):
        raise TypeError(f"compile: optimizer must be a name such as 'adam', an optim.Optimizer, or a "
                        f"function of the parameters that returns one; got {optimizer!r} "
                        f"({type(optimizer).__name__})")


def _batch_size(where: str, batch_size: object) -> int:
    return DEFAULT_BATCH_SIZE if batch_size is None else integer(batch_size, "batch_size", where, minimum=1)


def _verbose(where: str, verbose: object) -> int:
    if verbose == "auto":   # Keras' default: a progress bar
        return 1
    if isinstance(verbose, str) or verbose not in (0, 1, 2):
        raise ValueError(f"{where}: verbose must be 0, 1, 2 or 'auto', not {verbose!r}")
    return int(verbose)


def _validation_split(split: object) -> float:
    if isinstance(split, (bool, _host.bool_)) or \
            not isinstance(split, (int, float, _host.integer, _host.floating)):
        raise TypeError(f"fit: validation_split must be a number in [0, 1), not {split!r}")
    if not 0.0 <= split < 1.0:
        raise ValueError(f"fit: validation_split must be in [0, 1), not {split}")
    return float(split)


def _validation_pair(data: object) -> tuple[Data, Data]:
    if not isinstance(data, (tuple, list)):
        raise TypeError(f"fit: validation_data must be a pair (X_val, y_val), not {type(data).__name__}")
    if len(data) != 2:
        extra = "; sample weights are not supported" if len(data) == 3 else ""
        raise ValueError(f"fit: validation_data must be a pair (X_val, y_val), but it has {len(data)} "
                         f"item(s){extra}")
    return data[0], data[1]
