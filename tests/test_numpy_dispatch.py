"""NumPy's own functions on Tensors (``autograd_lite/numpy_dispatch.py``): ``np.sin(t)``,
``np.sum(t, axis=0)``, ``np.concatenate([a, b])`` give Tensors that keep their graph, with the same
numbers and gradients as autograd_lite's ops; anything NumPy has and autograd_lite does not raises a
TypeError naming it, never a silent conversion that drops the graph."""

import inspect

import numpy as np
import pytest
from helpers import assert_on

import autograd_lite as ag
from autograd_lite import Tensor
from autograd_lite.numpy_dispatch import _functions, _ops, _signature

RNG = np.random.default_rng(0)


def leaf(*shape):
    return Tensor(RNG.uniform(0.5, 2.0, shape), requires_grad=True)


#: NumPy calls and the autograd_lite calls they must equal: (numpy call, ours), as functions of x, y
CALLS = {
    "sin": (lambda x, y: np.sin(x), lambda x, y: ag.sin(x)),
    "absolute": (lambda x, y: np.absolute(x - 1), lambda x, y: ag.abs(x - 1)),
    "add with ndarray on the left": (lambda x, y: y.numpy() + x, lambda x, y: ag.add(y.numpy(), x)),
    "matmul with ndarray on the left": (lambda x, y: y.numpy().T @ x, lambda x, y: ag.matmul(y.numpy().T, x)),
    "true_divide": (lambda x, y: np.true_divide(x, y), lambda x, y: x / y),
    "power": (lambda x, y: np.power(x, 2), lambda x, y: x ** 2),
    "maximum": (lambda x, y: np.maximum(x, y), lambda x, y: ag.maximum(x, y)),
    "sum positional axis": (lambda x, y: np.sum(x, 0), lambda x, y: ag.sum(x, axis=0)),
    "sum keepdims": (lambda x, y: np.sum(x, axis=-1, keepdims=True), lambda x, y: x.sum(-1, keepdims=True)),
    "mean": (lambda x, y: np.mean(x), lambda x, y: ag.mean(x)),
    "var ddof": (lambda x, y: np.var(x, axis=1, ddof=1), lambda x, y: ag.var(x, axis=1, ddof=1)),
    "max": (lambda x, y: np.max(x, axis=0), lambda x, y: ag.max(x, axis=0)),
    "concatenate": (lambda x, y: np.concatenate([x, y], axis=1), lambda x, y: ag.concatenate([x, y], axis=1)),
    "concat": (lambda x, y: np.concat([x, y]), lambda x, y: ag.concatenate([x, y])),
    "stack": (lambda x, y: np.stack([x, y], -1), lambda x, y: ag.stack([x, y], axis=-1)),
    "where": (lambda x, y: np.where(x > y, x, y), lambda x, y: ag.where(x > y, x, y)),
    "transpose": (lambda x, y: np.transpose(x), lambda x, y: x.T),
    "reshape": (lambda x, y: np.reshape(x, (-1,)), lambda x, y: ag.reshape(x, shape=(-1,))),
    "clip": (lambda x, y: np.clip(x, 0.8, 1.5), lambda x, y: ag.clip(x, 0.8, 1.5)),
    "linalg.det (a primitive whose NumPy argument shares our name)": (
        lambda x, y: np.linalg.det(x[:, :2]), lambda x, y: ag.linalg.det(x[:, :2])),
    "linalg.inv": (lambda x, y: np.linalg.inv(x[:, :2]), lambda x, y: ag.linalg.inv(x[:, :2])),
    "tensordot": (lambda x, y: np.tensordot(x, y.T, 1), lambda x, y: ag.tensordot(x, y.T, axes=1)),
    "pad with NumPy's keyword arguments": (lambda x, y: np.pad(x, 1, constant_values=5.0),
                                           lambda x, y: ag.pad(x, 1, constant_values=5.0)),
    "exp of a sum of ndarray and Tensor": (lambda x, y: np.exp(np.ones(3) + x), lambda x, y: ag.exp(1 + x)),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_numpy_calls_give_tensors_with_our_values_and_gradients(name):
    numpy_call, ours = CALLS[name]
    x, y = leaf(2, 3), leaf(2, 3)
    result = numpy_call(x, y)
    assert isinstance(result, Tensor) and result.requires_grad, type(result)
    expected = ours(x, y)
    np.testing.assert_allclose(result.data, expected.data, rtol=1e-15)
    gradients = ag.gradients(result.sum(), [x, y])
    expected_gradients = ag.gradients(expected.sum(), [x, y])
    for got, want in zip(gradients, expected_gradients):
        assert (got is None) == (want is None)
        if want is not None:
            np.testing.assert_allclose(got, want, rtol=1e-15)


def test_numpy_calls_keep_the_graph_through_a_chain_of_numpy_code():
    """MyGrad's promise: NumPy code, unchanged, differentiates."""
    w = Tensor([0.5, -1.0, 2.0], requires_grad=True)

    def numpy_code(w):
        return np.mean(np.square(np.tanh(w) - np.array([0.0, 1.0, 0.0])))

    loss = numpy_code(w)
    loss.backward()
    expected = 2 * (np.tanh(w.data) - [0, 1, 0]) * (1 - np.tanh(w.data) ** 2) / 3
    np.testing.assert_allclose(w.grad, expected, rtol=1e-14)


def test_comparisons_and_logical_ufuncs_give_plain_booleans_as_the_operators_do():
    x, y = Tensor([1.0, 2.0], requires_grad=True), Tensor([2.0, 2.0])
    for ufunc in (np.greater, np.less_equal, np.equal, np.not_equal):
        result = ufunc(x, y)
        assert isinstance(result, np.ndarray) and result.dtype == bool
        np.testing.assert_array_equal(result, ufunc(x.data, y.data))
    np.testing.assert_array_equal(np.logical_and(x > 1, y > 1), [False, True])
    np.testing.assert_array_equal(np.ones(2) < x, [False, True])


def test_read_only_functions_look_at_the_data():
    x = leaf(2, 3)
    assert np.shape(x) == (2, 3) and np.ndim(x) == 2 and np.size(x) == 6
    assert np.allclose(x, x.data) and np.array_equal(x, x.data)
    np.testing.assert_array_equal(np.isclose(x, x.data), np.ones((2, 3), bool))


@pytest.mark.parametrize("call, named", [
    (lambda x: np.histogram(x), "numpy.histogram"),
    (lambda x: np.fft.fft(x), "numpy.fft.fft"),
    (lambda x: np.add.reduce(x), "numpy.add.reduce"),
    (lambda x: np.add.accumulate(x), "numpy.add.accumulate"),
    (lambda x: np.sum(x, dtype=np.float32), "numpy.sum"),
    (lambda x: np.exp(x, dtype=np.float32), "numpy.exp"),
    (lambda x: np.exp(x, out=np.empty(3)), "numpy.exp"),
    (lambda x: np.exp(x, where=np.array([True, False, True])), "numpy.exp"),
], ids=["histogram", "fft", "reduce", "accumulate", "sum dtype", "ufunc dtype", "ufunc out", "ufunc where"])
def test_numpy_functions_we_do_not_support_raise_a_type_error_naming_them(call, named):
    x = leaf(3)
    with pytest.raises(TypeError, match=named.replace(".", r"\.")):
        call(x)


def test_an_ndarray_updated_in_place_with_a_tensor_raises_and_is_unchanged():
    a = np.ones(3)
    with pytest.raises(TypeError, match="drop its graph"):
        a += leaf(3)
    np.testing.assert_array_equal(a, np.ones(3))


def test_the_table_maps_numpy_functions_to_ours_of_the_same_name():
    table = _functions()
    assert table[np.sum] is ag.sum and table[np.concatenate] is ag.concatenate
    for theirs, ours in table.items():
        home = ag.linalg if theirs.__module__ == "numpy.linalg" else ag
        name = {"concat": "concatenate", "permute_dims": "transpose"}.get(theirs.__name__, theirs.__name__)
        assert getattr(home, name) is ours, (theirs, ours)


@pytest.mark.parametrize("name", sorted(_ops()))
def test_where_numpy_has_the_function_our_leading_array_arguments_line_up_with_its(name):
    """Arguments are passed by NumPy's names, and NumPy's leading array arguments by position: for
    each function of both libraries, ours takes that many leading positional arguments."""
    theirs = getattr(np, name, None)
    ours = _ops()[name]
    if theirs not in _functions():
        return
    _, leading, _ = _signature(theirs, ours)
    parameters = list(inspect.signature(ours).parameters.values())
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    assert len(positional) >= len(leading) or any(p.kind is p.VAR_POSITIONAL for p in parameters)


def test_numpy_calls_on_tensors_of_another_back_end_stay_there(xp, device):
    x = ag.asarray(xp.asarray([0.5, 1.0], device=device), requires_grad=True)
    y = np.sin(x)
    assert_on(xp, y, device)
    (grad,) = ag.gradients(np.sum(y), [x])
    assert_on(xp, grad, device)


def test_the_operator_fast_path_is_unchanged_for_a_tensor_on_the_left():
    """``Tensor + ndarray`` is Tensor's ``__add__``; NumPy's protocol is only asked for NumPy's own
    calls (``ndarray + Tensor``, ``np.add``)."""
    calls = []

    class Watched(Tensor):
        __slots__ = ()

        def __array_ufunc__(self, *args, **kwargs):
            calls.append(args)
            return super().__array_ufunc__(*args, **kwargs)

    x = Watched([1.0, 2.0], requires_grad=True)
    _ = x + np.ones(2)
    assert calls == []
    _ = np.ones(2) + x
    assert len(calls) == 1
