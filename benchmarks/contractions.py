"""einsum and tensordot: forward + backward of an MLP-sized contraction against NumPy's own.

The contraction is a dense layer's, ``"bi,ij->bj"`` (and ``tensordot(x, W, axes=1)``), with a batch of
b = 64 and 256 and i = j = 256, in float64. Each step computes the forward and the gradients with
respect to both operands for one fixed upstream gradient G. NumPy's step is its own forward
(``np.einsum``, ``np.tensordot``) and the backward written by hand: ∂x = G Wᵀ, ∂W = xᵀ G, two matmuls.
The issue's target: ours within 1.5× of NumPy's. ``np.einsum`` is timed with ``optimize=True`` (the
faster of its two settings here: its default, ``optimize=False``, loops in C without BLAS, and is
shown beside it) so that the target compares with NumPy at its best; the matmul row is the floor.
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

NAME = "contractions"
TITLE = "einsum and tensordot"
SIZES = (64, 256)
QUICK_SIZES = (8,)
FEATURES = 256
QUICK_FEATURES = 16
SUBSCRIPTS = "bi,ij->bj"

EINSUM = "autograd_lite einsum"
TENSORDOT = "autograd_lite tensordot"
NUMPY_EINSUM = "NumPy einsum (optimize=True) + hand-written backward"
NUMPY_EINSUM_DEFAULT = "NumPy einsum (optimize=False, its default) + hand-written backward"
NUMPY_TENSORDOT = "NumPy tensordot + hand-written backward"
NUMPY_MATMUL = "NumPy matmul + hand-written backward (floor)"


def operands(batch: int, features: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return (rng.normal(size=(batch, features)), rng.normal(size=(features, features)) / features ** 0.5,
            rng.normal(size=(batch, features)))


def build_ours(which: str, x0: np.ndarray, w0: np.ndarray, g: np.ndarray) -> Callable[[], Any]:
    import autograd_lite as ag

    x, w = ag.Tensor(x0, requires_grad=True), ag.Tensor(w0, requires_grad=True)
    forward = (lambda: ag.einsum(SUBSCRIPTS, x, w)) if which == "einsum" else \
        (lambda: ag.tensordot(x, w, axes=1))

    def step() -> Any:
        x.grad = w.grad = None
        forward().backward(g)
        return w.grad

    return step


def build_numpy(forward: Callable[[np.ndarray, np.ndarray], np.ndarray], x: np.ndarray, w: np.ndarray,
                g: np.ndarray) -> Callable[[], Any]:
    def step() -> Any:
        forward(x, w)
        _ = g @ w.T   # ∂x
        return x.T @ g   # ∂W

    return step


NUMPY_FORWARDS = {
    NUMPY_EINSUM: lambda x, w: np.einsum(SUBSCRIPTS, x, w, optimize=True),
    NUMPY_EINSUM_DEFAULT: lambda x, w: np.einsum(SUBSCRIPTS, x, w),
    NUMPY_TENSORDOT: lambda x, w: np.tensordot(x, w, axes=1),
    NUMPY_MATMUL: lambda x, w: x @ w,
}
LABELS = (EINSUM, TENSORDOT, *NUMPY_FORWARDS)


def make_step(label: str, batch: str, features: str) -> Callable[[], Any]:
    """``label``'s forward + backward of the contraction at this size (``worker.py`` calls it)."""
    x, w, g = operands(int(batch), int(features))
    if label == EINSUM:
        return build_ours("einsum", x, w, g)
    if label == TENSORDOT:
        return build_ours("tensordot", x, w, g)
    return build_numpy(NUMPY_FORWARDS[label], x, w, g)


def run(config: Config) -> Result:
    sizes = QUICK_SIZES if config.quick else SIZES
    features = QUICK_FEATURES if config.quick else FEATURES
    by_size = {}
    for b in sizes:
        cases = [case(label, __name__, b, features) for label in LABELS]
        by_size[b] = measure(with_baseline(cases, config, EINSUM, TENSORDOT), config)
    rows = []
    for label in by_size[sizes[0]]:
        rows.append([label, *(cell(by_size[b][label]) for b in sizes),
                     *(fmt_ratio(ratio(by_size[b][label], by_size[b][NUMPY_MATMUL])) for b in sizes),
                     fmt_check(by_size[sizes[0]][label].check)])
    table = Table(
        f"{SUBSCRIPTS!r} (x of b×{features}, W of {features}×{features}, float64), forward + both gradients",
        ["step", *(f"b={b}" for b in sizes), *(f"÷ matmul floor (b={b})" for b in sizes), "Σ ∂W"], rows,
        ["NumPy's steps: its forward, then ∂x = G Wᵀ and ∂W = xᵀ G by hand (two matmuls).",
         "Ours: ag.einsum / ag.tensordot on Tensors that require grad, then backward(G).",
         "The target compares with np.einsum(optimize=True), the faster of NumPy's two settings here."],
    )
    targets = []
    for b in sizes:
        results = by_size[b]
        for ours, theirs in ((EINSUM, NUMPY_EINSUM), (TENSORDOT, NUMPY_TENSORDOT)):
            r = ratio(results[ours], results[theirs])
            name = ours.split()[-1]
            targets.append(target(f"{name} forward + backward within 1.5× of NumPy's (b={b})", r,
                                  lambda v: v <= 1.5, f"{fmt_ratio(r)} ({cell(results[ours])} vs "
                                  f"{cell(results[theirs])})", unknown=why_not(results, ours, theirs)))
        for ours in (EINSUM, TENSORDOT):
            targets += baseline_target(f"{ours} (b={b})", results, ours, config)
    return Result(NAME, TITLE, [table], targets, {str(b): stats for b, stats in by_size.items()})
