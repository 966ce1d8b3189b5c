"""Memory: flat under long training, bounded for a million scalar nodes, released during backward."""

import subprocess
import sys
import textwrap
import tracemalloc

import numpy as np

from autograd_lite import Tensor, nn, optim


def resident_mb() -> float:
    """Current resident memory of this process (not the peak), from /proc."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * 4096 / 2**20


def test_ten_thousand_training_steps_keep_memory_flat():
    nn.manual_seed(0)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(64, 4)), rng.normal(size=(64, 1))
    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))
    opt = optim.Adam(model.parameters(), lr=1e-3)

    def train(steps):
        for _ in range(steps):
            loss = nn.functional.mse_loss(model(X), y)
            opt.zero_grad()
            loss.backward()
            opt.step()

    train(1_000)
    before = resident_mb()
    train(9_000)
    growth = resident_mb() - before
    assert growth < 5.0, f"resident memory grew by {growth:.1f} MB over 9,000 steps"


def test_a_million_scalar_nodes_backpropagate_within_450_mb():
    script = textwrap.dedent("""
        import resource
        from autograd_lite import Value
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        x = Value(1.0)
        y = x
        for _ in range(1_000_000):
            y = y * 1.0000001
        y.backward()
        peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        print(f"{peak:.0f} {x.grad!r}")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            check=True)
    peak_mb, grad = result.stdout.split()
    assert abs(float(grad) - 1.0000001 ** 1_000_000) < 1e-6
    assert float(peak_mb) < 450, f"peak memory {peak_mb} MB"


def test_backward_releases_gradients_as_it_goes():
    size, depth = 100_000, 60                     # 0.8 MB per array, 48 MB of forward results
    x = Tensor(np.ones(size), requires_grad=True)
    y = x
    for _ in range(depth):
        y = y * 1.001
    loss = y.sum()
    tracemalloc.start()
    try:
        loss.backward()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    array_bytes = size * 8
    # Holding every gradient until the end would need `depth` arrays; a few at a time are enough.
    assert peak < 6 * array_bytes, f"backward's peak was {peak / array_bytes:.1f} arrays"
