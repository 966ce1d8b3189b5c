"""The engine's global state: grad mode and anomaly mode (per thread), and the clock that orders nodes.

Operations read these on every call, so they are plain module attributes and a thread-local object;
the public switches (:func:`no_grad`, :func:`enable_grad`, :func:`detect_anomaly`) are re-exported
by :mod:`autograd_lite.engine` and the package.
"""

from __future__ import annotations

import contextlib
import itertools
import operator
import threading
from typing import Any

__all__ = ["detect_anomaly", "enable_grad", "is_anomaly_enabled", "is_grad_enabled", "no_grad"]


# Grad mode and anomaly mode, per thread: one thread's ``no_grad`` never leaks into another.


class _GradMode(threading.local):
    enabled = True   # record graphs
    anomaly = False  # check for NaN/Inf and remember where nodes were created


grad_mode = _GradMode()
#: How many ``detect_anomaly`` blocks are open, in all threads: while none is, operations skip
#: reading this thread's anomaly flag (a plain global is cheaper to read than a thread-local).
anomaly_blocks = 0
anomaly_lock = threading.Lock()


class _ModeSet(contextlib.ContextDecorator):
    """Set one of this thread's modes for a block and restore it afterwards, even on error; also a
    decorator. A class rather than a generator: the backward pass enters one every time."""

    def __init__(self, mode: str, value: bool) -> None:
        self.mode, self.value = mode, value
        self.previous: list[bool] = []

    def __enter__(self) -> None:
        self.previous.append(getattr(grad_mode, self.mode))
        setattr(grad_mode, self.mode, self.value)

    def __exit__(self, *exc_info: object) -> None:
        setattr(grad_mode, self.mode, self.previous.pop())

    def _recreate_cm(self) -> _ModeSet:
        """As a decorator: a fresh block for each call, so threads calling it never share one."""
        return _ModeSet(self.mode, self.value)


def grad_enabled_as(enabled: bool) -> _ModeSet:
    return _ModeSet("enabled", enabled)


def is_grad_enabled() -> bool:
    """Whether operations on nodes that require grad are recorded, in the calling thread.

    >>> from autograd_lite import is_grad_enabled, no_grad
    >>> with no_grad():
    ...     is_grad_enabled()
    False
    """
    return grad_mode.enabled


def no_grad() -> contextlib.AbstractContextManager[None]:
    """Stop recording graphs in the calling thread (a context manager and a decorator).

    >>> from autograd_lite import Value, no_grad
    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.requires_grad
    False
    """
    return grad_enabled_as(False)


def enable_grad() -> contextlib.AbstractContextManager[None]:
    """Record graphs again inside a ``no_grad`` block (a context manager and a decorator).

    >>> from autograd_lite import Value, enable_grad, no_grad
    >>> with no_grad(), enable_grad():
    ...     (Value(1.0) * 2).requires_grad
    True
    """
    return grad_enabled_as(True)


class _AnomalyMode(_ModeSet):
    """This thread's anomaly flag on for the block, counted in ``anomaly_blocks`` meanwhile."""

    def __init__(self) -> None:
        super().__init__("anomaly", True)

    def __enter__(self) -> None:
        global anomaly_blocks
        with anomaly_lock:
            anomaly_blocks += 1
        super().__enter__()

    def __exit__(self, *exc_info: object) -> None:
        global anomaly_blocks
        super().__exit__()
        with anomaly_lock:
            anomaly_blocks -= 1

    def _recreate_cm(self) -> _AnomalyMode:
        return _AnomalyMode()


def detect_anomaly() -> contextlib.AbstractContextManager[None]:
    """Anomaly mode for the calling thread (a context manager and a decorator).

    The first NaN or Inf made from finite inputs, in a forward op or in a gradient, raises
    :class:`~autograd_lite.anomaly.AnomalyError` naming the op and the line of your code that
    created the node. See :mod:`autograd_lite.anomaly`.

    >>> import numpy as np
    >>> from autograd_lite import Tensor, detect_anomaly
    >>> x = Tensor([1.0, 0.0], requires_grad=True)
    >>> with detect_anomaly(), np.errstate(divide="ignore"):
    ...     y = x.log()
    Traceback (most recent call last):
      ...
    autograd_lite.anomaly.AnomalyError: log produced 1 NaN/Inf value(s) ...
    """
    return _AnomalyMode()


def is_anomaly_enabled() -> bool:
    """Whether anomaly mode is on in the calling thread.

    >>> from autograd_lite import detect_anomaly, is_anomaly_enabled
    >>> with detect_anomaly():
    ...     is_anomaly_enabled()
    True
    """
    return grad_mode.anomaly


# The clock: one global count that ticks whenever a node is made or a leaf is changed in place, and
# stamps it. Inputs are made before the nodes that use them, so in a graph a larger stamp means later:
# backward visits nodes by decreasing stamp (a reverse topological order), and an input whose stamp is
# larger than its consumer's was changed after the graph was recorded — backward refuses.
# ``last_change`` is the stamp of the latest in-place change anywhere: when it is older than a graph's
# first operation, no input of that graph can have changed, and backward skips the per-input check.
# (``next`` on an ``itertools.count`` is atomic, so threads need no lock to draw a stamp.)

clock = itertools.count(1)
#: The trace ``ag.compile`` is recording, or None (set by autograd_lite.compiler.hooks).
compiling: Any = None


def outside_the_graph(what: str) -> None:
    """Raise while a compiled function is traced: ``what`` changes state outside the graph (running
    statistics, say), which a replay of the program would not repeat."""
    if compiling is not None and not compiling.internal:
        raise compiling.side_effect(what)


def data_computed(function: Any, *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)``: raw data (class indices, say) that library code computes from
    nodes' data outside the graph. While a function is traced for ``ag.compile`` this is one
    instruction of the program, so it is computed again, and its checks made again, on every call."""
    if compiling is None or compiling.internal:
        return function(*args, **kwargs)
    return compiling.data_call(function, args, kwargs)


#: Counts what outdates every compiled program: a VJP redefined (``defvjp``), a layer or parameter
#: set on a module that a compiled program calls (``Sequential.add``).
program_epoch = 0
stamp_of = operator.attrgetter("_stamp")
last_change = 0
last_change_lock = threading.Lock()


def stamp_change() -> int:
    """A fresh stamp for a leaf changed in place, remembered as the latest change."""
    global last_change
    with last_change_lock:
        last_change = next(clock)
        return last_change
