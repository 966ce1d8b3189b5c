"""autograd_lite.linalg beyond what the op table checks: forwards against numpy.linalg (named tuples,
batches, dtypes, UPLO), gradients against torch.linalg on a few random matrices, the conventions at
singular points (degenerate eigenvalues, norms at zero and at ties) against torch, and the errors.

The op table (``op_rows_linalg.py``) checks every op's gradient against finite differences, first and
second order, on NumPy and array-api-strict.
"""

import math

import numpy as np
import pytest
import torch
from helpers import assert_on, host

import autograd_lite as ag
from autograd_lite import ShapeError, Tensor
from autograd_lite.engine import gradients
from autograd_lite.testing import gradcheck, gradgradcheck

la = ag.linalg
RNG = np.random.default_rng(14)


def well_conditioned(*shape):
    n = shape[-1]
    return RNG.uniform(-1, 1, shape) + (n + 1) * np.eye(n)


def spd(*shape):
    b = RNG.uniform(-1, 1, shape)
    return b @ np.swapaxes(b, -1, -2) + shape[-1] * np.eye(shape[-1])


def symmetric(*shape):
    a = RNG.normal(size=shape)
    return a + np.swapaxes(a, -1, -2)


def grads_of(f, *arrays):
    """The gradients of the scalar f(*tensors) with respect to each array, by autograd_lite."""
    leaves = [Tensor(a, requires_grad=True) for a in arrays]
    return [host(g) for g in gradients(f(*leaves), leaves)]


def torch_grads_of(f, *arrays):
    """The same by torch; zeros where torch's result is not differentiable (its ord=0 norm)."""
    leaves = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = f(*leaves)
    if not out.requires_grad:
        return [np.zeros_like(a) for a in arrays]
    return [g.numpy() for g in torch.autograd.grad(out, leaves, allow_unused=True, materialize_grads=True)]


def assert_same_gradients(ours, theirs, *arrays, rtol=1e-9, atol=1e-10):
    for mine, reference in zip(grads_of(ours, *arrays), torch_grads_of(theirs, *arrays)):
        np.testing.assert_allclose(mine, reference, rtol=rtol, atol=atol)


# ---- forwards against numpy.linalg ------------------------------------------------------------


@pytest.mark.parametrize("batch", [(), (2,), (2, 3)])
def test_forwards_match_numpy_on_stacks(xp, device, batch):
    a, s, r = well_conditioned(*batch, 3, 3), spd(*batch, 3, 3), RNG.normal(size=batch + (4, 3))
    on = lambda x: Tensor(xp.asarray(x, device=device))  # noqa: E731
    for ours, theirs, x in [(la.inv, np.linalg.inv, a), (la.det, np.linalg.det, a),
                            (la.pinv, np.linalg.pinv, r), (la.cholesky, np.linalg.cholesky, s),
                            (la.eigvalsh, np.linalg.eigvalsh, s), (la.svdvals, np.linalg.svdvals, r),
                            (lambda x: la.matrix_power(x, -3), lambda x: np.linalg.matrix_power(x, -3), a),
                            (lambda x: la.cholesky(x, upper=True),
                             lambda x: np.linalg.cholesky(x, upper=True), s)]:
        out = ours(on(x))
        assert_on(xp, out, device)
        np.testing.assert_allclose(host(out), theirs(x), rtol=1e-12, atol=1e-12)
    for ours, theirs, x in [(la.slogdet, np.linalg.slogdet, a), (la.eigh, np.linalg.eigh, s),
                            (la.qr, np.linalg.qr, r), (lambda x: la.svd(x, full_matrices=False),
                                                       lambda x: np.linalg.svd(x, full_matrices=False), r),
                            (la.svd, np.linalg.svd, r)]:
        out, expected = ours(on(x)), theirs(x)
        assert type(out).__name__ == type(expected).__name__ and out._fields == expected._fields
        for part, reference in zip(out, expected):
            assert_on(xp, part, device)
            np.testing.assert_allclose(host(part), reference, rtol=1e-12, atol=1e-12)


def test_solve_takes_numpy_2s_shapes():
    a = well_conditioned(2, 3, 3)
    for b in [RNG.normal(size=3), RNG.normal(size=(3, 2)), RNG.normal(size=(2, 3, 1)),
              RNG.normal(size=(4, 1, 3, 2))]:
        out = la.solve(Tensor(a), Tensor(b))
        np.testing.assert_allclose(host(out), np.linalg.solve(a, b), rtol=1e-12)
    with pytest.raises(ShapeError, match=r"solve.*\(2, 3\)"):  # (2, 3) is a stack of 2 vectors in NumPy 1
        la.solve(Tensor(a), Tensor(RNG.normal(size=(2, 3))))


def test_uplo_reads_the_triangle_it_names(xp, device):
    a = RNG.normal(size=(2, 3, 3))  # not symmetric: each UPLO sees another matrix
    for uplo in ("L", "U"):
        w, v = la.eigh(Tensor(xp.asarray(a, device=device)), UPLO=uplo)
        expected = np.linalg.eigh(a, UPLO=uplo)
        np.testing.assert_allclose(host(w), expected.eigenvalues, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(np.abs(host(v)), np.abs(expected.eigenvectors), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(host(la.eigvalsh(xp.asarray(a, device=device), UPLO=uplo)),
                                   np.linalg.eigvalsh(a, UPLO=uplo), rtol=1e-12, atol=1e-12)


def test_plain_data_in_plain_data_out_and_integers_become_floats():
    a = np.array([[2, 1], [1, 3]])
    for op in (la.inv, la.det, la.cholesky, la.eigvalsh, la.svdvals, la.pinv):
        out = op(a)
        assert isinstance(out, np.ndarray | np.floating) and out.dtype == np.float64
        np.testing.assert_allclose(out, getattr(np.linalg, op.__name__)(a), rtol=1e-12)
    assert la.norm(np.array([3, 4])) == np.linalg.norm(np.array([3, 4]))
    sign, logabsdet = la.slogdet(a)
    np.testing.assert_allclose([sign, logabsdet], np.linalg.slogdet(a))


def test_slogdets_sign_has_no_gradient():
    a = well_conditioned(3, 3)
    a[0] *= -1
    sign, logabsdet = la.slogdet(Tensor(a, requires_grad=True))
    assert not sign.requires_grad and logabsdet.requires_grad
    assert host(sign) == np.linalg.slogdet(a).sign == -1


# ---- gradients against torch.linalg -----------------------------------------------------------


def test_gradients_of_inverses_and_systems_match_torch():
    a, r, b = well_conditioned(2, 3, 3), RNG.normal(size=(2, 4, 3)), RNG.normal(size=(2, 3, 2))
    w = RNG.normal(size=(2, 3, 3))
    tw = torch.tensor(w)
    assert_same_gradients(lambda a: (la.inv(a) * w).sum(), lambda a: (torch.linalg.inv(a) * tw).sum(), a)
    assert_same_gradients(lambda a: la.det(a).sum(), lambda a: torch.linalg.det(a).sum(), a)
    assert_same_gradients(lambda a: la.slogdet(a).logabsdet.sum(),
                          lambda a: torch.linalg.slogdet(a)[1].sum(), a)
    for rhs in (b, RNG.normal(size=3)):  # a stack of matrices, and one vector for every matrix
        assert_same_gradients(lambda a, b: (la.solve(a, b) ** 2).sum(),
                              lambda a, b: (torch.linalg.solve(a, b) ** 2).sum(), a, rhs)
    for x in (r, np.swapaxes(r, -1, -2)):  # tall and wide
        assert_same_gradients(lambda r: (la.pinv(r) ** 2).sum(),
                              lambda r: (torch.linalg.pinv(r) ** 2).sum(), x)
    for n in (-2, 0, 1, 3, 6):
        assert_same_gradients(lambda a, n=n: (la.matrix_power(a, n) * w).sum(),
                              lambda a, n=n: (torch.linalg.matrix_power(a, n) * tw).sum(), a)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_gradient_is_torchs_symmetric_one(upper):
    s, w = spd(2, 3, 3), RNG.normal(size=(3, 3))
    assert_same_gradients(lambda s: (la.cholesky(s, upper=upper) * w).sum(),
                          lambda s: (torch.linalg.cholesky(s, upper=upper) * torch.tensor(w)).sum(), s)
    (g,) = grads_of(lambda s: (la.cholesky(s, upper=upper) * w).sum(), s)
    np.testing.assert_allclose(g, np.swapaxes(g, -1, -2), atol=1e-12)


def test_decomposition_gradients_match_torch_through_gauge_invariant_losses():
    s, r, w = symmetric(2, 3, 3), RNG.normal(size=(2, 4, 3)), RNG.normal(size=(4, 4))
    tw = torch.tensor(w)

    def ours_eigh(a):
        values, vectors = la.eigh(a)
        return (values * values[..., ::-1]).sum() + (vectors * vectors * w[:3, :3]).sum()

    def torch_eigh(a):
        values, vectors = torch.linalg.eigh(a)
        return (values * values.flip(-1)).sum() + (vectors * vectors * tw[:3, :3]).sum()

    assert_same_gradients(ours_eigh, torch_eigh, s)
    assert_same_gradients(lambda a: (la.eigvalsh(a) ** 3).sum(),
                          lambda a: (torch.linalg.eigvalsh(a) ** 3).sum(), s)
    for x in (r, np.swapaxes(r, -1, -2), r[..., :3, :]):
        k = min(x.shape[-2:])

        def ours_svd(a, k=k):
            u, sv, vh = la.svd(a, full_matrices=False)
            return ((u * u).sum(axis=-1).sum() * 0.3 + (sv ** 2 * np.arange(k)).sum()
                    + (vh * vh * w[:k, :vh.shape[-1]]).sum())

        def torch_svd(a, k=k):
            u, sv, vh = torch.linalg.svd(a, full_matrices=False)
            return ((u * u).sum(-1).sum() * 0.3 + (sv ** 2 * torch.arange(k)).sum()
                    + (vh * vh * tw[:k, :vh.shape[-1]]).sum())

        assert_same_gradients(ours_svd, torch_svd, x)
        assert_same_gradients(lambda a: (la.svdvals(a) ** 3).sum(),
                              lambda a: (torch.linalg.svdvals(a) ** 3).sum(), x)
    for x in (r, r[..., :3, :]):
        def ours_qr(a):
            q, rr = la.qr(a)
            d = np.sign(np.diagonal(host(rr), axis1=-2, axis2=-1))
            return ((q * d[..., None, :]) ** 3).sum() + ((rr * d[..., :, None]) * w[:3, :3]).sum()

        def torch_qr(a):
            q, rr = torch.linalg.qr(a)
            d = torch.sign(torch.diagonal(rr.detach(), dim1=-2, dim2=-1))
            return ((q * d[..., None, :]) ** 3).sum() + ((rr * d[..., :, None]) * tw[:3, :3]).sum()

        assert_same_gradients(ours_qr, torch_qr, x)


def test_second_order_matches_torch():
    s = symmetric(3, 3)
    v = RNG.normal(size=(3, 3))

    def ours(a):
        (g,) = gradients((la.eigvalsh(a) ** 3).sum() + la.slogdet(a @ a + 7 * np.eye(3)).logabsdet, [a],
                         create_graph=True)
        return (g * v).sum()

    def theirs(a):
        (g,) = torch.autograd.grad((torch.linalg.eigvalsh(a) ** 3).sum()
                                   + torch.linalg.slogdet(a @ a + 7 * torch.eye(3, dtype=a.dtype))[1], [a],
                                   create_graph=True)
        return (g * torch.tensor(v)).sum()

    assert_same_gradients(ours, theirs, s, rtol=1e-8)


def test_a_batch_has_the_gradients_of_its_matrices():
    a = well_conditioned(2, 3, 3, 3)
    (batched,) = grads_of(lambda a: (la.inv(a) ** 2).sum() + la.svdvals(a).sum(), a)
    for index in np.ndindex(2, 3):
        (single,) = grads_of(lambda a: (la.inv(a) ** 2).sum() + la.svdvals(a).sum(), a[index])
        np.testing.assert_allclose(batched[index], single, rtol=1e-12, atol=1e-14)


# ---- singular points: degenerate eigenvalues, norms at zero and ties, against torch ------------


def test_degenerate_eigenvalues_as_torch():
    a = np.eye(3)
    values_only = (lambda a: (la.eigh(a).eigenvalues * np.arange(3.0)).sum(),
                   lambda a: (torch.linalg.eigh(a)[0] * torch.arange(3.0)).sum())
    assert_same_gradients(*values_only, a)  # finite: a gradient of exact zeros for the vectors adds nothing
    assert_same_gradients(lambda a: la.eigvalsh(a).sum(), lambda a: torch.linalg.eigvalsh(a).sum(), a)
    with np.errstate(divide="ignore", invalid="ignore"):  # 1/(λ_j − λ_i) with λ_j = λ_i
        (ours,) = grads_of(lambda a: (la.eigh(a).eigenvectors * np.arange(9.0).reshape(3, 3)).sum(), a)
    (theirs,) = torch_grads_of(lambda a: (torch.linalg.eigh(a)[1] * torch.arange(9.0).reshape(3, 3)).sum(), a)
    assert not np.isfinite(ours).all() and not np.isfinite(theirs).all()  # the documented caveat
    assert_same_gradients(lambda a: la.svdvals(a).sum(), lambda a: torch.linalg.svdvals(a).sum(), a)


def test_det_has_its_cofactor_gradient_at_singular_matrices(xp, device):
    """det is a polynomial: at a singular matrix its gradient is still the cofactor matrix (finite
    differences agree; torch 2.13 returns 0 for the first of these, whose cofactors are not 0)."""
    rank_one = np.array([[1.0, 2.0], [2.0, 4.0]])
    rank_two = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.5]]) @ np.diag([1.0, 1.0, 0.0])
    stack = np.stack([rank_two, well_conditioned(3, 3), np.zeros((3, 3))])
    (g,) = grads_of(lambda a: la.det(a).sum(), rank_one)
    np.testing.assert_allclose(g, [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)  # [[d, -c], [-b, a]]
    for a in (rank_one, rank_two, stack):
        assert gradcheck(lambda a: la.det(a), xp.asarray(a, device=device))
    assert gradgradcheck(lambda a: la.det(a), xp.asarray(rank_two, device=device))


VECTOR_ORDS = [2, 1, math.inf, -math.inf, 0, 3, 1.5]


@pytest.mark.parametrize("order", VECTOR_ORDS)
def test_vector_norm_gradient_at_zero_and_at_ties_is_torchs(order):
    for x in (np.zeros(4), np.zeros((2, 3)), np.array([1.0, -3.0, 3.0, 0.0]),
              np.array([[2.0, -2.0], [0.0, 1.0]])):
        assert_same_gradients(lambda x: la.vector_norm(x, ord=order),
                              lambda x: torch.linalg.vector_norm(x, ord=order), x)
        if x.ndim == 2:
            assert_same_gradients(lambda x: la.vector_norm(x, axis=1, ord=order).sum(),
                                  lambda x: torch.linalg.vector_norm(x, dim=1, ord=order).sum(), x)


@pytest.mark.parametrize("order", ["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf])
def test_matrix_norms_match_torch_and_numpy(order):
    x = RNG.normal(size=(2, 3, 4))
    assert_same_gradients(lambda x: la.matrix_norm(x, ord=order).sum(),
                          lambda x: torch.linalg.matrix_norm(x, ord=order).sum(), x)
    np.testing.assert_allclose(host(la.matrix_norm(Tensor(x), ord=order, keepdims=True)),
                               np.linalg.matrix_norm(x, ord=order, keepdims=True), rtol=1e-12)
    if order not in ("nuc", 2, -2):  # at zero, torch's svd-based norms give nan; these match it at zero too
        assert_same_gradients(lambda x: la.matrix_norm(x, ord=order).sum(),
                              lambda x: torch.linalg.matrix_norm(x, ord=order).sum(), np.zeros((2, 3)))


def test_norm_follows_numpy_for_every_axis_and_ord():
    x = RNG.normal(size=(2, 3, 4))
    for order, axis in [(None, None), (None, 1), (3, -1), (0, 0), (-math.inf, 2), ("fro", (0, 2)),
                      ("nuc", (2, 0)), (1, (-1, -3)), (-2, (1, 2)), (math.inf, (1, 0))]:
        for keepdims in (False, True):
            out = la.norm(Tensor(x), ord=order, axis=axis, keepdims=keepdims)
            expected = np.linalg.norm(x, ord=order, axis=axis, keepdims=keepdims)
            np.testing.assert_allclose(host(out), expected, rtol=1e-12)
    for matrix_or_vector in (x[0], x[0, 0]):
        for order in ([None, 1, 2, math.inf] if matrix_or_vector.ndim == 1 else [None, "fro", "nuc", 2, -1]):
            np.testing.assert_allclose(host(la.norm(Tensor(matrix_or_vector), ord=order)),
                                       np.linalg.norm(matrix_or_vector, ord=order), rtol=1e-12)
    assert_same_gradients(lambda x: la.norm(x, ord="nuc", axis=(2, 0)).sum(),
                          lambda x: torch.linalg.norm(x, ord="nuc", dim=(2, 0)).sum(), x)
    assert_same_gradients(lambda x: la.norm(x), lambda x: torch.linalg.norm(x), np.zeros((2, 3)))


def test_pytorchs_spellings_dim_and_keepdim():
    x = RNG.normal(size=(2, 3, 4))
    for ours, theirs in [(lambda x: la.norm(x, 1, dim=(0, 2), keepdim=True),
                          lambda x: torch.linalg.norm(x, 1, dim=(0, 2), keepdim=True)),
                         (lambda x: la.vector_norm(x, ord=3, dim=1, keepdim=True),
                          lambda x: torch.linalg.vector_norm(x, ord=3, dim=1, keepdim=True)),
                         (lambda x: la.matrix_norm(x, ord="nuc", keepdim=True),
                          lambda x: torch.linalg.matrix_norm(x, ord="nuc", keepdim=True))]:
        np.testing.assert_allclose(host(ours(Tensor(x))), theirs(torch.tensor(x)).numpy(), rtol=1e-12)


# ---- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("op", [la.inv, la.det, la.slogdet, la.cholesky, la.eigh, la.eigvalsh,
                                lambda a: la.matrix_power(a, 2), lambda a: la.solve(a, np.ones(2))])
def test_a_non_square_matrix_is_refused_naming_op_and_shape(op):
    for a in (np.ones((2, 3)), np.ones(3)):
        for x in (a, Tensor(a, requires_grad=True)):
            with pytest.raises(ShapeError, match=r"square matrix.*" + re_shape(a.shape)):
                op(x)


def re_shape(shape):
    return str(shape).replace("(", r"\(").replace(")", r"\)")


def test_gradients_that_do_not_exist_raise_saying_what_to_do():
    wide = Tensor(RNG.normal(size=(2, 3)), requires_grad=True)
    q, r = la.qr(wide)
    np.testing.assert_allclose(host(q @ r), wide.data, atol=1e-12)  # the forward works
    with pytest.raises(NotImplementedError, match=r"qr.*\(2, 3\)"):
        (q.sum() + r.sum()).backward()
    u, s, vh = la.svd(wide)
    with pytest.raises(NotImplementedError, match=r"svd.*\(2, 3\).*full_matrices=False"):
        (u.sum() + s.sum() + vh.sum()).backward()
    with pytest.raises(NotImplementedError, match=r"qr.*\(3, 2\).*'complete'"):
        la.qr(Tensor(RNG.normal(size=(3, 2)), requires_grad=True), mode="complete").R.sum().backward()


def test_bad_parameters_are_refused():
    x = Tensor(np.ones((2, 2)))
    with pytest.raises(ValueError, match="norm.*'fro' for vectors"):
        la.norm(x, ord="fro", axis=0)
    with pytest.raises(ValueError, match="norm.*3 for matrices"):
        la.norm(x, ord=3)
    with pytest.raises(ValueError, match="norm.*improper number of dimensions"):
        la.norm(Tensor(np.ones((2, 2, 2))), ord=1)
    with pytest.raises(ValueError, match="matrix_norm.*'x'"):
        la.matrix_norm(x, ord="x")
    with pytest.raises(ValueError, match="vector_norm.*'fro'"):
        la.vector_norm(Tensor(np.ones(2), requires_grad=True), ord="fro")
    with pytest.raises(ValueError, match="qr: mode"):
        la.qr(x, mode="r")
    with pytest.raises(ValueError, match="UPLO"):
        la.eigh(x, UPLO="X")
    with pytest.raises(TypeError, match="matrix_power: n must be an integer"):
        la.matrix_power(x, 1.5)
    with pytest.raises(TypeError, match="svd: full_matrices"):
        la.svd(x, full_matrices="no")


@pytest.mark.parametrize("op, matrix", [(ag.linalg.inv, np.zeros((2, 2))), (ag.linalg.cholesky, -np.eye(2))],
                         ids=["inv of a singular matrix", "cholesky of a negative definite one"])
def test_a_matrix_the_op_cannot_take_raises_numpys_linalg_error_naming_the_op(op, matrix):
    """Not a ShapeError: the shape is fine, the matrix is not."""
    with pytest.raises(np.linalg.LinAlgError, match=f"{op.__name__} on inputs of shapes \\(2, 2\\)"):
        op(ag.Tensor(matrix, requires_grad=True))
