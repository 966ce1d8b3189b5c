"""Run the benchmarks, print their tables, and write them as Markdown and JSON.

    python -m benchmarks.run                      # everything (about half an hour)
    python -m benchmarks.run --quick              # tiny sizes, a smoke run in seconds
    python -m benchmarks.run --only scalar,per_op --out /tmp/results
    python -m benchmarks.run --threads 1          # one core, every library single-threaded
    python -m benchmarks.run --only scalar,per_op --baseline HEAD~1   # also autograd_lite as of HEAD~1

Peers come from ``pip install -e '.[bench]'``; a missing one shows as ``missing (pip install ...)``.
``--baseline REV`` adds autograd_lite as it was at git revision REV as one more peer, imported from a
``git archive`` of that revision, and a target: at most 6% slower than it. Results go to
``OUT/latest.md`` and ``OUT/latest.json`` (``quick.*`` with ``--quick``, ``baseline.*`` with
``--baseline``; ``-threads1`` added to the name with ``--threads 1``), and pyperf's own record of every
run to ``OUT/<name>.pyperf.json`` (``python -m pyperf stats|hist|compare_to`` read it); they are
rewritten after each benchmark so an interrupted run keeps what it finished.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from types import ModuleType

import pyperf

from . import (
    compiled,
    contractions,
    convolution,
    distributed,
    keras_cnn,
    memory,
    per_op,
    perceptron,
    recurrent,
    scalar,
    training_step,
)
from .common import ROOT, THREADS_ENV, Baseline, Config, Result, Stats, Table, describe_error, versions

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

BENCHMARKS: dict[str, ModuleType] = {
    module.NAME: module for module in (scalar, per_op, training_step, perceptron, keras_cnn, memory,
                                      contractions, convolution, recurrent, compiled, distributed)
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and few repetitions (a smoke run)")
    parser.add_argument("--only", default=",".join(BENCHMARKS),
                        help=f"comma-separated benchmarks to run, of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results",
                        help="folder for the Markdown and JSON results (default: benchmarks/results)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="interleaved rounds, a pyperf process per case each (default 7; 2 with --quick)")
    parser.add_argument("--baseline", metavar="REV", default=None,
                        help="also time autograd_lite as of git revision REV (e.g. HEAD~1), interleaved")
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


#: what the report shows of pyperf's metadata of the machine
MACHINE = ("date", "cpu_model_name", "cpu_count", "cpu_affinity", "load_avg_1min", "platform",
           "python_version")


def machine_info(baseline: Baseline | None) -> dict:
    """pyperf's metadata of this machine (what ``python -m pyperf collect_metadata`` collects, from a
    run of one made-up value), the versions, the commit and the thread settings."""
    collected = pyperf.Run([1.0]).get_metadata()
    return {**{key: str(collected[key]) for key in MACHINE if key in collected},
            "versions": versions(), "commit": git_commit(),
            "baseline": f"{baseline.commit} ({baseline.rev})" if baseline else None,
            "autograd_lite_path": str(Path(importlib.util.find_spec("autograd_lite").origin).parent),
            "threads": f"{os.environ[THREADS_ENV]} core(s), pools sized to match (--threads)"
            if os.environ.get(THREADS_ENV) else "each library's default"}


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--", "autograd_lite")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes to autograd_lite" if dirty else "")


def machine_markdown(info: dict) -> str:
    versions = ", ".join(f"{name} {version}" for name, version in info["versions"].items())
    baseline = f"; baseline: {info['baseline']}" if info["baseline"] else ""
    return "\n".join([
        f"- date: {info.get('date')}; commit: {info['commit']}{baseline}",
        f"- CPU: {info.get('cpu_model_name')}, {info.get('cpu_count')} cores (affinity: "
        f"{info.get('cpu_affinity', 'all')}); load average at start {info.get('load_avg_1min')}",
        f"- {info.get('platform')}; Python {info.get('python_version')}; threads: {info['threads']}",
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
             f"Times: pyperf's values of {config.repeat} interleaved rounds (unless a table says otherwise), "
             f"each a fresh process per case timing {config.values} value(s) after warm-up: their median, "
             "± half the interquartile range relative to the median.", ""]
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
    runs = [stats.benchmark for r in results for stats in _all_stats(r.data) if stats.ok]
    if runs:
        pyperf.BenchmarkSuite(runs).dump(str(out / f"{stem}.pyperf.json"), replace=True)


def _all_stats(data: object) -> list[Stats]:
    """Every :class:`Stats` in a benchmark's data (nested dictionaries)."""
    if isinstance(data, Stats):
        return [data]
    return [s for value in data.values() for s in _all_stats(value)] if isinstance(data, dict) else []


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.threads is not None:
        pin_threads(args.threads, sys.argv[1:] if argv is None else argv)
    with tempfile.TemporaryDirectory(prefix="baseline-") as folder:
        baseline = None
        if args.baseline:
            try:
                baseline = Baseline.unpack(args.baseline, Path(folder))
            except ValueError as error:
                sys.exit(str(error))
        return run_all(args, Config.make(args.quick, args.repeat, baseline), argv)


def run_all(args: argparse.Namespace, config: Config, argv: list[str] | None) -> int:
    command = "python -m benchmarks.run " + " ".join(sys.argv[1:] if argv is None else argv)
    info = machine_info(config.baseline)
    print(machine_markdown(info), flush=True)
    stem = ("quick" if config.quick else "baseline" if config.baseline else "latest") \
        + (f"-threads{args.threads}" if args.threads else "")
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
