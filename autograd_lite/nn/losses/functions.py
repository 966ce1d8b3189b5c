"""Keras' loss functions, one loss per sample (see :mod:`autograd_lite.nn.losses`), the inputs as
they read them, and Keras' reduction of per-sample losses. The examples assume ``import numpy as np``
and ``from autograd_lite import Tensor``."""

from __future__ import annotations

import math
from typing import Any, Literal

from ... import backend
from ..._checks import invalid
from ...engine import ShapeError, data_of, docstring_tests
from ...math_ops import logaddexp, square
from ...ops import absolute, divide, log, maximum, sigmoid, where
from ...reductions import max as largest
from ...reductions import mean
from ...reductions import sum as total
from ...shape_ops import expand_dims, reshape, squeeze
from ...tensor import Tensor
from ...tensor_ops import clip, log_softmax, softmax
from ...typing import Operand
from .. import functional as F
from .._targets import _constant, _float_type, _kept_classes, _shape
from ..functional.losses import PROBABILITY_EPSILON, _made_by, _pick
from ..functional.losses_extra import _hinge, _norm_at_least

__all__ = [
    "binary_crossentropy", "categorical_crossentropy", "categorical_hinge", "cosine_similarity", "hinge",
    "huber", "kl_divergence", "kld", "log_cosh", "mae", "mape", "mean_absolute_error",
    "mean_absolute_percentage_error", "mean_squared_error", "mean_squared_logarithmic_error", "mse", "msle",
    "poisson", "reduce_weighted_values", "sparse_categorical_crossentropy", "squared_hinge",
    "squeeze_or_expand_to_same_rank",
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


__test__ = docstring_tests(globals())
