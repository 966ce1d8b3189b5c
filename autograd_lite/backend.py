"""Array back ends: which array library holds a tensor's data, and what the array API standard lacks.

A ``Tensor`` holds an array of any library that implements the `Python array API standard
<https://data-apis.org/array-api/>`_: NumPy on the host, CuPy on an NVIDIA GPU, array-api-strict
for testing. Every forward and VJP asks :func:`namespace` for its inputs' library (``xp``, by the
standard's convention) and calls the standard's functions on it: ``xp.exp``, ``xp.sum(x, axis=…,
keepdims=…)``, ``xp.permute_dims``. The few things the standard does not define live here and only
here: :func:`scatter_add` (``np.add.at``), moving between devices (:func:`to_device`,
:func:`to_host`), and the dtype names and defaults of a device. Nothing else in the package imports
NumPy for array math (ruff's banned-import rule enforces it); random numbers are drawn on the host
with a NumPy ``Generator`` and then moved, so weights are the same on every device.

>>> import numpy as np
>>> from autograd_lite import backend
>>> backend.namespace(np.ones(2), 3.0) is np
True
>>> backend.device_of(np.ones(2))
'cpu'
"""

from __future__ import annotations

import importlib
import operator
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import numpy as np

__all__ = ["DeviceError", "Namespace", "array", "default_float", "device_of", "dtype_kind", "dtype_name",
           "dtype_of", "index_in", "is_array", "is_scalar", "namespace", "namespace_of_device", "scatter_add",
           "to_device", "to_host"]

Namespace = ModuleType  # an array API namespace: the module whose functions compute on the arrays

ndarray = np.ndarray
host_namespace = np  # what lands on the host (saving weights, drawing, repr) is a NumPy array

_PLAIN = frozenset((float, int, bool))  # Python numbers: of no namespace, they mix with any array
# The namespace of each array class met so far, so that finding it is one dictionary read: NumPy's
# scalars count as NumPy arrays; Python numbers map to None.
_NAMESPACE_OF_CLASS: dict[type, Namespace | None] = {np.ndarray: np, float: None, int: None, bool: None}


class DeviceError(ValueError):
    """Arrays of two libraries, or on two devices, met in one operation; the message names both."""


def namespace(x: Any, y: Any = None, *more: Any) -> Namespace:
    """The array namespace of the arrays and Python numbers given: NumPy unless an array of another
    library is among them. Arrays of two libraries, or on two devices, raise :class:`DeviceError`.

    >>> import array_api_strict as xps
    >>> namespace(xps.asarray([1.0]), 2.0) is xps
    True
    >>> namespace(np.ones(1), xps.asarray([1.0]))
    Traceback (most recent call last):
      ...
    autograd_lite.backend.DeviceError: an operation got arrays of two libraries, numpy and ...
    """
    # Every forward asks, so NumPy arrays with numbers are answered first, by class alone.
    if x.__class__ is ndarray and (y is None or y.__class__ is ndarray or y.__class__ in _PLAIN) \
            and not more:
        return np
    return _namespace_of((x, *more) if y is None else (x, y, *more))


def _namespace_of(data: Sequence[Any]) -> Namespace:
    """:func:`namespace`, the general case: each class's namespace read from (or added to) a table."""
    found = None
    for x in data:
        xp = _NAMESPACE_OF_CLASS.get(x.__class__, _UNSEEN)
        if xp is _UNSEEN:
            xp = _look_up(x)
        if xp is not found and xp is not None:
            if found is not None:
                raise DeviceError(_mixed_message(data))
            found = xp
    if found is None or found is np:
        return np
    if len(data) > 1:
        _check_one_device(found, data)
    return found


def _check_one_device(xp: Namespace, data: Sequence[Any]) -> None:
    """Raise :class:`DeviceError` unless the arrays of ``xp`` among ``data`` share one device."""
    device = None
    for x in data:
        if _NAMESPACE_OF_CLASS.get(x.__class__) is xp:
            if device is None:
                device = x.device
            elif x.device != device:
                raise DeviceError(_mixed_message(data))


_UNSEEN = object()


def _look_up(x: Any) -> Namespace | None:
    """The namespace of an array class not met before (remembered for the next time)."""
    cls = x.__class__
    if isinstance(x, (np.ndarray, np.generic)):
        xp = np
    elif hasattr(x, "__array_namespace__"):
        xp = _compat_namespace(x)
    elif isinstance(x, (list, tuple)):  # constants given as lists are NumPy data, as NumPy reads them
        return np
    elif isinstance(x, (float, int)) or x is None:
        return None
    else:
        raise TypeError(f"{type(x).__name__} is not an array: use a NumPy array, an array of a library "
                        f"with the array API (__array_namespace__), or a Python number")
    _NAMESPACE_OF_CLASS[cls] = xp
    return xp


def _compat_namespace(x: Any) -> Namespace:
    """The standard namespace of ``x``: CuPy's through array-api-compat (which fills CuPy's gaps),
    any other library's own ``__array_namespace__()``."""
    if type(x).__module__.startswith("cupy"):
        try:
            import array_api_compat
        except ImportError:
            return x.__array_namespace__()
        return array_api_compat.array_namespace(x)
    return x.__array_namespace__()


def _library(x: Any) -> str:
    xp = None if x.__class__ in _PLAIN else namespace(x)
    return "Python number" if xp is None else xp.__name__.split(".")[-1]


def _mixed_message(data: Sequence[Any]) -> str:
    arrays = [x for x in data if x.__class__ not in _PLAIN and x is not None]
    libraries = list(dict.fromkeys(_library(x) for x in arrays))
    if len(libraries) > 1:
        return (f"an operation got arrays of two libraries, {libraries[0]} and {libraries[1]}: move one "
                f"to the other's device first, e.g. t.to(device) or ag.asarray(data, device=...)")
    devices = list(dict.fromkeys(repr(device_of(x)) for x in arrays))
    return (f"an operation got arrays on two devices, {devices[0]} and {devices[1]}: move one to the "
            f"other's device first, e.g. t.to({devices[0]})")


def is_array(x: Any) -> bool:
    """Whether ``x`` is an array (NumPy's, or of a library with ``__array_namespace__``)."""
    if isinstance(x, np.ndarray):
        return True
    return hasattr(x, "__array_namespace__") and not isinstance(x, (type, np.generic))


def is_scalar(x: Any) -> bool:
    """Whether ``x`` is a number: Python's, or a NumPy scalar (``np.float64(1.0)``)."""
    return isinstance(x, (np.generic, float, int))


# ---- devices ----------------------------------------------------------------------------------


def device_of(x: Any) -> Any:
    """The device ``x`` lives on: ``"cpu"`` for NumPy data, numbers and lists, else the library's
    device object (the standard's ``x.device``)."""
    if isinstance(x, (np.ndarray, np.generic, float, int, list, tuple)):
        return "cpu"
    return x.device


def _cupy() -> ModuleType:
    """CuPy, or an ImportError that says how to install it."""
    try:
        return importlib.import_module("cupy")
    except ImportError:
        raise ImportError("the device 'cuda' runs on CuPy, which is not installed: "
                          "pip install 'autograd_lite[gpu]'") from None


def _cuda_index(device: str) -> int:
    _, _, index = device.partition(":")
    try:
        return int(index) if index else 0
    except ValueError:
        raise ValueError(f"device {device!r}: write 'cuda' or 'cuda:N' with N a GPU's number") from None


def to_device(x: Any, device: Any) -> Any:
    """``x`` on ``device``: ``"cpu"`` (NumPy), ``"cuda"`` or ``"cuda:N"`` (CuPy), or a device object
    (the standard's ``x.to_device``; host data goes into the library the device belongs to, see
    :func:`namespace_of_device`). Already there: ``x`` itself."""
    if isinstance(device, str):
        if device == "cpu":
            return to_host(x)
        if device.startswith("cuda"):
            cupy = _cupy()
            with cupy.cuda.Device(_cuda_index(device)):
                return cupy.asarray(x) if isinstance(x, np.ndarray) else cupy.asarray(to_host(x))
        raise ValueError(f"unknown device {device!r}: use 'cpu', 'cuda', 'cuda:N' or a device object "
                         f"of the array's library")
    if isinstance(x, np.ndarray):
        return namespace_of_device(device).asarray(x, device=device, copy=True)
    if namespace(x) is not namespace_of_device(device):
        return namespace_of_device(device).asarray(to_host(x), device=device, copy=True)
    return x if device_of(x) == device else x.to_device(device)


def to_host(x: Any) -> np.ndarray:
    """``x`` as a NumPy array on the host (``x`` itself if it already is one; a copy otherwise)."""
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, (np.generic, float, int)):
        return np.asarray(x)
    if type(x).__module__.startswith("cupy"):
        return x.get()
    return np.from_dlpack(x) if hasattr(x, "__dlpack__") else np.asarray(x)


def array(data: Any, dtype: Any = None, device: Any = None, xp: Namespace | None = None) -> Any:
    """A new array (a copy) of ``data`` — an array, a number, nested lists — on ``device``.

    ``device`` is ``"cpu"`` (NumPy), ``"cuda"``/``"cuda:N"`` (CuPy), a device object of ``xp`` (or
    of ``data``'s library), or ``None`` (where ``data`` is; NumPy for lists and numbers). ``dtype``
    may be spelled as NumPy spells it (``float``, ``"float32"``, ``np.float32``).
    """
    if isinstance(device, str):
        moved = to_device(np.asarray(data) if not is_array(data) else data, device)
        copy = moved is data or (isinstance(moved, np.ndarray) and moved.base is not None)
        return _converted(namespace(moved), moved, dtype, copy)
    if xp is None:
        xp = namespace(data) if is_array(data) else np
    if xp is np:
        if device is not None:
            raise DeviceError(f"NumPy arrays live on 'cpu', not on {device!r}: give the device's "
                              f"library too (xp=...)")
        return np.array(to_host(data) if is_array(data) else data, dtype=dtype, copy=True)
    if is_array(data) and namespace(data) is not xp:
        data = to_host(data)
    return xp.asarray(data, dtype=dtype_of(xp, dtype), device=device, copy=True)


def _converted(xp: Namespace, x: Any, dtype: Any, copy: bool) -> Any:
    if xp is np:
        return np.array(x, dtype=dtype, copy=True) if copy or dtype is not None else x
    return xp.asarray(x, dtype=dtype_of(xp, dtype), copy=True) if copy or dtype is not None else x


# ---- dtypes -----------------------------------------------------------------------------------


def dtype_of(xp: Namespace, dtype: Any) -> Any:
    """``dtype`` as namespace ``xp`` names it: NumPy's spellings (``float``, ``"float32"``,
    ``np.float32``) map to ``xp.float64``, ``xp.float32``; ``None`` stays ``None``."""
    if dtype is None or xp is np:
        return dtype
    try:
        name = np.dtype(dtype).name
    except TypeError:
        return dtype  # already the namespace's own dtype object
    try:
        return getattr(xp, name)
    except AttributeError:
        raise TypeError(f"the array library {xp.__name__} has no dtype {name}") from None


_KINDS = (("bool", "b"), ("signed integer", "i"), ("unsigned integer", "u"), ("real floating", "f"),
          ("complex floating", "c"))


def dtype_kind(dtype: Any) -> str:
    """NumPy's one-letter kind of ``dtype`` (``"b"``, ``"i"``, ``"u"``, ``"f"``, ``"c"``; ``"O"``
    for others), for a dtype of any library."""
    kind = getattr(dtype, "kind", None)
    if isinstance(kind, str):
        return kind
    xp = _namespace_of_dtype(dtype)
    for name, letter in _KINDS:
        if xp.isdtype(dtype, name):
            return letter
    return "O"


def _namespace_of_dtype(dtype: Any) -> Namespace:
    module = type(dtype).__module__.split(".")[0]
    return importlib.import_module(module)


def default_float(xp: Namespace, device: Any) -> Any:
    """The widest real floating dtype of ``device``: float64, or float32 where a device has no
    float64 (the standard's ``__array_namespace_info__().dtypes``)."""
    if xp is np:
        return np.float64
    info = xp.__array_namespace_info__()
    floats = info.dtypes(device=device, kind="real floating")
    return floats.get("float64", info.default_dtypes(device=device)["real floating"])


def dtype_name(dtype: Any) -> str:
    """The dtype's name as NumPy writes it (``"float32"``), for a dtype of any library."""
    try:
        return np.dtype(dtype).name
    except TypeError:
        return str(dtype).split(".")[-1]  # a dtype of another library: array_api_strict.float32


def finfo_eps(dtype: Any) -> float:
    """Machine epsilon of a floating ``dtype`` of any library."""
    return float(np.finfo(dtype_name(dtype)).eps)


# ---- what the standard lacks ------------------------------------------------------------------


def scatter_add(out: Any, index: Any, values: Any) -> None:
    """Add ``values`` into ``out`` at ``index``, in place; repeated indices accumulate (NumPy's
    ``np.add.at``; CuPy's ``cupyx.scatter_add``). Other libraries add on the host and copy back,
    which is exact and slow: the standard has no scatter (``array_api_extra.at(...).add`` does not
    accumulate repeated indices)."""
    if isinstance(out, np.ndarray):
        np.add.at(out, index, values)
        return
    module = type(out).__module__
    if module.startswith("cupy"):
        importlib.import_module("cupyx").scatter_add(out, _host_index(index, to_cupy=True), values)
        return
    xp = namespace(out)
    host = np.array(to_host(out), copy=True)
    np.add.at(host, _host_index(index), to_host(values))
    out[...] = xp.asarray(host, device=device_of(out))


def _host_index(index: Any, to_cupy: bool = False) -> Any:
    parts = index if isinstance(index, tuple) else (index,)
    moved = tuple(to_host(p) if is_array(p) and not isinstance(p, np.ndarray) and not to_cupy else p
                  for p in parts)
    return moved if isinstance(index, tuple) else moved[0]


def index_in(xp: Namespace, index: Any, device: Any) -> Any:
    """An index for an array of ``xp`` on ``device``: NumPy integer or boolean arrays in it moved
    there (ints, slices, None and Ellipsis as they are)."""
    if xp is np:
        return index
    parts = index if isinstance(index, tuple) else (index,)
    moved = tuple(xp.asarray(p, device=device) if isinstance(p, np.ndarray) else
                  operator.index(p) if isinstance(p, np.integer) else p for p in parts)
    return moved if isinstance(index, tuple) else moved[0]


def namespace_of_device(device: Any) -> Namespace:
    """The namespace whose arrays live on ``device``: NumPy for ``"cpu"``, CuPy for ``"cuda"`` and
    ``"cuda:N"`` (an ImportError that says how to install it, without CuPy), else the library that
    defines the device object's class (``array_api_strict.Device`` → ``array_api_strict``), so that
    host data can move to a device object by itself (``Module.to``).

    >>> namespace_of_device("cpu") is np
    True
    >>> import array_api_strict as xps
    >>> namespace_of_device(xps.Device("device1")) is xps
    True
    """
    if isinstance(device, str):
        return np if device == "cpu" else namespace(to_device(np.zeros(0), device))
    library = importlib.import_module(type(device).__module__.partition(".")[0])
    if not hasattr(library, "__array_namespace_info__"):
        raise DeviceError(f"{device!r} is not a device of an array library with the array API: use "
                          f"'cpu', 'cuda', 'cuda:N' or a device object such as x.device")
    return namespace(library.asarray(0.0))  # as namespace() finds it (CuPy's through array-api-compat)
