"""Losses as functions of tensors, each with its math in the docstring: over classes (``cross_entropy``,
``nll_loss``, ``kl_div``) and between pairs (``cosine_similarity``, ``margin_ranking_loss``).

PyTorch's names, arguments, defaults and layouts: classes along axis 1 of (N, C) or (N, C, d₁, …)
inputs (axis 0 of an unbatched (C,) input), class indices of shape (N,) or (N, d₁, …), and the
``reduction`` ``"mean"`` (the default), ``"sum"`` or ``"none"``. The element-wise losses are in
:mod:`~autograd_lite.nn.functional.losses`. The examples assume ``import numpy as np`` and
``from autograd_lite import Tensor``.
"""

from __future__ import annotations

from ... import _checks, backend
from ...engine import ShapeError, data_of, docstring_tests, primitive
from ...ops import divide, exp, log, multiply, sqrt, subtract, where
from ...reductions import sum as total
from ...shape_ops import broadcast_to
from ...tensor_ops import clip, getitem, log_softmax, logsumexp, mean, reshape, softmax, transpose
from ...typing import Data, DTypeLike, Operand
from .._targets import (
    _check_same_shape,
    _class_indices,
    _constant,
    _float_type,
    _kept_classes,
    _reduced,
    _reduction,
    _rows,
    _shape,
    _target_for,
)

__all__ = [
    "cosine_embedding_loss", "cosine_similarity", "cross_entropy", "kl_div", "margin_ranking_loss",
    "nll_loss", "softmax_cross_entropy",
]

_host = backend.host_namespace  # NumPy: its arrays keep their faster paths


# ---- the class axis and class indices ---------------------------------------------------------


def _class_axis(function: str, shape: tuple[int, ...], axis: int | None) -> int:
    """The class axis of an input of ``shape``, non-negative: PyTorch's (1, or 0 for one axis) for
    ``None``."""
    if not shape:
        raise ShapeError(f"{function}: the input must have a class axis, but it is 0-d")
    if axis is None:
        return 1 if len(shape) > 1 else 0
    axis = _checks.integer(axis, "axis", function)
    if not -len(shape) <= axis < len(shape):
        raise ShapeError(f"{function}: axis {axis} is out of range for logits of shape {shape}")
    return axis % len(shape)


def _classes_last(x: Operand, axis: int, shape: tuple[int, ...]) -> Operand:
    """``x`` of ``shape`` as rows of classes, (n, classes): the class axis moved last, the others
    flattened in order (so row i goes with flat label i)."""
    if axis != len(shape) - 1:
        x = transpose(x, axes=tuple(i for i in range(len(shape)) if i != axis) + (axis,))
    return x if len(shape) == 2 else reshape(x, (-1, shape[axis]))


def _labels(function: str, input: Operand, target: Operand, axis: int, ignore_index: int | None,  # noqa: A002
            shape: tuple[int, ...], target_shape: tuple[int, ...],
            ) -> tuple[Data, Data | None, tuple[int, ...]]:
    """The flat class indices of ``target`` (see :func:`~autograd_lite.nn._targets._kept_classes`),
    the mask of the ignored ones, and the shape of one loss per index (the input's without ``axis``),
    after checking the target's shape (``target_shape``; ``shape`` is the input's): that one, or with
    the class axis of size 1."""
    without = shape[:axis] + shape[axis + 1:]
    if target_shape not in (without, shape[:axis] + (1,) + shape[axis + 1:]):
        raise ShapeError(f"{function}: the target has shape {target_shape}, but for logits of shape "
                         f"{shape} it must hold class indices of shape {without} or class probabilities "
                         f"of shape {shape}")
    labels, ignored = _kept_classes(function, target, shape[axis], input, ignore_index=ignore_index)
    return labels, ignored, without


def _kept(ignored: Data, like: Data) -> Data:
    """1 where a label is kept, 0 where it is ignored, in ``like``'s float dtype."""
    xp = backend.namespace(ignored)
    return xp.astype(~ignored, _float_type(xp, like))


def _sample_weights(labels: Data, ignored: Data | None, weight: Data | None, like: Data) -> Data | None:
    """The weight of each row's loss: its class's weight (1 without ``weight``), 0 where its label
    is ignored; ``None`` when every weight is 1."""
    if weight is None and ignored is None:
        return None
    kept = None if ignored is None else _kept(ignored, like)
    if weight is None:
        return kept
    chosen = backend.namespace(labels).take(weight, labels)
    return chosen if kept is None else chosen * kept


def _reduced_by_weight(losses: Operand, weights: Data | None, reduction: str,
                       shape: tuple[int, ...]) -> Operand:
    """Per-row ``losses`` (already weighted) as PyTorch reduces them over classes: the mean divides
    by the total weight Σ w_y of the rows that are not ignored (the count, without weights)."""
    if reduction == "none":
        return reshape(losses, shape)
    if reduction == "sum" or weights is None:
        return _reduced(losses, reduction)
    xp = backend.namespace(weights)
    weight = xp.sum(weights)
    some = weight > 0   # else NaN (0/0) with a zero gradient, as PyTorch's (every label ignored)
    scale = xp.where(some, 1.0 / xp.where(some, weight, 1.0), 0.0)
    return total(losses) * scale + xp.where(some, xp.zeros_like(weight), xp.nan)


# ---- cross-entropy and the negative log-likelihood --------------------------------------------


@_checks.accepts_torch_spelling
def cross_entropy(input: Operand, target: Operand, weight: Operand | None = None,  # noqa: A002
                  ignore_index: int = -100, reduction: str = "mean", label_smoothing: float = 0.0, *,
                  axis: int | None = None) -> Operand:
    """Softmax cross-entropy of logits, PyTorch's ``cross_entropy``: −log softmax(x)[y] per sample.

    Classes are along ``axis``: by default PyTorch's axis 1 of (N, C) or (N, C, d₁, …) logits, axis
    0 of (C,) ones (``axis=-1`` or ``dim=-1``, for classes last, is the same for 2-D logits).
    ``target`` holds either

    - class indices of the logits' shape without ``axis`` (or with it of size 1), integers in
      [0, C) or equal to ``ignore_index``: the loss of row n is −w_yₙ·log softmax(xₙ)[yₙ], 0 for an
      ignored row, and the mean is Σₙ loss / Σₙ w_yₙ over the rows not ignored (the weighted mean; w
      is ``weight``, one constant per class, 1 by default); or
    - class probabilities in the logits' shape (e.g. one-hot): −Σ_c w_c·y_c·log softmax(x)_c per
      row, the mean over the rows. These targets are differentiable.

    ``label_smoothing`` ε mixes the target with the uniform distribution: probabilities become
    (1 − ε)·y + ε/C; for indices the loss is (1 − ε)·(the loss above) + ε/C·Σ_c −w_c·log softmax(x)_c,
    reduced with the same weights (PyTorch's definition). ``reduction`` "sum" adds the losses, "none"
    gives one per row, in the target's shape.

    ∂L/∂x = g·w_y·(softmax(x) − one_hot(y)) per row (the mean divides by Σ w_y). The common call
    (indices, no weight or smoothing, none ignored, the mean) is the primitive
    ``_softmax_cross_entropy`` below, one node; the others are composites of log-softmax.

    >>> cross_entropy(Tensor([[2.0, 0.0], [0.0, 2.0]]), np.array([0, 1])).item()
    0.1269280110429727
    >>> cross_entropy(Tensor([[2.0, 0.0]]), np.array([[1.0, 0.0]])).item()   # one-hot
    0.1269280110429727
    >>> cross_entropy(Tensor([[2.0, 0.0], [0.0, 2.0]]), np.array([0, -100]), reduction="none")
    Tensor([0.12692801, 0.        ])
    >>> cross_entropy(Tensor([[2.0, 0.0]]), np.array([2]))
    Traceback (most recent call last):
    ValueError: cross_entropy: class labels must be in [0, 2) (or the ignore_index -100) for 2 classes, ...
    """
    reduction = _reduction("cross_entropy", reduction)
    # a float in [0, 1] and an int pass as they are: the full checks cost more than a small call's loss
    smoothing = label_smoothing if label_smoothing.__class__ is float and 0.0 <= label_smoothing <= 1.0 else \
        _checks.real(label_smoothing, "label_smoothing", "cross_entropy", minimum=0.0, maximum=1.0)
    if ignore_index.__class__ is not int:
        ignore_index = _checks.integer(ignore_index, "ignore_index", "cross_entropy")
    shape = _shape(input)
    axis = _class_axis("cross_entropy", shape, axis)
    classes = shape[axis]
    weights = None if weight is None else \
        _constant("cross_entropy", "weight", weight, input, shape=(classes,))
    target_shape = _shape(target)
    if target_shape == shape:
        return _soft_cross_entropy(input, _target_for(input, target), axis, weights, smoothing, reduction)
    labels, ignored, rows_shape = _labels("cross_entropy", input, target, axis, ignore_index, shape,
                                          target_shape)
    logits = _classes_last(input, axis, shape)
    if weights is None and ignored is None and smoothing == 0.0 and reduction == "mean":
        return _softmax_cross_entropy(logits, labels)
    log_p = log_softmax(logits, axis=-1)
    per_row = _sample_weights(labels, ignored, weights, data_of(input))
    loss = _nll(log_p, labels, per_row, reduction, rows_shape)
    if smoothing == 0.0:
        return loss
    spread = -total(log_p if weights is None else multiply(log_p, weights), axis=-1)
    if ignored is not None:
        spread = multiply(spread, _kept(ignored, data_of(input)))
    smooth = _reduced_by_weight(spread, per_row, reduction, rows_shape)
    return loss * (1.0 - smoothing) + smooth * (smoothing / classes)


def _nll(log_p: Operand, labels: Data, weights: Data | None, reduction: str,
         shape: tuple[int, ...]) -> Operand:
    """−w_y·log_p[row, y] for the rows of ``log_p`` (n, classes), reduced as PyTorch's ``nll_loss``."""
    losses = -getitem(log_p, (_rows(labels), labels))
    if weights is not None:
        losses = multiply(losses, weights)
    return _reduced_by_weight(losses, weights, reduction, shape)


def _soft_cross_entropy(input: Operand, target: Operand, axis: int, weights: Data | None,  # noqa: A002
                        smoothing: float, reduction: str) -> Operand:
    """−Σ_c w_c·y_c·log softmax(x)_c along ``axis``, for probability targets y (smoothed by ε)."""
    shape = _shape(input)
    if smoothing:
        target = target * (1.0 - smoothing) + smoothing / shape[axis]
    products = multiply(log_softmax(input, axis=axis), target)
    if weights is not None:
        xp = backend.namespace(weights)
        products = multiply(products, xp.reshape(weights, (shape[axis],) + (1,) * (len(shape) - axis - 1)))
    return _reduced(-total(products, axis=axis), reduction)


def nll_loss(input: Operand, target: Operand, weight: Operand | None = None,  # noqa: A002
             ignore_index: int = -100, reduction: str = "mean") -> Operand:
    """Composite (no VJP of its own): the negative log-likelihood −w_y·x[y] of log-probabilities x
    (e.g. from :func:`~autograd_lite.log_softmax`), PyTorch's ``nll_loss``.

    Classes along axis 1 of (N, C) or (N, C, d₁, …) inputs (axis 0 of (C,)), class indices of the
    input's shape without that axis; ``weight``, ``ignore_index`` and the weighted mean as in
    :func:`cross_entropy`, which is ``nll_loss(log_softmax(x, axis=1), y)``.
    ∂L/∂x = −g·w_y at [n, yₙ] (divided by Σ w_y for the mean), 0 elsewhere

    >>> nll_loss(Tensor([[-0.5, -1.0], [-2.0, -0.1]]), np.array([0, 1]))
    Tensor(0.3)
    """
    reduction = _reduction("nll_loss", reduction)
    ignore_index = _checks.integer(ignore_index, "ignore_index", "nll_loss")
    shape = _shape(input)
    axis = _class_axis("nll_loss", shape, None)
    weights = None if weight is None else _constant("nll_loss", "weight", weight, input, shape=(shape[axis],))
    labels, ignored, rows_shape = _labels("nll_loss", input, target, axis, ignore_index, shape,
                                          _shape(target))
    per_row = _sample_weights(labels, ignored, weights, data_of(input))
    return _nll(_classes_last(input, axis, shape), labels, per_row, reduction, rows_shape)


def softmax_cross_entropy(logits: Operand, labels: Operand) -> Operand:
    """−mean log softmax(z)[label] for logits z of shape (n, classes) and n integer labels.

    ∂L/∂z = g·(softmax(z) − one_hot(labels))/n. The shapes and labels are checked here, then the
    primitive ``_softmax_cross_entropy`` below computes the loss.

    >>> softmax_cross_entropy(Tensor([[0.0, 0.0]]), np.array([1]))
    Tensor(0.69314718)
    """
    shape, labels_shape = _shape(logits), _shape(labels)
    if len(shape) != 2 or labels_shape != shape[:1]:
        raise ShapeError(f"softmax_cross_entropy: needs logits of shape (n, classes) and n labels, but the "
                         f"logits have shape {shape} and the labels {labels_shape}")
    return _softmax_cross_entropy(logits, _class_indices("softmax_cross_entropy", labels, shape[1], logits))


@primitive(name="softmax_cross_entropy")
def _softmax_cross_entropy(logits: Data, labels: Data) -> Data:
    """Called with ``labels`` on the logits' device (see :func:`_class_indices`)."""
    return mean.forward(logsumexp.forward(logits, axis=1) - logits[_rows(labels), labels])


def _one_hot(labels: Data, shape: tuple[int, ...], dtype: DTypeLike) -> Data:
    """Rows of ``shape`` (n, classes) that are 1 at each row's label, 0 elsewhere, on the labels'
    device."""
    xp = backend.namespace(labels)
    if xp is _host:   # NumPy: set the n ones in zeros (5× faster than comparing n·classes at 1000×100)
        encoded = _host.zeros(shape, dtype=dtype)
        encoded[_rows(labels), labels] = 1
        return encoded
    classes = xp.arange(shape[1], device=backend.device_of(labels))
    return xp.astype(xp.expand_dims(labels, axis=1) == classes, dtype)


_softmax_cross_entropy.defvjp(
    lambda g, out, z, labels: (softmax(z, axis=-1) - _one_hot(labels, z.shape, data_of(z).dtype)) * g
    / labels.shape[0],
    None,
)


# ---- divergence and pairs ---------------------------------------------------------------------


def kl_div(input: Operand, target: Operand, reduction: str = "mean",  # noqa: A002
           log_target: bool = False) -> Operand:
    """Composite (no VJP of its own): the Kullback–Leibler divergence of log-probabilities x
    (``input``) from probabilities y, per element y·(log y − x) (0 where y = 0), PyTorch's ``kl_div``;
    with ``log_target=True`` the target is log y: eʸ·(y − x).

    ``reduction``: "mean" over all elements (PyTorch's default, not the divergence: its docs suggest
    "batchmean"), "batchmean" (the sum divided by the batch size, the first axis: the divergence per
    sample), "sum", "none". ∂L/∂x = −g·y, ∂L/∂y = g·(log y + 1 − x) (both targets differentiable)

    >>> kl_div(log(Tensor([[0.5, 0.5]])), np.array([[0.25, 0.75]]), reduction="batchmean").item()
    0.1308120359411369
    """
    reduction = _reduction("kl_div", reduction, also=("batchmean",))
    log_target = _checks.boolean(log_target, "log_target", "kl_div")
    _check_same_shape("kl_div", input, target)
    target = _target_for(input, target)
    if log_target:
        losses = multiply(exp(target), subtract(target, input))
    else:
        positive = data_of(target) > 0
        losses = subtract(where(positive, multiply(target, log(where(positive, target, 1.0))), 0.0),
                          multiply(target, input))
    if reduction != "batchmean":
        return _reduced(losses, reduction)
    shape = _shape(input)
    return total(losses) / shape[0] if shape else total(losses)


def _norm_at_least(x: Operand, axis: int, eps: float) -> Operand:
    """‖x‖ along ``axis`` (kept), at least ``eps`` in value, with the gradient of ‖x‖ itself even where
    it is held at ``eps`` (PyTorch clamps it in place, outside the graph); 0 at x = 0, as PyTorch's."""
    squares = total(multiply(x, x), axis=axis, keepdims=True)
    positive = data_of(squares) > 0
    norm = where(positive, sqrt(where(positive, squares, 1.0)), 0.0)
    value = data_of(norm)
    xp = backend.namespace(value)
    return norm + (xp.clip(value, min=eps) - value)


def cosine_similarity(x1: Operand, x2: Operand, dim: int = 1, eps: float = 1e-8) -> Operand:
    """Composite (no VJP of its own): the cosine of the angle between x1 and x2 along ``dim``,
    Σ (x1/max(‖x1‖, ε))·(x2/max(‖x2‖, ε)), as PyTorch 2's ``cosine_similarity`` computes it
    (each vector normalised first; its docs write x1·x2/max(‖x1‖·‖x2‖, ε)). x1 and x2 broadcast.
    ∂/∂x1 = x2/(‖x1‖‖x2‖) − cos·x1/‖x1‖² away from the clamp

    >>> cosine_similarity(Tensor([[1.0, 0.0], [1.0, 1.0]]), np.array([[1.0, 1.0], [2.0, 2.0]]))
    Tensor([0.70710678, 1.        ])
    """
    eps = _checks.real(eps, "eps", "cosine_similarity", minimum=0.0)
    shape_1, shape_2 = _shape(x1), _shape(x2)
    try:
        shape = _host.broadcast_shapes(shape_1, shape_2)
    except ValueError:
        raise ShapeError(f"cosine_similarity: x1 of shape {shape_1} and x2 of shape {shape_2} do not "
                         f"broadcast together") from None
    if not shape or not -len(shape) <= _checks.integer(dim, "dim", "cosine_similarity") < len(shape):
        raise ShapeError(f"cosine_similarity: dim {dim} is out of range for inputs of shape {shape}")
    if shape_1 != shape:
        x1 = broadcast_to(x1, shape)
    if shape_2 != shape:
        x2 = broadcast_to(x2, shape)
    dim = int(dim) % len(shape)
    return total(multiply(divide(x1, _norm_at_least(x1, dim, eps)), divide(x2, _norm_at_least(x2, dim, eps))),
                 axis=dim)


def margin_ranking_loss(input1: Operand, input2: Operand, target: Operand, margin: float = 0.0,
                        reduction: str = "mean") -> Operand:
    """Composite (no VJP of its own): max(0, −y·(x1 − x2) + margin) for targets y = ±1 (1: x1 should
    rank higher), PyTorch's ``margin_ranking_loss``. All three of one shape.
    ∂/∂x1 = −g·y where −y·(x1 − x2) + margin ≥ 0, 0 elsewhere; ∂/∂x2 = g·y there (at the hinge,
    where the loss is 0, the gradient passes, as PyTorch's ``clamp_min`` passes it)

    >>> margin_ranking_loss(Tensor([1.0, 0.2]), np.array([0.5, 0.5]), np.array([1.0, 1.0]), margin=0.1)
    Tensor(0.2)
    """
    reduction = _reduction("margin_ranking_loss", reduction)
    margin = _checks.real(margin, "margin", "margin_ranking_loss")
    _check_same_shape("margin_ranking_loss", input1, input2)
    _check_same_shape("margin_ranking_loss", input1, target)
    target = _target_for(input1, target)
    return _reduced(_hinge(margin - multiply(target, subtract(input1, input2))), reduction)


def _hinge(z: Operand) -> Operand:
    """max(z, 0) as PyTorch's ``clamp_min(z, 0)``: ∂/∂z = 1 where z ≥ 0 (so at z = 0 too, where
    ``relu``'s is 0)."""
    return clip(z, 0.0, None)


def cosine_embedding_loss(input1: Operand, input2: Operand, target: Operand, margin: float = 0.0,
                          reduction: str = "mean") -> Operand:
    """Composite (no VJP of its own): PyTorch's ``cosine_embedding_loss`` of rows x1, x2 (along the
    last axis of (N, D) or (D,) inputs) and targets y = ±1 of shape (N,) (or ()): 1 − cos where
    y = 1 (pull together), max(0, cos − margin) where y = −1 (push apart); the cosine as PyTorch
    computes it here, x1·x2/√((‖x1‖² + 10⁻¹²)(‖x2‖² + 10⁻¹²)). ∂/∂cos = −g where y = 1; where
    y = −1, g where cos ≥ margin (at cos = margin too, as PyTorch's ``clamp_min``), else 0.

    >>> cosine_embedding_loss(Tensor([[1.0, 0.0], [1.0, 0.0]]), np.array([[1.0, 1.0], [1.0, 1.0]]),
    ...                       np.array([1, -1]), reduction="none")
    Tensor([0.29289322, 0.70710678])
    """
    function = "cosine_embedding_loss"
    reduction = _reduction(function, reduction)
    margin = _checks.real(margin, "margin", function)
    _check_same_shape(function, input1, input2)
    shape = _shape(input1)
    if len(shape) not in (1, 2) or _shape(target) != shape[:-1]:
        raise ShapeError(f"{function}: needs inputs of shape (N, D) or (D,) and targets of shape (N,) or (), "
                         f"but the inputs have shape {shape} and the target {_shape(target)}")
    labels = backend.to_host(data_of(target))
    if not _host.all((labels == 1) | (labels == -1)):
        raise ValueError(f"{function}: the targets must be 1 or -1, but they contain "
                         f"{_host.unique(labels[(labels != 1) & (labels != -1)])[:5].tolist()}")
    squares = [total(multiply(x, x), axis=-1) + 1e-12 for x in (input1, input2)]
    cosine = total(multiply(input1, input2), axis=-1) / sqrt(multiply(*squares))
    values = data_of(cosine)   # where y = 1, as a condition on the device of the cosines
    together = _host.asarray(labels == 1)
    together = backend.index_in(backend.namespace(values), together, backend.device_of(values))
    return _reduced(where(together, 1.0 - cosine, _hinge(cosine - margin)), reduction)


__test__ = docstring_tests(globals())
