"""Signatures: what a compiled program is specialised to, and the arguments a trace runs on.

A call's *signature* is its cache key: the kind, shape, dtype and ``requires_grad`` of each node and
array argument, the structure of lists, tuples and dicts, the values of the other (static)
arguments, and grad mode. Python floats are inputs of the program (not part of the key) where no
array is among the arguments; beside arrays they are static, since a float and a 0-d array combine
with float32 data in different dtypes.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

from .. import backend, modes
from ..backend import ndarray
from ..engine import Node, _leaf
from ..tensor import Tensor
from ..value import Value
from . import tracing
from .snapshot import _copied, _differs

__all__ = ["copies", "describe", "same_inputs", "signature", "substitute"]


def signature(args: tuple[Any, ...], kwargs: dict[str, Any], static: Sequence[str]) -> tuple[Any, list[Any]]:
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


def describe(key: Any) -> str:
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


def substitute(trace: tracing.Trace, args: tuple[Any, ...], kwargs: dict[str, Any], leaves: list[Any],
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


def copies(leaves: list[Any]) -> list[Any]:
    """The data of a call's dynamic leaves, copied (what a later call is compared with)."""
    return [_copied(leaf._data if isinstance(leaf, Node) else leaf) for leaf in leaves]


def same_inputs(leaves: list[Any], saved: list[Any]) -> bool:
    """Whether the leaves hold exactly the data ``saved`` (by :func:`_copies`)."""
    return not _differs([leaf._data if isinstance(leaf, Node) else leaf for leaf in leaves], saved)


