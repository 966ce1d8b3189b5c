"""What a compiled call depends on outside its arguments, and the state it changes.

:func:`globals_guard` snapshots the objects a function reads from its closure and its globals (and
those of the functions defined inside it): a program traced with one value of a global is stale
once the global is rebound, so the replay checks each by identity first. :class:`Snapshot` copies
the state a program changes — the data of the parameters it reads, the ``.grad`` it writes, its
optimizers' and schedulers' state — so that ``check=`` and
:func:`~autograd_lite.testing.compilecheck` can run a call twice from the same start.
"""

from __future__ import annotations

import copy
import types
from collections.abc import Callable
from typing import Any

from .. import backend
from ..backend import ndarray
from ..engine import Node

__all__ = ["GlobalsGuard", "Snapshot", "globals_guard"]

_GRAD = Node.__dict__["grad"]
_MISSING = object()


class GlobalsGuard:
    """The closure cells and globals a function reads, with the objects they held when traced."""

    def __init__(self, cells: list[tuple[str, Any, Any]],
                 names: list[tuple[str, dict[str, Any], Any]]) -> None:
        self.cells, self.names = cells, names

    def changed(self) -> str | None:
        for name, cell, value in self.cells:
            try:
                current = cell.cell_contents
            except ValueError:
                current = _MISSING
            if current is not value:
                return f"the closure variable {name!r} was rebound"
        for name, namespace, value in self.names:
            if namespace.get(name, _MISSING) is not value:
                return f"the global {name!r} was rebound"
        return None


def globals_guard(function: Callable[..., Any]) -> GlobalsGuard | None:
    """A guard on what ``function``'s code reads by name (``None`` for a callable without code)."""
    function = getattr(function, "__func__", function)
    code = getattr(function, "__code__", None)
    if code is None:
        return None
    cells = [(name, cell, cell.cell_contents) for name, cell in
             zip(code.co_freevars, function.__closure__ or ()) if _filled(cell)]
    namespace = function.__globals__
    names, stack, seen = [], [code], set()
    while stack:
        current = stack.pop()
        for name in current.co_names:
            if name in namespace and name not in seen and not isinstance(namespace[name], types.ModuleType):
                seen.add(name)
                names.append((name, namespace, namespace[name]))
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    return GlobalsGuard(cells, names)


def _filled(cell: Any) -> bool:
    try:
        return cell.cell_contents is not _MISSING
    except ValueError:
        return False


class Snapshot:
    """A copy of the state a compiled program reads and changes, to restore or compare."""

    def __init__(self, entry: Any, leaves: list[Any]) -> None:
        nodes = {id(n): n for n in (*entry.loaded, *entry.written,
                                    *(leaves[i] for i in entry.written_arguments))}
        self.nodes = list(nodes.values())
        self.data = [_copied(n._data) for n in self.nodes]
        self.grads = [_copied(_GRAD.__get__(n, Node)) for n in self.nodes]
        effects = list({id(o): o for o in entry.effects}.values())
        self.memo = {id(n): n for n in self.nodes}
        for obj in effects:   # parameters are shared with the model, never copied
            for group in getattr(obj, "param_groups", ()):
                self.memo.update((id(p), p) for p in group["params"])
        self.objects = [(obj, copy.deepcopy({k: v for k, v in vars(obj).items() if k != "optimizer"},
                                            dict(self.memo)))
                        for obj in effects]

    def restore(self) -> None:
        for node, data, grad in zip(self.nodes, self.data, self.grads):
            node._data = _copied(data)
            _GRAD.__set__(node, _copied(grad))
        for obj, saved in self.objects:
            vars(obj).update(copy.deepcopy(saved, dict(self.memo)))

    def differs(self, other: Snapshot) -> str:
        """A description of the first difference from ``other`` (``""``: bit for bit equal)."""
        for node, a, b in zip(self.nodes, self.data, other.data):
            if _differs(a, b):
                return f"the data of {node.name or type(node).__name__} ({_differs(a, b)})"
        for node, a, b in zip(self.nodes, self.grads, other.grads):
            if _differs(a, b):
                return f"the .grad of {node.name or type(node).__name__} ({_differs(a, b)})"
        for (obj, a), (_, b) in zip(self.objects, other.objects):
            if _differs(a, b):
                return f"the state of {type(obj).__name__} ({_differs(a, b)})"
        return ""


def _copied(x: Any) -> Any:
    if x.__class__ is ndarray:
        return x.copy()
    if backend.is_array(x):   # another library's arrays may change in place too
        return backend.namespace(x).asarray(x, copy=True)
    return x


def _differs(a: Any, b: Any) -> str:
    """``""`` if ``a`` and ``b`` hold the same bits (nested containers too), else what differs."""
    if isinstance(a, Node) or isinstance(b, Node):
        if type(a) is not type(b):
            return f"{type(a).__name__} against {type(b).__name__}"
        return _differs(a._data, b._data)
    if backend.is_array(a) and backend.is_array(b) and ndarray not in (a.__class__, b.__class__):
        if a.__class__ is not b.__class__:
            return f"{_kind(a)} against {_kind(b)}"
        a, b = backend.to_host(a), backend.to_host(b)   # another library's: compared on the host
    if a.__class__ is ndarray or b.__class__ is ndarray:
        if a.__class__ is not b.__class__ or a.shape != b.shape or a.dtype != b.dtype:
            return f"{_kind(a)} against {_kind(b)}"
        return "" if a.tobytes() == b.tobytes() else f"values differ, up to {_largest(a, b)}"
    if a.__class__ is float and b.__class__ is float:
        same = a == b and str(a) == str(b) or a != a and b != b
        return "" if same else f"{a!r} against {b!r}"
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"{len(a)} items against {len(b)}"
        return next((d for d in map(_differs, a, b) if d), "")
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return "different keys"
        return next((f"{k!r}: {d}" for k in a if (d := _differs(a[k], b[k]))), "")
    try:
        equal = bool(a == b)
    except Exception:
        equal = a is b
    return "" if equal else f"{a!r:.40} against {b!r:.40}"


def _kind(x: Any) -> str:
    return f"array{x.shape} {x.dtype}" if x.__class__ is ndarray else type(x).__name__


def _largest(a: ndarray, b: ndarray) -> str:
    try:
        return f"{float(abs(a.astype(float) - b.astype(float)).max()):.3g}"
    except (TypeError, ValueError):
        return "?"
