"""Keras' accuracy functions, one value per sample, on host float64 copies of their inputs (see
:mod:`autograd_lite.nn.metrics`). The examples assume ``import numpy as np``."""

from __future__ import annotations

from typing import Any

from ... import backend
from ...backend import ndarray
from ...engine import data_of, docstring_tests
from ..losses import squeeze_or_expand_to_same_rank

__all__ = [
    "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "sparse_top_k_categorical_accuracy", "top_k_categorical_accuracy",
]

_host = backend.host_namespace


def _host_array(x: Any) -> ndarray:
    """``x`` (a Tensor, an array of any library, numbers) as a host float64 array."""
    return _host.asarray(backend.to_host(data_of(x)) if not isinstance(x, (list, tuple, int, float)) else x,
                         dtype=_host.float64)


# ---- the accuracy functions, one value per sample ----------------------------------------------------

def accuracy(y_true: Any, y_pred: Any) -> ndarray:
    """1.0 where y_pred equals y_true exactly, else 0.0 (Keras' ``Accuracy``)."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(_host_array(y_true), _host_array(y_pred))
    return (y_true == y_pred).astype(_host.float64)


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> ndarray:
    """1.0 where (y_pred > ``threshold``) equals the label y_true (0 or 1), per output.

    >>> binary_accuracy(np.array([1, 0, 1]), np.array([[0.9], [0.6], [0.2]]))
    array([[1.],
           [0.],
           [0.]])
    """
    y_true, y_pred = squeeze_or_expand_to_same_rank(_host_array(y_true), _host_array(y_pred))
    return (y_true == (y_pred > threshold)).astype(_host.float64)


def categorical_accuracy(y_true: Any, y_pred: Any) -> ndarray:
    """1.0 where argmax y_pred is argmax y_true (one-hot labels), per sample.

    >>> categorical_accuracy(np.array([[0, 1], [1, 0]]), np.array([[0.2, 0.8], [0.3, 0.7]]))
    array([1., 0.])
    """
    y_true, y_pred = _host.argmax(_host_array(y_true), axis=-1), _host_array(y_pred)
    shape = y_true.shape
    if y_true.ndim == y_pred.ndim:
        y_true = _host.squeeze(y_true, -1)
    matches = (y_true == _host.argmax(y_pred, axis=-1)).astype(_host.float64)
    return matches.reshape(shape) if len(shape) == y_pred.ndim else matches


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> ndarray:
    """1.0 where argmax y_pred is the class label y_true, per sample.

    >>> sparse_categorical_accuracy(np.array([1, 1]), np.array([[0.2, 0.8], [0.3, 0.7]]))
    array([1., 1.])
    """
    y_true, y_pred = _host_array(y_true), _host_array(y_pred)
    shape = y_true.shape
    squeezed = y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1
    if squeezed:
        y_true = _host.squeeze(y_true, -1)
    matches = (y_true == _host.argmax(y_pred, axis=-1)).astype(_host.float64)
    if squeezed:
        matches = matches.reshape(shape)
    return _host.squeeze(matches, -1) if matches.ndim > 1 and matches.shape[-1] == 1 else matches


def _in_top_k(labels: ndarray, y_pred: ndarray, k: int, shape: tuple[int, ...]) -> ndarray:
    """1.0 where fewer than k predictions of a row are above the one at its label (NaN counts as −∞)."""
    rows = y_pred.reshape(-1, y_pred.shape[-1])
    labels = labels.reshape(-1).astype(_host.intp)
    at_label = _host.take_along_axis(rows, labels[:, None], axis=-1)
    at_label = _host.where(_host.isnan(at_label), -_host.inf, at_label)
    matches = ((rows > at_label).sum(axis=-1) + 1 <= k).astype(_host.float64)
    return matches.reshape(shape)


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> ndarray:
    """1.0 where the one-hot label's class is among the k largest predictions (ties count for it).

    >>> y_pred = np.array([[0.1, 0.5, 0.4], [0.5, 0.1, 0.4]])
    >>> top_k_categorical_accuracy(np.array([[0, 0, 1], [0, 1, 0]]), y_pred, k=2)
    array([1., 0.])
    """
    labels = _host.argmax(_host_array(y_true), axis=-1)
    return _in_top_k(labels, _host_array(y_pred), k, labels.shape)


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5, from_sorted_ids: bool = False
                                      ) -> ndarray:
    """1.0 where the class label is among the k largest predictions (or, ``from_sorted_ids``, among
    the first k class ids of each row of y_pred).

    >>> sparse_top_k_categorical_accuracy(np.array([2, 1]), np.array([[0.1, 0.5, 0.4], [0.5, 0.1, 0.4]]), k=2)
    array([1., 0.])
    """
    labels, y_pred = _host_array(y_true), _host_array(y_pred)
    if from_sorted_ids:
        rows = y_pred.reshape(-1, y_pred.shape[-1])[:, :k]
        return (rows == labels.reshape(-1, 1)).any(axis=1).astype(_host.float64).reshape(labels.shape)
    return _in_top_k(labels, y_pred, k, labels.shape)


__test__ = docstring_tests(globals())
