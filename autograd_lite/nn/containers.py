"""Containers of modules, as PyTorch's: :class:`ModuleList` and :class:`ModuleDict`.

A module held in one of them is registered: its parameters and buffers are trained, saved (named by
its position or key: ``layers.0.weight``, ``blocks.encoder.weight``), moved by ``to()``, and reached
by ``train()``/``eval()``. A plain ``list`` of modules as an attribute is registered too (named the
same way); a plain ``dict`` of modules is refused, with a pointer here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .._checks import invalid
from ._state import BadName
from .module import Module, _name_by_path

__all__ = ["ModuleDict", "ModuleList"]


def _module(where: str, module: object) -> Module:
    if not isinstance(module, Module):
        raise TypeError(f"{where}: {type(module).__name__} is not a Module subclass")
    return module


class ModuleList(Module):
    """A list of modules, indexed like a Python list (negative indexes and slices too); their
    parameters are named by position, ``0.weight``, as in PyTorch.

    >>> from autograd_lite import nn
    >>> class Stack(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(2)])
    ...         self.layers.append(nn.Tanh())
    ...     def forward(self, x):
    ...         for layer in self.layers:
    ...             x = layer(x)
    ...         return x
    >>> stack = Stack()
    >>> len(stack.layers), type(stack.layers[-1]).__name__, len(stack.layers[:2])
    (3, 'Tanh', 2)
    >>> [name for name, _ in stack.named_parameters()]
    ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        object.__setattr__(self, "_members", [])   # not an attribute list: named "0", not "_members.0"
        if modules is not None:
            self.extend(modules)

    def _child_slots(self) -> Iterator[tuple[str, Module]]:
        for index, module in enumerate(self._members):
            yield str(index), module

    def _index(self, index: Any) -> int:
        """``index`` as a position in the list, or PyTorch's ``IndexError``/``TypeError``."""
        if isinstance(index, bool) or not hasattr(index, "__index__"):
            raise TypeError(invalid("ModuleList", "index", index, "an int (or, to read or delete, a slice)"))
        position = index.__index__()
        if not -len(self) <= position < len(self):
            raise IndexError(f"ModuleList: index {position} is out of range for a list of {len(self)}")
        return position % len(self)

    def __getitem__(self, index: int | slice) -> Module | ModuleList:
        if isinstance(index, slice):
            return type(self)(self._members[index])
        return self._members[self._index(index)]

    def __setitem__(self, index: int, module: Module) -> None:
        position = self._index(index)
        self._members[position] = _module("ModuleList", module)
        _name_by_path(str(position), module)

    def __delitem__(self, index: int | slice) -> None:
        if isinstance(index, slice):
            del self._members[index]
        else:
            del self._members[self._index(index)]

    def __len__(self) -> int:
        return len(self._members)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._members))

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        if not isinstance(other, Iterable):
            return NotImplemented
        return ModuleList([*self, *other])

    def append(self, module: Module) -> ModuleList:
        """Add ``module`` at the end; return this list."""
        self._members.append(_module("ModuleList.append", module))
        _name_by_path(str(len(self) - 1), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add each of ``modules`` at the end (all are checked first); return this list."""
        if not isinstance(modules, Iterable):
            raise TypeError(f"ModuleList.extend should be called with an iterable, but got "
                            f"{type(modules).__name__}")
        modules = [_module("ModuleList.extend", module) for module in modules]
        start = len(self)
        self._members.extend(modules)
        for index, module in enumerate(modules, start):
            _name_by_path(str(index), module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Put ``module`` before position ``index``, as ``list.insert``."""
        if isinstance(index, bool) or not hasattr(index, "__index__"):
            raise TypeError(invalid("ModuleList.insert", "index", index, "an int"))
        self._members.insert(index.__index__(), _module("ModuleList.insert", module))

    def pop(self, index: int = -1) -> Module:
        """Remove the module at ``index`` (the last one by default) and return it."""
        return self._members.pop(self._index(index))


class ModuleDict(Module):
    """A dict of modules by name (a ``str`` without ``"."``), in insertion order, with ``dict``'s
    methods; their parameters are named by key, ``encoder.weight``, as in PyTorch. A member can also be
    read as an attribute (``blocks.encoder``).

    >>> from autograd_lite import nn
    >>> class Heads(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.heads = nn.ModuleDict({"mean": nn.Linear(2, 1), "scale": nn.Linear(2, 1)})
    >>> heads = Heads()
    >>> list(heads.heads), [name for name, _ in heads.named_parameters()][:2]
    (['mean', 'scale'], ['heads.mean.weight', 'heads.mean.bias'])
    >>> heads.heads["scale"] is heads.heads.scale
    True
    """

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None) -> None:
        super().__init__()
        object.__setattr__(self, "_members", {})   # not an attribute dict, which Module refuses
        if modules is not None:
            self.update(modules)

    def _child_slots(self) -> Iterator[tuple[str, Module]]:
        yield from self._members.items()

    def __getattr__(self, name: str) -> Module:   # only for names that are not attributes
        members = self.__dict__.get("_members", {})
        if name in members:
            return members[name]
        raise AttributeError(f"{type(self).__name__} has no attribute or module {name!r}")

    def __getitem__(self, key: str) -> Module:
        return self._members[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.update({key: module})

    def __delitem__(self, key: str) -> None:
        del self._members[key]

    def __len__(self) -> int:
        return len(self._members)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._members))

    def __contains__(self, key: object) -> bool:
        return key in self._members

    def keys(self) -> list[str]:
        """The names, in insertion order."""
        return list(self._members.keys())

    def values(self) -> list[Module]:
        """The modules, in insertion order."""
        return list(self._members.values())

    def items(self) -> list[tuple[str, Module]]:
        """(name, module) pairs, in insertion order."""
        return list(self._members.items())

    def pop(self, key: str) -> Module:
        """Remove the module named ``key`` and return it."""
        return self._members.pop(key)

    def clear(self) -> None:
        """Remove every module."""
        self._members.clear()

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add or replace modules from a mapping (or a :class:`ModuleDict`) or from (name, module)
        pairs; every pair is checked before any is added."""
        if isinstance(modules, (Mapping, ModuleDict)):
            pairs = list(modules.items())
        elif isinstance(modules, Iterable) and not isinstance(modules, (str, Module)):
            pairs = []
            for index, pair in enumerate(modules):
                if not isinstance(pair, Iterable) or isinstance(pair, str) or len(pair := tuple(pair)) != 2:
                    raise ValueError(f"ModuleDict.update: element #{index} of the pairs should be a "
                                     f"(name, module) pair, not {pair!r:.60}")
                pairs.append(pair)
        else:
            raise TypeError(f"ModuleDict.update should be called with a mapping or an iterable of (name, "
                            f"module) pairs, but got {type(modules).__name__}")
        for key, module in pairs:
            if not isinstance(key, str):
                raise TypeError(invalid("ModuleDict", "key", key, "a str"))
            if "." in key or key == "":
                raise BadName(f"ModuleDict: a module name can't be empty or contain \".\", got {key!r}")
            _module(f"ModuleDict[{key!r}]", module)
        for key, module in pairs:
            self._members[key] = module
            _name_by_path(key, module)
