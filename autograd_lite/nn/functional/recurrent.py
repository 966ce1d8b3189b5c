"""The cells of the recurrent layers (RNN, LSTM, GRU) as functions of tensors, PyTorch's.

A cell takes one time step's input x (…, H_in) and the previous state h (…, H) — and for the LSTM
the cell state c — and gives the next state. The weights have PyTorch's layouts and gate orders:
``w_ih`` (G·H, H_in), ``w_hh`` (G·H, H), biases (G·H,), with the G gate blocks stacked as
(i, f, g, o) for the LSTM and (r, z, n) for the GRU; the layers in :mod:`autograd_lite.nn` hold
these weights and run a cell at every step.

Each cell is composed of :func:`~autograd_lite.nn.functional.linear` (the two matrix products) and,
for the LSTM and the GRU, one fused primitive for the gate math (``lstm_gates``, ``gru_gates``):
its forward computes every gate in a handful of array operations and its VJP is the closed-form
derivative, written with differentiable operations so that second derivatives work. The primitives
return the gates' activations beside the new state, so that the backward pass reads them instead of
computing them again. The examples assume ``import numpy as np`` and ``from autograd_lite import
Tensor``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ... import backend
from ...engine import ShapeError, docstring_tests, is_grad_enabled, primitive
from ...ops import relu, tanh
from ...shape_ops import reshape, transpose
from ...tensor_ops import concatenate, matmul, stack
from ...typing import Data, Operand
from .._targets import _shape
from .activations import linear

__all__ = ["gru_cell", "lstm_cell", "rnn_relu_cell", "rnn_tanh_cell"]


# ---- the fused gate math --------------------------------------------------------------------------


def _halving(xp: Any, like: Data, hidden: int) -> Data:
    """½ for the blocks i, f, o and 1 for g (4H,): gates times this, through one tanh, give tanh(g)
    and tanh(x/2) for the others, which σ(x) = ½ + ½·tanh(x/2) turns into the three sigmoids."""
    scale = xp.full((4 * hidden,), 0.5, dtype=like.dtype, device=backend.device_of(like))
    scale[2 * hidden:3 * hidden] = 1.0
    return scale


def _lstm_gate_math(xp: Any, halved: Data, c: Data) -> list[Data]:
    """The forward of :func:`_lstm_gates` on arrays of namespace ``xp``, from the gates times
    :func:`_halving`'s scale: its blocks, to be joined."""
    hidden = c.shape[-1]
    squashed = xp.tanh(halved)
    sigmoids = squashed * 0.5 + 0.5
    i, f, o = sigmoids[..., :hidden], sigmoids[..., hidden:2 * hidden], sigmoids[..., 3 * hidden:]
    g = squashed[..., 2 * hidden:3 * hidden]
    c_next = f * c + i * g
    tanh_c = xp.tanh(c_next)
    return [o * tanh_c, c_next, i, f, g, o, tanh_c]


@primitive(name="lstm_gates")
def _lstm_gates(gates: Data, c: Data) -> Data:
    """The LSTM's gate math: from the pre-activations ``gates`` = [i f g o] (…, 4H) and the cell
    state c (…, H), the blocks [h′, c′, i, f, g, o, tanh c′] (…, 7H), where i, f, o are σ of their
    blocks, g is tanh of its block, c′ = f·c + i·g and h′ = o·tanh c′.

    With the upstream gradient g = [g_h, g_c, g_i, g_f, g_g, g_o, g_t]: ∂L/∂c′ = g_c + (g_t + g_h·o)·
    (1 − tanh² c′); ∂L/∂gates = [(g_i + ∂c′·g)·i(1 − i), (g_f + ∂c′·c)·f(1 − f), (g_g + ∂c′·i)·(1 − g²),
    (g_o + g_h·tanh c′)·o(1 − o)]; ∂L/∂c = ∂c′·f (∂c′ short for ∂L/∂c′).
    """
    xp = backend.namespace(gates, c)
    return xp.concat(_lstm_gate_math(xp, gates * _halving(xp, gates, c.shape[-1]), c), axis=-1)


def _lstm_cell_grad(g_h: Operand, g_c: Operand, g_t: Operand, out: Operand, hidden: int) -> Operand:
    """∂L/∂c′ of :func:`_lstm_gates` from the gradients at h′, c′ and tanh c′: through c′ itself,
    and through h′ = o·tanh c′."""
    tanh_c = out[..., 6 * hidden:]
    return g_c + (g_t + g_h * out[..., 5 * hidden:6 * hidden]) * (1 - tanh_c * tanh_c)


def _lstm_gate_grads(g_h: Operand, g_gates: Operand, dc: Operand, out: Operand, c: Operand) -> Operand:
    """∂L/∂gates of :func:`_lstm_gates`, from the gradients at h′ and at the blocks [i f g o]
    (``g_gates``), and ∂L/∂c′ (``dc``)."""
    hidden = c.shape[-1]
    i, cell = out[..., 2 * hidden:3 * hidden], out[..., 4 * hidden:5 * hidden]
    o = out[..., 5 * hidden:6 * hidden]
    into_gates = g_gates + concatenate([dc * cell, dc * c, dc * i, g_h * out[..., 6 * hidden:]], axis=-1)
    i_f = out[..., 2 * hidden:4 * hidden]
    slopes = concatenate([i_f * (1 - i_f), 1 - cell * cell, o * (1 - o)], axis=-1)
    return into_gates * slopes


def _lstm_gates_vjp(g: Operand, out: Operand, gates: Operand, c: Operand) -> Operand:
    hidden = c.shape[-1]
    g_h = g[..., :hidden]
    dc = _lstm_cell_grad(g_h, g[..., hidden:2 * hidden], g[..., 6 * hidden:], out, hidden)
    return _lstm_gate_grads(g_h, g[..., 2 * hidden:6 * hidden], dc, out, c)


def _lstm_c_vjp(g: Operand, out: Operand, gates: Operand, c: Operand) -> Operand:
    hidden = c.shape[-1]
    dc = _lstm_cell_grad(g[..., :hidden], g[..., hidden:2 * hidden], g[..., 6 * hidden:], out, hidden)
    return dc * out[..., 3 * hidden:4 * hidden]


_lstm_gates.defvjp(_lstm_gates_vjp, _lstm_c_vjp)


# ---- a whole LSTM layer as one node -----------------------------------------------------------------


def _order(length: int, reverse: bool) -> range:
    """The time steps in the order a layer visits them."""
    return range(length - 1, -1, -1) if reverse else range(length)


@primitive(name="lstm_sequence")
def _lstm_sequence(x_gates: Data, h0: Data, c0: Data, w_hh: Data, reverse: bool = False) -> Data:
    """One LSTM layer over a whole sequence, in one node (what ``nn.LSTM`` runs in each layer and
    direction): x_gates (L, N, 4H) = x W_ihᵀ + b_ih + b_hh for every step at once, the initial
    state h0, c0 (N, H) and w_hh (4H, H); at each step (from the last backwards if ``reverse``)
    gates = x_gates[t] + h W_hhᵀ go through :func:`_lstm_gates`. Returns every step's
    [h, c, i, f, g, o, tanh c] (L, N, 7H), in time order.

    The gradient is backpropagation through time, the steps in the opposite order, each the VJP of
    :func:`_lstm_gates` with the gradients from the later step added (∂L/∂h_{t−1} = ∂L/∂gates_t·W_hh,
    ∂L/∂c_{t−1} = ∂L/∂c_t·f_t): ∂L/∂x_gates is ∂L/∂gates at every step, ∂L/∂h0 and ∂L/∂c0 those
    that reach the first step, ∂L/∂w_hh = Σ_t ∂L/∂gates_tᵀ·h_{t−1} (one matrix product for all steps).
    """
    xp = backend.namespace(x_gates, h0, c0, w_hh)
    scale = _halving(xp, x_gates, h0.shape[-1])
    x_halved, w_halved = x_gates * scale, w_hh.T * scale   # scaled once, not at every step (exact: by ½)
    h, c, outs = h0, c0, [None] * x_gates.shape[0]
    for t in _order(x_gates.shape[0], reverse):
        blocks = _lstm_gate_math(xp, x_halved[t, ...] + h @ w_halved, c)
        h, c = blocks[0], blocks[1]   # the blocks themselves: contiguous, for a faster matmul
        outs[t] = xp.concat(blocks, axis=-1)
    return xp.stack(outs)


def _lstm_sequence_grads(g: Operand, out: Operand, h0: Operand, c0: Operand, w_hh: Operand,
                         reverse: bool) -> tuple[Operand, Operand, Operand, Operand]:
    """Backpropagation through time for :func:`_lstm_sequence`: the gradients of its four inputs."""
    hidden, length = h0.shape[-1], out.shape[0]
    d_gates: list[Operand] = [None] * length
    dh = dc = None   # what reaches a step's h and c from the step after it (nothing at the last)
    for t in reversed(_order(length, reverse)):
        previous = t + 1 if reverse else t - 1
        c_before = c0 if previous in (-1, length) else out[previous, ..., hidden:2 * hidden]
        g_t, out_t = g[t, ...], out[t, ...]
        g_h, g_c = g_t[..., :hidden], g_t[..., hidden:2 * hidden]
        if dh is not None:
            g_h, g_c = g_h + dh, g_c + dc
        dc_t = _lstm_cell_grad(g_h, g_c, g_t[..., 6 * hidden:], out_t, hidden)
        d_gates[t] = _lstm_gate_grads(g_h, g_t[..., 2 * hidden:6 * hidden], dc_t, out_t, c_before)
        dh, dc = matmul(d_gates[t], w_hh), dc_t * out_t[..., 3 * hidden:4 * hidden]
    d_x = stack(d_gates, axis=0)
    first = reshape(h0, (1, *h0.shape))
    later, earlier = out[1:, ..., :hidden], out[:-1, ..., :hidden]
    h_before = concatenate([later, first] if reverse else [first, earlier], axis=0)   # h_{t−1} at t
    d_w = matmul(transpose(reshape(d_x, (-1, 4 * hidden))), reshape(h_before, (-1, hidden)))
    return d_x, dh, dc, d_w


class _SharedGradients(threading.local):
    """The gradients of the last :func:`_lstm_sequence` node backpropagated on this thread, with the
    upstream gradient, output and grad mode they were computed for: the engine asks each input's
    VJP in turn, and all four come from one pass back through time."""

    key: tuple[Any, ...] = ()
    grads: tuple[Operand, ...] = ()


_shared = _SharedGradients()


def _lstm_sequence_vjp(position: int) -> Callable[..., Operand]:
    def vjp(g: Operand, out: Operand, x_gates: Operand, h0: Operand, c0: Operand, w_hh: Operand,
            reverse: bool = False) -> Operand:
        key = _shared.key
        if not (key and key[0] is g and key[1] is out and key[2] == is_grad_enabled()):
            _shared.key = (g, out, is_grad_enabled())
            _shared.grads = _lstm_sequence_grads(g, out, h0, c0, w_hh, reverse)
        grads = _shared.grads
        if position == 3:   # w_hh's is asked last: the arrays are let go
            _shared.key, _shared.grads = (), ()
        return grads[position]
    return vjp


_lstm_sequence.defvjp(*map(_lstm_sequence_vjp, range(4)))


@primitive(name="gru_gates")
def _gru_gates(x_gates: Data, h_gates: Data, h: Data) -> Data:
    """The GRU's gate math: from x_gates = W_ih x + b_ih and h_gates = W_hh h + b_hh (each [r z n],
    …, 3H) and the state h (…, H), the blocks [h′, r, z, n] (…, 4H), where r = σ(x_r + h_r),
    z = σ(x_z + h_z), n = tanh(x_n + r·h_n) and h′ = (1 − z)·n + z·h (PyTorch's GRU).

    With g = [g_h, g_r, g_z, g_n] and ∂n = (g_n + g_h·(1 − z))·(1 − n²): ∂L/∂x_gates = [(g_r + ∂n·h_n)·
    r(1 − r), (g_z + g_h·(h − n))·z(1 − z), ∂n]; ∂L/∂h_gates is the same with ∂n·r in the n block;
    ∂L/∂h = g_h·z.
    """
    xp = backend.namespace(x_gates, h_gates, h)
    hidden = h.shape[-1]
    r_z = xp.tanh((x_gates[..., :2 * hidden] + h_gates[..., :2 * hidden]) * 0.5) * 0.5 + 0.5  # σ via tanh
    r, z = r_z[..., :hidden], r_z[..., hidden:]
    n = xp.tanh(x_gates[..., 2 * hidden:] + r * h_gates[..., 2 * hidden:])
    return xp.concat([n + z * (h - n), r_z, n], axis=-1)


def _gru_gate_grads(g: Operand, out: Operand, h_gates: Operand, h: Operand) -> tuple[Operand, Operand]:
    """The gradients of :func:`_gru_gates` at the pre-activations: of r and z (…, 2H), and of n's."""
    hidden = h.shape[-1]
    g_h, r_z = g[..., :hidden], out[..., hidden:3 * hidden]
    z, n = r_z[..., hidden:], out[..., 3 * hidden:]
    dn = (g[..., 3 * hidden:] + g_h * (1 - z)) * (1 - n * n)
    d_r_z = g[..., hidden:3 * hidden] + concatenate([dn * h_gates[..., 2 * hidden:], g_h * (h - n)], axis=-1)
    return d_r_z * r_z * (1 - r_z), dn


def _gru_x_gates_vjp(g: Operand, out: Operand, x_gates: Operand, h_gates: Operand, h: Operand) -> Operand:
    return concatenate(_gru_gate_grads(g, out, h_gates, h), axis=-1)


def _gru_h_gates_vjp(g: Operand, out: Operand, x_gates: Operand, h_gates: Operand, h: Operand) -> Operand:
    d_r_z, dn = _gru_gate_grads(g, out, h_gates, h)
    hidden = h.shape[-1]
    return concatenate([d_r_z, dn * out[..., hidden:2 * hidden]], axis=-1)


_gru_gates.defvjp(
    _gru_x_gates_vjp,
    _gru_h_gates_vjp,
    lambda g, out, x_gates, h_gates, h: g[..., :h.shape[-1]] * out[..., 2 * h.shape[-1]:3 * h.shape[-1]],
)


# ---- one step, as the layers run it (arguments already checked) ---------------------------------


def _affine(x: Operand, weight: Operand, bias: Operand | None) -> Operand:
    return linear(x, weight) if bias is None else linear(x, weight, bias)


def _summed(b_ih: Operand | None, b_hh: Operand | None) -> Operand | None:
    """The two biases of a cell that adds them, as one (``None`` for neither)."""
    if b_ih is None or b_hh is None:
        return b_hh if b_ih is None else b_ih
    return b_ih + b_hh


def _rnn_step(x: Operand, h: Operand, w_ih: Operand, w_hh: Operand, bias: Operand | None,
              nonlinearity: str) -> Operand:
    """h′ = act(W_ih x + W_hh h + bias), with ``bias`` = b_ih + b_hh: two linear nodes and one act."""
    pre = linear(x, w_ih, _affine(h, w_hh, bias))
    return tanh(pre) if nonlinearity == "tanh" else relu(pre)


def _lstm_step(x: Operand, h: Operand, c: Operand, w_ih: Operand, w_hh: Operand,
               bias: Operand | None) -> tuple[Operand, Operand]:
    """(h′, c′) of one LSTM step, with ``bias`` = b_ih + b_hh."""
    out = _lstm_gates(linear(x, w_ih, _affine(h, w_hh, bias)), c)
    hidden = c.shape[-1]
    return out[..., :hidden], out[..., hidden:2 * hidden]


def _lstm_layer(x: Operand, h0: Operand, c0: Operand, w_ih: Operand, w_hh: Operand, bias: Operand | None,
                reverse: bool) -> tuple[Operand, list[Operand]]:
    """One LSTM layer in one direction over x (L, N, H_in): its output (L, N, H) and its last (h, c).
    The input's share of the gates is one matrix product for all steps."""
    out = _lstm_sequence(_affine(x, w_ih, bias), h0, c0, w_hh, reverse=reverse)
    hidden, last = h0.shape[-1], 0 if reverse else -1
    output = out[..., :hidden]
    return output, [output[last, ...], out[last, ..., hidden:2 * hidden]]


def _gru_step(x: Operand, h: Operand, w_ih: Operand, w_hh: Operand, b_ih: Operand | None,
              b_hh: Operand | None) -> Operand:
    """h′ of one GRU step (its two biases stay apart: b_hn is multiplied by r)."""
    out = _gru_gates(_affine(x, w_ih, b_ih), _affine(h, w_hh, b_hh), h)
    return out[..., :h.shape[-1]]


# ---- the public cells -------------------------------------------------------------------------------


def _check_cell(op: str, gates: int, input: Operand, hx: Operand, w_ih: Operand,  # noqa: A002
                w_hh: Operand, b_ih: Operand | None, b_hh: Operand | None, cx: Operand | None = None) -> None:
    """The shapes of one cell's arguments must fit: a ShapeError naming them all, if not."""
    shape = {name: _shape(value) for name, value in
             (("input", input), ("hx", hx), ("cx", cx), ("w_ih", w_ih), ("w_hh", w_hh), ("b_ih", b_ih),
              ("b_hh", b_hh)) if value is not None}
    given = ", ".join(f"{name} {value}" for name, value in shape.items())
    if len(shape["w_hh"]) != 2 or shape["w_hh"][0] != gates * shape["w_hh"][1]:
        raise ShapeError(f"{op}: w_hh must have shape ({gates}·hidden_size, hidden_size); got {given}")
    hidden = shape["w_hh"][1]
    if len(shape["input"]) not in (1, 2):
        raise ShapeError(f"{op}: input must be 2-D (batch, input_size) or 1-D (input_size,); got {given}")
    if shape["w_ih"] != (gates * hidden, shape["input"][-1]):
        raise ShapeError(f"{op}: w_ih must have shape ({gates}·hidden_size, input_size) = "
                         f"{(gates * hidden, shape['input'][-1])}; got {given}")
    for name in ("hx", "cx"):
        if name in shape and shape[name] != shape["input"][:-1] + (hidden,):
            raise ShapeError(f"{op}: {name} must have shape {shape['input'][:-1] + (hidden,)} (the input's "
                             f"batch, hidden_size); got {given}")
    for name in ("b_ih", "b_hh"):
        if name in shape and shape[name] != (gates * hidden,):
            raise ShapeError(f"{op}: {name} must have shape ({gates * hidden},); got {given}")


def rnn_tanh_cell(input: Operand, hx: Operand, w_ih: Operand, w_hh: Operand,  # noqa: A002
                  b_ih: Operand | None = None, b_hh: Operand | None = None) -> Operand:
    """Composite (no VJP of its own): one step of the Elman RNN, PyTorch's ``torch.rnn_tanh_cell``:
    h′ = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh).

    input (N, H_in) or (H_in,), hx (N, H) or (H,), w_ih (H, H_in), w_hh (H, H), biases (H,).

    >>> rnn_tanh_cell(np.ones((1, 2)), np.zeros((1, 1)), np.ones((1, 2)), np.ones((1, 1))).round(4)
    array([[0.964]])
    """
    _check_cell("rnn_tanh_cell", 1, input, hx, w_ih, w_hh, b_ih, b_hh)
    return _rnn_step(input, hx, w_ih, w_hh, _summed(b_ih, b_hh), "tanh")


def rnn_relu_cell(input: Operand, hx: Operand, w_ih: Operand, w_hh: Operand,  # noqa: A002
                  b_ih: Operand | None = None, b_hh: Operand | None = None) -> Operand:
    """Composite (no VJP of its own): one step of the RNN with ReLU, PyTorch's ``torch.rnn_relu_cell``:
    h′ = max(0, x W_ihᵀ + b_ih + h W_hhᵀ + b_hh); shapes as :func:`rnn_tanh_cell`.

    >>> rnn_relu_cell(np.ones((1, 2)), np.ones((1, 1)), np.ones((1, 2)), -np.ones((1, 1)))
    array([[1.]])
    """
    _check_cell("rnn_relu_cell", 1, input, hx, w_ih, w_hh, b_ih, b_hh)
    return _rnn_step(input, hx, w_ih, w_hh, _summed(b_ih, b_hh), "relu")


def lstm_cell(input: Operand, hx: Operand, cx: Operand, w_ih: Operand, w_hh: Operand,  # noqa: A002
              b_ih: Operand | None = None, b_hh: Operand | None = None) -> tuple[Operand, Operand]:
    """One LSTM step, PyTorch's ``torch.lstm_cell`` (which takes ``(hx, cx)`` as one tuple): the
    gates [i f g o] = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh, i, f, o squashed by σ and g by tanh, then
    c′ = f·c + i·g and h′ = o·tanh c′. Returns (h′, c′).

    input (N, H_in) or (H_in,), hx and cx (N, H) or (H,), w_ih (4H, H_in), w_hh (4H, H), biases (4H,).
    The gradient is that of :func:`linear` and of the fused gate math (``lstm_gates``, whose VJP is
    the closed form: ∂L/∂c = ∂L/∂c′·f, and each gate's pre-activation gets its share times σ′ or tanh′).

    >>> one, zero = np.ones((1, 1)), np.zeros((1, 1))
    >>> h, c = lstm_cell(one, zero, zero, np.ones((4, 1)), np.ones((4, 1)))
    >>> h.round(4), c.round(4)
    (array([[0.3696]]), array([[0.5568]]))
    """
    _check_cell("lstm_cell", 4, input, hx, w_ih, w_hh, b_ih, b_hh, cx=cx)
    return _lstm_step(input, hx, cx, w_ih, w_hh, _summed(b_ih, b_hh))


def gru_cell(input: Operand, hx: Operand, w_ih: Operand, w_hh: Operand,  # noqa: A002
             b_ih: Operand | None = None, b_hh: Operand | None = None) -> Operand:
    """One GRU step, PyTorch's ``torch.gru_cell``: with [x_r x_z x_n] = x W_ihᵀ + b_ih and
    [h_r h_z h_n] = h W_hhᵀ + b_hh, r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n) and
    h′ = (1 − z)·n + z·h. Shapes as :func:`lstm_cell` with 3H for 4H.

    The gradient is that of :func:`linear` and of the fused gate math (``gru_gates``, closed form:
    ∂L/∂h gets g·z directly, and each gate's pre-activation its share times σ′ or tanh′).

    >>> gru_cell(np.ones((1, 1)), np.zeros((1, 1)), np.ones((3, 1)), np.ones((3, 1))).round(4)
    array([[0.2048]])
    """
    _check_cell("gru_cell", 3, input, hx, w_ih, w_hh, b_ih, b_hh)
    return _gru_step(input, hx, w_ih, w_hh, b_ih, b_hh)


__test__ = docstring_tests(globals())
