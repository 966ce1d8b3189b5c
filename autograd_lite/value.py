"""``Value``: a differentiable scalar on Python floats, in the spirit of micrograd."""

from __future__ import annotations

import math
import numbers
from typing import Any

from .engine import DomainError, Node, Primitive
from .ops import Arithmetic

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
    _all_keep_grad = True
    _empty_grad = 0.0

    def __init__(self, data: float, requires_grad: bool = True) -> None:
        super().__init__(_as_float(data, "Value"), requires_grad)

    @classmethod
    def _forward(cls, op: Primitive, datas: list[Any], params: dict[str, Any]) -> float:
        for data in datas:
            if type(data) is not float:
                _as_float(data, op.name)
        try:
            out = op.scalar_forward(*datas, **params) if params else op.scalar_forward(*datas)
        except (ArithmeticError, ValueError) as error:
            args = ", ".join(repr(d) for d in datas)
            raise DomainError(f"{op.name}({args}) is undefined: {error}") from None
        if not math.isfinite(out) and all(math.isfinite(d) for d in datas):
            args = ", ".join(repr(d) for d in datas)
            raise DomainError(f"{op.name}({args}) overflows to {out}")
        return out if type(out) is float else float(out)

    @property
    def data(self) -> float:
        """The number. Setting it (``p.data -= lr * p.grad``) counts as an in-place change."""
        return self._data

    @data.setter
    def data(self, value: float) -> None:
        self._data = _as_float(value, "Value.data")
        self.mark_modified()

    def _seed_grad(self, gradient: Any) -> float:
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
        op = f", op={self._op.name!r}" if self._op is not None else ""
        return f"Value({self._data!r}, grad={self.grad!r}{op})"


Value._result_type = Value


def _as_float(x: Any, where: str) -> float:
    """``x`` as a float, or a TypeError that says what was passed where."""
    if isinstance(x, float):
        return float(x)
    if isinstance(x, numbers.Real):
        return float(x)
    if isinstance(x, Value):
        return x._data
    raise TypeError(f"{where}: expected a real number or a Value, got {type(x).__name__} {x!r}")
