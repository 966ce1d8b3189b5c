"""The Tensor surface: construction, mixing with NumPy, gradient semantics, errors, memory."""

import gc
import weakref

import numpy as np
import pytest
from hypothesis import given

import autograd_lite as ag
from autograd_lite import ShapeError, Tensor
from autograd_lite.testing import GradcheckError, gradcheck, numerical_grad
from autograd_lite.testing import strategies as agst


def leaf(values, dtype=np.float64):
    return Tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def test_the_issue_example():
    rng = np.random.default_rng(0)
    W = Tensor(rng.normal(size=(3, 4)), requires_grad=True)
    b = Tensor(np.zeros(4), requires_grad=True)
    x = rng.normal(size=(8, 3))
    loss = ((x @ W + b).tanh() ** 2).mean()
    loss.backward()
    assert W.grad.shape == (3, 4) and b.grad.shape == (4,)
    assert W.grad.dtype == np.float64 and isinstance(W.grad, np.ndarray)
    h = ag.hessian(lambda w: (w ** 3).sum())(np.ones(3))
    np.testing.assert_array_equal(h, 6 * np.eye(3))
    assert gradcheck(lambda W, b: (x @ W + b).sigmoid().sum(), W, b)


def test_attributes_and_repr():
    t = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert (t.shape, t.ndim, t.size, len(t), t.dtype) == ((2, 2), 2, 4, 2, np.float64)
    assert t[0, 1].item() == 2.0 and isinstance(t.numpy(), np.ndarray)
    assert repr(t) == "Tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)"
    assert "op='add'" in repr(t + 1) and "dtype=float32" in repr(Tensor(np.ones(2, np.float32)))


def test_numpy_arrays_and_numbers_mix_in_on_either_side():
    t = leaf([1.0, 2.0])
    a = np.array([10.0, 20.0])
    for result in (a + t, t + a, a * t, a - t, a / t, a ** t, 2 * t, 2 - t, 1 / t):
        assert isinstance(result, Tensor)
    (a @ t).backward()
    np.testing.assert_array_equal(t.grad, a)


@given(agst.broadcastable_arrays(2, max_dims=4, max_side=3))
def test_gradients_are_reduced_to_each_input_shape(xy):
    x, y = leaf(xy[0]), leaf(xy[1])
    (x * y).sum().backward()
    assert x.grad.shape == x.shape and y.grad.shape == y.shape
    expected_x, expected_y = numerical_grad(lambda a, b: (a * b).sum(), *xy)
    np.testing.assert_allclose(x.grad, expected_x, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(y.grad, expected_y, rtol=1e-6, atol=1e-6)


def test_a_tensor_used_several_times_accumulates():
    x = leaf([1.0, -2.0])
    (x * x + x).sum().backward()
    np.testing.assert_array_equal(x.grad, 2 * x.data + 1)


def test_backward_twice_adds_up_and_zero_grad_clears():
    x = leaf([1.0, 2.0])
    y = (x ** 2).sum()
    y.backward()
    y.backward()
    np.testing.assert_array_equal(x.grad, 2 * (2 * x.data))   # accumulated, as in PyTorch
    x.zero_grad()
    assert x.grad is None
    y.backward()
    np.testing.assert_array_equal(x.grad, 2 * x.data)


def test_leaf_gradients_own_their_memory():
    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    seed = np.ones(2)
    (x + y).backward(gradient=seed)
    assert not np.shares_memory(x.grad, y.grad) and not np.shares_memory(x.grad, seed)
    x.grad += 1                                    # writeable, and changes nothing else
    np.testing.assert_array_equal(y.grad, seed)
    z = leaf(2.0)
    (z + np.zeros((3, 3))).sum().backward()        # the gradient of a broadcast: a real array
    assert z.grad.flags.writeable and z.grad == 9.0


def test_non_scalar_backward_needs_a_gradient_of_the_right_shape():
    x = leaf([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match=r"shape \(3,\).*\.sum\(\)"):
        (x * 2).backward()
    with pytest.raises(ShapeError, match=r"\(2,\).*\(3,\)"):
        (x * 2).backward(gradient=np.ones(2))
    (x * 2).backward(gradient=np.array([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, -2.0])


def test_shape_mismatch_names_the_op_and_both_shapes():
    with pytest.raises(ShapeError, match=r"add on inputs of shapes \(2, 3\), \(4,\)"):
        leaf(np.ones((2, 3))) + np.ones(4)
    with pytest.raises(ShapeError, match=r"matmul on inputs of shapes \(2, 3\), \(2, 3\)"):
        leaf(np.ones((2, 3))) @ np.ones((2, 3))


def test_integer_inputs_that_require_grad_are_upcast_with_a_warning():
    with pytest.warns(UserWarning, match="int64 data that requires grad is converted to float64"):
        t = Tensor(np.array([1, 2]), requires_grad=True)
    (t * t).sum().backward()
    assert t.grad.dtype == np.float64
    np.testing.assert_array_equal(ag.grad(lambda x: (x * x).sum())(np.array([1, 2])), [2.0, 4.0])


@pytest.mark.parametrize("bad", ["text", None, {"a": 1}, np.array([1 + 2j])])
def test_unsupported_data_is_a_type_error(bad):
    with pytest.raises(TypeError, match="Tensor"):
        Tensor(bad)


def test_float32_stays_float32_and_gradients_keep_their_dtype():
    x = leaf([1.0, 2.0], np.float32)
    y = (x * 2.0 + 1).sigmoid().sum()
    assert y.dtype == np.float32
    y.backward()
    assert x.grad.dtype == np.float32
    z = leaf([1.0, 2.0], np.float32)
    (z * np.array([1.0, 2.0])).sum().backward()   # float32 ⊕ float64 computes in float64 ...
    assert z.grad.dtype == np.float32              # ... but the gradient has the tensor's dtype


def test_activations_and_log_likelihoods_stay_finite_at_extreme_inputs():
    x = leaf([-1000.0, 0.0, 1000.0])
    s = x.sigmoid()
    np.testing.assert_array_equal(s.data, [0.0, 0.5, 1.0])
    s.sum().backward()
    assert np.all(np.isfinite(x.grad))
    logits = leaf([[1000.0, 0.0, -1000.0]])
    for out in (logits.softmax(), logits.log_softmax(), logits.logsumexp(axis=-1)):
        logits.zero_grad()
        (out * np.array([[1.0, 2.0, 3.0]])).sum().backward() if out.ndim == 2 else out.sum().backward()
        assert np.all(np.isfinite(out.data)) and np.all(np.isfinite(logits.grad))
    np.testing.assert_allclose(logits.log_softmax().data, [[0.0, -1000.0, -2000.0]])


def test_documented_subgradients_at_kinks():
    x = leaf([0.0, 0.0])
    (x.relu() + abs(x)).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])          # relu'(0) = abs'(0) = 0
    y = leaf([3.0, 1.0, 3.0])
    y.max().backward()
    np.testing.assert_array_equal(y.grad, [0.5, 0.0, 0.5])     # ties share the gradient
    c = leaf([-1.0, 0.5, 2.0])
    c.clip(-1.0, 1.0).sum().backward()
    np.testing.assert_array_equal(c.grad, [1.0, 1.0, 0.0])     # clip passes at its bounds


def test_comparisons_give_plain_boolean_arrays():
    x = leaf([1.0, 2.0])
    result = x > 1.5
    assert type(result) is np.ndarray and result.dtype == bool
    np.testing.assert_array_equal(x == np.array([1.0, 0.0]), [True, False])


def test_indexing_with_repeated_indices_accumulates():
    x = leaf([1.0, 2.0, 3.0])
    x[np.array([0, 0, 2])].sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 1.0])
    y = leaf([[1.0, -1.0], [2.0, -2.0]])
    y[y.data > 0].sum().backward()
    np.testing.assert_array_equal(y.grad, [[1.0, 0.0], [1.0, 0.0]])
    z = leaf([1.0, 2.0, 3.0])
    z[ag.tensor([2, 2])].sum().backward()   # a Tensor index works like its array
    np.testing.assert_array_equal(z.grad, [0.0, 0.0, 2.0])


def test_functional_transforms_on_arrays():
    f = lambda x, y: (x * y).sum() + (x ** 2).sum()
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    value, (gx, gy) = ag.value_and_grad(f, argnums=(0, 1))(x, y)
    assert value == 16.0
    np.testing.assert_array_equal(gx, y + 2 * x)
    np.testing.assert_array_equal(gy, x)
    assert isinstance(gx, np.ndarray)
    j = ag.jacobian(lambda x: ag.softmax(x))(x)
    s = np.exp(x) / np.exp(x).sum()
    np.testing.assert_allclose(j, np.diag(s) - np.outer(s, s), rtol=1e-12)
    v = np.array([1.0, -1.0])
    g3 = lambda w: (w.tanh() * w ** 2).sum()
    np.testing.assert_allclose(ag.hvp(g3, x, v), ag.hessian(g3)(x) @ v, rtol=1e-12)


def test_backward_create_graph_for_tensors():
    x = leaf([0.5, -1.0])
    with pytest.warns(UserWarning, match="reference cycle"):
        (x ** 3).sum().backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Tensor)
    x.zero_grad()
    first.sum().backward()
    np.testing.assert_allclose(x.grad, 6 * x.data)


def test_deep_tensor_chain_of_100k_ops():
    x = leaf(np.ones(3))
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, np.ones(3))


def test_graph_is_freed_after_backward_and_del_without_the_cycle_collector():
    gc.disable()
    try:
        x = leaf(np.ones(1000))
        y = (x * 2).tanh().sum()
        intermediate = weakref.ref(y.inputs[0])
        data = weakref.ref(y.inputs[0].inputs[0])
        y.backward()
        del y
        assert intermediate() is None and data() is None    # freed by reference counting alone
    finally:
        gc.enable()


def test_no_grad_and_detach_for_tensors():
    x = leaf([1.0, 2.0])
    with ag.no_grad():
        y = x * 2
    assert not y.requires_grad
    z = (x * x.detach()).sum()
    z.backward()
    np.testing.assert_array_equal(x.grad, x.data)


def test_a_user_defined_op_is_gradchecked():
    @ag.primitive
    def softplus(x):
        """log(1 + eˣ).  d/dx = σ(x)"""
        return np.logaddexp(0.0, x)

    softplus.defvjp(lambda g, out, x: g * ag.sigmoid(x))
    assert gradcheck(softplus, np.linspace(-3, 3, 7))


def test_gradcheck_fails_on_a_gradient_off_by_one_percent():
    @ag.primitive
    def square(x):
        return x * x

    square.defvjp(lambda g, out, x: g * 2 * x * 1.01)
    with pytest.raises(GradcheckError) as failure:
        gradcheck(lambda x: square(x).sum(), np.array([[1.0, -2.0], [0.5, 3.0]]))
    message = str(failure.value)
    assert "input 0 (shape (2, 2), float64)" in message and "4 of 4 elements differ" in message
    worst = message.splitlines()[2].split()        # the worst element comes first: x = 3 at (1, 1)
    assert worst[:2] == ["(1,", "1)"] and float(worst[2]) == pytest.approx(6.06)
    assert float(worst[3]) == pytest.approx(6.0, rel=1e-8) and "rtol=0.0001" in message
    with pytest.raises(GradcheckError, match="random r"):
        gradcheck(square, np.array([1.0, 2.0]))       # non-scalar output: the report says so
    with pytest.raises(GradcheckError, match="random direction"):
        gradcheck(square, np.linspace(1, 2, 500))        # large input: directional check


def test_gradcheck_recognises_kinks_and_warns_on_low_precision():
    assert gradcheck(lambda x: x.relu(), np.array([0.0, 1.0, -1.0]))   # relu'(0)=0 lies in [0, 1]
    with pytest.warns(UserWarning, match="float32"):
        gradcheck(lambda x: x * 2, np.ones(2, np.float32))


def test_draw_graph_for_tensors():
    x = leaf(np.ones((2, 3)))
    y = (x @ np.ones((3, 4))).log().sum()
    y.backward()
    source = ag.draw_graph(y).source
    assert "(2, 3) float64" in source and "<b>matmul</b>" in source
    with np.errstate(divide="ignore"):
        bad = leaf([0.0]).log()
    assert "#ffb3b3" in ag.draw_graph(bad).source    # -inf is highlighted


def test_inputs_without_a_vjp_still_pass_on_gradients_from_other_paths():
    x = leaf([1.0, 2.0])
    condition = x * 2                        # also used below: its other path must still count
    (ag.where(condition.data > 3, x, 0.0) + condition).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 3.0])
    x.zero_grad()
    low = x * 0.1                            # a node passed where clip has no VJP (its bound)
    (ag.clip(x * 1.0, low, 5.0) + low).sum().backward()
    np.testing.assert_allclose(x.grad, [1.1, 1.1])


def test_a_primitive_without_a_vjp_refuses_to_guess_a_zero_gradient():
    @ag.primitive
    def double(x):
        return 2 * x

    y = double(leaf([1.0, 2.0])).sum()
    with pytest.raises(TypeError, match=r"double has no VJP for its input 0.*double.defvjp"):
        y.backward()


def test_clip_differentiates_its_bounds_too():
    x = np.array([-2.0, 0.5, 3.0])
    low, high = np.array([-1.0, -1.0, -1.0]), np.array([1.0, 1.0, 1.0])
    assert gradcheck(lambda x, low, high: ag.clip(x, low, high), x, low, high)


def test_gradients_leaves_retained_grads_alone_and_hands_out_its_own_arrays():
    w = Tensor([1.0, 2.0], requires_grad=True)
    h = w * 2.0
    h.retain_grad()
    t = w * 3.0
    loss = ((h + t) * 2.0).sum()
    (gt,) = ag.gradients(loss, [t])
    assert h.grad is None and w.grad is None
    np.testing.assert_array_equal(gt, [2.0, 2.0])
    loss.backward()
    np.testing.assert_array_equal(h.grad, [2.0, 2.0])
    assert gt is not h.grad
