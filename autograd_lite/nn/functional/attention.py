"""Attention as a function of tensors: ``scaled_dot_product_attention``.

Attention lets each of L queries read a weighted average of S values, weighted by how well the query
matches each value's key: ``softmax(q·kᵀ·scale + mask)·v``. It is a composite of matmul, softmax and
where, so its gradient (and second order) is theirs. The layers built on it,
:class:`~autograd_lite.nn.MultiheadAttention` and :class:`~autograd_lite.nn.TransformerEncoderLayer`,
are in :mod:`autograd_lite.nn.layers.attention`. The examples assume ``import numpy as np`` and
``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import math

from ... import _checks, backend
from ...engine import ShapeError, data_of
from ...ops import add, multiply, where
from ...reductions import softmax
from ...shape_ops import broadcast_to, expand_dims, reshape, swapaxes
from ...tensor_ops import matmul
from ...typing import Data, Operand
from .._targets import _float_type, _shape
from .embedding import dropout

__all__ = ["scaled_dot_product_attention"]

_host = backend.host_namespace  # NumPy, for shape arithmetic only


def scaled_dot_product_attention(query: Operand, key: Operand, value: Operand,
                                 attn_mask: Operand | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Operand:
    """Composite (no VJP of its own): softmax(query·keyᵀ·scale + mask)·value, PyTorch's
    ``F.scaled_dot_product_attention``.

    ``query`` is (..., L, E), ``key`` (..., S, E) and ``value`` (..., S, Ev); the result is
    (..., L, Ev), the leading axes broadcast as in ``matmul``. ``scale`` is 1/√E unless given.
    ``attn_mask`` broadcasts to (..., L, S): a bool mask keeps the scores where it is True (the others
    become −∞), a float mask is added to them. ``is_causal=True`` keeps query i to keys j ≤ i (no
    ``attn_mask`` then). A query whose every key is masked gets a zero output (and zero gradient), as
    PyTorch's. ``enable_gqa=True`` allows fewer key/value heads (axis −3) than query heads: each is
    shared by ``query heads / key heads`` consecutive query heads. ``dropout_p`` > 0 drops attention
    weights with :func:`~autograd_lite.nn.functional.dropout` (always, as PyTorch's: pass 0.0 when
    evaluating).

    The gradient is that of the ops it is made of: matmul, softmax (∂L/∂s = w·(g − Σ g·w)) and, for
    masks, where (zero at the masked scores).

    >>> q = k = Tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> v = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> scaled_dot_product_attention(q, k, v, is_causal=True)
    Tensor([[1.       , 2.       ],
            [2.3395231, 3.3395231]])
    """
    op = "scaled_dot_product_attention"
    q_shape, k_shape, v_shape = _shape(query), _shape(key), _shape(value)
    for name, shape in (("query", q_shape), ("key", k_shape), ("value", v_shape)):
        if len(shape) < 2:
            raise ShapeError(f"{op}: {name} has shape {shape}; it must have at least 2 axes (..., sequence, "
                             f"features)")
    if k_shape[-1] != q_shape[-1] or v_shape[-2] != k_shape[-2]:
        raise ShapeError(f"{op}: query {q_shape}, key {k_shape} and value {v_shape} must be (..., L, E), "
                         f"(..., S, E) and (..., S, Ev): the query's and key's features, and the key's and "
                         f"value's sequence lengths, must agree")
    is_causal = _checks.boolean(is_causal, "is_causal", op)
    enable_gqa = _checks.boolean(enable_gqa, "enable_gqa", op)
    dropout_p = _checks.real(dropout_p, "dropout_p", op, minimum=0.0, maximum=1.0)
    scale = 1.0 / math.sqrt(q_shape[-1]) if scale is None else _checks.real(scale, "scale", op)
    if enable_gqa:
        key, value = _shared_heads(op, key, q_shape, k_shape), _shared_heads(op, value, q_shape, v_shape)
        k_shape = _shape(key)
    length, source = q_shape[-2], k_shape[-2]
    mask = None
    if is_causal:
        if attn_mask is not None:
            raise ValueError(f"{op}: attn_mask must be None when is_causal=True (the causal mask is made "
                             f"here)")
        xp = backend.namespace(data_of(query))
        device = backend.device_of(data_of(query))
        mask = xp.arange(length, device=device)[:, None] >= xp.arange(source, device=device)[None, :]
    elif attn_mask is not None:
        mask = attn_mask
    try:
        scores_shape = tuple(_host.broadcast_shapes(q_shape[:-2], k_shape[:-2])) + (length, source)
    except ValueError:
        raise ShapeError(f"{op}: the leading axes of query {q_shape} and key {k_shape} do not "
                         f"broadcast") from None
    if mask is not None:
        _check_mask(op, "attn_mask", mask, scores_shape)
    weights = _attention_weights(query, key, mask, scale, safe=True)
    if dropout_p > 0.0:
        weights = dropout(weights, p=dropout_p, training=True)
    return matmul(weights, value)


def _shared_heads(op: str, x: Operand, q_shape: tuple[int, ...], shape: tuple[int, ...]) -> Operand:
    """Key or value heads (axis −3) each repeated for the consecutive query heads that share it."""
    if len(q_shape) < 3 or len(shape) < 3:
        raise ShapeError(f"{op}: enable_gqa=True needs heads on axis -3, but query has shape {q_shape} and "
                         f"key or value {shape}")
    heads, shared = q_shape[-3], shape[-3]
    if heads % shared:
        raise ShapeError(f"{op}: with enable_gqa=True the {shared} key/value heads (axis -3 of {shape}) must "
                         f"divide the {heads} query heads (axis -3 of {q_shape})")
    if heads == shared:
        return x
    copies = heads // shared
    spread = broadcast_to(expand_dims(x, axis=len(shape) - 2),
                          shape=shape[:-2] + (copies,) + shape[-2:])
    return reshape(spread, shape=shape[:-3] + (heads,) + shape[-2:])


def _check_mask(op: str, name: str, mask: Operand, scores_shape: tuple[int, ...]) -> None:
    """Raise a ShapeError unless ``mask`` broadcasts to the scores' shape (..., L, S)."""
    shape = _shape(mask)
    try:
        fits = tuple(_host.broadcast_shapes(shape, scores_shape)) == scores_shape
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(f"{op}: {name} has shape {shape}, but it must broadcast to the attention scores' "
                         f"shape {scores_shape} (..., L, S)")


def _is_bool(mask: Operand) -> bool:
    return backend.dtype_kind(data_of(mask).dtype) == "b"


def _attention_weights(query: Operand, key: Operand, mask: Operand | None, scale: float,
                       safe: bool) -> Operand:
    """softmax(query·keyᵀ·scale + mask) over the keys, for a bool mask (True: keep) or a float one
    (added). ``safe``: rows whose every score is −∞ give zero weights, not NaN (PyTorch's
    scaled_dot_product_attention; its MultiheadAttention with need_weights=True gives NaN)."""
    scores = multiply(matmul(query, swapaxes(key, -2, -1)), scale)
    if mask is None:
        return softmax(scores, axis=-1)
    scores = where(mask, scores, -math.inf) if _is_bool(mask) else add(scores, mask)
    data = data_of(scores)
    xp = backend.namespace(data)
    dead = xp.all(data == -math.inf, axis=-1, keepdims=True)
    if not safe or not bool(xp.any(dead)):
        return softmax(scores, axis=-1)
    weights = softmax(where(dead, 0.0, scores), axis=-1)
    return where(dead, 0.0, weights)


def _additive_mask(mask: Data, like: Data) -> Data:
    """A bool mask (True: masked out, as MultiheadAttention's) as a float one: −∞ there, 0 elsewhere,
    in ``like``'s float dtype; a float mask as it is."""
    if backend.dtype_kind(mask.dtype) != "b":
        return mask
    xp, device = backend.namespace(mask), backend.device_of(mask)
    dtype = _float_type(xp, like)
    return xp.where(mask, xp.asarray(-math.inf, dtype=dtype, device=device),
                    xp.asarray(0.0, dtype=dtype, device=device))
