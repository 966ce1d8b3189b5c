"""The op-table rows of autograd_lite.nn.functional.recurrent.

Rows are :class:`~op_row.Op` (columns explained there); ``op_table.py`` merges :data:`ROWS` and
:data:`COVERED_THROUGH` into the table. The cells are compared with PyTorch's (``torch.lstm_cell``
and the others); ``lstm_sequence``, a whole LSTM layer in one node that PyTorch has no function for,
with a loop of NumPy steps written from the LSTM's equations.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from op_row import Op

from autograd_lite import concatenate
from autograd_lite.nn import functional as F
from autograd_lite.nn.functional.recurrent import _lstm_sequence
from autograd_lite.testing import strategies as agst

#: the gate blocks of each cell: the rows of w_ih are (gates · hidden)
GATES = {"rnn_tanh_cell": 1, "rnn_relu_cell": 1, "lstm_cell": 4, "gru_cell": 3}


def _values(op: Op, shape: tuple[int, ...]) -> st.SearchStrategy:
    return agst.arrays(shape, min_value=op.values[0], max_value=op.values[1])


def cell_operands(name: str) -> Any:
    """The arrays of one call of the cell ``name``: input, hx (and cx), w_ih, w_hh and, half the
    time, b_ih and b_hh; batched (N, H_in) or unbatched (H_in,)."""
    @st.composite
    def draw_case(draw: Any, op: Op, second_order: bool = False) -> Any:
        from op_inputs import Case

        batch = draw(st.sampled_from([(), (1,), (2,)]))
        features, hidden = draw(st.integers(1, 2)), draw(st.integers(1, 2))
        rows = GATES[name] * hidden
        shapes = [batch + (features,), batch + (hidden,)] + [batch + (hidden,)] * (name == "lstm_cell") + \
            [(rows, features), (rows, hidden)] + [(rows,), (rows,)] * draw(st.booleans())
        arrays = tuple(draw(_values(op, shape)) for shape in shapes)
        if name == "rnn_relu_cell":   # away from ReLU's kink, where finite differences see neither slope
            assume(np.abs(_pre_activation(*arrays)).min() > 0.05)
        return Case(arrays, {})
    return draw_case


def _pre_activation(x: np.ndarray, h: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray,
                    *biases: np.ndarray) -> np.ndarray:
    return x @ w_ih.T + h @ w_hh.T + sum(biases)


def torch_cell(name: str) -> Any:
    """``torch.<name>`` on NumPy arrays (a batch of one for unbatched input); the LSTM's (h′, c′) joined."""
    def reference(x: np.ndarray, *arrays: np.ndarray) -> np.ndarray:
        import torch

        batched = x.ndim == 2
        states = 2 + (name == "lstm_cell")   # x, hx (and cx) gain a batch axis when unbatched
        tensors = [torch.from_numpy(a if batched or i >= states else a[None])
                   for i, a in enumerate((x, *arrays))]
        if name == "lstm_cell":
            out = torch.cat(torch.lstm_cell(tensors[0], tensors[1:3], *tensors[3:]), -1)
        else:
            out = getattr(torch, name)(*tensors)
        return out.numpy() if batched else out.numpy()[0]
    return reference


def _lstm_cell_joined(*arrays: Any) -> Any:
    """lstm_cell's (h′, c′) as one array, for the op table (a row's function gives one result)."""
    return concatenate(F.lstm_cell(*arrays), axis=-1)


@st.composite
def sequence_operands(draw: Any, op: Op, second_order: bool = False) -> Any:
    """x_gates (L, N, 4H), h0 and c0 (N, H), w_hh (4H, H), and the direction."""
    from op_inputs import Case

    length, batch, hidden = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
    shapes = [(length, batch, 4 * hidden), (batch, hidden), (batch, hidden), (4 * hidden, hidden)]
    return Case(tuple(draw(_values(op, shape)) for shape in shapes), {"reverse": draw(st.booleans())})


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def lstm_sequence_reference(x_gates: np.ndarray, h: np.ndarray, c: np.ndarray, w_hh: np.ndarray,
                            reverse: bool = False) -> np.ndarray:
    """Each step's [h, c, i, f, g, o, tanh c], from the LSTM's equations, one step at a time."""
    hidden, outs = h.shape[-1], [None] * len(x_gates)
    for t in (reversed(range(len(x_gates))) if reverse else range(len(x_gates))):
        gates = x_gates[t] + h @ w_hh.T
        i, f, o = (_sigmoid(gates[:, k * hidden:(k + 1) * hidden]) for k in (0, 1, 3))
        g = np.tanh(gates[:, 2 * hidden:3 * hidden])
        c = f * c + i * g
        h = o * np.tanh(c)
        outs[t] = np.concatenate([h, c, i, f, g, o, np.tanh(c)], axis=-1)
    return np.stack(outs)


#: name of the primitive (or of the composite function) -> its row; ``arity`` is the most arrays a cell
#: takes (the biases are drawn half the time)
ROWS: dict[str, Op] = {
    "rnn_tanh_cell": Op(F.rnn_tanh_cell, torch_cell("rnn_tanh_cell"), cell_operands("rnn_tanh_cell"),
                        7, values=(-2, 2)),
    "rnn_relu_cell": Op(F.rnn_relu_cell, torch_cell("rnn_relu_cell"), cell_operands("rnn_relu_cell"),
                        7, values=(-2, 2)),
    "lstm_gates": Op(_lstm_cell_joined, torch_cell("lstm_cell"), cell_operands("lstm_cell"), 7,
                     values=(-2, 2)),
    "gru_gates": Op(F.gru_cell, torch_cell("gru_cell"), cell_operands("gru_cell"), 7, values=(-2, 2)),
    "lstm_sequence": Op(_lstm_sequence, lstm_sequence_reference, sequence_operands, 4, values=(-2, 2)),
}

#: primitive name -> the public function its row calls (see op_table.COVERED_THROUGH)
COVERED_THROUGH: dict[str, str] = {
    "lstm_gates": "autograd_lite.nn.functional.lstm_cell",
    "gru_gates": "autograd_lite.nn.functional.gru_cell",
}
