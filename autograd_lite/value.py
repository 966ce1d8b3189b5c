"""``Value``: a differentiable scalar on Python floats, in the spirit of micrograd."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

from . import _checks
from .engine import _NO_PARAMS, DomainError, Node, Primitive, _record, apply
from .ops import Arithmetic
from .typing import Data, Operand

__all__ = ["Value"]


class Value(Arithmetic, Node):
    """A scalar that remembers how it was computed, so its derivatives can be taken.

    Every ``Value`` requires grad unless told otherwise, and every one keeps its gradient after
    ``backward`` (so :func:`~autograd_lite.draw_graph` can show them all). Arithmetic works with
    plain numbers on either side; comparisons compare the data and return ``bool``.

    >>> from autograd_lite import Value
    >>> m = Value(0.5)
    >>> cost = (m * 3 - 1) ** 2
    >>> cost.backward()
    >>> cost, m.grad
    (Value(0.25, grad=1.0, op='power'), 3.0)
    >>> relu = lambda x: x if x >= 0 else 0   # plain Python runs on Values
    >>> relu(m - 1)
    0

    Operations that are undefined at their input raise :class:`~autograd_lite.DomainError` naming the
    operation and the value, rather than returning ``nan``:

    >>> Value(-1.0).log()
    Traceback (most recent call last):
      ...
    autograd_lite.engine.DomainError: log(-1.0) is undefined: math domain error
    """

    __slots__ = ()
    shape: tuple[int, ...] = ()
    __array_ufunc__ = None  # ``array * Value`` is Value's to answer (a TypeError), not an object array
    _all_keep_grad = True
    _empty_grad = 0.0

    def __init__(self, data: float, requires_grad: bool = True, label: str | None = None) -> None:
        super().__init__(_as_float(data, "Value"), _checks.boolean(requires_grad, "requires_grad", "Value"))
        self.name = _checks.name(label, "label", "Value")

    @property
    def label(self) -> str | None:
        """micrograd's name for :attr:`name`: what drawings call this Value."""
        return self.name

    @label.setter
    def label(self, label: str | None) -> None:
        self.name = _checks.name(label, "label", "Value.label")

    @staticmethod
    def _forward(op: Primitive, input_data: Sequence[Data], params: dict[str, Any]) -> float:
        """``op``'s scalar forward on floats and constants; its result must be a finite float."""
        try:
            out = op.scalar_forward(*input_data, **params) if params else op.scalar_forward(*input_data)
        except Exception as error:
            raise _forward_error(op, input_data, error) from None
        return _checked_result(op, input_data, out)

    @staticmethod
    def _apply(op: Primitive, inputs: tuple[Any, ...], params: dict[str, Any] | None = None) -> Value:
        """A fast copy of :func:`~autograd_lite.engine.apply` for one or two inputs, each a Value or a
        plain number, and no parameters (others take ``apply``); change both together.

        The forward runs once, directly; only a failure, or a result that is not a finite float, takes
        the checks of :meth:`_forward` (which name the operation and the numbers). No copy of the
        inputs' numbers is kept (backward reads them from the inputs): one container less per node.
        """
        requires_grad = False
        if params:
            return apply(op, inputs, params)
        if len(inputs) == 2:
            x, y = inputs
            if x.__class__ is Value:
                x_data, requires_grad = x._data, x.requires_grad
            elif isinstance(x, Node):  # a Tensor (an error) or a subclass: the general path
                return apply(op, inputs)
            else:
                x_data = x
            if y.__class__ is Value:
                y_data = y._data
                requires_grad = requires_grad or y.requires_grad
            elif isinstance(y, Node):
                return apply(op, inputs)
            else:
                y_data = y
            args = (x_data, y_data)
        elif len(inputs) == 1 and inputs[0].__class__ is Value:
            (x,) = inputs
            args = (x._data,)
            requires_grad = x.requires_grad
        else:
            return apply(op, inputs)
        try:
            out = op.scalar_forward(*args)
        except Exception as error:
            raise _forward_error(op, args, error) from None
        if out.__class__ is not float or out - out != 0.0:  # ±inf, nan, or not a float
            out = _checked_result(op, args, out)
        return _record(Value, out, op, inputs, None, _NO_PARAMS, requires_grad)

    @property
    def data(self) -> float:
        """The number. Setting it (``p.data -= lr * p.grad``) counts as an in-place change."""
        return self._data

    @data.setter
    def data(self, value: float) -> None:
        self._data = _as_float(value, "Value.data")
        self.mark_modified()

    def _seed_grad(self, gradient: Operand | None) -> float:
        return 1.0 if gradient is None else _as_float(gradient, "backward")

    def zero_grad(self) -> None:
        """Set ``.grad`` back to 0."""
        self.grad = 0.0

    def __float__(self) -> float:
        return self._data

    def __int__(self) -> int:
        return int(self._data)

    def __bool__(self) -> bool:
        return self._data != 0.0

    def item(self) -> float:
        """The data as a Python float."""
        return self._data

    def __repr__(self) -> str:
        op = f", op={self.op!r}" if self.op else ""
        return f"Value({self._data!r}, grad={self.grad!r}{op})"



def _check_constants(op: Primitive, input_data: Sequence[Data]) -> None:
    """Raise TypeError (or OverflowError) for an input that is not a real number."""
    for data in input_data:
        if data.__class__ is not float:
            _as_float(data, op.name)


def _forward_error(op: Primitive, input_data: Sequence[Data], error: Exception) -> Exception:
    """The error to raise when ``op``'s forward raised ``error`` on ``input_data``."""
    _check_constants(op, input_data)
    if isinstance(error, (ArithmeticError, ValueError)):
        return DomainError(f"{op.name}({_listed(input_data)}) is undefined: {error}")
    return error


def _checked_result(op: Primitive, input_data: Sequence[Data], out: Data) -> float:
    """``out`` as a float; a TypeError for a non-number, a DomainError for ±inf or nan from finite
    inputs (an overflow)."""
    _check_constants(op, input_data)
    if out.__class__ is not float:  # an int from max(x, 3), a NumPy float, or no number at all
        out = _as_float(out, f"{op.name}({_listed(input_data)})")
    if out - out != 0.0 and all(d - d == 0.0 for d in input_data):
        raise DomainError(f"{op.name}({_listed(input_data)}) overflows to {out}")
    return out


def _listed(input_data: Sequence[Data]) -> str:
    return ", ".join(repr(d) for d in input_data)


def _as_float(x: Any, where: str) -> float:
    """``x`` as a float, or a TypeError that says what was passed where."""
    if isinstance(x, float):
        return float(x)
    if isinstance(x, numbers.Real):
        return float(x)
    if isinstance(x, Value):
        return x._data
    raise TypeError(f"{where}: expected a real number or a Value, got {type(x).__name__} {x!r}")
