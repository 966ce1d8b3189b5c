"""Embeddings, one-hot, dropout and the small layers (Identity, Flatten, Unflatten, Dropout,
Embedding) against PyTorch in float64: forward values and every gradient to 1e-10, second order
through PyTorch's double backward, dropout's mask statistics and its exact scaling, and the errors."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import autograd_lite as ag
from autograd_lite import ShapeError, Tensor, backend, gradients, nn
from autograd_lite.nn import functional as F
from autograd_lite.testing import gradgradcheck

torch = pytest.importorskip("torch")

TOL = {"rtol": 1e-10, "atol": 1e-10}


def torch_of(array, requires_grad=False):
    return torch.tensor(np.asarray(array), requires_grad=requires_grad)


# ---- embedding -----------------------------------------------------------------------------------

INDICES = {
    "repeats": np.array([1, 3, 1, 0, 3, 3]),
    "matrix": np.array([[0, 2, 4], [4, 4, 1]]),
    "scalar": np.array(2),
    "int32": np.array([[4, 0], [0, 1]], dtype=np.int32),
}


@pytest.mark.parametrize("scale_grad_by_freq", [False, True])
@pytest.mark.parametrize("padding_idx", [None, 0, 3, -1])
@pytest.mark.parametrize("name", sorted(INDICES))
def test_embedding_forward_gradient_and_second_order_match_torch(name, padding_idx, scale_grad_by_freq):
    rng = np.random.default_rng(0)
    indices, weight = INDICES[name], rng.normal(size=(5, 3))
    r, v = rng.normal(size=indices.shape + (3,)), rng.normal(size=(5, 3))
    options = {"padding_idx": padding_idx, "scale_grad_by_freq": scale_grad_by_freq}

    w = Tensor(weight, requires_grad=True)
    out = F.embedding(indices, w, **options)
    (first,) = gradients((out ** 3 * r).sum(), [w], create_graph=True)
    (second,) = gradients((first * v).sum(), [w])

    tw = torch_of(weight, requires_grad=True)
    theirs = torch.nn.functional.embedding(torch_of(indices).long(), tw, **options)
    (t_first,) = torch.autograd.grad((theirs ** 3 * torch_of(r)).sum(), [tw], create_graph=True)
    (t_second,) = torch.autograd.grad((t_first * torch_of(v)).sum(), [tw])

    assert out.shape == tuple(theirs.shape) and out.op == "embedding"
    assert_allclose(out.data, theirs.detach().numpy(), **TOL)
    assert_allclose(first.data, t_first.detach().numpy(), **TOL)
    assert_allclose(second, t_second.numpy(), **TOL)
    if scale_grad_by_freq:  # the second order is the derivative of the (scaled) first gradient
        assert gradgradcheck(lambda w: (F.embedding(indices, w, **options) ** 3 * r).sum(), weight)
    if padding_idx is not None:
        assert not first.data[padding_idx].any()


def test_embedding_of_no_indices_is_empty_with_a_zero_gradient():
    w = Tensor(np.ones((4, 3)), requires_grad=True)   # (PyTorch's backward fails on (0, 2) indices)
    out = F.embedding(np.zeros((0, 2), dtype=np.int64), w, padding_idx=1, scale_grad_by_freq=True)
    assert out.shape == (0, 2, 3)
    out.sum().backward()
    assert_allclose(w.grad, np.zeros((4, 3)))


def test_embedding_gradient_sums_repeated_indices_and_skips_the_padding_row():
    w = Tensor(np.arange(8.0).reshape(4, 2), requires_grad=True)
    F.embedding(np.array([[1, 1, 0], [3, 1, 0]]), w, padding_idx=0).sum().backward()
    assert_allclose(w.grad, [[0, 0], [3, 3], [0, 0], [1, 1]])
    assert_allclose(F.embedding(np.array([0]), w.data, padding_idx=0), [[0.0, 1.0]])  # still read


def test_embedding_of_plain_arrays_and_lists_is_plain_and_an_integer_tensor_is_taken_as_indices():
    weight = np.eye(3)
    assert_allclose(F.embedding([2, 0], weight), [[0, 0, 1], [1, 0, 0]])
    assert type(F.embedding(np.array([1]), weight)) is np.ndarray
    assert_allclose(F.embedding(Tensor(np.array([1])), Tensor(weight)).data, [[0, 1, 0]])


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda w: F.embedding(np.array([0.0, 1.0]), w), TypeError, "integer dtype, not float64"),
    (lambda w: F.embedding(np.array([True]), w), TypeError, "integer dtype, not bool"),
    (lambda w: F.embedding(np.array([1, 5, 7]), w), IndexError, r"in \[0, 5\) .* contains \[5, 7\]"),
    (lambda w: F.embedding(np.array([-1]), w), IndexError, r"contains \[-1\]"),
    (lambda w: F.embedding(np.array([0]), w[0]), ShapeError, r"has shape \(3,\)"),
    (lambda w: F.embedding(np.array([0]), w, padding_idx=5), ValueError, "padding_idx 5"),
    (lambda w: F.embedding(np.array([0]), w, padding_idx=-6), ValueError, "padding_idx -6"),
    (lambda w: F.embedding(np.array([0]), w, padding_idx=1.0), TypeError, "padding_idx 1.0"),
    (lambda w: F.embedding(np.array([0]), w, max_norm=1.0), NotImplementedError, "max_norm"),
    (lambda w: F.embedding(np.array([0]), w, sparse=True), NotImplementedError, "sparse"),
    (lambda w: F.embedding(np.array([0]), w, scale_grad_by_freq=1), TypeError, "scale_grad_by_freq"),
])
def test_embedding_errors_name_the_op_and_what_is_wrong(call, error, match):
    with pytest.raises(error, match=match):
        call(Tensor(np.zeros((5, 3)), requires_grad=True))


def test_embedding_on_array_api_strict_moves_numpy_indices_to_the_weights_device():
    xp = pytest.importorskip("array_api_strict")
    device = xp.Device("device1")
    w = Tensor(xp.asarray(np.arange(6.0).reshape(3, 2), device=device), requires_grad=True)
    out = F.embedding(np.array([2, 2, 1]), w, padding_idx=1)
    out.sum().backward()
    assert out.data.device == device and w.grad.device == device
    assert_allclose(backend.to_host(w.grad), [[0, 0], [0, 0], [2, 2]])


# ---- one_hot -------------------------------------------------------------------------------------


@pytest.mark.parametrize("num_classes", [-1, 6])
def test_one_hot_matches_torch(num_classes):
    labels = np.array([[0, 3], [5, 3]])
    ours = F.one_hot(labels, num_classes)
    theirs = torch.nn.functional.one_hot(torch_of(labels), num_classes).numpy()
    assert ours.dtype == np.int64
    np.testing.assert_array_equal(ours, theirs)
    assert isinstance(F.one_hot(Tensor(labels)), Tensor)
    assert F.one_hot(np.array(2), 3).tolist() == [0, 0, 1]
    assert F.one_hot(np.zeros(0, dtype=np.int64), 4).shape == (0, 4)


@pytest.mark.parametrize(("labels", "num_classes", "error", "match"), [
    (np.array([0, 3]), 3, ValueError, r"smaller than num_classes=3, but the input contains \[3\]"),
    (np.array([-1, 0]), -1, ValueError, "non-negative"),
    (np.zeros(0, dtype=np.int64), -1, ValueError, "empty"),
    (np.array([0.0, 1.0]), -1, TypeError, "integer dtype"),
    (np.array([0, 1]), -2, ValueError, "num_classes"),
])
def test_one_hot_errors(labels, num_classes, error, match):
    with pytest.raises(error, match=match):
        F.one_hot(labels, num_classes)


# ---- dropout -------------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_keeps_each_element_with_probability_1_minus_p_and_scales_the_survivors(p):
    ag.manual_seed(0)
    x = Tensor(np.full((200, 500), 3.0), requires_grad=True)
    y = F.dropout(x, p)
    kept = y.data != 0
    assert abs(kept.mean() - (1 - p)) < 4 * np.sqrt(p * (1 - p) / kept.size)
    assert_allclose(y.data[kept], 3.0 / (1 - p), rtol=1e-15)
    assert abs(y.data.mean() - 3.0) < 0.05          # the expected value is kept
    r = np.random.default_rng(1).normal(size=x.shape)
    (y * r).sum().backward()
    assert_allclose(x.grad, r * kept / (1 - p), rtol=1e-15)   # the gradient is the same mask


def test_dropout_mask_comes_from_the_package_generator_and_is_torchs_formula():
    x = np.random.default_rng(2).normal(size=(4, 5))
    ag.manual_seed(7)
    ours = F.dropout(x, 0.3)
    keep = np.random.default_rng(7).random(x.shape) >= 0.3   # ag.manual_seed(7) is default_rng(7)
    assert_allclose(ours, x * (keep / 0.7), rtol=1e-15)
    ag.manual_seed(7)
    assert_allclose(F.dropout(x, 0.3), ours, rtol=0)     # reproducible
    # PyTorch's mask differs (its own generator), but its formula is the same: x · m/(1 − p)
    t_mask = torch_of(keep.astype(np.float64)) / 0.7
    assert_allclose((torch_of(x) * t_mask).numpy(), ours, rtol=1e-15)


def test_dropout_edge_probabilities_and_eval_are_as_torchs():
    x = Tensor(np.ones((3, 4)), requires_grad=True)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    zeros = F.dropout(x, 1.0)
    assert_allclose(zeros.data, 0.0) and zeros.requires_grad
    zeros.sum().backward()
    assert_allclose(x.grad, 0.0)
    assert_allclose(torch.nn.functional.dropout(torch.ones(3, 4, dtype=torch.float64), 1.0).numpy(), 0.0)
    empty = np.zeros((0, 3))
    assert F.dropout(empty, 0.5) is empty


def test_channel_dropout_zeroes_whole_channels():
    ag.manual_seed(3)
    y = F.dropout1d(np.ones((4, 50, 6)), 0.5)
    assert ((y == 0).all(axis=-1) | (y == 2.0).all(axis=-1)).all()
    y = F.dropout2d(np.ones((4, 50, 3, 3)), 0.5)
    planes = y.reshape(4, 50, 9)
    assert ((planes == 0).all(axis=-1) | (planes == 2.0).all(axis=-1)).all()
    assert 0.3 < (planes[..., 0] == 0).mean() < 0.7
    assert F.dropout1d(np.ones((5, 6)), 0.5).shape == (5, 6)


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: F.dropout(np.ones(3), 1.5), ValueError, r"dropout: invalid p 1\.5; it must be .* in \[0, 1\]"),
    (lambda: F.dropout(np.ones(3), -0.1), ValueError, "invalid p"),
    (lambda: F.dropout(np.ones(3), "0.5"), TypeError, "invalid p"),
    (lambda: F.dropout(np.ones(3), 0.5, training=1), TypeError, "training"),
    (lambda: F.dropout(np.ones(3), 0.5, inplace=True), NotImplementedError, "inplace"),
    (lambda: F.dropout(np.arange(3), 0.5), TypeError, "floating-point dtype, not int64"),
    (lambda: F.dropout(ag.Value(1.0), 0.5), TypeError, "an array or a Tensor, not a Value"),
    (lambda: F.dropout1d(np.ones((2, 3, 4, 5))), ShapeError, r"dropout1d: .* shape \(2, 3, 4, 5\)"),
    (lambda: F.dropout2d(np.ones((2, 3, 4))), ShapeError, "for \\(N, C, L\\) use dropout1d"),
])
def test_dropout_errors_leave_the_generator_where_it_was(call, error, match):
    state = ag.random.get_rng_state()
    with pytest.raises(error, match=match):
        call()
    assert ag.random.get_rng_state() == state


# ---- layers --------------------------------------------------------------------------------------


def test_embedding_layer_init_padding_row_repr_and_state_dict_load_into_torch():
    ag.manual_seed(0)
    layer = nn.Embedding(1000, 20, padding_idx=-1)
    assert layer.padding_idx == 999 and repr(layer) == "Embedding(1000, 20, padding_idx=999)"
    w = layer.weight.data
    assert not w[999].any()
    assert abs(w[:999].mean()) < 0.01 and abs(w[:999].std() - 1.0) < 0.01     # N(0, 1), as PyTorch
    theirs = torch.nn.Embedding(1000, 20, padding_idx=999, dtype=torch.float64)
    theirs.load_state_dict({name: torch_of(array) for name, array in layer.state_dict().items()})
    indices = np.array([[3, 999], [3, 17]])
    assert_allclose(layer(indices).data, theirs(torch_of(indices)).detach().numpy(), rtol=0)
    assert repr(nn.Embedding(3, 2)) == "Embedding(3, 2)" == repr(torch.nn.Embedding(3, 2))
    assert repr(nn.Embedding(3, 2, scale_grad_by_freq=True)) == \
        repr(torch.nn.Embedding(3, 2, scale_grad_by_freq=True))


def test_embedding_layer_trains_every_row_but_the_padding_one():
    layer = nn.Embedding(4, 2, padding_idx=1, scale_grad_by_freq=True)
    theirs = torch.nn.Embedding(4, 2, padding_idx=1, scale_grad_by_freq=True, dtype=torch.float64)
    theirs.load_state_dict({"weight": torch_of(layer.weight.data)})
    indices = np.array([0, 1, 1, 3, 3, 3])
    (layer(indices) ** 2).sum().backward()
    (theirs(torch_of(indices)) ** 2).sum().backward()
    assert_allclose(layer.weight.grad, theirs.weight.grad.numpy(), **TOL)


def test_embedding_from_pretrained_copies_freezes_and_keeps_the_padding_row():
    table = np.arange(6.0).reshape(3, 2)
    layer = nn.Embedding.from_pretrained(table, padding_idx=0)
    theirs = torch.nn.Embedding.from_pretrained(torch_of(table), padding_idx=0)
    assert not layer.weight.requires_grad and not theirs.weight.requires_grad
    assert_allclose(layer(np.array([0, 2])).data, theirs(torch.tensor([0, 2])).numpy(), rtol=0)
    assert repr(layer) == repr(theirs)
    layer.weight.data[0, 0] = 100.0
    assert table[0, 0] == 0.0                       # a copy
    trained = nn.Embedding.from_pretrained(table, freeze=False)
    trained(np.array([2])).sum().backward()
    assert_allclose(trained.weight.grad, [[0, 0], [0, 0], [1, 1]])
    with pytest.raises(ShapeError, match="2-D"):
        nn.Embedding.from_pretrained(np.ones(3))


@pytest.mark.parametrize(("call", "error"), [
    (lambda: nn.Embedding(3, 2, padding_idx=3), ValueError),
    (lambda: nn.Embedding(-1, 2), ValueError),
    (lambda: nn.Embedding(3.0, 2), TypeError),
    (lambda: nn.Embedding(3, 2, max_norm=1.0), NotImplementedError),
    (lambda: nn.Embedding(3, 2, sparse=True), NotImplementedError),
    (lambda: nn.Dropout(2.0), ValueError),
    (lambda: nn.Dropout(0.5, inplace=True), NotImplementedError),
    (lambda: nn.Unflatten(1, (2, -1, -1)), ValueError),
    (lambda: nn.Unflatten(1, ()), TypeError),
    (lambda: nn.Unflatten(1, (2, 2.0)), TypeError),
    (lambda: nn.Flatten(1.0), TypeError),
])
def test_layer_constructors_check_their_arguments(call, error):
    with pytest.raises(error):
        call()


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (2, 3), (7,), ()])
@pytest.mark.parametrize(("start", "end"), [(1, -1), (0, -1), (0, 1), (-2, -1), (2, 3), (1, 1)])
def test_flatten_gives_torchs_shapes_and_errors(shape, start, end):
    x = np.random.default_rng(0).normal(size=shape)
    try:
        expected = torch.nn.Flatten(start, end)(torch_of(x)).numpy()
    except (IndexError, RuntimeError):
        with pytest.raises(ShapeError, match="Flatten"):
            nn.Flatten(start, end)(x)
        return
    t = Tensor(x, requires_grad=True)
    out = nn.Flatten(start, end)(t)
    assert out.shape == expected.shape
    assert_allclose(out.data, expected, rtol=0)
    out.sum().backward()
    assert t.grad.shape == shape


@pytest.mark.parametrize(("shape", "dim", "sizes"), [
    ((2, 12), 1, (3, 4)), ((2, 12), -1, (2, -1, 3)), ((6,), 0, (6,)), ((4, 6, 2), 1, [2, 3]),
    ((2, 12), 1, (5, 2)), ((2, 12), 2, (3, 4)), ((0, 4), 0, (0, 3)), ((2, 0), 1, (-1, 3)),
])
def test_unflatten_gives_torchs_shapes_and_errors(shape, dim, sizes):
    x = np.ones(shape)
    try:
        expected = torch.nn.Unflatten(dim, sizes)(torch_of(x)).shape
    except (IndexError, RuntimeError):
        with pytest.raises(ShapeError, match="Unflatten"):
            nn.Unflatten(dim, sizes)(x)
        return
    assert nn.Unflatten(dim, sizes)(x).shape == tuple(expected)


def test_reprs_match_torchs():
    pairs = [(nn.Flatten(), torch.nn.Flatten()), (nn.Flatten(0, 2), torch.nn.Flatten(0, 2)),
             (nn.Unflatten(1, (2, 3)), torch.nn.Unflatten(1, (2, 3))), (nn.Identity(), torch.nn.Identity()),
             (nn.Dropout(), torch.nn.Dropout()), (nn.Dropout(0.25), torch.nn.Dropout(0.25)),
             (nn.Dropout1d(0.1), torch.nn.Dropout1d(0.1)), (nn.Dropout2d(), torch.nn.Dropout2d())]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)


def test_dropout_layer_obeys_train_and_eval_and_identity_passes_anything_through():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Identity(4, bias=True), nn.Dropout(0.5))
    x = Tensor(np.ones((50, 40)), requires_grad=True)
    trained = model(x).data
    assert set(np.unique(trained)) == {0.0, 2.0}
    model.eval()
    assert model(x) is x
    model.train()
    assert (model(x).data == 0).any()
    layer = nn.Dropout2d(0.5)
    planes = layer(np.ones((2, 30, 2, 2))).reshape(2, 30, 4)
    assert ((planes == 0).all(axis=-1) | (planes == 2).all(axis=-1)).all()
    assert layer.eval()(np.ones((1, 1, 1, 1))).tolist() == [[[[1.0]]]]
