"""Initialisations as PyTorch's ``torch.nn.init``: in-place functions of a tensor (a layer's
parameter), drawn from the package's one generator.

Each function replaces the tensor's array with a new one of the same shape, dtype and device, and
returns the tensor: the parameter stays the same object, so an optimizer made before keeps training
it, and no graph is recorded. Numbers are drawn on the host in float64 by the package's generator
(:mod:`autograd_lite.random`, seeded by ``ag.manual_seed``; or by a NumPy ``Generator`` given as
``generator``), then rounded to the tensor's dtype and moved to its device, so a seed gives the same
weights on every device.

The scale of the Xavier and Kaiming initialisations comes from the tensor's fans, as PyTorch computes
them: for a weight of shape (out, in, k₁, …), ``fan_in = in · prod(kernel)`` and
``fan_out = out · prod(kernel)`` (the receptive field is 1 for a matrix).

>>> import autograd_lite as ag
>>> from autograd_lite import nn
>>> layer = nn.Linear(64, 32)
>>> weight = layer.weight
>>> nn.init.kaiming_normal_(layer.weight, nonlinearity="relu") is weight
True
>>> bool(abs(float(layer.weight.data.std()) - (2 / 64) ** 0.5) < 0.02)
True
>>> nn.init.zeros_(layer.bias).data[:3]
array([0., 0., 0.])
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from .. import backend
from .._checks import invalid, real
from ..backend import ndarray
from ..engine import data_of
from ..random import get_generator
from ..tensor import Tensor

__all__ = [
    "calculate_gain", "constant_", "eye_", "kaiming_normal_", "kaiming_uniform_", "normal_", "ones_",
    "orthogonal_", "trunc_normal_", "uniform_", "xavier_normal_", "xavier_uniform_", "zeros_",
]

_host = backend.host_namespace  # the draws are made on the host (see the module's docstring)

_GAIN_ONE = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
             "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The gain PyTorch recommends for ``nonlinearity``: 1 for linear layers and sigmoid, 5/3 for
    tanh, √2 for relu, √(2 / (1 + slope²)) for leaky_relu (``param`` is the negative slope, 0.01 by
    default), 3/4 for selu.

    >>> calculate_gain("tanh"), calculate_gain("leaky_relu", 0.2) == (2 / 1.04) ** 0.5
    (1.6666666666666667, True)
    """
    if nonlinearity in _GAIN_ONE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, bool) or not isinstance(param, numbers.Real):
            raise ValueError(f"calculate_gain: negative_slope {param!r} not a valid number")
        else:
            slope = float(param)
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; it must be one of "
                     f"{', '.join((*_GAIN_ONE, 'tanh', 'relu', 'leaky_relu', 'selu'))}")


# ---- filling without drawing --------------------------------------------------------------------
def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill ``tensor`` with ``val``.

    >>> constant_(ag.Tensor([1.0, 2.0]), 0.5)
    Tensor([0.5, 0.5])
    """
    _target("constant_", tensor, floats=False)
    return _replaced(tensor, _host.full(tensor.shape, real(val, "val", "constant_", finite=False)))


def zeros_(tensor: Tensor) -> Tensor:
    """Fill ``tensor`` with zeros."""
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill ``tensor`` with ones."""
    return constant_(tensor, 1.0)


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D ``tensor`` with the identity (ones on the diagonal, the rest zeros), which keeps a
    linear layer's inputs as they are.

    >>> eye_(ag.Tensor(np.zeros((2, 3))))
    Tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    _target("eye_", tensor, floats=False)
    if tensor.ndim != 2:
        raise ValueError(f"eye_: only tensors with 2 dimensions are supported, not shape {tensor.shape}")
    return _replaced(tensor, _host.eye(*tensor.shape))


# ---- draws --------------------------------------------------------------------------------------
def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
    """Fill ``tensor`` with draws from the uniform distribution U(a, b).

    >>> t = uniform_(ag.Tensor(np.zeros(1000)), -1.0, 1.0)
    >>> bool(t.data.min() >= -1.0 and t.data.max() < 1.0)
    True
    """
    _target("uniform_", tensor)
    a, b = real(a, "a", "uniform_"), real(b, "b", "uniform_")
    if a > b:
        raise ValueError(f"uniform_: expects a range [a, b) with a <= b, but found a={a} > b={b}")
    return _replaced(tensor, _generator(generator).uniform(a, b, size=tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Tensor:
    """Fill ``tensor`` with draws from the normal distribution N(mean, std²).

    >>> bool(abs(float(normal_(ag.Tensor(np.zeros(10_000)), 3.0, 0.1).data.mean()) - 3.0) < 0.01)
    True
    """
    _target("normal_", tensor)
    mean, std = real(mean, "mean", "normal_"), real(std, "std", "normal_", minimum=0.0)
    return _replaced(tensor, _generator(generator).normal(mean, std, size=tensor.shape))


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator: Any = None) -> Tensor:
    """Fill ``tensor`` with draws from N(mean, std²) truncated to [a, b]: a draw outside is drawn
    again (rejection sampling, the same distribution as PyTorch's inverse-CDF method; [a, b] must hold
    some of the normal's mass).

    >>> t = trunc_normal_(ag.Tensor(np.zeros(1000)), std=1.0, a=-0.5, b=0.5)
    >>> bool(t.data.min() >= -0.5 and t.data.max() <= 0.5)
    True
    """
    _target("trunc_normal_", tensor)
    mean, std = real(mean, "mean", "trunc_normal_"), real(std, "std", "trunc_normal_", minimum=0.0)
    a, b = real(a, "a", "trunc_normal_", finite=False), real(b, "b", "trunc_normal_", finite=False)
    if not a < b or (std == 0.0 and not a <= mean <= b):
        raise ValueError(f"trunc_normal_: [a, b] = [{a}, {b}] must be a range that N({mean}, {std}²) "
                         f"can fall in")
    if std > 0.0 and _normal_mass(mean, std, a, b) < 1e-6:
        raise ValueError(f"trunc_normal_: [a, b] = [{a}, {b}] holds almost none of N({mean}, {std}²): "
                         f"draws would almost never fall in it")
    draw = _generator(generator)
    values = draw.normal(mean, std, size=tensor.shape)
    outside = (values < a) | (values > b)
    while outside.any():
        values[outside] = draw.normal(mean, std, size=int(outside.sum()))
        outside = (values < a) | (values > b)
    return _replaced(tensor, values)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Glorot and Bengio's initialisation: U(−bound, bound) with bound = gain · √(6 / (fan_in +
    fan_out)), so that std = gain · √(2 / (fan_in + fan_out))."""
    std = _xavier_std("xavier_uniform_", tensor, gain)
    return _replaced(tensor, _generator(generator).uniform(-math.sqrt(3.0) * std, math.sqrt(3.0) * std,
                                                             size=tensor.shape))


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Glorot and Bengio's initialisation: N(0, std²) with std = gain · √(2 / (fan_in + fan_out))."""
    std = _xavier_std("xavier_normal_", tensor, gain)
    return _replaced(tensor, _generator(generator).normal(0.0, std, size=tensor.shape))


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator: Any = None) -> Tensor:
    """He et al.'s initialisation: U(−bound, bound) with bound = gain · √(3 / fan), gain =
    :func:`calculate_gain` (``nonlinearity``, ``a``) and fan the tensor's ``mode`` (``"fan_in"``
    keeps the variance of the outputs, ``"fan_out"`` that of the gradients). PyTorch's ``Linear`` and
    ``Conv`` weights are ``kaiming_uniform_(w, a=√5)``. A tensor with no elements is left as it is."""
    std = _kaiming_std("kaiming_uniform_", tensor, a, mode, nonlinearity)
    if std is None:
        return tensor
    return _replaced(tensor, _generator(generator).uniform(-math.sqrt(3.0) * std, math.sqrt(3.0) * std,
                                                             size=tensor.shape))


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator: Any = None) -> Tensor:
    """He et al.'s initialisation: N(0, std²) with std = gain / √fan (see :func:`kaiming_uniform_`)."""
    std = _kaiming_std("kaiming_normal_", tensor, a, mode, nonlinearity)
    if std is None:
        return tensor
    return _replaced(tensor, _generator(generator).normal(0.0, std, size=tensor.shape))


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Saxe et al.'s initialisation: ``gain`` times a (semi-)orthogonal matrix, drawn uniformly (the Q
    of the QR decomposition of a normal matrix, its signs fixed by R's diagonal, as PyTorch's). A
    tensor of more than 2 dimensions is seen as a matrix of ``shape[0]`` rows.

    >>> q = orthogonal_(ag.Tensor(np.zeros((3, 5)))).data
    >>> bool(np.allclose(q @ q.T, np.eye(3)))
    True
    """
    _target("orthogonal_", tensor)
    gain = real(gain, "gain", "orthogonal_")
    if tensor.ndim < 2:
        raise ValueError(f"orthogonal_: only tensors with 2 or more dimensions are supported, not shape "
                         f"{tensor.shape}")
    if tensor.size == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.size // rows
    flat = _generator(generator).normal(0.0, 1.0, size=(rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = _host.linalg.qr(flat)
    q = q * _host.sign(_host.diagonal(r))
    if rows < cols:
        q = q.T
    return _replaced(tensor, gain * q.reshape(tensor.shape))


# ---- the pieces ---------------------------------------------------------------------------------
def _calculate_fan_in_and_fan_out(tensor: Tensor, where: str = "init") -> tuple[int, int]:
    """PyTorch's fans: ``(shape[1] · receptive field, shape[0] · receptive field)``, the receptive
    field being the product of the dimensions after the first two."""
    if tensor.ndim < 2:
        raise ValueError(f"{where}: fan in and fan out can not be computed for a tensor with fewer than "
                         f"2 dimensions (shape {tensor.shape})")
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _xavier_std(where: str, tensor: Tensor, gain: float) -> float:
    _target(where, tensor)
    gain = real(gain, "gain", where)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor, where)
    return gain * math.sqrt(2.0 / max(fan_in + fan_out, 1))   # no fans, no elements: nothing is drawn


def _kaiming_std(where: str, tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float | None:
    """gain / √fan, or ``None`` for a tensor with no elements (PyTorch warns that it is a no-op)."""
    _target(where, tensor)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{where}: mode {mode!r} not supported, please use one of fan_in, fan_out")
    gain = calculate_gain(nonlinearity, a)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor, where)
    if tensor.size == 0:
        return None
    return gain / math.sqrt(fan_in if mode == "fan_in" else fan_out)


def _normal_mass(mean: float, std: float, a: float, b: float) -> float:
    """P(a ≤ X ≤ b) for X ~ N(mean, std²)."""
    def cdf(x: float) -> float:
        return 0.5 * (1.0 + math.erf((x - mean) / (std * math.sqrt(2.0))))
    return cdf(b) - cdf(a)


def _target(where: str, tensor: Any, floats: bool = True) -> Tensor:
    """``tensor``, if it is a leaf tensor (of floats, for the draws) that can be initialised."""
    if not isinstance(tensor, Tensor):
        raise TypeError(invalid(where, "tensor", tensor, "a Tensor (such as a layer's weight)"))
    if not tensor.is_leaf:
        raise RuntimeError(f"{where}: the tensor is the result of {tensor.op}, which the graph may still "
                           f"need; initialise a leaf (a parameter) instead")
    if floats and backend.dtype_kind(tensor.dtype) != "f":
        raise TypeError(f"{where}: draws need a float tensor, not {backend.dtype_name(tensor.dtype)}")
    return tensor


def _generator(generator: Any) -> Any:
    """The NumPy ``Generator`` to draw from: the package's unless one is given."""
    if generator is None:
        return get_generator()
    if not isinstance(generator, _host.random.Generator):
        raise TypeError(invalid("init", "generator", generator, "None (the package's generator) or a "
                                "numpy.random.Generator"))
    return generator


def _replaced(tensor: Tensor, values: ndarray) -> Tensor:
    """``tensor`` with its array replaced by the host array ``values``, in its dtype, on its device."""
    data = data_of(tensor)
    if data.__class__ is ndarray:
        array = values.astype(data.dtype)
    else:
        array = backend.array(values, dtype=backend.dtype_name(data.dtype), device=backend.device_of(data),
                              xp=backend.namespace(data))
    tensor.data = array   # the setter marks the tensor changed: graphs recorded before refuse to run backward
    return tensor
