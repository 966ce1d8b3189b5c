"""``grad_code``: the derivative of a scalar function, as Python source to read."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

__all__ = ["grad_code"]


def grad_code(function: Callable[..., Any], *args: Any) -> str:
    """The Python source of ``d{function}``: the value and the gradient of ``function`` at its
    arguments, as the compiler generates them (traced at ``args``; each parameter without a default
    is ``1.0`` when none are given). A Python ``if`` on the arguments is written as the branch taken.
    """
    from .. import functional
    from .compiled import CompiledFunction

    if not args:
        parameters = [p for p in inspect.signature(function).parameters.values()
                      if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY,
                                                                               p.POSITIONAL_OR_KEYWORD)]
        args = tuple(1.0 for _ in parameters)
    argnums = tuple(range(len(args))) if len(args) != 1 else 0
    compiled = CompiledFunction(functional.value_and_grad(function, argnums=argnums), guard_globals=False)
    compiled(*args)
    compiled(*args)
    return compiled.code
