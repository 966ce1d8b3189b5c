"""What ``compile`` resolves once: the loss, into a :class:`ResolvedLoss` record that ``fit``,
``evaluate`` and the checks of ``y`` read (instead of deciding on the loss's name), and the metrics,
by Keras' names.

>>> from autograd_lite.nn import functional as F
>>> resolve_loss("sparse_categorical_crossentropy")
ResolvedLoss(name='sparse_categorical_crossentropy', labels='sparse', from_logits=False, library=True)
>>> resolve_loss(F.binary_cross_entropy_with_logits).from_logits
True
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ..backend import ndarray
from ..engine import data_of
from ..reductions import sum as sum_
from ..tensor import Tensor
from ..tensor_ops import mean
from ..typing import Operand
from . import functional as F
from ._arguments import lookup

LabelKind = Literal["binary", "sparse", "dense"]
#: a loss as fit calls it, ``(prediction, target)`` → a one-number Tensor
LossFunction = Callable[[Operand, Operand], Tensor]


@dataclass(frozen=True)
class ResolvedLoss:
    """A loss given to ``compile``, resolved once.

    ``function`` is called ``(prediction, target)`` (a Keras-style loss of yours, ``loss(y_true,
    y_pred)``, is wrapped so, and averaged if it gives one value per sample). ``labels`` says how it
    reads ``y``: ``"binary"``, labels 0 or 1 for each output; ``"sparse"``, one class index per
    sample (which keeps its shape: no axis of 1 is added or removed); ``"dense"``, one value per
    output (one-hot rows, probabilities, real targets). ``from_logits``: the model outputs logits
    (so accuracy splits them at 0, not ½). ``library``: one of :mod:`~autograd_lite.nn.functional`'s,
    whose own errors are reported as they are; yours is tried on a stand-in output before training,
    and its failures are reported as yours. ``name`` is for messages.
    """

    function: LossFunction = field(repr=False)
    name: str
    labels: LabelKind
    from_logits: bool
    library: bool
    per_sample: LossFunction | None = field(default=None, repr=False, compare=False)

    def require_per_sample(self, where: str) -> None:
        """A TypeError unless the loss has a per-sample form (which sample and class weights need)."""
        if self.per_sample is None:
            raise TypeError(f"{where}: sample_weight and class_weight need a loss that gives one value per "
                            f"sample; {self.name!r} does not (use a Keras name, a loss of nn.losses, "
                            f"or a function loss(y_true, y_pred) that returns one value per sample)")

    def weighted(self, prediction: Operand, target: Operand, sample_weight: Operand) -> Tensor:
        """Keras 3's weighted loss: each sample's loss times its weight, summed, over the number
        of samples (not over the weights' sum)."""
        self.require_per_sample("fit")
        values = self.per_sample(prediction, target)
        shape = tuple(data_of(values).shape)
        if len(shape) > 1:
            values = mean(values, axis=tuple(range(1, len(shape))))
        weights = data_of(sample_weight)
        return sum_(values * weights) / shape[0]

    @property
    def sparse(self) -> bool:
        """Whether ``y`` holds class indices, one per sample."""
        return self.labels == "sparse"

    def try_on(self, stand_in: ndarray, y: ndarray, where: str) -> None:
        """Compute the loss once on a stand-in output, so that a ``y`` it cannot use fails before
        training changes anything: with the library loss's own error (prefixed by ``where``), or,
        for a loss of yours, with any error it raises or a result that is not a Tensor."""
        if self.library:
            try:
                self.function(stand_in, y)
            except ValueError as error:   # ShapeError and the label checks
                raise type(error)(f"{where}: {error}") from None
            return
        try:
            value = self.function(Tensor(stand_in), y)
        except Exception as error:  # noqa: BLE001 - any failure of the user's loss is reported
            raise RuntimeError(f"{where}: the loss {self.name!r} raised {type(error).__name__} on an output "
                               f"of shape {stand_in.shape} and y of shape {y.shape}: {error}") from error
        if not isinstance(value, Tensor):
            raise TypeError(f"{where}: the loss {self.name!r} returned {type(value).__name__}, not a Tensor "
                            f"computed from y_pred: write it with autograd_lite's operations (ag.log, "
                            f"ag.mean, ...), not NumPy's, so that it can be differentiated")


#: how each loss of nn.functional reads its targets, and whether it takes logits
LIBRARY_LOSSES: dict[LossFunction, tuple[LabelKind, bool]] = {
    F.mse_loss: ("dense", False),
    F.binary_cross_entropy: ("binary", False),
    F.binary_crossentropy: ("binary", False),     # Keras' rule, for loss="binary_crossentropy"
    F.binary_cross_entropy_with_logits: ("binary", True),
    F.categorical_crossentropy: ("dense", False),
    F.sparse_categorical_crossentropy: ("sparse", False),
    F.cross_entropy: ("sparse", True),            # class indices, or probabilities in the logits' shape
    F.softmax_cross_entropy: ("sparse", True),
    F.hinge: ("dense", False),
    F.l1_loss: ("dense", False),
    F.huber_loss: ("dense", False),
    F.smooth_l1_loss: ("dense", False),
    F.soft_margin_loss: ("dense", False),
    F.poisson_nll_loss: ("dense", False),
    F.kl_div: ("dense", False),                   # log-probabilities against probabilities
    F.nll_loss: ("sparse", False),                # log-probabilities against class indices
}


def resolve_loss(loss: str | Callable[..., Tensor] | None) -> ResolvedLoss:
    """The record of a loss given to ``compile``: a Keras name (``nn.functional.LOSSES``), a loss of
    :mod:`autograd_lite.nn.losses` (Keras' order), a function of :mod:`~autograd_lite.nn.functional`
    (PyTorch's order), or a function of yours, called ``loss(y_true, y_pred)``."""
    if isinstance(loss, str):
        if loss not in F.LOSSES:   # the rest of Keras' names ("mae", "huber", "Huber", ...): nn.losses'
            keras_loss = _keras_loss_named(loss)
            if keras_loss is not None:
                return _resolved_keras_loss(keras_loss, loss)
        function = lookup(F.LOSSES, "loss", loss, "compile")
        return ResolvedLoss(function, loss, *LIBRARY_LOSSES[function], library=True,
                            per_sample=_per_sample_by_name(loss, function))
    if loss is None:
        raise ValueError("compile: a loss is required, e.g. loss='binary_crossentropy'")
    if not callable(loss):
        raise TypeError(f"compile: loss must be a Keras loss name such as 'mse' or a function "
                        f"loss(y_true, y_pred), not {loss!r} ({type(loss).__name__})")
    name = getattr(loss, "name", None) or getattr(loss, "__name__", "loss")
    if loss in LIBRARY_LOSSES:   # ours: called (prediction, target), as everywhere in nn.functional
        return ResolvedLoss(loss, name, *LIBRARY_LOSSES[loss], library=True,
                            per_sample=_per_sample_by_name(loss.__name__, loss))
    module = getattr(type(loss) if not inspect.isfunction(loss) else loss, "__module__", "") or ""
    if module.startswith(f"{__package__}.losses"):   # Keras' losses: (y_true, y_pred)
        return _resolved_keras_loss(loss, name)
    if getattr(loss, "__module__", "").startswith(F.__name__):   # ours, but not of (prediction, target)
        raise TypeError(f"compile: {name} is not a loss of a prediction and a target (those are "
                        f"nn.functional.LOSS_FUNCTIONS), so fit cannot call it; write a training loop, "
                        f"or wrap it as a function loss(y_true, y_pred)")
    return ResolvedLoss(_keras_loss(loss), name, "dense", from_logits=False, library=False,
                        per_sample=_keras_order(loss))


def _keras_loss_named(name: str) -> Any:
    """The loss of :mod:`autograd_lite.nn.losses` that Keras' ``losses.get(name)`` gives, or None."""
    from . import losses as keras_losses

    try:
        return keras_losses.get(name)
    except ValueError:
        return None


def _resolved_keras_loss(loss: Any, name: str) -> ResolvedLoss:
    """The record of a loss of :mod:`autograd_lite.nn.losses` (a class instance or a per-sample
    function, Keras' ``(y_true, y_pred)``); a function is averaged over the samples, as Keras
    wraps it."""
    from . import losses as keras_losses

    if isinstance(loss, keras_losses.Loss):
        function, per_sample = (lambda prediction, target: loss(target, prediction)), _keras_order(loss.call)
    else:
        function, per_sample = _keras_loss(loss), _keras_order(loss)
    return ResolvedLoss(function, name, keras_losses.label_kind(loss), keras_losses.takes_logits(loss),
                        library=True, per_sample=per_sample)


def _keras_order(loss: Callable[[Operand, Operand], Tensor]) -> LossFunction:
    """A function of (y_true, y_pred) as one of (prediction, target)."""
    return lambda prediction, target: loss(target, prediction)


def _per_sample_by_name(name: str, function: LossFunction) -> LossFunction | None:
    """The per-sample form of a library loss, for sample weights: Keras' function of that name in
    :mod:`autograd_lite.nn.losses`, else the loss itself with ``reduction="none"``."""
    from . import losses as keras_losses

    keras_function = getattr(keras_losses, name, None)
    if callable(keras_function):
        return _keras_order(keras_function)
    if "reduction" in inspect.signature(function).parameters:
        return lambda prediction, target: function(prediction, target, reduction="none")
    return None


def _keras_loss(loss: Callable[[Operand, Operand], Tensor]) -> LossFunction:
    """A loss of Keras' kind, ``loss(y_true, y_pred)``, as one of (prediction, target) that returns a
    single number: values per sample (or per element) are averaged, as Keras' default reduction
    ("sum_over_batch_size") does."""
    def keras_loss(prediction: Operand, target: Operand) -> Tensor:
        value = loss(target, prediction)
        return mean(value) if math.prod(getattr(data_of(value), "shape", ())) != 1 else value
    keras_loss.__name__ = getattr(loss, "__name__", "loss")
    return keras_loss


class LossTracker:
    """The mean of the batches' losses, each weighted by its samples: Keras' ``loss`` log."""

    def __init__(self) -> None:
        self.total, self.count = 0.0, 0

    def update_state(self, loss: float, samples: int) -> None:
        self.total, self.count = self.total + loss * samples, self.count + samples

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0

    def reset_state(self) -> None:
        self.total, self.count = 0.0, 0



# ---- metrics ----------------------------------------------------------------------------------
def metric_specs(metrics: object, where: str = "metrics") -> list[Any]:
    """The metrics given to ``compile``, checked: a list of names, :mod:`~autograd_lite.nn.metrics`
    objects or functions ``metric(y_true, y_pred)``. Like Keras 3, a lone name is a ValueError, not
    a list of one. They are made into metric objects by :func:`resolve_metric` once the model's
    output shape is known (Keras' ``'accuracy'`` depends on it)."""
    from . import metrics as keras_metrics

    if metrics is None:
        return []
    if isinstance(metrics, str):
        raise ValueError(f"compile: {where} must be a list of names, e.g. {where}=[{metrics!r}], not the "
                         f"string {metrics!r}")
    if not isinstance(metrics, (list, tuple)):
        raise ValueError(f"compile: {where} must be a list of names such as ['accuracy'], not "
                         f"{type(metrics).__name__}")
    for spec in metrics:
        if isinstance(spec, str) and spec.lower() in ("accuracy", "acc"):
            continue
        if not (isinstance(spec, (str, keras_metrics.Metric)) or callable(spec)):
            raise TypeError(f"compile: each of {where} must be a name, a metric object or a function "
                            f"metric(y_true, y_pred); got {spec!r}")
        try:
            keras_metrics.get(spec)
        except ValueError as error:
            raise ValueError(f"compile: {error}") from None
    return list(metrics)


def metric_name(spec: Any) -> str:
    """The name a metric is logged under: the string given, or the metric's or function's name."""
    if isinstance(spec, str):
        return spec
    return getattr(spec, "name", None) or getattr(spec, "__name__", type(spec).__name__)


def resolve_metric(spec: Any, loss: ResolvedLoss, output_shape: tuple[int, ...],
                   target_shape: tuple[int, ...]) -> Any:
    """The stateful metric object of a spec, for this loss and these shapes (see
    :func:`autograd_lite.nn.metrics.resolve`)."""
    from . import metrics as keras_metrics

    if isinstance(spec, keras_metrics.Metric):
        return spec
    return keras_metrics.resolve(spec, label_kind=loss.labels, from_logits=loss.from_logits,
                                 output_shape=output_shape, target_shape=target_shape)


# ---- outputs ------------------------------------------------------------------------------------
@dataclass
class OutputHead:
    """What ``compile`` keeps for one output of the model: its loss (``None``: not trained), the
    loss's weight in the total, its metric specs and, once the output shape is known, its metric
    objects, and the tracker of its loss. A model with one output has one head, named ``None``: its
    logs are ``loss`` and the metrics' names; a head named ``"out"`` logs ``out_loss``, ``out_mae``."""

    name: str | None
    loss: ResolvedLoss | None
    weight: float
    metric_specs: list[Any]
    weighted_metric_specs: list[Any]
    metrics: list[Any] = field(default_factory=list)
    weighted_metrics: list[Any] = field(default_factory=list)
    tracker: LossTracker = field(default_factory=LossTracker)

    def log_name(self, name: str) -> str:
        return name if self.name is None else f"{self.name}_{name}"

    def metric_log_names(self) -> list[str]:
        specs = [*self.metric_specs, *self.weighted_metric_specs]
        return [self.log_name(metric_name(spec)) for spec in specs]

    def make_metrics(self, output_shape: tuple[int, ...], target_shape: tuple[int, ...]) -> None:
        """The metric objects for this output and target shape, made the first time only."""
        if len(self.metrics) != len(self.metric_specs) or \
                len(self.weighted_metrics) != len(self.weighted_metric_specs):
            loss = self.loss or resolve_loss("mse")   # an output without a loss: metrics read y as dense
            self.metrics = [resolve_metric(s, loss, output_shape, target_shape) for s in self.metric_specs]
            self.weighted_metrics = [resolve_metric(s, loss, output_shape, target_shape)
                                     for s in self.weighted_metric_specs]


def output_heads(names: list[str | None], loss: Any, loss_weights: Any, metrics: Any,
                 weighted_metrics: Any) -> list[OutputHead]:
    """The heads of a model whose outputs are ``names`` (``[None]`` for one output), from
    ``compile``'s arguments as Keras 3 reads them: one loss for every output, or a list (by position)
    or dict (by output name) of them; ``loss_weights`` and the metrics likewise (the metrics of a
    model with several outputs: a list of lists, or a dict of lists)."""
    several = len(names) > 1
    losses = _per_output("loss", loss, names, one_for_all=True)
    weights = _per_output("loss_weights", loss_weights, names, one_for_all=not several, missing=1.0)
    weights = [1.0 if weight is None else weight for weight in weights]
    metric_lists = _per_output("metrics", metrics, names, one_for_all=not several, missing=None)
    weighted_lists = _per_output("weighted_metrics", weighted_metrics, names, one_for_all=not several,
                                 missing=None)
    heads = []
    for name, head_loss, weight, specs, weighted in zip(names, losses, weights, metric_lists, weighted_lists):
        if several:   # one metric for an output, not in a list, is a list of one (as Keras reads it)
            specs, weighted = ([item] if item is not None and not isinstance(item, (list, tuple)) else item
                               for item in (specs, weighted))
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight):
            raise TypeError(f"compile: each loss weight must be a finite number, not {weight!r}")
        resolved = None if head_loss is None and several else resolve_loss(head_loss)
        heads.append(OutputHead(name if several else None, resolved, float(weight),
                                metric_specs(specs, "metrics"), metric_specs(weighted, "weighted_metrics")))
    if all(head.loss is None for head in heads):
        raise ValueError("compile: a loss is required, e.g. loss='binary_crossentropy'")
    return heads


def _per_output(argument: str, value: Any, names: list[str | None], one_for_all: bool,
                missing: Any = None) -> list[Any]:
    """``value`` as one entry per output: the same for all (``one_for_all``), a list by position, or
    a dict by output name (outputs it does not name get ``missing``)."""
    several = len(names) > 1
    if isinstance(value, dict) and several:
        unknown = sorted(set(value) - set(names))
        if unknown:
            raise ValueError(f"compile: {argument} names {unknown}, which are not outputs of the model; "
                             f"its outputs are {names}")
        return [value.get(name, missing) for name in names]
    if several and isinstance(value, (list, tuple)) and not (argument == "loss" and callable(value)):
        if len(value) != len(names):
            raise ValueError(f"compile: {argument} must have one entry per output ({len(names)}: {names}), "
                             f"but has {len(value)}")
        return list(value)
    if one_for_all or value is None:
        return [value] * len(names)
    raise ValueError(f"compile: for a model with several outputs ({names}), {argument} must be a list of "
                     f"one entry per output or a dict by output name, not {value!r}")
