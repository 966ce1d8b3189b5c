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
from ...math_ops import expm1
from ...ops import absolute, relu, sigmoid, tanh, where
from ...special import erfc, logsigmoid
from ...tensor_ops import matmul, reshape, softmax, transpose
from ...typing import Data, Operand
from .._targets import _float_type

__all__ = [
    "celu", "dense", "elu", "gelu", "hard_sigmoid", "hard_silu", "hard_swish", "hardsigmoid", "hardswish",
    "leaky_relu", "linear", "logsigmoid", "mish", "relu", "relu6", "selu", "sigmoid", "silu", "softmax",
    "softplus", "softsign", "step", "swish", "tanh",
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
def dense(x: Data, kernel: Data, bias: Data | None = None) -> Data:
    """x @ kernel + bias (kernel of shape (in, out), as Keras stores it; :func:`linear` takes
    PyTorch's (out, in)).

    ∂L/∂x = g @ kernelᵀ, ∂L/∂kernel = xᵀ @ g (summed over the batch), ∂L/∂bias = Σ_batch g

    >>> K = Tensor([[1.0], [2.0]], requires_grad=True)
    >>> dense(np.array([[1.0, 1.0]]), K, np.array([0.5]))
    Tensor([[3.5]], op='dense')
    """
    if x.__class__ is not ndarray or kernel.__class__ is not ndarray or \
            bias is not None and bias.__class__ is not ndarray:   # NumPy's: on one device, nothing to look up
        backend.namespace(x, kernel) if bias is None else backend.namespace(x, kernel, bias)
    out = x @ kernel
    if bias is not None:
        out += bias
    return out


def _dense_kernel_vjp(g: Operand, out: Operand, x: Operand, kernel: Operand,
                      bias: Operand | None = None) -> Operand:
    if x.ndim != 2:  # treat every leading axis as a batch axis
        g, x = reshape(g, (-1, g.shape[-1])), reshape(x, (-1, x.shape[-1]))
    return matmul(transpose(x), g)


dense.defvjp(
    lambda g, out, x, kernel, bias=None: matmul(g, transpose(kernel)),
    _dense_kernel_vjp,
    lambda g, out, x, kernel, bias=None: g,   # the engine sums over the batch axes
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



# ---- Keras' further activations, as composites (PyTorch's names; Keras' spellings as aliases) -------

def _negative_part(x: Operand) -> Operand:
    """x where x ≤ 0, else 0 (the argument of elu's exponential: no overflow where x is large)."""
    return where(data_of(x) > 0, 0.0, x)


def elu(x: Operand, alpha: float = 1.0) -> Operand:
    """Composite: ELU, x where x > 0, else α(eˣ − 1) (PyTorch's ``F.elu``, Keras' ``elu``).
    Its gradient is 1 where x > 0, else αeˣ (α at 0).

    >>> elu(np.array([-1.0, 0.0, 2.0])).round(4)
    array([-0.6321,  0.    ,  2.    ])
    """
    alpha = _checks.real(alpha, "alpha", "elu")
    return where(data_of(x) > 0, x, expm1(_negative_part(x)) * alpha)


#: SELU's constants (Klambauer et al. 2017), as PyTorch and Keras give them
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x: Operand) -> Operand:
    """Composite: SELU, λ·elu(x, α) with α ≈ 1.6733 and λ ≈ 1.0507 (PyTorch's ``F.selu``, Keras' ``selu``).

    >>> selu(np.array([-1.0, 1.0])).round(4)
    array([-1.1113,  1.0507])
    """
    return elu(x, _SELU_ALPHA) * _SELU_SCALE


def celu(x: Operand, alpha: float = 1.0) -> Operand:
    """Composite: CELU, x where x > 0, else α(e^(x/α) − 1), α ≠ 0 (PyTorch's ``F.celu``, Keras' ``celu``).

    >>> celu(np.array([-1.0, 2.0]), alpha=2.0).round(4)
    array([-0.7869,  2.    ])
    """
    alpha = _checks.real(alpha, "alpha", "celu")
    if alpha == 0:
        raise ValueError("celu: invalid alpha 0.0; it must be nonzero (celu divides by it)")
    return where(data_of(x) > 0, x, expm1(_negative_part(x) * (1.0 / alpha)) * alpha)


def softsign(x: Operand) -> Operand:
    """Composite: x / (1 + ``|x|``) (PyTorch's ``F.softsign``, Keras' ``softsign``).

    >>> softsign(np.array([-3.0, 1.0]))
    array([-0.75,  0.5 ])
    """
    return x / (absolute(x) + 1.0)


def silu(x: Operand) -> Operand:
    """Composite: SiLU (swish), x·σ(x) (PyTorch's ``F.silu``; Keras' ``silu``, alias ``swish``).

    >>> silu(np.array([0.0, 1.0])).round(4)
    array([0.    , 0.7311])
    """
    return x * sigmoid(x)


def relu6(x: Operand) -> Operand:
    """Composite: min(max(x, 0), 6) (PyTorch's ``F.relu6``, Keras' ``relu6``). Its gradient is 1 for
    0 < x < 6, else 0 (at the kinks too, as PyTorch's).

    >>> relu6(np.array([-1.0, 3.0, 8.0]))
    array([0., 3., 6.])
    """
    data = data_of(x)
    return where(data <= 0, 0.0, where(data >= 6, 6.0, x))


def hardsigmoid(x: Operand) -> Operand:
    """Composite: relu6(x + 3)/6, 0 for x ≤ −3 and 1 for x ≥ 3 (PyTorch's ``F.hardsigmoid``; Keras 3's
    ``hard_sigmoid``, alias ``hard_sigmoid``: Keras 2's was the steeper 0.2x + 0.5).

    >>> hardsigmoid(np.array([-4.0, 0.0, 1.5]))
    array([0.  , 0.5 , 0.75])
    """
    return relu6(x + 3.0) * (1.0 / 6.0)


def hardswish(x: Operand) -> Operand:
    """Composite: x·relu6(x + 3)/6 (PyTorch's ``F.hardswish``; Keras' ``hard_silu``, aliases
    ``hard_silu`` and ``hard_swish``). Its gradient is the product rule's: at the kinks x = ±3
    it is the outer side's (0 and 1), where PyTorch's takes −½ and 3/2.

    >>> hardswish(np.array([-1.0, 1.0, 4.0]))
    array([-0.33333333,  0.66666667,  4.        ])
    """
    return x * hardsigmoid(x)


def mish(x: Operand) -> Operand:
    """Composite: x·tanh(softplus(x)) (PyTorch's ``F.mish``, Keras' ``mish``).

    >>> mish(np.array([0.0, 1.0])).round(4)
    array([0.    , 0.8651])
    """
    return x * tanh(softplus(x))


swish = silu
hard_sigmoid = hardsigmoid
hard_silu = hard_swish = hardswish


__test__ = docstring_tests(globals())
