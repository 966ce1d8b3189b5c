"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their one-step forms ``RNNCell``, ``LSTMCell``,
``GRUCell``, with PyTorch's arguments, weight names, gate orders and initialisation.

A layer runs a cell of :mod:`autograd_lite.nn.functional.recurrent` at every time step, for each of
its ``num_layers`` layers and, when ``bidirectional``, once forwards and once backwards in time.
Its parameters are named and registered as PyTorch's — ``weight_ih_l{k}``, ``weight_hh_l{k}``,
``bias_ih_l{k}``, ``bias_hh_l{k}``, with ``_reverse`` for the backward direction — so that
``state_dict`` keys and order are PyTorch's and a PyTorch ``state_dict`` loads with
:meth:`~autograd_lite.nn.Module.load_state_dict`. Every weight starts as U(−1/√hidden_size,
1/√hidden_size), drawn by the package's generator (``ag.manual_seed`` seeds it).
"""

from __future__ import annotations

import math
from typing import Any

from ... import backend
from ..._checks import boolean, integer, invalid, real
from ...engine import ShapeError, data_of
from ...shape_ops import reshape, swapaxes
from ...tensor_ops import concatenate, stack
from ...typing import Operand
from .. import functional as F
from .._targets import _shape
from ..functional.recurrent import _check_cell, _gru_step, _lstm_layer, _lstm_step, _order, _rnn_step, _summed
from ..module import Module
from .core import _uniform

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNCell"]

#: gate blocks per mode: rows of weight_ih are (gates · hidden_size)
_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _nonlinearity(value: Any, where: str) -> str:
    if value not in ("tanh", "relu"):
        raise ValueError(invalid(where, "nonlinearity", value, "'tanh' or 'relu'"))
    return value


def _check_pair(hx: Any, where: str, pair: str) -> None:
    """An LSTM's state is a pair of tensors (or None)."""
    if hx is not None and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
        shape = f" of shape {_shape(hx)}" if backend.is_array(data_of(hx)) else ""
        raise TypeError(f"{where}: invalid hx, a {type(hx).__name__}{shape}; it must be a tuple {pair} of "
                        f"two tensors, or None")


def _zeros(shape: tuple[int, ...], like: Operand) -> Any:
    """Zeros of ``shape`` in the dtype, library and device of the parameter ``like``."""
    data = data_of(like)
    xp = backend.namespace(data)
    return xp.zeros(shape, dtype=data.dtype, device=backend.device_of(data))


class _RNNBase(Module):
    """What RNN, LSTM and GRU share: arguments, parameters, shapes, the loop over layers."""

    mode: str

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False) -> None:
        where = type(self).__name__
        input_size = integer(input_size, "input_size", where, minimum=1)
        hidden_size = integer(hidden_size, "hidden_size", where, minimum=1)
        num_layers = integer(num_layers, "num_layers", where, minimum=1)
        bias = boolean(bias, "bias", where)
        batch_first = boolean(batch_first, "batch_first", where)
        dropout = real(dropout, "dropout", where, minimum=0.0, maximum=1.0)
        bidirectional = boolean(bidirectional, "bidirectional", where)
        super().__init__()
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, dropout
        self.bidirectional = bidirectional
        gate_size = _GATES[self.mode] * hidden_size
        bound = 1.0 / math.sqrt(hidden_size)
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * self._directions
            for suffix in self._suffixes(layer):   # PyTorch's order: the state_dict's keys follow it
                setattr(self, f"weight_ih{suffix}", _uniform(bound, (gate_size, layer_input), self._device))
                setattr(self, f"weight_hh{suffix}", _uniform(bound, (gate_size, hidden_size), self._device))
                if bias:
                    setattr(self, f"bias_ih{suffix}", _uniform(bound, (gate_size,), self._device))
                    setattr(self, f"bias_hh{suffix}", _uniform(bound, (gate_size,), self._device))

    @property
    def _directions(self) -> int:
        return 2 if self.bidirectional else 1

    def _suffixes(self, layer: int) -> list[str]:
        return [f"_l{layer}", f"_l{layer}_reverse"][:self._directions]

    def _weights(self, suffix: str) -> tuple[Operand, ...]:
        """(w_ih, w_hh, b_ih, b_hh) of one layer and direction; the biases ``None`` without ``bias``."""
        get = vars(self).get
        return get(f"weight_ih{suffix}"), get(f"weight_hh{suffix}"), get(f"bias_ih{suffix}"), \
            get(f"bias_hh{suffix}")

    # ---- shapes ------------------------------------------------------------------------------------
    def _input(self, input: Operand) -> tuple[Operand, bool]:  # noqa: A002
        """The input as (L, N, H_in), and whether it came batched."""
        where, shape = type(self).__name__, _shape(input)
        if len(shape) not in (2, 3):
            raise ShapeError(f"{where}: input must be 3-D ({self._layout}, input_size) or 2-D unbatched "
                             f"(sequence, input_size); got shape {shape}")
        if shape[0 if len(shape) == 2 or not self.batch_first else 1] == 0:
            raise ShapeError(f"{where}: input of shape {shape} has an empty sequence")
        if shape[-1] != self.input_size:
            raise ShapeError(f"{where}: input of shape {shape} has {shape[-1]} features in its last axis; "
                             f"this layer was made with input_size={self.input_size}")
        if len(shape) == 2:
            return reshape(input, (shape[0], 1, shape[1])), False
        return (swapaxes(input, 0, 1) if self.batch_first else input), True

    @property
    def _layout(self) -> str:
        return "batch, sequence" if self.batch_first else "sequence, batch"

    def _state(self, hx: Operand | None, name: str, batch: int, batched: bool, like: Operand) -> Operand:
        """An initial state as (num_layers·num_directions, N, H): ``hx`` checked, or zeros."""
        count = self.num_layers * self._directions
        if hx is None:
            return _zeros((count, batch, self.hidden_size), like)
        expected = (count, batch, self.hidden_size) if batched else (count, self.hidden_size)
        if _shape(hx) != expected:
            form = "(num_layers·num_directions, batch, hidden_size)" if batched else \
                "(num_layers·num_directions, hidden_size) for unbatched input"
            raise ShapeError(f"{type(self).__name__}: {name} must have shape {expected} = {form}; got "
                             f"{_shape(hx)}")
        return hx if batched else reshape(hx, (count, 1, self.hidden_size))

    # ---- the computation ---------------------------------------------------------------------------
    #: RNN and GRU run their cell at each step of a list of steps; LSTM runs each layer as one node
    #: on (L, N, H) sequences, its backward one pass back through time
    _per_step = True

    def _run(self, input: Operand, states: list[Operand]) -> tuple[Operand, list[list[Operand]]]:  # noqa: A002
        """Every layer and direction over the sequence: the output (L, N, D·H) and the final
        states, one list per kind of state (h; or h and c), in PyTorch's order of h_n."""
        per_step, p = self._per_step, self.dropout
        sequence = [input[t, ...] for t in range(_shape(input)[0])] if per_step else input
        finals: list[list[Operand]] = [[] for _ in states]
        for layer in range(self.num_layers):
            if layer > 0 and p > 0 and self.training:
                sequence = [F.dropout(x, p, True) for x in sequence] if per_step else \
                    F.dropout(sequence, p, True)
            directions = []
            for direction, suffix in enumerate(self._suffixes(layer)):
                index = layer * self._directions + direction
                output, final = self._layer(sequence, [state[index, ...] for state in states],
                                            self._weights(suffix), direction == 1)
                directions.append(output)
                for kind, value in zip(finals, final):
                    kind.append(value)
            if len(directions) == 1:
                sequence = directions[0]
            else:
                sequence = [concatenate(pair, axis=-1) for pair in zip(*directions)] if per_step else \
                    concatenate(directions, axis=-1)
        return (stack(sequence, axis=0) if per_step else sequence), finals

    def _layer(self, steps: list[Operand], state: list[Operand], weights: tuple[Operand, ...],
               reverse: bool) -> tuple[list[Operand], list[Operand]]:
        """One layer in one direction, a cell at each step: the state after each step (in time
        order), and the last."""
        step = self._step(*weights)
        outputs: list[Operand] = [None] * len(steps)
        for t in _order(len(steps), reverse):
            state = step(steps[t], state)
            outputs[t] = state[0]
        return outputs, state

    def _finish(self, output: Operand, finals: list[list[Operand]], batched: bool) -> tuple[Operand, ...]:
        """The output in the input's layout, and each final state stacked as PyTorch's h_n."""
        if not batched:
            return (output[:, 0, ...],) + tuple(stack(kind, axis=0)[:, 0, ...] for kind in finals)
        if self.batch_first:
            output = swapaxes(output, 0, 1)
        return (output,) + tuple(stack(kind, axis=0) for kind in finals)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        for name, default in (("num_layers", 1), ("bias", True), ("batch_first", False), ("dropout", 0.0),
                              ("bidirectional", False)):
            if getattr(self, name) != default:
                text += f", {name}={getattr(self, name)}"
        return text


class RNN(_RNNBase):
    """PyTorch's Elman RNN: at each step h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), act tanh
    (the default) or relu, stacked ``num_layers`` deep, each layer's outputs the next one's inputs
    (with ``dropout`` between layers while training), and run in both directions if ``bidirectional``.

    ``forward(input, hx=None)``: input (L, N, H_in), or (N, L, H_in) with ``batch_first``, or (L, H_in)
    unbatched; hx (num_layers·D, N, H) or zeros. Returns (output, h_n): output (L, N, D·H) (in the
    input's layout) holds the last layer's state at each step, h_n (num_layers·D, N, H) every layer's
    last state, D = 2 if ``bidirectional`` else 1.

    >>> from autograd_lite import nn
    >>> rnn = nn.RNN(3, 4, num_layers=2)
    >>> output, h_n = rnn(np.ones((5, 2, 3)))
    >>> output.shape, h_n.shape, [name for name, _ in rnn.named_parameters()][:4]
    ((5, 2, 4), (2, 2, 4), ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'])
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False) -> None:
        self.nonlinearity = _nonlinearity(nonlinearity, "RNN")
        self.mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)

    def _step(self, w_ih: Operand, w_hh: Operand, b_ih: Operand | None, b_hh: Operand | None) -> Any:
        bias, nonlinearity = _summed(b_ih, b_hh), self.nonlinearity
        return lambda x, state: [_rnn_step(x, state[0], w_ih, w_hh, bias, nonlinearity)]

    def forward(self, input: Operand, hx: Operand | None = None) -> tuple[Operand, Operand]:  # noqa: A002
        x, batched = self._input(input)
        h0 = self._state(hx, "hx", _shape(x)[1], batched, self.weight_ih_l0)
        output, finals = self._run(x, [h0])
        return self._finish(output, finals, batched)


class LSTM(_RNNBase):
    """PyTorch's LSTM: at each step the gates [i f g o] = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh, i, f, o
    through σ and g through tanh, then c_t = f·c_{t−1} + i·g and h_t = o·tanh c_t; layers, directions
    and dropout as :class:`RNN`. ``proj_size`` (PyTorch's projected LSTM) is not supported.

    ``forward(input, hx=None)``: hx is a tuple (h_0, c_0), each (num_layers·D, N, H), or zeros.
    Returns (output, (h_n, c_n)) with PyTorch's shapes (see :class:`RNN`).

    >>> from autograd_lite import nn
    >>> lstm = nn.LSTM(3, 4, batch_first=True, bidirectional=True)
    >>> output, (h_n, c_n) = lstm(np.ones((2, 5, 3)))
    >>> output.shape, h_n.shape, c_n.shape, lstm.weight_ih_l0_reverse.shape
    ((2, 5, 8), (2, 2, 4), (2, 2, 4), (16, 3))
    """

    mode = "LSTM"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0) -> None:
        if integer(proj_size, "proj_size", "LSTM", minimum=0) != 0:
            raise NotImplementedError(f"LSTM: proj_size={proj_size} (PyTorch's LSTM with projections) is "
                                      f"not supported; only proj_size=0")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)

    _per_step = False

    def _layer(self, x: Operand, state: list[Operand], weights: tuple[Operand, ...],
               reverse: bool) -> tuple[Operand, list[Operand]]:
        w_ih, w_hh, b_ih, b_hh = weights
        return _lstm_layer(x, state[0], state[1], w_ih, w_hh, _summed(b_ih, b_hh), reverse)

    def forward(self, input: Operand,  # noqa: A002
                hx: tuple[Operand, Operand] | None = None) -> tuple[Operand, tuple[Operand, Operand]]:
        x, batched = self._input(input)
        _check_pair(hx, "LSTM", "(h_0, c_0)")
        h0, c0 = (None, None) if hx is None else hx
        batch = _shape(x)[1]
        states = [self._state(h0, "h_0", batch, batched, self.weight_ih_l0),
                  self._state(c0, "c_0", batch, batched, self.weight_ih_l0)]
        output, h_n, c_n = self._finish(*self._run(x, states), batched)
        return output, (h_n, c_n)


class GRU(_RNNBase):
    """PyTorch's GRU: at each step, with [x_r x_z x_n] = W_ih x_t + b_ih and [h_r h_z h_n] =
    W_hh h_{t−1} + b_hh, r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n) and
    h_t = (1 − z)·n + z·h_{t−1}; layers, directions, dropout, arguments and shapes as :class:`RNN`.

    >>> from autograd_lite import nn
    >>> gru = nn.GRU(3, 4)
    >>> output, h_n = gru(np.ones((5, 3)))   # unbatched: (sequence, features)
    >>> output.shape, h_n.shape, gru.weight_hh_l0.shape
    ((5, 4), (1, 4), (12, 4))
    """

    mode = "GRU"

    def _step(self, w_ih: Operand, w_hh: Operand, b_ih: Operand | None, b_hh: Operand | None) -> Any:
        return lambda x, state: [_gru_step(x, state[0], w_ih, w_hh, b_ih, b_hh)]

    def forward(self, input: Operand, hx: Operand | None = None) -> tuple[Operand, Operand]:  # noqa: A002
        x, batched = self._input(input)
        h0 = self._state(hx, "hx", _shape(x)[1], batched, self.weight_ih_l0)
        output, finals = self._run(x, [h0])
        return self._finish(output, finals, batched)


# ---- cells: one time step ---------------------------------------------------------------------------


class _CellBase(Module):
    mode: str

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        where = type(self).__name__
        input_size = integer(input_size, "input_size", where, minimum=1)
        hidden_size = integer(hidden_size, "hidden_size", where, minimum=1)
        bias = boolean(bias, "bias", where)
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        gate_size, bound = _GATES[self.mode] * hidden_size, 1.0 / math.sqrt(hidden_size)
        self.weight_ih = _uniform(bound, (gate_size, input_size), self._device)
        self.weight_hh = _uniform(bound, (gate_size, hidden_size), self._device)
        self.bias_ih = _uniform(bound, (gate_size,), self._device) if bias else None
        self.bias_hh = _uniform(bound, (gate_size,), self._device) if bias else None

    def _checked(self, input: Operand, hx: Operand | None) -> Operand:  # noqa: A002
        """``hx``, or zeros of the input's batch shape; the input's shape checked."""
        where, shape = type(self).__name__, _shape(input)
        if len(shape) not in (1, 2) or shape[-1] != self.input_size:
            raise ShapeError(f"{where}: input must have shape (batch, {self.input_size}) or "
                             f"({self.input_size},) for input_size={self.input_size}; got {shape}")
        return _zeros(shape[:-1] + (self.hidden_size,), self.weight_ih) if hx is None else hx

    def _check(self, input: Operand, hx: Operand, cx: Operand | None = None) -> None:  # noqa: A002
        _check_cell(type(self).__name__, _GATES[self.mode], input, hx, self.weight_ih, self.weight_hh,
                    self.bias_ih, self.bias_hh, cx=cx)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")


class RNNCell(_CellBase):
    """One step of :class:`RNN`: ``forward(input, hx=None)`` gives h′ (N, H) (or (H,) unbatched) from
    input (N, H_in) and hx (N, H), zeros if not given; see
    :func:`~autograd_lite.nn.functional.rnn_tanh_cell`.

    >>> from autograd_lite import nn
    >>> nn.RNNCell(3, 4, nonlinearity="relu")(np.ones((2, 3))).shape
    (2, 4)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh") -> None:
        self.nonlinearity = _nonlinearity(nonlinearity, "RNNCell")
        self.mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, bias)

    def forward(self, input: Operand, hx: Operand | None = None) -> Operand:  # noqa: A002
        hx = self._checked(input, hx)
        self._check(input, hx)
        return _rnn_step(input, hx, self.weight_ih, self.weight_hh, _summed(self.bias_ih, self.bias_hh),
                         self.nonlinearity)

    def extra_repr(self) -> str:
        extra = "" if self.nonlinearity == "tanh" else f", nonlinearity={self.nonlinearity}"
        return super().extra_repr() + extra


class LSTMCell(_CellBase):
    """One step of :class:`LSTM`: ``forward(input, hx=None)``, hx a tuple (h, c) or zeros, gives (h′, c′);
    see :func:`~autograd_lite.nn.functional.lstm_cell`.

    >>> from autograd_lite import nn
    >>> h, c = nn.LSTMCell(3, 4)(np.ones((2, 3)))
    >>> h.shape, c.shape
    ((2, 4), (2, 4))
    """

    mode = "LSTM"

    def forward(self, input: Operand,  # noqa: A002
                hx: tuple[Operand, Operand] | None = None) -> tuple[Operand, Operand]:
        _check_pair(hx, "LSTMCell", "(h, c)")
        h = self._checked(input, None if hx is None else hx[0])
        c = self._checked(input, None if hx is None else hx[1])
        self._check(input, h, c)
        return _lstm_step(input, h, c, self.weight_ih, self.weight_hh, _summed(self.bias_ih, self.bias_hh))


class GRUCell(_CellBase):
    """One step of :class:`GRU`: ``forward(input, hx=None)`` gives h′; see
    :func:`~autograd_lite.nn.functional.gru_cell`.

    >>> from autograd_lite import nn
    >>> nn.GRUCell(3, 4)(np.ones(3)).shape
    (4,)
    """

    mode = "GRU"

    def forward(self, input: Operand, hx: Operand | None = None) -> Operand:  # noqa: A002
        hx = self._checked(input, hx)
        self._check(input, hx)
        return _gru_step(input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
