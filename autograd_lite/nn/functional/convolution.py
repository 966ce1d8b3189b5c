"""Convolutions as functions of tensors: ``conv1d``, ``conv2d``, ``conv_transpose2d``, and ``unfold``
(im2col) and ``fold``, which they are built on (PyTorch's names, arguments and layouts).

Two primitives carry every gradient here, and each is the other's VJP: ``unfold`` gathers the
windows of a zero-padded input into columns (:func:`~._windows.sliding_windows`), and ``fold`` adds
columns back into place (:func:`~._windows.add_windows`), so ``fold`` is the adjoint of ``unfold``.
A convolution is then a composite: the columns of the input, one ``matmul`` with the weight (one per
group, as a batched product, never a loop over positions or groups), a reshape, and the bias. Its
input-gradient is ``matmul`` with the weight followed by ``fold`` — a transposed convolution — and
its weight-gradient a product of the upstream gradient with the same columns, which the forward
keeps. ``conv_transpose2d`` is the same pieces the other way round. Since every piece is
differentiable, so are the gradients: second order comes for free.

For an input x of shape (N, C, S…), a weight w of shape (O, C/G, K…) and G groups, with zero padding
p, stride s and dilation r along each spatial axis::

    y[n, o, i] = Σ_{c in o's group, j} w[o, c, j] · x_padded[n, c, i·s + j·r] + b[o]

and there are ``(S + p_before + p_after − r·(K − 1) − 1) // s + 1`` output positions per axis. The
examples assume ``import numpy as np`` and ``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ... import _checks
from ...engine import ShapeError, docstring_tests, primitive
from ...ops import add
from ...shape_ops import reshape, swapaxes
from ...tensor_ops import matmul
from ...typing import Data, Operand
from .._targets import _shape
from ._windows import add_windows, output_size, pad_spatial, sliding_windows, unpad_spatial

__all__ = ["conv1d", "conv2d", "conv_transpose2d", "fold", "unfold"]

Pairs = tuple[tuple[int, int], ...]
_SPATIAL = {1: "L", 2: "H, W"}   # the spatial axes' letters, for messages


# ---- the two primitives: windows out (unfold) and windows back in (fold) ----------------------


@primitive(name="unfold")
def _unfold(x: Data, kernel: tuple[int, ...], stride: tuple[int, ...], padding: Pairs,
            dilation: tuple[int, ...], blocks: tuple[int, ...]) -> Data:
    """The windows of x (N, C, S…) zero-padded by ``padding`` (pairs (before, after)), as an array
    of shape (N, C, kernel…, blocks…); ``blocks`` windows per axis, read from the start.
    ∂L/∂x = fold(g) (the adjoint: each element receives the sum of the window entries that read it)"""
    padded = pad_spatial(x, padding)
    needed = tuple((b - 1) * s + r * (k - 1) + 1 for b, s, r, k in zip(blocks, stride, dilation, kernel))
    if needed != tuple(padded.shape[2:]):  # windows that ``blocks`` leaves out are never read
        padded = padded[(slice(None), slice(None)) + tuple(slice(0, n) for n in needed)]
    return sliding_windows(padded, kernel, stride, dilation)


@primitive(name="fold")
def _fold(columns: Data, size: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
          padding: Pairs, dilation: tuple[int, ...]) -> Data:
    """Columns (N, C, kernel…, blocks…) added into an array (N, C, size…): each window into the place
    that ``unfold`` read it from, the padding cut off.  ∂L/∂columns = unfold(g)"""
    padded = tuple(n + before + after for n, (before, after) in zip(size, padding))
    return unpad_spatial(add_windows(columns, padded, kernel, stride, dilation), padding)


_unfold.defvjp(lambda g, out, x, kernel, stride, padding, dilation, blocks:
               _fold(g, size=tuple(x.shape[2:]), kernel=kernel, stride=stride, padding=padding,
                     dilation=dilation))
_fold.defvjp(lambda g, out, columns, size, kernel, stride, padding, dilation:
             _unfold(g, kernel=kernel, stride=stride, padding=padding, dilation=dilation,
                     blocks=tuple(columns.shape[2 + len(kernel):])))


# ---- the convolutions, composites of unfold, matmul and fold -------------------------------------


def _convolve(x: Operand, weight: Operand, bias: Operand | None, stride: tuple[int, ...], padding: Pairs,
              dilation: tuple[int, ...], groups: int, blocks: tuple[int, ...]) -> Operand:
    """y = w ⋆ x + b for checked arguments with a batch axis (see the module docstring)."""
    n, c = _shape(x)[:2]
    o, kernel = _shape(weight)[0], tuple(_shape(weight)[2:])
    columns = _unfold(x, kernel=kernel, stride=stride, padding=padding, dilation=dilation, blocks=blocks)
    # without groups, a plain (O, C·∏K) @ (N, C·∏K, ∏blocks), which NumPy multiplies faster
    groups_axis = (groups,) if groups > 1 else ()
    columns = reshape(columns, (n, *groups_axis, c // groups * math.prod(kernel), math.prod(blocks)))
    y = matmul(reshape(weight, (*groups_axis, o // groups, -1)), columns)   # (N, [G,] O/G, ∏blocks)
    y = reshape(y, (n, o) + blocks)
    return y if bias is None else add(y, reshape(bias, (o,) + (1,) * len(kernel)))


def _convolve_transposed(x: Operand, weight: Operand, bias: Operand | None, stride: tuple[int, ...],
                         padding: Pairs, dilation: tuple[int, ...], groups: int,
                         size: tuple[int, ...]) -> Operand:
    """The adjoint of :func:`_convolve` in its input, applied to x (N, C_in, blocks…) with a weight
    (C_in, C_out/G, K…), giving (N, C_out, size…), plus the bias."""
    (n, c_in, *blocks), (_, per_group, *kernel) = _shape(x), _shape(weight)
    blocks, kernel = tuple(blocks), tuple(kernel)
    groups_axis = (groups,) if groups > 1 else ()   # as in _convolve
    w = reshape(weight, (*groups_axis, c_in // groups, per_group * math.prod(kernel)))
    columns = matmul(swapaxes(w, -1, -2), reshape(x, (n, *groups_axis, c_in // groups, math.prod(blocks))))
    columns = reshape(columns, (n, groups * per_group) + kernel + blocks)
    y = _fold(columns, size=size, kernel=kernel, stride=stride, padding=padding, dilation=dilation)
    return y if bias is None else add(y, reshape(bias, (groups * per_group,) + (1,) * len(kernel)))


def conv1d(input: Operand, weight: Operand, bias: Operand | None = None, stride: int | Sequence[int] = 1,  # noqa: A002
           padding: int | Sequence[int] | str = 0, dilation: int | Sequence[int] = 1,
           groups: int = 1) -> Operand:
    """1-D convolution (cross-correlation, as PyTorch's) of input (N, C, L) or (C, L) with weight
    (O, C/groups, K), plus bias (O,).

    y[n, o, i] = Σ_{c, j} weight[o, c, j] · x_padded[n, c, i·stride + j·dilation] + bias[o], the sum
    over the channels c of o's group. ``padding`` is an int, ``"valid"`` (0) or ``"same"`` (the output
    as long as the input: dilation·(K − 1) in all, the odd one on the right; stride 1 only).
    ∂L/∂x = conv_transpose(g, weight) (a transposed convolution), ∂L/∂weight = Σ_{n, i} g ⊗ the
    windows of x, ∂L/∂bias = Σ_{n, i} g.

    >>> x = np.arange(5.0).reshape(1, 1, 5)
    >>> conv1d(x, np.array([[[1.0, -1.0]]]))            # differences of neighbours
    array([[[-1., -1., -1., -1.]]])
    >>> conv1d(x, np.ones((1, 1, 3)), padding="same")
    array([[[1., 3., 6., 9., 7.]]])
    """
    return _convolution("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Operand, weight: Operand, bias: Operand | None = None, stride: int | Sequence[int] = 1,  # noqa: A002
           padding: int | Sequence[int] | str = 0, dilation: int | Sequence[int] = 1,
           groups: int = 1) -> Operand:
    """2-D convolution (cross-correlation, as PyTorch's) of input (N, C, H, W) or (C, H, W) with
    weight (O, C/groups, kH, kW), plus bias (O,).

    y[n, o, i, j] = Σ_{c, a, b} weight[o, c, a, b] · x_padded[n, c, i·s₀ + a·r₀, j·s₁ + b·r₁] + bias[o],
    the sum over the channels c of o's group; stride s, dilation r and padding are an int or a pair;
    ``padding`` may also be ``"valid"`` (0) or ``"same"`` (output of the input's size: r·(k − 1) in
    all per axis, the odd one on the right/bottom; stride 1 only). Computed as im2col (:func:`unfold`)
    and one batched ``matmul``.
    ∂L/∂x = conv_transpose2d(g, weight) (matmul, then :func:`fold`), ∂L/∂weight = Σ_{n, i, j} g ⊗ the
    windows of x (a matmul with the forward's columns), ∂L/∂bias = Σ_{n, i, j} g.

    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> conv2d(x, np.ones((1, 1, 2, 2)), stride=2)      # sums of 2×2 blocks
    array([[[[10., 18.],
             [42., 50.]]]])
    >>> w = Tensor(np.ones((3, 1, 3, 3)), requires_grad=True)
    >>> conv2d(x, w, padding=1).shape
    (1, 3, 4, 4)
    """
    return _convolution("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose2d(input: Operand, weight: Operand, bias: Operand | None = None,  # noqa: A002
                     stride: int | Sequence[int] = 1, padding: int | Sequence[int] = 0,
                     output_padding: int | Sequence[int] = 0, groups: int = 1,
                     dilation: int | Sequence[int] = 1) -> Operand:
    """2-D transposed convolution (the gradient of :func:`conv2d` with respect to its input, and so
    an upsampling) of input (N, C_in, H, W) or (C_in, H, W) with weight (C_in, C_out/groups, kH, kW),
    plus bias (C_out,).

    Each input element spreads weight·x over a kH×kW window of the output, windows ``stride`` apart;
    the output has ``(H − 1)·s − 2·padding + r·(kH − 1) + output_padding + 1`` rows (likewise for
    columns): ``padding`` is cut from both sides, ``output_padding`` added at the bottom/right.
    ∂L/∂x = conv2d(g, weight) (stride, padding and dilation as given), ∂L/∂weight = Σ the windows of
    g ⊗ x, ∂L/∂bias = Σ_{n, i, j} g.

    >>> conv_transpose2d(np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2)), stride=2)[0, 0]
    array([[1., 1., 1., 1.],
           [1., 1., 1., 1.],
           [1., 1., 1., 1.],
           [1., 1., 1., 1.]])
    >>> conv_transpose2d(np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2)))[0, 0]   # overlapping windows add
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    where = "conv_transpose2d"
    x_shape, w_shape = _operand_shapes(where, 2, input, weight)
    groups = _checks.integer(groups, "groups", where, minimum=1)
    stride = _ints(stride, "stride", where, 2, 1)
    dilation = _ints(dilation, "dilation", where, 2, 1)
    padding = _ints(padding, "padding", where, 2, 0)
    output_padding = _ints(output_padding, "output_padding", where, 2, 0)
    c_in, per_group, kernel = w_shape[0], w_shape[1], w_shape[2:]
    if c_in % groups:
        raise ShapeError(f"{where}: groups={groups} must divide the input channels, weight.shape[0] = "
                         f"{c_in}; weight of shape {w_shape}")
    if x_shape[1] != c_in:
        raise ShapeError(f"{where}: input of shape {x_shape} has {x_shape[1]} channels, but weight of "
                         f"shape {w_shape} expects {c_in} (weight is (in_channels, out_channels/groups, "
                         f"kH, kW))")
    for extra, s, r in zip(output_padding, stride, dilation):
        if extra >= max(s, r):
            raise ValueError(f"{where}: invalid output_padding {output_padding}; it must be smaller than "
                             f"either stride {stride} or dilation {dilation} along each axis")
    size = tuple((n - 1) * s - 2 * p + r * (k - 1) + extra + 1 for n, s, p, r, k, extra in
                 zip(x_shape[2:], stride, padding, dilation, kernel, output_padding))
    if min(size) < 1:
        raise ShapeError(f"{where}: input of shape {x_shape} and weight of shape {w_shape} with stride "
                         f"{stride}, padding {padding}, dilation {dilation}, output_padding "
                         f"{output_padding} give an output of size {size}, which is too small")
    _check_bias(where, bias, groups * per_group, w_shape)
    x, batched = _batched(input, x_shape, 2)
    y = _convolve_transposed(x, weight, bias, stride, tuple((p, p) for p in padding), dilation, groups, size)
    return y if batched else reshape(y, _shape(y)[1:])


# ---- unfold and fold --------------------------------------------------------------------------------


def unfold(input: Operand, kernel_size: int | Sequence[int], dilation: int | Sequence[int] = 1,  # noqa: A002
           padding: int | Sequence[int] = 0, stride: int | Sequence[int] = 1) -> Operand:
    """im2col: every kH×kW window of input (N, C, H, W) or (C, H, W), zero-padded, as a column of
    an array (N, C·kH·kW, L), L the number of windows, in row-major order (PyTorch's ``unfold``).

    out[n, (c, a, b), (i, j)] = x_padded[n, c, i·s₀ + a·r₀, j·s₁ + b·r₁].  ∂L/∂x = fold(g): each
    element of x receives the sum of the entries of g that read it.

    >>> unfold(np.arange(9.0).reshape(1, 1, 3, 3), 2)[0]    # four 2×2 windows, one per column
    array([[0., 1., 3., 4.],
           [1., 2., 4., 5.],
           [3., 4., 6., 7.],
           [4., 5., 7., 8.]])
    """
    where = "unfold"
    x_shape = _shape(input)
    if len(x_shape) not in (3, 4):
        raise ShapeError(f"{where}: input must be 3-D (C, H, W) or 4-D (N, C, H, W), not of shape {x_shape}")
    x_shape = x_shape if len(x_shape) == 4 else (1,) + x_shape
    kernel = _ints(kernel_size, "kernel_size", where, 2, 1)
    dilation, stride = _ints(dilation, "dilation", where, 2, 1), _ints(stride, "stride", where, 2, 1)
    padding = tuple((p, p) for p in _ints(padding, "padding", where, 2, 0))
    blocks = _blocks(where, x_shape, kernel, stride, padding, dilation, "kernel_size")
    x, batched = _batched(input, x_shape, 2)
    n, c = _shape(x)[:2]
    out = reshape(_unfold(x, kernel=kernel, stride=stride, padding=padding, dilation=dilation, blocks=blocks),
                  (n, c * math.prod(kernel), math.prod(blocks)))
    return out if batched else reshape(out, _shape(out)[1:])


def fold(input: Operand, output_size: int | Sequence[int], kernel_size: int | Sequence[int],  # noqa: A002
         dilation: int | Sequence[int] = 1, padding: int | Sequence[int] = 0,
         stride: int | Sequence[int] = 1) -> Operand:
    """col2im, the adjoint of :func:`unfold`: columns (N, C·kH·kW, L) or (C·kH·kW, L) added into an
    array (N, C, H, W), (H, W) = output_size, each window entry onto the element that ``unfold`` reads it from
    (overlapping windows add up; the padding is cut off).  ∂L/∂input = unfold(g)

    >>> fold(np.ones((1, 4, 4)), (3, 3), 2)[0, 0]            # how many of the four windows cover each
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    where = "fold"
    x_shape = _shape(input)
    if len(x_shape) not in (2, 3):
        raise ShapeError(f"{where}: input must be 2-D (C·kH·kW, L) or 3-D (N, C·kH·kW, L), not of shape "
                         f"{x_shape}")
    size = _ints(output_size, "output_size", where, 2, 1)
    kernel = _ints(kernel_size, "kernel_size", where, 2, 1)
    dilation, stride = _ints(dilation, "dilation", where, 2, 1), _ints(stride, "stride", where, 2, 1)
    padding = tuple((p, p) for p in _ints(padding, "padding", where, 2, 0))
    x, batched = (input, True) if len(x_shape) == 3 else (reshape(input, (1,) + x_shape), False)
    n, rows, length = _shape(x)
    if rows % math.prod(kernel):
        raise ShapeError(f"{where}: input of shape {x_shape} has {rows} rows, which kernel_size {kernel} "
                         f"does not divide into channels (C·kH·kW)")
    blocks = _blocks(where, (n, 1) + size, kernel, stride, padding, dilation, "kernel_size", "output_size")
    if math.prod(blocks) != length:
        raise ShapeError(f"{where}: input of shape {x_shape} has {length} columns, but output_size {size}, "
                         f"kernel_size {kernel}, dilation {dilation}, padding {padding} and stride {stride} "
                         f"give {' × '.join(map(str, blocks))} = {math.prod(blocks)} windows")
    columns = reshape(x, (n, rows // math.prod(kernel)) + kernel + blocks)
    out = _fold(columns, size=size, kernel=kernel, stride=stride, padding=padding, dilation=dilation)
    return out if batched else reshape(out, _shape(out)[1:])


# ---- checking the arguments -------------------------------------------------------------------------


def _convolution(where: str, d: int, input: Operand, weight: Operand, bias: Operand | None,  # noqa: A002
                 stride: Any, padding: Any, dilation: Any, groups: Any) -> Operand:
    """conv1d and conv2d (``d`` spatial axes): check, pad, convolve."""
    x_shape, w_shape = _operand_shapes(where, d, input, weight)
    groups = _checks.integer(groups, "groups", where, minimum=1)
    stride = _ints(stride, "stride", where, d, 1)
    dilation = _ints(dilation, "dilation", where, d, 1)
    out_channels, kernel = w_shape[0], w_shape[2:]
    if out_channels % groups:
        raise ShapeError(f"{where}: groups={groups} must divide the output channels, weight.shape[0] = "
                         f"{out_channels}; weight of shape {w_shape}")
    if x_shape[1] != w_shape[1] * groups:
        raise ShapeError(f"{where}: input of shape {x_shape} has {x_shape[1]} channels, but weight of shape "
                         f"{w_shape} with groups={groups} expects {w_shape[1] * groups} "
                         f"(weight.shape[1] · groups)")
    pairs = _padding(where, padding, d, stride, dilation, kernel)
    blocks = _blocks(where, x_shape, kernel, stride, pairs, dilation, "weight")
    _check_bias(where, bias, out_channels, w_shape)
    x, batched = _batched(input, x_shape, d)
    y = _convolve(x, weight, bias, stride, pairs, dilation, groups, blocks)
    return y if batched else reshape(y, _shape(y)[1:])


def _operand_shapes(where: str, d: int, input: Operand, weight: Operand) -> tuple[tuple[int, ...], ...]:  # noqa: A002
    """The shapes of input ((N,) C, S…, d spatial axes) and weight (O, C/G, K…), checked."""
    x_shape, w_shape = _shape(input), _shape(weight)
    if len(x_shape) not in (d + 1, d + 2):
        raise ShapeError(f"{where}: input must be {d + 1}-D (unbatched) or {d + 2}-D (batched: N, C, "
                         f"{_SPATIAL[d]}), not of shape {x_shape}")
    if len(w_shape) != d + 2:
        raise ShapeError(f"{where}: weight must be {d + 2}-D, not of shape {w_shape}")
    if len(x_shape) == d + 1:
        x_shape = (1,) + x_shape
    return x_shape, w_shape


def _ints(value: Any, name: str, where: str, d: int, minimum: int) -> tuple[int, ...]:
    """An int or a sequence of ``d`` ints, each at least ``minimum``, as a tuple of ``d``."""
    requirement = f"an integer >= {minimum} or a sequence of {d}"
    if isinstance(value, (tuple, list)):
        if len(value) != d:
            raise ValueError(_checks.invalid(where, name, value, requirement))
        parts = value
    else:
        parts = (value,) * d
    try:
        return tuple(_checks.integer(v, name, where, minimum=minimum) for v in parts)
    except (TypeError, ValueError) as error:
        raise type(error)(_checks.invalid(where, name, value, requirement)) from None


def _padding(where: str, padding: Any, d: int, stride: tuple[int, ...], dilation: tuple[int, ...],
             kernel: tuple[int, ...]) -> Pairs:
    """Padding (before, after) per spatial axis, from an int, ints, ``"valid"`` or ``"same"``
    (PyTorch's rule: dilation·(k − 1) in all, half before, the odd one after)."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * d
        if padding != "same":
            raise ValueError(_checks.invalid(where, "padding", padding, "an int, a sequence of ints, "
                                             "'valid' or 'same'"))
        if any(s != 1 for s in stride):
            raise ValueError(f"{where}: padding='same' is not supported for strided convolutions "
                             f"(stride {stride}); give the padding as numbers")
        return tuple((r * (k - 1) // 2, r * (k - 1) - r * (k - 1) // 2) for r, k in zip(dilation, kernel))
    return tuple((p, p) for p in _ints(padding, "padding", where, d, 0))


def _blocks(where: str, x_shape: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
            padding: Pairs, dilation: tuple[int, ...], kernel_name: str,
            input_name: str = "input") -> tuple[int, ...]:
    """The number of windows along each spatial axis; an error where the (dilated) kernel is larger
    than the padded input, as PyTorch's."""
    padded = tuple(n + before + after for n, (before, after) in zip(x_shape[2:], padding))
    spans = tuple(r * (k - 1) + 1 for r, k in zip(dilation, kernel))
    if any(span > n for span, n in zip(spans, padded)):
        raise ShapeError(f"{where}: the padded {input_name} is {' × '.join(map(str, padded))} per channel "
                         f"(shape {x_shape}, padding {padding}), smaller than the {kernel_name}'s kernel "
                         f"{' × '.join(map(str, kernel))} (dilated: {' × '.join(map(str, spans))})")
    return tuple(output_size(n, k, s, r) for n, k, s, r in zip(padded, kernel, stride, dilation))


def _check_bias(where: str, bias: Operand | None, channels: int, w_shape: tuple[int, ...]) -> None:
    if bias is not None and _shape(bias) != (channels,):
        raise ShapeError(f"{where}: bias of shape {_shape(bias)} does not fit weight of shape {w_shape}; "
                         f"it must have shape ({channels},), one per output channel")


def _batched(input: Operand, x_shape: tuple[int, ...], d: int) -> tuple[Operand, bool]:  # noqa: A002
    """``input`` with a batch axis (added to an unbatched one), and whether it had one."""
    if len(_shape(input)) == d + 2:
        return input, True
    return reshape(input, x_shape), False


__test__ = docstring_tests(globals())
