"""Layers: ``Linear`` (PyTorch's), ``Dense`` and ``Input`` (Keras'), and the activations as modules.

Each layer is a thin class over :mod:`autograd_lite.nn.functional`: the math lives there, the layer
holds the parameters. Initial weights are drawn on the host by the package's one NumPy ``Generator``
(:mod:`autograd_lite.random`, which ``ag.manual_seed`` seeds; ``nn.manual_seed``, ``get_rng_state``
and ``set_rng_state`` are its functions, re-exported here) and then moved to the layer's device, so
that a seed gives the same weights on every device.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ... import backend
from ..._checks import boolean, integer, invalid, real
from ...backend import ndarray
from ...engine import data_of
from ...random import get_generator, get_rng_state, manual_seed, set_rng_state
from ...tensor import Tensor
from ...typing import Operand
from .. import functional as F
from .._arguments import lookup
from ..module import Module, Parameter

__all__ = [
    "ACTIVATIONS", "GELU", "Dense", "Input", "LeakyReLU", "Linear", "ReLU", "Sigmoid", "Softmax", "Step",
    "Tanh", "get_rng_state", "manual_seed", "set_rng_state",
]

_host = backend.host_namespace  # the generator draws on the host (see the module's docstring)
_generator = get_generator()  # the package's one generator: ag.manual_seed seeds it in place


def _uniform(bound: float, shape: tuple[int, ...], device: Any = None) -> Parameter:
    """U(−bound, bound) of ``shape``, drawn on the host, on ``device`` (the host for ``None``)."""
    return _parameter_on(_generator.uniform(-bound, bound, size=shape), device)


def _parameter_on(array: ndarray, device: Any) -> Parameter:
    if device is None or device == "cpu":
        return Parameter(array)
    return Parameter(backend.array(array, device=device, xp=backend.namespace_of_device(device)))


class Linear(Module):
    """y = x @ weightᵀ + bias, with PyTorch's initialisation U(−1/√in, 1/√in).

    ``weight`` has shape (out_features, in_features). Seed with :func:`manual_seed`.

    >>> from autograd_lite import nn
    >>> layer = nn.Linear(3, 2)
    >>> layer, layer.weight.shape, layer(np.ones((5, 3))).shape
    (Linear(in_features=3, out_features=2, bias=True), (2, 3), (5, 2))
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        in_features = integer(in_features, "in_features", "Linear", minimum=0)
        out_features = integer(out_features, "out_features", "Linear", minimum=0)
        bias = boolean(bias, "bias", "Linear")
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1.0 / math.sqrt(in_features) if in_features else 0.0   # PyTorch's, which has 0 for 0
        self.weight = _uniform(bound, (out_features, in_features))
        self.bias = _uniform(bound, (out_features,)) if bias else None

    def forward(self, x: Operand) -> Tensor:
        return F.linear(x, self.weight, self.bias) if self.bias is not None else F.linear(x, self.weight)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, " \
               f"bias={self.bias is not None}"


#: activations by Keras' names, for ``Dense(..., activation='sigmoid')``
ACTIVATIONS: dict[str, Callable[[Operand], Operand]] = {
    "linear": lambda x: x, "relu": F.relu, "sigmoid": F.sigmoid, "tanh": F.tanh, "softmax": F.softmax,
    "gelu": F.gelu, "leaky_relu": F.leaky_relu, "step": F.step, "softplus": F.softplus,
}


class Dense(Module):
    """Keras' fully connected layer: activation(x @ weightᵀ + bias), Glorot-uniform initialised.

    ``weight`` has shape (units, input_dim), PyTorch's layout, so that :meth:`~Module.state_dict`
    loads into ``torch.nn.Linear``: it is Keras' ``kernel`` (input_dim, units) transposed, so Keras'
    ``layer.kernel`` is ``layer.weight.data.T`` here. ``bias`` has shape (units,), or is ``None``
    with ``use_bias=False``. The input size is taken from ``input_dim`` or from the first batch the
    layer sees; until then it has no parameters (``built`` is False), and then it makes them on the
    device :meth:`~Module.to` gave it, or else on its first batch's device.

    >>> from autograd_lite.nn import Dense
    >>> layer = Dense(4, activation='relu')
    >>> layer.built
    False
    >>> layer(np.ones((5, 3))).shape, layer.weight.shape, layer.bias.shape
    ((5, 4), (4, 3), (4,))
    """

    def __init__(self, units: int, activation: str | Callable[[Tensor], Tensor] | None = None,
                 input_dim: int | None = None, use_bias: bool = True) -> None:
        units = integer(units, "units", "Dense", minimum=1)
        if isinstance(activation, str):
            function = lookup(ACTIVATIONS, "activation", activation, "Dense")
        elif activation is None or callable(activation):
            function = activation or ACTIVATIONS["linear"]
        else:
            raise TypeError(invalid("Dense", "activation", activation, "a name such as 'relu', a "
                                    "function, or None"))
        if input_dim is not None:
            input_dim = integer(input_dim, "input_dim", "Dense", minimum=1)
        use_bias = boolean(use_bias, "use_bias", "Dense")
        super().__init__()
        self.units, self.use_bias, self.input_dim = units, use_bias, input_dim
        self.activation_name = activation if isinstance(activation, str) else \
            getattr(activation, "__name__", "linear") if activation else "linear"
        self.activation = function
        if input_dim is not None:
            self.build(input_dim)

    def build(self, input_dim: int) -> None:
        """Create the weights for inputs of ``input_dim`` features (Glorot uniform, zero bias)."""
        input_dim = integer(input_dim, "input_dim", "Dense", minimum=1)
        self.input_dim = input_dim
        bound = math.sqrt(6.0 / (input_dim + self.units))
        self.weight = _uniform(bound, (self.units, input_dim), self._device)
        self.bias = _parameter_on(_host.zeros(self.units), self._device) if self.use_bias else None

    @property
    def built(self) -> bool:
        """Whether the weights exist yet."""
        return "weight" in vars(self)

    def forward(self, x: Operand) -> Tensor:
        if not self.built:
            data = data_of(x)
            if self._device is None and backend.is_array(data) and data.__class__ is not ndarray:
                self._device = backend.device_of(data)
            self.build(tuple(data.shape)[-1] if backend.is_array(data) else _host.shape(data)[-1])
        z = F.linear(x, self.weight, self.bias) if self.use_bias else F.linear(x, self.weight)
        return self.activation(z)

    def extra_repr(self) -> str:
        return f"units={self.units}, activation={self.activation_name!r}, input_dim={self.input_dim}"


class Input(Module):
    """Keras' ``Input(shape=(features,))``: declares the input size of a :class:`Sequential`.

    >>> from autograd_lite.nn import Dense, Input, Sequential
    >>> Sequential(Input((3,)), Dense(2)).num_parameters()
    8
    """

    def __init__(self, shape: tuple[int, ...]) -> None:
        requirement = "a tuple of positive integers, e.g. (3,) for 3 features"
        if not isinstance(shape, (tuple, list)) or not shape:
            raise TypeError(invalid("Input", "shape", shape, requirement))
        dims = []
        for size in shape:
            try:
                dims.append(integer(size, "shape", "Input", minimum=1))
            except (TypeError, ValueError) as error:
                raise type(error)(invalid("Input", "shape", shape, requirement)) from None
        super().__init__()
        self.shape = tuple(dims)

    def forward(self, x: Operand) -> Operand:
        return x

    def extra_repr(self) -> str:
        return f"shape={self.shape}"


class _Activation(Module):
    function: Callable[[Operand], Operand]

    def forward(self, x: Operand) -> Operand:
        return type(self).function(x)


class ReLU(_Activation):
    """max(x, 0) as a module (the other activation modules work the same way).

    >>> from autograd_lite.nn import ReLU
    >>> ReLU()(np.array([-1.0, 2.0]))
    array([0., 2.])
    """
    function = F.relu


class Sigmoid(_Activation):
    """σ(x) = 1/(1 + e⁻ˣ) as a module."""
    function = F.sigmoid


class Tanh(_Activation):
    """tanh(x) as a module."""
    function = F.tanh


class Step(_Activation):
    """The Heaviside step as a module; its gradient is zero (see :func:`~.functional.step`)."""
    function = F.step


class GELU(Module):
    """GELU as a module: x·Φ(x) (``approximate="none"``, PyTorch's default) or its tanh approximation
    (``"tanh"``); see :func:`~autograd_lite.nn.functional.gelu`."""

    def __init__(self, approximate: str = "none") -> None:
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: invalid approximate {approximate!r}; it must be 'none' or 'tanh'")
        super().__init__()
        self.approximate = approximate

    def forward(self, x: Operand) -> Operand:
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class LeakyReLU(Module):
    """x where x > 0, else negative_slope·x."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        negative_slope = real(negative_slope, "negative_slope", "LeakyReLU")
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: Operand) -> Operand:
        return F.leaky_relu(x, negative_slope=self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Softmax(Module):
    """Softmax along ``axis`` as a module."""

    def __init__(self, axis: int = -1) -> None:
        axis = integer(axis, "axis", "Softmax")
        super().__init__()
        self.axis = axis

    def forward(self, x: Operand) -> Operand:
        return F.softmax(x, axis=self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"
