"""Array operations — reductions, shapes, indexing, linear algebra — each with its gradient beside it.

Like the elementwise operations in :mod:`autograd_lite.ops`, each is a :class:`~autograd_lite.Primitive`:
called on a ``Tensor`` it records the graph, called on a plain array it is just NumPy. The VJPs use
only these same functions, so they also run on tensors, which is what makes higher-order gradients
work. Ties in ``max``/``min`` share the gradient equally; ``clip`` passes the gradient at its bounds.
The examples assume ``import numpy as np`` and ``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from .engine import ShapeError, data_of, docstring_tests, primitive
from .ops import exp, where
from .parameters import (
    _arrays,
    _axes,
    _axis_index,
    _joined_axis,
    _permutation,
    _reduction_params,
    _shape,
)

__all__ = [
    "astype", "broadcast_to", "clip", "concatenate", "expand_dims", "flatten", "getitem", "log_softmax",
    "logsumexp", "matmul", "max", "mean", "min", "reshape", "softmax", "squeeze", "stack", "sum",
    "sum_to", "swapaxes", "transpose", "var", "where",
]

Axis = int | Sequence[int] | None


def _keepdims_shape(shape: tuple[int, ...], axis: Axis) -> tuple[int, ...]:
    """The shape a reduction over ``axis`` has with ``keepdims=True``."""
    reduced = _axes("reduction", axis, shape)
    return tuple(1 if i in reduced else n for i, n in enumerate(shape))


def _unreduce(g: Any, shape: tuple[int, ...], axis: Axis, keepdims: bool) -> Any:
    """Spread the gradient of a reduction back over the reduced axes."""
    if not keepdims:
        g = reshape(g, shape=_keepdims_shape(shape, axis))
    return broadcast_to(g, shape=shape)


# ---- shapes ---------------------------------------------------------------------------------


@primitive
def sum_to(x: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``x`` down to ``shape`` — the inverse of broadcasting.  VJP: broadcast_to(g, x.shape)

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


@primitive
def broadcast_to(x: Any, shape: tuple[int, ...]) -> Any:
    """``x`` repeated along broadcast axes to ``shape`` (a new array).  VJP: sum_to(g, x.shape)

    >>> broadcast_to(Tensor([1.0, 2.0]), (2, 2))
    Tensor([[1., 2.],
            [1., 2.]])
    """
    out = np.empty(_shape("broadcast_to", shape), dtype=np.result_type(x))
    out[...] = x
    return out


sum_to.defvjp(lambda g, out, x, shape: broadcast_to(g, shape=x.shape))
broadcast_to.defvjp(lambda g, out, x, shape: sum_to(g, shape=x.shape))


@primitive
def reshape(x: Any, shape: int | tuple[int, ...]) -> Any:
    """Same data, new shape.  VJP: reshape(g, x.shape)

    >>> x = Tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    >>> reshape(x, (2, 2))
    Tensor([[1., 2.],
            [3., 4.]], op='reshape')
    """
    return np.asarray(x).reshape(shape)


reshape.defvjp(lambda g, out, x, shape: reshape(g, shape=x.shape))


def flatten(x: Any) -> Any:
    """``x`` as a 1-D array (a reshape).

    >>> flatten(Tensor(np.ones((2, 3)))).shape
    (6,)
    """
    return reshape(x, (-1,))


@primitive
def transpose(x: Any, axes: Sequence[int] | None = None) -> Any:
    """Permute axes (reverse them by default).  VJP: transpose(g, inverse permutation)

    >>> transpose(Tensor([[1.0, 2.0, 3.0]])).shape
    (3, 1)
    """
    return np.asarray(x).transpose(axes)




transpose.defparams(_permutation)
transpose.defvjp(lambda g, out, x, axes=None: transpose(
    g, axes=None if axes is None else tuple(int(i) for i in np.argsort(axes))))


@primitive
def swapaxes(x: Any, axis1: int, axis2: int) -> Any:
    """Exchange two axes.  VJP: swapaxes(g, axis1, axis2)

    >>> swapaxes(Tensor(np.zeros((2, 3, 4))), 0, 2).shape
    (4, 3, 2)
    """
    return np.asarray(x).swapaxes(axis1, axis2)


swapaxes.defparams(lambda x, axis1, axis2: {
    "axis1": _axis_index("swapaxes", axis1, np.shape(x), "axis1"),
    "axis2": _axis_index("swapaxes", axis2, np.shape(x), "axis2")})
swapaxes.defvjp(lambda g, out, x, axis1, axis2: swapaxes(g, axis1=axis1, axis2=axis2))


@primitive
def expand_dims(x: Any, axis: int | Sequence[int]) -> Any:
    """Insert size-1 axes.  VJP: reshape(g, x.shape)

    >>> expand_dims(Tensor([1.0, 2.0]), 0).shape
    (1, 2)
    """
    return np.expand_dims(x, axis)


@primitive
def squeeze(x: Any, axis: int | Sequence[int] | None = None) -> Any:
    """Remove size-1 axes.  VJP: reshape(g, x.shape)

    >>> squeeze(Tensor([[1.0, 2.0]])).shape
    (2,)
    """
    return np.asarray(x).squeeze(axis)


expand_dims.defvjp(lambda g, out, x, axis: reshape(g, shape=x.shape))
squeeze.defvjp(lambda g, out, x, axis=None: reshape(g, shape=x.shape))


@primitive
def astype(x: Any, dtype: Any) -> Any:
    """Convert to ``dtype``.  VJP: the gradient converted back to x's dtype

    >>> x = Tensor([1.0, 2.0], requires_grad=True)
    >>> astype(x, np.float32).sum().backward()
    >>> x.grad.dtype
    dtype('float64')
    """
    out = np.asarray(x).astype(dtype, copy=False)
    return out.view() if out is x else out


astype.defvjp(lambda g, out, x, dtype: astype(g, x.dtype))


# ---- indexing and joining -------------------------------------------------------------------


def _is_basic_index(index: Any) -> bool:
    """True for indices made of ints, slices, None and Ellipsis only (they never repeat elements)."""
    parts = index if isinstance(index, tuple) else (index,)
    return builtins.all(isinstance(p, (int, slice, type(None), type(Ellipsis))) and not isinstance(p, bool)
                        for p in parts)


@primitive
def getitem(x: Any, index: Any) -> Any:
    """``x[index]`` with slices, ints, integer and boolean arrays.  VJP: scatter-add g into zeros

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> getitem(x, np.array([0, 0, 2])).sum().backward()   # x[[0, 0, 2]]
    >>> x.grad
    array([2., 0., 1.])
    """
    return x[index]


@primitive
def scatter_add(g: Any, index: Any, shape: tuple[int, ...]) -> Any:
    """Zeros of ``shape`` with ``g`` added at ``index``; repeated indices accumulate.  VJP: g[index]

    >>> scatter_add(np.ones(3), np.array([0, 0, 2]), (3,))
    array([2., 0., 1.])
    """
    g = np.asarray(g)
    out = np.zeros(shape, dtype=g.dtype if g.dtype.kind == "f" else np.float64)
    if _is_basic_index(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


getitem.defvjp(lambda g, out, x, index: scatter_add(g, index, x.shape))
scatter_add.defvjp(lambda g, out, x, index, shape: getitem(g, index))


def _along(axis: int, ndim: int, position: Any) -> tuple[Any, ...]:
    """An index that picks ``position`` (an int or slice) along ``axis`` and everything elsewhere."""
    return (slice(None),) * (axis % ndim) + (position,)


def concatenate(arrays: Sequence[Any], axis: int | None = 0) -> Any:
    """Join a sequence of arrays along an existing axis (``axis=None``: flattened first), as
    ``np.concatenate``.  VJP for input i: the slice of g where it landed

    >>> a, b = Tensor([1.0], requires_grad=True), Tensor([2.0, 3.0], requires_grad=True)
    >>> concatenate([a, b])
    Tensor([1., 2., 3.], op='concatenate')
    """
    arrays = _arrays("concatenate", arrays)
    if axis is None:
        arrays, axis = [reshape(a, (-1,)) for a in arrays], 0
    return _concatenate(*arrays, axis=axis)


@primitive(name="concatenate")
def _concatenate(*arrays: Any, axis: int = 0) -> Any:
    return np.concatenate(arrays, axis=axis)


def _concatenate_vjp(i: int, g: Any, out: Any, *arrays: Any, axis: int = 0) -> Any:
    start = builtins.sum(np.shape(a)[axis] for a in arrays[:i])
    return getitem(g, index=_along(axis, out.ndim, slice(start, start + np.shape(arrays[i])[axis])))


_concatenate.defparams(_joined_axis("concatenate", 0), inputs=None)
_concatenate.defvjp_argnum(_concatenate_vjp)


def stack(arrays: Sequence[Any], axis: int = 0) -> Any:
    """Join a sequence of arrays of one shape along a new axis, as ``np.stack``.
    VJP for input i: g[..., i, ...] along that axis

    >>> stack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])]).shape
    (2, 2)
    """
    return _stack(*_arrays("stack", arrays), axis=axis)


@primitive(name="stack")
def _stack(*arrays: Any, axis: int = 0) -> Any:
    return np.stack(arrays, axis=axis)


_stack.defparams(_joined_axis("stack", 1), inputs=None)
_stack.defvjp_argnum(lambda i, g, out, *arrays, axis=0: getitem(g, index=_along(axis, out.ndim, i)))


@primitive
def clip(x: Any, a_min: Any, a_max: Any) -> Any:
    """Limit values to [a_min, a_max].

    ∂/∂x = 1 inside (bounds included), 0 outside; ∂/∂a_min = 1 where x < a_min; ∂/∂a_max = 1 where
    x > a_max

    >>> x = Tensor([-2.0, 0.5, 3.0], requires_grad=True)
    >>> clip(x, -1.0, 1.0).sum().backward()
    >>> x.grad
    array([0., 1., 0.])
    """
    return np.clip(x, a_min, a_max)


def _within(x: Any, a_min: Any, a_max: Any) -> Any:
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


# ---- linear algebra -------------------------------------------------------------------------


@primitive
def matmul(x: Any, y: Any) -> Any:
    """Matrix product ``x @ y`` with NumPy's rules for 1-D and batched operands.

    ∂/∂x = g @ yᵀ, ∂/∂y = xᵀ @ g (1-D operands are treated as a row or column, then squeezed)

    >>> W = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> matmul(np.array([1.0, 1.0]), W).sum().backward()
    >>> W.grad
    array([[1., 1.],
           [1., 1.]])
    """
    return np.matmul(x, y)


def _matmul_vjp_x(g: Any, out: Any, x: Any, y: Any) -> Any:
    if y.ndim == 1:
        return expand_dims(g, -1) * y if x.ndim > 1 else g * y
    if x.ndim == 1:
        return squeeze(matmul(y, expand_dims(g, -1)), -1)
    return matmul(g, swapaxes(y, -1, -2))


def _matmul_vjp_y(g: Any, out: Any, x: Any, y: Any) -> Any:
    if x.ndim == 1:
        return expand_dims(x, -1) * expand_dims(g, -2) if y.ndim > 1 else g * x
    if y.ndim == 1:
        return squeeze(matmul(swapaxes(x, -1, -2), expand_dims(g, -1)), -1)
    return matmul(swapaxes(x, -1, -2), g)


matmul.defvjp(_matmul_vjp_x, _matmul_vjp_y)


# ---- reductions -----------------------------------------------------------------------------


@primitive(name="sum")
def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001 - NumPy's name
    """Σ over ``axis`` (all axes by default).  VJP: g spread back over the summed axes

    >>> x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> sum(x, axis=0)
    Tensor([4., 6.], op='sum')
    >>> sum(x).backward()
    >>> x.grad
    array([[1., 1.],
           [1., 1.]])
    """
    return np.asarray(x).sum(axis=axis, keepdims=keepdims)


sum.defparams(_reduction_params("sum"))
sum.defvjp(lambda g, out, x, axis=None, keepdims=False: _unreduce(g, x.shape, axis, keepdims))


@primitive
def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    """Arithmetic mean over ``axis``.  VJP: g / n spread back over the n averaged elements

    >>> x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> mean(x).backward()
    >>> x.grad
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    x = np.asarray(x)
    if x.dtype.kind != "f" or x.dtype.itemsize < 4 or x.ndim == 0:  # NumPy's own rules for these
        return np.mean(x, axis=axis, keepdims=keepdims)
    total = x.sum(axis=axis, keepdims=keepdims)
    return total / (x.size // total.size if total.size else 1)


mean.defparams(_reduction_params("mean"))
mean.defvjp(lambda g, out, x, axis=None, keepdims=False:  # (an empty x has an empty gradient)
            _unreduce(g, x.shape, axis, keepdims) * (out.size / x.size if x.size else 0.0))


def _extremum_vjp(g: Any, out: Any, x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    """The gradient goes to the elements equal to the extremum, shared equally among ties."""
    hits = data_of(x) == np.reshape(data_of(out), _keepdims_shape(x.shape, axis))
    share = hits / np.sum(hits, axis=axis, keepdims=True)
    return _unreduce(g, x.shape, axis, keepdims) * share


@primitive(name="max")
def max(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Largest element over ``axis``.  VJP: g to the maximal elements, ties sharing equally

    >>> x = Tensor([3.0, 1.0, 3.0], requires_grad=True)
    >>> max(x).backward()
    >>> x.grad
    array([0.5, 0. , 0.5])
    """
    return np.asarray(x).max(axis=axis, keepdims=keepdims)


@primitive(name="min")
def min(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Smallest element over ``axis``.  VJP: g to the minimal elements, ties sharing equally

    >>> x = Tensor([1.0, 3.0, 1.0], requires_grad=True)
    >>> min(x).backward()
    >>> x.grad
    array([0.5, 0. , 0.5])
    """
    return np.asarray(x).min(axis=axis, keepdims=keepdims)


max.defparams(_reduction_params("max"))
min.defparams(_reduction_params("min"))
max.defvjp(_extremum_vjp)
min.defvjp(_extremum_vjp)


def var(x: Any, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Any:
    """Variance Σ(x − mean)² / (n − ddof), composed from differentiable ops.

    >>> x = Tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    >>> var(x)
    Tensor(1.25, op='divide')
    >>> var(x).backward()
    >>> x.grad
    array([-0.75, -0.25,  0.25,  0.75])
    """
    deviation = x - mean(x, axis=axis, keepdims=True)
    count = 1
    for a in _axes("var", axis, np.shape(x)):
        count *= np.shape(x)[a]  # a Python int, so the dtype stays x's
    return sum(deviation * deviation, axis=axis, keepdims=keepdims) / (count - ddof)


# ---- normalisers: numerically stable at any magnitude -----------------------------------------


def _stable_shift(x: np.ndarray, axis: Axis) -> np.ndarray:
    """max(x) over ``axis`` (keepdims), with non-finite maxima replaced by 0 so x − shift is safe."""
    shift = np.asarray(x).max(axis=axis, keepdims=True)
    return np.where(np.isfinite(shift), shift, 0.0)


@primitive
def logsumexp(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    """log Σ exp(x), computed as m + log Σ exp(x − m) with m = max x.  VJP: g · softmax(x)

    >>> logsumexp(Tensor([1000.0, 1000.0]))
    Tensor(1000.69314718)
    """
    shift = _stable_shift(x, axis)
    out = np.log(np.sum(np.exp(x - shift), axis=axis, keepdims=True)) + shift
    return out if keepdims else np.squeeze(out, axis=_axes("logsumexp", axis, np.shape(x)))


logsumexp.defparams(_reduction_params("logsumexp"))
logsumexp.defvjp(lambda g, out, x, axis=None, keepdims=False:
                 _unreduce(g, x.shape, axis, keepdims)
                 * exp(x - reshape(out, shape=_keepdims_shape(x.shape, axis))))


@primitive
def softmax(x: Any, axis: int = -1) -> Any:
    """exp(x) / Σ exp(x) along ``axis``.  VJP: out · (g − Σ g·out)

    >>> softmax(Tensor([1000.0, 1000.0]))
    Tensor([0.5, 0.5])
    """
    e = np.exp(x - _stable_shift(x, axis))
    return e / np.sum(e, axis=axis, keepdims=True)


softmax.defparams(lambda x, axis=-1: {"axis": _axis_index("softmax", axis, np.shape(x))})
softmax.defvjp(lambda g, out, x, axis=-1: out * (g - sum(g * out, axis=axis, keepdims=True)))


@primitive
def log_softmax(x: Any, axis: int = -1) -> Any:
    """x − logsumexp(x) along ``axis``.  VJP: g − softmax(x) · Σ g

    >>> log_softmax(Tensor([0.0, 0.0]))
    Tensor([-0.69314718, -0.69314718])
    """
    return x - logsumexp(x, axis=axis, keepdims=True)


log_softmax.defparams(lambda x, axis=-1: {"axis": _axis_index("log_softmax", axis, np.shape(x))})
log_softmax.defvjp(lambda g, out, x, axis=-1: g - exp(out) * sum(g, axis=axis, keepdims=True))


__test__ = docstring_tests(globals())
