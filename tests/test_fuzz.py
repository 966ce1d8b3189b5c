"""Fuzzing the public surface with what users actually pass.

Each op gets empty and 0-d arrays, integer and bool arrays, Python lists, float32 mixed with
float64, huge and tiny magnitudes, NaN and Inf, non-contiguous and read-only arrays, wrong axes and
shapes that do not broadcast. Each must give NumPy's answer (and a gradient of the input's shape and
dtype that matches finite differences where the function is smooth there), or raise a clear error
that names the op — never a crash from deep inside NumPy, never a wrong number.
"""

import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_inputs import reduction
from op_table import OPS

import autograd_lite as ag
from autograd_lite import ShapeError, Tensor
from autograd_lite.testing import numerical_grad

DTYPES = [np.float64, np.float32, np.float16, np.int64, np.int32, np.int8, np.uint8, np.bool_]


@st.composite
def messy_arrays(draw, min_dims=0, max_dims=3, min_side=0, max_side=4):
    """Arrays of many dtypes and shapes (empty ones too), sometimes non-contiguous or read-only."""
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                                  max_side=max_side))
    if dtype.kind == "f":
        extremes = [0.0, -0.0, float(np.finfo(dtype).tiny), float(np.finfo(dtype).max),
                    -float(np.finfo(dtype).max), np.inf, -np.inf, np.nan]
        elements = st.one_of(st.floats(-10, 10, width=dtype.itemsize * 8),
                             st.sampled_from(extremes).map(dtype.type))
    else:
        elements = None
    array = draw(hnp.arrays(dtype, shape, elements=elements))
    layout = draw(st.sampled_from(["plain", "transposed", "strided", "read-only"]))
    if layout == "transposed":
        array = array.T
    elif layout == "strided" and array.ndim:
        array = np.repeat(array, 2, axis=0)[::2]
    elif layout == "read-only":
        array.flags.writeable = False
    return array


def numpy_result(function, *arrays):
    """NumPy's answer, or the exception NumPy raises."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return function(*arrays), None
        except Exception as error:  # noqa: BLE001 - any NumPy failure is a valid reference
            return None, error


def our_result(function, *tensors):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return function(*tensors)


def assert_same(ours, expected):
    """Same shape and values; floats to a few units in the last place of their dtype."""
    assert isinstance(ours, Tensor)
    np.testing.assert_array_equal(ours.data.shape, np.shape(expected))
    expected = np.asarray(expected)
    if expected.dtype.kind in "fc":
        finfo = np.finfo(expected.dtype)
        rtol, atol = max(1e-6, 8 * float(finfo.eps)), 1e3 * float(finfo.tiny)  # ignore subnormals
        np.testing.assert_allclose(ours.data, expected, rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(ours.data, expected)


MESSY = {name: op for name, op in OPS.items() if op.messy}
UNARY = sorted(name for name, op in MESSY.items() if op.arity == 1 and op.inputs is not reduction)
BINARY = sorted(name for name, op in MESSY.items() if op.arity == 2)
REDUCTIONS = sorted(name for name, op in MESSY.items() if op.inputs is reduction)


def spellings(op):
    """The ways users call an op: its function, and its method or operator if it has one."""
    return st.sampled_from([op.function] + ([op.method] if op.method else []))


@pytest.mark.parametrize("name", UNARY)
@given(array=messy_arrays(), data=st.data())
def test_unary_ops_match_numpy_on_anything(name, array, data):
    op = MESSY[name]
    call = data.draw(spellings(op))
    expected, error = numpy_result(op.reference, array)
    if error is not None:
        with pytest.raises((TypeError, ValueError), match=f"^{name} on inputs of"):
            our_result(call, Tensor(array))
        return
    assert_same(our_result(call, Tensor(array)), expected)


@pytest.mark.parametrize("name", BINARY)
@given(a=messy_arrays(max_dims=2), b=messy_arrays(max_dims=2), as_list=st.booleans(), data=st.data())
def test_binary_ops_match_numpy_or_name_the_shapes(name, a, b, as_list, data):
    op = MESSY[name]
    call = data.draw(spellings(op))
    other = b.tolist() if as_list and b.size else b   # Python lists mix in like arrays
    expected, error = numpy_result(op.reference, a, other)   # NumPy's own rules for lists and scalars
    if error is not None:
        with pytest.raises((ShapeError, TypeError, OverflowError)) as failure:
            our_result(call, Tensor(a), other)
        assert str(failure.value).startswith(f"{name} on inputs of")
        if isinstance(failure.value, ShapeError):
            assert str(a.shape) in str(failure.value)
        return
    assert_same(our_result(call, Tensor(a), other), expected)


@pytest.mark.parametrize("name", REDUCTIONS)
@given(array=messy_arrays(), axis=st.one_of(st.none(), st.integers(-4, 4)), keepdims=st.booleans(),
       data=st.data())
def test_reductions_match_numpy_or_raise_a_clear_error(name, array, axis, keepdims, data):
    op = MESSY[name]
    call = data.draw(spellings(op))
    expected, error = numpy_result(lambda a: op.reference(a, axis=axis, keepdims=keepdims), array)
    if error is not None:
        with pytest.raises(ShapeError, match=re.escape(f"{name} on inputs of shapes {np.shape(array)}")):
            our_result(lambda t: call(t, axis=axis, keepdims=keepdims), Tensor(array))
        return
    assert_same(our_result(lambda t: call(t, axis=axis, keepdims=keepdims), Tensor(array)), expected)


def smooth_at(op, array):
    """Whether finite differences are trustworthy for op at array: float64, every value inside the
    row's range and away from its kinks, and no op whose derivative jumps at ties."""
    low, high = op.values
    return (array.dtype == np.float64 and not op.ties and bool(np.all((array >= low) & (array <= high)))
            and all(np.all(np.abs(array - point) >= 0.05) for point in op.avoid))


@pytest.mark.parametrize("name", UNARY + REDUCTIONS)
@settings(max_examples=10)
@given(array=messy_arrays(max_side=3))
def test_gradients_have_the_leafs_shape_and_dtype_and_match_finite_differences(name, array):
    op = MESSY[name]
    if array.dtype.kind != "f" or array.size == 0 and op.inputs is reduction and name != "sum":
        return
    f = lambda t: op.function(t).sum()
    x = Tensor(array, requires_grad=True)
    with np.errstate(all="ignore"):
        f(x).backward()
    assert x.grad.shape == array.shape and x.grad.dtype == array.dtype
    if smooth_at(op, array):
        np.testing.assert_allclose(x.grad, numerical_grad(f, array)[0], rtol=1e-5, atol=1e-7)


def test_float32_with_float64_follows_numpy_and_gradients_keep_their_dtype():
    a = Tensor(np.ones(3, np.float32), requires_grad=True)
    b = Tensor(np.ones(3, np.float64), requires_grad=True)
    c = a * b
    assert c.dtype == np.float64                           # NumPy's promotion
    assert (a * 2.0).dtype == np.float32                   # a Python number keeps the dtype
    c.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_wrong_axes_and_shapes_name_the_op():
    t = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ShapeError, match=r"sum on inputs of shapes \(2, 3\).*axis 2 is out of bounds"):
        t.sum(axis=2)
    with pytest.raises(ShapeError, match=r"softmax on inputs of shapes \(2, 3\)"):
        t.softmax(axis=5)
    with pytest.raises(ShapeError, match=r"reshape on inputs of shapes \(2, 3\)"):
        t.reshape(4)
    with pytest.raises(ShapeError, match=r"concatenate on inputs of shapes \(2, 3\), \(3,\)"):
        ag.concatenate([t, Tensor(np.ones(3))])
    with pytest.raises(IndexError):
        t[5]


def test_empty_inputs():
    e = Tensor(np.zeros((0, 3)), requires_grad=True)
    e.sum().backward()
    assert e.grad.shape == (0, 3)
    with pytest.raises(ShapeError, match="max on inputs of shapes \\(0, 3\\)"):
        e.max()
