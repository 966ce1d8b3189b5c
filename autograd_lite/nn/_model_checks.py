"""The data given to ``fit``, ``evaluate`` and ``predict``, checked before anything changes, and made
into a source of batches (see :mod:`._fit_data`):
the inputs (numbers, finite, the features the model expects), the targets (the labels the loss reads,
and a shape the loss and the metrics accept for the model's output), and the monitors of callbacks.

:class:`~autograd_lite.nn.Model` takes them from :class:`DataChecks`; a model type says what it knows
of its input through ``_expected_features`` and ``_needs_matrix``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .. import backend
from ..backend import ndarray
from ..engine import data_of, no_grad
from ..typing import ArrayLike
from . import _fit_data
from ._fit_data import on_host, placed, reject_non_finite, take
from .callbacks import Callback
from .callbacks.monitor import MonitorCallback
from .layers import get_rng_state, set_rng_state
from .module import _modules_of, training_mode

_host = backend.host_namespace


class DataChecks:
    """The checks of a :class:`~autograd_lite.nn.Model`'s data (mixed into it)."""

    def _output_shapes(self, X: ndarray | list[ndarray]) -> list[tuple[int, ...]]:
        """The shape of each of the model's outputs for all of X, found from its first sample without
        building a layer for good or drawing from the generator that initialises layers: an
        unbuilt model is built as a copy, and the generator's state is put back."""
        with probing(self) as probe, training_mode(probe, False), no_grad():
            # in evaluation mode: no dropout mask drawn, no moving statistics updated
            out = probe(placed(take(X, slice(0, 1)), probe._placement()))
        outputs = list(out) if len(self._heads) > 1 else [out]
        return [(_samples(X),) + tuple(data_of(output).shape)[1:] for output in outputs]

    def _check_optimizer_updates_the_model(self) -> None:
        """An optimizer given to compile must update some of this model's parameters (a subset is
        fine: the others stay frozen); one made for another model's would train nothing, silently."""
        own = {id(parameter) for parameter in self.parameters()}
        if not any(id(p) in own for group in self.optimizer.param_groups for p in group["params"]):
            raise ValueError("fit: the optimizer given to compile updates none of this model's parameters; "
                             "make it from model.parameters() once the model is built, or give compile a "
                             "name such as 'adam' or a function of the parameters")

    def _check_monitors(self, callbacks: list[Callback], validating: bool) -> None:
        """Each callback that watches a logged value (EarlyStopping, ReduceLROnPlateau, a
        ModelCheckpoint that keeps the best) must watch one this fit logs, known when the steps are
        Model's own: a monitor never logged would never act."""
        if not self._steps_are_models_own():
            return   # steps of yours log what they return
        logged = list(self.metrics_names)
        logged += [f"val_{name}" for name in logged] if validating else []
        for callback in callbacks:
            if isinstance(callback, MonitorCallback):
                callback.check_monitor(logged)

    # ---- checks -------------------------------------------------------------------------------
    def _expected_features(self) -> int | None:
        """Input features the model is built for, when it knows (None otherwise)."""
        return None

    def _input_rank(self) -> int | None:
        """The rank of the model's input, batch axis included, when it declares it (``Input``)."""
        return None

    def _needs_matrix(self) -> bool:
        """Whether X must be (samples, features): its first layer is fully connected."""
        return False

    def _checked_inputs(self, X: ndarray, where: str) -> ndarray:
        if X.dtype.kind not in "biuf":
            raise TypeError(f"{where}: X must hold numbers, not {X.dtype}")
        if (X.ndim < 2 and self._input_rank() != 1) or (X.ndim > 2 and self._needs_matrix()):
            fix = " (use X.reshape(-1, 1) for a single feature)" if X.ndim < 2 else \
                " for a fully connected first layer (use X.reshape(len(X), -1) to flatten each sample)"
            raise ValueError(f"{where}: X must have one row per sample, shape (samples, features); "
                             f"got shape {X.shape}{fix}")
        features = self._expected_features()
        if features is not None and X.shape[-1] != features:
            raise ValueError(f"{where}: the model expects {features} features per sample, but X has "
                             f"{X.shape[-1]} (shape {X.shape})")
        reject_non_finite(X, "X", where)
        return X.astype(_host.float64) if X.dtype.kind == "b" else X   # integers stay: indices

    def _checked_input_list(self, X: list[ndarray], where: str) -> list[ndarray]:
        """The inputs of a model with several: each holds numbers, finite, one entry per sample."""
        for index, array in enumerate(X):
            if array.dtype.kind not in "biuf":
                raise TypeError(f"{where}: input {index} must hold numbers, not {array.dtype}")
            if array.ndim == 0 or len(array) != len(X[0]):
                raise ValueError(f"{where}: the inputs must hold the same number of samples; input 0 has "
                                 f"shape {X[0].shape}, input {index} shape {array.shape}")
            reject_non_finite(array, f"input {index}", where)
        return [a.astype(_host.float64) if a.dtype.kind == "b" else a for a in X]

    def _checked_x(self, X: ArrayLike | list[ArrayLike], where: str) -> ndarray | list[ndarray]:
        """The inputs as host arrays, checked: one array, or a list of them for several inputs."""
        if isinstance(X, (list, tuple)) and X and all(not isinstance(a, (int, float)) for a in X) and \
                self._takes_several_inputs():
            return self._checked_input_list([on_host(a) for a in X], where)
        X = on_host(X)
        if X.ndim == 0:
            raise ValueError(f"{where}: X must hold one entry per sample, not a single number")
        if len(X) == 0:
            raise ValueError(f"{where}: no samples")
        return self._checked_inputs(X, where)

    def _takes_several_inputs(self) -> bool:
        """Whether the model's inputs are a list of arrays (a functional model with several)."""
        return False

    def _checked(self, X: ArrayLike, y: Any, where: str) -> tuple[ndarray | list[ndarray], Any]:
        """X and y as host arrays, checked; for a model with several outputs y is one array per
        output (a list, or a dict by output name)."""
        X = self._checked_x(X, where)
        if len(self._heads) == 1:
            return X, self._checked_y(X, on_host(y), self._heads[0], "y", where)
        names = [head.name for head in self._heads]
        if isinstance(y, dict):
            unknown = sorted(set(y) - set(names))
            if unknown or len(y) != len(names):
                raise ValueError(f"{where}: y must have an array for each output {names}; got {sorted(y)}")
            y = [y[name] for name in names]
        if not isinstance(y, (list, tuple)) or len(y) != len(names):
            raise ValueError(f"{where}: the model has {len(names)} outputs {names}, so y must be a list "
                             f"(or a dict by name) of {len(names)} arrays")
        return X, [self._checked_y(X, on_host(target), head, f"y[{head.name!r}]", where)
                   for target, head in zip(y, self._heads)]

    def _checked_y(self, X: Any, y: ndarray, head: Any, name: str, where: str) -> ndarray:
        if y.ndim == 0:
            raise ValueError(f"{where}: {name} must hold one entry per sample, not a single number")
        if _samples(X) != len(y):
            raise ValueError(f"{where}: X has {_samples(X)} samples but {name} has {len(y)}; they must match")
        if y.dtype.kind not in "biuf":
            raise TypeError(f"{where}: {name} must hold numbers, not {y.dtype}")
        reject_non_finite(y, name, where)
        if head.loss is not None and head.loss.labels == "binary":
            outside = _host.setdiff1d(_host.unique(y), [0, 1])
            if outside.size:
                raise ValueError(f"{where}: binary cross-entropy needs labels 0 or 1, but {name} contains "
                                 f"{outside[:5].tolist()}")
        return y.astype(_host.float64) if y.dtype.kind == "b" else y

    def _checked_targets(self, X: Any, y: Any, where: str) -> Any:
        """y in the shape the loss compares with the model's output, after checking that it fits
        (each output's y, for several outputs).

        As Keras does, a y of one axis fewer than an output with a last axis of 1 gets that axis (and
        one with an extra last axis of 1 loses it). The library's loss and the metrics are then
        computed once on a stand-in output of the model's shape, so a target they cannot use is
        rejected now (see :meth:`ResolvedLoss.try_on`). Class labels that are whole floats become ints.
        """
        shapes = self._output_shapes(X)
        targets = [self._target_for(shape, target, head, where)
                   for shape, target, head in zip(shapes, self._per_output(y), self._heads)]
        return targets if len(self._heads) > 1 else targets[0]

    def _target_for(self, shape: tuple[int, ...], y: ndarray, head: Any, where: str) -> ndarray:
        where = where if head.name is None else f"{where} (output {head.name!r})"
        loss = head.loss
        if loss is None or not loss.sparse:
            if y.ndim == len(shape) - 1 and shape[-1] == 1:
                y = y.reshape(y.shape + (1,))
            elif y.ndim == len(shape) + 1 and y.shape[-1] == 1:
                y = y.reshape(y.shape[:-1])
        stand_in = _host.full(shape, 0.5)
        if loss is not None:
            loss.try_on(stand_in, y, where)
        head.make_metrics(shape, y.shape)
        for metric in [*head.metrics, *head.weighted_metrics]:
            try:
                copy.deepcopy(metric).update_state(y, stand_in)
            except ValueError as error:   # ShapeError and the label checks
                raise type(error)(f"{where}: metric {metric.name!r}: {error}") from None
        if loss is not None and loss.sparse and y.dtype.kind == "f" and y.shape != shape:
            y = y.astype(_host.intp)   # whole floats, as the loss accepted
        return y

    # ---- data -----------------------------------------------------------------------------------
    def _source(self, where: str, x: Any, y: Any, sample_weight: Any, class_weight: Any,
                steps: int | None) -> _fit_data.Source:
        """The batches of ``x`` (arrays, or an iterable of batches), checked: see :mod:`._fit_data`."""
        if x is None:
            raise ValueError(f"{where}: x is required")
        if _fit_data.is_batch_source(x):
            if y is not None or sample_weight is not None:
                raise ValueError(f"{where}: when x gives batches (a generator, a DataLoader), y and "
                                 f"sample_weight come in its batches; y and sample_weight must be None")
            stream = _fit_data.BatchStream(x, steps, where)
            first = stream.peek()
            if where != "predict":
                if first[1] is None:
                    raise ValueError(f"{where}: the batches must be (x, y) or (x, y, sample_weight)")
                checked_x, checked_y = self._checked(first[0], first[1], where)
                targets = self._checked_targets(checked_x, checked_y, where)
                y_shape = [t.shape[1:] for t in targets] if isinstance(targets, list) else targets.shape[1:]
            else:
                y_shape = None
            return _fit_data.StreamSource(stream, y_shape, class_weight, where)
        if where == "predict" or where == "predict_on_batch":
            return _fit_data.ArraySource(self._checked_x(x, where), None, None)
        if y is None:
            raise ValueError(f"{where}: y is required with array inputs")
        checked_x, checked_y = self._checked(x, y, where)
        checked_y = self._checked_targets(checked_x, checked_y, where)
        if class_weight is not None and len(self._heads) > 1:
            raise ValueError(f"{where}: class_weight is only supported for models with one output, as in "
                             f"Keras; give sample_weight")
        for head in self._heads:
            if (sample_weight is not None or class_weight is not None) and head.loss is not None:
                head.loss.require_per_sample(where)
        weights = by_class = None
        if sample_weight is not None:
            weights = _fit_data.checked_sample_weight(where, sample_weight, _samples(checked_x))
        if class_weight is not None:
            by_class = _fit_data.class_weights_to_sample_weights(where, checked_y, class_weight)
        return _fit_data.ArraySource(checked_x, checked_y, weights, by_class)

    def _training_source(self, x: Any, y: Any, sample_weight: Any, class_weight: Any,
                         validation_split: float, steps: int | None) -> _fit_data.Source:
        source = self._source("fit", x, y, sample_weight, class_weight, steps)
        if validation_split:
            if not isinstance(source, _fit_data.ArraySource):
                raise ValueError("fit: validation_split needs array data; give validation_data for "
                                 "data that comes in batches")
            source = source.split(1.0 - validation_split, validation_split)
        return source

    def _validation_source(self, validation_data: Any, training: _fit_data.Source,
                           steps: int | None) -> _fit_data.Source | None:
        """``validation_data`` checked (it overrides ``validation_split``, as in Keras)."""
        where = "fit (validation_data)"
        if validation_data is None:
            return training.held_out
        if _fit_data.is_batch_source(validation_data):
            return self._source(where, validation_data, None, None, None, steps)
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError(f"fit: validation_data must be (x_val, y_val) or (x_val, y_val, "
                             f"val_sample_weight), or an iterable of batches; got "
                             f"{_described(validation_data)}")
        return self._source(where, *validation_data[:2], (*validation_data, None)[2], None, None)



def is_built(model: Any) -> bool:
    """Whether every layer of ``model`` has its weights (a layer sized by its first input has not,
    until it sees one)."""
    return all(getattr(module, "built", True) for module in _modules_of(model))


@contextmanager
def probing(model: Any) -> Iterator[Any]:
    """The model to run a check through: itself if built, else a copy (so that no layer is built
    for good); the generator that initialises layers and draws dropout masks is put back after."""
    probe = model if is_built(model) else copy.deepcopy(model)
    state = get_rng_state()
    try:
        yield probe
    finally:
        set_rng_state(state)


def _samples(x: ndarray | list[ndarray]) -> int:
    return len(x[0]) if isinstance(x, list) else len(x)


def _described(value: object) -> str:
    return f"{type(value).__name__} of {len(value)} items" if isinstance(value, (tuple, list)) \
        else type(value).__name__
