"""The edges of the core API: each class of silent wrong answer found by trying, as a property.

Every case gives PyTorch's (or NumPy's) answer, or raises an error that names the op — and a call
that raises changes nothing. Gradients are compared with ``torch.autograd`` in float64 to 1e-12
relative: both compute the same formulas, so they differ only by round-off.
"""

import math
import re
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import ShapeError, Tensor, Value
from autograd_lite.testing import GradcheckError, gradcheck
from autograd_lite.testing import strategies as agst

finite = st.floats(-3, 3, allow_nan=False, allow_infinity=False)


def close(ours, theirs):
    np.testing.assert_allclose(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float),
                               rtol=1e-12, atol=1e-12)


# ---- 1a. transforms nested over a closed-over variable ------------------------------------------


@given(a=finite, b=finite)
def test_nested_grad_over_a_closed_over_variable_is_the_total_derivative(a, b):
    # d/dx [x · d/dy (x·y)] = d/dx x² = 2x, and d/dx d/dy (x·y)² = d/dx 2x²y = 4xy
    assert ag.grad(lambda x: x * ag.grad(lambda y: x * y)(b))(a) == pytest.approx(2 * a, abs=1e-12)
    assert ag.grad(lambda x: ag.grad(lambda y: (x * y) ** 2)(b))(a) == pytest.approx(4 * a * b, abs=1e-12)


@given(a=agst.arrays((3,), min_value=-2, max_value=2), b=agst.arrays((3,), min_value=-2, max_value=2))
def test_nested_grad_of_tensors_matches_torch(a, b):
    ours = ag.grad(lambda x: (ag.grad(lambda y: (x * y.tanh()).sum() ** 2)(b) * x).sum())(a)
    x, y = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    (inner,) = torch.autograd.grad((x * y.tanh()).sum() ** 2, y, create_graph=True)
    (expected,) = torch.autograd.grad((inner * x).sum(), x)
    assert isinstance(ours, np.ndarray)  # plain in, plain out: nothing outside is left to depend on
    close(ours, expected)


def test_a_gradient_that_depends_on_an_outer_tensor_stays_differentiable():
    w = Tensor([1.0, 2.0], requires_grad=True)
    g = ag.grad(lambda x: (w * x * x).sum())(np.array([3.0, 4.0]))   # 2·w·x, a function of w
    assert isinstance(g, Tensor) and g.requires_grad
    g.sum().backward()
    close(w.grad, [6.0, 8.0])


@pytest.mark.parametrize("transform", [ag.grad, ag.jacobian])
@pytest.mark.parametrize("argument", [None, "text", object(), [None]])
def test_transforms_reject_what_is_not_a_number(transform, argument):
    with pytest.raises(TypeError, match=f"{transform.__name__}: argument 0"):
        transform(lambda x: x * 2)(argument)


# ---- 1b. gradients() with intermediate targets --------------------------------------------------


@given(a=finite, c=finite)
def test_gradients_of_an_intermediate_and_the_leaf_behind_it_match_torch(a, c):
    x = Tensor(a, requires_grad=True)
    y = x * c + x.tanh()
    z = y * x + y.exp()
    ours = ag.gradients(z, [y, x])
    tx = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    ty = tx * c + tx.tanh()
    expected = torch.autograd.grad(ty * tx + ty.exp(), [ty, tx])
    for o, e in zip(ours, expected):
        assert isinstance(o, np.ndarray)
        close(o, e)


def test_gradients_of_a_lone_tensor_is_a_list_of_one_and_non_nodes_are_a_type_error():
    x = Tensor(np.ones(3), requires_grad=True)
    (g,) = ag.gradients((x * x).sum(), x)
    close(g, [2.0, 2.0, 2.0])
    with pytest.raises(TypeError, match=r"gradients: inputs\[1\]"):
        ag.gradients((x * x).sum(), [x, np.ones(3)])
    with pytest.raises(TypeError, match="gradients: output"):
        ag.gradients(3.0, [x])


def test_gradients_leaves_every_grad_untouched():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    ag.gradients((y * x).sum(), [y])
    assert x.grad is None and y.grad is None


# ---- 1c / 5. axes, however they are written, give one gradient ----------------------------------

AXIS_OPS = {
    "sum": lambda t, axis: ag.sum(t, axis=axis),
    "mean": lambda t, axis: ag.mean(t, axis=axis, keepdims=True),
    "max": lambda t, axis: t.max(axis=axis),
    "min": lambda t, axis: ag.min(t, axis=axis, keepdims=True),
    "var": lambda t, axis: ag.var(t, axis=axis),
    "logsumexp": lambda t, axis: t.logsumexp(axis=axis),
}


@st.composite
def spelled_axes(draw):
    x = draw(agst.arrays(max_dims=3, max_side=3, min_dims=1))
    axis = draw(agst.axes(x.ndim))
    return x, axis


def canonical(axis, ndim):
    if axis is None:
        return None
    if isinstance(axis, tuple):
        return tuple(int(a) % ndim for a in axis)
    return int(axis) % ndim


@pytest.mark.parametrize("name", sorted(AXIS_OPS))
@settings(max_examples=40)
@given(case=spelled_axes())
def test_reductions_give_the_same_gradient_for_every_spelling_of_an_axis(name, case):
    x, axis = case
    op = AXIS_OPS[name]
    g_spelled = ag.grad(lambda t: (op(t, axis) ** 2).sum())(x)
    g_canonical = ag.grad(lambda t: (op(t, canonical(axis, x.ndim)) ** 2).sum())(x)
    np.testing.assert_array_equal(g_spelled, g_canonical)
    assert gradcheck(lambda t: op(t, axis), x)


@settings(max_examples=40)
@given(x=agst.arrays(min_dims=1, max_dims=4, max_side=3), data=st.data())
def test_transpose_swapaxes_and_softmax_with_negative_and_numpy_axes_match_torch(x, data):
    perm = data.draw(st.permutations(range(x.ndim)))
    spelled = tuple(data.draw(st.sampled_from([a, a - x.ndim, np.int64(a - x.ndim)])) for a in perm)
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    g = np.random.default_rng(0).normal(size=x.shape)
    t = Tensor(x, requires_grad=True)
    (t.transpose(spelled).transpose(np.argsort(perm)).softmax(axis=np.int64(axis))
     .swapaxes(0, np.int32(-1)) * g.swapaxes(0, -1)).sum().backward()
    tt = torch.tensor(x, requires_grad=True)
    (tt.permute(perm).permute(tuple(np.argsort(perm))).softmax(dim=axis).transpose(0, -1)
     * torch.tensor(g.swapaxes(0, -1))).sum().backward()
    close(t.grad, tt.grad)


@pytest.mark.parametrize("call, message", [
    (lambda t: t.sum(axis=2), "sum on inputs of shapes (2, 3): axis 2 is out of bounds"),
    (lambda t: t.mean(axis=(0, -2)), "mean: axis (0, -2) names an axis twice"),
    (lambda t: t.max(axis=1.0), "max: axis must be an integer"),
    (lambda t: t.sum(keepdims="yes"), "sum: invalid keepdims 'yes'; it must be True or False"),
    (lambda t: t.transpose((0, 0)), "transpose: axes (0, 0) is not a permutation"),
    (lambda t: ag.concatenate([t, t], axis=-3), "concatenate on inputs of shapes (2, 3): axis -3"),
    (lambda t: ag.concatenate(t), "concatenate: expected a sequence of arrays"),
    (lambda t: t.var(axis=2), "var on inputs of shapes (2, 3): axis 2 is out of bounds"),
])
def test_bad_axes_are_errors_that_name_the_op(call, message):
    t = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises((TypeError, ValueError), match=message.replace("(", r"\(").replace(")", r"\)")):
        call(t)


# ---- 1d / 5. gradients of the wrong shape are errors, never reshaped -----------------------------


@given(shapes=agst.broadcastable_shapes(2, max_dims=3, max_side=3))
def test_sum_to_accepts_exactly_the_shapes_that_broadcast(shapes):
    small, other = shapes
    big = np.broadcast_shapes(small, other)
    x = np.arange(float(np.prod(big))).reshape(big)
    # the sum over the broadcast axes, computed independently: the adjoint of np.broadcast_to
    leading = len(big) - len(small)
    summed = x.sum(axis=tuple(range(leading)) + tuple(
        leading + i for i, n in enumerate(small) if n == 1 and big[leading + i] != 1), keepdims=True)
    np.testing.assert_allclose(ag.sum_to(x, small), summed.reshape(small))
    for wrong in (big + (2,), tuple(n + 1 for n in big), (2,) + big):   # not broadcast from x's shape
        tail = big[len(big) - len(wrong):]
        if len(wrong) > len(big) or any(w != 1 and w != b for w, b in zip(wrong, tail)):
            with pytest.raises(ShapeError, match="sum_to"):
                ag.sum_to(x, wrong)


def test_sum_to_refuses_a_shape_that_merely_has_the_same_size():
    with pytest.raises(ShapeError, match=r"shape \(3, 2\) does not broadcast to the array's shape \(2, 3\)"):
        ag.sum_to(np.arange(6.0).reshape(2, 3), (3, 2))


@pytest.mark.parametrize("wrong", [np.ones(1), np.ones((3, 2)), np.ones((2, 2, 3)).T])
def test_a_vjp_of_the_wrong_shape_names_the_primitive_the_input_and_both_shapes(wrong):
    op = ag.primitive(lambda x, y: x * y, name="my_product")
    op.defvjp(lambda g, out, x, y: wrong, lambda g, out, x, y: g * x)
    x, y = Tensor(np.ones((2, 3)), requires_grad=True), Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ShapeError, match=rf"the VJP of my_product for its input 0: it gave a gradient of "
                                         rf"shape {re.escape(str(wrong.shape))}.*input of shape \(2, 3\)"):
        op(x, y).sum().backward()
    assert x.grad is None and y.grad is None


# ---- 1e. power at a zero base -------------------------------------------------------------------

bases = st.sampled_from([0.0, -0.0, 1.0, 2.5, 0.3])
exponents = st.sampled_from([0.0, 1.0, 2.0, 3.0, 0.5, 1.5])


@given(x=bases, y=exponents)
def test_power_derivatives_match_torch_at_and_near_a_zero_base(x, y):
    t, e = Tensor([x], requires_grad=True), Tensor([y], requires_grad=True)
    with np.errstate(all="ignore"):
        (t ** e).sum().backward()
    tt = torch.tensor([x], requires_grad=True, dtype=torch.float64)
    te = torch.tensor([y], requires_grad=True, dtype=torch.float64)
    (tt ** te).sum().backward()
    np.testing.assert_allclose(t.grad, tt.grad, rtol=1e-12, equal_nan=False)
    np.testing.assert_allclose(e.grad, te.grad, rtol=1e-12, equal_nan=False)
    if x >= 0:  # the same on Values (floats): 0.0 ** y is defined for y >= 0
        a, b = Value(x), Value(y)
        if x != 0 or y >= 1 or y == 0:
            (a ** b).backward()
            assert (a.grad, b.grad) == pytest.approx((tt.grad.item(), te.grad.item()), rel=1e-12)


def test_x_to_the_zero_has_zero_derivative_everywhere_also_the_second():
    t = Tensor([0.0, 2.0], requires_grad=True)
    (t ** 0).sum().backward()
    np.testing.assert_array_equal(t.grad, [0.0, 0.0])
    assert ag.grad(ag.grad(lambda x: x ** 0))(0.0) == 0.0
    second = ag.grad(lambda x: ag.grad(lambda y: (y ** 0).sum())(x).sum())(np.array([0.0, 3.0]))
    assert second.tolist() == [0.0, 0.0]
    assert ag.grad(ag.grad(lambda x: x ** 2))(0.0) == 2.0   # and the base case next to it


# ---- 1f. memory shared with another tensor is never changed unseen ------------------------------

SHARING = {
    "detach": lambda w: w.detach(),
    "no_grad reshape": lambda w: _under_no_grad(lambda: w.reshape(2, 1)),
    "no_grad slice": lambda w: _under_no_grad(lambda: w[0:1]),
    "no_grad transpose": lambda w: _under_no_grad(lambda: w.T),
    "constant reshape": lambda w: Tensor(np.ones(2)).reshape(2),
}


def _under_no_grad(make):
    with ag.no_grad():
        return make()


@pytest.mark.parametrize("name", sorted(SHARING))
@pytest.mark.parametrize("operator", ["__iadd__", "__isub__", "__imul__", "__itruediv__"])
def test_in_place_on_shared_memory_raises_and_changes_nothing(name, operator):
    w = Tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    shared = SHARING[name](w)
    before = shared.data.copy()
    with pytest.raises(RuntimeError, match="memory may be shared"):
        getattr(shared, operator)(10.0)
    np.testing.assert_array_equal(shared.data, before)
    loss.backward()
    np.testing.assert_array_equal(w.data, [1.0, 2.0])
    np.testing.assert_array_equal(w.grad, [2.0, 4.0])


def test_a_tensor_made_from_a_list_of_tracked_tensors_points_to_stack():
    a = Tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"ag.stack"):
        Tensor([a, a])


# ---- 1, the rest: dtype, None bounds, NumPy integers, empty arrays --------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_var_and_std_like_reductions_keep_the_dtype_as_mean_does(dtype):
    t = Tensor(np.arange(4.0, dtype=dtype), requires_grad=True)
    assert ag.var(t).dtype == ag.mean(t).dtype == dtype
    assert ag.var(t, ddof=1).dtype == dtype


@given(x=agst.arrays((5,), min_value=-3, max_value=3, avoid=[-1.0, 1.0]),
       bounds=st.sampled_from([(None, 1.0), (-1.0, None), (-1.0, 1.0)]))
def test_clip_with_a_missing_bound_matches_torch(x, bounds):
    low, high = bounds
    t = Tensor(x, requires_grad=True)
    ag.clip(t, low, high).sum().backward()
    tt = torch.tensor(x, requires_grad=True)
    torch.clamp(tt, low, high).sum().backward()
    close(t.grad, tt.grad)


@pytest.mark.parametrize("shape, axis", [((0,), None), ((0, 3), 0), ((0, 3), 1), ((3, 0), None)])
def test_the_mean_of_an_empty_array_has_an_empty_gradient_as_in_torch(shape, axis):
    t = Tensor(np.zeros(shape), requires_grad=True)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        t.mean(axis=axis).sum().backward()
    tt = torch.zeros(shape, dtype=torch.float64, requires_grad=True)
    (tt.mean() if axis is None else tt.mean(dim=axis)).sum().backward()
    assert t.grad.shape == tuple(tt.grad.shape)
    np.testing.assert_array_equal(t.grad, tt.grad.numpy())


# ---- 2. sequences of tensors keep their graph ---------------------------------------------------

def _weighted(out):
    """Σ wᵢ·outᵢ with distinct weights, so that a gradient that lands on the wrong element shows."""
    return (out * np.arange(1.0, out.size + 1).reshape(out.shape)).sum()


UNARY_OPS = ["exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "negative", "sum", "mean", "max",
             "min", "var", "logsumexp", "softmax", "log_softmax", "flatten", "transpose"]
BINARY_OPS = ["add", "subtract", "multiply", "divide", "power", "maximum", "minimum"]
TAKES_ARRAYS = {
    **{name: (lambda op: lambda s: _weighted(op(s)))(getattr(ag, name)) for name in UNARY_OPS},
    **{name: (lambda op: lambda s: op(s, Tensor(np.full(2, 1.5))).sum())(getattr(ag, name))
       for name in BINARY_OPS},
    "sum over an axis": lambda s: ag.sum(s, axis=-1).sum(),
    "operator +": lambda s: (Tensor(np.ones(2)) + s).sum(),
    "operator ** (exponent)": lambda s: (Tensor(np.full(2, 1.5)) ** s).sum(),
    "matmul": lambda s: ag.matmul(s, np.ones(2)).sum(),
    "weighted softmax": lambda s: (ag.softmax(s) * np.arange(2.0)).sum(),
    "where": lambda s: ag.where(np.array([True, False]), s, 0.0).sum(),
    "clip": lambda s: ag.clip(s, 0.8, 1.6).sum(),
}


@pytest.mark.parametrize("name", sorted(TAKES_ARRAYS))
@given(a=agst.arrays((2,), min_value=0.5, max_value=2, avoid=[0.8, 1.6]),
       b=agst.arrays((2,), min_value=0.5, max_value=2), container=st.sampled_from([list, tuple]))
def test_every_op_that_takes_an_array_keeps_the_graph_of_a_list_of_tensors(name, a, b, container):
    f = TAKES_ARRAYS[name]
    x = Tensor(a, requires_grad=True)
    f(container([x, x * b])).backward()
    tx = Tensor(a, requires_grad=True)
    f(ag.stack([tx, tx * b])).backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad, tx.grad)
    assert gradcheck(lambda t: f(container([t, t * b])), a)   # against finite differences, too


@given(a=agst.arrays((2,)), b=agst.arrays((3,)))
def test_concatenate_and_stack_take_a_sequence_as_numpy_and_torch_do(a, b):
    x, y = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    joined = ag.concatenate([x, y])
    np.testing.assert_array_equal(joined.data, np.concatenate([a, b]))
    stacked = ag.stack((x, x * 2), axis=-1)
    np.testing.assert_array_equal(stacked.data, np.stack([a, a * 2], axis=-1))
    (joined.sum() + (stacked * np.arange(2.0)).sum()).backward()
    close(x.grad, np.full(2, 3.0))
    close(y.grad, np.ones(3))


def test_nested_lists_of_tensors_and_the_grad_of_a_mean_of_a_list():
    a = Tensor([1.0, 2.0], requires_grad=True)
    m = ag.mean([[a, a + 2], [a * 0, a]])
    m.backward()
    close(m.data, (1 + 2 + 3 + 4 + 0 + 0 + 1 + 2) / 8)
    close(a.grad, [3 / 8, 3 / 8])
    assert ag.grad(lambda x: ag.mean([x, x + 2]))(np.array(1.0)) == 1.0


@pytest.mark.parametrize("sequence, message", [
    (lambda a: [a, "text"], "mean: the list given does not make one array"),
    (lambda a: [a, Tensor(np.ones(3))], "mean: the list given does not make one array"),
    (lambda a: [Value(1.0), a], "mean: a list or tuple of Values is not an array"),
    (lambda a: [a, Value(1.0)], "cannot combine a Tensor with a Value"),
])
def test_a_list_that_cannot_be_one_array_is_an_error_naming_the_op(sequence, message):
    a = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises((TypeError, ValueError), match=message):
        ag.mean(sequence(a))


def test_a_list_of_values_is_a_clear_error():
    with pytest.raises(TypeError, match="mean: a list or tuple of Values is not an array"):
        ag.grad(lambda x: ag.mean([x, x + 2]))(1.0)


# ---- 5. backward(create_graph=True) warns of the reference cycle --------------------------------


def test_backward_with_create_graph_warns_of_the_cycle_and_gradients_does_not():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="reference cycle"):
        (x ** 3).sum().backward(create_graph=True)
    assert isinstance(x.grad, Tensor)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ag.gradients((x ** 3).sum(), [x], create_graph=True)


# ---- 6. gradcheck points at the culprit -----------------------------------------------------------


def _wrong_sin():
    op = ag.primitive(np.sin, name="wrong_sin")
    return op.defvjp(lambda g, out, x: g * np.sin(x))     # should be cos


@given(x=agst.arrays((3,), min_value=0.2, max_value=1.2))
def test_gradcheck_names_the_primitive_whose_vjp_is_wrong(x):
    wrong_sin = _wrong_sin()
    with pytest.raises(GradcheckError, match="the VJP of primitive 'wrong_sin' for its input 0"):
        gradcheck(lambda t: (wrong_sin(t.exp() * 2).tanh() * t).sum(), x)


@pytest.mark.parametrize("escape", [
    lambda t: t * math.tanh(t.item()),
    lambda t: t * float(t) ** 2,
    lambda t: t * np.asarray(t.data).sum(),
])
def test_gradcheck_says_when_the_dependence_bypasses_the_graph(escape):
    with pytest.raises(GradcheckError, match="bypasses the graph"):
        gradcheck(escape, np.array(0.7))


def test_gradcheck_says_when_an_input_reaches_the_output_only_outside_the_graph():
    with pytest.raises(GradcheckError, match="Input 1 does not reach f's output through the graph"):
        gradcheck(lambda x, y: x * math.tanh(y.item()), np.array(0.5), np.array(0.2))


# ---- 5. the core's public functions check their arguments where they are given -------------------

BAD_CALLS = {
    "Tensor requires_grad": (lambda: Tensor([1.0], requires_grad="no"), TypeError,
                             "Tensor: invalid requires_grad"),
    "Value requires_grad": (lambda: Value(1.0, requires_grad=1), TypeError, "Value: invalid requires_grad"),
    "grad of a non-function": (lambda: ag.grad(3), TypeError, "grad: invalid f"),
    "grad argnums": (lambda: ag.grad(lambda x: x, argnums="0"), TypeError, "grad: invalid argnums"),
    "grad argnums empty": (lambda: ag.grad(lambda x: x, argnums=()), ValueError, "grad: argnums is empty"),
    "grad of a vector": (lambda: ag.grad(lambda x: x * 2)(np.ones(2)), ValueError,
                         "grad: f must return a single"),
    "jacobian argnums": (lambda: ag.jacobian(lambda x: x, argnums=(0,)), TypeError,
                         "jacobian: invalid argnums"),
    "jacobian argnums range": (lambda: ag.jacobian(lambda x: x, argnums=2)(np.ones(2)), IndexError,
                               "jacobian"),
    "primitive": (lambda: ag.primitive(3), TypeError, "primitive: invalid forward"),
    "defvjp": (lambda: ag.primitive(lambda x: x).defvjp(3), TypeError, "defvjp: invalid the VJP of input 0"),
    "backward create_graph": (lambda: Tensor(1.0, requires_grad=True).exp().backward(create_graph="no"),
                              TypeError, "backward: invalid create_graph"),
    "backward gradient": (lambda: Tensor([1.0, 2.0], requires_grad=True).exp().backward(gradient="x"),
                          TypeError, "backward: gradient must be an array of shape"),
    "hvp shapes": (lambda: ag.hvp(lambda w: (w ** 3).sum(), np.ones(3), np.ones(2)), ShapeError,
                   "hvp: v has shape"),
    "draw_graph root": (lambda: ag.draw_graph(None), TypeError, "draw_graph: root must be"),
    "draw_graph rankdir": (lambda: ag.draw_graph(Value(1.0) * 2, rankdir="up"), ValueError,
                           "draw_graph: rankdir"),
    "gradcheck eps": (lambda: gradcheck(lambda x: x.sum(), np.ones(2), eps=-1.0), ValueError,
                      "gradcheck: invalid eps"),
    "gradcheck atol": (lambda: gradcheck(lambda x: x.sum(), np.ones(2), atol=-1.0), ValueError,
                       "gradcheck: invalid atol"),
    "gradcheck directions": (lambda: gradcheck(lambda x: x.sum(), np.ones(2), directions=0), ValueError,
                             "gradcheck: invalid directions"),
}


@pytest.mark.parametrize("name", sorted(BAD_CALLS))
def test_bad_arguments_to_the_core_are_errors_that_name_the_function_and_argument(name):
    call, error, message = BAD_CALLS[name]
    with pytest.raises(error, match=re.escape(message)):
        call()


@pytest.mark.parametrize("bad_first", [True, False])  # the leaves are stored in either order
def test_a_vjp_that_gives_a_value_an_array_is_an_error_and_no_leaf_changes(bad_first):
    twice = ag.primitive(lambda x: x * 2, name="twice").defvjp(lambda g, out, x: np.array([g, g]))
    a, b = Value(1.0), Value(3.0)
    a.grad = 5.0
    with pytest.raises(ShapeError, match=r"a gradient of shape \(2,\) reached a Value \(a leaf\)"):
        (twice(b) + a * 1.0 if bad_first else a * 1.0 + twice(b)).backward()
    assert (a.grad, b.grad) == (5.0, 0.0)


# ---- found in review: transforms inside no_grad, repeated argnums, kept gradients, NumPy's flags ----


def test_transforms_compute_derivatives_inside_no_grad():
    with ag.no_grad():
        assert ag.grad(lambda x: x * x)(3.0) == 6.0
        np.testing.assert_array_equal(ag.jacobian(lambda x: x * x)(np.array([1.0, 2.0])), np.diag([2.0, 4.0]))
        np.testing.assert_array_equal(ag.hessian(lambda x: (x ** 3).sum())(np.ones(2)), np.diag([6.0, 6.0]))
        assert not ag.is_grad_enabled()


@pytest.mark.parametrize("argnums", [(0, 0), (0, -2), (1, -1)])
def test_argnums_that_name_an_argument_twice_are_an_error(argnums):
    with pytest.raises(ValueError, match="names an argument twice"):
        ag.grad(lambda a, b: (a * b).sum(), argnums=argnums)(np.ones(2), np.ones(2))


def test_a_failed_backward_leaves_retained_gradients_as_they_were():
    bad = ag.primitive(lambda x: x * 2, name="bad").defvjp(lambda g, out, x: np.ones(5))
    x = Tensor(np.ones(3), requires_grad=True)
    m = bad(x) * 3
    m.retain_grad()
    with pytest.raises(ShapeError, match="the VJP of bad for its input 0"):
        m.sum().backward()
    assert m.grad is None and x.grad is None


def test_keepdims_takes_zero_and_one_as_numpy_does_and_transpose_one_axis():
    x = np.arange(6.0).reshape(2, 3)
    assert Tensor(x).sum(axis=0, keepdims=1).shape == np.sum(x, axis=0, keepdims=1).shape == (1, 3)
    assert Tensor(x).sum(axis=0, keepdims=0).shape == (3,)
    np.testing.assert_array_equal(Tensor([1.0, 2.0]).transpose(0).data, np.transpose([1.0, 2.0], 0))
    with pytest.raises(TypeError, match="keepdims"):
        Tensor(x).sum(keepdims=2)


def test_a_step_on_a_read_only_parameter_raises_before_any_parameter_changes():
    from autograd_lite import optim

    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0, 4.0]).detach()
    b.requires_grad = True
    for make in (lambda ps: optim.SGD(ps, lr=0.1), lambda ps: optim.Adam(ps, lr=0.1)):
        optimizer = make([a, b])
        a.grad = b.grad = None
        ((a * a).sum() + (b * b).sum()).backward()
        with pytest.raises(RuntimeError, match="read-only data"):
            optimizer.step()
        np.testing.assert_array_equal(a.data, [1.0, 2.0])
        assert optimizer.state.get(a) is None


def test_a_transform_of_a_list_of_outer_tensors_stays_connected_to_them():
    # d/dx Σ d/dy Σ y² at y = [x, 3x]: the inner gradient [2x, 6x] sums to 8x, whose derivative is 8
    inner = lambda x: ag.grad(lambda y: (y ** 2).sum())([x, x * 3]).sum()  # noqa: E731
    assert ag.grad(inner)(np.array(1.0)) == 8.0
    x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    y = torch.stack([x, x * 3])
    (g,) = torch.autograd.grad((y ** 2).sum(), y, create_graph=True)
    (expected,) = torch.autograd.grad(g.sum(), x)
    assert expected.item() == 8.0


@pytest.mark.parametrize("call", [lambda t: ag.mean(t, axis=0), lambda t: ag.mean(t, axis=1),
                                  lambda t: t.var(axis=-1), lambda t: t.sum(axis=(0,))])
def test_an_axis_out_of_range_is_an_index_error_as_in_numpy(call):
    """NumPy's AxisError is a ValueError and an IndexError; ours is both, whichever check finds it
    (mean's own forward found axis=0 of a 0-d array, and raised a plain ShapeError)."""
    t = Tensor(np.array(2.0), requires_grad=True)
    with pytest.raises(IndexError) as raised:
        call(t)
    assert isinstance(raised.value, ShapeError)


def test_rounding_passes_no_gradient_even_from_an_infinite_or_nan_one():
    """The gradient of a piecewise-constant op is 0 whatever arrives (as PyTorch), not 0·inf = NaN."""
    for op in (ag.floor, ag.ceil, ag.trunc, ag.round, ag.rint):
        x = ag.Tensor([1.3, -2.7], requires_grad=True)
        op(x).backward(gradient=np.array([np.inf, np.nan]))
        np.testing.assert_array_equal(x.grad, [0.0, 0.0])


# ---- a differentiable tensor where an op takes a constant ------------------------------------------
_NEEDS_GRAD = ag.Tensor(0.5, requires_grad=True)
CONSTANT_SLOTS = {
    "pad constant_values": lambda x: ag.pad(x, 1, constant_values=_NEEDS_GRAD),
    "np.pad constant_values": lambda x: np.pad(x, 1, constant_values=_NEEDS_GRAD),
    "quantile q": lambda x: ag.quantile(x, _NEEDS_GRAD),
    "full fill_value": lambda x: ag.full((2,), _NEEDS_GRAD),
    "full_like fill_value": lambda x: ag.full_like(x, _NEEDS_GRAD),
    "a primitive's keyword parameter": lambda x: ag.sum(x, axis=_NEEDS_GRAD),
}


@pytest.mark.parametrize("name", sorted(CONSTANT_SLOTS))
def test_a_tensor_that_requires_grad_in_a_constant_slot_is_refused_not_silently_not_differentiated(name):
    x = ag.Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(TypeError, match="requires grad, but .* takes it as a constant"):
        CONSTANT_SLOTS[name](x)


def test_a_detached_tensor_in_a_constant_slot_is_its_value():
    x = ag.Tensor(np.ones(2), requires_grad=True)
    assert ag.pad(x, 1, constant_values=_NEEDS_GRAD.detach()).data.tolist() == [0.5, 1.0, 1.0, 0.5]


@pytest.mark.parametrize("op", [ag.logaddexp, ag.logaddexp2], ids=["logaddexp", "logaddexp2"])
def test_logaddexp_gradient_where_an_input_is_infinite_is_torchs_not_nan(op):
    x, y = ag.Tensor([1.0, 1.0], requires_grad=True), ag.Tensor([np.inf, -np.inf], requires_grad=True)
    op(x, y).sum().backward()
    tx, ty = torch.tensor([1.0, 1.0], requires_grad=True), torch.tensor([np.inf, -np.inf], requires_grad=True)
    getattr(torch, op.name)(tx, ty).sum().backward()
    assert x.grad.tolist() == tx.grad.tolist() == [0.0, 1.0] and y.grad.tolist() == ty.grad.tolist()
