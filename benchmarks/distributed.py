"""Data-parallel ``fit`` on Ray (``fit(distribute=Ray(num_workers=2))``) against one-process ``fit``.

Everything runs in this one process on one local cluster, ``ray.init(num_cpus=2,
include_dashboard=False)``, started once (6 to 19 s on this shared machine), rather than in
pyperf's worker processes: a fresh process per value would start Ray each time. So this benchmark
times its steps itself: a ``StepTimer`` callback records ``perf_counter`` at
``on_train_batch_begin`` and ``on_train_batch_end``, which bracket one whole ``train_step`` (the
driver's put of the weights, the replicas' forward and backward, the combining,
``optimizer.step()`` and the logs). Only steps of a full global batch count, after the warm-up: the
first epoch of the MLPs, the first two of the digits CNN, whose epochs have two batch shapes (for a
distributed fit: the actors' first call and the check step, which also computes the global batch on
the driver; for a local fit with ``jit_compile="auto"``: the eager call and the trace of each
shape, so that the timed steps replay). The tables give the median of the timed steps, ± half their
interquartile range; the values are also kept as pyperf benchmarks (one run each) in the JSON and
``.pyperf.json`` files.

Three measurements:

1. The issue's target: the digits CNN of ``examples/digits_keras_cnn.py`` (full width, Adam 0.003,
   sparse categorical cross-entropy, accuracy) on the 1,347 training digits, global batch 1024, one
   full step per epoch: the weights of the distributed fit against the local fit's (``jit_compile``
   ``"auto"`` and ``False``), as the Ray tests compare them (largest difference over each array's
   largest entry), and the step times.
2. The break-even: 784→H→H→10 ReLU MLPs of about 10k, 100k and 1M float64 parameters at global
   batches 256, 1024 and 4096 (two steps per epoch): local, ``Local(2)`` (the same slices one after
   another in this process, nothing sent) and Ray.
3. The bare round trip: ``ray.put`` of P float64 numbers and two actor calls that return P-sized
   arrays (what a step moves, with no compute).

The per-step overhead is estimated as ``distributed − Local(2) ÷ c`` where ``c = min(workers,
cores)`` with ``cores`` the CPUs a Ray worker may run on (``os.sched_getaffinity`` in a worker;
``--threads 1`` pins the driver and every Ray process to one core): ``Local(2) ÷ c`` is what the
replicas' compute costs when their slices run on ``c`` cores at once. The local step is not that
compute: the replicas run eagerly where the local fit replays its compiled step, the driver
combines their gradients, and half a batch need not cost half a batch's step. On a 2-core machine
the driver (which waits while the replicas compute) and both workers share the cores, and with
``--threads 1`` all of them share one, where a distributed step can only be slower. The break-even
table is for a cluster where each worker has its own cores, the per-worker compute scaling as 1/W.
For two workers on the two cores, each single-threaded, run without ``--threads`` and with pools
of one thread: ``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 python -m
benchmarks.run --only distributed``.
"""

from __future__ import annotations

import importlib.util
import math
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pyperf

from .common import (
    HIDE_ENV,
    Config,
    PeerMissing,
    Result,
    Stats,
    Table,
    Target,
    cell,
    fmt_ratio,
    fmt_time,
    ratio,
)

NAME = "distributed"
TITLE = "Data-parallel fit on Ray"
WORKERS = 2
RAY_HINT = "missing (pip install 'autograd_lite[ray]')"
#: the issue's target: the weights of the distributed fit against one process's, relative
RELATIVE = 1e-12

DIGITS_BATCH, DIGITS_EPOCHS = 1024, 10            # one full step an epoch (1,347 images); 9 timed
QUICK_DIGITS_BATCH, QUICK_DIGITS_EPOCHS = 256, 3
#: MLP hidden width → about 10k, 100k and 1M parameters (784→H→H→10)
WIDTHS = {"10k": 12, "100k": 110, "1M": 680}
BATCHES = (256, 1024, 4096)
QUICK_WIDTHS, QUICK_BATCHES = {"10k": 12}, (64,)
MLP_SECONDS = 10.0   # about how long the timed steps of one grid cell and strategy may take
ROUND_TRIP_SIZES = (10_000, 270_000, 1_000_000)
ROUND_TRIP_CALLS, ROUND_TRIP_WARMUP = 50, 5

LOCAL_AUTO = 'local, jit_compile="auto"'
LOCAL_EAGER = "local, jit_compile=False"
DISTRIBUTED = f"Ray, {WORKERS} workers"
SPLIT = f"Local({WORKERS}), in this process"


# ---- timing ---------------------------------------------------------------------------------------


def step_timer() -> Any:
    """A fit callback recording each step's wall time and global batch size, by epoch."""
    from autograd_lite import nn

    class StepTimer(nn.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.steps: list[tuple[int, int, float]] = []   # (epoch, batch, seconds)
            self.epoch = 0

        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self.epoch = epoch

        def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
            self.start = time.perf_counter()

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            self.steps.append((self.epoch, batch, time.perf_counter() - self.start))

        def timed(self, full_steps: int, warmup_epochs: int = 1) -> list[float]:
            return [s for epoch, batch, s in self.steps if epoch >= warmup_epochs and batch < full_steps]

    return StepTimer()


def stats_of(name: str, values: list[float]) -> Stats:
    """The step times as a pyperf benchmark of one run (so the harness's cells, JSON and suite take them)."""
    if not values:
        return Stats(status="error: no timed steps")
    run = pyperf.Run(values, metadata={"name": f"{NAME}: {name}", "loops": 1, "unit": "second"},
                     collect_metadata=False)
    return Stats(pyperf.Benchmark([run]))


def relative_difference(got: list[np.ndarray], expected: list[np.ndarray]) -> float:
    """The largest, over the arrays, of max|got − expected| / max|expected| (as the Ray tests compare)."""
    return max(float(np.max(np.abs(a - b))) / max(float(np.max(np.abs(b))), 1e-300)
               for a, b in zip(got, expected, strict=True))


def timed_fit(build: Callable[[], Any], x: np.ndarray, y: np.ndarray, batch: int, epochs: int,
              distribute: Any) -> tuple[Any, Any, list[str]]:
    """Build a model and fit it (shuffled, seed 0) with a :class:`StepTimer`; the model, the timer
    and the messages of the warnings fit gave that a distributed step is slower."""
    timer = step_timer()
    model = build()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0, seed=0, callbacks=[timer],
                  distribute=distribute)
    return model, timer, [str(w.message) for w in caught if "distributed step takes" in str(w.message)]


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# ---- 1. the digits CNN --------------------------------------------------------------------------


def digits_cnn(narrower: int, jit_compile: bool | str) -> Callable[[], Any]:
    """The digits CNN, its convolutions ``narrower`` times narrower (1: the example's)."""
    from autograd_lite import keras
    from autograd_lite.keras import layers

    def build() -> Any:
        keras.utils.set_random_seed(0)
        model = keras.Sequential([
            keras.Input(shape=(8, 8, 1)),
            layers.Conv2D(32 // narrower, 3, activation="relu", padding="same"),
            layers.MaxPooling2D(),
            layers.Conv2D(64 // narrower, 3, activation="relu", padding="same"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(10, activation="softmax"),
        ])
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"], jit_compile=jit_compile)
        return model

    return build


def digits(config: Config, ray_strategy: Callable[[], Any]) -> tuple[list[Table], list[Target], dict]:
    from autograd_lite.distribute import Local

    from .keras_cnn import digits_data

    x, y, _, _ = digits_data()
    batch, epochs = (QUICK_DIGITS_BATCH, QUICK_DIGITS_EPOCHS) if config.quick \
        else (DIGITS_BATCH, DIGITS_EPOCHS)
    full = len(x) // batch
    fitted, times, warned = {}, {}, {}
    for label, jit, strategy in ((LOCAL_AUTO, "auto", None), (LOCAL_EAGER, False, None),
                                 (SPLIT, "auto", lambda: Local(WORKERS)),
                                 (DISTRIBUTED, "auto", ray_strategy)):
        build = digits_cnn(4 if config.quick else 1, jit)
        model, timer, warned[label] = timed_fit(build, x, y, batch, epochs,
                                                strategy() if strategy else None)
        fitted[label] = model.get_weights()
        times[label] = stats_of(f"digits CNN, {label} [{batch}]", timer.timed(full, warmup_epochs=2))
    differences = {label: relative_difference(fitted[DISTRIBUTED], fitted[label])
                   for label in (LOCAL_AUTO, LOCAL_EAGER)}
    differences["local auto vs local eager"] = relative_difference(fitted[LOCAL_EAGER], fitted[LOCAL_AUTO])
    differences["Local vs local auto"] = relative_difference(fitted[SPLIT], fitted[LOCAL_AUTO])
    parameters = sum(int(w.size) for w in fitted[LOCAL_AUTO])
    steps = epochs * math.ceil(len(x) / batch)
    rows = []
    for label, stats in times.items():
        versus = ", ".join(f"{differences[other]:.2g} vs {other.split(', ')[1]}"
                           for other in (LOCAL_AUTO, LOCAL_EAGER)) if label == DISTRIBUTED else \
            f"{differences['Local vs local auto']:.2g} vs jit_compile=\"auto\"" if label == SPLIT else "—"
        rows.append([label, cell(stats), str(len(stats.benchmark.get_values()) if stats.ok else 0),
                     fmt_ratio(ratio(stats, times[LOCAL_AUTO])), fmt_ratio(ratio(stats, times[LOCAL_EAGER])),
                     versus, "yes" if warned[label] else "no"])
    table = Table(
        f"The digits CNN ({parameters:,} parameters), global batch {batch}: a step of fit",
        ["fit", "step (median)", "steps timed", '÷ local "auto"', "÷ local False",
         "weights: max relative difference", "fit warned"],
        rows,
        [f"{len(x):,} training digits, {epochs} epochs of {math.ceil(len(x) / batch)} steps ({steps} in all; "
         f"the last step of each epoch has {len(x) - full * batch} rows); timed: the full steps of epochs "
         f"3 to {epochs}, from on_train_batch_begin to on_train_batch_end.",
         f"Local({WORKERS}): the replicas' slices one after another in this process, combined as on Ray, "
         "with no transfers.",
         "Weights after the whole fit: max over the arrays of max|distributed − local| / max|local|; "
         f"the two local fits differ from each other by {differences['local auto vs local eager']:.2g}.",
         "'fit warned': fit's own UserWarning that a distributed step is slower than a local one."])
    worst = max(differences[LOCAL_AUTO], differences[LOCAL_EAGER])
    goal = (f"{WORKERS} local workers, digits CNN, global batch {batch}: distributed fit equals local fit "
            f"to {RELATIVE:g}")
    measured = (f"max relative difference {worst:.2g} after {steps} steps (step "
                f"{fmt_time(times[DISTRIBUTED].median)} distributed, {fmt_time(times[LOCAL_AUTO].median)} "
                f'local "auto", {fmt_time(times[LOCAL_EAGER].median)} local False)')
    targets = [Target(goal, measured, bool(worst <= RELATIVE))]
    data = {"steps": times, "relative_difference": differences, "parameters": parameters, "batch": batch,
            "epochs": epochs, "warned": warned}
    return [table], targets, data


# ---- 2. the break-even grid ---------------------------------------------------------------------


def mlp(width: int) -> Callable[[], Any]:
    from autograd_lite import keras
    from autograd_lite.keras import layers

    def build() -> Any:
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(width, activation="relu"),
                                  layers.Dense(width, activation="relu"),
                                  layers.Dense(10, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                      loss="sparse_categorical_crossentropy")
        return model

    return build


def mlp_parameters(width: int) -> int:
    return 784 * width + width + width * width + width + width * 10 + 10


def grid(config: Config, ray_strategy: Callable[[], Any], cores: int) -> tuple[list[Table], dict]:
    """The MLP grid; ``cores``: how many CPUs the Ray workers may run on."""
    from autograd_lite.distribute import Local

    widths, batches = (QUICK_WIDTHS, QUICK_BATCHES) if config.quick else (WIDTHS, BATCHES)
    parallel = min(WORKERS, cores)
    rng = np.random.default_rng(0)
    rows, data, per_model, counts = [], {}, {}, []
    for size, width in widths.items():
        build, count = mlp(width), mlp_parameters(width)
        for batch in batches:
            x, y = rng.normal(size=(2 * batch, 784)), rng.integers(0, 10, 2 * batch)
            # the local fit's first epoch (eager, then trace) sizes how many epochs fit the time
            model, timer, _ = timed_fit(build, x, y, batch, 1, None)
            guess = timer.steps[-1][2]
            epochs = 1 if config.quick else max(3, min(6, int(MLP_SECONDS / (2 * guess))))
            cell_stats, warned = {}, False
            for label, strategy in ((LOCAL_AUTO, None), (SPLIT, lambda: Local(WORKERS)),
                                    (DISTRIBUTED, ray_strategy)):
                _, timer, caught = timed_fit(build, x, y, batch, 1 + epochs, strategy() if strategy else None)
                cell_stats[label] = stats_of(f"MLP {size}, {label} [{batch}]", timer.timed(2))
                warned = warned or (label == DISTRIBUTED and bool(caught))
            local, split, distributed = (cell_stats[k] for k in (LOCAL_AUTO, SPLIT, DISTRIBUTED))
            counts += [len(s.benchmark.get_values()) for s in cell_stats.values() if s.ok]
            overhead = distributed.median - split.median / parallel
            per_model.setdefault(size, []).append((batch, local.median, split.median, overhead))
            rows.append([f"784→{width}→{width}→10", f"{count:,}", str(batch), cell(local), cell(split),
                         cell(distributed), fmt_ratio(ratio(distributed, local)),
                         fmt_time(overhead) if overhead > 0 else
                         f"−{fmt_time(-overhead)}", "yes" if warned else "no"])
            data[f"{size} {batch}"] = {**cell_stats, "parameters": count, "batch": batch,
                                       "overhead_s": overhead, "warned": warned}
    steps = Table(
        f"Break-even: MLP steps, local against {WORKERS} Ray workers",
        ["model", "parameters", "global batch", 'local step ("auto")', f"Local({WORKERS}) step",
         "distributed step", "distributed ÷ local", "overhead", "fit warned"],
        rows,
        [f"Two steps per epoch; timed: every step after the first epoch ({min(counts, default=0)} to "
         f"{max(counts, default=0)} a fit, fewer where a step is slower), medians.",
         f"Local({WORKERS}): the replicas' slices one after another in this process, no transfers.",
         f"overhead = distributed − Local({WORKERS}) ÷ {parallel}: the Ray workers may run on {cores} "
         f"core(s) (os.sched_getaffinity in a worker), so {WORKERS} of them compute in parallel on "
         f"{parallel}; Local({WORKERS}) rather than the local step: the replicas compute eagerly, the "
         "driver combines, and half a batch need not cost half a step.",
         "Float64, Adam, sparse categorical cross-entropy, no metrics; random inputs and labels."])
    rule_rows = []
    for size, cells in per_model.items():
        count = mlp_parameters(widths[size])
        overhead = statistics.median(c[3] for c in cells)
        per_sample = statistics.median(local / batch for batch, local, _, _ in cells)
        split_per_sample = statistics.median(split / batch for batch, _, split, _ in cells)
        # W workers on their own cores: distributed ≈ overhead + B·s/W, local ≈ B·l: faster once
        # B > overhead / (l − s/W)
        gain = per_sample - split_per_sample / WORKERS
        even = max(overhead, 0.0) / gain if gain > 0 else math.inf
        rule_rows.append([f"{count:,}", fmt_time(overhead), fmt_time(per_sample * 1000),
                          fmt_time(split_per_sample * 1000),
                          f"{even:,.0f}" if math.isfinite(even) else "never", f"{count * even:.2g}"])
        data[f"break-even {size}"] = {"parameters": count, "overhead_s": overhead,
                                      "local_per_sample_s": per_sample,
                                      "split_per_sample_s": split_per_sample, "break_even_batch": even}
    rule = Table(
        f"Break-even global batch with {WORKERS} workers, each on its own cores",
        ["parameters", "overhead (median)", "local step per 1000 samples",
         f"Local({WORKERS}) step per 1000 samples", "break-even global batch", "parameters × batch"],
        rule_rows,
        [f"With W = {WORKERS} workers each on its own cores, a distributed step of global batch B takes "
         f"about overhead + B × s ÷ W, a local one B × l (l, s: the local and Local({WORKERS}) step per "
         "sample, medians over the batches): distributing pays above B = overhead ÷ (l − s ÷ W).",
         "Per-sample costs are this machine's, one core each; the overhead is the median over the batches."])
    return [steps, rule], data


# ---- 3. the bare round trip ---------------------------------------------------------------------


class Echo:
    """A Ray actor returning a P-sized array for any weights: a step's traffic without its compute."""

    def __init__(self, size: int) -> None:
        self.out = np.ones(size)

    def gradients(self, weights: Any) -> np.ndarray:
        return self.out

    def cores(self) -> int:
        return usable_cores()


def round_trip(config: Config, ray: Any) -> tuple[list[Table], dict]:
    sizes = ROUND_TRIP_SIZES[:1] if config.quick else ROUND_TRIP_SIZES
    calls, warmup = (5, 1) if config.quick else (ROUND_TRIP_CALLS, ROUND_TRIP_WARMUP)
    actor = ray.remote(num_cpus=0)(Echo)
    rows, data = [], {}
    for size in sizes:
        echoes = [actor.remote(size) for _ in range(WORKERS)]
        weights, seconds = np.zeros(size), []
        for call in range(warmup + calls):
            start = time.perf_counter()
            ref = ray.put(weights)
            got = ray.get([echo.gradients.remote(ref) for echo in echoes])
            if call >= warmup:
                seconds.append(time.perf_counter() - start)
            assert all(g.shape == (size,) for g in got)
        for echo in echoes:
            ray.kill(echo)
        stats = stats_of(f"round trip [{size}]", seconds)
        rows.append([f"{size:,}", f"{size * 8 / 1e6:.2f} MB", cell(stats), fmt_time(stats.fastest)])
        data[str(size)] = stats
    table = Table(
        f"Bare round trip: ray.put of P float64 numbers, {WORKERS} actor calls returning P numbers each",
        ["P", "weights", "round trip (median)", "fastest"], rows,
        [f"{calls} round trips after {warmup} warm-up, one pair of actors per P; they compute nothing."])
    return [table], data


# ---- the benchmark --------------------------------------------------------------------------------


def import_ray() -> Any:
    hidden = {name.strip() for name in os.environ.get(HIDE_ENV, "").split(",")}
    if "ray" in hidden or "all" in hidden or importlib.util.find_spec("ray") is None:
        raise PeerMissing(RAY_HINT + ("; hidden" if hidden & {"ray", "all"} else ""))
    import ray

    return ray


def run(config: Config) -> Result:
    try:
        ray = import_ray()
    except PeerMissing as missing:
        table = Table(f"{TITLE}: not run", ["why"], [[str(missing)]])
        goal = (f"{WORKERS} local workers, digits CNN, global batch {DIGITS_BATCH}: distributed fit equals "
                f"local fit to {RELATIVE:g}")
        return Result(NAME, TITLE, [table], [Target(goal, str(missing), None)], {})
    from ray import cloudpickle

    from autograd_lite.distribute import Ray

    start = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        started = time.perf_counter() - start
        cloudpickle.register_pickle_by_value(sys.modules[__name__])   # Echo, for workers without benchmarks/

        def strategy() -> Any:
            return Ray(num_workers=WORKERS)

        probe = ray.remote(num_cpus=0)(Echo).remote(1)
        worker_cores = ray.get(probe.cores.remote())
        ray.kill(probe)
        tables, targets, digits_data = digits(config, strategy)
        grid_tables, grid_data = grid(config, strategy, worker_cores)
        trip_tables, trip_data = round_trip(config, ray)
    finally:
        ray.shutdown()
    tables += grid_tables + trip_tables
    tables[0].notes.append(f"One local cluster, ray.init(num_cpus=2, include_dashboard=False), started in "
                           f"{started:.1f} s; cores usable (os.sched_getaffinity): {usable_cores()} by the "
                           f"driver, {worker_cores} by a Ray worker; load average at the end "
                           f"{os.getloadavg()[0]:.2f}.")
    data = {"digits_cnn": digits_data, "grid": grid_data, "round_trip": trip_data, "ray_start_s": started,
            "cores": usable_cores(), "worker_cores": worker_cores}
    return Result(NAME, TITLE, tables, targets, data)
