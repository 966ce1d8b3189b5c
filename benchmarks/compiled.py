"""The compiled targets (issue #17): each workload run by ``ag.compile`` beside eager and its floor.

Four workloads of the other benchmarks, each compiled, in the same interleaved rounds as the eager
code, the hand-written NumPy floor and the peer the target names:

* **perceptron** — the tutorial's ``fit`` (``perceptron.py``), ``model.compile(...,
  jit_compile=True)`` against ``jit_compile=False``, the NumPy floor and Keras 3 on jax;
* **per_op** — the chain of 100 elementwise ops on a (10,) vector (``per_op.py``), forward and
  backward as ``ag.compile(ag.value_and_grad(f))``, against eager, NumPy forward only and PyTorch;
* **scalar** — micrograd's demo MLP (``scalar.py``), one compiled call zeroing the gradients, running
  the loss and its backward on ``Value``s, against eager and micrograd with its collector on and off;
* **training_step** — the 784→256→256→10 step with SGD (``training_step.py``), compiled, against
  eager and the NumPy floor.

A compiled case is built, called once (eager: its warm-up) and once more (the trace) before pyperf
times it; each timed call must then be a replay, or the case fails. What compiling costs is measured
apart, in a fresh process per workload (``python -m benchmarks.compiled compile-time WORKLOAD SIZE``):
the first call, the tracing call (which runs the function, records it and generates and compiles
the program) and the replays, and from them after how many calls compiling pays.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from . import per_op, perceptron, scalar, training_step
from .common import (
    Config,
    Result,
    Table,
    Target,
    baseline_target,
    case,
    cell,
    fmt_check,
    fmt_ratio,
    fmt_time,
    measure,
    ratio,
    run_worker,
    target,
    why_not,
    with_baseline,
)

NAME = "compiled"
TITLE = "Compiled (ag.compile)"

#: workload → (full size, quick size): epochs, vector length, points, batch
SIZES = {"perceptron": (1000, 3), "per_op": (10, 10), "scalar": (10, 3), "training_step": (32, 8)}
KERAS_REPEAT = 3
REPLAYS = 20          # replays timed by the compile-time worker
COMPILE_TIMEOUT = 1800

COMPILED = "autograd_lite, compiled"
EAGER = "autograd_lite, eager"
NUMPY = "NumPy, hand-written (floor)"
NUMPY_FORWARD = "NumPy, forward only (floor)"
KERAS_JAX = "Keras 3, jax backend"
TORCH = "PyTorch (eager)"
MICROGRAD_GC = "micrograd (GC on)"
MICROGRAD_NO_GC = "micrograd (gc.disable())"


def replaying(compiled: Any, call: Callable[[], Any]) -> Callable[[], Any]:
    """``call`` (which calls ``compiled``) after its eager and tracing calls; each call a replay."""
    call()
    call()

    def step() -> Any:
        out = call()
        if compiled.last_call != "replay":
            raise RuntimeError(f"the compiled call ran as {compiled.last_call!r}, not a replay: "
                               f"{compiled.explain().splitlines()[-1]}")
        return out

    return step


# ---- the compiled functions (unwarmed: the compile-time worker times their first calls) ------------


def compiled_chain(n: int) -> tuple[Any, Callable[[], Any]]:
    import autograd_lite as ag

    x0 = np.random.default_rng(0).uniform(-1, 1, n)   # per_op.make_step's input
    f = ag.compile(ag.value_and_grad(lambda x: per_op.chain(x, ag).sum()))
    return f, lambda: f(x0)[1]


def compiled_mlp(points: int) -> tuple[Any, Callable[[], Any]]:
    import autograd_lite as ag

    X, y = scalar.moons(points)
    model = scalar.ScalarMLP(scalar.initial_weights(), ag.Value)
    parameters = model.parameters()

    def step() -> Any:
        for p in parameters:
            p.grad = 0.0
        loss = scalar.demo_loss(model, parameters, X, y)
        loss.backward()
        return loss

    f = ag.compile(step)
    return f, f


def compiled_training_step(batch: int) -> tuple[Any, Callable[[], Any]]:
    import autograd_lite as ag
    from autograd_lite import nn, optim

    X, labels, weights = training_step.problem(batch)
    net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
    for parameter, w in zip(net.parameters(), weights):
        parameter.data = w.copy()
    optimizer = optim.SGD(net.parameters(), lr=training_step.LR)

    def step() -> Any:
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(net(X), labels)
        loss.backward()
        optimizer.step()
        return loss

    f = ag.compile(step)
    return f, f


COMPILERS = {"per_op": compiled_chain, "scalar": compiled_mlp, "training_step": compiled_training_step}


def build_fit(epochs: int, jit_compile: bool) -> Callable[[], float]:
    """perceptron.py's fit of a fresh model, with ``jit_compile`` as given; a compile warning fails it."""
    from autograd_lite import nn

    X_train, y_train, X_test, y_test = perceptron.tutorial_data()

    def fit() -> float:
        model = nn.Sequential()
        model.add(nn.Dense(1, input_dim=2, activation="sigmoid"))
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"],
                      jit_compile=jit_compile)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.fit(X_train, y_train, epochs=epochs, batch_size=perceptron.BATCH, verbose=0, seed=0)
        for warning in caught:
            if "compil" in str(warning.message):
                raise RuntimeError(f"fit did not compile: {warning.message}")
        return model.evaluate(X_test, y_test, verbose=0)[1]

    return fit


def make_step(label: str, workload: str, size: str) -> Callable[[], Any]:
    """``label``'s unit of ``workload`` at ``size`` (``worker.py`` calls it)."""
    n = int(size)
    if label == COMPILED:
        if workload == "perceptron":
            return build_fit(n, jit_compile=True)
        return replaying(*COMPILERS[workload](n))
    if workload == "perceptron":
        if label == EAGER:
            return build_fit(n, jit_compile=False)
        return perceptron.make_step({NUMPY: perceptron.NUMPY, KERAS_JAX: perceptron.KERAS_JAX}[label], size)
    if workload == "per_op":
        return per_op.make_step({EAGER: per_op.OURS, NUMPY_FORWARD: per_op.NUMPY, TORCH: per_op.TORCH}[label],
                                size)
    if workload == "scalar":
        return scalar.make_step({EAGER: scalar.OURS, MICROGRAD_GC: scalar.MICROGRAD_GC,
                                 MICROGRAD_NO_GC: scalar.MICROGRAD_NO_GC}[label], size)
    return training_step.make_step({EAGER: training_step.OURS, NUMPY: training_step.NUMPY}[label], size)


# ---- what compiling costs ----------------------------------------------------------------------


def compile_time(workload: str, size: int) -> dict[str, Any]:
    """The first (eager) call, the tracing call and the median of ``REPLAYS`` replays, in seconds."""
    f, call = COMPILERS[workload](size)
    times = []
    for _ in range(2 + REPLAYS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    if f.last_call != "replay":
        return {"error": f"the last call ran as {f.last_call!r}, not a replay"}
    return {"eager_s": times[0], "trace_s": times[1], "replay_s": statistics.median(times[2:]),
            "code_lines": len(f.code.splitlines())}


def break_even(trace_s: float, eager_s: float, compiled_s: float) -> float:
    """Calls after which the tracing call has paid for itself: trace / (eager − compiled)."""
    saved = eager_s - compiled_s
    return trace_s / saved if saved > 0 else float("inf")


# ---- the run -------------------------------------------------------------------------------------

#: workload → its labels, the peers each needs, and the case options of slow or noisy ones
LABELS = {
    "perceptron": [COMPILED, EAGER, NUMPY, KERAS_JAX],
    "per_op": [COMPILED, EAGER, NUMPY_FORWARD, TORCH],
    "scalar": [COMPILED, EAGER, MICROGRAD_GC, MICROGRAD_NO_GC],
    "training_step": [COMPILED, EAGER, NUMPY],
}
PEERS = {KERAS_JAX: ("keras", "jax"), TORCH: ("torch",), MICROGRAD_GC: ("micrograd",),
         MICROGRAD_NO_GC: ("micrograd",)}


def options(workload: str, label: str, config: Config) -> dict[str, Any]:
    if label == KERAS_JAX:
        return {"repeat": 1 if config.quick else KERAS_REPEAT, "values": 1}
    if workload == "scalar":
        return {"gc_disabled": label == MICROGRAD_NO_GC, "inner_loops": scalar.STEPS_PER_LOOP, "values": 1}
    return {}


def workload_table(workload: str, title: str, stats: dict[str, Any], config: Config, scale: int = 1,
                   unit: str | None = None) -> Table:
    rows = [[label, cell(s, scale=scale, unit=unit), fmt_check(s.check), fmt_ratio(ratio(s, stats[COMPILED]))]
            for label, s in stats.items()]
    return Table(title, ["library", "time" + (" per op" if scale > 1 else ""), "check",
                         "time ÷ compiled"], rows)


def run(config: Config) -> Result:
    size = {w: quick if config.quick else full for w, (full, quick) in SIZES.items()}
    results: dict[str, dict[str, Any]] = {}
    for workload, labels in LABELS.items():
        cases = [case(label, __name__, workload, size[workload], peers=PEERS.get(label, ()),
                      **options(workload, label, config)) for label in labels]
        results[workload] = measure(with_baseline(cases, config, EAGER), config)
    costs = {w: run_worker(__name__, ["compile-time", w, str(size[w])], COMPILE_TIMEOUT) for w in COMPILERS}

    fit, chain, mlp, step = (results[w] for w in ("perceptron", "per_op", "scalar", "training_step"))
    tables = [
        workload_table("perceptron", f"The tutorial's perceptron fit, {size['perceptron']:,} epochs "
                       "(batch 32, Adam, metrics=['accuracy'])", fit, config),
        workload_table("per_op", f"Chain of {per_op.OPS} elementwise ops on a ({size['per_op']},) vector, "
                       "forward + backward", chain, config, scale=per_op.OPS, unit="µs"),
        workload_table("scalar", f"micrograd's demo MLP 2→16→16→1, N={size['scalar']} points, "
                       "forward + backward", mlp, config),
        workload_table("training_step", f"784→256→256→10 training step (SGD), batch {size['training_step']}",
                       step, config),
        compile_table(costs, results),
    ]
    tables[0].notes = [f"Each call builds, compiles and fits a fresh model: the compiled fit includes "
                       f"its trace. Keras: {1 if config.quick else KERAS_REPEAT} round(s) of one value."]
    tables[1].notes = ["compiled: ag.compile(ag.value_and_grad(f)) on the NumPy vector; eager: "
                       "per_op.py's Tensor, .sum().backward(); NumPy: the forward chain alone."]
    tables[3].notes = ["The compiled row's check is the loss of its third step: its eager and tracing calls "
                       "trained the network first; the others' is the first step's."]
    tables[2].notes = [f"Each process times one value of {scalar.STEPS_PER_LOOP} or more calls back to back; "
                       "compiled and eager with the collector on, as users run them."]

    targets = [
        ratio_target("compiled perceptron fit within 2× of the NumPy floor", fit, COMPILED, NUMPY, 2),
        speedup_target("compiled perceptron fit ≥15× faster than Keras-jax", fit, KERAS_JAX, COMPILED, 15),
        ratio_target("compiled per-op chain within 2× of NumPy forward only", chain, COMPILED,
                     NUMPY_FORWARD, 2, scale=per_op.OPS),
        ratio_target("compiled per-op chain under 0.4× PyTorch eager", chain, COMPILED, TORCH, 0.4,
                     scale=per_op.OPS, strict=True),
        speedup_target(f"compiled scalar MLP ≥20× faster than micrograd with gc.disable() "
                       f"(N={size['scalar']})", mlp, MICROGRAD_NO_GC, COMPILED, 20),
        speedup_target(f"compiled scalar MLP ≥100× faster than micrograd with GC on (N={size['scalar']})",
                       mlp, MICROGRAD_GC, COMPILED, 100),
        ratio_target(f"compiled training step within 1.1× of the NumPy floor (batch {size['training_step']})",
                     step, COMPILED, NUMPY, 1.1),
    ]
    for workload, what in (("perceptron", "eager perceptron fit"), ("per_op", "eager per-op chain"),
                           ("scalar", "eager scalar MLP"), ("training_step", "eager training step")):
        targets += baseline_target(what, results[workload], EAGER, config)
    return Result(NAME, TITLE, tables, targets, {**results, "compile": costs})


def _times(stats: dict[str, Any], a: str, b: str, scale: int) -> str:
    unit = "µs" if scale > 1 else None
    return f"{cell(stats[a], scale=scale, unit=unit)} vs {cell(stats[b], scale=scale, unit=unit)}"


def ratio_target(goal: str, stats: dict[str, Any], ours: str, floor: str, limit: float, scale: int = 1,
                 strict: bool = False) -> Target:
    r = ratio(stats[ours], stats[floor])
    return target(goal, r, (lambda v: v < limit) if strict else (lambda v: v <= limit),
                  f"{fmt_ratio(r)} ({_times(stats, ours, floor, scale)})",
                  unknown=why_not(stats, ours, floor))


def speedup_target(goal: str, stats: dict[str, Any], slow: str, ours: str, least: float) -> Target:
    r = ratio(stats[slow], stats[ours])
    return target(goal, r, lambda v: v >= least, f"{fmt_ratio(r)} ({_times(stats, ours, slow, 1)})",
                  unknown=why_not(stats, ours, slow))


def compile_table(costs: dict[str, dict[str, Any]], results: dict[str, dict[str, Any]]) -> Table:
    rows = []
    for workload, cost in costs.items():
        if "error" in cost:
            rows.append([workload, cost["error"], "—", "—", "—", "—"])
            continue
        eager, compiled = results[workload][EAGER], results[workload][COMPILED]
        calls = break_even(cost["trace_s"], eager.median, compiled.median) if eager.ok and compiled.ok \
            else float("nan")
        calls_text = "never" if calls == float("inf") else "—" if calls != calls else f"{calls:,.0f}"
        rows.append([workload, fmt_time(cost["eager_s"]), fmt_time(cost["trace_s"]),
                     fmt_time(cost["replay_s"]), f"{cost['code_lines']:,}", calls_text])
    return Table("What compiling costs (a fresh process per workload)",
                 ["workload", "1st call (eager)", "2nd call (trace + code)", "replay (median)",
                  "lines of code", "calls to break even"], rows,
                 ["Break-even: the tracing call ÷ (eager − compiled), eager and compiled the medians of "
                  "the tables above: after that many calls the compiled function has paid for its trace."])


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "compile-time":
        print(json.dumps(compile_time(sys.argv[2], int(sys.argv[3]))))
    else:
        sys.exit("usage: python -m benchmarks.compiled compile-time {per_op,scalar,training_step} SIZE")
