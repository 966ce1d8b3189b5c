"""NumPy's elementwise math: trigonometric, hyperbolic, logarithms, powers, and their binary kin.

Each op is defined once, as those of :mod:`autograd_lite.ops` are: a fast ``math`` forward for
``Value``, the array API namespace ``xp`` of its data for ``Tensor`` (NumPy's names are the public
ones, the standard's are called: ``arcsin`` calls ``xp.asin``), and its VJP just below, written with
operators and primitives so that it differentiates again. ``g`` is ∂L/∂out. At the edge of a domain
the gradient is what the formula gives, as in NumPy and PyTorch (``arcsin`` at ±1: inf); outside it,
``Value`` raises :class:`~autograd_lite.DomainError`. The examples assume ``import numpy as np`` and
``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import math

from .backend import namespace
from .engine import docstring_tests, primitive
from .ops import sigmoid, sqrt
from .typing import Data

__all__ = [
    "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh", "cbrt", "cos", "cosh",
    "exp2", "expm1", "hypot", "log10", "log1p", "log2", "logaddexp", "logaddexp2", "reciprocal", "sin",
    "sinh", "square", "tan",
]

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_LOG2E = 1 / _LN2


# ---- trigonometric --------------------------------------------------------------------------


@primitive(scalar=math.sin)
def sin(x: Data) -> Data:
    """Sine.  ∂L/∂x = g·cos x

    >>> x = Tensor([0.0, np.pi / 2], requires_grad=True)
    >>> sin(x).sum().backward()
    >>> x.grad.round(4)
    array([1., 0.])
    """
    return namespace(x).sin(x)


sin.defvjp(lambda g, out, x: g * cos(x))


@primitive(scalar=math.cos)
def cos(x: Data) -> Data:
    """Cosine.  ∂L/∂x = −g·sin x

    >>> x = Tensor([0.0, np.pi / 2], requires_grad=True)
    >>> cos(x).sum().backward()
    >>> x.grad.round(4)
    array([-0., -1.])
    """
    return namespace(x).cos(x)


cos.defvjp(lambda g, out, x: -g * sin(x))


@primitive(scalar=math.tan)
def tan(x: Data) -> Data:
    """Tangent.  ∂L/∂x = g/cos² x = g·(1 + tan² x) = g·(1 + out²)

    >>> x = Tensor([0.0, np.pi / 4], requires_grad=True)
    >>> tan(x).sum().backward()
    >>> x.grad.round(4)
    array([1., 2.])
    """
    return namespace(x).tan(x)


tan.defvjp(lambda g, out, x: g * (1 + out * out))


@primitive(scalar=math.asin)
def arcsin(x: Data) -> Data:
    """Inverse sine, for −1 ≤ x ≤ 1.  ∂L/∂x = g/√(1 − x²) (inf at ±1)

    >>> x = Tensor([0.0, 0.6], requires_grad=True)
    >>> arcsin(x).sum().backward()
    >>> x.grad
    array([1.  , 1.25])
    """
    return namespace(x).asin(x)


arcsin.defvjp(lambda g, out, x: g / sqrt(1 - x * x))


@primitive(scalar=math.acos)
def arccos(x: Data) -> Data:
    """Inverse cosine, for −1 ≤ x ≤ 1.  ∂L/∂x = −g/√(1 − x²) (−inf at ±1)

    >>> x = Tensor([0.0, 0.6], requires_grad=True)
    >>> arccos(x).sum().backward()
    >>> x.grad
    array([-1.  , -1.25])
    """
    return namespace(x).acos(x)


arccos.defvjp(lambda g, out, x: -g / sqrt(1 - x * x))


@primitive(scalar=math.atan)
def arctan(x: Data) -> Data:
    """Inverse tangent.  ∂L/∂x = g/(1 + x²)

    >>> x = Tensor([0.0, 1.0], requires_grad=True)
    >>> arctan(x).sum().backward()
    >>> x.grad
    array([1. , 0.5])
    """
    return namespace(x).atan(x)


arctan.defvjp(lambda g, out, x: g / (1 + x * x))


# ---- hyperbolic -----------------------------------------------------------------------------


@primitive(scalar=math.sinh)
def sinh(x: Data) -> Data:
    """Hyperbolic sine.  ∂L/∂x = g·cosh x

    >>> x = Tensor([0.0, 1.0], requires_grad=True)
    >>> sinh(x).sum().backward()
    >>> x.grad.round(4)
    array([1.    , 1.5431])
    """
    return namespace(x).sinh(x)


sinh.defvjp(lambda g, out, x: g * cosh(x))


@primitive(scalar=math.cosh)
def cosh(x: Data) -> Data:
    """Hyperbolic cosine.  ∂L/∂x = g·sinh x

    >>> x = Tensor([0.0, 1.0], requires_grad=True)
    >>> cosh(x).sum().backward()
    >>> x.grad.round(4)
    array([0.    , 1.1752])
    """
    return namespace(x).cosh(x)


cosh.defvjp(lambda g, out, x: g * sinh(x))


@primitive(scalar=math.asinh)
def arcsinh(x: Data) -> Data:
    """Inverse hyperbolic sine.  ∂L/∂x = g/√(x² + 1)

    >>> x = Tensor([0.0, 0.75], requires_grad=True)
    >>> arcsinh(x).sum().backward()
    >>> x.grad
    array([1. , 0.8])
    """
    return namespace(x).asinh(x)


arcsinh.defvjp(lambda g, out, x: g / sqrt(x * x + 1))


@primitive(scalar=math.acosh)
def arccosh(x: Data) -> Data:
    """Inverse hyperbolic cosine, for x ≥ 1.  ∂L/∂x = g/√(x² − 1) (inf at 1)

    >>> x = Tensor([1.25, 5 / 3], requires_grad=True)
    >>> arccosh(x).sum().backward()
    >>> x.grad
    array([1.33333333, 0.75      ])
    """
    return namespace(x).acosh(x)


arccosh.defvjp(lambda g, out, x: g / sqrt(x * x - 1))


@primitive(scalar=math.atanh)
def arctanh(x: Data) -> Data:
    """Inverse hyperbolic tangent, for −1 < x < 1.  ∂L/∂x = g/(1 − x²) (inf at ±1)

    >>> x = Tensor([0.0, 0.5], requires_grad=True)
    >>> arctanh(x).sum().backward()
    >>> x.grad
    array([1.        , 1.33333333])
    """
    return namespace(x).atanh(x)


arctanh.defvjp(lambda g, out, x: g / (1 - x * x))


# ---- logarithms and exponentials ------------------------------------------------------------


@primitive(scalar=math.log2)
def log2(x: Data) -> Data:
    """Base-2 logarithm, for x > 0.  ∂L/∂x = g/(x·ln 2)

    >>> x = Tensor([1.0, 8.0], requires_grad=True)
    >>> log2(x)
    Tensor([0., 3.], op='log2')
    >>> log2(x).sum().backward()
    >>> x.grad.round(4)
    array([1.4427, 0.1803])
    """
    return namespace(x).log2(x)


log2.defvjp(lambda g, out, x: g / (x * _LN2))


@primitive(scalar=math.log10)
def log10(x: Data) -> Data:
    """Base-10 logarithm, for x > 0.  ∂L/∂x = g/(x·ln 10)

    >>> x = Tensor([1.0, 100.0], requires_grad=True)
    >>> log10(x)
    Tensor([0., 2.], op='log10')
    >>> log10(x).sum().backward()
    >>> x.grad.round(4)
    array([0.4343, 0.0043])
    """
    return namespace(x).log10(x)


log10.defvjp(lambda g, out, x: g / (x * _LN10))


@primitive(scalar=math.log1p)
def log1p(x: Data) -> Data:
    """ln(1 + x), accurate for small x, for x > −1.  ∂L/∂x = g/(1 + x)

    >>> x = Tensor([1e-20, 1.0], requires_grad=True)
    >>> log1p(x)
    Tensor([1.00000000e-20, 6.93147181e-01], op='log1p')
    >>> log1p(x).sum().backward()
    >>> x.grad
    array([1. , 0.5])
    """
    return namespace(x).log1p(x)


log1p.defvjp(lambda g, out, x: g / (1 + x))


@primitive(scalar=math.expm1)
def expm1(x: Data) -> Data:
    """eˣ − 1, accurate for small x.  ∂L/∂x = g·eˣ = g·(out + 1)

    >>> x = Tensor([1e-20, 1.0], requires_grad=True)
    >>> expm1(x)
    Tensor([1.00000000e-20, 1.71828183e+00], op='expm1')
    >>> expm1(x).sum().backward()
    >>> x.grad
    array([1.        , 2.71828183])
    """
    return namespace(x).expm1(x)


expm1.defvjp(lambda g, out, x: g * (out + 1))


# ---- powers ---------------------------------------------------------------------------------


def _scalar_square(x: float) -> float:
    return x * x


@primitive(scalar=_scalar_square)
def square(x: Data) -> Data:
    """x².  ∂L/∂x = 2·g·x

    >>> x = Tensor([-1.0, 3.0], requires_grad=True)
    >>> square(x).sum().backward()
    >>> x.grad
    array([-2.,  6.])
    """
    return namespace(x).square(x)


square.defvjp(lambda g, out, x: 2 * g * x)


def _scalar_reciprocal(x: float) -> float:
    return 1 / x


@primitive(scalar=_scalar_reciprocal)
def reciprocal(x: Data) -> Data:
    """1/x, for x ≠ 0.  ∂L/∂x = −g/x² = −g·out²

    >>> x = Tensor([-2.0, 0.5], requires_grad=True)
    >>> reciprocal(x).sum().backward()
    >>> x.grad
    array([-0.25, -4.  ])
    """
    return namespace(x).reciprocal(x)


reciprocal.defvjp(lambda g, out, x: -g * out * out)


def _scalar_exp2(x: float) -> float:
    return 2.0 ** x


@primitive(scalar=_scalar_exp2)
def exp2(x: Data) -> Data:
    """2ˣ.  ∂L/∂x = g·2ˣ·ln 2 = g·out·ln 2

    >>> x = Tensor([0.0, 3.0], requires_grad=True)
    >>> exp2(x)
    Tensor([1., 8.], op='exp2')
    >>> exp2(x).sum().backward()
    >>> x.grad.round(4)
    array([0.6931, 5.5452])
    """
    return namespace(x).pow(2.0, x)


exp2.defvjp(lambda g, out, x: g * out * _LN2)


def _scalar_cbrt(x: float) -> float:
    return math.copysign(abs(x) ** (1 / 3), x)


@primitive(scalar=_scalar_cbrt)
def cbrt(x: Data) -> Data:
    """The real cube root, of either sign.  ∂L/∂x = g/(3·out²) (inf at 0)

    The standard has no ``cbrt``: it is ``sign(x) * abs(x) ** (1/3)``.

    >>> x = Tensor([-8.0, 1.0], requires_grad=True)
    >>> cbrt(x)
    Tensor([-2.,  1.], op='cbrt')
    >>> cbrt(x).sum().backward()
    >>> x.grad
    array([0.08333333, 0.33333333])
    """
    xp = namespace(x)
    return xp.sign(x) * xp.abs(x) ** (1 / 3)


cbrt.defvjp(lambda g, out, x: g / (3 * out * out))


# ---- binary: angle, norm, log-sum --------------------------------------------------------------


@primitive(scalar=math.atan2)
def arctan2(y: Data, x: Data) -> Data:
    """The angle of the point (x, y), in (−π, π].  ∂L/∂y = g·x/(x² + y²), ∂L/∂x = −g·y/(x² + y²)

    >>> y, x = Tensor([1.0, 2.0], requires_grad=True), Tensor([1.0, 0.0], requires_grad=True)
    >>> arctan2(y, x).sum().backward()
    >>> y.grad, x.grad
    (array([0.5, 0. ]), array([-0.5, -0.5]))
    """
    return namespace(y, x).atan2(y, x)


arctan2.defvjp(
    lambda g, out, y, x: g * x / (x * x + y * y),
    lambda g, out, y, x: -g * y / (x * x + y * y),
)


@primitive(scalar=math.hypot)
def hypot(x: Data, y: Data) -> Data:
    """√(x² + y²), without overflow in between.  ∂L/∂x = g·x/out, ∂L/∂y = g·y/out

    >>> x, y = Tensor([3.0, 1e200], requires_grad=True), Tensor([4.0, 1e200], requires_grad=True)
    >>> hypot(x, y)
    Tensor([5.00000000e+000, 1.41421356e+200], op='hypot')
    >>> hypot(x, y).sum().backward()
    >>> x.grad.round(4)
    array([0.6   , 0.7071])
    """
    return namespace(x, y).hypot(x, y)


hypot.defvjp(
    lambda g, out, x, y: g * x / out,
    lambda g, out, x, y: g * y / out,
)


def _scalar_logaddexp(x: float, y: float) -> float:
    if x == y:  # both infinite: the formula below would give inf − inf
        return x + _LN2
    return max(x, y) + math.log1p(math.exp(-abs(x - y)))


@primitive(scalar=_scalar_logaddexp)
def logaddexp(x: Data, y: Data) -> Data:
    """ln(eˣ + eʸ), without overflow.  ∂L/∂x = g·eˣ⁻ᵒᵘᵗ = g·σ(x − y), ∂L/∂y = g·σ(y − x)

    The gradient is computed as σ(x − y), which stays exact where one input is infinite (∂/∂y is 1 at
    y = ∞, where eʸ⁻ᵒᵘᵗ would be e^(∞−∞) = NaN), as PyTorch's.

    >>> x, y = Tensor([0.0, 1000.0], requires_grad=True), Tensor([0.0, 1000.0], requires_grad=True)
    >>> logaddexp(x, y)
    Tensor([6.93147181e-01, 1.00069315e+03], op='logaddexp')
    >>> logaddexp(x, y).sum().backward()
    >>> x.grad
    array([0.5, 0.5])
    """
    return namespace(x, y).logaddexp(x, y)


logaddexp.defvjp(
    lambda g, out, x, y: g * sigmoid(x - y),
    lambda g, out, x, y: g * sigmoid(y - x),
)


def _scalar_logaddexp2(x: float, y: float) -> float:
    if x == y:
        return x + 1.0
    return max(x, y) + math.log1p(2.0 ** -abs(x - y)) * _LOG2E  # NumPy's rounding: × log₂e, not ÷ ln 2


@primitive(scalar=_scalar_logaddexp2)
def logaddexp2(x: Data, y: Data) -> Data:
    """log₂(2ˣ + 2ʸ), without overflow.  ∂L/∂x = g·2ˣ⁻ᵒᵘᵗ = g·σ((x − y)·ln 2), likewise ∂L/∂y

    The standard has no ``logaddexp2``: it is ``logaddexp(x·ln 2, y·ln 2)/ln 2``.

    >>> x, y = Tensor([0.0, 1000.0], requires_grad=True), Tensor([0.0, 1000.0], requires_grad=True)
    >>> logaddexp2(x, y)
    Tensor([1.000e+00, 1.001e+03], op='logaddexp2')
    >>> logaddexp2(x, y).sum().backward()
    >>> x.grad
    array([0.5, 0.5])
    """
    return namespace(x, y).logaddexp(x * _LN2, y * _LN2) / _LN2


logaddexp2.defvjp(
    lambda g, out, x, y: g * sigmoid((x - y) * _LN2),
    lambda g, out, x, y: g * sigmoid((y - x) * _LN2),
)


__test__ = docstring_tests(globals())
