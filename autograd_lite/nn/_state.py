"""A module's state as data: its parameters and persistent buffers by dotted name, loaded back with every
array checked before any is copied, and moved between devices. :class:`~autograd_lite.nn.Module`'s
``state_dict``, ``load_state_dict``, ``load_weights`` and ``to`` are built on these functions.

>>> from autograd_lite import nn
>>> IncompatibleKeys([], [])
<All keys matched successfully>
>>> nn.Linear(2, 1).load_state_dict({"weight": np.ones((1, 2))}, strict=False)
IncompatibleKeys(missing_keys=['bias'], unexpected_keys=[])
"""

from __future__ import annotations

import os
from collections import namedtuple
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import backend
from .._checks import invalid
from ..backend import ndarray
from ..engine import data_of
from ..tensor import Tensor
from ..typing import Data, Operand
from ._weights_file import names_mismatch, shape_mismatch
from .parameter import Parameter

if TYPE_CHECKING:
    from .module import Module

_host = backend.host_namespace  # host copies: checking what is loaded before anything changes


class IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict(state, strict=False)`` did not load, as PyTorch's named tuple: the
    module's names that ``state`` lacks (``missing_keys``), and the names of ``state`` the module does
    not have (``unexpected_keys``), each a list."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


class BadName(KeyError):
    """A name refused (as PyTorch refuses it, a ``KeyError``), its message shown as written."""

    def __str__(self) -> str:
        return str(self.args[0])


def load_state(module: Module, state: Mapping[str, Operand], strict: bool, where: str) -> IncompatibleKeys:
    """Copy the arrays of ``state`` into ``module``'s parameters and persistent buffers (see
    :meth:`Module.load_state_dict`): everything is checked, converted and placed first, then copied."""
    if not isinstance(state, Mapping):
        raise TypeError(f"{where}: expected a dict of arrays by name, not a {type(state).__name__}")
    entries = list(module._state_items())   # a tensor reached by two paths is there twice
    first: dict[int, str] = {}
    for name, tensor in entries:
        first.setdefault(id(tensor), name)
    own = dict(entries)
    given: dict[int, str] = {}   # the first of its names that state has
    for name, tensor in entries:
        if name in state:
            given.setdefault(id(tensor), name)
    missing = [name for key, name in first.items() if key not in given]
    unexpected = [name for name in state if name not in own]
    if strict and (missing or unexpected):
        raise names_mismatch(where, set(missing), set(unexpected))
    placed = {}
    for key, name in given.items():
        tensor = own[name]
        placed[first[key]] = _on_device_of(_converted(where, name, state[name], tensor), data_of(tensor))
    for name, array in placed.items():   # all checked and placed: now change
        own[name].data = array
    return IncompatibleKeys(missing, unexpected)


def saved_items(module: Module, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
    """(dotted name, tensor) of what :meth:`Module.state_dict` saves: each tensor once, under its first
    name."""
    seen: set[int] = set()
    for name, tensor in module._state_items(prefix):
        if id(tensor) not in seen:
            seen.add(id(tensor))
            yield name, tensor


def _converted(where: str, name: str, value: Operand, tensor: Tensor) -> ndarray:
    """``value`` as a host array of ``tensor``'s shape and dtype (its own copy), or the error saying why
    it cannot be."""
    value = data_of(value)
    array = backend.to_host(value) if backend.is_array(value) else _host.asarray(value)
    if array.shape != tensor.shape:
        raise shape_mismatch(where, name, array.shape, tensor.shape)
    dtype = backend.dtype_name(tensor.dtype)
    allowed = "biuf" if _host.dtype(dtype).kind == "b" else "iuf"   # bools only into a bool buffer
    if array.dtype.kind not in allowed:
        raise TypeError(f"{where}: {name} has dtype {array.dtype}, not a number")
    with _host.errstate(over="ignore", invalid="ignore"):
        converted = array.astype(dtype, copy=True)
    if array.dtype.kind == "f" and not _host.array_equal(_host.isfinite(array), _host.isfinite(converted)):
        kind = "parameter" if isinstance(tensor, Parameter) else "buffer"
        raise ValueError(f"{where}: {name} holds values too large for the {kind}'s {dtype}")
    return converted


def own_buffers(module: Module) -> Iterator[tuple[str, Tensor]]:
    """(name, buffer) of the module's own buffers that are set (not ``None``), in registration order."""
    values = vars(module)
    for name in values.get("_buffer_names", ()):
        if values[name] is not None:
            yield name, values[name]


def buffer_of(refusal: str, value: object) -> Tensor | None:
    """``value`` as a buffer: ``None``, a tensor that requires no grad (kept), a copy of the data of
    another tensor, or a new tensor of an array (or array-like) of numbers or bools."""
    if value is None:
        return None
    if isinstance(value, Tensor):
        if value.__class__ is Tensor and value.is_leaf and not value.requires_grad:
            return value
        data = data_of(value)
        return Tensor(backend.namespace(data).asarray(data, copy=True))   # its own, off the graph
    if isinstance(value, (str, bytes, dict)) or callable(value):   # a module too
        raise TypeError(f"{refusal}: an array, a Tensor or None is expected")
    try:
        return Tensor(value)
    except TypeError as error:
        raise TypeError(f"{refusal}: {error}") from None


def move(module: Module, tensors: Sequence[tuple[str, Tensor]], device: object) -> None:
    """Move each tensor (and its gradient) to ``device`` in place; every array is moved before any is
    replaced, so a move that fails changes nothing."""
    xp = backend.namespace_of_device(device)   # an unknown device, or no CuPy, raises here
    moved = []
    for name, tensor in tensors:
        try:
            moved.append((_moved(data_of(tensor), xp, device),
                          None if tensor.grad is None else _moved(data_of(tensor.grad), xp, device)))
        except (TypeError, ValueError) as error:   # e.g. float64 to a device without it
            raise type(error)(f"{type(module).__name__}.to({device!r}): {name} of shape {tensor.shape} and "
                              f"dtype {backend.dtype_name(tensor.dtype)}: {error}") from None
    for (_, tensor), (array, grad) in zip(tensors, moved):   # all moved: now change
        if array is not data_of(tensor):
            tensor.data = array   # the public setter: graphs recorded before refuse to run backward
        if grad is not None:
            tensor.grad = grad


def _moved(array: Data, xp: backend.Namespace, device: object) -> Data:
    """``array`` on ``device`` of namespace ``xp``: itself if it is there already."""
    if backend.namespace(array) is xp:
        return backend.to_device(array, device)
    return backend.array(array, device=device, xp=xp)


def _on_device_of(array: ndarray, like: Data) -> Data:
    """A host array (its own copy) on the device, and of the library, of the array ``like``."""
    if like.__class__ is ndarray:
        return array
    return backend.array(array, device=backend.device_of(like), xp=backend.namespace(like))


def checked_path(path: Any, where: str) -> str | os.PathLike[str]:
    """``path`` if it is a file name, else the ``TypeError`` saying what ``where`` takes."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(invalid(where, "path", path, "a file name (a str or a pathlib.Path)"))
    return path
