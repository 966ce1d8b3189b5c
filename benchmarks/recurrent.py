"""The LSTM: forward + backward of one layer over a sequence, against PyTorch's eager ``nn.LSTM``.

The workload is the issue's: hidden size 128, sequence length 32, batch 32, with 32 input features,
in float32, on the CPU. Each step runs the layer forward on a fixed input, then backward from one
fixed upstream gradient G at every output (so every step's state is backpropagated), computing the
gradients of all four parameters. Both libraries' layers hold the same weights. The target: ours
within 2× of PyTorch's.

Beside ``nn.LSTM`` (each layer one node whose backward is one pass back through time), two other
ways of writing the layer in autograd_lite are timed, the choices its design was measured against:
``F.lstm_cell`` at each step (one fused node for the gate math per step, and two ``linear`` nodes),
and the same step composed of the elementwise ops (``sigmoid``, ``tanh``, slices, products).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .common import (
    Config,
    Result,
    Table,
    baseline_target,
    case,
    cell,
    fmt_check,
    fmt_ratio,
    measure,
    ratio,
    target,
    why_not,
    with_baseline,
)

NAME = "recurrent"
TITLE = "recurrent layers"
#: (sequence length, batch, input features, hidden size)
SIZE = (32, 32, 32, 128)
QUICK_SIZE = (4, 4, 8, 16)

OURS = "autograd_lite nn.LSTM"
CELLS = "autograd_lite F.lstm_cell at each step"
COMPOSITE = "autograd_lite, each step composed of elementwise ops"
TORCH = "PyTorch nn.LSTM (eager)"
LABELS = (OURS, CELLS, COMPOSITE, TORCH)


def data(length: int, batch: int, features: int, hidden: int) -> dict[str, np.ndarray]:
    """The input, the upstream gradient and PyTorch's parameter names → arrays, float32."""
    rng = np.random.default_rng(0)
    bound = 1 / hidden ** 0.5
    arrays = {"x": rng.normal(size=(length, batch, features)), "G": rng.normal(size=(length, batch, hidden)),
              "weight_ih_l0": rng.uniform(-bound, bound, (4 * hidden, features)),
              "weight_hh_l0": rng.uniform(-bound, bound, (4 * hidden, hidden)),
              "bias_ih_l0": rng.uniform(-bound, bound, 4 * hidden),
              "bias_hh_l0": rng.uniform(-bound, bound, 4 * hidden)}
    return {name: array.astype(np.float32) for name, array in arrays.items()}


def build_ours(label: str, arrays: dict[str, np.ndarray]) -> Callable[[], Any]:
    from autograd_lite import nn

    x, G = arrays["x"], arrays["G"]
    layer = nn.LSTM(x.shape[-1], G.shape[-1])
    for name, p in layer.named_parameters():
        p.data = arrays[name]   # float32, as PyTorch's
    forward = layer if label == OURS else per_step(layer, cells=label == CELLS)

    def step() -> Any:
        layer.zero_grad()
        output, _ = forward(x)
        output.backward(G)
        return layer.weight_hh_l0.grad

    return step


def per_step(layer: Any, cells: bool) -> Callable[[np.ndarray], Any]:
    """The layer's forward as a loop over the steps: with ``F.lstm_cell``, or composed of elementwise ops."""
    import autograd_lite as ag
    from autograd_lite.nn import functional as F

    w_ih, w_hh, b_ih, b_hh = layer.weight_ih_l0, layer.weight_hh_l0, layer.bias_ih_l0, layer.bias_hh_l0
    hidden = layer.hidden_size

    def composed(x: Any, h: Any, c: Any) -> tuple[Any, Any]:
        gates = F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)
        i, f = ag.sigmoid(gates[:, :hidden]), ag.sigmoid(gates[:, hidden:2 * hidden])
        g, o = ag.tanh(gates[:, 2 * hidden:3 * hidden]), ag.sigmoid(gates[:, 3 * hidden:])
        c = f * c + i * g
        return o * ag.tanh(c), c

    def forward(x: np.ndarray) -> tuple[Any, None]:
        h = c = np.zeros((x.shape[1], hidden), np.float32)
        outputs = []
        for t in range(x.shape[0]):
            h, c = F.lstm_cell(x[t], h, c, w_ih, w_hh, b_ih, b_hh) if cells else composed(x[t], h, c)
            outputs.append(h)
        return ag.stack(outputs), None

    return forward


def build_torch(arrays: dict[str, np.ndarray]) -> Callable[[], Any]:
    from .common import load

    torch = load("torch")
    x, G = torch.from_numpy(arrays["x"]), torch.from_numpy(arrays["G"])
    layer = torch.nn.LSTM(x.shape[-1], G.shape[-1])
    layer.load_state_dict({name: torch.from_numpy(arrays[name]) for name, _ in layer.named_parameters()})

    def step() -> Any:
        layer.zero_grad()
        output, _ = layer(x)
        output.backward(G)
        return layer.weight_hh_l0.grad.numpy()

    return step


def make_step(label: str, *size: str) -> Callable[[], Any]:
    """``label``'s forward + backward of the LSTM at this size (``worker.py`` calls it)."""
    arrays = data(*map(int, size))
    return build_torch(arrays) if label == TORCH else build_ours(label, arrays)


def run(config: Config) -> Result:
    size = QUICK_SIZE if config.quick else SIZE
    length, batch, features, hidden = size
    cases = [case(label, __name__, *size, peers=("torch",) if label == TORCH else ()) for label in LABELS]
    results = measure(with_baseline(cases, config, OURS), config)
    rows = [[label, cell(results[label]), fmt_ratio(ratio(results[label], results[TORCH])),
             fmt_check(results[label].check)] for label in results]
    table = Table(
        f"LSTM forward + backward: hidden {hidden}, sequence {length}, batch {batch}, {features} input "
        f"features, float32", ["step", "time", "÷ PyTorch", "Σ ∂W_hh"], rows,
        ["Each step: the layer forward, then backward from one fixed gradient at every output; "
         "gradients of all four parameters.",
         "Σ ∂W_hh agrees across rows up to float32 rounding: the same weights and data everywhere."])
    r = ratio(results[OURS], results[TORCH])
    targets = [target("LSTM forward + backward within 2× of PyTorch eager", r, lambda v: v <= 2.0,
                      f"{fmt_ratio(r)} ({cell(results[OURS])} vs {cell(results[TORCH])})",
                      unknown=why_not(results, OURS, TORCH))]
    targets += baseline_target(OURS, results, OURS, config)
    return Result(NAME, TITLE, [table], targets, {"size": list(size), "results": results})
