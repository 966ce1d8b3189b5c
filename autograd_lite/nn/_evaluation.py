"""Keras' ``evaluate``, ``predict`` and the one-batch calls (``train_on_batch``, ``test_on_batch``,
``predict_on_batch``), which :class:`~autograd_lite.nn.Model` takes from :class:`Evaluation`.

Each reads its data as ``fit`` does (arrays, or an iterable of batches; see :mod:`._fit_data`),
runs in evaluation mode (``train_on_batch`` excepted), and calls the callbacks' ``on_test_*`` or
``on_predict_*`` hooks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .. import backend
from .._checks import boolean, integer
from ..engine import data_of, enable_grad, no_grad
from ..typing import ArrayLike
from . import _fit_data as data
from ._arguments import _batch_size, _verbose
from .callbacks import Callback, CallbackList, callback_list
from .module import Placement, training_mode

#: the logs of a step, an epoch or an evaluation: the loss and the metrics by name
Logs = dict[str, float]
_host = backend.host_namespace


class Evaluation:
    """``evaluate``, ``predict`` and the one-batch calls of a :class:`~autograd_lite.nn.Model`."""

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None,
                 verbose: int | str = "auto", sample_weight: ArrayLike | None = None,
                 steps: int | None = None, callbacks: Sequence[Callback] | Callback | None = None,
                 return_dict: bool = False) -> float | list[float] | Logs:
        """The loss on (x, y) — a float — or, with metrics, ``[loss, *metrics]``; a dict by name with
        ``return_dict=True``, as Keras 3's. ``x`` may be an iterable of batches, as for :meth:`fit`.

        The loss is computed exactly as a training step computes it, in batches of ``batch_size``
        (32 for ``None``), one :meth:`test_step` each: a loss of a sigmoid or softmax output is
        computed from its logits, so that a saturated output gives the same loss here as in ``fit``.
        """
        self._require_compiled("evaluate")
        batch_size = _batch_size("evaluate", batch_size)
        verbose = _verbose("evaluate", verbose)
        return_dict = boolean(return_dict, "return_dict", "evaluate")
        steps = steps_argument("evaluate", "steps", steps)
        callbacks = callback_list(callbacks)
        source = self._source("evaluate", x, y, sample_weight, None, steps)
        callback_list_ = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                                      epochs=1, steps=source.steps(batch_size))
        logs = self._evaluated(source, batch_size, self._placement(), callback_list_)
        if return_dict:
            return logs
        values = list(logs.values())
        return values if len(values) > 1 else values[0]

    def _evaluated(self, source: data.Source, batch_size: int, placement: Placement,
                   callback_list_: CallbackList | None = None) -> Logs:
        """The logs of the source's batches, in evaluation mode. The graph is recorded (and dropped)
        as in training: the losses find the logits of a sigmoid or softmax output through it."""
        self.reset_metrics()
        logs: Logs = {}
        if callback_list_ is not None:
            callback_list_.on_test_begin()
        with training_mode(self, False), enable_grad():
            for step, batch in enumerate(source.batches(batch_size, False, None, placement)):
                if callback_list_ is not None:
                    callback_list_.on_test_batch_begin(step)
                logs = self.test_step(batch)
                if callback_list_ is not None:
                    callback_list_.on_test_batch_end(step, logs)
        if callback_list_ is not None:
            callback_list_.on_test_end(logs)
        return dict(logs)

    def predict(self, x: Any, batch_size: int | None = None, verbose: int | str = "auto",
                steps: int | None = None, callbacks: Sequence[Callback] | Callback | None = None) -> Any:
        """The model's outputs for ``x`` as NumPy arrays (one per output), in batches of
        ``batch_size`` (32 for ``None``), in evaluation mode, no graph recorded. ``x`` may be an
        iterable of batches (their ``x`` is used)."""
        batch_size = _batch_size("predict", batch_size)
        verbose = _verbose("predict", verbose)
        steps = steps_argument("predict", "steps", steps)
        callbacks = callback_list(callbacks)
        source = self._source("predict", x, None, None, None, steps)
        callback_list_ = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                                      epochs=1, steps=source.steps(batch_size))
        placement = self._placement()
        outputs = []
        callback_list_.on_predict_begin()
        with training_mode(self, False), no_grad():
            for step, batch in enumerate(source.batches(batch_size, False, None, placement)):
                callback_list_.on_predict_batch_begin(step)
                outputs.append(_to_host(self.predict_step(batch)))
                callback_list_.on_predict_batch_end(step, {"outputs": outputs[-1]})
        callback_list_.on_predict_end()
        if isinstance(outputs[0], list):
            return [_host.concatenate(parts) for parts in zip(*outputs)]
        return _host.concatenate(outputs)

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: ArrayLike | None = None,
                       class_weight: Mapping[int, float] | None = None,
                       return_dict: bool = False) -> float | list[float] | Logs:
        """One :meth:`train_step` on the batch (x, y); its loss and metrics, as :meth:`evaluate`
        returns them (Keras 3 resets the metrics first, so they are this batch's)."""
        self._require_compiled("train_on_batch")
        return_dict = boolean(return_dict, "return_dict", "train_on_batch")
        source = self._source("train_on_batch", x, y, sample_weight, class_weight, None)
        if self.optimizer is not None:
            self._check_optimizer_updates_the_model()
        placement = self._build(source.first_x())
        self.reset_metrics()
        with training_mode(self, True):
            logs = self.train_step(next(source.batches(source.samples(), False, None, placement)))
        return _returned(logs, return_dict)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: ArrayLike | None = None,
                      return_dict: bool = False) -> float | list[float] | Logs:
        """The loss and metrics of the batch (x, y), without training (one :meth:`test_step`)."""
        self._require_compiled("test_on_batch")
        return_dict = boolean(return_dict, "return_dict", "test_on_batch")
        source = self._source("test_on_batch", x, y, sample_weight, None, None)
        logs = self._evaluated(source, source.samples(), self._placement())
        return _returned(logs, return_dict)

    def predict_on_batch(self, x: Any) -> Any:
        """The outputs for one batch ``x``, as NumPy arrays (no batching)."""
        source = self._source("predict_on_batch", x, None, None, None, None)
        return self.predict(x, batch_size=source.samples(), verbose=0)


def steps_argument(where: str, name: str, steps: object) -> int | None:
    return None if steps is None else integer(steps, name, where, minimum=1)


def _to_host(outputs: Any) -> Any:
    if isinstance(outputs, (list, tuple)):
        return [backend.to_host(data_of(item)) for item in outputs]
    return backend.to_host(data_of(outputs))


def _returned(logs: Logs, return_dict: bool) -> float | list[float] | Logs:
    if return_dict:
        return logs
    values = list(logs.values())
    return values if len(values) > 1 else values[0]
