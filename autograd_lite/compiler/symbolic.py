"""Symbolic operands: how a primitive's own forward or VJP becomes an inline expression.

The compiler never writes math of its own. To inline ``add``'s forward or ``multiply``'s VJP, it
calls the very function eager calls, with :class:`Symbol` operands in place of numbers: Python's
operators on symbols build the expression text, so ``lambda g, out, x, y: g * y`` gives
``(g * y)``. Anything else a function does with a symbol — compare it, test it in an ``if``, turn
it into a float, hand it to NumPy or ``math`` — raises :class:`NotInlinable`, and the compiler
calls the function instead. So only pure operator arithmetic is inlined, and the inlined text
performs exactly the operations, in exactly the order, that the call would: the same numbers.

>>> x, y = Symbol("x"), Symbol("y")
>>> (x * 3 - y).text
'((x * 3) - y)'
>>> bool(x > y)
Traceback (most recent call last):
autograd_lite.compiler.symbolic.NotInlinable: x > y reads the data
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["NotInlinable", "Symbol", "inline"]


class NotInlinable(Exception):
    """The function did something with an operand other than Python arithmetic."""


def _constant_text(value: Any) -> str:
    """Python source for a constant operand, or ``NotInlinable`` (an array is no literal)."""
    if value is None or value.__class__ is bool or value.__class__ is str:
        return repr(value)
    if value.__class__ is tuple:
        return "(" + "".join(_text(item) + ", " for item in value) + ")"
    if value.__class__ is float:
        if not math.isfinite(value):
            raise NotInlinable(f"{value!r} has no literal")
        return repr(value) if value >= 0 else f"({value!r})"
    if value.__class__ is int:
        return repr(value) if value >= 0 else f"({value!r})"
    raise NotInlinable(f"a constant of type {type(value).__name__}")


def _text(value: Any) -> str:
    return value.text if isinstance(value, Symbol) else _constant_text(value)


def _binary(symbol: str) -> tuple[Callable[..., Symbol], Callable[..., Symbol]]:
    def forward(self: Symbol, other: Any) -> Symbol:
        return Symbol(f"({self.text} {symbol} {_text(other)})")

    def reflected(self: Symbol, other: Any) -> Symbol:
        return Symbol(f"({_text(other)} {symbol} {self.text})")

    return forward, reflected


def _reads_data(symbol: str) -> Callable[..., Any]:
    def refuse(self: Symbol, *other: Any) -> Any:
        shown = f"{self.text} {symbol} {_shown(other[0])}" if other else f"{symbol}({self.text})"
        raise NotInlinable(f"{shown} reads the data")
    return refuse


def _shown(other: Any) -> str:
    return other.text if isinstance(other, Symbol) else repr(other)


class _SymbolicNumPy:
    """What ``backend.namespace`` gives for symbols standing for NumPy arrays: each function call
    writes ``np.name(...)`` (``np`` is NumPy in the program's namespace)."""

    def __getattr__(self, name: str) -> Any:
        from ..backend import host_namespace

        real = getattr(host_namespace, name)
        if not callable(real) or isinstance(real, type):
            raise NotInlinable(f"np.{name} is not a function call")

        def call(*args: Any, **kwargs: Any) -> Symbol:
            parts = [_text(a) for a in args] + [f"{k}={_text(v)}" for k, v in kwargs.items()]
            return Symbol(f"np.{name}({', '.join(parts)})")
        return call


_NUMPY = _SymbolicNumPy()


class Symbol:
    """A named operand whose arithmetic writes Python source instead of computing."""

    __slots__ = ("text",)
    __array_ufunc__ = None     # ``array * symbol`` is the symbol's to answer, not NumPy's
    __array_function__ = None

    def __init__(self, text: str) -> None:
        self.text = text

    __add__, __radd__ = _binary("+")
    __sub__, __rsub__ = _binary("-")
    __mul__, __rmul__ = _binary("*")
    __truediv__, __rtruediv__ = _binary("/")
    __pow__, __rpow__ = _binary("**")

    def __neg__(self) -> Symbol:
        return Symbol(f"(-{self.text})")

    def __pos__(self) -> Symbol:
        return Symbol(f"(+{self.text})")

    __lt__ = _reads_data("<")
    __le__ = _reads_data("<=")
    __gt__ = _reads_data(">")
    __ge__ = _reads_data(">=")
    __eq__ = _reads_data("==")  # type: ignore[assignment]
    __ne__ = _reads_data("!=")  # type: ignore[assignment]
    __bool__ = _reads_data("bool")
    __float__ = _reads_data("float")
    __int__ = _reads_data("int")
    __index__ = _reads_data("index")
    __abs__ = _reads_data("abs")
    __hash__ = None  # type: ignore[assignment]

    def __getattr__(self, name: str) -> Any:   # .shape, .dtype, .__class__ checks of the data
        raise NotInlinable(f"{self.text}.{name} reads the data")

    device = "cpu"   # symbols stand for NumPy arrays (or numbers), whose device this is

    def __array_namespace__(self) -> Any:
        return _NUMPY

    def __repr__(self) -> str:
        return f"Symbol({self.text!r})"


def inline(function: Callable[..., Any], operands: Sequence[Any], params: dict[str, Any]) -> str | None:
    """The expression ``function(*operands, **params)`` computes, where the operands that are
    :class:`Symbol` stand for values; ``None`` when the function does anything but arithmetic."""
    try:
        result = function(*operands, **params)
    except Exception:   # NotInlinable, or the function's own check of a constant: a call, then
        return None
    if isinstance(result, Symbol):
        return result.text
    try:   # arithmetic on the constants alone: a literal (``g / 3`` for a constant seed)
        return _constant_text(result)
    except NotInlinable:
        return None
