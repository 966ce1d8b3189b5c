"""What the op table's rows of autograd_lite.special, autograd_lite.modulo and the nn activations on
them cannot express: accuracy over the whole real line, conventions at jumps and at non-finite
inputs against PyTorch, dtypes, the ``%`` operator on every mix of operands, and errors.

Measured for erf and erfc (Cody's approximations, see autograd_lite.special), max relative error:

======================================  =========  =========
against                                 erf        erfc
======================================  =========  =========
math.erf / math.erfc, float64 (GRID)    4.5e-16    1.0e-15    (4 and 7 ulp of libm's values)
mpmath (120 bits), 2·10⁴ random points  4 ulp      6 ulp      (99.9% and 94% within 1 ulp;
                                                              PyTorch's: 1 and 1 ulp)
torch.special, float64 (GRID)           6.1e-16    8.8e-16    (PyTorch vs math: 2.2e-16, 5.2e-16)
float32 in, computed in float64         5.9e-8     6.0e-8     (½ ulp; PyTorch's 6.4e-8, 8.9e-8)
float32 on a device without float64     3.8e-7     5.1e-7     (within 5 and 8 ulp)
======================================  =========  =========

(GRID: 7·10⁵ points on [−30, 30] and [−1, 1] and at the intervals' ends; erfc wherever it is a
normal float, i.e. up to x ≈ 26.5; the tests below bound each line.)

Time on NumPy, 10⁶ float64 values (normal·3), best of 11 interleaved rounds, on the shared 2-core
machine under load (load average 10, so only the ratios mean much): erf 421 ms and erfc 438 ms,
PyTorch's 41.5 and 46.4 ms, np.exp of the same array 25.6 ms; that is ≈ 17× np.exp against
PyTorch's ≈ 1.7×, about 10× slower than PyTorch (a quieter earlier run: 105 and 98 ms against 13.9
and 17.0 ms, 7.5× and 5.8×). Each element takes about 40 NumPy passes (Cody's degree-8 rational
function, two exps, the interval's selection) where PyTorch makes one fused loop; array-api-strict
takes 1.8× NumPy.
"""

import math

import array_api_strict
import mpmath
import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import autograd_lite as ag
from autograd_lite import Tensor, Value, backend, grad
from autograd_lite.nn import functional as F
from autograd_lite.testing import gradcheck, gradgradcheck

NO_FLOAT64 = array_api_strict.Device("no_float64")


mpmath.mp.prec = 120


def relative_error(actual, expected):
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    normal = np.abs(expected) >= np.finfo(np.float64).tiny
    return np.max(np.abs(actual[normal] - expected[normal]) / np.abs(expected[normal]))


def torch_grad(function, *arrays, gradient=None):
    """The gradients PyTorch's autograd gives for Σ gradient·function(*arrays)."""
    leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = function(*leaves)
    out.backward(torch.ones_like(out) if gradient is None else torch.as_tensor(gradient))
    return [leaf.grad.numpy() for leaf in leaves]


def ours_grad(function, *arrays, gradient=None):
    leaves = [Tensor(np.asarray(a, np.float64), requires_grad=True) for a in arrays]
    out = function(*leaves)
    out.backward(np.ones(out.shape) if gradient is None else gradient)
    return [leaf.grad for leaf in leaves]


# ---- erf and erfc ---------------------------------------------------------------------------------

EDGES = np.array([0.46875, 4.0])   # where Cody's intervals meet: each side of each, both signs
GRID = np.concatenate([np.linspace(-30, 30, 600_001), np.linspace(-1, 1, 100_001),
                       *[sign * np.nextafter(EDGES, side) for sign in (1, -1) for side in (0, np.inf)],
                       EDGES, -EDGES])


@pytest.mark.parametrize("name, bound", [("erf", 1e-15), ("erfc", 2e-15)])
def test_erf_and_erfc_are_accurate_to_a_few_ulp_over_the_whole_line(name, bound):
    expected = np.vectorize(getattr(math, name))(GRID)
    ours = getattr(ag, name)(GRID)
    assert ours.dtype == np.float64
    assert relative_error(ours, expected) < bound
    assert relative_error(ours, getattr(torch.special, name)(torch.from_numpy(GRID)).numpy()) < 2 * bound


@pytest.mark.parametrize("name, ulps", [("erf", 4), ("erfc", 6)])
def test_within_a_few_ulp_of_the_correctly_rounded_value(name, ulps):
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.uniform(-0.47, 0.47, 500), rng.uniform(-4, 4, 1000),
                        rng.uniform(4, 26.5, 500) * rng.choice([-1, 1], 500)])
    exact = np.array([float(getattr(mpmath, name)(mpmath.mpf(v))) for v in x])   # 120 bits, rounded
    ours = getattr(ag, name)(x)
    assert np.max(np.abs(ours - exact) / np.spacing(np.abs(exact))) <= ulps


def test_erfc_keeps_its_relative_accuracy_in_the_tail():
    x = np.linspace(4, 26.5, 100_001)   # erfc(26.5) ≈ 1.6e-307, the last normal floats
    assert relative_error(ag.erfc(x), np.vectorize(math.erfc)(x)) < 2e-15
    assert ag.erfc(np.array(26.5)) > 0 and ag.erfc(np.array(27.5)) == 0.0


@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_float32_in_float32_out_correctly_rounded_where_float64_exists(name):
    x = GRID.astype(np.float32)
    expected = np.vectorize(getattr(math, name))(x.astype(np.float64))
    ours = getattr(ag, name)(x)
    assert ours.dtype == np.float32
    tiny = np.abs(expected) >= np.finfo(np.float32).tiny
    assert relative_error(ours[tiny], expected[tiny]) <= np.finfo(np.float32).eps / 2 * 1.01
    strict = getattr(ag, name)(array_api_strict.asarray(x, device=NO_FLOAT64))
    assert strict.dtype == array_api_strict.float32
    assert relative_error(backend.to_host(strict)[tiny], expected[tiny]) < 10 * np.finfo(np.float32).eps


def test_erf_on_array_api_strict_equals_numpy_and_special_values():
    x = np.linspace(-8, 8, 2001)
    for name in ("erf", "erfc"):
        op = getattr(ag, name)
        assert_array_equal(backend.to_host(op(array_api_strict.asarray(x))), op(x))
    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0])
    assert_array_equal(ag.erf(special), [np.nan, 1.0, -1.0, 0.0, -0.0])
    assert np.signbit(ag.erf(special)[4])
    assert_array_equal(ag.erfc(special), [np.nan, 0.0, 2.0, 1.0, 1.0])
    tiny = np.array([1e-300, -1e-300, 5e-324])
    assert_allclose(ag.erf(tiny), [math.erf(v) for v in tiny], rtol=3e-16, atol=1e-323)
    assert_array_equal(ag.erfc(tiny), [1.0, 1.0, 1.0])
    assert_allclose(ag.erf(np.array([0, 1, -2])), [math.erf(v) for v in (0, 1, -2)], rtol=1e-15)  # ints
    assert ag.erf(0.5) == math.erf(0.5) and type(ag.erf(0.5)) is float
    assert ag.erfc(Value(0.5)).data == math.erfc(0.5)


@given(st.floats(-6, 6))
def test_erf_gradient_and_second_derivative_match_torch(x):
    for name in ("erf", "erfc"):
        (ours,) = ours_grad(getattr(ag, name), np.array(x))
        (theirs,) = torch_grad(getattr(torch.special, name), np.array(x))
        assert_allclose(ours, theirs, rtol=1e-14, atol=1e-300)
        assert math.isclose(grad(grad(getattr(ag, name)))(x), 2 * x * -float(theirs), rel_tol=1e-12,
                            abs_tol=1e-300)


# ---- mod, remainder, fmod and % ---------------------------------------------------------------------

PAIRS = [(5.5, 2.0), (-5.5, 2.0), (5.5, -2.0), (-5.5, -2.0), (4.0, 2.0), (-4.0, 2.0), (4.0, -2.0),
         (0.0, 3.0), (-0.0, 3.0), (0.0, -3.0), (1.0, 0.1), (-1.0, 0.1), (1e10, 3.0), (7.0, np.inf),
         (-7.0, np.inf), (np.inf, 2.0), (3.0, 0.0), (np.nan, 2.0)]


@pytest.mark.filterwarnings("ignore:.*encountered in:RuntimeWarning")   # NumPy's, for its NaNs
@pytest.mark.parametrize("name, reference, scalar", [("mod", np.remainder, lambda x, y: x % y),
                                                     ("fmod", np.fmod, math.fmod)])
def test_sign_conventions_and_special_values_as_numpy(name, reference, scalar):
    op = getattr(ag, name)
    x, y = np.array(PAIRS).T
    expected, ours = reference(x, y), op(x, y)
    assert_array_equal(ours, expected)                              # NaN where NumPy has NaN
    assert_array_equal(np.signbit(op(x, y)), np.signbit(expected))      # signed zeros too
    strict = backend.to_host(op(array_api_strict.asarray(x), array_api_strict.asarray(y)))
    assert_array_equal(strict, expected)
    number = ~np.isnan(expected)                                        # (a NaN's sign means nothing)
    assert_array_equal(np.signbit(strict[number]), np.signbit(expected[number]))
    for a, b, e in zip(x, y, expected):                                 # Python floats: plain floats
        out = op(float(a), float(b))
        assert type(out) is float and (out == e or math.isnan(e) and math.isnan(out))
        if b != 0 and math.isfinite(a):
            assert math.copysign(1, out) == math.copysign(1, scalar(float(a), float(b)))


@pytest.mark.filterwarnings("ignore:divide by zero encountered in:RuntimeWarning")
@pytest.mark.parametrize("name, reference", [("mod", np.remainder), ("fmod", np.fmod)])
def test_integers_keep_their_dtype_and_zero_divisors_give_zero(name, reference):
    op = getattr(ag, name)
    x, y = np.array([7, -7, 7, -7, 5]), np.array([3, 3, -3, -3, 0])
    expected = reference(x, y)
    assert op(x, y).dtype == x.dtype and op(Tensor(x), 3).dtype == x.dtype
    assert_array_equal(op(x, y), expected)
    assert_array_equal(backend.to_host(op(array_api_strict.asarray(x), array_api_strict.asarray(y))),
                       expected)
    assert [op(int(a), int(b)) for a, b in zip(x, y)] == expected.tolist()
    assert all(type(op(int(a), int(b))) is int for a, b in zip(x, y))


GRADIENT_PAIRS = [(5.5, 2.0), (-5.5, 2.0), (5.5, -2.0), (-5.5, -2.0), (4.0, 2.0), (-4.0, 2.0),
                  (4.0, -2.0), (-4.0, -2.0), (1.0, 0.1), (-1.0, 0.1), (0.0, 3.0), (7.25, 0.5), (0.3, 5.0)]


@pytest.mark.parametrize("name", ["mod", "fmod"])
def test_gradients_match_torch_at_jumps_and_between(name):
    torch_op = {"mod": torch.remainder, "fmod": torch.fmod}[name]
    x, y = (np.array(v) for v in zip(*GRADIENT_PAIRS))
    ours = ours_grad(getattr(ag, name), x, y)
    theirs = torch_grad(torch_op, x, y)
    assert_array_equal(ours[0], theirs[0])
    assert_array_equal(ours[1], theirs[1])
    for a, b, gx, gy in zip(x, y, *theirs):                        # on Values, through the ops and %
        u, v = Value(float(a)), Value(float(b))
        (u % v if name == "mod" else ag.fmod(u, v)).backward()
        assert (u.grad, v.grad) == (gx, gy)


@pytest.mark.parametrize("name", ["mod", "fmod"])
def test_gradients_broadcast_and_differentiate_again(name):
    op = getattr(ag, name)
    x = np.array([[0.3, -1.7, 2.6], [3.4, -2.2, 0.9]])
    y = np.array([0.5, -1.0, 2.0])
    assert gradcheck(op, x, y) and gradgradcheck(op, x, y)
    ours = ours_grad(op, x, y)
    theirs = torch_grad({"mod": torch.remainder, "fmod": torch.fmod}[name], x, y)
    assert_array_equal(ours[1], theirs[1])
    assert ours[1].shape == y.shape


def test_remainder_is_mod_and_percent_works_on_every_mix():
    assert ag.remainder is ag.mod and ag.remainder.name == "mod"
    a, b = np.array([5.5, -5.5, 3.0]), np.array([2.0, 2.0, -2.0])
    expected = np.remainder(a, b)
    t, u = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    for out in (t % u, t % b, a % u, ag.mod(t, u)):
        assert isinstance(out, Tensor) and out.op == "mod"
        assert_array_equal(out.data, expected)
    assert_array_equal((t % 2.0).data, np.remainder(a, 2.0))
    assert_array_equal((7.0 % u).data, np.remainder(7.0, b))
    assert (Value(5.5) % 2).data == 1.5 and (Value(-5.5) % 2).data == 0.5
    assert (5.5 % Value(-2.0)).data == 5.5 % -2.0
    assert (Value(7.0) % Value(3.0)).op == "mod"
    x = Value(7.0)
    (10.0 % x).backward()                    # 10 mod 7 = 10 − 1·7: ∂/∂y = −floor(10/7) = −1
    assert x.grad == -1.0


def test_remainder_errors_name_the_op():
    with pytest.raises(Exception, match="mod"):
        Value(5.0) % 0.0                     # NaN: a Value holds finite numbers only
    with pytest.raises(ag.ShapeError, match="mod"):
        ag.mod(Tensor(np.ones(2)), Tensor(np.ones(3)))
    with pytest.raises(TypeError, match="fmod"):
        ag.fmod(Tensor([1.0]), "a")


# ---- nan_to_num -----------------------------------------------------------------------------------

AWKWARD = np.array([1.5, np.nan, np.inf, -np.inf, -0.0, 3.0])


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
@pytest.mark.parametrize("params", [{}, {"nan": 7.0}, {"posinf": 1e3, "neginf": -2}, {"nan": np.inf}])
def test_nan_to_num_forward_is_numpys(dtype, params):
    x = AWKWARD.astype(dtype)
    expected = np.nan_to_num(x, **params)
    ours = ag.nan_to_num(x, **params)
    assert ours.dtype == expected.dtype
    assert_array_equal(ours, expected)
    tracked = ag.nan_to_num(Tensor(x), **params)
    assert_array_equal(tracked.data, expected)
    assert not np.shares_memory(ours, x)
    if dtype is not np.float16:   # (array-api-strict has no float16)
        strict = ag.nan_to_num(array_api_strict.asarray(x), **params)
        assert backend.dtype_name(strict.dtype) == expected.dtype.name
        assert_array_equal(backend.to_host(strict), expected)


def test_nan_to_num_of_integers_numbers_and_values():
    ints = np.array([1, -2, 3])
    assert_array_equal(ag.nan_to_num(ints), ints) and ag.nan_to_num(ints).dtype == ints.dtype
    assert_array_equal(ag.nan_to_num(np.array([True, False])), [True, False])
    assert ag.nan_to_num(float("nan")) == 0.0 and ag.nan_to_num(math.inf) == np.finfo(np.float64).max
    assert ag.nan_to_num(-math.inf, neginf=-1.0) == -1.0 and ag.nan_to_num(3) == 3
    v = Value(2.5)
    out = ag.nan_to_num(v, nan=1.0)
    out.backward()
    assert out.data == 2.5 and v.grad == 1.0


def test_nan_to_num_gradient_is_torchs():
    g = np.array([1.0, 2.0, np.nan, 4.0, 5.0, np.nan])     # a NaN arriving where x was inf stays NaN
    (ours,) = ours_grad(ag.nan_to_num, AWKWARD, gradient=g)
    (theirs,) = torch_grad(torch.nan_to_num, AWKWARD, gradient=g)
    assert_array_equal(ours, theirs)
    leaf = Tensor(array_api_strict.asarray(AWKWARD), requires_grad=True)
    ag.nan_to_num(leaf, posinf=1.0).backward(array_api_strict.asarray(g))
    assert_array_equal(backend.to_host(leaf.grad), theirs)


def test_nan_to_num_parameter_errors():
    with pytest.raises(TypeError, match="nan_to_num: posinf must be a real number or None, not str"):
        ag.nan_to_num(Tensor([1.0]), posinf="big")
    with pytest.raises(TypeError, match="nan_to_num: nan must be a real number, not None"):
        ag.nan_to_num(Tensor([1.0]), nan=None)
    with pytest.raises(TypeError, match="nan_to_num: neginf must be a real number or None, not bool"):
        ag.nan_to_num(Tensor([1.0]), neginf=True)


# ---- the activations: logsigmoid, gelu, softplus -----------------------------------------------------

WIDE = np.concatenate([np.linspace(-50, 50, 1001), [-1000.0, 1000.0, 0.0]])


def test_logsigmoid_forward_and_gradient_match_torch():
    assert F.logsigmoid is ag.logsigmoid is ag.special.logsigmoid
    theirs = torch.nn.functional.logsigmoid(torch.from_numpy(WIDE)).numpy()
    assert_allclose(ag.logsigmoid(WIDE), theirs, rtol=1e-15, atol=0)
    assert_allclose(ours_grad(ag.logsigmoid, WIDE)[0], torch_grad(torch.nn.functional.logsigmoid, WIDE)[0],
                    rtol=1e-14, atol=1e-300)
    assert all(math.isclose(ag.logsigmoid(float(v)), float(t), rel_tol=1e-15) for v, t in zip(WIDE, theirs))


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_forward_and_gradient_match_torch(approximate):
    x = np.linspace(-8, 8, 1601)
    theirs = torch.nn.functional.gelu(torch.from_numpy(x), approximate=approximate).numpy()
    assert_allclose(F.gelu(Tensor(x), approximate=approximate).data, theirs, rtol=1e-13, atol=1e-15)
    ours_g = ours_grad(lambda t: F.gelu(t, approximate=approximate), x)[0]
    theirs_g = torch_grad(lambda t: torch.nn.functional.gelu(t, approximate=approximate), x)[0]
    assert_allclose(ours_g, theirs_g, rtol=1e-12, atol=1e-14)
    assert gradgradcheck(lambda t: F.gelu(t, approximate=approximate), x[::80])


def test_gelu_default_is_the_exact_form_and_keeps_the_left_tail():
    x = np.array([-30.0, -10.0, -3.0, 0.5])
    exact = np.array([0.5 * v * math.erfc(v * -math.sqrt(0.5)) for v in x])
    assert_allclose(F.gelu(x), exact, rtol=1e-14)        # PyTorch's 1 + erf gives 0 at −10 and −30
    with pytest.raises(ValueError, match="gelu: invalid approximate 'exact'; it must be 'none' or 'tanh'"):
        F.gelu(Tensor([1.0]), approximate="exact")


@pytest.mark.parametrize("beta, threshold", [(1.0, 20.0), (2.0, 3.0), (0.5, 1.0), (-1.0, 20.0), (3.0, 100.0)])
def test_softplus_matches_torch_with_beta_and_threshold(beta, threshold):
    x = np.concatenate([np.linspace(-40, 40, 801), [threshold / beta, 25.0, -25.0]])
    theirs = torch.nn.functional.softplus(torch.from_numpy(x), beta=beta, threshold=threshold).numpy()
    ours = F.softplus(Tensor(x, requires_grad=True), beta=beta, threshold=threshold)
    assert_allclose(ours.data, theirs, rtol=1e-14, atol=1e-300)
    theirs_grad = torch_grad(lambda t: torch.nn.functional.softplus(t, beta=beta, threshold=threshold), x)
    assert_allclose(ours_grad(lambda t: F.softplus(t, beta=beta, threshold=threshold), x)[0], theirs_grad[0],
                    rtol=1e-14, atol=1e-300)
    strict = F.softplus(array_api_strict.asarray(x), beta=beta, threshold=threshold)
    assert_allclose(backend.to_host(strict), theirs, rtol=1e-14, atol=1e-300)


def test_softplus_parameter_errors():
    with pytest.raises(ValueError, match="softplus: invalid beta 0.0; it must be nonzero"):
        F.softplus(Tensor([1.0]), beta=0)
    with pytest.raises(Exception, match="softplus: invalid beta 'a'"):
        F.softplus(Tensor([1.0]), beta="a")
    with pytest.raises(Exception, match="softplus: invalid threshold nan"):
        F.softplus(Tensor([1.0]), threshold=math.nan)
