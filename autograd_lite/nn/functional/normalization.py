"""Normalization as functions of tensors: ``batch_norm``, ``layer_norm``, ``group_norm``.

All three standardise groups of elements to mean 0 and variance 1, then scale and shift them by a
learned ``weight`` and ``bias``; they differ only in which elements form a group:

- ``batch_norm``: one group per channel (axis 1), over the batch and every spatial axis;
- ``layer_norm``: one group per sample, over its trailing ``normalized_shape`` axes;
- ``group_norm``: one group per sample and per block of ``C / num_groups`` channels.

The standardisation is one primitive, :func:`_normalize` (``x̂ = (x − mean) / √(var + eps)`` with the
biased variance, as PyTorch's), with the closed-form gradient beside it; the scale and shift are
ordinary products and sums, which the engine differentiates. The examples assume
``import numpy as np`` and ``from autograd_lite import Tensor``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ... import _checks, backend, modes
from ...backend import ndarray
from ...engine import Node, ShapeError, data_of, docstring_tests, primitive
from ...ops import add, multiply, sqrt
from ...reductions import mean, var
from ...shape_ops import reshape
from ...typing import Data, Operand
from .._targets import _shape

__all__ = ["batch_norm", "group_norm", "layer_norm"]


# ---- the shared primitive: standardise over some axes ---------------------------------------------


@primitive(name="normalize")
def _normalize(x: Data, axis: tuple[int, ...], eps: float) -> Data:
    """x̂ = (x − mean) / √(var + eps) over ``axis`` (var biased: divided by the count n).

    ∂L/∂x = (g − mean(g) − x̂·mean(g·x̂)) / √(var + eps), the means over ``axis``

    One primitive, not a composite of mean, subtract, multiply and sqrt: its backward is one formula
    over the data instead of the chain of their gradients, and measured faster on NumPy for batch
    and layer normalization alike.

    >>> _normalize(np.array([[1.0, 3.0]]), axis=(1,), eps=0.0)
    array([[-1.,  1.]])
    """
    if x.__class__ is ndarray:  # NumPy's methods, a microsecond faster than its functions
        deviation = x - x.mean(axis=axis, keepdims=True)
        variance = (deviation * deviation).mean(axis=axis, keepdims=True)
        return deviation * (1.0 / (variance + eps) ** 0.5)
    xp = backend.namespace(x)
    deviation = x - xp.mean(x, axis=axis, keepdims=True)
    variance = xp.mean(deviation * deviation, axis=axis, keepdims=True)
    return deviation * (1.0 / xp.sqrt(variance + eps))


def _normalize_vjp(g: Operand, out: Operand, x: Operand, axis: tuple[int, ...], eps: float) -> Operand:
    # out is x̂; the inverse deviation is recomputed from x, so that it too is differentiated
    inverse_std = 1.0 / sqrt(var(x, axis=axis, keepdims=True) + eps)
    centred = g - mean(g, axis=axis, keepdims=True) - out * mean(g * out, axis=axis, keepdims=True)
    return centred * inverse_std


_normalize.defvjp(_normalize_vjp)


# ---- checks -----------------------------------------------------------------------------------------


def _vector(op: str, name: str, value: Operand | None, size: int, input_shape: tuple[int, ...],
            what: str) -> None:
    """Raise a ShapeError naming ``op`` unless ``value`` (if given) has shape (size,)."""
    if value is not None and _shape(value) != (size,):
        raise ShapeError(f"{op}: {name} has shape {_shape(value)}, but the input of shape {input_shape} "
                         f"has {size} {what}, so it must have shape ({size},)")


def _channels_view(value: Operand, ndim: int) -> Operand:
    """A per-channel vector (C,) as (C, 1, ..., 1), to broadcast against an input (N, C, …) of ``ndim``."""
    return value if ndim == 2 else reshape(value, shape=(-1,) + (1,) * (ndim - 2))


def _affine(x: Operand, weight: Operand | None, bias: Operand | None) -> Operand:
    """x·weight + bias, either left out when ``None`` (the ops, not the operators: any of the three
    may be the tensor, an array the others)."""
    if weight is not None:
        x = multiply(x, weight)
    return x if bias is None else add(x, bias)


# ---- batch_norm -------------------------------------------------------------------------------------


def batch_norm(input: Operand, running_mean: Operand | None, running_var: Operand | None,  # noqa: A002
               weight: Operand | None = None, bias: Operand | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Operand:
    """Batch normalization over every axis of ``input`` (N, C, …) but the channel axis 1, PyTorch's
    ``F.batch_norm``: y = (x − mean) / √(var + eps)·weight + bias, per channel.

    In training (``training=True``) the mean and the biased variance are the batch's, and the
    gradient is the standard batch-norm backward (that of :func:`_normalize`, then of the scale and
    shift); ``running_mean`` and ``running_var`` (arrays or tensors of shape (C,), or ``None``) are
    then updated in place, outside the graph: running ← (1 − momentum)·running + momentum·batch, with
    the unbiased variance (n/(n − 1)·var) for ``running_var``, as PyTorch's. In evaluation the running
    statistics are used instead: y = x·a + (bias − running_mean·a) with a = weight / √(running_var + eps),
    an affine map whose gradient the engine takes. ``momentum=None`` (a cumulative average) is a
    matter of the layer, :class:`~autograd_lite.nn.BatchNorm1d`, which counts the batches.

    >>> x = Tensor([[1.0, 10.0], [3.0, 30.0]], requires_grad=True)
    >>> mean, var = np.zeros(2), np.ones(2)
    >>> batch_norm(x, mean, var, training=True, eps=0.0)
    Tensor([[-1., -1.],
            [ 1.,  1.]], op='normalize')
    >>> mean, var   # moved 10% towards the batch's: means (2, 20), unbiased variances (2, 200)
    (array([0.2, 2. ]), array([ 1.1, 20.9]))
    """
    out, updated = _batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    if updated is not None:   # last: a call that raises changes nothing
        _write(running_mean, updated[0])
        _write(running_var, updated[1])
    return out


def _write(target: Operand, array: Data) -> None:
    """Write ``array`` into ``target`` in place: into an array's memory, or as a tensor's data (the
    same tensor, marked modified: a graph that read it before refuses to backpropagate)."""
    modes.outside_the_graph("updating running statistics in place")
    if isinstance(target, Node):
        target.data = array
    else:
        target[...] = array


def _batch_norm(input: Operand, running_mean: Operand | None, running_var: Operand | None,  # noqa: A002
                weight: Operand | None, bias: Operand | None, training: bool, momentum: float,
                eps: float, op: str = "batch_norm") -> tuple[Operand, tuple[Data, Data] | None]:
    """:func:`batch_norm`'s output and, in training with running statistics, their updated values
    (new arrays, not written anywhere: the caller writes them, the layer into its buffers)."""
    shape = _shape(input)
    if len(shape) < 2:
        raise ShapeError(f"{op}: the input has shape {shape}; it must be (N, C) or (N, C, *), with the "
                         f"channels on axis 1")
    channels = shape[1]
    for name, value in (("running_mean", running_mean), ("running_var", running_var),
                        ("weight", weight), ("bias", bias)):
        _vector(op, name, value, channels, shape, "channels (axis 1)")
    training = _checks.boolean(training, "training", op)
    momentum = _checks.real(momentum, "momentum", op)
    eps = _checks.real(eps, "eps", op, minimum=0.0)
    if (running_mean is None) != (running_var is None):
        raise ValueError(f"{op}: running_mean and running_var must be given together, or both be None")
    if not training:
        if running_mean is None:
            raise ValueError(f"{op}: running_mean and running_var must be given in evaluation "
                             f"(training=False): the input is normalised with them")
        scale = 1.0 / sqrt(add(running_var, eps))
        if weight is not None:
            scale = multiply(weight, scale)
        shift = multiply(scale, running_mean) * -1.0
        if bias is not None:
            shift = add(shift, bias)
        return _affine(input, _channels_view(scale, len(shape)), _channels_view(shift, len(shape))), None
    if shape[0] * _size(shape[2:]) <= 1:
        raise ValueError(f"{op}: expected more than 1 value per channel when training, but the input has "
                         f"shape {shape}")
    axis = (0,) + tuple(range(2, len(shape)))
    out = _affine(_normalize(input, axis=axis, eps=eps), _per_channel(weight, shape),
                  _per_channel(bias, shape))
    if running_mean is None:
        return out, None
    return out, _running_stats(data_of(input), axis, data_of(running_mean), data_of(running_var), momentum)


def _per_channel(value: Operand | None, shape: tuple[int, ...]) -> Operand | None:
    return None if value is None else _channels_view(value, len(shape))


def _size(shape: Sequence[int]) -> int:
    size = 1
    for n in shape:
        size *= n
    return size


def _running_stats(x: Data, axis: tuple[int, ...], running_mean: Data, running_var: Data,
                   momentum: float) -> tuple[Data, Data]:
    """The running statistics moved towards the batch's: its mean and its unbiased variance, each in
    the dtype of the statistic it updates."""
    xp = backend.namespace(x, running_mean, running_var)
    batch_mean = xp.mean(x, axis=axis)
    batch_var = xp.var(x, axis=axis, correction=1)
    new_mean = (1.0 - momentum) * running_mean + momentum * batch_mean
    new_var = (1.0 - momentum) * running_var + momentum * batch_var
    return xp.astype(new_mean, running_mean.dtype), xp.astype(new_var, running_var.dtype)


# ---- layer_norm and group_norm ------------------------------------------------------------------------


def _normalized_shape(op: str, normalized_shape: int | Sequence[int]) -> tuple[int, ...]:
    requirement = "an int or a tuple of ints (the trailing axes to normalise over)"
    if isinstance(normalized_shape, (list, tuple)):
        try:
            return tuple(_checks.integer(n, "normalized_shape", op, minimum=0) for n in normalized_shape)
        except (TypeError, ValueError):
            raise TypeError(_checks.invalid(op, "normalized_shape", normalized_shape, requirement)) from None
    try:
        return (_checks.integer(normalized_shape, "normalized_shape", op, minimum=0),)
    except (TypeError, ValueError):
        raise TypeError(_checks.invalid(op, "normalized_shape", normalized_shape, requirement)) from None


def layer_norm(input: Operand, normalized_shape: int | Sequence[int], weight: Operand | None = None,  # noqa: A002
               bias: Operand | None = None, eps: float = 1e-5) -> Operand:
    """Layer normalization over the trailing axes ``normalized_shape``, PyTorch's ``F.layer_norm``:
    y = (x − mean) / √(var + eps)·weight + bias, each sample standardised on its own.

    ``weight`` and ``bias``, if given, have shape ``normalized_shape``. The gradient is that of
    :func:`_normalize`, then of the scale and shift.

    >>> layer_norm(Tensor([[1.0, 3.0], [0.0, 4.0]]), 2, eps=0.0)
    Tensor([[-1.,  1.],
            [-1.,  1.]])
    """
    op = "layer_norm"
    normalized = _normalized_shape(op, normalized_shape)
    shape = _shape(input)
    if not normalized or shape[len(shape) - len(normalized):] != normalized or len(normalized) > len(shape):
        raise ShapeError(f"{op}: normalized_shape {normalized} must be the trailing axes of the input, but "
                         f"the input has shape {shape}")
    for name, value in (("weight", weight), ("bias", bias)):
        if value is not None and _shape(value) != normalized:
            raise ShapeError(f"{op}: {name} has shape {_shape(value)}, but it must have normalized_shape "
                             f"{normalized}")
    eps = _checks.real(eps, "eps", op, minimum=0.0)
    axis = tuple(range(len(shape) - len(normalized), len(shape)))
    return _affine(_normalize(input, axis=axis, eps=eps), weight, bias)


def group_norm(input: Operand, num_groups: int, weight: Operand | None = None,  # noqa: A002
               bias: Operand | None = None, eps: float = 1e-5) -> Operand:
    """Group normalization of ``input`` (N, C, …), PyTorch's ``F.group_norm``: the C channels are cut
    into ``num_groups`` blocks of C / num_groups, and each sample's block is standardised over its
    channels and every spatial axis; then y = x̂·weight + bias per channel (weight, bias of shape (C,)).

    The gradient is that of :func:`_normalize` (on the input viewed as (N, num_groups, −1)), then of
    the scale and shift.

    >>> group_norm(Tensor([[1.0, 3.0, 0.0, 4.0]]), 2, eps=0.0)
    Tensor([[-1.,  1., -1.,  1.]])
    """
    op = "group_norm"
    shape = _shape(input)
    num_groups = _checks.integer(num_groups, "num_groups", op, minimum=1)
    if len(shape) < 2:
        raise ShapeError(f"{op}: the input has shape {shape}; it must be (N, C) or (N, C, *), with the "
                         f"channels on axis 1")
    if shape[1] % num_groups:
        raise ShapeError(f"{op}: num_groups {num_groups} must divide the {shape[1]} channels (axis 1) of the "
                         f"input of shape {shape}")
    for name, value in (("weight", weight), ("bias", bias)):
        _vector(op, name, value, shape[1], shape, "channels (axis 1)")
    eps = _checks.real(eps, "eps", op, minimum=0.0)
    grouped = reshape(input, shape=(shape[0], num_groups, _size(shape[1:]) // num_groups))
    normalized = reshape(_normalize(grouped, axis=(2,), eps=eps), shape=shape)
    return _affine(normalized, _per_channel(weight, shape), _per_channel(bias, shape))


__test__ = docstring_tests(globals())
