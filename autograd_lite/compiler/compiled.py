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

import struct
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from .. import backend, modes
from ..backend import ndarray
from ..engine import Node, _leaf
from ..tensor import Tensor
from ..value import Value
from . import program, tracing
from .hooks import tracing_on
from .snapshot import Snapshot, _copied, _differs, globals_guard
from .tracing import CompileError, Slot

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
        if isinstance(max_traces, bool) or not isinstance(max_traces, int) or max_traces < 1:
            raise ValueError(f"compile: max_traces must be an int >= 1, not {max_traces!r}")
        if check is not False and (isinstance(check, bool) is False and (not isinstance(check, int)
                                                                          or check < 1)):
            raise ValueError(f"compile: check must be True, False or an int >= 1, not {check!r}")
        if isinstance(static_argnames, str):
            static_argnames = (static_argnames,)
        self.function = function
        self.__name__ = getattr(function, "__name__", type(function).__name__)
        self.__doc__ = getattr(function, "__doc__", None)
        self.static_argnames = tuple(static_argnames)
        self.max_traces = max_traces
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
        key, leaves = _signature(args, kwargs, self.static_argnames)
        entries = self._entries.get(key)
        if entries is None:
            self._entries[key] = []
            self.log.append(f"call {self.calls}: new signature {_describe(key)}: ran eagerly (warm-up)")
            self._previous[key] = (args, kwargs)
            result = self.eager(*args, **kwargs)
            self._eager_kinds[key] = _kinds(result)
            return result
        for entry in list(entries):
            reason = entry.still_valid()
            if reason is not None:
                entries.remove(entry)
                self.log.append(f"call {self.calls}: a trace was dropped: {reason}")
                break
            if entry.unchecked_inputs is not None and not _same_inputs(leaves, entry.unchecked_inputs):
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
        traced_args, traced_kwargs, input_slots = _substitute(trace, args, kwargs, leaves,
                                                                 self.static_argnames)
        snapshot = globals_guard(self.function) if self.guard_globals else None
        try:
            with tracing_on(trace):
                result = self.function(*traced_args, **traced_kwargs)
                outputs: list[Any] = []
                spec = _output_spec(trace, result, outputs)
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
        kinds = self._eager_kinds.get(key)
        if kinds is not None:   # what eager gave as plain data (a float in, a float out) the replay gives so
            spec, result = _as_eager(spec, kinds), _plain_where(result, kinds, trace)
        else:
            result = _without_proxies(trace, result)
        prog = program.build(trace, input_slots, outputs, self.backend)
        entry = _Entry(trace, prog, spec, snapshot)
        previous = self._previous.pop(key, None)
        if previous is not None and not _same_inputs(_signature(*previous, self.static_argnames)[1],
                                                     _copies(leaves)):
            difference = self._verified(entry, previous)[0]
            if difference:
                self._refuse(difference)
                return result
        else:   # nothing else to compare with yet: the first call with other inputs compares
            entry.unchecked_inputs = _copies(leaves)
        self._entries[key].insert(0, entry)
        self._last = entry
        self.last_call = "trace"
        self.log.append(f"call {self.calls}: traced {_describe(key)} ({len(prog.instructions)} "
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
        leaves = _signature(args, kwargs, self.static_argnames)[1]
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
        return _rebuild(entry.output_spec, iter(flat))

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


# ---- signatures: what a program is specialised to ------------------------------------------------

def _signature(args: tuple[Any, ...], kwargs: dict[str, Any], static: Sequence[str]) -> tuple[Any, list[Any]]:
    """The cache key of a call, and its dynamic leaves (nodes, arrays, and — where no array is
    among them — Python floats) in order."""
    leaves: list[Any] = []
    seen = [False, False]   # an array among the arguments, a float among them
    spec = _specs(args, kwargs, static, leaves, seen, floats=True)
    if seen[0] and seen[1]:   # floats beside arrays are static: walk again (rare)
        leaves.clear()
        spec = _specs(args, kwargs, static, leaves, seen, floats=False)
    return (spec, modes.grad_mode.enabled), leaves


def _specs(args: tuple[Any, ...], kwargs: dict[str, Any], static: Sequence[str], leaves: list[Any],
           seen: list[bool], floats: bool) -> Any:
    specs = tuple(_leaf_spec(a, leaves, seen, floats) for a in args)
    if not kwargs:
        return specs, ()
    return specs, tuple((k, ("static", _hashable(v)) if k in static else _leaf_spec(v, leaves, seen, floats))
                        for k, v in sorted(kwargs.items()))


def _has_arrays(obj: Any) -> bool:
    seen = [False, False]
    _leaf_spec(obj, [], seen, True)
    return seen[0]


def _leaf_spec(x: Any, leaves: list[Any], seen: list[bool], floats: bool) -> Any:
    cls = x.__class__
    if cls is ndarray:
        leaves.append(x)
        seen[0] = True
        return (cls, x.shape, x.dtype)
    if isinstance(x, Node):
        leaves.append(x)
        data = x._data
        if data.__class__ is float:
            return (cls, (), None, x.requires_grad)
        seen[0] = True
        return (cls, data.shape, data.dtype, x.requires_grad)
    if cls is float:
        seen[1] = True
        if not floats:
            return ("static", (float, x))
        leaves.append(x)
        return ("float",)
    if cls is list or cls is tuple:
        return (cls, tuple([_leaf_spec(item, leaves, seen, floats) for item in x]))
    if cls is dict:
        return (dict, tuple((k, _leaf_spec(v, leaves, seen, floats)) for k, v in sorted(x.items(), key=repr)))
    if backend.is_array(x):
        leaves.append(x)
        seen[0] = True
        return (cls, x.shape, str(x.dtype))
    return ("static", _hashable(x))


def _hashable(x: Any) -> Any:
    try:
        hash(x)
    except TypeError:
        return ("id", id(x))
    return (type(x), x)


def _describe(key: Any) -> str:
    def show(spec: Any) -> str:
        tag = spec[0]
        if tag == "float":
            return "float"
        if tag == "static":
            return repr(spec[1][1]) if spec[1][0] != "id" else "<object>"
        if tag is list or tag is tuple:
            return "[" + ", ".join(show(s) for s in spec[1]) + "]"
        if tag is dict:
            return "{" + ", ".join(f"{k}: {show(s)}" for k, s in spec[1]) + "}"
        name = "array" if tag is ndarray else tag.__name__
        return f"{name}{tuple(spec[1]) if spec[1] else ''}"
    (args, kwargs), grad = key
    parts = [show(s) for s in args] + [f"{k}={show(s)}" for k, s in kwargs]
    return "(" + ", ".join(parts) + ")" + ("" if grad else " under no_grad")


def _substitute(trace: tracing.Trace, args: tuple[Any, ...], kwargs: dict[str, Any], leaves: list[Any],
                static: Sequence[str]) -> tuple[tuple[Any, ...], dict[str, Any], list[int]]:
    """The arguments the trace runs on: arrays as Tensors and floats as Values (without grad) that
    stand for the call's inputs, nodes as they are; and the input slots, in the order of leaves."""
    replacements: list[Any] = []
    input_slots: list[int] = []
    trace.argument_node_slots = []
    for leaf in leaves:
        if isinstance(leaf, Node):
            input_slots.append(trace.input(leaf._data, leaf).index)
            node_slot = trace.input_node(leaf).index
            input_slots.append(node_slot)
            trace.argument_node_slots.append(node_slot)
            replacements.append(leaf)
            continue
        # a float argument gets an object of its own: the caller's may be a constant of the code
        is_float = leaf.__class__ is float
        data = struct.unpack("d", struct.pack("d", leaf))[0] if is_float else leaf
        stand_in = _leaf(Value if is_float else Tensor, data)
        trace.stand_ins.add(id(stand_in))
        input_slots.append(trace.input(leaf, stand_in).index)
        trace.argument_node_slots.append(None)
        replacements.append(stand_in)

    stand_ins = iter(replacements)
    arrays = _has_arrays((args, kwargs))

    def swap(x: Any) -> Any:   # the order of _leaf_spec's walk, so each leaf meets its own stand-in
        if isinstance(x, Node):
            return next(stand_ins)
        if x.__class__ is ndarray or backend.is_array(x) or x.__class__ is float and not arrays:
            return next(stand_ins)
        if x.__class__ in (list, tuple):
            return x.__class__([swap(item) for item in x])
        if x.__class__ is dict:
            swapped = {k: swap(v) for k, v in sorted(x.items(), key=repr)}
            return {k: swapped[k] for k in x}
        return x
    traced_args = tuple(swap(a) for a in args)
    swapped_kwargs = {k: v if k in static else swap(v) for k, v in sorted(kwargs.items())}
    return traced_args, {k: swapped_kwargs[k] for k in kwargs}, input_slots


# ---- outputs ---------------------------------------------------------------------------------------

def _output_spec(trace: tracing.Trace, result: Any, outputs: list[Any]) -> Any:
    """How to rebuild ``result`` from the program's flat outputs (appended to ``outputs``)."""
    if isinstance(result, Node):
        slot = trace.node_slot.get(id(result))
        if slot is not None:   # an argument: the very node
            outputs.append(Slot(slot))
            return ("raw",)
        if result._stamp < trace.start:   # a node from before the call (a parameter): itself
            return ("constant", result)
        outputs.append(trace.operand(result))
        if id(result) in trace.proxies:
            return ("raw",)
        grad = trace.cell_grads.get(id(result), _NO_RESULT)
        if grad is not _NO_RESULT and not _differs(trace.value(grad), _GRAD.__get__(result, Node)):
            outputs.append(grad)   # its .grad, as a backward pass in the call left it
            return ("node with grad", result._result_type)
        return ("node", result._result_type)
    if result.__class__ in (list, tuple):
        return (result.__class__, tuple(_output_spec(trace, x, outputs) for x in result))
    if result.__class__ is dict:
        return (dict, tuple((k, _output_spec(trace, v, outputs)) for k, v in result.items()))
    if result.__class__ is float or result.__class__ is ndarray or hasattr(result, "dtype"):
        slot = trace.slot_of.get(id(result))
        if slot is None:   # no instruction computes it: a constant (a zero gradient, a seed passed on),
            return ("copy", result)   # which the check against eager on other inputs confirms
        outputs.append(Slot(slot))
        return ("raw",)
    return ("constant", result)


def _copies(leaves: list[Any]) -> list[Any]:
    """The data of a call's dynamic leaves, copied (what a later call is compared with)."""
    return [_copied(leaf._data if isinstance(leaf, Node) else leaf) for leaf in leaves]


def _same_inputs(leaves: list[Any], saved: list[Any]) -> bool:
    """Whether the leaves hold exactly the data ``saved`` (by :func:`_copies`)."""
    return not _differs([leaf._data if isinstance(leaf, Node) else leaf for leaf in leaves], saved)


def _kinds(result: Any) -> Any:
    """Which parts of an eager result are nodes: ``True`` for a node, containers alike, else False."""
    if isinstance(result, Node):
        return True
    if result.__class__ in (list, tuple):
        return tuple(_kinds(x) for x in result)
    if result.__class__ is dict:
        return {k: _kinds(v) for k, v in result.items()}
    return False


def _as_eager(spec: Any, kinds: Any) -> Any:
    """``spec`` with a node output made plain data where eager gave plain data."""
    tag = spec[0]
    if tag in ("node", "node with grad") and kinds is False:
        return ("raw",) if tag == "node" else ("raw, and a grad left out",)
    if tag is dict and isinstance(kinds, dict):
        return (dict, tuple((k, _as_eager(s, kinds.get(k, True))) for k, s in spec[1]))
    if tag in (list, tuple) and isinstance(kinds, tuple) and len(kinds) == len(spec[1]):
        return (tag, tuple(_as_eager(s, k) for s, k in zip(spec[1], kinds)))
    return spec


def _plain_where(result: Any, kinds: Any, trace: tracing.Trace) -> Any:
    """The traced call's own result, as eager would give it: plain data where eager's was."""
    if isinstance(result, Node):
        return result._data if kinds is False or id(result) in trace.proxies else result
    if result.__class__ in (list, tuple) and isinstance(kinds, tuple) and len(kinds) == len(result):
        return result.__class__(_plain_where(x, k, trace) for x, k in zip(result, kinds))
    if result.__class__ is dict and isinstance(kinds, dict):
        return {k: _plain_where(v, kinds.get(k, True), trace) for k, v in result.items()}
    return _without_proxies(trace, result)


def _rebuild(spec: Any, flat: Any) -> Any:
    tag = spec[0]
    if tag == "raw":
        return next(flat)
    if tag == "raw, and a grad left out":
        value = next(flat)
        next(flat)
        return value
    if tag == "node":
        return _leaf(spec[1], next(flat))
    if tag == "node with grad":
        node = _leaf(spec[1], next(flat))
        _GRAD.__set__(node, next(flat))
        return node
    if tag == "constant":
        return spec[1]
    if tag == "copy":   # a constant array, fresh for each call: the caller may change it
        return spec[1].copy() if spec[1].__class__ is ndarray else spec[1]
    if tag is dict:
        return {k: _rebuild(s, flat) for k, s in spec[1]}
    return tag(_rebuild(s, flat) for s in spec[1])


def _without_proxies(trace: tracing.Trace, result: Any) -> Any:
    """The trace call's own result, with the stand-ins of ``.grad`` reads back to plain data."""
    if isinstance(result, Node) and id(result) in trace.proxies:
        return result._data
    if result.__class__ in (list, tuple):
        return result.__class__(_without_proxies(trace, x) for x in result)
    if result.__class__ is dict:
        return {k: _without_proxies(trace, v) for k, v in result.items()}
    return result

