"""Keras 3's losses, ``keras.losses``: functions and classes called ``(y_true, y_pred)``, Keras' order.

The functions return one loss per sample (the mean, or the sum, over the last axis: the shape of the
batch axes), differentiable Tensors computed with autograd_lite's operations; the classes reduce
them as Keras does (``reduction="sum_over_batch_size"``: the weighted losses summed and divided by
their number, not by the total weight). Probabilities are clipped to [1e-7, 1 − 1e-7] before a log,
as Keras clips them, except where ``y_pred`` came out of :func:`~autograd_lite.sigmoid` or
:func:`~autograd_lite.softmax` in a recorded graph: then the cross-entropies are computed from the
logits, exactly, as :mod:`nn.functional <autograd_lite.nn.functional>`'s are (whose functions take
``(prediction, target)``, PyTorch's order).

:func:`label_kind` and :func:`takes_logits` say how a loss reads ``y`` (``"sparse"``: class indices;
``"binary"``: 0/1 per output; ``"dense"``: one value per output) and whether it takes logits, for
``compile``'s choice of accuracy. The examples assume ``import numpy as np`` and
``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any, Literal

from .. import backend
from .._checks import invalid
from ..engine import ShapeError, data_of, docstring_tests
from ..math_ops import logaddexp, square
from ..ops import absolute, divide, log, maximum, sigmoid, where
from ..reductions import max as largest
from ..reductions import mean
from ..reductions import sum as total
from ..shape_ops import expand_dims, reshape, squeeze
from ..tensor import Tensor
from ..tensor_ops import clip, log_softmax, softmax
from ..typing import Operand
from . import functional as F
from ._targets import _constant, _float_type, _kept_classes, _shape
from .functional.losses import PROBABILITY_EPSILON, _made_by, _pick, _softmax_logits
from .functional.losses_extra import _hinge, _norm_at_least
from .keras_layers.base import _snake_case, unique_name

__all__ = [
    "BinaryCrossentropy", "CategoricalCrossentropy", "CategoricalHinge", "CosineSimilarity", "Hinge", "Huber",
    "KLDivergence", "LogCosh", "Loss", "LossFunctionWrapper", "MeanAbsoluteError",
    "MeanAbsolutePercentageError", "MeanSquaredError", "MeanSquaredLogarithmicError", "Poisson",
    "SparseCategoricalCrossentropy", "SquaredHinge", "binary_crossentropy", "categorical_crossentropy",
    "categorical_hinge", "cosine_similarity", "deserialize", "get", "hinge", "huber", "kl_divergence", "kld",
    "label_kind", "log_cosh", "mae", "mape", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_error", "mean_squared_logarithmic_error", "mse", "msle", "poisson",
    "reduce_weighted_values", "serialize", "sparse_categorical_crossentropy", "squared_hinge",
    "squeeze_or_expand_to_same_rank", "takes_logits",
]

_host = backend.host_namespace
EPSILON = PROBABILITY_EPSILON   # Keras' backend.epsilon()
LabelKind = Literal["binary", "sparse", "dense"]
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


# ---- inputs ---------------------------------------------------------------------------------------

def _pred(y_pred: Any) -> Tensor:
    """``y_pred`` as a Tensor (a graph node stays as it is; data becomes a constant Tensor of floats)."""
    if isinstance(y_pred, Tensor):
        return y_pred
    data = y_pred if backend.is_array(y_pred) else _host.asarray(y_pred)
    xp = backend.namespace(data)
    return Tensor(xp.astype(data, _float_type(xp, data), copy=False))


def _true(y_true: Any, y_pred: Tensor) -> Operand:
    """``y_true`` in ``y_pred``'s float dtype, as Keras casts it (a Tensor stays: it may be
    differentiated)."""
    if isinstance(y_true, Tensor):
        return y_true
    data = y_true if backend.is_array(y_true) else _host.asarray(y_true)
    return _constant("loss", "y_true", data, y_pred)


def squeeze_or_expand_to_same_rank(x1: Operand, x2: Operand, expand_rank_1: bool = True
                                   ) -> tuple[Operand, Operand]:
    """Keras' rank rule: where the ranks differ by one and the longer one ends in an axis of 1, that
    axis is removed, or (``expand_rank_1``, the shorter one of rank 1) an axis of 1 is added to the
    shorter, so (n,) against (n, 1) compares n pairs, not n².

    >>> [x.shape for x in squeeze_or_expand_to_same_rank(np.zeros(3), np.zeros((3, 1)))]
    [(3, 1), (3, 1)]
    >>> [x.shape for x in squeeze_or_expand_to_same_rank(np.zeros((3, 2)), np.zeros((3, 2, 1)))]
    [(3, 2), (3, 2)]
    """
    shape_1, shape_2 = _shape(x1), _shape(x2)
    if len(shape_1) == len(shape_2) + 1 and shape_1[-1] == 1:
        if len(shape_2) == 1 and expand_rank_1:
            return x1, expand_dims(x2, -1)
        return squeeze(x1, -1), x2
    if len(shape_2) == len(shape_1) + 1 and shape_2[-1] == 1:
        if len(shape_1) == 1 and expand_rank_1:
            return expand_dims(x1, -1), x2
        return x1, squeeze(x2, -1)
    return x1, x2


def _pair(y_true: Any, y_pred: Any, same_rank: bool = True) -> tuple[Operand, Tensor]:
    """(y_true, y_pred) as Keras' functions take them: cast, and of one rank where ``same_rank``."""
    y_pred = _pred(y_pred)
    y_true = _true(y_true, y_pred)
    if same_rank:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return y_true, y_pred


def _same_shape(function: str, y_true: Operand, y_pred: Operand, hint: str = "") -> None:
    if _shape(y_true) != _shape(y_pred):
        raise ShapeError(f"{function}: y_true has shape {_shape(y_true)} but y_pred has shape "
                         f"{_shape(y_pred)}; they must be equal{hint}")


# ---- the losses, one per sample --------------------------------------------------------------------

def mean_squared_error(y_true: Any, y_pred: Any) -> Tensor:
    """mean((y_true − y_pred)², axis=−1), one per sample.

    >>> mean_squared_error(np.array([[1.0, 0.0]]), Tensor([[0.5, 0.5]]))
    Tensor([0.25])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return mean(square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Tensor:
    """mean(``|y_true − y_pred|``, axis=−1).

    >>> mean_absolute_error(np.array([1.0, 0.0]), Tensor([0.5, 0.5]))
    Tensor(0.5)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return mean(absolute(y_pred - y_true), axis=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Tensor:
    """100·mean(``|y_true − y_pred|`` / max(``|y_true|``, 1e-7), axis=−1).

    >>> mean_absolute_percentage_error(np.array([2.0, 4.0]), Tensor([1.0, 5.0]))
    Tensor(37.5)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return mean(absolute(y_pred - y_true) / maximum(absolute(y_true), EPSILON), axis=-1) * 100.0


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Tensor:
    """mean((log(max(y_pred, ε) + 1) − log(max(y_true, ε) + 1))², axis=−1), ε = 1e-7.

    >>> mean_squared_logarithmic_error(np.array([0.0]), Tensor([np.e - 1])).item()   # 1 − 2·1e-7
    0.9999998...
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return mean(square(log(maximum(y_pred, EPSILON) + 1.0) - log(maximum(y_true, EPSILON) + 1.0)), axis=-1)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Tensor:
    """Huber's loss of e = y_pred − y_true, mean over the last axis of ½e² where ``|e| ≤ δ``, else
    δ·``|e|`` − ½δ².

    >>> huber(np.zeros(2), Tensor([0.5, 3.0]))
    Tensor(1.3125)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    error = y_pred - y_true
    size = absolute(error)
    quadratic, linear = square(error) * 0.5, size * delta - 0.5 * delta * delta
    return mean(where(data_of(size) <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true: Any, y_pred: Any) -> Tensor:
    """mean(log cosh(y_pred − y_true), axis=−1), computed as x + softplus(−2x) − log 2 (no overflow).

    >>> log_cosh(np.zeros(1), Tensor([1.0]))
    Tensor(0.43378083)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    error = y_pred - y_true
    return mean(error + logaddexp(0.0, error * -2.0) - math.log(2.0), axis=-1)


def kl_divergence(y_true: Any, y_pred: Any) -> Tensor:
    """Σ y·log(y/p) over the last axis, with y and p clipped to [1e-7, 1].

    >>> kl_divergence(np.array([[0.25, 0.75]]), Tensor([[0.5, 0.5]]))
    Tensor([0.13081204])
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    y_true, y_pred = clip(y_true, EPSILON, 1.0), clip(y_pred, EPSILON, 1.0)
    return total(-(log(y_pred) - log(y_true)) * y_true, axis=-1)


def poisson(y_true: Any, y_pred: Any) -> Tensor:
    """mean(p − y·log(p + 1e-7), axis=−1), the Poisson loss of rates p.

    >>> poisson(np.array([1.0]), Tensor([2.0])).item()
    1.306852769...
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    return mean(y_pred - log(y_pred + EPSILON) * y_true, axis=-1)


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """−Σ (y/max(‖y‖, ε))·(p/max(‖p‖, ε)) along ``axis`` (ε = 1e-7): −1 for vectors in one direction.

    >>> cosine_similarity(np.array([[1.0, 1.0]]), Tensor([[2.0, 2.0]]))
    Tensor([-1.])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    axis = axis % len(_shape(y_pred))
    unit_true = divide(y_true, _norm_at_least(y_true, axis, EPSILON))
    return -total(divide(y_pred, _norm_at_least(y_pred, axis, EPSILON)) * unit_true, axis=axis)


def _signs(y_true: Operand) -> Operand:
    """Labels 0/1 as −1/1 (others, e.g. already ±1, as they are), as Keras' hinge losses read them."""
    labels = data_of(y_true)
    xp = backend.namespace(labels)
    return y_true * 2.0 - 1.0 if bool(xp.all((labels == 0) | (labels == 1))) else y_true


def hinge(y_true: Any, y_pred: Any) -> Tensor:
    """mean(max(1 − t·p, 0), axis=−1) for labels t = ±1 (0/1 labels are mapped to ∓1 first).

    >>> hinge(np.array([1.0, 0.0]), Tensor([2.0, -0.5]))
    Tensor(0.25)
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    return mean(_hinge(1.0 - y_pred * _signs(y_true)), axis=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """mean(max(1 − t·p, 0)², axis=−1), labels as :func:`hinge`'s.

    >>> squared_hinge(np.array([1.0, 0.0]), Tensor([2.0, -0.5]))
    Tensor(0.125)
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    return mean(square(_hinge(1.0 - y_pred * _signs(y_true))), axis=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """max(neg − pos + 1, 0), pos = Σ y·p and neg = max((1 − y)·p) over the last axis (one-hot y).

    >>> categorical_hinge(np.array([[0.0, 1.0]]), Tensor([[0.3, 0.8]]))
    Tensor([0.5])
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    positive = total(y_pred * y_true, axis=-1)
    negative = largest(y_pred * (1.0 - y_true), axis=-1)
    return _hinge(negative - positive + 1.0)


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                        axis: int = -1) -> Tensor:
    """Binary cross-entropy −(y·log p + (1 − y)·log(1 − p)), averaged over ``axis``: p clipped to
    [1e-7, 1 − 1e-7], or, for logits z (``from_logits``, or ``y_pred`` made by :func:`sigmoid`), the
    exact softplus(z) − y·z of :func:`~autograd_lite.nn.functional.binary_cross_entropy_with_logits`.
    ``label_smoothing`` ε moves the labels to y·(1 − ε) + ε/2. Shapes must be equal.

    >>> binary_crossentropy(np.array([[1.0, 0.0]]), Tensor([[0.5, 0.5]]))
    Tensor([0.69314718])
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    _same_shape("binary_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits or _made_by(y_pred, sigmoid):
        logits = y_pred if from_logits else y_pred.inputs[0]
        losses = F.binary_cross_entropy_with_logits(logits, y_true, reduction="none")
    else:   # clipped, so PyTorch's log floor of −100 never applies: Keras' values and gradient
        losses = F.binary_cross_entropy(clip(y_pred, EPSILON, 1.0 - EPSILON), y_true, reduction="none")
    return mean(losses, axis=axis)


def _log_probabilities(y_pred: Tensor, from_logits: bool, axis: int) -> Tensor:
    """log p along ``axis``: log-softmax of logits (given, or those of a softmax along ``axis``), else
    Keras' rule: p divided by its sum, clipped to [1e-7, 1 − 1e-7]."""
    rank = len(_shape(y_pred))
    if from_logits:
        return log_softmax(y_pred, axis=axis)
    if _made_by(y_pred, softmax) and y_pred.params.get("axis", -1) % rank == axis % rank:
        return log_softmax(y_pred.inputs[0], axis=axis)
    return log(clip(y_pred / total(y_pred, axis=axis, keepdims=True), EPSILON, 1.0 - EPSILON))


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                             label_smoothing: float = 0.0, axis: int = -1) -> Tensor:
    """−Σ y·log p along ``axis`` for one-hot (or soft) y of y_pred's shape; log p as
    :func:`sparse_categorical_crossentropy` takes it. ``label_smoothing`` ε: y·(1 − ε) + ε/classes.

    >>> categorical_crossentropy(np.array([[1.0, 0.0]]), Tensor([[0.5, 0.5]]))
    Tensor([0.69314718])
    """
    if isinstance(axis, bool):
        raise TypeError(invalid("categorical_crossentropy", "axis", axis, "an integer"))
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    shape = _shape(y_pred)
    hint = ": for class labels use sparse_categorical_crossentropy" if shape and _shape(y_true) in (
        shape[:-1], shape[:-1] + (1,)) else ""
    _same_shape("categorical_crossentropy", y_true, y_pred, hint)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / shape[-1]
    return -total(_log_probabilities(y_pred, from_logits, axis) * y_true, axis=axis)


def _sparse_losses(y_true: Any, y_pred: Any, from_logits: bool, ignore_class: int | None,
                   axis: int) -> tuple[Tensor, Any]:
    """The per-sample losses of :func:`sparse_categorical_crossentropy` and the mask of the labels
    kept (None when none is ignored)."""
    y_pred = _pred(y_pred)
    shape = _shape(y_pred)
    if not shape or axis % len(shape) != len(shape) - 1:
        raise ShapeError(f"sparse_categorical_crossentropy: the classes must be along the last axis of "
                         f"y_pred (shape {shape}), as in Keras' jax back end, not axis {axis}")
    labels = y_true if backend.is_array(y_true) or isinstance(y_true, Tensor) else _host.asarray(y_true)
    label_shape = _shape(labels)
    if len(label_shape) == len(shape) and label_shape[-1:] == (1,):
        label_shape = label_shape[:-1]
    if label_shape != shape[:-1]:
        raise ShapeError(f"sparse_categorical_crossentropy: y_true of shape {_shape(labels)} must hold one "
                         f"class label per row of y_pred (shape {shape}), shape {shape[:-1]} or "
                         f"{shape[:-1] + (1,)}")
    indices, ignored = _kept_classes("sparse_categorical_crossentropy", labels, shape[-1], y_pred,
                                     whole_floats=True, ignore_index=ignore_class)
    losses = reshape(-_pick(_log_probabilities(y_pred, from_logits, -1), indices), shape[:-1])
    if ignored is None:
        return losses, None
    xp = backend.namespace(ignored)
    kept = xp.reshape(~ignored, shape[:-1])
    return where(kept, losses, 0.0), kept


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                                    ignore_class: int | None = None, axis: int = -1) -> Tensor:
    """−log p[label] for class labels of y_pred's shape without its last axis (or with it of size 1;
    whole floats are accepted). log p: the log-softmax of logits (``from_logits``, or the logits of a
    :func:`softmax` that made y_pred), else log of p/Σp clipped to [1e-7, 1 − 1e-7]. Labels equal to
    ``ignore_class`` lose 0 (and the class's reduction leaves them out).

    >>> sparse_categorical_crossentropy(np.array([1, 0]), Tensor([[0.5, 0.5], [0.9, 0.1]])).data.round(4)
    array([0.6931, 0.1054])
    """
    return _sparse_losses(y_true, y_pred, from_logits, ignore_class, axis)[0]


mse, mae, mape, msle, kld = (mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
                             mean_squared_logarithmic_error, kl_divergence)


# ---- reduction ------------------------------------------------------------------------------------

def _check_reduction(reduction: object, where: str) -> str | None:
    if reduction not in REDUCTIONS:
        raise ValueError(invalid(where, "reduction", reduction, "one of " + ", ".join(map(repr, REDUCTIONS))))
    return reduction  # type: ignore[return-value]


def reduce_weighted_values(values: Tensor, sample_weight: Any = None, mask: Any = None,
                           reduction: str | None = "sum_over_batch_size") -> Tensor:
    """Keras' reduction of per-sample losses: weighted by ``sample_weight`` (its rank matched to the
    values' as :func:`squeeze_or_expand_to_same_rank` does, then broadcast), then summed (``"sum"``),
    or summed and divided by the number of values (``"sum_over_batch_size"``, ``"mean"``) or by the
    sum of the weights (``"mean_with_sample_weight"``), 0 for a divisor of 0; ``"none"``/None leaves
    them. A ``mask`` (True where a value counts) scales the kept values by count/kept for the means,
    so they average over the kept values only.

    >>> reduce_weighted_values(Tensor([1.0, 3.0]), sample_weight=np.array([1.0, 0.0]))
    Tensor(0.5)
    """
    reduction = _check_reduction(reduction, "reduction")
    if mask is not None:
        xp = backend.namespace(mask)
        kept = xp.astype(mask, _float_type(xp, data_of(values)))
        if reduction in ("mean", "sum_over_batch_size"):
            count = float(xp.sum(kept))
            kept = kept * (math.prod(_shape(mask)) / count if count else 0.0)
        if sample_weight is not None:
            weight = _constant("loss", "sample_weight", sample_weight, values)
            kept, weight = squeeze_or_expand_to_same_rank(kept, weight)
            kept = kept * weight
        sample_weight = kept
    if sample_weight is not None:
        sample_weight = _constant("loss", "sample_weight", sample_weight, values)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = values * sample_weight
    if reduction in (None, "none") or _shape(values) in ((), (0,)):
        return values
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = float(backend.namespace(sample_weight).sum(sample_weight))
    else:
        divisor = math.prod(_shape(values))
    summed = total(values)
    return summed if reduction == "sum" else summed * (1.0 / divisor if divisor else 0.0)


# ---- classes --------------------------------------------------------------------------------------

class Loss:
    """Keras' loss base: ``loss(y_true, y_pred, sample_weight=None)`` computes :meth:`call`'s
    per-sample losses and reduces them by ``reduction`` (see :func:`reduce_weighted_values`) into a
    Tensor. Subclass it with a ``call(y_true, y_pred)`` written with autograd_lite's operations.

    ``label_kind`` (``"dense"`` here) and ``from_logits`` tell ``compile`` how ``y`` is read.
    ``dtype`` is kept for the config only: the losses compute in y_pred's dtype.

    >>> class Squares(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ((y_pred - y_true) ** 2).sum(axis=-1)
    >>> Squares(reduction="sum")(np.zeros((2, 2)), Tensor([[1.0, 1.0], [1.0, 0.0]]))
    Tensor(3.)
    """

    label_kind: LabelKind = "dense"
    from_logits: bool = False

    def __init__(self, name: str | None = None, reduction: str | None = "sum_over_batch_size",
                 dtype: Any = None) -> None:
        self.name = name if name is not None else unique_name(_snake_case(type(self).__name__))
        self.reduction = _check_reduction(reduction, type(self).__name__)
        self.dtype = dtype

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        values, mask = self._losses(y_true, y_pred)
        return reduce_weighted_values(values, sample_weight, mask, self.reduction)

    def _losses(self, y_true: Any, y_pred: Any) -> tuple[Tensor, Any]:
        """The per-sample losses and the mask of the ones that count (None: all)."""
        return self.call(y_true, y_pred), None

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        """The per-sample losses."""
        raise NotImplementedError(f"{type(self).__name__} must define call(y_true, y_pred)")

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments, JSON-able: ``type(loss)(**loss.get_config())`` is the same loss."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


class LossFunctionWrapper(Loss):
    """A loss function ``fn(y_true, y_pred, **kwargs)`` as a :class:`Loss`: y_true and y_pred are given
    one rank first (:func:`squeeze_or_expand_to_same_rank`), as Keras does.

    >>> LossFunctionWrapper(mean_squared_error)(np.array([1.0, 2.0]), Tensor([[1.0], [4.0]]))
    Tensor(2.)
    """

    def __init__(self, fn: Callable[..., Tensor], reduction: str | None = "sum_over_batch_size",
                 name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        if not callable(fn):
            raise TypeError(invalid(type(self).__name__, "fn", fn, "a function fn(y_true, y_pred)"))
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs
        self.label_kind = _FUNCTION_LABELS.get(fn, "dense")
        self.from_logits = bool(kwargs.get("from_logits", False))

    def _pair(self, y_true: Any, y_pred: Any) -> tuple[Operand, Tensor]:
        y_pred = _pred(y_pred)
        if not isinstance(y_true, Tensor) and not backend.is_array(y_true):
            y_true = _host.asarray(y_true)
        return squeeze_or_expand_to_same_rank(y_true, y_pred)

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        if sample_weight is None and self.reduction in ("sum_over_batch_size", "mean"):
            fused = self._fused_mean(*self._pair(y_true, y_pred))
            if fused is not None:
                return fused
        return super().__call__(y_true, y_pred, sample_weight)

    def _fused_mean(self, y_true: Operand, y_pred: Tensor) -> Tensor | None:
        """The unweighted mean as one fused op of nn.functional, where it has one (None: it has not).
        Speed only: a small training step spends its time on the nodes it records."""
        return None

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        return self.fn(*self._pair(y_true, y_pred), **self._fn_kwargs)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if type(self) is LossFunctionWrapper:
            config["fn"] = getattr(self.fn, "__name__", repr(self.fn))
        return {**config, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        if cls is LossFunctionWrapper:
            config = {**config, "fn": get(config["fn"])}
        return cls(**config)

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({getattr(self.fn, '__name__', self.fn)}, kwargs={self._fn_kwargs})>"


_R = "sum_over_batch_size"


def _function_class(class_name: str, fn: Callable[..., Tensor]) -> type[LossFunctionWrapper]:
    """The Keras class of a loss function without options: ``(reduction=, name=fn's name, dtype=)``."""
    def __init__(self: LossFunctionWrapper, reduction: str | None = _R, name: str = fn.__name__,
                 dtype: Any = None) -> None:
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, dtype=dtype)
    doc = f":func:`{fn.__name__}`, reduced by ``reduction`` (see :class:`Loss`)."
    namespace = {"__init__": __init__, "__doc__": doc, "__module__": __name__}
    return type(class_name, (LossFunctionWrapper,), namespace)


MeanAbsoluteError = _function_class("MeanAbsoluteError", mean_absolute_error)
MeanAbsolutePercentageError = _function_class("MeanAbsolutePercentageError", mean_absolute_percentage_error)
MeanSquaredLogarithmicError = _function_class("MeanSquaredLogarithmicError", mean_squared_logarithmic_error)
LogCosh = _function_class("LogCosh", log_cosh)
Hinge = _function_class("Hinge", hinge)
SquaredHinge = _function_class("SquaredHinge", squared_hinge)
CategoricalHinge = _function_class("CategoricalHinge", categorical_hinge)
KLDivergence = _function_class("KLDivergence", kl_divergence)
Poisson = _function_class("Poisson", poisson)


class MeanSquaredError(LossFunctionWrapper):
    """:func:`mean_squared_error`, reduced by ``reduction`` (see :class:`Loss`)."""

    def __init__(self, reduction: str | None = _R, name: str = "mean_squared_error",
                 dtype: Any = None) -> None:
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)

    def _fused_mean(self, y_true: Operand, y_pred: Tensor) -> Tensor | None:
        return F.mse_loss(y_pred, _true(y_true, y_pred)) if _shape(y_true) == _shape(y_pred) else None


class CosineSimilarity(LossFunctionWrapper):
    """:func:`cosine_similarity` along ``axis``, reduced."""

    def __init__(self, axis: int = -1, reduction: str | None = _R, name: str = "cosine_similarity",
                 dtype: Any = None) -> None:
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class Huber(LossFunctionWrapper):
    """:func:`huber` with ``delta``, reduced (Keras' default name ``"huber_loss"``).

    >>> Huber()(np.zeros((2, 1)), Tensor([[0.5], [3.0]]))
    Tensor(1.3125)
    """

    def __init__(self, delta: float = 1.0, reduction: str | None = _R, name: str = "huber_loss",
                 dtype: Any = None) -> None:
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)
        self.delta = delta


class BinaryCrossentropy(LossFunctionWrapper):
    """:func:`binary_crossentropy`, reduced; ``label_kind`` ``"binary"``.

    >>> BinaryCrossentropy(from_logits=True)(np.array([1.0, 0.0]), Tensor([[0.0], [0.0]]))
    Tensor(0.69314718)
    """

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = _R, name: str = "binary_crossentropy", dtype: Any = None) -> None:
        super().__init__(binary_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.label_smoothing, self.axis = label_smoothing, axis

    def _fused_mean(self, y_true: Operand, y_pred: Tensor) -> Tensor | None:
        if self.label_smoothing:
            return None
        y_true = _true(y_true, y_pred)
        if self.from_logits:
            return F.binary_cross_entropy_with_logits(y_pred, y_true)
        return F.binary_crossentropy(y_pred, y_true)


class CategoricalCrossentropy(LossFunctionWrapper):
    """:func:`categorical_crossentropy`, reduced."""

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = _R, name: str = "categorical_crossentropy",
                 dtype: Any = None) -> None:
        super().__init__(categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.label_smoothing, self.axis = label_smoothing, axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """:func:`sparse_categorical_crossentropy`, reduced; ``label_kind`` ``"sparse"``. Labels equal to
    ``ignore_class`` are left out of the mean (it divides by the number of the others).

    >>> SparseCategoricalCrossentropy(ignore_class=-1)(np.array([0, -1]), Tensor([[0.5, 0.5], [0.9, 0.1]]))
    Tensor(0.69314718)
    """

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None, reduction: str | None = _R,
                 axis: int = -1, name: str = "sparse_categorical_crossentropy", dtype: Any = None) -> None:
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.ignore_class, self.axis = ignore_class, axis

    def _losses(self, y_true: Any, y_pred: Any) -> tuple[Tensor, Any]:
        return _sparse_losses(*self._pair(y_true, y_pred), **self._fn_kwargs)

    def _fused_mean(self, y_true: Operand, y_pred: Tensor) -> Tensor | None:
        if self.from_logits or self.ignore_class is not None or _softmax_logits(y_pred) is None:
            return None
        return F.sparse_categorical_crossentropy(y_pred, y_true)

    def get_config(self) -> dict[str, Any]:
        return {key: value for key, value in super().get_config().items() if key != "axis"}   # as Keras


# ---- what compile reads ----------------------------------------------------------------------------

_FUNCTION_LABELS: dict[Callable[..., Tensor], LabelKind] = {
    binary_crossentropy: "binary", sparse_categorical_crossentropy: "sparse"}
for _function, _kind in _FUNCTION_LABELS.items():   # the attribute, as on the classes
    _function.label_kind = _kind  # type: ignore[attr-defined]


def label_kind(loss: object) -> LabelKind:
    """How ``loss`` reads y: ``"sparse"`` (class indices, one per sample:
    :class:`SparseCategoricalCrossentropy` and :func:`sparse_categorical_crossentropy`), ``"binary"``
    (0 or 1 per output: the binary cross-entropies), or ``"dense"`` (one value per output: the others,
    and losses of yours). A :class:`Loss`'s ``label_kind`` attribute, or the function's.

    >>> label_kind("sparse_categorical_crossentropy"), label_kind(BinaryCrossentropy()), label_kind(mse)
    ('sparse', 'binary', 'dense')
    """
    loss = get(loss) if isinstance(loss, (str, dict)) else loss
    return getattr(loss, "label_kind", None) or _FUNCTION_LABELS.get(loss, "dense")  # type: ignore[arg-type]


def takes_logits(loss: object) -> bool:
    """Whether ``loss`` takes logits (``from_logits=True``): a loss object's ``from_logits``; False for
    a function (Keras' functions default to probabilities).

    >>> takes_logits(BinaryCrossentropy(from_logits=True)), takes_logits("binary_crossentropy")
    (True, False)
    """
    loss = get(loss) if isinstance(loss, (str, dict)) else loss
    return bool(getattr(loss, "from_logits", False))


# ---- names ------------------------------------------------------------------------------------------

_CLASSES = (Loss, LossFunctionWrapper, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
            MeanSquaredLogarithmicError, CosineSimilarity, Huber, LogCosh, Hinge, SquaredHinge,
            CategoricalHinge, KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
            SparseCategoricalCrossentropy)
_FUNCTIONS = (mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
              mean_squared_logarithmic_error, cosine_similarity, huber, log_cosh, hinge, squared_hinge,
              categorical_hinge, kl_divergence, poisson, binary_crossentropy, categorical_crossentropy,
              sparse_categorical_crossentropy)
#: Keras' names: class names, function names and the short forms
ALL_OBJECTS: dict[str, Any] = {
    **{cls.__name__: cls for cls in _CLASSES}, **{fn.__name__: fn for fn in _FUNCTIONS},
    "bce": binary_crossentropy, "BCE": binary_crossentropy, "kld": kl_divergence, "KLD": kl_divergence,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
}
SparseCategoricalCrossentropy.label_kind = "sparse"
BinaryCrossentropy.label_kind = "binary"


def get(identifier: Any) -> Any:
    """A loss from ``identifier``, as ``keras.losses.get``: a name (a function's, ``"mse"``, …: the
    function; a class's, ``"MeanSquaredError"``: an instance), a dict from :func:`serialize`, a class
    (instantiated), a loss object or function (as it is); None stays None.

    >>> get("mse").__name__, get("Huber").delta
    ('mean_squared_error', 1.0)
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    found = ALL_OBJECTS.get(identifier) if isinstance(identifier, str) else identifier
    if inspect.isclass(found) and issubclass(found, Loss):
        return found()
    if found is None or not callable(found):
        raise ValueError(f"Could not interpret loss identifier: {identifier!r}; the names are "
                         f"{sorted(ALL_OBJECTS)}")
    return found


def serialize(loss: Any) -> dict[str, Any] | str:
    """``{"class_name": ..., "config": ...}`` for a loss object, the name for a loss function."""
    if isinstance(loss, Loss):
        return {"class_name": type(loss).__name__, "config": loss.get_config()}
    return loss.__name__


def deserialize(config: dict[str, Any] | str, custom_objects: dict[str, Any] | None = None) -> Any:
    """The loss :func:`serialize` described; names are looked up in ``custom_objects`` first.

    >>> deserialize(serialize(Huber(delta=2.0))).delta
    2.0
    """
    known = {**ALL_OBJECTS, **(custom_objects or {})}
    if isinstance(config, str):
        return get(known[config]) if config in known else get(config)
    name = config.get("class_name")
    if name not in known or not (inspect.isclass(known[name]) and issubclass(known[name], Loss)):
        raise ValueError(f"Could not interpret loss identifier: {config!r}")
    return known[name].from_config(config.get("config", {}))


__test__ = docstring_tests(globals())
