"""XOR: why one neuron cannot learn it, and how two layers can.
============================================================

1. One neuron draws one straight line, and no straight line puts (0, 1) and (1, 0) on one side and
   (0, 0) and (1, 1) on the other: trained as hard as you like, it gets at most 3 of the 4 right.
2. A hidden layer of 4 tanh neurons bends the boundary: trained PyTorch-style (explicit loop,
   ``nn.Sequential``, ``binary_cross_entropy_with_logits``, ``optim.Adam``), it gets all 4.
3. Both decision regions, plotted to ``xor.png``.

Run it with ``python examples/xor.py`` (``--quick`` trains for fewer steps).
"""

from __future__ import annotations

import numpy as np

from _common import heading, load_pyplot, parse_args, save_figure
from autograd_lite import nn, no_grad, optim
from autograd_lite.nn import functional as F

X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
Y = np.array([[0.0], [1.0], [1.0], [0.0]])  # x1 XOR x2


def train(model: nn.Module, steps: int) -> float:
    """Full-batch Adam on the four points; returns the accuracy."""
    opt = optim.Adam(model.parameters(), lr=0.05)
    for _ in range(steps):
        loss = F.binary_cross_entropy_with_logits(model(X), Y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with no_grad():
        logits = model(X).data
    print(f"  final loss {loss.item():.4f}; outputs σ(z) = {np.round(1 / (1 + np.exp(-logits[:, 0])), 3)}")
    return float(np.mean((logits > 0) == (Y > 0.5)))


def main() -> None:
    quick, out_dir = parse_args(__doc__)
    steps = 400 if quick else 2000
    nn.manual_seed(1)

    heading(f"1. One neuron ({steps} steps)")
    neuron = nn.Linear(2, 1)
    single = train(neuron, steps)
    print(f"  accuracy {single:.0%}: no straight line separates XOR")
    assert single <= 0.75

    heading(f"2. Two layers: 2 -> 4 tanh -> 1 ({steps} steps)")
    network = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    print(network)
    double = train(network, steps)
    print(f"  accuracy {double:.0%}")
    assert double == 1.0

    plt = load_pyplot()
    if plt is None:
        return
    grid = np.stack(np.meshgrid(np.linspace(-0.5, 1.5, 200), np.linspace(-0.5, 1.5, 200)), axis=-1)
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.5))
    for ax, model, title in ((axes[0], neuron, "one neuron"), (axes[1], network, "two layers")):
        with no_grad():
            z = model(grid.reshape(-1, 2)).data.reshape(grid.shape[:2])
        ax.contourf(grid[..., 0], grid[..., 1], z > 0, cmap="coolwarm", alpha=0.3)
        ax.scatter(X[:, 0], X[:, 1], c=Y[:, 0], cmap="coolwarm", s=120, edgecolors="black")
        ax.set(title=f"XOR, {title}", xlabel="x1", ylabel="x2")
    save_figure(fig, out_dir / "xor.png")


if __name__ == "__main__":
    main()
