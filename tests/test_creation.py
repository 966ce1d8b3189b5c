"""Constructors (zeros ones full empty eye identity arange linspace and the *_like functions): NumPy's
values, dtypes and shapes, on NumPy and on array-api-strict's "device1", leaves that may require grad,
and errors that name the function and change nothing."""

import array_api_strict as xps
import numpy as np
import pytest
from helpers import assert_on, host
from numpy.testing import assert_array_equal

import autograd_lite as ag
from autograd_lite import Tensor
from autograd_lite.backend import DeviceError

DEVICE1 = xps.Device("device1")

# (id, our call, NumPy's call): the same arguments, NumPy's function of the same name as the reference
CASES = [
    ("zeros-tuple", lambda **on: ag.zeros((2, 3), **on), lambda: np.zeros((2, 3))),
    ("zeros-int", lambda **on: ag.zeros(4, **on), lambda: np.zeros(4)),
    ("zeros-0d", lambda **on: ag.zeros((), **on), lambda: np.zeros(())),
    ("zeros-empty-dim", lambda **on: ag.zeros([0, 2], dtype=np.float32, **on),
     lambda: np.zeros([0, 2], dtype=np.float32)),
    ("zeros-np-int-shape", lambda **on: ag.zeros(np.int64(3), dtype=int, **on),
     lambda: np.zeros(np.int64(3), dtype=int)),
    ("ones", lambda **on: ag.ones((1, 2), **on), lambda: np.ones((1, 2))),
    ("ones-int", lambda **on: ag.ones(3, dtype="int32", **on), lambda: np.ones(3, dtype="int32")),
    ("ones-bool", lambda **on: ag.ones(2, dtype=bool, **on), lambda: np.ones(2, dtype=bool)),
    ("full-int", lambda **on: ag.full((2,), 7, **on), lambda: np.full((2,), 7)),
    ("full-float", lambda **on: ag.full(3, 7.0, **on), lambda: np.full(3, 7.0)),
    ("full-bool", lambda **on: ag.full(2, True, **on), lambda: np.full(2, True)),
    ("full-np-float32", lambda **on: ag.full(2, np.float32(1.5), **on), lambda: np.full(2, np.float32(1.5))),
    ("full-cast", lambda **on: ag.full(3, 2.5, dtype=int, **on), lambda: np.full(3, 2.5, dtype=int)),
    ("full-negative-cast", lambda **on: ag.full(2, -2.5, dtype=int, **on),
     lambda: np.full(2, -2.5, dtype=int)),
    ("full-broadcast", lambda **on: ag.full((2, 2), [1, 2], **on), lambda: np.full((2, 2), [1, 2])),
    ("full-0d", lambda **on: ag.full((), 3.0, **on), lambda: np.full((), 3.0)),
    ("eye", lambda **on: ag.eye(3, **on), lambda: np.eye(3)),
    ("eye-rect-k", lambda **on: ag.eye(2, 4, k=1, **on), lambda: np.eye(2, 4, k=1)),
    ("eye-neg-k-int", lambda **on: ag.eye(3, k=-1, dtype=int, **on), lambda: np.eye(3, k=-1, dtype=int)),
    ("eye-0", lambda **on: ag.eye(0, **on), lambda: np.eye(0)),
    ("identity", lambda **on: ag.identity(3, **on), lambda: np.identity(3)),
    ("identity-bool", lambda **on: ag.identity(2, dtype=bool, **on), lambda: np.identity(2, dtype=bool)),
    ("arange-stop", lambda **on: ag.arange(5, **on), lambda: np.arange(5)),
    ("arange-float-stop", lambda **on: ag.arange(5.0, **on), lambda: np.arange(5.0)),
    ("arange-step", lambda **on: ag.arange(1, 2, 0.25, **on), lambda: np.arange(1, 2, 0.25)),
    ("arange-negative-step", lambda **on: ag.arange(10, 0, -3, **on), lambda: np.arange(10, 0, -3)),
    ("arange-empty", lambda **on: ag.arange(3, 1, **on), lambda: np.arange(3, 1)),
    ("arange-np-int32", lambda **on: ag.arange(np.int32(5), **on), lambda: np.arange(np.int32(5))),
    ("arange-np-float32", lambda **on: ag.arange(np.float32(1), 3, **on),
     lambda: np.arange(np.float32(1), 3)),
    ("arange-dtype", lambda **on: ag.arange(5, dtype=np.float32, **on),
     lambda: np.arange(5, dtype=np.float32)),
    ("arange-stop-step", lambda **on: ag.arange(6, step=2, **on), lambda: np.arange(0, 6, 2)),
    ("linspace", lambda **on: ag.linspace(0, 1, 5, **on), lambda: np.linspace(0, 1, 5)),
    ("linspace-default-num", lambda **on: ag.linspace(-1, 3, **on), lambda: np.linspace(-1, 3)),
    ("linspace-no-endpoint", lambda **on: ag.linspace(0, 1, 4, endpoint=False, **on),
     lambda: np.linspace(0, 1, 4, endpoint=False)),
    ("linspace-int", lambda **on: ag.linspace(-5, 10, 4, dtype=int, **on),
     lambda: np.linspace(-5, 10, 4, dtype=int)),
    ("linspace-float32", lambda **on: ag.linspace(np.float32(0), np.float32(1), 3, **on),
     lambda: np.linspace(np.float32(0), np.float32(1), 3)),
    ("linspace-0", lambda **on: ag.linspace(0, 1, 0, **on), lambda: np.linspace(0, 1, 0)),
    ("linspace-1", lambda **on: ag.linspace(2, 3, 1, **on), lambda: np.linspace(2, 3, 1)),
]


def dtype_name(t):
    return ag.backend.dtype_name(t.dtype)


@pytest.mark.parametrize("ours, numpys", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_constructor_gives_numpys_values_dtype_and_shape(ours, numpys, xp, device):
    expected = numpys()
    t = ours(xp=xp, device=device)
    assert isinstance(t, Tensor) and t.is_leaf and not t.requires_grad
    assert_on(xp, t, device)
    assert t.shape == expected.shape
    assert dtype_name(t) == expected.dtype.name
    assert_array_equal(host(t), expected, strict=True)


EMPTY_CASES = [
    (lambda **on: ag.empty((2, 3), **on), lambda: np.empty((2, 3))),
    (lambda **on: ag.empty(0, dtype=int, **on), lambda: np.empty(0, dtype=int)),
    (lambda **on: ag.empty((), dtype=np.float32, **on), lambda: np.empty((), dtype=np.float32)),
]


@pytest.mark.parametrize("ours, numpys", EMPTY_CASES)
def test_empty_has_numpys_dtype_and_shape(ours, numpys, xp, device):
    expected, t = numpys(), ours(xp=xp, device=device)
    assert_on(xp, t, device)
    assert t.shape == expected.shape and dtype_name(t) == expected.dtype.name


def test_a_device_object_alone_picks_its_library():
    t = ag.zeros(3, device=DEVICE1)
    assert_on(xps, t, DEVICE1)
    assert_on(np, ag.ones(2, device="cpu"))
    assert_on(np, ag.arange(3, device="cpu"))


@pytest.mark.parametrize("make", [lambda: ag.zeros(2), lambda: ag.eye(2), lambda: ag.arange(3),
                                  lambda: ag.zeros_like(np.ones(2)), lambda: ag.full(2, np.float64(1.0))])
def test_the_result_owns_its_memory(make):
    t = make()
    assert t.data.flags.owndata and t.data.flags.writeable


def test_the_result_of_full_owns_its_memory_even_when_broadcast():
    fill = np.array([1.0, 2.0])
    t = ag.full((3, 2), fill)
    t.data[0, 0] = 9.0
    assert fill[0] == 1.0 and t.data[1, 0] == 1.0


def test_linspace_retstep_is_numpys():
    for args in [(0, 1, 5), (0, 1, 4), (3, 3, 1)]:
        for endpoint in (True, False):
            values, step = ag.linspace(*args, endpoint=endpoint, retstep=True)
            expected, expected_step = np.linspace(*args, endpoint=endpoint, retstep=True)
            assert_array_equal(values.data, expected)
            assert step == pytest.approx(expected_step, nan_ok=True) and type(step) is float


# ---- requires_grad ------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda **k: ag.zeros(3, **k), lambda **k: ag.ones(3, **k), lambda **k: ag.full(3, 2.0, **k),
    lambda **k: ag.empty(3, **k), lambda **k: ag.eye(1, 3, **k), lambda **k: ag.identity(3, **k),
    lambda **k: ag.arange(3.0, **k), lambda **k: ag.linspace(0, 1, 3, **k),
    lambda **k: ag.zeros_like([1.0, 2.0, 3.0], **k), lambda **k: ag.ones_like(np.ones(3), **k),
    lambda **k: ag.full_like(Tensor([1.0, 2.0, 3.0]), 4.0, **k), lambda **k: ag.empty_like(np.ones(3), **k),
])
def test_requires_grad_makes_a_leaf_that_gradients_reach(make):
    t = make(requires_grad=True)
    assert t.requires_grad and t.is_leaf
    weights = np.array([1.0, 2.0, 3.0])
    (t * weights).sum().backward()
    assert_array_equal(t.grad, np.broadcast_to(weights, t.shape))
    assert not make().requires_grad


def test_requires_grad_on_a_device_gives_the_gradient_there():
    t = ag.ones(2, device=DEVICE1, requires_grad=True)
    (t * 3.0).sum().backward()
    assert_on(xps, t.grad, DEVICE1)
    assert_array_equal(host(t.grad), [3.0, 3.0])


@pytest.mark.parametrize("call, name", [
    (lambda: ag.zeros(2, dtype=int, requires_grad=True), "zeros"),
    (lambda: ag.arange(3, requires_grad=True), "arange"),
    (lambda: ag.full(2, 1, requires_grad=True), "full"),
    (lambda: ag.eye(2, dtype=bool, requires_grad=True), "eye"),
    (lambda: ag.zeros_like(np.arange(3), requires_grad=True), "zeros_like"),
    (lambda: ag.full_like([1, 2], 0.5, requires_grad=True), "full_like"),
])
def test_only_float_dtypes_require_grad_as_in_pytorch(call, name):
    with pytest.raises(TypeError, match=f"^{name}: only floating dtypes can require grad, not (int64|bool)"):
        call()


@pytest.mark.parametrize("value", [1, "yes", None])
def test_requires_grad_must_be_a_bool(value):
    with pytest.raises(TypeError, match="zeros: invalid requires_grad"):
        ag.zeros(2, requires_grad=value)


# ---- *_like ---------------------------------------------------------------------------------------------

LIKES = [
    ("zeros_like", lambda a, **k: ag.zeros_like(a, **k), lambda a, **k: np.zeros_like(a, **k)),
    ("ones_like", lambda a, **k: ag.ones_like(a, **k), lambda a, **k: np.ones_like(a, **k)),
    ("full_like", lambda a, **k: ag.full_like(a, 2.5, **k), lambda a, **k: np.full_like(a, 2.5, **k)),
    ("empty_like", lambda a, **k: ag.empty_like(a, **k), lambda a, **k: np.empty_like(a, **k)),
]
PROTOTYPES = {
    "float64": np.array([[1.0, 2.0, 3.0]]), "float32": np.arange(4, dtype=np.float32),
    "int64": np.arange(6).reshape(2, 3), "int8": np.array([1, 2], dtype=np.int8),
    "bool": np.array([True, False]), "0d": np.array(3.0), "empty": np.ones((0, 2)),
}


@pytest.mark.parametrize("ours, numpys", [c[1:] for c in LIKES], ids=[c[0] for c in LIKES])
@pytest.mark.parametrize("proto", list(PROTOTYPES.values()), ids=list(PROTOTYPES))
@pytest.mark.parametrize("kind", ["Tensor", "ndarray", "list", "Tensor on device"])
def test_like_keeps_the_prototypes_shape_dtype_and_place(ours, numpys, proto, kind):
    expected = numpys(proto.tolist() if kind == "list" else proto)  # a list: NumPy's reading of it
    a = {"Tensor": lambda: Tensor(proto), "ndarray": lambda: proto, "list": lambda: proto.tolist(),
         "Tensor on device": lambda: ag.asarray(proto, xp=xps, device=DEVICE1)}[kind]()
    t = ours(a)
    assert t.shape == expected.shape and dtype_name(t) == expected.dtype.name
    if kind == "Tensor on device":
        assert_on(xps, t, DEVICE1)
    else:
        assert_on(np, t)
    if ours is not LIKES[3][1]:
        assert_array_equal(host(t), expected, strict=True)


@pytest.mark.parametrize("ours, numpys", [c[1:] for c in LIKES], ids=[c[0] for c in LIKES])
def test_like_takes_dtype_shape_and_device(ours, numpys):
    proto = np.arange(6).reshape(2, 3)
    t = ours(proto, dtype=np.float32, shape=(3, 1))
    expected = numpys(proto, dtype=np.float32, shape=(3, 1))
    assert t.shape == expected.shape and t.dtype == expected.dtype
    moved = ours(proto, device=DEVICE1)
    assert_on(xps, moved, DEVICE1)
    assert dtype_name(moved) == "int64" and moved.shape == (2, 3)
    back = ours(ag.asarray(proto, xp=xps, device=DEVICE1), device="cpu")
    assert_on(np, back)
    assert back.shape == (2, 3) and back.dtype == np.int64


def test_like_never_takes_the_prototypes_graph():
    w = Tensor([1.0, 2.0], requires_grad=True)
    for t in (ag.zeros_like(w), ag.ones_like(w * 2), ag.full_like(w, 3.0), ag.empty_like(w)):
        assert t.is_leaf and not t.requires_grad


def test_full_with_a_fill_value_on_a_device_puts_the_result_there():
    fill = xps.asarray([1.0, 2.0], device=DEVICE1)
    t = ag.full((3, 2), fill)
    assert_on(xps, t, DEVICE1)
    assert_array_equal(host(t), np.full((3, 2), [1.0, 2.0]))
    assert_on(np, ag.full((2,), Tensor(5.0)))


# ---- errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("call, error, message", [
    (lambda: ag.zeros(-1), ValueError, "zeros: negative dimensions are not allowed, got shape -1"),
    (lambda: ag.ones((2, -3)), ValueError, r"ones: negative dimensions are not allowed, got shape \(2, -3\)"),
    (lambda: ag.empty((2, "a")), TypeError,
     r"empty: invalid shape \(2, 'a'\); it must be an integer or a tuple"),
    (lambda: ag.zeros(2.0), TypeError, "zeros: invalid shape 2.0"),
    (lambda: ag.zeros(True), TypeError, "zeros: invalid shape True"),
    (lambda: ag.full(-1, 0.0), ValueError, "full: negative dimensions"),
    (lambda: ag.zeros(2, dtype="floot"), TypeError, "zeros: invalid dtype 'floot'; it must be a dtype"),
    (lambda: ag.ones(2, dtype=complex), TypeError, "ones: unsupported dtype complex128"),
    (lambda: ag.eye(2, dtype=object), TypeError, "eye: unsupported dtype object"),
    (lambda: ag.full(2, 1j), TypeError, "full: unsupported dtype complex128"),
    (lambda: ag.full(2, "a"), TypeError, "full: unsupported dtype <U1"),
    (lambda: ag.full((2, 3), [1, 2]), ValueError, r"full: fill_value of shape \(2,\) does not broadcast "
                                                   r"to shape \(2, 3\)"),
    (lambda: ag.full(2, 300, dtype=np.int8), OverflowError, "full: invalid fill_value 300"),
    (lambda: ag.eye(-1), ValueError, "eye: invalid N -1; it must be an integer >= 0"),
    (lambda: ag.eye(2, 1.5), TypeError, "eye: invalid M 1.5"),
    (lambda: ag.eye(2, k=0.5), TypeError, "eye: invalid k 0.5"),
    (lambda: ag.identity(-2), ValueError, "identity: invalid n -2"),
    (lambda: ag.arange(0, 5, 0), ValueError, "arange: invalid step 0; it must not be zero"),
    (lambda: ag.arange(True), TypeError, "arange: invalid start True; it must be a real number"),
    (lambda: ag.arange("5"), TypeError, "arange: invalid start '5'"),
    (lambda: ag.arange(0, [5]), TypeError, r"arange: invalid stop \[5\]"),
    (lambda: ag.arange(3, dtype=complex), TypeError, "arange: unsupported dtype complex128"),
    (lambda: ag.linspace(0, 1, -1), ValueError, "linspace: invalid num -1; it must be an integer >= 0"),
    (lambda: ag.linspace(0, 1, 2.5), TypeError, "linspace: invalid num 2.5"),
    (lambda: ag.linspace(0, [1, 2]), TypeError, r"linspace: invalid stop \[1, 2\]"),
    (lambda: ag.linspace(0, 1, endpoint="no"), TypeError, "linspace: invalid endpoint 'no'"),
    (lambda: ag.zeros(2, device="tpu"), ValueError, "zeros: unknown device 'tpu'"),
    (lambda: ag.zeros(2, device=DEVICE1, xp=np), DeviceError, "zeros: device .* belongs to array_api_strict"),
    (lambda: ag.arange(2, device=object()), DeviceError, "arange: .* is not a device of an array library"),
    (lambda: ag.zeros_like(np.ones(2), dtype="x"), TypeError, "zeros_like: invalid dtype 'x'"),
    (lambda: ag.ones_like(np.ones(2, dtype=complex)), TypeError, "ones_like: unsupported dtype complex128"),
    (lambda: ag.empty_like([[1], [2, 3]]), TypeError, "empty_like: cannot read the prototype list"),
    (lambda: ag.full_like(np.ones(2), 1.0, shape=-1), ValueError, "full_like: negative dimensions"),
])
def test_bad_arguments_raise_errors_naming_the_constructor(call, error, message):
    with pytest.raises(error, match=f"^{message}"):
        call()


def test_numpys_own_errors_are_the_same_kind():
    """The kinds of error are NumPy's own for the same mistakes."""
    for ours, numpys in [(lambda: ag.zeros(-1), lambda: np.zeros(-1)),
                         (lambda: ag.zeros((2, "a")), lambda: np.zeros((2, "a"))),
                         (lambda: ag.full(2, 300, dtype=np.int8), lambda: np.full(2, 300, dtype=np.int8)),
                         (lambda: ag.zeros(2, dtype="floot"), lambda: np.zeros(2, dtype="floot")),
                         (lambda: ag.linspace(0, 1, -1), lambda: np.linspace(0, 1, -1))]:
        with pytest.raises(Exception) as numpy_error:
            numpys()
        with pytest.raises(numpy_error.type):
            ours()


def test_the_constructors_are_in_the_package_namespace():
    for name in ag.creation.__all__:
        assert getattr(ag, name) is getattr(ag.creation, name) and name in ag.__all__
