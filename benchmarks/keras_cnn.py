"""The Keras-style digits CNN (``examples/digits_keras_cnn.py``), fitted through our API and Keras 3's.

Data: scikit-learn's 8×8 digits, intensities 0..16 as they come, channels last (N, 8, 8, 1), split as
the examples do (``train_test_split(test_size=0.25, random_state=0, stratify=...)``: 1,347 training
images). The fit: ``Conv2D(32, 3, relu, same)`` → ``MaxPooling2D`` → ``Conv2D(64, 3, relu, same)`` →
``GlobalAveragePooling2D`` → ``Dense(10, softmax)``, Adam, sparse categorical cross-entropy,
``accuracy``, 15 epochs of batch 32 with ``validation_split=0.1``, ``verbose=0``.

Each timed call builds a fresh model, compiles and fits it, as ``perceptron.py`` does (for Keras that
includes tracing the new model's train and test steps). Each library computes in its default
precision: ours in float64, Keras in float32. A fit takes seconds, so every case runs a few rounds of
one value each, with one call per value and no separate warm-up (the worker's first call, the sanity
check, warms up).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import replace
from functools import partial

import numpy as np

from .common import (
    Config,
    PeerMissing,
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

NAME = "keras_cnn"
TITLE = "The Keras-style digits CNN"
EPOCHS = 15
QUICK_EPOCHS = 1
BATCH = 32
REPEAT = 3   # rounds of one fit each: a fit lasts seconds

OURS = "autograd_lite (Keras-style API)"
KERAS_JAX = "Keras 3, jax backend"


def digits_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """x_train, y_train, x_test, y_test: the digits as (N, 8, 8, 1), split as the examples do."""
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError as error:
        raise PeerMissing("missing (pip install scikit-learn: the data set)") from error
    digits = load_digits()
    images = digits.images[..., None]
    x_train, x_test, y_train, y_test = train_test_split(images, digits.target, test_size=0.25, random_state=0,
                                                        stratify=digits.target)
    return x_train, y_train, x_test, y_test


def fit_digits_cnn(keras, epochs: int) -> Callable[[], float]:
    """A fresh model compiled and fitted through ``keras`` (ours or Keras 3); returns the test accuracy."""
    x_train, y_train, x_test, y_test = digits_data()
    layers = keras.layers

    def fit() -> float:
        keras.utils.set_random_seed(0)
        model = keras.Sequential([
            keras.Input(shape=(8, 8, 1)),
            layers.Conv2D(32, 3, activation="relu", padding="same"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, activation="relu", padding="same"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(10, activation="softmax"),
        ])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x_train, y_train, epochs=epochs, batch_size=BATCH, validation_split=0.1, verbose=0)
        return float(model.evaluate(x_test, y_test, verbose=0)[1])

    return fit


def build_ours(epochs: int) -> Callable[[], float]:
    from autograd_lite import keras

    return fit_digits_cnn(keras, epochs)


def build_keras(backend: str, epochs: int) -> Callable[[], float]:
    os.environ["KERAS_BACKEND"] = backend   # read when Keras is imported: each case has its own process
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    warnings.filterwarnings("ignore")
    return fit_digits_cnn(load("keras"), epochs)


BUILDERS = {OURS: build_ours, KERAS_JAX: partial(build_keras, "jax")}
PEERS = {KERAS_JAX: ["keras", "jax"]}


def make_step(label: str, epochs: str) -> Callable[[], float]:
    """A fresh fit of ``epochs`` epochs through ``label`` (``worker.py`` calls it)."""
    return BUILDERS[label](int(epochs))


def run(config: Config) -> Result:
    epochs = QUICK_EPOCHS if config.quick else EPOCHS
    rounds = min(config.repeat, REPEAT)
    cases = [case(label, __name__, epochs, peers=PEERS.get(label, ())) for label in BUILDERS]
    stats = measure(with_baseline(cases, config, OURS),
                    replace(config, repeat=rounds, values=1, warmups=0, loops=1))
    rows = [[label, cell(s), fmt_time(s.median / epochs) if s.ok else "—", fmt_check(s.check),
             fmt_ratio(ratio(s, stats[OURS]))] for label, s in stats.items()]
    table = Table(
        f"The digits CNN: build, compile and fit ({epochs} epochs of batch 32 on 1,347 8×8 images, "
        "validation_split=0.1, Adam)",
        ["library", f"fit ({epochs} epochs)", "per epoch", "test accuracy", "time ÷ autograd_lite"],
        rows,
        [f"{rounds} round(s) of one fit each per library, a fresh model each time (for Keras the time "
         "includes tracing/compiling the new model's steps).",
         "Each in its default precision: autograd_lite float64, Keras float32."],
    )
    vs_keras = ratio(stats[KERAS_JAX], stats[OURS])
    ours, theirs = fmt_time(stats[OURS].median), fmt_time(stats[KERAS_JAX].median)
    targets = [
        target(f"digits CNN fit ≥3× faster than Keras-jax ({epochs} epochs)", vs_keras, lambda r: r >= 3,
               f"{fmt_ratio(vs_keras)} ({ours} vs {theirs})",
               unknown=why_not(stats, OURS, KERAS_JAX)),
    ]
    targets += baseline_target(f"digits CNN fit ({epochs} epochs)", stats, OURS, config)
    return Result(NAME, TITLE, [table], targets, stats)
