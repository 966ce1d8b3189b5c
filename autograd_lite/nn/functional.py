"""Activations and losses as functions of tensors, each with its math in the docstring.

Losses return the mean over the batch. Names follow PyTorch (``mse_loss``, ``cross_entropy``) and
Keras (``binary_crossentropy``, ``sparse_categorical_crossentropy``); :data:`LOSSES` maps Keras' names.
The examples assume ``import numpy as np`` and ``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..engine import Node, data_of, docstring_tests, primitive
from ..ops import log, relu, sigmoid, tanh
from ..tensor_ops import clip, getitem, log_softmax, matmul, mean, reshape, softmax, transpose
from ..tensor_ops import sum as sum_over

__all__ = [
    "LOSSES", "binary_cross_entropy", "binary_cross_entropy_with_logits", "categorical_crossentropy",
    "cross_entropy", "gelu", "hinge", "leaky_relu", "linear", "mse_loss", "relu", "sigmoid", "softmax",
    "softmax_cross_entropy", "softplus", "sparse_categorical_crossentropy", "step", "tanh",
]

def _float_type(x: np.ndarray) -> np.dtype:
    """The floating dtype that results from ``x``: its own if it is a float array, else float64."""
    return x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)


#: probabilities are kept in [ε, 1 − ε] before a log, as Keras does
PROBABILITY_EPSILON = 1e-7


# ---- layers and activations -------------------------------------------------------------------


@primitive
def linear(x: Any, weight: Any, bias: Any = None) -> Any:
    """x @ weightᵀ + bias (weight of shape (out, in), as in PyTorch).

    ∂/∂x = g @ weight, ∂/∂weight = gᵀ @ x (summed over the batch), ∂/∂bias = Σ_batch g

    >>> W = Tensor([[1.0, 2.0]], requires_grad=True)
    >>> linear(np.array([[1.0, 1.0]]), W, np.array([0.5]))
    Tensor([[3.5]], op='linear')
    """
    out = x @ weight.T
    if bias is not None:
        out += bias
    return out


def _linear_weight_vjp(g: Any, out: Any, x: Any, weight: Any, bias: Any = None) -> Any:
    if x.ndim != 2:  # treat every leading axis as a batch axis
        g, x = reshape(g, (-1, g.shape[-1])), reshape(x, (-1, x.shape[-1]))
    return matmul(transpose(g), x)


linear.defvjp(
    lambda g, out, x, weight, bias=None: matmul(g, weight),
    _linear_weight_vjp,
    lambda g, out, x, weight, bias=None: g,   # the engine sums over the batch axes
)


@primitive
def step(x: Any) -> Any:
    """Heaviside step: 1 where x ≥ 0, else 0 (the tutorial's OR neuron).

    Its gradient is zero everywhere (and undefined at 0): a step neuron cannot be trained by
    gradient descent — which is why networks use sigmoid or ReLU instead.

    >>> step(np.array([-1.0, 0.0, 2.0]))
    array([0., 1., 1.])
    """
    x = np.asarray(x)
    return (x >= 0).astype(_float_type(x))


step.defvjp(lambda g, out, x: g * 0.0)


@primitive
def leaky_relu(x: Any, negative_slope: float = 0.01) -> Any:
    """x where x > 0, else negative_slope·x.  d/dx = 1 or negative_slope (the latter at 0)

    >>> leaky_relu(np.array([-2.0, 3.0]))
    array([-0.02,  3.  ])
    """
    return np.where(x > 0, x, x * negative_slope)


leaky_relu.defvjp(lambda g, out, x, negative_slope=0.01: g * np.where(data_of(x) > 0, 1.0, negative_slope))


@primitive
def softplus(x: Any) -> Any:
    """log(1 + eˣ), computed stably.  d/dx = σ(x)

    >>> softplus(np.array([0.0, 1000.0]))
    array([6.93147181e-01, 1.00000000e+03])
    """
    return np.logaddexp(0.0, x)


softplus.defvjp(lambda g, out, x: g * sigmoid(x))


def gelu(x: Any) -> Any:
    """GELU with the tanh approximation: ½x(1 + tanh(√(2/π)(x + 0.044715x³))).

    This is Keras' ``gelu(approximate=True)`` and PyTorch's ``gelu(approximate='tanh')``; composed
    from differentiable ops, so its gradient is exact for this formula.

    >>> gelu(np.array([0.0, 1.0])).round(4)
    array([0.    , 0.8412])
    """
    return 0.5 * x * (1.0 + tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)))


# ---- losses -----------------------------------------------------------------------------------


# Each loss is one primitive with its gradient beside it (as fused as PyTorch's): one node in the
# graph instead of four or five, which is most of the cost of a small training step.


def _average(values: np.ndarray) -> np.ndarray:
    """The mean of all elements (``np.mean`` without its Python overhead, for float32 and float64)."""
    if values.dtype.kind == "f" and values.dtype.itemsize >= 4 and values.size:
        return values.sum() / values.size
    return np.mean(values)


def _count(x: Any, y: Any) -> int:
    """Number of elements the loss averages over: the size of x and y broadcast together."""
    shape_x, shape_y = np.shape(data_of(x)), np.shape(data_of(y))
    return math.prod(shape_x if shape_x == shape_y else np.broadcast_shapes(shape_x, shape_y))


@primitive
def mse_loss(prediction: Any, target: Any) -> Any:
    """Mean squared error mean((p − t)²).  ∂/∂p = 2(p − t)/n, ∂/∂t = −2(p − t)/n

    >>> p = Tensor([1.0, 3.0], requires_grad=True)
    >>> loss = mse_loss(p, np.array([1.0, 1.0]))
    >>> loss.backward()
    >>> loss, p.grad
    (Tensor(2., op='mse_loss'), array([0., 2.]))
    """
    difference = np.subtract(prediction, target)
    return _average(difference * difference)


mse_loss.defvjp(
    lambda g, out, p, t: g * (2.0 / _count(p, t)) * (p - t),
    lambda g, out, p, t: g * (-2.0 / _count(p, t)) * (p - t),
)


@primitive
def binary_cross_entropy_with_logits(logits: Any, target: Any) -> Any:
    """Binary cross-entropy of σ(z) against targets y in [0, 1], stable for any logits z.

    mean(softplus(z) − y·z), which equals mean(−y·log σ(z) − (1 − y)·log(1 − σ(z))).
    ∂/∂z = (σ(z) − y)/n, ∂/∂y = −z/n

    >>> z = Tensor([2.0, -1.0], requires_grad=True)
    >>> binary_cross_entropy_with_logits(z, np.array([1.0, 0.0])).backward()
    >>> z.grad.round(4)
    array([-0.0596,  0.1345])
    """
    return _average(np.logaddexp(0.0, logits) - np.multiply(logits, target))


binary_cross_entropy_with_logits.defvjp(
    lambda g, out, z, y: g * (sigmoid(z) - y) / _count(z, y),
    lambda g, out, z, y: g * -z / _count(z, y),
)


def _made_by(node: Any, op: Any) -> bool:
    return isinstance(node, Node) and node._op is op


def binary_cross_entropy(probability: Any, target: Any) -> Any:
    """Binary cross-entropy −mean(y·log p + (1 − y)·log(1 − p)) of probabilities p.

    When ``p`` is the output of :func:`sigmoid`, it is computed from the logits (exact and stable,
    as Keras does); otherwise ``p`` is clipped to [1e-7, 1 − 1e-7] before the logs.

    >>> binary_cross_entropy(sigmoid(Tensor([0.0, 0.0])), np.array([1.0, 0.0]))
    Tensor(0.69314718)
    """
    if _made_by(probability, sigmoid):
        return binary_cross_entropy_with_logits(probability._inputs[0], target)
    p = clip(probability, PROBABILITY_EPSILON, 1.0 - PROBABILITY_EPSILON)
    return -mean(target * log(p) + (1.0 - target) * log(1.0 - p))


def cross_entropy(logits: Any, target: Any, axis: int = -1) -> Any:
    """Softmax cross-entropy from logits (PyTorch's ``cross_entropy``), stable through log-softmax.

    ``target`` holds class probabilities (the shape of logits, e.g. one-hot, of any dtype):
    −mean Σ target·log_softmax(logits); or class indices (any other shape, e.g. logits' shape
    without ``axis``): −mean log_softmax(logits)[index].

    >>> cross_entropy(Tensor([[2.0, 0.0], [0.0, 2.0]]), np.array([0, 1])).item()
    0.1269280110429727
    >>> cross_entropy(Tensor([[2.0, 0.0]]), np.array([[1.0, 0.0]])).item()   # one-hot
    0.1269280110429727
    """
    labels = np.asarray(data_of(target))
    shape = np.shape(data_of(logits))
    if labels.shape == shape:
        return -mean(sum_over(log_softmax(logits, axis=axis) * target, axis=axis))
    axis = axis % len(shape)
    if axis != len(shape) - 1:
        logits = transpose(logits, axes=tuple(i for i in range(len(shape)) if i != axis) + (axis,))
    if len(shape) != 2:
        logits = reshape(logits, (-1, shape[axis]))
    return softmax_cross_entropy(logits, labels.astype(np.intp).reshape(-1))


@primitive
def softmax_cross_entropy(logits: Any, labels: np.ndarray) -> Any:
    """−mean log softmax(z)[label] for logits z of shape (n, classes) and n integer labels.

    ∂/∂z = (softmax(z) − one_hot(labels)) / n

    >>> softmax_cross_entropy(Tensor([[0.0, 0.0]]), np.array([1]))
    Tensor(0.69314718)
    """
    logits = np.asarray(logits)
    rows = np.arange(len(labels))
    return _average(_logsumexp_rows(logits) - logits[rows, labels])


def _logsumexp_rows(z: np.ndarray) -> np.ndarray:
    shift = z.max(axis=1)
    shift = np.where(np.isfinite(shift), shift, 0.0)
    return np.log(np.exp(z - shift[:, None]).sum(axis=1)) + shift


def _one_hot(labels: np.ndarray, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    encoded = np.zeros(shape, dtype=dtype)
    encoded[np.arange(len(labels)), labels] = 1
    return encoded


softmax_cross_entropy.defvjp(
    lambda g, out, z, labels: g * (softmax(z, axis=-1) - _one_hot(labels, z.shape, data_of(z).dtype))
    / len(labels),
    None,
)


def _pick(values: Any, labels: np.ndarray) -> Any:
    """values[i, labels[i]] for each row i (the last axis indexed by the labels)."""
    labels = labels.astype(np.intp).reshape(-1)
    rows = reshape(values, (-1, values.shape[-1]))
    return getitem(rows, (np.arange(len(labels)), labels))


def _log_probabilities(probability: Any) -> Any:
    """log p, from the logits when p came out of a softmax."""
    if _made_by(probability, softmax):
        return log_softmax(probability._inputs[0], axis=probability._params.get("axis", -1))
    return log(clip(probability, PROBABILITY_EPSILON, 1.0))


def categorical_crossentropy(probability: Any, target: Any) -> Any:
    """Keras' categorical cross-entropy of probabilities against one-hot (or soft) targets.

    −mean Σ target·log p; computed through log-softmax when ``p`` came out of :func:`softmax`.

    >>> categorical_crossentropy(Tensor([[0.5, 0.5]]), np.array([[1.0, 0.0]]))
    Tensor(0.69314718)
    """
    return -mean(sum_over(_log_probabilities(probability) * target, axis=-1))


def sparse_categorical_crossentropy(probability: Any, target: Any) -> Any:
    """Keras' sparse categorical cross-entropy: integer class labels, −mean log p[label].

    When ``p`` came out of :func:`softmax`, it is :func:`cross_entropy` of the logits.

    >>> sparse_categorical_crossentropy(softmax(Tensor([[0.0, 0.0]])), np.array([1]))
    Tensor(0.69314718)
    """
    if _made_by(probability, softmax):
        return cross_entropy(probability._inputs[0], target, axis=probability._params.get("axis", -1))
    return -mean(_pick(_log_probabilities(probability), np.asarray(data_of(target))))


def hinge(prediction: Any, target: Any) -> Any:
    """Hinge loss mean(max(1 − t·prediction, 0)); labels in {0, 1} are mapped to t ∈ {−1, 1}.

    >>> hinge(Tensor([2.0, -0.5]), np.array([1, 0]))
    Tensor(0.25)
    """
    labels = np.asarray(data_of(target), dtype=_float_type(np.asarray(data_of(prediction))))
    if np.all((labels == 0) | (labels == 1)):
        labels = 2.0 * labels - 1.0
    return mean(relu(1.0 - labels * prediction))


#: Keras names (and PyTorch-like aliases) of the losses, for ``model.compile(loss=...)``
LOSSES = {
    "mean_squared_error": mse_loss, "mse": mse_loss,
    "binary_crossentropy": binary_cross_entropy,
    "binary_crossentropy_from_logits": binary_cross_entropy_with_logits,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "hinge": hinge,
}


__test__ = docstring_tests(globals())
