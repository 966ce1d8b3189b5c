"""The op-table rows of autograd_lite.nn.functional.convolution.

Rows are :class:`~op_row.Op` (columns explained there); ``op_table.py`` merges :data:`ROWS` and
:data:`COVERED_THROUGH` into the table. The two primitives, ``unfold`` and ``fold``, are reached
through the public functions of their names; ``conv1d``, ``conv2d`` and ``conv_transpose2d`` are
composites of them (with ``matmul``), checked first and second order like the primitives. Shapes
are tiny (batch ≤ 2, channels ≤ 4, spatial ≤ 6): second-order finite differences cost one backward
per element.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st
from op_inputs import Case, _values
from op_row import Op

from autograd_lite.nn import functional as F

#: products of a few of these stay well within gradcheck's tolerances
VALUES = (-2.0, 2.0)


def torch_keywords(name: str) -> Callable[..., np.ndarray]:
    """``torch.nn.functional.<name>`` on NumPy arrays, the parameters passed by keyword (a conv
    without a bias has fewer arrays, so positions would shift)."""
    def reference(*arrays: Any, **params: Any) -> np.ndarray:
        import torch  # imported when first used

        with warnings.catch_warnings():   # padding="same" with an even kernel: a padded copy, it warns
            warnings.simplefilter("ignore", UserWarning)
            return getattr(torch.nn.functional, name)(*(torch.from_numpy(np.asarray(a)) for a in arrays),
                                                      **params).numpy()
    return reference


def _window_options(draw: Any, d: int) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Kernel sizes, strides and dilations along ``d`` axes, each drawn as small as tests need."""
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(d))
    stride = tuple(draw(st.integers(1, 2)) for _ in range(d))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(d))
    return kernel, stride, dilation


def _spelled(draw: Any, values: tuple[int, ...]) -> int | tuple[int, ...]:
    """``values`` as a tuple, or as one int where they are all equal (both spellings users write)."""
    return values[0] if len(set(values)) == 1 and draw(st.booleans()) else values


@st.composite
def convolution_operands(draw: Any, op: Op, second_order: bool = False, d: int = 2) -> Case:
    """Input (N, C, *S) (unbatched, now and then), weight (O, C/groups, *K), a bias half the time;
    stride, padding (numbers, "valid", or "same" where the stride is 1), dilation and groups."""
    groups = draw(st.integers(1, 2))
    channels, out_channels = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel, stride, dilation = _window_options(draw, d)
    if all(s == 1 for s in stride) and draw(st.booleans()):
        padding: Any = draw(st.sampled_from(["same", "valid"]))
        pads = [r * (k - 1) for r, k in zip(dilation, kernel)] if padding == "same" else [0] * d
    else:
        pads = [draw(st.integers(0, 1)) for _ in range(d)]
        padding = _spelled(draw, tuple(pads))
        pads = [2 * p for p in pads]
    spans = [r * (k - 1) + 1 for r, k in zip(dilation, kernel)]
    spatial = tuple(max(span - pad, 1) + draw(st.integers(0, 2)) for span, pad in zip(spans, pads))
    batch = draw(st.sampled_from([(1,), (2,), ()]))
    arrays = (draw(_values(op, batch + (channels,) + spatial)),
              draw(_values(op, (out_channels, channels // groups) + kernel)))
    if draw(st.booleans()):
        arrays += (draw(_values(op, (out_channels,))),)
    params = {"stride": _spelled(draw, stride), "padding": padding, "dilation": _spelled(draw, dilation),
              "groups": groups}
    return Case(arrays, params)


def convolution_1d_operands(op: Op, second_order: bool = False) -> st.SearchStrategy[Case]:
    return convolution_operands(op, second_order, d=1)


@st.composite
def transposed_operands(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Input (N, C_in, H, W) (or unbatched), weight (C_in, C_out/groups, kH, kW), a bias half the
    time; stride, padding, output_padding (below stride or dilation), groups and dilation."""
    groups = draw(st.integers(1, 2))
    channels, per_group = groups * draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kernel, stride, dilation = _window_options(draw, 2)
    spatial = tuple(draw(st.integers(1, 3)) for _ in range(2))
    extra = tuple(draw(st.integers(0, max(s, r) - 1)) for s, r in zip(stride, dilation))
    # the output (n − 1)·s − 2p + r·(k − 1) + extra + 1 must keep at least one element
    padding = tuple(draw(st.integers(0, min(1, ((n - 1) * s + r * (k - 1) + e) // 2)))
                    for n, s, r, k, e in zip(spatial, stride, dilation, kernel, extra))
    batch = draw(st.sampled_from([(1,), (2,), ()]))
    arrays = (draw(_values(op, batch + (channels,) + spatial)),
              draw(_values(op, (channels, per_group) + kernel)))
    if draw(st.booleans()):
        arrays += (draw(_values(op, (groups * per_group,))),)
    params = {"stride": _spelled(draw, stride), "padding": _spelled(draw, padding),
              "output_padding": _spelled(draw, extra), "groups": groups, "dilation": _spelled(draw, dilation)}
    return Case(arrays, params)


@st.composite
def unfold_operands(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Input (N, C, H, W) or (C, H, W), kernel_size, dilation, padding and stride."""
    kernel, stride, dilation = _window_options(draw, 2)
    padding = tuple(draw(st.integers(0, 1)) for _ in range(2))
    spatial = tuple(max(r * (k - 1) + 1 - 2 * p, 1) + draw(st.integers(0, 2))
                    for k, r, p in zip(kernel, dilation, padding))
    shape = draw(st.sampled_from([(1,), (2,), ()])) + (draw(st.integers(1, 2)),) + spatial
    params = {"kernel_size": _spelled(draw, kernel), "dilation": _spelled(draw, dilation),
              "padding": _spelled(draw, padding), "stride": _spelled(draw, stride)}
    return Case((draw(_values(op, shape)),), params)


@st.composite
def fold_operands(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Columns (N, C·kH·kW, L) or (C·kH·kW, L) and output_size, kernel_size, dilation, padding and
    stride, L the number of windows they give."""
    kernel, stride, dilation = _window_options(draw, 2)
    padding = tuple(draw(st.integers(0, 1)) for _ in range(2))
    size = tuple(max(r * (k - 1) + 1 - 2 * p, 1) + draw(st.integers(0, 2))
                 for k, r, p in zip(kernel, dilation, padding))
    blocks = [(n + 2 * p - r * (k - 1) - 1) // s + 1
              for n, p, r, k, s in zip(size, padding, dilation, kernel, stride)]
    rows = draw(st.integers(1, 2)) * int(np.prod(kernel))
    shape = draw(st.sampled_from([(1,), (2,), ()])) + (rows, int(np.prod(blocks)))
    params = {"output_size": _spelled(draw, size), "kernel_size": _spelled(draw, kernel),
              "dilation": _spelled(draw, dilation), "padding": _spelled(draw, padding),
              "stride": _spelled(draw, stride)}
    return Case((draw(_values(op, shape)),), params)


#: name of the primitive (or of the composite function) -> its row
ROWS: dict[str, Op] = {
    "conv1d": Op(F.conv1d, torch_keywords("conv1d"), convolution_1d_operands, 3, values=VALUES),
    "conv2d": Op(F.conv2d, torch_keywords("conv2d"), convolution_operands, 3, values=VALUES),
    "conv_transpose2d": Op(F.conv_transpose2d, torch_keywords("conv_transpose2d"), transposed_operands, 3,
                           values=VALUES),
    "unfold": Op(F.unfold, torch_keywords("unfold"), unfold_operands, values=VALUES),
    "fold": Op(F.fold, torch_keywords("fold"), fold_operands, values=VALUES),
}

#: primitive name -> the public function its row calls (see op_table.COVERED_THROUGH)
COVERED_THROUGH: dict[str, str] = {
    "unfold": "autograd_lite.nn.functional.unfold",
    "fold": "autograd_lite.nn.functional.fold",
}
