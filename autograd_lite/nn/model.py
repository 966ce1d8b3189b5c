"""Keras' training API — ``compile``, ``fit``, ``evaluate``, ``predict`` — and ``Sequential``.

``fit``'s ``batch_size`` chooses the tutorial's three kinds of gradient descent:
``batch_size=len(X)`` is full-batch gradient descent (one exact step per epoch),
``batch_size=1`` is stochastic gradient descent (one step per sample), and anything in between is
mini-batch gradient descent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from .. import optim
from ..engine import no_grad
from ..tensor import Tensor
from . import functional as F
from .callbacks import Callback, History, ProgressLogger
from .module import Dense, Input, Linear, Module

__all__ = ["Model", "Sequential"]

#: Keras' optimizer names with Keras' default hyperparameters
OPTIMIZERS: dict[str, Callable[[list], optim.Optimizer]] = {
    "adam": lambda params: optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-7),
    "adamw": lambda params: optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-7, weight_decay=4e-3),
    "sgd": lambda params: optim.SGD(params, lr=1e-2),
    "rmsprop": lambda params: optim.RMSprop(params, lr=1e-3, alpha=0.9, eps=1e-7),
    "adagrad": lambda params: optim.Adagrad(params, lr=1e-3, initial_accumulator_value=0.1, eps=1e-7),
}

Metric = Callable[[np.ndarray, np.ndarray], float]


class Model(Module):
    """A module with Keras' training loop. Subclass it (define ``forward``) or use :class:`Sequential`."""

    def compile(self, optimizer: str | optim.Optimizer | Callable[[list], optim.Optimizer] = "rmsprop",
                loss: str | Callable[[Any, Any], Any] | None = None,
                metrics: Sequence[str] | None = None) -> None:
        """Choose the optimizer (a Keras name, an optimizer, or a function of the parameters that makes
        one), the loss (a Keras name such as ``'binary_crossentropy'`` or a function
        ``loss(prediction, target)``) and the metrics (``'accuracy'``, ``'mse'``, ``'mae'``)."""
        if isinstance(loss, str):
            if loss not in F.LOSSES:
                raise ValueError(f"compile: unknown loss {loss!r}; choose from {sorted(F.LOSSES)}")
            self.loss_name, loss = loss, F.LOSSES[loss]
        elif loss is None:
            raise ValueError("compile: a loss is required, e.g. loss='binary_crossentropy'")
        else:  # a function of F.LOSSES keeps its Keras name: the label checks and accuracy use it
            self.loss_name = next((name for name, function in F.LOSSES.items() if function is loss),
                                  getattr(loss, "__name__", "loss"))
        if isinstance(optimizer, str) and optimizer.lower() not in OPTIMIZERS:
            raise ValueError(f"compile: unknown optimizer {optimizer!r}; choose from {sorted(OPTIMIZERS)}")
        self.loss = loss
        self._optimizer_spec = optimizer
        self.optimizer = optimizer if isinstance(optimizer, optim.Optimizer) else None
        self.metric_names = list(metrics or [])
        for name in self.metric_names:
            self._metric(name)  # fail now on an unknown name

    # ---- the loop ---------------------------------------------------------------------------
    def fit(self, X: Any, y: Any, epochs: int = 1, batch_size: int | None = 32, shuffle: bool = True,
            validation_data: tuple[Any, Any] | None = None, validation_split: float = 0.0,
            verbose: int = 1, callbacks: Iterable[Callback] | None = None,
            seed: int | None = None) -> History:
        """Train for ``epochs`` passes over (X, y) in batches of ``batch_size``; returns a History.

        The data is checked before any training (lengths, features, NaN, label values). As in Keras,
        ``validation_data`` overrides ``validation_split``. Ctrl-C ends training early and still
        returns the history so far.
        """
        self._require_compiled("fit")
        X, y = self._checked(X, y, "fit")
        if not 0.0 <= validation_split < 1.0:
            raise ValueError(f"fit: validation_split must be in [0, 1), not {validation_split}")
        if validation_split and validation_data is None:  # Keras holds out the last samples, unshuffled
            cut = int(len(X) * (1.0 - validation_split))
            X, y, validation_data = X[:cut], y[:cut], (X[cut:], y[cut:])
        if validation_data is not None:
            validation_data = self._checked(*validation_data, "fit (validation_data)")
        optimizer = self._ready_optimizer(X)
        batch_size = len(X) if batch_size is None else batch_size
        if batch_size < 1:
            raise ValueError(f"fit: batch_size must be at least 1, not {batch_size}")
        history = History()
        all_callbacks = [history, *(callbacks or [])]
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
                    values = self.evaluate(*validation_data, verbose=0)
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
        loss_sum = 0.0
        outputs = []
        for batch, start in enumerate(range(0, len(X), batch_size)):
            xb, yb = X[start:start + batch_size], y[start:start + batch_size]
            prediction = self(xb)
            loss = self.loss(prediction, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            batch_loss = float(loss._data)
            loss_sum += batch_loss * len(xb)
            if self.metric_names:
                outputs.append(prediction._data)
            for callback in callbacks:
                callback.on_batch_end(batch, {"loss": batch_loss})
            if self.stop_training:
                break
        logs = {"loss": loss_sum / len(X)}
        if self.metric_names:  # metrics of the predictions made during the epoch, as Keras reports
            predicted = np.concatenate(outputs)
            for name in self.metric_names:
                logs[name] = self._metric(name)(predicted, y[:len(predicted)])
        return logs

    def evaluate(self, X: Any, y: Any, batch_size: int | None = None, verbose: int = 1) -> list[float]:
        """``[loss, *metrics]`` on (X, y), computed without recording a graph."""
        self._require_compiled("evaluate")
        X, y = self._checked(X, y, "evaluate")
        with no_grad():
            prediction = self._predict_checked(X, batch_size)
            values = [float(self.loss(Tensor(prediction), y).data)]
        values += [self._metric(name)(prediction, y) for name in self.metric_names]
        if verbose:
            names = ["loss", *self.metric_names]
            print(" - ".join(f"{n}: {v:.4f}" for n, v in zip(names, values)))
        return values

    def predict(self, X: Any, batch_size: int | None = None) -> np.ndarray:
        """The model's outputs for X as a NumPy array (no graph recorded)."""
        X = self._checked_inputs(np.asarray(X, dtype=np.float64) if not isinstance(X, np.ndarray) else X,
                                 "predict")
        with no_grad():
            return self._predict_checked(X, batch_size)

    def _predict_checked(self, X: np.ndarray, batch_size: int | None) -> np.ndarray:
        was_training = self.training
        self.eval()
        try:
            if batch_size is None or batch_size >= len(X):
                return self(X).data
            return np.concatenate([self(X[i:i + batch_size]).data for i in range(0, len(X), batch_size)])
        finally:
            self.train(was_training)

    # ---- checks -------------------------------------------------------------------------------
    def _require_compiled(self, where: str) -> None:
        if not hasattr(self, "loss"):
            raise RuntimeError(f"{where}: call compile(optimizer=..., loss=...) first")

    def _ready_optimizer(self, X: np.ndarray) -> optim.Optimizer:
        with no_grad():
            self(X[:1])  # builds layers whose input size comes from the data
        if self.optimizer is None:
            spec = self._optimizer_spec
            self.optimizer = OPTIMIZERS[spec.lower()](self.parameters()) if isinstance(spec, str) \
                else spec(self.parameters())
        return self.optimizer

    def _expected_features(self) -> int | None:
        """Input features the model is built for, when it knows (None otherwise)."""
        return None

    def _checked_inputs(self, X: np.ndarray, where: str) -> np.ndarray:
        if X.dtype.kind not in "biuf":
            raise TypeError(f"{where}: X must hold numbers, not {X.dtype}")
        if X.ndim < 2:
            raise ValueError(f"{where}: X must have one row per sample, shape (samples, features); "
                             f"got shape {X.shape} (use X.reshape(-1, 1) for a single feature)")
        features = self._expected_features()
        if features is not None and X.shape[-1] != features:
            raise ValueError(f"{where}: the model expects {features} features per sample, but X has "
                             f"{X.shape[-1]} (shape {X.shape})")
        _reject_non_finite(X, "X", where)
        return X if X.dtype.kind == "f" else X.astype(np.float64)

    def _checked(self, X: Any, y: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
        X, y = np.asarray(X), np.asarray(y)
        if len(X) != len(y):
            raise ValueError(f"{where}: X has {len(X)} samples but y has {len(y)}; they must match")
        if len(X) == 0:
            raise ValueError(f"{where}: no samples")
        X = self._checked_inputs(X, where)
        if y.dtype.kind not in "biuf":
            raise TypeError(f"{where}: y must hold numbers, not {y.dtype}")
        _reject_non_finite(y, "y", where)
        if getattr(self, "loss_name", "") in ("binary_crossentropy", "binary_crossentropy_from_logits"):
            outside = np.setdiff1d(np.unique(y), [0, 1])
            if outside.size:
                raise ValueError(f"{where}: binary cross-entropy needs labels 0 or 1, but y contains "
                                 f"{outside[:5].tolist()}")
        if y.ndim == 1 and self.loss_name != "sparse_categorical_crossentropy":
            y = y.reshape(-1, 1)   # one column per output, as the model predicts
        return X, y.astype(np.float64) if y.dtype.kind == "b" else y

    # ---- metrics -------------------------------------------------------------------------------
    def _metric(self, name: str) -> Metric:
        if name in ("accuracy", "acc"):
            return self._accuracy
        if name in ("mse", "mean_squared_error"):
            return lambda p, y: float(np.mean((p - y) ** 2))
        if name in ("mae", "mean_absolute_error"):
            return lambda p, y: float(np.mean(np.abs(p - y)))
        raise ValueError(f"unknown metric {name!r}; choose from 'accuracy', 'mse', 'mae'")

    def _accuracy(self, prediction: np.ndarray, y: np.ndarray) -> float:
        """Binary (threshold ½, or 0 for logits), categorical (argmax) or sparse, by the loss."""
        if prediction.shape[-1] == 1:
            threshold = 0.0 if self.loss_name.endswith("from_logits") else 0.5
            return float(np.mean((prediction > threshold) == (y > 0.5)))
        labels = np.argmax(y, axis=-1) if y.shape == prediction.shape else y.reshape(-1)  # one-hot or sparse
        return float(np.mean(np.argmax(prediction, axis=-1) == labels))


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
