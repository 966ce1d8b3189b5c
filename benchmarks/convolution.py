"""Convolution layers: conv2d forward + backward, and a LeNet-style training step, float32.

conv2d: a batch of 64, a 3×3 kernel with a bias, the two convolutions of PyTorch's MNIST example:
1×28×28 → 32 channels, and 32×26×26 (the first one's output) → 64 channels. Each step computes the
forward and the gradients with respect to the input, the weight and the bias for one fixed upstream
gradient G. The floor is im2col written by hand in NumPy: the windows by
``np.lib.stride_tricks.sliding_window_view``, copied into a (N·positions, C·3·3) matrix, one matmul
forward; backward ∂W = Gᵀ·columns, ∂columns = G·W (two matmuls), ∂x by adding the columns back over
the nine kernel offsets (col2im), ∂b = ΣG. The issue's targets: ours within 2× of PyTorch eager
(oneDNN) and within 1.2× of the floor.

LeNet: conv(1→6, 5)-relu-maxpool 2-conv(6→16, 5)-relu-maxpool 2-flatten-linear(256→120)-relu-
linear(120→84)-relu-linear(84→10), cross-entropy, one SGD step (lr 0.01) on a random batch of 64
1×28×28 images; the same initial weights in both libraries. Target: within 2× of PyTorch eager.
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
    load,
    measure,
    ratio,
    target,
    why_not,
    with_baseline,
)

NAME = "convolution"
TITLE = "convolution layers"
BATCH = 64
QUICK_BATCH = 2
LR = 0.01

#: layer name -> (in channels, out channels, input side), kernel 3×3
LAYERS = {"1→32": (1, 32, 28), "32→64": (32, 64, 26)}
QUICK_LAYERS = {"1→32": (1, 32, 28), "32→64": (32, 64, 8)}
KERNEL = 3

OURS = "autograd_lite"
TORCH = "PyTorch (eager)"
FLOOR = "NumPy im2col, hand-written (floor)"
CONV_LABELS = (OURS, TORCH, FLOOR)
LENET_LABELS = (OURS, TORCH)
PEERS = {TORCH: ("torch",)}

#: LeNet's parameter shapes, in PyTorch's order (weight, bias per layer)
LENET_SHAPES = [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (120, 256), (120,), (84, 120), (84,), (10, 84),
                (10,)]


# ---- conv2d forward + backward ---------------------------------------------------------------------


def conv_problem(c_in: int, c_out: int, side: int, batch: int) -> tuple[np.ndarray, ...]:
    """Input, weight (PyTorch's U(−1/√fan_in, 1/√fan_in)), bias and upstream gradient, float32."""
    rng = np.random.default_rng(0)
    bound = 1 / np.sqrt(c_in * KERNEL * KERNEL)
    out = side - KERNEL + 1
    return (rng.standard_normal((batch, c_in, side, side), dtype=np.float32),
            rng.uniform(-bound, bound, (c_out, c_in, KERNEL, KERNEL)).astype(np.float32),
            rng.uniform(-bound, bound, c_out).astype(np.float32),
            rng.standard_normal((batch, c_out, out, out), dtype=np.float32))


def conv_ours(x0: np.ndarray, w0: np.ndarray, b0: np.ndarray, g: np.ndarray) -> Callable[[], Any]:
    import autograd_lite as ag
    from autograd_lite.nn import functional as F

    x, w, b = (ag.Tensor(a, requires_grad=True) for a in (x0, w0, b0))

    def step() -> Any:
        x.grad = w.grad = b.grad = None
        F.conv2d(x, w, b).backward(g)
        return w.grad

    return step


def conv_torch(x0: np.ndarray, w0: np.ndarray, b0: np.ndarray, g0: np.ndarray) -> Callable[[], Any]:
    torch = load("torch")
    x, w, b = (torch.tensor(a, requires_grad=True) for a in (x0, w0, b0))
    g = torch.from_numpy(g0)

    def step() -> Any:
        x.grad = w.grad = b.grad = None
        torch.nn.functional.conv2d(x, w, b).backward(g)
        return w.grad.numpy()

    return step


def conv_floor(x: np.ndarray, w: np.ndarray, b: np.ndarray, g: np.ndarray) -> Callable[[], Any]:
    n, c, side, _ = x.shape
    o, k, out = w.shape[0], w.shape[2], g.shape[2]
    weights = w.reshape(o, -1)

    def step() -> Any:
        windows = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))   # (N, C, out, out, k, k)
        columns = windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * out * out, c * k * k)
        y = (columns @ weights.T + b).reshape(n, out, out, o).transpose(0, 3, 1, 2)
        rows = g.transpose(0, 2, 3, 1).reshape(n * out * out, o)
        dw = (rows.T @ columns).reshape(w.shape)
        db = rows.sum(0)
        dcolumns = (rows @ weights).reshape(n, out, out, c, k, k).transpose(0, 3, 4, 5, 1, 2)
        dx = np.zeros_like(x)
        for i in range(k):
            for j in range(k):
                dx[:, :, i:i + out, j:j + out] += dcolumns[:, :, i, j]
        return y, dw, db, dx

    return lambda: step()[1]


CONV_BUILDERS = {OURS: conv_ours, TORCH: conv_torch, FLOOR: conv_floor}


# ---- LeNet training step -----------------------------------------------------------------------------


def lenet_problem(batch: int) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Random images and labels, and the weights in PyTorch's order, U(−1/√fan_in, 1/√fan_in)."""
    rng = np.random.default_rng(0)
    images = rng.standard_normal((batch, 1, 28, 28), dtype=np.float32)
    labels = rng.integers(0, 10, batch)
    weights, fan_in = [], 1
    for shape in LENET_SHAPES:
        if len(shape) > 1:
            fan_in = int(np.prod(shape[1:]))
        bound = 1 / np.sqrt(fan_in)
        weights.append(rng.uniform(-bound, bound, shape).astype(np.float32))
    return images, labels, weights


def lenet_ours(images: np.ndarray, labels: np.ndarray, weights: list[np.ndarray]) -> Callable[[], Any]:
    from autograd_lite import nn, optim
    from autograd_lite.nn import functional as F

    class LeNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1, self.conv2 = nn.Conv2d(1, 6, 5), nn.Conv2d(6, 16, 5)
            self.fc1, self.fc2, self.fc3 = nn.Linear(256, 120), nn.Linear(120, 84), nn.Linear(84, 10)

        def forward(self, x: Any) -> Any:
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.reshape(x.shape[0], -1)
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

    net = LeNet()
    for parameter, w in zip(net.parameters(), weights):
        parameter.data = w.copy()
    optimizer = optim.SGD(net.parameters(), lr=LR)

    def step() -> Any:
        optimizer.zero_grad()
        loss = F.cross_entropy(net(images), labels)
        loss.backward()
        optimizer.step()
        return loss

    return step


def lenet_torch(images: np.ndarray, labels: np.ndarray, weights: list[np.ndarray]) -> Callable[[], Any]:
    torch = load("torch")
    nn, F = torch.nn, torch.nn.functional
    net = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84),
                        nn.ReLU(), nn.Linear(84, 10))
    with torch.no_grad():
        for parameter, w in zip(net.parameters(), weights):
            parameter.copy_(torch.from_numpy(w))
    optimizer = torch.optim.SGD(net.parameters(), lr=LR)
    x, y = torch.from_numpy(images), torch.from_numpy(labels)

    def step() -> Any:
        optimizer.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        optimizer.step()
        return loss.detach()

    return step


LENET_BUILDERS = {OURS: lenet_ours, TORCH: lenet_torch}


def make_step(label: str, workload: str, *args: str) -> Callable[[], Any]:
    """``label``'s step of ``workload`` (``conv`` with the layer's channels and side, or ``lenet``),
    at batch ``args[-1]`` (``worker.py`` calls it)."""
    if workload == "lenet":
        return LENET_BUILDERS[label](*lenet_problem(int(args[0])))
    return CONV_BUILDERS[label](*conv_problem(*map(int, args)))


# ---- the report ----------------------------------------------------------------------------------------


def run(config: Config) -> Result:
    batch = QUICK_BATCH if config.quick else BATCH
    layers = QUICK_LAYERS if config.quick else LAYERS
    by_layer = {}
    for name, (c_in, c_out, side) in layers.items():
        cases = [case(label, __name__, "conv", c_in, c_out, side, batch, peers=PEERS.get(label, ()))
                 for label in CONV_LABELS]
        by_layer[name] = measure(with_baseline(cases, config, OURS), config)
    names = list(layers)
    rows = [[label, *(cell(by_layer[n][label]) for n in names),
             *(fmt_ratio(ratio(by_layer[n][label], by_layer[n][TORCH])) for n in names),
             *(fmt_ratio(ratio(by_layer[n][label], by_layer[n][FLOOR])) for n in names),
             fmt_check(by_layer[names[0]][label].check)] for label in by_layer[names[0]]]
    sizes = ", ".join(f"{n}: input {batch}×{c}×{s}×{s}" for n, (c, _, s) in layers.items())
    conv_table = Table(
        f"conv2d 3×3 with bias, forward + gradients of input, weight and bias, float32 ({sizes})",
        ["step", *names, *(f"÷ PyTorch ({n})" for n in names), *(f"÷ floor ({n})" for n in names),
         f"Σ ∂W ({names[0]})"], rows,
        ["Ours: F.conv2d on Tensors that require grad, then backward(G).",
         "PyTorch: torch.nn.functional.conv2d, then backward(G), on its own threads (one with --threads 1).",
         "Floor: NumPy im2col by sliding_window_view and one matmul; the backward by hand (two matmuls, "
         "col2im)."])
    cases = [case(label, __name__, "lenet", batch, peers=PEERS.get(label, ())) for label in LENET_LABELS]
    lenet = measure(with_baseline(cases, config, OURS), config)
    lenet_table = Table(
        f"LeNet-style training step (batch {batch}, 1×28×28, float32): forward, cross-entropy, backward, SGD",
        ["library", "time", "÷ PyTorch", "first loss"],
        [[label, cell(stats), fmt_ratio(ratio(stats, lenet[TORCH])), fmt_check(stats.check)]
         for label, stats in lenet.items()],
        ["conv(1→6, 5)-relu-maxpool 2-conv(6→16, 5)-relu-maxpool 2-flatten-linear(256→120)-relu-"
         "linear(120→84)-relu-linear(84→10); the same initial weights in both."])
    targets = []
    for n in names:
        results = by_layer[n]
        for theirs, bound, what in ((TORCH, 2.0, "PyTorch eager"), (FLOOR, 1.2, "the NumPy im2col floor")):
            r = ratio(results[OURS], results[theirs])
            targets.append(target(f"conv2d {n} forward + backward within {bound:g}× of {what}", r,
                                  lambda v, bound=bound: v <= bound,
                                  f"{fmt_ratio(r)} ({cell(results[OURS])} vs {cell(results[theirs])})",
                                  unknown=why_not(results, OURS, theirs)))
        targets += baseline_target(f"conv2d {n}", results, OURS, config)
    r = ratio(lenet[OURS], lenet[TORCH])
    targets.append(target("LeNet training step within 2× of PyTorch eager", r, lambda v: v <= 2.0,
                          f"{fmt_ratio(r)} ({cell(lenet[OURS])} vs {cell(lenet[TORCH])})",
                          unknown=why_not(lenet, OURS, TORCH)))
    targets += baseline_target("LeNet training step", lenet, OURS, config)
    return Result(NAME, TITLE, [conv_table, lenet_table], targets, {"conv2d": by_layer, "lenet": lenet})
