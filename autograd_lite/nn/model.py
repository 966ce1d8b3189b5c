"""Keras 3's training API on a :class:`~autograd_lite.nn.Module`: ``compile``, ``fit``, ``evaluate``,
``predict``, ``train_on_batch`` and friends.

``fit``'s ``batch_size`` chooses the tutorial's three kinds of gradient descent:
``batch_size=len(X)`` is full-batch gradient descent (one exact step per epoch),
``batch_size=1`` is stochastic gradient descent (one step per sample), and anything in between is
mini-batch gradient descent.

The loop is Keras 3's: ``fit`` calls :meth:`Model.train_step` for every batch and ``evaluate``
:meth:`Model.test_step`; each updates the loss tracker (the mean loss, weighted by the batch's
samples) and the compiled metrics, which are stateful and reset at each epoch, and returns their
results so far, which the callbacks receive. Override the steps to change what a step does.

Every argument is checked where it is given, and a call that raises changes nothing: ``compile``
checks all of its arguments before it keeps any, and ``fit`` checks its arguments, the data, and the
targets against the model's output before it builds a layer, draws from the generator that
initialises them, or creates the optimizer. (Batches that a generator gives are checked as they
come: the first before training starts.)

The model computes on its parameters' device (see :meth:`Module.to`): the data is checked, shuffled
and cut into batches on the host, and each batch is moved to that device; the logs and metrics are
computed from host copies, and ``predict`` returns NumPy arrays, as Keras does.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import backend, optim
from .._checks import boolean, integer
from ..engine import data_of, no_grad
from ..random import get_generator
from ..tensor import Tensor
from ..typing import ArrayLike, Operand
from . import _fit_data as data
from ._arguments import OPTIMIZERS, _batch_size, _check_optimizer, _validation_split, _verbose, lookup
from ._compiled import LossTracker, OutputHead, ResolvedLoss, output_heads
from ._evaluation import Evaluation, steps_argument
from ._jit import CompiledSteps
from ._keras_methods import KerasWeights
from ._model_checks import DataChecks
from .callbacks import Callback, CallbackList, callback_list
from .keras_layers.base import _snake_case, unique_name
from .module import Module, Placement, training_mode

if TYPE_CHECKING:
    from ..distribute import Strategy

__all__ = ["Model"]

#: what compile takes as its optimizer: a Keras name, an optimizer, or a function of the parameters
OptimizerArgument = str | optim.Optimizer | Callable[[Iterable[Tensor]], optim.Optimizer]
#: the logs of a step, an epoch or an evaluation: the loss and the metrics by name
Logs = dict[str, float]
_host = backend.host_namespace


class Model(DataChecks, Evaluation, KerasWeights, CompiledSteps, Module):
    """A module with Keras' training loop.

    Three ways to make one, as in Keras: ``Model(inputs, outputs)`` (the functional API, see
    :mod:`autograd_lite.nn.symbolic`), :class:`~autograd_lite.nn.Sequential`, or a subclass that
    defines ``call(inputs)`` (Keras' name; ``forward``, PyTorch's, works too).

    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> class TwoLayers(nn.Model):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden, self.out = nn.Dense(8, activation="relu"), nn.Dense(1)
    ...     def call(self, x):
    ...         return self.out(self.hidden(x))
    >>> model = TwoLayers()
    >>> model.compile(optimizer="adam", loss="mse")
    >>> history = model.fit(np.ones((16, 3)), np.ones(16), epochs=2, verbose=0)
    >>> sorted(history.history)
    ['loss']
    """

    resolved_loss: ResolvedLoss | None = None
    optimizer: optim.Optimizer | None = None
    stop_training: bool = False
    _initial_epoch: int | None = None   # set by a callback (BackupAndRestore) that resumes a run

    def __new__(cls, *args: Any, **kwargs: Any) -> Model:
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from .symbolic import Functional  # Model(inputs, outputs) is a functional model, as in Keras
            return object.__new__(Functional)
        return object.__new__(cls)

    def __init__(self, *, name: str | None = None, trainable: bool = True) -> None:
        super().__init__()
        self.training = False   # as in Keras, a model called directly runs in inference; fit trains it
        self.name = name if name is not None else unique_name(_snake_case(type(self).__name__))
        boolean(trainable, "trainable", type(self).__name__)
        self._loss_tracker = LossTracker()
        self._heads: list[OutputHead] = []
        self._output_losses: list[Tensor | None] = []
        self.metric_names: list[str] = []

    def __call__(self, *args: Any, training: bool | None = None, **kwargs: Any) -> Any:
        """Run the model; ``training=True`` or ``False`` (Keras') runs it in that mode for this call
        only (dropout, batch statistics), else in the mode :meth:`train`/:meth:`eval` set."""
        if training is None:
            return super().__call__(*args, **kwargs)
        with training_mode(self, boolean(training, "training", self.name)):
            return super().__call__(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Runs :meth:`call` (Keras' name for what a subclass computes), passing ``training`` if
        ``call`` takes it."""
        cls = type(self)
        if cls.call is Model.call:
            raise NotImplementedError(f"{cls.__name__} must define call() (or forward())")
        if "training" not in kwargs and _takes_training(cls.call):
            kwargs["training"] = self.training
        return self.call(*args, **kwargs)

    @classmethod
    def from_config(cls, config: Mapping[str, Any],
                    custom_objects: Mapping[str, type] | None = None) -> Module:
        """A new model from :meth:`get_config`; ``Model.from_config`` of a functional model's
        configuration makes a functional model, as Keras'."""
        if cls is Model and {"layers", "nodes", "inputs", "outputs"} <= set(config):
            from .symbolic import Functional

            return Functional.from_config(config, custom_objects)
        return super().from_config(config)

    def call(self, *args: Any, **kwargs: Any) -> Any:
        """What the model computes; a subclass defines it (Keras' ``call``)."""
        raise NotImplementedError(f"{type(self).__name__} must define call() (or forward())")

    # ---- compile ------------------------------------------------------------------------------
    def compile(self, optimizer: OptimizerArgument = "rmsprop",
                loss: str | Callable[[Operand, Operand], Tensor] | None = None,
                loss_weights: Any = None, metrics: Sequence[Any] | None = None,
                weighted_metrics: Sequence[Any] | None = None, run_eagerly: bool = False,
                steps_per_execution: int = 1, jit_compile: bool | str = "auto",
                auto_scale_loss: bool = True) -> None:
        """Choose the optimizer, the loss and the metrics, as Keras 3's ``compile`` does.

        ``optimizer``: a Keras name (``'adam'``, with Keras' defaults), a Keras-style optimizer of
        :mod:`autograd_lite.keras.optimizers`, an :class:`~autograd_lite.optim.Optimizer`, or a
        function of the parameters that makes one (called at the first ``fit``). ``loss``: a Keras
        name such as ``'binary_crossentropy'``, a loss of :mod:`autograd_lite.nn.losses` (a class
        instance or function, Keras' ``(y_true, y_pred)``), one of :mod:`~autograd_lite.nn.functional`'s
        (called ``(prediction, target)``, as everywhere there), or your own function, called Keras'
        way round, ``loss(y_true, y_pred)``. ``metrics``: names (``'accuracy'``, ``'mse'``, ...) or
        metric objects of :mod:`autograd_lite.nn.metrics`; ``weighted_metrics`` are computed with the
        sample weights. ``jit_compile`` (``"auto"``, ``True``, ``False``): whether ``fit`` compiles
        each step's computation with :func:`autograd_lite.compile` (see :mod:`autograd_lite.nn._jit`);
        ``run_eagerly=True`` never does. ``steps_per_execution`` must be 1.
        """
        heads = output_heads(self._output_names(), loss, loss_weights, metrics, weighted_metrics)
        _check_optimizer(optimizer)
        boolean(run_eagerly, "run_eagerly", "compile")
        boolean(auto_scale_loss, "auto_scale_loss", "compile")
        if jit_compile not in ("auto", True, False):
            raise ValueError(f"compile: jit_compile must be 'auto', True or False, not {jit_compile!r}")
        if integer(steps_per_execution, "steps_per_execution", "compile", minimum=1) != 1:
            raise ValueError("compile: steps_per_execution must be 1 (each step runs as its own call here)")
        names = [name for head in heads for name in head.metric_log_names()]
        _distinct_names([*names, *(head.log_name("loss") for head in heads if head.name is not None)])
        self.loss, self._heads = loss, heads
        self.resolved_loss = heads[0].loss if len(heads) == 1 else None
        self._compile_arguments = {"loss": loss, "loss_weights": loss_weights, "metrics": metrics,
                                   "weighted_metrics": weighted_metrics}
        self._optimizer_spec = optimizer
        self.optimizer = optimizer if isinstance(optimizer, optim.Optimizer) else None
        self.metric_names = names
        self.__dict__["_jit_compile"] = False if run_eagerly else jit_compile
        self.__dict__["_step_functions"] = {}   # compiled anew for the new loss and optimizer
        self.compiled = True

    def _output_names(self) -> list[str | None]:
        """The names of the outputs, by which the logs of a model with several are told apart;
        ``[None]`` for a model of one output."""
        return [None]

    @property
    def metrics(self) -> list[Any]:
        """The compiled metrics, every output's (the loss trackers are apart: see ``metrics_names``)."""
        return [metric for head in self._heads for metric in [*head.metrics, *head.weighted_metrics]]

    @property
    def metrics_names(self) -> list[str]:
        """The names :meth:`evaluate` returns its values by: the loss (and each output's), then the
        metrics."""
        several = [head.log_name("loss") for head in self._heads if head.name is not None and head.loss]
        return ["loss", *several, *self.metric_names]

    def reset_metrics(self) -> None:
        """Start the loss trackers and every metric afresh (``fit`` does at each epoch)."""
        self._loss_tracker.reset_state()
        for head in self._heads:
            head.tracker.reset_state()
        for metric in self.metrics:
            metric.reset_state()

    # ---- fit ------------------------------------------------------------------------------------
    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1,
            verbose: int | str = "auto", callbacks: Sequence[Callback] | Callback | None = None,
            validation_split: float = 0.0, validation_data: Any = None, shuffle: bool = True,
            class_weight: Mapping[int, float] | None = None, sample_weight: ArrayLike | None = None,
            initial_epoch: int = 0, steps_per_epoch: int | None = None, validation_steps: int | None = None,
            validation_batch_size: int | None = None, validation_freq: int = 1, *,
            seed: int | None = None, distribute: Strategy | None = None) -> Any:
        """Train from epoch ``initial_epoch`` to ``epochs``, one :meth:`train_step` per batch; returns
        the History (also ``model.history``). The arguments, their order and defaults are Keras 3's.

        ``x`` and ``y`` are arrays (``x`` a list of arrays for several inputs), cut into batches of
        ``batch_size`` (32 for ``None``), shuffled each epoch unless ``shuffle=False``; or ``x`` is a
        generator or any iterable of batches ``(x, y)`` or ``(x, y, sample_weight)`` (a
        :class:`~autograd_lite.data.DataLoader`), with ``y=None``: ``steps_per_epoch`` batches make an
        epoch (all of them for ``None``; a generator continues where the last epoch stopped).
        ``sample_weight`` weighs each sample's loss and ``class_weight`` each class's, as Keras: the
        loss is the sum of the weighted per-sample losses over the number of samples.
        ``validation_data`` ((x, y), (x, y, sample_weight), or an iterable of batches with
        ``validation_steps``) overrides ``validation_split``, which holds out the last samples; it is
        evaluated after every ``validation_freq``-th epoch. ``seed`` (ours) gives the shuffling its own
        generator (a fit resumed at ``initial_epoch`` with the same seed shuffles as the uninterrupted
        one would have). ``distribute`` (ours): a strategy of :mod:`autograd_lite.distribute` that
        computes each batch's gradient on replicas, such as ``Ray(num_workers=4)``; None trains in
        this process. Ctrl-C ends training early and still returns the history so far.
        """
        self._require_compiled("fit")
        batch_size = _batch_size("fit", batch_size)
        epochs = integer(epochs, "epochs", "fit", minimum=0)
        initial_epoch = integer(initial_epoch, "initial_epoch", "fit", minimum=0)
        verbose = _verbose("fit", verbose)
        callbacks = callback_list(callbacks)
        validation_split = _validation_split(validation_split)
        validation_freq = integer(validation_freq, "validation_freq", "fit", minimum=1)
        validation_batch_size = _batch_size("fit", validation_batch_size or batch_size)
        steps_per_epoch = steps_argument("fit", "steps_per_epoch", steps_per_epoch)
        validation_steps = steps_argument("fit", "validation_steps", validation_steps)
        shuffle = boolean(shuffle, "shuffle", "fit")
        if seed is not None:
            integer(seed, "seed", "fit", minimum=0)
        split = 0.0 if validation_data is not None else validation_split   # validation_data overrides it
        training = self._training_source(x, y, sample_weight, class_weight, split, steps_per_epoch)
        validation = self._validation_source(validation_data, training, validation_steps)
        self._check_monitors(callbacks, validating=validation is not None)
        parallel = None if distribute is None else _data_parallel(self, distribute, training, seed)
        if self.optimizer is not None:
            self._check_optimizer_updates_the_model()
        # ---- everything is checked: from here on, the model changes ----
        placement = self._build(training.first_x())
        steps = training.steps(batch_size)
        callback_list_ = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                                      verbose=verbose, epochs=epochs, steps=steps)
        self.history = callback_list_.history
        # a seed of its own for this call, else the package's generator (which ag.manual_seed seeds)
        rng = _host.random.default_rng(seed) if seed is not None else get_generator()
        self.stop_training = False
        modes = training_mode(self, True)   # each module's mode is put back when fit ends
        modes.__enter__()
        epoch_logs: Logs = {}
        callback_list_.on_train_begin()
        initial_epoch, self._initial_epoch = self._initial_epoch or initial_epoch, None   # as Keras'
        if seed is not None and shuffle:
            training.skip_shuffles(initial_epoch, rng)
        try:
            if parallel is not None:
                parallel.start()
            for epoch in range(initial_epoch, epochs):
                self.reset_metrics()
                callback_list_.on_epoch_begin(epoch)
                logs: Logs = {}
                batches = training.batches(batch_size, shuffle, rng, placement) if parallel is None \
                    else parallel.batches(batch_size, shuffle, rng)
                for step, batch in enumerate(batches):
                    callback_list_.on_train_batch_begin(step)
                    logs = self.train_step(batch) if parallel is None \
                        else parallel.train_step(batch, epoch, step)
                    callback_list_.on_train_batch_end(step, logs)
                    if self.stop_training:
                        break
                epoch_logs = dict(logs)
                if validation is not None and (epoch + 1) % validation_freq == 0:
                    validated = self._evaluated(validation, validation_batch_size, placement, callback_list_)
                    epoch_logs.update({f"val_{name}": value for name, value in validated.items()})
                callback_list_.on_epoch_end(epoch, epoch_logs)
                if self.stop_training:
                    break
        except KeyboardInterrupt:
            if verbose:
                print(f"Interrupted after {len(self.history.epoch)} epoch(s): returning the history so far")
        finally:
            modes.__exit__(None, None, None)
            if parallel is not None:
                parallel.close()
            callback_list_.on_train_end(epoch_logs)
        return self.history

    # ---- the steps ------------------------------------------------------------------------------
    def train_step(self, data: tuple[Any, ...]) -> Logs:
        """One optimisation step on a batch ``data = (x, y, sample_weight)`` (arrays on the model's
        device; ``(x, y)`` works too); returns the logs so far this epoch: the mean loss and the
        metrics, of the outputs before the step, as Keras 3's ``train_step``.

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
        x, y, sample_weight = (*data, None)[:3]
        computation = self._step_function("train")
        loss, y_pred, output_losses = computation(x, y, sample_weight, optimizer=self.optimizer)
        return self._logged(x, y, sample_weight, loss, y_pred, output_losses)

    def test_step(self, data: tuple[Any, ...]) -> Logs:
        """The logs so far of an evaluation, after the batch ``data = (x, y, sample_weight)``:
        :meth:`evaluate` (and ``fit``'s validation) calls it for every batch, in evaluation mode."""
        x, y, sample_weight = (*data, None)[:3]
        loss, y_pred, output_losses = self._step_function("test")(x, y, sample_weight)
        return self._logged(x, y, sample_weight, loss, y_pred, output_losses)

    def _logged(self, x: Any, y: Any, sample_weight: Any, loss: Tensor, y_pred: Any,
                output_losses: tuple[Any, ...]) -> Logs:
        """A step's bookkeeping, eager Python on its computation's results: trackers and metrics."""
        if output_losses:
            self.__dict__["_output_losses"] = list(output_losses)
        self._track_losses(loss, _batch_samples(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def _track_losses(self, loss: Tensor, samples: int) -> None:
        """Add the batch's loss (and, for several outputs, each output's) to the trackers."""
        self._loss_tracker.update_state(float(data_of(loss)), samples)
        if len(self._heads) > 1 and len(self._output_losses) == len(self._heads):
            for head, value in zip(self._heads, self._output_losses):
                if value is not None:
                    head.tracker.update_state(float(data_of(value)), samples)
            self.__dict__["_output_losses"] = []

    def predict_step(self, data: tuple[Any, ...]) -> Any:
        """The outputs for the batch ``data = (x, ...)``: :meth:`predict` calls it for every batch."""
        return self._step_function("predict")(data[0])

    def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None,
                     sample_weight: Any = None, training: bool = True) -> Tensor:
        """The compiled loss of ``y_pred`` against ``y`` as one number, weighted by
        ``sample_weight`` if given (Keras' signature; ``x`` and ``training`` are not used); for
        several outputs, the sum of each output's loss times its loss weight."""
        if len(self._heads) == 1:   # speed: one output, the common case, without the loop's bookkeeping
            loss = self._heads[0].loss
            value = loss.function(y_pred, y) if sample_weight is None \
                else loss.weighted(y_pred, y, sample_weight)
            return value * self._heads[0].weight if self._heads[0].weight != 1.0 else value
        total = None
        self.__dict__["_output_losses"] = []
        for head, prediction, target in zip(self._heads, self._per_output(y_pred), self._per_output(y)):
            if head.loss is None:
                self._output_losses.append(None)
                continue
            value = head.loss.function(prediction, target) if sample_weight is None \
                else head.loss.weighted(prediction, target, sample_weight)
            self._output_losses.append(value)
            term = value * head.weight if head.weight != 1.0 else value
            total = term if total is None else total + term
        return total

    def _per_output(self, values: Any) -> list[Any]:
        return list(values) if len(self._heads) > 1 else [values]

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> Logs:
        """Update the compiled metrics with the batch and return the logs so far (the loss tracker's
        result first), as Keras 3's ``compute_metrics``."""
        if self.metrics:
            weights = None if sample_weight is None else backend.to_host(data_of(sample_weight))
            for head, prediction, target in zip(self._heads, self._per_output(y_pred), self._per_output(y)):
                prediction, target = backend.to_host(data_of(prediction)), backend.to_host(data_of(target))
                for metric in head.metrics:
                    metric.update_state(target, prediction)
                for metric in head.weighted_metrics:
                    metric.update_state(target, prediction, sample_weight=weights)
        return self.get_metrics_result()

    def get_metrics_result(self) -> Logs:
        """The loss trackers' and the metrics' results so far."""
        logs = {"loss": self._loss_tracker.result()}
        if len(self._heads) > 1:
            logs.update({head.log_name("loss"): head.tracker.result() for head in self._heads if head.loss})
        for head in self._heads:
            for metric in [*head.metrics, *head.weighted_metrics]:
                logs[head.log_name(metric.name)] = float(metric.result())
        return logs

    def _steps_are_models_own(self) -> bool:
        return type(self).train_step is Model.train_step and type(self).test_step is Model.test_step

    # ---- inspection and saving ------------------------------------------------------------------
    def summary(self, line_length: int | None = None, positions: Any = None,
                print_fn: Callable[[str], Any] | None = None, expand_nested: bool = False,
                show_trainable: bool = False, layer_range: Any = None) -> None:
        """Print Keras' table of the layers, their output shapes and parameter counts, and the
        totals (see :mod:`autograd_lite.nn.summary`). ``print_fn`` receives each line;
        ``positions``, ``expand_nested``, ``show_trainable`` and ``layer_range`` are accepted for
        Keras code and change nothing."""
        from .summary import print_summary

        print_summary(self, print_fn, line_length)

    def save(self, filepath: str | os.PathLike[str], overwrite: bool = True) -> None:
        """Save the architecture, compile settings, weights and optimizer state to a ``.keras``
        archive (see :mod:`autograd_lite.nn.saving`); :func:`~autograd_lite.nn.load_model` reads it."""
        from .saving import save_model

        save_model(self, filepath, overwrite)

    def build(self, input_shape: Sequence[int | None]) -> None:
        """Build the layers for inputs of ``input_shape`` (batch axis first, as Keras' ``build``)
        by running the model on a zero sample; the weights then exist and ``summary`` shows shapes."""
        from .sequential import _built_output_shape

        shape = tuple(input_shape)
        _built_output_shape(self, shape, _host.float64)
        self._built_input_shape = (None, *shape[1:])
        self.name_parameters()

    def get_layer(self, name: str | None = None, index: int | None = None) -> Module:
        """A layer by its name or its index in ``layers`` (Keras' ``get_layer``)."""
        layers = list(getattr(self, "layers", None) or [module for _, module in self.named_children()])
        if index is not None:
            return layers[integer(index, "index", "get_layer")]
        for layer in layers:
            if getattr(layer, "name", None) == name:
                return layer
        raise ValueError(f"get_layer: no layer is named {name!r}; the layers are "
                         f"{[getattr(layer, 'name', type(layer).__name__) for layer in layers]}")

    # ---- building -------------------------------------------------------------------------------
    def _require_compiled(self, where: str) -> None:
        if not self._heads:
            raise RuntimeError(f"{where}: call compile(optimizer=..., loss=...) first")

    def _build(self, first_x: Any) -> Placement:
        """Build the layers whose input size comes from the data, name every parameter by its path
        (see :class:`~autograd_lite.nn.Module`), and make the optimizer if compile was given a name
        or a function; return where the model computes (see :meth:`_placement`)."""
        placement = self._placement()   # a layer built here is built there
        with training_mode(self, False), no_grad():
            self(data.placed(data.take(first_x, slice(0, 1)), placement))
        if not isinstance(first_x, list):
            self._built_input_shape = (None, *first_x.shape[1:])
        self.name_parameters()
        self._make_optimizer()
        return placement

    def _make_optimizer(self) -> None:
        """Make the optimizer, if compile was given a name or a function."""
        if self.optimizer is None:
            spec = self._optimizer_spec
            make = lookup(OPTIMIZERS, "optimizer", spec, "compile", ignore_case=True) \
                if isinstance(spec, str) else spec
            made = make(self.parameters())
            if not isinstance(made, optim.Optimizer):
                raise TypeError(f"fit: the optimizer function given to compile returned "
                                f"{type(made).__name__}, not an optim.Optimizer")
            self.optimizer = made


@functools.cache
def _takes_training(call: Callable[..., Any]) -> bool:
    """Whether a ``call`` has a ``training`` parameter (looked up once per class)."""
    return "training" in inspect.signature(call).parameters


def _batch_samples(x: Any) -> int:
    first = x[0] if isinstance(x, (list, tuple)) else x
    return int(data_of(first).shape[0])


def _data_parallel(model: Model, strategy: Any, training: Any, seed: int | None) -> Any:
    """``fit``'s driver of data-parallel steps on ``strategy``, checked (see
    :mod:`autograd_lite.distribute`)."""
    from ..distribute.data_parallel import DataParallel  # noqa: PLC0415 - distribute imports nn

    return DataParallel.checked_for(model, strategy, training, seed)


def _distinct_names(names: list[str]) -> None:
    repeated = sorted({name for name in names if names.count(name) > 1 or name == "loss"})
    if repeated:
        raise ValueError(f"compile: metric names must be distinct and not 'loss'; repeated: {repeated}")


