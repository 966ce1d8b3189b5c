"""Full-batch, stochastic and mini-batch gradient descent on one problem, and what each costs.
===========================================================================================

The tutorial's three ways to compute the gradient differ only in how many samples each step sees,
which in ``fit`` is ``batch_size``:

* full-batch gradient descent: ``batch_size=len(X)`` — one exact step per epoch;
* stochastic gradient descent: ``batch_size=1`` — one noisy step per sample;
* mini-batch gradient descent: anything in between (here 16).

Each trains the same logistic-regression neuron on the same data (two overlapping clusters) with the
same optimizer (plain SGD, learning rate 0.05) for the same number of epochs. The loss curves go to
``gradient_descent_variants.png`` — per epoch, and per gradient step — and the table says what each
costs: steps per epoch, total steps, wall time, final loss.

Run it with ``python examples/gradient_descent_variants.py`` (``--quick``: fewer epochs).
"""

from __future__ import annotations

import time

import numpy as np

from _common import heading, load_pyplot, parse_args, save_figure
from autograd_lite import optim
from autograd_lite.nn import Dense, Sequential, manual_seed


def make_data(n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clusters, centred 2.5 apart so that they overlap a little."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 2))
    y = (np.arange(n) < n // 2).astype(float)
    X[y == 1] += 2.5
    return X, y


def main() -> None:
    quick, out_dir = parse_args(__doc__)
    epochs = 5 if quick else 30
    X, y = make_data()
    variants = {"full batch": len(X), "stochastic (1)": 1, "mini-batch (16)": 16}
    results = {}
    heading(f"Training the same neuron {len(variants)} ways, {epochs} epochs each, SGD lr=0.05")
    for name, batch_size in variants.items():
        manual_seed(0)
        model = Sequential(Dense(1, input_dim=2, activation="sigmoid"))
        model.compile(loss="binary_crossentropy", optimizer=lambda p: optim.SGD(p, lr=0.05),
                      metrics=["accuracy"])
        start = time.perf_counter()
        history = model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0, seed=0)
        seconds = time.perf_counter() - start
        steps_per_epoch = -(-len(X) // batch_size)
        results[name] = (steps_per_epoch, history.history["loss"], seconds,
                         model.evaluate(X, y, verbose=0))

    heading("What each costs")
    print(f"{'variant':<18}{'steps/epoch':>12}{'total steps':>13}{'wall time':>11}{'final loss':>12}"
          f"{'accuracy':>10}")
    for name, (steps_per_epoch, _, seconds, (loss, accuracy)) in results.items():
        print(f"{name:<18}{steps_per_epoch:>12}{steps_per_epoch * epochs:>13}{seconds:>10.2f}s"
              f"{loss:>12.4f}{accuracy:>10.3f}")
    print("\nFull batch takes one exact step per epoch: cheap epochs, slow progress per epoch.")
    print("Stochastic takes a step per sample: the most progress per epoch, the most Python per epoch,")
    print("and a noisy path. Mini-batches get most of the progress for a fraction of the steps.")
    for name, (_, losses, _, _) in results.items():
        assert losses[-1] < losses[0], f"{name} did not reduce the loss"

    plt = load_pyplot()
    if plt is None:
        return
    fig, (by_epoch, by_step) = plt.subplots(1, 2, figsize=(11, 4))
    for name, (steps_per_epoch, losses, _, _) in results.items():
        epochs_axis = np.arange(1, len(losses) + 1)
        by_epoch.plot(epochs_axis, losses, marker="o", label=name)
        by_step.plot(epochs_axis * steps_per_epoch, losses, marker="o", label=name)
    by_epoch.set(xlabel="epoch", ylabel="training loss (mean over the epoch)", yscale="log",
                 title="loss per epoch")
    by_step.set(xlabel="gradient steps", xscale="log", yscale="log", title="loss per gradient step")
    by_epoch.legend()
    save_figure(fig, out_dir / "gradient_descent_variants.png")


if __name__ == "__main__":
    main()
