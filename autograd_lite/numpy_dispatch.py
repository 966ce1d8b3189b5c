"""NumPy's own functions on Tensors: ``np.sin(t)``, ``np.sum(t, axis=0)``, ``np.concatenate([a, b])``.

NumPy hands a call that involves a :class:`~autograd_lite.Tensor` to the Tensor, through two
protocols (as MyGrad's "drop-in autodiff for NumPy" does):

- ``__array_ufunc__`` for the ufuncs (``np.sin``, ``np.add``, and so ``ndarray + Tensor``);
- ``__array_function__`` for the other functions (``np.sum``, ``np.concatenate``, ``np.linalg.norm``).

Each goes to autograd_lite's op of the same name (``np.absolute`` to :func:`~autograd_lite.abs`), so
the result is a Tensor that keeps its graph. A NumPy function that autograd_lite does not have raises
a ``TypeError`` naming it: never a silent conversion that drops the graph. Comparisons and logical
ufuncs give plain boolean data, as Tensor's comparison operators do, and a few functions that only
look at the data (``np.shape``, ``np.allclose``, ``np.array_equal`` …) run on it.

>>> t = Tensor([0.0, 1.0], requires_grad=True)
>>> np.sin(t)
Tensor([0.        , 0.84147098], op='sin')
>>> np.sum(t * t, axis=0).backward()
>>> t.grad
array([0., 2.])
>>> np.histogram(t)
Traceback (most recent call last):
TypeError: numpy.histogram is not supported on Tensors (autograd_lite has no histogram) ...
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from .engine import Node, Primitive, data_of

__all__ = ["NumPyProtocols"]

#: NumPy ufuncs whose autograd_lite op has another name
_RENAMED = {"absolute": "abs", "true_divide": "divide", "fabs": "abs"}

#: ufuncs that compare or combine truth values: plain boolean data, as Tensor's ``<`` and ``==`` give;
#: each is the array API standard's function of the same name
_PLAIN_UFUNCS = frozenset({"greater", "greater_equal", "less", "less_equal", "equal", "not_equal",
                           "logical_and", "logical_or", "logical_xor", "logical_not"})

#: functions that only read the data (shapes, equality): run on it, whatever requires grad
_READ_ONLY = frozenset({"shape", "ndim", "size", "allclose", "isclose", "array_equal", "array_equiv",
                        "count_nonzero", "result_type", "iscomplexobj", "isrealobj", "may_share_memory",
                        "shares_memory", "nonzero", "flatnonzero", "argwhere", "array_repr", "array_str"})

#: NumPy's other names for functions autograd_lite has
_ALIASES = {"concat": "concatenate", "permute_dims": "transpose"}

#: the ufuncs met so far that are one of our primitives, filled as they are first called
_PRIMITIVE_OF_UFUNC: dict[np.ufunc, Primitive] = {}

#: ufunc keywords and the values that leave the result as autograd_lite computes it
_UFUNC_DEFAULTS = {"dtype": None, "where": True, "casting": "same_kind", "order": "K", "subok": True}


class NumPyProtocols:
    """The NumPy protocols of :class:`~autograd_lite.Tensor` (see the module's description)."""

    __slots__ = ()

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        op = None if kwargs else _PRIMITIVE_OF_UFUNC.get(ufunc)
        if op is not None and method == "__call__":  # ndarray + Tensor: straight to the op, as t + a
            return self._apply(op, inputs)
        return _ufunc_call(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Callable[..., Any], types: Any, args: Any, kwargs: Any) -> Any:
        return _function_call(func, args, kwargs)


def _ufunc_call(ufunc: np.ufunc, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    name = f"numpy.{ufunc.__name__}"
    if method != "__call__":
        raise TypeError(f"{name}.{method} is not supported on Tensors: call the autograd_lite op "
                        f"(ag.sum for np.add.reduce, ag.cumsum for np.add.accumulate, ...)")
    if kwargs.get("out") is not None:
        raise TypeError(f"{name}(..., out=...) with a Tensor: writing the result into an array would "
                        f"drop its graph; write y = {name}(...) (or a = a + t) instead")
    for key, value in kwargs.items():
        default = _UFUNC_DEFAULTS.get(key, _UFUNC_DEFAULTS)
        same = value is default or isinstance(value, (str, bool)) and value == default
        if key != "out" and not same:
            raise TypeError(f"{name}: the keyword {key}={value!r:.40} is not supported on Tensors")
    if ufunc.__name__ in _PLAIN_UFUNCS:
        data = [data_of(x) for x in inputs]
        return getattr(_namespace(data), ufunc.__name__)(*data)
    op = _ops().get(_RENAMED.get(ufunc.__name__, ufunc.__name__))
    if op is None:
        raise TypeError(f"{name} is not supported on Tensors (autograd_lite has no "
                        f"{ufunc.__name__}); compute on t.numpy() to leave the graph on purpose")
    if isinstance(op, Primitive):
        _PRIMITIVE_OF_UFUNC[ufunc] = op
    return op(*inputs)


def _function_call(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    name = _numpy_name(func)
    ours = _functions().get(func)
    if ours is not None:
        return _called_as_numpy_calls(name, func, ours, args, kwargs)
    if func.__name__ in _READ_ONLY and func.__module__.startswith("numpy"):
        return func(*_plain(args), **_plain(kwargs))
    raise TypeError(f"{name} is not supported on Tensors (autograd_lite has no {name[6:]}); "
                    f"compute on t.numpy() to leave the graph on purpose")


def _called_as_numpy_calls(name: str, numpy_function: Callable[..., Any], ours: Callable[..., Any],
                           args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``ours`` called with the arguments of a call to ``numpy_function``, matched by NumPy's
    signature: NumPy's leading array arguments by position, the rest by name; a NumPy argument that
    ``ours`` lacks is an error unless it was passed as None (``out=None``, ``dtype=None``)."""
    numpy_parameters, leading, our_signature = _signature(numpy_function, ours)
    try:
        bound = numpy_parameters.bind(*args, **kwargs)
    except TypeError as error:
        raise TypeError(f"{name}: {error}") from None
    positional: list[Any] = []
    named: dict[str, Any] = {}
    our_parameters = our_signature.parameters
    for key, value in bound.arguments.items():
        kind = numpy_parameters.parameters[key].kind
        if kind is inspect.Parameter.VAR_POSITIONAL:
            positional.extend(value)
        elif kind is inspect.Parameter.VAR_KEYWORD:
            named.update(value)  # NumPy's **kwargs (np.pad's constant_values): ours checks them
        elif key in leading:
            positional.append(value)
        elif key in our_parameters:
            named[key] = value
        elif value is not None:
            raise TypeError(f"{name}: the argument {key}={value!r:.40} is not supported on Tensors "
                            f"(autograd_lite.{ours.__name__} has no {key})")
    # ours' leading parameters go by position, so that a primitive finds a Tensor among its inputs
    ours_bound = our_signature.bind_partial(*positional, **named)
    return ours(*ours_bound.args, **ours_bound.kwargs)


@functools.cache
def _signature(numpy_function: Callable[..., Any], ours: Callable[..., Any]
               ) -> tuple[inspect.Signature, tuple[str, ...], inspect.Signature]:
    """NumPy's signature; its leading array parameters that ``ours`` names otherwise (``np.sum``'s
    ``a``): those before the first one that ``ours`` has by name or that has a default; and ours'
    signature (both read once per pair of functions)."""
    theirs = inspect.signature(numpy_function)
    our_signature = inspect.signature(ours)
    our_names = our_signature.parameters
    leading = []
    for key, parameter in theirs.parameters.items():
        if key in our_names or parameter.default is not inspect.Parameter.empty or \
                parameter.kind not in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            break
        leading.append(key)
    return theirs, tuple(leading), our_signature


@functools.cache
def _ops() -> dict[str, Callable[..., Any]]:
    """autograd_lite's public functions by name (read when first needed: after the package loads)."""
    import autograd_lite

    return {name: getattr(autograd_lite, name) for name in autograd_lite.__all__
            if callable(getattr(autograd_lite, name)) and not isinstance(getattr(autograd_lite, name), type)}


@functools.cache
def _functions() -> dict[Callable[..., Any], Callable[..., Any]]:
    """NumPy's functions (of ``numpy`` and ``numpy.linalg``) -> autograd_lite's of the same name."""
    from . import linalg

    table = {}
    for name, ours in _ops().items():
        theirs = getattr(np, name, None)
        if callable(theirs) and not isinstance(theirs, np.ufunc):
            table[theirs] = ours
    for alias, name in _ALIASES.items():
        if name in _ops():
            table[getattr(np, alias)] = _ops()[name]
    for name in getattr(linalg, "__all__", ()):
        theirs = getattr(np.linalg, name, None)
        if callable(theirs):
            table[theirs] = getattr(linalg, name)
    return table


def _numpy_name(func: Callable[..., Any]) -> str:
    return f"{func.__module__}.{func.__name__}"


def _plain(value: Any) -> Any:
    """``value`` with every Tensor replaced by its data (in lists, tuples and dicts too)."""
    if isinstance(value, Node):
        return value._data
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {key: _plain(v) for key, v in value.items()}
    return value


def _namespace(data: list[Any]) -> Any:
    from .backend import namespace

    return namespace(*data)
