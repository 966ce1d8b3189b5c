"""Modules: parameters found automatically and named by their path, moved between devices, and
saved as data.

The layers are in :mod:`autograd_lite.nn.layers`.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

from .. import _checks, backend
from .._checks import boolean, invalid
from ..backend import ndarray
from ..engine import data_of
from ..tensor import Tensor
from ..typing import ArrayLike, Data, DTypeLike, Operand
from ._weights_file import CorruptFile, names_mismatch, read_arrays, save_atomically, shape_mismatch

__all__ = ["Module", "Parameter"]

_host = backend.host_namespace  # host copies: reading data as NumPy does, checking what is loaded
#: where a module computes: its arrays' namespace and device, or None for NumPy on the host
Placement = tuple[backend.Namespace, Any] | None


class Parameter(Tensor):
    """A tensor that a :class:`Module` trains: always float and ``requires_grad=True``.

    Integer data becomes float64 (the widest float of its device); ``dtype``, if given, must be a
    float dtype. Anything else (bools, complex numbers, strings, objects) is a ``TypeError``. An
    array of any array library stays one, on its device; lists and numbers become NumPy arrays.
    ``name`` labels it in graph drawings; left ``None``, the module it is assigned to names it by its
    path (see :class:`Module`).

    >>> from autograd_lite.nn import Parameter
    >>> Parameter([1, 2])
    Tensor([1., 2.], requires_grad=True)
    """

    __slots__ = ("_path_name",)   # the last name a module gave it, to tell it from a name of yours

    def __init__(self, data: ArrayLike | Tensor, dtype: DTypeLike = None, *, name: str | None = None) -> None:
        name = _checks.name(name, "name", "Parameter")
        if dtype is not None and _dtype_kind(dtype) != "f":
            raise TypeError(invalid("Parameter", "dtype", dtype, "a float dtype (float32, float64)"))
        data = data_of(data)
        try:
            if backend.is_array(data) and data.__class__ is not ndarray:   # another library's: kept
                xp = backend.namespace(data)
                array = data if dtype is None else xp.astype(data, backend.dtype_of(xp, dtype))
            else:
                array = _host.asarray(data, dtype=dtype)
        except (TypeError, ValueError) as error:
            raise TypeError(f"Parameter: cannot make a float array of {type(data).__name__} "
                            f"{data!r:.60}: {error}") from None
        kind = backend.dtype_kind(array.dtype)
        if kind not in "iuf":
            raise TypeError(f"Parameter: data must hold real numbers (float or integer), not {array.dtype}")
        if kind != "f":
            xp = backend.namespace(array)
            array = xp.astype(array, backend.default_float(xp, backend.device_of(array)))
        super().__init__(array, requires_grad=True, name=name)
        self._path_name: str | None = None

    def _take_path_name(self, path: str) -> None:
        """Be named ``path``, unless it carries a name that no module gave it (one of yours)."""
        if self.name is None or self.name == self._path_name:
            self.name = self._path_name = path


class Module:
    """Base class of layers and models, as in PyTorch.

    Attributes that are :class:`Parameter` or :class:`Module` (or lists or tuples of them) are
    registered automatically, in the order they were assigned.

    **Parameters are named by their path**, so that a graph drawing reads ``0.weight`` where it would
    read "leaf". Assigning a parameter or a module (or a list or tuple of them) to an attribute names
    the parameters in it by their path from this module, as :meth:`named_parameters` gives it:
    ``self.fc = Linear(2, 3)`` names its weight ``fc.weight``, and :class:`Sequential` names its
    layers' by position, ``0.weight``. Python builds a tree from the leaves up, so each parameter
    ends up named by its path from the root. :meth:`name_parameters` names every parameter of a tree
    by its first path, as ``named_parameters()`` and ``state_dict()`` name it (``fit`` calls it once
    the model is built). It settles what attaching cannot: a module used in two places carries the
    path it was attached under last, a parameter made after attaching (by a ``Dense`` built by its
    first batch) is named from its own layer only (``weight``), and one appended to a list attribute
    is not named. A name you gave (``Parameter(x, name="w")``, or ``p.name = "w"`` after a module
    named it) is kept.

    >>> from autograd_lite import nn
    >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    >>> [name for name, _ in net.named_parameters()]
    ['0.weight', '0.bias', '2.weight', '2.bias']
    >>> net[2].weight.name
    '2.weight'
    >>> net.num_parameters()
    13
    """

    #: where :meth:`to` put this module, for the parameters it makes later (``None``: not moved)
    _device: object = None

    def __init__(self) -> None:
        self.training = True

    def forward(self, *args: Any) -> Any:
        """The module's computation; ``module(x)`` calls it. Subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any) -> Any:
        return self.forward(*args)

    def __setattr__(self, name: str, value: object) -> None:
        super().__setattr__(name, value)
        _name_by_path(name, value)

    # ---- the tree of modules and parameters --------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for each direct sub-module."""
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for index, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{name}.{index}", item

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) for every parameter of this module and its sub-modules.

        This module's own parameters come first, then each sub-module's, as in PyTorch. A parameter
        reached twice (a layer used twice) is listed once, under its first name.
        """
        if not isinstance(prefix, str):
            raise TypeError(invalid("named_parameters", "prefix", prefix, "a str"))
        seen: set[int] = set()
        for name, parameter in self._all_named_parameters(prefix):
            if id(parameter) not in seen:
                seen.add(id(parameter))
                yield name, parameter

    def _all_named_parameters(self, prefix: str) -> Iterator[tuple[str, Parameter]]:
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield prefix + name, value
            elif isinstance(value, (list, tuple)):
                for index, item in enumerate(value):
                    if isinstance(item, Parameter):
                        yield f"{prefix}{name}.{index}", item
        for name, child in self.named_children():
            yield from child._all_named_parameters(f"{prefix}{name}.")

    def name_parameters(self) -> None:
        """Name every parameter by its path from this module, as :meth:`named_parameters` gives it,
        except those that carry a name of yours (see :class:`Module`).

        >>> from autograd_lite import nn
        >>> class Twice(nn.Module):   # one layer in two places
        ...     def __init__(self, layer):
        ...         super().__init__()
        ...         self.first, self.second = layer, layer
        >>> shared = nn.Linear(2, 2)
        >>> twice = Twice(shared)
        >>> shared.weight.name   # the path it was attached under last
        'second.weight'
        >>> twice.name_parameters()
        >>> shared.weight.name   # its first path, as named_parameters() and state_dict() name it
        'first.weight'
        """
        for path, parameter in self.named_parameters():
            parameter._take_path_name(path)

    def parameters(self) -> list[Parameter]:
        """Every parameter, in registration order."""
        return [parameter for _, parameter in self.named_parameters()]

    def num_parameters(self) -> int:
        """Total number of trainable numbers."""
        return sum(p.size for p in self.parameters())

    def zero_grad(self) -> None:
        """Forget every parameter's gradient."""
        for parameter in self.parameters():
            parameter.grad = None

    def train(self, mode: bool = True) -> Module:
        """Set training mode (``eval()`` turns it off) here and in every sub-module."""
        mode = boolean(mode, "mode", f"{type(self).__name__}.train")
        self.training = mode
        for _, child in self.named_children():
            child.train(mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode."""
        return self.train(False)

    # ---- devices -------------------------------------------------------------------------------
    def to(self, device: object) -> Module:
        """Move every parameter (and its gradient) to ``device``, in place, and return the module.

        ``device`` is ``"cpu"`` (NumPy), ``"cuda"`` or ``"cuda:N"`` (CuPy; without it an
        ``ImportError`` says how to install it), or a device object of an array library
        (``array_api_strict.Device("device1")``, ``x.device``). The parameters stay the same
        objects, their arrays replaced, so an optimizer made before keeps training them (its state
        follows them at its next step); layers not yet built make theirs on ``device``. Every array is
        moved before any is replaced: a move that fails changes nothing.

        >>> from autograd_lite import nn
        >>> layer = nn.Linear(2, 1)
        >>> weight = layer.weight
        >>> layer.to("cpu") is layer, layer.weight is weight, layer.weight.device
        (True, True, 'cpu')
        """
        xp = backend.namespace_of_device(device)   # an unknown device, or no CuPy, raises here
        named, moved = list(self.named_parameters()), []
        for name, p in named:
            try:
                moved.append((_moved(data_of(p), xp, device),
                              None if p.grad is None else _moved(data_of(p.grad), xp, device)))
            except (TypeError, ValueError) as error:   # e.g. float64 to a device without it
                raise type(error)(f"{type(self).__name__}.to({device!r}): {name} of shape {p.shape} and "
                                  f"dtype {backend.dtype_name(p.dtype)}: {error}") from None
        for (_, p), (array, grad) in zip(named, moved):   # all moved: now change
            if array is not data_of(p):
                p.data = array   # the public setter: graphs recorded before refuse to run backward
            if grad is not None:
                p.grad = grad
        for module in _modules_of(self):
            module._device = device
        return self

    def _placement(self) -> Placement:
        """Where this module computes: on its (first) parameter's device, or where :meth:`to` put a
        module that has no parameters yet; ``None`` for NumPy on the host."""
        for _, parameter in self.named_parameters():
            data = data_of(parameter)
            return None if data.__class__ is ndarray else (backend.namespace(data), backend.device_of(data))
        device = self._device
        return None if device is None or device == "cpu" else (backend.namespace_of_device(device), device)

    # ---- weights as data ---------------------------------------------------------------------
    def state_dict(self) -> OrderedDict[str, Data]:
        """A copy of every parameter's array, by dotted name: of its library, on its device."""
        return OrderedDict((name, backend.array(data_of(p))) for name, p in self.named_parameters())

    def load_state_dict(self, state: Mapping[str, Operand]) -> None:
        """Copy arrays into the parameters; names and shapes must match exactly.

        The arrays may be NumPy arrays, tensors, or arrays of any array library (the parameter's,
        as :meth:`state_dict` gives them, or another): each is copied onto its parameter's device,
        in its dtype. Everything is checked (on a host copy) before anything is copied, so a mismatch
        leaves the model unchanged: a name missing or unexpected is a ``KeyError`` (that is also a
        ``ValueError``), a shape that differs a ``ValueError``, an array that does not hold real
        numbers a ``TypeError``, and a value too large for the parameter's dtype (1e300 into float32)
        a ``ValueError``.

        >>> from autograd_lite import nn
        >>> layer = nn.Linear(2, 1)
        >>> layer.load_state_dict({"weight": np.ones((1, 2)), "bias": np.zeros(1)})
        >>> layer.weight
        Tensor([[1., 1.]], requires_grad=True)
        """
        where = "load_state_dict"
        if not isinstance(state, Mapping):
            raise TypeError(f"{where}: expected a dict of arrays by name, not a {type(state).__name__}")
        own = dict(self.named_parameters())
        missing, unexpected = own.keys() - state.keys(), state.keys() - own.keys()
        if missing or unexpected:
            raise names_mismatch(where, missing, unexpected)
        arrays = {}
        for name, parameter in own.items():
            value = data_of(state[name])
            array = backend.to_host(value) if backend.is_array(value) else _host.asarray(value)
            if array.shape != parameter.shape:
                raise shape_mismatch(where, name, array.shape, parameter.shape)
            if array.dtype.kind not in "iuf":
                raise TypeError(f"{where}: {name} has dtype {array.dtype}, not a number")
            dtype = backend.dtype_name(parameter.dtype)
            with _host.errstate(over="ignore", invalid="ignore"):
                converted = array.astype(dtype, copy=True)
            if array.dtype.kind == "f" and not _host.array_equal(_host.isfinite(array),
                                                                 _host.isfinite(converted)):
                raise ValueError(f"{where}: {name} holds values too large for the parameter's {dtype}")
            arrays[name] = converted
        placed = {name: _on_device_of(arrays[name], data_of(parameter)) for name, parameter in own.items()}
        for name, parameter in own.items():   # all checked and placed: now change
            parameter.data = placed[name]

    def save_weights(self, path: str | os.PathLike[str]) -> None:
        """Save the parameters to exactly ``path``, as an ``.npz`` archive of plain arrays named as in
        :meth:`state_dict` (never pickled objects). Any name works (Keras' ``"model.weights.h5"``
        too); the file is written beside ``path`` and renamed over it, so a failure leaves an earlier
        file as it was.

        >>> import os, tempfile
        >>> from autograd_lite import nn
        >>> path = os.path.join(tempfile.mkdtemp(), "model.weights.h5")
        >>> layer = nn.Linear(2, 1)
        >>> layer.save_weights(path)
        >>> os.listdir(os.path.dirname(path))
        ['model.weights.h5']
        >>> copy = nn.Linear(2, 1)
        >>> copy.load_weights(path)
        >>> bool((copy.weight.data == layer.weight.data).all())
        True
        """
        path = _checked_path(path, "save_weights")
        save_atomically(path, OrderedDict((name, backend.to_host(array))
                                          for name, array in self.state_dict().items()))

    def load_weights(self, path: str | os.PathLike[str]) -> None:
        """Load parameters saved by :meth:`save_weights`; the model is unchanged if the file is bad
        (``ValueError``), missing (``FileNotFoundError``), or made for another model (the errors of
        :meth:`load_state_dict`).

        The file is untrusted data: it is never unpickled, each array's header is checked against its
        parameter before anything is allocated, and no member is read (or inflated) past the bytes
        that its parameter takes.
        """
        path = _checked_path(path, "load_weights")
        shapes = {name: p.shape for name, p in self.named_parameters()}
        with open(path, "rb") as file:
            try:
                arrays = read_arrays(file, shapes, "load_weights")
            except CorruptFile as error:
                raise ValueError(f"load_weights: {os.fspath(path)!r} is not a readable weights file: "
                                 f"{error}") from error
        self.load_state_dict(arrays)

    # ---- display -------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The arguments shown inside this module's repr."""
        return ""

    def __repr__(self) -> str:
        children = list(self.named_children())
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"{type(self).__name__}("]
        for name, child in children:
            count = child.num_parameters()
            has_total = any(True for _ in child.named_children())  # its repr ends with its own count
            note = f"  # {count:,} parameters" if count and not has_total else ""
            lines.append(f"  ({name}): " + repr(child).replace("\n", "\n  ") + note)
        lines.append(f")  # {self.num_parameters():,} parameters in all")
        return "\n".join(lines)


def _name_by_path(path: str, value: object) -> None:
    """Name the parameters in ``value`` (a parameter, a module, or a list or tuple of them) by their
    path below ``path``, as :meth:`Module.named_parameters` lists them."""
    if isinstance(value, Parameter):
        value._take_path_name(path)
    elif isinstance(value, Module):
        for name, parameter in value.named_parameters(prefix=f"{path}."):
            parameter._take_path_name(name)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if isinstance(item, (Parameter, Module)):
                _name_by_path(f"{path}.{index}", item)


def _modules_of(module: Module) -> Iterator[Module]:
    """``module`` and every module below it."""
    yield module
    for _, child in module.named_children():
        yield from _modules_of(child)


def _dtype_kind(dtype: DTypeLike) -> str:
    """The kind of a dtype as NumPy spells it (``float``, ``"float32"``) or as a library's dtype
    object; ``"O"`` for what is not a dtype."""
    try:
        return _host.dtype(dtype).kind
    except TypeError:
        try:
            return backend.dtype_kind(dtype)
        except (AttributeError, ImportError, TypeError):
            return "O"


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


def _checked_path(path: object, where: str) -> str | os.PathLike[str]:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(invalid(where, "path", path, "a file name (a str or a pathlib.Path)"))
    return path
