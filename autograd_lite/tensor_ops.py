"""Array operations — shapes, indexing and joining, linear algebra, reductions — each with its gradient
beside it.

Like the elementwise operations in :mod:`autograd_lite.ops`, each is a :class:`~autograd_lite.Primitive`:
called on a ``Tensor`` it records the graph, called on a plain array it is just the array library's
function (through the array API namespace ``xp`` of the array: NumPy, CuPy, …). The gradients
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

from . import _checks, backend
from .backend import Namespace, default_float, device_of, dtype_kind, namespace, ndarray
from .engine import data_of, docstring_tests, primitive
from .ops import where
from .parameters import _arrays, _joined_axis, _shape_of
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


def _parts(xp: Namespace, index: Index, device: Any) -> tuple[Any, ...]:
    """``index`` as a tuple for an array of ``xp`` on ``device``: NumPy and list index arrays moved there."""
    parts = backend.index_in(xp, index if isinstance(index, tuple) else (index,), device)
    return tuple(xp.asarray(p, device=device) if isinstance(p, list) else p for p in parts)


def _with_ellipsis(parts: tuple[Any, ...]) -> tuple[Any, ...]:
    """``parts`` ending in ``...`` if they have none: the standard indexes the leading axes only so."""
    return parts if builtins.any(p is Ellipsis for p in parts) else parts + (Ellipsis,)


def _standard_getitem(xp: Namespace, x: Data, parts: tuple[Any, ...]) -> Data:
    """``x[parts]`` with NumPy's meaning, in the standard's terms: a partial index gets its trailing
    ``...``, one integer array among full slices is a ``take`` along its axis; a boolean mask alone
    or integer arrays on every axis index as they are."""
    arrays = [i for i, p in enumerate(parts) if backend.is_array(p)]
    if not arrays:
        return x[_with_ellipsis(parts)]
    if len(arrays) > 1 or dtype_kind(parts[arrays[0]].dtype) == "b" or not builtins.all(
            p == slice(None) or p is Ellipsis for i, p in enumerate(parts) if i != arrays[0]):
        return x[parts]
    position, shape = arrays[0], x.shape
    after_ellipsis = builtins.any(p is Ellipsis for p in parts[:position])
    axis = len(shape) - (len(parts) - position) if after_ellipsis else position
    indices = parts[position]
    taken = xp.take(x, xp.reshape(indices, (-1,)), axis=axis)
    return xp.reshape(taken, shape[:axis] + indices.shape + shape[axis + 1:])


# ---- indexing and joining -------------------------------------------------------------------


@primitive
def getitem(x: Data, index: Index) -> Data:
    """``x[index]`` with slices, ints, integer and boolean arrays, as NumPy indexes.
    ∂L/∂x = scatter_add(g, index, x.shape)

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> getitem(x, np.array([0, 0, 2])).sum().backward()   # x[[0, 0, 2]]
    >>> x.grad
    array([2., 0., 1.])
    """
    if x.__class__ is ndarray or not backend.is_array(x):  # NumPy's, or data NumPy reads (a list)
        return backend.host_namespace.asarray(x)[index]
    xp = namespace(x)
    return _standard_getitem(xp, x, _parts(xp, index, device_of(x)))


getitem.defvjp(lambda g, out, x, index: scatter_add(g, index, x.shape))


@primitive
def scatter_add(values: Data, index: Index, shape: tuple[int, ...]) -> Data:
    """Zeros of ``shape`` with ``values`` added at ``index``; repeated indices accumulate.
    ∂L/∂values = g[index]

    >>> scatter_add(np.ones(3), np.array([0, 0, 2]), (3,))
    array([2., 0., 1.])
    """
    xp = namespace(values)
    if not hasattr(values, "dtype"):
        values = xp.asarray(values)  # a number or nested lists
    if values.__class__ is ndarray:  # NumPy's (the fast path): its dtype read directly, no device to give
        out = xp.zeros(shape, dtype=values.dtype if values.dtype.kind == "f" else xp.float64)
        if _is_basic_index(index):
            out[index] = values
        else:
            backend.scatter_add(out, index, values)
        return out
    device = device_of(values)
    dtype = values.dtype if dtype_kind(values.dtype) == "f" else default_float(xp, device)
    out = xp.zeros(shape, dtype=dtype, device=device)
    parts = _parts(xp, index, device)
    if _is_basic_index(parts):
        parts = _with_ellipsis(parts)
        if builtins.any(p is None for p in parts):  # the standard sets through no new axes: drop them
            kept = tuple(p for p in parts if p is not None)
            values = xp.reshape(xp.broadcast_to(values, out[parts].shape), out[kept].shape)
            parts = kept
        out[parts] = values
    else:
        backend.scatter_add(out, parts, values)
    return out


scatter_add.defvjp(lambda g, out, values, index, shape: getitem(g, index))


def _along(axis: int, ndim: int, position: int | slice) -> tuple[slice | int, ...]:
    """An index that picks ``position`` (an int or slice) along ``axis`` and everything elsewhere."""
    return (slice(None),) * (axis % ndim) + (position,)


@_checks.accepts_torch_spelling
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


def _as_arrays(xp: Namespace, arrays: Sequence[Data]) -> Sequence[Data]:
    """The arrays to join, numbers among them made arrays of ``xp`` on the others' device (NumPy
    takes numbers as they are; the standard joins arrays only)."""
    if xp is backend.host_namespace:
        return arrays
    device = next((device_of(a) for a in arrays if backend.is_array(a)), None)
    return [a if backend.is_array(a) else xp.asarray(a, device=device) for a in arrays]


@primitive(name="concatenate")
def _concatenate(*arrays: Data, axis: int = 0) -> Data:
    xp = namespace(*arrays) if arrays else backend.host_namespace  # (NumPy names an empty list's error)
    return xp.concat(_as_arrays(xp, arrays), axis=axis)


def _concatenate_vjp(i: int, g: Operand, out: Operand, *arrays: Operand, axis: int = 0) -> Operand:
    start = builtins.sum(_shape_of(a)[axis] for a in arrays[:i])
    return getitem(g, index=_along(axis, out.ndim, slice(start, start + _shape_of(arrays[i])[axis])))


_concatenate.defparams(_joined_axis("concatenate", 0), inputs=None)
_concatenate.defvjp_argnum(_concatenate_vjp)


@_checks.accepts_torch_spelling
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
    xp = namespace(*arrays) if arrays else backend.host_namespace  # (NumPy names an empty list's error)
    return xp.stack(_as_arrays(xp, arrays), axis=axis)


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
    return namespace(x, a_min, a_max).clip(x, a_min, a_max)


def _within(x: Operand, a_min: Operand | None, a_max: Operand | None) -> Data | None:
    """Where a_min ≤ x ≤ a_max (a bound of None is no bound; ``None`` if there is neither)."""
    x = data_of(x)
    inside = None if a_min is None else x >= data_of(a_min)
    if a_max is not None:
        below = x <= data_of(a_max)
        inside = below if inside is None else inside & below
    return inside


def _masked(g: Operand, mask: Data | None) -> Operand:
    """``g`` where ``mask`` holds, else 0 (a mask of None holds everywhere)."""
    if mask is None:
        return g
    if mask.__class__ is ndarray:  # NumPy multiplies by a boolean mask, faster than where
        return g * mask
    return where(mask, g, 0.0)


clip.defvjp(
    lambda g, out, x, a_min, a_max: _masked(g, _within(x, a_min, a_max)),
    lambda g, out, x, a_min, a_max: _masked(g, data_of(x) < data_of(a_min)),
    lambda g, out, x, a_min, a_max: _masked(g, data_of(x) > data_of(a_max)),
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
    if x.__class__ is ndarray and y.__class__ is ndarray:  # NumPy's (the fast path): no namespace to find
        return x @ y
    return namespace(x, y).matmul(x, y)


def _ndim(a: Operand) -> int:
    """The number of axes of an operand (a constant one may be a list)."""
    return a.ndim if hasattr(a, "ndim") else len(_shape_of(a))


def _matmul_vjp_x(g: Operand, out: Operand, x: Operand, y: Operand) -> Operand:
    if _ndim(y) == 1:
        return expand_dims(g, -1) * y if _ndim(x) > 1 else g * y
    if _ndim(x) == 1:
        return squeeze(matmul(y, expand_dims(g, -1)), -1)
    return matmul(g, swapaxes(y, -1, -2))


def _matmul_vjp_y(g: Operand, out: Operand, x: Operand, y: Operand) -> Operand:
    if _ndim(x) == 1:
        return expand_dims(x, -1) * expand_dims(g, -2) if _ndim(y) > 1 else g * x
    if _ndim(y) == 1:
        return squeeze(matmul(swapaxes(x, -1, -2), expand_dims(g, -1)), -1)
    return matmul(swapaxes(x, -1, -2), g)


matmul.defvjp(_matmul_vjp_x, _matmul_vjp_y)


# The ops defined in this module (the re-exported ones have their examples run in their own modules).
__test__ = docstring_tests({name: value for name, value in globals().items()
                            if getattr(value, "__module__", None) == __name__})
