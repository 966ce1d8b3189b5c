"""Random arrays from one global ``numpy.random.Generator``, seeded by :func:`manual_seed`.

Every random draw of autograd_lite comes from this one generator: the functions below, the initial
weights of :mod:`autograd_lite.nn`'s layers, and the shuffling of ``Model.fit`` (unless ``fit`` is
given a ``seed`` of its own). So one ``ag.manual_seed(seed)`` makes a whole run reproducible, as
Keras' ``keras.utils.set_random_seed`` does. Numbers are drawn on the host, in float64 (int64 for
integers), with NumPy's ``Generator`` methods of the same names, and then cast to ``dtype`` and moved
to ``device``: a seed gives the same numbers on every device, and ``float32`` draws are the float64
ones rounded. Each function returns a new leaf :class:`~autograd_lite.Tensor`; ``device``, ``xp`` and
``requires_grad`` are as in :func:`~autograd_lite.zeros`.

>>> import autograd_lite as ag
>>> ag.manual_seed(0); a = ag.random.normal(size=3)
>>> ag.manual_seed(0); b = ag.random.normal(size=3)
>>> bool((a.data == b.data).all()), bool((a.data == np.random.default_rng(0).normal(size=3)).all())
(True, True)
"""

from __future__ import annotations

import numbers
import random
from typing import Any

from . import backend
from ._checks import boolean, integer, invalid
from .backend import Namespace, ndarray
from .creation import Shape, _default_float, _dtype, _placed, _placement, _requires_grad, _shape
from .engine import Node, _leaf, data_of
from .parameters import _axis_index
from .tensor import Tensor
from .tensor_ops import astype, getitem, to_device
from .typing import ArrayLike, DTypeLike

__all__ = ["get_generator", "get_rng_state", "manual_seed", "normal", "permutation", "rand", "randint",
           "randn", "set_random_seed", "set_rng_state", "uniform"]

_host = backend.host_namespace  # the generator draws on the host (see the module's docstring)
_generator = _host.random.default_rng()  # the one generator; manual_seed reseeds it in place


def manual_seed(seed: int) -> None:
    """Seed every random draw of autograd_lite: :mod:`autograd_lite.random`, the initial weights of
    new layers, and ``fit``'s shuffling (PyTorch's ``torch.manual_seed``; ``nn.manual_seed`` is this
    same function). The generator becomes NumPy's ``np.random.default_rng(seed)``.

    >>> from autograd_lite import nn
    >>> ag.manual_seed(0); a = nn.Linear(2, 2)
    >>> ag.manual_seed(0); b = nn.Linear(2, 2)
    >>> bool((a.weight.data == b.weight.data).all())
    True
    """
    seed = integer(seed, "seed", "manual_seed", minimum=0)
    _generator.bit_generator.state = _host.random.PCG64(seed).state


def set_random_seed(seed: int) -> None:
    """Keras' ``keras.utils.set_random_seed``: seed Python's :mod:`random`, NumPy's global
    ``np.random`` and autograd_lite's generator (:func:`manual_seed`) at once, so that a script that
    draws its data with ``np.random`` and then builds and fits a model runs the same every time.

    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> ag.set_random_seed(0); data, layer = np.random.randn(2), nn.Linear(2, 2)
    >>> ag.set_random_seed(0)
    >>> bool((np.random.randn(2) == data).all() and (nn.Linear(2, 2).weight.data == layer.weight.data).all())
    True
    """
    seed = integer(seed, "seed", "set_random_seed", minimum=0)
    if seed >= 2 ** 32:   # NumPy's global generator takes 32 bits, as under Keras
        raise ValueError(f"set_random_seed: invalid seed {seed}; it must be below 2**32")
    random.seed(seed)
    _host.random.seed(seed)
    manual_seed(seed)


def get_generator() -> Any:
    """The global ``numpy.random.Generator`` itself, to draw host data of your own from the same seed
    (e.g. a data set): its draws move the stream that weights and shuffling take from.

    >>> ag.manual_seed(1); ag.random.get_generator().integers(10, size=3).tolist()
    [4, 5, 7]
    """
    return _generator


def get_rng_state() -> dict[str, Any]:
    """The state of the global generator, for :func:`set_rng_state` (PyTorch's names): a copy, as
    NumPy's ``bit_generator.state`` gives it.

    >>> from autograd_lite import nn
    >>> state = nn.get_rng_state()
    >>> a = nn.Linear(2, 2); nn.set_rng_state(state); b = nn.Linear(2, 2)
    >>> bool((a.weight.data == b.weight.data).all())
    True
    """
    return _generator.bit_generator.state


def set_rng_state(state: dict[str, Any]) -> None:
    """Put the global generator back in a state :func:`get_rng_state` gave."""
    if not isinstance(state, dict):
        raise TypeError(invalid("set_rng_state", "state", state, "a dict from get_rng_state()"))
    try:  # NumPy checks the whole state before it sets any of it
        _generator.bit_generator.state = state
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(invalid("set_rng_state", "state", state, f"a dict from get_rng_state() "
                                 f"({type(error).__name__}: {error})")) from None


# ---- draws ------------------------------------------------------------------------------------------


def _size(where: str, size: Any) -> tuple[int, ...] | None:
    return None if size is None else _shape(where, size, "size")


def _where(device: Any, xp: Namespace | None, *parameters: Any) -> tuple[Any, Namespace | None]:
    """``device`` and ``xp``; where neither is given, the device of a parameter that is an array of
    a library other than NumPy's (as ``torch.normal(mean)`` draws on ``mean``'s device)."""
    if device is None and xp is None:
        for value in parameters:
            data = data_of(value)
            if backend.is_array(data) and data.__class__ is not ndarray:
                return backend.device_of(data), backend.namespace(data)
    return device, xp


def _parameter(where: str, name: str, value: Any) -> Any:
    """A distribution's parameter (a number or an array, as NumPy takes them) as host data."""
    value = data_of(value)
    if backend.is_array(value):
        return backend.to_host(value)
    if isinstance(value, bool) or (not isinstance(value, (numbers.Real, list, tuple))):
        raise TypeError(invalid(where, name, value, "a real number or an array of them"))
    return value


def _float_draw(where: str, draw: Any, dtype: Any, device: Any, xp: Namespace | None,
                requires_grad: Any) -> Tensor:
    """``draw()`` (a float64 host array from the generator) as a leaf of ``dtype`` on ``device``, every
    argument checked before the generator moves."""
    dtype = _dtype(where, dtype)
    xp, device = _placement(where, device, xp)
    dtype = dtype if dtype is not None else _default_float(xp, device)
    if dtype.kind != "f":
        raise TypeError(f"{where}: dtype must be a floating dtype, not {dtype}")
    requires_grad = _requires_grad(where, requires_grad, dtype)
    try:
        host = _host.asarray(draw(), dtype=_host.float64)
    except (TypeError, ValueError, OverflowError) as error:
        raise type(error)(f"{where}: {error}") from None
    return _placed(where, host.astype(dtype, copy=False), xp, device, requires_grad)


def normal(loc: float | ArrayLike = 0.0, scale: float | ArrayLike = 1.0, size: Shape | None = None, *,
           dtype: DTypeLike = None, device: Any = None, xp: Namespace | None = None,
           requires_grad: bool = False) -> Tensor:
    """Samples of the normal distribution N(loc, scale²) (NumPy's ``Generator.normal``: ``loc`` and
    ``scale`` are numbers or arrays that broadcast with ``size``; float64 unless ``dtype`` is given).
    Parameters on a device put the draw there unless ``device`` or ``xp`` is given (so for
    :func:`uniform` and :func:`randint`); a Tensor's data is used without its graph.

    >>> ag.manual_seed(0); ag.random.normal(10.0, 0.1, size=(2, 3)).shape
    (2, 3)
    """
    device, xp = _where(device, xp, loc, scale)
    loc, scale, size = _parameter("normal", "loc", loc), _parameter("normal", "scale", scale), \
        _size("normal", size)
    return _float_draw("normal", lambda: _generator.normal(loc, scale, size), dtype, device, xp,
                       requires_grad)


def uniform(low: float | ArrayLike = 0.0, high: float | ArrayLike = 1.0, size: Shape | None = None, *,
            dtype: DTypeLike = None, device: Any = None, xp: Namespace | None = None,
            requires_grad: bool = False) -> Tensor:
    """Samples of the uniform distribution on [low, high) (NumPy's ``Generator.uniform``).

    >>> x = ag.random.uniform(-1.0, 1.0, size=1000).data
    >>> bool(x.min() >= -1.0 and x.max() < 1.0)
    True
    """
    device, xp = _where(device, xp, low, high)
    low, high, size = _parameter("uniform", "low", low), _parameter("uniform", "high", high), \
        _size("uniform", size)
    return _float_draw("uniform", lambda: _generator.uniform(low, high, size), dtype, device, xp,
                       requires_grad)


def rand(*shape: int, dtype: DTypeLike = None, device: Any = None, xp: Namespace | None = None,
         requires_grad: bool = False) -> Tensor:
    """Uniform samples on [0, 1) of ``shape``, given as integers (NumPy's ``np.random.rand(2, 3)``)
    or one tuple (PyTorch's ``torch.rand((2, 3))``); drawn as ``Generator.random``.

    >>> ag.random.rand(2, 3).shape == ag.random.rand((2, 3)).shape == (2, 3)
    True
    """
    size = _shape("rand", shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape)
    return _float_draw("rand", lambda: _generator.random(size), dtype, device, xp, requires_grad)


def randn(*shape: int, dtype: DTypeLike = None, device: Any = None, xp: Namespace | None = None,
          requires_grad: bool = False) -> Tensor:
    """Standard normal samples of ``shape`` (NumPy's ``np.random.randn(2, 3)``, PyTorch's
    ``torch.randn``); drawn as ``Generator.standard_normal``.

    >>> ag.random.randn(4, requires_grad=True).requires_grad
    True
    """
    size = _shape("randn", shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape)
    return _float_draw("randn", lambda: _generator.standard_normal(size), dtype, device, xp, requires_grad)


def randint(low: int | ArrayLike, high: int | ArrayLike | None = None, size: Shape | None = None,
            dtype: DTypeLike = int, *, endpoint: bool = False, device: Any = None,
            xp: Namespace | None = None, requires_grad: bool = False) -> Tensor:
    """Random integers in [low, high) — [0, low) with one bound, [low, high] with ``endpoint=True``
    (NumPy's ``Generator.integers``, whose bounds may be arrays that broadcast with ``size``); int64
    unless ``dtype`` (an integer dtype, or bool) is given. Integers do not require grad.

    >>> ag.manual_seed(0); x = ag.random.randint(3, size=1000)
    >>> sorted(set(x.data.tolist())), x.dtype
    ([0, 1, 2], dtype('int64'))
    """
    device, xp = _where(device, xp, low, high)
    low = _parameter("randint", "low", low)
    high = None if high is None else _parameter("randint", "high", high)
    size = _size("randint", size)
    endpoint = boolean(endpoint, "endpoint", "randint")
    dtype = _dtype("randint", dtype)
    if dtype is None or dtype.kind not in "biu":
        raise TypeError(invalid("randint", "dtype", dtype, "an integer dtype (int, 'int32', ...) or bool"))
    xp, device = _placement("randint", device, xp)
    requires_grad = _requires_grad("randint", requires_grad, dtype)
    try:
        host = _host.asarray(_generator.integers(low, high, size, dtype=dtype, endpoint=endpoint))
    except (TypeError, ValueError, OverflowError) as error:
        raise type(error)(f"randint: {error}") from None
    return _placed("randint", host, xp, device, requires_grad)


def permutation(x: int | ArrayLike | Tensor, axis: int = 0, *, dtype: DTypeLike = None, device: Any = None,
                xp: Namespace | None = None, requires_grad: bool = False) -> Tensor:
    """A random permutation: of ``range(x)`` for an integer (int64), else of ``x`` along ``axis``
    (NumPy's ``Generator.permutation``, whose numbers it gives for the same seed). A Tensor is
    permuted as ``x[order]``, so the result keeps its graph (and its device, unless ``device`` moves
    it); other data gives a new leaf, on ``x``'s device unless ``device``/``xp`` say otherwise.

    >>> ag.manual_seed(0); order = ag.random.permutation(5).data
    >>> order.tolist() == np.random.default_rng(0).permutation(5).tolist()
    True
    >>> w = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> ag.random.permutation(w).sum().backward(); w.grad
    array([1., 1., 1.])
    """
    dtype = _dtype("permutation", dtype)
    requires_grad = boolean(requires_grad, "requires_grad", "permutation")
    if isinstance(x, numbers.Integral) and not isinstance(x, bool):
        n = integer(x, "x", "permutation", minimum=0)
        dtype = dtype if dtype is not None else _host.dtype(_host.int64)
        target, place = _placement("permutation", device, xp)
        _requires_grad("permutation", requires_grad, dtype)
        order = _generator.permutation(n)
        return _placed("permutation", order.astype(dtype, copy=False), target, place, requires_grad)
    data = _permuted_data(x)
    axis = _axis_index("permutation", axis, tuple(data.shape))
    if isinstance(x, Node):
        if x.requires_grad and requires_grad:
            raise TypeError("permutation: x already requires grad, and its permutation keeps x's graph: "
                            "leave requires_grad=False")
        if xp is not None:
            raise TypeError("permutation: xp= is for data of no library yet (lists, NumPy arrays); move "
                            "a Tensor with device=")
        target = place = None
        if device is not None:
            _placement("permutation", device, None)  # checked before the generator moves
    elif device is None and xp is None:  # where x is
        target = backend.namespace(data)
        place = None if target is _host else backend.device_of(data)
    else:
        target, place = _placement("permutation", device, xp)
    _requires_grad("permutation", requires_grad, dtype if dtype is not None else _dtype("permutation",
                                                                                        data.dtype))
    index = (slice(None),) * axis + (_generator.permutation(data.shape[axis]),)
    if not isinstance(x, Node):
        permuted = getitem(data, index)  # plain in, plain out: an array of data's own library
        return _placed("permutation", permuted, target, place, requires_grad, dtype)
    out = getitem(x, index)  # differentiable: the gradient goes back through the indexing
    if dtype is not None:
        out = astype(out, dtype)
    if device is not None:
        out = to_device(out, device)
    return _leaf(Tensor, out._data, True) if requires_grad else out


def _permuted_data(x: Any) -> Any:
    """The data of ``permutation``'s ``x``: an array of at least one dimension."""
    data = data_of(x)
    if not backend.is_array(data):
        try:
            data = _host.asarray(data)
        except (TypeError, ValueError) as error:
            raise TypeError(invalid("permutation", "x", x, f"an integer or an array ({error})")) from None
    if not data.shape:
        raise ValueError("permutation: x must be an integer or an array of at least one dimension, "
                         "not a 0-d array")
    return data
