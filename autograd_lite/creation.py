"""Array constructors: zeros, ones, full, empty, eye, identity, arange, linspace, and their ``*_like``.

Each returns a new leaf :class:`~autograd_lite.Tensor` (they are not differentiable: there is nothing
to differentiate with respect to), with NumPy's signature and dtype rules: float64 for ``zeros``,
``ones``, ``empty``, ``eye``, ``identity`` and ``linspace``, the fill value's dtype for ``full``,
the arguments' for ``arange``; the ``*_like`` functions keep the prototype's shape, dtype and device.
The keywords ``device`` and ``xp`` place the result as :func:`~autograd_lite.asarray` does (``"cpu"``,
``"cuda"``, ``"cuda:N"`` or a device object of the library ``xp``; where a device has no float64,
the float default is its widest float), and ``requires_grad=True`` makes a leaf to train (a float
dtype only, as in PyTorch).

>>> import autograd_lite as ag
>>> ag.zeros((2, 3)).dtype, ag.arange(4).dtype, ag.full(2, 7).data
(dtype('float64'), dtype('int64'), array([7, 7]))
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from . import backend
from ._checks import boolean, integer, invalid
from .backend import DeviceError, Namespace, ndarray
from .engine import _leaf, constant_data, data_of
from .tensor import Tensor
from .typing import ArrayLike, DTypeLike

__all__ = ["arange", "empty", "empty_like", "eye", "full", "full_like", "identity", "linspace", "ones",
           "ones_like", "zeros", "zeros_like"]

_host = backend.host_namespace  # dtype rules are NumPy's; arange and linspace compute on the host
_FLOAT64 = _host.dtype(_host.float64)
_KINDS = "biuf"  # the dtypes a Tensor holds: bool, signed and unsigned integers, floats
Shape = int | Sequence[int]


# ---- the arguments every constructor shares ---------------------------------------------------------


def _shape(where: str, shape: Any, name: str = "shape") -> tuple[int, ...]:
    """``shape`` (an integer or a sequence of them) as a tuple of non-negative ints."""
    sizes = shape if isinstance(shape, (tuple, list)) else (shape,)
    try:
        if any(isinstance(n, bool) for n in sizes):
            raise TypeError
        dims = tuple(operator.index(n) for n in sizes)
    except TypeError:
        raise TypeError(invalid(where, name, shape, "an integer or a tuple of integers")) from None
    if any(n < 0 for n in dims):
        raise ValueError(f"{where}: negative dimensions are not allowed, got {name} {shape!r}")
    return dims


def _dtype(where: str, dtype: Any) -> Any:
    """``dtype`` (NumPy's spellings, or a dtype object of any array library) as a NumPy dtype, or None."""
    if dtype is None:
        return None
    try:
        found = _host.dtype(dtype)
    except TypeError:
        try:
            found = _host.dtype(backend.dtype_name(dtype))  # another library's, e.g. array_api_strict.float32
        except TypeError:
            raise TypeError(invalid(where, "dtype", dtype, "a dtype such as float, 'float32', "
                                    "np.int64 or bool")) from None
    if found.kind not in _KINDS:
        raise TypeError(f"{where}: unsupported dtype {found}; use float, integer or bool dtypes")
    return found


def _placement(where: str, device: Any, xp: Namespace | None) -> tuple[Namespace, Any]:
    """The library and device object of a new array, from ``device`` and ``xp`` as
    :func:`~autograd_lite.asarray` takes them (``None``: the library's default device)."""
    try:
        if isinstance(device, str):
            if device == "cpu":
                return _host, None
            moved = backend.to_device(_host.zeros(0), device)  # "cuda", "cuda:N" (CuPy)
            return backend.namespace(moved), moved.device
        if device is None:
            return (xp or _host), None
        found = backend.namespace_of_device(device)
    except (ValueError, ImportError) as error:
        raise type(error)(f"{where}: {error}") from None
    if xp is not None and xp is not found:
        raise DeviceError(f"{where}: device {device!r} belongs to {found.__name__}, not to xp={xp.__name__}")
    return found, device


def _default_float(xp: Namespace, device: Any) -> Any:
    """float64, or the widest float of a device that has no float64, as a NumPy dtype."""
    if xp is _host:
        return _FLOAT64
    return _host.dtype(backend.dtype_name(backend.default_float(xp, device)))


def _requires_grad(where: str, requires_grad: Any, dtype: Any) -> bool:
    requires_grad = boolean(requires_grad, "requires_grad", where)
    if requires_grad and dtype.kind != "f":
        raise TypeError(f"{where}: only floating dtypes can require grad, not {dtype}: give dtype=float")
    return requires_grad


def _leaf_of(data: Any, requires_grad: bool) -> Tensor:
    return _leaf(Tensor, data, requires_grad)  # a new array that nothing else holds: no copy


def _placed(where: str, data: Any, xp: Namespace, device: Any, requires_grad: bool,
            dtype: Any = None) -> Tensor:
    """A leaf holding the new array ``data`` as ``dtype`` on ``device`` of ``xp`` (``data`` itself where
    it is a NumPy array that already fits)."""
    if xp is not _host or data.__class__ is not ndarray or (dtype is not None and data.dtype != dtype):
        try:
            data = backend.array(data, dtype=backend.dtype_of(xp, dtype), device=device, xp=xp)
        except (TypeError, ValueError) as error:
            raise type(error)(f"{where}: {error}") from None
    return _leaf_of(data, requires_grad)


def _made(where: str, make: Any, dtype: Any, xp: Namespace, device: Any, requires_grad: bool) -> Tensor:
    """A leaf of ``make(xp dtype, **device)``, with the library's errors named after ``where``."""
    # CuPy's creation functions ignore device= (array-api-compat); its Device is a context manager.
    try:
        if device is None:
            data = make(backend.dtype_of(xp, dtype))
        else:
            with device if hasattr(device, "__enter__") else nullcontext():
                data = make(backend.dtype_of(xp, dtype), device=device)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{where}: {error}") from None
    return _leaf_of(data, requires_grad)


# ---- constructors -----------------------------------------------------------------------------------


def zeros(shape: Shape, dtype: DTypeLike = None, *, device: Any = None, xp: Namespace | None = None,
          requires_grad: bool = False) -> Tensor:
    """A Tensor of zeros of ``shape`` (NumPy's ``np.zeros``; float64 unless ``dtype`` is given).

    >>> ag.zeros((2, 2), requires_grad=True)
    Tensor([[0., 0.],
            [0., 0.]], requires_grad=True)
    """
    return _filled("zeros", shape, dtype, device, xp, requires_grad)


def ones(shape: Shape, dtype: DTypeLike = None, *, device: Any = None, xp: Namespace | None = None,
         requires_grad: bool = False) -> Tensor:
    """A Tensor of ones of ``shape`` (NumPy's ``np.ones``; float64 unless ``dtype`` is given).

    >>> ag.ones(3, dtype=int).data
    array([1, 1, 1])
    """
    return _filled("ones", shape, dtype, device, xp, requires_grad)


def empty(shape: Shape, dtype: DTypeLike = None, *, device: Any = None, xp: Namespace | None = None,
          requires_grad: bool = False) -> Tensor:
    """A Tensor of ``shape`` whose values are whatever the memory held (NumPy's ``np.empty``).

    >>> ag.empty((2, 0)).shape
    (2, 0)
    """
    return _filled("empty", shape, dtype, device, xp, requires_grad)


def _filled(where: str, shape: Any, dtype: Any, device: Any, xp: Namespace | None,
            requires_grad: Any) -> Tensor:
    """``xp.zeros``, ``xp.ones`` or ``xp.empty`` (``where``) as a leaf, the arguments checked first."""
    shape = _shape(where, shape)
    dtype = _dtype(where, dtype)
    xp, device = _placement(where, device, xp)
    dtype = dtype if dtype is not None else _default_float(xp, device)
    requires_grad = _requires_grad(where, requires_grad, dtype)
    make = getattr(xp, where)
    return _made(where, lambda d, **on: make(shape, dtype=d, **on), dtype, xp, device, requires_grad)


def full(shape: Shape, fill_value: Any, dtype: DTypeLike = None, *, device: Any = None,
         xp: Namespace | None = None, requires_grad: bool = False) -> Tensor:
    """A Tensor of ``shape`` filled with ``fill_value`` (NumPy's ``np.full``): a number, or an array
    that broadcasts to ``shape``. The dtype is the fill value's unless ``dtype`` is given (NumPy's
    rule: ``full(2, 7)`` is int64, ``full(2, 7.0)`` float64, ``full(2, True)`` bool); the fill value
    is cast to it as NumPy casts (``full(2, 2.5, dtype=int)`` holds 2). A fill value that is an
    array of another library puts the result on its device unless ``device`` or ``xp`` is given; a
    Tensor's data is used without its graph.

    >>> ag.full((2,), 0.5).data, ag.full((2, 2), [1, 2]).data
    (array([0.5, 0.5]), array([[1, 2],
           [1, 2]]))
    """
    shape = _shape("full", shape)
    dtype = _dtype("full", dtype)
    value = constant_data(fill_value, "fill_value", "full")
    foreign = backend.is_array(value) and value.__class__ is not ndarray
    if foreign and device is None and xp is None:
        xp, device = backend.namespace(value), backend.device_of(value)
    xp, device = _placement("full", device, xp)
    if not foreign:
        try:
            value = _host.asarray(value, dtype=dtype)  # NumPy's dtype of the fill value, and its casts
        except (TypeError, ValueError, OverflowError) as error:
            raise type(error)(f"full: invalid fill_value {fill_value!r:.60}: {error}") from None
    dtype = dtype if dtype is not None else _dtype("full", value.dtype)
    requires_grad = _requires_grad("full", requires_grad, dtype)

    def make(d: Any, **on: Any) -> Any:
        array = backend.array(value, dtype=d, device=on.get("device"), xp=xp)
        try:
            return backend.array(xp.broadcast_to(array, shape), xp=xp)  # a copy that owns its memory
        except ValueError:
            raise ValueError(f"fill_value of shape {tuple(array.shape)} does not broadcast to shape "
                             f"{shape}") from None
    return _made("full", make, dtype, xp, device, requires_grad)


def eye(N: int, M: int | None = None, k: int = 0, dtype: DTypeLike = None, *, device: Any = None,
        xp: Namespace | None = None, requires_grad: bool = False) -> Tensor:
    """An N×M Tensor with ones on the ``k``-th diagonal and zeros elsewhere (NumPy's ``np.eye``;
    ``M`` defaults to ``N``, float64 unless ``dtype`` is given).

    >>> ag.eye(2, 3, k=1).data
    array([[0., 1., 0.],
           [0., 0., 1.]])
    """
    rows = integer(N, "N", "eye", minimum=0)
    cols = rows if M is None else integer(M, "M", "eye", minimum=0)
    k = integer(k, "k", "eye")
    dtype = _dtype("eye", dtype)
    xp, device = _placement("eye", device, xp)
    dtype = dtype if dtype is not None else _default_float(xp, device)
    requires_grad = _requires_grad("eye", requires_grad, dtype)
    return _made("eye", lambda d, **on: xp.eye(rows, cols, k=k, dtype=d, **on), dtype, xp, device,
                 requires_grad)


def identity(n: int, dtype: DTypeLike = None, *, device: Any = None, xp: Namespace | None = None,
             requires_grad: bool = False) -> Tensor:
    """The n×n identity matrix as a Tensor (NumPy's ``np.identity``; float64 unless ``dtype`` is given).

    >>> ag.identity(2, dtype=bool).data
    array([[ True, False],
           [False,  True]])
    """
    n = integer(n, "n", "identity", minimum=0)
    dtype = _dtype("identity", dtype)
    xp, device = _placement("identity", device, xp)
    dtype = dtype if dtype is not None else _default_float(xp, device)
    requires_grad = _requires_grad("identity", requires_grad, dtype)
    return _made("identity", lambda d, **on: xp.eye(n, n, dtype=d, **on), dtype, xp, device, requires_grad)


def _number(where: str, name: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(invalid(where, name, value, "a real number"))
    return value


def arange(start: float, stop: float | None = None, step: float | None = None, dtype: DTypeLike = None, *,
           device: Any = None, xp: Namespace | None = None, requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in [start, stop) by ``step`` as a Tensor (NumPy's ``np.arange``:
    ``arange(stop)``, ``arange(start, stop[, step])``; the dtype is the arguments' as NumPy finds it,
    int64 for integers, float64 if any is a float). Computed by NumPy on the host, so that its length
    and dtype rules hold exactly, then moved to ``device``.

    >>> ag.arange(5).data, ag.arange(1, 2, 0.25).data
    (array([0, 1, 2, 3, 4]), array([1.  , 1.25, 1.5 , 1.75]))
    """
    args = [_number("arange", "start", start)]
    if stop is not None:
        args.append(_number("arange", "stop", stop))
    if step is not None:
        args.append(_number("arange", "step", step))
        if step == 0:
            raise ValueError("arange: invalid step 0; it must not be zero")
        if stop is None:
            args.insert(0, 0)  # arange(stop, step=s): NumPy's start 0
    dtype = _dtype("arange", dtype)
    xp, device = _placement("arange", device, xp)
    try:
        host = _host.arange(*args, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise type(error)(f"arange: {error}") from None
    _dtype("arange", host.dtype)
    requires_grad = _requires_grad("arange", requires_grad, host.dtype)
    return _placed("arange", _narrowed(host, dtype, xp, device), xp, device, requires_grad)


def _narrowed(host: ndarray, dtype: Any, xp: Namespace, device: Any) -> ndarray:
    """``host`` as float32 where the device has no float64 and no dtype was asked for."""
    if dtype is None and host.dtype == _host.float64 and xp is not _host:
        return host.astype(_default_float(xp, device), copy=False)
    return host


def linspace(start: float, stop: float, num: int = 50, endpoint: bool = True, retstep: bool = False,
             dtype: DTypeLike = None, *, device: Any = None, xp: Namespace | None = None,
             requires_grad: bool = False) -> Tensor | tuple[Tensor, float]:
    """``num`` evenly spaced values from ``start`` to ``stop`` as a Tensor (NumPy's ``np.linspace``,
    for numbers: ``stop`` included unless ``endpoint=False``, ``(values, step)`` with ``retstep``,
    float64 unless ``dtype`` is given; an integer dtype rounds towards -inf, as NumPy 2 does).
    Computed by NumPy on the host, then moved to ``device``. Array ``start``/``stop`` (NumPy's
    ``axis``) are not taken.

    >>> ag.linspace(0, 1, 5).data
    array([0.  , 0.25, 0.5 , 0.75, 1.  ])
    """
    start, stop = _number("linspace", "start", start), _number("linspace", "stop", stop)
    num = integer(num, "num", "linspace", minimum=0)
    endpoint = boolean(endpoint, "endpoint", "linspace")
    retstep = boolean(retstep, "retstep", "linspace")
    dtype = _dtype("linspace", dtype)
    xp, device = _placement("linspace", device, xp)
    host, step = _host.linspace(start, stop, num, endpoint=endpoint, retstep=True, dtype=dtype)
    _dtype("linspace", host.dtype)
    requires_grad = _requires_grad("linspace", requires_grad, host.dtype)
    out = _placed("linspace", _narrowed(host, dtype, xp, device), xp, device, requires_grad)
    return (out, float(step)) if retstep else out


# ---- the *_like functions ---------------------------------------------------------------------------


def _prototype(where: str, a: Any, dtype: Any, shape: Any, device: Any) -> tuple[Any, ...]:
    """The shape, NumPy dtype, library and device of a ``*_like`` result: ``a``'s unless given."""
    data = data_of(a)
    if backend.is_array(data):
        xp, here, proto_shape, proto_dtype = backend.namespace(data), backend.device_of(data), \
            tuple(data.shape), _dtype(where, data.dtype)
    else:
        try:
            host = _host.asarray(data)
        except (TypeError, ValueError) as error:
            raise TypeError(f"{where}: cannot read the prototype {type(a).__name__} {a!r:.60}: {error}") \
                from None
        xp, here, proto_shape, proto_dtype = _host, None, host.shape, _dtype(where, host.dtype)
    shape = proto_shape if shape is None else _shape(where, shape)
    dtype = proto_dtype if dtype is None else _dtype(where, dtype)
    if device is not None:
        xp, here = _placement(where, device, None)
    elif xp is _host:
        here = None
    return shape, dtype, xp, here


def zeros_like(a: ArrayLike | Tensor, dtype: DTypeLike = None, *, shape: Shape | None = None,
               device: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros of ``a``'s shape, dtype and device (``a``: a Tensor, an array, a list); ``dtype``,
    ``shape`` and ``device`` override them (NumPy's ``np.zeros_like``). The result never has ``a``'s
    graph.

    >>> ag.zeros_like(Tensor([[1, 2]])).data
    array([[0, 0]])
    """
    return _like("zeros_like", zeros, a, dtype, shape, device, requires_grad)


def ones_like(a: ArrayLike | Tensor, dtype: DTypeLike = None, *, shape: Shape | None = None,
              device: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones of ``a``'s shape, dtype and device (NumPy's ``np.ones_like``; see :func:`zeros_like`).

    >>> ag.ones_like([1.5, 2.5]).data
    array([1., 1.])
    """
    return _like("ones_like", ones, a, dtype, shape, device, requires_grad)


def empty_like(a: ArrayLike | Tensor, dtype: DTypeLike = None, *, shape: Shape | None = None,
               device: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised Tensor of ``a``'s shape, dtype and device (NumPy's ``np.empty_like``).

    >>> ag.empty_like(np.ones((2, 3), dtype=np.float32)).dtype
    dtype('float32')
    """
    return _like("empty_like", empty, a, dtype, shape, device, requires_grad)


def _like(where: str, make: Any, a: Any, dtype: Any, shape: Any, device: Any, requires_grad: Any) -> Tensor:
    shape, dtype, xp, device = _prototype(where, a, dtype, shape, device)
    _requires_grad(where, requires_grad, dtype)
    return make(shape, dtype, device=device, xp=xp, requires_grad=requires_grad)


def full_like(a: ArrayLike | Tensor, fill_value: Any, dtype: DTypeLike = None, *, shape: Shape | None = None,
              device: Any = None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` in ``a``'s shape, dtype and device (NumPy's ``np.full_like``: the fill value is
    cast to ``a``'s dtype unless ``dtype`` is given, so ``full_like(ints, 2.5)`` holds 2).

    >>> ag.full_like(np.arange(3), 2.5).data
    array([2, 2, 2])
    """
    shape, dtype, xp, device = _prototype("full_like", a, dtype, shape, device)
    _requires_grad("full_like", requires_grad, dtype)
    return full(shape, fill_value, dtype, device=device, xp=xp, requires_grad=requires_grad)
