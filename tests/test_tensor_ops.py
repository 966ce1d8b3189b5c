"""Every op of the table (``op_table.py``) against finite differences, first and second order, and
against its reference, over shapes (0-d, size-1, broadcast), axes and values.

Each case is drawn by the row's strategy and checked with the public gradcheck in float64 with its
default tolerances, |analytic − numeric| ≤ 1e-6 + 1e-4·|numeric| (autograd_lite.testing.TOLERANCES:
central differences with step ε^⅓·max(1, |x|) are accurate to ~ε^⅔ ≈ 4e-11 relative, so these leave
room for curvature and still catch a gradient that is off by 1%). Meta-tests make sure that no
primitive anywhere in the package goes without a row, and that every row reaches its primitive.
"""

import importlib
import pkgutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_table import COVERED_THROUGH, OPS

import autograd_lite
from autograd_lite import Node, Tensor
from autograd_lite.engine import Primitive, walk
from autograd_lite.testing import gradcheck, gradgradcheck


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


@pytest.mark.parametrize("name", sorted(OPS))
@given(data=st.data())
def test_forward_matches_the_reference_and_gradient_matches_finite_differences(name, data):
    """The forward agrees with the reference (and with the method), plain in gives plain out, the
    row records its primitive, and the gradient passes gradcheck."""
    op = OPS[name]
    case = data.draw(op.cases())
    tracked = op.call(op.function, [Tensor(x, requires_grad=True) for x in case.arrays], case.params)
    plain = op.call(op.function, case.arrays, case.params)
    assert isinstance(tracked, Tensor) and tracked.requires_grad and not isinstance(plain, Node)
    np.testing.assert_allclose(tracked.data, plain, rtol=1e-15)
    expected = op.call(op.reference, case.arrays, case.params)
    assert np.shape(plain) == np.shape(expected)
    np.testing.assert_allclose(plain, expected, rtol=1e-12, atol=1e-12)
    if op.method is not None:
        by_method = op.call(op.method, [Tensor(x, requires_grad=True) for x in case.arrays], case.params)
        assert by_method.op == tracked.op
        np.testing.assert_array_equal(by_method.data, tracked.data)
    if name in PRIMITIVES:  # the row reaches its primitive (through COVERED_THROUGH's function or not)
        assert PRIMITIVES[name][0][0] in {node.primitive for node in walk(tracked)}
    assert gradcheck(op.of_arrays(case), *case.arrays)


@pytest.mark.parametrize("name", sorted(OPS))
@settings(max_examples=15)
@given(data=st.data())
def test_second_derivative_matches_finite_differences(name, data):
    op = OPS[name]
    case = data.draw(op.cases(second_order=True))
    assert gradgradcheck(op.of_arrays(case), *case.arrays)
