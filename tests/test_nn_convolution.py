"""conv1d, conv2d, conv_transpose2d, unfold, fold and the layers Conv1d, Conv2d, ConvTranspose2d
against PyTorch, in float64 to 1e-10: forward values and the gradients of input, weight and bias over
strides, paddings (numbers, "valid", "same" with even and odd kernels), dilations, groups, output
paddings and unbatched inputs; layers with PyTorch's weights loaded through load_state_dict, their
initialisation, repr and state_dict keys; second order; float32 kept float32; and the errors (each
naming the op, the argument and the shapes)."""

import warnings

import numpy as np
import pytest
import torch
from helpers import TORCH_TOLERANCE as TOLERANCE
from helpers import close, copy_from_torch, host

import autograd_lite as ag
from autograd_lite import ShapeError, Tensor, nn
from autograd_lite.nn import functional as F
from autograd_lite.testing import gradgradcheck


def pairs(*arrays):
    """Each float64 array as a leaf of ours and one of PyTorch's, all requiring grad."""
    ours = [None if a is None else Tensor(a.copy(), requires_grad=True) for a in arrays]
    theirs = [None if a is None else torch.tensor(a, requires_grad=True) for a in arrays]
    return ours, theirs


def compare(ours_fn, torch_fn, *arrays, seed=0):
    """The forward and every gradient (one random upstream gradient) of ours and PyTorch's agree."""
    ours, theirs = pairs(*arrays)
    out = ours_fn(*ours)
    with warnings.catch_warnings():   # padding="same" with an even kernel: PyTorch warns of a copy
        warnings.simplefilter("ignore", UserWarning)
        expected = torch_fn(*theirs)
    close(out, expected)
    g = np.random.default_rng(seed).normal(size=expected.shape)
    out.backward(g)
    expected.backward(torch.from_numpy(g))
    for a, t in zip(ours, theirs):
        if a is not None:
            close(a.grad, t.grad)


def operands(rng, x_shape, w_shape, bias):
    return rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0]) if bias else None


# ---- conv2d and conv1d ------------------------------------------------------------------------------

CONV2D_CASES = [
    dict(),
    dict(stride=2),
    dict(stride=(2, 3), padding=(1, 2)),
    dict(padding=1, dilation=2),
    dict(dilation=(2, 1), stride=(1, 2)),
    dict(padding="valid"),
    dict(padding="same"),
    dict(padding="same", dilation=2),
    dict(groups=2),
    dict(groups=4, padding=1, stride=2),
    dict(groups=2, padding="same", dilation=(1, 2)),
]


@pytest.mark.parametrize("kwargs", CONV2D_CASES, ids=repr)
@pytest.mark.parametrize("kernel", [(3, 3), (2, 4), (1, 1)], ids=repr)
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_matches_torch(kwargs, kernel, bias):
    rng = np.random.default_rng(0)
    groups = kwargs.get("groups", 1)
    x, w, b = operands(rng, (2, 4, 7, 8), (8, 4 // groups) + kernel, bias)
    arrays = (x, w) if b is None else (x, w, b)
    compare(lambda *t: F.conv2d(*t, **kwargs), lambda *t: torch.nn.functional.conv2d(*t, **kwargs), *arrays)


@pytest.mark.parametrize("kwargs", [dict(), dict(stride=2, padding=1), dict(padding="same"),
                                    dict(padding="same", dilation=3), dict(groups=3, dilation=2),
                                    dict(padding="valid", stride=3)], ids=repr)
@pytest.mark.parametrize("kernel", [2, 3])
def test_conv1d_matches_torch(kwargs, kernel):
    rng = np.random.default_rng(1)
    groups = kwargs.get("groups", 1)
    x, w, b = operands(rng, (3, 6, 11), (6, 6 // groups, kernel), True)
    compare(lambda *t: F.conv1d(*t, **kwargs), lambda *t: torch.nn.functional.conv1d(*t, **kwargs), x, w, b)


def test_same_padding_keeps_the_size_and_puts_the_odd_element_after():
    x = np.arange(6.0).reshape(1, 1, 6)
    y = F.conv1d(x, np.array([[[1.0, 10.0]]]), padding="same")   # total padding 1: all of it on the right
    np.testing.assert_array_equal(y[0, 0], [10.0, 21.0, 32.0, 43.0, 54.0, 5.0])


def test_unbatched_inputs_give_unbatched_outputs_as_in_torch():
    rng = np.random.default_rng(2)
    x, w, b = operands(rng, (3, 6, 5), (4, 3, 2, 2), True)
    compare(lambda *t: F.conv2d(*t, padding=1), lambda *t: torch.nn.functional.conv2d(*t, padding=1), x, w, b)
    x1, w1, b1 = operands(rng, (3, 9), (2, 3, 3), True)
    compare(lambda *t: F.conv1d(*t, stride=2), lambda *t: torch.nn.functional.conv1d(*t, stride=2),
            x1, w1, b1)
    wt = rng.normal(size=(3, 2, 3, 3))
    compare(lambda *t: F.conv_transpose2d(*t, stride=2), lambda *t: torch.nn.functional.conv_transpose2d(
        *t, stride=2), x, wt)


# ---- conv_transpose2d -------------------------------------------------------------------------------

TRANSPOSED_CASES = [
    dict(),
    dict(stride=2),
    dict(stride=2, output_padding=1),
    dict(stride=(3, 2), padding=(1, 0), output_padding=(2, 1)),
    dict(padding=1, dilation=2),
    dict(stride=2, dilation=3, output_padding=2),   # output_padding ≥ stride: allowed below the dilation
    dict(groups=2, stride=2, padding=1),
    dict(groups=2, dilation=(1, 2), output_padding=(0, 1)),
]


@pytest.mark.parametrize("kwargs", TRANSPOSED_CASES, ids=repr)
@pytest.mark.parametrize("kernel", [(3, 3), (2, 3)], ids=repr)
@pytest.mark.parametrize("bias", [True, False])
def test_conv_transpose2d_matches_torch(kwargs, kernel, bias):
    rng = np.random.default_rng(3)
    groups = kwargs.get("groups", 1)
    x, w, _ = operands(rng, (2, 4, 4, 5), (4, 6 // groups) + kernel, False)
    b = rng.normal(size=6) if bias else None
    arrays = (x, w) if b is None else (x, w, b)
    compare(lambda *t: F.conv_transpose2d(*t, **kwargs),
            lambda *t: torch.nn.functional.conv_transpose2d(*t, **kwargs), *arrays)


def test_conv_transpose2d_is_the_input_gradient_of_conv2d():
    rng = np.random.default_rng(4)
    x, w, _ = operands(rng, (2, 3, 9, 8), (5, 3, 3, 2), False)
    X = Tensor(x, requires_grad=True)
    y = F.conv2d(X, w, stride=2, padding=1, dilation=(1, 2))
    g = rng.normal(size=y.shape)
    y.backward(g)
    np.testing.assert_allclose(F.conv_transpose2d(g, w, stride=2, padding=1, dilation=(1, 2),
                                                  output_padding=(0, 1)), X.grad, **TOLERANCE)


# ---- unfold and fold --------------------------------------------------------------------------------

WINDOW_CASES = [dict(kernel_size=2), dict(kernel_size=(2, 3), stride=2), dict(kernel_size=3, padding=1),
                dict(kernel_size=(3, 2), dilation=(2, 1), padding=(2, 0), stride=(1, 2))]


@pytest.mark.parametrize("kwargs", WINDOW_CASES, ids=repr)
@pytest.mark.parametrize("batched", [True, False])
def test_unfold_and_fold_match_torch(kwargs, batched):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 3, 7, 6) if batched else (3, 7, 6))
    compare(lambda t: F.unfold(t, **kwargs), lambda t: torch.nn.functional.unfold(t, **kwargs), x)
    columns = torch.nn.functional.unfold(torch.from_numpy(x), **kwargs).numpy()
    compare(lambda t: F.fold(t, (7, 6), **kwargs), lambda t: torch.nn.functional.fold(t, (7, 6), **kwargs),
            rng.normal(size=columns.shape))


# ---- second order, dtypes, back ends -------------------------------------------------------------------


def test_second_order_of_each_op_matches_finite_differences():
    rng = np.random.default_rng(6)
    x, w, b = operands(rng, (1, 2, 4, 3), (2, 1, 2, 2), True)
    assert gradgradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1, groups=2), x, w, b)
    assert gradgradcheck(lambda x, w: F.conv_transpose2d(x, w, stride=2, dilation=3, output_padding=2,
                                                         groups=2), x, rng.normal(size=(2, 1, 2, 2)))
    assert gradgradcheck(lambda x, w: F.conv1d(x, w, padding="same"), x[:, :, 0], rng.normal(size=(2, 2, 2)))


def test_double_backward_matches_torch():
    """The gradient of Σ (∂L/∂x)², through create_graph, agrees with PyTorch's double backward."""
    rng = np.random.default_rng(7)
    x, w, b = operands(rng, (2, 2, 5, 5), (3, 2, 3, 3), True)
    (X, W, B), (tx, tw, tb) = pairs(x, w, b)
    y = F.conv2d(X, W, B, stride=2, padding=1)
    (gx,) = ag.gradients((y * y).sum(), [X], create_graph=True)
    (gx * gx).sum().backward()
    ty = torch.nn.functional.conv2d(tx, tw, tb, stride=2, padding=1)
    (tgx,) = torch.autograd.grad((ty * ty).sum(), [tx], create_graph=True)
    (tgx * tgx).sum().backward()
    for ours, theirs in ((X, tx), (W, tw), (B, tb)):
        close(ours.grad, theirs.grad)


def test_float32_stays_float32():
    rng = np.random.default_rng(8)
    x, w, b = (a.astype(np.float32) for a in operands(rng, (2, 3, 6, 6), (4, 3, 3, 3), True))
    (X, W, B), _ = pairs(x, w, b)
    y = F.conv2d(X, W, B, padding=1)
    y.backward(np.ones(y.shape, np.float32))
    assert {str(a.dtype) for a in (y, X.grad, W.grad, B.grad)} == {"float32"}
    t = F.conv_transpose2d(X, np.ones((3, 2, 2, 2), np.float32), stride=2)
    assert str(t.dtype) == "float32"


def test_runs_on_array_api_strict():
    import array_api_strict as xp

    rng = np.random.default_rng(9)
    x, w, b = operands(rng, (2, 2, 5, 5), (4, 2, 3, 3), True)
    ours = [Tensor(xp.asarray(a), requires_grad=True) for a in (x, w, b)]
    y = F.conv2d(*ours, stride=2, padding="valid")
    y.backward(xp.ones(y.shape, dtype=xp.float64))
    (X, W, B), _ = pairs(x, w, b)
    expected = F.conv2d(X, W, B, stride=2)
    expected.backward(np.ones(expected.shape))
    close(y, expected.data)
    for strict, numpy in zip(ours, (X, W, B)):
        assert isinstance(strict.grad, type(xp.asarray(1.0)))
        close(strict.grad, numpy.grad)


# ---- the layers --------------------------------------------------------------------------------------




LAYERS = [
    ("Conv1d", (3, 6, 3), dict(stride=2, padding=1), (2, 3, 10)),
    ("Conv1d", (4, 2, 4), dict(padding="same", groups=2, bias=False), (3, 4, 7)),
    ("Conv2d", (3, 4, 3), dict(), (2, 3, 6, 6)),
    ("Conv2d", (4, 6, (2, 3)), dict(stride=(2, 1), padding=(1, 0), dilation=2, groups=2), (2, 4, 7, 9)),
    ("Conv2d", (2, 2, 4), dict(padding="same", bias=False), (2, 6, 5)),
    ("Conv2d", (2, 3, 3), dict(padding=(1, 2), padding_mode="reflect"), (2, 2, 5, 6)),
    ("Conv2d", (2, 3, (2, 3)), dict(padding="same", padding_mode="replicate", dilation=2), (2, 2, 5, 6)),
    ("Conv1d", (2, 3, 3), dict(padding=2, padding_mode="circular", stride=2), (2, 2, 7)),
    ("ConvTranspose2d", (4, 3, 3), dict(stride=2, padding=1, output_padding=1), (2, 4, 4, 5)),
    ("ConvTranspose2d", (4, 6, 2), dict(groups=2, dilation=2, bias=False), (2, 4, 3, 3)),
]


@pytest.mark.parametrize("name, args, kwargs, shape", LAYERS, ids=[f"{n}-{k}" for n, _, k, _ in LAYERS])
def test_layers_with_torch_weights_match_torch(name, args, kwargs, shape):
    torch_layer = getattr(torch.nn, name)(*args, **kwargs).double()
    layer = getattr(nn, name)(*args, **kwargs)
    assert list(layer.state_dict()) == list(torch_layer.state_dict())
    copy_from_torch(layer, torch_layer)
    x = np.random.default_rng(10).normal(size=shape)
    X, tx = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        expected = torch_layer(tx)
    y = layer(X)
    close(y, expected)
    g = np.random.default_rng(11).normal(size=expected.shape)
    y.backward(g)
    expected.backward(torch.from_numpy(g))
    close(X.grad, tx.grad)
    for ours, theirs in zip(layer.parameters(), torch_layer.parameters()):
        close(ours.grad, theirs.grad)
    assert repr(layer) == repr(torch_layer)


@pytest.mark.parametrize("name, args, kwargs", [
    ("Conv2d", (3, 8, 3), dict()), ("Conv2d", (4, 8, (2, 5)), dict(groups=2)),
    ("Conv1d", (6, 4, 3), dict(groups=2)),
    ("ConvTranspose2d", (6, 4, 3), dict()), ("ConvTranspose2d", (4, 6, 2), dict(groups=2))])
def test_initialisation_is_pytorch_kaiming_uniform(name, args, kwargs):
    layer = getattr(nn, name)(*args, **kwargs)
    torch_layer = getattr(torch.nn, name)(*args, **kwargs)
    assert layer.weight.shape == tuple(torch_layer.weight.shape)
    fan_in = int(np.prod(torch_layer.weight.shape[1:]))
    bound = 1 / np.sqrt(fan_in)
    for ours in (layer.weight, layer.bias):
        data = host(ours)
        assert np.abs(data).max() <= bound and np.abs(data).max() > 0.5 * bound
    ag.manual_seed(3)
    first = host(getattr(nn, name)(*args, **kwargs).weight)
    ag.manual_seed(3)
    np.testing.assert_array_equal(host(getattr(nn, name)(*args, **kwargs).weight), first)


def test_conv_transpose2d_layer_takes_output_size_as_torch():
    torch_layer = torch.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1).double()
    layer = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    copy_from_torch(layer, torch_layer)
    x = np.random.default_rng(12).normal(size=(1, 2, 4, 4))
    for size in [(7, 7), (8, 8), (7, 8), (1, 3, 8, 7)]:
        close(layer(x, output_size=size), torch_layer(torch.from_numpy(x), output_size=size))
    with pytest.raises(ValueError, match=r"ConvTranspose2d: invalid output_size \(9, 9\).*between "
                                         r"\(7, 7\) and \(8, 8\)"):
        layer(x, output_size=(9, 9))


def test_layer_reprs_match_torch():
    for name, args, kwargs in [("Conv2d", (1, 32, 3), {}),
                               ("Conv2d", (2, 4, 3), dict(padding="same", bias=False)),
                               ("Conv1d", (2, 4, 3), dict(dilation=2, groups=2)),
                               ("ConvTranspose2d", (4, 2, 3), dict(stride=2, output_padding=1))]:
        assert repr(getattr(nn, name)(*args, **kwargs)) == repr(getattr(torch.nn, name)(*args, **kwargs))


# ---- errors -----------------------------------------------------------------------------------------------

X4, W4 = np.ones((2, 3, 5, 5)), np.ones((4, 3, 3, 3))


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.conv2d(np.ones((3, 5)), W4), ShapeError,
     r"conv2d: input must be 3-D \(unbatched\) or 4-D \(batched: N, C, H, W\), not of shape \(3, 5\)"),
    (lambda: F.conv1d(np.ones((3,)), np.ones((1, 1, 1))), ShapeError,
     r"conv1d: input must be 2-D \(unbatched\) or 3-D \(batched: N, C, L\), not of shape \(3,\)"),
    (lambda: F.conv2d(X4, np.ones((4, 3, 3))), ShapeError,
     r"conv2d: weight must be 4-D, not of shape \(4, 3, 3\)"),
    (lambda: F.conv2d(np.ones((2, 2, 5, 5)), W4), ShapeError,
     r"conv2d: input of shape \(2, 2, 5, 5\) has 2 channels, but weight of shape \(4, 3, 3, 3\) "
     r"with groups=1 expects 3"),
    (lambda: F.conv2d(X4, np.ones((4, 1, 3, 3)), groups=3), ShapeError,
     r"conv2d: groups=3 must divide the output channels.*\(4, 1, 3, 3\)"),
    (lambda: F.conv2d(X4, W4, groups=0), ValueError, r"conv2d: invalid groups 0; it must be an integer >= 1"),
    (lambda: F.conv2d(X4, W4, np.ones(3)), ShapeError, r"conv2d: bias of shape \(3,\) does not fit weight of "
                                                       r"shape \(4, 3, 3, 3\); it must have shape \(4,\)"),
    (lambda: F.conv2d(np.ones((2, 3, 2, 5)), W4), ShapeError,
     r"conv2d: the padded input is 2 × 5 per channel \(shape \(2, 3, 2, 5\), "
     r"padding \(\(0, 0\), \(0, 0\)\)\), smaller than the weight's kernel 3 × 3"),
    (lambda: F.conv2d(X4, W4, dilation=3), ShapeError, r"conv2d: .*kernel 3 × 3 \(dilated: 7 × 7\)"),
    (lambda: F.conv2d(X4, W4, stride=0), ValueError, r"conv2d: invalid stride 0; it must be an integer >= 1"),
    (lambda: F.conv2d(X4, W4, stride=(1, 2, 1)), ValueError,
     r"conv2d: invalid stride \(1, 2, 1\); .*sequence of 2"),
    (lambda: F.conv2d(X4, W4, stride=1.5), TypeError, r"conv2d: invalid stride 1.5"),
    (lambda: F.conv2d(X4, W4, dilation=(1, 0)), ValueError, r"conv2d: invalid dilation \(1, 0\)"),
    (lambda: F.conv2d(X4, W4, padding=-1), ValueError,
     r"conv2d: invalid padding -1; it must be an integer >= 0"),
    (lambda: F.conv2d(X4, W4, padding="full"), ValueError,
     r"conv2d: invalid padding 'full'; .*'valid' or 'same'"),
    (lambda: F.conv2d(X4, W4, padding="same", stride=2), ValueError,
     r"conv2d: padding='same' is not supported for strided convolutions"),
    (lambda: F.conv1d(np.ones((3, 2)), np.ones((1, 3, 5))), ShapeError, r"conv1d: the padded input is 2 per"),
    (lambda: F.conv_transpose2d(X4, np.ones((4, 2, 3, 3))), ShapeError,
     r"conv_transpose2d: input of shape \(2, 3, 5, 5\) has 3 channels, but weight of shape \(4, 2, 3, 3\) "
     r"expects 4"),
    (lambda: F.conv_transpose2d(X4, np.ones((3, 2, 3, 3)), groups=2), ShapeError,
     r"conv_transpose2d: groups=2 must divide the input channels"),
    (lambda: F.conv_transpose2d(X4, np.ones((3, 2, 3, 3)), stride=2, output_padding=2), ValueError,
     r"conv_transpose2d: invalid output_padding \(2, 2\); it must be smaller than either stride"),
    (lambda: F.conv_transpose2d(np.ones((1, 3, 1, 1)), np.ones((3, 1, 1, 1)), padding=1), ShapeError,
     r"conv_transpose2d: .*give an output of size \(-1, -1\), which is too small"),
    (lambda: F.unfold(np.ones((2, 3)), 2), ShapeError, r"unfold: input must be 3-D .* not of shape \(2, 3\)"),
    (lambda: F.unfold(X4, 6), ShapeError, r"unfold: the padded input is 5 × 5"),
    (lambda: F.fold(np.ones((1, 4, 5)), (3, 3), 2), ShapeError,
     r"fold: input of shape \(1, 4, 5\) has 5 columns, but output_size \(3, 3\).* give 2 × 2 = 4 windows"),
    (lambda: F.fold(np.ones((1, 5, 4)), (3, 3), 2), ShapeError,
     r"fold: input of shape \(1, 5, 4\) has 5 rows"),
    (lambda: nn.Conv2d(3, 4, 3, groups=2), ValueError, r"Conv2d: groups=2 must divide in_channels \(3\)"),
    (lambda: nn.Conv2d(3, 4, 0), ValueError, r"Conv2d: invalid kernel_size 0"),
    (lambda: nn.Conv2d(3, 4, 3, padding="same", stride=2), ValueError,
     r"Conv2d: padding='same' is not supported"),
    (lambda: nn.Conv2d(3, 4, 3, padding_mode="mirror"), ValueError, r"Conv2d: invalid padding_mode 'mirror'"),
    (lambda: nn.ConvTranspose2d(3, 4, 3, padding_mode="circular"), ValueError,
     r"ConvTranspose2d: only padding_mode='zeros' is supported"),
    (lambda: nn.Conv1d(3, 4, 3, bias=1), TypeError, r"Conv1d: invalid bias 1; it must be True or False"),
], ids=lambda v: "" if callable(v) else None)
def test_bad_arguments_raise_naming_op_argument_and_shapes(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_call_that_raises_records_nothing_and_leaves_the_layer_as_it_was():
    layer = nn.Conv2d(3, 4, 3)
    before = host(layer.weight).copy()
    with pytest.raises(ShapeError):
        layer(np.ones((2, 5, 6, 6)))
    np.testing.assert_array_equal(host(layer.weight), before)
    assert layer.weight.grad is None


@pytest.mark.parametrize("layer", [nn.Conv2d(2, 3, 3, padding=1, padding_mode="circular"),
                                   nn.Conv1d(2, 4, 2, groups=2), nn.ConvTranspose2d(2, 3, 2, stride=2)],
                         ids=lambda layer: type(layer).__name__)
def test_layers_run_on_another_device_as_on_numpy(layer):
    import array_api_strict as xp

    device = xp.Device("device1")
    x = np.random.default_rng(13).normal(size=(2, 2, 4, 4) if "2d" in type(layer).__name__ else (2, 2, 5))
    expected = layer(x)
    expected.backward(np.ones(expected.shape))
    grads = [host(p.grad).copy() for p in layer.parameters()]
    layer.zero_grad()
    layer.to(device)
    y = layer(xp.asarray(x, device=device))
    assert y.device == device and layer.weight.device == device
    close(y, expected.data)
    y.backward(xp.ones(y.shape, dtype=xp.float64, device=device))
    for p, g in zip(layer.parameters(), grads):
        assert p.grad.device == device
        close(p.grad, g)
