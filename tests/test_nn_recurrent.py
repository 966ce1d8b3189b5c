"""RNN, LSTM, GRU and their cells against PyTorch's, in float64 to 1e-10: PyTorch's weights loaded
through its state_dict, the forward's output and final states, and the gradients of every parameter,
of the input and of the initial states, from one random upstream gradient at every output; across
the layers' options (nonlinearity, num_layers, bidirectional, batch_first, hx given or not,
unbatched input). Then PyTorch's names, initialisation and errors.
"""

import itertools

import numpy as np
import pytest
import torch

import autograd_lite as ag
from autograd_lite import ShapeError, Tensor, nn
from autograd_lite.nn import functional as F
from autograd_lite.testing import gradcheck, gradgradcheck

TOLERANCE = {"rtol": 1e-10, "atol": 1e-10}
INPUT, HIDDEN, LENGTH, BATCH = 3, 4, 5, 2


def torch_layer(kind, **options):
    """PyTorch's layer in float64, and ours with its weights loaded from PyTorch's state_dict."""
    torch.manual_seed(0)
    theirs = getattr(torch.nn, kind)(INPUT, HIDDEN, **options).double()
    ours = getattr(nn, kind)(INPUT, HIDDEN, **options)
    ours.load_state_dict({name: value.detach().numpy() for name, value in theirs.state_dict().items()})
    return theirs, ours


def compare(theirs, ours, x, states, call):
    """Run both on ``x`` and ``states`` (arrays), backpropagate one random gradient at every result,
    and compare the results and the gradients of the parameters, of x and of the states."""
    rng = np.random.default_rng(1)
    t_x, t_states = torch.tensor(x, requires_grad=True), [torch.tensor(s, requires_grad=True) for s in states]
    o_x, o_states = Tensor(x, requires_grad=True), [Tensor(s, requires_grad=True) for s in states]
    t_results, o_results = call(theirs, t_x, t_states), call(ours, o_x, o_states)
    assert len(t_results) == len(o_results)
    t_loss = o_loss = 0
    for t_result, o_result in zip(t_results, o_results):
        assert o_result.shape == tuple(t_result.shape)
        np.testing.assert_allclose(o_result.data, t_result.detach().numpy(), **TOLERANCE)
        upstream = rng.normal(size=o_result.shape)
        t_loss = t_loss + (t_result * torch.tensor(upstream)).sum()
        o_loss = o_loss + (o_result * upstream).sum()
    t_loss.backward()
    o_loss.backward()
    np.testing.assert_allclose(o_x.grad, t_x.grad.numpy(), **TOLERANCE)
    for o_state, t_state in zip(o_states, t_states):
        np.testing.assert_allclose(o_state.grad, t_state.grad.numpy(), **TOLERANCE)
    t_parameters = dict(theirs.named_parameters())
    assert [name for name, _ in ours.named_parameters()] == list(t_parameters)
    for name, parameter in ours.named_parameters():
        np.testing.assert_allclose(parameter.grad, t_parameters[name].grad.numpy(), **TOLERANCE, err_msg=name)


def layer_call(kind, with_hx):
    def call(layer, x, states):
        if not with_hx:
            output, final = layer(x)
        elif kind == "LSTM":
            output, final = layer(x, tuple(states))
        else:
            output, final = layer(x, states[0])
        return [output, *final] if kind == "LSTM" else [output, final]
    return call


LAYERS = [("RNN", {"nonlinearity": "tanh"}), ("RNN", {"nonlinearity": "relu"}), ("LSTM", {}), ("GRU", {})]


@pytest.mark.parametrize("kind, extra", LAYERS, ids=["rnn_tanh", "rnn_relu", "lstm", "gru"])
@pytest.mark.parametrize("num_layers, bidirectional, batch_first, with_hx, batched",
                         [options for options in itertools.product([1, 2], [False, True], [False, True],
                                                                   [False, True], [True, False])
                          if options[-1] or not options[2]])   # batch_first means nothing unbatched
def test_layer_matches_pytorch(kind, extra, num_layers, bidirectional, batch_first, with_hx, batched):
    theirs, ours = torch_layer(kind, num_layers=num_layers, bidirectional=bidirectional,
                               batch_first=batch_first, **extra)
    rng = np.random.default_rng(0)
    directions = 2 if bidirectional else 1
    if batched:
        x = rng.normal(size=(BATCH, LENGTH, INPUT) if batch_first else (LENGTH, BATCH, INPUT))
        state_shape = (num_layers * directions, BATCH, HIDDEN)
    else:
        x, state_shape = rng.normal(size=(LENGTH, INPUT)), (num_layers * directions, HIDDEN)
    states = [rng.normal(size=state_shape) for _ in range(2 if kind == "LSTM" else 1)] if with_hx else []
    compare(theirs, ours, x, states, layer_call(kind, with_hx))


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_layer_without_bias_matches_pytorch(kind):
    theirs, ours = torch_layer(kind, bias=False, num_layers=2)
    assert [name for name, _ in ours.named_parameters()] == ["weight_ih_l0", "weight_hh_l0", "weight_ih_l1",
                                                           "weight_hh_l1"]
    compare(theirs, ours, np.random.default_rng(0).normal(size=(LENGTH, BATCH, INPUT)), [],
            layer_call(kind, False))


def test_state_dict_keys_and_order_are_pytorchs():
    theirs, ours = torch_layer("LSTM", num_layers=2, bidirectional=True)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for name, value in ours.state_dict().items():
        assert value.shape == tuple(theirs.state_dict()[name].shape)


@pytest.mark.parametrize("kind, gates", [("RNN", 1), ("LSTM", 4), ("GRU", 3)])
def test_initialisation_is_uniform_within_one_over_root_hidden_and_seeded(kind, gates):
    ag.manual_seed(0)
    layer = getattr(nn, kind)(10, 25, num_layers=2, bidirectional=True)
    bound = 1 / np.sqrt(25)
    shapes = {"weight_ih_l0": (gates * 25, 10), "weight_hh_l0": (gates * 25, 25),
              "weight_ih_l1_reverse": (gates * 25, 50), "bias_hh_l1_reverse": (gates * 25,)}
    for name, parameter in layer.named_parameters():
        assert np.all(np.abs(parameter.data) <= bound), name
        if name in shapes:
            assert parameter.shape == shapes[name]
    values = np.concatenate([p.data.ravel() for p in layer.parameters()])
    assert abs(values.mean()) < 0.01 and abs(values.std() - bound / np.sqrt(3)) < 0.01   # U(−b, b)
    ag.manual_seed(0)
    again = getattr(nn, kind)(10, 25, num_layers=2, bidirectional=True)
    assert all(np.array_equal(a.data, b.data) for a, b in zip(layer.parameters(), again.parameters()))


def test_dropout_between_layers_in_training_only():
    torch.manual_seed(0)
    layer = nn.LSTM(INPUT, HIDDEN, num_layers=2, dropout=0.5)
    x = np.random.default_rng(0).normal(size=(LENGTH, BATCH, INPUT))
    ag.manual_seed(0)
    first, _ = layer(x)
    ag.manual_seed(1)
    second, _ = layer(x)
    assert not np.allclose(first.data, second.data)   # another mask
    layer.eval()
    evaluated, _ = layer(x)
    theirs = torch.nn.LSTM(INPUT, HIDDEN, num_layers=2, dropout=0.5).double().eval()
    theirs.load_state_dict({name: torch.tensor(value) for name, value in layer.state_dict().items()})
    np.testing.assert_allclose(evaluated.data, theirs(torch.tensor(x))[0].detach().numpy(), **TOLERANCE)


# ---- cells --------------------------------------------------------------------------------------------


CELLS = [("RNNCell", {"nonlinearity": "tanh"}), ("RNNCell", {"nonlinearity": "relu"}), ("LSTMCell", {}),
         ("GRUCell", {})]


@pytest.mark.parametrize("kind, extra", CELLS, ids=["rnn_tanh", "rnn_relu", "lstm", "gru"])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_hx", [True, False])
@pytest.mark.parametrize("bias", [True, False])
def test_cell_matches_pytorch(kind, extra, batched, with_hx, bias):
    torch.manual_seed(0)
    theirs = getattr(torch.nn, kind)(INPUT, HIDDEN, bias=bias, **extra).double()
    ours = getattr(nn, kind)(INPUT, HIDDEN, bias=bias, **extra)
    ours.load_state_dict({name: value.detach().numpy() for name, value in theirs.state_dict().items()})
    rng = np.random.default_rng(0)
    batch = (BATCH,) if batched else ()
    x = rng.normal(size=batch + (INPUT,))
    count = (2 if kind == "LSTMCell" else 1) if with_hx else 0
    states = [rng.normal(size=batch + (HIDDEN,)) for _ in range(count)]

    def call(cell, x, states):
        if kind == "LSTMCell":
            return list(cell(x, tuple(states)) if with_hx else cell(x))
        return [cell(x, states[0]) if with_hx else cell(x)]

    compare(theirs, ours, x, states, call)


@pytest.mark.parametrize("name", ["rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell"])
def test_cell_functions_match_pytorch_and_pass_gradcheck_to_second_order(name):
    gates = {"lstm_cell": 4, "gru_cell": 3}.get(name, 1)
    rng = np.random.default_rng(0)
    shapes = [(BATCH, INPUT), (BATCH, HIDDEN)] + [(BATCH, HIDDEN)] * (name == "lstm_cell") + \
        [(gates * HIDDEN, INPUT), (gates * HIDDEN, HIDDEN), (gates * HIDDEN,), (gates * HIDDEN,)]
    arrays = [rng.normal(size=shape) for shape in shapes]
    tensors = [torch.tensor(a) for a in arrays]
    if name == "lstm_cell":
        ours = ag.concatenate(F.lstm_cell(*arrays), axis=-1)
        theirs = torch.cat(torch.lstm_cell(tensors[0], tensors[1:3], *tensors[3:]), -1)
        function = lambda *a: ag.concatenate(F.lstm_cell(*a), axis=-1)  # noqa: E731
    else:
        function = getattr(F, name)
        ours, theirs = function(*arrays), getattr(torch, name)(*tensors)
    np.testing.assert_allclose(ours, theirs.numpy(), **TOLERANCE)
    assert gradcheck(function, *arrays) and gradgradcheck(function, *arrays)


def test_a_layer_is_its_cell_at_each_step():
    ag.manual_seed(0)
    layer, cell = nn.LSTM(INPUT, HIDDEN), nn.LSTMCell(INPUT, HIDDEN)
    cell.load_state_dict({name[:-3]: value for name, value in layer.state_dict().items()})
    x = np.random.default_rng(0).normal(size=(LENGTH, BATCH, INPUT))
    output, (h_n, c_n) = layer(x)
    h = c = np.zeros((BATCH, HIDDEN))
    for t in range(LENGTH):
        h, c = cell(x[t], (h, c))
        np.testing.assert_allclose(output.data[t], h.data, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(c_n.data[0], c.data, rtol=1e-12, atol=1e-14)


def test_layer_has_second_derivatives():
    ag.manual_seed(0)
    layer = nn.LSTM(2, 3, num_layers=2, bidirectional=True)
    x = np.random.default_rng(0).normal(size=(3, 2, 2))

    def loss(x):
        output, (h_n, c_n) = layer(x)
        return (output * output).sum() + (c_n * h_n).sum()

    assert gradgradcheck(loss, x)


def test_float32_stays_float32():
    layer = nn.LSTM(INPUT, HIDDEN)
    for parameter in layer.parameters():
        parameter.data = parameter.data.astype(np.float32)
    output, (h_n, c_n) = layer(np.ones((LENGTH, BATCH, INPUT), np.float32))
    output.sum().backward()
    assert output.dtype == h_n.dtype == c_n.dtype == layer.weight_hh_l0.grad.dtype == np.float32


# ---- arguments and errors ------------------------------------------------------------------------------


def test_repr_is_pytorchs():
    assert repr(nn.LSTM(10, 20, num_layers=2, batch_first=True)) == repr(
        torch.nn.LSTM(10, 20, num_layers=2, batch_first=True))
    assert repr(nn.RNN(3, 4, nonlinearity="relu", bidirectional=True)) == repr(
        torch.nn.RNN(3, 4, nonlinearity="relu", bidirectional=True))
    assert repr(nn.GRUCell(3, 4, bias=False)) == repr(torch.nn.GRUCell(3, 4, bias=False))
    assert repr(nn.RNNCell(3, 4, bias=False, nonlinearity="relu")) == repr(
        torch.nn.RNNCell(3, 4, bias=False, nonlinearity="relu"))
    assert repr(nn.LSTM(3, 4, num_layers=2, bias=False, dropout=0.5)) == repr(
        torch.nn.LSTM(3, 4, num_layers=2, bias=False, dropout=0.5))


@pytest.mark.parametrize("make, error, words", [
    (lambda: nn.RNN(3, 4, nonlinearity="sigmoid"), ValueError, "RNN: invalid nonlinearity 'sigmoid'"),
    (lambda: nn.RNNCell(3, 4, nonlinearity="gelu"), ValueError, "RNNCell: invalid nonlinearity"),
    (lambda: nn.LSTM(3, 4, num_layers=0), ValueError, "LSTM: invalid num_layers 0"),
    (lambda: nn.GRU(3, 4, dropout=1.5), ValueError, "GRU: invalid dropout 1.5"),
    (lambda: nn.GRU(3, 4, dropout=-0.1), ValueError, "GRU: invalid dropout -0.1"),
    (lambda: nn.LSTM(3, 0), ValueError, "LSTM: invalid hidden_size 0"),
    (lambda: nn.LSTM(3, 4, bidirectional=1), TypeError, "LSTM: invalid bidirectional 1"),
    (lambda: nn.LSTM(3, 4, proj_size=2), NotImplementedError, "proj_size=2"),
])
def test_bad_arguments_raise_naming_the_layer_and_argument(make, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(")):
        make()


@pytest.mark.parametrize("call, words", [
    (lambda: nn.LSTM(3, 4)(np.ones((5, 2, 7))),
     r"LSTM: input of shape \(5, 2, 7\) has 7 features .* input_size=3"),
    (lambda: nn.GRU(3, 4)(np.ones((5, 2, 3, 1))), r"GRU: input must be 3-D .* got shape \(5, 2, 3, 1\)"),
    (lambda: nn.RNN(3, 4)(np.ones((0, 2, 3))), r"RNN: input of shape \(0, 2, 3\) has an empty sequence"),
    (lambda: nn.LSTM(3, 4, num_layers=2)(np.ones((5, 2, 3)), (np.zeros((1, 2, 4)), np.zeros((2, 2, 4)))),
     r"LSTM: h_0 must have shape \(2, 2, 4\) .* got \(1, 2, 4\)"),
    (lambda: nn.LSTM(3, 4)(np.ones((5, 2, 3)), (np.zeros((1, 2, 4)), np.zeros((1, 3, 4)))),
     r"LSTM: c_0 must have shape \(1, 2, 4\)"),
    (lambda: nn.GRU(3, 4, bidirectional=True)(np.ones((5, 3)), np.zeros((2, 1, 4))),
     r"GRU: hx must have shape \(2, 4\) = \(num_layers·num_directions, hidden_size\) for unbatched"),
    (lambda: nn.LSTMCell(3, 4)(np.ones((2, 5))), r"LSTMCell: input must have shape \(batch, 3\)"),
    (lambda: nn.GRUCell(3, 4)(np.ones((2, 3)), np.zeros((3, 4))), r"GRUCell: hx must have shape \(2, 4\)"),
    (lambda: F.lstm_cell(np.ones((2, 3)), np.zeros((2, 4)), np.zeros((2, 4)), np.ones((12, 3)),
                         np.ones((16, 4))),
     r"lstm_cell: w_ih must have shape \(4·hidden_size, input_size\) = \(16, 3\); got input \(2, 3\)"),
    (lambda: F.gru_cell(np.ones((2, 3)), np.zeros((2, 4)), np.ones((12, 3)), np.ones((12, 5))),
     r"gru_cell: w_hh must have shape \(3·hidden_size, hidden_size\)"),
    (lambda: F.rnn_tanh_cell(np.ones((2, 3)), np.zeros((2, 4)), np.ones((4, 3)), np.ones((4, 4)), np.ones(3)),
     r"rnn_tanh_cell: b_ih must have shape \(4,\)"),
])
def test_bad_shapes_raise_naming_the_op_argument_and_shapes(call, words):
    with pytest.raises(ShapeError, match=words):
        call()


def test_lstm_hx_must_be_a_pair():
    with pytest.raises(TypeError, match=r"LSTM: invalid hx, a ndarray of shape \(1, 2, 4\); it must be a "
                                        r"tuple \(h_0, c_0\)"):
        nn.LSTM(3, 4)(np.ones((5, 2, 3)), np.zeros((1, 2, 4)))
    with pytest.raises(TypeError, match=r"LSTMCell: invalid hx, a list; it must be a tuple \(h, c\)"):
        nn.LSTMCell(3, 4)(np.ones((2, 3)), [np.zeros((2, 4))])
