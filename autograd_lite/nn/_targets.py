"""How the losses of :mod:`autograd_lite.nn.functional` read their targets and options: shapes
compared (a loss never broadcasts), class labels checked on a host copy and moved to the logits'
device, targets given the prediction's float dtype where the array library does not mix kinds,
weights made constant arrays beside the prediction, and the ``reduction`` applied."""

from __future__ import annotations

import math

from .. import backend, modes
from ..backend import Namespace, ndarray
from ..engine import ShapeError, data_of
from ..reductions import mean
from ..reductions import sum as total
from ..typing import Data, DTypeLike, Operand

_host = backend.host_namespace  # NumPy, for the label checks' host copies and their messages


def _float_type(xp: Namespace, x: Data) -> DTypeLike:
    """The floating dtype that results from array ``x``: its own if it is a float array, else the
    widest float of its device (float64, where the device has it)."""
    if backend.dtype_kind(x.dtype) == "f":
        return x.dtype
    return backend.default_float(xp, backend.device_of(x))


def _shape(x: Operand) -> tuple[int, ...]:
    shape = getattr(data_of(x), "shape", None)  # an array's (any library's) is read, not computed
    if shape.__class__ is tuple:
        return shape
    return tuple(shape) if shape is not None else _host.shape(data_of(x))


def _few(values: ndarray) -> str:
    """Up to five of the distinct ``values`` (a host array), for an error message."""
    distinct = _host.unique(values)
    return str(distinct[:5].tolist())[:-1] + (", ...]" if distinct.size > 5 else "]")


def _check_same_shape(function: str, prediction: Operand, target: Operand, hint: str = "") -> None:
    """Raise a :class:`ShapeError` naming both shapes unless they are equal."""
    shape_p, shape_t = _shape(prediction), _shape(target)
    if shape_p == shape_t:
        return
    if not hint and math.prod(shape_p) == math.prod(shape_t):
        hint = f"reshape the target to {shape_p}"
    raise ShapeError(f"{function}: the prediction has shape {shape_p} but the target has shape {shape_t}; "
                     f"a loss compares them element by element and never broadcasts"
                     + (f": {hint}" if hint else ""))


def _class_indices(function: str, target: Operand, classes: int, logits: Operand,
                   whole_floats: bool = False) -> Data:
    """``target`` as a flat integer array of class indices, each checked to lie in [0, classes), on
    the device of ``logits``, to index them (NumPy's labels move there; another library's must be
    there already). The checks and their messages read a host copy of the labels.

    ``whole_floats``: accept floats that are whole numbers (Keras' sparse losses do); otherwise the
    dtype must be an integer one, as PyTorch requires.
    """
    return _kept_classes(function, target, classes, logits, whole_floats)[0]


def _kept_classes(function: str, target: Operand, classes: int, logits: Operand,
                  whole_floats: bool = False, ignore_index: int | None = None) -> tuple[Data, Data | None]:
    """The class indices of :func:`_class_indices`, where a label equal to ``ignore_index`` is
    allowed (in range or not, as PyTorch allows it) and stands for "no class": such labels are
    returned as 0 (any valid index), with a boolean array, True where a label was ignored, on the
    logits' device; ``None`` in its place when no label is (then nothing needs masking). A compiled
    function computes (and checks) them again on every call."""
    return modes.data_computed(_kept_classes_now, function, target, classes, logits, whole_floats,
                               ignore_index)


def _kept_classes_now(function: str, target: Operand, classes: int, logits: Operand, whole_floats: bool,
                      ignore_index: int | None) -> tuple[Data, Data | None]:
    given, data = data_of(target), data_of(logits)
    if backend.is_array(given) and given.__class__ is not ndarray:
        try:
            backend.namespace(data, given)
        except backend.DeviceError as error:
            raise backend.DeviceError(f"{function}: {error}") from None
    labels = backend.to_host(given)
    if labels.dtype.kind == "f" and whole_floats:
        wrong = labels[~_host.isfinite(labels) | (labels != _host.round(labels))]
        if wrong.size:
            raise ValueError(f"{function}: class labels must be whole numbers, but the target contains "
                             f"{_few(wrong)}")
        labels = labels.astype(_host.intp)
    elif labels.dtype.kind not in "iu":
        raise ValueError(f"{function}: class indices must have an integer dtype, but the target has dtype "
                         f"{labels.dtype} (values {_few(labels)}); convert whole-number labels with "
                         f".astype(int), or give class probabilities in the prediction's shape")
    labels = labels.reshape(-1)
    ignored = None
    outside = labels.size and (labels.min() < 0 or labels.max() >= classes)
    if ignore_index is not None and (outside or 0 <= ignore_index < classes):
        marked = labels == ignore_index
        if marked.any():
            ignored, labels = marked, _host.where(marked, 0, labels)
            outside = labels.min() < 0 or labels.max() >= classes
    if outside:
        bad = labels[(labels < 0) | (labels >= classes)]
        allowed = f" (or the ignore_index {ignore_index})" if ignore_index is not None else ""
        raise ValueError(f"{function}: class labels must be in [0, {classes}){allowed} for {classes} "
                         f"classes, but the target contains {_few(bad)}")
    if data.__class__ is ndarray:
        return labels, ignored
    xp, device = backend.namespace(data), backend.device_of(data)
    return (backend.index_in(xp, labels, device),
            None if ignored is None else backend.index_in(xp, ignored, device))


def _rows(labels: Data) -> Data:
    """0, 1, …, n − 1 for n labels, on their device: the row index that goes with them."""
    xp = backend.namespace(labels)
    n = labels.shape[0]
    return xp.arange(n) if xp is _host else xp.arange(n, device=backend.device_of(labels))


def _target_for(prediction: Operand, target: Operand) -> Operand:
    """The target, its integer or bool data as the prediction's float dtype where the array library
    does not mix kinds (the standard's rule; NumPy's targets stay as they are, NumPy mixes them)."""
    data, predicted = data_of(target), data_of(prediction)
    if data.__class__ is ndarray or not backend.is_array(data) or backend.dtype_kind(data.dtype) == "f":
        return target
    xp = backend.namespace(data)
    return xp.astype(data, _float_type(xp, predicted if backend.is_array(predicted) else data))


def _size(x: Operand) -> int:
    """The n of a mean over x's elements, as its gradient divides by it (1 for an empty x, whose
    gradient is empty: PyTorch's answer, where n = 0 would raise)."""
    return math.prod(_shape(x)) or 1


#: PyTorch's reductions of a loss: the mean over its elements, their sum, or the elements themselves
REDUCTIONS = ("mean", "sum", "none")


def _reduction(function: str, reduction: object, also: tuple[str, ...] = ()) -> str:
    """``reduction`` if it is one of :data:`REDUCTIONS` (or of ``also``), else a ValueError."""
    if isinstance(reduction, str) and (reduction in REDUCTIONS or reduction in also):
        return reduction
    choices = ", ".join(repr(name) for name in (*REDUCTIONS, *also))
    raise ValueError(f"{function}: reduction must be one of {choices}, not {reduction!r}")


def _reduced(losses: Operand, reduction: str) -> Operand:
    """The losses (one per element) averaged, summed, or as they are ("none")."""
    if reduction == "mean":
        return mean(losses)
    if reduction == "sum":
        return total(losses)
    return losses


def _constant(function: str, name: str, value: Operand, like: Operand, shape: tuple[int, ...] | None = None,
              fits: tuple[int, ...] | None = None) -> Data:
    """``value`` (a weight: an array, a Tensor, numbers) as an array of ``like``'s library, device and
    float dtype. It is a constant: PyTorch does not differentiate a loss's weights either, and a
    Tensor's data is read. Its shape must be ``shape``, or broadcast to ``fits`` without changing it.
    """
    data, given = data_of(like), data_of(value)
    xp = backend.namespace(data)
    if backend.is_array(given) and given.__class__ is not ndarray:
        try:
            backend.namespace(data, given)
        except backend.DeviceError as error:
            raise backend.DeviceError(f"{function}: {name}: {error}") from None
    elif not backend.is_array(given):
        given = _host.asarray(given)
    dtype = _float_type(xp, data)
    if xp is _host:
        weights = given.astype(dtype, copy=False)
    else:
        weights = xp.astype(xp.asarray(given, device=backend.device_of(data)), dtype)
    got = tuple(weights.shape)
    if shape is not None and got != shape:
        raise ShapeError(f"{function}: {name} must have shape {shape}, one per class, but it has shape {got}")
    if fits is not None:
        try:
            fitting = _host.broadcast_shapes(got, fits) == fits
        except ValueError:
            fitting = False
        if not fitting:
            raise ShapeError(f"{function}: {name} of shape {got} does not broadcast to the input's shape "
                             f"{fits}")
    return weights
