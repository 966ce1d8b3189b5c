"""What every benchmark shares: optional peers, interleaved timing, tables, targets, machine info.

Timing: every case is warmed up, then the repetitions are *interleaved* — repetition r runs every
case once, starting from a different case each time — so that a burst of load on a noisy machine
falls on all libraries alike. Each sample times ``number`` calls (enough to last ``min_time``) and
is divided by ``number``; the report gives the median and the interquartile range of the samples.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import json
import math
import os
import platform
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
#: comma-separated peers to treat as not installed (``all`` for every one); the smoke test uses it
HIDE_ENV = "BENCHMARKS_HIDE_PEERS"
#: set by ``run.py --threads N``: every library's thread pools were limited to N threads
THREADS_ENV = "BENCHMARKS_THREADS"

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


@dataclass
class Config:
    """How hard to measure. ``quick``: tiny sizes and few repetitions (a smoke run in seconds)."""

    quick: bool = False
    repeat: int = 7          # interleaved repetitions per case
    warmup: int = 2          # calls before timing (the last one calibrates ``number``)
    min_time: float = 0.2    # seconds one sample lasts at least

    @classmethod
    def make(cls, quick: bool, repeat: int | None = None) -> Config:
        if quick:
            return cls(quick=True, repeat=repeat or 2, warmup=1, min_time=0.0)
        return cls(repeat=repeat or 7)


# ---- timing -------------------------------------------------------------------------------------


@dataclass
class Case:
    """One library doing one workload: ``fn()`` performs one unit of work.

    ``fn`` is None when the library cannot run, and ``status`` says why. ``self_timed``: ``fn``
    returns its own duration in seconds (for work done in another process).
    """

    label: str
    fn: Callable[[], Any] | None = None
    status: str | None = None
    gc_disabled: bool = False
    self_timed: bool = False
    repeat: int | None = None      # fewer repetitions than the others (a slow peer)
    warmup: int | None = None      # warm-up calls, if not the configured number


def case(label: str, build: Callable[..., Callable[[], Any]], *args: Any, **kwargs: Any) -> Case:
    """A :class:`Case` from ``build(*args)`` (which returns the work function), or one that says why
    there is none: the peer is missing, or building failed."""
    options = {k: kwargs.pop(k) for k in ("gc_disabled", "self_timed", "repeat", "warmup") if k in kwargs}
    try:
        return Case(label, build(*args, **kwargs), **options)
    except PeerMissing as missing:
        return Case(label, status=str(missing))
    except Exception as error:
        return Case(label, status=describe_error(error))


def describe_error(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".splitlines()[0]
    return "error: " + (text if len(text) <= 100 else text[:97] + "...")


@dataclass
class Stats:
    """The samples of one case (seconds per call), or the reason there are none."""

    samples: list[float] = field(default_factory=list)
    number: int = 0                 # calls per sample
    status: str | None = None       # "missing (...)" or "error: ..."
    check: Any = None               # what the first call returned (a loss, an accuracy): a sanity check

    @property
    def ok(self) -> bool:
        return self.status is None and bool(self.samples)

    @property
    def median(self) -> float:
        return float(np.median(self.samples)) if self.samples else math.nan

    @property
    def iqr(self) -> tuple[float, float]:
        if not self.samples:
            return math.nan, math.nan
        q1, q3 = np.percentile(self.samples, [25, 75])
        return float(q1), float(q3)

    def to_json(self) -> dict[str, Any]:
        q1, q3 = self.iqr
        return {"median_s": _finite(self.median), "q1_s": _finite(q1), "q3_s": _finite(q3),
                "samples_s": self.samples, "calls_per_sample": self.number, "status": self.status,
                "check": _jsonable(self.check)}


def measure(cases: Sequence[Case], config: Config) -> dict[str, Stats]:
    """Time every case: warm up each, then ``config.repeat`` interleaved rounds. Keyed by label."""
    results: dict[str, Stats] = {}
    active: list[Case] = []
    for c in cases:
        if c.fn is None:
            results[c.label] = Stats(status=c.status or "not run")
            continue
        stats = results[c.label] = Stats()
        warmups = config.warmup if c.warmup is None else c.warmup
        try:
            last = 0.0
            for i in range(warmups if c.self_timed else max(1, warmups)):
                gc.collect()
                start = time.perf_counter()
                returned = c.fn()
                last = time.perf_counter() - start
                if i == 0 and not c.self_timed:
                    stats.check = returned
        except Exception as error:
            stats.status = describe_error(error)
            continue
        stats.number = 1 if c.self_timed else max(1, math.ceil(config.min_time / max(last, 1e-9)))
        active.append(c)
    for round_ in range(config.repeat):
        shift = round_ % len(active) if active else 0
        for c in active[shift:] + active[:shift]:
            stats = results[c.label]
            if stats.status is not None or round_ >= (c.repeat or config.repeat):
                continue
            try:
                stats.samples.append(_sample(c, stats.number))
            except Exception as error:
                stats.status = describe_error(error)
    return results


def _sample(c: Case, number: int) -> float:
    gc.collect()   # every case starts without the previous one's garbage
    if c.self_timed:
        return float(c.fn())
    was_enabled = gc.isenabled()
    if c.gc_disabled:
        gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            c.fn()
        return (time.perf_counter() - start) / number
    finally:
        if was_enabled:
            gc.enable()


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
    value = f"{median * 1e6:.3g} µs" if unit == "µs" else fmt_time(median)
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


def as_float(x: Any) -> float:
    """A loss or gradient of any library as a Python float (for the sanity-check column)."""
    for attr in ("item", "__float__"):
        if hasattr(x, attr):
            try:
                return float(x.item()) if attr == "item" else float(x)
            except (TypeError, ValueError):
                pass
    return float(np.asarray(getattr(x, "data", x)).sum())


def fmt_check(x: Any) -> str:
    if x is None:
        return "—"
    try:
        return f"{float(x):.6g}"
    except (TypeError, ValueError):
        return str(x)


# ---- machine --------------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    """CPU, cores, load, Python, versions, date and the repository's commit."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average": _load_average(),
        "memory_gib": _memory_gib(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "autograd_lite_path": _package_path("autograd_lite"),
        "threads": f"{os.environ[THREADS_ENV]} core(s), pools sized to match (--threads)"
        if os.environ.get(THREADS_ENV) else "each library's default",
    }


def _package_path(name: str) -> str | None:
    spec = importlib.util.find_spec(name)
    return str(Path(spec.origin).parent) if spec is not None and spec.origin else None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _memory_gib() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def _git_commit() -> str | None:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "autograd_lite"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return (commit + (" + uncommitted changes to autograd_lite" if dirty else "")) or None


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


PROTOCOL = "@@ "   # prefix of a worker's answers (anything else it prints is ignored)


class Worker:
    """A warm worker process, ``python -m module *args``, that answers requests over a pipe.

    The worker side is :func:`serve`. Used where a library must run alone in its process (the
    scalar engines, whose garbage-collector cost depends on everything else alive in the process)
    or must be configured before import (Keras' backend).
    """

    def __init__(self, name: str, module: str, args: Sequence[str], timeout: float,
                 env: dict[str, str] | None = None) -> None:
        self.name, self.timeout = name, timeout
        self.stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in close()
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, *args], cwd=ROOT, env=dict(os.environ, **(env or {})),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        self.ready: dict[str, Any] | None = None

    def wait_ready(self) -> dict[str, Any]:
        """The worker's first answer, sent once it has warmed up."""
        self.ready = self._answer()
        return self.ready

    def call(self, request: str) -> dict[str, Any]:
        """Send one line; return the worker's answer (an error it reports is raised here)."""
        self.process.stdin.write(request + "\n")
        self.process.stdin.flush()
        return self._answer()

    def _answer(self) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.process.stdout], [], [], left)[0]:
                raise TimeoutError(f"{self.name} gave no answer in {self.timeout:.0f} s")
            line = self.process.stdout.readline()
            if not line:
                self.stderr.seek(0)
                tail = (self.stderr.read().strip().splitlines() or ["no output"])[-1]
                raise RuntimeError(f"{self.name} worker ended: {tail[:120]}")
            if line.startswith(PROTOCOL):
                answer = json.loads(line[len(PROTOCOL):])
                if "error" in answer:
                    raise RuntimeError(answer["error"])
                return answer

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.stderr.close()


def serve(ready: dict[str, Any], handle: Callable[[str], dict[str, Any]]) -> None:
    """The worker's side of :class:`Worker`: say ``ready``, then answer each line read with ``handle``."""

    def answer(message: dict[str, Any]) -> None:
        print(PROTOCOL + json.dumps(message), flush=True)

    answer(ready)
    for line in sys.stdin:
        try:
            answer(handle(line.strip()))
        except Exception as error:
            answer({"error": f"{type(error).__name__}: {error}"})


def peak_rss_bytes() -> int:
    """This process's peak resident memory so far (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


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
