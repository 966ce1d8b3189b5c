"""Argument checks shared by the public functions and constructors of the whole package.

Each check returns the value (as a plain Python ``int``/``float``/``bool``) or raises an error whose
message names the caller, the argument and the value: ``TypeError`` for a value of the wrong kind,
``ValueError`` for one out of range. ``bool`` is never accepted as a number (``True`` is an ``int``
to Python, but ``Linear(True, 3)`` is a mistake).

>>> from autograd_lite._checks import integer, real
>>> integer(np.int64(3), "units", "Dense", minimum=1)
3
>>> real(0.5, "lr", "SGD", minimum=0.0)
0.5
>>> integer(0, "units", "Dense", minimum=1)
Traceback (most recent call last):
ValueError: Dense: invalid units 0; it must be an integer >= 1
"""

from __future__ import annotations

import functools
import math
import numbers
from typing import Any

from .backend import dtype_kind

__all__ = [
    "accepts_torch_spelling", "boolean", "function", "integer", "invalid", "is_bool", "name",
    "numpy_spelling", "real",
]


def invalid(where: str, name: str, value: Any, requirement: str) -> str:
    """The message of every check: ``"where: invalid name value; it must be requirement"``.

    >>> invalid("Adam", "lr", -1.0, ">= 0")
    'Adam: invalid lr -1.0; it must be >= 0'
    """
    return f"{where}: invalid {name} {value!r:.80}; it must be {requirement}"


def integer(value: Any, name: str, where: str, *, minimum: int | None = None) -> int:
    """``value`` as an ``int`` (Python or NumPy integers, not bools), at least ``minimum``.

    >>> integer(2, "step_size", "StepLR", minimum=1)
    2
    >>> integer(2.5, "step_size", "StepLR", minimum=1)
    Traceback (most recent call last):
    TypeError: StepLR: invalid step_size 2.5; it must be an integer >= 1
    """
    requirement = "an integer" if minimum is None else f"an integer >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(invalid(where, name, value, requirement))
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(invalid(where, name, value, requirement))
    return value


def real(value: Any, name: str, where: str, *, minimum: float | None = None,
         below: float | None = None, maximum: float | None = None, finite: bool = True) -> float:
    """``value`` as a ``float``: a real number (not a bool), finite unless ``finite=False``, in
    ``[minimum, below)`` or ``[minimum, maximum]`` where those are given. NaN is always rejected.

    >>> real(0.9, "beta1", "Adam", minimum=0.0, below=1.0)
    0.9
    >>> real(float("nan"), "lr", "Adam", minimum=0.0)
    Traceback (most recent call last):
    ValueError: Adam: invalid lr nan; it must be a finite number >= 0
    """
    parts = ["a finite number" if finite else "a number"]
    if minimum is not None and maximum is not None:
        parts = [f"{parts[0]} in [{minimum:g}, {maximum:g}]"]
    elif minimum is not None and below is not None:
        parts = [f"{parts[0]} in [{minimum:g}, {below:g})"]
    elif minimum is not None:
        parts.append(f">= {minimum:g}")
    elif below is not None:
        parts.append(f"< {below:g}")
    requirement = " ".join(parts)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(invalid(where, name, value, requirement))
    number = float(value)
    if math.isnan(number) or (finite and math.isinf(number)) or \
            (minimum is not None and number < minimum) or (below is not None and number >= below) or \
            (maximum is not None and number > maximum):
        raise ValueError(invalid(where, name, value, requirement))
    return number


def is_bool(value: Any) -> bool:
    """Whether ``value`` is a bool: Python's, or a 0-d boolean of an array library (``np.True_``).

    >>> is_bool(np.bool_(False)), is_bool(np.array(True)), is_bool(1), is_bool(np.array([True]))
    (True, True, False, False)
    """
    if value.__class__ is bool:
        return True
    dtype = getattr(value, "dtype", None)
    return dtype is not None and getattr(value, "shape", None) == () and dtype_kind(dtype) == "b"


def boolean(value: Any, name: str, where: str) -> bool:
    """``value`` if it is ``True`` or ``False`` (or a 0-d bool of an array library, such as NumPy's
    ``np.True_``): never a truthy stand-in.

    >>> boolean(True, "nesterov", "SGD")
    True
    >>> boolean("yes", "nesterov", "SGD")
    Traceback (most recent call last):
    TypeError: SGD: invalid nesterov 'yes'; it must be True or False
    """
    if not is_bool(value):
        raise TypeError(invalid(where, name, value, "True or False"))
    return bool(value)


def function(value: Any, name: str, where: str) -> Any:
    """``value`` if it can be called.

    >>> function(3, "f", "grad")
    Traceback (most recent call last):
    TypeError: grad: invalid f 3; it must be a function
    """
    if not callable(value):
        raise TypeError(invalid(where, name, value, "a function"))
    return value


def name(value: Any, name: str, where: str) -> str | None:
    """``value`` as a name for drawings: a ``str``, or ``None`` for no name.

    >>> name("w", "name", "Tensor")
    'w'
    """
    if value is None or isinstance(value, str):
        return value
    raise TypeError(invalid(where, name, value, "a str or None"))


#: PyTorch's names of NumPy's reduction parameters, which every op taking ``axis`` also accepts
TORCH_SPELLINGS = {"dim": "axis", "keepdim": "keepdims"}


#: ops whose PyTorch default differs from NumPy's: with ``dim=`` the parameter must be given
_DEFAULTS_DIFFER = {"var": "ddof", "std": "ddof"}


def numpy_spelling(where: str, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with PyTorch's ``dim``/``keepdim`` renamed to NumPy's ``axis``/``keepdims``; both
    spellings of one parameter at once is an error, and so is ``var``/``std`` with ``dim=`` but no
    ``ddof``: PyTorch's divide by n − 1 by default, NumPy's by n, and the call could mean either.

    >>> numpy_spelling("sum", {"dim": 1, "keepdim": True})
    {'axis': 1, 'keepdims': True}
    >>> numpy_spelling("sum", {"dim": 1, "axis": 1})
    Traceback (most recent call last):
    TypeError: sum: got both axis= and PyTorch's spelling of it, dim=; pass one
    """
    needed = _DEFAULTS_DIFFER.get(where)
    if needed is not None and "dim" in params and needed not in params:
        raise TypeError(f"{where}: with PyTorch's dim=, give {needed}= too: PyTorch's {where} divides by "
                        f"n − 1 by default ({needed}=1), NumPy's by n ({needed}=0)")
    renamed = {}
    for key, value in params.items():
        numpy_name = TORCH_SPELLINGS.get(key, key)
        if numpy_name in renamed or (numpy_name != key and numpy_name in params):
            raise TypeError(f"{where}: got both {numpy_name}= and PyTorch's spelling of it, {key}=; pass one")
        renamed[numpy_name] = value
    return renamed


def accepts_torch_spelling(function: Any) -> Any:
    """Decorate a public function that takes ``axis``/``keepdims`` so that it also takes PyTorch's
    ``dim``/``keepdim`` (primitives get this from :class:`~autograd_lite.Primitive` itself).

    >>> @accepts_torch_spelling
    ... def total(x, axis=None):
    ...     return np.sum(x, axis=axis)
    >>> total(np.ones((2, 3)), dim=1)
    array([3., 3.])
    """
    @functools.wraps(function)
    def call(*args: Any, **params: Any) -> Any:
        if "dim" in params or "keepdim" in params:
            params = numpy_spelling(function.__name__, params)
        return function(*args, **params)
    return call
