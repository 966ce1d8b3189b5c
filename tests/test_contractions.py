"""What the op table's rows of the contractions cannot say: einsum against np.einsum on many
subscripts (hand-picked and drawn), its gradients against torch.einsum (repeated indices, ``...``,
implicit output, size-1 broadcasting), dot's N-D semantics against np.dot (not matmul's), tensordot's
spellings of ``axes``, dtypes, and the errors, each checked to be raised by NumPy too.
"""

import array_api_strict
import numpy as np
import pytest
import torch
from helpers import assert_on
from hypothesis import given, settings
from op_row import Op
from op_rows_contractions import einsum_operands

import autograd_lite as ag
from autograd_lite import Tensor
from autograd_lite.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def arrays(*shapes, dtype=np.float64):
    return [RNG.normal(size=shape).astype(dtype) for shape in shapes]


def torch_gradients(function, operands, upstream):
    """The forward and the gradients of Σ upstream·function(*operands), in PyTorch (float64)."""
    leaves = [torch.tensor(x, requires_grad=True) for x in operands]
    out = function(*leaves)
    out.backward(torch.tensor(upstream))
    return out.detach().numpy(), [leaf.grad.numpy() for leaf in leaves]


def our_gradients(function, operands, upstream):
    leaves = [Tensor(x, requires_grad=True) for x in operands]
    out = function(*leaves)
    out.backward(upstream)
    return out.data, [leaf.grad for leaf in leaves]


def assert_same_as_torch(ours, theirs, operands):
    """Our forward and gradients equal PyTorch's, and each gradient has its operand's shape."""
    out, grads = ours(operands)
    expected_out, expected_grads = theirs(operands)
    np.testing.assert_allclose(out, expected_out, rtol=1e-12, atol=1e-12)
    for x, g, expected in zip(operands, grads, expected_grads):
        assert g.shape == x.shape
        np.testing.assert_allclose(g, expected, rtol=1e-12, atol=1e-12)


# ---- einsum ---------------------------------------------------------------------------------------

CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),                    # implicit: i, k
    ("ij,kj", [(2, 3), (4, 3)]),
    ("ba", [(2, 3)]),                                # implicit output in alphabetical order: a, b
    ("Ba", [(2, 3)]),                                # uppercase sorts first, as in NumPy
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("ii->i", [(3, 3)]),                             # a diagonal
    ("ii", [(3, 3)]),                                # the trace
    ("iij->ji", [(2, 2, 3)]),
    ("iji->j", [(2, 3, 2)]),
    ("i,i", [(3,), (3,)]),
    ("i,i->i", [(3,), (3,)]),
    ("i,j->ij", [(2,), (3,)]),
    ("i,j", [(2,), (3,)]),
    (",i->i", [(), (3,)]),                           # a 0-d operand
    ("->", [()]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("bi,ij->bj", [(4, 3), (3, 2)]),
    ("ijk,kl,lm->im", [(2, 3, 4), (4, 2), (2, 3)]),
    ("a,a,a->", [(3,), (3,), (3,)]),
    ("ij,ij->", [(2, 1), (1, 3)]),                   # size-1 axes broadcast, as in NumPy
    ("ij,jk->ik", [(2, 1), (3, 4)]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),  # broadcast batch axes
    ("...ij,...jk", [(2, 3, 4), (4, 2)]),
    ("...i,...i->...", [(2, 3), (3,)]),
    ("i...,i...->...", [(2, 3), (2, 1)]),
    ("...", [(2, 3)]),
    ("...->...", [()]),
    ("i...j->j...i", [(2, 3, 4, 5)]),
    ("ij, jk -> ik", [(2, 3), (3, 4)]),              # spaces
    ("ab,bc,cd,de->ae", [(2, 3), (3, 2), (2, 2), (2, 3)]),
    ("ij,ij,jk->ik", [(2, 3), (2, 3), (3, 2)]),      # an index shared by three
    ("ijij->ij", [(2, 3, 2, 3)]),
    ("ii,ij->j", [(3, 3), (3, 2)]),
    ("i,i,i", [(2,), (1,), (2,)]),
    ("ij,jk->ik", [(0, 3), (3, 2)]),                 # empty
    ("ij,jk->ik", [(2, 0), (0, 2)]),
]


@pytest.mark.parametrize("subscripts, shapes", CASES, ids=[c[0] for c in CASES])
def test_einsum_matches_numpy_and_its_gradients_match_torch(subscripts, shapes):
    operands = arrays(*shapes)
    expected = np.einsum(subscripts, *operands)
    plain = ag.einsum(subscripts, *operands)
    assert isinstance(plain, (np.ndarray, np.generic)) and np.shape(plain) == expected.shape
    np.testing.assert_allclose(plain, expected, rtol=1e-12, atol=1e-12)
    upstream = RNG.normal(size=expected.shape)
    assert_same_as_torch(
        lambda xs: our_gradients(lambda *t: ag.einsum(subscripts, *t), xs, upstream),
        lambda xs: torch_gradients(lambda *t: torch.einsum(subscripts.replace(" ", ""), *t), xs, upstream),
        operands)
    assert gradcheck(lambda *t: ag.einsum(subscripts, *t), *operands)


@pytest.mark.parametrize("subscripts, shapes", [
    ("ii->i", [(3, 3)]), ("ii", [(2, 2)]), ("iij->ij", [(2, 2, 3)]), ("ij,jk", [(2, 3), (3, 2)]),
    ("...ij,...jk", [(2, 1, 2), (1, 2, 2)]), ("i,j->", [(2,), (3,)]), ("ij,ij->", [(2, 1), (1, 3)]),
])
def test_einsum_second_derivatives(subscripts, shapes):
    assert gradgradcheck(lambda *t: (ag.einsum(subscripts, *t) ** 2).sum(), *arrays(*shapes))


EINSUM_ROW = Op(None, None, einsum_operands, values=(-2, 2))


@settings(max_examples=60, deadline=None)
@given(case=einsum_operands(EINSUM_ROW))
def test_drawn_einsums_match_numpy_forward_and_torch_gradients(case):
    """Random subscripts with shared indices (and diagonals, ``...``, broadcasting, implicit output)."""
    subscripts, operands = case.params["subscripts"], list(case.arrays)
    expected = np.einsum(subscripts, *operands)
    upstream = RNG.normal(size=expected.shape)
    assert_same_as_torch(
        lambda xs: our_gradients(lambda *t: ag.einsum(subscripts, *t), xs, upstream),
        lambda xs: torch_gradients(lambda *t: torch.einsum(subscripts, *t), xs, upstream),
        operands)


def test_einsum_takes_plain_arrays_lists_and_tensors_together():
    a, b = arrays((2, 3), (3,))
    out = ag.einsum("ij,j->i", Tensor(a, requires_grad=True), b.tolist())
    np.testing.assert_allclose(out.data, a @ b)
    assert out.op == "einsum"


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32])
def test_einsum_keeps_numpys_dtype(dtype):
    a, b = (np.arange(6).reshape(2, 3).astype(dtype), np.arange(12).reshape(3, 4).astype(dtype))
    for subscripts, operands in (("ij,jk->ik", (a, b)), ("ij->", (a,)), ("ii->i", (a[:, :2],))):
        out, expected = ag.einsum(subscripts, *operands), np.einsum(subscripts, *operands)
        assert out.dtype == expected.dtype
        np.testing.assert_array_equal(out, expected)


def test_einsum_runs_on_array_api_strict_with_diagonals_and_broadcasting():
    device = array_api_strict.Device("device1")
    a, b = arrays((2, 1, 3, 3), (4, 3))
    out = ag.einsum("...ii,ji->...j", Tensor(array_api_strict.asarray(a, device=device), requires_grad=True),
                    array_api_strict.asarray(b, device=device))
    assert_on(array_api_strict, out, device)
    np.testing.assert_allclose(np.asarray(out.numpy()), np.einsum("...ii,ji->...j", a, b), rtol=1e-12)


EINSUM_ERRORS = [
    ("ij,jk->ik", [(2, 3), (4, 5)], "index 'j' has size 3 in one operand and 4"),
    ("ij,jk", [(2, 3)], "name 2 operand"),
    ("ij", [(2, 3), (3,)], "name 1 operand"),
    ("ij", [(2, 3, 4)], "has 3 axes, but its subscripts 'ij' name 2"),
    ("ijk", [(2, 3)], "has 2 axes"),
    ("i1", [(2, 2)], "only letters"),
    ("ij->ik", [(2, 3)], "output's index 'k' is not an index"),
    ("ij->ii", [(2, 2)], "repeats index 'i'"),
    ("...i->i", [(2, 3)], "needs '...' too"),
    ("i..j", [(2, 3)], "'...'"),
    ("ij->j->i", [(2, 3)], "'->'"),
    ("ii", [(2, 3)], "repeated in operand 0 with sizes 2 and 3"),
    ("...i,...i", [(2, 3), (4, 3)], "a '...' axis has size 2 in one operand and 4"),
]


@pytest.mark.parametrize("subscripts, shapes, message", EINSUM_ERRORS, ids=[e[0] for e in EINSUM_ERRORS])
def test_einsum_errors_name_einsum_the_subscripts_and_the_shapes_where_numpy_raises(subscripts, shapes,
                                                                                    message):
    operands = arrays(*shapes)
    with pytest.raises(ValueError):
        np.einsum(subscripts, *operands)
    shown = ", ".join(map(str, shapes))
    for given_operands in (operands, [Tensor(x, requires_grad=True) for x in operands]):
        with pytest.raises(ValueError, match="einsum") as raised:
            ag.einsum(subscripts, *given_operands)
        assert message in str(raised.value) and repr(subscripts) in str(raised.value)
        assert shown in str(raised.value)


def test_einsum_errors_without_operands_and_for_the_sublist_form():
    with pytest.raises(ValueError, match="at least one operand"):
        ag.einsum("")
    with pytest.raises(TypeError, match="subscripts must be a string"):
        ag.einsum(np.ones(2), [0], [0])


# ---- tensordot, dot, inner, outer, kron -----------------------------------------------------------


@pytest.mark.parametrize("shapes, axes", [
    ([(2, 3), (3, 4)], 1), ([(2, 3), (3, 4)], np.int64(1)), ([(2, 3, 4), (3, 4, 5)], 2),
    ([(2, 3), (4, 5)], 0), ([(2, 3), (3, 2)], (1, 0)), ([(2, 3, 4), (4, 3)], ([1, 2], [1, 0])),
    ([(2, 3, 4), (4, 3)], ((-1, -2), (0, 1))), ([(3,), (3,)], 1), ([(), ()], 0), ([(2,), ()], 0),
])
def test_tensordot_matches_numpy_and_torch(shapes, axes):
    a, b = arrays(*shapes)
    expected = np.tensordot(a, b, axes)
    np.testing.assert_allclose(ag.tensordot(a, b, axes), expected, rtol=1e-12)
    upstream = RNG.normal(size=expected.shape)
    dims = int(axes) if np.ndim(axes) == 0 else tuple(list(np.atleast_1d(x)) for x in axes)
    assert_same_as_torch(
        lambda xs: our_gradients(lambda s, t: ag.tensordot(s, t, axes), xs, upstream),
        lambda xs: torch_gradients(lambda s, t: torch.tensordot(s, t, dims=dims), xs, upstream), [a, b])


@pytest.mark.parametrize("shapes, axes, error, message", [
    ([(2, 3), (4, 5)], 1, ValueError, "axis 1 of a has size 3 and axis 0 of b size 4"),
    ([(2, 3), (3, 4)], 3, ValueError, "axes=3 contracts more axes"),
    ([(2, 3), (3, 4)], ([5], [0]), IndexError, "out of bounds"),
    ([(2, 3), (3, 4)], ([0, 1], [0]), ValueError, "name 2 axes of a but 1 of b"),
])
def test_tensordot_errors(shapes, axes, error, message):
    a, b = arrays(*shapes)
    with pytest.raises((ValueError, IndexError)):
        np.tensordot(a, b, axes)
    for first in (a, Tensor(a, requires_grad=True)):
        with pytest.raises(error, match="tensordot") as raised:
            ag.tensordot(first, b, axes)
        assert message in str(raised.value)


DOT_SHAPES = [((), (3,)), ((2, 3), ()), ((), ()), ((3,), (3,)), ((2, 3), (3, 4)), ((2, 3, 4), (4,)),
              ((4,), (2, 4, 3)), ((2, 3, 4), (5, 4, 6)), ((2, 1, 3), (2, 3, 2))]


@pytest.mark.parametrize("shapes", DOT_SHAPES, ids=str)
def test_dot_has_numpys_n_d_semantics_and_torchs_gradients(shapes):
    a, b = arrays(*shapes)
    expected = np.dot(a, b)
    out = ag.dot(a, b)
    assert np.shape(out) == np.shape(expected)
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    np.testing.assert_allclose(Tensor(a).dot(b).data, expected, rtol=1e-12)

    def torch_dot(s, t):
        if s.ndim == 0 or t.ndim == 0:
            return s * t
        return torch.tensordot(s, t, dims=([s.ndim - 1], [max(t.ndim - 2, 0)]))

    upstream = RNG.normal(size=np.shape(expected))
    assert_same_as_torch(lambda xs: our_gradients(ag.dot, xs, upstream),
                         lambda xs: torch_gradients(torch_dot, xs, upstream), [a, b])


def test_dot_of_stacks_is_not_matmul():
    a, b = arrays((2, 3, 4), (2, 4, 5))
    assert ag.dot(a, b).shape == np.dot(a, b).shape == (2, 3, 2, 5) != np.matmul(a, b).shape


def test_dot_and_inner_say_which_shapes_do_not_align():
    for function, shapes in ((ag.dot, ((2, 3), (4, 5))), (ag.inner, ((2, 3), (4,)))):
        a, b = arrays(*shapes)
        with pytest.raises(ValueError):
            getattr(np, function.__name__)(a, b)
        with pytest.raises(ValueError, match=rf"{function.__name__} on inputs of shapes \(2, 3\), \(4"):
            function(Tensor(a, requires_grad=True), b)


PAIRS = [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 1, 3), (4, 3)), ((), (2, 3))]
PAIRS_OF = [(f, shapes) for f in ("inner", "outer", "kron") for shapes in PAIRS] + [
    ("outer", ((2, 2), (3,))), ("kron", ((2, 2), (3,))), ("kron", ((1, 2), (3, 1, 2)))]


@pytest.mark.parametrize("function, shapes", PAIRS_OF, ids=str)
def test_inner_outer_kron_match_numpy_and_torch(function, shapes):
    a, b = arrays(*shapes)
    expected = getattr(np, function)(a, b)
    np.testing.assert_allclose(getattr(ag, function)(a, b), expected, rtol=1e-12)
    reference = {"inner": torch.inner, "outer": lambda s, t: torch.outer(s.flatten(), t.flatten()),
                 "kron": torch.kron}[function]
    upstream = RNG.normal(size=np.shape(expected))
    assert_same_as_torch(lambda xs: our_gradients(getattr(ag, function), xs, upstream),
                         lambda xs: torch_gradients(reference, xs, upstream), [a, b])


# ---- diagonals and triangles ---------------------------------------------------------------------


@pytest.mark.parametrize("shape, offset, axis1, axis2", [
    ((3, 3), 0, 0, 1), ((2, 4), 1, 0, 1), ((4, 2), -1, 0, 1), ((2, 3), 5, 0, 1), ((2, 3), -5, 0, 1),
    ((2, 3, 4), 1, 2, 0), ((2, 3, 4), -1, -1, 1), ((1, 1), 0, 1, 0),
])
def test_diagonal_and_trace_match_numpy_and_torch(shape, offset, axis1, axis2):
    (x,) = arrays(shape)
    for name in ("diagonal", "trace"):
        expected = getattr(np, name)(x, offset, axis1, axis2)
        np.testing.assert_allclose(getattr(ag, name)(x, offset, axis1, axis2), expected, rtol=1e-12)
        np.testing.assert_allclose(getattr(Tensor(x), name)(offset, axis1, axis2).data, expected, rtol=1e-12)

        def reference(t, name=name):
            diagonal = torch.diagonal(t, offset, axis1, axis2)
            return diagonal if name == "diagonal" else diagonal.sum(-1)

        upstream = RNG.normal(size=np.shape(expected))
        assert_same_as_torch(
            lambda xs, name=name, g=upstream: our_gradients(
                lambda t: getattr(ag, name)(t, offset, axis1, axis2), xs, g),
            lambda xs, reference=reference, g=upstream: torch_gradients(reference, xs, g), [x])


def test_diag_makes_and_takes_diagonals_as_numpy_and_torch():
    for shape in ((3,), (1,), (0,), (3, 3), (2, 4)):
        for k in (-2, -1, 0, 1, 2):
            (v,) = arrays(shape)
            expected = np.diag(v, k)
            np.testing.assert_array_equal(ag.diag(v, k), expected)
            upstream = RNG.normal(size=expected.shape)
            assert_same_as_torch(lambda xs, k=k, g=upstream: our_gradients(lambda t: ag.diag(t, k), xs, g),
                                 lambda xs, k=k, g=upstream: torch_gradients(lambda t: torch.diag(t, k), xs,
                                                                             g), [v])


@pytest.mark.parametrize("name", ["tril", "triu"])
@pytest.mark.parametrize("shape", [(3,), (3, 3), (2, 4), (4, 2), (2, 3, 3)], ids=str)
def test_triangles_match_numpy_and_torch(name, shape):
    (x,) = arrays(shape)
    for k in (-2, -1, 0, 1, 3):
        expected = getattr(np, name)(x, k)
        np.testing.assert_array_equal(getattr(ag, name)(x, k), expected)
        if x.ndim > 1:  # torch takes matrices only (NumPy's 1-D x is every row)
            upstream = RNG.normal(size=expected.shape)
            assert_same_as_torch(
                lambda xs, k=k, g=upstream: our_gradients(lambda t: getattr(ag, name)(t, k), xs, g),
                lambda xs, k=k, g=upstream: torch_gradients(lambda t: getattr(torch, name)(t, k), xs, g), [x])


def test_triangles_and_diagonals_keep_numpys_dtype():
    x = np.arange(9, dtype=np.int32).reshape(3, 3)
    for ours, theirs in ((ag.tril(x), np.tril(x)), (ag.triu(x, 1), np.triu(x, 1)),
                         (ag.diag(x[0]), np.diag(x[0])),
                         (ag.diagonal(x), np.diagonal(x)), (ag.trace(x), np.trace(x)),
                         (ag.tril(x > 3), np.tril(x > 3)), (ag.diag(x[0] > 0), np.diag(x[0] > 0))):
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)


def test_triangle_of_inf_is_zero_off_the_triangle_and_its_gradient_too():
    x = Tensor(np.full((2, 2), np.inf), requires_grad=True)
    out = ag.tril(x)
    np.testing.assert_array_equal(out.data, np.tril(np.full((2, 2), np.inf)))
    out.backward(np.ones((2, 2)))
    np.testing.assert_array_equal(x.grad, np.tril(np.ones((2, 2))))


@pytest.mark.parametrize("call, numpy_call, error, message", [
    (lambda x: ag.diagonal(x), lambda x: np.diagonal(x), ValueError, "2 dimensions at least"),
    (lambda x: ag.diagonal(np.ones((2, 2)), 0, 1, -1), lambda x: np.diagonal(np.ones((2, 2)), 0, 1, -1),
     ValueError, "axis1 and axis2 are the same"),
    (lambda x: ag.diagonal(np.ones((2, 2)), 0, 0, 2), lambda x: np.diagonal(np.ones((2, 2)), 0, 0, 2),
     IndexError, "out of bounds"),
    (lambda x: ag.diag(np.ones((2, 2, 2))), lambda x: np.diag(np.ones((2, 2, 2))), ValueError, "1-D or 2-D"),
    (lambda x: ag.tril(np.float64(1.0)), lambda x: np.tril(np.float64(1.0)), ValueError, "1 dimension"),
])
def test_diagonal_errors(call, numpy_call, error, message):
    x = np.ones(3)
    with pytest.raises((ValueError, TypeError, IndexError)):
        numpy_call(x)
    with pytest.raises(error, match=message):
        call(Tensor(x, requires_grad=True))
