"""One case of one benchmark under pyperf: ``python -m benchmarks.worker NAME MODULE KEY [ARG ...]``.

:func:`benchmarks.common.measure` runs this once per case and round, with pyperf's own options
(``--processes 1 --values V --loops L --append FILE``). pyperf's ``Runner`` then does the rest: it
spawns the worker process, calibrates the loops, runs the warm-ups, times the values, collects the
machine's metadata and appends the run to FILE. In the worker, ``MODULE.make_step(KEY, *ARG)`` builds
the work: a function doing one unit of it (one training step, one fit). Our own options:

* ``--inner-loops N``: each loop calls the step N times (pyperf divides by it), so that one value
  spans several steps, as a training loop does (the scalar engines' garbage collector runs every few);
* ``--gc-off``: the values are timed with the garbage collector disabled;
* ``--source DIR``: ``autograd_lite`` is imported from DIR (a baseline revision, ``run.py --baseline``).
"""

from __future__ import annotations

import gc
import importlib
import sys
import time
from argparse import Namespace
from collections.abc import Callable
from typing import Any

import numpy as np
import pyperf

from .common import FAILED, PeerMissing, describe_error


def time_steps(loops: int, step: Callable[[], Any], inner_loops: int, gc_off: bool) -> float:
    """Seconds taken by ``loops × inner_loops`` calls of ``step``, back to back."""
    calls = range(loops * inner_loops)
    if gc_off:
        gc.disable()
    try:
        start = time.perf_counter()
        for _ in calls:
            step()
        return time.perf_counter() - start
    finally:
        gc.enable()


def prepare(args: Namespace) -> tuple[Callable[[], Any], dict[str, Any]]:
    """Build the step; call it once (its first result, a loss or an accuracy, is the sanity check)."""
    if args.source:
        sys.path.insert(0, args.source)
    try:
        step = importlib.import_module(args.module).make_step(args.key, *args.args)
        first = step()
    except Exception as error:
        sys.exit(FAILED + (str(error) if isinstance(error, PeerMissing) else describe_error(error)))
    metadata = {"check": float(np.sum(np.asarray(getattr(first, "data", first))))}
    if "autograd_lite" in sys.modules:
        metadata["autograd_lite_file"] = sys.modules["autograd_lite"].__file__
    return step, metadata


def forward_options(command: list[str], args: Namespace) -> None:
    """pyperf's hook for the worker's command line: pass our arguments on."""
    command += [args.name, args.module, args.key, *args.args, "--inner-loops", str(args.inner_loops)]
    if args.gc_off:
        command.append("--gc-off")
    if args.source:
        command += ["--source", args.source]


def main() -> None:
    runner = pyperf.Runner(program_args=("-m", "benchmarks.worker"), add_cmdline_args=forward_options)
    parser = runner.argparser
    parser.add_argument("name", help="the benchmark's name in the results")
    parser.add_argument("module", help="the module whose make_step(KEY, *ARG) builds the work")
    parser.add_argument("key", help="which of the module's cases")
    parser.add_argument("args", nargs="*", help="make_step's further arguments (a size)")
    parser.add_argument("--inner-loops", type=int, default=1, help="steps per loop")
    parser.add_argument("--gc-off", action="store_true", help="time with the garbage collector disabled")
    parser.add_argument("--source", help="import autograd_lite from this folder")
    args = runner.parse_args()
    step, metadata = prepare(args) if args.worker else (None, {})
    runner.bench_time_func(args.name, time_steps, step, args.inner_loops, args.gc_off,
                           inner_loops=args.inner_loops, metadata=metadata)


if __name__ == "__main__":
    main()
