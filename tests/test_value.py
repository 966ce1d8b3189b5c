"""The scalar engine: every Value op against central finite differences, and the Value surface."""

import math
import re

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import DomainError, Value, grad, no_grad, value_and_grad


def central_difference(f, x):
    """(f(x + h) − f(x − h)) / 2h with h = 1e-6·max(1, |x|).

    In float64 this has truncation error h²|f'''|/6 and rounding error about ε|f|/h, ε = 2.2e-16:
    both ≲ 1e-9 relative for the domains below, where |f'''| stays within ~10⁴ of |f'|.
    """
    h = 1e-6 * max(1.0, abs(x))
    return (f(x + h) - f(x - h)) / (2 * h)


def assert_matches_fd(f, x):
    """Autodiff must agree with finite differences to 1e-6 relative (1000× the FD error above)."""
    v = Value(x)
    f(v).backward()
    numeric = central_difference(lambda t: float(f(Value(t))), x)
    assert math.isclose(v.grad, numeric, rel_tol=1e-6, abs_tol=1e-6), (x, v.grad, numeric)


def finite(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


away_from_zero = finite(-50, 50).filter(lambda x: abs(x) > 1e-3)

UNARY = {
    "exp": (lambda v: v.exp(), finite(-20, 20)),
    "log": (lambda v: v.log(), finite(1e-2, 1e3)),
    "sqrt": (lambda v: v.sqrt(), finite(1e-2, 1e3)),
    "tanh": (lambda v: v.tanh(), finite(-10, 10)),
    "sigmoid": (lambda v: v.sigmoid(), finite(-30, 30)),
    "relu": (lambda v: v.relu(), away_from_zero),
    "abs": (lambda v: abs(v), away_from_zero),
    "neg": (lambda v: -v, finite(-1e3, 1e3)),
    "square": (lambda v: v ** 2, finite(-1e3, 1e3)),
    "cube": (lambda v: v ** 3, finite(-1e2, 1e2)),
    "inverse": (lambda v: 1 / v, away_from_zero.filter(lambda x: abs(x) > 0.1)),
    "power_of_x": (lambda v: 2.5 ** v, finite(-10, 10)),
    "x_to_fractional": (lambda v: v ** 1.7, finite(1e-2, 1e2)),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_op_matches_finite_differences(name, data):
    op, values = UNARY[name]
    assert_matches_fd(op, data.draw(values))


BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a ** b,
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(a=finite(0.1, 10), b=finite(0.1, 3))
def test_binary_op_gradients_on_both_sides(name, a, b):
    op = BINARY[name]
    assert_matches_fd(lambda v: op(v, b), a)          # Value op number
    assert_matches_fd(lambda v: op(a, v), b)          # number op Value
    x, y = Value(a), Value(b)
    op(x, y).backward()                               # Value op Value
    assert math.isclose(x.grad, central_difference(lambda t: op(t, b), a), rel_tol=1e-6, abs_tol=1e-6)
    assert math.isclose(y.grad, central_difference(lambda t: op(a, t), b), rel_tol=1e-6, abs_tol=1e-6)


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
    numeric = central_difference(grad(grad(f)), x)
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
