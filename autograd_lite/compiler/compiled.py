"""``ag.compile``: a function that runs eagerly once, traces once, then replays its program.

A :class:`CompiledFunction` keeps, per *signature* of its arguments (kinds, shapes, dtypes,
``requires_grad``, the values of static arguments, and grad mode), the programs traced for it. Its
rhythm is tinygrad TinyJit's: the first call with a signature runs eagerly (layers build their
weights there), the second traces — an eager run that also writes the program — and later calls
replay the program. A replay first checks what the program assumed: that the VJPs were not redefined
(``defvjp``), that the modules it called are in the same training mode, that the function's closure
and globals are the same objects, that each parameter still has its shape, dtype and
``requires_grad``, and, inside the program, each guard. When a check fails, the call runs eagerly
(and traces again, up to ``max_traces``), so a result is never stale.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from .. import modes
from ..engine import Node
from . import program, tracing
from .hooks import tracing_on
from .outputs import as_eager, kinds, output_spec, plain_where, rebuild, without_proxies
from .signature import copies, describe, same_inputs, signature, substitute
from .snapshot import Snapshot, _differs, globals_guard
from .tracing import CompileError

__all__ = ["CompiledFunction", "disable_compile"]

_GRAD = Node.__dict__["grad"]
_disabled = 0
_NO_RESULT = object()


class disable_compile:  # noqa: N801 - used as a context manager, like no_grad
    """Run every compiled function eagerly inside the block (JAX's ``disable_jit``).

    >>> import autograd_lite as ag
    >>> with ag.disable_compile():
    ...     pass
    """

    def __enter__(self) -> None:
        global _disabled
        _disabled += 1

    def __exit__(self, *exc_info: object) -> None:
        global _disabled
        _disabled -= 1


def _whole(x: Any) -> bool:
    """Whether ``x`` is an integer (Python's or NumPy's), not a bool."""
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


class _Entry:
    """One traced program, with what it assumed."""

    def __init__(self, trace: tracing.Trace, prog: program.Program, output_spec: Any, snapshot: Any) -> None:
        self.program = prog
        self.output_spec = output_spec
        self.written = [node for node in trace.written.values() if id(node) not in trace.node_slot]
        self.written_arguments = [i for i, slot in enumerate(trace.argument_node_slots)
                                  if slot is not None and any(n is trace.values[slot]
                                                              for n in trace.written.values())]
        self.modules = [(m, m.training) for m in trace.modules.values() if hasattr(m, "training")]
        for module in trace.modules.values():   # a new layer or parameter in one of them outdates programs
            module.__dict__["_in_a_program"] = True
        self.program_epoch = trace.program_epoch
        self.snapshot = snapshot
        self.loaded = trace.loaded
        self.effects = trace.effects
        self.calls = 0
        #: the traced call's inputs, while the program has not yet been checked against eager on others
        self.unchecked_inputs: list[Any] | None = None

    def still_valid(self) -> str | None:
        """Why this program no longer fits (``None``: it does)."""
        if self.program_epoch != modes.program_epoch:
            return "a VJP was redefined (defvjp), or a compiled module was given a new layer or parameter"
        for module, training in self.modules:
            if module.training is not training:
                return f"{type(module).__name__} switched to {'training' if module.training else 'eval'} mode"
        return None if self.snapshot is None else self.snapshot.changed()


class CompiledFunction:
    """``f``, traced and replayed; see :func:`autograd_lite.compile`."""

    def __init__(self, function: Callable[..., Any], *, static_argnames: Sequence[str] = (),
                 max_traces: int = 8, backend: str = "auto", check: bool | int = False,
                 guard_globals: bool = True, fallback: bool | str = False) -> None:
        if not callable(function):
            raise TypeError(f"compile: expected a function, got {type(function).__name__}")
        if backend not in ("auto", "source", "tape"):
            raise ValueError(f"compile: backend must be 'auto', 'source' or 'tape', not {backend!r}")
        if not _whole(max_traces) or max_traces < 1:
            raise ValueError(f"compile: max_traces must be an int >= 1, not {max_traces!r}")
        if check is not False and check is not True and (not _whole(check) or check < 1):
            raise ValueError(f"compile: check must be True, False or an int >= 1, not {check!r}")
        if isinstance(static_argnames, str):
            static_argnames = (static_argnames,)
        static_argnames = tuple(static_argnames)
        if not all(isinstance(name, str) for name in static_argnames):
            raise TypeError(f"compile: static_argnames must be names (strings), not {static_argnames!r}")
        self.function = function
        self.__name__ = getattr(function, "__name__", type(function).__name__)
        self.__doc__ = getattr(function, "__doc__", None)
        self.static_argnames = static_argnames
        self.max_traces = int(max_traces)
        self.backend = backend
        self.check_every = 1 if check is True else int(check or 0)
        self.guard_globals = guard_globals
        #: what a CompileError while tracing does: raise (False), or run eagerly from then on, with
        #: one warning ("warn") or without (True) — Keras' jit_compile=True and "auto"
        self.fallback = fallback
        self.reset()

    def reset(self) -> None:
        """Forget every trace: the next call with a signature runs eagerly again."""
        self._entries: dict[Any, list[_Entry] | None] = {}
        self.traces = 0
        self.calls = 0
        self.last_call = ""
        self.log: list[str] = []
        self._gave_up = False
        self._last: _Entry | None = None
        self._previous: dict[Any, tuple[tuple[Any, ...], dict[str, Any]]] = {}   # per signature
        self._eager_kinds: dict[Any, Any] = {}   # per signature: which outputs eager gave as nodes

    # ---- calling ----------------------------------------------------------------------------------
    def eager(self, *args: Any, **kwargs: Any) -> Any:
        """Call the function itself, uncompiled."""
        self.last_call = "eager"
        return self.function(*args, **kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _disabled or modes.grad_mode.anomaly or tracing.active is not None or self._gave_up:
            return self.eager(*args, **kwargs)
        self.calls += 1
        key, leaves = signature(args, kwargs, self.static_argnames)
        entries = self._entries.get(key)
        if entries is None:
            self._entries[key] = []
            self.log.append(f"call {self.calls}: new signature {describe(key)}: ran eagerly (warm-up)")
            self._previous[key] = (args, kwargs)
            result = self.eager(*args, **kwargs)
            self._eager_kinds[key] = kinds(result)
            return result
        for entry in list(entries):
            reason = entry.still_valid()
            if reason is not None:
                entries.remove(entry)
                self.log.append(f"call {self.calls}: a trace was dropped: {reason}")
                break
            if entry.unchecked_inputs is not None and not same_inputs(leaves, entry.unchecked_inputs):
                result = self._first_check(entry, key, args, kwargs, leaves)
                if result is _NO_RESULT:   # another branch than traced: the next program may fit
                    continue
                return result
            if self.check_every and self.calls % self.check_every == 0:
                return self._checked(entry, args, kwargs, leaves)
            try:
                result = self._replay(entry, leaves)
            except program.Bail as bail:   # the next program kept for this signature may fit
                self.log.append(f"call {self.calls}: {bail.reason} (instruction {bail.index})")
                continue
            self._previous[key] = (args, kwargs)
            return result
        return self._trace_or_eager(key, args, kwargs, leaves)

    def _trace_or_eager(self, key: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
                        leaves: list[Any]) -> Any:
        if self.traces >= self.max_traces:
            self._gave_up = True
            message = (f"compile({self.__name__}): {self.traces} traces, the limit; running eagerly from "
                       f"now on. Last reason: {self.log[-1] if self.log else '?'}")
            self.log.append(message)
            warnings.warn(message, stacklevel=3)
            return self.eager(*args, **kwargs)
        self.traces += 1
        trace = tracing.Trace(self.__name__)
        traced_args, traced_kwargs, input_slots = substitute(trace, args, kwargs, leaves,
                                                                 self.static_argnames)
        snapshot = globals_guard(self.function) if self.guard_globals else None
        try:
            with tracing_on(trace):
                result = self.function(*traced_args, **traced_kwargs)
                outputs: list[Any] = []
                spec = output_spec(trace, result, outputs)
        except Exception as error:
            if not isinstance(error, CompileError):
                self.traces -= 1   # the function's own error, as eager raises it: no trace spent
                raise
            if not self.fallback or trace.irreversible:
                self._gave_up = True
                raise
            trace.put_back_grads()   # nothing else has changed: the call runs again, eagerly
            self._gave_up = True
            self.log.append(f"call {self.calls}: cannot be compiled, running eagerly from now on: {error}")
            if self.fallback == "warn":
                warnings.warn(f"{error} Proceeding with jit_compile=False.", stacklevel=4)
            return self.eager(*args, **kwargs)
        eager_kinds = self._eager_kinds.get(key)
        if eager_kinds is not None:   # plain data where eager gave plain data (a float for a float)
            spec, result = as_eager(spec, eager_kinds), plain_where(result, eager_kinds, trace)
        else:
            result = without_proxies(trace, result)
        prog = program.build(trace, input_slots, outputs, self.backend)
        entry = _Entry(trace, prog, spec, snapshot)
        previous = self._previous.pop(key, None)
        if previous is not None and not same_inputs(signature(*previous, self.static_argnames)[1],
                                                     copies(leaves)):
            difference = self._verified(entry, previous)[0]
            if difference:
                self._refuse(difference)
                return result
        else:   # nothing else to compare with yet: the first call with other inputs compares
            entry.unchecked_inputs = copies(leaves)
        self._entries[key].insert(0, entry)
        self._last = entry
        self.last_call = "trace"
        self.log.append(f"call {self.calls}: traced {describe(key)} ({len(prog.instructions)} "
                        f"instructions, {prog.backend})")
        return result

    def _refuse(self, difference: str, before: Snapshot | None = None) -> None:
        """A program computed something else than eager: compiling stops for good (with a warning or
        an error, as ``fallback`` says), since a later trace would freeze the same."""
        error = CompileError(
            f"compile({self.__name__}): the traced program computes something else than eager on other "
            f"arguments ({difference}): a value was computed outside the program's instructions — NumPy "
            f"or Python on a traced value, in the function or in an op that converts an array argument "
            f"(indices, labels, class weights) by itself — so a trace would freeze it. Close over such "
            f"arrays as constants, or run it eagerly")
        self._gave_up = True
        self._entries.clear()
        self.log.append(f"call {self.calls}: {error}; running eagerly from now on")
        if not self.fallback:
            if before is not None:
                before.restore()   # a call that raises changes nothing
            raise error
        if self.fallback == "warn":
            warnings.warn(f"{error} Proceeding with jit_compile=False.", stacklevel=4)

    def _first_check(self, entry: _Entry, key: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
                     leaves: list[Any]) -> Any:
        """The first call of a program on inputs other than the traced call's: replayed, and run
        eagerly from the same state; the program is kept only if both agree bit for bit. Eager's
        result is returned, and its state kept."""
        difference, eager, before = self._verified(entry, (args, kwargs), keep_eager=True)
        if eager is _NO_RESULT:   # another branch than traced: still unchecked
            return eager
        if difference:
            self._refuse(difference, before)
        else:
            entry.unchecked_inputs = None
            self._previous[key] = (args, kwargs)
        self.last_call = "verified"
        return eager

    def _verified(self, entry: _Entry, previous: tuple[tuple[Any, ...], dict[str, Any]],
                  keep_eager: bool = False) -> tuple[str, Any, Snapshot]:
        """Run the program on the arguments ``previous``, and eager from the same state: how they
        differ (``""``: bit for bit equal), eager's result (``_NO_RESULT`` where the program bails:
        its guards keep that call honest) and the state before. What a trace froze that depends on
        the inputs — a label array converted with NumPy, say — shows here. The state before is put
        back, or, with ``keep_eager``, eager's is kept."""
        args, kwargs = previous
        leaves = signature(args, kwargs, self.static_argnames)[1]
        before = Snapshot(entry, leaves)
        try:
            compiled = self._replay(entry, leaves)
        except program.Bail:
            before.restore()
            return "", _NO_RESULT, before
        after_compiled = Snapshot(entry, leaves)
        before.restore()
        eager = self.function(*args, **kwargs)
        after_eager = Snapshot(entry, leaves)
        if not keep_eager:
            before.restore()
        return after_compiled.differs(after_eager) or _differs(compiled, eager), eager, before

    def _replay(self, entry: _Entry, leaves: list[Any]) -> Any:
        inputs: list[Any] = []
        for leaf in leaves:
            if isinstance(leaf, Node):
                inputs += (leaf._data, leaf)
            else:
                inputs.append(leaf)
        written = entry.written + [leaves[i] for i in entry.written_arguments]
        saved = [_GRAD.__get__(node, Node) for node in written]
        done = [False]
        try:
            flat = entry.program.run(inputs, done)
        except Exception as error:
            if done[0]:   # past an optimizer step: the eager error cannot be had without repeating it
                raise
            for node, previous in zip(written, saved):
                _GRAD.__set__(node, previous)
            if isinstance(error, program.Bail):
                raise
            raise program.Bail(-1, f"the program raised {type(error).__name__}: {error}") from None
        entry.calls += 1
        self._last = entry
        self.last_call = "replay"
        return rebuild(entry.output_spec, iter(flat))

    def _checked(self, entry: _Entry, args: tuple[Any, ...], kwargs: dict[str, Any],
                 leaves: list[Any]) -> Any:
        """Replay, then run eagerly from the same state, and raise if anything differs (``check=``);
        the eager run's results and state are the ones kept."""
        before = Snapshot(entry, leaves)
        try:
            compiled = self._replay(entry, leaves)
        except program.Bail:
            before.restore()
            return self.eager(*args, **kwargs)
        after_compiled = Snapshot(entry, leaves)
        before.restore()
        eager = self.eager(*args, **kwargs)
        difference = after_compiled.differs(Snapshot(entry, leaves)) or _differs(compiled, eager)
        if difference:
            raise CompileError(f"compile({self.__name__}, check=...): the compiled call differs from the "
                               f"eager one: {difference}. Please report it; ag.disable_compile() runs "
                               f"eagerly meanwhile")
        self.last_call = "checked"
        return eager

    # ---- reading it -------------------------------------------------------------------------------
    @property
    def code(self) -> str:
        """The generated Python of the last trace used (``""`` before any trace)."""
        return self._last.program.source if self._last is not None else ""

    def explain(self) -> str:
        """What happened so far: signatures, traces, why calls ran eagerly."""
        lines = [f"compile({self.__name__}): {self.calls} calls, {self.traces} traces "
                 f"(max_traces={self.max_traces}), {sum(len(e or []) for e in self._entries.values())} "
                 f"programs kept"]
        lines += [f"  {line}" for line in self.log[-50:]]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<compiled {self.__name__}: {self.traces} traces>"
