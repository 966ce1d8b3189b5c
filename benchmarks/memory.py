"""Memory: peak resident memory of the tensor training step (batch 256, 50 steps), one fresh process
per library and repetition (``python -m benchmarks.memory LIBRARY BATCH STEPS``).

Three numbers per library: the process's peak resident memory over its whole life (VmHWM, imports
included); its resident memory once NumPy and the library are imported; and the peak of building the
model and training above that (the peak is reset after the imports through ``/proc/self/clear_refs``,
so an import-time spike does not hide it). The step is ``training_step.py``'s. (``ru_maxrss`` is not
used: Linux carries it over from the parent process across fork and exec.)
"""

from __future__ import annotations

import importlib
import json
import statistics
import sys
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
    return Result(NAME, TITLE, [table], targets, summary)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] in LIBRARIES:
        print(json.dumps(worker(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
    else:
        sys.exit(f"usage: python -m benchmarks.memory {{{','.join(LIBRARIES)}}} BATCH STEPS")
