"""The scalar engine: micrograd's demo network, and the longest chain each engine can backpropagate.

MLP: forward + backward of a 2→16→16→1 ReLU network of scalars over N points of two moons, with
micrograd's demo loss (mean hinge loss plus 1e-4·Σp²), as in micrograd's ``demo.ipynb``. Every library
runs the same code on the same weights — micrograd its own ``micrograd.nn.MLP``, the others an
equivalent class below — so the losses agree to rounding (the ``loss`` column checks it).

Chain: y = y·1.0001 + 0.0001 repeated (two ops a step), then backward, each length in a fresh process
(``python -m benchmarks.scalar chain LIBRARY OPS``). When a length fails, the largest one that works
is found by bisection. micrograd's recursive topological sort hits Python's recursion limit.
"""

from __future__ import annotations

import importlib
import json
import math
import random
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .common import (
    Config,
    Result,
    Table,
    Target,
    baseline_target,
    case,
    cell,
    describe_error,
    fmt_check,
    fmt_ratio,
    fmt_time,
    load,
    measure,
    missing_message,
    peak_rss_bytes,
    ratio,
    run_worker,
    target,
    why_not,
    with_baseline,
)

NAME = "scalar"
TITLE = "Scalar engine"
SIZES = (10, 30, 100)
QUICK_SIZES = (4,)
LAYER_SIZES = (2, 16, 16, 1)
ALPHA = 1e-4   # the demo's L2 regularisation
CHAIN_LADDER = (1_000, 10_000, 100_000, 1_000_000)
QUICK_CHAIN_LADDER = (1_000, 10_000)

OURS = "autograd_lite"
OURS_NO_GC = "autograd_lite (gc.disable())"
MICROGRAD_GC = "micrograd (GC on)"
MICROGRAD_NO_GC = "micrograd (gc.disable())"
TORCH = "PyTorch (0-d tensors)"


# ---- the workload -------------------------------------------------------------------------------


def moons(n: int, seed: int = 1) -> tuple[list[list[float]], list[float]]:
    """``n`` points of two interleaving half circles (sklearn's ``make_moons``, noise 0.1), labels ±1."""
    rng = np.random.default_rng(seed)
    upper = n // 2
    t = np.concatenate([np.linspace(0, np.pi, upper), np.linspace(0, np.pi, n - upper)])
    x = np.where(np.arange(n) < upper, np.cos(t), 1 - np.cos(t))
    y = np.where(np.arange(n) < upper, np.sin(t), 0.5 - np.sin(t))
    points = np.stack([x, y], axis=1) + rng.normal(scale=0.1, size=(n, 2))
    labels = np.where(np.arange(n) < upper, -1.0, 1.0)
    return points.tolist(), labels.tolist()


def initial_weights(seed: int = 0) -> list[list[list[float]]]:
    """weights[layer][neuron] = that neuron's input weights, U(−1, 1) as micrograd draws them."""
    rng = random.Random(seed)
    return [[[rng.uniform(-1, 1) for _ in range(n_in)] for _ in range(n_out)]
            for n_in, n_out in zip(LAYER_SIZES, LAYER_SIZES[1:])]


class ScalarMLP:
    """``micrograd.nn.MLP``'s computation on any library's scalars (``make`` turns a float into one)."""

    def __init__(self, weights: list[list[list[float]]], make: Callable[[float], Any]) -> None:
        self.layers = [[([make(w) for w in row], make(0.0)) for row in layer] for layer in weights]

    def __call__(self, x: list[Any]) -> Any:
        for index, layer in enumerate(self.layers):
            last = index == len(self.layers) - 1
            out = []
            for w, b in layer:
                act = sum((wi * xi for wi, xi in zip(w, x)), b)
                out.append(act if last else act.relu())
            x = out
        return x[0]

    def parameters(self) -> list[Any]:
        return [p for layer in self.layers for w, b in layer for p in (*w, b)]


def demo_loss(model: Callable[[list[Any]], Any], parameters: list[Any], X: list[list[float]],
              y: list[float]) -> Any:
    """micrograd's demo loss: mean SVM max-margin (hinge) loss + α·Σp²."""
    scores = [model(x) for x in X]
    losses = [(1 + -yi * score).relu() for yi, score in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in parameters)
    return data_loss + reg_loss


def build_ours(X: list[list[float]], y: list[float]) -> Callable[[], float]:
    from autograd_lite import Value

    model = ScalarMLP(initial_weights(), Value)
    parameters = model.parameters()

    def step() -> float:
        for p in parameters:
            p.grad = 0.0
        loss = demo_loss(model, parameters, X, y)
        loss.backward()
        return loss.data

    return step


def build_micrograd(X: list[list[float]], y: list[float]) -> Callable[[], float]:
    load("micrograd")
    mlp_class = importlib.import_module("micrograd.nn").MLP
    model = mlp_class(LAYER_SIZES[0], list(LAYER_SIZES[1:]))
    for layer, layer_weights in zip(model.layers, initial_weights()):
        for neuron, weights in zip(layer.neurons, layer_weights):
            for wi, value in zip(neuron.w, weights):
                wi.data = value
            neuron.b.data = 0.0
    parameters = model.parameters()

    def step() -> float:
        model.zero_grad()
        loss = demo_loss(model, parameters, X, y)
        loss.backward()
        return loss.data

    return step


def build_torch(X: list[list[float]], y: list[float]) -> Callable[[], float]:
    torch = load("torch")
    model = ScalarMLP(initial_weights(), lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True))
    parameters = model.parameters()

    def step() -> float:
        for p in parameters:
            p.grad = None
        loss = demo_loss(model, parameters, X, y)
        loss.backward()
        return loss.item()

    return step


def graph_size(n: int) -> int:
    """Nodes in autograd_lite's graph of the demo loss over ``n`` points (what one call builds)."""
    from autograd_lite import Value
    from autograd_lite.engine import walk

    model = ScalarMLP(initial_weights(), Value)
    return len(walk(demo_loss(model, model.parameters(), *moons(n))))


MLP_BUILDERS = {"ours": build_ours, "micrograd": build_micrograd, "torch": build_torch}
#: label → (library, garbage collector on)
MLP_CASES = {OURS: ("ours", True), OURS_NO_GC: ("ours", False), MICROGRAD_GC: ("micrograd", True),
             MICROGRAD_NO_GC: ("micrograd", False), TORCH: ("torch", True)}
#: steps per loop: the cyclic collector runs about once a step or two, so a value spans several; one
#: value per process (more processes instead), since a step of micrograd with its collector is slow
STEPS_PER_LOOP = 3


def make_step(label: str, n: str) -> Callable[[], float]:
    """``label``'s forward + backward over ``n`` points (``worker.py`` calls it, in a process of its own)."""
    return MLP_BUILDERS[MLP_CASES[label][0]](*moons(int(n)))


def mlp_benchmark(config: Config) -> tuple[Table, dict[str, Any], list[Target]]:
    sizes = QUICK_SIZES if config.quick else SIZES
    by_size = {}
    for n in sizes:
        cases = [case(label, __name__, n, peers=() if library == "ours" else (library,),
                      gc_disabled=not gc_on, inner_loops=STEPS_PER_LOOP, values=1)
                 for label, (library, gc_on) in MLP_CASES.items()]
        by_size[n] = measure(with_baseline(cases, config, OURS, OURS_NO_GC), config)
    largest = sizes[-1]
    final = by_size[largest]
    rows = []
    for label in final:
        rows.append([label, *(cell(by_size[n][label]) for n in sizes), fmt_check(final[label].check),
                     fmt_ratio(ratio(final[label], final[OURS]))])
    try:
        nodes = graph_size(largest)
        size_note = f"One call builds and backpropagates a graph of {nodes:,} nodes at N={largest}"
        if final[OURS].ok:
            size_note += f" ({fmt_time(final[OURS].median / nodes)} per node for {OURS})"
    except Exception as error:
        size_note = f"(counting the graph's nodes failed: {describe_error(error)})"
    table = Table(
        "MLP 2→16→16→1 of scalars, forward + backward over N points (micrograd's demo loss)",
        ["library", *(f"N={n}" for n in sizes), f"loss (N={largest})", f"time ÷ {OURS} (N={largest})"],
        rows,
        [size_note + ".",
         "Identical weights and code in every library; equal losses show they compute the same thing.",
         "Each row runs in processes of its own that import only that library, as a user's program "
         "would: the cyclic garbage collector's work grows with everything alive in the process. "
         f"Each process times one value of {STEPS_PER_LOOP} or more steps run back to back, as in a "
         "training loop, with no gc.collect() between them.",
         "micrograd's graph is full of reference cycles (closures), so the cyclic GC runs often; "
         "gc.disable() shows its cost without the collector (for autograd_lite too, for information: "
         "the targets compare autograd_lite as users run it, GC on)."],
    )
    speedup_gc = ratio(final[MICROGRAD_GC], final[OURS])
    speedup_no_gc = ratio(final[MICROGRAD_NO_GC], final[OURS])
    targets = [
        target(f"scalar MLP ≥10× faster than micrograd with GC on (N={largest})", speedup_gc,
               lambda r: r >= 10, f"{fmt_ratio(speedup_gc)} ({fmt_time(final[OURS].median)} vs "
               f"{fmt_time(final[MICROGRAD_GC].median)})", unknown=why_not(final, OURS, MICROGRAD_GC)),
        target(f"scalar MLP faster than micrograd with gc.disable() (N={largest})", speedup_no_gc,
               lambda r: r > 1, f"{fmt_ratio(speedup_no_gc)} ({fmt_time(final[OURS].median)} vs "
               f"{fmt_time(final[MICROGRAD_NO_GC].median)})", unknown=why_not(final, OURS, MICROGRAD_NO_GC)),
        *baseline_target(f"scalar MLP time (N={largest})", final, OURS, config),
    ]
    return table, {str(n): stats for n, stats in by_size.items()}, targets


# ---- the chain ----------------------------------------------------------------------------------

CHAIN_LIBRARIES = {OURS: "ours", "micrograd": "micrograd", "PyTorch (0-d tensors)": "torch"}


def chain(library: str, ops: int) -> dict[str, Any]:
    """Build y = y·1.0001 + 0.0001 (``ops`` ops in all) and backpropagate, in this process."""
    if library == "ours":
        from autograd_lite import Value

        x = Value(1.0)
    elif library == "micrograd":
        x = importlib.import_module("micrograd.engine").Value(1.0)
    else:
        import torch

        x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    start = time.perf_counter()
    try:
        y = x
        for _ in range(ops // 2):
            y = y * 1.0001 + 0.0001
        built = time.perf_counter()
        y.backward()
    except RecursionError:
        return {"ok": False, "error": "RecursionError"}
    except MemoryError:
        return {"ok": False, "error": "MemoryError"}
    done = time.perf_counter()
    grad = float(x.grad)
    expected = 1.0001 ** (ops // 2)
    if not math.isclose(grad, expected, rel_tol=1e-6):
        return {"ok": False, "error": f"wrong gradient {grad} (expected {expected})"}
    return {"ok": True, "forward_s": built - start, "backward_s": done - built,
            "peak_rss_bytes": peak_rss_bytes()}


def chain_in_subprocess(library: str, ops: int, timeout: float) -> dict[str, Any]:
    result = run_worker("benchmarks.scalar", ["chain", library, str(ops)], timeout)
    result.setdefault("ok", False)
    return result


def chain_benchmark(config: Config) -> tuple[Table, dict[str, Any], list[Target]]:
    ladder = QUICK_CHAIN_LADDER if config.quick else CHAIN_LADDER
    timeout = 60 if config.quick else 600
    runs: dict[str, dict[int, dict[str, Any]]] = {label: {} for label in CHAIN_LIBRARIES}
    missing = {label: None if key == "ours" else missing_message(key)
               for label, key in CHAIN_LIBRARIES.items()}
    failed: set[str] = set()
    for ops in ladder:   # interleaved by length; a library stops at its first failure
        for label, key in CHAIN_LIBRARIES.items():
            if missing[label] or label in failed:
                continue
            runs[label][ops] = chain_in_subprocess(key, ops, timeout)
            if not runs[label][ops]["ok"]:
                failed.add(label)
    largest: dict[str, int | None] = {}
    for label, key in CHAIN_LIBRARIES.items():
        if missing[label]:
            continue
        good = [ops for ops, r in runs[label].items() if r["ok"]]
        largest[label] = max(good) if good else None
        if label in failed:   # bisect between the last length that worked and the first that did not
            low, high = largest[label] or 0, min(ops for ops, r in runs[label].items() if not r["ok"])
            for _ in range(12):
                if high - low <= max(2, low // 100):
                    break
                middle = (low + high) // 4 * 2
                runs[label][middle] = chain_in_subprocess(key, middle, timeout)
                low, high = (middle, high) if runs[label][middle]["ok"] else (low, middle)
            largest[label] = low or None
    rows = []
    for label in CHAIN_LIBRARIES:
        if missing[label]:
            rows.append([label, *([missing[label]] * len(ladder)), "—"])
            continue
        cells = []
        for ops in ladder:
            r = runs[label].get(ops)
            if r is None:
                cells.append("not tried")
            elif r["ok"]:
                cells.append(f"{fmt_time(r['forward_s'] + r['backward_s'])} "
                             f"({r['peak_rss_bytes'] / 2**20:.0f} MiB)")
            else:
                cells.append(f"fails: {r['error']}")
        best = largest[label]
        bisected = label in failed and best is not None and best not in ladder
        largest_text = "none" if best is None else f"{best:,}" + (" (bisected)" if bisected else "")
        rows.append([label, *cells, largest_text])
    table = Table(
        "Longest chain of scalar ops that backpropagates (y = y·1.0001 + 0.0001)",
        ["library", *(f"{ops:,} ops" for ops in ladder), "largest that works"],
        rows,
        ["Each cell: forward + backward time of one run in a fresh process (peak resident memory of "
         "that process). Python's default recursion limit (1000) applies.",
         "A length that fails is bisected down to the largest that works (to within 1%)."],
    )
    ours_best = largest.get(OURS)
    if config.quick:
        chain_target = Target("a chain of 1,000,000 scalar ops backpropagates", "not tried in --quick", None)
    else:
        chain_target = Target("a chain of 1,000,000 scalar ops backpropagates",
                              f"largest that works: {ours_best or 0:,} ops",
                              ours_best is not None and ours_best >= 1_000_000)
    return table, {"runs": runs, "largest": largest}, [chain_target]


def run(config: Config) -> Result:
    mlp_table, mlp_data, mlp_targets = mlp_benchmark(config)
    chain_table, chain_data, chain_targets = chain_benchmark(config)
    return Result(NAME, TITLE, [mlp_table, chain_table], mlp_targets + chain_targets,
                  {"mlp": mlp_data, "chain": chain_data})


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "chain":
        print(json.dumps(chain(sys.argv[2], int(sys.argv[3]))))
    else:
        sys.exit("usage: python -m benchmarks.scalar chain {ours,micrograd,torch} OPS")
