"""scaled_dot_product_attention, MultiheadAttention and TransformerEncoderLayer against PyTorch, in
float64 to 1e-10: forward values and every gradient (inputs and parameters), with bool and float
masks, key padding, causal masks, batch_first both ways, kdim/vdim, need_weights and averaging, and
the encoder layer in eval mode with PyTorch's weights (norm_first both ways, relu and gelu); the
state_dict keys, PyTorch's initialisation, and the errors."""

import math

import numpy as np
import pytest
import torch
from helpers import backward_both, copy_from_torch, host, pair
from helpers import close as _close

import autograd_lite as ag
from autograd_lite import ShapeError, Tensor, nn
from autograd_lite.nn import functional as F


def close(ours, theirs):
    """As helpers.close, NaN equal to NaN: masked-out queries are NaN in both libraries."""
    _close(ours, theirs, equal_nan=True)


def torch_mask(mask):
    return None if mask is None else torch.from_numpy(np.array(mask))


# ---- scaled_dot_product_attention ---------------------------------------------------------------------


@pytest.mark.parametrize("mask_kind", ["none", "bool", "float", "causal", "fully masked"])
@pytest.mark.parametrize("shapes", [((2, 4, 3), (2, 5, 3), (2, 5, 2)),
                                    ((2, 3, 4, 3), (2, 3, 6, 3), (2, 3, 6, 4)), ((3, 2), (3, 2), (3, 5))])
@pytest.mark.parametrize("scale", [None, 0.3])
def test_sdpa_matches_torch(mask_kind, shapes, scale):
    rng = np.random.default_rng(0)
    (q, tq), (k, tk), (v, tv) = (pair(rng.normal(size=shape)) for shape in shapes)
    length, source = shapes[0][-2], shapes[1][-2]
    kwargs = {"scale": scale}
    if mask_kind == "bool":
        kwargs["attn_mask"] = rng.random((length, source)) < 0.7
        kwargs["attn_mask"][:, 0] = True
    elif mask_kind == "float":
        kwargs["attn_mask"] = rng.normal(size=(length, source))
    elif mask_kind == "fully masked":   # zero output and gradient where a query sees no key, as PyTorch's
        kwargs["attn_mask"] = np.ones((length, source), dtype=bool)
        kwargs["attn_mask"][0] = False
    elif mask_kind == "causal":
        kwargs["is_causal"] = True
    out = F.scaled_dot_product_attention(q, k, v, **kwargs)
    if "attn_mask" in kwargs:
        kwargs["attn_mask"] = torch_mask(kwargs["attn_mask"])
    tout = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, **kwargs)
    close(out, tout)
    backward_both(out, tout, rng)
    for ours, theirs in ((q, tq), (k, tk), (v, tv)):
        close(ours.grad, theirs.grad)


def test_sdpa_with_grouped_query_attention_and_a_differentiable_float_mask():
    rng = np.random.default_rng(1)
    (q, tq), (k, tk), (v, tv) = (pair(rng.normal(size=shape)) for shape in ((2, 4, 3, 2), (2, 2, 5, 2),
                                                                             (2, 2, 5, 3)))
    mask, tmask = pair(rng.normal(size=(3, 5)))
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=True)
    tout = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, attn_mask=tmask, enable_gqa=True)
    close(out, tout)
    backward_both(out, tout, rng)
    for ours, theirs in ((q, tq), (k, tk), (v, tv), (mask, tmask)):
        close(ours.grad, theirs.grad)


def test_sdpa_dropout_drops_attention_weights_with_the_package_generator():
    rng = np.random.default_rng(2)
    q, k, v = (rng.normal(size=(2, 4, 3)) for _ in range(3))
    ag.manual_seed(7)
    out = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    ag.manual_seed(7)
    weights = F.dropout(F.softmax(q @ k.swapaxes(-2, -1) / math.sqrt(3), axis=-1), p=0.5)
    np.testing.assert_allclose(out, weights @ v, rtol=1e-13)


def test_sdpa_errors():
    q, k, v = np.ones((2, 3, 4)), np.ones((2, 5, 4)), np.ones((2, 5, 2))
    with pytest.raises(ShapeError, match=r"scaled_dot_product_attention: query \(2, 3, 4\), key "
                                         r"\(2, 5, 3\) and value \(2, 5, 2\) must be"):
        F.scaled_dot_product_attention(q, np.ones((2, 5, 3)), v)
    with pytest.raises(ShapeError, match=r"scaled_dot_product_attention: attn_mask has shape \(3, 4\), but "
                                         r"it must broadcast to the attention scores' shape \(2, 3, 5\)"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=np.ones((3, 4), dtype=bool))
    with pytest.raises(ValueError, match="attn_mask must be None when is_causal=True"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=np.ones((3, 5), dtype=bool), is_causal=True)
    with pytest.raises(ShapeError, match=r"the 2 key/value heads \(axis -3 of \(1, 2, 5, 4\)\) must divide "
                                         r"the 3 query heads"):
        F.scaled_dot_product_attention(np.ones((1, 3, 3, 4)), np.ones((1, 2, 5, 4)), np.ones((1, 2, 5, 4)),
                                       enable_gqa=True)
    with pytest.raises(ShapeError, match=r"query has shape \(4,\)"):
        F.scaled_dot_product_attention(np.ones(4), k, v)


# ---- MultiheadAttention ---------------------------------------------------------------------------------


def masks(kind, rng, n, heads, length, source):
    """attn_mask and key_padding_mask of one kind, with no query left without keys."""
    if kind == "bool attn_mask":
        mask = rng.random((length, source)) < 0.4
        mask[:, 0] = False
        return {"attn_mask": mask}
    if kind == "float attn_mask":
        return {"attn_mask": rng.normal(size=(length, source))}
    if kind == "3-D attn_mask":
        mask = rng.random((n * heads, length, source)) < 0.4
        mask[..., 0] = False
        return {"attn_mask": mask}
    padding = rng.random((n, source)) < 0.4
    padding[:, 0] = False
    if kind == "bool key_padding_mask":
        return {"key_padding_mask": padding}
    if kind == "float key_padding_mask":
        return {"key_padding_mask": np.where(padding, -1e9, 0.0) + rng.normal(size=(n, source))}
    if kind == "both":
        return {"key_padding_mask": padding, "attn_mask": np.triu(np.ones((length, source), dtype=bool), 1)}
    if kind == "causal":
        return {"attn_mask": np.triu(np.ones((length, source), dtype=bool), 1), "is_causal": True}
    return {}


MASK_KINDS = ["none", "bool attn_mask", "float attn_mask", "3-D attn_mask", "bool key_padding_mask",
              "float key_padding_mask", "both", "causal"]


@pytest.mark.parametrize("mask_kind", MASK_KINDS)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("weights", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("dims", [(None, None), (3, 5)])
def test_multihead_attention_matches_torch(mask_kind, batch_first, weights, dims):
    rng = np.random.default_rng(3)
    embed, heads, n, length, source = 4, 2, 3, 4, 5
    need_weights, average = weights
    kdim, vdim = dims
    torch_layer = torch.nn.MultiheadAttention(embed, heads, batch_first=batch_first, kdim=kdim,
                                              vdim=vdim).double()
    with torch.no_grad():
        for parameter in torch_layer.parameters():
            parameter.copy_(torch.from_numpy(rng.normal(size=parameter.shape)))
    layer = nn.MultiheadAttention(embed, heads, batch_first=batch_first, kdim=kdim, vdim=vdim)
    assert list(layer.state_dict()) == list(torch_layer.state_dict())
    copy_from_torch(layer, torch_layer)
    layout = (lambda s, e: (n, s, e)) if batch_first else (lambda s, e: (s, n, e))
    (q, tq), (k, tk), (v, tv) = (pair(rng.normal(size=layout(s, e))) for s, e in
                                 ((length, embed), (source, kdim or embed), (source, vdim or embed)))
    kwargs = masks(mask_kind, rng, n, heads, length, source)
    out, w = layer(q, k, v, need_weights=need_weights, average_attn_weights=average, **kwargs)
    tkwargs = {name: torch_mask(value) if isinstance(value, np.ndarray) else value
               for name, value in kwargs.items()}
    tout, tw = torch_layer(tq, tk, tv, need_weights=need_weights, average_attn_weights=average, **tkwargs)
    close(out, tout)
    if need_weights:
        close(w, tw)
    else:
        assert w is None and tw is None
    backward_both(out, tout, rng)
    for ours, theirs in ((q, tq), (k, tk), (v, tv)):
        close(ours.grad, theirs.grad)
    for (name, parameter), (torch_name, theirs) in zip(layer.named_parameters(),
                                                       torch_layer.named_parameters()):
        assert name == torch_name
        close(parameter.grad, theirs.grad)


@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_attention_self_attention_unbatched_and_without_bias(need_weights):
    rng = np.random.default_rng(4)
    torch_layer = torch.nn.MultiheadAttention(6, 3, bias=False).double()
    layer = nn.MultiheadAttention(6, 3, bias=False)
    expected = ["in_proj_weight", "out_proj.weight"]
    assert list(layer.state_dict()) == list(torch_layer.state_dict()) == expected
    copy_from_torch(layer, torch_layer)
    x, tx = pair(rng.normal(size=(4, 6)))
    mask = rng.normal(size=(3, 4, 4))
    out, w = layer(x, x, x, attn_mask=mask, need_weights=need_weights, average_attn_weights=False)
    tout, tw = torch_layer(tx, tx, tx, attn_mask=torch_mask(mask), need_weights=need_weights,
                           average_attn_weights=False)
    close(out, tout)
    if need_weights:
        assert w.shape == (3, 4, 4)
        close(w, tw)
    backward_both(out, tout, rng)
    close(x.grad, tx.grad)
    close(layer.in_proj_weight.grad, torch_layer.in_proj_weight.grad)


@pytest.mark.filterwarnings("ignore:invalid value encountered")
@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_attention_with_a_query_that_sees_no_key_is_torchs(need_weights):
    """NaN with need_weights (PyTorch's softmax), zeros without (its scaled_dot_product_attention)."""
    rng = np.random.default_rng(5)
    torch_layer = torch.nn.MultiheadAttention(4, 2, batch_first=True).double()
    layer = nn.MultiheadAttention(4, 2, batch_first=True)
    copy_from_torch(layer, torch_layer)
    x = rng.normal(size=(2, 3, 4))
    padding = np.zeros((2, 3), dtype=bool)
    padding[1] = True
    out, _ = layer(x, x, x, key_padding_mask=padding, need_weights=need_weights)
    tout, _ = torch_layer(*(torch.from_numpy(x),) * 3, key_padding_mask=torch_mask(padding),
                          need_weights=need_weights)
    close(out, tout)


def test_multihead_attention_initialisation_is_torchs():
    nn.manual_seed(0)
    layer = nn.MultiheadAttention(64, 4)
    bound = math.sqrt(6 / (64 + 3 * 64))
    assert 0.9 * bound < np.abs(layer.in_proj_weight.data).max() <= bound
    np.testing.assert_array_equal(layer.in_proj_bias.data, 0.0)
    np.testing.assert_array_equal(layer.out_proj.bias.data, 0.0)
    assert 0.9 / 8 < np.abs(layer.out_proj.weight.data).max() <= 1 / 8   # a Linear's: U(±1/√64)
    separate = nn.MultiheadAttention(8, 2, kdim=4, vdim=6)
    assert [name for name, _ in separate.named_parameters()] == [
        name for name, _ in torch.nn.MultiheadAttention(8, 2, kdim=4, vdim=6).named_parameters()]
    assert np.abs(separate.k_proj_weight.data).max() <= math.sqrt(6 / (8 + 4))


def test_multihead_attention_dropout_only_while_training():
    rng = np.random.default_rng(6)
    layer = nn.MultiheadAttention(4, 2, dropout=0.5)
    x = rng.normal(size=(3, 2, 4))
    _, weights = layer(x, x, x, average_attn_weights=False)
    assert (host(weights) == 0).any()
    layer.eval()
    _, weights = layer(x, x, x, average_attn_weights=False)
    np.testing.assert_allclose(host(weights).sum(axis=-1), 1.0)


def test_multihead_attention_errors():
    with pytest.raises(ValueError, match="MultiheadAttention: embed_dim 6 must be divisible by num_heads 4"):
        nn.MultiheadAttention(6, 4)
    layer = nn.MultiheadAttention(4, 2)
    x = np.ones((3, 2, 4))
    with pytest.raises(ShapeError, match=r"MultiheadAttention: query of shape \(3, 2, 5\) has 5 features, "
                                         r"but the layer has embed_dim=4"):
        layer(np.ones((3, 2, 5)), x, x)
    with pytest.raises(ShapeError, match=r"MultiheadAttention: attn_mask has shape \(3, 4\), but it must "
                                         r"be \(L, S\) = \(3, 3\) or \(N·num_heads, L, S\) = \(4, 3, 3\)"):
        layer(x, x, x, attn_mask=np.ones((3, 4), dtype=bool))
    with pytest.raises(ShapeError, match=r"key_padding_mask has shape \(3, 2\), but it must be \(N, S\) = "
                                         r"\(2, 3\)"):
        layer(x, x, x, key_padding_mask=np.ones((3, 2), dtype=bool))
    with pytest.raises(ValueError, match="is_causal=True is a hint that attn_mask is the causal mask"):
        layer(x, x, x, is_causal=True)
    with pytest.raises(ShapeError, match="must all be 3-D"):
        layer(x, np.ones((3, 4)), x)
    with pytest.raises(TypeError, match="key_padding_mask must hold bools or floats, not int64"):
        layer(x, x, x, key_padding_mask=np.ones((2, 3), dtype=np.int64))


# ---- TransformerEncoderLayer ------------------------------------------------------------------------


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("mask_kind", ["none", "src_mask", "padding", "causal"])
def test_transformer_encoder_layer_matches_torch_in_eval(norm_first, activation, batch_first, mask_kind):
    rng = np.random.default_rng(7)
    d_model, n, length = 8, 2, 5
    options = {"dim_feedforward": 16, "activation": activation, "batch_first": batch_first,
               "norm_first": norm_first, "layer_norm_eps": 1e-4}
    torch_layer = torch.nn.TransformerEncoderLayer(d_model, 2, **options).double().eval()
    with torch.no_grad():
        for parameter in torch_layer.parameters():
            parameter.copy_(torch.from_numpy(rng.normal(scale=0.5, size=parameter.shape)))
    layer = nn.TransformerEncoderLayer(d_model, 2, **options).eval()
    assert list(layer.state_dict()) == list(torch_layer.state_dict())
    copy_from_torch(layer, torch_layer)
    x, tx = pair(rng.normal(size=(n, length, d_model) if batch_first else (length, n, d_model)))
    kwargs = {}
    if mask_kind == "src_mask":
        kwargs["src_mask"] = rng.normal(size=(length, length))
    elif mask_kind == "padding":
        kwargs["src_key_padding_mask"] = np.array([[False] * 5, [False, False, False, True, True]])
    elif mask_kind == "causal":
        kwargs = {"src_mask": np.triu(np.full((length, length), -np.inf), 1), "is_causal": True}
    out = layer(x, **kwargs)
    tout = torch_layer(tx, **{name: torch_mask(value) if isinstance(value, np.ndarray) else value
                              for name, value in kwargs.items()})
    close(out, tout)
    backward_both(out, tout, rng)
    close(x.grad, tx.grad)
    for (name, parameter), (torch_name, theirs) in zip(layer.named_parameters(),
                                                       torch_layer.named_parameters()):
        assert name == torch_name
        close(parameter.grad, theirs.grad)


def test_transformer_encoder_layer_trains_with_dropout_and_has_torchs_submodules():
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)
    assert [name for name, _ in layer.named_children()] == [
        name for name, _ in torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16).named_children()
        if name != "activation"]
    x = Tensor(np.random.default_rng(8).normal(size=(5, 2, 8)), requires_grad=True)
    layer(x).sum().backward()
    assert x.grad.shape == (5, 2, 8) and layer.linear1.weight.grad is not None
    with pytest.raises(ValueError, match="TransformerEncoderLayer: invalid activation 'tanh'"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")
