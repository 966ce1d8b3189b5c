"""The table of operations that the op tests run on: one row per op, read by every one of them.

- ``test_tensor_ops.py`` checks each row's gradients against finite differences (first and second
  order) and its forward against the row's reference, through the function and through its method,
  on every back end of the ``xp`` fixture (NumPy and array-api-strict); a meta-test there fails when
  a primitive anywhere in the package has no row, or does not run on array-api-strict;
- ``test_fuzz.py`` feeds the rows marked ``messy`` awkward inputs (every dtype, empty arrays, NaN and
  Inf, read-only and strided arrays, axes out of range) and compares them with NumPy;
- ``test_value.py`` runs the rows marked ``on_value`` on the scalar engine, against finite differences.

Adding an op is: its definition, its method if it has one, and one row: here for the core modules,
in ``op_rows_<area>.py`` for the others (each holds ``ROWS`` and its ``COVERED_THROUGH``, merged
below into :data:`OPS`). Each column is explained in :class:`~op_row.Op`; the strategies that draw
the inputs are in ``op_inputs.py``.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import op_rows_contractions
import op_rows_linalg
import op_rows_nn_attention
import op_rows_nn_convolution
import op_rows_nn_embedding
import op_rows_nn_losses
import op_rows_nn_normalization
import op_rows_nn_pooling
import op_rows_nn_recurrent
import op_rows_reductions
import op_rows_shapes
import op_rows_special
from hypothesis import strategies as st
from op_inputs import (
    ANOTHER_DEVICE,
    along_axis,
    broadcast_target,
    broadcasting,
    chosen,
    dense_operands,
    either_sign,
    expanded,
    indexed,
    joined,
    linear_operands,
    logits_and_labels,
    logits_and_probabilities,
    matmul_operands,
    prediction_and_target,
    reduction,
    reshaped,
    scattered,
    squeezed,
    stacked,
    sum_to_target,
    swapped,
    transposed,
)
from op_row import Op, method, torch_reference

import autograd_lite as ag
from autograd_lite import tensor_ops
from autograd_lite.nn import functional as F


def _sigmoid(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    return 1 / (1 + np.exp(-x.astype(np.result_type(x, 1.0))))


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    return np.exp(x) / np.sum(np.exp(x), axis=axis, keepdims=True)


def _dense(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """Keras' Dense without its activation: x @ kernel + bias (PyTorch has no op of this layout)."""
    return x @ kernel if bias is None else x @ kernel + bias


def _sum_to(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    summed = x.sum(axis=tuple(range(x.ndim - len(shape))))
    return summed.sum(axis=tuple(i for i, n in enumerate(shape) if n == 1), keepdims=True)


def _scatter_add(g: np.ndarray, index: Any, shape: tuple[int, ...]) -> np.ndarray:
    out = np.zeros(shape)
    np.add.at(out, index, g)
    return out


def _where(x: Any, y: Any, condition: Any) -> Any:
    """``where`` with its condition as a parameter: only ``x`` and ``y`` are differentiated."""
    return ag.where(condition, x, y)


def _gradient_of_square_sum(x: Any) -> Any:
    """∇ Σ x² = 2x through ``grad``: the public path to the ``_identity`` primitive (``grad`` of a
    tensor that requires grad differentiates an identity node of it, so it stays connected)."""
    return ag.grad(lambda u: (u * u).sum())(x)


#: name of the primitive (or of the composite function) -> its row
#: the jumps of the rounding ops in their rows' values (-3, 3): the integers and the halves between
_HALVES = tuple(k / 2 for k in range(-6, 7))

OPS: dict[str, Op] = {
    # elementwise, on Value too
    "exp": Op(ag.exp, np.exp, values=(-5, 5), scalar_values=(-20, 20), method=method("exp"),
              on_value=True, messy=True),
    "log": Op(ag.log, np.log, values=(0.1, 10), scalar_values=(1e-2, 1e3), method=method("log"),
              on_value=True, messy=True),
    "sqrt": Op(ag.sqrt, np.sqrt, values=(0.1, 10), scalar_values=(1e-2, 1e3), method=method("sqrt"),
               on_value=True, messy=True),
    "tanh": Op(ag.tanh, np.tanh, values=(-5, 5), scalar_values=(-10, 10), method=method("tanh"),
               on_value=True, messy=True),
    "sigmoid": Op(ag.sigmoid, _sigmoid, scalar_values=(-30, 30), method=method("sigmoid"), on_value=True,
                  messy=True),
    "relu": Op(ag.relu, lambda x: np.maximum(x, 0.0), avoid=(0.0,), scalar_values=(-50, 50),
               method=method("relu"), on_value=True, messy=True),
    "abs": Op(ag.abs, np.abs, avoid=(0.0,), scalar_values=(-50, 50), method=operator.abs, on_value=True,
              messy=True),
    "negative": Op(ag.negative, np.negative, scalar_values=(-1e3, 1e3), method=operator.neg,
                   on_value=True, messy=True),
    # NumPy's elementwise math (math_ops.py), on Value too; values inside each domain, with a margin
    "sin": Op(ag.sin, np.sin, on_value=True),
    "cos": Op(ag.cos, np.cos, on_value=True),
    "tan": Op(ag.tan, np.tan, values=(-1.2, 1.2), on_value=True),
    "arcsin": Op(ag.arcsin, np.arcsin, values=(-0.9, 0.9), on_value=True),
    "arccos": Op(ag.arccos, np.arccos, values=(-0.9, 0.9), on_value=True),
    "arctan": Op(ag.arctan, np.arctan, on_value=True),
    "sinh": Op(ag.sinh, np.sinh, values=(-5, 5), on_value=True),
    "cosh": Op(ag.cosh, np.cosh, values=(-5, 5), on_value=True),
    "arcsinh": Op(ag.arcsinh, np.arcsinh, on_value=True),
    "arccosh": Op(ag.arccosh, np.arccosh, values=(1.1, 5), on_value=True),
    "arctanh": Op(ag.arctanh, np.arctanh, values=(-0.9, 0.9), on_value=True),
    "log2": Op(ag.log2, np.log2, values=(0.1, 10), on_value=True),
    "log10": Op(ag.log10, np.log10, values=(0.1, 10), on_value=True),
    "log1p": Op(ag.log1p, np.log1p, values=(-0.9, 10), on_value=True),
    "expm1": Op(ag.expm1, np.expm1, values=(-5, 5), on_value=True),
    "square": Op(ag.square, np.square, on_value=True),
    "reciprocal": Op(ag.reciprocal, np.reciprocal, either_sign, values=(0.2, 5), on_value=True),
    "exp2": Op(ag.exp2, np.exp2, values=(-5, 5), on_value=True),
    "cbrt": Op(ag.cbrt, np.cbrt, either_sign, values=(0.2, 5), on_value=True),
    # rounding (rounding.py), on Value too: gradient 0, values away from the integers and halves
    "floor": Op(ag.floor, np.floor, values=(-3, 3), avoid=_HALVES, on_value=True),
    "ceil": Op(ag.ceil, np.ceil, values=(-3, 3), avoid=_HALVES, on_value=True),
    "trunc": Op(ag.trunc, np.trunc, values=(-3, 3), avoid=_HALVES, on_value=True),
    "round": Op(ag.round, np.round, values=(-3, 3), avoid=_HALVES, on_value=True),
    "rint": Op(ag.rint, np.rint, values=(-3, 3), avoid=_HALVES, on_value=True),
    # two inputs that broadcast, on Value too
    # (arctan2 and hypot away from the origin, where their derivatives blow up)
    "arctan2": Op(ag.arctan2, np.arctan2, broadcasting, 2, values=(0.2, 5), on_value=True),
    "hypot": Op(ag.hypot, np.hypot, broadcasting, 2, values=(0.2, 5), on_value=True),
    "logaddexp": Op(ag.logaddexp, np.logaddexp, broadcasting, 2, on_value=True),
    "logaddexp2": Op(ag.logaddexp2, np.logaddexp2, broadcasting, 2, on_value=True),
    "add": Op(ag.add, np.add, broadcasting, 2, method=operator.add, on_value=True, messy=True),
    "subtract": Op(ag.subtract, np.subtract, broadcasting, 2, method=operator.sub, on_value=True,
                   messy=True),
    "multiply": Op(ag.multiply, np.multiply, broadcasting, 2, method=operator.mul, on_value=True,
                   messy=True),
    "divide": Op(ag.divide, np.divide, broadcasting, 2, values=(0.5, 5), scalar_values=(0.1, 10),
                 method=operator.truediv, on_value=True, messy=True),
    "power": Op(ag.power, np.power, broadcasting, 2, values=(0.5, 2.5), scalar_values=(0.1, 10),
                method=operator.pow, on_value=True, messy=True),
    "maximum": Op(ag.maximum, np.maximum, broadcasting, 2, ties=True, on_value=True, messy=True),
    "minimum": Op(ag.minimum, np.minimum, broadcasting, 2, ties=True, on_value=True, messy=True),
    "where": Op(_where, lambda x, y, condition: np.where(condition, x, y), chosen, 2),
    "clip": Op(ag.clip, lambda x, a_min, a_max: np.clip(x, a_min, a_max), avoid=(-1.0, 2.0),
               params=st.just({"a_min": -1.0, "a_max": 2.0}), method=method("clip")),
    "matmul": Op(ag.matmul, np.matmul, matmul_operands, 2, method=operator.matmul, messy=True),
    # reductions and normalisers
    "sum": Op(ag.sum, np.sum, reduction, method=method("sum"), messy=True),
    "mean": Op(ag.mean, np.mean, reduction, method=method("mean"), messy=True),
    "max": Op(ag.max, np.max, reduction, ties=True, method=method("max"), messy=True),
    "min": Op(ag.min, np.min, reduction, ties=True, method=method("min"), messy=True),
    "var": Op(ag.var, np.var, reduction, method=method("var")),
    "logsumexp": Op(ag.logsumexp, lambda x, **axes: np.log(np.sum(np.exp(x), **axes)), reduction,
                    method=method("logsumexp")),
    "softmax": Op(ag.softmax, _softmax, along_axis, method=method("softmax")),
    "log_softmax": Op(ag.log_softmax, lambda x, axis: np.log(_softmax(x, axis)), along_axis,
                      method=method("log_softmax")),
    # shapes
    "reshape": Op(ag.reshape, lambda x, shape: np.reshape(x, shape), reshaped,
                  method=lambda x, shape: x.reshape(shape)),
    "flatten": Op(ag.flatten, np.ravel, method=method("flatten")),
    "transpose": Op(ag.transpose, lambda x, axes: np.transpose(x, axes), transposed,
                    method=lambda x, axes: x.transpose(axes)),
    "swapaxes": Op(ag.swapaxes, np.swapaxes, swapped, method=method("swapaxes")),
    "squeeze": Op(ag.squeeze, np.squeeze, squeezed, method=method("squeeze")),
    "expand_dims": Op(ag.expand_dims, np.expand_dims, expanded, method=method("expand_dims")),
    "broadcast_to": Op(ag.broadcast_to, np.broadcast_to, broadcast_target, method=method("broadcast_to")),
    "sum_to": Op(ag.sum_to, _sum_to, sum_to_target),
    "to_device": Op(tensor_ops.to_device, lambda x, device: x, params=st.just({"device": ANOTHER_DEVICE})),
    "astype": Op(ag.astype, lambda x, dtype: x.astype(dtype), params=st.just({"dtype": np.float64}),
                 method=method("astype")),
    # indexing and joining
    "getitem": Op(ag.getitem, lambda x, index: x[index], indexed, method=lambda x, index: x[index]),
    "scatter_add": Op(tensor_ops.scatter_add, _scatter_add, scattered),
    "concatenate": Op(ag.concatenate, np.concatenate, joined, None),
    "stack": Op(ag.stack, np.stack, stacked, None),
    # function transforms
    "_identity": Op(_gradient_of_square_sum, lambda x: 2 * x),
    "checkpoint": Op(lambda x: ag.checkpoint(ag.tanh)(x), np.tanh, values=(-3, 3)),
    # nn.functional: layers, activations, losses (PyTorch is the reference)
    "linear": Op(F.linear, torch_reference("linear"), linear_operands, 3),
    "dense": Op(F.dense, _dense, dense_operands, 3),
    "step": Op(F.step, lambda x: np.heaviside(x, 1.0), avoid=(0.0,)),
    "leaky_relu": Op(F.leaky_relu, torch_reference("leaky_relu"), avoid=(0.0,),
                     params=st.fixed_dictionaries({"negative_slope": st.floats(0.0, 1.0)})),
    "softplus": Op(F.softplus, torch_reference("softplus")),
    "mse_loss": Op(F.mse_loss, torch_reference("mse_loss"), prediction_and_target, 2),
    "binary_cross_entropy_with_logits": Op(F.binary_cross_entropy_with_logits,
                                           torch_reference("binary_cross_entropy_with_logits"),
                                           logits_and_probabilities, 2),
    "softmax_cross_entropy": Op(F.softmax_cross_entropy, torch_reference("cross_entropy"), logits_and_labels),
}

#: The rows whose ``function`` is not the primitive itself but the public function that checks the
#: arguments and then calls it (a meta-test checks that each such row does record its primitive):
#: primitive name -> the function users call
COVERED_THROUGH = {
    "where": "autograd_lite.where",
    "concatenate": "autograd_lite.concatenate",
    "stack": "autograd_lite.stack",
    "_identity": "autograd_lite.grad",
    "mse_loss": "autograd_lite.nn.functional.mse_loss",
    "binary_cross_entropy_with_logits": "autograd_lite.nn.functional.binary_cross_entropy_with_logits",
    "softmax_cross_entropy": "autograd_lite.nn.functional.softmax_cross_entropy",
}

#: the rows of the further areas, each in its own file (see the module docstring)
_AREAS = (op_rows_special, op_rows_reductions, op_rows_contractions, op_rows_linalg, op_rows_shapes,
          op_rows_nn_convolution, op_rows_nn_pooling, op_rows_nn_normalization, op_rows_nn_recurrent,
          op_rows_nn_embedding, op_rows_nn_losses, op_rows_nn_attention)
for _area in _AREAS:
    assert not (_area.ROWS.keys() & OPS.keys()), f"{_area.__name__} repeats rows"
    OPS.update(_area.ROWS)
    COVERED_THROUGH.update(_area.COVERED_THROUGH)
