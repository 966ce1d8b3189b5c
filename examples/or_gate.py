"""The OR function as one neuron: set by hand with a step activation, then learned with a sigmoid.
===============================================================================================

The tutorial (*Neural Networks*, steps 1-2) models OR with one neuron ``h(x1, x2) = w0 + w1·x1 + w2·x2``
with weights w0 = -1, w1 = w2 = 1 and the step activation ``g(x) = 1 if x ≥ 0, else 0``.

1. The step neuron's truth table, ``g(-1 + x1 + x2)``. (The tutorial's last row reads
   ``g(-1 + 1 + 1) = g(-1) = 1``; the sum is 1, so it is ``g(1) = 1``: the answer is right, the working
   is not.)
2. Why nobody trains step neurons: the step's derivative is 0 wherever it exists, so ``backward()``
   gives every weight a zero gradient and gradient descent never moves them.
3. The same gate learned by a sigmoid neuron, ``sigmoid(w0 + w1·x1 + w2·x2)``, with binary
   cross-entropy and Adam in an explicit PyTorch-style loop: the learned weights and the truth table.
4. A plot of the four inputs and both decision lines (``or_gate.png``).

Run it with ``python examples/or_gate.py``; ``--quick`` (or ``AUTOGRAD_LITE_QUICK=1``) takes fewer steps.
The plot needs the ``examples`` extra (``pip install -e '.[examples]'``: matplotlib and scikit-learn);
without it the numbers are still printed.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from _common import heading, load_pyplot, parse_args, save_figure
from autograd_lite import Tensor, optim
from autograd_lite.nn import functional as F

INPUTS = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # the tutorial's order of rows
OR = np.array([0.0, 1.0, 1.0, 1.0])
TUTORIAL_WEIGHTS = (-1.0, 1.0, 1.0)  # w0, w1, w2


def neuron(weights: Tensor, X: np.ndarray) -> Tensor:
    """h(x1, x2) = w0 + w1·x1 + w2·x2 for each row of X, with weights = (w0, w1, w2)."""
    return weights[0] + X @ weights[1:]


def step_truth_table() -> None:
    heading("1. OR with a step neuron: g(-1 + x1 + x2)")
    weights = Tensor(TUTORIAL_WEIGHTS)
    h = neuron(weights, INPUTS)
    g = F.step(h)
    print("x1  x2   h = -1 + x1 + x2   g(h)   x1 OR x2")
    for (x1, x2), h_value, g_value, target in zip(INPUTS, h.data, g.data, OR):
        working = f"g(-1 + {x1:.0f} + {x2:.0f}) = g({h_value:.0f})"
        print(f"{x1:2.0f}  {x2:2.0f}   {working:<22} {g_value:4.0f}   {target:8.0f}")
    assert np.array_equal(g.data, OR)
    print("Exactly OR. (The tutorial's last row says g(-1 + 1 + 1) = g(-1); it is g(1) = 1.)")


def step_has_no_gradient(steps: int) -> None:
    heading("2. The step function's gradient is zero")
    z = Tensor(0.5, requires_grad=True)
    out = F.step(z)
    out.backward()
    print(f"z = 0.5:  step(z) = {out.item():.0f},  d step / dz = z.grad = {float(z.grad)}")

    # Start from weights that make AND instead (-1.5 + x1 + x2) and try to train them towards OR.
    weights = Tensor([-1.5, 1.0, 1.0], requires_grad=True)
    before = weights.data.copy()
    outputs = F.step(neuron(weights, INPUTS))
    loss = F.mse_loss(outputs, OR)
    loss.backward()
    print(f"weights (w0, w1, w2) = {before.tolist()} compute AND: {outputs.data.tolist()}; "
          f"the mean squared error against OR is {loss.item():.2f}")
    print(f"but backward() gives the gradient {weights.grad.tolist()}: no direction to improve in")
    optimizer = optim.SGD([weights], lr=0.5)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.mse_loss(F.step(neuron(weights, INPUTS)), OR)
        loss.backward()
        optimizer.step()
    print(f"after {steps} steps of gradient descent: weights {weights.data.tolist()}, "
          f"loss {loss.item():.2f} (unchanged)")
    assert np.array_equal(weights.data, before)
    print("A step neuron's weights must be set by hand; to learn them we need an activation with a")
    print("useful slope, such as the sigmoid 1/(1 + exp(-x)) or ReLU max(0, x).")


def learn_with_sigmoid(steps: int) -> np.ndarray:
    heading(f"3. Learning OR with a sigmoid neuron ({steps} steps of Adam, binary cross-entropy)")
    weights = Tensor([0.0, 0.0, 0.0], requires_grad=True)  # start knowing nothing
    optimizer = optim.Adam([weights], lr=0.1)
    shown = {0, 10, 100, steps}
    for step in range(steps + 1):
        logits = neuron(weights, INPUTS)
        loss = F.binary_cross_entropy_with_logits(logits, OR)  # = cross-entropy of sigmoid(logits)
        if step in shown:
            print(f"step {step:5d}: loss {loss.item():.4f}   (w0, w1, w2) = "
                  f"({weights.data[0]:+.3f}, {weights.data[1]:+.3f}, {weights.data[2]:+.3f})")
        if step < steps:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    w0, w1, w2 = weights.data
    probability = F.sigmoid(neuron(weights, INPUTS)).data
    print("\nx1  x2   sigmoid(w0 + w1·x1 + w2·x2)   class (≥ 0.5)   x1 OR x2")
    for (x1, x2), p, target in zip(INPUTS, probability, OR):
        print(f"{x1:2.0f}  {x2:2.0f}   {p:27.4f}   {float(p >= 0.5):13.0f}   {target:8.0f}")
    assert np.array_equal((probability >= 0.5).astype(float), OR), "the sigmoid neuron did not learn OR"
    print(f"\nlearned weights: w0 = {w0:.4f}, w1 = {w1:.4f}, w2 = {w2:.4f}")
    print(f"divided by w1:   w0 = {w0 / w1:.4f}, w1 = 1, w2 = {w2 / w1:.4f}   (the tutorial: -1, 1, 1)")
    print("The weights keep growing while the loss falls (the data is separable), and the line")
    print("w0 + w1·x1 + w2·x2 = 0 drifts towards the line halfway between (0, 0) and the other three points,")
    print("x1 + x2 = 0.5 (the widest margin); the tutorial's line x1 + x2 = 1 runs right")
    print("through (1, 0) and (0, 1), which the step function sends to 1 only because g(0) = 1.")
    return weights.data.copy()


def plot(learned: np.ndarray, out_dir: Path) -> None:
    heading("4. The decision lines")
    plt = load_pyplot()
    if plt is None:
        return
    fig, ax = plt.subplots(figsize=(6.5, 6))
    grid = np.linspace(-0.5, 1.5, 201)
    g1, g2 = np.meshgrid(grid, grid)
    w0, w1, w2 = learned
    probability = 1.0 / (1.0 + np.exp(-(w0 + w1 * g1 + w2 * g2)))
    shading = ax.contourf(g1, g2, probability, levels=np.linspace(0, 1, 11), cmap="coolwarm", alpha=0.35)
    fig.colorbar(shading, ax=ax, label="learned sigmoid neuron's output")
    ax.contour(g1, g2, probability, levels=[0.5], colors="k", linewidths=2)
    ax.plot([], [], "k-", label=f"learned: {w0:.2f} {w1:+.2f}·x1 {w2:+.2f}·x2 = 0")
    ax.plot(grid, 1.0 - grid, "g--", linewidth=2, label="tutorial's step neuron: -1 + x1 + x2 = 0")
    ax.scatter(INPUTS[:, 0], INPUTS[:, 1], c=OR, cmap="coolwarm", vmin=0, vmax=1, s=200, edgecolors="k",
               zorder=3)
    for (x1, x2), target in zip(INPUTS, OR):
        ax.annotate(f"{x1:.0f} OR {x2:.0f} = {target:.0f}", (x1, x2), textcoords="offset points",
                    xytext=(10, 10))
    ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="x1", ylabel="x2", aspect="equal",
           title="OR: one neuron, one straight line")
    ax.legend(loc="lower left", fontsize=8)
    save_figure(fig, out_dir / "or_gate.png")


def main() -> None:
    quick, out_dir = parse_args(__doc__)

    started = time.perf_counter()
    print("The OR neuron with autograd_lite" + ("  (quick run)" if quick else ""))
    step_truth_table()
    step_has_no_gradient(steps=10 if quick else 100)
    learned = learn_with_sigmoid(steps=300 if quick else 3000)
    plot(learned, out_dir)
    print(f"\nDone in {time.perf_counter() - started:.1f} s.")


if __name__ == "__main__":
    main()
