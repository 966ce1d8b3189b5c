"""Attention layers: ``MultiheadAttention`` and ``TransformerEncoderLayer`` built from it.

Both have PyTorch's constructor arguments, parameter names and layouts, so a PyTorch ``state_dict``
loads: ``in_proj_weight`` (3·E, E) stacks the query, key and value projections (or
``q_proj_weight``, ``k_proj_weight``, ``v_proj_weight`` when keys and values have other sizes),
``out_proj`` is a :class:`~autograd_lite.nn.Linear`. The attention itself is
:func:`~autograd_lite.nn.functional.scaled_dot_product_attention`'s, per head.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ... import backend
from ..._checks import boolean, integer, invalid, real
from ...engine import ShapeError, data_of
from ...ops import add
from ...reductions import mean
from ...shape_ops import expand_dims, reshape, swapaxes
from ...tensor import Tensor
from ...tensor_ops import getitem, matmul
from ...typing import Operand
from .. import functional as F
from .. import init
from .._targets import _shape
from ..functional.attention import _additive_mask, _attention_weights
from ..module import Module, Parameter
from .core import Dropout, Linear
from .normalization import LayerNorm

__all__ = ["MultiheadAttention", "TransformerEncoderLayer"]

_host = backend.host_namespace  # initial values are made on the host, as Linear's


class MultiheadAttention(Module):
    """Multi-head attention, PyTorch's ``nn.MultiheadAttention``: the query, key and value are each
    projected to ``embed_dim`` features, split into ``num_heads`` heads of ``embed_dim / num_heads``,
    attended per head (softmax(q·kᵀ/√head_dim + mask)·v), joined and projected by ``out_proj``.

    Inputs are (L, N, E) (sequence first, PyTorch's default) or (N, L, E) with ``batch_first=True``,
    or unbatched (L, E); keys and values have S positions and ``kdim``/``vdim`` features (``embed_dim``
    unless given). ``forward`` returns ``(output, weights)``: the output in the query's layout and,
    with ``need_weights=True``, the attention weights (N, L, S), averaged over the heads, or
    (N, num_heads, L, S) with ``average_attn_weights=False``; else ``None``.

    Masks, as PyTorch's: ``key_padding_mask`` (N, S) marks keys to ignore (True: ignored) or is added
    (float); ``attn_mask`` is (L, S) or (N·num_heads, L, S), True where attention is *not* allowed,
    or a float mask added to the scores. ``is_causal=True`` is a hint that ``attn_mask`` is the
    causal mask, which must then be given. ``dropout`` drops attention weights while training.
    Initialisation is PyTorch's: Xavier-uniform projections, zero biases, ``out_proj.weight`` as a
    Linear's.

    >>> from autograd_lite import nn
    >>> attention = nn.MultiheadAttention(4, 2, batch_first=True)
    >>> x = np.random.randn(3, 5, 4)
    >>> output, weights = attention(x, x, x)
    >>> output.shape, weights.shape
    ((3, 5, 4), (3, 5, 5))
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 batch_first: bool = False, kdim: int | None = None, vdim: int | None = None) -> None:
        where = "MultiheadAttention"
        embed_dim = integer(embed_dim, "embed_dim", where, minimum=1)
        num_heads = integer(num_heads, "num_heads", where, minimum=1)
        if embed_dim % num_heads:
            raise ValueError(f"{where}: embed_dim {embed_dim} must be divisible by num_heads {num_heads}")
        dropout = real(dropout, "dropout", where, minimum=0.0, maximum=1.0)
        bias, batch_first = boolean(bias, "bias", where), boolean(batch_first, "batch_first", where)
        kdim = embed_dim if kdim is None else integer(kdim, "kdim", where, minimum=1)
        vdim = embed_dim if vdim is None else integer(vdim, "vdim", where, minimum=1)
        super().__init__()
        self.embed_dim, self.num_heads, self.dropout = embed_dim, num_heads, dropout
        self.batch_first, self.kdim, self.vdim = batch_first, kdim, vdim
        self.head_dim = embed_dim // num_heads
        self._qkv_same_embed_dim = kdim == embed_dim and vdim == embed_dim
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(_host.zeros((3 * embed_dim, embed_dim)))
            self.q_proj_weight = self.k_proj_weight = self.v_proj_weight = None
        else:
            self.in_proj_weight = None
            self.q_proj_weight = Parameter(_host.zeros((embed_dim, embed_dim)))
            self.k_proj_weight = Parameter(_host.zeros((embed_dim, kdim)))
            self.v_proj_weight = Parameter(_host.zeros((embed_dim, vdim)))
        self.in_proj_bias = Parameter(_host.zeros(3 * embed_dim)) if bias else None
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias)
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """PyTorch's initialisation: Xavier-uniform projections, zero biases (out_proj's weight is a
        Linear's)."""
        for weight in (self.in_proj_weight, self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
            if weight is not None:
                init.xavier_uniform_(weight)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)

    def forward(self, query: Operand, key: Operand, value: Operand,
                key_padding_mask: Operand | None = None, need_weights: bool = True,
                attn_mask: Operand | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        where = "MultiheadAttention"
        need_weights = boolean(need_weights, "need_weights", where)
        average_attn_weights = boolean(average_attn_weights, "average_attn_weights", where)
        if boolean(is_causal, "is_causal", where) and attn_mask is None:
            raise ValueError(f"{where}: is_causal=True is a hint that attn_mask is the causal mask, so "
                             f"attn_mask must be given (e.g. True above the diagonal of an (L, L) array)")
        shapes = _shape(query), _shape(key), _shape(value)
        batched = len(shapes[0]) == 3
        if len(shapes[0]) not in (2, 3) or any(len(shape) != len(shapes[0]) for shape in shapes):
            raise ShapeError(f"{where}: query, key and value must all be 3-D (batched) or all 2-D "
                             f"(unbatched), but they have shapes {shapes[0]}, {shapes[1]} and {shapes[2]}")
        same = query is key and key is value
        if not batched:
            query, key, value = (expand_dims(x, axis=0) for x in (query, key, value))
        elif not self.batch_first:
            query, key, value = (swapaxes(x, 0, 1) for x in (query, key, value))
        (n, length, _), (_, source, _) = _shape(query), _shape(key)
        self._check_sizes(_shape(query), _shape(key), _shape(value), shapes)
        q, k, v = self._project(query, key, value, same)
        mask = self._mask(attn_mask, key_padding_mask, n, length, source, batched, data_of(q))
        weights = _attention_weights(q, k, mask, 1.0 / math.sqrt(self.head_dim), safe=not need_weights)
        if self.training and self.dropout > 0.0:
            weights = F.dropout(weights, p=self.dropout, training=True)
        heads = swapaxes(matmul(weights, v), 1, 2)   # (N, L, heads, head_dim)
        output = self.out_proj(reshape(heads, shape=(n, length, self.embed_dim)))
        if not batched:
            output = reshape(output, shape=(length, self.embed_dim))
        elif not self.batch_first:
            output = swapaxes(output, 0, 1)
        if not need_weights:
            return output, None
        if average_attn_weights:
            weights = mean(weights, axis=1)
        return output, (weights if batched else getitem(weights, 0))

    def _check_sizes(self, q_shape: tuple[int, ...], k_shape: tuple[int, ...], v_shape: tuple[int, ...],
                     given: tuple[tuple[int, ...], ...]) -> None:
        """Raise a ShapeError unless the (N, L, E) query, key and value fit the layer and each other."""
        where = "MultiheadAttention"
        sizes = (("query", q_shape, self.embed_dim, "embed_dim"), ("key", k_shape, self.kdim, "kdim"),
                 ("value", v_shape, self.vdim, "vdim"))
        for (name, shape, size, argument), shape_given in zip(sizes, given):
            if shape[-1] != size:
                raise ShapeError(f"{where}: {name} of shape {shape_given} has {shape[-1]} features, but the "
                                 f"layer has {argument}={size}")
        if k_shape[:2] != v_shape[:2] or q_shape[0] != k_shape[0]:
            raise ShapeError(f"{where}: query {given[0]}, key {given[1]} and value {given[2]} must have one "
                             f"batch size, and key and value one sequence length")

    def _project(self, query: Operand, key: Operand, value: Operand,
                 same: bool) -> tuple[Operand, Operand, Operand]:
        """q, k, v projected and split into heads: (N, heads, L or S, head_dim)."""
        e, bias = self.embed_dim, self.in_proj_bias
        if self._qkv_same_embed_dim and same:   # self-attention: one product for all three
            packed = F.linear(query, self.in_proj_weight, bias) if bias is not None else \
                F.linear(query, self.in_proj_weight)
            parts = [getitem(packed, (Ellipsis, slice(i * e, (i + 1) * e))) for i in range(3)]
        else:
            if self._qkv_same_embed_dim:
                weights = [getitem(self.in_proj_weight, slice(i * e, (i + 1) * e)) for i in range(3)]
            else:
                weights = [self.q_proj_weight, self.k_proj_weight, self.v_proj_weight]
            biases = [None] * 3 if bias is None else \
                [getitem(bias, slice(i * e, (i + 1) * e)) for i in range(3)]
            parts = [F.linear(x, w) if b is None else F.linear(x, w, b)
                     for x, w, b in zip((query, key, value), weights, biases)]
        n = _shape(query)[0]
        return tuple(swapaxes(reshape(x, shape=(n, _shape(x)[1], self.num_heads, self.head_dim)), 1, 2)
                     for x in parts)

    def _mask(self, attn_mask: Operand | None, key_padding_mask: Operand | None, n: int, length: int,
              source: int, batched: bool, like: Any) -> Operand | None:
        """The additive mask (−∞ where attention is not allowed) that broadcasts to the scores
        (N, heads, L, S), from ``attn_mask`` and ``key_padding_mask`` as PyTorch reads them."""
        where, heads = "MultiheadAttention", self.num_heads
        mask = None
        if attn_mask is not None:
            shape = _shape(attn_mask)
            batch = n * heads if batched else heads
            if shape not in ((length, source), (batch, length, source)):
                raise ShapeError(f"{where}: attn_mask has shape {shape}, but it must be (L, S) = "
                                 f"{(length, source)} or (N·num_heads, L, S) = {(batch, length, source)}")
            mask = _mask_operand(where, "attn_mask", attn_mask, like)
            if len(shape) == 3:
                mask = reshape(mask, shape=(n, heads, length, source))
        if key_padding_mask is not None:
            shape, expected = _shape(key_padding_mask), ((n, source) if batched else (source,))
            if shape != expected:
                raise ShapeError(f"{where}: key_padding_mask has shape {shape}, but it must be "
                                 f"{'(N, S)' if batched else '(S,)'} = {expected}")
            padding = reshape(_mask_operand(where, "key_padding_mask", key_padding_mask, like),
                              shape=(n, 1, 1, source))
            mask = padding if mask is None else add(mask, padding)
        return mask

    def extra_repr(self) -> str:
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, dropout={self.dropout}, " \
               f"batch_first={self.batch_first}"


def _mask_operand(where: str, name: str, mask: Operand, like: Any) -> Operand:
    """A bool mask (True: masked out) as an additive float array; a float mask as it is."""
    kind = backend.dtype_kind(data_of(mask).dtype)
    if kind not in "bf":
        raise TypeError(f"{where}: {name} must hold bools or floats, not "
                        f"{backend.dtype_name(data_of(mask).dtype)}")
    return _additive_mask(data_of(mask), like) if kind == "b" else mask


class TransformerEncoderLayer(Module):
    """One encoder block of a transformer, PyTorch's ``nn.TransformerEncoderLayer``: self-attention
    then a feed-forward network (``linear1``, the activation, ``linear2``), each added to its input
    (a residual connection) and layer-normalised — after the addition (``norm_first=False``, the
    original transformer's) or before the block (``norm_first=True``).

    ``activation`` is ``"relu"``, ``"gelu"`` or a function; the submodules are PyTorch's (``self_attn``,
    ``linear1``, ``dropout``, ``linear2``, ``norm1``, ``norm2``, ``dropout1``, ``dropout2``), so its
    ``state_dict`` loads. ``forward(src, src_mask, src_key_padding_mask, is_causal)`` takes the masks
    of :class:`MultiheadAttention` (``attn_mask`` and ``key_padding_mask``).

    >>> from autograd_lite import nn
    >>> layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True).eval()
    >>> layer(np.random.randn(3, 5, 8)).shape
    (3, 5, 8)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Operand], Operand] = "relu", layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True) -> None:
        where = "TransformerEncoderLayer"
        dim_feedforward = integer(dim_feedforward, "dim_feedforward", where, minimum=1)
        if activation in ("relu", "gelu"):
            function = F.relu if activation == "relu" else F.gelu
        elif callable(activation) and not isinstance(activation, str):
            function = activation
        else:
            raise ValueError(invalid(where, "activation", activation, "'relu', 'gelu' or a function"))
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias)
        self.norm_first = boolean(norm_first, "norm_first", where)
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = function

    def forward(self, src: Operand, src_mask: Operand | None = None,
                src_key_padding_mask: Operand | None = None, is_causal: bool = False) -> Tensor:
        x = src
        if self.norm_first:
            x = add(x, self._self_attention(self.norm1(x), src_mask, src_key_padding_mask, is_causal))
            return x + self._feed_forward(self.norm2(x))
        x = self.norm1(add(x, self._self_attention(x, src_mask, src_key_padding_mask, is_causal)))
        return self.norm2(x + self._feed_forward(x))

    def _self_attention(self, x: Operand, mask: Operand | None, padding: Operand | None,
                        is_causal: bool) -> Operand:
        out, _ = self.self_attn(x, x, x, attn_mask=mask, key_padding_mask=padding, need_weights=False,
                                is_causal=is_causal)
        return self.dropout1(out)

    def _feed_forward(self, x: Operand) -> Operand:
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))
