"""Modules: parameters and buffers found automatically and named by their path, moved between devices,
and saved as data.

The layers are in :mod:`autograd_lite.nn.layers`, the containers (:class:`~autograd_lite.nn.ModuleList`,
:class:`~autograd_lite.nn.ModuleDict`) in :mod:`autograd_lite.nn.containers`.
"""

from __future__ import annotations

import contextlib
import itertools
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .. import backend, modes
from .._checks import boolean, invalid
from ..backend import ndarray
from ..engine import data_of
from ..tensor import Tensor
from ..typing import ArrayLike, Data, Operand
from ._config import record_arguments
from ._keras_methods import KerasMethods
from ._state import (
    BadName,
    IncompatibleKeys,
    buffer_of,
    load_state,
    move,
    own_buffers,
)
from .parameter import Parameter

__all__ = ["Module", "Parameter"]

#: where a module computes: its arrays' namespace and device, or None for NumPy on the host
Placement = tuple[backend.Namespace, Any] | None


class Module(KerasMethods):
    """Base class of layers and models, as in PyTorch.

    Attributes that are :class:`Parameter` or :class:`Module` (or lists or tuples of them, named
    ``name.0``, ``name.1``, ... as a :class:`~autograd_lite.nn.ModuleList` names its members) are
    registered automatically, in the order they were assigned; buffers are registered by
    :meth:`register_buffer`. A ``dict`` holding modules is refused (a ``TypeError``): use
    :class:`~autograd_lite.nn.ModuleDict`, which registers them.

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
    (or a :class:`~autograd_lite.nn.ModuleList` already attached) is not named. A name you gave
    (``Parameter(x, name="w")``, or ``p.name = "w"`` after a module named it) is kept.

    A subclass that keeps its sub-modules in a structure of its own (as :class:`Sequential` and the
    containers do) lists them by overriding ``_child_slots`` (every place that holds one, in order;
    overriding :meth:`named_children` to list them all works too): everything that walks the tree
    goes through it.

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

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        record_arguments(cls)   # for get_config, and for load_model to find the package's classes

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The module's computation; ``module(x, ...)`` calls it with the same arguments, keyword
        arguments too. Subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if args and _is_symbolic(args[0]):   # a model being defined (Keras' functional API)
            from .symbolic import symbolic_call

            return symbolic_call(self, args, kwargs)
        return self.forward(*args, **kwargs)

    def __setattr__(self, name: str, value: object) -> None:
        buffers = self.__dict__.get("_buffer_names")
        if buffers is not None and name in buffers:
            if isinstance(value, (Parameter, Module)):   # a buffer no more, as in PyTorch
                del buffers[name]
            else:
                value = buffer_of(f"{type(self).__name__}: cannot assign {type(value).__name__} as buffer "
                                f"{name!r}", value)
        elif isinstance(value, dict) and any(isinstance(item, Module) for item in value.values()):
            raise TypeError(f"{type(self).__name__}.{name}: a dict of modules is not registered (its "
                            f"parameters would not be trained, saved or moved); use nn.ModuleDict({{...}})")
        super().__setattr__(name, value)
        _name_by_path(name, value)
        if isinstance(value, (Parameter, Module)) and self.__dict__.get("_in_a_program"):
            modes.program_epoch += 1   # a compiled step of a model with other layers is out of date

    def __delattr__(self, name: str) -> None:
        super().__delattr__(name)
        self.__dict__.get("_buffer_names", {}).pop(name, None)

    # ---- buffers -------------------------------------------------------------------------------
    def register_buffer(self, name: str, tensor: ArrayLike | Tensor | None, persistent: bool = True) -> None:
        """Keep ``tensor`` as state that is not trained: read as ``self.name``, a :class:`Tensor` that
        requires no grad (such as BatchNorm's running mean).

        ``tensor`` is an array of any library or a tensor (kept as it is if it is a leaf that requires
        no grad, else a copy of its data), or ``None`` for a buffer not yet set. A buffer is moved by
        :meth:`to`, listed by :meth:`named_buffers`, never in :meth:`parameters` nor trained, and, if
        ``persistent``, saved by :meth:`state_dict` (after this module's parameters) and loaded back,
        in its own dtype (an integer count stays an integer). Assigning an array or tensor to
        ``self.name`` later replaces it. The name, as in PyTorch, must be a non-empty ``str`` without
        ``"."`` that is not already an attribute other than a buffer (``KeyError``).

        >>> from autograd_lite import nn
        >>> class Counter(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.register_buffer("count", np.zeros((), dtype=np.int64))
        ...     def forward(self, x):
        ...         self.count = self.count + 1
        ...         return x
        >>> counter = Counter()
        >>> _ = counter(1.0); _ = counter(2.0)
        >>> dict(counter.state_dict()), counter.count.dtype
        ({'count': array(2)}, dtype('int64'))
        """
        where = f"{type(self).__name__}.register_buffer"
        if not isinstance(name, str):
            raise TypeError(invalid(where, "name", name, "a str"))
        if "." in name:
            raise BadName(f"{where}: buffer name can't contain \".\", got {name!r}")
        if name == "":
            raise BadName(f"{where}: buffer name can't be empty string \"\"")
        if hasattr(self, name) and name not in self.__dict__.get("_buffer_names", {}):
            raise BadName(f"{where}: attribute {name!r} already exists")
        persistent = boolean(persistent, "persistent", where)
        value = buffer_of(f"{where}: cannot register {type(tensor).__name__} as buffer {name!r}", tensor)
        self.__dict__.setdefault("_buffer_names", {})[name] = persistent   # all checked: now change
        object.__setattr__(self, name, value)

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) for every buffer (persistent or not, ``None`` skipped) of this module
        and, with ``recurse``, of its sub-modules, in :meth:`named_modules`' order."""
        yield from self._named_members(own_buffers, "named_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer, as :meth:`named_buffers` lists them."""
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    # ---- the tree of modules and parameters --------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for each direct sub-module, each once, in the order they were assigned."""
        seen: set[int] = set()
        for name, child in self._child_slots():
            if id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def _child_slots(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for each place that holds a sub-module, a module held in two places twice
        (as :meth:`state_dict` lists them). A subclass that keeps its sub-modules in a structure of its
        own overrides this (as :class:`Sequential` and the containers do), or :meth:`named_children`."""
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for index, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{name}.{index}", item

    def children(self) -> Iterator[Module]:
        """Each direct sub-module, once, as :meth:`named_children` lists them."""
        seen: set[int] = set()
        for _, child in self.named_children():   # a subclass's own may list a module twice
            if id(child) not in seen:
                seen.add(id(child))
                yield child

    def named_modules(self, memo: set[Module] | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """(dotted path, module) for this module (path ``prefix``) and every module below it, depth
        first, parents before children; each once, under its first path (unless not
        ``remove_duplicate``), as in PyTorch.

        >>> from autograd_lite import nn
        >>> shared = nn.Linear(2, 2)
        >>> [name for name, _ in nn.Sequential(shared, nn.Tanh(), shared).named_modules()]
        ['', '0', '1']
        """
        if not isinstance(prefix, str):
            raise TypeError(invalid("named_modules", "prefix", prefix, "a str"))
        memo = set() if memo is None else memo
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, child in _slots(self):   # a module held twice: skipped by memo, unless not remove_duplicate
            yield from child.named_modules(memo, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """This module and every module below it, each once, as :meth:`named_modules` lists them."""
        for _, module in self.named_modules():
            yield module

    def apply(self, fn: Callable[[Module], object]) -> Module:
        """Call ``fn`` on every sub-module (children first, recursively), then on this module; return
        this module, as PyTorch's (e.g. ``net.apply(init_weights)``)."""
        if not callable(fn):
            raise TypeError(invalid(f"{type(self).__name__}.apply", "fn", fn, "a function of a module"))
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) for every parameter of this module and, with ``recurse``, of its
        sub-modules, each name prefixed by ``prefix + "."`` when ``prefix`` is given.

        This module's own parameters come first, then each sub-module's, as in PyTorch. A parameter
        reached twice (a layer used twice) is listed once, under its first name.
        """
        yield from self._named_members(_own_parameters, "named_parameters", prefix, recurse,
                                       remove_duplicate)

    def _named_members(self, own: Callable[[Module], Iterator[tuple[str, Tensor]]], where: str,
                       prefix: str, recurse: bool, remove_duplicate: bool) -> Iterator[tuple[str, Tensor]]:
        """The members that ``own`` lists of each module of :meth:`named_modules`, by dotted name."""
        if not isinstance(prefix, str):
            raise TypeError(invalid(where, "prefix", prefix, "a str"))
        recurse = boolean(recurse, "recurse", where)
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse \
            else [(prefix, self)]
        seen: set[int] = set()
        for path, module in modules:
            for name, member in own(module):
                if id(member) not in seen:
                    if remove_duplicate:
                        seen.add(id(member))
                    yield (f"{path}.{name}" if path else name), member

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

    def parameters(self, recurse: bool = True) -> list[Parameter]:
        """Every parameter, in registration order (as :meth:`named_parameters` lists them)."""
        return [parameter for _, parameter in self.named_parameters(recurse=recurse)]

    def num_parameters(self) -> int:
        """Total number of trainable numbers."""
        return sum(p.size for p in self.parameters())

    def zero_grad(self) -> None:
        """Forget every parameter's gradient."""
        for parameter in self.parameters():
            parameter.grad = None

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (``False``) or unfreeze every parameter, in place; return this module.

        A frozen parameter is a constant of the graph: ``backward`` gives it no gradient, so
        optimizers leave it unchanged (they skip parameters whose ``grad`` is ``None``).

        >>> from autograd_lite import nn
        >>> layer = nn.Linear(2, 1).requires_grad_(False)
        >>> layer(np.ones((1, 2))).requires_grad
        False
        """
        requires_grad = boolean(requires_grad, "requires_grad", f"{type(self).__name__}.requires_grad_")
        for parameter in self.parameters():
            parameter.requires_grad = requires_grad
        return self

    def train(self, mode: bool = True) -> Module:
        """Set training mode (``eval()`` turns it off) here and in every sub-module; return this
        module."""
        mode = boolean(mode, "mode", f"{type(self).__name__}.train")
        self.training = mode
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode (``train(False)``) here and in every sub-module."""
        return self.train(False)

    # ---- devices -------------------------------------------------------------------------------
    def to(self, device: object) -> Module:
        """Move every parameter (and its gradient) and every buffer to ``device``, in place, and return
        the module.

        ``device`` is ``"cpu"`` (NumPy), ``"cuda"`` or ``"cuda:N"`` (CuPy; without it an
        ``ImportError`` says how to install it), or a device object of an array library
        (``array_api_strict.Device("device1")``, ``x.device``). The parameters and buffers stay the
        same objects, their arrays replaced, so an optimizer made before keeps training them (its state
        follows them at its next step); layers not yet built make theirs on ``device``. Every array is
        moved before any is replaced: a move that fails changes nothing.

        >>> from autograd_lite import nn
        >>> layer = nn.Linear(2, 1)
        >>> weight = layer.weight
        >>> layer.to("cpu") is layer, layer.weight is weight, layer.weight.device
        (True, True, 'cpu')
        """
        move(self, [*self.named_parameters(), *self.named_buffers()], device)
        for module in self.modules():
            module._device = device
        return self

    def _placement(self) -> Placement:
        """Where this module computes: on its (first) parameter's device (or buffer's, without
        parameters), or where :meth:`to` put a module that has neither yet; ``None`` for NumPy on the
        host."""
        for _, tensor in itertools.chain(self.named_parameters(), self.named_buffers()):
            data = data_of(tensor)
            return None if data.__class__ is ndarray else (backend.namespace(data), backend.device_of(data))
        device = self._device
        return None if device is None or device == "cpu" else (backend.namespace_of_device(device), device)

    # ---- weights as data ---------------------------------------------------------------------
    def _state_items(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """(dotted name, tensor) of the state, in PyTorch's order: for each module, its parameters,
        then its persistent buffers, then its children's; a tensor reached by two paths under both, as
        PyTorch's ``state_dict`` lists it."""
        for name, tensor in _own_parameters(self):
            yield prefix + name, tensor
        persistent = self.__dict__.get("_buffer_names", {})
        for name, tensor in own_buffers(self):
            if persistent[name]:
                yield prefix + name, tensor
        for name, child in _slots(self):
            yield from child._state_items(f"{prefix}{name}.")

    def state_dict(self, *, prefix: str = "", keep_vars: bool = False) -> OrderedDict[str, Data | Tensor]:
        """A copy of the array of every parameter and persistent buffer, by dotted name (each key
        starting with ``prefix``): of its library, on its device, in its dtype. The order is
        PyTorch's: a module's parameters, then its buffers, then its sub-modules'. A tensor reached by
        two paths (a layer used twice, tied weights) is listed under each name, as PyTorch's, both
        names holding one copy; so the ``state_dict`` of a model loads into the same model in PyTorch,
        and PyTorch's (as NumPy arrays) here. ``keep_vars=True`` gives the tensors themselves.

        >>> from autograd_lite import nn
        >>> shared = nn.Linear(2, 2)
        >>> list(nn.Sequential(shared, nn.Tanh(), shared).state_dict())
        ['0.weight', '0.bias', '2.weight', '2.bias']
        """
        if not isinstance(prefix, str):
            raise TypeError(invalid("state_dict", "prefix", prefix, "a str"))
        keep_vars = boolean(keep_vars, "keep_vars", "state_dict")
        copies: dict[int, Data | Tensor] = {}
        for _, tensor in self._state_items(prefix):
            if id(tensor) not in copies:
                copies[id(tensor)] = tensor if keep_vars else backend.array(data_of(tensor))
        return OrderedDict((name, copies[id(tensor)]) for name, tensor in self._state_items(prefix))

    def load_state_dict(self, state: Mapping[str, Operand], strict: bool = True) -> IncompatibleKeys:
        """Copy arrays into the parameters and persistent buffers; the shapes must match exactly, and
        with ``strict`` (the default) the names too. Returns PyTorch's named tuple
        ``(missing_keys, unexpected_keys)``: with ``strict=False``, the names not loaded.

        The arrays may be NumPy arrays, tensors, or arrays of any array library (the module's,
        as :meth:`state_dict` gives them, or another): each is copied onto its tensor's device,
        in its dtype. Everything is checked (on a host copy) before anything is copied, so a mismatch
        leaves the model unchanged: with ``strict``, a name missing or unexpected is a ``KeyError``
        (that is also a ``ValueError``); a shape that differs is a ``ValueError``, an array that does
        not hold real numbers a ``TypeError``, and a value too large for the dtype (1e300 into
        float32) a ``ValueError``.

        >>> from autograd_lite import nn
        >>> layer = nn.Linear(2, 1)
        >>> layer.load_state_dict({"weight": np.ones((1, 2)), "bias": np.zeros(1)})
        <All keys matched successfully>
        >>> layer.weight
        Tensor([[1., 1.]], requires_grad=True)
        """
        strict = boolean(strict, "strict", "load_state_dict")
        return load_state(self, state, strict, "load_state_dict")

    # ---- display -------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The arguments shown inside this module's repr."""
        return ""

    def __repr__(self) -> str:
        children = list(_slots(self))
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


@contextlib.contextmanager
def training_mode(module: Module, training: bool) -> Iterator[None]:
    """Every module of ``module``'s tree in ``training`` mode for the block, each put back after as
    it was: a tree's modes may differ (Keras' layers run in inference unless trained, PyTorch's in
    training mode unless ``eval()``), so one flag for all could not restore them."""
    modes = [(each, each.training) for each in module.modules()]
    module.train(training)
    try:
        yield
    finally:
        for each, mode in modes:
            each.training = mode


#: KerasTensor, once :mod:`.symbolic` is imported (it sets this)
_symbolic_type: type | None = None


def _is_symbolic(argument: object) -> bool:
    """Whether ``argument`` is a symbolic tensor, or a list of them (what merging layers take)."""
    kind = type(argument)
    if kind is _symbolic_type:
        return True
    return (kind is list or kind is tuple) and bool(argument) and type(argument[0]) is _symbolic_type


def _own_parameters(module: Module) -> Iterator[tuple[str, Parameter]]:
    """(name, parameter) of the module's own parameters: attributes, and members of list or tuple
    attributes (``name.0``, ...)."""
    for name, value in vars(module).items():
        if isinstance(value, Parameter):
            yield name, value
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                if isinstance(item, Parameter):
                    yield f"{name}.{index}", item


def _slots(module: Module) -> Iterator[tuple[str, Module]]:
    """Every place below ``module`` that holds a sub-module (see :meth:`Module._child_slots`)."""
    if type(module).named_children is not Module.named_children:   # it lists its children itself
        return module.named_children()
    return module._child_slots()


def _name_by_path(path: str, value: object) -> None:
    """Name the parameters in ``value`` (a parameter, a module, or a list or tuple of them) by their
    path below ``path``, as :meth:`Module.named_parameters` lists them."""
    if isinstance(value, Parameter):
        value._take_path_name(path)
    elif isinstance(value, Module):
        for name, parameter in value.named_parameters(prefix=path):
            parameter._take_path_name(name)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if isinstance(item, (Parameter, Module)):
                _name_by_path(f"{path}.{index}", item)


def _modules_of(module: Module) -> Iterator[Module]:
    """``module`` and every module below it (:meth:`Module.modules`)."""
    return module.modules()
