"""Pooling, padding and upsampling layers, as PyTorch's: ``MaxPool1d/2d``, ``AvgPool1d/2d``,
``AdaptiveAvgPool1d/2d``, ``AdaptiveMaxPool1d/2d``, ``Upsample``, and the padding layers
(``ZeroPad2d``, ``ConstantPad2d``, ``ReflectionPad2d``, ``ReplicationPad2d``, ``CircularPad2d`` and
their 1-d forms).

Each is a thin class over :mod:`autograd_lite.nn.functional` with no parameters: it keeps its
arguments as PyTorch's modules keep them (the same attributes, the same ``repr``) and checks them
when it is made, so that a bad one raises there rather than at the first batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..._checks import boolean, integer, invalid, real
from ...typing import Operand
from .. import functional as F
from ..functional import _pooling_geometry as _geometry
from ..module import Module

__all__ = [
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AvgPool1d",
    "AvgPool2d", "CircularPad1d", "CircularPad2d", "ConstantPad1d", "ConstantPad2d", "MaxPool1d", "MaxPool2d",
    "ReflectionPad1d", "ReflectionPad2d", "ReplicationPad1d", "ReplicationPad2d", "Upsample", "ZeroPad1d",
    "ZeroPad2d",
]


def _check_windows(name: str, d: int, kernel_size: Any, stride: Any, padding: Any, dilation: Any = 1) -> None:
    """The window arguments' kinds and ranges, as the functional op checks them."""
    kernel = _geometry.sizes(kernel_size, d, "kernel_size", name, 1)
    if stride is not None:
        _geometry.sizes(stride, d, "stride", name, 1)
    padding = _geometry.sizes(padding, d, "padding", name, 0)
    _geometry.sizes(dilation, d, "dilation", name, 1)
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise ValueError(f"{name}: invalid padding {padding} for kernel_size {kernel}; padding must be at "
                         f"most half the kernel size (PyTorch's rule)")


class _MaxPoolNd(Module):
    _d = 0

    def __init__(self, kernel_size: int | Sequence[int], stride: int | Sequence[int] | None = None,
                 padding: int | Sequence[int] = 0, dilation: int | Sequence[int] = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        name = type(self).__name__
        _check_windows(name, self._d, kernel_size, stride, padding, dilation)
        self.return_indices = boolean(return_indices, "return_indices", name)
        self.ceil_mode = boolean(ceil_mode, "ceil_mode", name)
        super().__init__()
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.stride = stride if stride is not None else kernel_size

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, " \
               f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"


class MaxPool1d(_MaxPoolNd):
    """:func:`~autograd_lite.nn.functional.max_pool1d` as a layer, with PyTorch's arguments.

    >>> from autograd_lite import nn
    >>> nn.MaxPool1d(2)(Tensor([[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]]]))
    Tensor([[[1., 3., 5.]]])
    """

    _d = 1

    def forward(self, x: Operand) -> Any:
        return F.max_pool1d(x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                            self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """:func:`~autograd_lite.nn.functional.max_pool2d` as a layer, with PyTorch's arguments
    (``return_indices=True``: it returns the output and the indices).

    >>> from autograd_lite import nn
    >>> pool = nn.MaxPool2d(2)
    >>> pool, pool(np.ones((5, 3, 28, 28))).shape
    (MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False), (5, 3, 14, 14))
    """

    _d = 2

    def forward(self, x: Operand) -> Any:
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                            self.return_indices)


class AvgPool1d(Module):
    """:func:`~autograd_lite.nn.functional.avg_pool1d` as a layer, with PyTorch's arguments (kept as
    1-tuples, as PyTorch's are).

    >>> from autograd_lite import nn
    >>> nn.AvgPool1d(3, stride=2)
    AvgPool1d(kernel_size=(3,), stride=(2,), padding=(0,))
    """

    def __init__(self, kernel_size: int | Sequence[int], stride: int | Sequence[int] | None = None,
                 padding: int | Sequence[int] = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        _check_windows("AvgPool1d", 1, kernel_size, stride, padding)
        self.ceil_mode = boolean(ceil_mode, "ceil_mode", "AvgPool1d")
        self.count_include_pad = boolean(count_include_pad, "count_include_pad", "AvgPool1d")
        super().__init__()
        self.kernel_size = _geometry.sizes(kernel_size, 1, "kernel_size", "AvgPool1d", 1)
        self.stride = _geometry.sizes(kernel_size if stride is None else stride, 1, "stride", "AvgPool1d", 1)
        self.padding = _geometry.sizes(padding, 1, "padding", "AvgPool1d", 0)

    def forward(self, x: Operand) -> Operand:
        return F.avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(Module):
    """:func:`~autograd_lite.nn.functional.avg_pool2d` as a layer, with PyTorch's arguments.

    >>> from autograd_lite import nn
    >>> nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)
    AvgPool2d(kernel_size=3, stride=2, padding=1)
    """

    def __init__(self, kernel_size: int | Sequence[int], stride: int | Sequence[int] | None = None,
                 padding: int | Sequence[int] = 0, ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        _check_windows("AvgPool2d", 2, kernel_size, stride, padding)
        self.ceil_mode = boolean(ceil_mode, "ceil_mode", "AvgPool2d")
        self.count_include_pad = boolean(count_include_pad, "count_include_pad", "AvgPool2d")
        if divisor_override is not None:
            integer(divisor_override, "divisor_override", "AvgPool2d", minimum=1)
        super().__init__()
        self.kernel_size, self.padding, self.divisor_override = kernel_size, padding, divisor_override
        self.stride = stride if stride is not None else kernel_size

    def forward(self, x: Operand) -> Operand:
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AdaptiveAvgPoolNd(Module):
    _d = 0

    def __init__(self, output_size: int | Sequence[int | None]) -> None:
        name = type(self).__name__
        parts = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * self._d
        if len(parts) != self._d:
            raise ValueError(invalid(name, "output_size", output_size, f"an int or a tuple of {self._d}"))
        for part in parts:
            if part is not None or self._d == 1:
                integer(part, "output_size", name, minimum=1)
        super().__init__()
        self.output_size = output_size

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """:func:`~autograd_lite.nn.functional.adaptive_avg_pool1d` as a layer.

    >>> from autograd_lite import nn
    >>> nn.AdaptiveAvgPool1d(2)(Tensor([[[0.0, 1.0, 2.0, 3.0, 4.0]]]))
    Tensor([[[1., 3.]]])
    """

    _d = 1

    def forward(self, x: Operand) -> Operand:
        return F.adaptive_avg_pool1d(x, self.output_size)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """:func:`~autograd_lite.nn.functional.adaptive_avg_pool2d` as a layer: ``AdaptiveAvgPool2d(1)`` is
    global average pooling.

    >>> from autograd_lite import nn
    >>> pool = nn.AdaptiveAvgPool2d((1, None))
    >>> pool, pool(np.ones((2, 3, 7, 5))).shape
    (AdaptiveAvgPool2d(output_size=(1, None)), (2, 3, 1, 5))
    """

    _d = 2

    def forward(self, x: Operand) -> Operand:
        return F.adaptive_avg_pool2d(x, self.output_size)


class _AdaptiveMaxPoolNd(_AdaptiveAvgPoolNd):
    def __init__(self, output_size: int | Sequence[int | None], return_indices: bool = False) -> None:
        self.return_indices = boolean(return_indices, "return_indices", type(self).__name__)
        super().__init__(output_size)


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """:func:`~autograd_lite.nn.functional.adaptive_max_pool1d` as a layer.

    >>> from autograd_lite import nn
    >>> nn.AdaptiveMaxPool1d(2)(Tensor([[[0.0, 4.0, 2.0, 3.0, 1.0]]]))
    Tensor([[[4., 3.]]])
    """

    _d = 1

    def forward(self, x: Operand) -> Any:
        return F.adaptive_max_pool1d(x, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """:func:`~autograd_lite.nn.functional.adaptive_max_pool2d` as a layer.

    >>> from autograd_lite import nn
    >>> nn.AdaptiveMaxPool2d((2, 1))
    AdaptiveMaxPool2d(output_size=(2, 1))
    """

    _d = 2

    def forward(self, x: Operand) -> Any:
        return F.adaptive_max_pool2d(x, self.output_size, self.return_indices)


class Upsample(Module):
    """:func:`~autograd_lite.nn.functional.interpolate` as a layer, with PyTorch's arguments.

    >>> from autograd_lite import nn
    >>> up = nn.Upsample(scale_factor=2, mode="bilinear")
    >>> up, up(np.ones((1, 3, 4, 4))).shape
    (Upsample(scale_factor=2.0, mode='bilinear'), (1, 3, 8, 8))
    """

    def __init__(self, size: int | Sequence[int] | None = None,
                 scale_factor: float | Sequence[float] | None = None, mode: str = "nearest",
                 align_corners: bool | None = None, recompute_scale_factor: bool | None = None) -> None:
        if mode not in ("nearest", "nearest-exact", "linear", "bilinear", "trilinear", "area"):
            raise ValueError(invalid("Upsample", "mode", mode, "one of 'nearest', 'nearest-exact', 'linear', "
                                     "'bilinear', 'trilinear', 'area'"))
        if (size is None) == (scale_factor is None):
            raise ValueError("Upsample: give one of size and scale_factor" if size is None else
                             "Upsample: give size or scale_factor, not both")
        if isinstance(scale_factor, (tuple, list)):
            scale_factor = tuple(real(f, "scale_factor", "Upsample", minimum=0.0) for f in scale_factor)
        elif scale_factor is not None:
            scale_factor = real(scale_factor, "scale_factor", "Upsample", minimum=0.0)
        if align_corners is not None:
            boolean(align_corners, "align_corners", "Upsample")
        super().__init__()
        self.name = "Upsample"  # PyTorch's attribute
        self.size, self.scale_factor, self.mode = size, scale_factor, mode
        self.align_corners, self.recompute_scale_factor = align_corners, recompute_scale_factor

    def forward(self, x: Operand) -> Operand:
        return F.interpolate(x, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            return f"scale_factor={self.scale_factor!r}, mode={self.mode!r}"
        return f"size={self.size!r}, mode={self.mode!r}"


# ---- padding ----------------------------------------------------------------------------------


class _PadNd(Module):
    """Padding of the last ``_d`` axes in ``_mode``: ``padding`` is an int for every side, or
    PyTorch's (left, right[, top, bottom]) tuple."""

    _d = 0
    _mode = "constant"

    def __init__(self, padding: int | Sequence[int]) -> None:
        name, sides = type(self).__name__, 2 * self._d
        parts = tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * sides
        if len(parts) != sides:
            raise ValueError(invalid(name, "padding", padding, f"an int or a tuple of {sides} ints"))
        self.padding = tuple(integer(p, "padding", name) for p in parts)
        super().__init__()

    def forward(self, x: Operand) -> Operand:
        if self._mode == "constant":
            return F.pad(x, self.padding, value=self.value)
        return F.pad(x, self.padding, mode=self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: int | Sequence[int], value: float) -> None:
        real(value, "value", type(self).__name__, finite=False)
        super().__init__(padding)
        self.value = value

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """The last axis padded with ``value``, as PyTorch's (negative counts crop).

    >>> from autograd_lite import nn
    >>> nn.ConstantPad1d((1, 2), 3.5)(Tensor(np.zeros((1, 1, 2))))
    Tensor([[[3.5, 0. , 0. , 3.5, 3.5]]])
    """

    _d = 1


class ConstantPad2d(_ConstantPadNd):
    """The last two axes padded with ``value``: ``padding`` is an int or (left, right, top, bottom).

    >>> from autograd_lite import nn
    >>> nn.ConstantPad2d(1, 3.5)
    ConstantPad2d(padding=(1, 1, 1, 1), value=3.5)
    """

    _d = 2


class ZeroPad1d(_ConstantPadNd):
    """The last axis padded with zeros, as PyTorch's.

    >>> from autograd_lite import nn
    >>> nn.ZeroPad1d(2)
    ZeroPad1d((2, 2))
    """

    _d = 1

    def __init__(self, padding: int | Sequence[int]) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad2d(ZeroPad1d):
    """The last two axes padded with zeros: ``padding`` is an int or (left, right, top, bottom).

    >>> from autograd_lite import nn
    >>> nn.ZeroPad2d((1, 0, 0, 1))(Tensor([[[[1.0]]]]))
    Tensor([[[[0., 1.],
              [0., 0.]]]])
    """

    _d = 2


class ReflectionPad1d(_PadNd):
    """The last axis padded with its mirror image (``F.pad(mode="reflect")``)."""

    _d, _mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    """The last two axes padded with their mirror images (``F.pad(mode="reflect")``).

    >>> from autograd_lite import nn
    >>> nn.ReflectionPad2d(1)(Tensor(np.arange(4.0).reshape(1, 1, 2, 2)))[0, 0]
    Tensor([[3., 2., 3., 2.],
            [1., 0., 1., 0.],
            [3., 2., 3., 2.],
            [1., 0., 1., 0.]])
    """

    _d, _mode = 2, "reflect"


class ReplicationPad1d(_PadNd):
    """The last axis padded with copies of its edge elements (``F.pad(mode="replicate")``)."""

    _d, _mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    """The last two axes padded with copies of their edge elements (``F.pad(mode="replicate")``)."""

    _d, _mode = 2, "replicate"


class CircularPad1d(_PadNd):
    """The last axis padded as if it wrapped around (``F.pad(mode="circular")``)."""

    _d, _mode = 1, "circular"


class CircularPad2d(_PadNd):
    """The last two axes padded as if each wrapped around (``F.pad(mode="circular")``)."""

    _d, _mode = 2, "circular"
