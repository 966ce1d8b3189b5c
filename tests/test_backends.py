"""The engine on every back end of the ``xp`` fixture (NumPy and array-api-strict): the backward
pass, gradients adding up, higher order, retain_grad, no_grad, detach, in-place updates, broadcast
gradients, dtypes; and the gradient-checking toolkit on any back end.

Inputs are written on the host and converted with ``xp.asarray`` onto the ``device`` fixture's
device (array-api-strict's "device1", where a NumPy call raises). Each result must be an array of
``xp`` there (``helpers.assert_on``) and agree with the formula computed on the host to 1e-12.
"""

import array_api_strict as xps
import numpy as np
import pytest
from helpers import assert_on, host
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import autograd_lite as ag
from autograd_lite import Tensor, backend, no_grad
from autograd_lite.testing import GradcheckError, gradcheck, gradgradcheck, numerical_grad
from autograd_lite.testing import strategies as agst

W = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
B = np.array([0.1, -0.2, 0.3])


def leaf(xp, device, values):
    return Tensor(xp.asarray(np.asarray(values, dtype=np.float64), device=device), requires_grad=True)


def test_backward_gives_each_leaf_its_gradient_on_its_own_back_end(xp, device):
    w = leaf(xp, device, W)
    x = xp.asarray(B, device=device)
    loss = (w * x).tanh().sum()
    assert_on(xp, loss, device)
    loss.backward()
    assert_on(xp, w.grad, device)
    assert_allclose(host(w.grad), (1 - np.tanh(W * B) ** 2) * B, rtol=1e-12)


def test_gradients_add_up_over_two_backward_calls(xp, device):
    w = leaf(xp, device, B)
    (w * w).sum().backward()
    (3.0 * w).sum().backward()
    assert_on(xp, w.grad, device)
    assert_allclose(host(w.grad), 2 * B + 3, rtol=1e-12)
    w.zero_grad()
    (w * 2.0).sum().backward()
    assert_allclose(host(w.grad), np.full(3, 2.0), rtol=1e-12)


def test_create_graph_gives_gradients_that_are_differentiated_again(xp, device):
    x = leaf(xp, device, B)
    (g,) = ag.gradients((x ** 3).sum(), [x], create_graph=True)
    assert isinstance(g, Tensor) and g.requires_grad
    assert_on(xp, g, device)
    assert_allclose(host(g), 3 * B ** 2, rtol=1e-12)
    (h,) = ag.gradients(g.sum(), [x])
    assert_on(xp, h, device)
    assert_allclose(host(h), 6 * B, rtol=1e-12)


def test_retain_grad_keeps_an_intermediate_gradient(xp, device):
    x = leaf(xp, device, B)
    y = x * 2.0
    y.retain_grad()
    (y * y).sum().backward()
    assert_on(xp, y.grad, device)
    assert_allclose(host(y.grad), 4 * B, rtol=1e-12)
    assert_allclose(host(x.grad), 8 * B, rtol=1e-12)


def test_no_grad_records_nothing(xp, device):
    x = leaf(xp, device, B)
    with no_grad():
        y = (x * 2.0).exp()
    assert not y.requires_grad and y.is_leaf
    assert_on(xp, y, device)
    assert_allclose(host(y), np.exp(2 * B), rtol=1e-12)


def test_detach_cuts_the_graph_and_keeps_the_data_where_it_is(xp, device):
    x = leaf(xp, device, B)
    d = (x * 2.0).detach()
    assert not d.requires_grad and d.is_leaf
    assert_on(xp, d, device)
    (d * x).sum().backward()
    assert_allclose(host(x.grad), 2 * B, rtol=1e-12)     # d is a constant: only x's own factor


def test_in_place_updates_under_no_grad_stay_on_the_back_end(xp, device):
    w = leaf(xp, device, B)
    (w * w).sum().backward()
    with no_grad():
        w -= 0.1 * w.grad
        w *= 2.0
        w += 1.0
        w /= 4.0
    assert_on(xp, w, device)
    assert w.requires_grad and w.is_leaf
    assert_allclose(host(w), ((B - 0.2 * B) * 2 + 1) / 4, rtol=1e-12)


def test_an_in_place_update_of_a_leaf_while_recording_raises_and_changes_nothing(xp, device):
    w = leaf(xp, device, B)
    with pytest.raises(RuntimeError, match="no_grad"):
        w += 1.0
    assert_allclose(host(w), B, rtol=0)
    assert_on(xp, w, device)


def test_broadcast_gradients_are_summed_back_to_each_inputs_shape(xp, device):
    a, b = leaf(xp, device, W), leaf(xp, device, B)                      # (2, 3) and (3,)
    c, s = leaf(xp, device, [[2.0], [-1.0]]), leaf(xp, device, 0.5)      # (2, 1) and ()
    (a * b + c * s).sum().backward()
    for t, shape in ((a, (2, 3)), (b, (3,)), (c, (2, 1)), (s, ())):
        assert_on(xp, t.grad, device)
        assert tuple(t.grad.shape) == shape
    assert_allclose(host(a.grad), np.broadcast_to(B, (2, 3)), rtol=1e-12)
    assert_allclose(host(b.grad), W.sum(axis=0), rtol=1e-12)
    assert_allclose(host(c.grad), np.full((2, 1), 3 * 0.5), rtol=1e-12)
    assert_allclose(host(s.grad), 3 * (2.0 - 1.0), rtol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_operations_and_gradients_keep_the_dtype(xp, device, dtype):
    x = Tensor(xp.asarray(B.astype(dtype), device=device), requires_grad=True)
    y = ((x * 2.0 + 1.0).exp() / 3.0).sum()
    y.backward()
    assert backend.dtype_name(y.dtype) == dtype
    assert backend.dtype_name(x.grad.dtype) == dtype
    assert_on(xp, x.grad, device)


def test_integer_data_that_requires_grad_becomes_float64_with_a_warning(xp, device):
    with pytest.warns(UserWarning, match="float64"):
        t = Tensor(xp.asarray([1, 2, 3], device=device), requires_grad=True)
    assert backend.dtype_name(t.dtype) == "float64"
    assert_on(xp, t, device)


def test_a_tensor_of_a_strict_array_keeps_its_namespace_and_device():
    device = xps.Device("device1")
    x = xps.asarray([1.0, 2.0], device=device)
    t = Tensor(x, requires_grad=True)
    assert t.device == device
    assert_on(xps, t, device)
    assert ag.backend.namespace(t.data) is xps
    with pytest.raises(TypeError, match="numpy"):   # no silent move to the host
        np.asarray(t)
    x[0] = 5.0                                      # Tensor copies: the tensor does not see it
    assert_allclose(host(t), [1.0, 2.0], rtol=0)
    (t * t).sum().backward()
    assert_on(xps, t.grad, device)


def test_integer_data_on_a_device_without_float64_becomes_float32():
    device = xps.Device("no_float64")
    with pytest.warns(UserWarning, match="float32"):
        t = Tensor(xps.asarray([1, 2], device=device), requires_grad=True)
    assert backend.dtype_name(t.dtype) == "float32"
    assert t.device == device


# ---- the gradient-checking toolkit on any back end -------------------------------------------


def test_gradcheck_calls_f_on_tensors_of_the_inputs_back_end_and_device(xp, device):
    seen = []

    def f(x, y):
        seen.append((type(x.data), x.device, type(y.data)))
        return (x * y).tanh()                       # a non-scalar output: projected on a random r

    assert gradcheck(f, xp.asarray(W, device=device), Tensor(xp.asarray(B, device=device)))
    kind = type(xp.asarray(0.0))
    assert seen and all(a is kind and b is kind for a, _, b in seen)
    if device is not None:
        assert {where for _, where, _ in seen} == {device}


def test_gradgradcheck_and_numerical_grad_on_any_back_end(xp, device):
    x = xp.asarray(B, device=device)
    assert gradgradcheck(lambda t: (t.tanh() * t).sum(), x)
    (numeric,) = numerical_grad(lambda t: (t * t).sum(), x)
    assert isinstance(numeric, np.ndarray)            # finite differences are host data
    assert_allclose(numeric, 2 * B, rtol=1e-8)


def test_gradcheck_still_finds_a_wrong_gradient_on_any_back_end(xp, device):
    @ag.primitive
    def off_by_one_percent(x):
        return x * x

    off_by_one_percent.defvjp(lambda g, out, x: g * 2.02 * x)
    with pytest.raises(GradcheckError, match="off_by_one_percent"):
        gradcheck(lambda t: off_by_one_percent(t).sum(), xp.asarray(B, device=device))


def test_gradcheck_in_float32_warns_why_and_uses_float32_tolerances():
    x = xps.asarray(B.astype(np.float32), device=xps.Device("no_float64"))
    with pytest.warns(UserWarning, match=r"has no float64.*float32 tolerances.*atol=0\.001.*rtol=0\.01"):
        assert gradcheck(lambda t: (t.tanh() * t).sum(), x)
    with pytest.warns(UserWarning, match="float32 tolerances"):    # a float32 array where float64 exists
        assert gradcheck(lambda t: (t * t).sum(), np.ones(2, np.float32))


def test_gradcheck_of_integers_on_a_device_without_float64_checks_them_in_float32():
    seen = []

    def f(t):
        seen.append(backend.dtype_name(t.dtype))
        return (t * t).sum()

    with pytest.warns(UserWarning, match="float32"):
        assert gradcheck(f, xps.asarray([1, 2], device=xps.Device("no_float64")))
    assert set(seen) == {"float32"}


@settings(max_examples=10)
@given(data=st.data())
def test_the_tensors_strategy_draws_leaves_of_any_back_end(xp, device, data):
    t = data.draw(agst.tensors(xp=xp, device=device, min_value=-2, max_value=2))
    assert isinstance(t, Tensor) and t.requires_grad
    assert_on(xp, t, device)
    assert gradcheck(lambda u: (u.tanh() * u).sum(), t)
