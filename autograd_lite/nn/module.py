"""Modules: parameters found automatically, layers, activations, and saving weights as data."""

from __future__ import annotations

import math
import os
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from .._checks import boolean, integer, invalid, real
from ..tensor import Tensor
from . import functional as F
from ._weights_file import CorruptFile, names_mismatch, read_arrays, save_atomically, shape_mismatch

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
    _generator = np.random.default_rng(integer(seed, "seed", "manual_seed", minimum=0))


class Parameter(Tensor):
    """A tensor that a :class:`Module` trains: always float and ``requires_grad=True``.

    Integer data becomes float64; ``dtype``, if given, must be a float dtype. Anything else (bools,
    complex numbers, strings, objects) is a ``TypeError``.

    >>> from autograd_lite.nn import Parameter
    >>> Parameter([1, 2])
    Tensor([1., 2.], requires_grad=True)
    """

    __slots__ = ()

    def __init__(self, data: Any, dtype: Any = None) -> None:
        if dtype is not None:
            try:
                kind = np.dtype(dtype).kind
            except TypeError as error:
                raise TypeError(invalid("Parameter", "dtype", dtype, "a float dtype")) from error
            if kind != "f":
                raise TypeError(invalid("Parameter", "dtype", dtype, "a float dtype (float32, float64)"))
        try:
            array = np.asarray(data.data if isinstance(data, Tensor) else data, dtype=dtype)
        except (TypeError, ValueError) as error:
            raise TypeError(f"Parameter: cannot make a float array of {type(data).__name__} "
                            f"{data!r:.60}: {error}") from None
        if array.dtype.kind not in "iuf":
            raise TypeError(f"Parameter: data must hold real numbers (float or integer), not {array.dtype}")
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
        if not isinstance(prefix, str):
            raise TypeError(invalid("named_parameters", "prefix", prefix, "a str"))
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
        mode = boolean(mode, "mode", f"{type(self).__name__}.train")
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

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Copy arrays into the parameters; names and shapes must match exactly.

        Everything is checked before anything is copied, so a mismatch leaves the model unchanged:
        a name missing or unexpected is a ``KeyError`` (that is also a ``ValueError``), a shape that
        differs a ``ValueError``, an array that does not hold real numbers a ``TypeError``, and a
        value too large for the parameter's dtype (1e300 into float32) a ``ValueError``.

        >>> from autograd_lite import nn
        >>> layer = nn.Linear(2, 1)
        >>> layer.load_state_dict({"weight": np.ones((1, 2)), "bias": np.zeros(1)})
        >>> layer.weight
        Tensor([[1., 1.]], requires_grad=True)
        """
        where = "load_state_dict"
        if not isinstance(state, Mapping):
            raise TypeError(f"{where}: expected a dict of arrays by name, not a {type(state).__name__}")
        own = dict(self.named_parameters())
        missing, unexpected = own.keys() - state.keys(), state.keys() - own.keys()
        if missing or unexpected:
            raise names_mismatch(where, missing, unexpected)
        arrays = {}
        for name, parameter in own.items():
            value = state[name]
            array = np.asarray(value.data if isinstance(value, Tensor) else value)
            if array.shape != parameter.shape:
                raise shape_mismatch(where, name, array.shape, parameter.shape)
            if array.dtype.kind not in "iuf":
                raise TypeError(f"{where}: {name} has dtype {array.dtype}, not a number")
            with np.errstate(over="ignore", invalid="ignore"):
                converted = array.astype(parameter.dtype, copy=True)
            if array.dtype.kind == "f" and not np.array_equal(np.isfinite(array), np.isfinite(converted)):
                raise ValueError(f"{where}: {name} holds values too large for the parameter's "
                                 f"{parameter.dtype}")
            arrays[name] = converted
        for name, parameter in own.items():   # all checked: now change
            parameter.data = arrays[name]

    def save_weights(self, path: str | os.PathLike[str]) -> None:
        """Save the parameters to exactly ``path``, as an ``.npz`` archive of plain arrays named as in
        :meth:`state_dict` (never pickled objects). Any name works (Keras' ``"model.weights.h5"``
        too); the file is written beside ``path`` and renamed over it, so a failure leaves an earlier
        file as it was.

        >>> import os, tempfile
        >>> from autograd_lite import nn
        >>> path = os.path.join(tempfile.mkdtemp(), "model.weights.h5")
        >>> layer = nn.Linear(2, 1)
        >>> layer.save_weights(path)
        >>> os.listdir(os.path.dirname(path))
        ['model.weights.h5']
        >>> copy = nn.Linear(2, 1)
        >>> copy.load_weights(path)
        >>> bool((copy.weight.data == layer.weight.data).all())
        True
        """
        save_atomically(_checked_path(path, "save_weights"), self.state_dict())

    def load_weights(self, path: str | os.PathLike[str]) -> None:
        """Load parameters saved by :meth:`save_weights`; the model is unchanged if the file is bad
        (``ValueError``), missing (``FileNotFoundError``), or made for another model (the errors of
        :meth:`load_state_dict`).

        The file is untrusted data: it is never unpickled, each array's header is checked against its
        parameter before anything is allocated, and no member is read (or inflated) past the bytes
        that its parameter takes.
        """
        path = _checked_path(path, "load_weights")
        shapes = {name: p.shape for name, p in self.named_parameters()}
        with open(path, "rb") as file:
            try:
                arrays = read_arrays(file, shapes, "load_weights")
            except CorruptFile as error:
                raise ValueError(f"load_weights: {os.fspath(path)!r} is not a readable weights file: "
                                 f"{error}") from error
        self.load_state_dict(arrays)

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


def _checked_path(path: Any, where: str) -> str | os.PathLike[str]:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(invalid(where, "path", path, "a file name (a str or a pathlib.Path)"))
    return path


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
        in_features = integer(in_features, "in_features", "Linear", minimum=0)
        out_features = integer(out_features, "out_features", "Linear", minimum=0)
        bias = boolean(bias, "bias", "Linear")
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1.0 / math.sqrt(in_features) if in_features else 0.0   # PyTorch's, which has 0 for 0
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
        units = integer(units, "units", "Dense", minimum=1)
        if isinstance(activation, str) and activation not in ACTIVATIONS:
            raise ValueError(f"Dense: unknown activation {activation!r}; choose from {sorted(ACTIVATIONS)}")
        if not (activation is None or isinstance(activation, str) or callable(activation)):
            raise TypeError(invalid("Dense", "activation", activation, "a name such as 'relu', a "
                                    "function, or None"))
        if input_dim is not None:
            input_dim = integer(input_dim, "input_dim", "Dense", minimum=1)
        use_bias = boolean(use_bias, "use_bias", "Dense")
        super().__init__()
        self.units, self.use_bias, self.input_dim = units, use_bias, input_dim
        self.activation_name = activation if isinstance(activation, str) else \
            getattr(activation, "__name__", "linear") if activation else "linear"
        self.activation = ACTIVATIONS.get(activation, activation) if activation else ACTIVATIONS["linear"]
        if input_dim is not None:
            self.build(input_dim)

    def build(self, input_dim: int) -> None:
        """Create the weights for inputs of ``input_dim`` features (Glorot uniform, zero bias)."""
        input_dim = integer(input_dim, "input_dim", "Dense", minimum=1)
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
        negative_slope = real(negative_slope, "negative_slope", "LeakyReLU")
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: Any) -> Any:
        return F.leaky_relu(x, negative_slope=self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Softmax(Module):
    """Softmax along ``axis`` as a module."""

    def __init__(self, axis: int = -1) -> None:
        axis = integer(axis, "axis", "Softmax")
        super().__init__()
        self.axis = axis

    def forward(self, x: Any) -> Any:
        return F.softmax(x, axis=self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"

