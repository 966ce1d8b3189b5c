"""The op-table rows of autograd_lite.linalg (inv, pinv, det, slogdet, solve, cholesky, eigh, svd, qr,
matrix_power, norms).

Rows are :class:`~op_row.Op` (columns explained there); ``op_table.py`` merges :data:`ROWS` and
:data:`COVERED_THROUGH` into the table.

The strategies draw matrices on which finite differences are accurate: well-conditioned square ones
(random entries in [−1, 1] plus (n+1)·I, diagonally dominant), symmetric positive-definite ones, and
matrices built as Q diag(λ) Qᵀ or U diag(s) Vᵀ with eigenvalues / singular values at least 0.5 apart
(and ≥ 0.5), so that eigenvectors and singular vectors are well defined. Batches (leading axes) of
size 1 and 2 are drawn too.

Outputs that are unique only up to signs (eigenvectors, the U and Vh of svd, the Q and R of qr) are
checked through functions of them that are not: V∘V and U∘U (each column's squares), and Q·D, D·R with
D = sign(diag R) (the QR with a positive diagonal, which is unique). The ops that read one triangle of
a symmetric input (cholesky, eigh, eigvalsh) are called on sym(A) = (A + Aᵀ)/2, so that finite
differences perturb a symmetric matrix, as their (symmetric) gradients assume.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_inputs import Case, _axis, _spellings
from op_row import Op

import autograd_lite as ag
from autograd_lite import backend
from autograd_lite.engine import data_of

la = ag.linalg
BATCHES = [(), (1,), (2,), (2, 1)]
INF = np.inf


# ---- strategies -------------------------------------------------------------------------------


def _entries(shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.float64, shape, elements=st.floats(-1, 1, allow_nan=False, width=64))


def _orthogonal(draw: Any, batch: tuple[int, ...], n: int) -> np.ndarray:
    """Orthogonal n×n matrices (the Q of a QR of random ones; the identity from a zero matrix)."""
    return np.linalg.qr(draw(_entries(batch + (n, n))) + 1e-3 * np.eye(n))[0]


def _well_conditioned(draw: Any, batch: tuple[int, ...], m: int, n: int) -> np.ndarray:
    """Random entries in [−1, 1] plus (min(m, n) + 1) on the diagonal: full rank, well conditioned."""
    return draw(_entries(batch + (m, n))) + (min(m, n) + 1) * np.eye(m, n)


def _spaced(draw: Any, batch: tuple[int, ...], n: int, low: float) -> np.ndarray:
    """n values per matrix, ascending from ≥ ``low``, at least 0.5 apart."""
    steps = draw(hnp.arrays(np.float64, batch + (n,), elements=st.floats(0.5, 1.5)))
    return low + np.cumsum(steps, axis=-1)


@st.composite
def square(draw: Any, op: Op, second_order: bool = False) -> Case:
    """A well-conditioned square matrix or stack, one row of it negated half the time (det < 0)."""
    batch, n = draw(st.sampled_from(BATCHES)), draw(st.integers(1, 3))
    a = _well_conditioned(draw, batch, n, n)
    if draw(st.booleans()):
        a[..., 0, :] *= -1
    return Case((a,), draw(op.params))


@st.composite
def rectangular(draw: Any, op: Op, second_order: bool = False, tall: bool = False) -> Case:
    """A full-rank (..., M, N) matrix (M ≥ N where ``tall``)."""
    batch, m, n = draw(st.sampled_from(BATCHES)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    if tall and m < n:
        m, n = n, m
    params = {"mode": draw(st.sampled_from(["reduced", "complete"]))} if tall and m == n else {}
    return Case((_well_conditioned(draw, batch, m, n),), params)


@st.composite
def systems(draw: Any, op: Op, second_order: bool = False) -> Case:
    """a (..., M, M) well conditioned and b of every kind NumPy 2's solve takes: (M,), (..., M, K),
    with batch axes that broadcast either way."""
    n, k = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    a_batch, b_batch = draw(st.sampled_from([((), ()), ((2,), ()), ((), (2,)), ((2,), (2,)), ((2, 1), (3,)),
                                             ((1,), (2,))]))
    a = _well_conditioned(draw, a_batch, n, n)
    b_shape = draw(st.sampled_from([(n,), b_batch + (n, k)]))
    return Case((a, draw(_entries(b_shape)) * 3), {})


@st.composite
def positive_definite(draw: Any, op: Op, second_order: bool = False) -> Case:
    """B Bᵀ + n·I for B random: symmetric positive definite, well conditioned."""
    batch, n = draw(st.sampled_from(BATCHES)), draw(st.integers(1, 3))
    b = draw(_entries(batch + (n, n)))
    return Case((b @ np.swapaxes(b, -1, -2) + n * np.eye(n),), draw(op.params))


@st.composite
def symmetric_distinct(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Q diag(λ) Qᵀ with eigenvalues of either sign, at least 0.5 apart."""
    batch, n = draw(st.sampled_from(BATCHES)), draw(st.integers(1, 3))
    q, w = _orthogonal(draw, batch, n), _spaced(draw, batch, n, -2.0)
    a = (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)
    return Case(((a + np.swapaxes(a, -1, -2)) / 2,), draw(op.params))


def _distinct_singular(draw: Any, batch: tuple[int, ...], m: int, n: int) -> np.ndarray:
    k = min(m, n)
    u, v = _orthogonal(draw, batch, m)[..., :k], _orthogonal(draw, batch, n)[..., :k]
    s = _spaced(draw, batch, k, 0.0)
    return (u * s[..., None, :]) @ np.swapaxes(v, -1, -2)


@st.composite
def distinct_singular(draw: Any, op: Op, second_order: bool = False) -> Case:
    """U diag(s) Vᵀ of shape (..., M, N) with singular values ≥ 0.5, at least 0.5 apart; for svd,
    ``full_matrices`` True where the matrix is square (the only case it has a gradient), else False."""
    batch, m, n = draw(st.sampled_from(BATCHES)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    params = draw(op.params)
    if "full_matrices" in params:
        params = {"full_matrices": m == n and draw(st.booleans())}
    if "keepdims" in params:  # matrix_norm: the sums of 1 and inf are taken of values away from 0
        params = {"keepdims": draw(st.booleans()), "ord": draw(st.sampled_from(
            ["fro", "nuc", 1, -1, 2, -2, INF, -INF]))}
        if params["ord"] in (1, -1, INF, -INF):
            return Case((_away_from_zero(draw, batch + (m, n)),), params)
    return Case((_distinct_singular(draw, batch, m, n),), params)


def _away_from_zero(draw: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Values of magnitude 0.1..3, of either sign, the magnitudes made distinct (steps of 1e-3): abs has a
    kink at 0, and max-type norms jump where magnitudes (or sums of them) tie."""
    magnitudes = draw(hnp.arrays(np.float64, shape, elements=st.floats(0.1, 3)))
    signs = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0])))
    return (magnitudes + np.arange(magnitudes.size).reshape(shape) * 1e-3) * signs


@st.composite
def vector_norms(draw: Any, op: Op, second_order: bool = False) -> Case:
    """One array (0-d included) of values 0.1..3 of either sign (away from abs's kink), ``axis``
    None, an int or a tuple, ``keepdims`` and an ``ord``."""
    x = _away_from_zero(draw, draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)))
    axis = draw(st.one_of(st.none(), _axis(x.ndim), st.lists(st.integers(0, x.ndim - 1), min_size=1,
                                                             unique=True).map(tuple))) if x.ndim else None
    return Case((x,), {"axis": axis, "keepdims": draw(st.booleans()),
                       "ord": draw(st.sampled_from([2, 1, INF, -INF, 0, 3, 1.5, 0.5, -1]))})


@st.composite
def norms(draw: Any, op: Op, second_order: bool = False) -> Case:
    """The calls numpy.linalg.norm takes: ord None over everything; a vector ord along one axis; a
    matrix ord over two axes, anywhere (matrices with distinct singular values, moved into place)."""
    kind = draw(st.sampled_from(["all", "vector", "matrix", "default"]))
    keepdims = draw(st.booleans())
    if kind in ("all", "vector"):
        case = draw(vector_norms(op, second_order))
        (x,) = case.arrays
        if kind == "all" or x.ndim == 0:
            return Case((x,), {"keepdims": keepdims})
        axis = draw(_axis(x.ndim))
        return Case((x,), {"ord": draw(st.sampled_from([None, 2, 1, INF, -INF, 0, 3, 0.5])), "axis": axis,
                           "keepdims": keepdims})
    batch, m, n = draw(st.sampled_from([(), (2,)])), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ord_ = draw(st.sampled_from([None, "fro", "nuc", 1, -1, 2, -2, INF, -INF]))
    x = _away_from_zero(draw, batch + (m, n)) if ord_ in (1, -1, INF, -INF) else \
        _distinct_singular(draw, batch, m, n)
    if kind == "default" and not batch:  # axis None of a matrix: its matrix norm
        return Case((x,), {"ord": ord_, "keepdims": keepdims})
    ndim = x.ndim
    row, column = draw(st.permutations(range(ndim)).map(lambda p: p[:2]))
    x = np.moveaxis(x, (-2, -1), (row, column))
    axis = (draw(_spellings(row, ndim)), draw(_spellings(column, ndim)))
    return Case((x,), {"ord": ord_, "axis": axis, "keepdims": keepdims})


# ---- gauge-invariant views of sign-ambiguous outputs ------------------------------------------


def _sym(a: Any) -> Any:
    """(A + Aᵀ)/2, on autograd_lite operands or on NumPy arrays."""
    if isinstance(a, np.ndarray):
        return (a + np.swapaxes(a, -1, -2)) / 2
    return (a + la.matrix_transpose(a)) * 0.5


def _flat(x: Any, batch: tuple[int, ...]) -> Any:
    return ag.reshape(x, batch + (-1,)) if not isinstance(x, np.ndarray) else x.reshape(batch + (-1,))


def _joined(parts: list[Any], batch: tuple[int, ...]) -> Any:
    flat = [_flat(p, batch) for p in parts]
    if isinstance(parts[0], np.ndarray):
        return np.concatenate(flat, axis=-1)
    return ag.concatenate(flat, axis=-1)


def _eigh_view(a: Any, UPLO: str = "L") -> Any:  # noqa: N803
    w, v = la.eigh(_sym(a), UPLO=UPLO)
    return _joined([w, v * v], tuple(w.shape[:-1]))


def _eigh_reference(a: np.ndarray, UPLO: str = "L") -> np.ndarray:  # noqa: N803
    w, v = np.linalg.eigh(_sym(a), UPLO=UPLO)
    return _joined([w, v * v], w.shape[:-1])


def _svd_view(a: Any, full_matrices: bool = True) -> Any:
    u, s, vh = la.svd(a, full_matrices=full_matrices)
    return _joined([u * u, s, vh * vh], tuple(s.shape[:-1]))


def _svd_reference(a: np.ndarray, full_matrices: bool = True) -> np.ndarray:
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    return _joined([u * u, s, vh * vh], s.shape[:-1])


def _qr_view(a: Any, mode: str = "reduced") -> Any:
    q, r = la.qr(a, mode=mode)
    rd = data_of(r)
    xp = backend.namespace(rd)
    d = xp.sign(xp.linalg.diagonal(rd))
    parts = [q * d[..., None, :], r * d[..., :, None]]
    return ag.concatenate(parts, axis=-2) if not isinstance(q, np.ndarray) else np.concatenate(parts, axis=-2)


def _qr_reference(a: np.ndarray, mode: str = "reduced") -> np.ndarray:
    q, r = np.linalg.qr(a, mode=mode)
    d = np.sign(np.diagonal(r, axis1=-2, axis2=-1))
    return np.concatenate([q * d[..., None, :], r * d[..., :, None]], axis=-2)


#: name of the primitive (or of the composite function) -> its row
ROWS: dict[str, Op] = {
    "inv": Op(la.inv, np.linalg.inv, square),
    "det": Op(la.det, np.linalg.det, square),
    "_slogdet": Op(lambda a: la.slogdet(a).logabsdet, lambda a: np.linalg.slogdet(a).logabsdet, square),
    "solve": Op(la.solve, np.linalg.solve, systems, 2),
    "pinv": Op(la.pinv, np.linalg.pinv, rectangular),
    "matrix_power": Op(la.matrix_power, np.linalg.matrix_power, square,
                       params=st.fixed_dictionaries({"n": st.sampled_from([-2, -1, 0, 1, 2, 3, 5])})),
    "cholesky": Op(lambda a, upper=False: la.cholesky(_sym(a), upper=upper),
                   lambda a, upper=False: np.linalg.cholesky(_sym(a), upper=upper), positive_definite,
                   params=st.fixed_dictionaries({"upper": st.booleans()})),
    "_qr": Op(_qr_view, _qr_reference, lambda op, second_order: rectangular(op, second_order, tall=True)),
    "_eigh": Op(_eigh_view, _eigh_reference, symmetric_distinct,
                params=st.fixed_dictionaries({"UPLO": st.sampled_from(["L", "U"])})),
    "eigvalsh": Op(lambda a, UPLO="L": la.eigvalsh(_sym(a), UPLO=UPLO),  # noqa: N803
                   lambda a, UPLO="L": np.linalg.eigvalsh(_sym(a), UPLO=UPLO), symmetric_distinct,  # noqa: N803
                   params=st.fixed_dictionaries({"UPLO": st.sampled_from(["L", "U"])})),
    "_svd": Op(_svd_view, _svd_reference, distinct_singular,
               params=st.fixed_dictionaries({"full_matrices": st.just(False)})),
    "svdvals": Op(la.svdvals, np.linalg.svdvals, distinct_singular),
    "vector_norm": Op(la.vector_norm, np.linalg.vector_norm, vector_norms),
    "matrix_norm": Op(la.matrix_norm, np.linalg.matrix_norm, distinct_singular,
                      params=st.fixed_dictionaries({"keepdims": st.just(False)})),
    "norm": Op(la.norm, np.linalg.norm, norms),
}

#: primitive name -> the public function its row calls, where that is not the primitive itself
COVERED_THROUGH: dict[str, str] = {
    "_slogdet": "slogdet (its logabsdet)",
    "cholesky": "cholesky of the symmetrised input",
    "_qr": "qr (Q·D and D·R, D = sign(diag R))",
    "_eigh": "eigh (eigenvalues and V∘V) of the symmetrised input",
    "eigvalsh": "eigvalsh of the symmetrised input",
    "_svd": "svd (U∘U, S, Vh∘Vh)",
}
