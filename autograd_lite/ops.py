"""Elementwise operations, each defined once with its gradient beside it.

Every operation here works on ``Value`` (through a fast ``math`` forward) and on ``Tensor`` (through
NumPy), and on plain numbers and arrays too (plain in, plain out). The examples assume
``import numpy as np`` and ``from autograd_lite import Tensor``. Subgradients at kinks:
``relu'(0) = 0``, ``abs'(0) = 0``.
"""

from __future__ import annotations

import builtins
import math
import operator
from typing import Any, TypeVar

import numpy as np

from .engine import Node, data_of, docstring_tests, primitive

__all__ = [
    "abs", "add", "divide", "exp", "log", "maximum", "minimum", "multiply", "negative", "power",
    "relu", "sigmoid", "sign", "sqrt", "subtract", "tanh", "where", "Arithmetic",
]


def sign(x: Any) -> Any:
    """−1, 0 or +1 by the sign of ``x`` (plain data out; it has no useful gradient).

    >>> sign(np.array([-3.0, 0.0, 2.0])), sign(-0.5)
    (array([-1.,  0.,  1.]), -1.0)
    """
    x = data_of(x)
    if isinstance(x, np.ndarray):
        return np.sign(x)
    return float((x > 0) - (x < 0))


def where(condition: Any, x: Any, y: Any) -> Any:
    """``x`` where ``condition`` holds, else ``y``.  ∂/∂x = condition, ∂/∂y = not condition

    >>> x = Tensor([-1.0, 2.0], requires_grad=True)
    >>> where(x.data > 0, x, 0.0).sum().backward()
    >>> x.grad
    array([0., 1.])
    """
    return _where(data_of(condition), x, y)


@primitive(name="where")
def _where(condition: Any, x: Any, y: Any) -> Any:
    return np.where(condition, x, y)


_where.defvjp(
    None,
    lambda g, out, c, x, y: _where(c, g, 0.0),
    lambda g, out, c, x, y: _where(c, 0.0, g),
)


def _has_zero(x: Any) -> bool:
    """Whether ``x`` (a number or an array) holds a zero; a Python number is tested without NumPy."""
    if x.__class__ is float or x.__class__ is int:
        return x == 0
    return not np.all(x)


def _one_where(mask: Any, x: Any) -> Any:
    """``x`` with 1 in place of its elements where ``mask`` holds (plain data for a scalar ``x``)."""
    if mask.__class__ is bool or isinstance(mask, np.bool_):
        return 1.0 if mask else x
    return where(mask, 1.0, x) if mask.any() else x


# ---- arithmetic -----------------------------------------------------------------------------

add = primitive(np.add, scalar=operator.add, name="add").defvjp(
    lambda g, out, x, y: g,
    lambda g, out, x, y: g,
)
add.__doc__ = """x + y.  ∂/∂x = 1, ∂/∂y = 1

>>> x = Tensor([1.0, 2.0], requires_grad=True)
>>> add(x, 10.0)
Tensor([11., 12.], op='add')
"""

subtract = primitive(np.subtract, scalar=operator.sub, name="subtract").defvjp(
    lambda g, out, x, y: g,
    lambda g, out, x, y: -g,
)
subtract.__doc__ = """x − y.  ∂/∂x = 1, ∂/∂y = −1

>>> y = Tensor([1.0, 2.0], requires_grad=True)
>>> subtract(10.0, y).sum().backward()
>>> y.grad
array([-1., -1.])
"""

multiply = primitive(np.multiply, scalar=operator.mul, name="multiply").defvjp(
    lambda g, out, x, y: g * y,
    lambda g, out, x, y: g * x,
)
multiply.__doc__ = """x · y.  ∂/∂x = y, ∂/∂y = x

>>> x = Tensor([1.0, 2.0], requires_grad=True)
>>> multiply(x, np.array([3.0, 4.0])).sum().backward()
>>> x.grad
array([3., 4.])
"""

divide = primitive(np.divide, scalar=operator.truediv, name="divide").defvjp(
    lambda g, out, x, y: g / y,
    lambda g, out, x, y: -g * out / y,
)
divide.__doc__ = """x / y.  ∂/∂x = 1/y, ∂/∂y = −x/y² = −out/y

>>> y = Tensor([1.0, 2.0], requires_grad=True)
>>> divide(1.0, y).sum().backward()
>>> y.grad
array([-1.  , -0.25])
"""

negative = primitive(np.negative, scalar=operator.neg, name="negative").defvjp(
    lambda g, out, x: -g,
)
negative.__doc__ = """−x.  d/dx = −1

>>> negative(Tensor([1.0, -2.0]))
Tensor([-1.,  2.])
"""


def _scalar_power(x: float, y: float) -> float:
    result = x ** y
    if isinstance(result, complex):
        raise ValueError("a negative number to a fractional power is not a real number")
    return result


def _power_vjp_base(g: Any, out: Any, x: Any, y: Any) -> Any:
    exponent = data_of(y)
    if _has_zero(exponent):  # y = 0 at x = 0: y·xʸ⁻¹ is 0·∞; the derivative of x⁰ = 1 is 0
        x = _one_where((data_of(x) == 0) & (exponent == 0), x)
    return g * y * x ** (y - 1)


def _power_vjp_exponent(g: Any, out: Any, x: Any, y: Any) -> Any:
    base = data_of(x)
    if _has_zero(base):  # 0ʸ = 0 for y > 0 (and 1 for y = 0) whatever y is near: derivative 0
        x = _one_where((base == 0) & (data_of(y) >= 0), x)
    return g * out * log(x)


power = primitive(np.power, scalar=_scalar_power, name="power").defvjp(
    _power_vjp_base, _power_vjp_exponent)
power.__doc__ = """xʸ.  ∂/∂x = y·xʸ⁻¹, ∂/∂y = xʸ·ln x

At a zero base the derivatives that exist are given, as PyTorch does: ∂/∂x of x⁰ is 0, and
∂/∂y of 0ʸ is 0 for y ≥ 0 (not 0·∞ or 0·ln 0).

>>> x = Tensor([1.0, 2.0], requires_grad=True)
>>> power(x, 3).sum().backward()
>>> x.grad
array([ 3., 12.])
"""


# ---- elementwise functions ------------------------------------------------------------------


@primitive(scalar=math.exp)
def exp(x: Any) -> Any:
    """eˣ.  d/dx eˣ = eˣ = out

    >>> x = Tensor([0.0, 1.0], requires_grad=True)
    >>> exp(x).sum().backward()
    >>> x.grad
    array([1.        , 2.71828183])
    """
    return np.exp(x)


exp.defvjp(lambda g, out, x: g * out)


@primitive(scalar=math.log)
def log(x: Any) -> Any:
    """Natural logarithm ln x, for x > 0.  d/dx ln x = 1/x

    >>> x = Tensor([1.0, 4.0], requires_grad=True)
    >>> log(x).sum().backward()
    >>> x.grad
    array([1.  , 0.25])
    """
    return np.log(x)


log.defvjp(lambda g, out, x: g / x)


@primitive(scalar=math.sqrt)
def sqrt(x: Any) -> Any:
    """√x, for x ≥ 0.  d/dx √x = 1/(2√x) = 1/(2·out)

    >>> x = Tensor([1.0, 4.0], requires_grad=True)
    >>> sqrt(x).sum().backward()
    >>> x.grad
    array([0.5 , 0.25])
    """
    return np.sqrt(x)


sqrt.defvjp(lambda g, out, x: g / (2 * out))


@primitive(scalar=math.tanh)
def tanh(x: Any) -> Any:
    """Hyperbolic tangent.  d/dx tanh x = 1 − tanh² x = 1 − out²

    >>> x = Tensor([0.0, 1.0], requires_grad=True)
    >>> tanh(x).sum().backward()
    >>> x.grad.round(4)
    array([1.  , 0.42])
    """
    return np.tanh(x)


tanh.defvjp(lambda g, out, x: g * (1 - out * out))


def _scalar_sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@primitive(scalar=_scalar_sigmoid)
def sigmoid(x: Any) -> Any:
    """Logistic function σ(x) = 1/(1 + e⁻ˣ), finite for any x.  d/dx σ = σ(1 − σ) = out·(1 − out)

    >>> x = Tensor([-1000.0, 0.0, 1000.0], requires_grad=True)
    >>> sigmoid(x)
    Tensor([0. , 0.5, 1. ], op='sigmoid')
    >>> sigmoid(x).sum().backward()
    >>> x.grad
    array([0.  , 0.25, 0.  ])
    """
    x = np.asarray(x)
    if x.dtype.kind not in "fc":  # −x would wrap around for unsigned integers
        x = x.astype(np.float64)
    return np.exp(-np.logaddexp(0.0, -x))


sigmoid.defvjp(lambda g, out, x: g * out * (1 - out))


def _scalar_relu(x: float) -> float:
    return x if x > 0 else 0.0


@primitive(scalar=_scalar_relu)
def relu(x: Any) -> Any:
    """max(x, 0).  d/dx relu = 1 where x > 0, else 0 (the subgradient 0 at x = 0)

    >>> x = Tensor([-1.0, 0.0, 2.0], requires_grad=True)
    >>> relu(x).sum().backward()
    >>> x.grad
    array([0., 0., 1.])
    """
    return np.maximum(x, 0.0)


relu.defvjp(lambda g, out, x: g * (x > 0))


@primitive(scalar=builtins.abs, name="abs")
def absolute(x: Any) -> Any:
    """Absolute value ``|x|``.  d/dx ``|x|`` = sign(x) (the subgradient 0 at x = 0)

    >>> x = Tensor([-2.0, 0.0, 3.0], requires_grad=True)
    >>> absolute(x).sum().backward()
    >>> x.grad
    array([-1.,  0.,  1.])
    """
    return np.abs(x)


absolute.defvjp(lambda g, out, x: g * sign(x))
abs = absolute  # noqa: A001 - NumPy's name, as ag.abs


def _scalar_maximum(x: float, y: float) -> float:
    return x if x >= y else y


def _scalar_minimum(x: float, y: float) -> float:
    return x if x <= y else y


def _larger_share(x: Any, y: Any) -> Any:
    """The share of the gradient that goes to ``x`` in max(x, y): 1 where x > y, ½ at ties."""
    x, y = data_of(x), data_of(y)
    return (x > y) + 0.5 * (x == y)


maximum = primitive(np.maximum, scalar=_scalar_maximum, name="maximum").defvjp(
    lambda g, out, x, y: g * _larger_share(x, y),
    lambda g, out, x, y: g * _larger_share(y, x),
)
maximum.__doc__ = """Elementwise max(x, y).  The gradient goes to the larger input; ties split it ½–½.

>>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> maximum(x, 2.0).sum().backward()
>>> x.grad
array([0. , 0.5, 1. ])
"""

minimum = primitive(np.minimum, scalar=_scalar_minimum, name="minimum").defvjp(
    lambda g, out, x, y: g * _larger_share(y, x),
    lambda g, out, x, y: g * _larger_share(x, y),
)
minimum.__doc__ = """Elementwise min(x, y).  The gradient goes to the smaller input; ties split it ½–½.

>>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> minimum(x, 2.0).sum().backward()
>>> x.grad
array([1. , 0.5, 0. ])
"""


N = TypeVar("N", bound=Node)


class Arithmetic:
    """Python's operators and the elementwise methods, shared by ``Value`` and ``Tensor``.

    Comparisons compare the data and return plain ``bool`` (or boolean arrays): they are not
    differentiable, so ``x if x >= 0 else 0`` runs unchanged on nodes.
    """

    __slots__ = ()

    def __add__(self, other): return self._apply(add, (self, other))
    def __radd__(self, other): return self._apply(add, (other, self))
    def __sub__(self, other): return self._apply(subtract, (self, other))
    def __rsub__(self, other): return self._apply(subtract, (other, self))
    def __mul__(self, other): return self._apply(multiply, (self, other))
    def __rmul__(self, other): return self._apply(multiply, (other, self))
    def __truediv__(self, other): return self._apply(divide, (self, other))
    def __rtruediv__(self, other): return self._apply(divide, (other, self))
    def __pow__(self, other): return self._apply(power, (self, other))
    def __rpow__(self, other): return self._apply(power, (other, self))
    def __neg__(self): return self._apply(negative, (self,))
    def __pos__(self): return self
    def __abs__(self): return self._apply(absolute, (self,))

    def __lt__(self, other): return self._data < data_of(other)
    def __le__(self, other): return self._data <= data_of(other)
    def __gt__(self, other): return self._data > data_of(other)
    def __ge__(self, other): return self._data >= data_of(other)
    def __eq__(self, other): return self._data == data_of(other)
    def __ne__(self, other): return self._data != data_of(other)
    __hash__ = Node.__hash__  # identity, so nodes can be dictionary keys

    def exp(self: N) -> N:
        """eˣ (see :func:`~autograd_lite.exp`)."""
        return self._apply(exp, (self,))

    def log(self: N) -> N:
        """ln x (see :func:`~autograd_lite.log`)."""
        return self._apply(log, (self,))

    def sqrt(self: N) -> N:
        """√x (see :func:`~autograd_lite.sqrt`)."""
        return self._apply(sqrt, (self,))

    def tanh(self: N) -> N:
        """tanh x (see :func:`~autograd_lite.tanh`)."""
        return self._apply(tanh, (self,))

    def sigmoid(self: N) -> N:
        """σ(x) = 1/(1 + e⁻ˣ) (see :func:`~autograd_lite.sigmoid`)."""
        return self._apply(sigmoid, (self,))

    def relu(self: N) -> N:
        """max(x, 0) (see :func:`~autograd_lite.relu`)."""
        return self._apply(relu, (self,))

    def abs(self: N) -> N:
        """``|x|`` (see :func:`~autograd_lite.abs`)."""
        return self._apply(absolute, (self,))


__test__ = docstring_tests(globals())
