"""``grad_code``: the derivative of a scalar function, as Python source to read."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

__all__ = ["grad_code"]


def grad_code(function: Callable[..., Any], *args: Any) -> str:
    """The Python source of ``d<function>``: ``function``'s value and gradient at its arguments, as
    ``ag.compile`` generates them for ``value_and_grad(function)``, with the arguments' names.

    The trace is taken at ``args`` (``1.0`` for each parameter without a default when none are
    given): a Python loop is unrolled, and an ``if`` on the arguments is written as the branch taken
    there. Each line calls, or spells out, the very forward or VJP that eager runs.

    >>> import autograd_lite as ag
    >>> print(ag.grad_code(lambda m: (m * 3.0 - 1.0) ** 2))  # doctest: +ELLIPSIS
    def d_lambda_(m):
        # ...
        s1 = (m * 3.0)
        s2 = (s1 - 1.0)
        s3 = (s2 ** 2)
        # the backward pass, from ...
        s4 = (2.0 * (s2 ** 1))
        s5 = (s4 * 3.0)
        return s3, s5
    """
    from .. import _checks, functional
    from .compiled import CompiledFunction

    _checks.function(function, "function", "grad_code")
    names = [p.name for p in inspect.signature(function).parameters.values()
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if not args:
        parameters = [p for p in inspect.signature(function).parameters.values()
                      if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY,
                                                                               p.POSITIONAL_OR_KEYWORD)]
        args = tuple(1.0 for _ in parameters)
    if not args:
        raise ValueError(f"grad_code: {getattr(function, '__name__', 'the function')} takes no argument "
                         f"to differentiate; give it one, or give grad_code the arguments to trace at")
    argnums = tuple(range(len(args))) if len(args) != 1 else 0
    compiled = CompiledFunction(functional.value_and_grad(function, argnums=argnums), guard_globals=False)
    compiled(*args)
    compiled(*args)
    if compiled.last_call != "trace":
        raise ValueError(f"grad_code: {compiled.explain()}")
    return _readable(compiled.code, getattr(function, "__name__", "f"), names[:len(args)],
                     compiled._last.program.input_slots)


def _readable(source: str, name: str, names: list[str], input_slots: list[int]) -> str:
    """The program's source with the arguments by name and without the replay's own checks."""
    lines = source.splitlines()
    identifier = "".join(c if c.isalnum() else "_" for c in name)
    body = [line for line in lines[2:] if "_Bail(-1" not in line]
    text = "\n".join(body)
    if len(input_slots) == len(names):
        for slot, argument in zip(input_slots, names):
            text = re.sub(rf"\bs{slot}\b", argument, text)
    text = re.sub(r"return \[(.*)\]$", r"return \1", text)
    return f"def d{identifier}({', '.join(names)}):\n{text}"
