"""Pooling, padding and interpolation against PyTorch: every function and layer of
``nn.functional.pooling``/``resampling`` and ``nn.layers.pooling`` on the same float64 input as
torch's, forward values and the gradient of a random weighting of the output, to 1e-10, across
their arguments; and their argument checks.

The op table (``op_rows_nn_pooling.py``) checks the same ops' first and second derivatives against
finite differences on NumPy and array-api-strict; here the reference is PyTorch itself.
"""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from helpers import assert_on, host

import autograd_lite as ag
from autograd_lite import ShapeError, Tensor, nn
from autograd_lite.nn import functional as F
from autograd_lite.testing import gradcheck

TOLERANCE = {"rtol": 1e-10, "atol": 1e-10}


def same_as_torch(ours, theirs, *shape, seed=0, distinct=True, gradient=True, **params):
    """``ours(x, **params)`` and ``theirs(x, **params)`` on one random float64 ``x`` of ``shape``:
    equal outputs, and equal gradients of Σ r·out for one random r. ``distinct``: values with no
    ties (max pooling's gradient picks one of tied elements; both pick the first, but rounding
    could tell two near-equal values apart differently). ``gradient=False``: the forward only."""
    rng = np.random.default_rng(seed)
    data = rng.permutation(np.prod(shape)).reshape(shape) / 7.0 - 1.0 if distinct else rng.normal(size=shape)
    x = Tensor(data, requires_grad=True)
    t = torch.tensor(data, requires_grad=True)
    out, expected = ours(x, **params), theirs(t, **params)
    assert out.shape == tuple(expected.shape)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), **TOLERANCE)
    if not gradient:
        return
    r = rng.normal(size=out.shape)
    (out * r).sum().backward()
    (expected * torch.tensor(r)).sum().backward()
    np.testing.assert_allclose(x.grad, t.grad.numpy(), **TOLERANCE)


# ---- max pooling ------------------------------------------------------------------------------

MAX_2D = [dict(kernel_size=k, stride=s, padding=p, dilation=r, ceil_mode=c)
          for k, s, p, r, c in itertools.product([2, 3, (2, 3)], [None, 1, 2, (1, 2)], [0, 1], [1, 2],
                                                 [False, True])]


@pytest.mark.parametrize("params", MAX_2D, ids=str)
def test_max_pool2d_matches_torch(params):
    same_as_torch(F.max_pool2d, TF.max_pool2d, 2, 3, 7, 8, **params)


MAX_1D = [dict(kernel_size=k, stride=s, padding=p, dilation=r, ceil_mode=c)
          for k, s, p, r, c in itertools.product([2, 3], [None, 1, 2], [0, 1], [1, 2], [False, True])]


@pytest.mark.parametrize("params", MAX_1D, ids=str)
def test_max_pool1d_matches_torch(params):
    same_as_torch(F.max_pool1d, TF.max_pool1d, 2, 3, 9, **params)


def test_max_pool_of_unbatched_input_matches_torch():
    same_as_torch(F.max_pool2d, TF.max_pool2d, 3, 6, 5, kernel_size=2, padding=1)
    same_as_torch(F.max_pool1d, TF.max_pool1d, 3, 6, kernel_size=3, stride=2)


@pytest.mark.parametrize("params", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                    dict(kernel_size=(2, 3), dilation=2, ceil_mode=True)], ids=str)
def test_max_pool2d_indices_match_torch(params):
    data = np.random.default_rng(1).normal(size=(2, 3, 7, 8))
    out, index = F.max_pool2d(Tensor(data), return_indices=True, **params)
    expected, expected_index = TF.max_pool2d(torch.tensor(data), return_indices=True, **params)
    np.testing.assert_allclose(out.data, expected.numpy(), **TOLERANCE)
    np.testing.assert_array_equal(index.data, expected_index.numpy())
    _, index_1d = F.max_pool1d(data[0], 3, return_indices=True, ceil_mode=True)
    np.testing.assert_array_equal(index_1d, TF.max_pool1d(torch.tensor(data[0]), 3, return_indices=True,
                                                          ceil_mode=True)[1].numpy())


def test_max_pool_ties_send_the_gradient_to_the_first_maximum_as_torch():
    data = np.array([[[[1.0, 1.0, 0.0], [1.0, 1.0, 2.0], [2.0, 0.0, 2.0]]]])
    same = {"kernel_size": 2, "stride": 1}
    x, t = Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    F.max_pool2d(x, **same).sum().backward()
    TF.max_pool2d(t, **same).sum().backward()
    np.testing.assert_array_equal(x.grad, t.grad.numpy())


def pooled_as_torch(ours, theirs, data, *args):
    """``ours`` and ``theirs`` with ``return_indices`` on ``data``: the same outputs (NaN where
    torch's is), indices and gradient of the sum."""
    x, t = Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    out, index = ours(x, *args, return_indices=True)
    expected, expected_index = theirs(t, *args, return_indices=True)
    out.sum().backward()
    expected.sum().backward()
    np.testing.assert_array_equal(out.data, expected.detach().numpy())
    np.testing.assert_array_equal(index, expected_index.numpy())
    np.testing.assert_array_equal(x.grad, t.grad.numpy())


@pytest.mark.parametrize("data, args", [
    (np.array([[[[-np.inf, 1.0, 2.0]]]]), ((1, 2), (1, 2), (0, 1))),   # −∞ beside the padding
    (np.full((1, 1, 3, 3), -np.inf), (2, 2, 1)),                        # every window's maximum −∞
    (np.array([[[[-np.inf, -np.inf, 3.0], [-np.inf, 0.0, -np.inf]]]]), (3, 1, 1)),
], ids=["beside-padding", "all-minus-infinity", "mixed"])
def test_max_pool_never_picks_the_padding_where_a_window_holds_minus_infinity_as_torch(data, args):
    pooled_as_torch(F.max_pool2d, TF.max_pool2d, data, *args)
    pooled_as_torch(F.max_pool1d, TF.max_pool1d, data[0, :, :1], 2, 2, 1)   # its first row, as (N, C, L)


NAN_INPUTS = [np.array([[[[1.0, np.nan, 0.5, 3.0]]]]),
              np.array([[[[np.nan, 1.0, np.nan, 2.0], [0.0, np.nan, 4.0, np.nan], [np.nan, 2.0, 1.0, 0.0]]]])]


@pytest.mark.parametrize("data", NAN_INPUTS, ids=["one", "several"])
def test_max_pool_takes_a_windows_last_nan_as_its_maximum_as_torch(data):
    """PyTorch's rule: NaN beats every number, and a later NaN the earlier ones."""
    pooled_as_torch(F.max_pool2d, TF.max_pool2d, data, (1, 2))
    pooled_as_torch(F.max_pool2d, TF.max_pool2d, data, 2, 1, 1)
    pooled_as_torch(F.max_pool2d, TF.max_pool2d, data, (1, 4), 1, (0, 2))
    pooled_as_torch(F.max_pool1d, TF.max_pool1d, data[0], 3, 1, 1)
    pooled_as_torch(F.adaptive_max_pool2d, TF.adaptive_max_pool2d, data, (1, 2))
    pooled_as_torch(F.adaptive_max_pool2d, TF.adaptive_max_pool2d, data, 1)
    pooled_as_torch(F.adaptive_max_pool1d, TF.adaptive_max_pool1d, data[0], 2)


@pytest.mark.filterwarnings("ignore:invalid value encountered")  # −∞ · 0 in the chain rule, as torch
def test_max_pool_second_derivative_with_nan_and_minus_infinity_reads_torchs_maxima():
    data = np.array([[[[-np.inf, 1.0, np.nan], [-np.inf, -np.inf, 2.0], [np.nan, 0.0, np.nan]]]])
    x, t = Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    (gx,) = ag.gradients((F.max_pool2d(x, 2, 2, 1) ** 2).sum(), [x], create_graph=True)
    (gt,) = torch.autograd.grad((TF.max_pool2d(t, 2, 2, 1) ** 2).sum(), [t], create_graph=True)
    np.testing.assert_array_equal(gx.data, gt.detach().numpy())
    lift = np.arange(9.0).reshape(data.shape)
    (gx * lift).sum().backward()
    (gt * torch.tensor(lift)).sum().backward()
    np.testing.assert_array_equal(x.grad, t.grad.numpy())


def test_max_pool_second_derivative_matches_torch():
    """The gradient of max pooling is itself differentiable (w.r.t. the upstream gradient)."""
    data = np.random.default_rng(2).permutation(2 * 2 * 5 * 5).reshape(2, 2, 5, 5) / 3.0
    x, t = Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    (gx,) = ag.gradients((F.max_pool2d(x, 3, 2, 1) ** 2).sum(), [x], create_graph=True)
    (gt,) = torch.autograd.grad((TF.max_pool2d(t, 3, 2, 1) ** 2).sum(), [t], create_graph=True)
    np.testing.assert_allclose(gx.data, gt.detach().numpy(), **TOLERANCE)
    (gx * gx).sum().backward()
    (gt * gt).sum().backward()
    np.testing.assert_allclose(x.grad, t.grad.numpy(), **TOLERANCE)


# ---- average pooling --------------------------------------------------------------------------

AVG_2D = [dict(kernel_size=k, stride=s, padding=p, ceil_mode=c, count_include_pad=i, divisor_override=v)
          for k, s, p, c, i, v in itertools.product([2, 3, (3, 2)], [None, 1, 2, (2, 1)], [0, 1],
                                                    [False, True], [True, False], [None, 5])]


@pytest.mark.parametrize("params", AVG_2D, ids=str)
def test_avg_pool2d_matches_torch(params):
    same_as_torch(F.avg_pool2d, TF.avg_pool2d, 2, 3, 7, 8, distinct=False, **params)


@pytest.mark.parametrize("params", [dict(kernel_size=k, stride=s, padding=p, ceil_mode=c, count_include_pad=i)
                                    for k, s, p, c, i in itertools.product([2, 3], [None, 2], [0, 1],
                                                                           [False, True], [True, False])],
                         ids=str)
def test_avg_pool1d_matches_torch(params):
    same_as_torch(F.avg_pool1d, TF.avg_pool1d, 2, 3, 8, distinct=False, **params)


def test_avg_pool_of_unbatched_input_and_second_derivative_match_torch():
    same_as_torch(F.avg_pool2d, TF.avg_pool2d, 3, 6, 5, distinct=False, kernel_size=3, stride=2, padding=1,
                  ceil_mode=True, count_include_pad=False)
    data = np.random.default_rng(3).normal(size=(1, 2, 6, 6))
    x, t = Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    (gx,) = ag.gradients((F.avg_pool2d(x, 3, 2, 1, ceil_mode=True) ** 3).sum(), [x], create_graph=True)
    (gt,) = torch.autograd.grad((TF.avg_pool2d(t, 3, 2, 1, ceil_mode=True) ** 3).sum(), [t],
                                create_graph=True)
    (gx * gx).sum().backward()
    (gt * gt).sum().backward()
    np.testing.assert_allclose(x.grad, t.grad.numpy(), **TOLERANCE)


# ---- adaptive pooling -------------------------------------------------------------------------


@pytest.mark.parametrize("output_size", [1, 2, 3, (3, 5), (4, None), (None, 2), (7, 9), (10, 4)], ids=str)
def test_adaptive_avg_pool2d_matches_torch_for_sizes_that_do_not_divide(output_size):
    same_as_torch(F.adaptive_avg_pool2d, TF.adaptive_avg_pool2d, 2, 3, 7, 9, distinct=False,
                  output_size=output_size)
    same_as_torch(F.adaptive_avg_pool2d, TF.adaptive_avg_pool2d, 3, 7, 9, distinct=False,
                  output_size=output_size)


@pytest.mark.parametrize("output_size", [1, 3, 4, 7, 11])
def test_adaptive_avg_pool1d_matches_torch(output_size):
    same_as_torch(F.adaptive_avg_pool1d, TF.adaptive_avg_pool1d, 2, 3, 7, distinct=False,
                  output_size=output_size)


@pytest.mark.parametrize("output_size", [1, 2, 3, (3, 5), (4, None), (7, 9), (10, 4)], ids=str)
def test_adaptive_max_pool2d_matches_torch_with_indices(output_size):
    same_as_torch(F.adaptive_max_pool2d, TF.adaptive_max_pool2d, 2, 3, 7, 9, output_size=output_size)
    same_as_torch(F.adaptive_max_pool2d, TF.adaptive_max_pool2d, 3, 7, 9, output_size=output_size)
    data = np.random.default_rng(5).normal(size=(2, 3, 7, 9))
    _, index = F.adaptive_max_pool2d(Tensor(data), output_size, return_indices=True)
    _, expected = TF.adaptive_max_pool2d(torch.tensor(data), output_size, return_indices=True)
    np.testing.assert_array_equal(index.data, expected.numpy())


@pytest.mark.parametrize("output_size", [1, 3, 4, 7, 11])
def test_adaptive_max_pool1d_matches_torch_with_indices(output_size):
    same_as_torch(F.adaptive_max_pool1d, TF.adaptive_max_pool1d, 2, 3, 7, output_size=output_size)
    data = np.random.default_rng(6).normal(size=(3, 7))
    _, index = F.adaptive_max_pool1d(data, output_size, return_indices=True)
    np.testing.assert_array_equal(index, TF.adaptive_max_pool1d(torch.tensor(data), output_size,
                                                                return_indices=True)[1].numpy())


def test_adaptive_max_pool_ties_send_the_gradient_to_the_first_maximum_as_torch():
    data = np.array([[[[1.0, 2.0, 2.0], [2.0, 0.0, 2.0], [1.0, 2.0, 0.0]]]])
    x, t = Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    F.adaptive_max_pool2d(x, 2).sum().backward()
    TF.adaptive_max_pool2d(t, 2).sum().backward()
    np.testing.assert_array_equal(x.grad, t.grad.numpy())


# ---- argument checks --------------------------------------------------------------------------


@pytest.mark.parametrize("call, error, message", [
    (lambda x: F.max_pool2d(x, 5), ShapeError, r"max_pool2d: the input of shape \(1, 2, 4, 4\) is too small "
                                               r"for kernel_size \(5, 5\)"),
    (lambda x: F.max_pool2d(x, 2, padding=2), ValueError,
     r"max_pool2d: invalid padding \(2, 2\) for kernel_size \(2, 2\); padding must be at most half"),
    (lambda x: F.avg_pool2d(x, 3, padding=2), ValueError, "avg_pool2d: invalid padding"),
    (lambda x: F.max_pool1d(x, 2), ShapeError, r"max_pool1d: the input has shape \(1, 2, 4, 4\); it must "
                                               r"have 2 axes \(C, L\) or 3 \(N, C, L\)"),
    (lambda x: F.max_pool2d(x, (2, 2, 2)), ValueError, "max_pool2d: invalid kernel_size"),
    (lambda x: F.max_pool2d(x, 2, stride=0), ValueError, "max_pool2d: invalid stride 0"),
    (lambda x: F.max_pool2d(x, 2.5), TypeError, "max_pool2d: invalid kernel_size 2.5"),
    (lambda x: F.max_pool2d(x, 2, ceil_mode=1), TypeError, "max_pool2d: invalid ceil_mode 1"),
    (lambda x: F.avg_pool2d(x, 2, divisor_override=0), ValueError, "avg_pool2d: invalid divisor_override 0"),
    (lambda x: F.adaptive_avg_pool2d(x, (2, 2, 2)), ValueError, "adaptive_avg_pool2d: invalid output_size"),
    (lambda x: F.adaptive_avg_pool2d(x, 0), ValueError, "adaptive_avg_pool2d: invalid output_size 0"),
    (lambda x: F.adaptive_avg_pool2d(x[0, 0], 2), ShapeError,
     r"adaptive_avg_pool2d: the input has shape \(4, 4\)"),
    (lambda x: F.max_pool2d(x.astype(np.int64), 2), TypeError, "max_pool2d: the input has dtype int64"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_bad_arguments_raise_naming_the_op_argument_and_shapes(call, error, message):
    with pytest.raises(error, match=message):
        call(Tensor(np.ones((1, 2, 4, 4))))


# ---- pad --------------------------------------------------------------------------------------

PADS = {1: [(1, 2), (0, 3), (-1, 2), (2, -1), (-1, -1), (3, 3)],
        2: [(1, 1, 1, 1), (0, 2, 1, 0), (-1, 1, 2, -2), (3, 0, 0, 3)],
        3: [(1, 0, 0, 1, 1, 1), (1, -1, 2, 0, 0, 1)]}


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("axes, shape", [(1, (2, 4)), (1, (2, 3, 4)), (2, (3, 4, 5)), (2, (2, 3, 4, 5)),
                                         (3, (2, 3, 4, 5)), (3, (1, 2, 3, 4, 5))], ids=str)
def test_pad_matches_torch_in_every_mode(mode, axes, shape):
    for widths in PADS[axes]:
        same_as_torch(F.pad, TF.pad, *shape, distinct=False, pad=widths, mode=mode)


@pytest.mark.parametrize("widths", [(1,), (2, 1, 0, 1), (0, 0, 0, 0, 1, 1, 2, 2), (-2, -2, 1, 0)], ids=str)
def test_constant_pad_of_any_axes_and_value_matches_torch(widths):
    same_as_torch(F.pad, TF.pad, 2, 3, 4, 5, distinct=False, pad=widths + (0,) * (len(widths) % 2), value=2.5)


@pytest.mark.parametrize("call, error, message", [
    (lambda x: F.pad(x, (1,)), ValueError, "pad: invalid pad"),
    (lambda x: F.pad(x, (1.5, 1)), TypeError, "pad: invalid pad 1.5"),
    (lambda x: F.pad(x, (1, 1), mode="wrap"), ValueError, "pad: invalid mode 'wrap'"),
    (lambda x: F.pad(x, (1,) * 10), ShapeError, r"pad: a pad of length 10 pads 5 axes, but the input of "
                                                r"shape \(1, 2, 3, 4\) has 4"),
    (lambda x: F.pad(x, (4, 0), mode="reflect"), ShapeError,
     r"pad: mode 'reflect' pads the last 1, 2 or 3 axes.*a pad of length 2 for an input of shape"),
    (lambda x: F.pad(x, (4, 0, 0, 0), mode="reflect"), ValueError,
     r"pad: reflect padding \(4, 0\) must be less than the size of the axis it pads, 4"),
    (lambda x: F.pad(x, (5, 0, 0, 0), mode="circular"), ValueError, "would wrap around more than once"),
    (lambda x: F.pad(x[0, :, :, :1], (1, 0), mode="reflect"), ValueError, "must be less than the size of the "
                                                                          "axis it pads, 1"),
    (lambda x: F.pad(x, (0, -4, 0, 0), mode="replicate"), ShapeError, "leaves nothing of an axis of size 4"),
    (lambda x: F.pad(x, (-3, -2)), ShapeError, r"pad: padding \(-3, -2\) crops more than an axis of size 4"),
    (lambda x: F.pad(x, (1, 1, 1, 1), mode="reflect", value=1.0), ValueError,
     "mode 'reflect' takes no value"),
    (lambda x: F.pad(x[:, :, :0], (1, 1, 1, 1), mode="replicate"), ShapeError,
     r"pad: mode 'replicate' cannot pad axis 2 of the input of shape \(1, 2, 0, 4\) by \(1, 1\): that "
     r"axis is empty"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_bad_pads_raise_naming_the_argument_and_shapes(call, error, message):
    with pytest.raises(error, match=message):
        call(Tensor(np.ones((1, 2, 3, 4))))


# ---- interpolate ------------------------------------------------------------------------------

RESIZES = [{"size": 7}, {"size": 3}, {"size": 5}, {"scale_factor": 2}, {"scale_factor": 0.5},
           {"scale_factor": 1.7}, {"scale_factor": 2.05}, {"scale_factor": 1.05}, {"scale_factor": 3.0},
           {"scale_factor": 1.7, "recompute_scale_factor": True}]


@pytest.mark.parametrize("resize", RESIZES, ids=str)
@pytest.mark.parametrize("mode, align_corners", [("nearest", None), ("nearest-exact", None),
                                                 ("linear", False), ("linear", True), ("area", None)])
def test_interpolate_1d_matches_torch(mode, align_corners, resize):
    torchs_gradient_differs = mode == "nearest" and resize in ({"scale_factor": 2.05}, {"scale_factor": 1.05})
    same_as_torch(F.interpolate, TF.interpolate, 2, 3, 10, distinct=False, mode=mode,
                  align_corners=align_corners, gradient=not torchs_gradient_differs, **resize)


def test_nearest_gradient_is_the_adjoint_of_the_forward_where_torchs_is_not():
    """Resizing 10 → 20 by scale_factor=2.05: output i reads input ⌊i/2.05⌋ in PyTorch's forward
    (and ours), but PyTorch's backward sends it to i // 2 (its shortcut for doubling, which its 1-d
    forward does not take; so for 10 → 10 by 1.05): its gradient is not that of its forward. Ours
    is: checked against finite differences and the adjoint."""
    x = np.random.default_rng(0).normal(size=(1, 1, 10))
    assert gradcheck(lambda x: F.interpolate(x, scale_factor=2.05), x)
    t = Tensor(x, requires_grad=True)
    (F.interpolate(t, scale_factor=2.05) * np.arange(20.0)).sum().backward()
    source = np.floor(np.arange(20, dtype=np.float32) * np.float32(1 / 2.05)).astype(int)
    np.testing.assert_allclose(t.grad[0, 0], np.bincount(source, weights=np.arange(20.0), minlength=10))


RESIZES_2D = [{"size": (7, 4)}, {"size": 3}, {"size": (1, 9)}, {"scale_factor": 2},
              {"scale_factor": (0.5, 1.5)}, {"scale_factor": (1.3, 2.7)}, {"scale_factor": (2.1, 1.05)},
              {"scale_factor": (2.5, 0.4), "recompute_scale_factor": True}]


@pytest.mark.parametrize("resize", RESIZES_2D, ids=str)
@pytest.mark.parametrize("mode, align_corners", [("nearest", None), ("nearest-exact", None),
                                                 ("bilinear", False), ("bilinear", True), ("area", None)])
def test_interpolate_2d_matches_torch(mode, align_corners, resize):
    same_as_torch(F.interpolate, TF.interpolate, 2, 3, 5, 6, distinct=False, mode=mode,
                  align_corners=align_corners, **resize)


@pytest.mark.parametrize("mode, align_corners", [("nearest", None), ("trilinear", False),
                                                 ("trilinear", True)])
def test_interpolate_3d_matches_torch(mode, align_corners):
    same_as_torch(F.interpolate, TF.interpolate, 1, 2, 3, 4, 5, distinct=False, mode=mode,
                  align_corners=align_corners, size=(5, 3, 7))


KEEPING = {1: "linear", 2: "bilinear", 3: "trilinear"}


@pytest.mark.parametrize("d", [1, 2, 3])
@pytest.mark.parametrize("mode", ["nearest", "nearest-exact", "linear", "linear-corners"])
@pytest.mark.parametrize("factor", [1.3, 1.16, 1.05], ids=str)
def test_interpolate_by_a_factor_that_keeps_a_size_matches_torch(d, mode, factor):
    """Sizes 3 and 6 kept by non-integer factors (⌊3·1.3⌋ = 3): PyTorch copies such an axis in the
    linear modes and in 4-d "nearest", and resamples it by the rule in "nearest-exact" (3 by 1.3:
    positions 0, 1, 1). PyTorch's "nearest" gradient copies it for 3-d and 5-d input too, where
    its forward does not (ours is the gradient of the forward), so that gradient is left out."""
    shape = (2, 2) + (3, 6, 3)[:d]
    params = {"mode": mode, "scale_factor": factor}
    if mode.startswith("linear"):
        params.update(mode=KEEPING[d], align_corners=mode == "linear-corners")
    same_as_torch(F.interpolate, TF.interpolate, *shape, distinct=False,
                  gradient=mode != "nearest" or d == 2, **params)
    same_as_torch(lambda x, **p: nn.Upsample(**p)(x), lambda t, **p: torch.nn.Upsample(**p)(t), *shape,
                  distinct=False, gradient=mode != "nearest" or d == 2, **params)


@pytest.mark.parametrize("n", range(1, 30))
def test_nearest_source_indices_round_as_torchs_float32_arithmetic(n):
    """Sizes and factors whose products land on integers in exact arithmetic: PyTorch's kernel rounds
    them in float32, and so do we."""
    for out in range(1, 40):
        for mode in ("nearest", "nearest-exact"):
            x = np.arange(float(n)).reshape(1, 1, n)
            expected = TF.interpolate(torch.tensor(x), size=out, mode=mode).numpy()
            np.testing.assert_array_equal(F.interpolate(x, size=out, mode=mode), expected)
    for factor in (0.3, 0.7, 1.1, 1.5, 2.2, 3.3):
        x = np.arange(float(n)).reshape(1, 1, n)
        if int(n * factor) >= 1:
            expected = TF.interpolate(torch.tensor(x), scale_factor=factor).numpy()
            np.testing.assert_array_equal(F.interpolate(x, scale_factor=factor), expected)


@pytest.mark.parametrize("call, error, message", [
    (lambda x: F.interpolate(x, 2, mode="bicubic"), ValueError, "interpolate: invalid mode 'bicubic'"),
    (lambda x: F.interpolate(x, 2, align_corners=True), ValueError, "align_corners is for the modes that "
                                                                    "interpolate"),
    (lambda x: F.interpolate(x, 2, mode="linear"), ShapeError,
     r"interpolate: mode 'linear' takes 3-d \(N, C, L\) input; got shape \(1, 2, 3, 4\)"),
    (lambda x: F.interpolate(x[0, 0], 2), ShapeError, r"mode 'nearest' takes \(N, C, \*spatial\)"),
    (lambda x: F.interpolate(x), ValueError, "give one of size and scale_factor"),
    (lambda x: F.interpolate(x, 2, 2.0), ValueError, "give size or scale_factor, not both"),
    (lambda x: F.interpolate(x, (2, 2, 2)), ValueError, "interpolate: invalid size"),
    (lambda x: F.interpolate(x, 0), ValueError, "interpolate: invalid size 0"),
    (lambda x: F.interpolate(x, scale_factor=0.1), ShapeError, "leaves no output element"),
    (lambda x: F.interpolate(x, scale_factor=-1.0), ValueError, "interpolate: invalid scale_factor -1.0"),
    (lambda x: F.interpolate(x, 2, recompute_scale_factor=True), ValueError, "recompute_scale_factor is for"),
    (lambda x: F.interpolate(x, 2, mode="bilinear", antialias=True), ValueError, "antialias=True is not"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_bad_interpolations_raise_naming_the_argument_and_shapes(call, error, message):
    with pytest.raises(error, match=message):
        call(Tensor(np.ones((1, 2, 3, 4))))


# ---- layers -----------------------------------------------------------------------------------

LAYERS = [
    ("MaxPool1d", (3,), {}, (2, 3, 9)),
    ("MaxPool1d", (2, 1, 1, 2), {"ceil_mode": True}, (2, 3, 9)),
    ("MaxPool2d", (2,), {}, (2, 3, 6, 7)),
    ("MaxPool2d", ((3, 2),), {"stride": 2, "padding": 1, "dilation": (1, 2)}, (2, 3, 6, 7)),
    ("AvgPool1d", (3,), {"stride": 2, "padding": 1, "count_include_pad": False}, (2, 3, 9)),
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, (2, 3, 6, 7)),
    ("AvgPool2d", (2,), {"divisor_override": 3}, (2, 3, 6, 7)),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 9)),
    ("AdaptiveAvgPool2d", ((4, None),), {}, (2, 3, 6, 7)),
    ("AdaptiveAvgPool2d", (1,), {}, (2, 3, 6, 7)),
    ("AdaptiveMaxPool1d", (4,), {}, (2, 3, 9)),
    ("AdaptiveMaxPool2d", ((4, None),), {}, (2, 3, 6, 7)),
    ("Upsample", (), {"scale_factor": 2}, (2, 3, 4, 5)),
    ("Upsample", (), {"size": (5, 9), "mode": "bilinear"}, (2, 3, 4, 5)),
    ("Upsample", (), {"scale_factor": 1.5, "mode": "bilinear", "align_corners": True}, (2, 3, 4, 5)),
    ("Upsample", (), {"size": 7, "mode": "linear"}, (2, 3, 4)),
    ("ZeroPad1d", ((1, 2),), {}, (2, 3, 4)),
    ("ZeroPad2d", (1,), {}, (2, 3, 4, 5)),
    ("ZeroPad2d", ((1, 0, -1, 2),), {}, (2, 3, 4, 5)),
    ("ConstantPad1d", (2, 3.5), {}, (2, 3, 4)),
    ("ConstantPad2d", ((0, 1, 2, 0), -1.0), {}, (2, 3, 4, 5)),
    ("ReflectionPad1d", (2,), {}, (2, 3, 4)),
    ("ReflectionPad2d", ((1, 2, 0, 3),), {}, (2, 3, 4, 5)),
    ("ReplicationPad1d", (3,), {}, (2, 3, 4)),
    ("ReplicationPad2d", (2,), {}, (2, 3, 4, 5)),
    ("CircularPad1d", ((2, 1),), {}, (2, 3, 4)),
    ("CircularPad2d", (1,), {}, (3, 4, 5)),
]


@pytest.mark.parametrize("name, args, kwargs, shape", LAYERS, ids=lambda v: v if isinstance(v, str) else "")
def test_layers_match_torchs_output_gradient_attributes_and_repr(name, args, kwargs, shape):
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    public = {key: value for key, value in vars(theirs).items()
              if not key.startswith("_") and key != "training"}
    assert {key: getattr(ours, key) for key in public} == public
    same_as_torch(ours, theirs, *shape, distinct="Max" in name)


def test_max_pool_layer_returns_indices_as_torchs():
    data = np.random.default_rng(4).normal(size=(2, 3, 6, 7))
    out, index = nn.MaxPool2d(3, 2, 1, return_indices=True)(Tensor(data))
    expected, expected_index = torch.nn.MaxPool2d(3, 2, 1, return_indices=True)(torch.tensor(data))
    np.testing.assert_allclose(out.data, expected.numpy(), **TOLERANCE)
    np.testing.assert_array_equal(index.data, expected_index.numpy())


def test_layers_hold_no_parameters_and_survive_a_state_dict_round_trip():
    model = nn.Sequential(nn.ZeroPad2d(1), nn.MaxPool2d(2), nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(1),
                          nn.Upsample(scale_factor=2))
    assert list(model.parameters()) == [] and dict(model.state_dict()) == {}
    assert model(np.ones((1, 2, 6, 6))).shape == (1, 2, 2, 2)


@pytest.mark.parametrize("make, error, message", [
    (lambda: nn.MaxPool2d(2, padding=2), ValueError, r"MaxPool2d: invalid padding \(2, 2\) for kernel_size"),
    (lambda: nn.MaxPool1d(0), ValueError, "MaxPool1d: invalid kernel_size 0"),
    (lambda: nn.MaxPool2d((2, 2, 2)), ValueError, "MaxPool2d: invalid kernel_size"),
    (lambda: nn.MaxPool2d(2, ceil_mode="yes"), TypeError, "MaxPool2d: invalid ceil_mode 'yes'"),
    (lambda: nn.AvgPool2d(2, divisor_override=0), ValueError, "AvgPool2d: invalid divisor_override 0"),
    (lambda: nn.AvgPool1d(2, stride=0), ValueError, "AvgPool1d: invalid stride 0"),
    (lambda: nn.AdaptiveAvgPool2d((2, 2, 2)), ValueError, "AdaptiveAvgPool2d: invalid output_size"),
    (lambda: nn.AdaptiveAvgPool1d(None), TypeError, "AdaptiveAvgPool1d: invalid output_size None"),
    (lambda: nn.Upsample(), ValueError, "Upsample: give one of size and scale_factor"),
    (lambda: nn.Upsample(scale_factor=2, mode="bicubic"), ValueError, "Upsample: invalid mode 'bicubic'"),
    (lambda: nn.ZeroPad2d((1, 2)), ValueError, r"ZeroPad2d: invalid padding \(1, 2\)"),
    (lambda: nn.ConstantPad1d(1, "a"), TypeError, "ConstantPad1d: invalid value 'a'"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_layers_check_their_arguments_when_made(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize("pool", [lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True, return_indices=True),
                                  lambda x: F.adaptive_max_pool2d(x, (3, 2), return_indices=True)],
                         ids=["max_pool2d", "adaptive_max_pool2d"])
def test_indices_on_every_back_end_are_its_arrays_and_numpys_numbers(pool, xp, device):
    data = np.random.default_rng(7).normal(size=(2, 3, 5, 6))
    out, index = pool(Tensor(xp.asarray(data, device=device)))
    expected, expected_index = pool(Tensor(data))
    assert_on(xp, out, device)
    assert_on(xp, index, device)
    np.testing.assert_array_equal(host(out), expected.data)
    np.testing.assert_array_equal(host(index), expected_index.data)


@pytest.mark.parametrize("call", [
    lambda x: F.max_pool2d(x, 2, padding=1), lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False),
    lambda x: F.adaptive_avg_pool2d(x, 3), lambda x: F.adaptive_max_pool2d(x, 3), lambda x: F.pad(x, (1, 1)),
    lambda x: F.pad(x, (1, 2, 2, 1), mode="reflect"), lambda x: F.interpolate(x, scale_factor=2),
    lambda x: F.interpolate(x, size=(3, 7), mode="bilinear"), lambda x: F.interpolate(x, 3, mode="area"),
], ids=["max_pool2d", "avg_pool2d", "adaptive_avg", "adaptive_max", "pad", "reflect", "nearest", "bilinear",
        "area"])
def test_float32_stays_float32_in_the_output_and_the_gradient(call):
    x = Tensor(np.random.default_rng(8).normal(size=(2, 3, 4, 5)).astype(np.float32), requires_grad=True)
    out = call(x)
    out.sum().backward()
    assert out.dtype == np.float32 and x.grad.dtype == np.float32
