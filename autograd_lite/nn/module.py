"""Modules: parameters found automatically, layers, activations, and saving weights as data."""

from __future__ import annotations

import math
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..tensor import Tensor
from . import functional as F

__all__ = [
    "GELU", "Dense", "Input", "LeakyReLU", "Linear", "Module", "Parameter", "ReLU", "Sigmoid", "Softmax",
    "Step", "Tanh", "manual_seed",
]

_generator = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Seed the generator that initialises new layers, for reproducible models.

    >>> from autograd_lite import nn
    >>> nn.manual_seed(0); a = nn.Linear(2, 2)
    >>> nn.manual_seed(0); b = nn.Linear(2, 2)
    >>> bool((a.weight.data == b.weight.data).all())
    True
    """
    global _generator
    _generator = np.random.default_rng(seed)


class Parameter(Tensor):
    """A tensor that a :class:`Module` trains: always float and ``requires_grad=True``.

    >>> from autograd_lite.nn import Parameter
    >>> Parameter([1, 2])
    Tensor([1., 2.], requires_grad=True)
    """

    __slots__ = ()

    def __init__(self, data: Any, dtype: Any = None) -> None:
        array = np.asarray(data, dtype=dtype)
        super().__init__(array if array.dtype.kind == "f" else array.astype(np.float64),
                         requires_grad=True)


class Module:
    """Base class of layers and models, as in PyTorch.

    Attributes that are :class:`Parameter` or :class:`Module` (or lists of them) are registered
    automatically, in the order they were assigned.

    >>> from autograd_lite import nn
    >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    >>> [name for name, _ in net.named_parameters()]
    ['0.weight', '0.bias', '2.weight', '2.bias']
    >>> net.num_parameters()
    13
    """

    def __init__(self) -> None:
        self.training = True

    def forward(self, *args: Any) -> Any:
        """The module's computation; ``module(x)`` calls it. Subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any) -> Any:
        return self.forward(*args)

    # ---- the tree of modules and parameters --------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for each direct sub-module."""
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for index, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{name}.{index}", item

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) for every parameter of this module and its sub-modules.

        This module's own parameters come first, then each sub-module's, as in PyTorch. A parameter
        reached twice (a layer used twice) is listed once, under its first name.
        """
        seen: set[int] = set()
        for name, parameter in self._all_named_parameters(prefix):
            if id(parameter) not in seen:
                seen.add(id(parameter))
                yield name, parameter

    def _all_named_parameters(self, prefix: str) -> Iterator[tuple[str, Parameter]]:
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield prefix + name, value
            elif isinstance(value, (list, tuple)):
                for index, item in enumerate(value):
                    if isinstance(item, Parameter):
                        yield f"{prefix}{name}.{index}", item
        for name, child in self.named_children():
            yield from child._all_named_parameters(f"{prefix}{name}.")

    def parameters(self) -> list[Parameter]:
        """Every parameter, in registration order."""
        return [parameter for _, parameter in self.named_parameters()]

    def num_parameters(self) -> int:
        """Total number of trainable numbers."""
        return sum(p.size for p in self.parameters())

    def zero_grad(self) -> None:
        """Forget every parameter's gradient."""
        for parameter in self.parameters():
            parameter.grad = None

    def train(self, mode: bool = True) -> Module:
        """Set training mode (``eval()`` turns it off) here and in every sub-module."""
        self.training = mode
        for _, child in self.named_children():
            child.train(mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode."""
        return self.train(False)

    # ---- weights as data ---------------------------------------------------------------------
    def state_dict(self) -> OrderedDict[str, np.ndarray]:
        """A copy of every parameter's array, by dotted name."""
        return OrderedDict((name, p.data.copy()) for name, p in self.named_parameters())

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Copy arrays into the parameters; names and shapes must match exactly.

        Everything is checked before anything is copied, so a mismatch leaves the model unchanged.
        """
        own = dict(self.named_parameters())
        missing, unexpected = own.keys() - state.keys(), state.keys() - own.keys()
        if missing or unexpected:
            raise KeyError(f"load_state_dict: missing {sorted(missing)}, unexpected {sorted(unexpected)}")
        arrays = {}
        for name, parameter in own.items():
            array = np.asarray(state[name])
            if array.shape != parameter.shape:
                raise ValueError(f"load_state_dict: {name} has shape {array.shape} in the saved "
                                 f"weights but {parameter.shape} in the model")
            if array.dtype.kind not in "iuf":
                raise TypeError(f"load_state_dict: {name} has dtype {array.dtype}, not a number")
            arrays[name] = array
        for name, parameter in own.items():
            parameter.data = arrays[name].astype(parameter.dtype, copy=True)

    def save_weights(self, path: str | Path) -> None:
        """Save the parameters to an ``.npz`` file (plain arrays, never pickled objects)."""
        np.savez(path, **self.state_dict())

    def load_weights(self, path: str | Path) -> None:
        """Load parameters saved by :meth:`save_weights`; the model is unchanged if the file is bad
        (``ValueError``) or missing (``FileNotFoundError``)."""
        try:
            with open(path, "rb") as file:   # ours to close: np.load leaks the file of a bad archive
                archive = np.load(file, allow_pickle=False)
                if isinstance(archive, np.ndarray):   # a .npy file
                    raise ValueError("it holds a single array, not an .npz archive of named arrays")
                with archive:
                    state = {name: archive[name] for name in archive.files}
        except FileNotFoundError:
            raise
        except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
            raise ValueError(f"load_weights: {path} is not a readable weights file: {error}") from error
        self.load_state_dict(state)

    # ---- display -------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The arguments shown inside this module's repr."""
        return ""

    def __repr__(self) -> str:
        children = list(self.named_children())
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"{type(self).__name__}("]
        for name, child in children:
            count = child.num_parameters()
            has_total = any(True for _ in child.named_children())  # its repr ends with its own count
            note = f"  # {count:,} parameters" if count and not has_total else ""
            lines.append(f"  ({name}): " + repr(child).replace("\n", "\n  ") + note)
        lines.append(f")  # {self.num_parameters():,} parameters in all")
        return "\n".join(lines)


# ---- layers -----------------------------------------------------------------------------------


def _uniform(bound: float, shape: tuple[int, ...]) -> Parameter:
    return Parameter(_generator.uniform(-bound, bound, size=shape))


class Linear(Module):
    """y = x @ weightᵀ + bias, with PyTorch's initialisation U(−1/√in, 1/√in).

    ``weight`` has shape (out_features, in_features). Seed with :func:`manual_seed`.

    >>> from autograd_lite import nn
    >>> layer = nn.Linear(3, 2)
    >>> layer, layer.weight.shape, layer(np.ones((5, 3))).shape
    (Linear(in_features=3, out_features=2, bias=True), (2, 3), (5, 2))
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1.0 / math.sqrt(in_features)
        self.weight = _uniform(bound, (out_features, in_features))
        self.bias = _uniform(bound, (out_features,)) if bias else None

    def forward(self, x: Any) -> Tensor:
        return F.linear(x, self.weight, self.bias) if self.bias is not None else F.linear(x, self.weight)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, " \
               f"bias={self.bias is not None}"


#: activations by Keras' names, for ``Dense(..., activation='sigmoid')``
ACTIVATIONS: dict[str, Callable[[Any], Any]] = {
    "linear": lambda x: x, "relu": F.relu, "sigmoid": F.sigmoid, "tanh": F.tanh, "softmax": F.softmax,
    "gelu": F.gelu, "leaky_relu": F.leaky_relu, "step": F.step, "softplus": F.softplus,
}


class Dense(Module):
    """Keras' fully connected layer: activation(x @ kernel + bias), Glorot-uniform initialised.

    The input size is taken from ``input_dim`` or from the first batch it sees.

    >>> from autograd_lite.nn import Dense
    >>> layer = Dense(4, activation='relu')
    >>> layer.built
    False
    >>> layer(np.ones((5, 3))).shape, layer.weight.shape
    ((5, 4), (4, 3))
    """

    def __init__(self, units: int, activation: str | Callable[[Any], Any] | None = None,
                 input_dim: int | None = None, use_bias: bool = True) -> None:
        super().__init__()
        if isinstance(activation, str) and activation not in ACTIVATIONS:
            raise ValueError(f"Dense: unknown activation {activation!r}; choose from {sorted(ACTIVATIONS)}")
        self.units, self.use_bias, self.input_dim = units, use_bias, input_dim
        self.activation_name = activation if isinstance(activation, str) else \
            getattr(activation, "__name__", "linear") if activation else "linear"
        self.activation = ACTIVATIONS.get(activation, activation) if activation else ACTIVATIONS["linear"]
        if input_dim is not None:
            self.build(input_dim)

    def build(self, input_dim: int) -> None:
        """Create the weights for inputs of ``input_dim`` features (Glorot uniform, zero bias)."""
        self.input_dim = input_dim
        bound = math.sqrt(6.0 / (input_dim + self.units))
        self.weight = _uniform(bound, (self.units, input_dim))
        self.bias = Parameter(np.zeros(self.units)) if self.use_bias else None

    @property
    def built(self) -> bool:
        """Whether the weights exist yet."""
        return "weight" in vars(self)

    def forward(self, x: Any) -> Tensor:
        if not self.built:
            self.build(np.shape(x.data if isinstance(x, Tensor) else x)[-1])
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
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, x: Any) -> Any:
        return x

    def extra_repr(self) -> str:
        return f"shape={self.shape}"


class _Activation(Module):
    function: Callable[..., Any]

    def forward(self, x: Any) -> Any:
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


class GELU(_Activation):
    """GELU (tanh approximation) as a module."""
    function = F.gelu


class LeakyReLU(Module):
    """x where x > 0, else negative_slope·x."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: Any) -> Any:
        return F.leaky_relu(x, negative_slope=self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Softmax(Module):
    """Softmax along ``axis`` as a module."""

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = axis

    def forward(self, x: Any) -> Any:
        return F.softmax(x, axis=self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"

