"""Per-op overhead: a chain of 100 small elementwise ops on a float64 vector, forward + backward.

The chain repeats ×1.01, +0.1, exp, log (25 times), sums, and takes the gradient with respect to the
input (1.01²⁵ everywhere: exp and log cancel, so values and gradients stay of order one). On a (10,)
array the arithmetic is negligible, so the time per op is each library's bookkeeping: recording the
graph, dispatching the op, and running its vector-Jacobian product. NumPy running the
same chain forward only (no graph, no gradient) is the floor. Larger arrays show where the arithmetic
takes over.
"""

from __future__ import annotations

import importlib
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

NAME = "per_op"
TITLE = "Per-op overhead"
OPS = 100
SIZES = (10, 1_000, 100_000)
QUICK_SIZES = (10,)

OURS = "autograd_lite"
ANOMALY = "autograd_lite, anomaly mode on"
TORCH = "PyTorch"
HIPS = "HIPS autograd"
MYGRAD = "MyGrad"
JAX = "JAX eager (jax.grad, no jit)"
NUMPY = "NumPy, forward only (floor)"


def chain(y: Any, lib: Any) -> Any:
    """``OPS`` elementwise ops: (×1.01, +0.1, exp, log) × OPS/4, with ``lib.exp`` and ``lib.log``."""
    for _ in range(OPS // 4):
        y = y * 1.01
        y = y + 0.1
        y = lib.exp(y)
        y = lib.log(y)
    return y


def reverse_mode_step(x: Any, lib: Any) -> Callable[[], Any]:
    """One forward + backward through ``chain`` for libraries with ``.backward()`` and ``.grad``."""

    def step() -> Any:
        x.grad = None
        chain(x, lib).sum().backward()
        return x.grad

    return step


def build_ours(x0: np.ndarray) -> Callable[[], Any]:
    import autograd_lite as ag

    return reverse_mode_step(ag.Tensor(x0, requires_grad=True), ag)


def build_ours_anomaly(x0: np.ndarray) -> Callable[[], Any]:
    import autograd_lite as ag

    step = build_ours(x0)

    def step_in_anomaly_mode() -> Any:
        with ag.detect_anomaly():
            return step()

    return step_in_anomaly_mode


def build_torch(x0: np.ndarray) -> Callable[[], Any]:
    torch = load("torch")
    return reverse_mode_step(torch.tensor(x0, requires_grad=True), torch)


def build_hips(x0: np.ndarray) -> Callable[[], Any]:
    autograd = load("autograd")
    anp = autograd.numpy
    gradient = autograd.grad(lambda x: anp.sum(chain(x, anp)))
    return lambda: gradient(x0)


def build_mygrad(x0: np.ndarray) -> Callable[[], Any]:
    mg = load("mygrad")
    x = mg.tensor(x0)

    def step() -> Any:
        chain(x, mg).sum().backward()
        return x.grad

    return step


def build_jax(x0: np.ndarray) -> Callable[[], Any]:
    jax = load("jax")
    jnp = jax.numpy
    # a context manager for float64: jax.enable_x64 in recent JAX, jax.experimental.enable_x64 before
    if hasattr(jax, "enable_x64"):
        enable_x64 = jax.enable_x64
    else:
        enable_x64 = importlib.import_module("jax.experimental").enable_x64
    with enable_x64(True):   # float64, like everyone else
        x = jnp.asarray(x0)
    gradient = jax.grad(lambda x: jnp.sum(chain(x, jnp)))

    def step() -> Any:
        with enable_x64(True):
            return gradient(x).block_until_ready()

    return step


def build_numpy(x0: np.ndarray) -> Callable[[], Any]:
    return lambda: chain(x0, np).sum()


BUILDERS = {OURS: build_ours, ANOMALY: build_ours_anomaly, TORCH: build_torch, HIPS: build_hips,
            MYGRAD: build_mygrad, JAX: build_jax, NUMPY: build_numpy}
PEERS = {TORCH: ["torch"], HIPS: ["autograd"], MYGRAD: ["mygrad"], JAX: ["jax"]}


def make_step(label: str, n: str) -> Callable[[], Any]:
    """``label``'s forward + backward through the chain on a vector of ``n`` (``worker.py`` calls it)."""
    return BUILDERS[label](np.random.default_rng(0).uniform(-1, 1, int(n)))


def run(config: Config) -> Result:
    sizes = QUICK_SIZES if config.quick else SIZES
    by_size = {}
    for n in sizes:
        cases = [case(label, __name__, n, peers=PEERS.get(label, ())) for label in BUILDERS]
        by_size[n] = measure(with_baseline(cases, config, OURS), config)
    small = by_size[sizes[0]]
    rows = []
    for label in small:
        rows.append([label, *(cell(by_size[n][label], scale=OPS, unit="µs") for n in sizes),
                     fmt_check(small[label].check), fmt_ratio(ratio(small[label], small[OURS]))])
    table = Table(
        f"Chain of {OPS} elementwise ops on a float64 vector, forward + backward: time per op",
        ["library", *(f"n={n:,}" for n in sizes), f"Σ grad (n={sizes[0]})", f"time ÷ {OURS} (n={sizes[0]})"],
        rows,
        [f"Each call: {OPS} ops forward, a sum, and the gradient with respect to the input; the time "
         f"is divided by {OPS}.",
         "NumPy's row is the forward chain alone (its Σ column is the forward sum, not a gradient).",
         "JAX runs with 64-bit floats enabled (jax.enable_x64) so that it computes in float64 too."],
    )
    ours = small[OURS]
    per_op_us = ours.median / OPS * 1e6 if ours.ok else float("nan")
    n = sizes[0]
    vs_torch, vs_hips, vs_mygrad = (ratio(ours, small[label]) for label in (TORCH, HIPS, MYGRAD))
    targets = [
        target(f"per-op overhead ≤ 6 µs/op (n={n})", per_op_us, lambda v: v <= 6, f"{per_op_us:.3g} µs/op",
               unknown=why_not(small, OURS)),
        target("per-op under half of PyTorch's", vs_torch, lambda r: r < 0.5,
               f"{fmt_ratio(vs_torch)} of PyTorch's ({per_op_us:.3g} vs "
               f"{small[TORCH].median / OPS * 1e6:.3g} µs/op)", unknown=why_not(small, OURS, TORCH)),
        target("per-op below HIPS autograd's", vs_hips, lambda r: r < 1,
               f"{fmt_ratio(vs_hips)} of HIPS autograd's ({small[HIPS].median / OPS * 1e6:.3g} µs/op)",
               unknown=why_not(small, OURS, HIPS)),
        target("per-op below MyGrad's", vs_mygrad, lambda r: r < 1,
               f"{fmt_ratio(vs_mygrad)} of MyGrad's ({small[MYGRAD].median / OPS * 1e6:.3g} µs/op)",
               unknown=why_not(small, OURS, MYGRAD)),
        *baseline_target(f"per-op time (n={n})", small, OURS, config),
    ]
    return Result(NAME, TITLE, [table], targets, {str(n): stats for n, stats in by_size.items()})
