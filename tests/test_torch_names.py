"""PyTorch's spellings (``autograd_lite/torch_names.py``), each against PyTorch itself: the same
values, indices, shapes and gradients as the torch call of the same spelling; and NumPy's meaning
where the two libraries differ."""

import inspect

import numpy as np
import pytest
import torch

import autograd_lite as ag
from autograd_lite import Tensor
from autograd_lite.engine import Primitive

RNG = np.random.default_rng(1)


def pair(*shape, data=None):
    """The same leaf as a Tensor and as a torch tensor."""
    data = RNG.standard_normal(shape) if data is None else np.asarray(data, float)
    return Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)


def assert_same(ours, theirs, x, t):
    """Values equal, and the gradient of Σ w·out (a fixed random w) equal."""
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-14, atol=1e-15)
    weights = RNG.standard_normal(theirs.shape)
    (ours * weights).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=1e-14, atol=1e-15)


REDUCTIONS = {
    "sum": (lambda x, **k: x.sum(**k), lambda t, **k: t.sum(**k)),
    "mean": (lambda x, **k: x.mean(**k), lambda t, **k: t.mean(**k)),
    "logsumexp": (lambda x, **k: x.logsumexp(**k), lambda t, **k: t.logsumexp(**k)),
    "ag.sum": (lambda x, **k: ag.sum(x, **k), lambda t, **k: torch.sum(t, **k)),
    "ag.mean": (lambda x, **k: ag.mean(x, **k), lambda t, **k: torch.mean(t, **k)),
    "var": (lambda x, **k: x.var(ddof=1, **k), lambda t, **k: t.var(**k)),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("dim", [0, -1, (0, 2)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_dim_and_keepdim_mean_what_they_mean_in_pytorch(name, dim, keepdim):
    ours, theirs = REDUCTIONS[name]
    x, t = pair(2, 3, 4)
    assert_same(ours(x, dim=dim, keepdim=keepdim), theirs(t, dim=dim, keepdim=keepdim), x, t)


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("which", ["max", "min"])
def test_max_and_min_with_dim_give_values_and_indices_and_the_gradient_of_pytorch(dim, keepdim, which):
    """Ties included (a grid of few values): PyTorch picks one element, and so its gradient goes
    there alone."""
    data = RNG.integers(0, 3, (3, 4)).astype(float)
    for call in (lambda x: getattr(x, which)(dim=dim, keepdim=keepdim),
                 lambda x: getattr(ag, which)(x, dim=dim, keepdim=keepdim)):
        x, t = pair(data=data)
        values, indices = call(x)
        theirs = getattr(t, which)(dim=dim, keepdim=keepdim)
        np.testing.assert_array_equal(indices, theirs.indices.numpy())
        assert_same(values, theirs.values, x, t)


@pytest.mark.parametrize("name", ["sum", "mean", "logsumexp", "max", "min"])
def test_keepdim_alone_and_mixed_spellings_mean_what_they_say_on_the_methods(name):
    x = Tensor(RNG.standard_normal((3, 3)))
    reference = getattr(x.data, name if name != "logsumexp" else "sum")
    expected_shape = reference(axis=1, keepdims=True).shape
    assert getattr(x, name)(axis=1, keepdim=True).shape == expected_shape
    assert getattr(x, name)(keepdim=True).shape == (1, 1)
    with pytest.raises(TypeError, match="got both keepdims="):
        getattr(x, name)(axis=1, keepdims=True, keepdim=False)
    with pytest.raises(TypeError, match="got both axis=|not axis="):
        getattr(x, name)(axis=1, dim=1)


def test_max_with_dim_refuses_numpys_keepdims():
    with pytest.raises(TypeError, match="max: with PyTorch's dim=, spell the rest as PyTorch does"):
        Tensor(np.ones((2, 3))).max(dim=1, keepdims=True)


def test_max_with_axis_keeps_numpys_meaning():
    x = Tensor([[1.0, 3.0], [3.0, 1.0]], requires_grad=True)
    result = x.max(axis=0)
    assert isinstance(result, Tensor) and result.shape == (2,)


@pytest.mark.parametrize("call", [lambda x: x.var(dim=0), lambda x: ag.var(x, dim=0), lambda x: x.std(dim=1),
                                  lambda x: ag.std(x, dim=1)], ids=["t.var", "ag.var", "t.std", "ag.std"])
def test_var_and_std_with_dim_need_ddof_since_the_two_libraries_defaults_differ(call):
    with pytest.raises(TypeError, match="give ddof= too"):
        call(Tensor(np.ones((2, 3))))


def test_both_spellings_at_once_is_an_error_naming_the_op():
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(TypeError, match="sum: got both axis= and PyTorch's spelling of it, dim="):
        ag.sum(x, axis=0, dim=0)
    with pytest.raises(TypeError, match="got both keepdims="):
        x.mean(keepdims=True, keepdim=True)


def test_every_primitive_and_method_that_takes_axis_takes_dim():
    """So that no op is left out of PyTorch's spelling: primitives by their own check, methods by
    Tensor's (``max``/``min`` spell ``dim`` themselves)."""
    primitives = [value for value in vars(ag).values() if isinstance(value, Primitive)]
    assert [p.name for p in primitives if p.takes_axis] and all(
        p.takes_axis == ("axis" in inspect.signature(p.forward).parameters) for p in primitives)
    for name in dir(Tensor):
        method = getattr(Tensor, name)
        if callable(method) and not name.startswith("__"):
            parameters = inspect.signature(method).parameters
            if "axis" in parameters:
                passes_on = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
                assert "dim" in parameters or passes_on or hasattr(method, "__wrapped__"), name


def _public_functions():
    for home in (ag, ag.linalg, ag.nn.functional):
        for name in home.__all__:
            value = getattr(home, name)
            if inspect.isfunction(value):
                yield f"{home.__name__}.{name}", value


@pytest.mark.parametrize("name, function", sorted(_public_functions()),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_public_function_that_takes_axis_takes_dim(name, function):
    """The composites (``var``, ``concatenate`` …) are not primitives: each is decorated with
    ``accepts_torch_spelling`` or spells ``dim`` itself."""
    parameters = inspect.signature(function).parameters
    if "axis" in parameters:
        passes_on = any(p.kind is p.VAR_KEYWORD for p in parameters.values())  # reads or refuses them
        assert "dim" in parameters or passes_on or getattr(function, "__wrapped__", None) is not None, name


@pytest.mark.parametrize("start_dim, end_dim", [(0, -1), (1, -1), (0, 1), (1, 2), (-2, -1), (2, 2)])
def test_flatten_with_start_and_end_dim_as_pytorch(start_dim, end_dim):
    x, t = pair(2, 3, 4)
    assert_same(x.flatten(start_dim, end_dim), t.flatten(start_dim, end_dim), x, t)


def test_flatten_with_start_after_end_is_an_error():
    with pytest.raises(ValueError, match="flatten on a tensor of shape"):
        Tensor(np.ones((2, 3))).flatten(1, 0)


@pytest.mark.parametrize("name, args", [
    ("view", (4, 6)), ("view", ((-1,),)), ("unsqueeze", (1,)), ("unsqueeze", (-1,)),
    ("permute", (2, 0, 1)), ("permute", ((1, 2, 0),)), ("clone", ()), ("double", ()),
])
def test_methods_of_pytorchs_names_match_pytorch(name, args):
    x, t = pair(2, 3, 4)
    assert_same(getattr(x, name)(*args), getattr(t, name)(*args), x, t)


def test_mT_numel_size_tolist_and_cat_match_pytorch():
    x, t = pair(5, 2, 3)
    assert_same(x.mT, t.mT, x, t)
    assert x.numel() == t.numel() == x.size == 30
    assert x.size() == tuple(t.size()) and x.size(-1) == t.size(-1) == 3
    assert x.tolist() == t.tolist()
    a, ta = pair(2, 3)
    b, tb = pair(1, 3)
    assert_same(ag.cat([a, b]), torch.cat([ta, tb]), a, ta)
    np.testing.assert_allclose(b.grad.shape, tb.grad.shape)


def test_float_is_float32_as_in_pytorch_and_differentiable():
    x = Tensor([1.5, 2.5], requires_grad=True)
    y = x.float()
    assert y.dtype == np.float32 and y.requires_grad
    assert float(Tensor(2.5)) == 2.5  # the builtin is still the Python number


def test_transpose_keeps_numpys_meaning():
    """``t.transpose(0, 1)`` permutes as NumPy does (here: the identity on a 2-D array), unlike
    PyTorch's swap of two axes; ``swapaxes`` is PyTorch's ``transpose``."""
    data = RNG.standard_normal((2, 3, 4))
    np.testing.assert_array_equal(Tensor(data).transpose(1, 0, 2).data, data.transpose(1, 0, 2))
    swapped = torch.tensor(data).transpose(0, 1).numpy()
    np.testing.assert_array_equal(Tensor(data).swapaxes(0, 1).data, swapped)


def test_size_of_an_axis_out_of_range_names_the_axis():
    with pytest.raises(IndexError, match="dim 2 is out of bounds"):
        Tensor(np.ones((2, 3))).size(2)


def test_split_refuses_dim_since_torch_split_means_parts_of_that_size():
    x = Tensor(np.arange(6.0))
    with pytest.raises(TypeError, match="split: dim= is PyTorch's spelling"):
        ag.split(x, 2, dim=0)
    assert [part.shape for part in ag.split(x, 2, axis=0)] == [(3,), (3,)]


@pytest.mark.parametrize("ddof", [2, 3, 5])
def test_var_with_ddof_at_or_past_the_count_is_infinite_as_numpys(ddof):
    data = np.array([3.0, 1.0])
    with np.errstate(divide="ignore", invalid="ignore"):
        ours = ag.var(Tensor(data), ddof=ddof).item()
        with pytest.warns(RuntimeWarning):
            theirs = np.var(data, ddof=ddof)
    assert ours == theirs == np.inf


def test_size_takes_integer_dims_only_and_max_of_an_empty_dim_names_the_op():
    x = Tensor(np.ones((0, 3)))
    assert x.size(np.int64(-1)) == 3
    with pytest.raises(TypeError, match="size: dim must be an integer, not the bool True"):
        x.size(True)
    with pytest.raises(ValueError, match=r"max on a tensor of shape \(0, 3\): dim 0 is empty"):
        x.max(dim=0)
    with pytest.raises(IndexError):  # PyTorch raises too
        torch.ones(0, 3).max(dim=0)
    assert x.min(dim=1).values.shape == tuple(torch.ones(0, 3).min(dim=1).values.shape) == (0,)
