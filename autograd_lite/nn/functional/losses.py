"""Losses as functions of tensors, each with its math in the docstring: the element-wise ones.

Names follow PyTorch (``mse_loss``, ``l1_loss``, ``huber_loss``, ``binary_cross_entropy``, …, each
with PyTorch's ``reduction``: ``"mean"``, the default, ``"sum"`` or ``"none"``) and Keras
(``binary_crossentropy``'s ``binary_cross_entropy``, ``sparse_categorical_crossentropy``, …, the mean
over the batch); :data:`LOSSES` maps Keras' names. The class-index and pairwise losses
(``cross_entropy``, ``nll_loss``, ``kl_div``, ``cosine_similarity``, …) are in
:mod:`~autograd_lite.nn.functional.losses_extra`. The examples assume ``import numpy as np`` and
``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import builtins
import math

from ... import _checks, backend
from ..._checks import real
from ...engine import Node, Primitive, ShapeError, data_of, docstring_tests, primitive
from ...math_ops import logaddexp
from ...ops import absolute, exp, log, multiply, sigmoid, subtract, where
from ...tensor_ops import clip, getitem, log_softmax, mean, reshape, softmax
from ...typing import Data, Operand
from .._targets import (
    _check_same_shape,
    _class_indices,
    _constant,
    _float_type,
    _reduced,
    _reduction,
    _rows,
    _shape,
    _size,
    _target_for,
)
from .losses_extra import (
    _hinge,
    _softmax_cross_entropy,
    cross_entropy,
    kl_div,
    nll_loss,
    softmax_cross_entropy,
)

__all__ = [
    "LOSSES", "LOSS_FUNCTIONS", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "binary_crossentropy", "categorical_crossentropy", "gaussian_nll_loss", "hinge", "huber_loss", "l1_loss",
    "mse_loss", "poisson_nll_loss", "smooth_l1_loss", "soft_margin_loss", "sparse_categorical_crossentropy",
]


#: probabilities are kept in [ε, 1 − ε] before a log, as Keras does
PROBABILITY_EPSILON = 1e-7


# ---- losses -----------------------------------------------------------------------------------

# Every loss checks its target against its prediction before it computes anything: the shapes must
# be equal (a loss never broadcasts: a (4, 1) prediction against a (4,) target would average 16
# differences instead of 4), and class indices must be integers in [0, classes). The default
# reduction="mean" of the main losses is one private primitive with its gradient beside it, fused as
# PyTorch's are, because a small training step spends its time on the nodes it records; the other
# reductions and options are composites of differentiable ops, so their gradients of any order come
# from those ops.


def mse_loss(input: Operand, target: Operand, reduction: str = "mean") -> Operand:  # noqa: A002
    """Squared error (x − y)², averaged (``reduction="mean"``), summed (``"sum"``) or per element
    (``"none"``), as PyTorch's.  For the mean: ∂L/∂x = g·2(x − y)/n, ∂L/∂y = −g·2(x − y)/n

    ``input`` and ``target`` must have the same shape (PyTorch broadcasts them, with a warning):
    they are checked here, then the primitive ``_mse_loss`` below computes the mean.

    >>> p = Tensor([1.0, 3.0], requires_grad=True)
    >>> loss = mse_loss(p, np.array([1.0, 1.0]))
    >>> loss.backward()
    >>> loss, p.grad
    (Tensor(2., op='mse_loss'), array([0., 2.]))
    >>> mse_loss(p, np.array([1.0, 1.0]), reduction="none")
    Tensor([0., 4.], op='multiply')
    >>> mse_loss(Tensor([[1.0], [2.0]]), np.array([1.0, 2.0]))
    Traceback (most recent call last):
    ShapeError: mse_loss: the prediction has shape (2, 1) but the target has shape (2,); ... (2, 1)
    """
    reduction = _reduction("mse_loss", reduction)
    _check_same_shape("mse_loss", input, target)
    target = _target_for(input, target)
    if reduction == "mean":
        return _mse_loss(input, target)
    difference = subtract(input, target)
    return _reduced(multiply(difference, difference), reduction)


@primitive(name="mse_loss")
def _mse_loss(prediction: Data, target: Data) -> Data:
    difference = backend.namespace(prediction, target).subtract(prediction, target)
    return mean.forward(difference * difference)


_mse_loss.defvjp(
    lambda g, out, p, t: (p - t) * (g * (2.0 / _size(p))),
    lambda g, out, p, t: (p - t) * (g * (-2.0 / _size(p))),
)


def l1_loss(input: Operand, target: Operand, reduction: str = "mean") -> Operand:  # noqa: A002
    """Composite (no VJP of its own): absolute error ``|x − y|``, reduced as ``reduction`` says.
    ∂/∂x = sign(x − y) (0 where x = y, as PyTorch's), ∂/∂y = −sign(x − y)

    >>> l1_loss(Tensor([1.0, -3.0]), np.array([0.0, 0.0]))
    Tensor(2.)
    """
    reduction = _reduction("l1_loss", reduction)
    _check_same_shape("l1_loss", input, target)
    return _reduced(absolute(subtract(input, _target_for(input, target))), reduction)


def huber_loss(input: Operand, target: Operand, reduction: str = "mean",  # noqa: A002
               delta: float = 1.0) -> Operand:
    """Composite (no VJP of its own): Huber's loss of d = x − y, ½d² where ``|d| < δ``, else
    ``δ(|d| − ½δ)``: quadratic near 0, linear (slope ±δ) beyond δ.  ∂/∂x = d clipped to [−δ, δ]

    >>> huber_loss(Tensor([0.5, 3.0]), np.zeros(2), reduction="none")
    Tensor([0.125, 2.5  ])
    """
    reduction = _reduction("huber_loss", reduction)
    delta = _positive("huber_loss", "delta", delta, zero=False)
    _check_same_shape("huber_loss", input, target)
    difference = subtract(input, _target_for(input, target))
    size = absolute(difference)
    near = data_of(size) < delta
    return _reduced(where(near, multiply(difference, difference) * 0.5, (size - 0.5 * delta) * delta),
                    reduction)


def smooth_l1_loss(input: Operand, target: Operand, reduction: str = "mean",  # noqa: A002
                   beta: float = 1.0) -> Operand:
    """Composite (no VJP of its own): the smooth L1 loss of d = x − y, ½d²/β where ``|d| < β``, else
    ``|d| − ½β``: Huber's loss divided by β, and :func:`l1_loss` for β = 0.  ∂/∂x = d/β clipped to [−1, 1]

    >>> smooth_l1_loss(Tensor([0.5, 3.0]), np.zeros(2), reduction="none")
    Tensor([0.125, 2.5  ])
    """
    reduction = _reduction("smooth_l1_loss", reduction)
    beta = _positive("smooth_l1_loss", "beta", beta, zero=True)
    _check_same_shape("smooth_l1_loss", input, target)
    difference = subtract(input, _target_for(input, target))
    size = absolute(difference)
    if beta == 0.0:
        return _reduced(size, reduction)
    near = data_of(size) < beta
    return _reduced(where(near, multiply(difference, difference) * (0.5 / beta), size - 0.5 * beta),
                    reduction)


def _positive(function: str, name: str, value: float, zero: bool) -> float:
    """``value`` as a float, > 0 (≥ 0 where ``zero``), as PyTorch requires of δ and β."""
    number = real(value, name, function, minimum=0.0)
    if number == 0.0 and not zero:
        raise ValueError(f"{function}: invalid {name} 0.0; it must be a finite number > 0")
    return number


def binary_cross_entropy_with_logits(input: Operand, target: Operand,  # noqa: A002
                                     weight: Operand | None = None, reduction: str = "mean",
                                     pos_weight: Operand | None = None) -> Operand:
    """Binary cross-entropy of σ(z) against targets y in [0, 1], stable for any logits z.

    Per element: −w·(p·y·log σ(z) + (1 − y)·log(1 − σ(z))) = w·((1 − y)·z + (1 + (p − 1)·y)·softplus(−z)),
    with ``weight`` w (broadcast to the input's shape) and ``pos_weight`` p, the weight of the
    positive targets, one per class along the last axis (broadcast as PyTorch's); both default to 1
    and are constants. Then the ``reduction``; the mean is of all elements, weighted or not.

    ∂L/∂z = g·w·(σ(z)·(1 + (p − 1)·y) − p·y)/n, which for w = p = 1 is g·(σ(z) − y)/n, ∂L/∂y =
    −g·w·(z + (p − 1)·softplus(−z))/n. Shapes are checked here; the default call is the primitive
    ``_bce_with_logits`` below (one node), the others a composite.

    >>> z = Tensor([2.0, -1.0], requires_grad=True)
    >>> binary_cross_entropy_with_logits(z, np.array([1.0, 0.0])).backward()
    >>> z.grad.round(4)
    array([-0.0596,  0.1345])
    >>> binary_cross_entropy_with_logits(Tensor([0.0]), np.array([1.0]), pos_weight=np.array([3.0]))
    Tensor(2.07944154)
    """
    function = "binary_cross_entropy_with_logits"
    reduction = _reduction(function, reduction)
    _check_same_shape(function, input, target)
    target = _target_for(input, target)
    if weight is None and pos_weight is None and reduction == "mean":
        return _bce_with_logits(input, target)
    if pos_weight is None:
        losses = subtract(logaddexp(0.0, input), multiply(input, target))
    else:
        p = _constant(function, "pos_weight", pos_weight, input, fits=_shape(input))
        positive = multiply(target, p - 1.0) + 1.0
        losses = multiply(input, 1.0 - target) + multiply(positive, logaddexp(0.0, -input))
    if weight is not None:
        losses = multiply(losses, _constant(function, "weight", weight, input, fits=_shape(input)))
    return _reduced(losses, reduction)


@primitive(name="binary_cross_entropy_with_logits")
def _bce_with_logits(logits: Data, target: Data) -> Data:
    xp = backend.namespace(logits, target)
    return mean.forward(xp.logaddexp(0.0, logits) - xp.multiply(logits, target))


_bce_with_logits.defvjp(
    lambda g, out, z, y: (sigmoid(z) - y) * g / _size(z),
    lambda g, out, z, y: -z * g / _size(z),
)


def _made_by(node: Operand, op: Primitive) -> bool:
    """Whether ``node`` is a node that ``op`` made (in a recorded graph)."""
    return isinstance(node, Node) and node.primitive is op


def binary_cross_entropy(input: Operand, target: Operand, weight: Operand | None = None,  # noqa: A002
                         reduction: str = "mean") -> Operand:
    """Binary cross-entropy of probabilities p against targets y in [0, 1], PyTorch's exactly:
    −w·(y·max(log p, −100) + (1 − y)·max(log(1 − p), −100)) per element (so 100 at p = 0 against
    y = 1), with ``weight`` w (a constant broadcast to the input's shape; 1 by default), then the
    ``reduction``. ∂/∂p = g·w·(p − y)/max(p·(1 − p), 10⁻¹²) — PyTorch's formula, not the derivative
    of the clamped logs: it stays large, not 0, where a log is clamped; ∂/∂y = g·w·(log(1 − p) −
    log p), unclamped as PyTorch's (±∞ at p = 0 or 1). Keras' rule (p clipped to [1e-7, 1 − 1e-7]) is
    :func:`binary_crossentropy`'s.

    When ``p`` is the output of :func:`sigmoid` (in a recorded graph), the loss is computed from its
    logits z by :func:`binary_cross_entropy_with_logits` (exact and stable): the same value and
    gradient as PyTorch's except where PyTorch's clamps (``|z|`` beyond about 27).

    >>> binary_cross_entropy(sigmoid(Tensor([0.0, 0.0])), np.array([1.0, 0.0]))
    Tensor(0.69314718)
    >>> p = Tensor([1e-9, 0.0], requires_grad=True)
    >>> loss = binary_cross_entropy(p, np.array([1.0, 1.0]), reduction="sum")
    >>> loss.backward()
    >>> float(loss.data), p.grad.round()
    (120.72326583694641, array([-1.e+09, -1.e+12]))
    """
    reduction = _reduction("binary_cross_entropy", reduction)
    _check_same_shape("binary_cross_entropy", input, target)
    target = _target_for(input, target)
    if _made_by(input, sigmoid):
        return binary_cross_entropy_with_logits(input.inputs[0], target, weight, reduction)
    losses = _bce(input, target)
    if weight is not None:
        weight = _constant("binary_cross_entropy", "weight", weight, input, fits=_shape(input))
        losses = multiply(losses, weight)
    return _reduced(losses, reduction)


#: 1e-12 rounded to float32, as PyTorch's kernel holds the floor of p(1 − p) in its gradient
_PYTORCH_EPSILON = 9.999999960041972e-13


def _log(p: Operand) -> Operand:
    """log p, −∞ at p = 0 (without taking log 0, and its warning)."""
    positive = data_of(p) > 0
    return where(positive, log(where(positive, p, 1.0)), -math.inf)


@primitive(name="binary_cross_entropy")
def _bce(p: Data, y: Data) -> Data:
    """−(y·max(log p, −100) + (1 − y)·max(log(1 − p), −100)) per element.
    ∂/∂p = (p − y)/max(p(1 − p), 10⁻¹²), ∂/∂y = log(1 − p) − log p (PyTorch's, unclamped)"""
    xp = backend.namespace(p, y)

    def clamped_log(q: Data) -> Data:   # −100 at q = 0 without taking log 0 (and its warning)
        return xp.where(q > 0, xp.clip(xp.log(xp.where(q > 0, q, 1.0)), min=-100.0), -100.0)

    return -(y * clamped_log(p) + (1.0 - y) * clamped_log(1.0 - p))


_bce.defvjp(
    lambda g, out, p, y: g * (p - y) / clip((1.0 - p) * p, _PYTORCH_EPSILON, None),
    lambda g, out, p, y: g * (_log(1.0 - p) - _log(p)),
)


def binary_crossentropy(prediction: Operand, target: Operand) -> Operand:
    """Keras' ``binary_crossentropy``: the mean of −(y·log p + (1 − y)·log(1 − p)) over all elements,
    with p clipped to [1e-7, 1 − 1e-7] before the logs as Keras clips it (so a p beyond the clip
    gets no gradient, and the loss is at most −log 1e-7 ≈ 16.1 per element). ∂/∂p = g·(p − y)/
    (p(1 − p)·n) inside the clip. When ``p`` is the output of :func:`sigmoid` (in a recorded graph),
    it is computed from the logits, exactly, as Keras does. ``LOSSES["binary_crossentropy"]``;
    PyTorch's rule is :func:`binary_cross_entropy`'s.

    >>> binary_crossentropy(Tensor([1e-9, 0.5]), np.array([1.0, 1.0]))
    Tensor(8.40562142)
    """
    _check_same_shape("binary_crossentropy", prediction, target)
    target = _target_for(prediction, target)
    if _made_by(prediction, sigmoid):
        return binary_cross_entropy_with_logits(prediction.inputs[0], target)
    p = clip(prediction, PROBABILITY_EPSILON, 1.0 - PROBABILITY_EPSILON)
    return mean(-(log(p) * target + log(1.0 - p) * (1.0 - target)))


def soft_margin_loss(input: Operand, target: Operand, reduction: str = "mean") -> Operand:  # noqa: A002
    """Composite (no VJP of its own): the logistic loss log(1 + e^(−y·x)) of targets y = ±1, PyTorch's
    ``soft_margin_loss``.  ∂/∂x = −g·y·σ(−y·x)

    >>> soft_margin_loss(Tensor([0.0, 2.0]), np.array([1.0, -1.0]), reduction="none")
    Tensor([0.69314718, 2.12692801])
    """
    reduction = _reduction("soft_margin_loss", reduction)
    _check_same_shape("soft_margin_loss", input, target)
    return _reduced(logaddexp(0.0, -multiply(input, _target_for(input, target))), reduction)


def poisson_nll_loss(input: Operand, target: Operand, log_input: bool = True,  # noqa: A002
                     full: bool = False, *, eps: float = 1e-8, reduction: str = "mean") -> Operand:
    """Composite (no VJP of its own): the negative log-likelihood of counts y under a Poisson
    distribution of rate λ, PyTorch's ``poisson_nll_loss``, up to the constant log y!: e^x − y·x for
    ``log_input`` x = log λ (the default), else λ − y·log(λ + ``eps``). ``full`` adds Stirling's
    approximation of log y!, y·log y − y + ½·log(2πy), where y > 1 (0 elsewhere, as PyTorch).
    ``eps`` and ``reduction`` are keyword-only (PyTorch has the deprecated ``size_average`` between).

    >>> poisson_nll_loss(Tensor([0.0, 1.0]), np.array([1.0, 2.0]), reduction="none")
    Tensor([1.        , 0.71828183])
    """
    reduction = _reduction("poisson_nll_loss", reduction)
    log_input = _checks.boolean(log_input, "log_input", "poisson_nll_loss")
    full = _checks.boolean(full, "full", "poisson_nll_loss")
    eps = real(eps, "eps", "poisson_nll_loss", minimum=0.0)
    _check_same_shape("poisson_nll_loss", input, target)
    target = _target_for(input, target)
    if log_input:
        losses = subtract(exp(input), multiply(input, target))
    else:
        losses = subtract(input, multiply(log(input + eps), target))
    if full:
        counted = data_of(target) > 1
        y = where(counted, target, 1.0)
        stirling = multiply(y, log(y)) - y + log(y * (2.0 * math.pi)) * 0.5
        losses = losses + where(counted, stirling, 0.0)
    return _reduced(losses, reduction)


def gaussian_nll_loss(input: Operand, target: Operand, var: Operand | float,  # noqa: A002
                      full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> Operand:
    """Composite (no VJP of its own): the negative log-likelihood of targets y under Gaussians of mean
    x (``input``) and variance v, PyTorch's ``gaussian_nll_loss``: ½(log v + (x − y)²/v), plus
    ½·log 2π with ``full``. ``var`` has the input's shape, or it without its last axis or with it
    of size 1 (one variance for all of a row), or is a number; negative variances are an error, and
    variances below ``eps`` count as ``eps`` (with the gradient of v itself, as PyTorch's, which
    clamps them outside the graph). ∂/∂x = g·(x − y)/v, ∂/∂v = g·(1/v − (x − y)²/v²)/2

    >>> gaussian_nll_loss(Tensor([0.0, 1.0]), np.array([1.0, 1.0]), np.array([1.0, 4.0]), reduction="none")
    Tensor([0.5       , 0.69314718])
    """
    function = "gaussian_nll_loss"
    reduction = _reduction(function, reduction)
    full = _checks.boolean(full, "full", function)
    eps = real(eps, "eps", function, minimum=0.0)
    _check_same_shape(function, input, target)
    shape = _shape(input)
    if backend.is_scalar(var):
        if var < 0:
            raise ValueError(f"{function}: var has negative entries; variances must be >= 0")
        var = builtins.max(float(var), eps)
    else:
        var = _variances(function, var, shape, eps)
    difference = subtract(input, _target_for(input, target))
    losses = (log(var) + multiply(difference, difference) / var) * 0.5
    if full:
        losses = losses + 0.5 * math.log(2 * math.pi)
    return _reduced(losses, reduction)


def _variances(function: str, var: Operand, shape: tuple[int, ...], eps: float) -> Operand:
    """``var`` for inputs of ``shape``, checked (≥ 0; that shape, or it without its last axis, or with
    one axis of size 1), shaped to broadcast to it, and at least ``eps`` in value (with the gradient
    of ``var`` itself: PyTorch clamps it in place, outside the graph)."""
    given = var_shape = _shape(var)
    if var_shape != shape and shape and var_shape == shape[:-1]:
        var, var_shape = reshape(var, var_shape + (1,)), var_shape + (1,)
    if var_shape != shape:
        mismatched = [size for size, own in zip(var_shape, shape) if size != own]
        if len(var_shape) != len(shape) or mismatched != [1]:
            raise ShapeError(f"{function}: var must have the input's shape {shape}, or it without its last "
                             f"axis, or with one axis of size 1, but it has shape {given}")
    values = data_of(var)
    xp = backend.namespace(values)
    if bool(xp.any(values < 0)):
        raise ValueError(f"{function}: var has negative entries; variances must be >= 0")
    return var + (xp.clip(values, min=eps) - values)


def _pick(values: Operand, labels: Data) -> Operand:
    """values[i, labels[i]] for each row i (the last axis indexed by the flat ``labels``)."""
    return getitem(reshape(values, (-1, values.shape[-1])), (_rows(labels), labels))


def _softmax_logits(probability: Operand) -> Operand | None:
    """The logits ``probability`` is the softmax of, along its last axis, if it is one (else None)."""
    if _made_by(probability, softmax):
        axis = probability.params.get("axis", -1)
        if axis % len(_shape(probability)) == len(_shape(probability)) - 1:
            return probability.inputs[0]
    return None


def _log_probabilities(probability: Operand) -> Operand:
    """log p, from the logits when p came out of a softmax."""
    if _made_by(probability, softmax):
        return log_softmax(probability.inputs[0], axis=probability.params.get("axis", -1))
    return log(clip(probability, PROBABILITY_EPSILON, 1.0))


def _label_shapes(shape: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """The shapes of class labels for probabilities of ``shape`` (classes last): (n,) or (n, 1)."""
    return (shape[:-1], shape[:-1] + (1,)) if shape else ()


def categorical_crossentropy(probability: Operand, target: Operand) -> Operand:
    """Composite (no VJP of its own): Keras' categorical cross-entropy of probabilities p.

    −mean Σ target·log p, against one-hot (or soft) targets; computed through log-softmax when ``p``
    came out of :func:`softmax`. The target has the shape of ``p``: integer labels are for
    :func:`sparse_categorical_crossentropy`.

    >>> categorical_crossentropy(Tensor([[0.5, 0.5]]), np.array([[1.0, 0.0]]))
    Tensor(0.69314718)
    >>> categorical_crossentropy(Tensor([[0.5, 0.5]]), np.array([0]))
    Traceback (most recent call last):
    ShapeError: categorical_crossentropy: ... use sparse_categorical_crossentropy, or one-hot encode them
    """
    shape = _shape(probability)
    hint = ""
    if _shape(target) in _label_shapes(shape):
        hint = (f"the target looks like class labels: use sparse_categorical_crossentropy, or one-hot "
                f"encode them (np.eye({shape[-1]})[labels])")
    _check_same_shape("categorical_crossentropy", probability, target, hint)
    return -mean((_log_probabilities(probability) * _target_for(probability, target)).sum(axis=-1))


def sparse_categorical_crossentropy(probability: Operand, target: Operand) -> Operand:
    """Composite (no VJP of its own): Keras' sparse categorical cross-entropy −mean log p[label].

    Labels are in [0, classes) and have the shape of ``p`` without its last (class) axis, or with it
    of size 1; as in Keras, floats that are whole numbers are accepted. When ``p`` came out of
    :func:`softmax`, it is :func:`cross_entropy` of the logits.

    >>> sparse_categorical_crossentropy(softmax(Tensor([[0.0, 0.0]])), np.array([1]))
    Tensor(0.69314718)
    """
    shape, target_shape = _shape(probability), _shape(target)
    if target_shape not in _label_shapes(shape):
        hint = "; for one-hot targets use categorical_crossentropy" if target_shape == shape else ""
        raise ShapeError(f"sparse_categorical_crossentropy: the target has shape {target_shape}, but for a "
                         f"prediction of shape {shape} it must hold one class label per row, shape "
                         f"{shape[:-1]} or {shape[:-1] + (1,)}{hint}")
    labels = _class_indices("sparse_categorical_crossentropy", target, shape[-1], probability,
                            whole_floats=True)
    logits = _softmax_logits(probability)
    if logits is not None:
        if len(shape) != 2:
            logits = reshape(logits, (-1, shape[-1]))
        return _softmax_cross_entropy(logits, labels)
    return -mean(_pick(_log_probabilities(probability), labels))


def hinge(prediction: Operand, target: Operand) -> Operand:
    """Composite (no VJP of its own): hinge loss mean(max(1 − t·prediction, 0)).

    Labels in {0, 1} are mapped to t ∈ {−1, 1}. ∂/∂prediction = −t/n where 1 − t·prediction ≥ 0
    (at the hinge too, as TensorFlow's ``maximum`` and PyTorch's ``clamp_min`` pass it), else 0.

    >>> hinge(Tensor([2.0, -0.5]), np.array([1, 0]))
    Tensor(0.25)
    """
    _check_same_shape("hinge", prediction, target)
    predicted, labels = data_of(prediction), data_of(target)
    xp = backend.namespace(predicted, labels)
    labels = xp.astype(xp.asarray(labels), _float_type(xp, xp.asarray(predicted)), copy=False)
    if xp.all((labels == 0) | (labels == 1)):
        labels = 2.0 * labels - 1.0
    return mean(_hinge(1.0 - prediction * labels))


#: Keras names (and PyTorch-like aliases) of the losses, for ``model.compile(loss=...)``. Each takes
#: ``(prediction, target)``, like every function here.
LOSSES = {
    "mean_squared_error": mse_loss, "mse": mse_loss,
    "binary_crossentropy": binary_crossentropy,
    "binary_crossentropy_from_logits": binary_cross_entropy_with_logits,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "hinge": hinge,
}

#: Every loss of this module and of losses_extra that takes a prediction and a target, by name:
#: ``compile`` calls these ``(prediction, target)``. The losses of three arrays (margin_ranking_loss,
#: cosine_embedding_loss, gaussian_nll_loss) are for training loops of your own.
LOSS_FUNCTIONS = {function.__name__: function for function in (
    mse_loss, binary_cross_entropy, binary_crossentropy, binary_cross_entropy_with_logits, cross_entropy,
    softmax_cross_entropy, categorical_crossentropy, sparse_categorical_crossentropy, hinge, l1_loss,
    huber_loss, smooth_l1_loss, nll_loss, kl_div, soft_margin_loss, poisson_nll_loss)}


__test__ = docstring_tests(globals())
