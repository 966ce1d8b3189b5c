"""Smoke test of benchmarks/: the quick run works, reports missing peers and runs a baseline revision;
the harness interleaves its rounds and times in pyperf workers. No timing is checked.

The benchmarks themselves are not part of the test suite (``python -m benchmarks.run`` runs them).
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyperf
import pytest

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))   # benchmarks/ is a folder of the repository, not an installed package
from benchmarks import per_op  # noqa: E402
from benchmarks.common import (  # noqa: E402
    HIDE_ENV,
    Baseline,
    Case,
    Config,
    case,
    fmt_time,
    interleaved,
    measure,
    with_baseline,
)

TITLES = ["Scalar engine", "Per-op overhead", "Tensor training step", "The tutorial's perceptron", "Memory"]


def run_benchmarks(*args, env=None):
    return subprocess.run([sys.executable, "-m", "benchmarks.run", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=240, env={**os.environ, **(env or {})})


def head_commit():
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_quick_run_writes_every_table_reports_missing_peers_and_times_the_baseline(tmp_path):
    done = run_benchmarks("--quick", "--only", "scalar,per_op,training_step,perceptron,memory",
                          "--baseline", "HEAD", "--out", str(tmp_path), env={HIDE_ENV: "all"})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    markdown = (tmp_path / "quick.md").read_text()
    for title in TITLES:
        assert f"## {title}" in markdown
        assert f"## {title}" in done.stdout
    assert "| autograd_lite " in markdown and "### Targets" in markdown
    assert "error:" not in markdown and "fails:" not in markdown   # autograd_lite ran every workload
    for hint in ("pip install torch==2.13.0", "pip install micrograd==0.1.0", "pip install autograd",
                 "pip install mygrad", "pip install jax jaxlib", "pip install keras"):
        assert f"missing ({hint}" in markdown, hint
    commit = head_commit()
    baseline = f"autograd_lite@{commit}"
    assert f"| {baseline} " in markdown

    document = json.loads((tmp_path / "quick.json").read_text())
    assert document["quick"] is True
    assert set(document["benchmarks"]) == {"scalar", "per_op", "training_step", "perceptron", "memory"}
    machine = {"cpu_model_name", "cpu_count", "python_version", "versions", "date", "baseline"}
    assert machine <= set(document["machine"])
    ours = document["benchmarks"]["per_op"]["data"]["10"]["autograd_lite"]
    assert ours["status"] is None and ours["median_s"] > 0 and ours["processes"] == 2
    assert document["benchmarks"]["per_op"]["data"]["10"][baseline]["median_s"] > 0
    micrograd = document["benchmarks"]["scalar"]["data"]["mlp"]["4"]["micrograd (GC on)"]
    assert micrograd["status"].startswith("missing (pip install micrograd==0.1.0")
    goals = [t["goal"] for t in document["targets"]]
    against_baseline = [goal for goal in goals if "6% slower than autograd_lite" in goal and commit in goal]
    assert len(goals) == 12 + 4 and len(against_baseline) == 4
    assert all(t["met"] is None or isinstance(t["met"], bool) for t in document["targets"])

    suite = pyperf.BenchmarkSuite.load(str(tmp_path / "quick.pyperf.json"))   # pyperf's own record
    assert "per_op: autograd_lite [10]" in suite.get_benchmark_names()


def test_unknown_benchmark_and_unknown_baseline_are_usage_errors(tmp_path):
    done = run_benchmarks("--quick", "--only", "nonsense", "--out", str(tmp_path))
    assert done.returncode == 2 and "unknown benchmark(s) nonsense" in done.stderr
    done = run_benchmarks("--quick", "--only", "per_op", "--baseline", "no-such-rev", "--out", str(tmp_path))
    assert done.returncode != 0 and "--baseline no-such-rev: not a commit" in done.stderr
    assert not list(tmp_path.iterdir())   # nothing ran


def test_rounds_are_interleaved_each_from_another_case():
    cases = [Case("a", "m", "a"), Case("b", "m", "b"), Case("c", "m", "c", repeat=1)]
    assert [c.label for c in interleaved(cases, 3)] == ["a", "b", "c", "b", "a", "a", "b"]


def test_measure_times_in_pyperf_workers_and_keeps_missing_and_broken_cases(monkeypatch):
    monkeypatch.setenv(HIDE_ENV, "torch")
    config = Config.make(quick=True)
    cases = [case(per_op.NUMPY, per_op.__name__, 10), case("absent", per_op.__name__, 10, peers=["torch"]),
             case("broken", per_op.__name__, 10, key="no such library")]
    results = measure(cases, config)
    numpy_floor = results[per_op.NUMPY]
    assert numpy_floor.ok and numpy_floor.benchmark.get_nrun() == config.repeat and numpy_floor.median > 0
    x0 = np.random.default_rng(0).uniform(-1, 1, 10)   # what make_step gives the chain
    assert numpy_floor.check == pytest.approx(float(per_op.chain(x0, np).sum()))
    assert results["absent"].status == "missing (pip install torch==2.13.0; hidden)"
    assert results["broken"].status == "error: KeyError: 'no such library'"


def test_the_baseline_is_imported_from_its_revision_not_the_working_tree(tmp_path):
    baseline = Baseline.unpack("HEAD", tmp_path)
    assert (tmp_path / "autograd_lite" / "__init__.py").is_file() and baseline.commit == head_commit()
    config = Config.make(quick=True, repeat=1, baseline=baseline)
    cases = with_baseline([case(per_op.NUMPY, per_op.__name__, 10), case(per_op.OURS, per_op.__name__, 10)],
                          config, per_op.OURS)
    assert [c.label for c in cases] == [per_op.NUMPY, per_op.OURS, f"{per_op.OURS}@{baseline.commit}"]
    stats = measure(cases[2:], config)[f"{per_op.OURS}@{baseline.commit}"]
    assert stats.ok, stats.status
    imported = Path(stats.benchmark.get_runs()[0].get_metadata()["autograd_lite_file"])
    assert imported == tmp_path / "autograd_lite" / "__init__.py"


@pytest.mark.parametrize("seconds, text", [(1.5e-6, "1.5 µs"), (0.0123, "12.3 ms"), (2.0, "2 s")])
def test_times_are_formatted_with_units(seconds, text):
    assert fmt_time(seconds) == text


def test_compiled_cases_replay_and_compute_what_eager_computes():
    import autograd_lite as ag
    from benchmarks import compiled, scalar, training_step

    f, call = compiled.compiled_chain(10)
    eager = per_op.make_step(per_op.OURS, "10")
    for _ in range(3):
        assert call().tobytes() == np.asarray(eager().data).tobytes()
    assert f.last_call == "replay"

    f, call = compiled.compiled_training_step(8)
    eager = training_step.make_step(training_step.OURS, "8")
    losses = [(call(), eager()) for _ in range(3)]   # eager, trace, replay: each trains the network
    assert f.last_call == "replay"
    assert all(np.asarray(a.data).tobytes() == np.asarray(b.data).tobytes() for a, b in losses)

    f, call = compiled.compiled_mlp(2)
    eager = scalar.make_step(scalar.OURS, "2")
    assert [call().data for _ in range(3)] == [eager() for _ in range(3)] and f.last_call == "replay"

    step = compiled.make_step(compiled.COMPILED, "per_op", "10")
    assert step().shape == (10,)
    with ag.disable_compile(), pytest.raises(RuntimeError, match="not a replay"):
        step()   # a case that stops replaying fails rather than timing eager


@pytest.mark.xdist_group("ray")
@pytest.mark.skipif(importlib.util.find_spec("ray") is None and not os.environ.get("CI"), reason="needs Ray")
def test_the_distributed_benchmark_reports_the_equality_target_and_its_tables(tmp_path):
    done = run_benchmarks("--quick", "--only", "distributed", "--out", str(tmp_path))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    result = json.loads((tmp_path / "quick.json").read_text())["benchmarks"]["distributed"]
    assert [t["title"].split(":")[0].split(" (")[0] for t in result["tables"]] == [
        "The digits CNN", "Break-even", "Break-even global batch with 2 workers, each on its own cores",
        "Bare round trip"]
    (goal,) = result["targets"]
    assert "distributed fit equals local fit to 1e-12" in goal["goal"] and goal["met"] is True
    digits = result["data"]["digits_cnn"]
    assert 0 <= digits["relative_difference"]['local, jit_compile="auto"'] <= 1e-12
    assert all(digits["steps"][label]["median_s"] > 0 for label in digits["steps"])
    assert result["data"]["round_trip"]["10000"]["median_s"] > 0
