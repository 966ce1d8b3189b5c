"""Rearranging arrays: repeat, tile, pad, flip, roll, rot90, stacks, moveaxis, rollaxis, ravel,
atleast_nd (splitting, take, diff, broadcast_arrays, meshgrid and item assignment are in
:mod:`autograd_lite.indexing`).

Every op here is a composite: NumPy's function written with the primitives of
:mod:`autograd_lite.tensor_ops` (``getitem``, ``concatenate``, ``reshape``, ``transpose``,
``broadcast_to``), so its gradient is theirs and differentiates again; each docstring says which it
uses. Index arrays (which elements a repeat, a pad or a roll takes) are worked out on the host with
NumPy from the shapes alone, never from the data. NumPy's names, signatures and results throughout;
plain arrays in give plain arrays out. The examples assume ``import numpy as np`` and
``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from . import backend
from ._checks import accepts_torch_spelling, is_bool
from .engine import Node, constant_data, data_of, docstring_tests
from .parameters import AxisError, _arrays, _axis_index, _shape_of
from .shape_ops import broadcast_to, reshape, transpose
from .tensor_ops import concatenate, getitem
from .typing import Operand

__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "column_stack", "dstack", "flip", "fliplr", "flipud",
           "hstack", "moveaxis", "pad", "ravel", "repeat", "roll", "rollaxis", "rot90", "tile", "vstack"]

_host = backend.host_namespace  # index arithmetic on shapes, on the host


# ---- helpers shared with indexing.py ---------------------------------------------------------


def _array(x: Any) -> Any:
    """``x`` as an op input: a node or an array as it is, anything else (lists, numbers) as an array."""
    if isinstance(x, Node) or backend.is_array(x):
        return x
    return backend.namespace(x).asarray(x)


def _axis(op: str, axis: Any, shape: tuple[int, ...], name: str = "axis") -> int:
    """One axis of an array of ``shape`` as a non-negative int (a 0-d array has none, as in NumPy)."""
    if not shape and not is_bool(axis) and hasattr(axis, "__index__"):
        raise AxisError(f"{op} on an input of shape (): {name} {operator.index(axis)} is out of bounds "
                        f"for 0 dimension(s)")
    return _axis_index(op, axis, shape, name)


def _axis_tuple(op: str, axis: Any, shape: tuple[int, ...], name: str = "axis") -> tuple[int, ...]:
    """An axis or a sequence of distinct axes, as a tuple of non-negative ints."""
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    canonical = tuple(_axis(op, a, shape, name) for a in axes)
    if len(set(canonical)) != len(canonical):
        raise ValueError(f"{op}: {name} {axis!r} names an axis twice")
    return canonical


def _ints(op: str, value: Any, name: str) -> list[int]:
    """An int or a sequence (or array) of ints as a list of ints."""
    value = data_of(value)
    if backend.is_array(value):
        value = backend.to_host(value).tolist()
    values = value if isinstance(value, (tuple, list)) else [value]
    try:
        if any(is_bool(v) for v in values):
            raise TypeError
        return [operator.index(v) for v in values]
    except TypeError:
        raise TypeError(f"{op}: {name} must be an integer or a sequence of integers, not {value!r}") from None


def _along(axis: int, index: Any) -> tuple[Any, ...]:
    """An index that applies ``index`` (a slice or an integer array) along ``axis`` only."""
    return (slice(None),) * axis + (index, Ellipsis)


def _copy(x: Any) -> Any:
    """``x`` as a new node (or array) of the same data: ``x[...]``."""
    return getitem(x, (Ellipsis,))


# ---- repeating and padding -------------------------------------------------------------------


@accepts_torch_spelling
def repeat(x: Operand, repeats: int | Sequence[int], axis: int | None = None) -> Operand:
    """Composite (of getitem): each element repeated ``repeats`` times (an int, or one count per element
    along ``axis``) along ``axis`` (the flattened array for None), as ``np.repeat``.
    ∂L/∂x = the sum of g over each element's copies

    >>> repeat(Tensor([1.0, 2.0]), 2)
    Tensor([1., 1., 2., 2.])
    >>> repeat(Tensor([[1.0, 2.0]]), [1, 3], axis=-1)
    Tensor([[1., 2., 2., 2.]])
    """
    x = _array(x)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    shape = _shape_of(x)
    axis = _axis("repeat", axis, shape)
    counts = _ints("repeat", repeats, "repeats")
    try:
        index = _host.repeat(_host.arange(shape[axis]), counts if len(counts) != 1 else counts[0])
    except ValueError as error:
        raise ValueError(f"repeat along axis {axis} of an input of shape {shape} with repeats "
                         f"{repeats!r}: {error}") from None
    return getitem(x, _along(axis, index))


def tile(x: Operand, reps: int | Sequence[int]) -> Operand:
    """Composite (of reshape and broadcast_to): ``x`` repeated ``reps`` times along each axis, as
    ``np.tile`` (a shorter ``reps`` is padded with 1s in front, a shorter ``x`` gets leading axes).
    ∂L/∂x = the sum of g over the tiles

    >>> tile(Tensor([1.0, 2.0]), (2, 2))
    Tensor([[1., 2., 1., 2.],
            [1., 2., 1., 2.]])
    """
    x = _array(x)
    reps = tuple(_ints("tile", reps, "reps"))
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: reps {reps} must not be negative")
    shape = _shape_of(x)
    ndim = max(len(reps), len(shape))
    reps, shape = (1,) * (ndim - len(reps)) + reps, (1,) * (ndim - len(shape)) + shape
    spread = reshape(x, tuple(n for size in shape for n in (1, size)))  # a size-1 axis before each axis
    tiled = broadcast_to(spread, tuple(n for r, size in zip(reps, shape) for n in (r, size)))
    return reshape(tiled, tuple(r * size for r, size in zip(reps, shape)))


_PAD_MODES = ("constant", "edge", "reflect")


def _pairs(value: Any, ndim: int, name: str, integral: bool) -> list[tuple[Any, Any]]:
    """NumPy's forms of ``pad_width`` and ``constant_values`` — a number, ``(before, after)``, one pair
    per axis — as one (before, after) pair per axis."""
    array = _host.asarray(backend.to_host(data_of(value)) if backend.is_array(data_of(value)) else value)
    if integral and array.dtype.kind not in "iu":
        raise TypeError(f"pad: {name} must be integers, not {value!r}")
    try:
        pairs = _host.broadcast_to(array, (ndim, 2))
    except ValueError:
        raise ValueError(f"pad: {name} {value!r} does not fit an input of {ndim} dimension(s): give a "
                         f"number, (before, after), or one pair per axis") from None
    if integral and (pairs < 0).any():
        raise ValueError(f"pad: {name} {value!r} must not be negative")
    return [(a.item(), b.item()) for a, b in pairs]


def pad(x: Operand, pad_width: Any, mode: str = "constant", constant_values: Any = 0) -> Operand:
    """Composite (of concatenate for ``"constant"``, of getitem for ``"edge"`` and ``"reflect"``):
    ``x`` padded by ``pad_width`` elements (a number, ``(before, after)``, or one pair per axis), as
    ``np.pad`` in these modes: ``"constant"`` (``constant_values``, in NumPy's same forms: constants,
    not differentiated), ``"edge"`` (the edge element repeated), ``"reflect"`` (mirrored about the edge,
    which is not repeated; wider pads reflect again).  ∂L/∂x = g inside, plus the g of each padding
    element added to the element it copies

    >>> pad(Tensor([1.0, 2.0, 3.0]), (2, 1), mode="reflect")
    Tensor([3., 2., 1., 2., 3., 2.])
    >>> pad(Tensor([[1.0]]), ((0, 1), (1, 0)), constant_values=5.0)
    Tensor([[5., 1.],
            [5., 5.]])
    """
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode {mode!r} is not supported; the modes are {', '.join(_PAD_MODES)}")
    x = _array(x)
    shape = _shape_of(x)
    widths = _pairs(pad_width, len(shape), "pad_width", integral=True)
    if mode == "constant":
        constants = _pairs(constant_data(constant_values, "constant_values", "pad"), len(shape),
                           "constant_values", integral=False)
    elif any(shape[axis] == 0 and (before or after) for axis, (before, after) in enumerate(widths)):
        raise ValueError(f"pad: cannot pad an empty axis of an input of shape {shape} in mode {mode!r} "
                         f"(only 'constant' can)")
    padded = False
    for axis, (before, after) in enumerate(widths):
        if not before and not after:
            continue
        padded = True
        size = _shape_of(x)[axis]
        if mode == "constant":
            (low, high) = constants[axis]
            pieces = [_full_like(x, axis, before, low), x, _full_like(x, axis, after, high)]
            x = concatenate([p for p in pieces if p is not None], axis=axis)
            continue
        positions = _host.arange(-before, size + after)
        if mode == "edge" or size == 1:
            index = _host.clip(positions, 0, size - 1)
        else:  # the mirror image about each edge, periodic with period 2(size - 1)
            folded = positions % (2 * (size - 1))
            index = _host.where(folded < size, folded, 2 * (size - 1) - folded)
        x = getitem(x, _along(axis, index))
    return x if padded else _copy(x)


def _full_like(x: Any, axis: int, width: int, value: Any) -> Any:
    """A block of ``value``: x's shape but ``width`` along ``axis``, x's dtype and device (None if empty)."""
    if not width:
        return None
    data = data_of(x)
    xp = backend.namespace(data)
    shape = list(_shape_of(data))
    shape[axis] = width
    if backend.dtype_kind(data.dtype) != "f":  # NumPy casts the constant to the array's dtype
        value = int(value) if backend.dtype_kind(data.dtype) != "b" else bool(value)
    return xp.full(tuple(shape), value, dtype=data.dtype, device=backend.device_of(data))


# ---- reversing and rotating ------------------------------------------------------------------


@accepts_torch_spelling
def flip(x: Operand, axis: int | Sequence[int] | None = None) -> Operand:
    """Composite (of getitem): the elements in reverse order along ``axis`` (an int, a tuple, or all
    axes for None), as ``np.flip``.  ∂L/∂x = flip(g, axis)

    >>> flip(Tensor([[1.0, 2.0], [3.0, 4.0]]), axis=-1)
    Tensor([[2., 1.],
            [4., 3.]])
    """
    x = _array(x)
    shape = _shape_of(x)
    axes = range(len(shape)) if axis is None else _axis_tuple("flip", axis, shape)
    backwards = slice(None, None, -1)
    return getitem(x, tuple(backwards if i in axes else slice(None) for i in range(len(shape))) + (Ellipsis,))


def fliplr(x: Operand) -> Operand:
    """Composite (of getitem): flip(x, axis=1), for arrays of at least 2 dimensions, as ``np.fliplr``.
    ∂L/∂x = fliplr(g)

    >>> fliplr(Tensor([[1.0, 2.0]]))
    Tensor([[2., 1.]])
    """
    x = _array(x)
    if len(_shape_of(x)) < 2:
        raise ValueError(f"fliplr: the input must have at least 2 dimensions, not shape {_shape_of(x)}")
    return flip(x, 1)


def flipud(x: Operand) -> Operand:
    """Composite (of getitem): flip(x, axis=0), for arrays of at least 1 dimension, as ``np.flipud``.
    ∂L/∂x = flipud(g)

    >>> flipud(Tensor([1.0, 2.0]))
    Tensor([2., 1.])
    """
    x = _array(x)
    if len(_shape_of(x)) < 1:
        raise ValueError("flipud: the input must have at least 1 dimension, not shape ()")
    return flip(x, 0)


@accepts_torch_spelling
def roll(x: Operand, shift: int | Sequence[int], axis: int | Sequence[int] | None = None) -> Operand:
    """Composite (of getitem and concatenate): the elements shifted by ``shift`` along ``axis``, those
    that fall off one end coming back at the other, as ``np.roll`` (``axis=None``: the flattened
    array, shape kept; a tuple of shifts and axes, paired, or one of them broadcast).
    ∂L/∂x = roll(g, -shift, axis)

    >>> roll(Tensor([1.0, 2.0, 3.0]), 1)
    Tensor([3., 1., 2.])
    >>> roll(Tensor([[1.0, 2.0], [3.0, 4.0]]), (1, 1), axis=(0, 1))
    Tensor([[4., 3.],
            [2., 1.]])
    """
    x = _array(x)
    shape = _shape_of(x)
    if axis is None:
        return reshape(roll(reshape(x, (-1,)), shift, 0), shape)
    shifts = _ints("roll", shift, "shift")
    axes = list(axis) if isinstance(axis, (tuple, list)) else [axis]
    if len(shifts) != len(axes) and 1 not in (len(shifts), len(axes)):
        raise ValueError(f"roll: shift {shift!r} and axis {axis!r} must be of one length (or one of them "
                         f"a single number)")
    total = {}  # axis -> the sum of its shifts
    count = max(len(shifts), len(axes))
    for a, s in zip(axes * (count // len(axes)), shifts * (count // len(shifts))):
        a = _axis("roll", a, shape)
        total[a] = total.get(a, 0) + s
    rolled = False
    for a, s in total.items():
        size = _shape_of(x)[a]
        if size and s % size:
            s %= size
            x = concatenate([getitem(x, _along(a, slice(size - s, None))),
                             getitem(x, _along(a, slice(0, size - s)))], axis=a)
            rolled = True
    return x if rolled else _copy(x)


def rot90(x: Operand, k: int = 1, axes: Sequence[int] = (0, 1)) -> Operand:
    """Composite (of flip and transpose): ``x`` rotated by 90° ``k`` times in the plane of ``axes``,
    from the first axis towards the second, as ``np.rot90``.  ∂L/∂x = rot90(g, -k, axes)

    >>> rot90(Tensor([[1.0, 2.0], [3.0, 4.0]]))
    Tensor([[2., 4.],
            [1., 3.]])
    """
    x = _array(x)
    ndim = len(_shape_of(x))
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"rot90: axes must be two axes, not {axes!r}")
    first, second = (operator.index(a) for a in axes)
    if first == second or abs(first - second) == ndim:
        raise ValueError(f"rot90: axes {axes} must be two different axes of the input's {ndim} dimension(s)")
    if not (-ndim <= first < ndim and -ndim <= second < ndim):
        raise AxisError(f"rot90: axes {axes} are out of range for an input of {ndim} dimension(s)")
    k = operator.index(k) % 4
    if k == 0:
        return _copy(x)
    if k == 2:
        return flip(flip(x, first), second)
    order = list(range(ndim))
    order[first], order[second] = order[second], order[first]
    if k == 1:
        return transpose(flip(x, second), tuple(order))
    return flip(transpose(x, tuple(order)), second)


# ---- stacking --------------------------------------------------------------------------------


def hstack(arrays: Sequence[Operand]) -> Operand:
    """Composite (of reshape and concatenate): join along axis 1 (axis 0 for 1-D inputs; 0-d inputs
    count as 1-D), as ``np.hstack``.  ∂L/∂(input i) = the slice of g where input i landed

    >>> hstack([Tensor([1.0]), Tensor([2.0, 3.0])])
    Tensor([1., 2., 3.])
    """
    arrays = [_lifted(a, 1) for a in _arrays("hstack", arrays)]
    return concatenate(arrays, axis=0 if arrays and len(_shape_of(arrays[0])) == 1 else 1)


def vstack(arrays: Sequence[Operand]) -> Operand:
    """Composite (of reshape and concatenate): join along axis 0 after :func:`atleast_2d`, as
    ``np.vstack``.  ∂L/∂(input i) = the slice of g where input i landed

    >>> vstack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])]).shape
    (2, 2)
    """
    return concatenate([_lifted(a, 2) for a in _arrays("vstack", arrays)], axis=0)


def dstack(arrays: Sequence[Operand]) -> Operand:
    """Composite (of reshape and concatenate): join along axis 2 after :func:`atleast_3d`, as
    ``np.dstack``.  ∂L/∂(input i) = the slice of g where input i landed

    >>> dstack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])]).shape
    (1, 2, 2)
    """
    return concatenate([_lifted(a, 3) for a in _arrays("dstack", arrays)], axis=2)


def column_stack(arrays: Sequence[Operand]) -> Operand:
    """Composite (of reshape and concatenate): 1-D inputs as columns (0-d ones as 1×1), joined along
    axis 1, as ``np.column_stack``.  ∂L/∂(input i) = the slice of g where input i landed

    >>> column_stack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])])
    Tensor([[1., 3.],
            [2., 4.]])
    """
    columns = []
    for a in _arrays("column_stack", arrays):
        a = _array(a)
        shape = _shape_of(a)
        columns.append(reshape(a, (-1, 1) if shape else (1, 1)) if len(shape) < 2 else a)
    return concatenate(columns, axis=1)


def _lifted(x: Any, ndim: int) -> Any:
    """``x`` with axes of size 1 added as ``np.atleast_<ndim>d`` adds them (``x`` itself if it has enough)."""
    x = _array(x)
    shape = _shape_of(x)
    if len(shape) >= ndim:
        return x
    if ndim == 3:
        new = {0: (1, 1, 1), 1: (1, *shape, 1), 2: (*shape, 1)}[len(shape)]
    else:
        new = (1,) * (ndim - len(shape)) + shape
    return reshape(x, new)


def atleast_1d(*arrays: Operand) -> Operand | tuple[Operand, ...]:
    """Composite (of reshape): each input with at least one axis (a 0-d one becomes shape (1,)), as
    ``np.atleast_1d`` in NumPy 2: one input gives one result, several a tuple.  ∂L/∂x = reshape(g, x.shape)

    >>> atleast_1d(Tensor(1.0))
    Tensor([1.])
    """
    results = tuple(_lifted(a, 1) for a in arrays)
    return results[0] if len(results) == 1 else results


def atleast_2d(*arrays: Operand) -> Operand | tuple[Operand, ...]:
    """Composite (of reshape): each input with at least two axes (shape (n,) becomes (1, n)), as
    ``np.atleast_2d``.  ∂L/∂x = reshape(g, x.shape)

    >>> atleast_2d(Tensor([1.0, 2.0])).shape
    (1, 2)
    """
    results = tuple(_lifted(a, 2) for a in arrays)
    return results[0] if len(results) == 1 else results


def atleast_3d(*arrays: Operand) -> Operand | tuple[Operand, ...]:
    """Composite (of reshape): each input with at least three axes ((n,) becomes (1, n, 1), (m, n)
    becomes (m, n, 1)), as ``np.atleast_3d``.  ∂L/∂x = reshape(g, x.shape)

    >>> [t.shape for t in atleast_3d(Tensor([1.0, 2.0]), Tensor(np.ones((2, 3))))]
    [(1, 2, 1), (2, 3, 1)]
    """
    results = tuple(_lifted(a, 3) for a in arrays)
    return results[0] if len(results) == 1 else results


# ---- moving axes -----------------------------------------------------------------------------


def moveaxis(x: Operand, source: int | Sequence[int], destination: int | Sequence[int]) -> Operand:
    """Composite (of transpose): the axes ``source`` moved to the places ``destination``, the others in
    their order, as ``np.moveaxis``.  ∂L/∂x = moveaxis(g, destination, source)

    >>> moveaxis(Tensor(np.zeros((2, 3, 4))), 0, -1).shape
    (3, 4, 2)
    """
    x = _array(x)
    shape = _shape_of(x)
    sources = _axis_tuple("moveaxis", source, shape, "source")
    destinations = _axis_tuple("moveaxis", destination, shape, "destination")
    if len(sources) != len(destinations):
        raise ValueError(f"moveaxis: source {source!r} and destination {destination!r} must name as many "
                         f"axes")
    order = [a for a in range(len(shape)) if a not in sources]
    for d, s in sorted(zip(destinations, sources)):
        order.insert(d, s)
    return transpose(x, tuple(order))


@accepts_torch_spelling
def rollaxis(x: Operand, axis: int, start: int = 0) -> Operand:
    """Composite (of transpose): ``axis`` moved to stand before the axis ``start``, as
    ``np.rollaxis`` (``moveaxis`` reads more plainly).  ∂L/∂x = g with the axis moved back

    >>> rollaxis(Tensor(np.zeros((2, 3, 4))), 2).shape
    (4, 2, 3)
    """
    x = _array(x)
    shape = _shape_of(x)
    ndim = len(shape)
    axis = _axis("rollaxis", axis, shape)
    given = start = operator.index(start)
    if start < 0:
        start += ndim
    if not 0 <= start <= ndim:
        raise AxisError(f"rollaxis on an input of shape {shape}: start {given} must be in [{-ndim}, {ndim}]")
    if axis < start:
        start -= 1
    if axis == start:
        return _copy(x)
    order = [a for a in range(ndim) if a != axis]
    order.insert(start, axis)
    return transpose(x, tuple(order))


def ravel(x: Operand) -> Operand:
    """Composite (of reshape): ``x`` as a 1-D array, as ``np.ravel`` (the same as :func:`flatten`).
    ∂L/∂x = reshape(g, x.shape)

    >>> ravel(Tensor([[1.0, 2.0], [3.0, 4.0]]))
    Tensor([1., 2., 3., 4.])
    """
    return reshape(_array(x), (-1,))


# ---- the Tensor methods ----------------------------------------------------------------------


class ShapeMethods:
    """The :class:`~autograd_lite.Tensor` methods of the ops of this module and of
    :mod:`autograd_lite.indexing`, and item assignment."""

    __slots__ = ()

    @accepts_torch_spelling
    def repeat(self, repeats: int | Sequence[int], axis: int | None = None) -> Any:
        """Each element repeated; see :func:`autograd_lite.repeat`."""
        return repeat(self, repeats, axis)

    def ravel(self) -> Any:
        """The tensor as 1-D; see :func:`autograd_lite.ravel`."""
        return ravel(self)

    @accepts_torch_spelling
    def take(self, indices: Any, axis: int | None = None) -> Any:
        """Elements at ``indices`` along ``axis``; see :func:`autograd_lite.take`."""
        from .indexing import take
        return take(self, indices, axis)

    def __setitem__(self, index: Any, value: Any) -> None:
        """``t[index] = value`` in place, as NumPy, on a tensor outside any graph (one that requires no
        grad, or a leaf that does, under ``no_grad()``, as optimizers change parameters). Anywhere else
        it raises a RuntimeError (the graph would compute its gradients from changed data): write
        ``t = ag.at(t)[index].set(value)``, which gives a new tensor and is differentiable."""
        from .indexing import _assign
        _assign(self, index, value)


__test__ = docstring_tests({name: value for name, value in globals().items()
                            if getattr(value, "__module__", None) == __name__})
