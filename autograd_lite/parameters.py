"""How the array operations check their parameters: once, at the call, so that every VJP sees one
spelling of them — axes as non-negative ints, shapes as tuples — whatever the caller wrote (negative
axes, tuples, NumPy integers). Each check is registered beside its op with
:meth:`~autograd_lite.Primitive.defparams`; an error names the op, the argument and the shapes.
"""

from __future__ import annotations

import builtins
import numbers
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ._checks import boolean, is_bool
from .backend import is_array, namespace
from .engine import Node, ShapeError
from .typing import Axis, Data, Operand

# What defparams takes: a function of an op's arguments that returns its parameters checked, canonical.
ParamsCheck = Callable[..., dict[str, Any]]


class AxisError(ShapeError, IndexError):
    """An axis out of range for the array (NumPy's ``AxisError`` is also a ValueError and IndexError)."""


def _axis_index(op: str, axis: int, shape: tuple[int, ...], name: str = "axis") -> int:
    """One axis (an int, a NumPy integer, negative from the end) of an array of ``shape``, as a
    non-negative int. A 0-d array has the one axis 0 (or -1) here, as in NumPy's reductions."""
    ndim = len(shape)
    if is_bool(axis):
        raise TypeError(f"{op}: {name} must be an integer, not the bool {axis!r}")
    try:
        index = operator.index(axis)
    except TypeError:
        raise TypeError(f"{op}: {name} must be an integer, a tuple of integers or None, not "
                        f"{type(axis).__name__} {axis!r}") from None
    bound = builtins.max(ndim, 1)
    if not -bound <= index < bound:
        raise AxisError(f"{op} on inputs of shapes {shape}: {name} {index} is out of bounds for "
                        f"{ndim} dimension(s)")
    return index % bound


def _canonical_axis(op: str, axis: Axis, shape: tuple[int, ...]) -> Axis:
    """``axis`` — None, an integer or a sequence of them — with every axis non-negative."""
    if axis is None:
        return None
    if isinstance(axis, (tuple, list)):
        axes = tuple(_axis_index(op, a, shape) for a in axis)
        if len(set(axes)) != len(axes):
            raise ValueError(f"{op}: axis {axis!r} names an axis twice")
        return axes
    return _axis_index(op, axis, shape)


def _keepdims(op: str, keepdims: bool | int) -> bool:
    """``keepdims``: a bool, or 0 or 1 as NumPy also takes; anything else (a string) is an error."""
    if isinstance(keepdims, numbers.Integral) and not is_bool(keepdims) and keepdims in (0, 1):
        return bool(keepdims)
    return boolean(keepdims, "keepdims", op)


def _reduction_params(op: str) -> ParamsCheck:
    """The parameter check of a reduction over ``axis`` with ``keepdims``."""
    def check(x: Data, axis: Axis = None, keepdims: bool = False) -> dict[str, Any]:
        return {"axis": _canonical_axis(op, axis, _shape_of(x)), "keepdims": _keepdims(op, keepdims)}
    return check


def _shape(op: str, shape: int | Sequence[int]) -> tuple[int, ...]:
    """A shape (an int or a sequence of ints) as a tuple of ints."""
    if shape.__class__ is tuple:  # the usual case, as shapes come from arrays: nothing to convert
        return shape
    try:
        return (operator.index(shape),) if not isinstance(shape, (tuple, list)) else \
            tuple(operator.index(n) for n in shape)
    except TypeError:
        raise TypeError(f"{op}: shape must be an integer or a tuple of integers, not {shape!r}") from None


def _shape_of(x: Any) -> tuple[int, ...]:
    """The shape of an array of any library, of a number (``()``), or of nested lists (as NumPy
    reads them)."""
    shape = getattr(x, "shape", None)
    if shape is None:
        shape = namespace(x).asarray(x).shape
    return shape if shape.__class__ is tuple else tuple(shape)


def _axes(op: str, axis: Axis, shape: tuple[int, ...]) -> tuple[int, ...]:
    """``axis`` of an array of ``shape`` as a tuple of non-negative ints (all axes for ``None``)."""
    if axis is None:
        return tuple(range(len(shape)))
    axis = _canonical_axis(op, axis, shape)
    return axis if isinstance(axis, tuple) else (axis,)


def _permutation(x: Data, axes: Sequence[int] | None = None) -> dict[str, Any]:
    """The parameter check of ``transpose``: ``axes`` None, or a permutation of x's axes."""
    shape = _shape_of(x)
    ndim = len(shape)
    if axes is None:
        return {"axes": None}
    axes = tuple(axes) if isinstance(axes, (tuple, list)) or is_array(axes) else (axes,)
    canonical = tuple(_axis_index("transpose", a, shape, "axes") for a in axes)
    if sorted(canonical) != list(range(ndim)):
        raise ValueError(f"transpose: axes {tuple(axes)} is not a permutation of the {ndim} axes")
    return {"axes": canonical}


def _arrays(op: str, arrays: Sequence[Operand]) -> list[Operand]:
    """The arrays of a joining op: a sequence (list, tuple, or an array's rows), never a lone node."""
    if isinstance(arrays, Node):
        raise TypeError(f"{op}: expected a sequence of arrays, got one {type(arrays).__name__}: to join "
                        f"a and b, write {op}([a, b])")
    if not isinstance(arrays, Iterable):
        raise TypeError(f"{op}: expected a sequence of arrays, got {type(arrays).__name__}")
    return list(arrays)


def _joined_axis(op: str, extra: int) -> ParamsCheck:
    """The parameter check of a joining op: ``axis`` counted on the result (``extra`` new axes)."""
    def check(*arrays: Data, axis: int = 0) -> dict[str, Any]:
        shape = _shape_of(arrays[0]) + (1,) * extra if arrays else (1,)
        return {"axis": _axis_index(op, axis, shape)}
    return check
