"""Sweeping the learning rate of the digits CNN with Ray Tune.
============================================================

The Keras-style convolutional network of ``digits_keras_cnn.py`` (same layers, same data split),
trained at several learning rates by `Ray Tune <https://docs.ray.io/en/latest/tune/>`_, which stops
the bad ones early. Each trial is a plain function that builds the model from its ``config`` and fits
it with one extra callback, :class:`~autograd_lite.integrations.tune.TuneReport`, which reports each
epoch's logs (``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``) to Tune with a checkpoint of the
weights (``model.weights.npz`` in the checkpoint's folder)::

    def trial(config, x, y):
        model = build_model(config["learning_rate"])
        model.fit(x, y, epochs=15, validation_split=0.2, verbose=0, callbacks=[TuneReport()])

``ASHAScheduler`` (asynchronous successive halving) compares the trials at a few epochs, its *rungs*:
a trial whose ``val_loss`` at a rung is worse than the best ``1/reduction_factor`` of the trials that
reached that rung before it is stopped there. The trials run one at a time, in the grid's order, so
the sweep is the same on every run (each ``fit`` is seeded): the first trial always runs to the end,
and each later one is stopped as soon as it falls behind. The best trial is the one whose last
report has the lowest ``val_loss``; its best checkpoint (the epoch of lowest ``val_loss``) is loaded
into a fresh model, which is scored on the test set, which no trial saw. The picture
(``digits_tune.png``): each trial's ``val_loss`` per epoch; the stopped ones are the short lines.

The training data goes to the trials through Ray's object store once (``tune.with_parameters``), not
inside each trial's pickled function. Ray starts a local cluster of 2 CPUs here; on a cluster,
``ray.init(address="auto")`` in place of it runs the same sweep on every machine.

Measured here (2 cores, full run): of 8 rates from 1e-5 to 0.1, ASHA (rungs at epochs 2, 4 and 8,
``reduction_factor=2``) let 0.001 and 0.003 run all 15 epochs and stopped the other 6 at epoch 2; the
best, 0.003, reached val_loss 0.0975 and 98.2% test accuracy (442 of 450), as ``digits_keras_cnn.py``
does at that rate. The sweep took 29 s, the whole script about a minute with Ray's start.

Run it with ``python examples/digits_tune.py`` (8 rates, up to 15 epochs each);
``--quick`` runs 4 rates for up to 3 epochs on 600 training images. Needs Ray Tune
(``pip install 'autograd_lite[tune]'``) and the ``examples`` extra (``pip install -e '.[examples]'``)
for the data set.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time

import numpy as np

from _common import EXTRA_HINT, heading, load_pyplot, parse_args, save_figure
from autograd_lite import keras
from autograd_lite.integrations.tune import INSTALL_HINT, TuneReport
from autograd_lite.keras import layers


def build_model(learning_rate: float) -> keras.Sequential:
    """The CNN of digits_keras_cnn.py, compiled with Adam at ``learning_rate``; the same initial
    weights for every trial (seed 0)."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(32, 3, activation="relu", padding="same"),
        layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu", padding="same"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def trial(config: dict, x: np.ndarray, y: np.ndarray, epochs: int) -> None:
    """One Tune trial: fit at ``config["learning_rate"]``, reporting each epoch to Tune."""
    model = build_model(config["learning_rate"])
    model.fit(x, y, epochs=epochs, batch_size=32, validation_split=0.2, verbose=0, seed=0,
              callbacks=[TuneReport()])


def main() -> None:
    quick, out_dir = parse_args(__doc__)
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError:
        print(f"This example needs scikit-learn for its data set: {EXTRA_HINT}")
        return
    try:
        import ray
        from ray import tune
        from ray.tune.schedulers import ASHAScheduler
    except ImportError:
        print(f"This example needs Ray Tune: {INSTALL_HINT}")
        return
    epochs = 3 if quick else 15
    rates = [3e-3, 1e-5, 0.3, 1e-2] if quick else [1e-3, 3e-3, 1e-2, 3e-4, 3e-2, 1e-4, 0.1, 1e-5]

    heading("1. The data: the split of digits_keras_cnn.py")
    digits = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(digits.images[..., None], digits.target,
                                                        test_size=0.25, random_state=0,
                                                        stratify=digits.target)
    if quick:
        x_train, y_train = x_train[:600], y_train[:600]
    print(f"{len(x_train)} training images (each trial holds out the last 20% for val_loss), "
          f"{len(x_test)} test images")

    heading(f"2. The sweep: {len(rates)} learning rates, up to {epochs} epochs, ASHA stopping the bad ones")
    grace_period, reduction_factor = (1, 2) if quick else (2, 2)
    scheduler = ASHAScheduler(max_t=epochs, grace_period=grace_period, reduction_factor=reduction_factor)
    rungs = rung_epochs(grace_period, reduction_factor, epochs)
    print(f"ASHA's rungs: epochs {', '.join(map(str, rungs))}; a trial that is not in the best "
          f"1/{reduction_factor} of those that reached a rung before it stops there")
    # Tune's console output prints a box of the experiment's set-up even with verbose=0; the older one
    # prints nothing at verbose=0. The trials' own output stays in their processes (log_to_driver), and
    # Ray's log lines (its start, its notes on a local cluster) are left out of this one's output.
    os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    try:
        with tempfile.TemporaryDirectory() as storage:
            start = time.perf_counter()
            tuner = tune.Tuner(
                tune.with_parameters(trial, x=x_train, y=y_train, epochs=epochs),
                param_space={"learning_rate": tune.grid_search(rates)},
                tune_config=tune.TuneConfig(metric="val_loss", mode="min", scheduler=scheduler,
                                            max_concurrent_trials=1, reuse_actors=True),
                run_config=tune.RunConfig(storage_path=storage, name="digits_tune", verbose=0))
            results = tuner.fit()
            print(f"the sweep took {time.perf_counter() - start:.1f} s")
            assert not results.errors, results.errors
            curves = report_trials(results, epochs)

            heading("3. The best trial, its best checkpoint loaded into a fresh model, on the test set")
            best = results.get_best_result()
            checkpoint = best.get_best_checkpoint(metric="val_loss", mode="min")
            rate = best.config["learning_rate"]
            model = build_model(rate)
            with checkpoint.as_directory() as folder:
                model.load_weights(os.path.join(folder, "model.weights.npz"))
            loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
            print(f"best config: {best.config}, its lowest val_loss "
                  f"{min(curves[rate]):.4f} (epoch {int(np.argmin(curves[rate])) + 1})")
            print(f"test loss {loss:.4f}, test accuracy {accuracy:.4f} "
                  f"({round(accuracy * len(y_test))} of {len(y_test)} right)")
            assert accuracy >= (0.3 if quick else 0.95), accuracy
    finally:
        ray.shutdown()

    plt = load_pyplot()
    if plt is None:
        return
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for rate, losses in curves.items():
        seen = np.arange(1, len(losses) + 1)
        stopped = len(losses) < epochs
        ax.plot(seen, losses, "o--" if stopped else "o-", label=f"{rate:g}{' (stopped)' if stopped else ''}",
                linewidth=2.5 if rate == best.config["learning_rate"] else 1.2)
    ax.set_xticks(np.arange(1, epochs + 1))
    ax.set_xlabel("epoch")
    ax.set_ylabel("val_loss")
    if max(map(max, curves.values())) > 5 * min(map(min, curves.values())):
        ax.set_yscale("log")
    ax.legend(title="learning rate", fontsize=8)
    ax.set_title(f"val_loss of each trial; ASHA stopped {sum(len(v) < epochs for v in curves.values())} of "
                 f"{len(curves)} early; best rate {best.config['learning_rate']:g}", fontsize=10)
    save_figure(fig, out_dir / "digits_tune.png")


def rung_epochs(grace_period: int, reduction_factor: int, max_t: int) -> list[int]:
    """The epochs at which ASHA compares the trials: grace_period × reduction_factorᵏ below max_t."""
    rungs, epoch = [], grace_period
    while epoch < max_t:
        rungs.append(epoch)
        epoch *= reduction_factor
    return rungs


def report_trials(results, epochs: int) -> dict[float, list[float]]:
    """Print a table of the trials, in the order they ran; return each rate's val_loss per epoch."""
    curves = {}
    print(f"{'learning rate':>13}  {'epochs run':>10}  {'val_loss':>8}  {'val_accuracy':>12}  (last epoch's)")
    for result in results:
        rate = result.config["learning_rate"]
        history = result.metrics_dataframe.sort_values("epoch")
        curves[rate] = history["val_loss"].tolist()
        ran = int(result.metrics["epoch"])
        last = result.metrics
        print(f"{rate:>13g}  {ran:>10}  {last['val_loss']:8.4f}  {last['val_accuracy']:12.4f}"
              f"{'' if ran == epochs else '  stopped by ASHA'}")
    return curves


if __name__ == "__main__":
    main()
