"""Contractions and matrix structure: einsum, tensordot, dot, outer, inner, kron, trace, diag, diagonal,
tril, triu — with NumPy's names and semantics.

Three are primitives with their gradient beside them (``einsum``, ``tensordot``, ``diagonal``); the
rest are composites of primitives, said so in their docstrings. ``einsum`` lives in
``autograd_lite/_einsum.py`` (composed of the standard's ``matmul``, so it runs on any back end and
reaches BLAS on NumPy). The examples assume ``import numpy as np`` and ``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import functools
import math
import operator
from typing import Any

from ._checks import is_bool
from ._einsum import _diagonal_data, einsum, matmul_into
from .backend import device_of, dtype_kind, namespace, ndarray
from .engine import ShapeError, data_of, docstring_tests, primitive
from .ops import multiply, where
from .parameters import AxisError, _axis_index, _shape_of
from .reductions import sum as _sum
from .shape_ops import expand_dims, reshape, transpose
from .tensor_ops import concatenate
from .typing import Data, Operand

__all__ = ["diag", "diagonal", "dot", "einsum", "inner", "kron", "outer", "tensordot", "trace", "tril",
           "triu"]


# ---- tensordot, dot, inner, outer, kron ---------------------------------------------------------------


def _integer(value: Any) -> bool:
    """An int or a NumPy integer (not a bool, not a sequence)."""
    return not is_bool(value) and hasattr(value, "__index__") and getattr(value, "shape", ()) == ()


def _tensordot_params(a: Data, b: Data, axes: Any = 2) -> dict[str, Any]:
    """``axes`` as NumPy takes it (an int N: a's last N with b's first N; or two sequences, or two
    ints) as a pair of tuples of non-negative ints, checked against the shapes (and remembered for
    them: the forward and each VJP ask again)."""
    sa, sb = _shape_of(a), _shape_of(b)
    try:
        key = axes if _integer(axes) or is_bool(axes) else \
            tuple(x if _integer(x) or is_bool(x) else tuple(x) for x in axes)
        hash(key)
    except TypeError:
        return {"axes": _tensordot_axes(sa, sb, axes)}
    return {"axes": _cached_axes(sa, sb, key)}


def _tensordot_axes(sa: tuple[int, ...], sb: tuple[int, ...], axes: Any) -> tuple[tuple[int, ...], ...]:
    def fail(kind: type, why: str) -> None:
        raise kind(f"tensordot on inputs of shapes {sa}, {sb}: {why}")

    if is_bool(axes):
        fail(TypeError, f"axes must be an integer or a pair of sequences of axes, not {axes!r}")
    if _integer(axes):
        count = operator.index(axes)
        if not 0 <= count <= min(len(sa), len(sb)):
            fail(ValueError, f"axes={count} contracts more axes than an input has (or is negative)")
        pair = (tuple(range(len(sa) - count, len(sa))), tuple(range(count)))
    else:
        try:
            first, second = axes
        except (TypeError, ValueError):
            fail(TypeError, f"axes must be an integer or a pair of sequences of axes, not {axes!r}")
        pair = tuple(_axes_of(x, shape, fail) for x, shape in ((first, sa), (second, sb)))
        if len(pair[0]) != len(pair[1]):
            fail(ValueError, f"axes {axes!r} name {len(pair[0])} axes of a but {len(pair[1])} of b")
    for i, j in zip(*pair):
        if sa[i] != sb[j]:
            fail(ShapeError, f"axis {i} of a has size {sa[i]} and axis {j} of b size {sb[j]}: the contracted "
                             f"sizes must be equal")
    return pair


_cached_axes = functools.lru_cache(maxsize=1024)(_tensordot_axes)


def _axes_of(axes: Any, shape: tuple[int, ...], fail: Any) -> tuple[int, ...]:
    listed = (axes,) if _integer(axes) else tuple(axes)
    if not shape and listed:
        fail(AxisError, f"axes {listed} of an input of 0 dimensions")
    canonical = tuple(_axis_index("tensordot", x, shape, "axes") for x in listed)
    if len(set(canonical)) != len(canonical):
        fail(ValueError, f"axes {listed} name an axis twice")
    return canonical


@primitive
def tensordot(a: Data, b: Data, axes: Any = 2) -> Data:
    """Σ over the paired ``axes`` of a ⊗ b, as ``np.tensordot`` (``axes=N``: a's last N with b's
    first N).  ∂L/∂a = tensordot(g, b) over b's free axes, ∂L/∂b = tensordot(a, g) over a's free axes
    (each permuted back to its input's axes)

    >>> a = Tensor(np.ones((2, 3)), requires_grad=True)
    >>> tensordot(a, np.arange(3.0), axes=1)
    Tensor([3., 3.], op='tensordot')
    >>> tensordot(a, np.ones((3, 2)), axes=([1], [0])).sum().backward()
    >>> a.grad
    array([[2., 2., 2.],
           [2., 2., 2.]])
    """
    xp = namespace(a, b)
    axes = _tensordot_params(a, b, axes)["axes"]  # (calls on plain data skip defparams' check)
    if a.__class__ is ndarray and b.__class__ is ndarray:  # NumPy: one matmul into a fresh array
        free_a, free_b = _free(axes[0], a.ndim), _free(axes[1], b.ndim)
        rows = math.prod(a.shape[i] for i in free_a)
        inner = math.prod(a.shape[i] for i in axes[0])
        columns = math.prod(b.shape[i] for i in free_b)
        a2 = a.transpose(free_a + list(axes[0])).reshape(rows, inner)
        b2 = b.transpose(list(axes[1]) + free_b).reshape(inner, columns)
        result = tuple(a.shape[i] for i in free_a) + tuple(b.shape[i] for i in free_b)
        return matmul_into(xp, a2, b2, (rows, columns), result)
    return xp.tensordot(xp.asarray(a), xp.asarray(b), axes=axes)


def _free(axes: tuple[int, ...], ndim: int) -> list[int]:
    return [i for i in range(ndim) if i not in axes]


def _back_to(r: Operand, sources: list[int]) -> Operand:
    """``r``, whose axis t stands for its input's axis ``sources[t]``, with the axes in input order."""
    order = tuple(sorted(range(len(sources)), key=sources.__getitem__))
    return r if order == tuple(range(len(order))) else transpose(r, axes=order)


def _tensordot_vjp_a(g: Operand, out: Operand, a: Operand, b: Operand, axes: Any) -> Operand:
    ca, cb = axes
    free_a, free_b = _free(ca, len(_shape_of(data_of(a)))), _free(cb, len(_shape_of(data_of(b))))
    r = tensordot(g, b, axes=(tuple(range(len(free_a), len(free_a) + len(free_b))), tuple(free_b)))
    return _back_to(r, free_a + [ca[cb.index(j)] for j in sorted(cb)])


def _tensordot_vjp_b(g: Operand, out: Operand, a: Operand, b: Operand, axes: Any) -> Operand:
    ca, cb = axes
    free_a, free_b = _free(ca, len(_shape_of(data_of(a)))), _free(cb, len(_shape_of(data_of(b))))
    r = tensordot(a, g, axes=(tuple(free_a), tuple(range(len(free_a)))))
    return _back_to(r, [cb[ca.index(i)] for i in sorted(ca)] + free_b)


tensordot.defparams(_tensordot_params, inputs=2)
tensordot.defvjp(_tensordot_vjp_a, _tensordot_vjp_b)


def dot(a: Operand, b: Operand) -> Operand:
    """Composite (of ``multiply`` or ``tensordot``): NumPy's ``dot``. A 0-d operand multiplies; else
    Σ over a's last axis and b's second-to-last (its only axis when 1-D): 1-D·1-D is the inner
    product, 2-D·2-D the matrix product, and N-D·M-D *not* matmul's batching, as in NumPy.

    >>> dot(Tensor([1.0, 2.0]), np.array([3.0, 4.0]))
    Tensor(11.)
    >>> dot(np.ones((2, 3, 4)), np.ones((5, 4, 6))).shape
    (2, 3, 5, 6)
    """
    sa, sb = _shape_of(data_of(a)), _shape_of(data_of(b))
    if not sa or not sb:
        return multiply(a, b)
    axis = len(sb) - 2 if len(sb) > 1 else 0
    if sa[-1] != sb[axis]:
        raise ShapeError(f"dot on inputs of shapes {sa}, {sb}: shapes not aligned: the last axis of a has "
                         f"size {sa[-1]}, axis {axis} of b has size {sb[axis]}")
    return tensordot(a, b, axes=((len(sa) - 1,), (axis,)))


def inner(a: Operand, b: Operand) -> Operand:
    """Composite (of ``multiply`` or ``tensordot``): NumPy's ``inner``, Σ over the last axes of a and
    b (a 0-d operand multiplies).

    >>> inner(Tensor(np.ones((2, 3))), np.arange(3.0))
    Tensor([3., 3.])
    """
    sa, sb = _shape_of(data_of(a)), _shape_of(data_of(b))
    if not sa or not sb:
        return multiply(a, b)
    if sa[-1] != sb[-1]:
        raise ShapeError(f"inner on inputs of shapes {sa}, {sb}: the last axes have sizes {sa[-1]} and "
                         f"{sb[-1]}; they must be equal")
    return tensordot(a, b, axes=((len(sa) - 1,), (len(sb) - 1,)))


def outer(a: Operand, b: Operand) -> Operand:
    """Composite (of ``reshape`` and ``multiply``): NumPy's ``outer``, out[i, j] = a[i]·b[j] of the
    flattened inputs.

    >>> outer(Tensor([1.0, 2.0]), np.array([1.0, 10.0, 100.0]))
    Tensor([[  1.,  10., 100.],
            [  2.,  20., 200.]])
    """
    return reshape(a, (-1, 1)) * reshape(b, (1, -1))


def kron(a: Operand, b: Operand) -> Operand:
    """Composite (of ``reshape`` and ``multiply``): the Kronecker product, as ``np.kron`` (the input
    with fewer axes gets leading size-1 axes): out[i·n + k] = a[i]·b[k] along every axis.

    >>> kron(Tensor([1.0, 2.0]), np.array([1.0, 10.0]))
    Tensor([ 1., 10.,  2., 20.])
    """
    sa, sb = _shape_of(data_of(a)), _shape_of(data_of(b))
    ndim = max(len(sa), len(sb))
    sa, sb = (1,) * (ndim - len(sa)) + sa, (1,) * (ndim - len(sb)) + sb
    spread_a = tuple(n for size in sa for n in (size, 1))
    spread_b = tuple(n for size in sb for n in (1, size))
    return reshape(reshape(a, spread_a) * reshape(b, spread_b), tuple(p * q for p, q in zip(sa, sb)))


# ---- diagonals and triangles -------------------------------------------------------------------------


def _diagonal_params(x: Data, offset: int = 0, axis1: int = 0, axis2: int = 1) -> dict[str, Any]:
    shape = _shape_of(x)
    if len(shape) < 2:
        raise ValueError(f"diagonal on inputs of shapes {shape}: the input needs 2 dimensions at least")
    if is_bool(offset) or not hasattr(offset, "__index__"):
        raise TypeError(f"diagonal: offset must be an integer, not {offset!r}")
    first = _axis_index("diagonal", axis1, shape, "axis1")
    second = _axis_index("diagonal", axis2, shape, "axis2")
    if first == second:
        raise ValueError(f"diagonal on inputs of shapes {shape}: axis1 and axis2 are the same axis {first}")
    return {"offset": operator.index(offset), "axis1": first, "axis2": second}


@primitive
def diagonal(x: Data, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Data:
    """The diagonal x[..., i, i + offset] of the axes ``axis1`` and ``axis2``, as a last axis (NumPy's
    ``diagonal``).  ∂L/∂x = g written into that diagonal, zeros elsewhere

    >>> x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    >>> diagonal(x, offset=1)
    Tensor([1., 5.], op='diagonal')
    >>> diagonal(x).sum().backward()
    >>> x.grad
    array([[1., 0., 0.],
           [0., 1., 0.]])
    """
    params = _diagonal_params(x, offset, axis1, axis2)  # (calls on plain data skip defparams' check)
    xp = namespace(x)
    return _diagonal_data(xp, x if hasattr(x, "shape") else xp.asarray(x), **params)


def _zero_of(x: Operand) -> bool | int:
    """A zero that keeps ``x``'s dtype in ``where``: False for bools, 0 otherwise."""
    dtype = getattr(data_of(x), "dtype", None)
    return False if dtype is not None and dtype_kind(dtype) == "b" else 0


def _embedded(v: Operand, rows: int, columns: int, offset: int) -> Operand:
    """A (..., rows, columns) array holding v (..., L) on its diagonal of ``offset``, zeros elsewhere
    (the inverse of :func:`diagonal` on its last two axes)."""
    data = data_of(v)
    xp = namespace(data)
    data = data if hasattr(data, "shape") else xp.asarray(data)
    mask = xp.eye(rows, columns, k=offset, dtype=xp.bool, device=device_of(data))
    size = rows if offset >= 0 else columns  # element (r, r + offset) holds v[r]; (c − offset, c) v[c]
    length = data.shape[-1]
    if length < size:
        zeros = xp.zeros(tuple(data.shape[:-1]) + (size - length,), dtype=data.dtype, device=device_of(data))
        v = concatenate([v, zeros], axis=-1)
    return where(mask, expand_dims(v, -1 if offset >= 0 else -2), _zero_of(v))


def _diagonal_vjp(g: Operand, out: Operand, x: Operand, offset: int = 0, axis1: int = 0,
                  axis2: int = 1) -> Operand:
    shape = _shape_of(data_of(x))
    full = _embedded(g, shape[axis1], shape[axis2], offset)
    return _back_to(full, [i for i in range(len(shape)) if i not in (axis1, axis2)] + [axis1, axis2])


diagonal.defparams(_diagonal_params)
diagonal.defvjp(_diagonal_vjp)


def trace(x: Operand, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Operand:
    """Composite (of ``diagonal`` and ``sum``): Σ of the diagonal of ``offset`` of the axes ``axis1``
    and ``axis2``, as ``np.trace``.  ∂L/∂x = g on that diagonal, zeros elsewhere

    >>> x = Tensor(np.arange(4.0).reshape(2, 2), requires_grad=True)
    >>> trace(x)
    Tensor(3., op='sum')
    """
    return _sum(diagonal(x, offset=offset, axis1=axis1, axis2=axis2), axis=-1)


def diag(v: Operand, k: int = 0) -> Operand:
    """Composite (of ``where`` and ``expand_dims``, or ``diagonal``): NumPy's ``diag``. A 1-D ``v``
    becomes the square matrix with v on its diagonal ``k``; a 2-D ``v`` gives its diagonal ``k``.

    >>> diag(Tensor([1.0, 2.0]))
    Tensor([[1., 0.],
            [0., 2.]])
    >>> diag(np.arange(4.0).reshape(2, 2), k=1)
    array([1.])
    """
    shape = _shape_of(data_of(v))
    if is_bool(k) or not hasattr(k, "__index__"):
        raise TypeError(f"diag: k must be an integer, not {k!r}")
    k = operator.index(k)
    if len(shape) == 1:
        n = shape[0] + abs(k)
        return _embedded(v, n, n, k)
    if len(shape) == 2:
        return diagonal(v, offset=k)
    raise ValueError(f"diag on inputs of shapes {shape}: v must be 1-D or 2-D")


def _triangle(op: str, x: Operand, k: int, lower: bool) -> Operand:
    shape = _shape_of(data_of(x))
    if not shape:
        raise ValueError(f"{op} on inputs of shapes (): the input needs 1 dimension at least")
    if is_bool(k) or not hasattr(k, "__index__"):
        raise TypeError(f"{op}: k must be an integer, not {k!r}")
    rows, columns = shape[-2:] if len(shape) > 1 else (shape[0], shape[0])
    data = data_of(x)
    xp = namespace(data)
    device = device_of(data) if hasattr(data, "shape") else None
    diagonals = xp.arange(columns, device=device)[None, :] - xp.arange(rows, device=device)[:, None]
    keep = diagonals <= operator.index(k) if lower else diagonals >= operator.index(k)
    return where(keep, x, _zero_of(x))


def tril(x: Operand, k: int = 0) -> Operand:
    """Composite (of ``where``): the lower triangle of the last two axes, x[..., i, j] for j ≤ i + k,
    zeros above it, as ``np.tril`` (a 1-D x is taken as every row).  ∂L/∂x = g on the triangle, 0 off it

    >>> tril(Tensor(np.ones((2, 3))))
    Tensor([[1., 0., 0.],
            [1., 1., 0.]])
    """
    return _triangle("tril", x, k, lower=True)


def triu(x: Operand, k: int = 0) -> Operand:
    """Composite (of ``where``): the upper triangle of the last two axes, x[..., i, j] for j ≥ i + k,
    zeros below it, as ``np.triu`` (a 1-D x is taken as every row).  ∂L/∂x = g on the triangle, 0 off it

    >>> triu(Tensor(np.ones((2, 3))), k=1)
    Tensor([[0., 1., 1.],
            [0., 0., 1.]])
    """
    return _triangle("triu", x, k, lower=False)


class ContractionMethods:
    """The :class:`~autograd_lite.Tensor` methods of the ops of this module."""

    __slots__ = ()

    def dot(self, b: Operand) -> Operand:
        """NumPy's ``dot`` of this tensor and ``b``; see :func:`autograd_lite.dot`."""
        return dot(self, b)

    def trace(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Operand:
        """Σ of a diagonal; see :func:`autograd_lite.trace`."""
        return trace(self, offset=offset, axis1=axis1, axis2=axis2)

    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Operand:
        """A diagonal as the last axis; see :func:`autograd_lite.diagonal`."""
        return diagonal(self, offset=offset, axis1=axis1, axis2=axis2)


# The primitives defined here (the imported ones have their examples run in their own modules).
__test__ = docstring_tests({name: value for name, value in globals().items()
                            if getattr(value, "__module__", None) == __name__})
