"""Shape operations — broadcasting, reshaping, permuting axes, dtype — each with its gradient beside it.

Part of the array operations gathered in :mod:`autograd_lite.tensor_ops` (which re-exports them), in
the same style and notation: ``g`` is ∂L/∂out and ``∂L/∂x = …`` is what the VJP below the op returns.
``sum_to`` and ``broadcast_to`` are each other's gradient, so broadcasting survives higher order.
The examples assume ``import numpy as np`` and ``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Sequence

from .backend import device_of, dtype_of, namespace, ndarray
from .engine import ShapeError, docstring_tests, primitive
from .parameters import AxisError, _axis_index, _permutation, _shape, _shape_of
from .typing import Axis, Data, DTypeLike, Operand

__all__ = ["astype", "broadcast_to", "expand_dims", "flatten", "reshape", "squeeze", "sum_to", "swapaxes",
           "transpose"]


@primitive
def sum_to(x: Data, shape: tuple[int, ...]) -> Data:
    """Sum ``x`` down to ``shape`` — the inverse of broadcasting.  ∂L/∂x = broadcast_to(g, x.shape)

    >>> sum_to(np.ones((3, 2)), (1, 2))
    array([[3., 3.]])
    """
    shape = _shape("sum_to", shape)
    x_shape = _shape_of(x)
    if x_shape == shape:
        return x.view() if x.__class__ is ndarray else x  # a node of its own, sharing the memory
    leading = len(x_shape) - len(shape)
    if leading < 0 or builtins.any(n != 1 and n != m for n, m in zip(shape, x_shape[leading:])):
        raise ShapeError(f"sum_to: shape {shape} does not broadcast to the array's shape {x_shape}, so "
                         f"the array cannot be summed down to it")
    axes = tuple(range(leading)) + tuple(
        leading + i for i, n in enumerate(shape) if n == 1 and x_shape[leading + i] != 1)
    if x.__class__ is ndarray:  # NumPy's methods: a microsecond faster than its functions
        return x.sum(axis=axes, keepdims=True).reshape(shape)
    xp = namespace(x)
    return xp.reshape(xp.sum(x, axis=axes, keepdims=True), shape)


sum_to.defvjp(lambda g, out, x, shape: broadcast_to(g, shape=x.shape))


@primitive
def broadcast_to(x: Data, shape: tuple[int, ...]) -> Data:
    """``x`` repeated along broadcast axes to ``shape`` (a new array).  ∂L/∂x = sum_to(g, x.shape)

    >>> broadcast_to(Tensor([1.0, 2.0]), (2, 2))
    Tensor([[1., 2.],
            [1., 2.]])
    """
    xp = namespace(x)
    if not hasattr(x, "dtype"):
        x = xp.asarray(x)  # a number or nested lists
    out = xp.empty(_shape("broadcast_to", shape), dtype=x.dtype, device=device_of(x))
    out[...] = x
    return out


broadcast_to.defvjp(lambda g, out, x, shape: sum_to(g, shape=x.shape))


@primitive
def reshape(x: Data, shape: int | tuple[int, ...]) -> Data:
    """Same data, new shape.  ∂L/∂x = reshape(g, x.shape)

    >>> x = Tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    >>> reshape(x, (2, 2))
    Tensor([[1., 2.],
            [3., 4.]], op='reshape')
    """
    if x.__class__ is ndarray:  # NumPy's method: a microsecond faster than its function
        return x.reshape(shape)
    return namespace(x).reshape(x, _shape("reshape", shape))


reshape.defvjp(lambda g, out, x, shape: reshape(g, shape=x.shape))


def flatten(x: Operand) -> Operand:
    """Composite (no VJP of its own): ``x`` as a 1-D array, reshape(x, (-1,)).

    >>> flatten(Tensor(np.ones((2, 3)))).shape
    (6,)
    """
    return reshape(x, (-1,))


@primitive
def transpose(x: Data, axes: Sequence[int] | None = None) -> Data:
    """Permute axes (reverse them by default).  ∂L/∂x = transpose(g, the inverse permutation)

    >>> transpose(Tensor([[1.0, 2.0, 3.0]])).shape
    (3, 1)
    """
    if x.__class__ is ndarray:  # NumPy's method: a microsecond faster than its function
        return x.transpose(axes)
    if axes is None:
        axes = tuple(reversed(range(len(_shape_of(x)))))
    return namespace(x).permute_dims(x, tuple(axes))


def _inverse(permutation: Sequence[int]) -> tuple[int, ...]:
    """The permutation that undoes ``permutation`` (where each axis went)."""
    return tuple(sorted(range(len(permutation)), key=permutation.__getitem__))


transpose.defparams(_permutation)
transpose.defvjp(lambda g, out, x, axes=None: transpose(g, axes=None if axes is None else _inverse(axes)))


@primitive
def swapaxes(x: Data, axis1: int, axis2: int) -> Data:
    """Exchange two axes.  ∂L/∂x = swapaxes(g, axis1, axis2)

    >>> swapaxes(Tensor(np.zeros((2, 3, 4))), 0, 2).shape
    (4, 3, 2)
    """
    if x.__class__ is ndarray:  # NumPy's method: a microsecond faster than permuting
        return x.swapaxes(axis1, axis2)
    axes = list(range(len(_shape_of(x))))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return namespace(x).permute_dims(x, tuple(axes))


swapaxes.defparams(lambda x, axis1, axis2: {
    "axis1": _axis_index("swapaxes", axis1, _shape_of(x), "axis1"),
    "axis2": _axis_index("swapaxes", axis2, _shape_of(x), "axis2")})
swapaxes.defvjp(lambda g, out, x, axis1, axis2: swapaxes(g, axis1=axis1, axis2=axis2))


@primitive
def expand_dims(x: Data, axis: int | Sequence[int]) -> Data:
    """Insert size-1 axes (``axis``: where they are in the result).  ∂L/∂x = reshape(g, x.shape)

    >>> expand_dims(Tensor([1.0, 2.0]), 0).shape
    (1, 2)
    >>> expand_dims(Tensor([1.0, 2.0]), (0, -1)).shape
    (1, 2, 1)
    """
    shape = _expanded_shape(_shape_of(x), axis)  # a reshape: the standard's expand_dims takes one axis
    if x.__class__ is ndarray:
        return x.reshape(shape)
    return namespace(x).reshape(x, shape)


def _expanded_shape(shape: tuple[int, ...], axis: int | Sequence[int]) -> tuple[int, ...]:
    """``shape`` with 1 inserted at ``axis`` (an int or a sequence), counted on the result, as NumPy."""
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    ndim = len(shape) + len(axes)
    inserted = set()
    for a in axes:
        index = operator.index(a)
        if not -ndim <= index < ndim:
            raise AxisError(f"axis {index} is out of bounds for array of dimension {ndim}")
        inserted.add(index % ndim)
    if len(inserted) != len(axes):
        raise ValueError(f"axis {axis!r} names an axis twice")
    rest = iter(shape)
    return tuple(1 if i in inserted else next(rest) for i in range(ndim))


expand_dims.defvjp(lambda g, out, x, axis: reshape(g, shape=x.shape))


@primitive
def squeeze(x: Data, axis: Axis = None) -> Data:
    """Remove size-1 axes.  ∂L/∂x = reshape(g, x.shape)

    >>> squeeze(Tensor([[1.0, 2.0]])).shape
    (2,)
    """
    if x.__class__ is ndarray:  # NumPy's method: a microsecond faster than its function
        return x.squeeze(axis)
    shape = _shape_of(x)
    if axis is None:  # the standard's squeeze wants the axes named
        axis = tuple(i for i, n in enumerate(shape) if n == 1)
    else:
        axis = tuple(map(operator.index, axis)) if isinstance(axis, (tuple, list)) else operator.index(axis)
    return namespace(x).squeeze(x, axis=axis)


squeeze.defvjp(lambda g, out, x, axis=None: reshape(g, shape=x.shape))


@primitive
def astype(x: Data, dtype: DTypeLike) -> Data:
    """Convert to ``dtype``.  ∂L/∂x = astype(g, x.dtype)

    >>> x = Tensor([1.0, 2.0], requires_grad=True)
    >>> astype(x, np.float32).sum().backward()
    >>> x.grad.dtype
    dtype('float64')
    """
    if x.__class__ is ndarray:  # NumPy's method: a microsecond faster than its function
        out = x.astype(dtype, copy=False)
        return out.view() if out is x else out
    xp = namespace(x)
    if not hasattr(x, "dtype"):
        x = xp.asarray(x)  # a number or nested lists
    return xp.astype(x, dtype_of(xp, dtype), copy=False)


astype.defvjp(lambda g, out, x, dtype: astype(g, x.dtype))


__test__ = docstring_tests(globals())
