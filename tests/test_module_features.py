"""Module features as PyTorch's: buffers, keyword arguments to forward, walking the tree of modules
(children, modules, apply), freezing, train/eval, containers, and state_dict with buffers."""

import numpy as np
import pytest
import torch

import autograd_lite as ag
from autograd_lite import nn, optim


class Scaled(nn.Module):
    """A layer with a parameter, a persistent float buffer, an integer count and a non-persistent buffer."""

    def __init__(self, n=3):
        super().__init__()
        self.weight = nn.Parameter(np.arange(1.0, n + 1))
        self.register_buffer("scale", np.full(n, 2.0))
        self.register_buffer("steps", np.zeros((), dtype=np.int64))
        self.register_buffer("cache", np.zeros(n), persistent=False)

    def forward(self, x, *, shift=0.0):
        if self.training:
            self.steps = self.steps + 1
        return x * self.weight * self.scale + shift


class TorchScaled(torch.nn.Module):
    def __init__(self, n=3):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.arange(1.0, n + 1, dtype=torch.float64))
        self.register_buffer("scale", torch.full((n,), 2.0, dtype=torch.float64))
        self.register_buffer("steps", torch.zeros((), dtype=torch.int64))
        self.register_buffer("cache", torch.zeros(n, dtype=torch.float64), persistent=False)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("offset", np.ones(2))
        self.first = Scaled(2)
        self.fc = nn.Linear(2, 2)


class TorchNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("offset", torch.ones(2, dtype=torch.float64))
        self.first = TorchScaled(2)
        self.fc = torch.nn.Linear(2, 2, dtype=torch.float64)


# ---- buffers --------------------------------------------------------------------------------------
def test_a_buffer_is_a_tensor_that_requires_no_grad_and_is_not_a_parameter():
    layer = Scaled()
    assert isinstance(layer.scale, ag.Tensor) and not isinstance(layer.scale, nn.Parameter)
    assert not layer.scale.requires_grad and layer.steps.dtype == np.int64
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    assert [name for name, _ in layer.named_buffers()] == ["scale", "steps", "cache"]
    assert len(list(layer.buffers())) == 3


def test_state_dict_order_is_pytorchs_parameters_then_buffers_then_children():
    ours, theirs = Net(), TorchNet()
    assert list(ours.state_dict()) == list(theirs.state_dict()) == [
        "offset", "first.weight", "first.scale", "first.steps", "fc.weight", "fc.bias"]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_buffers(recurse=False)] == ["offset"]
    assert [n for n, _ in ours.named_buffers(prefix="net")][:2] == ["net.offset", "net.first.scale"]
    assert ours.state_dict()["first.steps"].dtype == np.int64


def test_a_pytorch_state_dict_with_buffers_loads():
    theirs = TorchNet()
    with torch.no_grad():
        theirs.first.scale.fill_(5.0)
        theirs.first.steps.fill_(7)
    ours = Net()
    result = ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    np.testing.assert_array_equal(ours.first.scale.data, [5.0, 5.0])
    assert int(ours.first.steps.data) == 7 and ours.first.steps.dtype == np.int64
    np.testing.assert_array_equal(ours.fc.weight.data, theirs.fc.weight.detach().numpy())


def test_buffers_round_trip_through_weights_files(tmp_path):
    source = Net()
    source.first(np.ones(2))
    source.first(np.ones(2))
    source.first.scale = np.array([3.0, 4.0])
    source.save_weights(tmp_path / "net.npz")
    with np.load(tmp_path / "net.npz") as saved:
        assert saved.files == list(source.state_dict())
        assert saved["first.steps"].dtype == np.int64 and int(saved["first.steps"]) == 2
    target = Net()
    target.load_weights(tmp_path / "net.npz")
    for (name, a), (_, b) in zip(source.state_dict().items(), target.state_dict().items()):
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b)
    assert int(target.first.steps.data) == 2 and target.first.steps.dtype == np.int64


def test_non_persistent_buffers_and_none_are_not_saved():
    layer = Scaled()
    layer.register_buffer("later", None)
    assert layer.later is None and "later" not in dict(layer.named_buffers())
    assert "cache" not in layer.state_dict() and "later" not in layer.state_dict()
    layer.later = np.ones(1)
    assert "later" in layer.state_dict()
    with pytest.raises(KeyError, match="unexpected"):
        layer.load_state_dict({**layer.state_dict(), "cache": np.zeros(3)})


def test_assigning_to_a_buffer_replaces_it_and_a_parameter_makes_it_a_parameter():
    layer = Scaled()
    layer.scale = ag.Tensor([1.0, 1.0, 1.0])
    assert [n for n, _ in layer.named_buffers()][0] == "scale"
    np.testing.assert_array_equal(layer.state_dict()["scale"], np.ones(3))
    computed = nn.Parameter(np.ones(3)) * 4   # a graph node: kept as a copy of its data, off the graph
    layer.scale = computed
    assert layer.scale is not computed and layer.scale.is_leaf and not layer.scale.requires_grad
    with pytest.raises(TypeError, match="buffer 'scale'.*array, a Tensor or None"):
        layer.scale = "big"
    with pytest.raises(TypeError, match="buffer 'scale'"):
        layer.scale = nn.Linear(1, 1).forward
    layer.scale = nn.Parameter(np.ones(3))
    assert "scale" in dict(layer.named_parameters()) and "scale" not in dict(layer.named_buffers())
    del layer.steps
    assert "steps" not in dict(layer.named_buffers())


def test_a_plain_tensor_given_is_kept_as_the_buffer():
    layer = nn.Module()
    t = ag.Tensor(np.zeros(2))
    layer.register_buffer("t", t)
    assert layer.t is t


@pytest.mark.parametrize("name, error, message", [
    (1, TypeError, "name"), ("a.b", KeyError, "can't contain"), ("", KeyError, "empty"),
    ("training", KeyError, "already exists"), ("forward", KeyError, "already exists"),
    ("weight", KeyError, "already exists")])
def test_register_buffer_checks_the_name_as_pytorch(name, error, message):
    layer = Scaled()
    with pytest.raises(error, match=message):
        layer.register_buffer(name, np.zeros(1))
    assert [n for n, _ in layer.named_buffers()] == ["scale", "steps", "cache"]


def test_register_buffer_again_replaces_it_and_bad_values_are_refused():
    layer = Scaled()
    layer.register_buffer("scale", np.zeros(3), persistent=False)
    assert "scale" not in layer.state_dict()
    with pytest.raises(TypeError, match="persistent"):
        layer.register_buffer("x", np.zeros(1), persistent="yes")
    with pytest.raises(TypeError, match="array, a Tensor or None"):
        layer.register_buffer("x", {"a": 1})
    assert not hasattr(layer, "x")


def test_buffers_are_never_trained():
    layer = Scaled()
    opt = optim.SGD(layer.parameters(), lr=0.1)
    before = layer.scale.data.copy()
    layer(np.ones(3)).sum().backward()
    opt.step()
    assert layer.scale.grad is None
    np.testing.assert_array_equal(layer.scale.data, before)
    assert all(p is layer.weight for p in layer.parameters())


def test_to_moves_buffers_and_parameters_keeping_the_objects():
    xp = pytest.importorskip("array_api_strict")
    layer = Scaled()
    scale, steps = layer.scale, layer.steps
    device = xp.Device("device1")
    layer.to(device)
    assert layer.scale is scale and layer.steps is steps
    assert layer.scale.device == device and layer.steps.device == device and layer.weight.device == device
    assert layer.cache.device == device and layer._placement()[1] == device
    assert layer.steps.dtype == xp.int64
    layer.to("cpu")
    assert isinstance(layer.scale.data, np.ndarray) and layer.steps.dtype == np.int64


def test_placement_follows_a_buffer_when_there_are_no_parameters():
    xp = pytest.importorskip("array_api_strict")
    module = nn.Module()
    module.register_buffer("b", xp.asarray([1.0], device=xp.Device("device1")))
    assert module._placement()[1] == xp.Device("device1")


# ---- load_state_dict(strict=) ---------------------------------------------------------------------
def test_load_state_dict_strict_false_returns_pytorchs_missing_and_unexpected_keys():
    ours, theirs = Net(), TorchNet()
    state = {k: v.numpy() for k, v in theirs.state_dict().items() if k != "fc.bias"}
    state["extra"] = np.zeros(1)
    expected = theirs.load_state_dict({k: torch.tensor(v) for k, v in state.items()}, strict=False)
    got = ours.load_state_dict(state, strict=False)
    assert got.missing_keys == expected.missing_keys == ["fc.bias"]
    assert got.unexpected_keys == expected.unexpected_keys == ["extra"]
    missing, unexpected = got
    assert (missing, unexpected) == (["fc.bias"], ["extra"])
    np.testing.assert_array_equal(ours.fc.weight.data, theirs.fc.weight.detach().numpy())


def test_load_state_dict_checks_everything_before_copying_anything():
    ours = Net()
    before = ours.state_dict()
    bad = {**ours.state_dict(), "first.steps": np.zeros(3, dtype=np.int64)}
    bad["offset"] = np.full(2, 9.0)
    with pytest.raises(ValueError, match="first.steps has shape"):
        ours.load_state_dict(bad, strict=False)
    for name, array in ours.state_dict().items():
        np.testing.assert_array_equal(array, before[name])
    with pytest.raises(KeyError, match="missing"):
        ours.load_state_dict({"offset": np.zeros(2)})
    with pytest.raises(TypeError, match="strict"):
        ours.load_state_dict(before, strict=None)


def test_tied_weights_save_once_and_load_from_pytorchs_state_under_every_name():
    shared = torch.nn.Linear(2, 2, dtype=torch.float64)
    theirs = torch.nn.Sequential(shared, torch.nn.Tanh(), shared)
    assert list(theirs.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    mine = nn.Linear(2, 2)
    ours = nn.Sequential(mine, nn.Tanh(), mine)
    assert list(ours.state_dict()) == ["0.weight", "0.bias"]
    assert repr(ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})) == \
        "<All keys matched successfully>"
    np.testing.assert_array_equal(mine.weight.data, shared.weight.detach().numpy())


def test_state_dict_prefix_and_keep_vars():
    layer = Scaled()
    assert list(layer.state_dict(prefix="m.")) == ["m.weight", "m.scale", "m.steps"]
    kept = layer.state_dict(keep_vars=True)
    assert kept["weight"] is layer.weight and kept["scale"] is layer.scale


# ---- forward(**kwargs) ----------------------------------------------------------------------------
def test_keyword_arguments_reach_forward():
    layer = Scaled(2)
    out = layer(np.ones(2), shift=1.0)
    np.testing.assert_array_equal(out.data, [3.0, 5.0])

    class Keywords(nn.Module):
        def forward(self, x, y=0.0):
            return x - y

    assert Keywords()(x=3.0, y=1.0) == 2.0
