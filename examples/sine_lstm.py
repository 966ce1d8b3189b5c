"""An LSTM learns to continue a noisy sine wave.
==============================================

A recurrent network reads a sequence one value at a time and carries a memory from step to step.
Here an ``nn.LSTM`` (32 hidden units) and a ``Linear`` head read windows of a noisy sine wave and,
at every step, predict the next value. Training is *teacher-forced*: at each step the network is
given the true (noisy) value and asked for the next one, so one window gives 40 training targets at
once and the loss is their mean squared error, which cannot go below the noise's variance (0.01).

Then the network runs *free*: it is warmed up on the last observed values and from there on it is
fed its own predictions, step after step, to continue the wave far past the data. That is much
harder than teacher forcing, as errors feed back into the input; a good model keeps the wave's
period and amplitude, and ignores the noise it was trained on. The continuation is compared with
the clean sine wave (which the network never saw) in ``sine_lstm.png``.

Run it with ``python examples/sine_lstm.py`` (``--quick``: a shorter training run, which continues
the wave less well).
"""

from __future__ import annotations

import time

import numpy as np

import autograd_lite as ag
from _common import heading, load_pyplot, parse_args, save_figure
from autograd_lite import nn, optim
from autograd_lite.nn import functional as F

PERIOD = 25.0   # steps per cycle of the wave
NOISE = 0.1     # standard deviation of the noise added to the observations


class SineModel(nn.Module):
    """LSTM → Linear: (batch, steps, 1) in, the predicted next value at each step out."""

    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x, state=None):
        output, state = self.lstm(x, state)
        return self.head(output), state


def continue_freely(model: SineModel, warm_up: np.ndarray, steps: int) -> np.ndarray:
    """Read ``warm_up`` (the observed values), then feed each prediction back as the next input."""
    with ag.no_grad():
        prediction, state = model(warm_up.reshape(1, -1, 1))
        value = prediction.data[:, -1:, :]          # the prediction after the last observed value
        generated = []
        for _ in range(steps):
            generated.append(float(value[0, 0, 0]))
            prediction, state = model(value, state)  # one step, carrying the LSTM's memory
            value = prediction.data
    return np.array(generated)


def main() -> None:
    quick, out_dir = parse_args(__doc__)
    epochs = 4 if quick else 30
    window, hidden, batch_size = 40, 32, 32

    heading("1. The data: a noisy sine wave, cut into overlapping windows")
    rng = np.random.default_rng(0)
    t = np.arange(600)
    clean = np.sin(2 * np.pi * t / PERIOD)
    observed = clean + NOISE * rng.normal(size=t.shape)
    starts = np.arange(0, len(t) - window - 1, 2)
    inputs = np.stack([observed[s:s + window] for s in starts])[..., None]          # (windows, 40, 1)
    targets = np.stack([observed[s + 1:s + window + 1] for s in starts])[..., None]  # shifted by one
    print(f"{len(t)} observed values, period {PERIOD:g} steps, noise σ = {NOISE}: {len(starts)} windows "
          f"of {window} steps, each value's target the next value")

    heading(f"2. Teacher-forced training for {epochs} epochs")
    ag.manual_seed(0)
    model = SineModel(hidden)
    print(model)
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    generator = ag.random.get_generator()
    start = time.perf_counter()
    for epoch in range(epochs):
        order, total = generator.permutation(len(starts)), 0.0
        for first in range(0, len(order), batch_size):
            batch = order[first:first + batch_size]
            prediction, _ = model(inputs[batch])
            loss = F.mse_loss(prediction, targets[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        if epoch in (0, epochs // 2, epochs - 1):
            print(f"epoch {epoch + 1:>3}: training MSE {total / len(order):.4f}")
    train_mse = total / len(order)
    print(f"training took {time.perf_counter() - start:.1f} s; the noise alone gives an MSE of "
          f"{NOISE ** 2:.4f}")
    assert train_mse < (0.08 if quick else 0.02), train_mse

    heading("3. Free-running: the network continues the wave from its own predictions")
    horizon = 100
    future = np.arange(len(t), len(t) + horizon)
    truth = np.sin(2 * np.pi * future / PERIOD)
    generated = continue_freely(model, observed[-window:], horizon)
    for steps in (25, 50, 100):
        error = np.sqrt(np.mean((generated[:steps] - truth[:steps]) ** 2))
        periods = round(steps / PERIOD)
        print(f"first {steps:>3} steps ({periods} period{'s' if periods > 1 else ''}): RMS error {error:.3f} "
              f"against the clean wave")
    rms = np.sqrt(np.mean((generated[:50] - truth[:50]) ** 2))
    assert rms < (0.6 if quick else 0.15), rms

    plt = load_pyplot()
    if plt is None:
        return
    fig, ax = plt.subplots(figsize=(10, 3.5))
    shown = t[-100:]
    ax.plot(shown, observed[-100:], ".", color="gray", markersize=4, label="observed (noisy) values")
    ax.plot(np.concatenate([shown, future]), np.sin(2 * np.pi * np.concatenate([shown, future]) / PERIOD),
            color="black", linewidth=1, alpha=0.5, label="the clean wave (never seen)")
    ax.plot(future, generated, color="tab:red", linewidth=2, label="LSTM, running on its own predictions")
    ax.axvline(len(t) - 0.5, color="tab:blue", linestyle="--", linewidth=1)
    ax.set_xlabel("step")
    ax.set_title(f"free-running continuation: RMS error {rms:.3f} over the first 50 steps")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, fontsize=8, frameon=False)
    save_figure(fig, out_dir / "sine_lstm.png")


if __name__ == "__main__":
    main()
