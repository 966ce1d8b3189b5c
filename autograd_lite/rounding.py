"""NumPy's rounding (gradient 0) and its tests of floating-point class (not differentiable).

The rounding ops are primitives, defined as those of :mod:`autograd_lite.math_ops` are; each is
piecewise constant, so its gradient is 0 everywhere, as PyTorch gives (at the jumps too, where no
derivative exists). ``round`` and ``rint`` are the same op, rounding halves to even as NumPy does.
``isnan``, ``isinf`` and ``isfinite`` give plain boolean data, as :func:`~autograd_lite.sign` does.
The examples assume ``import numpy as np`` and ``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable

from .backend import namespace
from .engine import data_of, docstring_tests, primitive
from .typing import Data, Operand

__all__ = ["ceil", "floor", "isfinite", "isinf", "isnan", "rint", "round", "trunc"]


def _on_floats(rounding: Callable[[float], int]) -> Callable[[float], float]:
    """A scalar forward returning a float, as NumPy does (Python's rounding gives an int, or raises
    for inf and NaN, which round to themselves)."""
    def scalar(x: float) -> float:
        return float(rounding(x)) if math.isfinite(x) else x
    scalar.__name__ = rounding.__name__
    return scalar


def _zero(g: Operand, out: Operand, x: Operand) -> Operand:
    """The gradient of a piecewise-constant op: zeros of g's shape, a constant (so an inf or NaN
    arriving in g still gives 0, as PyTorch; a constant's own derivative is 0 too)."""
    g = data_of(g)
    if g.__class__ is float or g.__class__ is int:
        return 0.0
    return namespace(g).zeros_like(g)


@primitive(scalar=_on_floats(math.floor))
def floor(x: Data) -> Data:
    """The largest integer ≤ x.  ∂L/∂x = 0 (piecewise constant), as PyTorch

    >>> x = Tensor([-1.5, 1.5], requires_grad=True)
    >>> floor(x)
    Tensor([-2.,  1.], op='floor')
    >>> floor(x).sum().backward()
    >>> x.grad
    array([0., 0.])
    """
    return namespace(x).floor(x)


floor.defvjp(_zero)


@primitive(scalar=_on_floats(math.ceil))
def ceil(x: Data) -> Data:
    """The smallest integer ≥ x.  ∂L/∂x = 0 (piecewise constant), as PyTorch

    >>> ceil(Tensor([-1.5, 1.5]))
    Tensor([-1.,  2.])
    """
    return namespace(x).ceil(x)


ceil.defvjp(_zero)


@primitive(scalar=_on_floats(math.trunc))
def trunc(x: Data) -> Data:
    """x rounded toward 0.  ∂L/∂x = 0 (piecewise constant), as PyTorch

    >>> trunc(Tensor([-1.5, 1.5]))
    Tensor([-1.,  1.])
    """
    return namespace(x).trunc(x)


trunc.defvjp(_zero)


@primitive(scalar=_on_floats(builtins.round))
def round(x: Data) -> Data:  # noqa: A001 - NumPy's name, as ag.round
    """x rounded to the nearest integer, halves to even (as NumPy's ``round`` with no decimals and
    ``rint``).  ∂L/∂x = 0 (piecewise constant), as PyTorch

    >>> round(Tensor([0.5, 1.5, 2.5, -0.6]))
    Tensor([ 0.,  2.,  2., -1.])
    """
    return namespace(x).round(x)


round.defvjp(_zero)


@primitive(scalar=_on_floats(builtins.round))
def rint(x: Data) -> Data:
    """x rounded to the nearest integer, halves to even: the same as :func:`round`.  ∂L/∂x = 0
    (piecewise constant), as PyTorch

    >>> rint(Tensor([0.5, 1.5, 2.5, -0.6]))
    Tensor([ 0.,  2.,  2., -1.])
    """
    return namespace(x).round(x)


rint.defvjp(_zero)


# ---- floating-point class: not differentiable -----------------------------------------------


def isnan(x: Operand) -> Data:
    """Not differentiable (plain data out): whether each element of ``x`` is NaN.

    >>> isnan(Tensor([1.0, np.nan])), isnan(float("nan"))
    (array([False,  True]), True)
    """
    x = data_of(x)
    if isinstance(x, (float, int)):
        return math.isnan(x)
    return namespace(x).isnan(x)


def isinf(x: Operand) -> Data:
    """Not differentiable (plain data out): whether each element of ``x`` is +inf or −inf.

    >>> isinf(np.array([1.0, -np.inf, np.nan])), isinf(float("inf"))
    (array([False,  True, False]), True)
    """
    x = data_of(x)
    if isinstance(x, (float, int)):
        return math.isinf(x)
    return namespace(x).isinf(x)


def isfinite(x: Operand) -> Data:
    """Not differentiable (plain data out): whether each element of ``x`` is neither inf nor NaN.

    >>> isfinite(Tensor([1.0, np.inf, np.nan])), isfinite(2.0)
    (array([ True, False, False]), True)
    """
    x = data_of(x)
    if isinstance(x, (float, int)):
        return math.isfinite(x)
    return namespace(x).isfinite(x)


__test__ = docstring_tests(globals())
