"""Inverses, determinants and linear systems: inv, det, slogdet, solve, pinv, matrix_power.

Every op takes a matrix or a stack of them, shape (..., M, M) (pinv: (..., M, N)), as NumPy does.
``g`` is ∂L/∂out, ``Aᵀ`` the transpose of the last two axes. At a singular matrix inv, slogdet and
solve have no gradient (it needs A⁻¹: an error); det's is still its cofactor matrix, computed from the
SVD as PyTorch's formula does (torch 2.13 itself returns 0 at some singular matrices, e.g.
[[1, 2], [2, 4]]; finite differences give the cofactors, as here).
"""

from __future__ import annotations

import operator
from typing import Any, NamedTuple

from .._checks import is_bool
from ..backend import device_of, namespace
from ..engine import Node, ShapeError, data_of, docstring_tests, primitive
from ..ops import where
from ..parameters import _shape_of
from ..reductions import prod
from ..shape_ops import expand_dims, squeeze
from ..tensor_ops import getitem, matmul
from ..typing import Data, Operand
from ._common import as_float, eye, matrix_shape, mT

__all__ = ["SlogdetResult", "det", "inv", "matrix_power", "pinv", "slogdet", "solve"]


@primitive
def inv(a: Data) -> Data:
    """The inverse A⁻¹ of each matrix.  ∂L/∂A = −A⁻ᵀ g A⁻ᵀ

    >>> a = Tensor([[2.0, 0.0], [0.0, 4.0]], requires_grad=True)
    >>> inv(a)
    Tensor([[0.5 , 0.  ],
            [0.  , 0.25]], op='inv')
    >>> inv(a).sum().backward()
    >>> a.grad
    array([[-0.25  , -0.125 ],
           [-0.125 , -0.0625]])
    """
    matrix_shape("inv", a)
    xp = namespace(a)
    return xp.linalg.inv(as_float(xp, a))


inv.defvjp(lambda g, out, a: -matmul(mT(out), matmul(g, mT(out))))


def _scalar_per_matrix(g: Operand) -> Operand:
    """A gradient of one number per matrix (shape (...,)) as shape (..., 1, 1)."""
    return expand_dims(g, (-2, -1))


@primitive
def det(a: Data) -> Data:
    """The determinant of each matrix.  ∂L/∂A = g·det(A)·A⁻ᵀ, the cofactors; at a singular A
    (abs(det) < 100·eps) the same cofactors as g·det(U)det(Vh)·U diag(Π_{j≠i} S_j) Vh, from the SVD

    >>> a = Tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
    >>> det(a)
    Tensor(5., op='det')
    >>> det(a).backward()
    >>> a.grad
    array([[ 3., -1.],
           [-1.,  2.]])
    """
    matrix_shape("det", a)
    xp = namespace(a)
    return xp.linalg.det(as_float(xp, a))


def _det_vjp(g: Operand, out: Operand, a: Operand) -> Operand:
    d = data_of(out)
    xp = namespace(d)
    singular = xp.abs(d) < 100 * xp.finfo(d.dtype).eps
    if not xp.any(singular):
        return _scalar_per_matrix(g * out) * mT(inv(a))
    from .decompositions import svd  # (decompositions builds on this module)
    n = a.shape[-1]
    identity = eye(out, n)
    mask = xp.reshape(singular, tuple(singular.shape) + (1, 1))
    cofactors = _scalar_per_matrix(g * out) * mT(inv(where(mask, identity, a)))  # A replaced where singular
    u, s, vh = svd(a)
    others = where(xp.astype(identity, xp.bool), 1.0, expand_dims(s, -2))    # row i: S with S_i made 1
    scale = g * det(u) * det(vh)
    by_svd = matmul(u * expand_dims(expand_dims(scale, -1) * prod(others, axis=-1), -2), vh)
    return where(mask, by_svd, cofactors)


det.defvjp(_det_vjp)


class SlogdetResult(NamedTuple):
    """What :func:`slogdet` returns, as ``numpy.linalg.slogdet``: det(A) = sign·exp(logabsdet)."""

    sign: Any
    logabsdet: Any


@primitive
def _slogdet(a: Data) -> Data:
    """sign and log abs(det A), packed along a last axis of 2 (see :func:`slogdet`).
    ∂L/∂A = g_logabsdet·A⁻ᵀ (the sign is not differentiated)"""
    matrix_shape("slogdet", a)
    xp = namespace(a)
    result = xp.linalg.slogdet(as_float(xp, a))
    return xp.stack([result.sign, result.logabsdet], axis=-1)


_slogdet.defvjp(lambda g, out, a: _scalar_per_matrix(getitem(g, index=(Ellipsis, 1))) * mT(inv(a)))


def slogdet(a: Operand) -> SlogdetResult:
    """Composite (one primitive, ``_slogdet``, and indexing): the sign and log abs(det A) of each matrix,
    as ``numpy.linalg.slogdet``, a pair ``(sign, logabsdet)``.  ∂L/∂A = g·A⁻ᵀ through ``logabsdet``

    ``sign`` is plain data in a tensor that requires no grad (it is piecewise constant), as in PyTorch.

    >>> a = Tensor([[-2.0, 0.0], [0.0, 3.0]], requires_grad=True)
    >>> sign, logabsdet = slogdet(a)
    >>> sign, logabsdet.data.round(4)
    (Tensor(-1.), np.float64(1.7918))
    >>> logabsdet.backward()
    >>> a.grad.round(4) + 0.0
    array([[-0.5   ,  0.    ],
           [ 0.    ,  0.3333]])
    """
    packed = _slogdet(a)
    sign = (packed.detach() if isinstance(packed, Node) else packed)[..., 0]
    return SlogdetResult(sign, getitem(packed, index=(Ellipsis, 1)))


@primitive
def solve(a: Data, b: Data) -> Data:
    """The solution X of A X = B, as ``numpy.linalg.solve`` in NumPy 2: ``b`` of shape (M,) is one
    vector (for every matrix of a stack), else ``b`` is a stack of (M, K) matrices whose batch axes
    broadcast with a's.  ∂L/∂B = A⁻ᵀ g (a solve with Aᵀ), ∂L/∂A = −(∂L/∂B) Xᵀ

    >>> a = Tensor([[2.0, 0.0], [0.0, 4.0]], requires_grad=True)
    >>> solve(a, np.array([2.0, 2.0]))
    Tensor([1. , 0.5], op='solve')
    >>> solve(a, np.array([2.0, 2.0])).sum().backward()
    >>> a.grad
    array([[-0.5  , -0.25 ],
           [-0.25 , -0.125]])
    """
    a_shape, b_shape = matrix_shape("solve", a), _shape_of(b)
    if len(b_shape) == 0 or b_shape[-1 if len(b_shape) == 1 else -2] != a_shape[-1]:
        raise ShapeError(f"solve: b of shape {b_shape} does not fit a of shape {a_shape}: b must be "
                         f"(M,) or (..., M, K) with M = {a_shape[-1]}")
    xp = namespace(a, b)
    return xp.linalg.solve(as_float(xp, a), as_float(xp, b))


def _solve_vjp_b(g: Operand, out: Operand, a: Operand, b: Operand) -> Operand:
    if len(_shape_of(b)) == 1:  # one vector: g is (..., M), solved as a column
        return squeeze(solve(mT(a), expand_dims(g, -1)), -1)
    return solve(mT(a), g)


def _solve_vjp_a(g: Operand, out: Operand, a: Operand, b: Operand) -> Operand:
    gb = _solve_vjp_b(g, out, a, b)
    if len(_shape_of(b)) == 1:
        return -(expand_dims(gb, -1) * expand_dims(out, -2))
    return -matmul(gb, mT(out))


solve.defvjp(_solve_vjp_a, _solve_vjp_b)


@primitive
def pinv(a: Data, *, rtol: float | None = None) -> Data:
    """The Moore–Penrose pseudo-inverse A⁺ of each (..., M, N) matrix (singular values below
    ``rtol``·max(M, N)-scaled are cut, as the standard's ``pinv``; None: max(M, N)·eps).
    ∂L/∂A = −A⁺ᵀ g A⁺ᵀ + (I − A A⁺) gᵀ A⁺ A⁺ᵀ + A⁺ᵀ A⁺ gᵀ (I − A⁺ A)  (Golub & Pereyra 1973)

    The gradient is that of a matrix of full rank (rank min(M, N)), where A⁺ is differentiable; at a
    rank-deficient matrix A⁺ jumps under perturbations that raise the rank, and the formula gives the
    gradient along perturbations that keep the rank, as PyTorch's.

    >>> a = Tensor([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]], requires_grad=True)
    >>> pinv(a)
    Tensor([[1. , 0. , 0. ],
            [0. , 0.5, 0. ]], op='pinv')
    >>> pinv(a).sum().backward()
    >>> a.grad
    array([[-1.  , -0.5 ],
           [-0.5 , -0.25],
           [ 1.  ,  0.25]])
    """
    matrix_shape("pinv", a, square=False)
    xp = namespace(a)
    return xp.linalg.pinv(as_float(xp, a), rtol=rtol)


def _pinv_vjp(g: Operand, out: Operand, a: Operand, *, rtol: float | None = None) -> Operand:
    p, gt = out, mT(g)
    first = -matmul(mT(p), matmul(g, mT(p)))
    left = gt - matmul(a, matmul(p, gt))                                  # (I − A A⁺) gᵀ
    right = gt - matmul(matmul(gt, p), a)                                 # gᵀ (I − A⁺ A)
    return first + matmul(left, matmul(p, mT(p))) + matmul(matmul(mT(p), p), right)


pinv.defvjp(_pinv_vjp)


def matrix_power(a: Operand, n: int) -> Operand:
    """Composite (matmul; inv for n < 0): Aⁿ for an integer n, as ``numpy.linalg.matrix_power``: by
    repeated squaring, A⁻¹ first for a negative n, the identity for n = 0 (gradient 0).

    >>> a = Tensor([[1.0, 1.0], [0.0, 1.0]], requires_grad=True)
    >>> matrix_power(a, 3)
    Tensor([[1., 3.],
            [0., 1.]], op='matmul')
    >>> matrix_power(a, -1)
    Tensor([[ 1., -1.],
            [ 0.,  1.]], op='inv')
    """
    if is_bool(n):
        raise TypeError("matrix_power: n must be an integer, not a bool")
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"matrix_power: n must be an integer, not {type(n).__name__} {n!r}") from None
    shape = matrix_shape("matrix_power", a)
    if n == 0:  # the identity; where keeps it in the graph, with gradient 0
        data = a.data if isinstance(a, Node) else a
        xp = namespace(data)
        data = as_float(xp, data)
        identity = xp.broadcast_to(eye(data, shape[-1]), shape)
        return where(xp.ones(shape, dtype=xp.bool, device=device_of(data)), identity, a)
    if n < 0:
        a, n = inv(a), -n
    if n == 3:  # NumPy's short cut
        return matmul(matmul(a, a), a)
    result, power = None, a
    while True:  # NumPy's order of products: the binary digits of n, lowest first
        if n & 1:
            result = power if result is None else matmul(result, power)
        n >>= 1
        if not n:
            return result
        power = matmul(power, power)


__test__ = docstring_tests(globals())
