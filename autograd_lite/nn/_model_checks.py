"""Keras' training API — ``compile``, ``fit``, ``evaluate``, ``predict`` — and ``Sequential``.

``fit``'s ``batch_size`` chooses the tutorial's three kinds of gradient descent:
``batch_size=len(X)`` is full-batch gradient descent (one exact step per epoch),
``batch_size=1`` is stochastic gradient descent (one step per sample), and anything in between is
mini-batch gradient descent.

``fit`` calls :meth:`Model.train_step` for every batch and ``evaluate`` calls :meth:`Model.test_step`,
as Keras does: override them to change what a step does. ``compile`` resolves the loss once, into a
:class:`~autograd_lite.nn._compiled.ResolvedLoss` record, which says how the loss reads ``y``.

Every argument is checked where it is given, and a call that raises changes nothing: ``compile``
checks all of its arguments before it keeps any, and ``fit`` checks its arguments, the data, and the
targets against the model's output before it builds a layer, draws from the generator that
initialises them, or creates the optimizer.

The model computes on its parameters' device (see :meth:`Module.to`): the data (NumPy arrays, lists,
or arrays of any array library) is checked, shuffled and cut into batches on the host, and each
batch is moved to that device; the logs and metrics are computed from host copies, and ``predict``
returns a NumPy array, as Keras does.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from .. import backend, optim
from .._checks import integer
from ..backend import ndarray
from ..engine import data_of, enable_grad, no_grad
from ..random import get_generator
from ..tensor import Tensor
from ..typing import ArrayLike, Data, Operand
from ._arguments import (
    OPTIMIZERS,
    _batch_size,
    _check_optimizer,
    _validation_pair,
    _validation_split,
    _verbose,
    lookup,
)
from ._compiled import ResolvedLoss, resolve_loss, resolve_metrics
from .callbacks import Callback, EarlyStopping, History, ProgressLogger, callback_list
from .layers import Dense, Input, Linear, get_rng_state, set_rng_state
from .module import Module, Placement, _modules_of

__all__ = ["Model", "Sequential"]

#: what compile takes as its optimizer: a Keras name, an optimizer, or a function of the parameters
OptimizerArgument = str | optim.Optimizer | Callable[[Iterable[Tensor]], optim.Optimizer]
#: the logs of a step, an epoch or an evaluation: the loss and the metrics by name
Logs = dict[str, float]
_host = backend.host_namespace  # the data's host side: checks, shuffling, batches, logs, predict's result


class Model(Module):
    """A module with Keras' training loop. Subclass it (define ``forward``) or use :class:`Sequential`.

    ``compile`` sets ``loss`` (as given), ``resolved_loss`` (its record), ``metric_names`` and
    ``optimizer`` (made at the first ``fit`` if ``compile`` was given a name or a function).
    """

    resolved_loss: ResolvedLoss | None = None
    optimizer: optim.Optimizer | None = None

    def compile(self, optimizer: OptimizerArgument = "rmsprop",
                loss: str | Callable[[Operand, Operand], Tensor] | None = None,
                metrics: Sequence[str] | None = None) -> None:
        """Choose the optimizer, the loss and the metrics, as Keras' ``compile`` does.

        ``optimizer``: a Keras name (``'adam'``, with Keras' defaults), an :class:`~autograd_lite.optim.
        Optimizer`, or a function of the parameters that makes one (called at the first ``fit``).
        ``loss``: a Keras name such as ``'binary_crossentropy'`` (see ``functional.LOSSES``), one of
        the functions of :mod:`~autograd_lite.nn.functional` (called ``(prediction, target)``, as they
        are everywhere), or your own function, which is called **Keras' way round**,
        ``loss(y_true, y_pred)``. ``metrics``: a list of names, ``'accuracy'``, ``'mse'``, ``'mae'``.
        """
        resolved_loss = resolve_loss(loss)
        _check_optimizer(optimizer)
        metric_functions = resolve_metrics(metrics)
        self.loss, self.resolved_loss = loss, resolved_loss
        self._optimizer_spec = optimizer
        self.optimizer = optimizer if isinstance(optimizer, optim.Optimizer) else None
        self.metric_names, self._metrics = list(metric_functions), metric_functions

    # ---- the loop ---------------------------------------------------------------------------
    def fit(self, X: ArrayLike, y: ArrayLike, batch_size: int | None = None, epochs: int = 1,
            verbose: int | str = 1, callbacks: Sequence[Callback] | None = None,
            validation_split: float = 0.0, validation_data: tuple[ArrayLike, ArrayLike] | None = None,
            shuffle: bool = True, *, seed: int | None = None) -> History:
        """Train for ``epochs`` passes over (X, y) in batches of ``batch_size`` (Keras' default, 32,
        for ``None``), one :meth:`train_step` per batch; returns a History. The positional order is
        Keras'.

        Everything is checked before anything changes: the arguments, the data (lengths, features,
        NaN, label values) and the targets against the model's output. As in Keras,
        ``validation_data`` overrides ``validation_split``, which holds out the last samples. An
        epoch's logs are its steps' logs averaged over the samples, as Keras averages them. Ctrl-C
        ends training early and still returns the history so far.
        """
        self._require_compiled("fit")
        batch_size = _batch_size("fit", batch_size)
        epochs = integer(epochs, "epochs", "fit", minimum=0)
        verbose = _verbose("fit", verbose)
        callbacks = callback_list(callbacks)
        validation_split = _validation_split(validation_split)
        if not isinstance(shuffle, (bool, _host.bool_)):
            raise TypeError(f"fit: shuffle must be True or False, not {shuffle!r}")
        if seed is not None:
            integer(seed, "seed", "fit", minimum=0)
        X, y, validation_data = self._training_data(X, y, validation_data, validation_split)
        self._check_monitors(callbacks, validating=validation_data is not None)
        if self.optimizer is not None:
            self._check_optimizer_updates_the_model()
        # ---- everything is checked: from here on, the model changes ----
        placement = self._build(X)
        history = History()
        callbacks = [history, *callbacks] + ([ProgressLogger(verbose, epochs)] if verbose else [])
        for callback in callbacks:
            callback.model = self
            callback.on_train_begin()
        # a seed of its own for this call, else the package's generator (which ag.manual_seed seeds)
        rng = _host.random.default_rng(seed) if seed is not None else get_generator()
        self.stop_training = False
        self.train()
        try:
            for epoch in range(epochs):
                order = rng.permutation(len(X)) if shuffle else _host.arange(len(X))
                logs = self._fit_epoch(X[order], y[order], batch_size, callbacks, placement)
                if validation_data is not None:
                    logs.update({f"val_{name}": value
                                 for name, value in self._evaluated(*validation_data, batch_size).items()})
                for callback in callbacks:
                    callback.on_epoch_end(epoch, logs)
                if self.stop_training:
                    break
        except KeyboardInterrupt:
            if verbose:
                print(f"Interrupted after {len(history.epoch)} epoch(s): returning the history so far")
        finally:
            for callback in callbacks:
                callback.on_train_end()
        return history

    def _fit_epoch(self, X: ndarray, y: ndarray, batch_size: int, callbacks: list[Callback],
                   placement: Placement) -> Logs:
        """One pass over (X, y) in order; the logs of the steps that ran, averaged over their samples."""
        steps = []
        for batch, data in enumerate(_batches(X, y, batch_size, placement)):
            logs = self.train_step(data)
            steps.append((logs, data[0].shape[0]))
            for callback in callbacks:
                callback.on_batch_end(batch, logs)
            if self.stop_training:
                break
        return _averaged(steps)

    def train_step(self, data: tuple[Data, Data]) -> Logs:
        """One optimisation step on a batch ``data = (x, y)`` (arrays on the model's device); returns
        its logs, ``{"loss": ...}`` and the metrics, of the outputs before the step.

        :meth:`fit` calls it for every batch (in training mode, with the optimizer made) and averages
        what it returns over each epoch's samples: override it to change what a step does, as in
        Keras. Callbacks' ``on_batch_end`` gets each step's own logs.

        >>> import numpy as np
        >>> from autograd_lite import nn
        >>> class Counting(nn.Sequential):
        ...     def train_step(self, data):
        ...         return {**super().train_step(data), "samples": data[0].shape[0]}
        >>> model = Counting(nn.Dense(1, input_dim=2))
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> model.fit(np.ones((8, 2)), np.ones(8), batch_size=4, verbose=0).history["samples"]
        [4.0]
        """
        x, y = data
        y_pred = self(x)
        loss = self.compute_loss(x, y, y_pred)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return self._logs(loss, y, y_pred)

    def test_step(self, data: tuple[Data, Data]) -> Logs:
        """The logs of a batch ``data = (x, y)`` without training: :meth:`evaluate` (and ``fit``'s
        validation) calls it for every batch, in evaluation mode, and averages the logs over the
        samples. Override it, as in Keras, to change what is measured."""
        x, y = data
        y_pred = self(x)
        return self._logs(self.compute_loss(x, y, y_pred), y, y_pred)

    def compute_loss(self, x: Data | None = None, y: Data | None = None,
                     y_pred: Tensor | None = None) -> Tensor:
        """The compiled loss of ``y_pred`` against ``y``, as one number (Keras' signature; ``x`` is
        not used, as by Keras' own)."""
        return self.resolved_loss.function(y_pred, y)

    def _logs(self, loss: Tensor, y: Data, y_pred: Operand) -> Logs:
        logs = {"loss": float(data_of(loss))}
        if self._metrics:
            prediction, y = backend.to_host(data_of(y_pred)), backend.to_host(data_of(y))
            for name, metric in self._metrics.items():
                logs[name] = metric(prediction, y, self.resolved_loss)
        return logs

    def evaluate(self, X: ArrayLike, y: ArrayLike, batch_size: int | None = None,
                 verbose: int | str = 1) -> float | list[float]:
        """The loss on (X, y) — a float — or, with metrics, ``[loss, *metrics]``, as in Keras.

        The loss is computed exactly as a training step computes it, in batches of ``batch_size``
        (32 for ``None``), one :meth:`test_step` each: a loss of a sigmoid or softmax output is
        computed from its logits, so that a saturated output gives the same loss here as in ``fit``.
        """
        self._require_compiled("evaluate")
        batch_size = _batch_size("evaluate", batch_size)
        verbose = _verbose("evaluate", verbose)
        X, y = self._checked(X, y, "evaluate")
        logs = self._evaluated(X, self._checked_targets(X, y, "evaluate"), batch_size)
        if verbose:
            print(" - ".join(f"{name}: {value:.4f}" for name, value in logs.items()))
        values = list(logs.values())
        return values if len(values) > 1 else values[0]

    def _evaluated(self, X: ndarray, y: ndarray, batch_size: int) -> Logs:
        """The logs of checked data. The graph is recorded (and dropped) as in training: the losses
        find the logits of a sigmoid or softmax output through it."""
        was_training, placement = self.training, self._placement()
        self.eval()
        try:
            with enable_grad():
                steps = [(self.test_step(data), data[0].shape[0])
                         for data in _batches(X, y, batch_size, placement)]
        finally:
            self.train(was_training)
        return _averaged(steps)

    def predict(self, X: ArrayLike, batch_size: int | None = None, verbose: int | str = 0) -> ndarray:
        """The model's outputs for X as a NumPy array (no graph recorded). ``verbose`` is accepted for
        Keras code and prints nothing."""
        batch_size = _batch_size("predict", batch_size)
        _verbose("predict", verbose)
        X = self._checked_inputs(_on_host(X), "predict")
        with no_grad():
            return self._predict_checked(X, batch_size)

    def _predict_checked(self, X: ndarray, batch_size: int) -> ndarray:
        was_training, placement = self.training, self._placement()
        self.eval()
        try:
            return _host.concatenate([backend.to_host(data_of(self(_placed(X[i:i + batch_size], placement))))
                                      for i in range(0, max(len(X), 1), batch_size)])
        finally:
            self.train(was_training)

    # ---- building -------------------------------------------------------------------------------
    def _require_compiled(self, where: str) -> None:
        if self.resolved_loss is None:
            raise RuntimeError(f"{where}: call compile(optimizer=..., loss=...) first")

    def _output_shape(self, X: ndarray) -> tuple[int, ...]:
        """The shape of the model's output for all of X, found from its first sample without
        building a layer for good or drawing from the generator that initialises layers: an
        unbuilt model is built as a copy, and the generator's state is put back."""
        built = all(getattr(module, "built", True) for module in _modules_of(self))
        probe = self if built else copy.deepcopy(self)
        state = get_rng_state()
        try:
            with no_grad():
                out = tuple(data_of(probe(_placed(X[:1], probe._placement()))).shape)
        finally:
            set_rng_state(state)
        return (len(X),) + tuple(out[1:])

    def _check_optimizer_updates_the_model(self) -> None:
        """An optimizer given to compile must update some of this model's parameters (a subset is
        fine: the others stay frozen); one made for another model's would train nothing, silently."""
        own = {id(parameter) for parameter in self.parameters()}
        if not any(id(p) in own for group in self.optimizer.param_groups for p in group["params"]):
            raise ValueError("fit: the optimizer given to compile updates none of this model's parameters; "
                             "make it from model.parameters() once the model is built, or give compile a "
                             "name such as 'adam' or a function of the parameters")

    def _build(self, X: ndarray) -> Placement:
        """Build the layers whose input size comes from the data, name every parameter by its path
        (see :class:`~autograd_lite.nn.Module`), and make the optimizer if compile was given a name
        or a function; return where the model computes (see :meth:`_placement`)."""
        placement = self._placement()   # a layer built here is built there
        with no_grad():
            self(_placed(X[:1], placement))
        self.name_parameters()
        if self.optimizer is None:
            spec = self._optimizer_spec
            make = lookup(OPTIMIZERS, "optimizer", spec, "compile", ignore_case=True) \
                if isinstance(spec, str) else spec
            made = make(self.parameters())
            if not isinstance(made, optim.Optimizer):
                raise TypeError(f"fit: the optimizer function given to compile returned "
                                f"{type(made).__name__}, not an optim.Optimizer")
            self.optimizer = made
        return placement

    def _training_data(self, X: ArrayLike, y: ArrayLike, validation_data: tuple[ArrayLike, ArrayLike] | None,
                       validation_split: float) -> tuple[ndarray, ndarray,
                                                         tuple[ndarray, ndarray] | None]:
        """(X, y, validation data or None), checked, with each y in the shape the loss compares."""
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
            X_val, y_val = validation_data
            validation_data = (X_val, self._checked_targets(X_val, y_val, "fit (validation_data)"))
        return X, y, validation_data

    def _check_monitors(self, callbacks: list[Callback], validating: bool) -> None:
        """Each EarlyStopping must monitor a value this fit logs, known when the steps are Model's own."""
        if type(self).train_step is not Model.train_step or type(self).test_step is not Model.test_step:
            return   # steps of yours log what they return
        logged = ["loss", *self.metric_names]
        logged += [f"val_{name}" for name in logged] if validating else []
        for callback in callbacks:
            if isinstance(callback, EarlyStopping):
                callback.check_monitor(logged)

    # ---- checks -------------------------------------------------------------------------------
    def _expected_features(self) -> int | None:
        """Input features the model is built for, when it knows (None otherwise)."""
        return None

    def _needs_matrix(self) -> bool:
        """Whether X must be (samples, features): its first layer is fully connected."""
        return False

    def _checked_inputs(self, X: ndarray, where: str) -> ndarray:
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
        return X if X.dtype.kind == "f" else X.astype(_host.float64)

    def _checked(self, X: ArrayLike, y: ArrayLike, where: str) -> tuple[ndarray, ndarray]:
        X, y = _on_host(X), _on_host(y)
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
        if self.resolved_loss.labels == "binary":
            outside = _host.setdiff1d(_host.unique(y), [0, 1])
            if outside.size:
                raise ValueError(f"{where}: binary cross-entropy needs labels 0 or 1, but y contains "
                                 f"{outside[:5].tolist()}")
        return X, y.astype(_host.float64) if y.dtype.kind == "b" else y

    def _checked_targets(self, X: ndarray, y: ndarray, where: str) -> ndarray:
        """y in the shape the loss compares with the model's output, after checking that it fits.

        As Keras does, a y of one axis fewer than an output with a last axis of 1 gets that axis (and
        one with an extra last axis of 1 loses it). The library's loss and the metrics are then
        computed once on a stand-in output of the model's shape, so a target they cannot use is
        rejected now (see :meth:`ResolvedLoss.try_on`). Class labels that are whole floats become ints.
        """
        shape, loss = self._output_shape(X), self.resolved_loss
        if not loss.sparse:
            if y.ndim == len(shape) - 1 and shape[-1] == 1:
                y = y.reshape(y.shape + (1,))
            elif y.ndim == len(shape) + 1 and y.shape[-1] == 1:
                y = y.reshape(y.shape[:-1])
        stand_in = _host.full(shape, 0.5)
        loss.try_on(stand_in, y, where)
        for name, metric in self._metrics.items():
            try:
                metric(stand_in, y, loss)
            except ValueError as error:   # ShapeError and the label checks
                raise type(error)(f"{where}: metric {name!r}: {error}") from None
        if loss.sparse and y.dtype.kind == "f" and y.shape != shape:   # whole floats, as the loss accepted
            y = y.astype(_host.intp)
        return y


def _on_host(data: ArrayLike) -> ndarray:
    """The data as a NumPy array: NumPy's as it is, another library's (or a tensor's) as a host copy."""
    data = data_of(data)
    return backend.to_host(data) if backend.is_array(data) else _host.asarray(data)


def _placed(batch: ndarray, placement: Placement) -> Any:
    """A host batch on the model's device (``placement``); NumPy's as it is."""
    if placement is None:
        return batch
    xp, device = placement
    return backend.array(batch, device=device, xp=xp)


def _batches(X: ndarray, y: ndarray, batch_size: int, placement: Placement) -> Iterator[tuple[Any, Any]]:
    """The batches of (X, y), in order: slices of the host arrays, moved to the model's device."""
    for start in range(0, len(X), batch_size):
        yield _placed(X[start:start + batch_size], placement), _placed(y[start:start + batch_size], placement)


def _averaged(steps: list[tuple[Logs, int]]) -> Logs:
    """The logs of the steps, each weighted by its batch's samples: the mean over the samples, as
    Keras' metrics average them."""
    samples = sum(size for _, size in steps)
    return {name: sum(float(logs[name]) * size for logs, size in steps) / samples for name in steps[0][0]}


def _reject_non_finite(array: ndarray, name: str, where: str) -> None:
    if array.dtype.kind == "f":
        bad = ~_host.isfinite(array)
        if bad.any():
            first = _host.argwhere(bad)[0].tolist()
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
        self.name_parameters()   # the layers' parameters by position: 0.weight, ...

    def _child_slots(self) -> Iterator[tuple[str, Module]]:
        for index, layer in enumerate(self.layers):
            yield str(index), layer

    def forward(self, x: Operand) -> Operand:
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
