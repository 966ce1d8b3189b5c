"""Layers: ``Linear`` (PyTorch's), ``Dense`` (Keras'), the activations as modules, and
PyTorch's ``Identity``, ``Flatten``, ``Unflatten``, ``Dropout`` (``1d``, ``2d``) and ``Embedding``.

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
from ...engine import ShapeError, data_of
from ...ops import exp
from ...random import get_generator, get_rng_state, manual_seed, set_rng_state
from ...reductions import log_softmax
from ...tensor import Tensor
from ...tensor_ops import reshape
from ...typing import Operand
from .. import functional as F
from .._arguments import lookup
from .._targets import _shape
from ..functional.embedding import _padding_index, dropout, dropout1d, dropout2d, embedding
from ..keras_layers.base import Layer
from ..module import Module, Parameter

__all__ = [
    "ACTIVATIONS", "GELU", "Dense", "Dropout", "Dropout1d", "Dropout2d", "Embedding", "Flatten", "Identity",
    "LeakyReLU", "Linear", "ReLU", "Sigmoid", "Softmax", "Step", "Tanh", "Unflatten",
    "get_rng_state", "manual_seed", "set_rng_state",
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


def _keras_leaky_relu(x: Operand) -> Operand:
    """Keras' ``leaky_relu`` activation, whose slope is 0.2 (PyTorch's and ``F.leaky_relu``'s is 0.01)."""
    return F.leaky_relu(x, negative_slope=0.2)


def _keras_softplus(x: Operand) -> Operand:
    """Keras' ``softplus``, log(1 + eˣ) everywhere (PyTorch's and ``F.softplus``'s is x above 20)."""
    return F.softplus(x, threshold=math.inf)


#: activations by Keras' names (each as Keras defines it), for ``Dense(..., activation='sigmoid')``;
#: ``step`` is ours (the perceptron's Heaviside step)
ACTIVATIONS: dict[str, Callable[[Operand], Operand]] = {
    "linear": lambda x: x, "relu": F.relu, "sigmoid": F.sigmoid, "tanh": F.tanh, "softmax": F.softmax,
    "log_softmax": log_softmax, "exponential": exp, "gelu": F.gelu, "leaky_relu": _keras_leaky_relu,
    "log_sigmoid": F.logsigmoid, "step": F.step, "softplus": _keras_softplus,
    "elu": F.elu, "selu": F.selu, "celu": F.celu, "softsign": F.softsign, "silu": F.silu, "swish": F.silu,
    "mish": F.mish, "relu6": F.relu6, "hard_sigmoid": F.hardsigmoid, "hard_silu": F.hardswish,
    "hard_swish": F.hardswish,
}


def activation_function(activation: str | Callable[[Tensor], Tensor] | None,
                        where: str) -> Callable[[Operand], Operand]:
    """The function a Keras ``activation`` argument names: one of :data:`ACTIVATIONS` by name, a
    function, or ``None`` for the identity (Keras' ``"linear"``)."""
    if isinstance(activation, str):
        return lookup(ACTIVATIONS, "activation", activation, where)
    if activation is None or callable(activation):
        return activation or ACTIVATIONS["linear"]
    raise TypeError(invalid(where, "activation", activation, "a name such as 'relu', a function, or None"))


def refuse_unless_none(where: str, **arguments: Any) -> None:
    """A ``NotImplementedError`` for the first of Keras' regularizer, constraint (and similar)
    arguments that is not ``None``: they are accepted for Keras code, but only as ``None``."""
    for name, value in arguments.items():
        if value is not None:
            raise NotImplementedError(f"{where}: {name}={value!r:.40} is not supported; leave {name}=None")


class Dense(Layer):
    """Keras' fully connected layer: y = activation(x @ kernel + bias) on the last axis of x.

    The weights are in Keras' layout, so that Keras' ``get_weights()`` load here unchanged:
    ``kernel`` (input_dim, units), drawn by ``kernel_initializer`` (Glorot uniform), and ``bias``
    (units,) by ``bias_initializer`` (zeros), absent with ``use_bias=False``. An input of any rank
    ≥ 2 is multiplied along its last axis, as Keras'. The input size comes from ``input_dim=`` (or
    ``input_shape=``), which builds the layer at once, or else from the first batch, which builds
    it on that batch's device (or the one :meth:`~Module.to` chose). Keras' regularizers and
    constraints are accepted only as ``None``.

    >>> from autograd_lite.nn import Dense
    >>> layer = Dense(4, activation='relu')
    >>> layer.built
    False
    >>> layer(np.ones((5, 3))).shape, layer.kernel.shape, layer.bias.shape, layer.input_dim
    ((5, 4), (3, 4), (4,), 3)
    >>> [w.shape for w in Dense(2, input_dim=3, use_bias=False).get_weights()]
    [(3, 2)]
    """

    def __init__(self, units: int, activation: str | Callable[[Tensor], Tensor] | None = None,
                 use_bias: bool = True, kernel_initializer: str | Callable[..., Any] = "glorot_uniform",
                 bias_initializer: str | Callable[..., Any] = "zeros", kernel_regularizer: None = None,
                 bias_regularizer: None = None, activity_regularizer: None = None,
                 kernel_constraint: None = None, bias_constraint: None = None, **kwargs: Any) -> None:
        units = integer(units, "units", "Dense", minimum=1)
        function = activation_function(activation, "Dense")
        use_bias = boolean(use_bias, "use_bias", "Dense")
        refuse_unless_none("Dense", kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                           activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                           bias_constraint=bias_constraint)
        super().__init__(**kwargs)
        self.units, self.use_bias = units, use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.activation_name = activation if isinstance(activation, str) else \
            getattr(activation, "__name__", "linear") if activation else "linear"
        self.activation = function
        declared = self.declared_input_shape
        self.input_dim = declared[-1] if declared else None
        if declared and declared[-1] is not None:   # built at once, as before: its weights exist
            self.build((None, *declared))
            self.trainable = self._trainable   # as Layer does after a build: freezes the new weights
            self.name_parameters()

    def build(self, input_shape: tuple[int | None, ...] | int) -> None:
        """Make ``kernel`` (input_dim, units) and ``bias`` (units,) for inputs of ``input_shape``
        (batch axis first; its last axis is input_dim). An int is taken as input_dim itself."""
        shape = (None, input_shape) if isinstance(input_shape, int) else tuple(input_shape)
        if len(shape) < 2 or shape[-1] is None:
            raise ShapeError(f"Dense: the input must have at least 2 axes (batch, ..., features) with the "
                             f"last one known, not shape {shape}")
        input_dim = integer(shape[-1], "input_dim", "Dense", minimum=1)
        self.kernel = self.add_weight((input_dim, self.units), self.kernel_initializer, name="kernel")
        self.bias = self.add_weight((self.units,), self.bias_initializer, name="bias") if self.use_bias \
            else None
        self.input_dim = input_dim
        self._built = True

    def call(self, x: Operand) -> Operand:
        shape = _shape(x)
        if not shape or shape[-1] != self.input_dim:
            raise ShapeError(f"Dense {self.name!r}: the input's last axis must have {self.input_dim} "
                             f"features (the kernel is {self.input_dim} × {self.units}), not shape {shape}")
        z = F.dense(x, self.kernel, self.bias)
        return self.activation(z)

    def extra_repr(self) -> str:
        return f"units={self.units}, activation={self.activation_name!r}, input_dim={self.input_dim}"


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


# ---- shape, dropout and embedding layers ----------------------------------------------------------


class Identity(Module):
    """Returns its input unchanged; any constructor arguments are accepted and ignored (PyTorch's),
    so it can stand in for a layer being switched off.

    >>> from autograd_lite import nn
    >>> nn.Identity(54, unused="x")(np.ones(2))
    array([1., 1.])
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Operand) -> Operand:
        return x


def _dim_index(where: str, name: str, dim: int, ndim: int) -> int:
    """``dim`` as an axis in [0, ndim), negative ones counted from the end (a 0-d input counts as
    1-d, as in PyTorch)."""
    ndim = max(ndim, 1)
    if not -ndim <= dim < ndim:
        raise ShapeError(f"{where}: {name} {dim} is out of range for an input of {ndim} dimension"
                         f"{'s' if ndim > 1 else ''} (it must be in [{-ndim}, {ndim - 1}])")
    return dim % ndim


class Flatten(Module):
    """The axes from ``start_dim`` to ``end_dim`` (both included) merged into one: (N, C, H, W) →
    (N, C·H·W) by default, to go from convolutions to a ``Linear``. The gradient is reshaped back.

    >>> from autograd_lite import nn
    >>> nn.Flatten()(np.ones((2, 3, 4, 5))).shape, nn.Flatten(0, 1)(np.ones((2, 3, 4))).shape
    ((2, 60), (6, 4))
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        start_dim = integer(start_dim, "start_dim", "Flatten")
        end_dim = integer(end_dim, "end_dim", "Flatten")
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Operand) -> Operand:
        shape = _shape(x)
        start = _dim_index("Flatten", "start_dim", self.start_dim, len(shape))
        end = _dim_index("Flatten", "end_dim", self.end_dim, len(shape))
        if start > end:
            raise ShapeError(f"Flatten: start_dim {self.start_dim} comes after end_dim {self.end_dim} for an "
                             f"input of shape {shape}")
        if not shape:
            return reshape(x, (1,))
        return reshape(x, shape[:start] + (math.prod(shape[start:end + 1]),) + shape[end + 1:])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Axis ``dim`` split into ``unflattened_size`` (whose product must be that axis's length; one
    entry may be −1, worked out from the others): the inverse of :class:`Flatten`.

    >>> from autograd_lite import nn
    >>> nn.Unflatten(1, (2, 5))(np.ones((3, 10))).shape, nn.Unflatten(-1, (-1, 2))(np.ones(6)).shape
    ((3, 2, 5), (3, 2))
    """

    def __init__(self, dim: int, unflattened_size: tuple[int, ...] | list[int]) -> None:
        dim = integer(dim, "dim", "Unflatten")
        message = invalid("Unflatten", "unflattened_size", unflattened_size,
                          "a non-empty tuple of integers >= 0, at most one of them -1")
        if not isinstance(unflattened_size, (tuple, list)) or not unflattened_size:
            raise TypeError(message)
        sizes = []
        for size in unflattened_size:
            try:
                sizes.append(integer(size, "unflattened_size", "Unflatten", minimum=-1))
            except (TypeError, ValueError) as error:
                raise type(error)(message) from None
        if sizes.count(-1) > 1:
            raise ValueError(message)
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(sizes)

    def forward(self, x: Operand) -> Operand:
        shape = _shape(x)
        if not shape:
            raise ShapeError(f"Unflatten: the input must have at least one dimension, not shape {shape}")
        dim = _dim_index("Unflatten", "dim", self.dim, len(shape))
        sizes, known = self.unflattened_size, math.prod(s for s in self.unflattened_size if s != -1)
        if -1 in sizes and known and shape[dim] % known == 0:
            sizes = tuple(shape[dim] // known if s == -1 else s for s in sizes)
        if math.prod(sizes) != shape[dim] or -1 in sizes:
            raise ShapeError(f"Unflatten: unflattened_size {self.unflattened_size} does not fit dim "
                             f"{self.dim} of length {shape[dim]} in an input of shape {shape} (the sizes "
                             f"must multiply to {shape[dim]})")
        return reshape(x, shape[:dim] + sizes + shape[dim + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Dropout(Module):
    """:func:`~autograd_lite.nn.functional.dropout` while training: each element zeroed with
    probability ``p``, the rest scaled by 1/(1 − p); after :meth:`~Module.eval` it passes its input
    through. The masks come from the package's generator (``ag.manual_seed`` seeds it).

    >>> from autograd_lite import nn
    >>> layer = nn.Dropout(p=0.25)
    >>> layer, layer.eval()(np.ones(3))
    (Dropout(p=0.25, inplace=False), array([1., 1., 1.]))
    """

    _function: Callable[..., Operand] = staticmethod(dropout)

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        where = type(self).__name__
        p = real(p, "p", where, minimum=0.0, maximum=1.0)
        if boolean(inplace, "inplace", where):
            raise NotImplementedError(f"{where}: inplace=True is not supported (ops here never overwrite a "
                                      f"tensor); leave inplace=False")
        super().__init__()
        self.p, self.inplace = p, False

    def forward(self, x: Operand) -> Operand:
        return type(self)._function(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(Dropout):
    """Channel dropout for (N, C, L) or (C, L): whole channels zeroed while training
    (:func:`~autograd_lite.nn.functional.dropout1d`)."""

    _function = staticmethod(dropout1d)


class Dropout2d(Dropout):
    """Channel dropout for (N, C, H, W): whole feature maps zeroed while training
    (:func:`~autograd_lite.nn.functional.dropout2d`)."""

    _function = staticmethod(dropout2d)


class Embedding(Module):
    """A lookup table of ``num_embeddings`` vectors of size ``embedding_dim``: integer indices of any
    shape in, their rows of ``weight`` out (:func:`~autograd_lite.nn.functional.embedding`).

    ``weight`` (num_embeddings, embedding_dim) starts as N(0, 1) draws, PyTorch's initialisation,
    from the package's generator, with the row ``padding_idx`` (if given) zeroed: that row is
    returned for its index but never gets a gradient, so it stays as it is while training.

    >>> from autograd_lite import nn
    >>> layer = nn.Embedding(10, 3, padding_idx=0)
    >>> layer, layer(np.array([[1, 2], [0, 9]])).shape, layer.weight.data[0]
    (Embedding(10, 3, padding_idx=0), (2, 2, 3), array([0., 0., 0.]))
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                 sparse: bool = False, _weight: Operand | None = None, _freeze: bool = False) -> None:
        num_embeddings = integer(num_embeddings, "num_embeddings", "Embedding", minimum=0)
        embedding_dim = integer(embedding_dim, "embedding_dim", "Embedding", minimum=0)
        padding_idx = _padding_index("Embedding", padding_idx, num_embeddings)
        if max_norm is not None:
            raise NotImplementedError(f"Embedding: max_norm={max_norm!r:.40} is not supported (PyTorch "
                                      f"renormalises the rows it reads in place); leave max_norm=None")
        norm_type = real(norm_type, "norm_type", "Embedding", finite=False)
        scale_grad_by_freq = boolean(scale_grad_by_freq, "scale_grad_by_freq", "Embedding")
        if boolean(sparse, "sparse", "Embedding"):
            raise NotImplementedError("Embedding: sparse=True is not supported: the gradient is a dense "
                                      "array of the weight's shape; leave sparse=False")
        freeze = boolean(_freeze, "_freeze", "Embedding")
        if _weight is None:
            drawn = _generator.standard_normal((num_embeddings, embedding_dim))
            if padding_idx is not None:
                drawn[padding_idx] = 0.0
            weight = Parameter(drawn)
        else:
            weight = _copied_weight(_weight, (num_embeddings, embedding_dim))
        weight.requires_grad = not freeze
        super().__init__()
        self.num_embeddings, self.embedding_dim, self.padding_idx = num_embeddings, embedding_dim, padding_idx
        self.max_norm, self.norm_type, self.scale_grad_by_freq, self.sparse = None, norm_type, \
            scale_grad_by_freq, False
        self.weight = weight

    @classmethod
    def from_pretrained(cls, embeddings: Operand, freeze: bool = True, padding_idx: int | None = None,
                        max_norm: float | None = None, norm_type: float = 2.0,
                        scale_grad_by_freq: bool = False, sparse: bool = False) -> Embedding:
        """An embedding whose weight is a copy of the 2-D ``embeddings`` (on their device), not
        trained with ``freeze=True`` (its ``requires_grad`` is False). The row ``padding_idx`` is
        kept as given (not zeroed), and gets no gradient.

        >>> from autograd_lite import nn
        >>> layer = nn.Embedding.from_pretrained(np.array([[1.0, 2.0], [3.0, 4.0]]))
        >>> layer(np.array([1])), layer.weight.requires_grad
        (Tensor([[3., 4.]]), False)
        """
        shape = _shape(embeddings)
        if len(shape) != 2:
            raise ShapeError(f"Embedding.from_pretrained: embeddings must be 2-D (num_embeddings, "
                             f"embedding_dim), not of shape {shape}")
        return cls(shape[0], shape[1], padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                   _weight=embeddings, _freeze=freeze)

    def forward(self, x: Operand) -> Operand:
        return embedding(x, self.weight, self.padding_idx, scale_grad_by_freq=self.scale_grad_by_freq)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.norm_type != 2.0:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            text += ", scale_grad_by_freq=True"
        return text


def _copied_weight(weight: Operand, shape: tuple[int, int]) -> Parameter:
    """A parameter holding a copy of ``weight``'s data (on its device), checked to have ``shape``."""
    data = data_of(weight)
    if not backend.is_array(data):
        data = _host.asarray(data, dtype=_host.float64)
    if tuple(data.shape) != shape:
        raise ShapeError(f"Embedding: _weight has shape {tuple(data.shape)}, but num_embeddings and "
                         f"embedding_dim give {shape}")
    return Parameter(backend.array(data))
