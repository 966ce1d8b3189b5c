"""Training utilities as PyTorch's ``torch.nn.utils``: gradient clipping, and parameters as one vector.

Clipping goes between ``backward()`` and the optimizer's ``step()``, and changes the gradients (each
parameter's ``.grad`` is replaced by the clipped array, of the same dtype and device):

>>> import numpy as np
>>> from autograd_lite import nn
>>> layer = nn.Linear(3, 1)
>>> layer(np.full((4, 3), 100.0)).sum().backward()
>>> total = nn.utils.clip_grad_norm_(layer.parameters(), max_norm=1.0)
>>> bool(total > 1.0), round(float(nn.utils.clip_grad_norm_(layer.parameters(), 1.0)), 5)
(True, 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from .. import backend, modes
from .._checks import boolean, invalid, real
from ..engine import data_of
from ..tensor import Tensor
from ..tensor_ops import concatenate, reshape
from ..typing import Data

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters"]

#: what the functions take as parameters: one tensor, or an iterable of them (``model.parameters()``)
Parameters = Tensor | Iterable[Tensor]


def clip_grad_norm_(parameters: Parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Scale the gradients so that their total norm is at most ``max_norm``; return the total norm
    before clipping (a 0-d tensor), as PyTorch's.

    The total norm is the ``norm_type``-norm of all the gradients together, as if they were one vector
    (the norm of the parameters' norms): ``(Σ |g|^p)^(1/p)``, or ``max |g|`` for ``float("inf")``
    (``min |g|`` for ``-inf``). Every gradient is multiplied by ``min(1, max_norm / (total + 1e-6))``,
    PyTorch's factor, so gradients already within the limit are left (almost exactly) as they are.
    Parameters without a gradient are skipped; with none, the norm is 0. A total norm that is NaN or
    infinite is a ``RuntimeError`` if ``error_if_nonfinite`` (and nothing is changed); otherwise
    the gradients are scaled by it, as PyTorch does. ``foreach`` is accepted for PyTorch's code: every
    gradient is scaled the same way.
    """
    modes.outside_the_graph("clip_grad_norm_ (NumPy on the gradients)")
    where = "clip_grad_norm_"
    grads = _gradients(where, parameters)
    max_norm = real(max_norm, "max_norm", where, minimum=0.0, finite=False)
    norm_type = real(norm_type, "norm_type", where, finite=False)
    error_if_nonfinite = boolean(error_if_nonfinite, "error_if_nonfinite", where)
    _foreach(where, foreach)
    if not grads:
        return Tensor(0.0)
    total = _norm([_norm_of(data_of(p.grad), norm_type) for p in grads], norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"{where}: the total norm of order {norm_type} of the gradients is non-finite "
                           f"({total}), so it cannot be clipped; to scale the gradients by it anyway, set "
                           f"error_if_nonfinite=False")
    factor = min(1.0, max_norm / (total + 1e-6))
    for p in grads:
        grad = data_of(p.grad)
        xp = backend.namespace(grad)
        p.grad = grad * xp.asarray(factor, dtype=grad.dtype, device=backend.device_of(grad))
    first = data_of(grads[0].grad)
    xp = backend.namespace(first)
    return Tensor(xp.asarray(total, dtype=first.dtype, device=backend.device_of(first)))


def clip_grad_value_(parameters: Parameters, clip_value: float, foreach: bool | None = None) -> None:
    """Clip every gradient, element by element, to ``[-clip_value, clip_value]`` (each ``.grad`` is
    replaced by its clipped array; parameters without a gradient are skipped).

    >>> from autograd_lite import Tensor
    >>> w = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> w.grad = np.array([-5.0, 0.5, 5.0])
    >>> clip_grad_value_([w], 1.0)
    >>> w.grad
    array([-1. ,  0.5,  1. ])
    """
    modes.outside_the_graph("clip_grad_value_ (NumPy on the gradients)")
    where = "clip_grad_value_"
    grads = _gradients(where, parameters)
    clip_value = real(clip_value, "clip_value", where, minimum=0.0, finite=False)
    _foreach(where, foreach)
    for p in grads:
        grad = data_of(p.grad)
        p.grad = backend.namespace(grad).clip(grad, -clip_value, clip_value)


def parameters_to_vector(parameters: Parameters) -> Tensor:
    """The parameters, each flattened, one after another in one 1-d tensor (a graph node: gradients
    flow back to the parameters).

    >>> from autograd_lite import nn
    >>> nn.utils.parameters_to_vector(nn.Linear(3, 2).parameters()).shape
    (8,)
    """
    params = _tensors("parameters_to_vector", parameters)
    if not params:
        raise ValueError("parameters_to_vector: no parameters given")
    return concatenate([reshape(p, (-1,)) for p in params])


def vector_to_parameters(vec: Tensor, parameters: Parameters) -> None:
    """Copy the pieces of the 1-d tensor ``vec`` into the parameters (in place; the inverse of
    :func:`parameters_to_vector`). ``vec`` must have as many elements as the parameters together;
    each piece takes its parameter's shape and dtype.

    >>> from autograd_lite import nn
    >>> layer = nn.Linear(2, 1)
    >>> nn.utils.vector_to_parameters(Tensor([1.0, 2.0, 3.0]), layer.parameters())
    >>> layer.weight.data, layer.bias.data
    (array([[1., 2.]]), array([3.]))
    """
    where = "vector_to_parameters"
    if not isinstance(vec, Tensor):
        raise TypeError(invalid(where, "vec", vec, "a Tensor"))
    params = _tensors(where, parameters)
    sizes = [p.size for p in params]
    if vec.ndim != 1 or vec.size != sum(sizes):
        raise ValueError(f"{where}: vec of shape {vec.shape} must be 1-d with {sum(sizes)} elements, as "
                         f"many as the parameters (shapes {[p.shape for p in params]})")
    data = data_of(vec)
    pieces, start = [], 0
    for p, size in zip(params, sizes):
        target = data_of(p)
        piece = backend.namespace(data).reshape(data[start:start + size], p.shape)
        pieces.append(backend.array(piece, dtype=backend.dtype_name(target.dtype),
                                    device=backend.device_of(target), xp=backend.namespace(target)))
        start += size
    for p, piece in zip(params, pieces):   # all made: now change
        p.data = piece


def _tensors(where: str, parameters: Any) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        return [parameters]
    if not isinstance(parameters, Iterable) or isinstance(parameters, (str, dict)):
        raise TypeError(invalid(where, "parameters", parameters, "a Tensor or an iterable of Tensors "
                                "(such as model.parameters())"))
    params = list(parameters)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"{where}: parameters must be Tensors, but one is a {type(p).__name__}")
    return params


def _gradients(where: str, parameters: Any) -> list[Tensor]:
    """The parameters that have a gradient."""
    return [p for p in _tensors(where, parameters) if p.grad is not None]


def _foreach(where: str, foreach: Any) -> None:
    if foreach is not None:
        boolean(foreach, "foreach", where)


def _norm_of(grad: Data, p: float) -> float:
    """The ``p``-norm of the array ``grad`` as one vector, as ``torch.linalg.vector_norm``."""
    xp = backend.namespace(grad)
    if grad.size == 0:
        return 0.0
    magnitude = xp.abs(grad)
    if p == math.inf:
        return float(xp.max(magnitude))
    if p == -math.inf:
        return float(xp.min(magnitude))
    if p == 0:
        return float(xp.sum(xp.astype(magnitude != 0, grad.dtype)))
    if p == 2:
        return float(xp.sqrt(xp.sum(magnitude * magnitude)))
    return float(xp.sum(magnitude ** p) ** (1.0 / p))


def _norm(values: list[float], p: float) -> float:
    """The ``p``-norm of a list of numbers (the norm of the gradients' norms)."""
    return _norm_of(backend.host_namespace.asarray(values, dtype=float), p)
