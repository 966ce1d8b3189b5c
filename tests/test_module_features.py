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
    fresh = nn.Module()
    with pytest.raises(TypeError):
        fresh.register_buffer("x", "text")
    assert vars(fresh) == {"training": True}   # a call that raises changes nothing


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


def test_tied_weights_are_listed_under_every_name_and_move_both_ways_with_pytorch(tmp_path):
    shared = torch.nn.Linear(2, 2, dtype=torch.float64)
    theirs = torch.nn.Sequential(shared, torch.nn.Tanh(), shared)
    mine = nn.Linear(2, 2)
    ours = nn.Sequential(mine, nn.Tanh(), mine)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["0.weight", "0.bias", "2.weight",
                                                                   "2.bias"]
    assert repr(ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})) == \
        "<All keys matched successfully>"
    np.testing.assert_array_equal(mine.weight.data, shared.weight.detach().numpy())
    mine.weight.data = mine.weight.data * 2
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    np.testing.assert_array_equal(shared.weight.detach().numpy(), mine.weight.data)
    state = ours.state_dict()
    assert state["0.weight"] is state["2.weight"]   # one copy under both names, as PyTorch's one tensor
    ours.save_weights(tmp_path / "tied.npz")        # the file holds it once
    copy_layer = nn.Linear(2, 2)
    nn.Sequential(copy_layer, nn.Tanh(), copy_layer).load_weights(tmp_path / "tied.npz")
    np.testing.assert_array_equal(copy_layer.weight.data, mine.weight.data)


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


# ---- containers -------------------------------------------------------------------------------------
class Blocks(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2, 3), nn.Linear(3, 2)])
        self.blocks = nn.ModuleDict({"encoder": Scaled(2), "head": nn.Linear(2, 1)})


class TorchBlocks(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = torch.nn.ModuleList([torch.nn.Linear(2, 3), torch.nn.Linear(3, 2)])
        self.blocks = torch.nn.ModuleDict({"encoder": TorchScaled(2), "head": torch.nn.Linear(2, 1)})


def test_containers_register_members_with_pytorchs_names():
    ours, theirs = Blocks(), TorchBlocks()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    np.testing.assert_array_equal(ours.layers[1].weight.data, theirs.layers[1].weight.detach().numpy())
    assert ours.layers[0].weight.name == "layers.0.weight"
    assert ours.blocks.head.bias.name == "blocks.head.bias"


def test_module_list_behaves_as_a_list():
    a, b, c, d = (nn.Linear(1, 1) for _ in range(4))
    layers = nn.ModuleList([a, b])
    assert layers.append(c) is layers and len(layers) == 3
    assert layers[-1] is c and layers[0] is a
    assert isinstance(layers[1:], nn.ModuleList) and list(layers[1:]) == [b, c]
    layers.insert(1, d)
    assert list(layers) == [a, d, b, c]
    layers += [nn.ReLU()]
    assert len(layers) == 5 and isinstance(layers[4], nn.ReLU)
    assert isinstance(layers + [nn.ReLU()], nn.ModuleList) and len(layers) == 5
    layers[0] = b
    del layers[-1]
    assert list(layers) == [b, d, b, c]
    assert layers.pop() is c and len(layers) == 3
    layers.extend(nn.ModuleList([c]))
    assert [name for name, _ in layers.named_children()] == ["0", "1", "3"]   # b once, as PyTorch
    assert [name for name, _ in layers.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias",
                                                               "3.weight", "3.bias"]
    del layers[0:2]
    assert list(layers) == [b, c]
    assert len(nn.ModuleList()) == 0


def test_module_list_refuses_what_is_not_a_module_and_bad_indexes():
    layers = nn.ModuleList([nn.ReLU()])
    with pytest.raises(TypeError, match="int is not a Module subclass"):
        layers.append(1)
    with pytest.raises(TypeError, match="is not a Module subclass"):
        layers.extend([nn.ReLU(), "relu"])
    assert len(layers) == 1
    with pytest.raises(TypeError, match="iterable"):
        layers.extend(nn.ReLU())
    with pytest.raises(IndexError, match="out of range"):
        layers[1]
    with pytest.raises(IndexError, match="out of range"):
        layers[-2] = nn.ReLU()
    with pytest.raises(TypeError, match="index"):
        layers["0"]


def test_module_dict_behaves_as_a_dict():
    a, b = nn.Linear(1, 1), nn.ReLU()
    blocks = nn.ModuleDict([("a", a)])
    blocks["b"] = b
    assert list(blocks) == blocks.keys() == ["a", "b"] and blocks.values() == [a, b]
    assert blocks.items() == [("a", a), ("b", b)] and "a" in blocks and len(blocks) == 2
    assert blocks["a"] is a and blocks.a is a
    blocks.update(nn.ModuleDict({"c": nn.Tanh()}))
    blocks.update({"a": b})   # replaces, keeping the place
    assert blocks.keys() == ["a", "b", "c"] and blocks["a"] is b
    assert blocks.pop("c").__class__ is nn.Tanh
    del blocks["b"]
    assert blocks.keys() == ["a"]
    blocks.clear()
    assert len(blocks) == 0 and blocks.parameters() == []
    with pytest.raises(AttributeError, match="no attribute or module 'zzz'"):
        _ = blocks.zzz


def test_module_dict_checks_keys_and_members_before_adding():
    blocks = nn.ModuleDict()
    with pytest.raises(TypeError, match="not a Module subclass"):
        blocks.update({"a": nn.ReLU(), "b": 3})
    with pytest.raises(KeyError, match="contain"):
        blocks["a.b"] = nn.ReLU()
    with pytest.raises(KeyError, match="empty"):
        blocks[""] = nn.ReLU()
    with pytest.raises(TypeError, match="key"):
        blocks[1] = nn.ReLU()
    with pytest.raises(ValueError, match="pair"):
        blocks.update([("a", nn.ReLU(), 1)])
    with pytest.raises(TypeError, match="mapping"):
        blocks.update(3)
    assert len(blocks) == 0


def test_a_plain_dict_of_modules_is_refused_pointing_to_module_dict():
    class Bad(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = {"a": nn.Linear(1, 1)}

    with pytest.raises(TypeError, match="ModuleDict"):
        Bad()
    holder = nn.Module()
    holder.options = {"lr": 0.1}   # a dict of other things is an ordinary attribute
    assert holder.options == {"lr": 0.1}


def test_a_list_or_tuple_of_modules_is_registered_as_before():
    class Listed(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = [nn.Linear(1, 1), nn.Linear(1, 1)]
            self.pair = (nn.Linear(1, 1),)

    assert list(Listed().state_dict()) == ["layers.0.weight", "layers.0.bias", "layers.1.weight",
                                           "layers.1.bias", "pair.0.weight", "pair.0.bias"]


def test_a_container_round_trips_through_weights_files_and_moves(tmp_path):
    source, target = Blocks(), Blocks()
    source.blocks.encoder(np.ones(2))
    source.save_weights(tmp_path / "w.npz")
    target.load_weights(tmp_path / "w.npz")
    assert int(target.blocks.encoder.steps.data) == 1
    for name, array in source.state_dict().items():
        np.testing.assert_array_equal(target.state_dict()[name], array)
    xp = pytest.importorskip("array_api_strict")
    target.to(xp.Device("device1"))
    assert {t.device for t in [*target.parameters(), *target.buffers()]} == {xp.Device("device1")}


# ---- walking the tree -------------------------------------------------------------------------------
def test_named_modules_and_children_each_module_once_in_pytorchs_order():
    shared = nn.Linear(2, 2)
    ours = nn.Sequential(shared, nn.Sequential(nn.ReLU(), shared), nn.Tanh())
    tshared = torch.nn.Linear(2, 2)
    theirs = torch.nn.Sequential(tshared, torch.nn.Sequential(torch.nn.ReLU(), tshared), torch.nn.Tanh())
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_modules(prefix="net")] == \
        [n for n, _ in theirs.named_modules(prefix="net")]
    assert [n for n, _ in ours.named_modules(remove_duplicate=False)] == \
        [n for n, _ in theirs.named_modules(remove_duplicate=False)]
    assert [type(m).__name__ for m in ours.modules()] == [type(m).__name__ for m in theirs.modules()]
    assert [n for n, _ in ours.named_children()] == ["0", "1", "2"] and list(ours.children())[0] is shared
    assert [n for n, _ in ours.named_parameters(prefix="net")] == ["net.0.weight", "net.0.bias"]
    assert [n for n, _ in ours[1].named_parameters(recurse=False)] == []
    assert [n for n, _ in ours.named_parameters(remove_duplicate=False)] == \
        [n for n, _ in theirs.named_parameters(remove_duplicate=False)]


def test_apply_visits_children_first_then_self_and_returns_self():
    ours = Blocks()
    seen = []
    assert ours.apply(lambda m: seen.append(type(m).__name__)) is ours
    theirs, expected = TorchBlocks(), []
    theirs.apply(lambda m: expected.append(type(m).__name__.replace("Torch", "")))
    assert seen == expected
    with pytest.raises(TypeError, match="fn"):
        ours.apply(3)


def test_apply_with_init_changes_weights_in_place():
    net = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))

    def zero(module):
        if isinstance(module, nn.Linear):
            module.bias.data = np.zeros_like(module.bias.data)

    net.apply(zero)
    assert all(not layer.bias.data.any() for layer in (net[0], net[2]))


def test_train_and_eval_reach_every_submodule_in_containers():
    ours = nn.Sequential(Blocks(), nn.ModuleList([nn.Sequential(Scaled())]))
    assert ours.eval() is ours
    assert all(not m.training for m in ours.modules())
    assert ours.train() is ours and all(m.training for m in ours.modules())
    ours.train(False)
    assert not ours[1][0][0].training
    with pytest.raises(TypeError, match="mode"):
        ours.train("no")


def test_requires_grad_freezes_parameters_so_optimizers_leave_them():
    net = Blocks()
    net.layers[0].requires_grad_(False)
    assert net.layers[0].requires_grad_(False) is net.layers[0]
    frozen = net.layers[0].weight.data.copy()
    moving = net.layers[1].weight.data.copy()
    opt = optim.Adam(net.parameters(), lr=0.1)
    x = np.ones((4, 2))
    net.layers[1](net.layers[0](x)).sum().backward()
    assert net.layers[0].weight.grad is None and net.layers[1].weight.grad is not None
    opt.step()
    np.testing.assert_array_equal(net.layers[0].weight.data, frozen)
    assert not np.array_equal(net.layers[1].weight.data, moving)
    net.requires_grad_()
    assert all(p.requires_grad for p in net.parameters())
    with pytest.raises(TypeError, match="requires_grad"):
        net.requires_grad_(1)


def test_a_frozen_layer_still_passes_gradients_to_the_layers_before():
    first, second = nn.Linear(2, 2), nn.Linear(2, 1)
    second.requires_grad_(False)
    second(first(np.ones((3, 2)))).sum().backward()
    assert first.weight.grad is not None and second.weight.grad is None


def test_apply_and_children_reach_a_module_used_twice_once():
    shared = nn.Linear(1, 1)
    seen = []
    nn.Sequential(shared, nn.Tanh(), shared).apply(lambda m: seen.append(m))
    assert [type(m).__name__ for m in seen] == ["Linear", "Tanh", "Sequential"]
    assert len(list(nn.Sequential(shared, shared).children())) == 1


def test_a_keras_model_with_a_buffer_trains_saves_and_restores_it(tmp_path):
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 2), Scaled(2), nn.Linear(2, 1))
    model.compile(optimizer="sgd", loss="mse")
    X = np.random.default_rng(0).normal(size=(16, 2))
    model.fit(X, X.sum(axis=1), batch_size=8, epochs=2, verbose=0,
              callbacks=[nn.EarlyStopping(monitor="loss", patience=5, restore_best_weights=True)])
    np.testing.assert_array_equal(model[1].scale.data, [2.0, 2.0])   # a buffer is never trained
    assert "1.steps" in model.state_dict() and int(model[1].steps.data) > 0
    model.save_weights(tmp_path / "model.weights.h5")
    copy = nn.Sequential(nn.Linear(2, 2), Scaled(2), nn.Linear(2, 1))
    copy.load_weights(tmp_path / "model.weights.h5")
    assert int(copy[1].steps.data) == int(model[1].steps.data)
    np.testing.assert_allclose(copy.predict(X), model.predict(X))


def test_named_modules_without_removing_duplicates_lists_every_path_as_pytorch():
    class Twice(nn.Module):
        def __init__(self, layer):
            super().__init__()
            self.first, self.second = layer, layer

    class TorchTwice(torch.nn.Module):
        def __init__(self, layer):
            super().__init__()
            self.first, self.second = layer, layer

    ours, theirs = Twice(nn.Linear(1, 1)), TorchTwice(torch.nn.Linear(1, 1))
    for remove in (True, False):
        assert [n for n, _ in ours.named_modules(remove_duplicate=remove)] == \
            [n for n, _ in theirs.named_modules(remove_duplicate=remove)]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()] == ["first"]
