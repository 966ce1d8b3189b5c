"""Keras' training API — ``compile``, ``fit``, ``evaluate``, ``predict`` — and ``Sequential``.

``fit``'s ``batch_size`` chooses the tutorial's three kinds of gradient descent:
``batch_size=len(X)`` is full-batch gradient descent (one exact step per epoch),
``batch_size=1`` is stochastic gradient descent (one step per sample), and anything in between is
mini-batch gradient descent.

Every argument is checked where it is given, and a call that raises changes nothing: ``compile``
checks all of its arguments before it keeps any, and ``fit`` checks its arguments, the data, and the
targets against the model's output before it builds a layer, draws from the generator that
initialises them, or creates the optimizer.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from .. import optim
from .._checks import integer
from ..engine import ShapeError, data_of, enable_grad, no_grad
from ..tensor import Tensor
from . import module as _module
from ._arguments import (
    _LABEL_LOSSES,
    OPTIMIZERS,
    _batch_size,
    _check_optimizer,
    _checked_metrics,
    _resolved_loss,
    _validation_pair,
    _validation_split,
    _verbose,
)
from .callbacks import Callback, EarlyStopping, History, ProgressLogger, callback_list
from .module import Dense, Input, Linear, Module

__all__ = ["Model", "Sequential"]

Metric = Callable[[np.ndarray, np.ndarray], float]


class Model(Module):
    """A module with Keras' training loop. Subclass it (define ``forward``) or use :class:`Sequential`."""

    def compile(self, optimizer: str | optim.Optimizer | Callable[[list], optim.Optimizer] = "rmsprop",
                loss: str | Callable[[Any, Any], Any] | None = None,
                metrics: Sequence[str] | None = None) -> None:
        """Choose the optimizer, the loss and the metrics, as Keras' ``compile`` does.

        ``optimizer``: a Keras name (``'adam'``, with Keras' defaults), an :class:`~autograd_lite.optim.
        Optimizer`, or a function of the parameters that makes one (called at the first ``fit``).
        ``loss``: a Keras name such as ``'binary_crossentropy'`` (see ``functional.LOSSES``), one of
        the functions of :mod:`~autograd_lite.nn.functional` (called ``(prediction, target)``, as they
        are everywhere), or your own function, which is called **Keras' way round**,
        ``loss(y_true, y_pred)``. ``metrics``: a list of names, ``'accuracy'``, ``'mse'``, ``'mae'``.
        """
        loss_function, loss_name, library_loss = _resolved_loss(loss)
        _check_optimizer(optimizer)
        metric_names = _checked_metrics(metrics)
        self.loss, self.loss_name, self._loss_function = loss, loss_name, loss_function
        self._library_loss = library_loss
        self._optimizer_spec = optimizer
        self.optimizer = optimizer if isinstance(optimizer, optim.Optimizer) else None
        self.metric_names = metric_names

    # ---- the loop ---------------------------------------------------------------------------
    def fit(self, X: Any, y: Any, batch_size: int | None = None, epochs: int = 1, verbose: int | str = 1,
            callbacks: Sequence[Callback] | None = None, validation_split: float = 0.0,
            validation_data: tuple[Any, Any] | None = None, shuffle: bool = True, *,
            seed: int | None = None) -> History:
        """Train for ``epochs`` passes over (X, y) in batches of ``batch_size`` (Keras' default, 32,
        for ``None``); returns a History. The positional order is Keras'.

        Everything is checked before anything changes: the arguments, the data (lengths, features,
        NaN, label values) and the targets against the model's output. As in Keras,
        ``validation_data`` overrides ``validation_split``, which holds out the last samples. Ctrl-C
        ends training early and still returns the history so far.
        """
        self._require_compiled("fit")
        batch_size = _batch_size("fit", batch_size)
        epochs = integer(epochs, "epochs", "fit", minimum=0)
        verbose = _verbose("fit", verbose)
        callbacks = callback_list(callbacks)
        validation_split = _validation_split(validation_split)
        if not isinstance(shuffle, (bool, np.bool_)):
            raise TypeError(f"fit: shuffle must be True or False, not {shuffle!r}")
        if seed is not None:
            integer(seed, "seed", "fit", minimum=0)
        X, y = self._checked(X, y, "fit")
        if validation_data is not None:
            X_val, y_val = _validation_pair(validation_data)
            validation_data = self._checked(X_val, y_val, "fit (validation_data)")
        elif validation_split:   # as Keras: the last samples, before any shuffling
            cut = int(len(X) * (1.0 - validation_split))
            if not 0 < cut < len(X):
                raise ValueError(f"fit: validation_split={validation_split} of {len(X)} samples leaves "
                                 f"{cut} for training and {len(X) - cut} for validation; both need at least "
                                 f"one: give more data or another validation_split")
            X, y, validation_data = X[:cut], y[:cut], (X[cut:], y[cut:])
        y = self._checked_targets(X, y, "fit")
        if validation_data is not None:
            validation_data = (validation_data[0],
                               self._checked_targets(*validation_data, "fit (validation_data)"))
        logged = ["loss", *self.metric_names]
        logged += [f"val_{name}" for name in logged] if validation_data is not None else []
        for callback in callbacks:
            if isinstance(callback, EarlyStopping):
                callback.check_monitor(logged)
        if self.optimizer is not None:
            self._check_optimizer_updates_the_model()
        # ---- everything is checked: from here on, the model changes ----
        optimizer = self._ready_optimizer(X)
        history = History()
        all_callbacks = [history, *callbacks]
        if verbose:
            all_callbacks.append(ProgressLogger(verbose, epochs))
        for callback in all_callbacks:
            callback.model = self
            callback.on_train_begin()
        rng = np.random.default_rng(seed)
        self.stop_training = False
        self.train()
        try:
            for epoch in range(epochs):
                order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
                logs = self._train_epoch(X, y, order, batch_size, optimizer, all_callbacks)
                if validation_data is not None:
                    values = self._evaluated(*validation_data, batch_size)
                    logs.update(zip(["val_loss"] + [f"val_{m}" for m in self.metric_names], values))
                for callback in all_callbacks:
                    callback.on_epoch_end(epoch, logs)
                if self.stop_training:
                    break
        except KeyboardInterrupt:
            if verbose:
                print(f"Interrupted after {len(history.epoch)} epoch(s): returning the history so far")
        finally:
            for callback in all_callbacks:
                callback.on_train_end()
        return history

    def _train_epoch(self, X: np.ndarray, y: np.ndarray, order: np.ndarray, batch_size: int,
                     optimizer: optim.Optimizer, callbacks: list[Callback]) -> dict[str, float]:
        X, y = X[order], y[order]  # shuffled once per epoch; the batches are then cheap slices
        loss_sum, seen = 0.0, 0
        outputs = []
        for batch, start in enumerate(range(0, len(X), batch_size)):
            xb, yb = X[start:start + batch_size], y[start:start + batch_size]
            prediction = self(xb)
            loss = self._loss_function(prediction, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            batch_loss = float(data_of(loss))
            loss_sum, seen = loss_sum + batch_loss * len(xb), seen + len(xb)
            if self.metric_names:
                outputs.append(prediction._data)
            for callback in callbacks:
                callback.on_batch_end(batch, {"loss": batch_loss})
            if self.stop_training:
                break
        logs = {"loss": loss_sum / seen}   # the mean over the samples of the batches that ran, as Keras
        if self.metric_names:  # metrics of the predictions made during the epoch, as Keras reports
            predicted = np.concatenate(outputs)
            for name in self.metric_names:
                logs[name] = self._metric(name)(predicted, y[:len(predicted)])
        return logs

    def evaluate(self, X: Any, y: Any, batch_size: int | None = None,
                 verbose: int | str = 1) -> float | list[float]:
        """The loss on (X, y) — a float — or, with metrics, ``[loss, *metrics]``, as in Keras.

        The loss is computed exactly as a training step computes it, in batches of ``batch_size``
        (32 for ``None``): a loss of a sigmoid or softmax output is computed from its logits, so that
        a saturated output gives the same loss here as in ``fit``.
        """
        self._require_compiled("evaluate")
        batch_size = _batch_size("evaluate", batch_size)
        verbose = _verbose("evaluate", verbose)
        X, y = self._checked(X, y, "evaluate")
        values = self._evaluated(X, self._checked_targets(X, y, "evaluate"), batch_size)
        if verbose:
            names = ["loss", *self.metric_names]
            print(" - ".join(f"{n}: {v:.4f}" for n, v in zip(names, values)))
        return values if self.metric_names else values[0]

    def _evaluated(self, X: np.ndarray, y: np.ndarray, batch_size: int) -> list[float]:
        """``[loss, *metrics]`` of checked data. The graph is recorded (and dropped) as in training:
        the losses find the logits of a sigmoid or softmax output through it."""
        was_training = self.training
        self.eval()
        loss_sum, outputs = 0.0, []
        try:
            with enable_grad():
                for start in range(0, len(X), batch_size):
                    xb, yb = X[start:start + batch_size], y[start:start + batch_size]
                    prediction = self(xb)
                    loss_sum += float(data_of(self._loss_function(prediction, yb))) * len(xb)
                    outputs.append(np.asarray(data_of(prediction)))
        finally:
            self.train(was_training)
        predicted = np.concatenate(outputs)
        return [loss_sum / len(X)] + [self._metric(name)(predicted, y) for name in self.metric_names]

    def predict(self, X: Any, batch_size: int | None = None, verbose: int | str = 0) -> np.ndarray:
        """The model's outputs for X as a NumPy array (no graph recorded). ``verbose`` is accepted for
        Keras code and prints nothing."""
        batch_size = _batch_size("predict", batch_size)
        _verbose("predict", verbose)
        X = self._checked_inputs(np.asarray(X), "predict")
        with no_grad():
            return self._predict_checked(X, batch_size)

    def _predict_checked(self, X: np.ndarray, batch_size: int) -> np.ndarray:
        was_training = self.training
        self.eval()
        try:
            return np.concatenate([np.asarray(data_of(self(X[i:i + batch_size])))
                                   for i in range(0, max(len(X), 1), batch_size)])
        finally:
            self.train(was_training)

    # ---- building -------------------------------------------------------------------------------
    def _require_compiled(self, where: str) -> None:
        if not hasattr(self, "_loss_function"):
            raise RuntimeError(f"{where}: call compile(optimizer=..., loss=...) first")

    def _output_shape(self, X: np.ndarray) -> tuple[int, ...]:
        """The shape of the model's output for all of X, found from its first sample without
        building a layer for good or drawing from the generator that initialises layers: an
        unbuilt model is built as a copy, and the generator's state is put back."""
        built = all(getattr(module, "built", True) for module in _modules_of(self))
        probe = self if built else copy.deepcopy(self)
        generator = _module._generator
        state = generator.bit_generator.state
        try:
            with no_grad():
                out = np.shape(data_of(probe(X[:1])))
        finally:
            generator.bit_generator.state = state
        return (len(X),) + tuple(out[1:])

    def _check_optimizer_updates_the_model(self) -> None:
        """An optimizer given to compile must update some of this model's parameters (a subset is
        fine: the others stay frozen); one made for another model's would train nothing, silently."""
        own = {id(parameter) for parameter in self.parameters()}
        if not any(id(p) in own for group in self.optimizer.param_groups for p in group["params"]):
            raise ValueError("fit: the optimizer given to compile updates none of this model's parameters; "
                             "make it from model.parameters() once the model is built, or give compile a "
                             "name such as 'adam' or a function of the parameters")

    def _ready_optimizer(self, X: np.ndarray) -> optim.Optimizer:
        with no_grad():
            self(X[:1])  # builds layers whose input size comes from the data
        if self.optimizer is None:
            spec = self._optimizer_spec
            made = OPTIMIZERS[spec.lower()](self.parameters()) if isinstance(spec, str) \
                else spec(self.parameters())
            if not isinstance(made, optim.Optimizer):
                raise TypeError(f"fit: the optimizer function given to compile returned "
                                f"{type(made).__name__}, not an optim.Optimizer")
            self.optimizer = made
        return self.optimizer

    # ---- checks -------------------------------------------------------------------------------
    def _expected_features(self) -> int | None:
        """Input features the model is built for, when it knows (None otherwise)."""
        return None

    def _needs_matrix(self) -> bool:
        """Whether X must be (samples, features): its first layer is fully connected."""
        return False

    def _checked_inputs(self, X: np.ndarray, where: str) -> np.ndarray:
        if X.dtype.kind not in "biuf":
            raise TypeError(f"{where}: X must hold numbers, not {X.dtype}")
        if X.ndim < 2 or (X.ndim > 2 and self._needs_matrix()):
            fix = " (use X.reshape(-1, 1) for a single feature)" if X.ndim < 2 else \
                " for a fully connected first layer (use X.reshape(len(X), -1) to flatten each sample)"
            raise ValueError(f"{where}: X must have one row per sample, shape (samples, features); "
                             f"got shape {X.shape}{fix}")
        features = self._expected_features()
        if features is not None and X.shape[-1] != features:
            raise ValueError(f"{where}: the model expects {features} features per sample, but X has "
                             f"{X.shape[-1]} (shape {X.shape})")
        _reject_non_finite(X, "X", where)
        return X if X.dtype.kind == "f" else X.astype(np.float64)

    def _checked(self, X: Any, y: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
        X, y = np.asarray(X), np.asarray(y)
        if X.ndim == 0 or y.ndim == 0:
            raise ValueError(f"{where}: X and y must hold one entry per sample, not a single number")
        if len(X) != len(y):
            raise ValueError(f"{where}: X has {len(X)} samples but y has {len(y)}; they must match")
        if len(X) == 0:
            raise ValueError(f"{where}: no samples")
        X = self._checked_inputs(X, where)
        if y.dtype.kind not in "biuf":
            raise TypeError(f"{where}: y must hold numbers, not {y.dtype}")
        _reject_non_finite(y, "y", where)
        if self.loss_name in ("binary_crossentropy", "binary_crossentropy_from_logits"):
            outside = np.setdiff1d(np.unique(y), [0, 1])
            if outside.size:
                raise ValueError(f"{where}: binary cross-entropy needs labels 0 or 1, but y contains "
                                 f"{outside[:5].tolist()}")
        return X, y.astype(np.float64) if y.dtype.kind == "b" else y

    def _checked_targets(self, X: np.ndarray, y: np.ndarray, where: str) -> np.ndarray:
        """y in the shape the loss compares with the model's output, after checking that it fits.

        As Keras does, a y of one axis fewer than an output with a last axis of 1 gets that axis (and
        one with an extra last axis of 1 loses it). The library's loss and the metrics are then
        computed once on a stand-in output of the model's shape, so a target they cannot use is
        rejected now, with the loss's own message. Sparse labels that are whole floats become ints.
        """
        shape = self._output_shape(X)
        if self.loss_name not in _LABEL_LOSSES:
            if y.ndim == len(shape) - 1 and shape[-1] == 1:
                y = y.reshape(y.shape + (1,))
            elif y.ndim == len(shape) + 1 and y.shape[-1] == 1:
                y = y.reshape(y.shape[:-1])
        stand_in = np.full(shape, 0.5)
        try:
            if self._library_loss:
                self._loss_function(stand_in, y)
            for name in self.metric_names:
                self._metric(name)(stand_in, y)
        except ValueError as error:   # ShapeError and the label checks
            raise type(error)(f"{where}: {error}") from None
        if not self._library_loss:   # yours is tried too, so that it fails before anything is built
            self._try_own_loss(Tensor(stand_in), y, where)
        if self.loss_name == "sparse_categorical_crossentropy" and y.dtype.kind == "f":
            y = y.astype(np.intp)
        return y

    def _try_own_loss(self, stand_in: Tensor, y: np.ndarray, where: str) -> None:
        """Call the loss given to compile on a stand-in output: an error it raises, or a result that
        is not a tensor computed from y_pred, is reported now, before training changes anything."""
        try:
            value = self._loss_function(stand_in, y)
        except Exception as error:  # noqa: BLE001 - any failure of the user's loss is reported
            raise RuntimeError(f"{where}: the loss {self.loss_name!r} raised {type(error).__name__} on an "
                               f"output of shape {stand_in.shape} and y of shape {y.shape}: {error}") \
                from error
        if not isinstance(value, Tensor):
            raise TypeError(f"{where}: the loss {self.loss_name!r} returned {type(value).__name__}, not a "
                            f"Tensor computed from y_pred: write it with autograd_lite's operations "
                            f"(ag.log, ag.mean, ...), not NumPy's, so that it can be differentiated")

    # ---- metrics -------------------------------------------------------------------------------
    def _metric(self, name: str) -> Metric:
        if name in ("accuracy", "acc"):
            return self._accuracy
        if name in ("mse", "mean_squared_error"):
            return lambda p, y: float(np.mean((p - _same_shape(name, p, y)) ** 2))
        return lambda p, y: float(np.mean(np.abs(p - _same_shape(name, p, y))))

    def _accuracy(self, prediction: np.ndarray, y: np.ndarray) -> float:
        """Binary (threshold ½, or 0 for logits), categorical (argmax) or sparse, by the loss."""
        if prediction.shape[-1] == 1:
            threshold = 0.0 if self.loss_name.endswith("from_logits") else 0.5
            return float(np.mean((prediction > threshold) == (_same_shape("accuracy", prediction, y) > 0.5)))
        if y.shape == prediction.shape:   # one-hot
            return float(np.mean(np.argmax(prediction, axis=-1) == np.argmax(y, axis=-1)))
        if y.shape not in (prediction.shape[:-1], prediction.shape[:-1] + (1,)):
            raise ShapeError(f"metric 'accuracy': y of shape {y.shape} is neither one-hot nor one label per "
                             f"sample for the model's output of shape {prediction.shape}")
        return float(np.mean(np.argmax(prediction, axis=-1) == y.reshape(prediction.shape[:-1])))


def _modules_of(module: Module) -> Iterator[Module]:
    yield module
    for _, child in module.named_children():
        yield from _modules_of(child)


def _same_shape(metric: str, prediction: np.ndarray, y: np.ndarray) -> np.ndarray:
    if prediction.shape != y.shape:
        raise ShapeError(f"metric {metric!r}: the model's output has shape {prediction.shape} but y has "
                         f"shape {y.shape}; they must be equal")
    return y


def _reject_non_finite(array: np.ndarray, name: str, where: str) -> None:
    if array.dtype.kind == "f":
        bad = ~np.isfinite(array)
        if bad.any():
            first = np.argwhere(bad)[0].tolist()
            raise ValueError(f"{where}: {name} contains {int(bad.sum())} NaN or infinite value(s), the "
                             f"first at index {first}; clean or impute the data first")


class Sequential(Model):
    """Layers applied one after another: as arguments (PyTorch), as a list or through ``.add`` (Keras).

    >>> from autograd_lite.nn import Dense, Sequential
    >>> model = Sequential()
    >>> model.add(Dense(1, input_dim=2, activation='sigmoid'))
    >>> model.num_parameters()
    3
    """

    def __init__(self, *layers: Module | Sequence[Module]) -> None:
        super().__init__()
        self.layers: list[Module] = []
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):  # Keras: Sequential([...])
            layers = tuple(layers[0])
        for layer in layers:
            self.add(layer)

    def add(self, layer: Module) -> None:
        """Append a layer; a :class:`Dense` after an :class:`Input` or a built :class:`Dense` is built
        with its input size from it, as in Keras."""
        if not isinstance(layer, Module):
            raise TypeError(f"Sequential.add: expected a layer (Module), got {type(layer).__name__}")
        previous = self.layers[-1] if self.layers else None
        if isinstance(layer, Dense) and not layer.built:  # its input size, if the layer before says
            if isinstance(previous, Input):
                layer.build(previous.shape[-1])
            elif isinstance(previous, Dense) and previous.built:
                layer.build(previous.units)
        self.layers.append(layer)

    def named_children(self):
        for index, layer in enumerate(self.layers):
            yield str(index), layer

    def forward(self, x: Any) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)

    def _expected_features(self) -> int | None:
        first = self.layers[0] if self.layers else None
        if isinstance(first, Linear):
            return first.in_features
        if isinstance(first, Dense):
            return first.input_dim
        if isinstance(first, Input):
            return first.shape[-1]
        return None

    def _needs_matrix(self) -> bool:
        first = self.layers[0] if self.layers else None
        return isinstance(first, (Linear, Dense)) or isinstance(first, Input) and len(first.shape) == 1
