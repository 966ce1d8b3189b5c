"""What changes while a trace records: a few of the engine's functions and attributes, swapped.

Eager code pays nothing for the compiler: nothing here is in place outside :func:`tracing_on`. Inside
it, the node factory reports operations to the trace, the backward pass runs through
:mod:`.backward`, the ways data leaves the engine (``.item()``, ``float()``, ``.data``,
``np.asarray``, Tensor comparisons) raise :class:`~.tracing.CompileError`, comparisons and ``bool``
on traced Values become guards, ``.grad`` reads and writes become instructions, ``Optimizer.step``
and ``LRScheduler.step`` become effects, and random draws raise.
"""

from __future__ import annotations

import contextlib
import importlib
import operator
import sys
from collections.abc import Callable, Iterator
from typing import Any

from .. import backprop, engine, modes
from ..engine import Node
from ..nn import module as nn_module
from ..optim import base as optim_base
from ..optim import lr_scheduler
from ..tensor import Tensor
from ..value import Value
from . import backward, tracing
from .tracing import CompileError

__all__ = ["tracing_on"]

_GRAD = Node.__dict__["grad"]   # the slot's own descriptor: the raw .grad
# modules by name: the package's namespace has functions called ``tensor`` and ``random`` too
value_module = importlib.import_module("autograd_lite.value")
random_module = importlib.import_module("autograd_lite.random")
embedding = importlib.import_module("autograd_lite.nn.functional.embedding")
_record = engine._record


def _traced_record(kind: type[Node], out: Any, primitive: engine.Primitive, inputs: tuple[Any, ...],
                   input_data: Any, params: dict[str, Any], requires_grad: bool) -> Node:
    node = _record(kind, out, primitive, inputs, input_data, params, requires_grad)
    trace = tracing.active
    if trace is not None and not trace.internal:
        trace.record(node, primitive, inputs, params)
    return node


def _traced_apply(original: Callable[..., Any]) -> Callable[..., Any]:
    """A node kind's ``_apply`` while tracing: a stand-in given as a parameter (indices, weights) is
    the argument array again, as eagerly; and the parameters' check, where they hold traced data,
    is an instruction (its canonical copies are computed, and checked, on every call)."""
    def apply(primitive: engine.Primitive, inputs: tuple[Any, ...],
              params: dict[str, Any] | None = None) -> Any:
        trace = tracing.active
        check = primitive.check_params
        if trace is None or trace.internal or check is None and not params:
            return original(primitive, inputs, params)
        params = {k: trace.unwrapped(v) for k, v in (params or {}).items()}
        count = len(inputs) if primitive.array_inputs is None else primitive.array_inputs
        if check is None or not any(_holds_traced(trace, v) for v in (*params.values(), *inputs[count:])):
            return original(primitive, inputs, params)

        def recorded(*args: Any, **kwargs: Any) -> Any:
            return trace.data_call(check, args, kwargs)
        recorded.__name__ = f"{primitive.name}_params"
        primitive.check_params = recorded
        try:
            return original(primitive, inputs, params)
        finally:
            primitive.check_params = check
    return apply


def _holds_traced(trace: tracing.Trace, x: Any) -> bool:
    if x.__class__ in (tuple, list):
        return any(_holds_traced(trace, item) for item in x)
    return trace.is_dynamic(x)


def _user(node: Any) -> tracing.Trace | None:
    """The trace, when user code (not the engine's own) touches a traced node."""
    trace = tracing.active
    if trace is None or trace.internal or not trace.is_dynamic(node):
        return None
    return trace


def _from_library() -> bool:
    """Whether the caller two frames up is the package's own code (which hands data on as it is, as
    ``value_and_grad`` returns ``out.data``), not yours."""
    name = sys._getframe(2).f_globals.get("__name__", "")
    return name.startswith("autograd_lite.") and not name.startswith("autograd_lite.compiler")


def _escaping(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    def refused(self: Node, *args: Any, **kwargs: Any) -> Any:
        trace = _user(self)
        if trace is not None and not _from_library():
            raise trace.escape(name, self)
        return original(self, *args, **kwargs)
    return refused


def _guarding(function: Callable[..., Any], original: Callable[..., Any], text: str) -> Callable[..., Any]:
    def guarded(self: Node, *other: Any) -> Any:
        outcome = original(self, *other)
        trace = tracing.active
        if trace is not None and not trace.internal and (
                trace.is_dynamic(self) or any(trace.is_dynamic(o) for o in other)):
            trace.guard(function, (self, *other), outcome, text)
        return outcome
    return guarded


def _grad_get(node: Node) -> Any:
    raw = _GRAD.__get__(node, Node)
    trace = tracing.active
    if trace is None or trace.internal or raw is None:
        return raw
    return trace_grad_read(trace, node, raw)


def trace_grad_read(trace: tracing.Trace, node: Node, raw: Any) -> Any:
    """User code reads ``node.grad``: a node without history standing for the gradient, so that
    arithmetic on it is recorded too (a float or an array would be a constant of the program)."""
    slot = trace.grad_slot.get(id(node))
    if slot is not None and trace.values[slot] is not raw:
        slot = None   # set since by other means
    if slot is None:
        slot = trace.slot_of.get(id(raw))
    if slot is None:
        if node._stamp >= trace.start and id(node) not in trace.node_slot:
            return raw   # a leaf made in this call, whose gradient was never set: a constant
        slot = trace.emit("call", backward.read_grad, (trace.node_operand(node),), name="read_grad",
                          value=raw).index
        trace.grad_slot[id(node)] = slot
    proxy = engine._leaf(node._result_type, raw)
    trace.slot_of[id(proxy)] = slot
    trace.keep.append(proxy)
    trace.proxies.add(id(proxy))
    return proxy


def _grad_set(node: Node, new: Any) -> None:
    trace = tracing.active
    if trace is not None and not trace.internal and _outlives_call(trace, node):
        operand = trace.operand(new)
        raw = trace.value(operand)
        trace.remember_grad(node, _GRAD.__get__(node, Node))
        trace.emit("effect", backward.write_grad, (trace.node_operand(node), operand), name="set_grad",
                   has_out=False)
        new = raw
    _GRAD.__set__(node, new)


def _outlives_call(trace: tracing.Trace, node: Node) -> bool:
    """Whether ``node`` is there on the next call too: an argument, or a node from outside (a node
    being made right now has no stamp yet; one made in this call is a new node next time)."""
    try:
        return node._stamp < trace.start or id(node) in trace.node_slot
    except AttributeError:
        return False


def _linking(original: Callable[..., Any], what: Callable[..., Any]) -> Callable[..., Any]:
    """A constructor (``Tensor(x)``, ``Value(x)``) given traced data: the new leaf is computed from it
    on each call (by the same constructor), not a constant."""
    def construct(self: Node, data: Any = None, *args: Any, **kwargs: Any) -> None:
        trace = tracing.active
        if trace is None or trace.internal or not trace.is_dynamic(data):
            original(self, data, *args, **kwargs)
            return
        source = trace.operand(data)
        trace.internal += 1
        try:
            original(self, data, *args, **kwargs)
        finally:
            trace.internal -= 1
        slot = trace.emit("call", what, (source, *args), kwargs, name=f"{type(self).__name__}_data",
                          value=self._data)
        self._data = trace.fresh(slot)
        trace.values[slot.index] = self._data
        trace.slot_of[id(self)] = trace.slot_of[id(self._data)] = slot.index
        trace.keep.extend((self, self._data))
    return construct


def _tensor_data(data: Any, *args: Any, **kwargs: Any) -> Any:
    return Tensor(data, *args, **kwargs)._data


def _value_data(data: Any, *args: Any, **kwargs: Any) -> Any:
    return Value(data, *args, **kwargs)._data


def _node_init(original: Callable[..., Any]) -> Callable[..., Any]:
    def init(self: Node, data: Any, requires_grad: bool) -> None:
        original(self, data, requires_grad)
        trace = tracing.active
        if trace is None or trace.internal:
            return
        source = data
        while id(source) not in trace.slot_of and getattr(source, "base", None) is not None \
                and source.shape == source.base.shape:
            source = source.base    # detach(): a view of a traced array
        slot = trace.slot_of.get(id(source))
        if slot is not None:   # the leaf, and its data (a view), stand for the traced value
            trace.slot_of[id(self)] = trace.slot_of[id(data)] = slot
            trace.keep.extend((self, data))
    return init


def _effect(original: Callable[..., Any], name: str) -> Callable[..., Any]:
    def step(self: Any, *args: Any) -> Any:
        trace = tracing.active
        if trace is None or trace.internal:
            return original(self, *args)
        if args and args[0] is not None:
            raise CompileError(f"compile({trace.where}): {type(self).__name__}.{name} with a closure "
                               f"at {tracing.user_line()}; call the closure's code in the function instead")
        trace.internal += 1
        try:
            result = original(self)
        finally:
            trace.internal -= 1
        trace.emit("effect", original, (self,), name=f"{type(self).__name__}.{name}", has_out=False,
                   irreversible=True)
        trace.irreversible = True
        trace.effects.append(self)
        return result
    return step


def _in_place(original: Callable[..., Any]) -> Callable[..., Any]:
    """``p -= lr * g`` under ``no_grad`` on a traced tensor: done now, and again on every call."""
    def in_place(self: Node, ufunc: Any, other: Any) -> Any:
        trace = tracing.active
        if trace is None or trace.internal or not (trace.is_dynamic(self) or trace.is_dynamic(other)):
            return original(self, ufunc, other)
        target, operand = trace.node_operand(self), trace.operand(other)
        if target is self and self._stamp >= trace.start:
            raise CompileError(f"compile({trace.where}): an in-place {ufunc.__name__} at "
                               f"{tracing.user_line()} on a tensor made in this call; write t = t + x")
        trace.internal += 1
        try:
            result = original(self, ufunc, other)
        finally:
            trace.internal -= 1
        trace.emit("effect", original, (target, ufunc, operand), name=f"in_place_{ufunc.__name__}",
                   has_out=False, irreversible=True)
        trace.irreversible = True
        return result
    return in_place


def _module_call(original: Callable[..., Any]) -> Callable[..., Any]:
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        trace = tracing.active
        if trace is not None and not trace.internal:
            trace.modules[id(self)] = self
        return original(self, *args, **kwargs)
    return call


class _NoRandomNumbers:
    """The random generator while tracing: a draw would be the same numbers on every call."""

    def __init__(self, generator: Any) -> None:
        self.generator = generator

    def __getattr__(self, name: str) -> Any:
        trace = tracing.active
        if trace is None or trace.internal:   # another thread draws as ever
            return getattr(self.generator, name)
        where = trace.where
        raise CompileError(f"compile({where}): random numbers drawn at {tracing.user_line()} (dropout, "
                           f"random init) would repeat on every call; run it eagerly, or draw them "
                           f"outside and pass them in")


def _swaps() -> list[tuple[Any, str, Any]]:
    """(owner, attribute, replacement) for every change a trace makes."""
    swaps: list[tuple[Any, str, Any]] = [
        (engine, "_record", _traced_record), (value_module, "_record", _traced_record),
        (backprop, "_backpropagate", backward.backpropagate),
        (Node, "grad", property(_grad_get, _grad_set)),
        (Node, "__init__", _node_init(Node.__init__)),
        (Tensor, "__init__", _linking(Tensor.__init__, _tensor_data)),
        (Value, "__init__", _linking(Value.__init__, _value_data)),
        (optim_base.Optimizer, "step", _effect(optim_base.Optimizer.step, "step")),
        (lr_scheduler.LRScheduler, "step", _effect(lr_scheduler.LRScheduler.step, "step")),
        (nn_module.Module, "__call__", _module_call(nn_module.Module.__call__)),
        (Tensor, "_in_place", _in_place(Tensor._in_place)),
        (Tensor, "_apply", staticmethod(_traced_apply(Tensor._apply))),
        (Value, "_apply", staticmethod(_traced_apply(Value._apply))),
        (random_module, "_generator", _NoRandomNumbers(random_module._generator)),
        (embedding, "_generator", _NoRandomNumbers(embedding._generator)),
    ]
    for kind in (Tensor, Value):
        swaps.append((kind, "data", property(_escaping(".data", kind.data.fget), kind.data.fset)))
        for name, what in (("item", ".item()"), ("__float__", "float()"), ("__int__", "int()"),
                           ("__index__", "int()"), ("__array__", "np.asarray()"), ("numpy", ".numpy()"),
                           ("tolist", ".tolist()")):
            if hasattr(kind, name):
                swaps.append((kind, name, _escaping(what, getattr(kind, name))))
    for name, function in (("__lt__", operator.lt), ("__le__", operator.le), ("__gt__", operator.gt),
                           ("__ge__", operator.ge), ("__eq__", operator.eq), ("__ne__", operator.ne)):
        symbol = tracing.values_equal_outcome(function)
        swaps.append((Value, name, _guarding(function, getattr(Value, name), f"a comparison {symbol}")))
        swaps.append((Tensor, name, _escaping(f"a comparison {symbol} (plain booleans)",
                                              getattr(Tensor, name))))
    swaps.append((Value, "__bool__", _guarding(_value_bool_guard, Value.__bool__, "bool(Value)")))
    swaps.append((Tensor, "__bool__", _guarding(_tensor_bool_guard, Tensor.__bool__, "bool(Tensor)")))
    return swaps


def _value_bool_guard(x: Any) -> bool:
    return x != 0.0


def _tensor_bool_guard(x: Any) -> bool:
    return bool(x)


@contextlib.contextmanager
def tracing_on(trace: tracing.Trace) -> Iterator[None]:
    """Record into ``trace`` for the block; everything swapped is put back after, even on error."""
    if tracing.active is not None:
        raise CompileError(f"compile({trace.where}): called while compiling {tracing.active.where}; "
                           f"a compiled function cannot trace another (call the inner one eagerly)")
    swaps = _swaps()
    saved = [(owner, name, owner.__dict__.get(name, _MISSING)) for owner, name, _ in swaps]
    tracing.active = modes.compiling = trace
    try:
        for owner, name, replacement in swaps:
            setattr(owner, name, replacement)
        yield
    finally:
        for owner, name, previous in reversed(saved):
            if previous is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, previous)
        tracing.active = modes.compiling = None


_MISSING = object()
