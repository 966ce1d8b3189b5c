"""Compiling: trace a function once, then run it as generated straight-line Python.

:func:`compile` turns a function of Values, Tensors or arrays — a loss, its gradient, a whole
training step with an optimizer — into a :class:`~.compiled.CompiledFunction` that computes exactly
what eager computes (bit for bit) without building a graph on every call. :func:`grad_code` shows the
derivative of a scalar function as Python source, to read. The parts: :mod:`.tracing` (the recorded
program), :mod:`.hooks` (what changes while recording), :mod:`.backward` (the backward pass, recorded),
:mod:`.program` (source and tape), :mod:`.compiled` (signatures, guards, replays), :mod:`.snapshot`
(closures, globals and state).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .compiled import CompiledFunction, disable_compile
from .readable import grad_code
from .tracing import CompileError

__all__ = ["CompileError", "CompiledFunction", "compile", "disable_compile", "grad_code"]


def compile(  # noqa: A001 - ag.compile, as torch.compile names its own
        function: Callable[..., Any] | None = None, *, static_argnames: Sequence[str] = (),
            max_traces: int = 8, backend: str = "auto", check: bool | int = False) -> Any:
    """Compile ``function``: its first call with a signature runs eagerly, the second traces it,
    and later calls replay the traced program — the same primitives' forwards, VJPs and optimizer
    updates that eager runs, as one straight-line Python function, without the graph.

    Usable as ``@ag.compile`` or ``ag.compile(f, ...)``. ``static_argnames``: keyword arguments whose
    values are part of the signature (a new value traces again). ``max_traces``: after this many
    traces the function runs eagerly, with one warning. ``backend``: ``"source"`` (generated Python),
    ``"tape"`` (an interpreter, no compile time) or ``"auto"`` (source, unless the program is huge).
    ``check``: ``True`` or ``N`` runs eager beside compiled every N calls and raises on any difference.

    >>> import autograd_lite as ag
    >>> @ag.compile
    ... def cost(m):
    ...     return (m * 2.0 - 1.0) ** 2
    >>> [cost(ag.Value(x)).data for x in (0.0, 1.0, 2.0)]   # eager, trace, replay
    [1.0, 1.0, 9.0]
    >>> cost.last_call
    'replay'
    """
    if function is None:
        return lambda f: CompiledFunction(f, static_argnames=static_argnames, max_traces=max_traces,
                                          backend=backend, check=check)
    return CompiledFunction(function, static_argnames=static_argnames, max_traces=max_traces,
                            backend=backend, check=check)
