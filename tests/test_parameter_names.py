"""Parameters are named by their module path (issue 12, item 9), so that a graph drawing reads
``0.weight`` where it read "leaf": the rule is in :class:`autograd_lite.nn.Module`'s docstring."""

import copy

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_lite import nn
from autograd_lite.engine import walk


def names(module):
    return {path: parameter.name for path, parameter in module.named_parameters()}


def assert_named_by_path(module):
    assert all(path == name for path, name in names(module).items()), names(module)


class Block(nn.Module):
    """Every way of registering: a module, a parameter, a list of modules, a Sequential."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Linear(3, 4)
        self.scale = nn.Parameter(np.ones(4))
        self.heads = [nn.Linear(4, 2), nn.Linear(4, 1, bias=False)]
        self.tail = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))

    def forward(self, x):
        h = self.encoder(x) * self.scale
        return self.tail(self.heads[0](h)) + self.heads[1](h)


def test_every_way_of_registering_names_parameters_by_their_path():
    block = Block()
    assert_named_by_path(block)
    assert block.tail[2].weight.name == "tail.2.weight" and block.heads[1].weight.name == "heads.1.weight"


def test_a_tree_built_inside_out_names_each_parameter_from_the_root():
    class Outer(nn.Model):
        def __init__(self):
            super().__init__()
            self.body = Block()

    outer = Outer()
    assert_named_by_path(outer)
    assert outer.body.encoder.weight.name == "body.encoder.weight"


def test_a_keras_sequential_built_with_add_names_its_layers_by_position():
    model = nn.Sequential()
    model.add(nn.Input((3,)))
    model.add(nn.Dense(4, activation="relu"))
    model.add(nn.Dense(1))
    assert names(model) == {"0.kernel": "0.kernel", "0.bias": "0.bias", "1.kernel": "1.kernel",
                            "1.bias": "1.bias"}   # the Input is not a layer, as in Keras


def test_layers_built_by_their_first_batch_are_named_by_fit():
    model = nn.Sequential(nn.Dense(4), nn.Dense(1))
    model(np.ones((2, 3)))   # built here, inside the Sequential: named by the layer alone
    assert model[0].kernel.name == "kernel"
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 3)), np.ones(4), verbose=0)
    assert_named_by_path(model)


def test_a_module_used_in_two_parents_carries_the_last_path_until_the_tree_names_it():
    shared = nn.Linear(2, 2)
    first = nn.Sequential(shared)
    second = nn.Sequential(nn.Linear(2, 2), shared)
    assert shared.weight.name == "1.weight"      # attached to `second` last
    assert list(second.state_dict())[2:] == ["1.weight", "1.bias"]
    first.name_parameters()
    assert shared.weight.name == "0.weight"      # named from `first`, as first.state_dict() names it

    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = shared, shared

    twice = Twice()
    assert shared.weight.name == "b.weight"
    twice.name_parameters()
    assert shared.weight.name == "a.weight"
    assert list(twice.state_dict()) == ["a.weight", "a.bias", "b.weight", "b.bias"]


def test_a_name_you_gave_is_kept():
    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.gain = nn.Parameter(np.ones(2), name="g")
            self.layer = nn.Linear(2, 2)

    scaled = Scaled()
    scaled.layer.bias.name = "my bias"   # renamed after the module named it
    outer = nn.Sequential(scaled)
    outer.name_parameters()
    assert names(outer) == {"0.gain": "g", "0.layer.weight": "0.layer.weight", "0.layer.bias": "my bias"}


def test_parameter_name_must_be_a_string():
    assert nn.Parameter([1.0]).name is None
    with pytest.raises(TypeError, match="Parameter: invalid name 3; it must be a str or None"):
        nn.Parameter([1.0], name=3)


def test_names_survive_a_deep_copy_and_stay_apart_from_the_state_dict():
    model = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
    clone = copy.deepcopy(model)
    assert_named_by_path(clone)
    clone[0].weight.name = "changed"
    assert model[0].weight.name == "0.weight" and list(model.state_dict()) == list(clone.state_dict())


def test_the_leaves_of_a_loss_graph_read_their_module_paths():
    """What a graph drawing labels its leaves with."""
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    loss = nn.functional.mse_loss(model(np.ones((5, 3))), np.zeros((5, 1)))
    leaves = {node.name for node in walk(loss) if node.is_leaf and node.requires_grad}
    assert leaves == {"0.weight", "0.bias", "2.weight", "2.bias"}


trees = st.recursive(st.just("linear"), lambda children: st.lists(children, min_size=1, max_size=3),
                     max_leaves=8)


def build(tree):
    if tree == "linear":
        return nn.Linear(2, 2)
    return nn.Sequential(*[build(child) for child in tree])


@given(trees)
def test_any_tree_built_inside_out_is_named_by_path(tree):
    assert_named_by_path(build(tree))
