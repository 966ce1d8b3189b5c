"""Sliding windows on arrays, which convolution and pooling are built on (not differentiable: the
primitives that use them define their gradients with :func:`add_windows`, the adjoint).

For an input of shape (N, C, *spatial) with d spatial axes, a kernel of d sizes k, strides s and
dilations r, output position o of axis i reads input positions ``o·sᵢ + j·rᵢ`` for j < kᵢ, and
there are ``(size − r·(k − 1) − 1) // s + 1`` output positions. :func:`sliding_windows` gathers every
window into shape (N, C, k₁, …, k_d, o₁, …, o_d): its reshape to (N, C·∏k, ∏o) is im2col (PyTorch's
``unfold``). The loop is over the ∏k kernel offsets, each a strided slice of the whole batch, never
over output positions. Everything is the array API standard (slices with steps), so it runs on any
back end.
"""

from __future__ import annotations

import itertools
import math

from ... import backend
from ...typing import Data

__all__: list[str] = []


def output_size(size: int, kernel: int, stride: int, dilation: int) -> int:
    """The number of windows along an axis of ``size`` (already padded): 0 when the kernel overhangs.

    >>> output_size(28, 3, 1, 1), output_size(28, 2, 2, 1), output_size(7, 3, 2, 2)
    (26, 14, 2)
    """
    span = dilation * (kernel - 1) + 1
    return max((size - span) // stride + 1, 0)


def offset_slices(kernel: tuple[int, ...], stride: tuple[int, ...], dilation: tuple[int, ...],
                   out: tuple[int, ...]) -> list[tuple[slice, ...]]:
    """For each kernel offset (row-major), the slices of the spatial axes that its window elements
    form across all output positions."""
    return [tuple(slice(j * r, j * r + s * (o - 1) + 1, s)
                  for j, s, r, o in zip(offset, stride, dilation, out))
            for offset in itertools.product(*(range(k) for k in kernel))]


def sliding_windows(x: Data, kernel: tuple[int, ...], stride: tuple[int, ...],
                    dilation: tuple[int, ...]) -> Data:
    """Every window of ``x`` (N, C, *spatial), as an array of shape (N, C, *kernel, *out).

    >>> import numpy as np
    >>> x = np.arange(5.0).reshape(1, 1, 5)
    >>> sliding_windows(x, (2,), (2,), (1,))[0, 0]   # windows [0, 1] and [2, 3], as columns
    array([[0., 2.],
           [1., 3.]])
    """
    xp = backend.namespace(x)
    spatial = tuple(x.shape[2:])
    out = tuple(output_size(n, k, s, r) for n, k, s, r in zip(spatial, kernel, stride, dilation))
    head = tuple(x.shape[:2])
    if 0 in out:
        return xp.zeros(head + kernel + out, dtype=x.dtype, device=backend.device_of(x))
    parts = [x[(slice(None), slice(None)) + where] for where in offset_slices(kernel, stride, dilation, out)]
    return xp.reshape(xp.stack(parts, axis=2), head + kernel + out)


def add_windows(windows: Data, spatial: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
                dilation: tuple[int, ...]) -> Data:
    """The adjoint of :func:`sliding_windows`: an array of shape (N, C, *spatial) in which each
    element is the sum of the window entries that read it (PyTorch's ``fold``, before its reshape).

    >>> import numpy as np
    >>> add_windows(np.ones((1, 1, 2, 3)), (4,), (2,), (1,), (1,))[0, 0]   # overlapping windows
    array([1., 2., 2., 1.])
    """
    xp = backend.namespace(windows)
    head = tuple(windows.shape[:2])
    d = len(spatial)
    out = tuple(windows.shape[2 + d:])
    total = xp.zeros(head + tuple(spatial), dtype=windows.dtype, device=backend.device_of(windows))
    if 0 in out or math.prod(kernel) == 0:
        return total
    flat = xp.reshape(windows, head + (math.prod(kernel),) + out)
    for index, where in enumerate(offset_slices(kernel, stride, dilation, out)):
        total[(slice(None), slice(None)) + where] += flat[:, :, index, ...]   # in place on NumPy
    return total


def pad_spatial(x: Data, padding: tuple[tuple[int, int], ...], value: float = 0.0) -> Data:
    """``x`` (N, C, *spatial) with ``padding[i]`` = (before, after) elements of ``value`` around
    spatial axis i (no copy when there is no padding).

    >>> import numpy as np
    >>> pad_spatial(np.ones((1, 1, 2)), ((1, 2),))[0, 0]
    array([0., 1., 1., 0., 0.])
    """
    if not any(before or after for before, after in padding):
        return x
    xp = backend.namespace(x)
    shape = tuple(x.shape[:2]) + tuple(n + before + after for n, (before, after) in zip(x.shape[2:], padding))
    padded = xp.full(shape, value, dtype=x.dtype, device=backend.device_of(x))
    padded[(slice(None), slice(None)) + tuple(slice(before, before + n) for n, (before, _) in
                                              zip(x.shape[2:], padding))] = x
    return padded


def unpad_spatial(x: Data, padding: tuple[tuple[int, int], ...]) -> Data:
    """The part of ``x`` that :func:`pad_spatial` did not add (the adjoint of zero padding).

    >>> import numpy as np
    >>> unpad_spatial(np.arange(5.0).reshape(1, 1, 5), ((1, 2),))[0, 0]
    array([1., 2.])
    """
    if not any(before or after for before, after in padding):
        return x
    return x[(slice(None), slice(None)) + tuple(slice(before, n - after) for n, (before, after) in
                                                zip(x.shape[2:], padding))]
