"""What every benchmark shares: optional peers, interleaved timing with pyperf, tables, targets, machine.

Timing is pyperf's (``worker.py``): each case runs in pyperf worker processes, which calibrate the
loops, warm up, time the values and record the machine. What pyperf's ``Runner`` does not do is
interleave: it runs all of one benchmark's processes, then the next benchmark's. Here a round runs
one process of every case, starting from a different case each round, so that a burst of load on a
noisy machine falls on all libraries alike (:func:`measure`). The report gives the median of all the
values and their interquartile range.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pyperf

ROOT = Path(__file__).resolve().parent.parent
#: comma-separated peers to treat as not installed (``all`` for every one); the smoke test uses it
HIDE_ENV = "BENCHMARKS_HIDE_PEERS"
#: set by ``run.py --threads N``: every library's thread pools were limited to N threads
THREADS_ENV = "BENCHMARKS_THREADS"
#: how a worker's stderr says why its case cannot run (the table shows the rest of the line)
FAILED = "benchmark failed: "
WORKER_TIMEOUT = 600   # seconds one pyperf worker process may take

# ---- peers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Peer:
    module: str                      # what is imported
    pip: str                         # what to install when it is missing
    distributions: tuple[str, ...]   # whose versions the report lists


#: every peer is in the ``bench`` extra: ``pip install -e '.[bench]'``
PEERS = {
    "torch": Peer("torch", "torch==2.13.0", ("torch",)),
    "micrograd": Peer("micrograd", "micrograd==0.1.0", ("micrograd",)),
    "autograd": Peer("autograd", "autograd", ("autograd",)),   # HIPS autograd
    "mygrad": Peer("mygrad", "mygrad", ("mygrad",)),
    "jax": Peer("jax", "jax jaxlib", ("jax", "jaxlib")),
    "keras": Peer("keras", "keras", ("keras",)),
}


class PeerMissing(Exception):
    """A peer cannot be imported; the message is what the table shows in its place."""


def _hidden() -> set[str]:
    return {name.strip() for name in os.environ.get(HIDE_ENV, "").split(",") if name.strip()}


def missing_message(key: str) -> str | None:
    """Why peer ``key`` cannot be used (``"missing (pip install ...)"``), or None when it is installed.

    Looks for the package without importing it, for peers that run in a subprocess.
    """
    peer = PEERS[key]
    hidden = _hidden()
    if key in hidden or "all" in hidden:
        return f"missing (pip install {peer.pip}; hidden)"
    if importlib.util.find_spec(peer.module) is None:
        return f"missing (pip install {peer.pip})"
    return None


def load(key: str) -> Any:
    """Import peer ``key``, or raise :class:`PeerMissing` saying how to install it."""
    message = missing_message(key)
    if message:
        raise PeerMissing(message)
    try:
        return importlib.import_module(PEERS[key].module)
    except Exception as error:  # an installed but broken package is as good as missing
        raise PeerMissing(f"missing (pip install {PEERS[key].pip}; import failed: "
                          f"{type(error).__name__}: {error})") from error


def versions() -> dict[str, str]:
    """Installed versions of numpy, autograd_lite and every peer (``missing (pip install ...)``)."""
    found = {"numpy": np.__version__, "autograd_lite": _version("autograd_lite")}
    for key, peer in PEERS.items():
        for name in peer.distributions:
            found[name] = missing_message(key) or _version(name)
    return found


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "missing"


# ---- settings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """autograd_lite as it was at ``commit`` (``rev`` as given), unpacked under ``folder``."""

    rev: str
    commit: str
    folder: Path

    @classmethod
    def unpack(cls, rev: str, folder: Path) -> Baseline:
        """``git archive`` revision ``rev``'s ``autograd_lite/`` into ``folder`` (no worktree, no index)."""
        found = subprocess.run(["git", "rev-parse", "--short", f"{rev}^{{commit}}"], cwd=ROOT,
                               capture_output=True, text=True)
        if found.returncode != 0:
            raise ValueError(f"--baseline {rev}: not a commit of this repository ({found.stderr.strip()})")
        commit = found.stdout.strip()
        archive = subprocess.run(["git", "archive", commit, "autograd_lite"], cwd=ROOT, capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
        return cls(rev, commit, folder)

    def label(self, label: str) -> str:
        """``autograd_lite (gc.disable())`` → ``autograd_lite@<commit> (gc.disable())``."""
        return label.replace("autograd_lite", f"autograd_lite@{self.commit}", 1)


@dataclass
class Config:
    """How hard to measure. ``quick``: tiny sizes, one value a process, no calibration (seconds)."""

    quick: bool = False
    repeat: int = 7          # interleaved rounds: one pyperf process per case per round
    values: int = 3          # timed values per process (pyperf's --values)
    warmups: int = 1         # untimed values per process after the sanity check (pyperf's --warmups)
    loops: int = 0           # calls per value; 0: pyperf calibrates them in the first round
    min_time: float = 0.1    # seconds a value lasts at least, when calibrating (pyperf's --min-time)
    baseline: Baseline | None = None

    @classmethod
    def make(cls, quick: bool, repeat: int | None = None, baseline: Baseline | None = None) -> Config:
        if quick:
            return cls(quick=True, repeat=repeat or 2, values=1, warmups=0, loops=1, baseline=baseline)
        return cls(repeat=repeat or 7, baseline=baseline)


# ---- timing -------------------------------------------------------------------------------------


@dataclass
class Case:
    """One library doing one workload: ``module.make_step(key, *args)`` builds, in a pyperf worker, a
    function doing one unit of it. ``status`` says why the case cannot run (a peer is missing)."""

    label: str
    module: str
    key: str
    args: tuple[str, ...] = ()
    status: str | None = None
    gc_disabled: bool = False
    inner_loops: int = 1           # steps per loop (see worker.py)
    repeat: int | None = None      # fewer rounds than the others (a slow peer)
    values: int | None = None      # values per process, if not the configured number
    source: Path | None = None     # where its autograd_lite comes from, if not this checkout

    @property
    def name(self) -> str:
        """Its benchmark's name in pyperf's results: module, label and size."""
        return f"{self.module.rsplit('.', 1)[-1]}: {self.label} [{' '.join(self.args)}]"


def case(label: str, module: str, *args: Any, key: str | None = None, peers: Sequence[str] = (),
         **options: Any) -> Case:
    """A :class:`Case` of ``module`` (its ``make_step`` knows ``key``, by default the label), missing
    when one of ``peers`` is not installed."""
    status = next((why for why in map(missing_message, peers) if why), None)
    return Case(label, module, key or label, tuple(map(str, args)), status, **options)


def with_baseline(cases: Sequence[Case], config: Config, *ours: str) -> list[Case]:
    """``cases``, each case labelled one of ``ours`` followed by the same case on the baseline revision."""
    out = []
    for c in cases:
        out.append(c)
        if config.baseline and c.label in ours:
            out.append(replace(c, label=config.baseline.label(c.label), source=config.baseline.folder))
    return out


def describe_error(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".splitlines()[0]
    return "error: " + (text if len(text) <= 100 else text[:97] + "...")


@dataclass
class Stats:
    """The pyperf benchmark of one case (seconds per call), or the reason there is none."""

    benchmark: pyperf.Benchmark | None = None
    status: str | None = None       # "missing (...)" or "error: ..."

    @property
    def ok(self) -> bool:
        return self.status is None and self.benchmark is not None

    @property
    def median(self) -> float:
        return self.benchmark.median() if self.ok else math.nan

    @property
    def fastest(self) -> float:
        return min(self.benchmark.get_values()) if self.ok else math.nan

    @property
    def iqr(self) -> tuple[float, float]:
        if not self.ok:
            return math.nan, math.nan
        return self.benchmark.percentile(25), self.benchmark.percentile(75)

    @property
    def check(self) -> float | None:
        """What the first call returned (a loss, an accuracy, a sum of gradients): a sanity check."""
        return self.benchmark.get_runs()[0].get_metadata().get("check") if self.ok else None

    def to_json(self) -> dict[str, Any]:
        q1, q3 = self.iqr
        counts = {"values": self.benchmark.get_nvalue(), "processes": self.benchmark.get_nrun(),
                  "loops": self.benchmark.get_loops()} if self.ok else {}
        return {"median_s": _finite(self.median), "q1_s": _finite(q1), "q3_s": _finite(q3), **counts,
                "status": self.status, "check": self.check}


def interleaved(cases: Sequence[Case], repeat: int) -> Iterator[Case]:
    """Round r runs every case once, starting from a different case each round (a case with its own
    ``repeat`` drops out after that many rounds), so that a burst of load falls on all alike."""
    for round_ in range(repeat):
        shift = round_ % len(cases) if cases else 0
        yield from (c for c in cases[shift:] + cases[:shift] if round_ < (c.repeat or repeat))


def measure(cases: Sequence[Case], config: Config) -> dict[str, Stats]:
    """Time every case with pyperf, a fresh process per case and round, rounds interleaved. By label."""
    results = {c.label: Stats(status=c.status) for c in cases}
    loops: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="benchmarks-") as folder:
        files = {c.label: Path(folder) / f"{i}.json" for i, c in enumerate(cases)}
        for c in interleaved([c for c in cases if c.status is None], config.repeat):
            stats = results[c.label]
            if stats.status is None:
                stats.status = run_pyperf(c, files[c.label], loops.get(c.label, config.loops), config)
            if stats.status is None and c.label not in loops:   # the first round calibrated them
                loops[c.label] = round(pyperf.Benchmark.load(str(files[c.label])).get_loops())
        for label, stats in results.items():
            if stats.status is None and files[label].exists():
                stats.benchmark = pyperf.Benchmark.load(str(files[label]))
    return results


def run_pyperf(c: Case, file: Path, loops: int, config: Config) -> str | None:
    """One round of ``c``: pyperf's Runner with one worker process, its run appended to ``file``.

    Returns None, or why the case failed.
    """
    command = [sys.executable, "-m", "benchmarks.worker", c.name, c.module, c.key, *c.args,
               "--processes", "1", "--values", str(c.values or config.values), "--warmups",
               str(config.warmups), "--loops", str(loops), "--min-time", str(config.min_time),
               "--inner-loops", str(1 if config.quick else c.inner_loops), "--append", str(file),
               "--copy-env", "--quiet", "--timeout", str(WORKER_TIMEOUT)]
    command += ["--gc-off"] * c.gc_disabled + (["--source", str(c.source)] if c.source else [])
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=2 * WORKER_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"error: timed out after {2 * WORKER_TIMEOUT} s"
    if done.returncode == 0:
        return None
    lines = done.stderr.strip().splitlines() or ["no output"]
    reason = next((line[len(FAILED):] for line in lines if line.startswith(FAILED)), None)
    return reason or f"error: exit {done.returncode}: {lines[-1][:100]}"


# ---- reporting ------------------------------------------------------------------------------------


def fmt_time(seconds: float) -> str:
    """``1.23 ms``: three significant digits in a readable unit."""
    if not math.isfinite(seconds):
        return "—"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{_three_digits(seconds / scale)} {unit}"
    return f"{_three_digits(seconds / 1e-9)} ns"


def _three_digits(x: float) -> str:
    return f"{x:.3g}" if x < 1000 else f"{x:.0f}"


def fmt_ratio(x: float) -> str:
    if not math.isfinite(x):
        return "—"
    return f"{x:.3g}×" if x < 1000 else f"{x:.0f}×"


def cell(stats: Stats, scale: float = 1.0, unit: str | None = None) -> str:
    """``median ±spread``, spread = half the interquartile range relative to the median.

    ``scale`` divides the time (per-op costs); ``unit`` forces a unit (``"µs"``).
    """
    if not stats.ok:
        return stats.status or "—"
    median = stats.median / scale
    q1, q3 = stats.iqr
    spread = (q3 - q1) / 2 / stats.median if stats.median > 0 else 0.0
    value = f"{_three_digits(median * 1e6)} µs" if unit == "µs" else fmt_time(median)
    return f"{value} ±{spread:.0%}"


def ratio(numerator: Stats | None, denominator: Stats | None) -> float:
    """median(numerator) / median(denominator), nan when either is missing."""
    if numerator is None or denominator is None or not (numerator.ok and denominator.ok):
        return math.nan
    return numerator.median / denominator.median


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        everything = [self.columns, *self.rows]
        widths = [max(len(str(row[i])) for row in everything) for i in range(len(self.columns))]

        def line(values: Sequence[str]) -> str:
            return "| " + " | ".join(str(v).ljust(w) for v, w in zip(values, widths)) + " |"

        rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
        out = [f"### {self.title}", "", line(self.columns), rule]
        out += [line(row) for row in self.rows]
        if self.notes:
            out += [""] + [f"- {note}" for note in self.notes]
        return "\n".join(out) + "\n"

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "columns": self.columns, "rows": self.rows, "notes": self.notes}


@dataclass
class Target:
    """A goal the issue states, measured: ``met`` is None when it could not be measured."""

    goal: str
    measured: str
    met: bool | None

    @property
    def verdict(self) -> str:
        return {True: "met", False: "**not met**", None: "unknown"}[self.met]

    def to_json(self) -> dict[str, Any]:
        return {"goal": self.goal, "measured": self.measured, "met": self.met}


def target(goal: str, value: float, passes: Callable[[float], bool], measured: str,
           unknown: str = "not measured") -> Target:
    """A :class:`Target` whose verdict is ``passes(value)``, or unknown (saying why) when ``value`` is nan."""
    if not math.isfinite(value):
        return Target(goal, unknown, None)
    return Target(goal, measured, bool(passes(value)))


def baseline_target(what: str, results: dict[str, Stats], ours: str, config: Config) -> list[Target]:
    """With ``--baseline``: ``what`` (the time of case ``ours``) is at most 6% above the baseline's.

    The verdict is on medians; the ratio of the fastest values is shown beside it, as a check that is
    less sensitive to load on a busy machine.
    """
    if config.baseline is None:
        return []
    base = config.baseline.label(ours)
    slower = ratio(results[ours], results[base])
    fastest = results[ours].fastest / results[base].fastest
    measured = (f"{fmt_ratio(slower)} ({cell(results[ours])} vs {cell(results[base])}; "
                f"fastest values {fmt_ratio(fastest)})")
    return [target(f"{what} no more than 6% slower than {base} ({config.baseline.rev})", slower,
                   lambda r: r <= 1.06, measured, unknown=why_not(results, ours, base))]


def why_not(results: dict[str, Stats], *labels: str) -> str:
    """Why a comparison of ``labels`` has no value: the first of them without timings, and its status."""
    for label in labels:
        stats = results.get(label)
        if stats is None or not stats.ok:
            return f"{label}: {stats.status if stats is not None else 'not run'}"
    return "not measured"


@dataclass
class Result:
    """What one benchmark module reports."""

    name: str
    title: str
    tables: list[Table]
    targets: list[Target]
    data: dict[str, Any]
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "seconds": round(self.seconds, 1),
                "tables": [t.to_json() for t in self.tables],
                "targets": [t.to_json() for t in self.targets], "data": _jsonable(self.data)}


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _jsonable(x: Any) -> Any:
    if isinstance(x, Stats):
        return x.to_json()
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (bool, int, str)) or x is None:
        return x
    if isinstance(x, float):
        return _finite(x)
    try:
        return _finite(float(x))
    except (TypeError, ValueError):
        return repr(x)


def fmt_check(x: Any) -> str:
    if x is None:
        return "—"
    try:
        return f"{float(x):.6g}"
    except (TypeError, ValueError):
        return str(x)


# ---- subprocesses ---------------------------------------------------------------------------------


def run_worker(module: str, args: Sequence[str], timeout: float) -> dict[str, Any]:
    """Run ``python -m module args`` in a fresh process; it prints one JSON object as its last line.

    Returns that object, or ``{"error": ...}`` when the process failed, crashed or timed out.
    """
    command = [sys.executable, "-m", module, *args]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode == 0 and lines:
        try:
            return json.loads(lines[-1])
        except json.JSONDecodeError:
            pass
    tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return {"error": f"exit {done.returncode}: {tail[:120]}"}


def peak_rss_bytes() -> int:
    """This process's peak resident memory so far (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
