"""A perceptron separates two clusters: the tutorial's Keras code, run on autograd_lite.
=====================================================================================

The tutorial (*Neural Networks*, step 4-5) builds a one-neuron network in Keras,
``Sequential([Dense(1, input_dim=2, activation='sigmoid')])``, trains it with binary cross-entropy and
Adam, and gets 100% test accuracy on two Gaussian clusters. The code below is the tutorial's, with only the
imports changed: ``Sequential`` and ``Dense`` come from ``autograd_lite.nn``.

1. The data: 200 points, 100 around (10, 10) (class 0) and 100 around (0, 0) (class 1).
2. A train and a test set (``train_test_split``, test_size=0.25, random_state=42).
3. The model: one Dense neuron with a sigmoid, as in the tutorial.
4. Training: 1000 epochs of mini-batches of 32 with Adam (``verbose=0``), timed.
5. Evaluation on the test set: the accuracy must be 1.000.
6. Predictions (``np.where(y_pred < .5, 0, 1)``) and the decision boundary ``w1·x1 + w2·x2 + b = 0``,
   plotted to ``perceptron.png``.

Run it with ``python examples/perceptron.py``; it takes about a second, so ``--quick`` (or
``AUTOGRAD_LITE_QUICK=1``) changes nothing but the title. The plot needs the ``examples`` extra
(``pip install -e '.[examples]'``: matplotlib and scikit-learn); without it the numbers are still printed.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np

from _common import EXTRA_HINT, heading, load_pyplot, parse_args, save_figure
from autograd_lite.nn import Dense, Sequential, manual_seed

try:
    from sklearn.model_selection import train_test_split
except ImportError:  # the `examples` extra is not installed: the same split, by hand
    train_test_split = None



def split(X: np.ndarray, y: np.ndarray, test_size: float, random_state: int):
    """``train_test_split(X, y, test_size=..., random_state=...)``; without scikit-learn, the same split
    computed as scikit-learn does it (a permutation from ``RandomState(random_state)``, test rows first)."""
    if train_test_split is not None:
        return train_test_split(X, y, test_size=test_size, random_state=random_state)
    n_test = math.ceil(test_size * len(X))
    permutation = np.random.RandomState(random_state).permutation(len(X))
    test, train = permutation[:n_test], permutation[n_test:]
    return X[train], X[test], y[train], y[test]



def make_data() -> np.ndarray:
    heading("1. The data")
    np.random.seed(0)  # the tutorial leaves it unseeded; seeded here so every run is the same
    # --- the tutorial's code ---
    data = np.random.randn(200, 3)
    data[:100, :2] += (10, 10)
    data[:100, 2] = 0
    data[100:, 2] = 1
    # ---------------------------
    for label in (0, 1):
        points = data[data[:, 2] == label, :2]
        mean, std = points.mean(axis=0), points.std(axis=0)
        print(f"class {label}: {len(points)} points, mean ({mean[0]:6.3f}, {mean[1]:6.3f}), "
              f"std ({std[0]:.3f}, {std[1]:.3f})")
    return data


def train(data: np.ndarray, epochs: int):
    heading("2. Train and test sets")
    # --- the tutorial's code ---
    X = data[:, :2]
    y = data[:, 2]
    X_train, X_test, y_train, y_test = split(X, y, test_size=0.25, random_state=42)
    # ---------------------------
    how = "scikit-learn's train_test_split" if train_test_split is not None else \
        f"scikit-learn's split computed by hand (scikit-learn is not installed; {EXTRA_HINT})"
    print(f"{len(X_train)} training and {len(X_test)} test points ({how})")

    heading("3. The model")
    manual_seed(0)  # the initial weights (Keras would draw them at random too)
    # --- the tutorial's code ---
    model = Sequential()
    model.add(Dense(1, input_dim=2, activation='sigmoid'))
    model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
    # ---------------------------
    print(model)

    heading(f"4. Training: {epochs} epochs, batch size 32, Adam (learning rate 0.001)")
    started = time.perf_counter()
    # --- the tutorial's code ---
    history = model.fit(X_train, y_train, epochs=epochs, batch_size=32, verbose=0)
    # ---------------------------
    fit_time = time.perf_counter() - started
    steps = epochs * math.ceil(len(X_train) / 32)
    print(f"fit took {fit_time:.2f} s for {steps} gradient steps ({1e6 * fit_time / steps:.0f} µs a step)")
    print(f"training loss: epoch 1 {history.history['loss'][0]:.4f}, epoch {epochs} "
          f"{history.history['loss'][-1]:.4f};  training accuracy in the last epoch: "
          f"{history.history['accuracy'][-1]:.3f}")

    heading("5. Evaluation on the test set")
    # --- the tutorial's code ---
    loss, accuracy = model.evaluate(X_test, y_test)
    # ---------------------------
    print(f"test accuracy: {accuracy:.3f}  (the tutorial: 1.000)")
    return model, X, y, X_test, accuracy, fit_time


def show_predictions(model: Sequential, X: np.ndarray, y: np.ndarray, X_test: np.ndarray,
                     out_dir: Path) -> None:
    heading("6. Predictions and the decision boundary")
    # --- the tutorial's code ---
    y_pred = model.predict(X)
    y_pred = np.where(y_pred < .5, 0, 1)
    # ---------------------------
    y_pred = y_pred.ravel()
    (w1, w2), b = model[0].kernel.data[:, 0], model[0].bias.data[0]   # kernel: (inputs, units)
    print(f"learned weights: w1 = {w1:.4f}, w2 = {w2:.4f}, bias b = {b:.4f}")
    print(f"decision boundary: {w1:.4f}·x1 {w2:+.4f}·x2 {b:+.4f} = 0  (sigmoid = 0.5 there)")
    print(f"predicted class 1 for {int(y_pred.sum())} of {len(y_pred)} points; "
          f"{int((y_pred == y).sum())} of {len(y)} predictions (train and test) are right")

    plt = load_pyplot()
    if plt is None:
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    fig, axes = plt.subplots(1, 2, figsize=(11, 5), sharex=True, sharey=True)
    lo, hi = X.min(axis=0) - 1.5, X.max(axis=0) + 1.5
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    probability = model.predict(np.column_stack([g1.ravel(), g2.ravel()])).reshape(g1.shape)
    for ax, colours, title in [(axes[0], y, "The data (colour = true class)"),
                               (axes[1], y_pred, "Predictions (colour = predicted class)")]:
        if ax is axes[1]:
            shading = ax.contourf(g1, g2, probability, levels=np.linspace(0, 1, 11), cmap="coolwarm",
                                  alpha=0.3)
            fig.colorbar(shading, ax=ax, label="sigmoid output = P(class 1)")
            ax.contour(g1, g2, probability, levels=[0.5], colors="k", linewidths=2)
            ax.plot([], [], "k-", label=f"decision boundary {w1:.2f}·x1 {w2:+.2f}·x2 {b:+.2f} = 0")
        ax.scatter(x=X[:, 0], y=X[:, 1], c=colours, cmap="coolwarm", vmin=0, vmax=1, edgecolors="k",
                   linewidths=0.3)
        is_test = np.isin(X, X_test).all(axis=1)
        ax.scatter(X[is_test, 0], X[is_test, 1], s=80, facecolors="none", edgecolors="g",
                   label="test points")
        ax.set(title=title, xlabel="x1", ylabel="x2", xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]))
        ax.legend(loc="upper left", fontsize=8)
    fig.suptitle("A perceptron: Dense(1, input_dim=2, activation='sigmoid')")
    save_figure(fig, out_dir / "perceptron.png")


def main() -> None:
    quick, out_dir = parse_args(__doc__)  # quick: this one is fast anyway

    started = time.perf_counter()
    print("A perceptron with autograd_lite" + ("  (quick run)" if quick else ""))
    data = make_data()
    # The tutorial's 1000 epochs take about half a second. Fewer are not always enough: Adam's small
    # steps (0.001) need many epochs to move the boundary between the clusters, hence 1000 in both modes.
    model, X, y, X_test, accuracy, fit_time = train(data, epochs=1000)
    show_predictions(model, X, y, X_test, out_dir)
    print(f"\nTest accuracy {accuracy:.3f}, fit time {fit_time:.2f} s. Done in "
          f"{time.perf_counter() - started:.1f} s.")
    assert accuracy == 1.0, f"the perceptron should separate the clusters, but test accuracy is {accuracy}"


if __name__ == "__main__":
    main()
