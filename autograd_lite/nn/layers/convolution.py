"""Convolution layers: ``Conv1d``, ``Conv2d``, ``ConvTranspose2d`` (PyTorch's names, arguments, weight
layouts, initialisation and ``state_dict`` keys, so a PyTorch model's weights load unchanged).

``padding_mode`` is PyTorch's: ``"zeros"``, or ``"reflect"``, ``"replicate"`` or ``"circular"``,
for which the input is first padded by :func:`~autograd_lite.nn.functional.pad` in that mode and
then convolved without padding (as PyTorch does).

Each is a thin class over :mod:`autograd_lite.nn.functional.convolution`: the layer holds ``weight``
and ``bias`` and calls ``conv1d``, ``conv2d`` or ``conv_transpose2d``. The initialisation is
PyTorch's ``kaiming_uniform_(a=√5)``, which comes to weight and bias both drawn from
U(−1/√fan_in, 1/√fan_in), with fan_in = weight.shape[1]·∏kernel_size (in_channels/groups·∏k for a
convolution, out_channels/groups·∏k for a transposed one), by the package's generator
(``ag.manual_seed`` seeds it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..._checks import boolean, integer, invalid
from ...tensor import Tensor
from ...typing import Operand
from .. import functional as F
from ..functional.convolution import _ints
from ..module import Module
from .core import _uniform

__all__ = ["Conv1d", "Conv2d", "ConvTranspose2d"]

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _pad_counts(padding: tuple[int, ...] | str, kernel_size: tuple[int, ...],
                dilation: tuple[int, ...]) -> tuple[int, ...]:
    """``F.pad``'s counts for a padding: (before, after) per spatial axis, the last axis first ("same":
    dilation·(k − 1) in all, the odd one after), as PyTorch pads for a padding_mode other than zeros."""
    if padding == "same":
        pairs = [(r * (k - 1) // 2, r * (k - 1) - r * (k - 1) // 2) for k, r in zip(kernel_size, dilation)]
    elif padding == "valid":
        pairs = [(0, 0)] * len(kernel_size)
    else:
        pairs = [(p, p) for p in padding]
    return tuple(count for pair in reversed(pairs) for count in pair)


class _ConvNd(Module):
    """What the convolution layers share: the checked arguments, the parameters, the repr."""

    _dims: int
    _transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | Sequence[int],
                 stride: int | Sequence[int], padding: int | Sequence[int] | str,
                 dilation: int | Sequence[int], groups: int, bias: bool, padding_mode: str,
                 output_padding: int | Sequence[int] = 0) -> None:
        where, d = type(self).__name__, self._dims
        in_channels = integer(in_channels, "in_channels", where, minimum=1)
        out_channels = integer(out_channels, "out_channels", where, minimum=1)
        kernel_size = _ints(kernel_size, "kernel_size", where, d, 1)
        stride = _ints(stride, "stride", where, d, 1)
        dilation = _ints(dilation, "dilation", where, d, 1)
        groups = integer(groups, "groups", where, minimum=1)
        bias = boolean(bias, "bias", where)
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"{where}: groups={groups} must divide in_channels ({in_channels}) and "
                             f"out_channels ({out_channels})")
        if isinstance(padding, str) and not self._transposed:
            if padding not in ("valid", "same"):
                raise ValueError(invalid(where, "padding", padding, "an int, a sequence of ints, 'valid' "
                                         "or 'same'"))
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError(f"{where}: padding='same' is not supported for strided convolutions "
                                 f"(stride {stride})")
        else:
            padding = _ints(padding, "padding", where, d, 0)
        if padding_mode not in PADDING_MODES:
            raise ValueError(invalid(where, "padding_mode", padding_mode, f"one of {PADDING_MODES}"))
        super().__init__()
        self.in_channels, self.out_channels, self.kernel_size = in_channels, out_channels, kernel_size
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups
        self.padding_mode = padding_mode
        self.output_padding = _ints(output_padding, "output_padding", where, d, 0)
        shape = (in_channels, out_channels // groups) if self._transposed else \
            (out_channels, in_channels // groups)
        bound = 1.0 / math.sqrt(shape[1] * math.prod(kernel_size))   # PyTorch's kaiming_uniform_(a=√5)
        self.weight = _uniform(bound, shape + kernel_size)
        self.bias = _uniform(bound, (out_channels,)) if bias else None

    def _convolve(self, conv: Any, input: Operand) -> Tensor:  # noqa: A002
        """``conv`` (F.conv1d or F.conv2d) of ``input`` with this layer's parameters and padding."""
        if self.padding_mode == "zeros":
            return conv(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)
        counts = _pad_counts(self.padding, self.kernel_size, self.dilation)
        padded = F.pad(input, counts, mode=self.padding_mode)
        return conv(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    def extra_repr(self) -> str:
        """PyTorch's: what differs from the defaults, after the channels, kernel size and stride."""
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, " \
               f"stride={self.stride}"
        d = self._dims
        if self.padding != (0,) * d:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * d:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * d:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class Conv1d(_ConvNd):
    """1-D convolution over input (N, in_channels, L) or (in_channels, L): ``F.conv1d`` with this
    layer's ``weight`` (out_channels, in_channels/groups, kernel_size) and ``bias`` (out_channels,).

    >>> from autograd_lite import nn
    >>> layer = nn.Conv1d(2, 4, 3, padding="same")
    >>> layer, layer.weight.shape, layer(np.ones((5, 2, 10))).shape
    (Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=same), (4, 2, 3), (5, 4, 10))
    """

    _dims = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | Sequence[int],
                 stride: int | Sequence[int] = 1, padding: int | Sequence[int] | str = 0,
                 dilation: int | Sequence[int] = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros") -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode)

    def forward(self, input: Operand) -> Tensor:  # noqa: A002
        return self._convolve(F.conv1d, input)


class Conv2d(_ConvNd):
    """2-D convolution over input (N, in_channels, H, W) or (in_channels, H, W): ``F.conv2d`` with
    this layer's ``weight`` (out_channels, in_channels/groups, kH, kW) and ``bias`` (out_channels,).

    >>> from autograd_lite import nn
    >>> layer = nn.Conv2d(1, 32, 3)
    >>> layer, layer.weight.shape, layer(np.ones((64, 1, 28, 28))).shape
    (Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1)), (32, 1, 3, 3), (64, 32, 26, 26))
    """

    _dims = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | Sequence[int],
                 stride: int | Sequence[int] = 1, padding: int | Sequence[int] | str = 0,
                 dilation: int | Sequence[int] = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros") -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode)

    def forward(self, input: Operand) -> Tensor:  # noqa: A002
        return self._convolve(F.conv2d, input)


class ConvTranspose2d(_ConvNd):
    """2-D transposed convolution (an upsampling: the gradient of a ``Conv2d`` with respect to its
    input) over input (N, in_channels, H, W) or (in_channels, H, W): ``F.conv_transpose2d`` with this
    layer's ``weight`` (in_channels, out_channels/groups, kH, kW) and ``bias`` (out_channels,).

    ``forward(input, output_size=None)``: as in PyTorch, ``output_size`` (the output's (H, W), or its
    whole shape) picks the output padding for this call, where a stride > 1 leaves several sizes
    possible.

    >>> from autograd_lite import nn
    >>> layer = nn.ConvTranspose2d(16, 8, 2, stride=2)
    >>> layer, layer.weight.shape, layer(np.ones((4, 16, 7, 7))).shape
    (ConvTranspose2d(16, 8, kernel_size=(2, 2), stride=(2, 2)), (16, 8, 2, 2), (4, 8, 14, 14))
    """

    _dims = 2
    _transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | Sequence[int],
                 stride: int | Sequence[int] = 1, padding: int | Sequence[int] = 0,
                 output_padding: int | Sequence[int] = 0, groups: int = 1, bias: bool = True,
                 dilation: int | Sequence[int] = 1, padding_mode: str = "zeros") -> None:
        if padding_mode != "zeros":
            raise ValueError(f"ConvTranspose2d: only padding_mode='zeros' is supported (as in PyTorch), "
                             f"not {padding_mode!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, output_padding)

    def forward(self, input: Operand, output_size: Sequence[int] | None = None) -> Tensor:  # noqa: A002
        output_padding = self.output_padding if output_size is None else \
            self._output_padding(input, output_size)
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                  self.groups, self.dilation)

    def _output_padding(self, input: Operand, output_size: Any) -> tuple[int, ...]:  # noqa: A002
        """The output padding that gives an output of spatial size ``output_size`` (checked)."""
        where = "ConvTranspose2d"
        wanted = tuple(integer(n, "output_size", where, minimum=1) for n in tuple(output_size)[-2:])
        spatial = tuple(getattr(input, "shape", ()))[-2:]
        smallest = tuple((n - 1) * s - 2 * p + r * (k - 1) + 1 for n, s, p, r, k in
                         zip(spatial, self.stride, self.padding, self.dilation, self.kernel_size))
        largest = tuple(m + max(s, r) - 1 for m, s, r in zip(smallest, self.stride, self.dilation))
        if len(wanted) != 2 or not all(m <= w <= n for m, w, n in zip(smallest, wanted, largest)):
            raise ValueError(f"{where}: invalid output_size {tuple(output_size)} for input of shape "
                             f"{tuple(getattr(input, 'shape', ()))}; the output's (H, W) must be between "
                             f"{smallest} and {largest}")
        return tuple(w - m for w, m in zip(wanted, smallest))
