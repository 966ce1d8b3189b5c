"""The backward pass while tracing: eager's own pass, emitting one instruction per step.

It walks the graph exactly as :func:`autograd_lite.backprop._backpropagate` does — the same graph
walk (``_graph_behind``, ``_leading_to``), the same order, the same VJPs on the same operands, the
same ``_fit_grad`` and ``_store_grad`` — and hands each call to :meth:`Trace.call`, which runs it now
and appends it to the program. Only the walk is repeated here; every number comes from the engine's
functions. Compiled and eager gradients are checked equal, bit for bit, in the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import backend, backprop
from ..backprop import _describe, _graph_behind, _leading_to, _position, _store_grad
from ..engine import DomainError, Node, ShapeError, _leaf
from ..modes import grad_mode
from . import tracing
from .tracing import CompileError, Slot

__all__ = ["backpropagate", "read_grad", "store_grad", "write_grad"]

_eager_backpropagate = backprop._backpropagate
_GRAD = Node.__dict__["grad"]


def backpropagate(root: Node, seed: Any, create_graph: bool,
                  targets: Sequence[Node] | None) -> dict[Node, Any]:
    """:func:`~autograd_lite.backprop._backpropagate`, recorded into the active trace."""
    trace = tracing.active
    if trace is None or trace.internal:
        return _eager_backpropagate(root, seed, create_graph, targets)
    if create_graph or grad_mode.anomaly:
        raise CompileError(f"compile({trace.where}): a backward pass with create_graph=True (or in "
                           f"anomaly mode) at {tracing.user_line()} is not compiled; run it eagerly")
    operations, leaves = _graph_behind(root)
    wanted = relevant = None
    if targets is not None:
        wanted = frozenset(targets)
        relevant = _leading_to(wanted, operations)
        operations = [node for node in operations if node in relevant]
    fit = root._result_type._fit_grad
    handed_out = None
    if root._mutable_grads:
        handed_out = trace.emit("call", set, (), name="handed_out", value=set())
    seed = trace.operand(seed)
    if hasattr(seed, "shape"):   # made by _seed_grad in this call: fresh memory on each call too
        seed = trace.emit("call", _copy, (seed,), name="seed", value=_copy(seed))
    grads = {root: seed}
    collected, stored = {}, []
    trace.internal += 1
    trace.fixed_line = f"the backward pass, from {tracing.user_line()}"
    try:
        for node in operations + leaves:
            g = grads.pop(node, None)
            if g is None:
                continue
            if wanted is not None:
                if node in wanted:
                    collected[node] = g if fit is None else _fitted(trace, fit, node, g)
            elif node._primitive is None or node._keeps_grad:
                stored.append((node, _GRAD.__get__(node, Node)))
                _emit_store(trace, node, g, handed_out)
            if node._primitive is not None:
                _chain_rule(trace, node, g, grads, fit, relevant)
    except BaseException:
        for node, previous in stored:
            _GRAD.__set__(node, previous)
        raise
    finally:
        trace.internal -= 1
        trace.fixed_line = None
    return {node: trace.fresh(g) for node, g in collected.items()}


def _emit_store(trace: tracing.Trace, node: Node, g: Any, handed_out: Slot | None) -> None:
    target = trace.node_operand(node)
    if node._stamp >= trace.start and target is node:
        # a node made in this call, a new one on every call: its .grad is just a value of the program,
        # the sum eager forms (0.0 + g for a Value, g itself for a Tensor, then + each later one)
        prior = trace.grad_slot.get(id(node))
        store_grad(node, trace.value(g), trace.value(handed_out))
        if prior is not None:
            total = trace.call(_sum_of, (Slot(prior), g), name="add")
        else:
            total = trace.call(_sum_of, (0.0, g), name="add") if node._mutable_grads is False else g
        trace.cell_grads[id(node)] = total
        if isinstance(total, Slot):
            trace.grad_slot[id(node)] = total.index
        return
    trace.remember_grad(node, _GRAD.__get__(node, Node))
    value = store_grad(node, trace.value(g), trace.value(handed_out))
    slot = trace.emit("effect", store_grad, (target, g, handed_out), name="store_grad", value=value)
    trace.grad_slot[id(node)] = slot.index


def store_grad(node: Node, g: Any, handed_out: set[int] | None) -> Any:
    """Add ``g`` to ``node.grad`` as the eager pass does; the new ``.grad``."""
    current = _GRAD.__get__(node, Node)
    if g.__class__ is float and current.__class__ is float:
        _GRAD.__set__(node, current + g)
    else:
        _store_grad(node, g, handed_out)
    return _GRAD.__get__(node, Node)


def read_grad(node: Node) -> Any:
    """``node.grad`` now."""
    return _GRAD.__get__(node, Node)


def write_grad(node: Node, value: Any) -> None:
    """``node.grad = value``."""
    _GRAD.__set__(node, value)


def _fitted(trace: tracing.Trace, fit: Any, node: Node, g: Any) -> Any:
    """``fit(node, g)`` as eager calls it; nothing to emit where it hands ``g`` back (decided by
    shapes and dtypes alone, which the cache key fixes)."""
    value = trace.value(g)
    if fit(node, value) is value:
        return g
    return trace.call(_fit_like(node, fit), (g,), name="fit_grad", inline_args=False)


def _fit_like(node: Node, fit: Any) -> Any:
    """``fit`` bound to a stand-in of ``node`` with its shape and dtype but no memory of its own
    (``_fit_grad`` reads only those), so the program does not keep the graph alive."""
    data = node._data
    if hasattr(data, "shape") and data.__class__ is backend.ndarray:
        stand_in = _leaf(type(node), backend.host_namespace.broadcast_to(
            backend.host_namespace.zeros((), dtype=data.dtype), data.shape))
    else:
        stand_in = node

    def fit_grad(g: Any) -> Any:
        return fit(stand_in, g)
    return fit_grad


def _chain_rule(trace: tracing.Trace, node: Node, g: Any, grads: dict[Node, Any], fit: Any,
                relevant: Any) -> None:
    """:func:`~autograd_lite.backprop._chain_rule` for a trace (create_graph is refused above)."""
    primitive, inputs, params = node._primitive, node._inputs, node._params or {}
    out = trace.operand(node)
    operands = [trace.operand(x) for x in inputs]
    kwargs = {k: trace.operand(v) for k, v in params.items()}
    vjps = primitive.vjps if primitive.argnum_vjp is None else primitive.argnum_vjps(len(inputs))
    for position, (parent, vjp) in enumerate(zip(inputs, vjps)):
        if vjp is None or not isinstance(parent, Node) or not parent.requires_grad or \
                relevant is not None and parent not in relevant:
            continue
        try:
            parent_grad = trace.call(vjp, (g, out, *operands), kwargs, name=f"{primitive.name}_vjp{position}")
            if fit is not None:
                parent_grad = _fitted(trace, fit, parent, parent_grad)
        except ShapeError as error:
            raise ShapeError(f"the VJP of {primitive.name} for its input "
                             f"{_position(node, parent)}: {error}") from None
        except (ArithmeticError, ValueError) as error:
            input_data = [trace.value(x) for x in operands]
            raise DomainError(f"the gradient of {primitive.name} at {_describe(input_data)} is "
                              f"undefined: {error}") from error
        previous = grads.get(parent)
        grads[parent] = parent_grad if previous is None else _add(trace, previous, parent_grad)


def _copy(array: Any) -> Any:
    if array.__class__ is backend.ndarray:
        return array.copy()
    return backend.namespace(array).asarray(array, copy=True)   # another library's, on its device


def _add(trace: tracing.Trace, a: Any, b: Any) -> Any:
    return trace.call(_sum_of, (a, b), name="add")


def _sum_of(a: Any, b: Any) -> Any:
    return a + b
