"""nn.init against PyTorch's torch.nn.init: the bounds and standard deviations exactly (read from the
draw each makes), the distributions by their moments and bounds, orthogonality, and the errors; and
nn.utils (gradient clipping, parameters as a vector) against torch.nn.utils."""

import math
from unittest import mock

import numpy as np
import pytest
import torch

import autograd_lite as ag
from autograd_lite import nn, optim
from autograd_lite.nn import init

SHAPES = [(5, 3), (64, 32), (8, 4, 3), (16, 3, 3, 3), (2, 6, 1, 5, 2)]


class Recorder(np.random.Generator):
    """A generator that records the arguments of each draw (and draws as NumPy's)."""

    def __init__(self):
        super().__init__(np.random.PCG64(0))
        self.calls = []

    def uniform(self, low, high, size=None):
        self.calls.append(("uniform", low, high))
        return super().uniform(low, high, size)

    def normal(self, loc, scale, size=None):
        self.calls.append(("normal", loc, scale))
        return super().normal(loc, scale, size)


def torch_draw(function, shape, **kwargs):
    """The (kind, a, b) of the draw that torch.nn.init's ``function`` makes on a tensor of ``shape``."""
    calls = []

    def uniform_(self, a, b, generator=None):
        calls.append(("uniform", a, b))
        return self

    def normal_(self, mean, std, generator=None):
        calls.append(("normal", mean, std))
        return self

    with mock.patch.object(torch.Tensor, "uniform_", uniform_), \
            mock.patch.object(torch.Tensor, "normal_", normal_):
        function(torch.empty(shape, dtype=torch.float64), **kwargs)
    return calls


def our_draw(function, shape, **kwargs):
    recorder = Recorder()
    function(ag.Tensor(np.zeros(shape)), generator=recorder, **kwargs)
    return recorder.calls


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name, kwargs", [
    ("xavier_uniform_", {}), ("xavier_uniform_", {"gain": 2.5}), ("xavier_normal_", {}),
    ("xavier_normal_", {"gain": 0.3}),
    ("kaiming_uniform_", {}), ("kaiming_uniform_", {"a": math.sqrt(5)}),
    ("kaiming_uniform_", {"mode": "fan_out", "nonlinearity": "relu"}),
    ("kaiming_normal_", {}), ("kaiming_normal_", {"a": 0.2, "mode": "fan_out"}),
    ("kaiming_normal_", {"nonlinearity": "tanh"}), ("kaiming_uniform_", {"nonlinearity": "selu"}),
    ("uniform_", {"a": -0.5, "b": 2.0}), ("normal_", {"mean": 1.0, "std": 0.25}),
])
def test_the_bounds_and_stds_are_pytorchs_exactly(name, kwargs, shape):
    expected = torch_draw(getattr(torch.nn.init, name), shape, **kwargs)
    got = our_draw(getattr(init, name), shape, **kwargs)
    assert len(got) == len(expected) == 1
    assert got[0][0] == expected[0][0]
    assert got[0][1:] == pytest.approx(expected[0][1:], rel=1e-15, abs=0)


@pytest.mark.parametrize("shape", SHAPES + [(3,) * 2, (1, 7)])
def test_fans_are_pytorchs(shape):
    assert init._calculate_fan_in_and_fan_out(ag.Tensor(np.zeros(shape))) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


@pytest.mark.parametrize("nonlinearity, param", [
    ("linear", None), ("conv2d", None), ("conv_transpose3d", None), ("sigmoid", None), ("tanh", None),
    ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None)])
def test_calculate_gain_is_pytorchs(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


def test_calculate_gain_refuses_what_pytorch_refuses():
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", True)


# ---- distributions ------------------------------------------------------------------------------------
def test_uniform_draws_fill_the_bounds_with_the_right_moments():
    ag.manual_seed(0)
    t = init.uniform_(ag.Tensor(np.zeros((200, 500))), -2.0, 3.0)
    assert t.data.min() >= -2.0 and t.data.max() < 3.0
    assert abs(t.data.mean() - 0.5) < 0.02 and abs(t.data.var() - 25 / 12) < 0.03
    w = init.kaiming_uniform_(ag.Tensor(np.zeros((400, 250))), a=math.sqrt(5))
    bound = 1 / math.sqrt(250)   # PyTorch's Linear: U(-1/sqrt(in), 1/sqrt(in))
    assert -bound <= w.data.min() < -0.99 * bound and 0.99 * bound < w.data.max() < bound
    x = init.xavier_uniform_(ag.Tensor(np.zeros((300, 200))), gain=2.0)
    std = 2.0 * math.sqrt(2.0 / 500)
    assert abs(x.data.std() / std - 1) < 0.01 and abs(x.data).max() <= math.sqrt(3) * std


@pytest.mark.parametrize("function, kwargs, std", [
    (init.normal_, {"mean": 0.0, "std": 0.3}, 0.3),
    (init.xavier_normal_, {}, math.sqrt(2.0 / (300 + 400))),
    (init.kaiming_normal_, {"nonlinearity": "relu"}, math.sqrt(2.0 / 400)),
    (init.kaiming_normal_, {"mode": "fan_out", "a": 1.0}, math.sqrt(1.0 / 300)),
])
def test_normal_draws_have_the_right_moments(function, kwargs, std):
    ag.manual_seed(1)
    t = function(ag.Tensor(np.zeros((300, 400))), **kwargs)
    assert abs(t.data.mean()) < 4 * std / math.sqrt(t.size)
    assert abs(t.data.std() / std - 1) < 0.01


def test_trunc_normal_stays_in_bounds_with_the_truncated_moments():
    ag.manual_seed(2)
    t = init.trunc_normal_(ag.Tensor(np.zeros(100_000)), mean=0.5, std=1.0, a=-0.5, b=2.0)
    assert t.data.min() >= -0.5 and t.data.max() <= 2.0
    from scipy import stats
    law = stats.truncnorm(-1.0, 1.5, loc=0.5, scale=1.0)
    assert abs(t.data.mean() - law.mean()) < 0.01 and abs(t.data.std() - law.std()) < 0.01
    with pytest.raises(ValueError, match="almost none"):
        init.trunc_normal_(ag.Tensor(np.zeros(3)), a=10.0, b=11.0)
    with pytest.raises(ValueError, match="range"):
        init.trunc_normal_(ag.Tensor(np.zeros(3)), a=1.0, b=-1.0)


@pytest.mark.parametrize("shape", [(4, 4), (3, 7), (7, 3), (6, 2, 3, 3), (1, 5)])
def test_orthogonal_gives_orthonormal_rows_or_columns(shape):
    ag.manual_seed(3)
    q = init.orthogonal_(ag.Tensor(np.zeros(shape)), gain=2.0).data.reshape(shape[0], -1) / 2.0
    rows, cols = q.shape
    gram = q @ q.T if rows <= cols else q.T @ q
    np.testing.assert_allclose(gram, np.eye(min(rows, cols)), atol=1e-12)


def test_orthogonal_is_pytorchs_algorithm_from_the_same_normal_matrix():
    recorder = Recorder()
    ours = init.orthogonal_(ag.Tensor(np.zeros((3, 5))), generator=recorder).data
    flat = torch.tensor(np.random.Generator(np.random.PCG64(0)).normal(0.0, 1.0, (3, 5))).T
    q, r = torch.linalg.qr(flat)
    q *= torch.sign(torch.diag(r))
    np.testing.assert_allclose(ours, q.T.numpy(), rtol=0, atol=1e-14)


def test_constant_ones_zeros_eye():
    t = ag.Tensor(np.zeros((2, 3), dtype=np.float32))
    assert init.constant_(t, 0.25) is t and t.dtype == np.float32
    np.testing.assert_array_equal(t.data, np.full((2, 3), 0.25))
    np.testing.assert_array_equal(init.ones_(t).data, np.ones((2, 3)))
    np.testing.assert_array_equal(init.zeros_(t).data, np.zeros((2, 3)))
    np.testing.assert_array_equal(init.eye_(t).data, torch.nn.init.eye_(torch.empty(2, 3)).numpy())
    counts = ag.Tensor(np.zeros(3, dtype=np.int64))
    assert init.constant_(counts, 7).data.tolist() == [7, 7, 7] and counts.dtype == np.int64


# ---- in place, on parameters ---------------------------------------------------------------------------
def test_init_keeps_the_parameter_object_its_dtype_and_the_optimizers_hold():
    layer = nn.Linear(4, 3)
    layer.weight.data = layer.weight.data.astype(np.float32)
    weight = layer.weight
    opt = optim.SGD(layer.parameters(), lr=1.0)
    init.xavier_normal_(layer.weight)
    assert layer.weight is weight and weight.dtype == np.float32 and weight.requires_grad and weight.is_leaf
    weight.grad = np.ones((3, 4), dtype=np.float32)
    before = weight.data.copy()
    opt.step()
    np.testing.assert_allclose(weight.data, before - 1.0)


def test_init_draws_from_the_package_generator():
    ag.manual_seed(5)
    a = init.kaiming_uniform_(ag.Tensor(np.zeros((3, 4)))).data.copy()
    ag.manual_seed(5)
    b = init.kaiming_uniform_(ag.Tensor(np.zeros((3, 4)))).data
    np.testing.assert_array_equal(a, b)
    bound = math.sqrt(3.0) * math.sqrt(2.0) / math.sqrt(4)
    np.testing.assert_array_equal(a, np.random.default_rng(5).uniform(-bound, bound, size=(3, 4)))


def test_init_records_no_graph_and_stops_old_graphs():
    w = nn.Parameter(np.ones((2, 2)))
    loss = (w * 2).sum()
    init.normal_(w)
    assert w.is_leaf and w.grad is None
    with pytest.raises(RuntimeError):
        loss.backward()


def test_init_on_another_device_stays_there():
    xp = pytest.importorskip("array_api_strict")
    device = xp.Device("device1")
    w = nn.Parameter(xp.zeros((3, 4), dtype=xp.float32, device=device))
    init.kaiming_normal_(w)
    assert w.device == device and w.dtype == xp.float32
    init.orthogonal_(w)
    assert w.device == device


@pytest.mark.parametrize("name", ["xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"])
@pytest.mark.parametrize("shape", [(), (5,)])
def test_fans_of_0d_and_1d_tensors_raise_as_pytorch(name, shape):
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        getattr(torch.nn.init, name)(torch.empty(shape))
    t = ag.Tensor(np.zeros(shape))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        getattr(init, name)(t)
    assert not t.data.any()


def test_bad_arguments_raise_and_change_nothing():
    t = ag.Tensor(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="only tensors with 2 or more"):
        init.orthogonal_(ag.Tensor(np.zeros(3)))
    with pytest.raises(ValueError, match="only tensors with 2 dimensions"):
        init.eye_(ag.Tensor(np.zeros((2, 2, 2))))
    with pytest.raises(ValueError, match="mode 'fan_avg' not supported"):
        init.kaiming_normal_(t, mode="fan_avg")
    with pytest.raises(ValueError, match="std"):
        init.normal_(t, std=-1.0)
    with pytest.raises(ValueError, match="a=2.0 > b=1.0"):
        init.uniform_(t, 2.0, 1.0)
    with pytest.raises(TypeError, match="a Tensor"):
        init.normal_(np.zeros(2))
    with pytest.raises(TypeError, match="float tensor"):
        init.normal_(ag.Tensor(np.zeros(2, dtype=np.int64)))
    with pytest.raises(RuntimeError, match="result of"):
        init.normal_(nn.Parameter(np.ones(2)) * 2)
    with pytest.raises(TypeError, match="generator"):
        init.normal_(t, generator=0)
    assert not t.data.any()


def test_a_tensor_with_no_elements_is_left_as_it_is():
    t = ag.Tensor(np.zeros((0, 3)))
    assert init.kaiming_uniform_(t) is t and init.orthogonal_(t) is t
    assert init.xavier_normal_(t).shape == (0, 3)


# ---- nn.utils: clipping gradients ----------------------------------------------------------------------
def gradients_pair(seed=0, scale=10.0, dtype=np.float64):
    """Our parameters and PyTorch's, with the same gradients (one parameter has none)."""
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (4,), (2, 2, 3)]
    ours = [nn.Parameter(rng.normal(size=s).astype(dtype)) for s in shapes] + [nn.Parameter(np.ones(2))]
    theirs = [torch.nn.Parameter(torch.tensor(p.data)) for p in ours]
    for a, b in zip(ours[:-1], theirs[:-1]):
        grad = (scale * rng.normal(size=a.shape)).astype(dtype)
        a.grad, b.grad = grad, torch.tensor(grad.copy())
    return ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.5, 0.5, math.inf, -math.inf, 0])
@pytest.mark.parametrize("max_norm, scale", [(1.0, 10.0), (1e3, 0.1), (5.0, 1.0)])
def test_clip_grad_norm_is_pytorchs(norm_type, max_norm, scale):
    ours, theirs = gradients_pair(scale=scale)
    got = nn.utils.clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert isinstance(got, ag.Tensor) and got.shape == () and got.dtype == np.float64
    assert float(got) == pytest.approx(float(expected), rel=1e-12, abs=1e-12)
    for a, b in zip(ours[:-1], theirs[:-1]):
        np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-12, atol=1e-14)
    assert ours[-1].grad is None


def test_clip_grad_norm_with_a_single_tensor_no_gradients_and_float32():
    w = nn.Parameter(np.array([3.0, 4.0]))
    w.grad = np.array([3.0, 4.0])
    assert float(nn.utils.clip_grad_norm_(w, 1.0)) == 5.0
    np.testing.assert_allclose(w.grad, [0.6, 0.8], rtol=1e-6)
    assert float(nn.utils.clip_grad_norm_([nn.Parameter(np.ones(2))], 1.0)) == 0.0
    ours, theirs = gradients_pair(dtype=np.float32)
    got = nn.utils.clip_grad_norm_(ours, 1.0)
    assert got.dtype == np.float32 and ours[0].grad.dtype == np.float32
    assert float(got) == pytest.approx(float(torch.nn.utils.clip_grad_norm_(theirs, 1.0)), rel=1e-6)


def test_clip_grad_norm_of_a_model_after_backward_then_a_step():
    ag.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)).double()
    theirs.load_state_dict({k: torch.tensor(v) for k, v in net.state_dict().items()})
    x = np.random.default_rng(1).normal(size=(8, 3)) * 5
    (net(x) ** 2).sum().backward()
    (theirs(torch.tensor(x)) ** 2).sum().backward()
    got = nn.utils.clip_grad_norm_(net.parameters(), 0.5)
    expected = torch.nn.utils.clip_grad_norm_(theirs.parameters(), 0.5)
    assert float(got) == pytest.approx(float(expected), rel=1e-12)
    for a, b in zip(net.parameters(), theirs.parameters()):
        np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_a_nonfinite_norm_raises_if_asked_and_changes_nothing():
    ours, theirs = gradients_pair()
    ours[0].grad[0, 0] = np.nan
    before = [p.grad.copy() for p in ours[:-1]]
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_(ours, 1.0, error_if_nonfinite=True)
    for p, grad in zip(ours, before):
        np.testing.assert_array_equal(p.grad, grad)
    assert math.isnan(float(nn.utils.clip_grad_norm_(ours, 1.0)))   # PyTorch scales by it anyway


def test_clip_grad_value_is_pytorchs():
    ours, theirs = gradients_pair(scale=3.0)
    assert nn.utils.clip_grad_value_(ours, 2.5) is None
    torch.nn.utils.clip_grad_value_(theirs, 2.5)
    for a, b in zip(ours[:-1], theirs[:-1]):
        np.testing.assert_array_equal(a.grad, b.grad.numpy())
    assert ours[-1].grad is None


def test_clipping_refuses_bad_arguments():
    ours, _ = gradients_pair()
    with pytest.raises(ValueError, match="max_norm"):
        nn.utils.clip_grad_norm_(ours, -1.0)
    with pytest.raises(TypeError, match="error_if_nonfinite"):
        nn.utils.clip_grad_norm_(ours, 1.0, error_if_nonfinite=None)
    with pytest.raises(TypeError, match="parameters"):
        nn.utils.clip_grad_norm_(3, 1.0)
    with pytest.raises(TypeError, match="Tensors"):
        nn.utils.clip_grad_value_([np.ones(2)], 1.0)
    with pytest.raises(ValueError, match="clip_value"):
        nn.utils.clip_grad_value_(ours, -1.0)


def test_clipping_keeps_gradients_on_their_device():
    xp = pytest.importorskip("array_api_strict")
    device = xp.Device("device1")
    w = nn.Parameter(xp.asarray([3.0, 4.0], device=device))
    w.grad = xp.asarray([30.0, 40.0], device=device)
    total = nn.utils.clip_grad_norm_([w], 5.0)
    assert total.device == device and w.grad.device == device and float(total) == 50.0
    nn.utils.clip_grad_value_([w], 1.0)
    assert w.grad.device == device


def test_parameters_to_vector_and_back_as_pytorch():
    ag.manual_seed(0)
    layer = nn.Linear(3, 2)
    theirs = torch.nn.Linear(3, 2).double()
    theirs.load_state_dict({k: torch.tensor(v) for k, v in layer.state_dict().items()})
    vec = nn.utils.parameters_to_vector(layer.parameters())
    np.testing.assert_array_equal(vec.data, torch.nn.utils.parameters_to_vector(theirs.parameters()).detach())
    (vec ** 2).sum().backward()
    np.testing.assert_allclose(layer.weight.grad, 2 * layer.weight.data)
    new = np.arange(8.0)
    weight = layer.weight
    nn.utils.vector_to_parameters(ag.Tensor(new), layer.parameters())
    torch.nn.utils.vector_to_parameters(torch.tensor(new), theirs.parameters())
    assert layer.weight is weight
    for a, b in zip(layer.parameters(), theirs.parameters()):
        np.testing.assert_array_equal(a.data, b.detach().numpy())
    with pytest.raises(ValueError, match="8 elements"):
        nn.utils.vector_to_parameters(ag.Tensor(np.zeros(7)), layer.parameters())
    with pytest.raises(TypeError, match="vec"):
        nn.utils.vector_to_parameters(np.zeros(8), layer.parameters())
    np.testing.assert_array_equal(layer.bias.data, [6.0, 7.0])
