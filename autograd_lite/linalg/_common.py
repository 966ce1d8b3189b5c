"""What the linear-algebra ops share: shape checks, constants (identities, triangle masks), the
matrix transpose, and the packing of several outputs into one array.

The engine's primitives return one array. A decomposition with several outputs (``eigh``: eigenvalues
and eigenvectors) is one primitive whose forward *packs* them, each flattened, side by side along a
last axis; the public function unpacks them with ``getitem`` and ``reshape``, which are differentiable,
so one decomposition serves every output and the VJP receives the gradients of all of them at once
(zeros for an output the loss does not use).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..backend import Namespace, default_float, device_of, dtype_kind, namespace
from ..engine import ShapeError, data_of
from ..parameters import _shape_of
from ..shape_ops import reshape, swapaxes
from ..tensor_ops import getitem
from ..typing import Data, Operand


def matrix_shape(op: str, x: Data, square: bool = True) -> tuple[int, ...]:
    """The shape of ``x``, checked to be a stack of (square) matrices: (..., M, M) or (..., M, N)."""
    shape = _shape_of(x)
    if len(shape) < 2 or (square and shape[-1] != shape[-2]):
        kind = "square matrix (shape (..., M, M))" if square else "matrix (shape (..., M, N))"
        raise ShapeError(f"{op}: expected a {kind} or a stack of them, got an array of shape {shape}")
    return shape


def as_float(xp: Namespace, x: Data) -> Data:
    """``x`` as floats (NumPy's linalg turns integers and bools into float64; the standard's wants floats)."""
    if not hasattr(x, "dtype"):
        x = xp.asarray(x)
    if dtype_kind(x.dtype) in "biu":
        return xp.astype(x, default_float(xp, device_of(x)))
    return x


def mT(x: Operand) -> Operand:  # noqa: N802 - the standard's name for the matrix transpose
    """The transpose of the last two axes, differentiable (swapaxes)."""
    return swapaxes(x, -1, -2)


def eye(like: Operand, n: int) -> Data:
    """The n×n identity, a constant of ``like``'s library, dtype and device."""
    data = data_of(like)
    return namespace(data).eye(n, dtype=data.dtype, device=device_of(data))


def triangle(like: Operand, n: int, upper: bool, strict: bool = False) -> Data:
    """A constant mask of 1s on the lower (or upper) triangle of an n×n matrix, diagonal excluded where
    ``strict``: X·mask is tril(X) (triu(X)), differentiable in X."""
    data = data_of(like)
    xp = namespace(data)
    ones = xp.ones((n, n), dtype=data.dtype, device=device_of(data))
    k = int(strict)
    return xp.triu(ones, k=k) if upper else xp.tril(ones, k=-k)


def gap(denominator: Operand, numerator: Operand) -> Operand:
    """``denominator`` with 1 where it and ``numerator`` are both exactly 0 (0/0: the diagonal of the
    eigenvalue differences, or every entry when an output's gradient is zero), so the quotient is 0
    there; a nonzero numerator over a zero gap stays inf, as in PyTorch."""
    d, n = data_of(denominator), data_of(numerator)
    xp = namespace(d)
    return denominator + xp.astype((d == 0) & (n == 0), d.dtype)


def pack(xp: Namespace, batch: tuple[int, ...], *parts: Data) -> Data:
    """The arrays ``parts`` (each of shape ``batch + (...)``) flattened and joined along a last axis."""
    flat = [xp.reshape(p, batch + (math.prod(p.shape[len(batch):]),)) for p in parts]
    return xp.concat(flat, axis=-1)


def unpack(packed: Operand, shapes: Sequence[tuple[int, ...]]) -> list[Operand]:
    """The parts of ``packed`` (made by :func:`pack`), of the matrix ``shapes`` given, differentiable."""
    batch = tuple(packed.shape[:-1])
    parts, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        part = getitem(packed, index=(Ellipsis, slice(start, start + size)))
        parts.append(reshape(part, shape=batch + tuple(shape)))
        start += size
    return parts
