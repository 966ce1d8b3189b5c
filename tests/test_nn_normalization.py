"""batch_norm, layer_norm, group_norm and their layers against PyTorch, in float64 to 1e-10: forward
values, every gradient, BatchNorm's running statistics over several training steps and then in
evaluation (momentum None, track_running_stats False, affine False), state_dicts both ways, and the
errors (each naming the op, the argument and the shapes; a call that raises changes nothing)."""

import array_api_strict
import numpy as np
import pytest
import torch
from helpers import backward_both, close, copy_from_torch, host, pair

import autograd_lite as ag
from autograd_lite import ShapeError, Tensor, nn
from autograd_lite.nn import functional as F
from autograd_lite.testing import gradcheck, gradgradcheck

# ---- batch_norm ------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(4, 3), (4, 3, 5), (2, 3, 4, 5)])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_matches_torch_forward_gradients_and_running_stats(shape, training, affine):
    rng = np.random.default_rng(0)
    x, tx = pair(rng.normal(2.0, 3.0, size=shape))
    w, tw = pair(rng.normal(size=shape[1]))
    b, tb = pair(rng.normal(size=shape[1]))
    mean, var = rng.normal(size=shape[1]), rng.uniform(0.5, 2.0, size=shape[1])
    tmean, tvar = torch.tensor(mean), torch.tensor(var)
    args, targs = ((w, b), (tw, tb)) if affine else ((None, None), (None, None))
    out = F.batch_norm(x, mean, var, *args, training=training, momentum=0.3, eps=1e-3)
    tout = torch.nn.functional.batch_norm(tx, tmean, tvar, *targs, training=training, momentum=0.3, eps=1e-3)
    close(out, tout)
    close(mean, tmean)   # updated in place in training, as PyTorch's
    close(var, tvar)
    backward_both(out, tout, rng)
    close(x.grad, tx.grad)
    if affine:
        close(w.grad, tw.grad)
        close(b.grad, tb.grad)


def test_batch_norm_updates_tensor_running_stats_outside_the_graph():
    rng = np.random.default_rng(1)
    x = Tensor(rng.normal(size=(5, 2)), requires_grad=True)
    mean, var = Tensor(np.zeros(2)), Tensor(np.ones(2))
    out = F.batch_norm(x, mean, var, training=True)
    expected_mean = 0.1 * x.data.mean(axis=0)
    expected_var = 0.9 + 0.1 * x.data.var(axis=0, ddof=1)
    np.testing.assert_allclose(mean.data, expected_mean, rtol=1e-14)
    np.testing.assert_allclose(var.data, expected_var, rtol=1e-14)
    assert not mean.requires_grad and mean.is_leaf
    assert all(node is not mean and node is not var for node in ag.engine.walk(out))


def test_batch_norm_without_running_stats_uses_the_batch_and_gradchecks():
    rng = np.random.default_rng(2)
    x, w, b = rng.normal(size=(3, 2, 2)), rng.normal(size=2), rng.normal(size=2)
    expected = torch.nn.functional.batch_norm(torch.tensor(x), None, None, torch.tensor(w), torch.tensor(b),
                                              training=True)
    close(F.batch_norm(x, None, None, w, b, training=True), expected)
    function = lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True, eps=1e-5)  # noqa: E731
    assert gradcheck(function, x, w, b)
    assert gradgradcheck(function, x, w, b)


def test_normalization_runs_on_array_api_strict():
    rng = np.random.default_rng(3)
    xp = array_api_strict
    x = Tensor(xp.asarray(rng.normal(size=(4, 2, 3))), requires_grad=True)
    mean, var = xp.zeros(2, dtype=xp.float64), xp.ones(2, dtype=xp.float64)
    out = F.batch_norm(x, mean, var, training=True)
    out.sum().backward()
    assert isinstance(mean, type(xp.asarray(0.0)))
    tmean, tvar = torch.zeros(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)
    tout = torch.nn.functional.batch_norm(torch.tensor(host(x)), tmean, tvar, training=True)
    close(out, tout)
    close(mean, tmean)
    close(var, tvar)
    close(F.group_norm(x, 2), torch.nn.functional.group_norm(torch.tensor(host(x)), 2))
    close(F.layer_norm(x, (2, 3)), torch.nn.functional.layer_norm(torch.tensor(host(x)), (2, 3)))


# ---- BatchNorm1d and BatchNorm2d ---------------------------------------------------------------------


LAYERS = [(nn.BatchNorm1d, torch.nn.BatchNorm1d, (6, 3)), (nn.BatchNorm1d, torch.nn.BatchNorm1d, (4, 3, 5)),
          (nn.BatchNorm2d, torch.nn.BatchNorm2d, (2, 3, 4, 5))]


@pytest.mark.parametrize("ours, theirs, shape", LAYERS)
@pytest.mark.parametrize("options", [{}, {"momentum": None}, {"momentum": 0.5, "eps": 1e-3},
                                     {"track_running_stats": False}, {"affine": False}, {"bias": False},
                                     {"momentum": None, "track_running_stats": False}])
def test_batchnorm_layers_match_torch_over_training_steps_then_in_eval(ours, theirs, shape, options):
    rng = np.random.default_rng(4)
    torch_layer = theirs(3, **options).double()
    with torch.no_grad():
        for parameter in torch_layer.parameters():
            parameter.copy_(torch.from_numpy(rng.normal(size=3)))
    layer = ours(3, **options)
    copy_from_torch(layer, torch_layer)
    for step in range(4):
        for mode in ("train", "eval") if step == 3 else ("train",):
            getattr(layer, mode)()
            getattr(torch_layer, mode)()
            x, tx = pair(rng.normal(1.0, 2.0, size=shape))
            out, tout = layer(x), torch_layer(tx)
            close(out, tout)
            backward_both(out, tout, rng)
            close(x.grad, tx.grad)
            for (_, parameter), (_, theirs) in zip(layer.named_parameters(), torch_layer.named_parameters()):
                close(parameter.grad, theirs.grad)
            layer.zero_grad()
            torch_layer.zero_grad()
            torch_state = torch_layer.state_dict()
            state = layer.state_dict()
            assert list(state) == list(torch_state)
            for name, value in torch_state.items():
                close(state[name], value)
                assert host(state[name]).dtype == value.numpy().dtype, name


def test_batchnorm_buffers_are_pytorchs_and_not_parameters():
    layer, torch_layer = nn.BatchNorm2d(4), torch.nn.BatchNorm2d(4)
    assert [name for name, _ in layer.named_buffers()] == [name for name, _ in torch_layer.named_buffers()]
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    assert layer.num_batches_tracked.dtype == np.int64 and layer.num_batches_tracked.shape == ()
    assert not layer.running_mean.requires_grad
    untracked = nn.BatchNorm1d(4, track_running_stats=False)
    assert untracked.running_mean is None and untracked.num_batches_tracked is None
    torch_untracked = torch.nn.BatchNorm1d(4, track_running_stats=False)
    assert list(untracked.state_dict()) == list(torch_untracked.state_dict())
    assert repr(layer) == repr(torch_layer)


def test_a_torch_state_dict_loads_and_ours_loads_into_torch():
    rng = np.random.default_rng(5)
    torch_layer = torch.nn.BatchNorm1d(3).double()
    for _ in range(3):
        torch_layer(torch.from_numpy(rng.normal(size=(8, 3))))
    layer = nn.BatchNorm1d(3)
    copy_from_torch(layer, torch_layer)
    assert int(layer.num_batches_tracked.data) == 3
    layer.eval(), torch_layer.eval()
    x = rng.normal(size=(5, 3))
    close(layer(x), torch_layer(torch.from_numpy(x)))
    back = torch.nn.BatchNorm1d(3).double()
    back.load_state_dict({name: torch.from_numpy(np.array(host(value)))
                          for name, value in layer.state_dict().items()})
    assert int(back.num_batches_tracked) == 3
    close(layer.running_var, back.running_var)


def test_the_layers_running_stats_stay_leaves_outside_the_graph_and_update_under_no_grad():
    layer = nn.BatchNorm1d(2)
    buffers = list(layer.buffers())
    x = Tensor(np.array([[1.0, 2.0], [3.0, 5.0]]), requires_grad=True)
    out = layer(x)
    assert all(now is before for now, before in zip(layer.buffers(), buffers))   # updated in place
    assert all(buffer.is_leaf and not buffer.requires_grad for buffer in layer.buffers())
    graph = {id(node) for node in ag.engine.walk(out)}
    assert not any(id(buffer) in graph for buffer in layer.buffers())
    with ag.no_grad():
        layer(x)
    assert int(layer.num_batches_tracked.data) == 2
    np.testing.assert_allclose(layer.running_mean.data, [0.38, 0.665])


def test_reset_running_stats():
    layer = nn.BatchNorm1d(2)
    layer(np.array([[1.0, 2.0], [3.0, 5.0]]))
    layer.reset_running_stats()
    np.testing.assert_array_equal(layer.running_mean.data, [0.0, 0.0])
    np.testing.assert_array_equal(layer.running_var.data, [1.0, 1.0])
    assert int(layer.num_batches_tracked.data) == 0


def test_batchnorm_buffers_move_with_the_layer():
    device = array_api_strict.Device("device1")
    layer = nn.BatchNorm1d(2).to(device)
    x = array_api_strict.asarray(np.array([[1.0, 2.0], [3.0, 5.0]]), device=device)
    layer(x)
    assert layer.running_mean.device == device and layer.num_batches_tracked.device == device
    np.testing.assert_allclose(host(layer.running_mean), [0.2, 0.35])
    assert int(host(layer.num_batches_tracked)) == 1


# ---- LayerNorm and GroupNorm ------------------------------------------------------------------------


@pytest.mark.parametrize("shape, normalized_shape", [((4, 5), 5), ((2, 3, 4), (4,)), ((2, 3, 4), (3, 4))])
@pytest.mark.parametrize("options", [{}, {"eps": 1e-3}, {"elementwise_affine": False}, {"bias": False}])
def test_layernorm_matches_torch(shape, normalized_shape, options):
    rng = np.random.default_rng(6)
    torch_layer = torch.nn.LayerNorm(normalized_shape, **options).double()
    with torch.no_grad():
        for parameter in torch_layer.parameters():
            parameter.copy_(torch.from_numpy(rng.normal(size=parameter.shape)))
    layer = nn.LayerNorm(normalized_shape, **options)
    copy_from_torch(layer, torch_layer)
    assert list(layer.state_dict()) == list(torch_layer.state_dict())
    x, tx = pair(rng.normal(size=shape))
    out, tout = layer(x), torch_layer(tx)
    close(out, tout)
    backward_both(out, tout, rng)
    close(x.grad, tx.grad)
    for (_, parameter), (_, theirs) in zip(layer.named_parameters(), torch_layer.named_parameters()):
        close(parameter.grad, theirs.grad)
    assert repr(layer) == repr(torch_layer)


@pytest.mark.parametrize("shape, groups", [((2, 4), 2), ((2, 6, 5), 3), ((2, 4, 3, 3), 1), ((1, 4, 2, 2), 4)])
@pytest.mark.parametrize("options", [{}, {"affine": False}, {"bias": False}])
def test_groupnorm_matches_torch(shape, groups, options):
    rng = np.random.default_rng(7)
    torch_layer = torch.nn.GroupNorm(groups, shape[1], eps=1e-4, **options).double()
    with torch.no_grad():
        for parameter in torch_layer.parameters():
            parameter.copy_(torch.from_numpy(rng.normal(size=parameter.shape)))
    layer = nn.GroupNorm(groups, shape[1], eps=1e-4, **options)
    copy_from_torch(layer, torch_layer)
    x, tx = pair(rng.normal(size=shape))
    out, tout = layer(x), torch_layer(tx)
    close(out, tout)
    backward_both(out, tout, rng)
    close(x.grad, tx.grad)
    for (_, parameter), (_, theirs) in zip(layer.named_parameters(), torch_layer.named_parameters()):
        close(parameter.grad, theirs.grad)
    assert repr(layer) == repr(torch_layer)


def test_layer_and_group_norm_second_order():
    rng = np.random.default_rng(8)
    x, w, b = rng.normal(size=(2, 4, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    assert gradgradcheck(lambda x, w, b: F.layer_norm(x, (4, 3), w, b), x, w, b)
    w, b = rng.normal(size=4), rng.normal(size=4)
    assert gradgradcheck(lambda x, w, b: F.group_norm(x, 2, w, b), x, w, b)


# ---- errors -----------------------------------------------------------------------------------------


def test_batchnorm_errors_name_the_layer_and_shapes_and_change_nothing():
    layer = nn.BatchNorm1d(3)
    with pytest.raises(ShapeError, match=r"BatchNorm1d: the input of shape \(2, 4\) has 4 channels .*"
                                         r"num_features=3"):
        layer(np.ones((2, 4)))
    with pytest.raises(ShapeError, match=r"BatchNorm1d: expected a 2-D \(N, C\) or 3-D \(N, C, L\) input, "
                                         r"but it has shape \(2, 3, 4, 5\)"):
        layer(np.ones((2, 3, 4, 5)))
    with pytest.raises(ShapeError, match=r"BatchNorm2d: expected a 4-D"):
        nn.BatchNorm2d(3)(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match=r"BatchNorm1d: expected more than 1 value per channel when "
                                         r"training, but the input has shape \(1, 3\)"):
        layer(np.ones((1, 3)))
    assert int(layer.num_batches_tracked.data) == 0
    np.testing.assert_array_equal(layer.running_mean.data, np.zeros(3))
    np.testing.assert_array_equal(layer.running_var.data, np.ones(3))
    layer.eval()(np.ones((1, 3)))   # one sample is fine in evaluation
    with pytest.raises(ValueError, match="BatchNorm1d: invalid num_features 0"):
        nn.BatchNorm1d(0)


def test_batch_norm_errors():
    x = np.ones((2, 3, 4))
    with pytest.raises(ShapeError, match=r"batch_norm: running_mean has shape \(4,\), but the input of "
                                         r"shape \(2, 3, 4\) has 3 channels \(axis 1\), so it must have "
                                         r"shape \(3,\)"):
        F.batch_norm(x, np.zeros(4), np.ones(4))
    with pytest.raises(ShapeError, match=r"batch_norm: weight has shape \(2,\)"):
        F.batch_norm(x, None, None, np.ones(2), training=True)
    with pytest.raises(ShapeError, match=r"batch_norm: the input has shape \(3,\)"):
        F.batch_norm(np.ones(3), None, None, training=True)
    with pytest.raises(ValueError, match="batch_norm: running_mean and running_var must be given in "
                                         "evaluation"):
        F.batch_norm(x, None, None)
    with pytest.raises(ValueError, match="batch_norm: running_mean and running_var must be given together"):
        F.batch_norm(x, np.zeros(3), None, training=True)
    mean = np.zeros(3)
    with pytest.raises(ValueError, match="batch_norm: invalid eps -1.0"):
        F.batch_norm(x, mean, np.ones(3), training=True, eps=-1.0)
    np.testing.assert_array_equal(mean, np.zeros(3))


def test_layer_and_group_norm_errors():
    with pytest.raises(ShapeError, match=r"layer_norm: normalized_shape \(3,\) must be the trailing axes "
                                         r"of the input, but the input has shape \(2, 4\)"):
        F.layer_norm(np.ones((2, 4)), 3)
    with pytest.raises(ShapeError, match=r"layer_norm: weight has shape \(3,\), but it must have "
                                         r"normalized_shape \(4,\)"):
        F.layer_norm(np.ones((2, 4)), 4, np.ones(3))
    with pytest.raises(TypeError, match="LayerNorm: invalid normalized_shape 'a'"):
        nn.LayerNorm("a")
    with pytest.raises(ShapeError, match=r"group_norm: num_groups 4 must divide the 6 channels \(axis 1\) "
                                         r"of the input of shape \(2, 6\)"):
        F.group_norm(np.ones((2, 6)), 4)
    with pytest.raises(ValueError, match="GroupNorm: num_groups 4 must divide num_channels 6"):
        nn.GroupNorm(4, 6)
    with pytest.raises(ShapeError, match=r"GroupNorm: the input of shape \(2, 4\) has 4 channels"):
        nn.GroupNorm(2, 6)(np.ones((2, 4)))
