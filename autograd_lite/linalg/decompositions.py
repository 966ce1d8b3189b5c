"""Decompositions: cholesky, qr, eigh, eigvalsh, svd, svdvals, with the gradients of the literature.

Outputs that come in several parts (Q and R; eigenvalues and eigenvectors; U, S and Vh) are computed by
one primitive that packs them into one array (see ``_common.py``); the public function unpacks them and
returns NumPy's named tuple. ``g`` is ∂L/∂out, ``Xᵀ`` the transpose of the last two axes, ``∘`` the
elementwise product, ``skew(X) = X − Xᵀ``.

The gradients of cholesky, eigh and eigvalsh are with respect to a *symmetric* input: they are
symmetric matrices, as PyTorch's, i.e. the gradient of f(sym(A)) with sym(A) = (A + Aᵀ)/2 — NumPy
reads one triangle only, and finite differences of that would see the other triangle as constant.
Where two eigenvalues (singular values) coincide, the eigenvectors (singular vectors) are not unique
and their gradient is inf or nan, as in PyTorch; a loss of the eigenvalues alone has a finite gradient
there (use eigvalsh and svdvals, or the values of eigh and svd: gradients that are exactly zero
contribute nothing).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..backend import namespace, ndarray
from ..engine import docstring_tests, primitive
from ..parameters import _shape_of
from ..shape_ops import expand_dims
from ..tensor_ops import matmul
from ..typing import Data, Operand
from . import solvers
from ._common import as_float, eye, gap, matrix_shape, mT, pack, triangle, unpack

__all__ = ["EighResult", "QRResult", "SVDResult", "cholesky", "eigh", "eigvalsh", "qr", "svd", "svdvals"]


def _flag(op: str, name: str, value: Any) -> bool:
    if value is not True and value is not False:
        raise TypeError(f"{op}: {name} must be True or False, not {value!r}")
    return value


@primitive
def cholesky(a: Data, upper: bool = False) -> Data:
    """The Cholesky factor L of each symmetric positive-definite matrix, A = L Lᵀ (``upper``: U = Lᵀ,
    A = Uᵀ U).  ∂L/∂A = L⁻ᵀ Φ L⁻¹ with Φ = ½(P + tril(P, −1)ᵀ), P = tril(Lᵀ g) (Murray 2016), symmetric

    ``numpy.linalg.cholesky`` reads the lower triangle; the gradient is that of the symmetric input
    (see the module's note), as PyTorch's. A matrix that is not positive definite raises.

    >>> a = Tensor([[4.0, 2.0], [2.0, 2.0]], requires_grad=True)
    >>> cholesky(a)
    Tensor([[2., 0.],
            [1., 1.]], op='cholesky')
    >>> cholesky(a).sum().backward()
    >>> a.grad
    array([[0.25, 0.  ],
           [0.  , 0.5 ]])
    """
    matrix_shape("cholesky", a)
    upper = _flag("cholesky", "upper", upper)
    xp = namespace(a)
    return xp.linalg.cholesky(as_float(xp, a), upper=upper)


def _cholesky_vjp(g: Operand, out: Operand, a: Operand, upper: bool = False) -> Operand:
    n = a.shape[-1]
    low, gl = (mT(out), mT(g)) if upper else (out, g)
    p = matmul(mT(low), gl) * triangle(out, n, upper=False)
    p = (p + mT(p * triangle(out, n, upper=False, strict=True))) * 0.5
    low_inv = solvers.inv(low)
    return matmul(mT(low_inv), matmul(p, low_inv))


cholesky.defvjp(_cholesky_vjp)


# ---- QR -------------------------------------------------------------------------------------


class QRResult(NamedTuple):
    """What :func:`qr` returns, as ``numpy.linalg.qr``: A = Q R."""

    Q: Any
    R: Any


def _qr_shapes(shape: tuple[int, ...], mode: str) -> tuple[tuple[int, int], tuple[int, int]]:
    m, n = shape[-2:]
    k = m if mode == "complete" else min(m, n)
    return (m, k), (k, n)


@primitive
def _qr(a: Data, mode: str = "reduced") -> Data:
    """Q and R packed along a last axis (see :func:`qr`)."""
    shape = matrix_shape("qr", a, square=False)
    xp = namespace(a)
    q, r = xp.linalg.qr(as_float(xp, a), mode=mode)
    return pack(xp, tuple(shape[:-2]), q, r)


def _qr_vjp(g: Operand, out: Operand, a: Operand, mode: str = "reduced") -> Operand:
    m, n = a.shape[-2:]
    if m < n or (mode == "complete" and m > n):
        raise NotImplementedError(
            f"qr: the gradient is implemented for inputs of shape (..., M, N) with M >= N and mode "
            f"'reduced' (Q and R are then unique up to signs), not for shape {tuple(a.shape)} with mode "
            f"{mode!r}, as in PyTorch")
    q, r = unpack(out, _qr_shapes(a.shape, mode))
    gq, gr = unpack(g, _qr_shapes(a.shape, mode))
    m_ = (matmul(gr, mT(r)) - matmul(mT(q), gq)) * triangle(out, n, upper=True)    # triu(gR Rᵀ − Qᵀ gQ)
    s = m_ + mT(m_ * triangle(out, n, upper=True, strict=True))
    b = matmul(q, s) + gq
    return mT(solvers.solve(r, mT(b)))                                                      # b R⁻ᵀ


_qr.defvjp(_qr_vjp)


def qr(a: Operand, mode: str = "reduced") -> QRResult:
    """Composite (one primitive, ``_qr``, and indexing): A = Q R with orthonormal columns in Q and R
    upper triangular, as ``numpy.linalg.qr``; ``mode`` 'reduced' (Q: (..., M, K), R: (..., K, N),
    K = min(M, N)) or 'complete' (Q: (..., M, M)).
    ∂L/∂A = (gQ + Q·copyltu(M)) R⁻ᵀ, M = triu(gR Rᵀ − Qᵀ gQ) (Walter & Lehmann 2018; PyTorch)

    The gradient is implemented for M ≥ N in mode 'reduced' (and 'complete' of a square A), as in
    PyTorch; other shapes raise NotImplementedError from backward, naming qr and the shape.

    >>> a = Tensor([[3.0, 1.0], [4.0, 2.0]], requires_grad=True)
    >>> q, r = qr(a)
    >>> (q @ r).data.round(12)
    array([[3., 1.],
           [4., 2.]])
    """
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode must be 'reduced' or 'complete', not {mode!r}")
    packed = _qr(a, mode=mode)  # checks a's shape first
    return QRResult(*unpack(packed, _qr_shapes(_shape_of(a), mode)))


# ---- symmetric eigenproblem -----------------------------------------------------------------


class EighResult(NamedTuple):
    """What :func:`eigh` returns, as ``numpy.linalg.eigh``: A = V diag(λ) Vᵀ, λ ascending."""

    eigenvalues: Any
    eigenvectors: Any


def _symmetric(xp: Any, a: Data, uplo: str) -> Data:
    """The symmetric matrix whose lower triangle is that of ``a`` ('L') or whose upper one is ('U')."""
    if uplo not in ("L", "U"):
        raise ValueError(f"eigh: UPLO must be 'L' or 'U', not {uplo!r}")
    if uplo == "L":
        return a  # the standard's eigh reads the lower triangle, as LAPACK's default
    upper = xp.triu(a)
    return upper + xp.matrix_transpose(xp.triu(a, k=1))


def _eigh_data(a: Data, uplo: str) -> tuple[Data, Data]:
    """Eigenvalues and eigenvectors (NumPy's own, with UPLO; the standard's of the symmetrised input)."""
    xp = namespace(a)
    a = as_float(xp, a)
    if a.__class__ is ndarray:  # NumPy reads the triangle UPLO names itself
        return xp.linalg.eigh(a, UPLO=uplo)
    return xp.linalg.eigh(_symmetric(xp, a, uplo))


@primitive
def _eigh(a: Data, UPLO: str = "L") -> Data:  # noqa: N803 - NumPy's name
    """Eigenvalues and eigenvectors packed along a last axis (see :func:`eigh`)."""
    shape = matrix_shape("eigh", a)
    w, v = _eigh_data(a, UPLO)
    return pack(namespace(a), tuple(shape[:-2]), w, v)


def _eigh_vjp(g: Operand, out: Operand, a: Operand, UPLO: str = "L") -> Operand:  # noqa: N803
    m = a.shape[-1]
    w, v = unpack(out, ((m,), (m, m)))
    gw, gv = unpack(g, ((m,), (m, m)))
    k = matmul(mT(v), gv)
    k = (k - mT(k)) * 0.5
    differences = expand_dims(w, -2) - expand_dims(w, -1)            # λ_j − λ_i
    middle = k / gap(differences, k) + expand_dims(gw, -1) * eye(out, m)
    return matmul(v, matmul(middle, mT(v)))


_eigh.defvjp(_eigh_vjp)


def eigh(a: Operand, UPLO: str = "L") -> EighResult:  # noqa: N803
    """Composite (one primitive, ``_eigh``, and indexing): eigenvalues λ (ascending) and orthonormal
    eigenvectors V of each symmetric matrix, as ``numpy.linalg.eigh`` (which reads the ``UPLO``
    triangle).  ∂L/∂A = V (diag(gλ) + F ∘ ½skew(Vᵀ gV)) Vᵀ, F_ij = 1/(λ_j − λ_i) (Giles 2008)

    Symmetric, as PyTorch's (see the module's note); inf or nan where eigenvalues coincide and the
    loss depends on the eigenvectors.

    >>> a = Tensor([[2.0, 1.0], [1.0, 2.0]], requires_grad=True)
    >>> w, v = eigh(a)
    >>> w
    Tensor([1., 3.], op='reshape')
    >>> w[1].backward()
    >>> a.grad.round(12)
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    m = _shape_of(a)[-1] if _shape_of(a) else 0
    return EighResult(*unpack(_eigh(a, UPLO=UPLO), ((m,), (m, m))))


@primitive
def eigvalsh(a: Data, UPLO: str = "L") -> Data:  # noqa: N803
    """The eigenvalues (ascending) of each symmetric matrix, as ``numpy.linalg.eigvalsh``.
    ∂L/∂A = V diag(g) Vᵀ, V the eigenvectors (finite at coinciding eigenvalues)

    >>> a = Tensor([[2.0, 1.0], [1.0, 2.0]], requires_grad=True)
    >>> eigvalsh(a)
    Tensor([1., 3.], op='eigvalsh')
    """
    matrix_shape("eigvalsh", a)
    xp = namespace(a)
    a = as_float(xp, a)
    if a.__class__ is ndarray:
        return xp.linalg.eigvalsh(a, UPLO=UPLO)
    return xp.linalg.eigvalsh(_symmetric(xp, a, UPLO))


def _eigvalsh_vjp(g: Operand, out: Operand, a: Operand, UPLO: str = "L") -> Operand:  # noqa: N803
    v = eigh(a, UPLO=UPLO).eigenvectors
    return matmul(v * expand_dims(g, -2), mT(v))


eigvalsh.defvjp(_eigvalsh_vjp)


# ---- SVD ------------------------------------------------------------------------------------


class SVDResult(NamedTuple):
    """What :func:`svd` returns, as ``numpy.linalg.svd``: A = U diag(S) Vh, S descending."""

    U: Any
    S: Any
    Vh: Any


def _svd_shapes(shape: tuple[int, ...], full_matrices: bool) -> tuple[tuple[int, ...], ...]:
    m, n = shape[-2:]
    k = min(m, n)
    return ((m, m if full_matrices else k), (k,), (n if full_matrices else k, n))


@primitive
def _svd(a: Data, full_matrices: bool = True) -> Data:
    """U, S and Vh packed along a last axis (see :func:`svd`)."""
    shape = matrix_shape("svd", a, square=False)
    xp = namespace(a)
    u, s, vh = xp.linalg.svd(as_float(xp, a), full_matrices=full_matrices)
    return pack(xp, tuple(shape[:-2]), u, s, vh)


def _svd_vjp(g: Operand, out: Operand, a: Operand, full_matrices: bool = True) -> Operand:
    m, n = a.shape[-2:]
    if full_matrices and m != n:
        raise NotImplementedError(
            f"svd: the gradient of svd(a, full_matrices=True) is not defined for a non-square input "
            f"(shape {tuple(a.shape)}): the extra columns of U or rows of Vh are not determined by a; "
            f"call svd(a, full_matrices=False), as in PyTorch")
    shapes = _svd_shapes(a.shape, full_matrices)
    u, s, vh = unpack(out, shapes)
    gu, gs, gvh = unpack(g, shapes)
    uhgu, vhgv = matmul(mT(u), gu), matmul(vh, mT(gvh))
    s2 = s * s
    differences = expand_dims(s2, -2) - expand_dims(s2, -1)             # S_k² − S_j²
    numerator = (uhgu - mT(uhgu)) * expand_dims(s, -2) + expand_dims(s, -1) * (vhgv - mT(vhgv))
    middle = numerator / gap(differences, numerator) + expand_dims(gs, -1) * eye(out, min(m, n))
    if m > n:  # (I − U Uᵀ) gU S⁻¹ Vᵀ: what the columns of A outside U's span add
        gu_s = gu / expand_dims(s, -2)
        return matmul(matmul(u, middle) + gu_s - matmul(u, matmul(mT(u), gu_s)), vh)
    if m < n:  # U S⁻¹ gVᵀ (I − V Vᵀ)
        s_gvh = gvh / expand_dims(s, -1)
        return matmul(u, matmul(middle, vh) + s_gvh - matmul(matmul(s_gvh, mT(vh)), vh))
    return matmul(u, matmul(middle, vh))


_svd.defvjp(_svd_vjp)


def svd(a: Operand, full_matrices: bool = True, compute_uv: bool = True) -> SVDResult | Operand:
    """Composite (one primitive, ``_svd``, and indexing; :func:`svdvals` for ``compute_uv=False``):
    A = U diag(S) Vh with S descending, as ``numpy.linalg.svd`` (its signature and defaults).
    ∂L/∂A = U [(skew(Uᵀ gU) S + S skew(Vᵀ gV)) / E + diag(gS)] Vᵀ + (I − U Uᵀ) gU S⁻¹ Vᵀ
    + U S⁻¹ gVᵀ (I − V Vᵀ), E_jk = S_k² − S_j² (Giles 2008; Townsend 2016; PyTorch's svd_backward)

    The gradient needs ``full_matrices=False`` for a non-square input (the extra singular vectors are
    not determined by A): backward raises NotImplementedError saying so, as PyTorch does. Where
    singular values coincide (or are 0, for non-square A) the gradient through U and Vh is inf or nan.

    >>> a = Tensor([[3.0, 0.0], [0.0, -2.0]], requires_grad=True)
    >>> u, s, vh = svd(a)
    >>> s
    Tensor([3., 2.], op='reshape')
    >>> svd(a, compute_uv=False)
    Tensor([3., 2.], op='svdvals')
    """
    full_matrices = _flag("svd", "full_matrices", full_matrices)
    if not _flag("svd", "compute_uv", compute_uv):
        return svdvals(a)
    packed = _svd(a, full_matrices=full_matrices)  # checks a's shape first
    return SVDResult(*unpack(packed, _svd_shapes(_shape_of(a), full_matrices)))


@primitive
def svdvals(a: Data) -> Data:
    """The singular values (descending) of each (..., M, N) matrix, as ``numpy.linalg.svdvals``.
    ∂L/∂A = U diag(g) Vh (the reduced SVD; finite where singular values coincide)

    >>> a = Tensor([[3.0, 0.0], [0.0, -2.0]], requires_grad=True)
    >>> svdvals(a).sum().backward()
    >>> a.grad
    array([[ 1.,  0.],
           [ 0., -1.]])
    """
    matrix_shape("svdvals", a, square=False)
    xp = namespace(a)
    return xp.linalg.svdvals(as_float(xp, a))


def _svdvals_vjp(g: Operand, out: Operand, a: Operand) -> Operand:
    u, _, vh = svd(a, full_matrices=False)
    return matmul(u * expand_dims(g, -2), vh)


svdvals.defvjp(_svdvals_vjp)


__test__ = docstring_tests(globals())
