"""``compilecheck``: compiled equals eager, bit for bit, and the Python body does not run on replay.

JAX's ``_CompileAndCheck`` as a function for your own tests: compile ``f``, call it on
``args_maker()`` until it replays, then compare the replay with an eager call from the same state —
outputs, parameters, ``.grad`` and optimizer state, every bit — on those arguments and on a fresh
draw of the same shapes, and check that the replay did not run ``f``'s Python body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..compiler import CompiledFunction
from ..compiler.snapshot import Snapshot, _differs

__all__ = ["CompileCheckError", "compilecheck"]


class CompileCheckError(AssertionError):
    """A compiled function computed something else than eager, or ran its body on a replay."""


def compilecheck(f: Callable[..., Any], args_maker: Callable[[], tuple[Any, ...]], *,
                 fresh_draws: int = 1, **compile_options: Any) -> CompiledFunction:
    """Check ``ag.compile(f, **compile_options)`` against ``f``; the compiled function on success.

    ``args_maker()`` returns a tuple of arguments; each call should draw new values of the same
    shapes. A function with state (a training step) is compared from the same state: parameters,
    gradients and its optimizers' state are put back before the eager call.

    >>> import autograd_lite as ag
    >>> from autograd_lite.testing import compilecheck
    >>> rng = iter(range(10))
    >>> _ = compilecheck(lambda m: (m * 3.0 - 1.0) ** 2, lambda: (ag.Value(float(next(rng))),))
    """
    body_runs = [0]

    def counted(*args: Any, **kwargs: Any) -> Any:
        body_runs[0] += 1
        return f(*args, **kwargs)

    counted.__name__ = getattr(f, "__name__", "f")
    compiled = CompiledFunction(counted, guard_globals=False, **compile_options)
    first = args_maker()
    for _ in range(3):
        compiled(*first)
        if compiled.last_call == "trace":
            break
    if compiled.last_call != "trace":
        raise CompileCheckError(f"compilecheck: {counted.__name__} was not traced by its third call "
                                f"({compiled.last_call}):\n{compiled.explain()}")
    for draw in range(1 + fresh_draws):
        args = first if draw == 0 else args_maker()
        entry_args = _replayed(compiled, counted.__name__, args, body_runs)
        _compare(compiled, counted.__name__, args, *entry_args, "the traced arguments" if draw == 0
                 else f"fresh arguments (draw {draw})")
    return compiled


def _replayed(compiled: CompiledFunction, name: str, args: tuple[Any, ...], body_runs: list[int]) -> Any:
    from ..compiler.signature import same_inputs, signature

    key, leaves = signature(args, {}, compiled.static_argnames)
    entries = compiled._entries.get(key) or []
    if entries and entries[0].unchecked_inputs is not None and not same_inputs(leaves,
                                                                                entries[0].unchecked_inputs):
        compiled(*args)   # the first call on other inputs checks the program against eager
    entries = compiled._entries.get(key) or []
    if not entries:
        raise CompileCheckError(f"compilecheck: no trace fits {name}'s arguments:\n{compiled.explain()}")
    entry = entries[0]
    before = Snapshot(entry, leaves)
    runs = body_runs[0]
    result = compiled(*args)
    if compiled.last_call != "replay":
        raise CompileCheckError(f"compilecheck: {name} did not replay ({compiled.last_call}):\n"
                                f"{compiled.explain()}")
    if body_runs[0] != runs:
        raise CompileCheckError(f"compilecheck: the replay of {name} ran its Python body")
    return entry, leaves, before, result


def _compare(compiled: CompiledFunction, name: str, args: tuple[Any, ...], entry: Any, leaves: list[Any],
             before: Snapshot, result: Any, which: str) -> None:
    after = Snapshot(entry, leaves)
    before.restore()
    expected = compiled.eager(*args)
    difference = _differs(result, expected) or after.differs(Snapshot(entry, leaves))
    if difference:
        raise CompileCheckError(f"compilecheck: compiled {name} differs from eager on {which}: "
                                f"{difference}\n{compiled.code}")
