"""Cumulative scans along an axis: cumsum, cumprod, logcumsumexp.

As NumPy's ``cumsum``, each scans the flattened array when ``axis`` is None, and a 0-d array as one
of shape (1,). ``g`` is ∂L/∂out and ``∂L/∂x = …`` is what the VJP below the op returns; the VJPs
are written with the package's ops, so they differentiate again. The examples assume
``import numpy as np`` and ``from autograd_lite import Tensor``.
"""

from __future__ import annotations

from . import _checks
from .backend import namespace, ndarray
from .engine import data_of, docstring_tests, primitive
from .math_ops import logaddexp
from .ops import where
from .parameters import _axis_index, _shape_of
from .reductions import sum  # noqa: A004
from .shape_ops import reshape
from .tensor_ops import concatenate, getitem
from .typing import Data, Operand

__all__ = ["cumprod", "cumsum", "logcumsumexp"]


def _scan_params(op: str):  # noqa: ANN202 - a parameter check, as parameters.py's
    """The parameter check of a scan: ``axis`` None, or one axis (0 or -1 of a 0-d array, as NumPy)."""
    def check(x: Data, axis: int | None = None) -> dict:
        return {"axis": None if axis is None else _axis_index(op, axis, _shape_of(x))}
    return check


def _line(xp, x: Data, axis: int | None) -> tuple[Data, int]:  # noqa: ANN001
    """``x`` as the scan sees it, and the axis it scans: flattened for None, (1,) for a 0-d array."""
    if axis is None or x.ndim == 0:
        return (x.reshape(-1) if x.__class__ is ndarray else xp.reshape(x, (-1,))), 0
    return x, axis


def _flip(axis: int) -> tuple[slice, ...]:
    """The index that reverses ``axis``."""
    return (slice(None),) * axis + (slice(None, None, -1),)


def _reverse_cumsum(g: Operand, axis: int) -> Operand:
    """Σ over k ≥ i of g_k along ``axis``: the gradient of a cumulative sum (differentiable)."""
    return getitem(cumsum(getitem(g, index=_flip(axis)), axis=axis), index=_flip(axis))


def _as_line(x: Operand, axis: int | None) -> tuple[Operand, int]:
    """:func:`_line` of a node or data, in the package's ops (for the VJPs)."""
    if axis is None or len(_shape_of(data_of(x))) == 0:
        return reshape(x, shape=(-1,)), 0
    return x, axis


@primitive
def cumsum(x: Data, axis: int | None = None) -> Data:
    """Running sums along ``axis`` (of the flattened array for None).  ∂L/∂xᵢ = Σ over k ≥ i of g_k

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> cumsum(x)
    Tensor([1., 3., 6.], op='cumsum')
    >>> cumsum(x).sum().backward()
    >>> x.grad
    array([3., 2., 1.])
    """
    xp = namespace(x)
    x, axis = _line(xp, x, axis)
    if x.__class__ is ndarray:
        return x.cumsum(axis=axis)
    return xp.cumulative_sum(x, axis=axis)


cumsum.defparams(_scan_params("cumsum"))
cumsum.defvjp(lambda g, out, x, axis=None: reshape(_reverse_cumsum(g, _as_line(x, axis)[1]), shape=x.shape))


@primitive
def cumprod(x: Data, axis: int | None = None) -> Data:
    """Running products along ``axis`` (of the flattened array for None).
    ∂L/∂xᵢ = Σ over k ≥ i of g_k·Π xⱼ over j ≤ k, j ≠ i

    Zeros are handled as in PyTorch, not by dividing by x: before a line's first zero the gradient
    is Σ g_k·out_k / xᵢ; at the first zero it is that sum with the zero taken as 1; after it, 0 at
    later zeros and the product with the first zero's value elsewhere. The first order is exact
    with any zeros; the second is exact where a line holds at most one zero.

    >>> x = Tensor([2.0, 0.0, 3.0], requires_grad=True)
    >>> cumprod(x)
    Tensor([2., 0., 0.], op='cumprod')
    >>> cumprod(x).sum().backward()
    >>> x.grad
    array([1., 8., 0.])
    """
    xp = namespace(x)
    x, axis = _line(xp, x, axis)
    if x.__class__ is ndarray:
        return x.cumprod(axis=axis)
    return xp.cumulative_prod(x, axis=axis)


def _cumprod_vjp(g: Operand, out: Operand, x: Operand, axis: int | None = None) -> Operand:
    line, axis = _as_line(x, axis)
    data = data_of(line)
    xp = namespace(data)
    zero = data == 0
    if not xp.any(zero):
        return reshape(_reverse_cumsum(g * out, axis) / line, shape=x.shape)
    seen = cumsum(xp.astype(zero, data.dtype), axis=axis)  # zeros so far along the line
    before, first = seen == 0, zero & (seen == 1)
    safe = where(zero, 1.0, line)
    tail = _reverse_cumsum(g * cumprod(where(first, 1.0, line), axis=axis), axis)  # the first zero as 1
    at_first = sum(where(first, line, 0.0), axis=axis, keepdims=True)  # its value 0, with its derivative
    after = where(zero, 0.0, at_first * tail / safe)
    grad = where(before, _reverse_cumsum(g * out, axis) / safe, where(first, tail, after))
    return reshape(grad, shape=x.shape)


cumprod.defparams(_scan_params("cumprod"))
cumprod.defvjp(_cumprod_vjp)


@_checks.accepts_torch_spelling
def logcumsumexp(x: Operand, axis: int | None = None) -> Operand:
    """Composite (no VJP of its own): running log Σ exp(x) along ``axis`` (flattened for None), as
    ``torch.logcumsumexp``, without overflow or underflow at any magnitude.
    ∂L/∂xᵢ = Σ over k ≥ i of g_k·exp(xᵢ − out_k)

    A scan of :func:`~autograd_lite.logaddexp` in ⌈log₂ n⌉ doubling steps (Hillis and Steele), so it
    is stable wherever ``logaddexp`` is, forward and backward, to any order.

    >>> logcumsumexp(np.array([-1000.0, 0.0, 1000.0]))
    array([-1000.,     0.,  1000.])
    """
    shape = _shape_of(data_of(x))
    if axis is not None:
        axis = _axis_index("logcumsumexp", axis, shape)
    x, axis = _as_line(x, axis)
    n = _shape_of(data_of(x))[axis]
    if n <= 1:
        return logaddexp(x, -float("inf"))  # x itself, as a new array (and as floats)
    step = 1
    while step < n:
        head = getitem(x, index=(slice(None),) * axis + (slice(0, step),))
        tail = logaddexp(getitem(x, index=(slice(None),) * axis + (slice(step, n),)),
                         getitem(x, index=(slice(None),) * axis + (slice(0, n - step),)))
        x = concatenate([head, tail], axis=axis)
        step *= 2
    return x


__test__ = {**docstring_tests(globals()), "logcumsumexp": logcumsumexp.__doc__}  # (decorated: see sorting)
