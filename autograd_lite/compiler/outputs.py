"""Outputs: how a compiled call gives back what the function returned, as eager gives it.

The trace records how to rebuild the function's result from the program's flat outputs: a node made
in the call comes back as a leaf of its kind (with the ``.grad`` the call gave it), a node from
before the call (a parameter) or an argument as itself, plain data as plain data, containers as
containers. Where eager gave plain data and the trace a node (a float argument traced as a Value),
the replay gives plain data too.
"""

from __future__ import annotations

from typing import Any

from ..backend import ndarray
from ..engine import Node, _leaf
from . import tracing
from .snapshot import _differs
from .tracing import Slot

__all__ = ["as_eager", "kinds", "output_spec", "plain_where", "rebuild", "without_proxies"]

_GRAD = Node.__dict__["grad"]
_NO_GRAD = object()


def output_spec(trace: tracing.Trace, result: Any, outputs: list[Any]) -> Any:
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
        grad = trace.cell_grads.get(id(result), _NO_GRAD)
        if grad is not _NO_GRAD and not _differs(trace.value(grad), _GRAD.__get__(result, Node)):
            outputs.append(grad)   # its .grad, as a backward pass in the call left it
            return ("node with grad", result._result_type)
        return ("node", result._result_type)
    if result.__class__ in (list, tuple):
        return (result.__class__, tuple(output_spec(trace, x, outputs) for x in result))
    if result.__class__ is dict:
        return (dict, tuple((k, output_spec(trace, v, outputs)) for k, v in result.items()))
    if result.__class__ is float or result.__class__ is ndarray or hasattr(result, "dtype"):
        slot = trace.slot_of.get(id(result))
        if slot is None:   # no instruction computes it: a constant (a zero gradient, a seed passed on),
            return ("copy", result)   # which the check against eager on other inputs confirms
        outputs.append(Slot(slot))
        return ("raw",)
    return ("constant", result)


def kinds(result: Any) -> Any:
    """Which parts of an eager result are nodes: ``True`` for a node, containers alike, else False."""
    if isinstance(result, Node):
        return True
    if result.__class__ in (list, tuple):
        return tuple(kinds(x) for x in result)
    if result.__class__ is dict:
        return {k: kinds(v) for k, v in result.items()}
    return False


def as_eager(spec: Any, kinds: Any) -> Any:
    """``spec`` with a node output made plain data where eager gave plain data."""
    tag = spec[0]
    if tag in ("node", "node with grad") and kinds is False:
        return ("raw",) if tag == "node" else ("raw, and a grad left out",)
    if tag is dict and isinstance(kinds, dict):
        return (dict, tuple((k, as_eager(s, kinds.get(k, True))) for k, s in spec[1]))
    if tag in (list, tuple) and isinstance(kinds, tuple) and len(kinds) == len(spec[1]):
        return (tag, tuple(as_eager(s, k) for s, k in zip(spec[1], kinds)))
    return spec


def plain_where(result: Any, kinds: Any, trace: tracing.Trace) -> Any:
    """The traced call's own result, as eager would give it: plain data where eager's was."""
    if isinstance(result, Node):
        return result._data if kinds is False or id(result) in trace.proxies else result
    if result.__class__ in (list, tuple) and isinstance(kinds, tuple) and len(kinds) == len(result):
        return result.__class__(plain_where(x, k, trace) for x, k in zip(result, kinds))
    if result.__class__ is dict and isinstance(kinds, dict):
        return {k: plain_where(v, kinds.get(k, True), trace) for k, v in result.items()}
    return without_proxies(trace, result)


def rebuild(spec: Any, flat: Any) -> Any:
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
        return {k: rebuild(s, flat) for k, s in spec[1]}
    return tag(rebuild(s, flat) for s in spec[1])


def without_proxies(trace: tracing.Trace, result: Any) -> Any:
    """The trace call's own result, with the stand-ins of ``.grad`` reads back to plain data."""
    if isinstance(result, Node) and id(result) in trace.proxies:
        return result._data
    if result.__class__ in (list, tuple):
        return result.__class__(without_proxies(trace, x) for x in result)
    if result.__class__ is dict:
        return {k: without_proxies(trace, v) for k, v in result.items()}
    return result

