"""Activations, and the linear layer's op, as functions of tensors, each with its math in the
docstring.

Each primitive is defined as in :mod:`autograd_lite.ops`, with the gradient in the same notation: ``g``
is ∂L/∂out and ``∂L/∂x = …`` is what the VJP below the op returns. The examples assume
``import numpy as np`` and ``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import math

from ... import _checks, backend
from ...backend import ndarray
from ...engine import data_of, docstring_tests, primitive
from ...ops import relu, sigmoid, tanh, where
from ...special import erfc, logsigmoid
from ...tensor_ops import matmul, reshape, softmax, transpose
from ...typing import Data, Operand
from .._targets import _float_type

__all__ = [
    "gelu", "leaky_relu", "linear", "logsigmoid", "relu", "sigmoid", "softmax", "softplus", "step", "tanh",
]

_host = backend.host_namespace  # NumPy: its arrays keep their faster paths


# ---- layers and activations -------------------------------------------------------------------


@primitive
def linear(x: Data, weight: Data, bias: Data | None = None) -> Data:
    """x @ weightᵀ + bias (weight of shape (out, in), as in PyTorch).

    ∂L/∂x = g @ weight, ∂L/∂weight = gᵀ @ x (summed over the batch), ∂L/∂bias = Σ_batch g

    >>> W = Tensor([[1.0, 2.0]], requires_grad=True)
    >>> linear(np.array([[1.0, 1.0]]), W, np.array([0.5]))
    Tensor([[3.5]], op='linear')
    """
    if x.__class__ is not ndarray or weight.__class__ is not ndarray or \
            bias is not None and bias.__class__ is not ndarray:   # NumPy's: on one device, nothing to look up
        backend.namespace(x, weight) if bias is None else backend.namespace(x, weight, bias)
    out = x @ weight.T
    if bias is not None:
        out += bias
    return out


def _linear_weight_vjp(g: Operand, out: Operand, x: Operand, weight: Operand,
                       bias: Operand | None = None) -> Operand:
    if x.ndim != 2:  # treat every leading axis as a batch axis
        g, x = reshape(g, (-1, g.shape[-1])), reshape(x, (-1, x.shape[-1]))
    return matmul(transpose(g), x)


linear.defvjp(
    lambda g, out, x, weight, bias=None: matmul(g, weight),
    _linear_weight_vjp,
    lambda g, out, x, weight, bias=None: g,   # the engine sums over the batch axes
)


@primitive
def step(x: Data) -> Data:
    """Heaviside step: 1 where x ≥ 0, else 0 (the tutorial's OR neuron).  ∂L/∂x = 0

    Its gradient is zero everywhere (and undefined at 0): a step neuron cannot be trained by
    gradient descent — which is why networks use sigmoid or ReLU instead.

    >>> step(np.array([-1.0, 0.0, 2.0]))
    array([0., 1., 1.])
    """
    xp = backend.namespace(x)
    x = xp.asarray(x)
    return xp.astype(x >= 0, _float_type(xp, x))


step.defvjp(lambda g, out, x: g * 0.0)


@primitive
def leaky_relu(x: Data, negative_slope: float = 0.01) -> Data:
    """x where x > 0, else negative_slope·x.  ∂L/∂x = g where x > 0, else negative_slope·g (also at 0)

    >>> leaky_relu(np.array([-2.0, 3.0]))
    array([-0.02,  3.  ])
    """
    return backend.namespace(x).where(x > 0, x, x * negative_slope)


def _leaky_relu_slope(x: Data, negative_slope: float) -> Data:
    """1 where x > 0, else negative_slope: float64 for NumPy, as ever; else in x's dtype, on its device."""
    xp = backend.namespace(x)
    if xp is _host:
        return _host.where(x > 0, 1.0, negative_slope)
    return xp.where(x > 0, xp.ones_like(x), xp.full_like(x, negative_slope))


leaky_relu.defvjp(lambda g, out, x, negative_slope=0.01: g * _leaky_relu_slope(data_of(x), negative_slope))


@primitive
def softplus(x: Data, beta: float = 1.0, threshold: float = 20.0) -> Data:
    """log(1 + e^(βx))/β, computed stably; x itself where βx > threshold (as PyTorch).
    ∂L/∂x = g·σ(βx), and g where βx > threshold

    >>> softplus(np.array([0.0, 1000.0]))
    array([6.93147181e-01, 1.00000000e+03])
    >>> softplus(np.array([0.0, 1.0]), beta=2.0, threshold=1.0)
    array([0.34657359, 1.        ])
    """
    xp = backend.namespace(x)
    scaled = x if beta == 1.0 else x * beta
    smooth = xp.logaddexp(0.0, scaled) if beta == 1.0 else xp.logaddexp(0.0, scaled) / beta
    return xp.where(scaled > threshold, x, smooth) if _exceeds(xp, scaled, threshold) else smooth


def _exceeds(xp, scaled: Data, threshold: float) -> bool:
    """Whether an element of ``scaled`` (βx) is above ``threshold`` (for NumPy one call: max)."""
    if scaled.__class__ is ndarray:
        return scaled.size > 0 and bool(scaled.max() > threshold)
    if scaled.__class__ is float or scaled.__class__ is int:
        return scaled > threshold
    return bool(xp.any(scaled > threshold))


def _softplus_params(x: Data, beta: float = 1.0, threshold: float = 20.0) -> dict[str, float]:
    beta = _checks.real(beta, "beta", "softplus")
    if beta == 0:
        raise ValueError("softplus: invalid beta 0.0; it must be nonzero (softplus divides by it)")
    return {"beta": beta, "threshold": _checks.real(threshold, "threshold", "softplus", finite=False)}


def _softplus_vjp(g: Operand, out: Operand, x: Operand, beta: float = 1.0,
                  threshold: float = 20.0) -> Operand:
    smooth = sigmoid(x) * g if beta == 1.0 else sigmoid(x * beta) * g
    scaled = data_of(x) if beta == 1.0 else data_of(x) * beta
    if not _exceeds(backend.namespace(scaled), scaled, threshold):
        return smooth
    return where(scaled > threshold, g, smooth)


softplus.defparams(_softplus_params)
softplus.defvjp(_softplus_vjp)


_SQRT_HALF = math.sqrt(0.5)


def gelu(x: Operand, approximate: str = "none") -> Operand:
    """Composite (no VJP of its own): GELU, x·Φ(x) = ½x·erfc(−x/√2) (``approximate="none"``, the
    default, as PyTorch and Keras), or ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (``"tanh"``).

    PyTorch's ``F.gelu``: written with :func:`~autograd_lite.erfc` and differentiable ops, so its
    gradient is exact for each formula (Φ(x) + x·φ(x) for the exact form); erfc instead of PyTorch's
    1 + erf keeps the left tail's relative accuracy (gelu(−10) ≈ −7.6e-23, not 0).

    >>> gelu(np.array([0.0, 1.0])).round(4)
    array([0.    , 0.8413])
    >>> gelu(np.array([0.0, 1.0]), approximate="tanh").round(4)
    array([0.    , 0.8412])
    """
    if approximate == "none":
        return 0.5 * x * erfc(x * -_SQRT_HALF)
    if approximate == "tanh":
        return 0.5 * x * (1.0 + tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)))
    raise ValueError(f"gelu: invalid approximate {approximate!r:.40}; it must be 'none' or 'tanh'")


__test__ = docstring_tests(globals())
