"""Every op of the table (``op_table.py``) against finite differences, first and second order, and
against its reference, over shapes (0-d, size-1, broadcast), axes and values — on every back end of
the ``xp`` fixture (NumPy and array-api-strict; one suite, parametrized by ``xp``).

Cases are drawn on the host and moved with ``xp.asarray`` to the ``device`` fixture's device. On a
back end other than NumPy, every result (forward, method, gradient) must be an array of that back
end on that device — NumPy functions silently turn strict arrays into NumPy ones, so the type is
what proves that no NumPy call is left, and on strict's "device1" such a call raises — and equal
the NumPy result to 1e-12. array-api-strict draws fewer cases (:data:`EXAMPLES`): each of
its operations checks its arguments and wraps NumPy's, so it is several times slower, and every
primitive still runs on it (a meta-test makes sure no row of a primitive is NumPy-only).

Each case is drawn by the row's strategy and checked with the public gradcheck in float64 with its
default tolerances, |analytic − numeric| ≤ 1e-6 + 1e-4·|numeric| (autograd_lite.testing.TOLERANCES:
central differences with step ε^⅓·max(1, |x|) are accurate to ~ε^⅔ ≈ 4e-11 relative, so these leave
room for curvature and still catch a gradient that is off by 1%). Meta-tests make sure that no
primitive anywhere in the package goes without a row, and that every row reaches its primitive.
"""

import importlib
import pkgutil

import array_api_strict
import numpy as np
import pytest
from helpers import assert_on, host
from hypothesis import given, settings
from hypothesis import strategies as st
from op_table import COVERED_THROUGH, OPS

import autograd_lite
from autograd_lite import Node, Tensor, backend, gradients
from autograd_lite.engine import Primitive, walk
from autograd_lite.testing import gradcheck, gradgradcheck

#: hypothesis examples per back end, (first order, second order); None: the loaded profile's
EXAMPLES = {"numpy": (None, 15), "array_api_strict": (20, 5)}


def primitives_in_package() -> dict[str, list[tuple[Primitive, str]]]:
    """Every primitive that a module of autograd_lite holds, by its name, with where it is held."""
    modules = [autograd_lite] + [importlib.import_module(module.name) for module in
                                 pkgutil.walk_packages(autograd_lite.__path__, "autograd_lite.")]
    found: dict[str, list[tuple[Primitive, str]]] = {}
    for module in modules:
        for attribute, value in vars(module).items():
            if isinstance(value, Primitive):
                found.setdefault(value.name, []).append((value, f"{module.__name__}.{attribute}"))
    return found


PRIMITIVES = primitives_in_package()


def test_every_primitive_in_the_package_has_a_row():
    missing = {name: [where for _, where in held] for name, held in PRIMITIVES.items() if name not in OPS}
    assert missing == {}, "primitives without a row in tests/op_table.py"


def test_the_walk_finds_primitives_of_every_module_nn_and_private_ones_included():
    assert {"linear", "step", "leaky_relu", "softplus", "mse_loss", "binary_cross_entropy_with_logits",
            "softmax_cross_entropy", "_identity", "where", "concatenate", "stack"} <= PRIMITIVES.keys()


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_each_primitive_is_the_function_of_its_row_or_listed_as_covered_through_another(name):
    """One primitive per name; a row whose function is not the primitive is in COVERED_THROUGH (the
    forward test checks that every row does record its primitive)."""
    primitives = {id(primitive): primitive for primitive, _ in PRIMITIVES[name]}
    assert len(primitives) == 1, f"two primitives named {name}: {[where for _, where in PRIMITIVES[name]]}"
    (primitive,) = primitives.values()
    assert name in OPS, f"{name} has no row in tests/op_table.py"
    assert (OPS[name].function is not primitive) == (name in COVERED_THROUGH)


def test_covered_through_lists_only_primitives():
    assert COVERED_THROUGH.keys() <= PRIMITIVES.keys()


def test_ops_with_a_forward_on_floats_are_marked_as_running_on_values():
    scalar = {name for name, held in PRIMITIVES.items()
              if any(p.scalar_forward is not p.forward for p, _ in held)}
    assert scalar == {name for name, op in OPS.items() if op.on_value}


def test_every_row_runs_on_every_back_end(request):
    """The op tests are collected for each row on each back end of the ``xp`` fixture: no row, and
    so no primitive, skips array-api-strict (there is no way to mark one)."""
    collected = {item.name for item in request.session.items}
    for test in ("test_forward_matches_the_reference_and_gradient_matches_finite_differences",
                 "test_second_derivative_matches_finite_differences"):
        for backend_id in ("numpy", "array_api_strict"):
            missing = [name for name in OPS if f"{test}[{backend_id}-{name}]" not in collected]
            assert not missing, (test, backend_id, missing)


def examples(xp, order):
    """The hypothesis settings of a test of ``order`` (1 or 2) on back end ``xp``."""
    count = EXAMPLES[xp.__name__][order - 1]
    return settings() if count is None else settings(max_examples=count)


@pytest.mark.parametrize("name", sorted(OPS))
def test_forward_matches_the_reference_and_gradient_matches_finite_differences(name, xp, device):
    """The forward agrees with the reference (and with the method), plain in gives plain out, the
    row records its primitive, and the gradient passes gradcheck; off NumPy, each result is an
    array of ``xp`` equal to NumPy's."""
    op = OPS[name]

    @examples(xp, 1)
    @given(data=st.data())
    def check(data):
        drawn = data.draw(op.cases())
        on_host, case = drawn.on(np), drawn.on(xp, device)
        tracked = op.call(op.function, [Tensor(x, requires_grad=True) for x in case.arrays], case.params)
        plain = op.call(op.function, case.arrays, case.params)
        assert isinstance(tracked, Tensor) and tracked.requires_grad and not isinstance(plain, Node)
        where = case.params.get("device", device)  # where the result lives (to_device moves it)
        assert_on(xp, tracked, where)
        assert_on(xp, plain, where)
        np.testing.assert_allclose(host(tracked), host(plain), rtol=1e-15)
        expected = op.call(op.reference, on_host.arrays, on_host.params)
        assert host(plain).shape == np.shape(expected)
        np.testing.assert_allclose(host(plain), expected, rtol=1e-12, atol=1e-12)
        if op.method is not None:
            by_method = op.call(op.method, [Tensor(x, requires_grad=True) for x in case.arrays], case.params)
            assert by_method.op == tracked.op
            assert_on(xp, by_method, where)
            np.testing.assert_array_equal(host(by_method), host(tracked))
        if name in PRIMITIVES:  # the row reaches its primitive (through COVERED_THROUGH's function or not)
            assert PRIMITIVES[name][0][0] in {node.primitive for node in walk(tracked)}
        if xp is not np:
            assert_same_as_numpy(op, on_host, case, xp)
        assert gradcheck(op.of_arrays(case), *case.arrays)

    check()


def assert_same_as_numpy(op, on_host, case, xp):
    """The result and the gradients (of Σ r·f, one random r) on ``xp`` are arrays of ``xp`` on the
    inputs' devices, with NumPy's dtypes and values to 1e-12."""
    results = {}
    for name, this in (("numpy", on_host), ("xp", case)):
        leaves = [Tensor(x, requires_grad=True) for x in this.arrays]
        out = op.call(op.function, leaves, this.params)
        r = np.random.default_rng(0).normal(size=out.shape)
        r = backend.array(r, device=backend.device_of(out.data), xp=backend.namespace(out.data))
        results[name] = (out, leaves, gradients(out, leaves, gradient=r))
    (out, _, grads), (out_xp, leaves_xp, grads_xp) = results["numpy"], results["xp"]
    assert backend.dtype_name(out_xp.dtype) == backend.dtype_name(out.dtype)
    np.testing.assert_allclose(host(out_xp), host(out), rtol=1e-12, atol=1e-12)
    for leaf, g, g_xp in zip(leaves_xp, grads, grads_xp):
        assert (g is None) == (g_xp is None)
        if g is not None:
            assert_on(xp, g_xp, device=leaf.device)
            assert backend.dtype_name(g_xp.dtype) == backend.dtype_name(g.dtype)
            np.testing.assert_allclose(host(g_xp), host(g), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(OPS))
def test_second_derivative_matches_finite_differences(name, xp, device):
    op = OPS[name]

    @examples(xp, 2)
    @given(data=st.data())
    def check(data):
        case = data.draw(op.cases(second_order=True)).on(xp, device)
        assert gradgradcheck(op.of_arrays(case), *case.arrays)

    check()


NO_FLOAT64 = array_api_strict.Device("no_float64")


@pytest.mark.parametrize("name", sorted(set(OPS) - {"astype"}))  # astype's row converts to float64
@settings(max_examples=5)
@given(data=st.data())
def test_float32_tolerances_hold_for_every_row_on_a_device_without_float64(name, data):
    """gradcheck's float32 tolerances (see autograd_lite.testing.TOLERANCES) pass every op's correct
    gradient in float32, and gradcheck says why it uses them."""
    op = OPS[name]
    drawn = data.draw(op.cases())
    case = drawn._replace(arrays=tuple(a.astype(np.float32) for a in drawn.arrays)).on(array_api_strict,
                                                                                         NO_FLOAT64)
    with pytest.warns(UserWarning, match=r"has no float64\), so float32 tolerances are used"):
        assert gradcheck(op.of_arrays(case), *case.arrays)
