"""How the losses of :mod:`autograd_lite.nn.functional` read their targets: shapes compared (a loss
never broadcasts), class labels checked on a host copy and moved to the logits' device, targets given
the prediction's float dtype where the array library does not mix kinds."""

from __future__ import annotations

import math

from .. import backend
from ..backend import Namespace, ndarray
from ..engine import ShapeError, data_of
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
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        bad = labels[(labels < 0) | (labels >= classes)]
        raise ValueError(f"{function}: class labels must be in [0, {classes}) for {classes} classes, but "
                         f"the target contains {_few(bad)}")
    labels = labels.reshape(-1)
    if data.__class__ is ndarray:
        return labels
    return backend.index_in(backend.namespace(data), labels, backend.device_of(data))


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
