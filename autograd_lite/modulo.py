"""Remainders: :func:`mod` (= :func:`remainder`: the sign of the divisor, as NumPy's ``mod`` and
Python's ``%``) and :func:`fmod` (the sign of the dividend, as C's ``fmod``), and the ``%`` operator.

Both are binary ops that broadcast, defined as those of :mod:`autograd_lite.math_ops` are. Integer
inputs keep their integer dtype, and a zero divisor gives NaN for floats (0 for integers), as in
NumPy. The gradient is piecewise: x − q·y with the quotient q constant between the jumps, so
∂L/∂x = g and ∂L/∂y = −g·q, with q = floor(x/y) for ``mod`` (as NumPy's ``floor_divide``, Python's
``//``) and q = trunc(x/y) for ``fmod``. At a jump (x a whole multiple of y), as PyTorch, the
gradient is the same formula: that of the piece starting there. The examples assume
``import numpy as np`` and ``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import math

from .backend import host_namespace, namespace
from .engine import data_of, docstring_tests, primitive
from .typing import Data, Operand

__all__ = ["fmod", "mod", "remainder"]


def _scalar_mod(x: float, y: float) -> float:
    if y == 0:  # NumPy: NaN for floats, 0 for integers (Python raises)
        return math.nan if x.__class__ is float or y.__class__ is float else 0
    return x % y


@primitive(scalar=_scalar_mod)
def mod(x: Data, y: Data) -> Data:
    """The remainder of x/y with the sign of y (NumPy's ``mod``, Python's ``%``): x − floor(x/y)·y.
    ∂L/∂x = g, ∂L/∂y = −g·floor(x/y)

    Also :func:`remainder` and the ``%`` operator. At a jump (x a whole multiple of y) the gradient
    is that formula, as PyTorch's ``remainder`` gives.

    >>> x, y = Tensor([5.5, -5.5], requires_grad=True), Tensor([2.0, 2.0], requires_grad=True)
    >>> mod(x, y)
    Tensor([1.5, 0.5], op='mod')
    >>> mod(x, y).sum().backward()
    >>> x.grad, y.grad
    (array([1., 1.]), array([-2.,  3.]))
    >>> Tensor([7, -7]) % 3
    Tensor([1, 2], dtype=int64)
    """
    return namespace(x, y).remainder(x, y)


def _floor_quotient(x: Operand, y: Operand) -> Data:
    """floor(x/y) as plain data (as NumPy's ``floor_divide``, so that x = q·y + mod(x, y))."""
    x, y = data_of(x), data_of(y)
    if x.__class__ in _NUMBERS and y.__class__ in _NUMBERS:
        return float(x // y)
    return namespace(x, y).floor_divide(x, y)


mod.defvjp(
    lambda g, out, x, y: g,
    lambda g, out, x, y: -g * _floor_quotient(x, y),
)
remainder = mod  # NumPy's other name, the same op


def _scalar_fmod(x: float, y: float) -> float:
    if x.__class__ is not float and y.__class__ is not float:  # integers stay integers
        if y == 0:
            return 0
        r = abs(x) % abs(y)
        return -r if x < 0 else r
    if y == 0 or math.isinf(x):  # NumPy's NaN (math.fmod raises)
        return math.nan
    return math.fmod(x, y)


@primitive(scalar=_scalar_fmod)
def fmod(x: Data, y: Data) -> Data:
    """The remainder of x/y with the sign of x (C's and NumPy's ``fmod``): x − trunc(x/y)·y.
    ∂L/∂x = g, ∂L/∂y = −g·trunc(x/y)

    The standard has no ``fmod``: it is ``remainder(abs(x), abs(y))`` with the sign of x. At a jump
    (x a whole multiple of y) the gradient is that formula, as PyTorch's ``fmod`` gives.

    >>> x, y = Tensor([5.5, -5.5], requires_grad=True), Tensor([2.0, 2.0], requires_grad=True)
    >>> fmod(x, y)
    Tensor([ 1.5, -1.5], op='fmod')
    >>> fmod(x, y).sum().backward()
    >>> x.grad, y.grad
    (array([1., 1.]), array([-2.,  2.]))
    """
    xp = namespace(x, y)
    if xp is host_namespace:  # NumPy's own
        return host_namespace.fmod(x, y)
    r = xp.remainder(abs(x), abs(y))
    if xp.isdtype(r.dtype, "real floating"):
        return xp.copysign(r, x)
    negative = x < 0
    if negative.__class__ is bool:
        return -r if negative else r
    return xp.where(negative, -r, r)


def _trunc_quotient(x: Operand, y: Operand) -> Data:
    """trunc(x/y) as plain data (as PyTorch's ``div(rounding_mode='trunc')``)."""
    x, y = data_of(x), data_of(y)
    if x.__class__ in _NUMBERS and y.__class__ in _NUMBERS:
        return float(math.trunc(x / y))
    xp = namespace(x, y)
    return xp.trunc(xp.divide(x, y))


fmod.defvjp(
    lambda g, out, x, y: g,
    lambda g, out, x, y: -g * _trunc_quotient(x, y),
)

_NUMBERS = (float, int, bool)


__test__ = docstring_tests(globals())
