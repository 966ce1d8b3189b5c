"""The arguments and window geometry of the pooling ops in :mod:`.pooling`, checked as PyTorch checks
them: window sizes, strides, paddings and dilations as one int per spatial axis, where each window
lies and how many there are, and the windows of adaptive pooling. Host arithmetic on shapes only.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ... import _checks, backend
from ...engine import ShapeError, data_of
from ...parameters import _shape_of
from ...tensor_ops import reshape
from ...typing import Operand

__all__: list[str] = []

_host = backend.host_namespace  # adaptive windows' tables are made on the host


def sizes(value: Any, d: int, name: str, op: str, minimum: int) -> tuple[int, ...]:
    """An int, or a sequence of 1 or ``d`` ints, as ``d`` ints ≥ ``minimum`` (PyTorch's ``_pair``)."""
    parts = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    if len(parts) == 1:
        parts *= d
    if len(parts) != d:
        raise ValueError(_checks.invalid(op, name, value, f"an int or a tuple of {d} ints"))
    return tuple(_checks.integer(p, name, op, minimum=minimum) for p in parts)


def batched(op: str, x: Operand, d: int) -> tuple[Operand, bool]:
    """``x`` as (N, C, *spatial) with ``d`` spatial axes (a batch axis added to (C, *spatial)), and
    whether it was added; a floating dtype is required."""
    shape = _shape_of(data_of(x))
    if len(shape) not in (d + 1, d + 2):
        raise ShapeError(f"{op}: the input has shape {shape}; it must have {d + 1} axes (C, {_axes(d)}) "
                         f"or {d + 2} (N, C, {_axes(d)})")
    if backend.dtype_kind(data_of(x).dtype) != "f":
        raise TypeError(f"{op}: the input has dtype {backend.dtype_name(data_of(x).dtype)}; it must be a "
                        f"floating dtype")
    if len(shape) == d + 1:
        return reshape(x, (1,) + shape), True
    return x, False


def _axes(d: int) -> str:
    return "L" if d == 1 else "H, W"


def unbatched(out: Operand, added: bool) -> Operand:
    """``out`` without the batch axis that :func:`batched` added."""
    return reshape(out, _shape_of(data_of(out))[1:]) if added else out


class Windows(NamedTuple):
    """Where the windows of a pooling op lie: the primitives' keyword parameters."""

    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    #: (before, after) zeros or −∞ around each spatial axis: ``padding`` before, and after as much
    #: as the last window needs (more than ``padding`` with ``ceil_mode``)
    pads: tuple[tuple[int, int], ...]


def windows_of(op: str, shape: tuple[int, ...], kernel_size: Any, stride: Any, padding: Any,
               dilation: Any, ceil_mode: Any) -> tuple[Windows, tuple[int, ...]]:
    """The windows of a pooling op on an input of ``shape`` (N, C, *spatial), checked as PyTorch
    checks them, and the output's spatial size."""
    d = len(shape) - 2
    kernel = sizes(kernel_size, d, "kernel_size", op, 1)
    stride = kernel if stride is None or stride == [] or stride == () else sizes(stride, d, "stride", op, 1)
    padding = sizes(padding, d, "padding", op, 0)
    dilation = sizes(dilation, d, "dilation", op, 1)
    ceil_mode = _checks.boolean(ceil_mode, "ceil_mode", op)
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise ValueError(f"{op}: invalid padding {padding} for kernel_size {kernel}; padding must be at "
                         f"most half the kernel size (PyTorch's rule)")
    out, pads = [], []
    for n, k, s, p, r in zip(shape[2:], kernel, stride, padding, dilation):
        span = r * (k - 1) + 1
        count = (n + 2 * p - span + (s - 1 if ceil_mode else 0)) // s + 1
        if ceil_mode and (count - 1) * s >= n + p:  # the last window would start in the padding
            count -= 1
        out.append(count)
        pads.append((p, max(p, (count - 1) * s + span - n - p)))
    if min(out) < 1:
        raise ShapeError(f"{op}: the input of shape {shape} is too small for kernel_size {kernel} with "
                         f"stride {stride}, padding {padding} and dilation {dilation}: the output's size "
                         f"would be {tuple(out)}")
    return Windows(kernel, stride, dilation, tuple(pads)), tuple(out)


def adaptive_bounds(size: int, out: int) -> list[tuple[int, int]]:
    """PyTorch's adaptive windows along an axis of ``size``: window i is [⌊i·size/out⌋, ⌈(i+1)·size/out⌉).

    >>> adaptive_bounds(5, 3)
    [(0, 2), (1, 4), (3, 5)]
    """
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def adaptive_output_size(op: str, shape: tuple[int, ...], output_size: Any) -> tuple[int, ...]:
    """``output_size`` (an int, or one entry per spatial axis, ``None`` keeping the input's size)."""
    d = len(shape) - 2
    parts = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * d
    if len(parts) != d:
        raise ValueError(_checks.invalid(op, "output_size", output_size, f"an int or a tuple of {d}"))
    return tuple(n if p is None else _checks.integer(p, "output_size", op, minimum=1)
                 for n, p in zip(shape[2:], parts))


def window_counts(size: int, kernel: int, stride: int, padding: int, count: int,
                   include_pad: bool) -> tuple[float, ...]:
    """PyTorch's divisor along one axis, for each of ``count`` windows: the window's length inside the
    padded input (``include_pad``), or inside the input alone."""
    counts = []
    for o in range(count):
        start = o * stride - padding
        end = min(start + kernel, size + padding)
        counts.append(float(end - start if include_pad else min(end, size) - max(start, 0)))
    return tuple(counts)


def adaptive_windows(size: int, out: int) -> Any:
    """Adaptive window i as a row of input positions, all windows padded to the longest by repeating
    their last position (a repeat never comes before the element it repeats): (out, longest) ints."""
    bounds = adaptive_bounds(size, out)
    longest = max(end - start for start, end in bounds)
    return _host.asarray([[min(start + j, end - 1) for j in range(longest)] for start, end in bounds])
