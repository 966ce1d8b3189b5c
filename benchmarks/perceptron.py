"""The tutorial's perceptron, fitted exactly as the tutorial does, through each library.

Data: ``randn(200, 3)``, the first 100 points moved by (10, 10) and labelled 0, the rest labelled 1;
``train_test_split(test_size=0.25, random_state=42)`` (done here with the same permutation, without
scikit-learn) leaves 150 training points. The fit: ``Dense(1, input_dim=2, activation='sigmoid')``,
``binary_crossentropy``, Adam (Keras' defaults), ``accuracy``, batch 32, 1000 epochs, ``verbose=0``.

Each timed call builds a fresh model and fits it, as the tutorial's script does (for Keras that
includes tracing the train step of the new model). Like every case, Keras runs in processes of its
own, which choose its backend before importing it (``KERAS_BACKEND`` is read at import).
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable
from functools import partial

import numpy as np

from .common import (
    Config,
    Result,
    Table,
    baseline_target,
    case,
    cell,
    fmt_check,
    fmt_ratio,
    fmt_time,
    load,
    measure,
    ratio,
    target,
    why_not,
    with_baseline,
)

NAME = "perceptron"
TITLE = "The tutorial's perceptron"
EPOCHS = (100, 1000)
QUICK_EPOCHS = (3,)
BATCH = 32
KERAS_REPEAT = 3

OURS = "autograd_lite (Keras-style API)"
NUMPY = "NumPy, hand-written (floor)"
TORCH = "PyTorch, hand-written loop"
KERAS_TORCH = "Keras 3, torch backend"
KERAS_JAX = "Keras 3, jax backend"


def tutorial_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """X_train, y_train, X_test, y_test: the tutorial's clusters and split (150 / 50)."""
    data = np.random.RandomState(seed).randn(200, 3)
    data[:100, :2] += (10, 10)
    data[:100, 2] = 0
    data[100:, 2] = 1
    X, y = data[:, :2], data[:, 2]
    order = np.random.RandomState(42).permutation(len(X))   # what train_test_split(random_state=42) draws
    test, train = order[:50], order[50:]
    return X[train], y[train], X[test], y[test]


def build_ours(epochs: int) -> Callable[[], float]:
    from autograd_lite import nn

    X_train, y_train, X_test, y_test = tutorial_data()

    def fit() -> float:
        model = nn.Sequential()
        model.add(nn.Dense(1, input_dim=2, activation="sigmoid"))
        # eager, as before compiling existed: benchmarks/compiled.py times jit_compile=True
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"], jit_compile=False)
        model.fit(X_train, y_train, epochs=epochs, batch_size=BATCH, verbose=0, seed=0)
        return model.evaluate(X_test, y_test, verbose=0)[1]

    return fit


def build_numpy(epochs: int) -> Callable[[], float]:
    X_train, y_train, X_test, y_test = tutorial_data()
    ones = np.ones((len(X_train), 1))
    A_train = np.hstack([X_train, ones])                   # a column of ones carries the bias
    A_test = np.hstack([X_test, np.ones((len(X_test), 1))])
    lr, beta1, beta2, eps = 1e-3, 0.9, 0.999, 1e-7         # Keras' Adam

    def fit() -> float:
        rng = np.random.default_rng(0)
        bound = math.sqrt(6 / 3)                            # Glorot uniform for 2 inputs, 1 output
        theta = np.array([*rng.uniform(-bound, bound, 2), 0.0])
        m, v, t = np.zeros(3), np.zeros(3), 0
        for _ in range(epochs):
            order = rng.permutation(len(A_train))
            for start in range(0, len(order), BATCH):
                rows = order[start:start + BATCH]
                a, y = A_train[rows], y_train[rows]
                p = 1 / (1 + np.exp(-(a @ theta)))
                g = a.T @ (p - y) / len(rows)              # d BCE / d theta
                t += 1
                m = beta1 * m + (1 - beta1) * g
                v = beta2 * v + (1 - beta2) * g * g
                theta -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        return float(np.mean((A_test @ theta > 0) == (y_test > 0.5)))

    return fit


def build_torch(epochs: int) -> Callable[[], float]:
    torch = load("torch")
    F = torch.nn.functional
    X_train, y_train, X_test, y_test = (torch.tensor(a, dtype=torch.float32) for a in tutorial_data())
    torch.manual_seed(0)

    def fit() -> float:
        model = torch.nn.Linear(2, 1)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        for _ in range(epochs):
            order = torch.randperm(len(X_train))
            for start in range(0, len(order), BATCH):
                rows = order[start:start + BATCH]
                loss = F.binary_cross_entropy_with_logits(model(X_train[rows])[:, 0], y_train[rows])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        with torch.no_grad():
            return ((model(X_test)[:, 0] > 0) == (y_test > 0.5)).float().mean().item()

    return fit


def build_keras(backend: str, epochs: int) -> Callable[[], float]:
    os.environ["KERAS_BACKEND"] = backend   # read when Keras is imported: each case has its own process
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    warnings.filterwarnings("ignore")
    keras = load("keras")
    X_train, y_train, X_test, y_test = tutorial_data()

    def fit() -> float:
        model = keras.Sequential([keras.layers.Dense(1, input_dim=2, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
        model.fit(X_train, y_train, epochs=epochs, batch_size=BATCH, verbose=0)
        return float(model.evaluate(X_test, y_test, verbose=0)[1])

    return fit


BUILDERS = {OURS: build_ours, NUMPY: build_numpy, TORCH: build_torch,
            KERAS_TORCH: partial(build_keras, "torch"), KERAS_JAX: partial(build_keras, "jax")}
PEERS = {TORCH: ["torch"], KERAS_TORCH: ["keras", "torch"], KERAS_JAX: ["keras", "jax"]}


def make_step(label: str, epochs: str) -> Callable[[], float]:
    """A fresh fit of ``epochs`` epochs through ``label`` (``worker.py`` calls it)."""
    return BUILDERS[label](int(epochs))


def run(config: Config) -> Result:
    epochs_list = QUICK_EPOCHS if config.quick else EPOCHS
    keras_rounds = 1 if config.quick else KERAS_REPEAT
    by_epochs = {}
    for epochs in epochs_list:
        cases = []
        for label in BUILDERS:
            slow = {"repeat": keras_rounds, "values": 1} if label in (KERAS_TORCH, KERAS_JAX) else {}
            cases.append(case(label, __name__, epochs, peers=PEERS.get(label, ()), **slow))
        by_epochs[epochs] = measure(with_baseline(cases, config, OURS), config)
    most = epochs_list[-1]
    rows = []
    for label, final in by_epochs[most].items():
        per_epoch = fmt_time(final.median / most) if final.ok else "—"
        rows.append([label, *(cell(by_epochs[e][label]) for e in epochs_list), per_epoch,
                     fmt_check(final.check), fmt_ratio(ratio(final, by_epochs[most][OURS]))])
    table = Table(
        "The tutorial's perceptron: build, compile and fit (150 samples, batch 32, Adam)",
        ["library", *(f"{e:,} epochs" for e in epochs_list), f"per epoch ({most:,})",
         f"test accuracy ({most:,})", f"time ÷ autograd_lite ({most:,})"],
        rows,
        [f"Keras: {keras_rounds} round(s) of one value each, a fresh model each time (the time includes "
         "Keras tracing/compiling the new model's train step); the others: the configured rounds.",
         "NumPy and PyTorch compute the loss from the logits and skip the accuracy metric; autograd_lite "
         "and Keras run the tutorial's compile(..., metrics=['accuracy'])."],
    )
    final = by_epochs[most]
    vs_numpy = ratio(final[OURS], final[NUMPY])
    vs_keras = ratio(final[KERAS_JAX], final[OURS])
    targets = [
        target(f"perceptron fit within 2× of the NumPy floor ({most:,} epochs)", vs_numpy, lambda r: r <= 2,
               f"{fmt_ratio(vs_numpy)} ({fmt_time(final[OURS].median)} vs {fmt_time(final[NUMPY].median)})",
               unknown=why_not(final, OURS, NUMPY)),
        target(f"perceptron fit ≥7× faster than Keras-jax ({most:,} epochs)", vs_keras, lambda r: r >= 7,
               f"{fmt_ratio(vs_keras)} ({fmt_time(final[OURS].median)} vs "
               f"{fmt_time(final[KERAS_JAX].median)})", unknown=why_not(final, OURS, KERAS_JAX)),
    ]
    targets += baseline_target(f"perceptron fit ({most:,} epochs)", final, OURS, config)
    return Result(NAME, TITLE, [table], targets, {str(e): stats for e, stats in by_epochs.items()})
