"""Every Tensor op against finite differences (first and second order), over shapes and broadcasting.

Each case draws inputs with the public strategies and checks them with the public gradcheck, in
float64 with gradcheck's default tolerances (see autograd_lite.testing.TOLERANCES). A meta-test makes
sure no registered primitive goes without a case here.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Primitive, tensor_ops
from autograd_lite.testing import gradcheck, gradgradcheck
from autograd_lite.testing import strategies as agst

SMALL = {"max_dims": 3, "max_side": 3}


def unary(op, **array_options):
    options = {**SMALL, **array_options}
    return agst.arrays(**options).map(lambda x: (op, (x,)))


def binary(op, **array_options):
    options = {**SMALL, **array_options}
    return agst.broadcastable_arrays(2, **options).map(lambda xy: (op, xy))


def on_grid(arrays):
    """Values on a grid of quarters: ties are exact or at least 0.25 apart, never within the FD step."""
    return tuple(np.round(a * 4) / 4 for a in arrays)


def separated(arrays):
    """Values on the grid, made distinct (by ≥ 1e-3) within and across arrays: no ties at all.

    The gradient of max/min jumps at a tie, so second derivatives are only checked away from ties.
    """
    return tuple(a + i / 8 + np.arange(a.size).reshape(a.shape) * 1e-3
                 for i, a in enumerate(on_grid(arrays)))


def ties(op, spread=on_grid):
    return agst.broadcastable_arrays(2, **SMALL).map(lambda xy: (op, spread(xy)))


@st.composite
def reduction(draw, op, spread=None, **array_options):
    x = draw(agst.arrays(**{**SMALL, **array_options}))
    if spread:
        (x,) = spread((x,))
    axis = draw(agst.axes(x.ndim))
    keepdims = draw(st.booleans())
    return (lambda t: op(t, axis=axis, keepdims=keepdims)), (x,)


@st.composite
def along_axis(draw, op):
    x = draw(agst.arrays(**{**SMALL, "min_dims": 1}))
    axis = draw(st.integers(-x.ndim, x.ndim - 1).flatmap(lambda a: st.sampled_from([a, np.int64(a)])))
    return (lambda t: op(t, axis=axis)), (x,)


@st.composite
def matmul_operands(draw):
    n, m, k = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    batch, other_batch = draw(st.sampled_from([
        ((), ()), ((2,), ()), ((2,), (1,)), ((2, 1), (3,)), ((), (2,)), ((1, 2), (3, 1))]))
    shapes = draw(st.sampled_from([
        ((m,), (m,)), ((m,), batch + (m, k)), (batch + (n, m), (m,)),
        (batch + (n, m), other_batch + (m, k)), ((n, m), batch + (m, k)),
    ]))
    x, y = (draw(agst.arrays(shape)) for shape in shapes)
    return ag.matmul, (x, y)


@st.composite
def transposed(draw):
    x = draw(agst.arrays(**SMALL))
    axes = draw(st.permutations(range(x.ndim)))
    # each axis as users write them: non-negative, negative, or a NumPy integer
    axes = tuple(draw(st.sampled_from([a, a - x.ndim, np.int64(a)])) for a in axes)
    return (lambda t: ag.transpose(t, axes=axes)), (x,)


@st.composite
def indexed(draw):
    x = draw(agst.arrays(**{**SMALL, "min_dims": 1}))
    kind = draw(st.sampled_from(["slice", "int", "repeated", "mask", "mixed"]))
    n = x.shape[0]
    if kind == "slice":
        start = draw(st.integers(0, n - 1))
        index = (slice(start, None, draw(st.integers(1, 2))),)
    elif kind == "int":
        index = draw(st.integers(-n, n - 1))
    elif kind == "repeated":  # repeated indices must accumulate
        index = np.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=5)))
    elif kind == "mask":
        index = np.array(draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size))).reshape(x.shape)
    else:
        index = (np.array([0, n - 1, 0]),) + (slice(None),) * (x.ndim - 1)
    return (lambda t: t[index]), (x,)


@st.composite
def joined(draw, op):
    shape = draw(agst.shapes(min_dims=1, **SMALL))
    axis = draw(st.integers(0, len(shape) - 1 if op is ag.concatenate else len(shape)))
    count = draw(st.integers(1, 3))
    arrays = []
    for _ in range(count):
        this = list(shape)
        if op is ag.concatenate:
            this[axis] = draw(st.integers(1, 3))
        arrays.append(draw(agst.arrays(tuple(this))))
    ndim = len(shape) + (op is ag.stack)
    axis = draw(st.sampled_from([axis, axis - ndim, np.int64(axis)]))  # as users write it
    return (lambda *ts: op(list(ts), axis=axis)), tuple(arrays)


@st.composite
def reshaped(draw):
    x = draw(agst.arrays(**SMALL))
    target = draw(st.sampled_from([(-1,), (x.size, 1), (1, x.size), (1,) * 2 + (x.size,)]))
    return (lambda t: ag.reshape(t, target)), (x,)


@st.composite
def broadcast(draw, op):
    small, other = draw(agst.broadcastable_shapes(2, **SMALL))
    x = draw(agst.arrays(small))
    target = draw(st.sampled_from([(2,), ()])) + np.broadcast_shapes(small, other)
    if op is ag.broadcast_to:
        return (lambda t: ag.broadcast_to(t, target)), (x,)
    big = draw(agst.arrays(target))
    return (lambda t: ag.sum_to(t, x.shape)), (big,)


def where_case():
    return agst.broadcastable_arrays(3, **SMALL).map(
        lambda abc: ((lambda x, y: ag.where(abc[0] > 0, x, y)), abc[1:]))


def swap_case():
    return agst.arrays(**{**SMALL, "min_dims": 2}).map(lambda x: ((lambda t: ag.swapaxes(t, 0, -1)), (x,)))


def squeeze_case():
    return agst.arrays(**SMALL).map(lambda x: ((lambda t: ag.squeeze(ag.expand_dims(t, 0), 0)), (x,)))


def scatter_case():
    return agst.arrays((4,)).map(
        lambda g: ((lambda t: tensor_ops.scatter_add(t, np.array([0, 2, 0, 1]), (3,))), (g,)))


#: name of primitive (or composite) -> strategy of (function, inputs)
CASES = {
    "exp": unary(ag.exp, min_value=-5, max_value=5),
    "log": unary(ag.log, min_value=0.1, max_value=10),
    "sqrt": unary(ag.sqrt, min_value=0.1, max_value=10),
    "tanh": unary(ag.tanh, min_value=-5, max_value=5),
    "sigmoid": unary(ag.sigmoid),
    "relu": unary(ag.relu, avoid=[0.0]),
    "abs": unary(ag.abs, avoid=[0.0]),
    "negative": unary(ag.negative),
    "add": binary(ag.add),
    "subtract": binary(ag.subtract),
    "multiply": binary(ag.multiply),
    "divide": binary(ag.divide, min_value=0.5, max_value=5),
    "power": binary(ag.power, min_value=0.5, max_value=2.5),
    "maximum": ties(ag.maximum),
    "minimum": ties(ag.minimum),
    "matmul": matmul_operands(),
    "sum": reduction(ag.sum),
    "mean": reduction(ag.mean),
    "max": reduction(ag.max, spread=on_grid),
    "min": reduction(ag.min, spread=on_grid),
    "var": reduction(ag.var),
    "logsumexp": reduction(ag.logsumexp),
    "softmax": along_axis(ag.softmax),
    "log_softmax": along_axis(ag.log_softmax),
    "reshape": reshaped(),
    "flatten": unary(ag.flatten),
    "transpose": transposed(),
    "swapaxes": swap_case(),
    "squeeze": squeeze_case(),
    "expand_dims": squeeze_case(),
    "broadcast_to": broadcast(ag.broadcast_to),
    "sum_to": broadcast(ag.sum_to),
    "getitem": indexed(),
    "scatter_add": scatter_case(),
    "concatenate": joined(ag.concatenate),
    "stack": joined(ag.stack),
    "where": where_case(),
    "clip": unary(lambda t: ag.clip(t, -1.0, 2.0), avoid=[-1.0, 2.0]),
    "astype": unary(lambda t: ag.astype(t, np.float64) * 2),
    "_identity": unary(lambda t: ag.grad(lambda u: (u * u).sum())(t)),
}


#: second derivatives are checked away from the points where the first derivative jumps
SECOND_ORDER_CASES = {
    **CASES,
    "maximum": ties(ag.maximum, spread=separated),
    "minimum": ties(ag.minimum, spread=separated),
    "max": reduction(ag.max, spread=separated),
    "min": reduction(ag.min, spread=separated),
}


def test_every_primitive_has_a_property_test():
    modules = [ag.ops, ag.tensor_ops, ag.functional]
    names = {obj.name for module in modules for obj in vars(module).values() if isinstance(obj, Primitive)}
    assert names - CASES.keys() == set()


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_gradient_matches_finite_differences(name, data):
    f, inputs = data.draw(CASES[name])
    assert gradcheck(f, *inputs)


@pytest.mark.parametrize("name", sorted(SECOND_ORDER_CASES))
@settings(max_examples=15)
@given(data=st.data())
def test_second_derivative_matches_finite_differences(name, data):
    f, inputs = data.draw(SECOND_ORDER_CASES[name])
    assert gradgradcheck(f, *inputs)


@pytest.mark.parametrize("name", ["exp", "tanh", "sigmoid", "multiply", "matmul", "sum", "softmax"])
@given(data=st.data())
def test_forward_matches_numpy_and_plain_in_gives_plain_out(name, data):
    f, inputs = data.draw(CASES[name])
    tracked = f(*[ag.Tensor(x, requires_grad=True) for x in inputs])
    plain = f(*inputs)
    assert isinstance(tracked, ag.Tensor) and not isinstance(plain, ag.Tensor)
    np.testing.assert_allclose(tracked.data, plain, rtol=1e-15)
