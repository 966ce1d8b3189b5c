"""What every Keras-style layer shares: a name, ``trainable``, building from the first input's shape,
and ``add_weight`` with Keras' initializers.

A Keras layer is a :class:`~autograd_lite.nn.Module` whose ``forward`` builds it on the first call
(``build(input_shape)``, where the layer makes its weights with :meth:`Layer.add_weight`) and then
runs ``call(inputs)``, as Keras 3 does. The math is in :mod:`autograd_lite.nn.functional`; a layer
holds weights in Keras' layouts (a ``Dense`` kernel is (input_dim, units)), so that ``get_weights``
and ``set_weights`` exchange arrays with Keras unchanged.

>>> import numpy as np
>>> from autograd_lite.nn.keras_layers.base import Layer
>>> class Scale(Layer):
...     def build(self, input_shape):
...         self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")
...     def call(self, x):
...         return x * self.scale
>>> layer = Scale()
>>> layer.built
False
>>> layer(np.ones((2, 3))).shape, layer.built, [w.shape for w in layer.get_weights()]
((2, 3), True, [(3,)])
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from ... import backend
from ..._checks import boolean, integer, invalid
from ...backend import ndarray
from ...engine import data_of
from ...random import get_generator
from ...tensor import Tensor
from .._keras_methods import KerasWeights
from ..module import Module, Parameter, training_mode

__all__ = ["INITIALIZERS", "Layer", "reset_layer_names"]

_host = backend.host_namespace   # initial weights are drawn on the host by the package's generator
_generator = get_generator()
_names_used: Counter[str] = Counter()


def _snake_case(name: str) -> str:
    """Keras' default layer name for a class: ``Conv2D`` → ``conv2d``, ``BatchNormalization`` →
    ``batch_normalization``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(base: str) -> str:
    """``base``, then ``base_1``, ``base_2``, ... as Keras names layers of one kind in a session."""
    count = _names_used[base]
    _names_used[base] += 1
    return base if count == 0 else f"{base}_{count}"


def reset_layer_names() -> None:
    """Start the automatic layer names again (``dense``, ``dense_1``, ...), as
    ``keras.backend.clear_session()`` does."""
    _names_used.clear()


# ---- initializers: Keras' names, drawn on the host from the package's generator -----------------
def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """Keras' fan-in and fan-out: a kernel's last two axes are (inputs, outputs), the axes before
    them its receptive field."""
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _glorot_uniform(shape: tuple[int, ...]) -> ndarray:
    fan_in, fan_out = _fans(shape)
    limit = math.sqrt(6.0 / max(fan_in + fan_out, 1))
    return _generator.uniform(-limit, limit, size=shape)


def _glorot_normal(shape: tuple[int, ...]) -> ndarray:
    fan_in, fan_out = _fans(shape)
    return _truncated_normal(shape, math.sqrt(2.0 / max(fan_in + fan_out, 1)))


def _he_uniform(shape: tuple[int, ...]) -> ndarray:
    limit = math.sqrt(6.0 / max(_fans(shape)[0], 1))
    return _generator.uniform(-limit, limit, size=shape)


def _he_normal(shape: tuple[int, ...]) -> ndarray:
    return _truncated_normal(shape, math.sqrt(2.0 / max(_fans(shape)[0], 1)))


def _truncated_normal(shape: tuple[int, ...], std: float) -> ndarray:
    """Normal draws redrawn until within two standard deviations, scaled so that the standard
    deviation is ``std`` (Keras' variance-scaling rule, 0.8796 being the truncated normal's)."""
    values = _generator.standard_normal(shape)
    outside = _host.abs(values) > 2.0
    while outside.any():
        values[outside] = _generator.standard_normal(int(outside.sum()))
        outside = _host.abs(values) > 2.0
    return values * (std / 0.87962566103423978)


def _orthogonal(shape: tuple[int, ...]) -> ndarray:
    """An orthogonal matrix (rows or columns orthonormal), from the QR decomposition of a normal draw
    with the signs of R's diagonal taken out, as Keras' ``Orthogonal``."""
    rows, columns = math.prod(shape[:-1]), shape[-1]
    flat = _generator.standard_normal((max(rows, columns), min(rows, columns)))
    q, r = _host.linalg.qr(flat)
    q = q * _host.sign(_host.diagonal(r))
    return (q.T if rows < columns else q).reshape(shape)


#: Keras' initializer names, each a function of the shape that draws a host array
INITIALIZERS: dict[str, Callable[[tuple[int, ...]], ndarray]] = {
    "zeros": lambda shape: _host.zeros(shape),
    "ones": lambda shape: _host.ones(shape),
    "glorot_uniform": _glorot_uniform,
    "glorot_normal": _glorot_normal,
    "he_uniform": _he_uniform,
    "he_normal": _he_normal,
    "orthogonal": _orthogonal,
    "uniform": lambda shape: _generator.uniform(-0.05, 0.05, size=shape),         # RandomUniform()
    "random_uniform": lambda shape: _generator.uniform(-0.05, 0.05, size=shape),
    "normal": lambda shape: _generator.normal(0.0, 0.05, size=shape),             # RandomNormal()
    "random_normal": lambda shape: _generator.normal(0.0, 0.05, size=shape),
}


def _initial_values(initializer: str | Callable[..., Any], shape: tuple[int, ...], where: str) -> ndarray:
    if isinstance(initializer, str):
        function = INITIALIZERS.get(initializer)
        if function is None:
            raise ValueError(f"{where}: unknown initializer {initializer!r}; expected one of "
                             f"{sorted(INITIALIZERS)} or a function of the shape")
        return function(shape)
    if callable(initializer):
        values = _host.asarray(data_of(initializer(shape)), dtype=_host.float64)
        if values.shape != shape:
            raise ValueError(f"{where}: the initializer returned shape {values.shape}, not {shape}")
        return values
    raise TypeError(invalid(where, "initializer", initializer, "a Keras initializer name or a function"))


class Layer(KerasWeights, Module):
    """Base of the Keras-style layers: ``name``, ``trainable``, and a ``build`` from the first input.

    Subclasses define ``build(input_shape)`` (make the weights with :meth:`add_weight`; the shape
    includes the batch axis) and ``call(inputs)``. ``input_shape=`` (or ``input_dim=``), accepted as
    Keras accepts it on a model's first layer, is kept as :attr:`declared_input_shape` (without the
    batch axis) for :class:`~autograd_lite.nn.Sequential` to build from. ``dtype`` is accepted for
    Keras code and must be a float type: the layer computes in its inputs' precision.
    """

    def __init__(self, *, name: str | None = None, trainable: bool = True, dtype: Any = None,
                 input_shape: tuple[int | None, ...] | None = None, input_dim: int | None = None) -> None:
        where = type(self).__name__
        if name is not None and (not isinstance(name, str) or not name):
            raise TypeError(invalid(where, "name", name, "a non-empty string"))
        trainable = boolean(trainable, "trainable", where)
        if dtype is not None and str(getattr(dtype, "name", dtype)) not in ("float32", "float64"):
            raise ValueError(f"{where}: dtype={dtype!r} is not supported; the layer computes in its "
                             f"inputs' float type (float32 or float64)")
        declared = None
        if input_dim is not None:
            declared = (integer(input_dim, "input_dim", where, minimum=1),)
        if input_shape is not None:
            if not isinstance(input_shape, (tuple, list)):
                raise TypeError(invalid(where, "input_shape", input_shape, "a tuple such as (8, 8, 1)"))
            declared = tuple(None if size is None else integer(size, "input_shape", where, minimum=1)
                             for size in input_shape)
        super().__init__()
        self.training = False   # as in Keras, a layer called directly runs in inference; fit trains it
        self.name = name if name is not None else unique_name(_snake_case(type(self).__name__))
        self._trainable = trainable
        self.declared_input_shape = declared
        self._built = False

    # ---- building ---------------------------------------------------------------------------
    @property
    def built(self) -> bool:
        """Whether :meth:`build` has run (the weights exist)."""
        return self._built

    def build(self, input_shape: tuple[int, ...]) -> None:
        """Make the weights for inputs of ``input_shape`` (batch axis first). Layers without
        weights need not define it."""

    def call(self, *inputs: Any, **kwargs: Any) -> Any:
        """The layer's computation, once built."""
        raise NotImplementedError(f"{type(self).__name__} must define call()")

    def forward(self, *inputs: Any, training: bool | None = None, **kwargs: Any) -> Any:
        """Build on the first call, then :meth:`call`; ``training=True`` or ``False`` (Keras')
        runs this call in that mode, else the layer's mode (:meth:`~Module.train`/``eval``) holds."""
        if not self._built:
            self._build_for(inputs[0] if inputs else None)
        if training is None or bool(training) == self.training:
            return self.call(*inputs, **kwargs)
        with training_mode(self, boolean(training, "training", self.name)):
            return self.call(*inputs, **kwargs)

    def _build_for(self, first_input: Any) -> None:
        """Build for the first input (a list of inputs for the merging layers), on its device unless
        :meth:`~Module.to` chose one, then freeze the weights if ``trainable`` is False."""
        data = [data_of(item) for item in first_input] if isinstance(first_input, (list, tuple)) \
            else data_of(first_input)
        sample = data[0] if isinstance(data, list) else data
        if self._device is None and backend.is_array(sample) and sample.__class__ is not ndarray:
            self._device = backend.device_of(sample)
        shape = [_shape_of(item) for item in data] if isinstance(data, list) else _shape_of(data)
        self.build(shape)
        self._built = True
        self.trainable = self._trainable
        self.name_parameters()

    def add_weight(self, shape: tuple[int, ...], initializer: str | Callable[..., Any] = "glorot_uniform",
                   trainable: bool = True, name: str | None = None) -> Tensor:
        """A weight of ``shape`` drawn by ``initializer`` (a Keras name, see :data:`INITIALIZERS`),
        set as attribute ``name``: a :class:`~autograd_lite.nn.Parameter` if ``trainable``, else a
        buffer (as Keras' non-trainable weights, such as a batch norm's moving mean)."""
        where = f"{type(self).__name__}.add_weight"
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(invalid(where, "name", name, "an attribute name such as 'kernel'"))
        shape = tuple(integer(size, "shape", where, minimum=0) for size in shape)
        values = _initial_values(initializer, shape, where)
        if self._device is not None and self._device != "cpu":
            values = backend.array(values, device=self._device, xp=backend.namespace_of_device(self._device))
        if trainable:
            setattr(self, name, Parameter(values))
        else:
            self.register_buffer(name, values)
        return getattr(self, name)

    # ---- trainable --------------------------------------------------------------------------
    @property
    def trainable(self) -> bool:
        """Whether ``fit`` trains the layer's weights; setting it freezes or unfreezes them."""
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = boolean(value, "trainable", type(self).__name__)
        for parameter in self.parameters():
            parameter.requires_grad = self._trainable

    def extra_repr(self) -> str:
        return f"name={self.name!r}"


def _shape_of(data: Any) -> tuple[int, ...]:
    return tuple(data.shape) if backend.is_array(data) else tuple(_host.shape(data))
