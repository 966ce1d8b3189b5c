"""Run the benchmarks, print their tables, and write them as Markdown and JSON.

    python -m benchmarks.run                      # everything (several minutes)
    python -m benchmarks.run --quick              # tiny sizes, a smoke run in seconds
    python -m benchmarks.run --only scalar,per_op --out /tmp/results
    python -m benchmarks.run --threads 1          # one core, every library single-threaded

Peers come from ``pip install -e '.[bench]'``; a missing one shows as ``missing (pip install ...)``.
Results go to ``OUT/latest.md`` and ``OUT/latest.json`` (``quick.*`` with ``--quick``; ``-threads1``
added to the name with ``--threads 1``), rewritten after each benchmark so an interrupted run keeps
what it finished.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType

from . import memory, per_op, perceptron, scalar, training_step
from .common import ROOT, THREADS_ENV, Config, Result, Table, describe_error, machine_info

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

BENCHMARKS: dict[str, ModuleType] = {
    module.NAME: module for module in (scalar, per_op, training_step, perceptron, memory)
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and few repetitions (a smoke run)")
    parser.add_argument("--only", default=",".join(BENCHMARKS),
                        help=f"comma-separated benchmarks to run, of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results",
                        help="folder for the Markdown and JSON results (default: benchmarks/results)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="interleaved repetitions per case (default 7; 2 with --quick)")
    parser.add_argument("--threads", type=int, default=None,
                        help="run on this many cores, every library's thread pools sized to match "
                             "(default: all cores, each library's own pool sizes)")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in args.only if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    return args


def pin_threads(threads: int, argv: list[str]) -> None:
    """Run again on ``threads`` cores with every BLAS/OpenMP pool sized to match.

    Pools are sized when a library loads, so this must happen before NumPy or PyTorch is imported;
    the CPU affinity also binds what has no such variable (XLA's pool, for JAX). Worker processes
    inherit both.
    """
    if os.environ.get(THREADS_ENV) == str(threads):
        return
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:threads])
    env = dict(os.environ, **{name: str(threads) for name in THREAD_VARIABLES}, **{THREADS_ENV: str(threads)})
    os.chdir(ROOT)
    os.execve(sys.executable, [sys.executable, "-m", "benchmarks.run", *argv], env)


def machine_markdown(info: dict) -> str:
    versions = ", ".join(f"{name} {version}" for name, version in info["versions"].items())
    return "\n".join([
        f"- date: {info['date']}; commit: {info['commit']}",
        f"- CPU: {info['cpu']}, {info['cores']} cores ({info['cores_usable']} usable), "
        f"{info['memory_gib']} GiB; load average at start {info['load_average']}",
        f"- {info['platform']}; Python {info['python']}; threads: {info['threads']}",
        f"- versions: {versions}",
    ]) + "\n"


def targets_table(results: list[Result]) -> Table:
    rows = [[t.goal, t.measured, t.verdict] for r in results for t in r.targets]
    return Table("Targets", ["goal", "measured", "verdict"], rows,
                 ["Ratios are of medians; 'unknown' when a library it compares with is missing or failed."])


def report(results: list[Result], info: dict, config: Config, command: str) -> str:
    title = "# autograd_lite benchmarks" + (" (--quick: tiny sizes, not meaningful)" if config.quick else "")
    parts = [title,
             "", f"`{command}`", "", machine_markdown(info),
             "Times: median of interleaved repetitions after warm-up, ± half the interquartile range "
             f"relative to the median ({config.repeat} repetitions unless a table says otherwise).", ""]
    parts.append(targets_table(results).markdown())
    for result in results:
        parts += [f"## {result.title}", ""] + [table.markdown() for table in result.tables]
        parts.append(f"({result.seconds:.0f} s)\n")
    return "\n".join(parts)


def write(out: Path, stem: str, results: list[Result], info: dict, config: Config, command: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.md").write_text(report(results, info, config, command))
    document = {"command": command, "quick": config.quick, "repeat": config.repeat, "machine": info,
                "targets": [t.to_json() for r in results for t in r.targets],
                "benchmarks": {r.name: r.to_json() for r in results}}
    (out / f"{stem}.json").write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.threads is not None:
        pin_threads(args.threads, sys.argv[1:] if argv is None else argv)
    config = Config.make(args.quick, args.repeat)
    command = "python -m benchmarks.run " + " ".join(sys.argv[1:] if argv is None else argv)
    info = machine_info()
    print(machine_markdown(info), flush=True)
    stem = ("quick" if config.quick else "latest") + (f"-threads{args.threads}" if args.threads else "")
    results: list[Result] = []
    failed = False
    for name in args.only:
        print(f"## {BENCHMARKS[name].TITLE} ...", flush=True)
        start = time.perf_counter()
        try:
            result = BENCHMARKS[name].run(config)
        except Exception as error:   # one broken benchmark must not lose the others' results
            traceback.print_exc()
            failed = True
            title = BENCHMARKS[name].TITLE
            table = Table(f"{title}: failed", ["error"], [[describe_error(error)]])
            result = Result(name, title, [table], [], {})
        result.seconds = time.perf_counter() - start
        results.append(result)
        for table in result.tables:
            print(table.markdown(), flush=True)
        print(f"({result.seconds:.0f} s)\n", flush=True)
        write(args.out, stem, results, info, config, command.strip())
    print(targets_table(results).markdown())
    print(f"Written: {args.out / (stem + '.md')} and {args.out / (stem + '.json')}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
