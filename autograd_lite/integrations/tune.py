"""Hyper-parameter sweeps with Ray Tune: :class:`TuneReport` reports each epoch of ``fit`` to the
trial that runs it, so that a scheduler such as ``ASHAScheduler`` stops the bad trials early.

Each trial is a function that builds a model from its ``config``, and fits it with the callback::

    from ray import tune
    from ray.tune.schedulers import ASHAScheduler

    def trial(config):
        model = make_model()
        model.compile(optimizer=keras.optimizers.Adam(config["learning_rate"]), loss=...)
        model.fit(x, y, epochs=10, validation_split=0.2, verbose=0, callbacks=[TuneReport()])

    tuner = tune.Tuner(trial, param_space={"learning_rate": tune.loguniform(1e-4, 1e-1)},
                       tune_config=tune.TuneConfig(metric="val_loss", mode="min", num_samples=8,
                                                   scheduler=ASHAScheduler(max_t=10)))
    best = tuner.fit().get_best_result()

``examples/digits_tune.py`` sweeps the learning rate of the digits CNN this way. Ray Tune comes with
``pip install 'autograd_lite[tune]'``; importing this module does not import it.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Sequence
from typing import Any

from .._checks import integer
from ..nn.callbacks import Callback

__all__ = ["TuneReport"]

INSTALL_HINT = "pip install 'autograd_lite[tune]'  (or: pip install 'ray[tune]')"
#: what each kind of checkpoint saves, and the file it writes in the checkpoint's folder
CHECKPOINT_FILES = {"weights": "model.weights.npz", "model": "model.keras"}


def import_tune() -> Any:
    """Ray Tune, or an ImportError that says how to install it."""
    try:
        from ray import tune  # noqa: PLC0415 - only a sweep imports it
    except ImportError as error:
        raise ImportError(f"TuneReport needs Ray Tune, which is not installed: {INSTALL_HINT}") from error
    return tune


class TuneReport(Callback):
    """Report each epoch's logs to Ray Tune, with a checkpoint of the model.

    ``metrics``: the names of the logs to report (``["loss", "val_accuracy"]``); None reports them
    all. Each report also carries ``epoch`` (counting from 1). ``checkpoint``: ``"weights"`` saves
    ``model.weights.npz`` (:meth:`~autograd_lite.nn.Model.save_weights`), ``"model"`` saves
    ``model.keras`` (the architecture, the weights and the optimizer's state), None reports no
    checkpoint. ``frequency``: report after every ``frequency``-th epoch.

    It raises at the start of ``fit`` if the fit does not run in a Tune trial, rather than report
    to nothing.

    >>> TuneReport(checkpoint="all")
    Traceback (most recent call last):
    ValueError: TuneReport: checkpoint must be 'weights', 'model' or None, not 'all'
    """

    def __init__(self, metrics: Sequence[str] | None = None, checkpoint: str | None = "weights",
                 frequency: int = 1) -> None:
        if metrics is not None and (isinstance(metrics, str) or not all(isinstance(m, str) for m in metrics)):
            raise TypeError(f"TuneReport: metrics must be a list of log names or None, not {metrics!r}")
        if checkpoint is not None and checkpoint not in CHECKPOINT_FILES:
            raise ValueError(f"TuneReport: checkpoint must be 'weights', 'model' or None, not {checkpoint!r}")
        self.metrics = None if metrics is None else list(metrics)
        self.checkpoint, self.frequency = checkpoint, integer(frequency, "frequency", "TuneReport", minimum=1)

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        tune = import_tune()
        with warnings.catch_warnings():   # Ray warns outside a trial; the error below says it plainly
            warnings.simplefilter("ignore")
            trial = tune.get_context().get_trial_id()
        if trial is None:
            raise RuntimeError("TuneReport: this fit does not run in a Ray Tune trial; give the callback "
                               "to a fit inside the function that tune.Tuner runs")

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if (epoch + 1) % self.frequency:
            return
        logs = dict(logs or {})
        if self.metrics is not None:
            missing = [name for name in self.metrics if name not in logs]
            if missing:
                raise KeyError(f"TuneReport: the logs of epoch {epoch + 1} have no {missing}; they have "
                               f"{sorted(logs)}")
            logs = {name: logs[name] for name in self.metrics}
        report = {**{name: float(value) for name, value in logs.items()}, "epoch": epoch + 1}
        tune = import_tune()
        if self.checkpoint is None:
            tune.report(report)
            return
        with tempfile.TemporaryDirectory() as folder:   # Tune copies it before report returns
            path = os.path.join(folder, CHECKPOINT_FILES[self.checkpoint])
            if self.checkpoint == "weights":
                self.model.save_weights(path)
            else:
                self.model.save(path)
            tune.report(report, checkpoint=tune.Checkpoint.from_directory(folder))
