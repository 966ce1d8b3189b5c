"""Keras' pooling layers: ``MaxPooling1D/2D``, ``AveragePooling1D/2D`` over the pooling primitives of
:mod:`autograd_lite.nn.functional.pooling`, and the global poolings, a ``max`` or ``mean`` over the
spatial axes.

Windows follow Keras: ``strides`` default to ``pool_size``; ``padding="valid"`` keeps the windows
that fit, and ``"same"`` pads each axis by ``max((⌈n/s⌉ − 1)·s + k − n, 0)`` in all, the odd one
at the end (as :func:`~.convolution.window_pads`), so that there are ⌈n/s⌉ windows. Max pooling's
padding is −∞ (never a window's maximum), and average pooling divides each window's sum by the
number of input elements in it, not counting the padding — both as Keras. Channels-last input
(Keras' default) is transposed to the functional ops' (batch, channels, spatial…) and back, once
per call.

>>> import numpy as np
>>> from autograd_lite.nn.keras_layers import AveragePooling2D, MaxPooling2D
>>> x = np.arange(9.0).reshape(1, 3, 3, 1)
>>> MaxPooling2D(padding="same")(x)[0, :, :, 0]
array([[4., 5.],
       [7., 8.]])
>>> AveragePooling2D(padding="same")(x)[0, :, :, 0]
array([[2. , 3.5],
       [6.5, 8. ]])
"""

from __future__ import annotations

import math
from typing import Any

from ... import backend
from ..._checks import boolean
from ...engine import ShapeError, data_of
from ...reductions import max as _max
from ...reductions import mean
from ...shape_ops import transpose
from ...typing import Operand
from .._targets import _shape
from ..functional.pooling import _avg_pool, _max_pool
from .base import Layer
from .convolution import (
    channels_first_axes,
    channels_last_axes,
    data_format_of,
    output_sizes,
    padding_of,
    sizes,
    spatial_rank_check,
    window_pads,
)

__all__ = [
    "AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "MaxPooling1D", "MaxPooling2D",
]


def _real_counts(n: int, k: int, s: int, before: int, count: int) -> tuple[float, ...]:
    """How many input elements (not padding) each of ``count`` windows along an axis holds."""
    return tuple(float(min(o * s - before + k, n) - max(o * s - before, 0)) for o in range(count))


class _Pooling(Layer):
    """Keras' ``BasePooling``: the windows, and one call of a functional pooling primitive."""

    rank: int
    _average: bool

    def __init__(self, pool_size: int | tuple[int, ...] = 2, strides: int | tuple[int, ...] | None = None,
                 padding: str = "valid", data_format: str | None = None, **kwargs: Any) -> None:
        where = type(self).__name__
        self.pool_size = sizes(pool_size, self.rank, "pool_size", where)
        self.strides = self.pool_size if strides is None else sizes(strides, self.rank, "strides", where)
        self.padding = padding_of(padding, where)
        self.data_format = data_format_of(data_format, where)
        super().__init__(**kwargs)

    def call(self, x: Operand) -> Operand:
        where, rank, shape = f"{type(self).__name__} {self.name!r}", self.rank, _shape(x)
        spatial_rank_check(where, shape, rank, self.data_format)
        data = data_of(x)
        if backend.is_array(data) and backend.dtype_kind(data.dtype) != "f":
            raise TypeError(f"{where}: the input must have a floating dtype, not "
                            f"{backend.dtype_name(data.dtype)}")
        last = self.data_format == "channels_last"
        spatial = shape[1:-1] if last else shape[2:]
        ones = (1,) * rank
        pads = window_pads(self.padding, spatial, self.pool_size, self.strides, ones)
        out = output_sizes(where, shape, spatial, pads, self.pool_size, self.strides, ones)
        if last:
            x = transpose(x, channels_first_axes(rank))
        if self._average:
            # every valid window holds the whole pool: one number divides them all (the faster path)
            divisors: Any = float(math.prod(self.pool_size)) if self.padding == "valid" else \
                tuple(_real_counts(n, k, s, before, count) for n, k, s, (before, _), count
                      in zip(spatial, self.pool_size, self.strides, pads, out))
            y = _avg_pool(x, kernel=self.pool_size, stride=self.strides, pads=pads, divisors=divisors)
        else:
            y = _max_pool(x, kernel=self.pool_size, stride=self.strides, dilation=ones, pads=pads)
        return transpose(y, channels_last_axes(rank)) if last else y

    def extra_repr(self) -> str:
        return f"name={self.name!r}, pool_size={self.pool_size}, strides={self.strides}, " \
               f"padding={self.padding!r}, data_format={self.data_format!r}"


class MaxPooling1D(_Pooling):
    """Keras' 1-D max pooling of (batch, steps, features) (``channels_first``: (batch, features,
    steps)): the maximum of each window of ``pool_size`` (default 2) steps; see
    :mod:`~autograd_lite.nn.keras_layers.pooling`.

    >>> import numpy as np
    >>> from autograd_lite.nn.keras_layers import MaxPooling1D
    >>> MaxPooling1D(pool_size=2, strides=1)(np.array([[[1.0], [3.0], [2.0]]]))[0, :, 0]
    array([3., 3.])
    """

    rank, _average = 1, False


class MaxPooling2D(_Pooling):
    """Keras' 2-D max pooling of (batch, height, width, channels) (``channels_first``: (batch,
    channels, height, width)), ``pool_size`` (2, 2) by default; see
    :mod:`~autograd_lite.nn.keras_layers.pooling`."""

    rank, _average = 2, False


class AveragePooling1D(_Pooling):
    """Keras' 1-D average pooling (as :class:`MaxPooling1D`, with each window's mean over its input
    elements)."""

    rank, _average = 1, True


class AveragePooling2D(_Pooling):
    """Keras' 2-D average pooling (as :class:`MaxPooling2D`, with each window's mean over its input
    elements: ``"same"`` padding is not counted)."""

    rank, _average = 2, True


class _GlobalPooling(Layer):
    """Keras' ``BaseGlobalPooling``: a reduction over every spatial axis."""

    rank: int
    _reduce: Any

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        where = type(self).__name__
        self.data_format = data_format_of(data_format, where)
        self.keepdims = boolean(keepdims, "keepdims", where)
        super().__init__(**kwargs)

    def call(self, x: Operand) -> Operand:
        shape = _shape(x)
        spatial_rank_check(f"{type(self).__name__} {self.name!r}", shape, self.rank, self.data_format)
        first = 1 if self.data_format == "channels_last" else 2
        axes = tuple(range(first, first + self.rank))
        if 0 in shape:
            raise ShapeError(f"{type(self).__name__} {self.name!r}: cannot pool an input of shape {shape}, "
                             f"which has no elements")
        return type(self)._reduce(x, axis=axes, keepdims=self.keepdims)

    def extra_repr(self) -> str:
        return f"name={self.name!r}, data_format={self.data_format!r}, keepdims={self.keepdims}"


class GlobalAveragePooling1D(_GlobalPooling):
    """Keras' mean over the steps of (batch, steps, features) (``channels_first``: (batch, features,
    steps)), giving (batch, features), or (batch, 1, features) with ``keepdims=True``. Keras' masks
    are not supported.

    >>> import numpy as np
    >>> from autograd_lite.nn.keras_layers import GlobalAveragePooling1D
    >>> GlobalAveragePooling1D()(np.array([[[1.0, 2.0], [3.0, 6.0]]]))
    array([[2., 4.]])
    """

    rank, _reduce = 1, staticmethod(mean)


class GlobalAveragePooling2D(_GlobalPooling):
    """Keras' mean over height and width: (batch, height, width, channels) → (batch, channels), or
    (batch, 1, 1, channels) with ``keepdims=True``."""

    rank, _reduce = 2, staticmethod(mean)


class GlobalMaxPooling1D(_GlobalPooling):
    """Keras' maximum over the steps of (batch, steps, features) → (batch, features)."""

    rank, _reduce = 1, staticmethod(_max)


class GlobalMaxPooling2D(_GlobalPooling):
    """Keras' maximum over height and width: (batch, height, width, channels) → (batch, channels)."""

    rank, _reduce = 2, staticmethod(_max)
