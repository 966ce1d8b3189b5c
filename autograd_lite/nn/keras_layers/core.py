"""Keras' core layers without weights or with one table: ``Activation``, ``Reshape``, ``Flatten``,
``Permute``, ``RepeatVector``, ``Dropout``, ``Embedding``, and the merging layers ``Concatenate``,
``Add``, ``Subtract``, ``Multiply``, ``Average``, ``Maximum``, ``Minimum`` (called on a list of inputs).

Each is a thin class over an op (a reshape, a transpose, :func:`~autograd_lite.nn.functional.dropout`,
:func:`~autograd_lite.nn.functional.embedding`, ``concatenate``, elementwise arithmetic); the batch
axis is always kept. Keras' masks (``mask_zero=True``) are not supported.

>>> import numpy as np
>>> from autograd_lite.nn.keras_layers import Add, Concatenate, Flatten, Reshape
>>> x = np.ones((2, 3, 4))
>>> Reshape((4, -1))(x).shape, Flatten()(x).shape
((2, 4, 3), (2, 12))
>>> Concatenate()([x, x]).shape, Add()([x, x, x])[0, 0, 0]
((2, 3, 8), np.float64(3.0))
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from ... import backend
from ..._checks import integer, invalid, real
from ...engine import ShapeError, data_of
from ...ops import add, maximum, minimum, multiply, subtract
from ...random import get_generator
from ...reshaping import repeat
from ...shape_ops import astype, expand_dims, reshape, transpose
from ...tensor_ops import concatenate
from ...typing import Operand
from .. import functional as F
from .._targets import _shape
from .base import Layer
from .convolution import data_format_of

__all__ = [
    "Activation", "Add", "Average", "Concatenate", "Dropout", "Embedding", "Flatten", "Maximum", "Minimum",
    "Multiply", "Permute", "RepeatVector", "Reshape", "Subtract",
]

_host = backend.host_namespace   # dropout masks are drawn on the host, as F.dropout's


class Activation(Layer):
    """Keras' ``Activation(activation)``: the activation named (one of ``nn.layers.core.ACTIVATIONS``,
    e.g. ``"relu"``, ``"softmax"`` on the last axis) or given as a function, applied elementwise.

    >>> import numpy as np
    >>> from autograd_lite.nn.keras_layers import Activation
    >>> Activation("relu")(np.array([[-1.0, 2.0]]))
    array([[0., 2.]])
    """

    def __init__(self, activation: str | Callable[..., Any], **kwargs: Any) -> None:
        from ..layers.core import activation_function  # that module imports this package
        self.function = activation_function(activation, "Activation")
        super().__init__(**kwargs)

    def call(self, x: Operand) -> Operand:
        return self.function(x)


def _check_batched(where: str, shape: tuple[int, ...], least: int = 1) -> None:
    if len(shape) < least:
        raise ShapeError(f"{where}: the input must have at least {least} axes (the batch axis first), not "
                         f"shape {shape}")


class Reshape(Layer):
    """Keras' ``Reshape(target_shape)``: each sample (the batch axis kept) reshaped to
    ``target_shape``, in which one entry may be −1 (worked out from the others).

    >>> import numpy as np
    >>> from autograd_lite.nn.keras_layers import Reshape
    >>> Reshape((-1, 2))(np.ones((5, 3, 4))).shape
    (5, 6, 2)
    """

    def __init__(self, target_shape: Sequence[int], **kwargs: Any) -> None:
        requirement = "a tuple of integers >= 1, at most one of them -1"
        if not isinstance(target_shape, (tuple, list)):
            raise TypeError(invalid("Reshape", "target_shape", target_shape, requirement))
        try:
            target = tuple(integer(size, "target_shape", "Reshape", minimum=-1) for size in target_shape)
        except (TypeError, ValueError) as error:
            raise type(error)(invalid("Reshape", "target_shape", target_shape, requirement)) from None
        if 0 in target or target.count(-1) > 1:
            raise ValueError(invalid("Reshape", "target_shape", target_shape, requirement))
        self.target_shape = target
        super().__init__(**kwargs)

    def call(self, x: Operand) -> Operand:
        shape = _shape(x)
        where = f"Reshape {self.name!r}"
        _check_batched(where, shape)
        size, known = math.prod(shape[1:]), math.prod(s for s in self.target_shape if s != -1)
        fits = size % known == 0 if -1 in self.target_shape else size == known
        if not fits:
            raise ShapeError(f"{where}: target_shape {self.target_shape} does not fit an input of shape "
                             f"{shape} ({size} elements per sample)")
        target = tuple(size // known if s == -1 else s for s in self.target_shape)
        return reshape(x, (shape[0], *target))


class Flatten(Layer):
    """Keras' ``Flatten``: each sample flattened to one axis, (batch, …) → (batch, features). With
    ``data_format="channels_first"`` an input of 3 or more axes is first moved to channels-last,
    as Keras does, so that the features come in the same order as a channels-last model's.

    >>> import numpy as np
    >>> from autograd_lite.nn.keras_layers import Flatten
    >>> x = np.arange(8.0).reshape(1, 2, 2, 2)
    >>> Flatten()(x)[0, :4], Flatten(data_format="channels_first")(x)[0, :4]
    (array([0., 1., 2., 3.]), array([0., 4., 1., 5.]))
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        self.data_format = data_format_of(data_format, "Flatten")
        super().__init__(**kwargs)

    def call(self, x: Operand) -> Operand:
        shape = _shape(x)
        _check_batched(f"Flatten {self.name!r}", shape)
        if self.data_format == "channels_first" and len(shape) > 2:
            x = transpose(x, (0, *range(2, len(shape)), 1))
        return reshape(x, (shape[0], math.prod(shape[1:])))


class Permute(Layer):
    """Keras' ``Permute(dims)``: the axes of each sample reordered; ``dims`` is a permutation of
    1, …, rank − 1 (the batch axis, 0, stays first).

    >>> import numpy as np
    >>> from autograd_lite.nn.keras_layers import Permute
    >>> Permute((2, 1))(np.ones((4, 3, 5))).shape
    (4, 5, 3)
    """

    def __init__(self, dims: Sequence[int], **kwargs: Any) -> None:
        requirement = "a permutation of 1, ..., n (the axes after the batch axis)"
        if not isinstance(dims, (tuple, list)) or sorted(dims) != list(range(1, len(dims) + 1)) or \
                any(isinstance(d, bool) for d in dims):
            raise ValueError(invalid("Permute", "dims", dims, requirement))
        self.dims = tuple(int(d) for d in dims)
        super().__init__(**kwargs)

    def call(self, x: Operand) -> Operand:
        shape = _shape(x)
        if len(shape) != len(self.dims) + 1:
            raise ShapeError(f"Permute {self.name!r}: dims {self.dims} need an input of {len(self.dims) + 1} "
                             f"axes, not shape {shape}")
        return transpose(x, (0, *self.dims))


class RepeatVector(Layer):
    """Keras' ``RepeatVector(n)``: (batch, features) → (batch, n, features), each sample repeated.

    >>> import numpy as np
    >>> from autograd_lite.nn.keras_layers import RepeatVector
    >>> RepeatVector(3)(np.array([[1.0, 2.0]]))
    array([[[1., 2.],
            [1., 2.],
            [1., 2.]]])
    """

    def __init__(self, n: int, **kwargs: Any) -> None:
        self.n = integer(n, "n", "RepeatVector", minimum=1)
        super().__init__(**kwargs)

    def call(self, x: Operand) -> Operand:
        shape = _shape(x)
        if len(shape) != 2:
            raise ShapeError(f"RepeatVector {self.name!r}: the input must be 2-D (batch, features), not of "
                             f"shape {shape}")
        return repeat(expand_dims(x, 1), self.n, axis=1)


class Dropout(Layer):
    """Keras' ``Dropout(rate)``: while training, each element zeroed with probability ``rate`` and
    the others scaled by 1/(1 − rate) (inverted dropout); the input itself otherwise (after
    :meth:`~autograd_lite.nn.Module.eval`, or with ``training=False``, as ``predict`` runs it).

    ``noise_shape`` shapes the mask, broadcast over the input (``None`` entries take the input's
    size: ``(None, 1, None)`` drops the same features at every step). The masks come from the
    package's generator (``ag.set_random_seed`` seeds it), or, with ``seed``, from a generator of
    the layer's own. Keras' own random numbers are not reproduced, only their distribution.

    >>> import numpy as np
    >>> from autograd_lite.nn.keras_layers import Dropout
    >>> layer = Dropout(0.5, seed=1)
    >>> sorted(set(layer(np.ones((2, 100)), training=True).ravel().tolist())), layer(np.ones(2))
    ([0.0, 2.0], array([1., 1.]))
    """

    def __init__(self, rate: float, noise_shape: Sequence[int | None] | None = None, seed: int | None = None,
                 **kwargs: Any) -> None:
        self.rate = real(rate, "rate", "Dropout", minimum=0.0, maximum=1.0)
        if noise_shape is not None:
            if not isinstance(noise_shape, (tuple, list)):
                raise TypeError(invalid("Dropout", "noise_shape", noise_shape, "None or a tuple of sizes"))
            noise_shape = tuple(None if s is None else integer(s, "noise_shape", "Dropout", minimum=1)
                                for s in noise_shape)
        self.noise_shape = noise_shape
        self.seed = None if seed is None else integer(seed, "seed", "Dropout", minimum=0)
        self._generator = get_generator() if seed is None else _host.random.default_rng(self.seed)
        super().__init__(**kwargs)

    def call(self, x: Operand) -> Operand:
        if self.noise_shape is None and self.seed is None:
            return F.dropout(x, self.rate, self.training)
        shape = _shape(x)
        if not self.training or self.rate == 0.0 or 0 in shape:
            return x
        mask_shape = shape if self.noise_shape is None else self._mask_shape(shape)
        keep = self._generator.random(mask_shape) >= self.rate   # kept with probability 1 − rate
        data = data_of(x)
        mask = _host.zeros(mask_shape) if self.rate == 1.0 else keep / (1.0 - self.rate)
        mask = backend.array(mask, device=backend.device_of(data), xp=backend.namespace(data))
        return multiply(x, astype(mask, data.dtype))

    def _mask_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        noise = self.noise_shape
        if len(noise) != len(shape) or any(n not in (None, 1, s) for n, s in zip(noise, shape)):
            raise ShapeError(f"Dropout {self.name!r}: noise_shape {noise} does not broadcast to the input's "
                             f"shape {shape} (each entry must be None, 1 or the input's size)")
        return tuple(s if n is None else n for n, s in zip(noise, shape))


class Embedding(Layer):
    """Keras' ``Embedding(input_dim, output_dim)``: integer indices of any shape in, their rows of
    ``embeddings`` (input_dim, output_dim) out (:func:`~autograd_lite.nn.functional.embedding`);
    ``embeddings_initializer`` is Keras' ``"uniform"`` (U(−0.05, 0.05)). Float inputs are truncated
    to integers, as Keras casts them; an index outside [0, input_dim) raises an ``IndexError``
    (Keras on jax reads a clipped or NaN row instead). ``mask_zero=True``, the regularizer and
    the constraint are not supported.

    >>> import numpy as np
    >>> from autograd_lite.nn.keras_layers import Embedding
    >>> layer = Embedding(10, 3)
    >>> layer(np.array([[1, 2], [0, 9]])).shape, layer.embeddings.shape
    ((2, 2, 3), (10, 3))
    """

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: str | Callable[..., Any] =
                 "uniform", embeddings_regularizer: None = None, embeddings_constraint: None = None,
                 mask_zero: bool = False, weights: None = None, **kwargs: Any) -> None:
        from ..layers.core import refuse_unless_none  # that module imports this package
        self.input_dim = integer(input_dim, "input_dim", "Embedding", minimum=1)
        self.output_dim = integer(output_dim, "output_dim", "Embedding", minimum=1)
        if mask_zero is not False:
            raise NotImplementedError("Embedding: mask_zero=True is not supported (the layers here carry no "
                                      "masks); leave mask_zero=False")
        refuse_unless_none("Embedding", embeddings_regularizer=embeddings_regularizer,
                           embeddings_constraint=embeddings_constraint, weights=weights)
        self.embeddings_initializer = embeddings_initializer
        super().__init__(**{key: value for key, value in kwargs.items() if key != "input_length"})

    def build(self, input_shape: Any = None) -> None:
        """Make ``embeddings`` (input_dim, output_dim); it does not depend on the input's shape."""
        self.embeddings = self.add_weight((self.input_dim, self.output_dim), self.embeddings_initializer,
                                          name="embeddings")

    def call(self, x: Operand) -> Operand:
        data = data_of(x)
        if not backend.is_array(data):
            data = _host.asarray(data)
        if backend.dtype_kind(data.dtype) == "f":   # Keras casts to int32 (truncating); no gradient
            xp = backend.namespace(data)
            data = xp.astype(data, xp.int64)
        return F.embedding(data, self.embeddings)


# ---- merging layers -------------------------------------------------------------------------------


class _Merge(Layer):
    """Keras' ``Merge``: called on a list of inputs of one shape (a size-1 axis broadcasts, as Keras
    allows); the batch sizes must agree."""

    _least = 1

    def call(self, inputs: Sequence[Operand]) -> Operand:
        where = f"{type(self).__name__} {self.name!r}"
        if not isinstance(inputs, (list, tuple)):
            raise TypeError(f"{where}: a merging layer is called on a list of inputs, not on one "
                            f"{type(inputs).__name__}")
        if len(inputs) < self._least or type(self) is Subtract and len(inputs) != 2:
            count = "exactly 2" if type(self) is Subtract else f"at least {self._least}"
            raise ValueError(f"{where}: it must be called on {count} inputs, not {len(inputs)}")
        shapes = [_shape(item) for item in inputs]
        self._check(where, shapes)
        return self._merge(list(inputs))

    def _check(self, where: str, shapes: list[tuple[int, ...]]) -> None:
        first = shapes[0]
        for shape in shapes[1:]:
            if len(shape) != len(first) or shape[0] != first[0] or \
                    any(a != b and 1 not in (a, b) for a, b in zip(shape[1:], first[1:])):
                raise ShapeError(f"{where}: the inputs' shapes {shapes} do not match (the same rank and "
                                 f"batch size; other axes equal, or 1 to broadcast)")

    def _merge(self, inputs: list[Operand]) -> Operand:
        raise NotImplementedError


def _folded(function: Callable[[Operand, Operand], Operand], inputs: list[Operand]) -> Operand:
    out = inputs[0]
    for item in inputs[1:]:
        out = function(out, item)
    return out


class Add(_Merge):
    """Keras' ``Add()``: the elementwise sum of a list of inputs.

    >>> import numpy as np
    >>> from autograd_lite.nn.keras_layers import Add
    >>> Add()([np.ones((1, 2)), np.full((1, 2), 2.0)])
    array([[3., 3.]])
    """

    def _merge(self, inputs: list[Operand]) -> Operand:
        return _folded(add, inputs)


class Subtract(_Merge):
    """Keras' ``Subtract()``: the first of exactly two inputs minus the second."""

    _least = 2

    def _merge(self, inputs: list[Operand]) -> Operand:
        return subtract(inputs[0], inputs[1])


class Multiply(_Merge):
    """Keras' ``Multiply()``: the elementwise product of a list of inputs."""

    def _merge(self, inputs: list[Operand]) -> Operand:
        return _folded(multiply, inputs)


class Average(_Merge):
    """Keras' ``Average()``: the elementwise mean of a list of inputs."""

    def _merge(self, inputs: list[Operand]) -> Operand:
        return multiply(_folded(add, inputs), 1.0 / len(inputs))


class Maximum(_Merge):
    """Keras' ``Maximum()``: the elementwise maximum of a list of inputs."""

    def _merge(self, inputs: list[Operand]) -> Operand:
        return _folded(maximum, inputs)


class Minimum(_Merge):
    """Keras' ``Minimum()``: the elementwise minimum of a list of inputs."""

    def _merge(self, inputs: list[Operand]) -> Operand:
        return _folded(minimum, inputs)


class Concatenate(_Merge):
    """Keras' ``Concatenate(axis=-1)``: a list of inputs joined along ``axis`` (counted with the
    batch axis, as Keras: -1 is the last); the other axes must agree.

    >>> import numpy as np
    >>> from autograd_lite.nn.keras_layers import Concatenate
    >>> Concatenate(axis=1)([np.ones((2, 3)), np.zeros((2, 1))]).shape
    (2, 4)
    """

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        self.axis = integer(axis, "axis", "Concatenate")
        super().__init__(**kwargs)

    def _check(self, where: str, shapes: list[tuple[int, ...]]) -> None:
        rank = len(shapes[0])
        if not -rank <= self.axis < rank:
            raise ShapeError(f"{where}: axis {self.axis} is out of range for inputs of shapes {shapes}")
        axis = self.axis % rank
        others = {shape[:axis] + shape[axis + 1:] for shape in shapes}
        if len({len(shape) for shape in shapes}) != 1 or len(others) != 1:
            raise ShapeError(f"{where}: the inputs' shapes {shapes} must match except along axis {self.axis}")

    def _merge(self, inputs: list[Operand]) -> Operand:
        return concatenate(inputs, axis=self.axis)
