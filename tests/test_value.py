"""The scalar engine: every op of the table (``op_table.py``) that runs on Value against finite
differences, first and second order, and the Value surface."""

import math
import re

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from op_table import OPS

import autograd_lite as ag
from autograd_lite import DomainError, Value, grad, no_grad, value_and_grad
from autograd_lite.testing import numerical_grad
from autograd_lite.testing import strategies as agst


def numeric_derivative(f, x):
    """f'(x) by the toolkit's central differences (``numerical_grad``), with f run on a Value.

    The step is h = ε^⅓·max(1, |x|) ≈ 6e-6·max(1, |x|), ε = 2.2e-16: the truncation error h²|f'''|/6
    and the rounding error ε|f|/h both stay below 2e-7 relative to |f'| on the scalar ranges of the
    table (the worst: log at x = 0.01, where |f'''/f'| = 2/x²).
    """
    (derivative,) = numerical_grad(lambda t: float(f(Value(t.item()))), x)
    return float(derivative)


def assert_matches_fd(f, x):
    """Autodiff must agree with finite differences to 1e-6 relative (5× the FD error above)."""
    v = Value(x)
    out = f(v)
    assert isinstance(out, Value) and type(out.data) is float
    out.backward()
    numeric = numeric_derivative(f, x)
    assert math.isclose(v.grad, numeric, rel_tol=1e-6, abs_tol=1e-6), (x, v.grad, numeric)


def finite(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


VALUE_OPS = {name: op for name, op in OPS.items() if op.on_value}
UNARY = sorted(name for name, op in VALUE_OPS.items() if op.arity == 1)
BINARY = sorted(name for name, op in VALUE_OPS.items() if op.arity == 2)


def scalars(op):
    """Numbers from the row's scalar range, at least 1e-3 from its kinks and poles; on a grid of
    quarters for an op whose derivative jumps at ties (maximum), so that operands tie exactly or lie
    apart by more than the finite-difference step."""
    low, high = op.scalar_values or op.values
    values = agst.elements(low, high, avoid=op.avoid, margin=1e-3)
    return values.map(lambda x: round(x * 4) / 4) if op.ties else values


def spellings(op):
    """The ways users call an op on Values: its function, and its method or operator if it has one."""
    return st.sampled_from([op.function] + ([op.method] if op.method else []))


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_op_matches_its_reference_and_finite_differences(name, data):
    op = VALUE_OPS[name]
    f, x = data.draw(spellings(op)), data.draw(scalars(op))
    assert math.isclose(f(Value(x)).data, float(op.reference(x)), rel_tol=1e-12)
    assert_matches_fd(f, x)


#: power with a constant on one side, over negative bases too (where the exponent is an integer)
POWERS = {
    "square": (lambda v: v ** 2, finite(-1e3, 1e3)),
    "cube": (lambda v: v ** 3, finite(-1e2, 1e2)),
    "inverse": (lambda v: 1 / v, finite(-50, 50).filter(lambda x: abs(x) > 0.1)),
    "power_of_x": (lambda v: 2.5 ** v, finite(-10, 10)),
    "x_to_fractional": (lambda v: v ** 1.7, finite(1e-2, 1e2)),
}


@pytest.mark.parametrize("name", sorted(POWERS))
@given(data=st.data())
def test_powers_with_a_constant_match_finite_differences(name, data):
    f, values = POWERS[name]
    assert_matches_fd(f, data.draw(values))


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data())
def test_binary_op_gradients_on_both_sides(name, data):
    op = VALUE_OPS[name]
    f = data.draw(spellings(op))
    a, b = data.draw(scalars(op)), data.draw(scalars(op))
    assert math.isclose(f(Value(a), Value(b)).data, float(op.reference(a, b)), rel_tol=1e-12)
    assert_matches_fd(lambda v: f(v, b), a)           # Value op number
    assert_matches_fd(lambda v: f(a, v), b)           # number op Value
    x, y = Value(a), Value(b)
    f(x, y).backward()                                # Value op Value
    assert math.isclose(x.grad, numeric_derivative(lambda t: f(t, b), a), rel_tol=1e-6, abs_tol=1e-6)
    assert math.isclose(y.grad, numeric_derivative(lambda t: f(a, t), b), rel_tol=1e-6, abs_tol=1e-6)


@pytest.mark.parametrize("name", UNARY + BINARY)
@settings(max_examples=15)
@given(data=st.data())
def test_second_derivative_matches_finite_differences(name, data):
    """grad(grad(f)) against finite differences of grad(f); for two inputs, along either one with the
    other held constant (off the grid of ties, where the first derivative jumps). To 1e-5: the FD
    error of a second derivative is up to ~4e-7 here (log)."""
    op = VALUE_OPS[name]
    f, x = data.draw(spellings(op)), data.draw(scalars(op))
    if op.arity == 2:
        g, other = f, data.draw(scalars(op)) + (0.125 if op.ties else 0.0)
        f = data.draw(st.sampled_from([lambda v: g(v, other), lambda v: g(other, v)]))
    second = grad(grad(f))(x)
    numeric = numeric_derivative(grad(f), x)
    assert math.isclose(second, numeric, rel_tol=1e-5, abs_tol=1e-5), (x, second, numeric)


SAFE_STEPS = [
    lambda v, c: v * c,
    lambda v, c: v + c,
    lambda v, c: (v * c).tanh(),
    lambda v, c: (v * 0.1).sigmoid() * c,
    lambda v, c: (v * v + c * c).sqrt(),
    lambda v, c: (v * v + 1).log() - c,
    lambda v, c: (v * 0.1).exp() / c,
    lambda v, c: v * v - v * c,
]


@given(x=finite(-3, 3), steps=st.lists(st.tuples(st.sampled_from(range(len(SAFE_STEPS))),
                                                 finite(0.5, 2)), min_size=1, max_size=6))
def test_compositions_match_finite_differences(x, steps):
    def f(v):
        for index, c in steps:
            v = SAFE_STEPS[index](v, c)
        return v
    try:
        value = float(f(Value(x)))
    except DomainError:  # a composition that overflows (exp of a large square) is out of scope here
        assume(False)
    assume(abs(value) < 1e6)
    assert_matches_fd(f, x)


def test_a_node_feeding_several_consumers_accumulates():
    x = Value(3.0)
    y = x * x + x            # dy/dx = 2x + 1
    y.backward()
    assert x.grad == 7.0


def test_backward_twice_adds_up_and_zero_grad_resets():
    x = Value(2.0)
    y = x ** 3
    y.backward()
    y.backward()
    assert x.grad == 24.0    # 12 + 12: gradients accumulate, as in PyTorch
    x.zero_grad()
    y.backward()
    assert x.grad == 12.0


def test_deep_chain_of_100k_ops_backpropagates_without_recursion():
    x = Value(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.000001
    y.backward()
    assert math.isclose(x.grad, 1.000001 ** 100_000, rel_tol=1e-9)


def test_second_derivative_through_create_graph():
    x = Value(0.7)
    y = x.tanh()
    with pytest.warns(UserWarning, match="reference cycle"):
        y.backward(create_graph=True)
    dydx = x.grad
    assert isinstance(dydx, Value)
    x.zero_grad()
    dydx.backward()
    t = math.tanh(0.7)
    assert math.isclose(x.grad, -2 * t * (1 - t * t), rel_tol=1e-12)


@given(x=finite(-2, 2))
def test_grad_composes_to_third_order(x):
    f = lambda v: v.sigmoid() * v ** 3
    third = grad(grad(grad(f)))(x)
    numeric = numeric_derivative(grad(grad(f)), x)
    assert math.isclose(third, numeric, rel_tol=1e-5, abs_tol=1e-5)


def test_functional_api_returns_plain_floats():
    value, (gx, gy) = value_and_grad(lambda x, y: x * y + y, argnums=(0, 1))(3.0, 4.0)
    assert (value, gx, gy) == (16.0, 4.0, 4.0)
    assert type(value) is float and type(gx) is float
    assert grad(lambda x, y: x * y, argnums=1)(3, 4) == 3.0
    assert grad(lambda x: 5.0)(1.0) == 0.0


def test_grad_rejects_argnums_out_of_range():
    with pytest.raises(IndexError, match="argnums=2"):
        grad(lambda x: x, argnums=2)(1.0)


def test_no_grad_records_nothing_and_is_a_decorator():
    x = Value(2.0)
    with no_grad():
        y = x * 3
    assert not y.requires_grad and y.is_leaf

    @no_grad()
    def f(v):
        return v * 3

    assert not f(x).requires_grad
    assert (x * 3).requires_grad
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_no_grad_restores_the_mode_when_the_block_raises():
    with pytest.raises(DomainError), no_grad():
        assert not ag.is_grad_enabled()
        Value(1.0) / 0
    assert ag.is_grad_enabled()


def test_detach_stops_the_gradient():
    x = Value(3.0)
    y = x * x.detach()       # d/dx treats the detached copy as a constant 3
    y.backward()
    assert x.grad == 3.0


def test_comparisons_return_bool_and_plain_python_runs_on_values():
    x = Value(2.0)
    assert (x > 1) is True and (x <= 1) is False and (x == 2.0) is True
    assert (1 < x) is True  # noqa: SIM300 - the reflected comparison is the point

    def relu(v):                                  # the slide's code, unchanged
        return v if v >= 0 else 0

    assert relu(Value(-1.0)) == 0
    y = relu(x) * 3
    y.backward()
    assert x.grad == 3.0
    assert sum(v * v for v in [Value(1.0), Value(2.0)]) == 5.0
    assert float(x) == 2.0 and (2 * x).data == 4.0
    assert repr(Value(1.5)) == "Value(1.5, grad=0.0)"


def test_values_hash_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert a == b and len({a, b}) == 2


@pytest.mark.parametrize("bad", ["a", None, [1.0], 1j, np.array(3.0), np.array([3.0])])
def test_non_numbers_raise_type_error_naming_what_was_passed(bad):
    with pytest.raises(TypeError):
        Value(bad)
    with pytest.raises(TypeError, match=f"^add: expected a real number or a Value, got {type(bad).__name__}"):
        Value(1.0) + bad
    with pytest.raises(TypeError):
        bad * Value(1.0)


def test_numbers_python_cannot_make_a_float_of_overflow():
    with pytest.raises(OverflowError):
        Value(1.0) + 10**400


def test_numpy_scalars_ints_and_bools_mix_in_and_give_floats():
    for constant in (np.float64(2.0), np.int32(2), 2, True):
        y = Value(1.0) * constant
        assert type(y.data) is float and y.data == float(constant)
    assert type(ag.maximum(Value(1.0), 3).data) is float      # max(x, 3) picks the int


def test_an_operation_runs_its_forward_once_even_when_it_returns_a_numpy_float():
    calls = []

    @ag.primitive
    def hypot(x, y):
        calls.append((x, y))
        return np.hypot(x, y)                     # np.float64 on floats, no scalar= forward

    hypot.defvjp(lambda g, out, x, y: g * x / out, lambda g, out, x, y: g * y / out)
    z = hypot(Value(3.0), Value(4.0))
    assert len(calls) == 1 and type(z.data) is float and z.data == 5.0


def test_gradients_touches_no_grad_not_even_of_intermediate_values():
    x = Value(2.0)
    y = x * x
    z = y * 3.0
    assert ag.gradients(z, [x]) == [12.0]
    assert (x.grad, y.grad, z.grad) == (0.0, 0.0, 0.0)
    z.backward()                                   # and a later backward is not doubled
    assert (x.grad, y.grad, z.grad) == (12.0, 3.0, 1.0)


def test_redefining_vjps_takes_effect():
    p = ag.primitive(lambda x, y: x * y, name="product")
    p.defvjp(lambda g, out, x, y: g * y)
    p.defvjp_argnum(lambda i, g, out, x, y: g * (y if i == 0 else x))
    x, y = Value(3.0), Value(2.0)
    p(x, y).backward()
    assert (x.grad, y.grad) == (2.0, 3.0)
    p.defvjp(lambda g, out, x, y: g * y)           # back to one VJP: input 1 has none now
    with pytest.raises(TypeError, match="product has no VJP for its input 1"):
        p(x, y).backward()


def test_pickled_values_get_this_process_clock():
    import pickle
    m = pickle.loads(pickle.dumps(Value(3.0)))
    cost = m * m
    Value(1.0).data = 2.0                          # an unrelated change after recording
    cost.backward()
    assert m.grad == 6.0


@pytest.mark.parametrize("make, op, value", [
    (lambda: Value(0.0).log(), "log", "0.0"),
    (lambda: Value(-1.0).log(), "log", "-1.0"),
    (lambda: Value(-4.0).sqrt(), "sqrt", "-4.0"),
    (lambda: Value(1.0) / 0, "divide", "0"),
    (lambda: 1 / Value(0.0), "divide", "0.0"),
    (lambda: Value(-8.0) ** (1 / 3), "power", "-8.0"),
    (lambda: Value(0.0) ** -1, "power", "0.0"),
    (lambda: Value(1000.0).exp(), "exp", "1000.0"),
    (lambda: Value(1e200) * 1e200, "multiply", "1e+200"),
])
def test_undefined_results_raise_an_error_naming_op_and_value(make, op, value):
    with pytest.raises(DomainError, match=rf"{op}\(.*{re.escape(value)}"):
        make()


def test_undefined_gradient_raises_instead_of_returning_inf():
    x = Value(0.0)
    y = x.sqrt()
    assert y.data == 0.0
    with pytest.raises(DomainError, match=r"gradient of sqrt at \(0.0\)"):
        y.backward()


def test_mixing_value_and_tensor_like_data_is_a_type_error():
    import numpy as np
    with pytest.raises(TypeError, match="multiply"):
        Value(1.0) * np.ones(3)


def test_user_defined_primitive_through_the_public_mechanism():
    @ag.primitive
    def softplus(x):
        return math.log1p(math.exp(x))

    softplus.defvjp(lambda g, out, x: g * ag.sigmoid(x))
    assert_matches_fd(softplus, 0.3)
    assert math.isclose(grad(grad(softplus))(0.3), (lambda s: s * (1 - s))(1 / (1 + math.exp(-0.3))))
