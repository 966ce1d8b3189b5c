"""Padding and resampling as functions of tensors (PyTorch's ``pad`` and ``interpolate``).

Both are composites of differentiable ops — constant padding of :func:`autograd_lite.pad`, the
other paddings of slices joined by ``concatenate``, nearest interpolation of ``getitem`` with an
index array along each axis, linear interpolation of a product by a constant (out, in) matrix of
weights along each axis — so every derivative is theirs, to any order. Index and weight arithmetic
is done on the host, as PyTorch's CPU kernels do it. The examples assume ``import numpy as np`` and
``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ... import _checks, backend
from ...engine import ShapeError, data_of
from ...parameters import _shape_of
from ...reshaping import pad as numpy_pad
from ...tensor_ops import broadcast_to, concatenate, expand_dims, getitem, matmul, reshape
from ...typing import Operand
from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d

__all__ = ["interpolate", "pad"]

_host = backend.host_namespace  # index and weight arithmetic on the host

_PAD_MODES = ("constant", "reflect", "replicate", "circular")


# ---- padding ----------------------------------------------------------------------------------


def pad(input: Operand, pad: Sequence[int], mode: str = "constant",  # noqa: A002
        value: float | None = None) -> Operand:
    """``input`` padded as PyTorch's ``F.pad``: ``pad`` lists (before, after) counts from the last axis
    backwards — (left, right) pads the last axis, (left, right, top, bottom) the last two, and so on.
    Composite (of :func:`autograd_lite.pad`, slices and ``concatenate``): ∂L/∂x = g inside, plus the
    g of each padding element added to the element it copies.

    Modes, as PyTorch's: ``"constant"`` (``value``, default 0; negative counts crop),
    ``"reflect"`` (mirrored about the edge element, which is not repeated; counts less than the
    axis' size), ``"replicate"`` (the edge element repeated), ``"circular"`` (the other end's
    elements, as if the axis wrapped around; counts up to its size). The three non-constant modes pad
    the last 1, 2 or 3 axes of an input with one or two more axes in front ((C, W) or (N, C, W) for 1,
    and so on), as PyTorch's do; a negative count crops there too.

    >>> x = Tensor([[[1.0, 2.0, 3.0]]])
    >>> pad(x, (2, 1), mode="reflect"), pad(x, (1, 1), mode="circular")
    (Tensor([[[3., 2., 1., 2., 3., 2.]]]), Tensor([[[3., 1., 2., 3., 1.]]]))
    >>> pad(x, (1, -1), value=9.0), pad(x, (0, 0, 1, 0)).shape
    (Tensor([[[9., 1., 2.]]]), (1, 2, 3))
    """
    shape = _shape_of(data_of(input))
    widths = _widths(pad, shape)
    if mode not in _PAD_MODES:
        raise ValueError(_checks.invalid("pad", "mode", mode, f"one of {', '.join(map(repr, _PAD_MODES))}"))
    if mode == "constant":
        value = 0.0 if value is None else _checks.real(value, "value", "pad", finite=False)
        return _pad_constant(input, shape, widths, value)
    if value is not None and value != 0:
        raise ValueError(f"pad: mode {mode!r} takes no value (got {value!r}); it copies input elements")
    padded = len(pad) // 2
    if padded > 3 or len(shape) not in (padded + 1, padded + 2):
        raise ShapeError(f"pad: mode {mode!r} pads the last 1, 2 or 3 axes of an input with 1 or 2 more "
                         f"in front (a pad of length 2 for (C, W) or (N, C, W), 4 for (C, H, W) or "
                         f"(N, C, H, W), 6 for 4-d or 5-d input); got a pad of length {len(pad)} for an "
                         f"input of shape {shape}")
    x = input
    for axis, (before, after) in enumerate(widths):
        if before or after:
            x = _pad_axis(x, shape, axis, before, after, mode)
    return x


def _widths(pad: Any, shape: tuple[int, ...]) -> list[tuple[int, int]]:
    """PyTorch's ``pad`` (from the last axis backwards) as one (before, after) pair per axis."""
    if not isinstance(pad, (tuple, list)) or len(pad) % 2:
        raise ValueError(_checks.invalid("pad", "pad", pad, "a tuple of an even number of ints: (before, "
                                         "after) for the last axis, then for the one before, ..."))
    counts = [_checks.integer(n, "pad", "pad") for n in pad]
    if len(counts) > 2 * len(shape):
        raise ShapeError(f"pad: a pad of length {len(counts)} pads {len(counts) // 2} axes, but the input of "
                         f"shape {shape} has {len(shape)}")
    widths = [(0, 0)] * len(shape)
    for i in range(len(counts) // 2):
        widths[len(shape) - 1 - i] = (counts[2 * i], counts[2 * i + 1])
    return widths


def _pad_constant(x: Operand, shape: tuple[int, ...], widths: list[tuple[int, int]], value: float) -> Operand:
    """Negative counts crop, then :func:`autograd_lite.pad` adds ``value`` for the positive ones."""
    for n, (before, after) in zip(shape, widths):
        if max(-before, 0) + max(-after, 0) > n:
            raise ShapeError(f"pad: padding {(before, after)} crops more than an axis of size {n} holds "
                             f"(input of shape {shape})")
    if any(before < 0 or after < 0 for before, after in widths):
        x = getitem(x, tuple(slice(max(-before, 0), n - max(-after, 0))
                             for n, (before, after) in zip(shape, widths)))
    return numpy_pad(x, [(max(before, 0), max(after, 0)) for before, after in widths], constant_values=value)


def _pad_axis(x: Operand, shape: tuple[int, ...], axis: int, before: int, after: int, mode: str) -> Operand:
    """``x`` padded along ``axis`` (of size ``shape[axis]`` in the input of ``shape``) in a non-constant
    ``mode``: the kept part (negative counts crop it) joined with the copied pieces, each a slice of
    ``x`` (reversed for ``"reflect"``), so that each piece's gradient is added back through its slice."""
    n = shape[axis]
    low, high = max(-before, 0), n - max(-after, 0)  # the part that is kept
    left, right = max(before, 0), max(after, 0)
    kept = _part(x, axis, low, high)
    if mode == "circular":  # PyTorch crops first, then wraps around what is left
        if max(left, right) > high - low:
            raise ValueError(f"pad: circular padding {(before, after)} of an axis of size {n} (input of "
                             f"shape {shape}) would wrap around more than once")
        pieces = [_part(x, axis, high - left, high), kept, _part(x, axis, low, low + right)]
    elif n + before + after < 1:
        raise ShapeError(f"pad: padding {(before, after)} leaves nothing of an axis of size {n} (input of "
                         f"shape {shape}); mode {mode!r} needs at least one element")
    elif mode == "reflect":  # mirrored about the edge element, which is not repeated
        if before >= n or after >= n:
            raise ValueError(f"pad: reflect padding {(before, after)} must be less than the size of the axis "
                             f"it pads, {n} (input of shape {shape})")
        pieces = [_part(x, axis, left, 0, -1), kept, _part(x, axis, n - 2, n - 2 - right, -1)]
    else:  # replicate: the edge element, repeated
        if n == 0:
            raise ShapeError(f"pad: mode 'replicate' cannot pad axis {axis} of the input of shape {shape} "
                             f"by {(before, after)}: that axis is empty (size 0), so it has no edge element "
                             f"to repeat")
        pieces = [_repeated(x, axis, 0, left), kept, _repeated(x, axis, n - 1, right)]
    pieces = [piece for piece in pieces if piece is not None]
    return pieces[0] if len(pieces) == 1 else concatenate(pieces, axis=axis)


def _part(x: Operand, axis: int, start: int, stop: int, step: int = 1) -> Operand | None:
    """``x[..., start:stop:step, ...]`` along ``axis`` (a negative ``stop`` runs to the start), or
    ``None`` if empty."""
    if start == stop:
        return None
    return getitem(x, (slice(None),) * axis + (slice(start, stop if stop >= 0 else None, step),))


def _repeated(x: Operand, axis: int, position: int, copies: int) -> Operand | None:
    """``copies`` copies of the slice at ``position`` along ``axis`` (``None`` for none)."""
    if not copies:
        return None
    edge = _part(x, axis, position, position + 1)
    shape = _shape_of(data_of(x))
    return broadcast_to(edge, shape[:axis] + (copies,) + shape[axis + 1:])


# ---- interpolation ----------------------------------------------------------------------------

#: the modes that interpolate linearly, by the number of spatial axes each takes
_LINEAR = {"linear": 1, "bilinear": 2, "trilinear": 3}
_MODES = ("nearest", "nearest-exact", *_LINEAR, "area")
#: the inputs each mode takes, for errors
_INPUTS = {"linear": "3-d (N, C, L)", "bilinear": "4-d (N, C, H, W)", "trilinear": "5-d (N, C, D, H, W)",
           "area": "3-d (N, C, L) or 4-d (N, C, H, W)", "nearest": "(N, C, *spatial), at least 3-d,"}


def interpolate(input: Operand, size: int | Sequence[int] | None = None,  # noqa: A002
                scale_factor: float | Sequence[float] | None = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Operand:
    """``input`` (N, C, …) resampled to ``size``, or to ⌊n·scale_factor⌋ along each spatial axis
    of size n, as PyTorch's ``F.interpolate``. Composite: ∂L/∂x is each output's g sent back to
    the input elements it was read from, times their weights.

    - ``"nearest"``: output position i reads input ⌊i·s⌋ (PyTorch's rule, which is not the nearest
      for downsampling), where s = 1/scale_factor when ``scale_factor`` is given, else n/out;
      ``"nearest-exact"``: ⌊(i + ½)·s⌋ (as scikit-image and PIL). Any number of spatial axes.
      PyTorch's shortcuts are kept, so the outputs are its: in ``"nearest"`` on 4-d input only, an
      axis whose size stays is copied and output i reads i // 2 where the size doubles, whatever
      the scale factor. (PyTorch's ``"nearest"`` gradient copies an axis whose size stays for 3-d
      and 5-d input too, where its forward does not; ours is the gradient of the forward.)
      ``"nearest-exact"`` takes no shortcut: an axis whose size stays under a scale factor other
      than 1 is resampled by the rule (size 3, ``scale_factor=1.3``: positions 0, 1, 1).
    - ``"linear"`` (3-d input), ``"bilinear"`` (4-d), ``"trilinear"`` (5-d): linear along each
      axis between the two neighbours of the source position s·(i + ½) − ½ (clamped at 0), or
      i·(n − 1)/(out − 1) with ``align_corners=True``, which maps the corner elements onto each other;
      an axis whose size stays is copied, whatever the scale factor (PyTorch's shortcut).
    - ``"area"``: adaptive average pooling to the output size (3-d and 4-d input).

    ``recompute_scale_factor=True`` uses s = n/out even when ``scale_factor`` is given. Anti-aliasing
    is not offered (``antialias`` must be False).

    >>> x = Tensor([[[1.0, 2.0, 4.0]]])
    >>> interpolate(x, scale_factor=2)
    Tensor([[[1., 1., 2., 2., 4., 4.]]])
    >>> interpolate(x, size=5, mode="linear", align_corners=True)
    Tensor([[[1. , 1.5, 2. , 3. , 4. ]]])
    """
    if mode not in _MODES:
        raise ValueError(_checks.invalid("interpolate", "mode", mode,
                                         f"one of {', '.join(map(repr, _MODES))}"))
    if align_corners is not None and mode not in _LINEAR:
        raise ValueError(f"interpolate: align_corners is for the modes that interpolate ("
                         f"{', '.join(_LINEAR)}), not for {mode!r}")
    align_corners = False if align_corners is None else _checks.boolean(align_corners, "align_corners",
                                                                        "interpolate")
    if _checks.boolean(antialias, "antialias", "interpolate"):
        raise ValueError("interpolate: antialias=True is not offered; resample without it, or smooth first "
                         "(avg_pool2d)")
    shape = _shape_of(data_of(input))
    d = len(shape) - 2
    if not (d == _LINEAR[mode] if mode in _LINEAR else d in (1, 2) if mode == "area" else d >= 1):
        raise ShapeError(f"interpolate: mode {mode!r} takes {_INPUTS.get(mode, _INPUTS['nearest'])} input; "
                         f"got shape {shape}")
    out, scales = _output_size(shape, size, scale_factor, recompute_scale_factor)
    if mode == "area":
        return (adaptive_avg_pool1d if d == 1 else adaptive_avg_pool2d)(input, out)
    x = input
    for axis, (n, m, scale) in enumerate(zip(shape[2:], out, scales), start=2):
        if m == n and (mode in _LINEAR or (mode == "nearest" and d == 2)):  # PyTorch copies these
            continue
        if mode in _LINEAR:
            x = _along(x, _linear_weights(n, m, scale, align_corners, data_of(x)), axis)
        else:
            index = _nearest_index(n, m, scale, exact=mode == "nearest-exact", halves=d == 2)
            whole = m % n == 0 and _host.array_equal(index, _host.arange(m) // (m // n))
            x = _repeat_each(x, axis, m // n) if whole else getitem(x, (slice(None),) * axis + (index,))
    return x


def _repeat_each(x: Operand, axis: int, copies: int) -> Operand:
    """Each element of ``x`` along ``axis`` repeated ``copies`` times in place — nearest upsampling
    by a whole factor, through a broadcast (whose gradient is a sum: faster than a gather's)."""
    shape = _shape_of(data_of(x))
    spread = broadcast_to(expand_dims(x, axis + 1), shape[:axis + 1] + (copies,) + shape[axis + 1:])
    return reshape(spread, shape[:axis] + (shape[axis] * copies,) + shape[axis + 1:])


def _output_size(shape: tuple[int, ...], size: Any, scale_factor: Any,
                 recompute_scale_factor: Any) -> tuple[tuple[int, ...], tuple[float | None, ...]]:
    """The output's spatial size, and the scale factor PyTorch computes source positions with (None:
    the ratio of sizes)."""
    d = len(shape) - 2
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give one of size and scale_factor" if size is None else
                         "interpolate: give size or scale_factor, not both")
    if size is not None:
        if recompute_scale_factor:
            raise ValueError("interpolate: recompute_scale_factor is for scale_factor, not for an explicit "
                             "size")
        sizes = _per_axis(size, d, "size")
        return tuple(_checks.integer(n, "size", "interpolate", minimum=1) for n in sizes), (None,) * d
    factors = tuple(_checks.real(f, "scale_factor", "interpolate", minimum=0.0) for f in
                    _per_axis(scale_factor, d, "scale_factor"))
    out = tuple(math.floor(float(n) * f) for n, f in zip(shape[2:], factors))
    if min(out) < 1:
        raise ShapeError(f"interpolate: scale_factor {scale_factor} leaves no output element of the input of "
                         f"shape {shape} (output size {out})")
    recompute = recompute_scale_factor is not None and _checks.boolean(recompute_scale_factor,
                                                                      "recompute_scale_factor", "interpolate")
    return out, (None,) * d if recompute else factors


def _per_axis(value: Any, d: int, name: str) -> tuple[Any, ...]:
    if not isinstance(value, (tuple, list)):
        return (value,) * d
    if len(value) != d:
        raise ValueError(_checks.invalid("interpolate", name, value, f"one number, or one for each of the "
                                         f"{d} spatial axes"))
    return tuple(value)


def _nearest_index(n: int, out: int, scale: float | None, exact: bool, halves: bool) -> Any:
    """The input position each output position reads, as PyTorch's kernel computes it for float64:
    the source position in float64, rounded to float32 before the floor (so that a product landing
    just below an integer rounds as PyTorch's does); ``halves``: output i reads i // 2 where the size
    doubles, whatever the scale factor (PyTorch's 2-d kernel)."""
    if halves and not exact and out == 2 * n:
        return _host.arange(out) // 2
    s = 1.0 / scale if scale else n / out
    source = (_host.arange(out) + (0.5 if exact else 0.0)) * s
    return _host.minimum(_host.floor(source.astype(_host.float32)).astype(_host.int64), n - 1)


def _linear_weights(n: int, out: int, scale: float | None, align_corners: bool, like: Any) -> Any:
    """The (out, n) matrix of linear interpolation along one axis, as PyTorch computes its weights,
    in ``like``'s dtype and device."""
    i = _host.arange(out, dtype=_host.float64)
    if align_corners:
        source = i * ((n - 1) / (out - 1) if out > 1 else 0.0)
    else:
        s = 1.0 / scale if scale else n / out
        source = _host.maximum(s * (i + 0.5) - 0.5, 0.0)
    low = _host.minimum(_host.floor(source.astype(_host.float32)).astype(_host.int64), n - 1)
    weight = _host.clip(source - low, 0.0, 1.0)
    high = _host.where(low < n - 1, low + 1, low)
    weights = _host.zeros((out, n))
    rows = _host.arange(out)
    _host.add.at(weights, (rows, low), 1.0 - weight)
    _host.add.at(weights, (rows, high), weight)
    xp = backend.namespace(like)
    if xp is _host:
        return weights.astype(like.dtype, copy=False)
    return xp.asarray(weights, dtype=like.dtype, device=backend.device_of(like))


def _along(x: Operand, weights: Any, axis: int) -> Operand:
    """``weights`` (out, n) applied along ``axis`` of ``x``: out[..., i, ...] = Σ_j w[i, j]·x[..., j, ...]."""
    shape = _shape_of(data_of(x))
    if axis == len(shape) - 1:
        return matmul(x, weights.T)
    rest = math.prod(shape[axis + 1:])
    columns = reshape(x, (math.prod(shape[:axis]), shape[axis], rest))
    return reshape(matmul(weights, columns), shape[:axis] + (weights.shape[0],) + shape[axis + 1:])
