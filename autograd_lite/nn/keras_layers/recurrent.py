"""Keras' recurrent layers: ``SimpleRNN``, ``LSTM``, ``GRU``, with Keras 3's arguments, weight
layouts and gate orders, over :mod:`autograd_lite.nn.functional.recurrent`.

Inputs are (batch, timesteps, features). Each layer holds Keras' weights: ``kernel`` (features,
k·units), ``recurrent_kernel`` (units, k·units) and ``bias`` (k·units,), with k gate blocks in
Keras' order — LSTM (i, f, c, o), which is PyTorch's (i, f, g, o); GRU (z, r, h), PyTorch's
(r, z, n) with the first two blocks swapped — so that Keras weights load with ``set_weights``. A
GRU with ``reset_after=True`` (Keras' default) has two biases, ``bias`` (2, 3·units): the input's
and the recurrent one, which the reset gate multiplies.

An LSTM with the default activations runs as one fused ``lstm_sequence`` node (the input's share
of the gates one matrix product for all steps); the other layers run one loop over time, a GRU
with the default activations with the fused GRU gate math at each step, the rest composed of
differentiable operations. Each step reads its own slice of the input (a slice's gradient is
scattered into an array of the sliced one's size: the input's, not the gates').
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ... import backend
from ..._checks import boolean, integer, invalid, real
from ...engine import ShapeError, data_of
from ...shape_ops import swapaxes, transpose
from ...tensor_ops import concatenate, matmul, stack
from ...typing import Operand
from .. import functional as F
from .._arguments import lookup
from .._targets import _shape
from ..functional.recurrent import _affine, _gru_step, _lstm_sequence
from .base import Layer, _initial_values

__all__ = ["GRU", "LSTM", "SimpleRNN"]

_Activation = str | Callable[[Operand], Operand] | None


def _activation(where: str, name: str, value: _Activation) -> Callable[[Operand], Operand]:
    """A Keras activation by name (``None`` is ``'linear'``, as Keras'), or a function."""
    from ..layers.core import ACTIVATIONS  # that module imports this package
    if value is None:
        return ACTIVATIONS["linear"]
    if isinstance(value, str):
        return lookup(ACTIVATIONS, name, value, where)
    if callable(value):
        return value
    raise TypeError(invalid(where, name, value, "a name such as 'tanh', a function, or None"))


def _blocks(value: Operand, units: int, order: tuple[int, ...]) -> Operand:
    """The gate blocks of ``value``'s last axis (blocks of ``units``) in ``order``."""
    return concatenate([value[..., k * units:(k + 1) * units] for k in order], axis=-1)


class _RNN(Layer):
    """What SimpleRNN, LSTM and GRU share: the arguments, the weights, the states and the outputs."""

    #: gate blocks of the kernels: k·units columns
    _gates = 1
    #: the number of state tensors (h; h and c for the LSTM)
    _states = 1

    def _configure(self, units: int, activation: _Activation, recurrent_activation: _Activation,
                   use_bias: bool, initializers: tuple[Any, Any, Any], dropout: float,
                   recurrent_dropout: float, seed: int | None, return_sequences: bool, return_state: bool,
                   go_backwards: bool, stateful: bool, unroll: bool, **refused: Any) -> None:
        where = type(self).__name__
        self.units = integer(units, "units", where, minimum=1)
        self._activation = _activation(where, "activation", activation)
        self._recurrent_activation = _activation(where, "recurrent_activation", recurrent_activation)
        self._defaults = activation == "tanh" and recurrent_activation == "sigmoid"
        self.use_bias = boolean(use_bias, "use_bias", where)
        self._initializers = initializers
        self.dropout = real(dropout, "dropout", where, minimum=0.0, below=1.0)
        if real(recurrent_dropout, "recurrent_dropout", where, minimum=0.0, below=1.0) > 0.0:
            raise NotImplementedError(f"{where}: recurrent_dropout > 0 is not supported; use dropout= "
                                      f"(on the inputs)")
        if seed is not None:
            integer(seed, "seed", where)
        self.return_sequences = boolean(return_sequences, "return_sequences", where)
        self.return_state = boolean(return_state, "return_state", where)
        self.go_backwards = boolean(go_backwards, "go_backwards", where)
        if boolean(stateful, "stateful", where):
            raise NotImplementedError(f"{where}: stateful=True is not supported; pass the last states of one "
                                      f"call (return_state=True) as initial_state= to the next")
        boolean(unroll, "unroll", where)
        from ..layers.core import refuse_unless_none  # that module imports this package
        refuse_unless_none(where, **refused)

    # ---- weights ------------------------------------------------------------------------------
    def build(self, input_shape: tuple[int, ...]) -> None:
        where = type(self).__name__
        if len(input_shape) != 3:
            raise ShapeError(f"{where}: expected a 3-D input (batch, timesteps, features), but it has shape "
                             f"{tuple(input_shape)}")
        kernel, recurrent, bias = self._initializers
        width = self._gates * self.units
        self.add_weight((input_shape[-1], width), kernel, name="kernel")
        self.add_weight((self.units, width), recurrent, name="recurrent_kernel")
        if self.use_bias:
            self.add_weight(self._bias_shape(), self._bias_initializer(bias), name="bias")

    def _bias_shape(self) -> tuple[int, ...]:
        return (self._gates * self.units,)

    def _bias_initializer(self, initializer: Any) -> Any:
        return initializer

    # ---- the call -----------------------------------------------------------------------------
    def call(self, inputs: Operand, initial_state: Any = None) -> Any:
        """The last output (batch, units), or with ``return_sequences`` every step's (batch,
        timesteps, units), in the order the steps ran (from the last with ``go_backwards``, as
        Keras); with ``return_state`` a tuple (output, h) — (output, h, c) for the LSTM."""
        where = type(self).__name__
        shape = _shape(inputs)
        features = data_of(self.kernel).shape[0]
        if len(shape) != 3 or shape[-1] != features:
            raise ShapeError(f"{where}: expected an input (batch, timesteps, {features}), but it has shape "
                             f"{shape}")
        if shape[1] == 0:
            raise ShapeError(f"{where}: the input of shape {shape} has no time steps")
        states = self._initial(initial_state, shape[0], where)
        if self.training and self.dropout > 0.0:   # one mask for every time step, as Keras'
            data = data_of(inputs)
            xp = backend.namespace(data)
            ones = xp.ones((shape[0], 1, shape[2]), dtype=data.dtype, device=backend.device_of(data))
            inputs = inputs * F.dropout(ones, self.dropout, training=True)
        sequence, final = self._sequence(inputs, states)
        output = swapaxes(sequence, 0, 1) if self.return_sequences else final[0]
        return (output, *final) if self.return_state else output

    def _initial(self, initial_state: Any, batch: int, where: str) -> list[Operand]:
        expected = (batch, self.units)
        if initial_state is None:
            kernel = data_of(self.kernel)
            xp = backend.namespace(kernel)
            return [xp.zeros(expected, dtype=kernel.dtype, device=backend.device_of(kernel))
                    for _ in range(self._states)]
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        if len(states) != self._states:
            raise ValueError(f"{where}: initial_state must be {self._states} tensor(s) of shape {expected}, "
                             f"but {len(states)} were given")
        for state in states:
            if _shape(state) != expected:
                raise ShapeError(f"{where}: initial_state must have shape {expected} (batch, units), but it "
                                 f"has shape {_shape(state)}")
        return states

    def _order(self, length: int) -> range:
        return range(length - 1, -1, -1) if self.go_backwards else range(length)

    def _sequence(self, inputs: Operand, states: list[Operand]) -> tuple[Operand, list[Operand]]:
        """The outputs (timesteps, batch, units) in the order the steps ran (or ``None`` without
        ``return_sequences``), and the last states."""
        raise NotImplementedError

    def _loop(self, inputs: Operand, states: list[Operand],
              step: Callable[[Operand, list[Operand]], list[Operand]]) -> tuple[Operand, list[Operand]]:
        """Run ``step`` (the input at one step (batch, features), the states → the new states, h
        first) over the steps in the layer's order: as :meth:`_sequence`."""
        outputs = []
        for t in self._order(_shape(inputs)[1]):
            states = step(inputs[:, t], states)
            if self.return_sequences:
                outputs.append(states[0])
        return (stack(outputs, axis=0) if outputs else None), states


class SimpleRNN(_RNN):
    """Keras' fully connected RNN: h_t = activation(x_t·kernel + h_{t−1}·recurrent_kernel + bias),
    the output at each step being h_t. Weights: kernel (features, units), recurrent_kernel
    (units, units), bias (units,).

    ``dropout`` (training only) drops input features with one mask for every time step, as Keras;
    ``recurrent_dropout`` > 0 and ``stateful=True`` are refused; ``unroll`` has no effect;
    ``seed`` is accepted, the masks coming from the package's generator (``ag.set_random_seed``).

    >>> import numpy as np
    >>> layer = SimpleRNN(4, return_sequences=True)
    >>> layer(np.ones((2, 5, 3))).shape, [w.shape for w in layer.get_weights()]
    ((2, 5, 4), [(3, 4), (4, 4), (4,)])
    """

    def __init__(self, units: int, activation: _Activation = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 seed: int | None = None, **kwargs: Any) -> None:
        self._configure(units, activation, None, use_bias,
                        (kernel_initializer, recurrent_initializer, bias_initializer), dropout,
                        recurrent_dropout, seed, return_sequences, return_state, go_backwards, stateful,
                        unroll, kernel_regularizer=kernel_regularizer,
                        recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                        activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                        recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint)
        self.activation = activation
        super().__init__(**kwargs)

    def _sequence(self, inputs: Operand, states: list[Operand]) -> tuple[Operand, list[Operand]]:
        w_ih, w_hh, act = transpose(self.kernel), transpose(self.recurrent_kernel), self._activation
        bias = self.bias if self.use_bias else None
        return self._loop(inputs, states, lambda x, s: [act(F.linear(x, w_ih, _affine(s[0], w_hh, bias)))])


class LSTM(_RNN):
    """Keras' LSTM: with [i f c o] = x_t·kernel + h_{t−1}·recurrent_kernel + bias, the gates
    i, f, o = recurrent_activation of their blocks, c_t = f·c_{t−1} + i·activation(c block) and
    h_t = o·activation(c_t). Weights: kernel (features, 4·units), recurrent_kernel (units, 4·units),
    bias (4·units,), the blocks in Keras' order i, f, c, o; ``unit_forget_bias`` starts the f block
    of the bias at 1. ``initial_state`` is [h, c].

    With the default activations (tanh, sigmoid) the whole sequence is one fused ``lstm_sequence``
    node (much faster); other activations are composed step by step. ``dropout``,
    ``recurrent_dropout``, ``stateful``, ``unroll``, ``seed`` as :class:`SimpleRNN`'s;
    ``use_cudnn`` has no effect.

    >>> import numpy as np
    >>> layer = LSTM(4, return_state=True)
    >>> [part.shape for part in layer(np.ones((2, 5, 3)))]
    [(2, 4), (2, 4), (2, 4)]
    >>> layer.get_weights()[2]   # the forget gate's bias starts at 1
    array([0., 0., 0., 0., 1., 1., 1., 1., 0., 0., 0., 0., 0., 0., 0., 0.])
    """

    _gates, _states = 4, 2

    def __init__(self, units: int, activation: _Activation = "tanh",
                 recurrent_activation: _Activation = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", unit_forget_bias: bool = True,
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed: int | None = None,
                 return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, unroll: bool = False, use_cudnn: Any = "auto",
                 **kwargs: Any) -> None:
        self._configure(units, activation, recurrent_activation, use_bias,
                        (kernel_initializer, recurrent_initializer, bias_initializer), dropout,
                        recurrent_dropout, seed, return_sequences, return_state, go_backwards, stateful,
                        unroll, kernel_regularizer=kernel_regularizer,
                        recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                        activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                        recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint)
        self.unit_forget_bias = boolean(unit_forget_bias, "unit_forget_bias", "LSTM")
        self.activation, self.recurrent_activation = activation, recurrent_activation
        super().__init__(**kwargs)

    def _bias_initializer(self, initializer: Any) -> Any:
        if not self.unit_forget_bias:
            return initializer
        units, where = self.units, "LSTM.add_weight"

        def forget_gate_at_one(shape: tuple[int, ...]) -> Any:
            host = backend.host_namespace
            return host.concat([_initial_values(initializer, (units,), where), host.ones(units),
                                _initial_values(initializer, (2 * units,), where)])
        return forget_gate_at_one

    def _sequence(self, inputs: Operand, states: list[Operand]) -> tuple[Operand, list[Operand]]:
        units, bias = self.units, self.bias if self.use_bias else None
        w_ih, w_hh = transpose(self.kernel), transpose(self.recurrent_kernel)
        if self._defaults:   # Keras' i, f, c, o is PyTorch's i, f, g, o: the fused node applies as it is
            projected = _affine(swapaxes(inputs, 0, 1), w_ih, bias)   # (timesteps, batch, 4·units)
            out = _lstm_sequence(projected, states[0], states[1], w_hh, reverse=self.go_backwards)
            last = 0 if self.go_backwards else -1
            h = out[..., :units]
            sequence = h[::-1] if self.go_backwards and self.return_sequences else h
            return sequence, [h[last], out[last, :, units:2 * units]]
        act, gate = self._activation, self._recurrent_activation

        def step(x: Operand, state: list[Operand]) -> list[Operand]:
            z = F.linear(x, w_ih, _affine(state[0], w_hh, bias))
            i, f, o = gate(z[:, :units]), gate(z[:, units:2 * units]), gate(z[:, 3 * units:])
            c = f * state[1] + i * act(z[:, 2 * units:3 * units])
            return [o * act(c), c]
        return self._loop(inputs, states, step)


class GRU(_RNN):
    """Keras' GRU: with x_t·kernel + b_in = [x_z x_r x_h] and h_{t−1}·recurrent_kernel + b_rec =
    [h_z h_r h_h], z = recurrent_activation(x_z + h_z), r = recurrent_activation(x_r + h_r),
    ĥ = activation(x_h + r·h_h) and h_t = z·h_{t−1} + (1 − z)·ĥ. Weights: kernel (features, 3·units),
    recurrent_kernel (units, 3·units), bias (2, 3·units) holding b_in and b_rec, the blocks in
    Keras' order z, r, h. With ``reset_after=False`` (Keras 2's rule) ĥ = activation(x_h +
    (r·h_{t−1})·recurrent_kernel_h) and bias is (3·units,), the input's only.

    With the default activations and ``reset_after`` each step is PyTorch's GRU step, with the fused
    gate math (gate order r, z, n: the kernels' blocks are permuted once per call); otherwise composed.
    Other arguments as :class:`LSTM`'s.

    >>> import numpy as np
    >>> layer = GRU(4, return_sequences=True, go_backwards=True)
    >>> layer(np.ones((2, 5, 3))).shape, [w.shape for w in layer.get_weights()]
    ((2, 5, 4), [(3, 12), (4, 12), (2, 12)])
    """

    _gates = 3

    def __init__(self, units: int, activation: _Activation = "tanh",
                 recurrent_activation: _Activation = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: int | None = None, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 unroll: bool = False, reset_after: bool = True, use_cudnn: Any = "auto",
                 **kwargs: Any) -> None:
        self._configure(units, activation, recurrent_activation, use_bias,
                        (kernel_initializer, recurrent_initializer, bias_initializer), dropout,
                        recurrent_dropout, seed, return_sequences, return_state, go_backwards, stateful,
                        unroll, kernel_regularizer=kernel_regularizer,
                        recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                        activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                        recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint)
        self.reset_after = boolean(reset_after, "reset_after", "GRU")
        self.activation, self.recurrent_activation = activation, recurrent_activation
        super().__init__(**kwargs)

    def _bias_shape(self) -> tuple[int, ...]:
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _sequence(self, inputs: Operand, states: list[Operand]) -> tuple[Operand, list[Operand]]:
        units, bias = self.units, self.bias if self.use_bias else None
        b_in, b_rec = (bias[0], bias[1]) if bias is not None and self.reset_after else (bias, None)
        if self._defaults and self.reset_after:   # the fused gate math takes PyTorch's r, z, n
            swap = (1, 0, 2)
            w_ih = transpose(_blocks(self.kernel, units, swap))
            w_hh = transpose(_blocks(self.recurrent_kernel, units, swap))
            b_ih, b_hh = (None if b is None else _blocks(b, units, swap) for b in (b_in, b_rec))
            return self._loop(inputs, states, lambda x, s: [_gru_step(x, s[0], w_ih, w_hh, b_ih, b_hh)])
        act, gate, kernel = self._activation, self._recurrent_activation, self.recurrent_kernel
        w_ih, w_all = transpose(self.kernel), transpose(kernel)
        w_zr, w_h = transpose(kernel[:, :2 * units]), kernel[:, 2 * units:]

        def step(x: Operand, state: list[Operand]) -> list[Operand]:
            h, x = state[0], _affine(x, w_ih, b_in)
            inner = _affine(h, w_all, b_rec) if self.reset_after else F.linear(h, w_zr)
            z = gate(x[:, :units] + inner[:, :units])
            r = gate(x[:, units:2 * units] + inner[:, units:2 * units])
            candidate = r * inner[:, 2 * units:] if self.reset_after else matmul(r * h, w_h)
            return [z * h + (1 - z) * act(x[:, 2 * units:] + candidate)]
        return self._loop(inputs, states, step)
