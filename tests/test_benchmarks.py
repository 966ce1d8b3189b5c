"""Smoke test of benchmarks/: the quick run works and reports missing peers; no timing is checked.

The benchmarks themselves are not part of the test suite (``python -m benchmarks.run`` runs them).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))   # benchmarks/ is a folder of the repository, not an installed package
from benchmarks.common import Case, Config, PeerMissing, case, fmt_time, measure  # noqa: E402

TITLES = ["Scalar engine", "Per-op overhead", "Tensor training step", "The tutorial's perceptron", "Memory"]


def run_benchmarks(*args, env=None):
    return subprocess.run([sys.executable, "-m", "benchmarks.run", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})


def test_quick_run_writes_every_table_and_reports_missing_peers(tmp_path):
    done = run_benchmarks("--quick", "--only", "scalar,per_op,training_step,perceptron,memory",
                          "--out", str(tmp_path), env={"BENCHMARKS_HIDE_PEERS": "all"})
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

    document = json.loads((tmp_path / "quick.json").read_text())
    assert document["quick"] is True
    assert set(document["benchmarks"]) == {"scalar", "per_op", "training_step", "perceptron", "memory"}
    assert {"cpu", "cores", "python", "versions", "date"} <= set(document["machine"])
    ours = document["benchmarks"]["per_op"]["data"]["10"]["autograd_lite"]
    assert ours["status"] is None and ours["median_s"] > 0
    micrograd = document["benchmarks"]["scalar"]["data"]["mlp"]["4"]["micrograd (GC on)"]
    assert micrograd["status"].startswith("missing (pip install micrograd==0.1.0")
    assert len(document["targets"]) == 12
    assert all(t["met"] is None or isinstance(t["met"], bool) for t in document["targets"])


def test_unknown_benchmark_is_a_usage_error(tmp_path):
    done = run_benchmarks("--quick", "--only", "nonsense", "--out", str(tmp_path))
    assert done.returncode == 2 and "unknown benchmark(s) nonsense" in done.stderr


def test_measure_interleaves_repetitions_and_keeps_missing_cases():
    calls = []

    def build(name):
        if name == "absent":
            raise PeerMissing("missing (pip install absent)")
        return lambda: calls.append(name) or 1.5

    cases = [case("a", build, "a"), case("b", build, "b"), case("absent", build, "absent"),
             Case("broken", lambda: 1 / 0)]
    results = measure(cases, Config(repeat=3, warmup=1, min_time=0.0))
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b"]   # warm-ups, then rounds a-b, b-a, a-b
    assert len(results["a"].samples) == 3 and results["a"].check == 1.5
    assert results["absent"].status == "missing (pip install absent)"
    assert results["broken"].status.startswith("error: ZeroDivisionError")


@pytest.mark.parametrize("seconds, text", [(1.5e-6, "1.5 µs"), (0.0123, "12.3 ms"), (2.0, "2 s")])
def test_times_are_formatted_with_units(seconds, text):
    assert fmt_time(seconds) == text
