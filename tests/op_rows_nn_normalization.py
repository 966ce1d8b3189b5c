"""The op-table rows of autograd_lite.nn.functional.normalization.

Rows are :class:`~op_row.Op` (columns explained there); ``op_table.py`` merges :data:`ROWS` and
:data:`COVERED_THROUGH` into the table. The primitive ``normalize`` has a row of its own (its
function is the primitive itself); ``batch_norm``, ``layer_norm`` and ``group_norm`` are composites
of it, each with a row against PyTorch. The running statistics, ``training`` and ``eps`` are
parameters (not differentiated); the running statistics are drawn as tuples of floats, made arrays
in the input's library, dtype and device by the row's function (a float64 array parameter could not
move to a device without float64). ``eps`` is drawn well above PyTorch's 1e-5: a group of nearly equal
values has a variance near 0, where 1/√(var + eps) is so steep that finite differences lose the
accuracy gradcheck asks for; the math is the same for every eps.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from op_inputs import Case, _values
from op_row import Op

from autograd_lite import backend
from autograd_lite.engine import data_of
from autograd_lite.nn import functional as F
from autograd_lite.nn.functional.normalization import _normalize

_EPS = st.sampled_from([0.1, 0.5, 1.0])


def _torch(x: Any) -> Any:
    import torch  # imported when first used: only the nn rows need it
    return None if x is None else torch.from_numpy(np.array(x))


# ---- strategies --------------------------------------------------------------------------------


@st.composite
def normalized(draw: Any, op: Op, second_order: bool = False) -> Case:
    """An array of 1 to 3 axes and a non-empty tuple of its axes to standardise over."""
    x = draw(_values(op, min_dims=1))
    axes = draw(st.lists(st.integers(0, x.ndim - 1), min_size=1, max_size=x.ndim, unique=True))
    return Case((x,), {"axis": tuple(sorted(axes)), "eps": draw(_EPS)})


def _weight_and_bias(draw: Any, op: Op, shape: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """None, a weight, or a weight and a bias, of ``shape``."""
    count = draw(st.integers(0, 2))
    return tuple(draw(_values(op, shape)) for _ in range(count))


@st.composite
def batch_normalized(draw: Any, op: Op, second_order: bool = False) -> Case:
    """(N, C), (N, C, L) or (N, C, H, W) with more than one value per channel, a weight and bias (or
    not), running statistics, training or evaluation, a momentum and an eps."""
    spatial = draw(st.sampled_from([(), (2,), (1, 2), (2, 2)]))
    shape = (draw(st.integers(2, 3)), draw(st.integers(1, 3))) + spatial
    x = draw(_values(op, shape))
    channels = shape[1]
    params = {"running_mean": tuple(draw(_values(op, (channels,))).tolist()),
              "running_var": tuple((np.abs(draw(_values(op, (channels,)))) + 0.5).tolist()),
              "training": draw(st.booleans()), "momentum": draw(st.sampled_from([0.1, 0.5, 1.0])),
              "eps": draw(_EPS)}
    if params["training"] and draw(st.booleans()):
        params["running_mean"] = params["running_var"] = None
    return Case((x, *_weight_and_bias(draw, op, (channels,))), params)


@st.composite
def layer_normalized(draw: Any, op: Op, second_order: bool = False) -> Case:
    """An array of 1 to 3 axes, normalized_shape its last one or two axes (an int or a tuple), and a
    weight and bias (or not) of that shape."""
    x = draw(_values(op, min_dims=1))
    trailing = draw(st.integers(1, x.ndim)) if x.ndim < 2 else draw(st.integers(1, 2))
    normalized_shape = x.shape[x.ndim - trailing:]
    if trailing == 1 and draw(st.booleans()):
        normalized_shape = normalized_shape[0]
    shape = normalized_shape if isinstance(normalized_shape, tuple) else (normalized_shape,)
    return Case((x, *_weight_and_bias(draw, op, shape)), {"normalized_shape": normalized_shape,
                                                         "eps": draw(_EPS)})


@st.composite
def group_normalized(draw: Any, op: Op, second_order: bool = False) -> Case:
    """(N, C) or (N, C, *) with num_groups dividing C, and a weight and bias (or not) of shape (C,);
    not one sample of one-element groups, which PyTorch refuses (as it refuses batch_norm's)."""
    num_groups, per_group = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    shape = (draw(st.integers(1, 2)), num_groups * per_group) + draw(st.sampled_from([(), (2,), (1, 2)]))
    if shape[0] * per_group * int(np.prod(shape[2:])) == 1:
        shape = (2,) + shape[1:]
    x = draw(_values(op, shape))
    return Case((x, *_weight_and_bias(draw, op, (shape[1],))), {"num_groups": num_groups, "eps": draw(_EPS)})


# ---- the functions the rows call, and their references --------------------------------------------


# The functions take the differentiated arrays first, the rest (running statistics too) as parameters.


def _like(x: Any, values: tuple[float, ...] | None) -> Any:
    """``values`` as an array of ``x``'s library, dtype and device (None stays None)."""
    if values is None:
        return None
    data = data_of(x)
    return backend.array(np.array(values), dtype=data.dtype, device=backend.device_of(data),
                         xp=backend.namespace(data))


def _batch_norm(x: Any, weight: Any = None, bias: Any = None, **params: Any) -> Any:
    mean, var = _like(x, params.pop("running_mean")), _like(x, params.pop("running_var"))
    return F.batch_norm(x, mean, var, weight, bias, **params)


def _layer_norm(x: Any, weight: Any = None, bias: Any = None, **params: Any) -> Any:
    return F.layer_norm(x, params.pop("normalized_shape"), weight, bias, **params)


def _group_norm(x: Any, weight: Any = None, bias: Any = None, **params: Any) -> Any:
    return F.group_norm(x, params.pop("num_groups"), weight, bias, **params)


def _torch_batch_norm(x: np.ndarray, weight: Any = None, bias: Any = None, **params: Any) -> np.ndarray:
    import torch
    mean, var = (None if params[name] is None else np.array(params[name])
                 for name in ("running_mean", "running_var"))
    return torch.nn.functional.batch_norm(_torch(x), _torch(mean), _torch(var), _torch(weight), _torch(bias),
                                          params["training"], params["momentum"], params["eps"]).numpy()


def _torch_layer_norm(x: np.ndarray, weight: Any = None, bias: Any = None, **params: Any) -> np.ndarray:
    import torch
    shape = params["normalized_shape"]
    shape = shape if isinstance(shape, tuple) else (shape,)
    return torch.nn.functional.layer_norm(_torch(x), shape, _torch(weight), _torch(bias),
                                          params["eps"]).numpy()


def _torch_group_norm(x: np.ndarray, weight: Any = None, bias: Any = None, **params: Any) -> np.ndarray:
    import torch
    return torch.nn.functional.group_norm(_torch(x), params["num_groups"], _torch(weight), _torch(bias),
                                          params["eps"]).numpy()


def _standardized(x: np.ndarray, axis: tuple[int, ...], eps: float) -> np.ndarray:
    return (x - x.mean(axis=axis, keepdims=True)) / np.sqrt(x.var(axis=axis, keepdims=True) + eps)


#: name of the primitive (or of the composite function) -> its row
ROWS: dict[str, Op] = {
    "normalize": Op(_normalize, _standardized, normalized),
    "batch_norm": Op(_batch_norm, _torch_batch_norm, batch_normalized, 3),
    "layer_norm": Op(_layer_norm, _torch_layer_norm, layer_normalized, 3),
    "group_norm": Op(_group_norm, _torch_group_norm, group_normalized, 3),
}

#: primitive name -> the public function its row calls (see op_table.COVERED_THROUGH)
COVERED_THROUGH: dict[str, str] = {}
