"""The op-table rows of autograd_lite.nn.functional.pooling and .resampling.

Rows are :class:`~op_row.Op` (columns explained there); ``op_table.py`` merges :data:`ROWS` and
:data:`COVERED_THROUGH` into the table. The public functions are checked against PyTorch; the two
backward primitives (the gradients of max and average pooling, which are differentiated again for
second order) against a loop over output positions written here, with their window parameters
worked out from drawn public arguments as the public functions work them out.

Max pooling's derivative jumps where two elements of a window tie (PyTorch's gradient goes to the
first of them, where finite differences see half each): its cases draw distinct values only.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from op_inputs import Case, _values
from op_row import Op

from autograd_lite.nn import functional as F
from autograd_lite.nn.functional import _pooling_geometry as geometry
from autograd_lite.nn.functional import pooling

# ---- strategies --------------------------------------------------------------------------------


@st.composite
def _window_arguments(draw: Any, d: int, dilation: bool = True, average: bool = False) -> dict[str, Any]:
    """Public arguments of a pooling op with ``d`` spatial axes, as users spell them (an int for
    equal sizes, sometimes), and a spatial size each window fits."""
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(d))
    stride = draw(st.none() | st.tuples(*[st.integers(1, 3)] * d))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    dilations = tuple(draw(st.integers(1, 2)) for _ in range(d)) if dilation else (1,) * d
    spans = [r * (k - 1) + 1 for k, r in zip(kernel, dilations)]
    spatial = tuple(draw(st.integers(max(1, span - 2 * p), max(1, span - 2 * p) + 3))
                    for span, p in zip(spans, padding))
    arguments = {"kernel_size": _spelled(draw, kernel),
                 "stride": stride if stride is None else _spelled(draw, stride),
                 "padding": _spelled(draw, padding), "ceil_mode": draw(st.booleans())}
    if dilation:
        arguments["dilation"] = _spelled(draw, dilations)
    if average:
        arguments["count_include_pad"] = draw(st.booleans())
        if d == 2 and draw(st.booleans()):
            arguments["divisor_override"] = draw(st.integers(1, 5))
    return {"spatial": spatial, **arguments}


def _spelled(draw: Any, sizes: tuple[int, ...]) -> Any:
    """``sizes`` as a tuple, or as one int where they are equal."""
    return sizes[0] if len(set(sizes)) == 1 and draw(st.booleans()) else sizes


def _batch(draw: Any, op: Op, spatial: tuple[int, ...], distinct: bool) -> np.ndarray:
    """An input (N, C, *spatial) of the row's values, or (C, *spatial) unbatched sometimes;
    ``distinct``: values 0.1 apart, further than float32's finite-difference step at 10 (5e-2)."""
    shape = draw(st.sampled_from([(1, 1), (2, 1), (1, 2), (2,)])) + spatial
    if not distinct:
        return draw(_values(op, shape))
    size = int(np.prod(shape))
    assert size <= 200, "0.1 apart within [-10, 10]"
    return (np.array(draw(st.permutations(range(size)))).reshape(shape) - size / 2) * 0.1


def pooled(d: int, maximum: bool) -> Any:
    """Cases of a public max (``maximum``) or average pooling op with ``d`` spatial axes."""
    @st.composite
    def cases(draw: Any, op: Op, second_order: bool = False) -> Case:
        arguments = draw(_window_arguments(d, dilation=maximum, average=not maximum))
        x = _batch(draw, op, arguments.pop("spatial"), distinct=maximum)
        if maximum:
            assume(_no_window_in_the_padding_alone(x, d, arguments))
        return Case((x,), arguments)
    return cases


@st.composite
def max_pool_gradients(draw: Any, op: Op, second_order: bool = False) -> Case:
    """The upstream gradient g of max pooling an input x (distinct values), x, and the windows
    (x is differentiated too: the gradient's derivative in it is 0, away from ties)."""
    arguments = draw(_window_arguments(2))
    x = _batch(draw, op, arguments.pop("spatial"), distinct=True)
    x = x if x.ndim == 4 else x[None]
    assume(_no_window_in_the_padding_alone(x, 2, arguments))
    where, out = geometry.windows_of("max_pool2d", x.shape, **arguments)
    g = draw(_values(op, x.shape[:2] + out))
    return Case((g, x), where._asdict())


@st.composite
def avg_pool_gradients(draw: Any, op: Op, second_order: bool = False) -> Case:
    """The upstream gradient g of average pooling, and the primitive's parameters."""
    arguments = draw(_window_arguments(2, dilation=False, average=True))
    spatial = arguments.pop("spatial")
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + spatial
    where, out = geometry.windows_of("avg_pool2d", shape, arguments["kernel_size"], arguments["stride"],
                                    arguments["padding"], 1, arguments["ceil_mode"])
    divisors = float(arguments["divisor_override"]) if "divisor_override" in arguments else tuple(
        geometry.window_counts(n, k, s, before, count, arguments["count_include_pad"])
        for n, k, s, (before, _), count in zip(spatial, where.kernel, where.stride, where.pads, out))
    g = draw(_values(op, shape[:2] + out))
    return Case((g,), {"spatial": spatial, "kernel": where.kernel, "stride": where.stride, "pads": where.pads,
                       "divisors": divisors})


def _no_window_in_the_padding_alone(x: np.ndarray, d: int, arguments: dict[str, Any]) -> bool:
    """Whether every window holds an input element: with dilation one can fall between them, and
    its maximum is −∞ (as PyTorch's), where finite differences are NaN."""
    pool = F.max_pool1d if d == 1 else F.max_pool2d
    return bool(np.isfinite(pool(x, **arguments)).all())


def adaptive(d: int, maximum: bool = False) -> Any:
    """Cases of adaptive average (or max) pooling: output sizes that divide the input's, and that do not."""
    @st.composite
    def cases(draw: Any, op: Op, second_order: bool = False) -> Case:
        spatial = tuple(draw(st.integers(1, 5)) for _ in range(d))
        x = _batch(draw, op, spatial, distinct=maximum)
        entry = st.none() | st.integers(1, 6) if d == 2 else st.integers(1, 6)  # None: keep that size
        size = tuple(draw(entry) for _ in spatial)
        return Case((x,), {"output_size": size[0] if d == 1 and draw(st.booleans()) else size})
    return cases


@st.composite
def padded(draw: Any, op: Op, second_order: bool = False) -> Case:
    """An input, a mode, and PyTorch's ``pad`` for it (counts −1 to 2: negative ones crop) within
    the mode's limits: the non-constant modes pad the last 1–3 axes of an input with 1 or 2 more."""
    mode = draw(st.sampled_from(["constant", "reflect", "replicate", "circular"]))
    if mode == "constant":
        ndim = draw(st.integers(1, 4))
        axes = draw(st.integers(1, ndim))
    else:
        axes = draw(st.integers(1, 3))
        ndim = axes + draw(st.integers(1, 2))
    shape = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    counts = []
    for n in reversed(shape[ndim - axes:]):
        before, after = draw(st.integers(-1, 2)), draw(st.integers(-1, 2))
        assume(_fits(mode, n, before, after))
        counts += [before, after]
    params = {"pad": tuple(counts), "mode": mode}
    if mode == "constant" and draw(st.booleans()):
        params["value"] = draw(st.floats(-3, 3))
    return Case((draw(_values(op, shape)),), params)


def _fits(mode: str, n: int, before: int, after: int) -> bool:
    """Whether ``mode`` can pad an axis of size ``n`` by (before, after), as PyTorch's rules allow."""
    kept = n - max(-before, 0) - max(-after, 0)
    if mode == "constant":
        return kept >= 0
    if mode == "circular":
        return kept >= max(before, after, 1)
    return n + before + after >= 1 and (mode == "replicate" or max(before, after) < n)


#: the spatial axes each mode of interpolate takes (nearest: 1 to 3)
_SPATIAL = {"nearest": (1, 2, 3), "nearest-exact": (1, 2), "linear": (1,), "bilinear": (2,),
            "trilinear": (3,), "area": (1, 2)}


@st.composite
def resized(draw: Any, op: Op, second_order: bool = False) -> Case:
    """An input (N, C, *spatial), a mode, and a size or scale factor (up and down), with
    ``align_corners`` for the modes that interpolate."""
    mode = draw(st.sampled_from(list(_SPATIAL)))
    d = draw(st.sampled_from(_SPATIAL[mode]))
    spatial = tuple(draw(st.integers(1, 4 if d < 3 else 2)) for _ in range(d))
    x = draw(_values(op, (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + spatial))
    params: dict[str, Any] = {"mode": mode}
    if mode in ("linear", "bilinear", "trilinear"):
        params["align_corners"] = draw(st.booleans())
    if draw(st.booleans()):
        sizes = tuple(draw(st.integers(1, 5)) for _ in spatial)
        params["size"] = sizes[0] if len(set(sizes)) == 1 and draw(st.booleans()) else sizes
    else:
        factor = st.sampled_from([0.5, 0.75, 1.0, 1.5, 2.0, 2.5])
        factors = tuple(draw(factor) for _ in spatial)
        assume(all(int(n * f) >= 1 for n, f in zip(spatial, factors)))
        params["scale_factor"] = factors
    return Case((x,), params)


# ---- references --------------------------------------------------------------------------------


def torch_function(name: str) -> Any:
    """``torch.nn.functional.<name>`` on NumPy arrays, with the parameters by keyword."""
    def reference(*arrays: Any, **params: Any) -> np.ndarray:
        import torch  # imported when first used
        return getattr(torch.nn.functional, name)(*map(torch.from_numpy, arrays), **params).numpy()
    return reference


def _window_elements(spatial: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
                     dilation: tuple[int, ...], pads: tuple[tuple[int, int], ...],
                     out: tuple[int, ...]) -> Any:
    """For each output position (a tuple), the input positions its window reads inside the input,
    in row-major order of the kernel."""
    for o in itertools.product(*map(range, out)):
        inside = []
        for j in itertools.product(*map(range, kernel)):
            where = tuple(oi * s - before + ji * r for oi, s, (before, _), ji, r in
                          zip(o, stride, pads, j, dilation))
            if all(0 <= w < n for w, n in zip(where, spatial)):
                inside.append(where)
        yield o, inside


def max_pool_backward_loop(g: np.ndarray, x: np.ndarray, kernel: tuple[int, ...], stride: tuple[int, ...],
                           dilation: tuple[int, ...], pads: tuple[tuple[int, int], ...]) -> np.ndarray:
    """g of each window added at the first maximum of x in it, one output position at a time."""
    out = np.zeros(x.shape)
    for o, inside in _window_elements(x.shape[2:], kernel, stride, dilation, pads, g.shape[2:]):
        for n, c in np.ndindex(*x.shape[:2]):
            first = max(inside, key=lambda where: (x[(n, c) + where], -inside.index(where)))
            out[(n, c) + first] += g[(n, c) + o]
    return out


def avg_pool_backward_loop(g: np.ndarray, spatial: tuple[int, ...], kernel: tuple[int, ...],
                           stride: tuple[int, ...], pads: tuple[tuple[int, int], ...],
                           divisors: Any) -> np.ndarray:
    """g/divisor of each window added at each input element in it, one output position at a time."""
    out = np.zeros(g.shape[:2] + tuple(spatial))
    for o, inside in _window_elements(spatial, kernel, stride, (1,) * len(kernel), pads, g.shape[2:]):
        divisor = divisors if isinstance(divisors, float) else np.prod([f[i] for f, i in zip(divisors, o)])
        for where in inside:
            out[(slice(None), slice(None)) + where] += g[(slice(None), slice(None)) + o] / divisor
    return out


def _max_pool_backward(g: Any, x: Any, **where: Any) -> Any:
    """The primitive with the windows' maxima it takes from the forward computed here, from x."""
    return pooling._max_pool_backward(g, x, pooling._max_pool(x, **where), **where)


# ---- the rows ----------------------------------------------------------------------------------

#: name of the primitive (or of the composite function) -> its row
ROWS: dict[str, Op] = {
    "max_pool": Op(F.max_pool2d, torch_function("max_pool2d"), pooled(2, maximum=True)),
    "max_pool1d": Op(F.max_pool1d, torch_function("max_pool1d"), pooled(1, maximum=True)),
    "max_pool_backward": Op(_max_pool_backward, max_pool_backward_loop, max_pool_gradients, 2),
    "avg_pool": Op(F.avg_pool2d, torch_function("avg_pool2d"), pooled(2, maximum=False)),
    "avg_pool1d": Op(F.avg_pool1d, torch_function("avg_pool1d"), pooled(1, maximum=False)),
    "avg_pool_backward": Op(pooling._avg_pool_backward, avg_pool_backward_loop, avg_pool_gradients),
    "adaptive_avg_pool2d": Op(F.adaptive_avg_pool2d, torch_function("adaptive_avg_pool2d"), adaptive(2)),
    "adaptive_avg_pool1d": Op(F.adaptive_avg_pool1d, torch_function("adaptive_avg_pool1d"), adaptive(1)),
    "adaptive_max_pool2d": Op(F.adaptive_max_pool2d, torch_function("adaptive_max_pool2d"),
                              adaptive(2, maximum=True)),
    "adaptive_max_pool1d": Op(F.adaptive_max_pool1d, torch_function("adaptive_max_pool1d"),
                              adaptive(1, maximum=True)),
    # autograd_lite.pad (NumPy's) has the row "pad"
    "nn.functional.pad": Op(F.pad, torch_function("pad"), padded),
    "interpolate": Op(F.interpolate, torch_function("interpolate"), resized),
}

#: primitive name -> the public function its row calls (see op_table.COVERED_THROUGH)
COVERED_THROUGH: dict[str, str] = {
    "max_pool": "autograd_lite.nn.functional.max_pool2d",
    "avg_pool": "autograd_lite.nn.functional.avg_pool2d",
    "max_pool_backward": "_max_pool_backward (the primitive, given the forward's maxima)",
}
