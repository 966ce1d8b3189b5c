"""Elementwise operations, each defined once: forward, math and gradient together.

Every operation here works on ``Value`` (through a fast ``math`` forward) and on ``Tensor`` (through
the array API namespace ``xp`` of its data: NumPy, CuPy, …), and on plain numbers and arrays too
(plain in, plain out). Each docstring states the gradient
in one notation: ``g`` is ∂L/∂out, the gradient arriving at the output, and ``∂L/∂x = …`` is what the
VJP registered just below the op hands back to the input ``x``. Subgradients at kinks:
``relu'(0) = 0``, ``abs'(0) = 0``. The examples assume ``import numpy as np`` and
``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Callable
from typing import ClassVar, TypeVar

from .backend import default_float, device_of, host_namespace, namespace, ndarray
from .engine import Node, data_of, docstring_tests, primitive
from .modulo import mod
from .typing import Data, Operand

__all__ = [
    "abs", "add", "divide", "exp", "log", "maximum", "minimum", "multiply", "negative", "power",
    "relu", "sigmoid", "sign", "sqrt", "subtract", "tanh", "where", "Arithmetic",
]


# ---- arithmetic -----------------------------------------------------------------------------


@primitive(scalar=operator.add)
def add(x: Data, y: Data) -> Data:
    """x + y.  ∂L/∂x = g, ∂L/∂y = g

    >>> x = Tensor([1.0, 2.0], requires_grad=True)
    >>> add(x, 10.0)
    Tensor([11., 12.], op='add')
    """
    return namespace(x, y).add(x, y)


add.defvjp(lambda g, out, x, y: g, lambda g, out, x, y: g)


@primitive(scalar=operator.sub)
def subtract(x: Data, y: Data) -> Data:
    """x − y.  ∂L/∂x = g, ∂L/∂y = −g

    >>> y = Tensor([1.0, 2.0], requires_grad=True)
    >>> subtract(10.0, y).sum().backward()
    >>> y.grad
    array([-1., -1.])
    """
    return namespace(x, y).subtract(x, y)


subtract.defvjp(lambda g, out, x, y: g, lambda g, out, x, y: -g)


@primitive(scalar=operator.mul)
def multiply(x: Data, y: Data) -> Data:
    """x · y.  ∂L/∂x = g·y, ∂L/∂y = g·x

    >>> x = Tensor([1.0, 2.0], requires_grad=True)
    >>> multiply(x, np.array([3.0, 4.0])).sum().backward()
    >>> x.grad
    array([3., 4.])
    """
    return namespace(x, y).multiply(x, y)


multiply.defvjp(lambda g, out, x, y: g * y, lambda g, out, x, y: g * x)


@primitive(scalar=operator.truediv)
def divide(x: Data, y: Data) -> Data:
    """x / y.  ∂L/∂x = g/y, ∂L/∂y = −g·x/y² = −g·out/y

    >>> y = Tensor([1.0, 2.0], requires_grad=True)
    >>> divide(1.0, y).sum().backward()
    >>> y.grad
    array([-1.  , -0.25])
    """
    return namespace(x, y).divide(x, y)


divide.defvjp(lambda g, out, x, y: g / y, lambda g, out, x, y: -g * out / y)


@primitive(scalar=operator.neg)
def negative(x: Data) -> Data:
    """−x.  ∂L/∂x = −g

    >>> negative(Tensor([1.0, -2.0]))
    Tensor([-1.,  2.])
    """
    return namespace(x).negative(x)


negative.defvjp(lambda g, out, x: -g)


def _scalar_power(x: float, y: float) -> float:
    result = x ** y
    if isinstance(result, complex):
        raise ValueError("a negative number to a fractional power is not a real number")
    return result


@primitive(scalar=_scalar_power)
def power(x: Data, y: Data) -> Data:
    """xʸ.  ∂L/∂x = g·y·xʸ⁻¹, ∂L/∂y = g·xʸ·ln x

    At a zero base the derivatives that exist are given, as PyTorch does: ∂L/∂x of x⁰ is 0, and
    ∂L/∂y of 0ʸ is 0 for y ≥ 0 (not 0·∞ or 0·ln 0).

    >>> x = Tensor([1.0, 2.0], requires_grad=True)
    >>> power(x, 3).sum().backward()
    >>> x.grad
    array([ 3., 12.])
    """
    return namespace(x, y).pow(x, y)


def _has_zero(x: Data) -> bool:
    """Whether ``x`` (a number or an array) holds a zero; a Python number is tested without NumPy."""
    if x.__class__ is float or x.__class__ is int:
        return x == 0
    return not namespace(x).all(x)


def _one_where(mask: Data, x: Operand) -> Operand:
    """``x`` with 1 in place of its elements where ``mask`` holds (plain data for a scalar ``x``)."""
    if mask.__class__ is bool or not getattr(mask, "shape", ()):
        return 1.0 if mask else x
    return where(mask, 1.0, x) if namespace(mask).any(mask) else x


def _power_vjp_base(g: Operand, out: Operand, x: Operand, y: Operand) -> Operand:
    exponent = data_of(y)
    if _has_zero(exponent):  # y = 0 at x = 0: y·xʸ⁻¹ is 0·∞; the derivative of x⁰ = 1 is 0
        x = _one_where((data_of(x) == 0) & (exponent == 0), x)
    return g * y * x ** (y - 1)


def _power_vjp_exponent(g: Operand, out: Operand, x: Operand, y: Operand) -> Operand:
    base = data_of(x)
    if _has_zero(base):  # 0ʸ = 0 for y > 0 (and 1 for y = 0) whatever y is near: derivative 0
        x = _one_where((base == 0) & (data_of(y) >= 0), x)
    return g * out * log(x)


power.defvjp(_power_vjp_base, _power_vjp_exponent)


# ---- elementwise functions ------------------------------------------------------------------


@primitive(scalar=math.exp)
def exp(x: Data) -> Data:
    """eˣ.  ∂L/∂x = g·eˣ = g·out

    >>> x = Tensor([0.0, 1.0], requires_grad=True)
    >>> exp(x).sum().backward()
    >>> x.grad
    array([1.        , 2.71828183])
    """
    return namespace(x).exp(x)


exp.defvjp(lambda g, out, x: g * out)


@primitive(scalar=math.log)
def log(x: Data) -> Data:
    """Natural logarithm ln x, for x > 0.  ∂L/∂x = g/x

    >>> x = Tensor([1.0, 4.0], requires_grad=True)
    >>> log(x).sum().backward()
    >>> x.grad
    array([1.  , 0.25])
    """
    return namespace(x).log(x)


log.defvjp(lambda g, out, x: g / x)


@primitive(scalar=math.sqrt)
def sqrt(x: Data) -> Data:
    """√x, for x ≥ 0.  ∂L/∂x = g/(2√x) = g/(2·out)

    >>> x = Tensor([1.0, 4.0], requires_grad=True)
    >>> sqrt(x).sum().backward()
    >>> x.grad
    array([0.5 , 0.25])
    """
    return namespace(x).sqrt(x)


sqrt.defvjp(lambda g, out, x: g / (2 * out))


@primitive(scalar=math.tanh)
def tanh(x: Data) -> Data:
    """Hyperbolic tangent.  ∂L/∂x = g·(1 − tanh² x) = g·(1 − out²)

    >>> x = Tensor([0.0, 1.0], requires_grad=True)
    >>> tanh(x).sum().backward()
    >>> x.grad.round(4)
    array([1.  , 0.42])
    """
    return namespace(x).tanh(x)


tanh.defvjp(lambda g, out, x: g * (1 - out * out))


def _scalar_sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@primitive(scalar=_scalar_sigmoid)
def sigmoid(x: Data) -> Data:
    """Logistic function σ(x) = 1/(1 + e⁻ˣ), finite for any x.  ∂L/∂x = g·σ(1 − σ) = g·out·(1 − out)

    >>> x = Tensor([-1000.0, 0.0, 1000.0], requires_grad=True)
    >>> sigmoid(x)
    Tensor([0. , 0.5, 1. ], op='sigmoid')
    >>> sigmoid(x).sum().backward()
    >>> x.grad
    array([0.  , 0.25, 0.  ])
    """
    xp = namespace(x)
    x = _floating(xp, x)  # −x would wrap around for unsigned integers
    return xp.exp(-xp.logaddexp(0.0, -x))


def _floating(xp, x: Data) -> Data:
    """``x`` as an array of a floating dtype (for integers and bools the widest float of its device,
    float64 where it has one, as NumPy gives)."""
    if x.__class__ is ndarray and x.dtype.kind in "fc":  # the usual case, said without isdtype
        return x
    x = xp.asarray(x)
    if xp.isdtype(x.dtype, ("real floating", "complex floating")):
        return x
    return xp.astype(x, default_float(xp, device_of(x)))


sigmoid.defvjp(lambda g, out, x: g * out * (1 - out))


def _scalar_relu(x: float) -> float:
    return x if x > 0 else 0.0


@primitive(scalar=_scalar_relu)
def relu(x: Data) -> Data:
    """max(x, 0).  ∂L/∂x = g where x > 0, else 0 (the subgradient 0 at x = 0)

    >>> x = Tensor([-1.0, 0.0, 2.0], requires_grad=True)
    >>> relu(x).sum().backward()
    >>> x.grad
    array([0., 0., 1.])
    """
    return namespace(x).maximum(x, 0.0)


def _relu_vjp(g: Operand, out: Operand, x: Operand) -> Operand:
    positive = data_of(x) > 0
    if positive.__class__ is bool or positive.__class__ is ndarray:  # floats and NumPy multiply by
        return g * positive                                           # bools: one step, no where
    return _where(positive, g, 0.0)  # the standard multiplies no bools


relu.defvjp(_relu_vjp)


@primitive(scalar=builtins.abs, name="abs")
def absolute(x: Data) -> Data:
    """Absolute value ``|x|``.  ∂L/∂x = g·sign(x) (the subgradient 0 at x = 0)

    >>> x = Tensor([-2.0, 0.0, 3.0], requires_grad=True)
    >>> absolute(x).sum().backward()
    >>> x.grad
    array([-1.,  0.,  1.])
    """
    return namespace(x).abs(x)


absolute.defvjp(lambda g, out, x: g * sign(x))
abs = absolute  # noqa: A001 - NumPy's name, as ag.abs


def sign(x: Operand) -> Data:
    """Not differentiable (plain data out): −1, 0 or +1 by the sign of ``x``.

    >>> sign(np.array([-3.0, 0.0, 2.0])), sign(-0.5)
    (array([-1.,  0.,  1.]), -1.0)
    """
    x = data_of(x)
    if isinstance(x, (float, int)):
        return float((x > 0) - (x < 0))
    return namespace(x).sign(x)


# ---- selection ------------------------------------------------------------------------------


def _scalar_maximum(x: float, y: float) -> float:
    return x if x >= y else y


def _scalar_minimum(x: float, y: float) -> float:
    return x if x <= y else y


def _larger_share(x: Operand, y: Operand) -> Data:
    """The share of the gradient that goes to ``x`` in max(x, y): 1 where x > y, ½ at ties."""
    x, y = data_of(x), data_of(y)
    xp = namespace(x, y)
    larger, tied = x > y, x == y
    if larger.__class__ is bool:  # two numbers
        return 1.0 if larger else 0.5 if tied else 0.0
    ones = xp.ones(larger.shape, dtype=_float_of(xp, x, y), device=_device(larger))
    return xp.where(larger, ones, xp.where(tied, 0.5 * ones, 0.0 * ones))


@primitive(scalar=_scalar_maximum)
def maximum(x: Data, y: Data) -> Data:
    """Elementwise max(x, y).  ∂L/∂x = g where x > y, g/2 at ties, else 0 (and ∂L/∂y the rest)

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> maximum(x, 2.0).sum().backward()
    >>> x.grad
    array([0. , 0.5, 1. ])
    """
    return namespace(x, y).maximum(x, y)


maximum.defvjp(
    lambda g, out, x, y: g * _larger_share(x, y),
    lambda g, out, x, y: g * _larger_share(y, x),
)


@primitive(scalar=_scalar_minimum)
def minimum(x: Data, y: Data) -> Data:
    """Elementwise min(x, y).  ∂L/∂x = g where x < y, g/2 at ties, else 0 (and ∂L/∂y the rest)

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> minimum(x, 2.0).sum().backward()
    >>> x.grad
    array([1. , 0.5, 0. ])
    """
    return namespace(x, y).minimum(x, y)


minimum.defvjp(
    lambda g, out, x, y: g * _larger_share(y, x),
    lambda g, out, x, y: g * _larger_share(x, y),
)


def where(condition: Operand, x: Operand, y: Operand) -> Operand:
    """``x`` where ``condition`` holds, else ``y``.  ∂L/∂x = g where condition holds, else 0 (and ∂L/∂y
    the rest)

    The condition is read as data, never differentiated: this is the primitive ``_where`` below, on
    the condition's data.

    >>> x = Tensor([-1.0, 2.0], requires_grad=True)
    >>> where(x.data > 0, x, 0.0).sum().backward()
    >>> x.grad
    array([0., 1.])
    """
    return _where(data_of(condition), x, y)


@primitive(name="where")
def _where(condition: Data, x: Data, y: Data) -> Data:
    xp = namespace(condition, x, y)
    if x.__class__ in _NUMBERS and y.__class__ in _NUMBERS and xp is not _HOST:
        x = xp.asarray(x, dtype=_number_dtype(xp, x, y, condition), device=_device(condition))
    return xp.where(condition, x, y)  # (the standard wants one array at least; NumPy takes two numbers)


_where.defvjp(
    None,
    lambda g, out, c, x, y: _where(c, g, 0.0),
    lambda g, out, c, x, y: _where(c, 0.0, g),
)


_NUMBERS = (float, int, bool)
_HOST = host_namespace


def _float_of(xp, *data: Data) -> object:
    """The floating dtype of the arrays among ``data`` (else the widest float of their device)."""
    device = None
    for x in data:
        dtype = getattr(x, "dtype", None)
        if dtype is not None:
            if xp.isdtype(dtype, "real floating"):
                return dtype
            device = device_of(x)
    return default_float(xp, device)


def _number_dtype(xp, x: float | int | bool, y: float | int | bool, condition: Data) -> object:
    """The dtype of ``where`` between two Python numbers, as NumPy gives it: bool for two bools, the
    default integer for integers, else the widest float of the condition's device."""
    if x.__class__ is bool and y.__class__ is bool:
        return xp.bool
    if x.__class__ is not float and y.__class__ is not float:
        return xp.__array_namespace_info__().default_dtypes(device=_device(condition))["integral"]
    return default_float(xp, _device(condition))


def _device(x: Data) -> object:
    return getattr(x, "device", None) if x.__class__ not in _NUMBERS else None


# ---- the operators of Value and Tensor ------------------------------------------------------


N = TypeVar("N", bound=Node)
Comparison = bool | Data  # a comparison's answer: a bool, or a boolean array


class Arithmetic:
    """Python's operators and the elementwise methods, shared by ``Value`` and ``Tensor``.

    Comparisons compare the data and return plain ``bool`` (or boolean arrays): they are not
    differentiable, so ``x if x >= 0 else 0`` runs unchanged on nodes.
    """

    __slots__ = ()

    # required to implement (a node kind that takes this mixin provides these):
    _data: Data  # the node's raw data, which the comparisons compare
    _apply: ClassVar[Callable[..., Node]]  # _apply(op, inputs): op run on the inputs, as a new node

    def __add__(self: N, other: Operand) -> N: return self._apply(add, (self, other))
    def __radd__(self: N, other: Operand) -> N: return self._apply(add, (other, self))
    def __sub__(self: N, other: Operand) -> N: return self._apply(subtract, (self, other))
    def __rsub__(self: N, other: Operand) -> N: return self._apply(subtract, (other, self))
    def __mul__(self: N, other: Operand) -> N: return self._apply(multiply, (self, other))
    def __rmul__(self: N, other: Operand) -> N: return self._apply(multiply, (other, self))
    def __truediv__(self: N, other: Operand) -> N: return self._apply(divide, (self, other))
    def __rtruediv__(self: N, other: Operand) -> N: return self._apply(divide, (other, self))
    def __pow__(self: N, other: Operand) -> N: return self._apply(power, (self, other))
    def __rpow__(self: N, other: Operand) -> N: return self._apply(power, (other, self))
    def __mod__(self: N, other: Operand) -> N: return self._apply(mod, (self, other))
    def __rmod__(self: N, other: Operand) -> N: return self._apply(mod, (other, self))
    def __neg__(self: N) -> N: return self._apply(negative, (self,))
    def __pos__(self: N) -> N: return self
    def __abs__(self: N) -> N: return self._apply(absolute, (self,))

    def __lt__(self, other: Operand) -> Comparison: return self._data < data_of(other)
    def __le__(self, other: Operand) -> Comparison: return self._data <= data_of(other)
    def __gt__(self, other: Operand) -> Comparison: return self._data > data_of(other)
    def __ge__(self, other: Operand) -> Comparison: return self._data >= data_of(other)
    def __eq__(self, other: Operand) -> Comparison: return self._data == data_of(other)  # type: ignore[override]
    def __ne__(self, other: Operand) -> Comparison: return self._data != data_of(other)  # type: ignore[override]
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
