"""Tests of ``autograd_lite.nn``'s modules, layers, activations and losses (training: test_training.py).

Every activation and loss is checked three ways: its value against an independent NumPy formula, its
gradient against finite differences (``gradcheck`` in float64, on hypothesis-drawn shapes and values
kept away from kinks), and at the extreme inputs where a naive formula overflows.
"""

import math
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal

from autograd_lite import Tensor, nn
from autograd_lite.nn import functional as F
from autograd_lite.testing import gradcheck
from autograd_lite.testing import strategies as agst


def leaf(values):
    return Tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def np_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def np_log_softmax(z, axis=-1):
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


class Block(nn.Module):
    """Every way of registering: a module, a parameter, a list of modules, a Sequential."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Linear(3, 4)
        self.scale = nn.Parameter(np.ones(4))
        self.heads = [nn.Linear(4, 2), nn.Linear(4, 1, bias=False)]
        self.act = nn.ReLU()
        self.tail = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))
        self.not_a_parameter = np.ones(7)

    def forward(self, x):
        h = self.act(self.encoder(x)) * self.scale
        return self.tail(self.heads[0](h)) + self.heads[1](h)


# ---- Module: the tree of parameters -----------------------------------------------------------
def test_named_parameters_own_first_then_children_in_assignment_order():
    block = Block()
    names = [name for name, _ in block.named_parameters()]
    assert names == ["scale", "encoder.weight", "encoder.bias", "heads.0.weight", "heads.0.bias",
                     "heads.1.weight", "tail.0.weight", "tail.0.bias", "tail.2.weight", "tail.2.bias"]
    named, listed = [p for _, p in block.named_parameters()], block.parameters()
    assert len(named) == len(listed) and all(a is b for a, b in zip(named, listed))
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in block.parameters())
    assert block.num_parameters() == 4 + 16 + 10 + 4 + 6 + 3 == 43
    assert block.heads[1].bias is None


def test_sequential_names_its_layers_by_position():
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert [name for name, _ in net.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert [p.shape for p in net.parameters()] == [(3, 2), (3,), (1, 3), (1,)]
    assert net.num_parameters() == 13 and len(net) == 3 and isinstance(net[1], nn.ReLU)
    with pytest.raises(TypeError, match="expected a layer"):
        net.add(lambda x: x)


def test_lists_of_parameters_are_registered():
    class Weights(nn.Module):
        def __init__(self):
            super().__init__()
            self.ws = [nn.Parameter(np.ones(2)), nn.Parameter(np.ones((2, 3)))]

    assert [(name, p.shape) for name, p in Weights().named_parameters()] == [("ws.0", (2,)), ("ws.1", (2, 3))]


def test_a_layer_used_twice_is_counted_once():
    shared = nn.Linear(2, 2)
    net = nn.Sequential(shared, nn.Tanh(), shared)
    assert [name for name, _ in net.named_parameters()] == ["0.weight", "0.bias"]
    assert net.num_parameters() == 6
    assert list(net.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]   # as PyTorch's


def test_parameters_are_float_tensors_that_require_grad():
    p = nn.Parameter([1, 2, 3])
    assert p.dtype == np.float64 and p.requires_grad and p.is_leaf
    assert nn.Parameter(np.ones(2, np.float32)).dtype == np.float32


def test_zero_grad_forgets_every_gradient():
    block = Block()
    block(np.ones((5, 3))).sum().backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in block.parameters())
    block.zero_grad()
    assert all(p.grad is None for p in block.parameters())


def test_train_and_eval_reach_every_submodule():
    block = Block()
    modules = [block, block.encoder, *block.heads, block.act, block.tail, *block.tail.layers]
    assert block.train() is block   # (the Keras layers and models in it start in inference, as Keras')
    assert all(m.training for m in modules)
    assert block.eval() is block
    assert not any(m.training for m in modules)
    block.train()
    assert all(m.training for m in modules)


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="Module must define forward"):
        nn.Module()(1.0)


# ---- Module: weights as data --------------------------------------------------------------------
def test_state_dict_round_trip_into_a_fresh_model():
    nn.manual_seed(1)
    source, target = Block(), Block()
    x = np.random.default_rng(0).normal(size=(4, 3))
    assert not np.allclose(source(x).data, target(x).data)
    state = source.state_dict()
    assert isinstance(state, OrderedDict) and list(state) == [n for n, _ in source.named_parameters()]
    state["scale"][:] = 5.0                                      # a copy: the model is untouched
    assert_array_equal(source.scale.data, np.ones(4))
    state = source.state_dict()
    target.load_state_dict(state)
    assert_array_equal(target(x).data, source(x).data)
    state["encoder.weight"][:] = 0.0                             # loading copied the arrays too
    assert not np.any(target.encoder.weight.data == 0.0)


@pytest.mark.parametrize("edit, error, message", [
    (lambda s: s.pop("tail.2.bias"), KeyError, r"missing \['tail.2.bias'\]"),
    (lambda s: s.update(extra=np.ones(1)), KeyError, r"unexpected \['extra'\]"),
    (lambda s: s.update({"tail.2.weight": np.ones((2, 1))}), ValueError,
     r"tail.2.weight has shape \(2, 1\) in the saved weights but \(1, 2\) in the model"),
    (lambda s: s.update({"tail.2.bias": np.array(["a"])}), TypeError, "tail.2.bias has dtype <U1"),
])
def test_load_state_dict_mismatch_is_a_clear_error_and_changes_nothing(edit, error, message):
    nn.manual_seed(2)
    model, other = Block(), Block()
    before = model.state_dict()
    state = other.state_dict()   # the first names are fine: nothing may be copied before the check
    edit(state)
    with pytest.raises(error, match=message):
        model.load_state_dict(state)
    for name, array in model.state_dict().items():
        assert_array_equal(array, before[name])


def test_repr_shows_layers_and_parameter_counts():
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert repr(net) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)  # 9 parameters\n"
        "  (1): ReLU()\n"
        "  (2): Linear(in_features=3, out_features=1, bias=True)  # 4 parameters\n"
        ")  # 13 parameters in all")
    nested = nn.Sequential(nn.Sequential(nn.Linear(100, 20), nn.LeakyReLU(0.2)), nn.Dense(1, input_dim=20))
    assert repr(nested) == (
        "Sequential(\n"
        "  (0): Sequential(\n"
        "    (0): Linear(in_features=100, out_features=20, bias=True)  # 2,020 parameters\n"
        "    (1): LeakyReLU(negative_slope=0.2)\n"
        "  )  # 2,020 parameters in all\n"
        "  (1): Dense(units=1, activation='linear', input_dim=20)  # 21 parameters\n"
        ")  # 2,041 parameters in all")


# ---- layers -----------------------------------------------------------------------------------
def test_linear_init_is_seeded_and_uniform_within_pytorch_bound():
    nn.manual_seed(0)
    a = nn.Linear(50, 40)
    nn.manual_seed(0)
    b = nn.Linear(50, 40)
    c = nn.Linear(50, 40)
    assert_array_equal(a.weight.data, b.weight.data)
    assert_array_equal(a.bias.data, b.bias.data)
    assert not np.array_equal(b.weight.data, c.weight.data)
    bound = 1 / math.sqrt(50)
    for values in (a.weight.data, a.bias.data):
        assert np.all(np.abs(values) <= bound)
    assert np.abs(a.weight.data).max() > 0.98 * bound      # the whole interval, not a narrower one
    assert abs(a.weight.data.mean()) < 0.01 and abs(a.weight.data.std() - bound / math.sqrt(3)) < 0.005


def test_linear_computes_x_weight_transposed_plus_bias():
    layer = nn.Linear(3, 2)
    x = np.arange(12.0).reshape(4, 3)
    assert_allclose(layer(x).data, x @ layer.weight.data.T + layer.bias.data)
    no_bias = nn.Linear(3, 2, bias=False)
    assert_allclose(no_bias(x).data, x @ no_bias.weight.data.T)
    assert [n for n, _ in no_bias.named_parameters()] == ["weight"]


@given(st.integers(1, 3).flatmap(lambda n: st.tuples(
    agst.arrays(agst.shapes(min_dims=1, max_dims=2, max_side=3).map(lambda s: (*s, n))),
    agst.arrays((2, n)), agst.arrays((2,)))))
def test_linear_gradients(xwb):
    x, w, b = xwb
    assert gradcheck(lambda x, w, b: F.linear(x, w, b), x, w, b)
    assert gradcheck(lambda x, w: F.linear(x, w), x, w)


def test_dense_is_glorot_uniform_with_zero_bias():
    nn.manual_seed(0)
    layer = nn.Dense(30, input_dim=70)
    bound = math.sqrt(6 / (70 + 30))
    assert layer.kernel.shape == (70, 30)                  # Keras' layout, (input_dim, units)
    assert np.all(np.abs(layer.kernel.data) <= bound) and np.abs(layer.kernel.data).max() > 0.98 * bound
    assert_array_equal(layer.bias.data, np.zeros(30))
    nn.manual_seed(0)
    assert_array_equal(nn.Dense(30, input_dim=70).kernel.data, layer.kernel.data)


def test_dense_kernel_transposed_loads_into_torch_linear_and_computes_the_same():
    """Dense keeps Keras' layout, kernel (input_dim, units): PyTorch's weight transposed."""
    torch = pytest.importorskip("torch")
    layer = nn.Dense(3, input_dim=4)
    theirs = torch.nn.Linear(4, 3, dtype=torch.float64)
    theirs.load_state_dict({"weight": torch.tensor(layer.kernel.data.T),
                            "bias": torch.tensor(layer.bias.data)})
    x = np.random.default_rng(1).normal(size=(5, 4))
    assert_allclose(theirs(torch.tensor(x)).detach().numpy(), layer(x).data, rtol=1e-12)


def test_dense_infers_its_input_size_on_first_call():
    layer = nn.Dense(4, activation="relu")
    assert not layer.built and layer.parameters() == []
    x = np.random.default_rng(0).normal(size=(5, 3))
    out = layer(x)
    assert layer.built and layer.input_dim == 3 and layer.kernel.shape == (3, 4)
    assert_allclose(out.data, np.maximum(x @ layer.kernel.data + layer.bias.data, 0))
    assert nn.Dense(2, use_bias=False)(leaf(x)).shape == (5, 2)


def test_input_then_dense_builds_at_once():
    model = nn.Sequential()
    model.add(nn.Input(shape=(2,)))                 # as in Keras, the Input is not one of the layers
    model.add(nn.Dense(1, activation="sigmoid"))
    assert len(model) == 1 and model[0].built and model.num_parameters() == 3 and model[0].input_dim == 2
    deeper = nn.Sequential(nn.Input((5,)), nn.Dense(3), nn.Dense(2))   # each builds from the one before
    assert deeper.num_parameters() == (5 * 3 + 3) + (3 * 2 + 2) and deeper[1].input_dim == 3
    lazy = nn.Sequential(nn.Dense(3), nn.Dense(2))                     # as in Keras: built on first use
    assert lazy.num_parameters() == 0 and not lazy[1].built


def test_unknown_activation_is_a_value_error():
    with pytest.raises(ValueError, match="unknown activation 'sigmoidd'.*'sigmoid'"):
        nn.Dense(1, activation="sigmoidd")


@pytest.mark.parametrize("name, reference", [
    ("linear", lambda z: z), ("relu", lambda z: np.maximum(z, 0)), ("sigmoid", np_sigmoid),
    ("tanh", np.tanh), ("softmax", lambda z: np.exp(np_log_softmax(z))),
    ("softplus", lambda z: np.log1p(np.exp(z))), ("step", lambda z: (z >= 0).astype(float)),
    ("leaky_relu", lambda z: np.where(z > 0, z, 0.2 * z)),   # Keras' slope (F.leaky_relu's is 0.01)
])
def test_dense_activations_by_name(name, reference):
    nn.manual_seed(3)
    layer = nn.Dense(3, activation=name, input_dim=2)
    x = np.random.default_rng(1).normal(size=(6, 2))
    z = x @ layer.kernel.data
    assert_allclose(layer(x).data, reference(z), atol=1e-12)

    def negated(t):
        return -t

    custom = nn.Dense(1, activation=negated, input_dim=2)
    assert custom.activation_name == "negated"
    assert_allclose(custom(x).data, -(x @ custom.kernel.data))


@pytest.mark.parametrize("module, reference", [
    (nn.ReLU(), lambda x: np.maximum(x, 0)), (nn.Sigmoid(), np_sigmoid), (nn.Tanh(), np.tanh),
    (nn.Step(), lambda x: (x >= 0) * 1.0), (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (nn.GELU(), lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / np.sqrt(2)))),
    (nn.Softmax(axis=0), lambda x: np.exp(np_log_softmax(x, axis=0))),
])
def test_activation_modules(module, reference):
    x = np.array([[-2.0, -0.5, 0.0], [0.5, 1.0, 3.0]])
    assert_allclose(module(leaf(x)).data, reference(x), atol=1e-12)
    assert module.num_parameters() == 0


# ---- activations: values, gradients, steps ----------------------------------------------------
@pytest.mark.parametrize("activation, reference, avoid", [
    (F.relu, lambda x: np.maximum(x, 0), [0.0]), (F.sigmoid, np_sigmoid, []), (F.tanh, np.tanh, []),
    (F.softmax, lambda x: np.exp(np_log_softmax(x)), []),
])
@given(data=st.data())
def test_reexported_activations(activation, reference, avoid, data):
    x = data.draw(agst.arrays(agst.shapes(min_dims=1, max_dims=2), avoid=avoid))
    assert_allclose(activation(leaf(x)).data, reference(x), rtol=1e-12, atol=1e-15)
    assert gradcheck(activation, x)


@given(agst.arrays(avoid=[0.0]), st.floats(0.0, 1.0))
def test_leaky_relu(x, slope):
    assert_allclose(F.leaky_relu(x, negative_slope=slope), np.where(x > 0, x, slope * x))
    assert gradcheck(lambda t: F.leaky_relu(t, negative_slope=slope), x)


@given(agst.arrays(min_value=-30, max_value=30))
def test_softplus(x):
    expected = np.where(x > 20, x, np.log1p(np.exp(x)))   # PyTorch's threshold=20: x itself above it
    assert_allclose(F.softplus(leaf(x)).data, expected, rtol=1e-12, atol=1e-300)
    assert gradcheck(F.softplus, x)


@given(agst.arrays(min_value=-6, max_value=6))
def test_gelu(x):
    erf_form = 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    assert_allclose(F.gelu(leaf(x)).data, erf_form, rtol=1e-12, atol=1e-15)   # the default, as PyTorch's
    tanh_form = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
    assert_allclose(F.gelu(leaf(x), approximate="tanh").data, tanh_form, rtol=1e-12, atol=1e-15)
    assert_allclose(tanh_form, erf_form, atol=1e-3)    # the approximation it stands for
    assert gradcheck(F.gelu, x) and gradcheck(lambda t: F.gelu(t, approximate="tanh"), x)


@given(agst.arrays(avoid=[0.0]))
def test_step_has_zero_gradient(x):
    assert_array_equal(F.step(x), (x >= 0).astype(float))
    t = leaf(x)
    (F.step(t) * 3.0).sum().backward()
    assert_array_equal(t.grad, np.zeros_like(x))
    assert gradcheck(F.step, x)


def test_step_neuron_is_the_tutorials_or_function():
    inputs = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    out = F.step(F.linear(inputs, np.array([[1.0, 1.0]]), np.array([-1.0])))
    assert_array_equal(out.reshape(-1), [0.0, 1.0, 1.0, 1.0])        # g(0) = 1
    neuron = nn.Dense(1, activation="step", input_dim=2)
    neuron(inputs).sum().backward()
    assert_array_equal(neuron.kernel.grad, np.zeros((2, 1)))         # cannot learn by gradients


# ---- losses: values and gradients -------------------------------------------------------------
@st.composite
def logits_and_labels(draw, max_batch=4, max_classes=4, bound=5.0):
    n, c = draw(st.integers(1, max_batch)), draw(st.integers(2, max_classes))
    logits = draw(agst.arrays((n, c), min_value=-bound, max_value=bound))
    labels = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    return logits, labels


def same_shape_arrays(count, **options):
    shape = st.shared(agst.shapes(max_dims=2), key="shape")
    return st.tuples(*[agst.arrays(shape, **options) for _ in range(count)])


def binary_labels(shape):
    return hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0]))


@given(same_shape_arrays(2))
def test_mse_loss(pt):
    prediction, target = pt
    assert_allclose(F.mse_loss(leaf(prediction), target).data, np.mean((prediction - target) ** 2))
    assert gradcheck(F.mse_loss, prediction, target)


@given(agst.arrays(agst.shapes(min_dims=1, max_dims=2)).flatmap(
    lambda z: st.tuples(st.just(z), binary_labels(z.shape))))
def test_binary_cross_entropy_with_logits(zy):
    z, y = zy
    p = np_sigmoid(z)
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert_allclose(F.binary_cross_entropy_with_logits(leaf(z), y).data, expected, rtol=1e-9)
    assert gradcheck(lambda t: F.binary_cross_entropy_with_logits(t, y), z)
    assert gradcheck(lambda t: F.binary_cross_entropy(F.sigmoid(t), y), z)


@given(same_shape_arrays(2, min_value=0.05, max_value=0.95))
def test_binary_cross_entropy_of_probabilities(pq):
    p, y = pq[0], np.round(pq[1])                 # hard labels (round) and ...
    for target in (y, pq[1]):                       # ... soft ones
        expected = -np.mean(target * np.log(p) + (1 - target) * np.log(1 - p))
        assert_allclose(F.binary_cross_entropy(leaf(p), target).data, expected, rtol=1e-12)
        assert gradcheck(lambda t, target=target: F.binary_cross_entropy(t, target), p)


@given(logits_and_labels())
def test_cross_entropy_with_labels_and_with_probabilities(zl):
    z, labels = zl
    expected = -np.mean(np_log_softmax(z)[np.arange(len(z)), labels])
    one_hot = np.eye(z.shape[1])[labels]
    for target in (labels, one_hot, one_hot.astype(int), labels.reshape(-1, 1)):
        assert_allclose(F.cross_entropy(leaf(z), target).data, expected, rtol=1e-9, atol=1e-12)
    assert gradcheck(lambda t: F.cross_entropy(t, labels), z)
    soft = np.exp(np_log_softmax(z[::-1]))
    assert_allclose(F.cross_entropy(leaf(z), soft).data, -np.mean(np.sum(soft * np_log_softmax(z), -1)))
    assert gradcheck(F.cross_entropy, z, soft)       # soft targets are differentiable too


def test_cross_entropy_along_another_axis():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(2, 3, 4))                     # (batch, classes, positions), as in PyTorch
    labels = rng.integers(0, 3, size=(2, 4))
    expected = -np.mean(np.take_along_axis(np_log_softmax(z, axis=1), labels[:, None, :], axis=1))
    assert_allclose(F.cross_entropy(leaf(z), labels, axis=1).data, expected, rtol=1e-12)
    assert gradcheck(lambda t: F.cross_entropy(t, labels, axis=1), z)


@given(logits_and_labels())
def test_categorical_and_sparse_categorical_crossentropy(zl):
    z, labels = zl
    one_hot = np.eye(z.shape[1])[labels]
    expected = -np.mean(np_log_softmax(z)[np.arange(len(z)), labels])
    p = np.exp(np_log_softmax(z))
    for probability in (leaf(p), F.softmax(leaf(z))):        # plain probabilities, and through softmax
        assert_allclose(F.categorical_crossentropy(probability, one_hot).data, expected, rtol=1e-9)
        assert_allclose(F.sparse_categorical_crossentropy(probability, labels).data, expected, rtol=1e-9)
    assert gradcheck(lambda t: F.categorical_crossentropy(F.softmax(t), one_hot), z)
    assert gradcheck(lambda t: F.sparse_categorical_crossentropy(F.softmax(t), labels), z)
    q = np.clip(p, 0.05, None)                                 # away from the clip at 1e-7
    assert gradcheck(lambda t: F.categorical_crossentropy(t, one_hot), q)
    assert gradcheck(lambda t: F.sparse_categorical_crossentropy(t, labels), q)


@given(agst.arrays(agst.shapes(min_dims=1, max_dims=2), min_value=-3, max_value=3, avoid=[-1.0, 1.0])
       .flatmap(lambda p: st.tuples(st.just(p), binary_labels(p.shape))))
def test_hinge_maps_0_1_labels_to_plus_minus_one(py):
    prediction, labels = py
    signs = 2 * labels - 1
    expected = np.mean(np.maximum(1 - signs * prediction, 0))
    assert_allclose(F.hinge(leaf(prediction), labels).data, expected)
    assert_allclose(F.hinge(leaf(prediction), signs).data, expected)
    assert gradcheck(lambda t: F.hinge(t, labels), prediction)


def test_losses_by_keras_name():
    assert F.LOSSES["binary_crossentropy"] is F.binary_crossentropy   # Keras' rule, not PyTorch's
    assert F.LOSSES["mse"] is F.LOSSES["mean_squared_error"] is F.mse_loss
    assert F.LOSSES["sparse_categorical_crossentropy"] is F.sparse_categorical_crossentropy
    assert {"categorical_crossentropy", "hinge", "binary_crossentropy_from_logits"} <= set(F.LOSSES)


# ---- losses at extreme inputs -----------------------------------------------------------------
def test_binary_cross_entropy_with_logits_at_plus_minus_1000():
    z = leaf([1000.0, -1000.0, 1000.0, -1000.0])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    loss = F.binary_cross_entropy_with_logits(z, y)
    loss.backward()
    assert loss.item() == 500.0                        # two right (0) and two wrong by 1000 each
    assert_array_equal(z.grad, [0.0, 0.0, 0.25, -0.25])


@pytest.mark.parametrize("squash", [F.sigmoid, lambda z: z.sigmoid(), nn.Sigmoid()])
def test_binary_cross_entropy_of_sigmoid_outputs_uses_the_logits(squash):
    z = leaf([1000.0, -1000.0, 1000.0, -1000.0, 40.0])
    loss = F.binary_cross_entropy(squash(z), np.array([1.0, 0.0, 0.0, 1.0, 0.0]))
    loss.backward()
    assert_allclose(loss.item(), (2000 + 40) / 5)      # not clipped at -log(1e-7) ≈ 16
    assert np.all(np.isfinite(z.grad))
    assert_allclose(z.grad, [0.0, 0.0, 0.2, -0.2, 0.2])
    clipped = F.binary_crossentropy(leaf([1.0, 0.0]), np.array([0.0, 1.0]))
    assert_allclose(clipped.item(), -math.log(1e-7), rtol=1e-6)   # Keras clips plain probabilities
    assert F.binary_cross_entropy(leaf([1.0, 0.0]), np.array([0.0, 1.0])).item() == 100.0   # PyTorch's


def test_categorical_losses_of_softmax_outputs_stay_finite_for_logits_of_1000():
    z = leaf([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 0.0]])
    labels = np.array([2, 0])
    for loss in (F.categorical_crossentropy(F.softmax(z), np.eye(3)[labels]),
                 F.sparse_categorical_crossentropy(F.softmax(z), labels),
                 F.cross_entropy(z, labels)):
        z.zero_grad()
        loss.backward()
        assert loss.item() == 1500.0 and np.all(np.isfinite(z.grad))
        assert_allclose(z.grad, [[0.5, 0.0, -0.5], [-0.5, 0.5, 0.0]], atol=1e-12)
    zero = F.categorical_crossentropy(leaf([[1.0, 0.0]]), np.array([[0.0, 1.0]]))
    assert_allclose(zero.item(), -math.log(1e-7))                  # log 0 is clipped, not -inf


def test_sequential_takes_keras_list_form():
    model = nn.Sequential([nn.Dense(1, input_dim=2, activation="sigmoid")])
    assert len(model) == 1 and model.num_parameters() == 3


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_module_takes_pytorchs_approximate_and_matches_it(approximate):
    import torch

    x = np.linspace(-4, 4, 17)
    ours = nn.GELU(approximate)(leaf(x))
    theirs = torch.nn.GELU(approximate)(torch.from_numpy(x)).numpy()
    assert_allclose(ours.data, theirs, rtol=1e-12, atol=1e-15)
    assert repr(nn.GELU(approximate)) == f"GELU(approximate={approximate!r})"
    with pytest.raises(ValueError, match="GELU: invalid approximate 'erf'"):
        nn.GELU("erf")
