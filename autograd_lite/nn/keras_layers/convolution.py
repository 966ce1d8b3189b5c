"""Keras' convolution layers, ``Conv1D`` and ``Conv2D``, over :func:`~autograd_lite.nn.functional.conv1d`
and :func:`~autograd_lite.nn.functional.conv2d`, and the window arithmetic the pooling layers share.

Keras keeps images channels-last, (batch, H, W, channels), and a kernel (kh, kw, in/groups, filters);
the functional convolutions take PyTorch's (batch, channels, H, W) and (filters, in/groups, kh, kw).
So a layer transposes its input once, the kernel once, and the output once per call, and the math is
the functional op's. Keras' ``padding="same"`` pads each spatial axis of size n by
``max((⌈n/s⌉ − 1)·s + (k − 1)·d + 1 − n, 0)`` in all (s the stride, d the dilation), the odd one at
the end, as TensorFlow and Keras do: with a stride above 1 that is not PyTorch's ``"same"``, so the
padding is applied first with :func:`~autograd_lite.nn.functional.pad` where it is not symmetric.
``Conv1D`` also takes Keras' ``padding="causal"`` ((k − 1)·d zeros at the start only).

>>> import numpy as np
>>> from autograd_lite.nn.keras_layers import Conv2D
>>> layer = Conv2D(8, 3, strides=2, padding="same")
>>> layer(np.ones((2, 7, 7, 3))).shape, layer.kernel.shape, layer.bias.shape
((2, 4, 4, 8), (3, 3, 3, 8), (8,))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..._checks import boolean, integer, invalid
from ...engine import ShapeError
from ...shape_ops import transpose
from ...typing import Operand
from .. import functional as F
from .._targets import _shape
from .base import Layer

__all__ = ["Conv1D", "Conv2D"]

Pairs = tuple[tuple[int, int], ...]


# ---- what the convolution and pooling layers share ----------------------------------------------


def sizes(value: Any, rank: int, name: str, where: str) -> tuple[int, ...]:
    """Keras' ``standardize_tuple``: an int, or a tuple/list of ``rank`` ints, each ≥ 1."""
    requirement = f"an integer >= 1 or a tuple of {rank} of them"
    parts = tuple(value) if isinstance(value, (tuple, list)) else (value,) * rank
    if len(parts) != rank:
        raise ValueError(invalid(where, name, value, requirement))
    try:
        return tuple(integer(part, name, where, minimum=1) for part in parts)
    except (TypeError, ValueError) as error:
        raise type(error)(invalid(where, name, value, requirement)) from None


def data_format_of(data_format: Any, where: str) -> str:
    """Keras' ``standardize_data_format``: ``None`` is ``"channels_last"`` (Keras' default
    ``image_data_format``), else ``"channels_last"`` or ``"channels_first"`` (any case)."""
    if data_format is None:
        return "channels_last"
    if isinstance(data_format, str) and data_format.lower() in ("channels_last", "channels_first"):
        return data_format.lower()
    raise ValueError(invalid(where, "data_format", data_format, "None, 'channels_last' or 'channels_first'"))


def padding_of(padding: Any, where: str, choices: tuple[str, ...] = ("valid", "same")) -> str:
    """Keras' ``standardize_padding``: one of ``choices``, in any case."""
    if isinstance(padding, str) and padding.lower() in choices:
        return padding.lower()
    raise ValueError(invalid(where, "padding", padding, " or ".join(map(repr, choices))))


def window_pads(padding: str, spatial: tuple[int, ...], kernel: tuple[int, ...], strides: tuple[int, ...],
                dilation: tuple[int, ...]) -> Pairs:
    """The (before, after) padding of each spatial axis for Keras' ``padding``: none for
    ``"valid"``; for ``"same"`` max((⌈n/s⌉ − 1)·s + (k − 1)·d + 1 − n, 0) in all, the odd one
    after; for ``"causal"`` (k − 1)·d before."""
    if padding == "valid":
        return ((0, 0),) * len(spatial)
    if padding == "causal":
        return tuple(((k - 1) * d, 0) for k, d in zip(kernel, dilation))
    pads = []
    for n, k, s, d in zip(spatial, kernel, strides, dilation):
        total = max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
        pads.append((total // 2, total - total // 2))
    return tuple(pads)


def output_sizes(where: str, shape: tuple[int, ...], spatial: tuple[int, ...], pads: Pairs,
                 kernel: tuple[int, ...], strides: tuple[int, ...],
                 dilation: tuple[int, ...]) -> tuple[int, ...]:
    """The windows along each spatial axis; a ``ShapeError`` naming the layer and the shapes where
    the (dilated) window does not fit the padded input."""
    out = tuple((n + before + after - (k - 1) * d - 1) // s + 1
                for n, (before, after), k, s, d in zip(spatial, pads, kernel, strides, dilation))
    if min(out) < 1:
        raise ShapeError(f"{where}: the input of shape {shape} is too small for a window of {kernel} with "
                         f"strides {strides} and dilation {dilation}: the output would have spatial size "
                         f"{out}")
    return out


def channels_first_axes(rank: int) -> tuple[int, ...]:
    """The permutation (batch, spatial…, channels) → (batch, channels, spatial…)."""
    return (0, rank + 1, *range(1, rank + 1))


def channels_last_axes(rank: int) -> tuple[int, ...]:
    """The permutation (batch, channels, spatial…) → (batch, spatial…, channels)."""
    return (0, *range(2, rank + 2), 1)


def padded(x: Operand, pads: Pairs) -> tuple[Operand, Pairs]:
    """``x`` (batch, channels, spatial…) and the padding a functional op still has to add: the
    padding itself where every axis is padded symmetrically (the op pads as it reads the windows),
    else ``x`` padded by ``F.pad`` and none left."""
    if all(before == after for before, after in pads):
        return x, pads
    flat = [count for pair in reversed(pads) for count in pair]   # F.pad lists the last axis first
    return F.pad(x, flat), ((0, 0),) * len(pads)


def spatial_rank_check(where: str, shape: tuple[int, ...], rank: int, data_format: str) -> None:
    if len(shape) != rank + 2:
        layout = ("steps" if rank == 1 else "height, width")
        expected = f"(batch, {layout}, channels)" if data_format == "channels_last" else \
            f"(batch, channels, {layout})"
        raise ShapeError(f"{where}: the input must have {rank + 2} axes, {expected} for data_format="
                         f"{data_format!r}, not shape {shape}")


# ---- the layers -----------------------------------------------------------------------------------


class _Conv(Layer):
    """Keras' ``BaseConv``: the arguments, the kernel in Keras' layout, and one functional call."""

    rank: int
    _function: Callable[..., Operand]
    _paddings: tuple[str, ...] = ("valid", "same")

    def __init__(self, filters: int, kernel_size: int | tuple[int, ...], strides: int | tuple[int, ...] = 1,
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: int | tuple[int, ...] = 1, groups: int = 1,
                 activation: str | Callable[..., Any] | None = None, use_bias: bool = True,
                 kernel_initializer: str | Callable[..., Any] = "glorot_uniform",
                 bias_initializer: str | Callable[..., Any] = "zeros", kernel_regularizer: None = None,
                 bias_regularizer: None = None, activity_regularizer: None = None,
                 kernel_constraint: None = None, bias_constraint: None = None, **kwargs: Any) -> None:
        from ..layers.core import activation_function, refuse_unless_none  # imports this package
        where, rank = type(self).__name__, self.rank
        filters = integer(filters, "filters", where, minimum=1)
        groups = integer(groups, "groups", where, minimum=1)
        if filters % groups:
            raise ValueError(f"{where}: filters={filters} must be divisible by groups={groups}")
        self.kernel_size = sizes(kernel_size, rank, "kernel_size", where)
        self.strides = sizes(strides, rank, "strides", where)
        self.dilation_rate = sizes(dilation_rate, rank, "dilation_rate", where)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{where}: strides {self.strides} > 1 together with dilation_rate "
                             f"{self.dilation_rate} > 1 is not supported (as in Keras)")
        self.padding = padding_of(padding, where, type(self)._paddings)
        self.data_format = data_format_of(data_format, where)
        function = activation_function(activation, where)
        use_bias = boolean(use_bias, "use_bias", where)
        refuse_unless_none(where, kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                           activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                           bias_constraint=bias_constraint)
        super().__init__(**kwargs)
        self.filters, self.groups, self.use_bias, self.activation = filters, groups, use_bias, function
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer

    def _channels(self, shape: tuple[int, ...]) -> int:
        spatial_rank_check(f"{type(self).__name__} {self.name!r}", shape, self.rank, self.data_format)
        return shape[-1] if self.data_format == "channels_last" else shape[1]

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        """Make ``kernel`` (kernel_size…, channels/groups, filters) and ``bias`` (filters,)."""
        where = f"{type(self).__name__} {self.name!r}"
        channels = self._channels(tuple(input_shape))
        if channels is None or channels % self.groups:
            raise ShapeError(f"{where}: the input's {channels} channels (shape {tuple(input_shape)}) must be "
                             f"divisible by groups={self.groups}")
        self._geometry(where, tuple(input_shape))   # too small an input is refused before any weight
        self.kernel = self.add_weight((*self.kernel_size, channels // self.groups, self.filters),
                                      self.kernel_initializer, name="kernel")
        self.bias = self.add_weight((self.filters,), self.bias_initializer, name="bias") if self.use_bias \
            else None

    def _geometry(self, where: str, shape: tuple[int | None, ...]) -> Pairs:
        """The padding of each spatial axis for an input of ``shape``, checked to leave windows."""
        spatial = shape[1:-1] if self.data_format == "channels_last" else shape[2:]
        if None in spatial:
            return ()
        pads = window_pads(self.padding, spatial, self.kernel_size, self.strides, self.dilation_rate)
        output_sizes(where, shape, spatial, pads, self.kernel_size, self.strides, self.dilation_rate)
        return pads

    def call(self, x: Operand) -> Operand:
        where, rank, shape = f"{type(self).__name__} {self.name!r}", self.rank, _shape(x)
        channels = self._channels(shape)
        expected = self.kernel.shape[-2] * self.groups
        if channels != expected:
            raise ShapeError(f"{where}: the input has {channels} channels (shape {shape}), but the layer was "
                             f"built for {expected} (kernel of shape {self.kernel.shape})")
        last = self.data_format == "channels_last"
        pads = self._geometry(where, shape)
        if last:
            x = transpose(x, channels_first_axes(rank))
        x, pads = padded(x, pads)
        weight = transpose(self.kernel, (rank + 1, rank, *range(rank)))   # → (filters, in/groups, k…)
        y = type(self)._function(x, weight, self.bias, stride=self.strides, padding=[p for p, _ in pads],
                                 dilation=self.dilation_rate, groups=self.groups)
        if last:
            y = transpose(y, channels_last_axes(rank))
        return self.activation(y)

    def extra_repr(self) -> str:
        return f"name={self.name!r}, filters={self.filters}, kernel_size={self.kernel_size}, " \
               f"strides={self.strides}, padding={self.padding!r}, data_format={self.data_format!r}"


class Conv1D(_Conv):
    """Keras' 1-D convolution over (batch, steps, channels) (``data_format="channels_first"``:
    (batch, channels, steps)), with a ``kernel`` (kernel_size, channels/groups, filters) and a
    ``bias`` (filters,); ``padding`` is ``"valid"``, ``"same"`` or ``"causal"``; see
    :mod:`~autograd_lite.nn.keras_layers.convolution`. Regularizers and constraints: ``None`` only.

    >>> import numpy as np
    >>> from autograd_lite.nn.keras_layers import Conv1D
    >>> layer = Conv1D(4, 3, padding="causal", dilation_rate=2)
    >>> layer(np.ones((2, 10, 3))).shape, [w.shape for w in layer.get_weights()]
    ((2, 10, 4), [(3, 3, 4), (4,)])
    """

    rank = 1
    _function = staticmethod(F.conv1d)
    _paddings = ("valid", "same", "causal")


class Conv2D(_Conv):
    """Keras' 2-D convolution over (batch, height, width, channels) (``data_format=
    "channels_first"``: (batch, channels, height, width)), with a ``kernel`` (kh, kw,
    channels/groups, filters) and a ``bias`` (filters,); ``padding`` ``"valid"`` or Keras'
    ``"same"`` (strides above 1 too); see :mod:`~autograd_lite.nn.keras_layers.convolution`.
    Regularizers and constraints: ``None`` only.

    >>> import numpy as np
    >>> from autograd_lite.nn.keras_layers import Conv2D
    >>> Conv2D(6, (3, 2), groups=2, data_format="channels_first")(np.ones((1, 4, 5, 5))).shape
    (1, 6, 3, 4)
    """

    rank = 2
    _function = staticmethod(F.conv2d)

