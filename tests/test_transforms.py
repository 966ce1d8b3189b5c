"""The transforms of #14 item 8: ``vjp``, ``jvp``/``jacfwd`` (forward mode by the double-VJP trick),
``has_aux``, ``elementwise_grad``, ``jacrev``, ``stop_gradient`` and ``checkpoint``.

JAX is not installed: its semantics are written out by hand here (what each returns, in which
structure), and the numbers are checked against PyTorch (``torch.func``, ``torch.autograd``), against
finite differences, or against our own reverse mode through an identity that does not use the code
under test (⟨u, J·t⟩ = ⟨Jᵀ·u, t⟩).
"""

import gc
import tracemalloc
import weakref

import array_api_strict
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from op_table import OPS

import autograd_lite as ag
from autograd_lite import Tensor, Value
from autograd_lite.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def close(ours, theirs, rtol=1e-12, atol=1e-12):
    np.testing.assert_allclose(np.asarray(ag.engine.data_of(ours), dtype=float),
                               np.asarray(theirs, dtype=float), rtol=rtol, atol=atol)


def t(x):
    return torch.tensor(x, dtype=torch.float64)


def mlp(x, W1, W2):
    return ag.softmax(ag.tanh(x @ W1) @ W2, axis=-1)


def torch_mlp(x, W1, W2):
    return torch.softmax(torch.tanh(x @ W1) @ W2, dim=-1)


X, W1, W2 = RNG.normal(size=(5, 3)), RNG.normal(size=(3, 4)), RNG.normal(size=(4, 2))


# ---- jvp: every op of the table ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(OPS))
@settings(max_examples=4, deadline=None)
@given(data=st.data())
def test_jvp_of_every_op_matches_finite_differences_and_the_vjp(name, data):
    """For every row of the op table: J·t by the double-VJP trick equals the central difference
    (f(x + εt) − f(x − εt)) / 2ε, and ⟨u, J·t⟩ = ⟨Jᵀ·u, t⟩ with Jᵀ·u from one reverse pass."""
    op = OPS[name]
    case = data.draw(op.cases(second_order=True)).on(np)
    f = op.of_arrays(case)
    arrays = tuple(np.asarray(a, dtype=float) for a in case.arrays)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    tangents = tuple(rng.normal(size=a.shape) for a in arrays)
    out, tangent_out = ag.jvp(f, arrays, tangents)
    np.testing.assert_allclose(out, f(*arrays), rtol=1e-15)
    assert np.shape(tangent_out) == np.shape(out) and not isinstance(tangent_out, ag.Node)

    eps = 1e-6
    ahead = np.asarray(f(*(np.asarray(a + eps * ti) for a, ti in zip(arrays, tangents))))
    behind = np.asarray(f(*(np.asarray(a - eps * ti) for a, ti in zip(arrays, tangents))))
    central = (ahead - behind) / (2 * eps)
    # where the two one-sided differences disagree, x + εt crossed a kink (a tie of maximum drawn by
    # hypothesis, which likes equal numbers): no difference quotient tells the derivative there
    smooth = np.abs((ahead - out) - (out - behind)) / eps <= 1e-3 * (1 + np.abs(central))
    np.testing.assert_allclose(np.asarray(tangent_out)[smooth], central[smooth], rtol=1e-4, atol=1e-5)

    u = rng.normal(size=np.shape(out))
    _, vjp_fn = ag.vjp(f, *arrays)
    pulled = vjp_fn(u)
    assert len(pulled) == len(arrays)
    pulled_along = sum(np.sum(g * ti) for g, ti in zip(pulled, tangents))
    np.testing.assert_allclose(np.sum(u * tangent_out), pulled_along, rtol=1e-10, atol=1e-10)


# ---- jvp and jacfwd ------------------------------------------------------------------------------


def test_jvp_of_an_mlp_matches_torch_func_jvp_in_every_argument():
    tangents = tuple(RNG.normal(size=a.shape) for a in (X, W1, W2))
    out, tangent_out = ag.jvp(mlp, (X, W1, W2), tangents)
    expected, expected_tangent = torch.func.jvp(torch_mlp, (t(X), t(W1), t(W2)), tuple(map(t, tangents)))
    close(out, expected.numpy())
    close(tangent_out, expected_tangent.numpy())
    assert isinstance(out, np.ndarray) and isinstance(tangent_out, np.ndarray)


def test_jvp_takes_numbers_values_and_tensors_and_gives_plain_data_back():
    assert ag.jvp(lambda x: x ** 3, (2.0,), (1.0,)) == (8.0, 12.0)
    assert ag.jvp(lambda x, y: x * y, (2.0, 5.0), (1.0, 0.0)) == (10.0, 5.0)
    out, tangent = ag.jvp(lambda x: ag.exp(x), (Value(1.0, requires_grad=False),), (2.0,))
    assert out == pytest.approx(np.e) and tangent == pytest.approx(2 * np.e)
    out, tangent = ag.jvp(lambda x: (x * x).sum(), (Tensor([1.0, 2.0]),), (Tensor([1.0, 1.0]),))
    assert out == 5.0 and tangent == 6.0
    # a number next to an array is a 0-d array (Values and Tensors do not mix)
    out, tangent = ag.jvp(lambda x, s: x * s, (np.array([1.0, 2.0]), 3.0), (np.zeros(2), 1.0))
    np.testing.assert_array_equal(tangent, [1.0, 2.0])


def test_jvp_of_pytrees_of_tuples_and_lists_keeps_their_structure():
    def f(pair, scale):
        a, (b,) = pair
        return [a * b * scale, (a + b,)]
    a, b = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    out, tangent = ag.jvp(f, ((a, [b]), 2.0), ((np.ones(2), [np.zeros(2)]), 0.0))
    assert isinstance(out, list) and isinstance(out[1], tuple)
    np.testing.assert_array_equal(out[0], a * b * 2)
    np.testing.assert_array_equal(tangent[0], b * 2)      # ∂(a·b·s)/∂a · 1
    np.testing.assert_array_equal(tangent[1][0], np.ones(2))


def test_jvp_has_aux_and_an_output_that_depends_on_nothing():
    out, tangent, aux = ag.jvp(lambda x: ((x * 2).sum(), x + 1), (np.ones(3),), (np.ones(3),), has_aux=True)
    assert out == 6.0 and tangent == 6.0
    np.testing.assert_array_equal(aux, 2 * np.ones(3))
    out, tangent = ag.jvp(lambda x: np.ones(2), (np.ones(3),), (np.ones(3),))
    np.testing.assert_array_equal(tangent, np.zeros(2))
    out, tangent = ag.jvp(lambda x: ag.floor(x), (np.array([0.3, 1.6]),), (np.ones(2),))  # constant VJP
    np.testing.assert_array_equal(tangent, np.zeros(2))


def test_jvp_checks_its_arguments():
    with pytest.raises(TypeError, match=r"jvp: primals must be a tuple"):
        ag.jvp(ag.exp, np.ones(2), (np.ones(2),))
    with pytest.raises(ValueError, match="same structure"):
        ag.jvp(lambda x, y: x * y, (np.ones(2), np.ones(2)), (np.ones(2),))
    with pytest.raises(ag.ShapeError, match=r"tangent 0 has shape \(3,\), but it must have the shape "
                                            r"of its primal, \(2,\)"):
        ag.jvp(ag.exp, (np.ones(2),), (np.ones(3),))
    with pytest.raises(TypeError, match=r"jvp\(has_aux=True\): f must return a pair"):
        ag.jvp(ag.exp, (np.ones(2),), (np.ones(2),), has_aux=True)


def test_grad_of_jvp_is_the_hessian_vector_product():
    f = lambda x: (ag.tanh(x) ** 3).sum()  # noqa: E731
    x, v = RNG.normal(size=4), RNG.normal(size=4)
    close(ag.grad(lambda z: ag.jvp(f, (z,), (v,))[1])(x), ag.hvp(f, x, v))
    # forward over reverse: jvp of the gradient is H·v too
    close(ag.jvp(ag.grad(f), (x,), (v,))[1], ag.hvp(f, x, v))
    x_t = t(x).requires_grad_()
    (hv,) = torch.autograd.grad(torch.autograd.grad((torch.tanh(x_t) ** 3).sum(), x_t, create_graph=True)[0],
                                x_t, t(v))
    close(ag.hvp(f, x, v), hv.numpy())


def test_jvp_is_differentiable_in_its_tangents():
    x = np.array([0.5, -1.0])
    # d/dt ⟨1, J·t⟩ = Jᵀ·1 = the elementwise derivative of sin
    close(ag.grad(lambda tangent: ag.jvp(ag.sin, (x,), (tangent,))[1].sum())(np.ones(2)), np.cos(x))


def test_jvp_on_array_api_strict_stays_there():
    xs = [array_api_strict.asarray(a) for a in (X, W1, W2)]
    ts = [array_api_strict.asarray(RNG.normal(size=a.shape)) for a in (X, W1, W2)]
    out, tangent = ag.jvp(mlp, tuple(xs), tuple(ts))
    assert type(tangent).__module__.startswith("array_api_strict")
    expected = ag.jvp(mlp, (X, W1, W2), tuple(np.asarray(a) for a in ts))[1]
    close(np.asarray(tangent), expected)


def test_jacfwd_equals_jacobian_and_torch_for_every_argument():
    for argnums in (0, 1, 2):
        forward = ag.jacfwd(mlp, argnums)(X, W1, W2)
        close(forward, ag.jacobian(mlp, argnums)(X, W1, W2))
        close(ag.jacrev(mlp, argnums)(X, W1, W2), forward)
        expected = torch.autograd.functional.jacobian(torch_mlp, (t(X), t(W1), t(W2)))[argnums]
        close(forward, expected.numpy())
    both = ag.jacfwd(mlp, argnums=(1, 2))(X, W1, W2)
    assert isinstance(both, tuple) and [j.shape for j in both] == [(5, 2, 3, 4), (5, 2, 4, 2)]
    reverse = ag.jacrev(mlp, argnums=(1, 2))(X, W1, W2)
    for a, b in zip(both, reverse):
        close(a, b)


def test_jacfwd_of_numbers_zero_d_and_nested():
    assert ag.jacfwd(lambda x: x ** 3)(2.0) == 12.0
    np.testing.assert_array_equal(ag.jacfwd(lambda x: x * np.arange(3.0))(np.array(2.0)), np.arange(3.0))
    f = lambda w: (w ** 3).sum()  # noqa: E731
    w = np.array([1.0, 2.0])
    close(ag.jacfwd(ag.grad(f))(w), ag.hessian(f)(w))         # forward over reverse
    close(ag.jacfwd(ag.jacfwd(lambda w: w ** 3))(w), ag.jacobian(ag.jacobian(lambda w: w ** 3))(w))
    np.testing.assert_array_equal(ag.jacfwd(lambda x: np.ones(2))(np.ones(3)), np.zeros((2, 3)))
    with pytest.raises(TypeError, match="jacfwd: f must return one array"):
        ag.jacfwd(lambda x: (x, x))(np.ones(2))
    with pytest.raises(IndexError, match="argnums=3"):
        ag.jacfwd(lambda x: x, argnums=3)(np.ones(2))


# ---- vjp -----------------------------------------------------------------------------------------


def test_vjp_matches_torch_func_vjp_and_can_be_called_again():
    out, vjp_fn = ag.vjp(mlp, X, W1, W2)
    expected, torch_vjp = torch.func.vjp(torch_mlp, t(X), t(W1), t(W2))
    close(out, expected.numpy())
    for _ in range(2):  # the graph is kept: a second call gives the same answer
        u = RNG.normal(size=out.shape)
        grads = vjp_fn(u)
        assert isinstance(grads, tuple) and len(grads) == 3
        for ours, theirs in zip(grads, torch_vjp(t(u))):
            close(ours, theirs.numpy())


def test_vjp_of_numbers_pytrees_and_aux():
    out, vjp_fn = ag.vjp(lambda x, y: x * y, 2.0, 3.0)
    assert out == 6.0 and vjp_fn(1.0) == (3.0, 2.0) and vjp_fn(2.0) == (6.0, 4.0)
    out, vjp_fn = ag.vjp(lambda p: (p[0] * p[1], [p[0] + p[1]]), (np.ones(2), np.arange(2.0)))
    (grad_pair,) = vjp_fn((np.ones(2), [np.full(2, 2.0)]))
    assert isinstance(grad_pair, tuple)
    np.testing.assert_array_equal(grad_pair[0], np.arange(2.0) + 2)
    np.testing.assert_array_equal(grad_pair[1], np.ones(2) + 2)
    out, vjp_fn, aux = ag.vjp(lambda x: (x * 2, x.sum()), np.ones(3), has_aux=True)
    assert aux == 3.0 and not isinstance(aux, ag.Node)
    np.testing.assert_array_equal(vjp_fn(np.ones(3))[0], 2 * np.ones(3))
    with pytest.raises(ag.ShapeError, match=r"cotangent 0 has shape \(2,\)"):
        vjp_fn(np.ones(2))
    with pytest.raises(ValueError, match="the cotangent has 2 leaves"):
        vjp_fn((np.ones(3), np.ones(3)))


def test_vjp_is_differentiable_in_the_cotangent_and_in_nested_transforms():
    x = np.array([0.3, -0.7])
    # the double-VJP trick by hand: d/du ⟨vjp(u), t⟩ = J·t
    tangent = np.array([1.0, 2.0])
    _, vjp_fn = ag.vjp(ag.tanh, x)
    close(ag.grad(lambda u: (vjp_fn(u)[0] * tangent).sum())(np.zeros(2)), (1 - np.tanh(x) ** 2) * tangent)
    # inside grad: the gradient of a vjp is a second derivative
    close(ag.grad(lambda z: ag.vjp(ag.tanh, z)[1](np.ones(2))[0].sum())(x),
          -2 * np.tanh(x) * (1 - np.tanh(x) ** 2))


# ---- has_aux, elementwise_grad, jacrev, stop_gradient -------------------------------------------


def test_grad_and_value_and_grad_with_aux_as_jax():
    def loss(w, x):
        prediction = x @ w
        return ((prediction - 1) ** 2).sum(), {"unused"} if False else prediction
    w, x = np.array([1.0, 2.0]), np.array([[1.0, 0.0], [0.5, 0.5]])
    g, aux = ag.grad(loss, has_aux=True)(w, x)
    close(g, 2 * x.T @ (x @ w - 1))
    np.testing.assert_array_equal(aux, x @ w)
    assert isinstance(aux, np.ndarray)
    (value, aux), (gw, gx) = ag.value_and_grad(loss, argnums=(0, 1), has_aux=True)(w, x)
    assert value == pytest.approx(((x @ w - 1) ** 2).sum())
    close(gw, g)
    close(gx, 2 * np.outer(x @ w - 1, w))
    assert ag.grad(lambda x: (x * x, [x, 1]), has_aux=True)(3.0) == (6.0, [3.0, 1])
    for bad in (lambda x: x * x, lambda x: (x, x, x)):
        with pytest.raises(TypeError, match=r"grad\(has_aux=True\): f must return a pair \(value, aux\)"):
            ag.grad(bad, has_aux=True)(1.0)
    with pytest.raises(TypeError, match="has_aux"):
        ag.grad(lambda x: x, has_aux="yes")


def test_grad_with_aux_nested_keeps_aux_a_node():
    # the inner aux depends on the outer variable: it comes back as a node, so it stays differentiable
    def outer(x):
        g, aux = ag.grad(lambda y: (x * y * y, x * y), has_aux=True)(2.0)   # g = 4x, aux = 2x
        return g + aux
    assert ag.grad(outer)(1.5) == 6.0


def test_elementwise_grad_matches_torch():
    x = RNG.normal(size=(3, 2))
    x_t = t(x).requires_grad_()
    (torch.sigmoid(x_t) * torch.sin(x_t)).sum().backward()
    close(ag.elementwise_grad(lambda z: ag.sigmoid(z) * ag.sin(z))(x), x_t.grad.numpy())
    assert ag.elementwise_grad(lambda z: z ** 2)(3.0) == 6.0
    close(ag.elementwise_grad(lambda a, b: a * b, argnums=1)(x, x), x)


def test_stop_gradient_is_identity_forward_and_zero_backward():
    assert ag.grad(lambda x: x * ag.stop_gradient(x))(3.0) == 3.0
    assert ag.grad(lambda x: ag.stop_gradient(x * x))(3.0) == 0.0
    x = np.array([1.0, 2.0])
    close(ag.grad(lambda z: (ag.stop_gradient(z) * z).sum())(x), x)
    tensor = Tensor(x, requires_grad=True)
    stopped = ag.stop_gradient(tensor)
    assert not stopped.requires_grad and stopped.is_leaf
    np.testing.assert_array_equal(stopped.data, x)
    a, (b,) = ag.stop_gradient((tensor, [Value(2.0)]))
    assert not a.requires_grad and not b.requires_grad and b.data == 2.0
    assert ag.stop_gradient(x) is x and ag.stop_gradient(2.0) == 2.0
    np.testing.assert_array_equal(ag.jvp(lambda z: ag.stop_gradient(z) * 2, (x,), (x,))[1], np.zeros(2))


def test_jacfwd_and_jacrev_with_aux():
    f = lambda x: (x ** 2, {"norm": (x * x).sum()}["norm"])  # noqa: E731
    x = np.array([1.0, 2.0])
    for transform in (ag.jacfwd, ag.jacrev):
        jacobian, aux = transform(f, has_aux=True)(x)
        np.testing.assert_array_equal(jacobian, np.diag(2 * x))
        assert aux == 5.0 and not isinstance(aux, ag.Node)
        with pytest.raises(TypeError, match=r"has_aux=True\): f must return a pair"):
            transform(lambda x: x, has_aux=True)(x)
    # inside another transform the aux stays a node of it: d/dy Σ (y·x)² = 2y Σ x²
    outer = lambda y: ag.jacfwd(lambda x: (x * y, ((x * y) ** 2).sum()), has_aux=True)(x)[1]  # noqa: E731
    assert ag.grad(outer)(np.array(3.0)) == pytest.approx(2 * 3.0 * 5.0)
    outer = lambda y: ag.jacrev(lambda x: (x * y, ((x * y) ** 2).sum()), has_aux=True)(x)[1]  # noqa: E731
    assert ag.grad(outer)(np.array(3.0)) == pytest.approx(2 * 3.0 * 5.0)


def test_checkpoint_of_a_layer_keeps_its_parameters_out_of_the_wrapper():
    layer = ag.nn.Linear(3, 2)
    block = ag.checkpoint(layer)
    x = Tensor(RNG.normal(size=(4, 3)), requires_grad=True)
    y = block(x)
    assert y.op == "checkpoint(Linear)" and "weight" not in vars(block)
    y.sum().backward()
    np.testing.assert_allclose(layer.weight.grad, np.full((2, 3), 1.0) * x.data.sum(axis=0), rtol=1e-12)


def test_jacrev_checks_argnums():
    with pytest.raises(ValueError, match="argnums is empty"):
        ag.jacrev(mlp, argnums=())
    with pytest.raises(TypeError, match="argnums"):
        ag.jacrev(mlp, argnums=1.5)


# ---- checkpoint ----------------------------------------------------------------------------------


def test_checkpoint_gives_the_same_values_and_gradients_with_closed_over_weights():
    weights = [Tensor(RNG.normal(size=(4, 4)) / 2, requires_grad=True) for _ in range(3)]
    biases = [Tensor(RNG.normal(size=4), requires_grad=True) for _ in range(3)]
    x = Tensor(RNG.normal(size=(6, 4)), requires_grad=True)

    def layer(i):
        return lambda h: ag.tanh(h @ weights[i] + biases[i])

    results = []
    for wrap in (lambda f: f, ag.checkpoint):
        h = x
        for i in range(3):
            h = wrap(layer(i))(h)
        (h ** 2).sum().backward()
        results.append((h.data, [p.grad.copy() for p in (x, *weights, *biases)]))
        for p in (x, *weights, *biases):
            p.grad = None
    (plain, plain_grads), (checkpointed, grads) = results
    np.testing.assert_array_equal(checkpointed, plain)
    for ours, expected in zip(grads, plain_grads):
        close(ours, expected)


def test_checkpoint_is_one_node_of_the_graph_and_a_parameter_used_twice_adds_up():
    W = Tensor(RNG.normal(size=(3, 3)), requires_grad=True)
    block = ag.checkpoint(lambda h: ag.tanh(h @ W) @ W)
    x = Tensor(RNG.normal(size=(2, 3)), requires_grad=True)
    y = block(x)
    assert y.op == "checkpoint(<lambda>)" and set(map(id, y.inputs)) == {id(x), id(W)}
    gx, gW = ag.gradients(y.sum(), [x, W])
    ex, eW = ag.gradients((ag.tanh(x @ W) @ W).sum(), [x, W])
    close(gx, ex)
    close(gW, eW)
    # the argument is the weight itself too: both paths
    twice = ag.checkpoint(lambda w: ag.tanh(w @ W).sum())
    close(ag.gradients(twice(W), [W])[0], ag.gradients(ag.tanh(W @ W).sum(), [W])[0])


def test_checkpoint_passes_gradcheck_and_gradgradcheck_with_explicit_arguments():
    block = ag.checkpoint(lambda h, w, b: ag.sigmoid(h @ w + b) * h.sum())
    h, w, b = RNG.normal(size=(2, 3)), RNG.normal(size=(3, 3)), RNG.normal(size=3)
    assert gradcheck(block, h, w, b)
    assert gradgradcheck(block, h, w, b)
    f = lambda w: (ag.tanh(h @ w) ** 2).sum()  # noqa: E731
    close(ag.hessian(lambda w: ag.checkpoint(f)(w))(w), ag.hessian(f)(w))
    v = RNG.normal(size=w.shape)
    close(ag.jvp(ag.checkpoint(f), (w,), (v,))[1], ag.jvp(f, (w,), (v,))[1])


def test_checkpoint_on_values_numbers_kwargs_and_without_grad():
    f = lambda x, power=2: x ** power * ag.exp(x)  # noqa: E731
    block = ag.checkpoint(f)
    expected = ag.grad(lambda x: f(x, 3))(1.5)
    assert ag.grad(lambda x: block(x, power=3))(1.5) == pytest.approx(expected, rel=1e-15)
    assert ag.grad(ag.grad(block))(0.5) == pytest.approx(ag.grad(ag.grad(f))(0.5), rel=1e-14)
    assert block(2.0) == f(2.0)                      # plain in, plain out
    x = Value(0.5)
    with ag.no_grad():
        y = block(x)
    assert not y.requires_grad
    y = block(x)
    y.backward()
    assert x.grad == pytest.approx(ag.grad(f)(0.5), rel=1e-15)


def test_checkpoint_second_order_with_respect_to_closed_over_nodes_and_arguments():
    W = Tensor(RNG.normal(size=(3, 3)), requires_grad=True)
    x = Tensor(RNG.normal(size=(2, 3)), requires_grad=True)
    plain = lambda h: ag.tanh(h @ W) * h  # noqa: E731
    block = ag.checkpoint(plain)
    h = RNG.normal(size=(2, 3))
    expected = ag.engine.data_of(ag.hessian(lambda z: plain(z).sum())(h))
    close(ag.hessian(lambda z: block(z).sum())(h), expected)
    # d/dW and d/dx of Σ (∂L/∂W)², L = Σ block(x): second order through the closed-over W
    results = []
    for f in (plain, block):
        gW, gx = ag.gradients(f(x).sum(), [W, x], create_graph=True)
        results.append(ag.gradients((gW ** 2).sum() + (gx ** 3).sum(), [W, x]))
    for ours, theirs in zip(*reversed(results)):
        close(ours, theirs)
    # the closed-over node is also the argument: the paths through both add up, once each
    results = []
    for f in (lambda w: ag.tanh(w @ W), ag.checkpoint(lambda w: ag.tanh(w @ W))):
        (gW,) = ag.gradients(f(W).sum(), [W], create_graph=True)
        results.append(ag.gradients((gW ** 2).sum(), [W])[0])
    close(results[1], results[0])


def test_checkpoint_second_order_raises_when_an_argument_is_computed_from_a_closed_over_node():
    W = Tensor(RNG.normal(size=(3, 3)), requires_grad=True)
    block = ag.checkpoint(lambda h: ag.tanh(h @ W))
    y = block(W[:1] * 2).sum()
    with pytest.raises(NotImplementedError, match=r"a Tensor of shape \(3, 3\)\) from which one of its "
                                                  r"arguments was computed"):
        ag.gradients(y, [W], create_graph=True)
    close(ag.gradients(y, [W])[0], ag.gradients(ag.tanh(W[:1] * 2 @ W).sum(), [W])[0])  # first order: fine


def test_checkpoint_errors():
    W = Tensor(np.eye(2), requires_grad=True)
    V = W * 2
    with pytest.raises(ValueError, match="one of which is computed from the other"):
        ag.checkpoint(lambda h: h @ W @ V)(np.ones((1, 2)))
    with pytest.raises(TypeError, match="returned a tuple"):
        ag.checkpoint(lambda h: (h, h))(Tensor(np.ones(2), requires_grad=True))
    with pytest.raises(TypeError, match="holds nodes"):
        ag.checkpoint(lambda hs: hs[0])([Tensor(np.ones(2), requires_grad=True)])
    with pytest.raises(TypeError, match="f"):
        ag.checkpoint(3)


def _chain(depth, width, checkpointed):
    weights = [Tensor(RNG.normal(size=(width, width)) / np.sqrt(width), requires_grad=True)
               for _ in range(depth)]

    def block(i):
        def layer(h):
            for _ in range(4):   # four tanh layers per block: their intermediates are what is saved
                h = ag.tanh(h @ weights[i])
            return h
        return layer

    blocks = [ag.checkpoint(block(i)) if checkpointed else block(i) for i in range(depth)]
    return weights, blocks


def test_checkpoint_frees_the_intermediates_of_f_between_forward_and_backward():
    weights, blocks = _chain(1, 8, True)
    seen = []

    def spy(h):
        inner = ag.tanh(h @ weights[0])
        seen.append(weakref.ref(inner))
        return inner * 2

    y = ag.checkpoint(spy)(Tensor(np.ones((2, 8)), requires_grad=True))
    gc.collect()
    assert seen[0]() is None            # freed once the forward returned, although y is alive
    y.sum().backward()
    assert len(seen) == 2 and seen[1]() is None   # recomputed in backward, freed again
    assert weights[0].grad is not None
    # without checkpoint, the intermediate lives as long as the output
    kept = []

    def plain(h):
        inner = ag.tanh(h @ weights[0])
        kept.append(weakref.ref(inner))
        return inner * 2

    z = plain(Tensor(np.ones((2, 8)), requires_grad=True))
    gc.collect()
    assert kept[0]() is not None
    del z


def test_checkpointing_each_block_lowers_the_peak_memory_of_forward_and_backward():
    """Depth 8, width 128, batch 64, four tanh layers per block: without checkpointing, the 32
    layers' outputs (and the inputs their VJPs keep) are alive at the end of the forward pass; with
    it, 8 block outputs plus one block's intermediates during its backward. The peak must be below
    half of the plain one, which cannot be met while the intermediates are kept."""
    peaks = {}
    x = RNG.normal(size=(64, 128))
    for checkpointed in (False, True):
        weights, blocks = _chain(8, 128, checkpointed)
        gc.collect()
        tracemalloc.start()
        h = Tensor(x, requires_grad=True)
        for block in blocks:
            h = block(h)
        h.sum().backward()
        peaks[checkpointed] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del h
    assert peaks[True] < 0.5 * peaks[False], peaks
