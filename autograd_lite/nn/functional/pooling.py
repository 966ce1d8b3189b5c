"""Pooling as functions of tensors (PyTorch's names, arguments and layouts): max and average pooling
over sliding windows, and adaptive average and max pooling to a given output size.

Inputs are (N, C, *spatial) — (N, C, L) for the 1-d ops, (N, C, H, W) for the 2-d ones — or the same
without the batch axis. Window geometry is PyTorch's: output position o of an axis reads input
positions ``o·stride − padding + j·dilation`` for j < kernel_size, and there are
``⌊(size + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1`` positions (⌈…⌉ with
``ceil_mode``, dropping a last window that would start in the right-hand padding). Padding may be at
most half the kernel (PyTorch's rule). The arguments are checked, and the windows worked out, in
:mod:`._pooling_geometry`.

Windows are read as in :mod:`._windows`: for each kernel offset, one strided slice of the padded
input holds that element of every window (a loop over the offsets, never over output positions),
and gradients are added back through the same slices. Each primitive's VJP is itself a
differentiable op, so second (and higher) derivatives work. The examples assume
``import numpy as np`` and ``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ... import _checks, backend
from ...engine import data_of, docstring_tests, primitive
from ...parameters import _shape_of
from ...tensor import Tensor
from ...tensor_ops import getitem, matmul, mean, reshape
from ...typing import Data, Operand
from ._pooling_geometry import (
    adaptive_bounds,
    adaptive_output_size,
    adaptive_windows,
    batched,
    unbatched,
    window_counts,
    windows_of,
)
from ._windows import offset_slices, output_size, pad_spatial, unpad_spatial

__all__ = ["adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d",
           "avg_pool1d", "avg_pool2d", "max_pool1d", "max_pool2d"]

_host = backend.host_namespace  # constant matrices and tables are made on the host


# ---- max pooling ------------------------------------------------------------------------------


def _places(padded: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
            dilation: tuple[int, ...]) -> list[tuple[slice, ...]]:
    """For each kernel offset (row-major), the index of the elements of the padded input (of shape
    ``padded``) that the windows' elements at that offset form: a strided slice per spatial axis."""
    out = tuple(output_size(n, k, s, r) for n, k, s, r in zip(padded[2:], kernel, stride, dilation))
    return [(slice(None), slice(None)) + where for where in offset_slices(kernel, stride, dilation, out)]


def _window_parts(x: Data, kernel: tuple[int, ...], stride: tuple[int, ...], dilation: tuple[int, ...],
                  pads: tuple[tuple[int, int], ...]) -> tuple[Any, list[tuple[slice, ...]], list[Data]]:
    """``x`` padded with −∞, and for each kernel offset (row-major) the slice of it that the windows'
    elements at that offset form, with the slice's values: (N, C, *out) each."""
    padded = pad_spatial(x, pads, -math.inf)
    places = _places(tuple(padded.shape), kernel, stride, dilation)
    return padded, places, [padded[place] for place in places]


# Max pooling goes through the kernel offsets one at a time — a running maximum, then the
# offset that holds it — rather than reducing sliding_windows' stack of every window: it is
# faster, and never holds the stack.


def _maximum(xp: Any, parts: list[Data]) -> Data:
    """The elementwise maximum of the offsets' values: each window's maximum (NaN where the window
    holds a NaN: ``maximum`` propagates it)."""
    top = xp.asarray(parts[0], copy=True)
    for part in parts[1:]:
        top = xp.maximum(top, part)
    return top


def _real(x: Data, places: list[tuple[slice, ...]], pads: tuple[tuple[int, int], ...]) -> list[Data]:
    """For each kernel offset, which windows hold an element of ``x`` (not padding) there: a boolean
    array (1, 1, *out)."""
    xp = backend.namespace(x)
    ones = xp.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=backend.device_of(x))
    inside = pad_spatial(ones, pads)
    return [inside[place] > 0 for place in places]


def _first_max(x: Data, top: Data | None = None, **where: Any) -> Data:
    """For each window of ``x``, the position in it (row-major) of its maximum, chosen as PyTorch
    chooses: the first of the elements of ``x`` equal to the maximum (never the padding, which
    ties with an element that is −∞), or the last NaN where the window holds one; 0 for a window
    lying wholly in the padding. An integer array (N, C, *out), of the narrowest dtype that holds
    the positions (a speed trick: comparing and selecting narrow integers is faster). ``top``: the
    windows' maxima, where the caller has them (the forward's output), else computed here."""
    xp = backend.namespace(x)
    _, places, parts = _window_parts(x, **where)
    top = _maximum(xp, parts) if top is None else top
    narrow = next(dtype for dtype, most in ((xp.int8, 127), (xp.int16, 32767), (xp.int64, math.inf))
                  if len(parts) <= most)
    first = xp.zeros(top.shape, dtype=narrow, device=backend.device_of(x))
    # Only a maximum of −∞ ties with the padding, so the padding is masked out only then.
    padded = any(before or after for before, after in where["pads"])
    real = _real(x, places, where["pads"]) if padded and bool(xp.any(top == -math.inf)) else None
    for position in reversed(range(len(parts))):   # the last to write is the first offset
        hit = parts[position] == top
        first = xp.where(hit if real is None else hit & real[position], position, first)
    if bool(xp.any(xp.isnan(top))):   # the NaNs, in order: the last to write is the last NaN
        for position, part in enumerate(parts):
            first = xp.where(xp.isnan(part), position, first)
    return first


def _input_index(x: Data, kernel: tuple[int, ...], stride: tuple[int, ...], dilation: tuple[int, ...],
                 pads: tuple[tuple[int, int], ...], per_plane: bool) -> Data:
    """Where each window's maximum lies in ``x``: the flat index into its (H, W) plane for
    ``per_plane`` (PyTorch's ``return_indices``), else into ``x`` flattened."""
    xp = backend.namespace(x)
    first = xp.astype(_first_max(x, kernel=kernel, stride=stride, dilation=dilation, pads=pads), xp.int64)
    d, device = len(kernel), backend.device_of(x)
    spatial = tuple(x.shape[2:])
    index = xp.zeros(first.shape, dtype=first.dtype, device=device)
    if not per_plane:
        planes = xp.arange(x.shape[0] * x.shape[1], dtype=first.dtype, device=device)
        index = index + xp.reshape(planes, tuple(x.shape[:2]) + (1,) * d)
    for axis, (k, s, r, (before, _)) in enumerate(zip(kernel, stride, dilation, pads)):
        offset = (first // math.prod(kernel[axis + 1:])) % k   # the window element, along this axis
        starts = xp.arange(first.shape[2 + axis], dtype=first.dtype, device=device) * s - before
        starts = xp.reshape(starts, (1, 1) + tuple(-1 if a == axis else 1 for a in range(d)))
        index = index * spatial[axis] + starts + offset * r
    return index


@primitive(name="max_pool")
def _max_pool(x: Data, kernel: tuple[int, ...], stride: tuple[int, ...], dilation: tuple[int, ...],
              pads: tuple[tuple[int, int], ...]) -> Data:
    """The maximum of each window.  ∂L/∂x = g added at each window's (first) maximum"""
    return _maximum(backend.namespace(x), _window_parts(x, kernel, stride, dilation, pads)[2])


@primitive(name="max_pool_backward")
def _max_pool_backward(g: Data, x: Data, top: Data, kernel: tuple[int, ...], stride: tuple[int, ...],
                       dilation: tuple[int, ...], pads: tuple[tuple[int, int], ...]) -> Data:
    """The gradient of max pooling: ``g`` (N, C, *out) added at the maximum of each window of ``x``
    (a constant, as are ``top``, the forward's output, and the positions), into x's shape, the
    maxima chosen as :func:`_first_max` says.  ∂L/∂g = the gradient read at those maxima"""
    xp = backend.namespace(g, x)
    first = _first_max(x, top, kernel=kernel, stride=stride, dilation=dilation, pads=pads)
    shape = tuple(g.shape[:2]) + tuple(n + before + after for n, (before, after) in zip(x.shape[2:], pads))
    total = xp.zeros(shape, dtype=g.dtype, device=backend.device_of(g))
    zero = xp.zeros_like(g)
    for position, place in enumerate(_places(shape, kernel, stride, dilation)):
        total[place] = total[place] + xp.where(first == position, g, zero)
    return unpad_spatial(total, pads)


def _read_at_maxima(g: Operand, x: Data, **where: Any) -> Operand:
    """Composite: ``g`` (of x's shape) read at each window's first maximum in ``x`` — the adjoint of
    :func:`_max_pool_backward`, a ``getitem`` (so differentiable again)."""
    index = _input_index(x, per_plane=False, **where)
    return getitem(reshape(g, (-1,)), index)


_max_pool.defvjp(lambda g, out, x, **where: _max_pool_backward(g, data_of(x), data_of(out), **where))
_max_pool_backward.defvjp(lambda g, out, gradient, x, top, **where: _read_at_maxima(g, data_of(x), **where),
                          None, None)


def _max_pool_nd(op: str, d: int, x: Operand, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                 ceil_mode: Any, return_indices: Any) -> Any:
    return_indices = _checks.boolean(return_indices, "return_indices", op)
    x, added = batched(op, x, d)
    where, _ = windows_of(op, _shape_of(data_of(x)), kernel_size, stride, padding, dilation, ceil_mode)
    out = unbatched(_max_pool(x, **where._asdict()), added)
    if not return_indices:
        return out
    index = _input_index(data_of(x), per_plane=True, **where._asdict())
    index = index[0, ...] if added else index
    return out, Tensor(index) if isinstance(out, Tensor) else index


def max_pool1d(input: Operand, kernel_size: int | Sequence[int], stride: int | Sequence[int] | None = None,  # noqa: A002
               padding: int | Sequence[int] = 0, dilation: int | Sequence[int] = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:
    """The maximum of each window of ``kernel_size`` along L of (N, C, L) or (C, L), as PyTorch's:
    ``stride`` defaults to ``kernel_size``, ``padding`` (≤ kernel_size/2) adds −∞ at both ends,
    ``dilation`` spaces the window's elements, ``ceil_mode`` keeps a last partial window.
    With ``return_indices``, also the position of each maximum along L, as PyTorch's.
    ∂L/∂x = g added at each window's maximum (the first, where they tie; NaN and the padding as in
    :func:`max_pool2d`)

    >>> x = Tensor([[[1.0, 3.0, 2.0, 5.0, 4.0]]], requires_grad=True)
    >>> max_pool1d(x, 2)
    Tensor([[[3., 5.]]], op='max_pool')
    >>> max_pool1d(x, 2, ceil_mode=True, return_indices=True)[1]
    Tensor([[[1, 3, 4]]], dtype=int64)
    """
    return _max_pool_nd("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode,
                        return_indices)


def max_pool2d(input: Operand, kernel_size: int | Sequence[int], stride: int | Sequence[int] | None = None,  # noqa: A002
               padding: int | Sequence[int] = 0, dilation: int | Sequence[int] = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:
    """The maximum of each ``kernel_size`` window of (N, C, H, W) or (C, H, W), as PyTorch's: each
    argument an int or an (h, w) pair; ``stride`` defaults to ``kernel_size``, ``padding``
    (≤ kernel_size/2) adds −∞ around, ``dilation`` spaces the window's elements, ``ceil_mode`` keeps
    last partial windows. With ``return_indices``, also where each maximum lies: its flat index
    h·W + w in its (H, W) plane, as PyTorch's. ∂L/∂x = g added at each window's maximum (the first
    in row-major order, where they tie, as PyTorch); its own gradient reads ∂L/∂x's gradient there.
    As PyTorch's, a NaN is a window's maximum (its last NaN, where it holds several), and the
    padding never is where the window holds an element of x (of −∞ too).

    >>> x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4), requires_grad=True)
    >>> max_pool2d(x, 2)
    Tensor([[[[ 5.,  7.],
              [13., 15.]]]], op='max_pool')
    >>> max_pool2d(x, 2).sum().backward()
    >>> x.grad[0, 0]
    array([[0., 0., 0., 0.],
           [0., 1., 0., 1.],
           [0., 0., 0., 0.],
           [0., 1., 0., 1.]])
    """
    return _max_pool_nd("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode,
                        return_indices)


# ---- average pooling --------------------------------------------------------------------------


def _divisor(xp: Any, like: Data, divisors: tuple[tuple[float, ...], ...] | float) -> Any:
    """What each window's sum is divided by: one number, or the product of one factor per axis, as an
    array (*out) of ``like``'s dtype and device."""
    if isinstance(divisors, float):
        return divisors
    d, device = len(divisors), backend.device_of(like)
    total = 1.0
    for axis, factors in enumerate(divisors):
        factor = xp.asarray(factors, dtype=like.dtype, device=device)
        total = total * xp.reshape(factor, tuple(-1 if a == axis else 1 for a in range(d)))
    return total


@primitive(name="avg_pool")
def _avg_pool(x: Data, kernel: tuple[int, ...], stride: tuple[int, ...], pads: tuple[tuple[int, int], ...],
              divisors: tuple[tuple[float, ...], ...] | float) -> Data:
    """Each window's sum (zeros padded), divided by its divisor.  ∂L/∂x = Σ over the windows that
    hold x of g/divisor"""
    xp = backend.namespace(x)
    padded = pad_spatial(x, pads)
    parts = [padded[place] for place in _places(tuple(padded.shape), kernel, stride, (1,) * len(kernel))]
    total = xp.asarray(parts[0], copy=True)
    for part in parts[1:]:   # the windows' sums, one kernel offset at a time (as max pooling's)
        total = total + part
    return total / _divisor(xp, x, divisors)


@primitive(name="avg_pool_backward")
def _avg_pool_backward(g: Data, spatial: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
                       pads: tuple[tuple[int, int], ...],
                       divisors: tuple[tuple[float, ...], ...] | float) -> Data:
    """The gradient of average pooling, of shape (N, C, *spatial): g/divisor added over each window.
    ∂L/∂g = avg_pool of the gradient (average pooling is linear: the two are each other's adjoint)"""
    xp = backend.namespace(g)
    share = g / _divisor(xp, g, divisors)
    padded = tuple(g.shape[:2]) + tuple(n + before + after for n, (before, after) in zip(spatial, pads))
    total = xp.zeros(padded, dtype=g.dtype, device=backend.device_of(g))
    for place in _places(padded, kernel, stride, (1,) * len(kernel)):
        total[place] = total[place] + share
    return unpad_spatial(total, pads)


_avg_pool.defvjp(lambda g, out, x, **where: _avg_pool_backward(g, spatial=tuple(x.shape[2:]), **where))
_avg_pool_backward.defvjp(lambda g, out, gradient, spatial, **where: _avg_pool(g, **where))


def _avg_pool_nd(op: str, d: int, x: Operand, kernel_size: Any, stride: Any, padding: Any, ceil_mode: Any,
                 count_include_pad: Any, divisor_override: Any) -> Operand:
    count_include_pad = _checks.boolean(count_include_pad, "count_include_pad", op)
    if divisor_override is not None:
        divisor_override = float(_checks.integer(divisor_override, "divisor_override", op, minimum=1))
    x, added = batched(op, x, d)
    shape = _shape_of(data_of(x))
    where, out = windows_of(op, shape, kernel_size, stride, padding, 1, ceil_mode)
    divisors = divisor_override or tuple(
        window_counts(n, k, s, before, count, count_include_pad)
        for n, k, s, (before, _), count in zip(shape[2:], where.kernel, where.stride, where.pads, out))
    return unbatched(_avg_pool(x, kernel=where.kernel, stride=where.stride, pads=where.pads,
                               divisors=divisors), added)


def avg_pool1d(input: Operand, kernel_size: int | Sequence[int], stride: int | Sequence[int] | None = None,  # noqa: A002
               padding: int | Sequence[int] = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Operand:
    """The mean of each window of ``kernel_size`` along L of (N, C, L) or (C, L), as PyTorch's (see
    :func:`avg_pool2d` for the arguments).  ∂L/∂x = Σ over the windows holding x of g/divisor

    >>> avg_pool1d(Tensor([[[1.0, 3.0, 2.0, 6.0]]]), 2)
    Tensor([[[2., 4.]]])
    """
    return _avg_pool_nd("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                        None)


def avg_pool2d(input: Operand, kernel_size: int | Sequence[int], stride: int | Sequence[int] | None = None,  # noqa: A002
               padding: int | Sequence[int] = 0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Operand:
    """The mean of each ``kernel_size`` window of (N, C, H, W) or (C, H, W), as PyTorch's: ``stride``
    defaults to ``kernel_size``, ``padding`` (≤ kernel_size/2) adds zeros around, ``ceil_mode``
    keeps last partial windows. Each window's sum is divided by its size counting the padding
    (``count_include_pad``, but never the part of a ``ceil_mode`` window past the padding), by
    the number of input elements in it (``count_include_pad=False``), or by ``divisor_override``.
    ∂L/∂x = Σ over the windows holding x of g/divisor; its own gradient is avg_pool2d again.

    >>> x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4), requires_grad=True)
    >>> avg_pool2d(x, 2)
    Tensor([[[[ 2.5,  4.5],
              [10.5, 12.5]]]], op='avg_pool')
    >>> avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False)[0, 0]
    Tensor([[ 2.5,  4. ],
            [ 8.5, 10. ]], op='getitem')
    """
    return _avg_pool_nd("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                        divisor_override)


# ---- adaptive pooling -------------------------------------------------------------------------


def _averaging_matrix(size: int, out: int, like: Data) -> Data:
    """The (out, size) matrix whose row i averages adaptive window i, in ``like``'s dtype and device."""
    weights = _host.zeros((out, size))
    for i, (start, end) in enumerate(adaptive_bounds(size, out)):
        weights[i, start:end] = 1.0 / (end - start)
    xp = backend.namespace(like)
    if xp is _host:
        return weights.astype(like.dtype, copy=False)
    return xp.asarray(weights, dtype=like.dtype, device=backend.device_of(like))


def _adaptive_avg_pool_nd(op: str, d: int, x: Operand, output_size: Any) -> Operand:
    x, added = batched(op, x, d)
    shape = _shape_of(data_of(x))
    out = adaptive_output_size(op, shape, output_size)
    # An axis pooled to one position (global average pooling) takes a mean: faster than the product.
    if out == (1,) * d:
        return unbatched(mean(x, axis=tuple(range(2, 2 + d)), keepdims=True), added)
    if d == 2:
        x = mean(x, axis=2, keepdims=True) if out[0] == 1 else \
            matmul(_averaging_matrix(shape[2], out[0], data_of(x)), x)
    x = mean(x, axis=-1, keepdims=True) if out[-1] == 1 else \
        matmul(x, _averaging_matrix(shape[-1], out[-1], data_of(x)).T)
    return unbatched(x, added)


def adaptive_avg_pool1d(input: Operand, output_size: int | Sequence[int]) -> Operand:  # noqa: A002
    """Average pooling of (N, C, L) or (C, L) to ``output_size`` positions along L, as PyTorch's (see
    :func:`adaptive_avg_pool2d`).  ∂L/∂x = g of each window shared equally by its elements

    >>> adaptive_avg_pool1d(Tensor([[[1.0, 2.0, 3.0, 4.0, 5.0]]]), 3)
    Tensor([[[1.5, 3. , 4.5]]])
    """
    return _adaptive_avg_pool_nd("adaptive_avg_pool1d", 1, input, output_size)


def adaptive_avg_pool2d(input: Operand, output_size: int | Sequence[int | None]) -> Operand:  # noqa: A002
    """Average pooling of (N, C, H, W) or (C, H, W) to an ``output_size`` grid, as PyTorch's: an int
    or an (h, w) pair, ``None`` keeping that axis' size. Output row i averages input rows
    ⌊i·H/h⌋ to ⌈(i+1)·H/h⌉ − 1 (windows overlap where h does not divide H), and so for columns.
    Composite: the averages along each axis are a product by a constant matrix (A_h x A_wᵀ; a mean
    for an axis pooled to one position), so ∂L/∂x = A_hᵀ g A_w: each output's g shared equally by
    the elements of its window.

    >>> x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    >>> adaptive_avg_pool2d(x, 1)[0, 0], adaptive_avg_pool2d(x, (3, None)).shape
    (Tensor([[7.5]]), (1, 1, 3, 4))
    """
    return _adaptive_avg_pool_nd("adaptive_avg_pool2d", 2, input, output_size)


def _adaptive_max_index(x: Data, out: tuple[int, ...], per_plane: bool) -> Data:
    """Where the first maximum of each adaptive window of ``x`` lies (its last NaN, where it holds
    one, as PyTorch's): the flat index into its plane for ``per_plane`` (PyTorch's
    ``return_indices``), else into ``x`` flattened."""
    xp, device = backend.namespace(x), backend.device_of(x)
    d, spatial, head = len(out), tuple(x.shape[2:]), tuple(x.shape[:2])
    tables = [adaptive_windows(n, m) for n, m in zip(spatial, out)]
    windows = x
    for axis, table in enumerate(tables):  # (N, C, o₁·k₁, …): each window's elements, axis by axis
        windows = xp.take(windows, xp.asarray(_host.reshape(table, (-1,)), device=device), axis=2 + axis)
    longest = tuple(table.shape[1] for table in tables)
    windows = xp.reshape(windows, head + tuple(n for pair in zip(out, longest) for n in pair))
    windows = xp.permute_dims(windows, (0, 1) + tuple(range(2, 2 + 2 * d, 2)) + tuple(range(3, 3 + 2 * d, 2)))
    windows = xp.reshape(windows, head + out + (math.prod(longest),))
    first = xp.argmax(windows, axis=-1)
    nan = xp.astype(xp.isnan(windows), xp.int8)
    if bool(xp.any(nan)):   # as PyTorch, the last NaN in a window is its maximum
        last = windows.shape[-1] - 1 - xp.argmax(xp.flip(nan, axis=-1), axis=-1)
        first = xp.where(xp.any(nan == 1, axis=-1), last, first)
    index = xp.zeros(first.shape, dtype=first.dtype, device=device)
    if not per_plane:
        planes = xp.arange(math.prod(head), dtype=first.dtype, device=device)
        index = index + xp.reshape(planes, head + (1,) * d)
    for axis, table in enumerate(tables):
        offset = (first // math.prod(longest[axis + 1:])) % longest[axis]
        rows = xp.reshape(xp.arange(out[axis], dtype=first.dtype, device=device),
                          (1, 1) + tuple(-1 if a == axis else 1 for a in range(d)))
        flat_table = xp.asarray(_host.reshape(table, (-1,)), dtype=first.dtype, device=device)
        position = xp.take(flat_table, xp.reshape(rows * longest[axis] + offset, (-1,)))
        index = index * spatial[axis] + xp.reshape(position, first.shape)
    return index


def _adaptive_max_pool_nd(op: str, d: int, x: Operand, output_size: Any, return_indices: Any) -> Any:
    return_indices = _checks.boolean(return_indices, "return_indices", op)
    x, added = batched(op, x, d)
    shape = _shape_of(data_of(x))
    out_size = adaptive_output_size(op, shape, output_size)
    index = _adaptive_max_index(data_of(x), out_size, per_plane=False)
    out = unbatched(getitem(reshape(x, (-1,)), index), added)
    if not return_indices:
        return out
    index = _adaptive_max_index(data_of(x), out_size, per_plane=True)
    index = index[0, ...] if added else index
    return out, Tensor(index) if isinstance(out, Tensor) else index


def adaptive_max_pool1d(input: Operand, output_size: int | Sequence[int],  # noqa: A002
                        return_indices: bool = False) -> Any:
    """Max pooling of (N, C, L) or (C, L) to ``output_size`` positions along L, over the windows of
    :func:`adaptive_avg_pool1d`, as PyTorch's (``return_indices``: also where each maximum lies).
    Composite: the maxima are read with ``getitem``, so ∂L/∂x = g added at each window's maximum
    (the first, where they tie, as PyTorch).

    >>> adaptive_max_pool1d(Tensor([[[1.0, 5.0, 2.0, 4.0, 3.0]]]), 3)
    Tensor([[[5., 5., 4.]]])
    """
    return _adaptive_max_pool_nd("adaptive_max_pool1d", 1, input, output_size, return_indices)


def adaptive_max_pool2d(input: Operand, output_size: int | Sequence[int | None],  # noqa: A002
                        return_indices: bool = False) -> Any:
    """Max pooling of (N, C, H, W) or (C, H, W) to an ``output_size`` grid, over the windows of
    :func:`adaptive_avg_pool2d`, as PyTorch's (``return_indices``: also each maximum's flat index
    h·W + w in its plane). Composite: the maxima are read with ``getitem``, so ∂L/∂x = g added at
    each window's maximum (the first in row-major order, where they tie, as PyTorch).

    >>> x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    >>> adaptive_max_pool2d(x, 3, return_indices=True)[1][0, 0]
    Tensor([[ 5,  6,  7],
            [ 9, 10, 11],
            [13, 14, 15]], dtype=int64)
    """
    return _adaptive_max_pool_nd("adaptive_max_pool2d", 2, input, output_size, return_indices)


__test__ = docstring_tests(globals())
