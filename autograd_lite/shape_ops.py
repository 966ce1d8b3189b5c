"""Shape operations — broadcasting, reshaping, permuting axes, dtype — each with its gradient beside it.

Part of the array operations gathered in :mod:`autograd_lite.tensor_ops` (which re-exports them), in
the same style and notation: ``g`` is ∂L/∂out and ``∂L/∂x = …`` is what the VJP below the op returns.
``sum_to`` and ``broadcast_to`` are each other's gradient, so broadcasting survives higher order.
The examples assume ``import numpy as np`` and ``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence

import numpy as np
from numpy.typing import DTypeLike

from .engine import ShapeError, docstring_tests, primitive
from .parameters import _axis_index, _permutation, _shape
from .typing import Axis, Data, Operand

__all__ = ["astype", "broadcast_to", "expand_dims", "flatten", "reshape", "squeeze", "sum_to", "swapaxes",
           "transpose"]


@primitive
def sum_to(x: Data, shape: tuple[int, ...]) -> Data:
    """Sum ``x`` down to ``shape`` — the inverse of broadcasting.  ∂L/∂x = broadcast_to(g, x.shape)

    >>> sum_to(np.ones((3, 2)), (1, 2))
    array([[3., 3.]])
    """
    shape = _shape("sum_to", shape)
    x_shape = np.shape(x)
    if x_shape == shape:
        return x.view() if isinstance(x, np.ndarray) else x
    leading = len(x_shape) - len(shape)
    if leading < 0 or builtins.any(n != 1 and n != m for n, m in zip(shape, x_shape[leading:])):
        raise ShapeError(f"sum_to: shape {shape} does not broadcast to the array's shape {x_shape}, so "
                         f"the array cannot be summed down to it")
    axes = tuple(range(leading)) + tuple(
        leading + i for i, n in enumerate(shape) if n == 1 and x.shape[leading + i] != 1)
    return np.asarray(x).sum(axis=axes, keepdims=True).reshape(shape)


sum_to.defvjp(lambda g, out, x, shape: broadcast_to(g, shape=x.shape))


@primitive
def broadcast_to(x: Data, shape: tuple[int, ...]) -> Data:
    """``x`` repeated along broadcast axes to ``shape`` (a new array).  ∂L/∂x = sum_to(g, x.shape)

    >>> broadcast_to(Tensor([1.0, 2.0]), (2, 2))
    Tensor([[1., 2.],
            [1., 2.]])
    """
    out = np.empty(_shape("broadcast_to", shape), dtype=np.result_type(x))
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
    return np.asarray(x).reshape(shape)


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
    return np.asarray(x).transpose(axes)


transpose.defparams(_permutation)
transpose.defvjp(lambda g, out, x, axes=None: transpose(
    g, axes=None if axes is None else tuple(int(i) for i in np.argsort(axes))))


@primitive
def swapaxes(x: Data, axis1: int, axis2: int) -> Data:
    """Exchange two axes.  ∂L/∂x = swapaxes(g, axis1, axis2)

    >>> swapaxes(Tensor(np.zeros((2, 3, 4))), 0, 2).shape
    (4, 3, 2)
    """
    return np.asarray(x).swapaxes(axis1, axis2)


swapaxes.defparams(lambda x, axis1, axis2: {
    "axis1": _axis_index("swapaxes", axis1, np.shape(x), "axis1"),
    "axis2": _axis_index("swapaxes", axis2, np.shape(x), "axis2")})
swapaxes.defvjp(lambda g, out, x, axis1, axis2: swapaxes(g, axis1=axis1, axis2=axis2))


@primitive
def expand_dims(x: Data, axis: int | Sequence[int]) -> Data:
    """Insert size-1 axes.  ∂L/∂x = reshape(g, x.shape)

    >>> expand_dims(Tensor([1.0, 2.0]), 0).shape
    (1, 2)
    """
    return np.expand_dims(x, axis)


expand_dims.defvjp(lambda g, out, x, axis: reshape(g, shape=x.shape))


@primitive
def squeeze(x: Data, axis: Axis = None) -> Data:
    """Remove size-1 axes.  ∂L/∂x = reshape(g, x.shape)

    >>> squeeze(Tensor([[1.0, 2.0]])).shape
    (2,)
    """
    return np.asarray(x).squeeze(axis)


squeeze.defvjp(lambda g, out, x, axis=None: reshape(g, shape=x.shape))


@primitive
def astype(x: Data, dtype: DTypeLike) -> Data:
    """Convert to ``dtype``.  ∂L/∂x = astype(g, x.dtype)

    >>> x = Tensor([1.0, 2.0], requires_grad=True)
    >>> astype(x, np.float32).sum().backward()
    >>> x.grad.dtype
    dtype('float64')
    """
    out = np.asarray(x).astype(dtype, copy=False)
    return out.view() if out is x else out


astype.defvjp(lambda g, out, x, dtype: astype(g, x.dtype))


__test__ = docstring_tests(globals())
