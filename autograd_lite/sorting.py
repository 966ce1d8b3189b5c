"""Order statistics: sort, argsort, argmax, argmin, median, quantile; any and all.

``sort`` is a primitive whose gradient goes back through the permutation; ``median`` and
``quantile`` are composites of it, so their gradient reaches the selected elements with the
interpolation weights. ``argsort``, ``argmax``, ``argmin``, ``any`` and ``all`` give plain data (no
gradient), as :func:`~autograd_lite.sign` does. Sorting is stable, as NumPy's ``kind="stable"`` and
``torch.sort(stable=True)``: tied elements keep their order, so a tie's gradient goes to the
element that came first. The examples assume ``import numpy as np`` and
``from autograd_lite import Tensor``.

This module also holds :class:`ReductionMethods`, the ``Tensor`` methods of the reductions and
scans (:mod:`autograd_lite.reductions`, :mod:`autograd_lite.scans`) and of these ops.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from . import _checks, backend
from .backend import Namespace, default_float, device_of, dtype_kind, namespace, ndarray
from .engine import constant_data, data_of, docstring_tests, primitive
from .ops import where
from .parameters import AxisError, _axes, _axis_index, _canonical_axis, _keepdims, _shape_of
from .reductions import prod, std, sum  # noqa: A004
from .scans import cumprod, cumsum
from .shape_ops import astype, reshape, transpose
from .tensor_ops import getitem
from .torch_names import ValuesAndIndices
from .typing import Axis, Data, Operand

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["all", "any", "argmax", "argmin", "argsort", "median", "quantile", "sort"]


def _sort_axis(op: str, axis: int | None, shape: tuple[int, ...]) -> int | None:
    """``axis`` of a sort: None (the flattened array) or one axis; a 0-d array has none, as in NumPy."""
    if axis is None:
        return None
    if not shape:
        raise AxisError(f"{op} on inputs of shapes (): axis {axis} is out of bounds for array of "
                        f"dimension 0 (axis=None sorts it as a 1-element array)")
    return _axis_index(op, axis, shape)


_KINDS = (None, "quicksort", "mergesort", "heapsort", "stable")


def _stable_kind(op: str, kind: str | None, stable: bool | None) -> None:
    """NumPy's ``kind`` and ``stable``: any is accepted, since a stable sort is a valid answer for
    every kind (their results differ only in the order of ties, which only ``"stable"`` promises)."""
    if kind not in _KINDS:
        raise ValueError(f"{op}: kind must be one of {', '.join(map(repr, _KINDS[1:]))}, not {kind!r}")
    if stable not in (None, True, False):
        raise TypeError(f"{op}: stable must be True, False or None, not {stable!r}")


def _flat(xp: Namespace, x: Data, axis: int | None) -> tuple[Data, int]:
    """``x`` and the axis to sort along: flattened for None, as NumPy."""
    if axis is None:
        return (x.reshape(-1) if x.__class__ is ndarray else xp.reshape(x, (-1,))), 0
    return x, axis % x.ndim if x.ndim else axis


def _order(x: Data, axis: int | None) -> tuple[Data, int]:
    """The stable sorting permutation of ``x`` along ``axis`` (flattened for None), and that axis."""
    xp = namespace(x)
    x, axis = _flat(xp, x, axis)
    return xp.argsort(x, axis=axis, stable=True), axis


@primitive
def sort(x: Data, axis: int | None = -1, kind: str | None = None, stable: bool | None = None) -> Data:
    """``x`` sorted along ``axis`` (the flattened array for None), stably.
    ∂L/∂x = g sent back through the permutation: g at the sorted position of each element

    Ties keep their order (``kind="stable"``, ``torch.sort(stable=True)``), so the first of tied
    elements gets the gradient of the first sorted slot. NaN sorts last, as in NumPy. Unlike
    ``ndarray.sort``, there is no ``Tensor.sort`` (NumPy's sorts in place and returns None):
    ``ag.sort(t)`` returns a new tensor. NumPy's ``kind`` and ``stable`` are taken, and every kind
    sorts stably (a valid answer for each). With PyTorch's ``dim=``, it returns PyTorch's
    ``(values, indices)``.

    >>> x = Tensor([3.0, 1.0, 2.0], requires_grad=True)
    >>> sort(x)
    Tensor([1., 2., 3.], op='sort')
    >>> (sort(x) * np.array([1.0, 10.0, 100.0])).sum().backward()
    >>> x.grad
    array([100.,   1.,  10.])
    """
    _stable_kind("sort", kind, stable)
    xp = namespace(x)
    x, axis = _flat(xp, x, axis)
    return xp.sort(x, axis=axis, stable=True)


def _sort_vjp(g: Operand, out: Operand, x: Operand, axis: int | None = -1) -> Operand:
    """g gathered by the inverse permutation: element i of the line gets g at its sorted position."""
    data = data_of(x)
    xp = namespace(data)
    order, axis = _order(data, axis)
    inverse = xp.argsort(order, axis=axis)
    device, ndim = device_of(inverse), inverse.ndim
    index = tuple(inverse if d == axis else
                  xp.reshape(xp.arange(n, device=device), tuple(n if e == d else 1 for e in range(ndim)))
                  for d, n in enumerate(inverse.shape))
    return reshape(getitem(g, index=index), shape=_shape_of(data))


def _sort_params(x: Data, axis: int | None = -1, kind: str | None = None, stable: bool | None = None) -> dict:
    _stable_kind("sort", kind, stable)
    return {"axis": _sort_axis("sort", axis, _shape_of(x))}


sort.defparams(_sort_params)
sort.defvjp(_sort_vjp)


def _sort_along(x: Operand, dim: int = -1) -> ValuesAndIndices:
    """``sort(x, dim=d)`` as PyTorch's: the sorted values and the permutation (stable)."""
    return ValuesAndIndices(sort(x, axis=dim), argsort(x, axis=dim))


sort.dim_call = _sort_along  # with PyTorch's dim=, PyTorch's meaning (see Primitive.dim_call)


@_checks.accepts_torch_spelling
def argsort(x: Operand, axis: int | None = -1, kind: str | None = None, stable: bool | None = None) -> Data:
    """Not differentiable (plain data out): the indices that sort ``x`` along ``axis`` (flattened
    for None), stably — NumPy's ``kind="stable"``, whose order of ties NumPy's default does not
    promise (every ``kind`` is taken, and sorts stably).

    >>> argsort(Tensor([3.0, 1.0, 3.0, 2.0]))
    array([1, 3, 0, 2])
    """
    _stable_kind("argsort", kind, stable)
    x = data_of(x)
    return _order(x, _sort_axis("argsort", axis, _shape_of(x)))[0]


def _arg_extremum(op: str, x: Operand, axis: int | None, keepdims: bool) -> Data:
    x = data_of(x)
    xp = namespace(x)
    shape = _shape_of(x)
    if axis is not None:
        axis = _axis_index(op, axis, shape)
    keepdims = _keepdims(op, keepdims)
    count = _count(shape, axis) if shape else 1
    if count == 0:
        raise ValueError(f"{op} on inputs of shapes {shape}: attempt to get {op} of an empty sequence "
                         f"(axis {axis})")
    if x.__class__ is ndarray or not backend.is_array(x):
        return getattr(backend.host_namespace, op)(x, axis=axis, keepdims=keepdims)
    if not shape:  # the standard's argmax takes no axis of a 0-d array, NumPy's does
        axis = None
    return getattr(xp, op)(x, axis=axis, keepdims=keepdims)


def _count(shape: tuple[int, ...], axis: Axis) -> int:
    """How many elements a reduction over ``axis`` of an array of ``shape`` combines."""
    count = 1
    for a in _axes("reduction", axis, shape):
        count *= shape[a]
    return count


@_checks.accepts_torch_spelling
def argmax(x: Operand, axis: int | None = None, keepdims: bool = False) -> Data:
    """Not differentiable (plain data out): the index of the largest element along ``axis`` (of the
    flattened array for None), the first of ties, as ``np.argmax``.

    >>> argmax(Tensor([[1.0, 5.0], [7.0, 2.0]]), axis=1)
    array([1, 0])
    """
    return _arg_extremum("argmax", x, axis, keepdims)


@_checks.accepts_torch_spelling
def argmin(x: Operand, axis: int | None = None, keepdims: bool = False) -> Data:
    """Not differentiable (plain data out): the index of the smallest element along ``axis`` (of the
    flattened array for None), the first of ties, as ``np.argmin``.

    >>> argmin(Tensor([[1.0, 5.0], [7.0, 2.0]]), axis=0, keepdims=True)
    array([[0, 1]])
    """
    return _arg_extremum("argmin", x, axis, keepdims)


def _truth(op: str, x: Operand, axis: Axis, keepdims: bool) -> Data:
    x = data_of(x)
    xp = namespace(x)
    axis = _canonical_axis(op, axis, _shape_of(x))
    keepdims = _keepdims(op, keepdims)
    if x.__class__ is ndarray or not backend.is_array(x):
        return getattr(backend.host_namespace, op)(x, axis=axis, keepdims=keepdims)
    if not x.ndim:
        axis = None
    return getattr(xp, op)(x, axis=axis, keepdims=keepdims)


@_checks.accepts_torch_spelling
def any(x: Operand, axis: Axis = None, keepdims: bool = False) -> Data:  # noqa: A001 - NumPy's name
    """Not differentiable (plain data out): whether any element along ``axis`` is true (non-zero).

    >>> any(Tensor([[0.0, 1.0], [0.0, 0.0]]), axis=1)
    array([ True, False])
    """
    return _truth("any", x, axis, keepdims)


@_checks.accepts_torch_spelling
def all(x: Operand, axis: Axis = None, keepdims: bool = False) -> Data:  # noqa: A001 - NumPy's name
    """Not differentiable (plain data out): whether every element along ``axis`` is true (non-zero).

    >>> all(Tensor([[1.0, 1.0], [0.0, 1.0]]), axis=1)
    array([ True, False])
    """
    return _truth("all", x, axis, keepdims)


# ---- quantiles: composites of sort and getitem -------------------------------------------------

_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")


def _positions(q: Any, n: int, method: str) -> tuple[Any, Any, Any]:
    """For quantiles ``q`` (a host array) of n sorted values: the lower and upper positions (host int
    arrays) and the weight of the upper one, as NumPy's ``method``."""
    np_ = backend.host_namespace
    virtual = q * (n - 1)
    below, above = np_.floor(virtual), np_.ceil(virtual)
    if method == "linear":
        weight = virtual - below
    elif method == "midpoint":
        weight = np_.where(below == above, 0.0, 0.5)
    else:
        below = {"lower": below, "higher": above, "nearest": np_.round(virtual)}[method]
        above, weight = below, np_.zeros_like(virtual)
    return below.astype(np_.int64), np_.minimum(above, n - 1).astype(np_.int64), weight


@_checks.accepts_torch_spelling
class _Lines(NamedTuple):
    """``x``'s reduced axes moved in front and made one, sorted: the lines a quantile reads."""

    lines: Operand  # shape (n,) + rest
    n: int
    shape: tuple[int, ...]  # the result's shape without q's axes (keepdims applied)
    xp: Namespace
    device: Any


def _lines(op: str, x: Operand, axis: Axis, keepdims: bool, floats: bool) -> _Lines:
    """The sorted lines of ``x`` over ``axis`` (converted to floats first where ``floats``)."""
    shape = _shape_of(data_of(x))
    if axis is not None and not shape:  # as NumPy: a 0-d array has no axis to take quantiles over
        raise AxisError(f"{op} on inputs of shapes (): axis {axis} is out of bounds for array of "
                        f"dimension 0")
    axes = _axes(op, axis, shape)
    keepdims = _keepdims(op, keepdims)
    kept = tuple(d for d in range(len(shape)) if d not in axes)
    rest = tuple(shape[d] for d in kept)
    n = _count(shape, axes)
    if not backend.is_array(data_of(x)):
        x = backend.host_namespace.asarray(x)  # numbers and lists, as NumPy reads them
    xp, device = namespace(data_of(x)), device_of(data_of(x))
    if floats and dtype_kind(data_of(x).dtype) != "f":  # interpolation gives floats, as NumPy's
        x = astype(x, default_float(xp, device))
    lines = sort(reshape(transpose(x, axes=axes + kept), shape=(n,) + rest), axis=0)
    out_shape = tuple(1 if d in axes else n for d, n in enumerate(shape)) if keepdims else rest
    return _Lines(lines, n, out_shape, xp, device)


def _nan_where_nan(result: Operand, lines: Operand, xp: Namespace) -> Operand:
    """``result`` with NaN for each line holding a NaN, as NumPy's quantiles (sort puts NaN last)."""
    data = data_of(lines)
    if dtype_kind(data.dtype) == "f":
        missing = xp.any(xp.isnan(data), axis=0)
        if xp.any(missing):
            return where(missing, float("nan"), result)
    return result


@_checks.accepts_torch_spelling
def quantile(x: Operand, q: Any, axis: Axis = None, keepdims: bool = False,
             method: str = "linear") -> Operand:
    """Composite (no VJP of its own): the ``q``-th quantiles over ``axis``, as ``np.quantile``
    (``q`` a number or an array of them in [0, 1]; the result has q's shape in front).
    ∂L/∂x = g to the one or two sorted elements each quantile is read from, with the interpolation
    weights (1 − γ and γ of ``method="linear"``), as ``torch.quantile``

    ``method`` is one of NumPy's ``"linear"`` (the default), ``"lower"``, ``"higher"``,
    ``"nearest"`` (halves to even) and ``"midpoint"``. Built from :func:`sort` and indexing, so
    among ties the gradient goes to the element that came first. A line holding NaN gives NaN.

    >>> x = Tensor([4.0, 1.0, 3.0, 2.0], requires_grad=True)
    >>> quantile(x, 0.5)
    Tensor(2.5, op='reshape')
    >>> quantile(x, 0.5).backward()
    >>> x.grad
    array([0. , 0. , 0.5, 0.5])
    """
    np_ = backend.host_namespace
    if method not in _METHODS:
        raise ValueError(f"quantile: method must be one of {', '.join(map(repr, _METHODS))}, not {method!r}")
    q = constant_data(q, "q", "quantile")
    qs = np_.asarray(backend.to_host(q) if backend.is_array(q) else q, dtype=np_.float64)
    if not np_.all((qs >= 0) & (qs <= 1)):
        raise ValueError(f"quantile: q must be in the range [0, 1], got {q!r}")
    interpolating = method in ("linear", "midpoint")
    lines, n, shape, xp, device = _lines("quantile", x, axis, keepdims, floats=interpolating)
    if n == 0:  # (NumPy's quantile raises an IndexError; its median gives NaN, as median does here)
        raise ValueError(f"quantile on inputs of shapes {_shape_of(data_of(x))}: no elements along "
                         f"axis {axis}")
    below, above, weight = _positions(qs.reshape(-1), n, method)
    result = getitem(lines, index=backend.array(below, device=device, xp=xp))
    if interpolating and np_.any(weight != 0):
        weight = weight.reshape((-1,) + (1,) * (len(_shape_of(data_of(lines))) - 1))
        gamma = backend.array(weight, dtype=data_of(lines).dtype, device=device, xp=xp)
        upper = getitem(lines, index=backend.array(above, device=device, xp=xp))
        late = backend.array(weight >= 0.5, device=device, xp=xp)
        exact = backend.array(weight == 0, device=device, xp=xp)
        difference = upper - result  # NumPy's lerp: from the nearer end, so γ = 1 gives b exactly
        lerp = where(late, upper - difference * (1 - gamma), result + difference * gamma)
        result = where(exact, result, lerp)  # γ = 0: the element itself (an inf stays inf)
    return reshape(_nan_where_nan(result, lines, xp), shape=qs.shape + shape)


def median(x: Operand, axis: Axis = None, keepdims: bool = False, *, dim: Any = None,
           keepdim: Any = None) -> Operand:
    """Composite (no VJP of its own): the median over ``axis``, as ``np.median``: the middle element,
    or of an even count the mean of the two middle ones, each getting half the gradient.

    ``torch.median`` picks the lower of the two instead (``torch.quantile(x, 0.5)`` agrees with
    this); the name is NumPy's, and so is the meaning. Built from :func:`sort` and indexing, as
    :func:`quantile`; NaN for a line holding NaN, or for no elements at all, as NumPy's.

    >>> x = Tensor([4.0, 1.0, 3.0], requires_grad=True)
    >>> median(x).backward()
    >>> x.grad
    array([0., 0., 1.])
    """
    if dim is not None or keepdim is not None:  # PyTorch's spelling, refused: it would mean PyTorch's median
        raise TypeError("median: dim= is PyTorch's spelling, and torch.median(x, dim) means the lower "
                        "middle element and its index; NumPy's median, this one, averages the middle "
                        "two: pass axis= (keepdims=)")
    lines, n, shape, xp, device = _lines("median", x, axis, keepdims, floats=True)
    if n == 0:  # nothing to take the median of: NaN, as NumPy's
        return reshape(sum(lines, axis=0) * float("nan"), shape=shape)
    middle = getitem(lines, index=n // 2)
    if n % 2 == 0:
        middle = (getitem(lines, index=n // 2 - 1) + middle) / 2  # as NumPy: the mean of the two
    return reshape(_nan_where_nan(middle, lines, xp), shape=shape)


# ---- the Tensor methods ------------------------------------------------------------------------


class ReductionMethods:
    """The :class:`~autograd_lite.Tensor` methods of the ops of this module and of
    :mod:`~autograd_lite.reductions` and :mod:`~autograd_lite.scans`, with NumPy's names and
    signatures. There is no ``sort`` method: NumPy's sorts in place and returns None; use
    :func:`autograd_lite.sort`, which returns a new tensor."""

    __slots__ = ()

    def prod(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Π over ``axis``; see :func:`autograd_lite.prod`."""
        return prod(self, axis=axis, keepdims=keepdims)

    def std(self, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Standard deviation over ``axis``; see :func:`autograd_lite.std`."""
        return std(self, axis=axis, keepdims=keepdims, ddof=ddof)

    def cumsum(self, axis: int | None = None) -> Tensor:
        """Running sums along ``axis`` (flattened for None); see :func:`autograd_lite.cumsum`."""
        return cumsum(self, axis=axis)

    def cumprod(self, axis: int | None = None) -> Tensor:
        """Running products along ``axis`` (flattened for None); see :func:`autograd_lite.cumprod`."""
        return cumprod(self, axis=axis)

    def argmax(self, axis: int | None = None, keepdims: bool = False) -> Data:
        """Indices of the maxima (plain data); see :func:`autograd_lite.argmax`."""
        return argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis: int | None = None, keepdims: bool = False) -> Data:
        """Indices of the minima (plain data); see :func:`autograd_lite.argmin`."""
        return argmin(self, axis=axis, keepdims=keepdims)

    def argsort(self, axis: int | None = -1, kind: str | None = None, stable: bool | None = None) -> Data:
        """The stable sorting permutation (plain data); see :func:`autograd_lite.argsort`."""
        return argsort(self, axis=axis, kind=kind, stable=stable)

    def any(self, axis: Axis = None, keepdims: bool = False) -> Data:
        """Whether any element is true (plain data); see :func:`autograd_lite.any`."""
        return any(self, axis=axis, keepdims=keepdims)

    def all(self, axis: Axis = None, keepdims: bool = False) -> Data:
        """Whether every element is true (plain data); see :func:`autograd_lite.all`."""
        return all(self, axis=axis, keepdims=keepdims)


# the docstrings of the functions decorated above, which doctest does not see through the decorator
__test__ = {**docstring_tests(globals()),
            **{name: globals()[name].__doc__ for name in __all__ if hasattr(globals()[name], "__wrapped__")}}
