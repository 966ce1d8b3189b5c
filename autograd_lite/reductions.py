"""Reductions — sum, mean, prod, max, min, var, std — and the stable normalisers logsumexp, softmax,
log_softmax.

Part of the array operations gathered in :mod:`autograd_lite.tensor_ops` (which re-exports them), in
the same style and notation: ``g`` is ∂L/∂out and ``∂L/∂x = …`` is what the VJP below the op returns.
Ties in ``max``/``min`` share the gradient equally. The examples assume ``import numpy as np`` and
``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import builtins

from . import _checks
from .backend import Namespace, default_float, device_of, dtype_kind, host_namespace, namespace, ndarray
from .engine import data_of, docstring_tests, primitive
from .ops import exp, where
from .parameters import (
    AxisError,
    _axes,
    _axis_index,
    _canonical_axis,
    _keepdims,
    _reduction_params,
    _shape_of,
)
from .shape_ops import broadcast_to, reshape
from .typing import Axis, Data, Operand

__all__ = ["log_softmax", "logsumexp", "max", "mean", "min", "prod", "softmax", "std", "sum", "var"]


def _keepdims_shape(shape: tuple[int, ...], axis: Axis) -> tuple[int, ...]:
    """The shape a reduction over ``axis`` has with ``keepdims=True``."""
    reduced = _axes("reduction", axis, shape)
    return tuple(1 if i in reduced else n for i, n in enumerate(shape))


# NumPy arrays reduce (and reshape) through their methods, a microsecond faster than NumPy's
# functions (xp.sum).


def _sum(xp: Namespace, x: Data, axis: Axis, keepdims: bool) -> Data:
    if x.__class__ is ndarray:
        return x.sum(axis=axis, keepdims=keepdims)
    return xp.sum(x, axis=axis, keepdims=keepdims)


def _unreduce(g: Operand, shape: tuple[int, ...], axis: Axis, keepdims: bool) -> Operand:
    """Spread the gradient of a reduction back over the reduced axes."""
    if not keepdims:
        g = reshape(g, shape=_keepdims_shape(shape, axis))
    return broadcast_to(g, shape=shape)


@primitive(name="sum")
def sum(x: Data, axis: Axis = None, keepdims: bool = False) -> Data:  # noqa: A001 - NumPy's name
    """Σ over ``axis`` (all axes by default).  ∂L/∂x = g spread back over the summed axes

    >>> x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> sum(x, axis=0)
    Tensor([4., 6.], op='sum')
    >>> sum(x).backward()
    >>> x.grad
    array([[1., 1.],
           [1., 1.]])
    """
    if x.__class__ is ndarray:  # NumPy's method, a microsecond faster than its function
        return x.sum(axis=axis, keepdims=keepdims)
    return namespace(x).sum(x, axis=axis, keepdims=keepdims)


sum.defparams(_reduction_params("sum"))
sum.defvjp(lambda g, out, x, axis=None, keepdims=False: _unreduce(g, x.shape, axis, keepdims))


@primitive
def mean(x: Data, axis: Axis = None, keepdims: bool = False) -> Data:
    """Arithmetic mean over ``axis``.  ∂L/∂x = g/n spread back over the n averaged elements

    The losses of :mod:`autograd_lite.nn.functional` average with this forward too.

    >>> x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> mean(x).backward()
    >>> x.grad
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    if x.__class__ is ndarray and x.dtype.kind == "f" and x.dtype.itemsize >= 4 and x.ndim:
        total = x.sum(axis=axis, keepdims=keepdims)  # a sum and a division: np.mean less its overhead
        return total / (x.size // total.size if total.size else 1)
    xp = namespace(x)
    if xp is not host_namespace and dtype_kind(x.dtype) in "biu":  # the standard's mean takes floats
        x = xp.astype(x, default_float(xp, device_of(x)))  # as NumPy converts them
    return xp.mean(x, axis=axis, keepdims=keepdims)


mean.defparams(_reduction_params("mean"))
mean.defvjp(lambda g, out, x, axis=None, keepdims=False:  # (an empty x has an empty gradient)
            _unreduce(g, x.shape, axis, keepdims) * (out.size / x.size if x.size else 0.0))


@primitive(name="prod")
def prod(x: Data, axis: Axis = None, keepdims: bool = False) -> Data:
    """Π over ``axis`` (all axes by default).  ∂L/∂xᵢ = g·Π xⱼ over j ≠ i, the product of the others

    Zeros are handled as in PyTorch, not by dividing ``out`` by x: in a product with one zero the
    gradient at the zero is the product of the other elements and 0 elsewhere; with two or more
    zeros it is 0 everywhere. The VJP keeps the zeros' own derivatives, so the second order is exact
    at zeros too.

    >>> x = Tensor([2.0, 0.0, 3.0], requires_grad=True)
    >>> prod(x)
    Tensor(0., op='prod')
    >>> prod(x).backward()
    >>> x.grad
    array([0., 6., 0.])
    """
    if x.__class__ is ndarray:  # NumPy's method, a microsecond faster than its function
        return x.prod(axis=axis, keepdims=keepdims)
    return namespace(x).prod(x, axis=axis, keepdims=keepdims)


def _prod_vjp(g: Operand, out: Operand, x: Operand, axis: Axis = None, keepdims: bool = False) -> Operand:
    """g times the product of the other elements of each one's product, by the number of zeros in it."""
    data = data_of(x)
    xp = namespace(data)
    spread = _unreduce(g, data.shape, axis, keepdims)
    total = reshape(out, shape=_keepdims_shape(data.shape, axis))
    zero = data == 0
    if not xp.any(zero):
        return spread * total / x
    count = _sum(xp, xp.astype(zero, data.dtype), axis, True)  # zeros in each product
    one, two = count == 1, count == 2
    safe = where(zero, 1.0, x)
    rest = prod(safe, axis=axis, keepdims=True)  # the product of the non-zero elements
    zeros = sum(where(zero, x, 0.0), axis=axis, keepdims=True)  # 0, but it carries ∂/∂(each zero)
    at_zero = where(one, rest, where(two, (zeros - x) * rest, 0.0))  # two zeros: the other one's value
    elsewhere = where(count == 0, total / safe, where(one, zeros * rest / safe, 0.0))
    return spread * where(zero, at_zero, elsewhere)


prod.defparams(_reduction_params("prod"))
prod.defvjp(_prod_vjp)


@primitive(name="max")
def max(x: Data, axis: Axis = None, keepdims: bool = False) -> Data:  # noqa: A001
    """Largest element over ``axis``.  ∂L/∂x = g to the maximal elements, ties sharing it equally

    >>> x = Tensor([3.0, 1.0, 3.0], requires_grad=True)
    >>> max(x).backward()
    >>> x.grad
    array([0.5, 0. , 0.5])
    """
    if x.__class__ is ndarray:  # NumPy's method, a microsecond faster than its function
        return x.max(axis=axis, keepdims=keepdims)
    return namespace(x).max(x, axis=axis, keepdims=keepdims)


def _extremum_vjp(g: Operand, out: Operand, x: Operand, axis: Axis = None, keepdims: bool = False) -> Operand:
    """The gradient goes to the elements equal to the extremum, shared equally among ties."""
    x, out = data_of(x), data_of(out)
    xp = namespace(x)
    hits = xp.astype(x == xp.reshape(out, _keepdims_shape(x.shape, axis)), x.dtype)
    share = hits / _sum(xp, hits, axis, True)
    return _unreduce(g, x.shape, axis, keepdims) * share


max.defparams(_reduction_params("max"))
max.defvjp(_extremum_vjp)


@primitive(name="min")
def min(x: Data, axis: Axis = None, keepdims: bool = False) -> Data:  # noqa: A001
    """Smallest element over ``axis``.  ∂L/∂x = g to the minimal elements, ties sharing it equally

    >>> x = Tensor([1.0, 3.0, 1.0], requires_grad=True)
    >>> min(x).backward()
    >>> x.grad
    array([0.5, 0. , 0.5])
    """
    if x.__class__ is ndarray:  # NumPy's method: a microsecond faster than its function
        return x.min(axis=axis, keepdims=keepdims)
    return namespace(x).min(x, axis=axis, keepdims=keepdims)


min.defparams(_reduction_params("min"))
min.defvjp(_extremum_vjp)


@_checks.accepts_torch_spelling
def var(x: Operand, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Operand:
    """Composite (no VJP of its own): variance Σ(x − mean)² / (n − ddof) over ``axis``.

    PyTorch's ``dim=``/``keepdim=`` are taken for ``axis``/``keepdims``; with ``dim=``, ``ddof`` must
    be given, since PyTorch's default divides by n − 1 and NumPy's (``ddof=0``) by n.

    >>> x = Tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    >>> var(x)
    Tensor(1.25, op='divide')
    >>> var(x).backward()
    >>> x.grad
    array([-0.75, -0.25,  0.25,  0.75])
    """
    shape = _shape_of(x)
    axes = _axes("var", axis, shape)  # checked first, so an error names var
    if axes and not shape:  # NumPy's mean and var take no axis of a 0-d array (its sum and max do)
        raise AxisError(f"var on inputs of shapes (): axis {axis} is out of bounds for array of dimension 0")
    count = 1
    for a in axes:
        count *= shape[a]  # a Python int, so the dtype stays x's
    deviation = x - mean(x, axis=axis, keepdims=True)
    # n − ddof below 0 divides by 0 (inf), as NumPy's max(n − ddof, 0), never a negative variance
    return sum(deviation * deviation, axis=axis, keepdims=keepdims) / builtins.max(count - ddof, 0)


def _count(shape: tuple[int, ...], axis: Axis) -> int:
    """How many elements a reduction over ``axis`` combines (a Python int)."""
    count = 1
    for a in _axes("reduction", axis, shape):
        count *= shape[a]
    return count


@primitive
def std(x: Data, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Data:
    """Standard deviation √(Σ(x − mean)² / (n − ddof)) over ``axis``.
    ∂L/∂x = g·(x − mean) / ((n − ddof)·out), and 0 where out = 0, as PyTorch

    A primitive rather than sqrt(var): at zero variance (one element, or all equal) √ has no
    derivative, and PyTorch's convention there is a gradient of 0, not the NaN of ∞·0. As for
    :func:`var`, PyTorch's ``dim=`` is taken with ``ddof`` given (the two libraries' defaults
    differ).

    >>> x = Tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    >>> std(x, ddof=1)
    Tensor(1.29099445, op='std')
    >>> y = Tensor([5.0, 5.0], requires_grad=True)
    >>> std(y).backward()   # zero variance: gradient 0
    >>> y.grad
    array([0., 0.])
    """
    if x.__class__ is ndarray:  # NumPy's method, a microsecond faster than its function
        return x.std(axis=axis, ddof=ddof, keepdims=keepdims)
    xp = namespace(x)
    if xp is not host_namespace and dtype_kind(x.dtype) in "biu":  # the standard's std takes floats
        x = xp.astype(x, default_float(xp, device_of(x)))  # as NumPy converts them
    return xp.std(x, axis=axis, correction=ddof, keepdims=keepdims)


def _std_params(x: Data, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> dict:
    shape = _shape_of(x)
    canonical = _canonical_axis("std", axis, shape)
    if axis is not None and not shape:  # as var (NumPy's std takes no axis of a 0-d array)
        raise AxisError(f"std on inputs of shapes (): axis {axis} is out of bounds for array of dimension 0")
    if isinstance(ddof, bool) or not isinstance(ddof, (int, float)) and not hasattr(ddof, "__index__"):
        raise TypeError(f"std: ddof must be a number, not {type(ddof).__name__} {ddof!r}")
    return {"axis": canonical, "keepdims": _keepdims("std", keepdims), "ddof": ddof}


def _std_vjp(g: Operand, out: Operand, x: Operand, axis: Axis = None, keepdims: bool = False,
             ddof: int = 0) -> Operand:
    shape = _shape_of(data_of(x))
    total = reshape(out, shape=_keepdims_shape(shape, axis))
    flat = data_of(total) == 0  # zero variance: gradient 0
    deviation = x - mean(x, axis=axis, keepdims=True)
    scale = where(flat, 1.0, total) * (_count(shape, axis) - ddof)
    scaled = _unreduce(g, shape, axis, keepdims) * deviation / scale
    return where(flat, 0.0, scaled)


std.defparams(_std_params)
std.defvjp(_std_vjp)


# ---- normalisers: numerically stable at any magnitude -----------------------------------------


def _stable_shift(xp: Namespace, x: Data, axis: Axis) -> Data:
    """max(x) over ``axis`` (keepdims), with non-finite maxima replaced by 0 so x − shift is safe."""
    shift = x.max(axis=axis, keepdims=True) if x.__class__ is ndarray else xp.max(x, axis=axis, keepdims=True)
    return xp.where(xp.isfinite(shift), shift, 0.0)


@primitive
def logsumexp(x: Data, axis: Axis = None, keepdims: bool = False) -> Data:
    """log Σ exp(x), computed as m + log Σ exp(x − m) with m = max x.  ∂L/∂x = g·softmax(x)

    >>> logsumexp(Tensor([1000.0, 1000.0]))
    Tensor(1000.69314718)
    """
    xp = namespace(x)
    shift = _stable_shift(xp, x, axis)
    out = xp.log(_sum(xp, xp.exp(x - shift), axis, keepdims))
    if keepdims:
        return out + shift
    return out + (shift.reshape(out.shape) if shift.__class__ is ndarray else xp.reshape(shift, out.shape))


logsumexp.defparams(_reduction_params("logsumexp"))
logsumexp.defvjp(lambda g, out, x, axis=None, keepdims=False:
                 _unreduce(g, x.shape, axis, keepdims)
                 * exp(x - reshape(out, shape=_keepdims_shape(x.shape, axis))))


@primitive
def softmax(x: Data, axis: int = -1) -> Data:
    """exp(x) / Σ exp(x) along ``axis``.  ∂L/∂x = out·(g − Σ g·out)

    >>> softmax(Tensor([1000.0, 1000.0]))
    Tensor([0.5, 0.5])
    """
    xp = namespace(x)
    e = xp.exp(x - _stable_shift(xp, x, axis))
    return e / _sum(xp, e, axis, True)


softmax.defparams(lambda x, axis=-1: {"axis": _axis_index("softmax", axis, _shape_of(x))})
softmax.defvjp(lambda g, out, x, axis=-1: out * (g - sum(g * out, axis=axis, keepdims=True)))


@primitive
def log_softmax(x: Data, axis: int = -1) -> Data:
    """x − logsumexp(x) along ``axis``.  ∂L/∂x = g − softmax(x)·Σ g

    >>> log_softmax(Tensor([0.0, 0.0]))
    Tensor([-0.69314718, -0.69314718])
    """
    return x - logsumexp(x, axis=axis, keepdims=True)


log_softmax.defparams(lambda x, axis=-1: {"axis": _axis_index("log_softmax", axis, _shape_of(x))})
log_softmax.defvjp(lambda g, out, x, axis=-1: g - exp(out) * sum(g, axis=axis, keepdims=True))


__test__ = {**docstring_tests(globals()), "var": var.__doc__}  # (var is decorated: doctest misses it)
