"""Losses as functions of tensors, each with its math in the docstring.

Losses return the mean over the batch. Names follow PyTorch (``mse_loss``, ``cross_entropy``) and
Keras (``binary_crossentropy``, ``sparse_categorical_crossentropy``); :data:`LOSSES` maps Keras' names.
The examples assume ``import numpy as np`` and ``from autograd_lite import Tensor``.
"""

from __future__ import annotations

from ... import _checks, backend
from ...engine import Node, Primitive, ShapeError, data_of, docstring_tests, primitive
from ...ops import log, relu, sigmoid
from ...tensor_ops import clip, getitem, log_softmax, logsumexp, mean, reshape, softmax, transpose
from ...typing import Data, DTypeLike, Operand
from .._targets import _check_same_shape, _class_indices, _float_type, _rows, _shape, _size, _target_for

__all__ = [
    "LOSSES", "LOSS_FUNCTIONS", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "categorical_crossentropy", "cross_entropy", "hinge", "mse_loss", "softmax_cross_entropy",
    "sparse_categorical_crossentropy",
]

_host = backend.host_namespace  # NumPy: its arrays keep their faster paths


#: probabilities are kept in [ε, 1 − ε] before a log, as Keras does
PROBABILITY_EPSILON = 1e-7


# ---- losses -----------------------------------------------------------------------------------

# Every loss checks its target against its prediction before it computes anything: the shapes must
# be equal (a loss never broadcasts: a (4, 1) prediction against a (4,) target would average 16
# differences instead of 4), and class indices must be integers in [0, classes). Each main loss is
# then one private primitive with its gradient beside it, fused as PyTorch's are, because a small
# training step spends its time on the nodes it records.


def mse_loss(prediction: Operand, target: Operand) -> Operand:
    """Mean squared error mean((p − t)²).  ∂L/∂p = g·2(p − t)/n, ∂L/∂t = −g·2(p − t)/n

    ``prediction`` and ``target`` must have the same shape (PyTorch broadcasts them, with a warning):
    they are checked here, then the primitive ``_mse_loss`` below computes the loss.

    >>> p = Tensor([1.0, 3.0], requires_grad=True)
    >>> loss = mse_loss(p, np.array([1.0, 1.0]))
    >>> loss.backward()
    >>> loss, p.grad
    (Tensor(2., op='mse_loss'), array([0., 2.]))
    >>> mse_loss(Tensor([[1.0], [2.0]]), np.array([1.0, 2.0]))
    Traceback (most recent call last):
    ShapeError: mse_loss: the prediction has shape (2, 1) but the target has shape (2,); ... (2, 1)
    """
    _check_same_shape("mse_loss", prediction, target)
    return _mse_loss(prediction, _target_for(prediction, target))


@primitive(name="mse_loss")
def _mse_loss(prediction: Data, target: Data) -> Data:
    difference = backend.namespace(prediction, target).subtract(prediction, target)
    return mean.forward(difference * difference)


_mse_loss.defvjp(
    lambda g, out, p, t: (p - t) * (g * (2.0 / _size(p))),
    lambda g, out, p, t: (p - t) * (g * (-2.0 / _size(p))),
)


def binary_cross_entropy_with_logits(logits: Operand, target: Operand) -> Operand:
    """Binary cross-entropy of σ(z) against targets y in [0, 1], stable for any logits z.

    mean(softplus(z) − y·z), which equals mean(−y·log σ(z) − (1 − y)·log(1 − σ(z))).
    ∂L/∂z = g·(σ(z) − y)/n, ∂L/∂y = −g·z/n. ``logits`` and ``target`` must have the same shape: they
    are checked here, then the primitive ``_bce_with_logits`` below computes the loss.

    >>> z = Tensor([2.0, -1.0], requires_grad=True)
    >>> binary_cross_entropy_with_logits(z, np.array([1.0, 0.0])).backward()
    >>> z.grad.round(4)
    array([-0.0596,  0.1345])
    """
    _check_same_shape("binary_cross_entropy_with_logits", logits, target)
    return _bce_with_logits(logits, _target_for(logits, target))


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


def binary_cross_entropy(probability: Operand, target: Operand) -> Operand:
    """Composite (no VJP of its own): binary cross-entropy −mean(y·log p + (1 − y)·log(1 − p)).

    When ``p`` is the output of :func:`sigmoid` (in a recorded graph), it is computed from the logits
    (exact and stable, as Keras does); otherwise ``p`` is clipped to [1e-7, 1 − 1e-7] before the logs.

    >>> binary_cross_entropy(sigmoid(Tensor([0.0, 0.0])), np.array([1.0, 0.0]))
    Tensor(0.69314718)
    """
    _check_same_shape("binary_cross_entropy", probability, target)
    target = _target_for(probability, target)
    if _made_by(probability, sigmoid):
        return _bce_with_logits(probability.inputs[0], target)
    p = clip(probability, PROBABILITY_EPSILON, 1.0 - PROBABILITY_EPSILON)
    return -mean(log(p) * target + log(1.0 - p) * (1.0 - target))


@_checks.accepts_torch_spelling
def cross_entropy(logits: Operand, target: Operand, axis: int = -1) -> Operand:
    """Composite (no VJP of its own): softmax cross-entropy of logits, PyTorch's ``cross_entropy``.

    Stable through log-softmax (or :func:`softmax_cross_entropy`, for class indices).

    ``target`` holds class probabilities in the shape of ``logits`` (e.g. one-hot):
    −mean Σ target·log_softmax(logits); or integer class indices in [0, classes), in the shape of
    ``logits`` without ``axis`` (or with it of size 1): −mean log_softmax(logits)[index].

    >>> cross_entropy(Tensor([[2.0, 0.0], [0.0, 2.0]]), np.array([0, 1])).item()
    0.1269280110429727
    >>> cross_entropy(Tensor([[2.0, 0.0]]), np.array([[1.0, 0.0]])).item()   # one-hot
    0.1269280110429727
    >>> cross_entropy(Tensor([[2.0, 0.0]]), np.array([2]))
    Traceback (most recent call last):
    ValueError: cross_entropy: class labels must be in [0, 2) for 2 classes, but the target contains [2]
    """
    shape, target_shape = _shape(logits), _shape(target)
    if target_shape == shape:
        return -mean((log_softmax(logits, axis=axis) * target).sum(axis=axis))
    if not -len(shape) <= axis < len(shape):
        raise ShapeError(f"cross_entropy: axis {axis} is out of range for logits of shape {shape}")
    axis %= len(shape)
    without = shape[:axis] + shape[axis + 1:]
    if target_shape not in (without, shape[:axis] + (1,) + shape[axis + 1:]):
        raise ShapeError(f"cross_entropy: the target has shape {target_shape}, but for logits of shape "
                         f"{shape} it must hold class indices of shape {without} or class probabilities "
                         f"of shape {shape}")
    labels = _class_indices("cross_entropy", target, shape[axis], logits)
    if axis != len(shape) - 1:
        logits = transpose(logits, axes=tuple(i for i in range(len(shape)) if i != axis) + (axis,))
    if len(shape) != 2:
        logits = reshape(logits, (-1, shape[axis]))
    return _softmax_cross_entropy(logits, labels)


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

    Labels in {0, 1} are mapped to t ∈ {−1, 1}.

    >>> hinge(Tensor([2.0, -0.5]), np.array([1, 0]))
    Tensor(0.25)
    """
    _check_same_shape("hinge", prediction, target)
    predicted, labels = data_of(prediction), data_of(target)
    xp = backend.namespace(predicted, labels)
    labels = xp.astype(xp.asarray(labels), _float_type(xp, xp.asarray(predicted)), copy=False)
    if xp.all((labels == 0) | (labels == 1)):
        labels = 2.0 * labels - 1.0
    return mean(relu(1.0 - prediction * labels))


#: Keras names (and PyTorch-like aliases) of the losses, for ``model.compile(loss=...)``. Each takes
#: ``(prediction, target)``, like every function here.
LOSSES = {
    "mean_squared_error": mse_loss, "mse": mse_loss,
    "binary_crossentropy": binary_cross_entropy,
    "binary_crossentropy_from_logits": binary_cross_entropy_with_logits,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "hinge": hinge,
}

#: Every loss function of this module, by name: ``compile`` calls these ``(prediction, target)``
LOSS_FUNCTIONS = {function.__name__: function for function in (
    mse_loss, binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, softmax_cross_entropy,
    categorical_crossentropy, sparse_categorical_crossentropy, hinge)}


__test__ = docstring_tests(globals())
