"""What the op-table rows of prod, std, the scans and the order statistics cannot express: gradients
at zeros, ties and zero variance against PyTorch's conventions, the ops without a gradient (argmax,
argmin, argsort, any, all) against NumPy, and the errors.
"""

import contextlib

import array_api_strict
import numpy as np
import pytest
import torch
from helpers import assert_on, host

import autograd_lite as ag
from autograd_lite import Tensor, reductions, scans, sorting
from autograd_lite.parameters import AxisError
from autograd_lite.testing import gradcheck, gradgradcheck

prod, std = reductions.prod, reductions.std
_nothing = contextlib.nullcontext


def torch_grad(function, x, *args, **kwargs):
    """The value and the gradient of Σ r·function(x) in PyTorch (float64), for a fixed random r."""
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    out = function(t, *args, **kwargs)
    r = torch.from_numpy(np.random.default_rng(1).normal(size=tuple(out.shape)))
    (out * r).sum().backward()
    return out.detach().numpy(), t.grad.numpy(), r.numpy()


def our_grad(function, x, r, *args, **kwargs):
    t = Tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    out = function(t, *args, **kwargs)
    (out * r).sum().backward()
    return out.data, t.grad


# ---- prod: zeros as PyTorch ----------------------------------------------------------------------

ZEROS = {  # rows with no, one, two and three zeros
    "none": [[2.0, -3.0, 0.5, 4.0]],
    "one": [[2.0, 0.0, -3.0, 4.0]],
    "two": [[0.0, 2.0, 0.0, 3.0]],
    "three": [[0.0, 0.0, 5.0, 0.0]],
    "mixed": [[2.0, 0.0, -3.0, 4.0], [0.0, 2.0, 0.0, 3.0], [1.5, 2.0, -1.0, 3.0]],
}


@pytest.mark.parametrize("rows", list(ZEROS), ids=list(ZEROS))
@pytest.mark.parametrize("dim", [None, 0, 1, -1])
def test_prod_gradient_with_zeros_is_pytorchs(rows, dim):
    x = np.array(ZEROS[rows])
    function = (lambda t: t.prod()) if dim is None else (lambda t: t.prod(dim=dim))
    expected, expected_grad, r = torch_grad(function, x)
    value, grad = our_grad(lambda t: prod(t, axis=dim), x, r)
    np.testing.assert_allclose(value, expected, rtol=1e-15)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-15, atol=0)


@pytest.mark.parametrize("rows", list(ZEROS), ids=list(ZEROS))
def test_prod_second_order_is_exact_at_zeros(rows):
    """The hessian of a product with zeros: against PyTorch's and against finite differences."""
    x = np.array(ZEROS[rows]).ravel()
    expected = torch.autograd.functional.hessian(lambda t: t.prod(), torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ag.hessian(lambda u: prod(u))(x), expected, rtol=1e-14, atol=0)
    grid = np.array(ZEROS[rows])
    for axis in (None, 1, (0, 1)):
        assert gradgradcheck(lambda u, axis=axis: prod(u, axis=axis, keepdims=True), grid)


def test_prod_with_zeros_over_a_tuple_of_axes_and_on_array_api_strict():
    x = np.array([[[0.0, 2.0], [3.0, 1.0]], [[1.0, 2.0], [0.0, 0.0]]])
    expected, expected_grad, r = torch_grad(lambda t: t.prod(dim=2).prod(dim=0), x)
    value, grad = our_grad(lambda t: prod(t, axis=(0, 2)), x, r)
    np.testing.assert_allclose(value, expected)
    np.testing.assert_allclose(grad, expected_grad)
    device = array_api_strict.Device("device1")
    t = Tensor(array_api_strict.asarray(x, device=device), requires_grad=True)
    (prod(t, axis=(0, 2)) * array_api_strict.asarray(r, device=device)).sum().backward()
    assert_on(array_api_strict, t.grad, device)
    np.testing.assert_allclose(host(t.grad), expected_grad)


def test_prod_keeps_numpys_dtypes():
    for dtype in (np.int32, np.int64, np.float32, np.bool_):
        x = np.array([1, 2, 3]).astype(dtype)
        assert prod(x).dtype == np.prod(x).dtype
        assert prod(Tensor(x)).dtype == np.prod(x).dtype


# ---- cumsum, cumprod, logcumsumexp ---------------------------------------------------------------


@pytest.mark.parametrize("rows", list(ZEROS), ids=list(ZEROS))
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cumprod_gradient_with_zeros_is_pytorchs(rows, dim):
    x = np.array(ZEROS[rows])
    expected, expected_grad, r = torch_grad(torch.cumprod, x, dim=dim)
    value, grad = our_grad(lambda t: scans.cumprod(t, axis=dim), x, r)
    np.testing.assert_allclose(value, expected, rtol=1e-15)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("x", [[2.0, 0.0, -3.0, 4.0], [0.0, 2.0, 3.0], [1.5, -2.0, 0.0]])
def test_cumprod_second_order_is_exact_with_one_zero(x):
    x = np.array(x)
    assert gradgradcheck(lambda u: scans.cumprod(u), x)
    weights = np.random.default_rng(2).normal(size=x.size)
    def weighted(t):
        return (torch.cumprod(t, 0) * torch.from_numpy(weights)).sum()

    expected = torch.autograd.functional.hessian(weighted, torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ag.hessian(lambda u: (scans.cumprod(u) * weights).sum())(x), expected,
                               rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("function", [scans.cumsum, scans.cumprod], ids=["cumsum", "cumprod"])
def test_scans_flatten_for_axis_none_and_scan_0d_arrays_as_numpy(function, xp):
    reference = getattr(np, function.__name__)
    for x, axis in ((np.arange(1.0, 7.0).reshape(2, 3), None), (np.float64(3.0), None), (np.array(3.0), 0),
                    (np.array(3.0), -1), (np.arange(1.0, 7.0).reshape(2, 3), -2)):
        out = function(Tensor(xp.asarray(x), requires_grad=True), axis=axis)
        np.testing.assert_array_equal(host(out), reference(x, axis=axis))
        assert gradcheck(lambda u, axis=axis: function(u, axis=axis), xp.asarray(x))


def test_scans_keep_numpys_integer_dtypes():
    x = np.array([1, 2, 3], dtype=np.int32)
    assert scans.cumsum(x).dtype == np.cumsum(x).dtype
    assert scans.cumprod(x).dtype == np.cumprod(x).dtype


def test_logcumsumexp_is_stable_at_any_magnitude_and_its_gradient_is_pytorchs():
    x = np.array([[-1000.0, 0.0, 1000.0, 999.0, -5.0], [3.0, 700.0, -700.0, 800.0, 800.0]])
    for dim in (0, 1, -1):
        expected, expected_grad, r = torch_grad(torch.logcumsumexp, x, dim=dim)
        value, grad = our_grad(lambda t, dim=dim: scans.logcumsumexp(t, axis=dim), x, r)
        np.testing.assert_allclose(value, expected, rtol=1e-14)
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-10, atol=1e-300)


# ---- std and var with ddof -----------------------------------------------------------------------


@pytest.mark.parametrize("ddof", [0, 1, 2])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 1)])
def test_std_and_var_with_ddof_match_numpy_and_pytorch(ddof, axis):
    x = np.random.default_rng(3).normal(size=(3, 4))
    dim = None if axis is None else axis
    for ours, theirs, name in ((std, torch.std, "std"), (reductions.var, torch.var, "var")):
        expected, expected_grad, r = torch_grad(theirs, x, dim=dim, correction=ddof)
        value, grad = our_grad(lambda t, ours=ours: ours(t, axis=axis, ddof=ddof), x, r)
        np.testing.assert_allclose(value, getattr(np, name)(x, axis=axis, ddof=ddof), rtol=1e-13)
        np.testing.assert_allclose(value, expected, rtol=1e-13)
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-12)


@pytest.mark.parametrize("x", [np.array(2.0), np.array([5.0]), np.array([[1.5, 1.5], [2.0, 3.0]])])
def test_std_gradient_at_zero_variance_is_0_as_pytorch(x):
    for axis in ([None, 0, 1] if x.ndim == 2 else [None]):
        expected, expected_grad, r = torch_grad(torch.std, x, dim=axis, correction=0)
        value, grad = our_grad(lambda t, axis=axis: std(t, axis=axis), x, r)
        np.testing.assert_allclose(value, expected, rtol=1e-14)
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-14, atol=0)  # its zeros exactly 0
        assert np.isfinite(grad).all()


def test_std_method_records_the_same_op_and_checks_its_arguments():
    t = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert t.std(axis=1, ddof=1).op == "std"
    np.testing.assert_allclose(t.std(axis=1, ddof=1).data, np.std(t.data, axis=1, ddof=1))
    with pytest.raises(AxisError, match="std"):
        std(t, axis=2)
    with pytest.raises(AxisError, match="std"):
        std(Tensor(1.0, requires_grad=True), axis=0)
    with pytest.raises(TypeError, match="std: ddof"):
        std(t, axis=0, ddof="1")


# ---- sort, argsort: stable, as NumPy's kind="stable" and torch.sort(stable=True) -----------------


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_sort_ties_send_the_gradient_as_pytorchs_stable_sort(dim):
    x = np.array([[2.0, 1.0, 2.0, 1.0], [3.0, 3.0, 3.0, 0.0], [1.0, 2.0, 1.0, 2.0]])
    expected, expected_grad, r = torch_grad(lambda t: torch.sort(t, dim=dim, stable=True).values, x)
    value, grad = our_grad(lambda t: sorting.sort(t, axis=dim), x, r)
    np.testing.assert_array_equal(value, expected)
    np.testing.assert_array_equal(grad, expected_grad)
    np.testing.assert_array_equal(sorting.argsort(x, axis=dim), np.argsort(x, axis=dim, kind="stable"))
    np.testing.assert_array_equal(sorting.argsort(x, axis=dim),
                                  torch.sort(torch.from_numpy(x), dim=dim, stable=True).indices.numpy())


def test_sort_and_argsort_on_array_api_strict_and_with_axis_none(xp, device):
    x = np.array([[2.0, 1.0, 2.0], [0.5, 2.0, -1.0]])
    t = Tensor(xp.asarray(x, device=device), requires_grad=True)
    out = sorting.sort(t, axis=None)
    np.testing.assert_array_equal(host(out), np.sort(x, axis=None, kind="stable"))
    weights = np.arange(1.0, 7.0)
    (out * xp.asarray(weights, device=device)).sum().backward()
    grad = np.empty(6)
    grad[np.argsort(x, axis=None, kind="stable")] = weights
    np.testing.assert_array_equal(host(t.grad), grad.reshape(2, 3))
    np.testing.assert_array_equal(host(t.argsort()), np.argsort(x, kind="stable"))
    np.testing.assert_array_equal(host(sorting.argsort(t, axis=None)),
                                  np.argsort(x, axis=None, kind="stable"))


def test_there_is_no_tensor_sort_method_as_numpys_sorts_in_place():
    assert not hasattr(Tensor, "sort")
    assert "argsort" in dir(Tensor)


def test_sort_errors_name_the_op():
    with pytest.raises(AxisError, match="sort on inputs of shapes \\(\\): axis -1"):
        sorting.sort(Tensor(1.0, requires_grad=True), axis=-1)
    with pytest.raises(AxisError, match="sort on inputs of shapes \\(2, 3\\): axis 2"):
        sorting.sort(Tensor(np.ones((2, 3)), requires_grad=True), axis=2)
    with pytest.raises(AxisError, match="argsort"):
        sorting.argsort(np.ones(3), axis=1)
    np.testing.assert_array_equal(sorting.sort(Tensor(1.0, requires_grad=True), axis=None).data, [1.0])


# ---- median, quantile: NumPy's forward, PyTorch's gradient --------------------------------------


@pytest.mark.parametrize("method", ["linear", "lower", "higher", "nearest", "midpoint"])
@pytest.mark.parametrize("q", [0.0, 0.3, 0.5, 0.75, 1.0, [0.1, 0.5, 0.9]])
@pytest.mark.parametrize("axis", [None, 0, -1])
def test_quantile_matches_numpy_forward_and_pytorch_gradient(method, q, axis):
    x = np.random.default_rng(4).permutation(20).reshape(4, 5) * 0.5 - 3.0
    expected, expected_grad, r = torch_grad(torch.quantile, x, torch.tensor(q, dtype=torch.float64), dim=axis,
                                            interpolation=method)
    value, grad = our_grad(lambda t: sorting.quantile(t, q, axis=axis, method=method), x, r)
    np.testing.assert_allclose(value, np.quantile(x, q, axis=axis, method=method), rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(value, expected, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [None, 1, -1, (0, 2), (-1, 0)])
def test_median_and_quantile_take_numpys_axes_and_keepdims(xp, device, axis, keepdims):
    x = np.random.default_rng(5).normal(size=(2, 3, 4))
    t = Tensor(xp.asarray(x, device=device), requires_grad=True)
    np.testing.assert_allclose(host(sorting.median(t, axis=axis, keepdims=keepdims)),
                               np.median(x, axis=axis, keepdims=keepdims), rtol=1e-14)
    np.testing.assert_allclose(host(sorting.quantile(t, [0.2, 0.9], axis=axis, keepdims=keepdims)),
                               np.quantile(x, [0.2, 0.9], axis=axis, keepdims=keepdims), rtol=1e-14)


def test_median_of_an_even_count_is_numpys_mean_of_the_middle_two_not_torchs_lower_one():
    x = np.array([4.0, 1.0, 3.0, 2.0])
    t = Tensor(x, requires_grad=True)
    sorting.median(t).backward()
    np.testing.assert_array_equal(t.grad, [0.0, 0.0, 0.5, 0.5])
    assert sorting.median(x) == np.median(x) == 2.5
    assert torch.median(torch.from_numpy(x)).item() == 2.0  # PyTorch's median: the lower middle one
    _, expected_grad, _ = torch_grad(lambda u: torch.quantile(u, 0.5), x)
    t = Tensor(x, requires_grad=True)
    (sorting.median(t) * np.random.default_rng(1).normal(size=())).backward()
    np.testing.assert_allclose(t.grad, expected_grad)


def test_quantile_errors_name_the_op():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match="quantile: q must be in the range"):
        sorting.quantile(x, 1.5)
    with pytest.raises(ValueError, match="quantile: method"):
        sorting.quantile(x, 0.5, method="hazen")
    with pytest.raises(AxisError, match="quantile"):
        sorting.quantile(x, 0.5, axis=2)
    with pytest.raises(AxisError, match="median on inputs of shapes \\(\\): axis 0"):
        sorting.median(Tensor(1.0), axis=0)
    with pytest.raises(AxisError, match="median on inputs of shapes \\(2, 3\\): axis -3"):
        sorting.median(x, axis=(0, -3))
    with pytest.raises(ValueError, match="quantile on inputs of shapes \\(0, 3\\): no elements"):
        sorting.quantile(np.ones((0, 3)), 0.5, axis=0)  # (NumPy: an IndexError from inside)


@pytest.mark.parametrize("x, axis", [(np.ones(0), None), (np.ones((0, 3)), 0), (np.ones((0, 3)), 1),
                                     (np.array([1.0, np.inf]), None), (np.array([-np.inf, np.inf]), None),
                                     (np.array([np.inf]), None), (np.array([1, 2], dtype=np.int32), None),
                                     (np.array([True, False, True]), None)])
def test_median_matches_numpy_on_empty_infinite_integer_and_bool_input(x, axis):
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning) if x.size == 0 and axis != 1 else _nothing():
        expected = np.median(x, axis=axis)
    with np.errstate(all="ignore"):
        ours = sorting.median(Tensor(x), axis=axis)
    assert ours.dtype == np.asarray(expected).dtype
    np.testing.assert_array_equal(ours.data, expected)


# ---- argmax, argmin, any, all: plain data, as NumPy -----------------------------------------------

ARRAYS = [np.array(2.0), np.array([1.0, 3.0, 3.0, -1.0]),
          np.array([[1.0, 5.0, 5.0], [7.0, 0.0, 7.0]]), np.arange(24.0).reshape(2, 3, 4) % 5]


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("x", ARRAYS, ids=lambda x: str(x.shape))
def test_argmax_and_argmin_are_numpys_plain_data(name, x, xp, device):
    ours = getattr(sorting, name)
    for axis in [None] + list(range(-max(x.ndim, 1), max(x.ndim, 1))):
        for keepdims in (False, True):
            t = Tensor(xp.asarray(x, device=device), requires_grad=True)
            expected = getattr(np, name)(x, axis=axis, keepdims=keepdims)
            by_method = getattr(t, name)(axis=axis, keepdims=keepdims)
            for out in (ours(t, axis=axis, keepdims=keepdims), by_method):
                assert not isinstance(out, Tensor)
                assert host(out).shape == np.shape(expected)
                np.testing.assert_array_equal(host(out), expected)


@pytest.mark.parametrize("name", ["any", "all"])
@pytest.mark.parametrize("x", ARRAYS + [np.array([[0.0, 0.0], [0.0, 1.0]]), np.ones((2, 0))],
                         ids=lambda x: str(x.shape))
def test_any_and_all_are_numpys_plain_bools(name, x, xp, device):
    ours = getattr(sorting, name)
    axes = [None] + list(range(-x.ndim, x.ndim)) + ([(0, -1)] if x.ndim > 1 else [])
    for axis in axes:
        for keepdims in (False, True):
            t = Tensor(xp.asarray(x, device=device))
            expected = getattr(np, name)(x, axis=axis, keepdims=keepdims)
            by_method = getattr(t, name)(axis=axis, keepdims=keepdims)
            for out in (ours(t, axis=axis, keepdims=keepdims), by_method):
                assert not isinstance(out, Tensor)
                assert host(out).dtype == np.bool_ and host(out).shape == np.shape(expected)
                np.testing.assert_array_equal(host(out), expected)


def test_argmax_argmin_any_all_errors_name_the_op():
    x = Tensor(np.ones((2, 3)))
    for name in ("argmax", "argmin", "any", "all"):
        with pytest.raises(AxisError, match=f"{name} on inputs of shapes \\(2, 3\\): axis -3"):
            getattr(sorting, name)(x, axis=-3)
        with pytest.raises(TypeError, match=f"{name}: invalid keepdims"):
            getattr(sorting, name)(x, axis=0, keepdims="yes")
    with pytest.raises(TypeError, match="argmax: axis must be an integer"):
        sorting.argmax(x, axis=(0, 1))
    for name in ("argmax", "argmin"):
        with pytest.raises(ValueError, match=f"{name} on inputs of shapes \\(0, 3\\): attempt to get"):
            getattr(sorting, name)(np.ones((0, 3)), axis=0)
        assert getattr(sorting, name)(np.ones((0, 3)), axis=1).shape == (0,)
    with pytest.raises(TypeError, match="cumsum: axis must be an integer"):
        scans.cumsum(Tensor(np.ones((2, 3)), requires_grad=True), axis=(0, 1))
    with pytest.raises(AxisError, match="cumprod on inputs of shapes \\(2, 3\\): axis 2"):
        scans.cumprod(Tensor(np.ones((2, 3)), requires_grad=True), axis=2)
    with pytest.raises(AxisError, match="logcumsumexp on inputs of shapes \\(2, 3\\): axis -3"):
        scans.logcumsumexp(Tensor(np.ones((2, 3)), requires_grad=True), axis=-3)
    with pytest.raises(AxisError, match="prod on inputs of shapes \\(2, 3\\): axis 5"):
        prod(Tensor(np.ones((2, 3)), requires_grad=True), axis=(0, 5))


# ---- PyTorch's spellings, NumPy's kind, NaN ------------------------------------------------------


def test_pytorchs_dim_and_keepdim_mean_what_they_mean_in_pytorch():
    x = np.array([[3.0, 1.0, 3.0], [0.0, 5.0, 4.0]])
    t, tt = Tensor(x, requires_grad=True), torch.from_numpy(x)
    values, indices = sorting.sort(t, dim=1)  # PyTorch's (values, indices)
    expected = torch.sort(tt, dim=1, stable=True)
    np.testing.assert_array_equal(values.data, expected.values.numpy())
    np.testing.assert_array_equal(indices, expected.indices.numpy())
    assert values.op == "sort"
    np.testing.assert_array_equal(sorting.argmax(t, dim=1, keepdim=True),
                                  torch.argmax(tt, dim=1, keepdim=True))
    np.testing.assert_array_equal(sorting.argmin(t, dim=0), torch.argmin(tt, dim=0))
    np.testing.assert_array_equal(sorting.any(t, dim=0), torch.any(tt, dim=0))
    np.testing.assert_array_equal(sorting.all(t, dim=1, keepdim=True), torch.all(tt, dim=1, keepdim=True))
    np.testing.assert_allclose(sorting.quantile(t, 0.3, dim=1).data, torch.quantile(tt, 0.3, dim=1))
    np.testing.assert_allclose(scans.logcumsumexp(t, dim=0).data, torch.logcumsumexp(tt, dim=0))
    np.testing.assert_array_equal(scans.cumsum(t, dim=1).data, torch.cumsum(tt, dim=1))
    np.testing.assert_array_equal(prod(t, dim=0, keepdim=True).data, torch.prod(tt, dim=0, keepdim=True))
    with pytest.raises(TypeError, match="median: dim= is PyTorch's spelling"):
        sorting.median(t, dim=0)
    with pytest.raises(TypeError, match="median: dim= is PyTorch's spelling"):
        sorting.median(t, keepdim=True)


def test_every_kind_of_numpys_sorts_sorts_stably():
    x = np.array([2.0, 1.0, 2.0, 1.0, 0.0])
    for kind in (None, "quicksort", "mergesort", "heapsort", "stable"):
        np.testing.assert_array_equal(sorting.argsort(x, kind=kind), np.argsort(x, kind="stable"))
        np.testing.assert_array_equal(sorting.sort(Tensor(x, requires_grad=True), kind=kind).data, np.sort(x))
    with pytest.raises(ValueError, match="sort: kind must be one of"):
        sorting.sort(Tensor(x, requires_grad=True), kind="bubble")
    with pytest.raises(ValueError, match="argsort: kind must be one of"):
        sorting.argsort(x, kind="bubble")


def test_quantile_and_median_of_lines_with_nan_are_nan_as_numpys():
    x = np.array([[1.0, np.nan, 3.0], [4.0, 2.0, 0.0]])
    for axis in (None, 0, 1):
        np.testing.assert_array_equal(sorting.median(Tensor(x), axis=axis).data, np.median(x, axis=axis))
        np.testing.assert_array_equal(sorting.quantile(x, [0.0, 0.7], axis=axis),
                                      np.quantile(x, [0.0, 0.7], axis=axis))
