"""Memory: peak resident memory of the tensor training step (batch 256, 50 steps), one fresh process
per library and repetition (``python -m benchmarks.memory LIBRARY BATCH STEPS``).

Three numbers per library: the process's peak resident memory over its whole life (VmHWM, imports
included); its resident memory once NumPy and the library are imported; and the peak of building the
model and training above that (the peak is reset after the imports through ``/proc/self/clear_refs``,
so an import-time spike does not hide it). The step is ``training_step.py``'s. (``ru_maxrss`` is not
used: Linux carries it over from the parent process across fork and exec.)

A second table measures ``checkpoint`` (``python -m benchmarks.memory checkpoint DEPTH WIDTH BATCH
BLOCK``): the peak of the memory NumPy allocates (tracemalloc) during one forward and backward pass
of a deep tanh MLP, above its weights and input, plain and with every BLOCK consecutive layers
checkpointed; and the time of that pass, untraced.
"""

from __future__ import annotations

import importlib
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from . import training_step
from .common import (
    Config,
    Result,
    Table,
    fmt_ratio,
    missing_message,
    peak_rss_bytes,
    run_worker,
    target,
)

NAME = "memory"
TITLE = "Memory"
BATCH, STEPS = 256, 50
QUICK_BATCH, QUICK_STEPS = 8, 2
#: the checkpoint table's MLP: depth, width, batch; and the block sizes compared (0: no checkpoint)
CHECKPOINT_MLP, QUICK_CHECKPOINT_MLP = (20, 512, 256), (4, 16, 8)
CHECKPOINT_BLOCKS, QUICK_CHECKPOINT_BLOCKS = (0, 1, 2, 4, 5), (0, 2)
REPEAT = 3
#: library key → (peer it needs, or None)
LIBRARIES = {"ours": None, "numpy": None, "torch": "torch", "autograd": "autograd", "mygrad": "mygrad",
             "jax_eager": "jax", "jax_jit": "jax"}
#: library key → what it imports
MODULES = {"ours": "autograd_lite", "numpy": "numpy", "torch": "torch", "autograd": "autograd",
           "mygrad": "mygrad", "jax_eager": "jax", "jax_jit": "jax"}


def rss_bytes() -> int:
    """This process's resident memory now (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0), so a later peak excludes import-time spikes."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def worker(library: str, batch: int, steps: int) -> dict[str, Any]:
    """Build the step for ``library`` and run it ``steps`` times, in this process; report memory."""
    importlib.import_module(MODULES[library])
    imported = rss_bytes()
    import_peak = peak_rss_bytes()
    reset = reset_peak_rss()
    X, labels, weights = training_step.problem(batch)
    step = training_step.BUILDERS[training_step.KEYS[library]](X, labels, weights)
    for _ in range(steps):
        step()
    training_peak = peak_rss_bytes()
    return {"peak_rss_bytes": max(import_peak, training_peak), "imported_rss_bytes": imported,
            "training_peak_bytes": training_peak if reset else None}


def checkpoint_worker(depth: int, width: int, batch: int, block: int) -> dict[str, Any]:
    """One forward and backward pass of a ``depth``-layer tanh MLP (``width`` units, ``batch`` rows),
    every ``block`` consecutive layers checkpointed (0: none): the peak of NumPy's allocations above
    the weights and the input (tracemalloc), and the seconds of the pass (median of 3, untraced)."""
    import numpy as np

    import autograd_lite as ag

    rng = np.random.default_rng(0)
    weights = [ag.Tensor(rng.normal(size=(width, width)) / np.sqrt(width), requires_grad=True)
               for _ in range(depth)]
    x = rng.normal(size=(batch, width))

    def layers(first: int, last: int) -> Any:
        def run(h: Any) -> Any:
            for W in weights[first:last]:
                h = ag.tanh(h @ W)
            return h
        return run

    size = block or depth
    blocks = [layers(i, min(i + size, depth)) for i in range(0, depth, size)]
    if block:
        blocks = [ag.checkpoint(b) for b in blocks]

    def step() -> int:
        h = ag.Tensor(x, requires_grad=True)
        for b in blocks:
            h = b(h)
        held = tracemalloc.get_traced_memory()[0] if tracemalloc.is_tracing() else 0
        h.sum().backward()
        return held

    times = []
    for _ in range(3):
        for W in weights:
            W.grad = None
        start = time.process_time()
        step()
        times.append(time.process_time() - start)
    for W in weights:
        W.grad = None
    tracemalloc.start()
    held = step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"peak_bytes": peak, "held_after_forward_bytes": held, "cpu_seconds": statistics.median(times),
            "check": float(weights[0].grad.sum())}


def checkpoint_table(config: Config) -> tuple[Table, dict[str, Any]]:
    depth, width, batch = QUICK_CHECKPOINT_MLP if config.quick else CHECKPOINT_MLP
    arguments = ["checkpoint", str(depth), str(width), str(batch)]
    runs = {block: run_worker("benchmarks.memory", [*arguments, str(block)], timeout=600)
            for block in (QUICK_CHECKPOINT_BLOCKS if config.quick else CHECKPOINT_BLOCKS)}
    plain = runs[0]
    rows = []
    for block, result in runs.items():
        what = "no checkpoint" if block == 0 else "checkpoint each layer" if block == 1 else \
            f"checkpoint every {block} layers ({-(-depth // block)} blocks)"
        if "error" in result:
            rows.append([what, result["error"], "—", "—", "—", "—"])
            continue
        compared = block != 0 and "error" not in plain
        saved = f"{1 - result['peak_bytes'] / plain['peak_bytes']:.0%}" if compared else "—"
        slower = fmt_ratio(result["cpu_seconds"] / plain["cpu_seconds"]) if compared else "—"
        rows.append([what, _size(result["held_after_forward_bytes"]), _size(result["peak_bytes"]), saved,
                     f"{result['cpu_seconds']:.2f} s", slower])
    array, weight = batch * width * 8, width * width * 8
    table = Table(
        f"checkpoint: memory of one forward + backward pass, tanh MLP of {depth} layers × {width} "
        f"units, batch {batch}",
        ["configuration", "held after the forward pass", "peak of the pass", "peak saved",
         "CPU time of the pass", "÷ no checkpoint"],
        rows,
        [f"NumPy's allocations (tracemalloc) above the weights and the input, in a fresh process per "
         f"row. One activation is {_size(array)}: without checkpointing each layer keeps its "
         f"matmul output and its tanh output from the forward pass to the backward pass; with it, only "
         f"each block's output is kept, and one block's intermediates exist at a time, while it is "
         f"recomputed. The peak also holds the {depth} weight gradients ({_size(weight)} each), "
         f"which no checkpointing saves.",
         "CPU time (process time, median of 3 passes, untraced): the recomputation adds about one "
         "forward pass."],
    )
    return table, {str(block): result for block, result in runs.items()}


def _size(x: float) -> str:
    """Bytes as KiB below 1 MiB, MiB with a decimal below 10 MiB, whole MiB above."""
    if x < 2**20:
        return f"{x / 2**10:.0f} KiB"
    return f"{x / 2**20:.1f} MiB" if x < 10 * 2**20 else f"{x / 2**20:.0f} MiB"


def mib(x: float | None) -> str:
    return "—" if x is None else f"{x / 2**20:.0f} MiB"


def run(config: Config) -> Result:
    batch, steps = (QUICK_BATCH, QUICK_STEPS) if config.quick else (BATCH, STEPS)
    repeat = 1 if config.quick else REPEAT
    missing = {key: missing_message(peer) if peer else None for key, peer in LIBRARIES.items()}
    runs: dict[str, list[dict[str, Any]]] = {key: [] for key in LIBRARIES}
    for _ in range(repeat):   # interleaved: one process per library per round
        for key in LIBRARIES:
            if not missing[key]:
                runs[key].append(run_worker("benchmarks.memory", [key, str(batch), str(steps)], timeout=600))
    summary: dict[str, dict[str, Any]] = {}
    rows = []
    for key, library_runs in runs.items():
        label = training_step.KEYS[key]
        good = [r for r in library_runs if "error" not in r]
        if missing[key] or not good:
            why = missing[key] or (library_runs[0]["error"] if library_runs else "not run")
            rows.append([label, why, "—", "—", "—"])
            summary[key] = {"status": why}
            continue
        peak = statistics.median(r["peak_rss_bytes"] for r in good)
        imported = statistics.median(r["imported_rss_bytes"] for r in good)
        training = [r["training_peak_bytes"] - r["imported_rss_bytes"] for r in good
                    if r["training_peak_bytes"] is not None]
        growth = statistics.median(training) if training else None
        summary[key] = {"peak_rss_bytes": peak, "imported_rss_bytes": imported,
                        "training_growth_bytes": growth, "runs": library_runs}
        rows.append([label, mib(peak), mib(imported), mib(growth), "—"])
    ours_peak = summary["ours"].get("peak_rss_bytes")
    for row, key in zip(rows, runs):
        peak = summary[key].get("peak_rss_bytes")
        if peak is not None and ours_peak:
            row[-1] = fmt_ratio(peak / ours_peak)
    table = Table(
        f"Peak resident memory, training step at batch {batch} ({steps} steps), fresh process per library",
        ["library", "peak RSS (whole process)", "RSS after imports", "model + training peak above that",
         "peak ÷ autograd_lite"],
        rows,
        [f"Median of {repeat} process(es) per library. 'RSS after imports': NumPy and the library "
         "imported, nothing built; the last column is the peak of building the model and training, "
         "above the RSS after imports.",
         "PyTorch's and JAX's shared libraries account for most of their resident memory before any "
         "training."],
    )
    torch_summary = summary["torch"]
    value = ours_peak / torch_summary["peak_rss_bytes"] if ours_peak and "peak_rss_bytes" in torch_summary \
        else float("nan")
    ours_growth = summary["ours"].get("training_growth_bytes")
    torch_growth = torch_summary.get("training_growth_bytes")
    growth_note = f"; model + training above the imports {mib(ours_growth)} vs {mib(torch_growth)}" \
        if ours_growth is not None and torch_growth is not None else ""
    targets = [target(f"memory ≤ PyTorch's (peak RSS, batch {batch})", value, lambda r: r <= 1,
                      f"{fmt_ratio(value)} ({mib(ours_peak)} vs {mib(torch_summary.get('peak_rss_bytes'))}"
                      f"{growth_note})",
                      unknown=f"PyTorch (eager): {summary['torch'].get('status')}"
                      if "status" in summary["torch"] else f"autograd_lite: {summary['ours'].get('status')}")]
    checkpoints, checkpoint_data = checkpoint_table(config)
    summary["checkpoint"] = checkpoint_data
    return Result(NAME, TITLE, [table, checkpoints], targets, summary)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] in LIBRARIES:
        print(json.dumps(worker(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
    elif len(sys.argv) == 6 and sys.argv[1] == "checkpoint":
        print(json.dumps(checkpoint_worker(*map(int, sys.argv[2:]))))
    else:
        sys.exit(f"usage: python -m benchmarks.memory {{{','.join(LIBRARIES)}}} BATCH STEPS\n"
                 f"       python -m benchmarks.memory checkpoint DEPTH WIDTH BATCH BLOCK")
