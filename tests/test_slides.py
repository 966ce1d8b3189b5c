"""The talk's Moore's-law fit: autodiff reproduces the slides' hand-derived dCost from the same code."""

import math

from hypothesis import given
from hypothesis import strategies as st

from autograd_lite import Value, grad

X = [x - 1970 for x in [1971, 1972, 1974, 1979, 1982, 1985]]
Y = [math.log10(y) for y in [2.31, 3.55, 6.10, 29.16, 135.77, 273.84]]


def f(m, x):
    return m * x


def Cost(m):  # noqa: N802 - the slide's name
    return sum(((f(m, x) - y) ** 2 for x, y in zip(X, Y))) / len(X)


def dCost(m):  # noqa: N802 - the slide's hand-derived derivative
    return sum((2 * (f(m, x) - y) * x for x, y in zip(X, Y))) / len(X)


def dCost_scale(m):  # noqa: N802
    """Σ|2(f − y)x|/n: the size of the terms that dCost adds up.

    Both sides round each term to within a few ulps, so their difference is bounded by ~1e-15 times
    this scale; near the optimum dCost itself cancels to ~0, so the error is measured against it.
    """
    return sum(abs(2 * (f(m, x) - y) * x) for x, y in zip(X, Y)) / len(X)


@given(st.floats(-1e3, 1e3, allow_nan=False))
def test_backward_equals_the_hand_derived_dcost(m):
    v = Value(m)
    Cost(v).backward()
    assert abs(v.grad - dCost(m)) <= 1e-12 * dCost_scale(m)
    assert abs(grad(Cost)(m) - dCost(m)) <= 1e-12 * dCost_scale(m)


@given(st.floats(-1e3, 1e3, allow_nan=False))
def test_second_derivative_is_two_sum_x_squared_over_n(m):
    expected = 2 * sum(x * x for x in X) / len(X)
    assert math.isclose(grad(grad(Cost))(m), expected, rel_tol=1e-12)


def test_newton_step_lands_on_the_least_squares_slope():
    m = 0.1
    m = m - grad(Cost)(m) / grad(grad(Cost))(m)
    least_squares = sum(x * y for x, y in zip(X, Y)) / sum(x * x for x in X)
    assert math.isclose(m, least_squares, rel_tol=1e-12)
    assert abs(grad(Cost)(m)) < 1e-12
