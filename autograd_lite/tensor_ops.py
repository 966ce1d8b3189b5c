"""Array operations — shapes, indexing and joining, linear algebra, reductions — each with its gradient
beside it.

Like the elementwise operations in :mod:`autograd_lite.ops`, each is a :class:`~autograd_lite.Primitive`:
called on a ``Tensor`` it records the graph, called on a plain array it is just NumPy. The gradients
are written as there: ``g`` is ∂L/∂out and ``∂L/∂x = …`` is what the VJP below the op returns. The VJPs
use only these same functions, so they also run on tensors, which is what makes higher-order
gradients work. Indexing, joining, ``clip`` and ``matmul`` are defined here; the shape operations in
:mod:`autograd_lite.shape_ops` and the reductions in :mod:`autograd_lite.reductions`, both importable
from here too. The examples assume ``import numpy as np`` and ``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import backend
from .engine import data_of, docstring_tests, primitive
from .ops import where
from .parameters import _arrays, _joined_axis
from .reductions import log_softmax, logsumexp, max, mean, min, softmax, sum, var  # noqa: A004
from .shape_ops import (
    astype,
    broadcast_to,
    expand_dims,
    flatten,
    reshape,
    squeeze,
    sum_to,
    swapaxes,
    transpose,
)
from .typing import Data, Operand

# Any NumPy index: ints, slices, None, Ellipsis, integer or boolean arrays, or a tuple of them.
Index = Any

__all__ = [
    "astype", "broadcast_to", "clip", "concatenate", "expand_dims", "flatten", "getitem", "log_softmax",
    "logsumexp", "matmul", "max", "mean", "min", "reshape", "softmax", "squeeze", "stack", "sum",
    "sum_to", "swapaxes", "to_device", "transpose", "var", "where",
]


def _is_basic_index(index: Index) -> bool:
    """True for indices made of ints, slices, None and Ellipsis only (they never repeat elements)."""
    parts = index if isinstance(index, tuple) else (index,)
    return builtins.all(isinstance(p, (int, slice, type(None), type(Ellipsis))) and not isinstance(p, bool)
                        for p in parts)


# ---- indexing and joining -------------------------------------------------------------------


@primitive
def getitem(x: Data, index: Index) -> Data:
    """``x[index]`` with slices, ints, integer and boolean arrays.  ∂L/∂x = scatter_add(g, index, x.shape)

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> getitem(x, np.array([0, 0, 2])).sum().backward()   # x[[0, 0, 2]]
    >>> x.grad
    array([2., 0., 1.])
    """
    return x[index]


getitem.defvjp(lambda g, out, x, index: scatter_add(g, index, x.shape))


@primitive
def scatter_add(values: Data, index: Index, shape: tuple[int, ...]) -> Data:
    """Zeros of ``shape`` with ``values`` added at ``index``; repeated indices accumulate.
    ∂L/∂values = g[index]

    >>> scatter_add(np.ones(3), np.array([0, 0, 2]), (3,))
    array([2., 0., 1.])
    """
    values = np.asarray(values)
    out = np.zeros(shape, dtype=values.dtype if values.dtype.kind == "f" else np.float64)
    if _is_basic_index(index):
        out[index] = values
    else:
        np.add.at(out, index, values)
    return out


scatter_add.defvjp(lambda g, out, values, index, shape: getitem(g, index))


def _along(axis: int, ndim: int, position: int | slice) -> tuple[slice | int, ...]:
    """An index that picks ``position`` (an int or slice) along ``axis`` and everything elsewhere."""
    return (slice(None),) * (axis % ndim) + (position,)


def concatenate(arrays: Sequence[Operand], axis: int | None = 0) -> Operand:
    """Join a sequence of arrays along an existing axis (``axis=None``: flattened first), as
    ``np.concatenate``.  ∂L/∂(input i) = the slice of g where input i landed

    The arrays are checked here, then joined by the primitive ``_concatenate`` below.

    >>> a, b = Tensor([1.0], requires_grad=True), Tensor([2.0, 3.0], requires_grad=True)
    >>> concatenate([a, b])
    Tensor([1., 2., 3.], op='concatenate')
    """
    arrays = _arrays("concatenate", arrays)
    if axis is None:
        arrays, axis = [reshape(a, (-1,)) for a in arrays], 0
    return _concatenate(*arrays, axis=axis)


@primitive(name="concatenate")
def _concatenate(*arrays: Data, axis: int = 0) -> Data:
    return np.concatenate(arrays, axis=axis)


def _concatenate_vjp(i: int, g: Operand, out: Operand, *arrays: Operand, axis: int = 0) -> Operand:
    start = builtins.sum(np.shape(a)[axis] for a in arrays[:i])
    return getitem(g, index=_along(axis, out.ndim, slice(start, start + np.shape(arrays[i])[axis])))


_concatenate.defparams(_joined_axis("concatenate", 0), inputs=None)
_concatenate.defvjp_argnum(_concatenate_vjp)


def stack(arrays: Sequence[Operand], axis: int = 0) -> Operand:
    """Join a sequence of arrays of one shape along a new axis, as ``np.stack``.
    ∂L/∂(input i) = g[..., i, ...] along that axis

    The arrays are checked here, then joined by the primitive ``_stack`` below.

    >>> stack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])]).shape
    (2, 2)
    """
    return _stack(*_arrays("stack", arrays), axis=axis)


@primitive(name="stack")
def _stack(*arrays: Data, axis: int = 0) -> Data:
    return np.stack(arrays, axis=axis)


_stack.defparams(_joined_axis("stack", 1), inputs=None)
_stack.defvjp_argnum(lambda i, g, out, *arrays, axis=0: getitem(g, index=_along(axis, out.ndim, i)))


@primitive
def clip(x: Data, a_min: Data | None, a_max: Data | None) -> Data:
    """Limit values to [a_min, a_max].  ∂L/∂x = g inside (bounds included), else 0; ∂L/∂a_min = g where
    x < a_min; ∂L/∂a_max = g where x > a_max

    Bounds given by position are inputs, and so differentiated; given by keyword (as ``Tensor.clip``
    gives them) they are parameters, which never are.

    >>> x = Tensor([-2.0, 0.5, 3.0], requires_grad=True)
    >>> clip(x, -1.0, 1.0).sum().backward()
    >>> x.grad
    array([0., 1., 0.])
    """
    return np.clip(x, a_min, a_max)


def _within(x: Operand, a_min: Operand | None, a_max: Operand | None) -> np.ndarray:
    """Where a_min ≤ x ≤ a_max (a bound of None is no bound)."""
    x = data_of(x)
    inside = np.ones(np.shape(x), dtype=bool)
    if a_min is not None:
        inside &= x >= data_of(a_min)
    if a_max is not None:
        inside &= x <= data_of(a_max)
    return inside


clip.defvjp(
    lambda g, out, x, a_min, a_max: g * _within(x, a_min, a_max),
    lambda g, out, x, a_min, a_max: g * (data_of(x) < data_of(a_min)),
    lambda g, out, x, a_min, a_max: g * (data_of(x) > data_of(a_max)),
)


# ---- devices --------------------------------------------------------------------------------


@primitive
def to_device(x: Data, device: Any) -> Data:
    """``x`` moved to ``device`` (see :meth:`Tensor.to <autograd_lite.Tensor.to>`).
    ∂L/∂x = g moved back to x's device

    >>> to_device(Tensor([1.0, 2.0], requires_grad=True), "cpu").device
    'cpu'
    """
    return backend.to_device(x, device)


to_device.defvjp(lambda g, out, x, device: to_device(g, device=backend.device_of(data_of(x))))


# ---- linear algebra -------------------------------------------------------------------------


@primitive
def matmul(x: Data, y: Data) -> Data:
    """Matrix product ``x @ y`` with NumPy's rules for 1-D and batched operands.  ∂L/∂x = g @ yᵀ,
    ∂L/∂y = xᵀ @ g (1-D operands are treated as a row or column, then squeezed)

    >>> W = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> matmul(np.array([1.0, 1.0]), W).sum().backward()
    >>> W.grad
    array([[1., 1.],
           [1., 1.]])
    """
    return np.matmul(x, y)


def _matmul_vjp_x(g: Operand, out: Operand, x: Operand, y: Operand) -> Operand:
    if y.ndim == 1:
        return expand_dims(g, -1) * y if x.ndim > 1 else g * y
    if x.ndim == 1:
        return squeeze(matmul(y, expand_dims(g, -1)), -1)
    return matmul(g, swapaxes(y, -1, -2))


def _matmul_vjp_y(g: Operand, out: Operand, x: Operand, y: Operand) -> Operand:
    if x.ndim == 1:
        return expand_dims(x, -1) * expand_dims(g, -2) if y.ndim > 1 else g * x
    if y.ndim == 1:
        return squeeze(matmul(swapaxes(x, -1, -2), expand_dims(g, -1)), -1)
    return matmul(swapaxes(x, -1, -2), g)


matmul.defvjp(_matmul_vjp_x, _matmul_vjp_y)


# The ops defined in this module (the re-exported ones have their examples run in their own modules).
__test__ = docstring_tests({name: value for name, value in globals().items()
                            if getattr(value, "__module__", None) == __name__})
