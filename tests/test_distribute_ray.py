"""``fit(distribute=Ray(...))`` on a local Ray cluster, and the Ray Tune callback: the distributed fit
equals one process's, a replica killed with SIGKILL mid-fit changes nothing, a driver stopped mid-fit
resumes from its last checkpoint to the same weights, and a Tune sweep with ASHA stops a bad trial.

The tests share one worker of pytest-xdist (``xdist_group``) and one cluster,
``ray.init(num_cpus=2)``, started once (about 6 s). Ray is in the ``dev`` extra; where it is
missing the tests are skipped, except under CI, where they fail.
"""

import os
import signal
import sys

import numpy as np
import pytest

from autograd_lite import keras, nn
from autograd_lite.distribute import Ray
from autograd_lite.keras import layers

if os.environ.get("CI"):
    import ray
else:
    ray = pytest.importorskip("ray")

pytestmark = [pytest.mark.xdist_group("ray"),
              pytest.mark.filterwarnings("ignore:fit. a distributed step takes:UserWarning")]
#: weights that agree to float64 round-off, as the issue asks: relative 1e-12 of each array's scale
RELATIVE = 1e-12


@pytest.fixture(scope="module")
def cluster():
    from ray import cloudpickle

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])   # workers cannot import the tests
    yield
    ray.shutdown()


def digits(count=240):
    """The first digits of scikit-learn's set, channels-last, as the digits CNN reads them."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return data.images[:count, :, :, None], data.target[:count]


def small_cnn(learning_rate=0.01):
    """The digits CNN of examples/digits_keras_cnn.py, narrower."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(4, 3, activation="relu", padding="same"),
        layers.MaxPooling2D(),
        layers.Conv2D(8, 3, activation="relu", padding="same"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def assert_same_weights(got, expected):
    for a, b in zip(got, expected, strict=True):
        scale = max(float(np.max(np.abs(b))), 1e-300)
        assert float(np.max(np.abs(a - b))) <= RELATIVE * scale


def fitted(model, epochs=2, **options):
    x, y = digits()
    history = model.fit(x, y, batch_size=64, epochs=epochs, verbose=0, seed=1, **options)
    return model, history.history


@pytest.fixture(scope="module")
def one_process():
    """The weights and logs of a one-process fit of 3 epochs, which the distributed fits must match."""
    model, history = fitted(small_cnn(), epochs=3)
    return model.get_weights(), history


def test_two_workers_give_the_weights_and_logs_of_one_process(cluster, one_process):
    weights, history = one_process
    model, got = fitted(small_cnn(), epochs=3, distribute=Ray(num_workers=2))
    assert_same_weights(model.get_weights(), weights)
    assert got.keys() == history.keys()
    for name in history:
        np.testing.assert_allclose(got[name], history[name], rtol=1e-12)


class KillReplica(nn.Callback):
    """SIGKILL the first replica's process after batch ``batch`` of epoch ``epoch``."""

    def __init__(self, strategy, epoch, batch):
        self.strategy, self.epoch, self.batch, self.killed = strategy, epoch, batch, None
        self.current = None

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.current, batch) == (self.epoch, self.batch):
            self.killed = ray.get(self.strategy.actors[0].process_id.remote())
            os.kill(self.killed, signal.SIGKILL)


def test_a_replica_killed_mid_fit_is_restarted_and_changes_nothing(cluster, one_process):
    strategy = Ray(num_workers=2, max_restarts=2)
    killer = KillReplica(strategy, epoch=1, batch=1)
    model, _ = fitted(small_cnn(), epochs=3, distribute=strategy, callbacks=[killer])
    assert killer.killed is not None
    assert_same_weights(model.get_weights(), one_process[0])
    assert strategy.actors == []   # fit closed its replicas


class StopDriver(nn.Callback):
    """Raise, as a driver that dies would stop, after batch ``batch`` of epoch ``epoch``."""

    def __init__(self, epoch, batch):
        self.epoch, self.batch, self.current = epoch, batch, None

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.current, batch) == (self.epoch, self.batch):
            raise SystemExit("the driver stops")


def test_a_stopped_driver_resumes_from_its_last_checkpoint_to_the_same_weights(cluster, one_process,
                                                                              tmp_path):
    path = tmp_path / "last.keras"
    strategy = Ray(num_workers=2)
    with pytest.raises(SystemExit):
        fitted(small_cnn(), epochs=3, distribute=strategy,
               callbacks=[nn.ModelCheckpoint(str(path)), StopDriver(epoch=2, batch=1)])
    assert strategy.actors == []
    resumed = keras.models.load_model(path)   # the weights and Adam's state after epoch 2 (of 3)
    model, history = fitted(resumed, epochs=3, initial_epoch=2, distribute=Ray(num_workers=2))
    assert_same_weights(model.get_weights(), one_process[0])
    np.testing.assert_allclose(history["loss"], one_process[1]["loss"][2:], rtol=1e-12)


def test_use_gpu_on_a_cluster_without_gpus_is_an_error_not_a_hang(cluster):
    model = small_cnn()
    with pytest.raises(ValueError, match=r"use_gpu=True\) gives each of the 2 replicas a GPU, but the "
                                         r"cluster has 0"):
        fitted(model, epochs=1, distribute=Ray(num_workers=2, use_gpu=True))
    assert ray.is_initialized()   # the test's cluster, which fit did not start, is left running


def tune_trial(config):
    """A Tune trial: the small CNN at the trial's learning rate, reporting every epoch."""
    from autograd_lite.integrations.tune import TuneReport

    model = small_cnn(config["learning_rate"])
    x, y = digits(160)
    model.fit(x, y, batch_size=32, epochs=3, validation_split=0.25, verbose=0, seed=0,
              callbacks=[TuneReport(metrics=["loss", "val_loss"])])


def test_tune_report_lets_asha_stop_a_bad_trial_early(cluster, tmp_path):
    from ray import tune
    from ray.tune.schedulers import ASHAScheduler

    tuner = tune.Tuner(
        tune_trial,
        param_space={"learning_rate": tune.grid_search([0.01, 1e-6])},
        tune_config=tune.TuneConfig(metric="val_loss", mode="min", max_concurrent_trials=1,
                                    scheduler=ASHAScheduler(max_t=3, grace_period=1, reduction_factor=2)),
        run_config=tune.RunConfig(storage_path=str(tmp_path), verbose=0))
    results = tuner.fit()
    assert not results.errors
    epochs = {result.config["learning_rate"]: result.metrics["epoch"] for result in results}
    assert epochs == {0.01: 3, 1e-6: 1}   # the bad rate is stopped at the first rung
    best = results.get_best_result()
    assert best.config["learning_rate"] == 0.01
    with best.checkpoint.as_directory() as folder:
        restored = small_cnn()
        restored.load_weights(os.path.join(folder, "model.weights.npz"))
