"""Tracing: one eager call of a function, written down as a flat program while it runs.

While a :class:`Trace` is active, the engine's node factory (``_record``) reports every operation to
it, the backward pass runs through :mod:`.backward` (which emits one instruction per VJP edge), and
the optimizer's ``step``/``zero_grad`` become instructions of their own. Every instruction names the
function eager called — a primitive's forward, one of its VJPs, the engine's ``_fit_grad`` and
``_store_grad``, ``Optimizer.step`` — with its operands: *slots* (values of this call) or constants.

What the program cannot see, it refuses rather than bakes in: reading a traced value's data
(``.item()``, ``float(t)``, ``.data``, ``np.asarray(t)``, a Tensor comparison) raises
:class:`CompileError` naming the line; a comparison on a traced ``Value`` that decides a Python
``if`` becomes a *guard*, checked on every replay; drawing random numbers raises.
"""

from __future__ import annotations

import builtins
import functools
import operator
import struct
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import backend, engine, modes
from ..engine import Node
from . import symbolic

__all__ = ["CompileError", "Instruction", "Slot", "Trace", "active"]


_NOTHING = object()
_EVAL_GLOBALS = {"np": backend.host_namespace}
_CHECKED: dict[tuple[Any, ...], tuple[bool, type]] = {}   # see Trace.expression


class CompileError(RuntimeError):
    """A function cannot be compiled as written (the message names the line and what to change)."""


@dataclass(frozen=True)
class Slot:
    """A value the program computes (or receives) on each call: ``s{index}`` in the source."""
    index: int


@dataclass
class Instruction:
    """One line of the program.

    ``kind`` is ``"call"`` (``out = function(*args, **kwargs)``), ``"load"`` (``out = node._data``,
    read at call time), ``"guard"`` (``function(*args)`` must give ``outcome``, or the call bails to
    eager), or ``"effect"`` (``function(*args)`` for what it changes; ``out`` may hold its result).
    """
    kind: str
    out: int | None
    function: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    name: str = ""
    line: str = ""
    expression: str | None = None   # the inline form, with operands written {0}, {1}, ... {name}
    outcome: Any = None
    as_array: bool = False          # a Tensor forward: a NumPy scalar result becomes a 0-d array
    irreversible: bool = False      # it changes state that a bail could not put back


#: The trace being recorded, or None; one at a time (compiling is not thread-safe).
active: Trace | None = None


def user_line() -> str:
    """``file.py:12 (f)``: the innermost frame outside this package, where the traced code is."""
    frame = sys._getframe(1)
    package = __name__.partition(".")[0]
    while frame is not None and frame.f_globals.get("__name__", "").partition(".")[0] == package:
        frame = frame.f_back
    if frame is None:
        return ""
    return f"{frame.f_code.co_filename}:{frame.f_lineno} ({frame.f_code.co_name})"


class Trace:
    """The program being written while a function runs eagerly."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.instructions: list[Instruction] = []
        self.values: list[Any] = []          # each slot's value in this call
        self.slot_of: dict[int, int] = {}    # id(node or raw value) -> slot
        self.keep: list[Any] = []            # what slot_of names, kept alive so ids stay unique
        self.start = next(modes.clock)       # nodes stamped before this are from outside the call
        self._internal = 0                   # >0 inside the engine's or optimizer's own code
        self.thread = threading.get_ident()  # the thread being traced; others run as if untraced
        self.fixed_line: str | None = None   # the line of the backward() call, for its instructions
        self.loaded: list[Node] = []         # outside nodes read at call time
        self.written: dict[int, Node] = {}   # nodes whose .grad the program sets
        self.effects: list[Any] = []         # the optimizers and schedulers it steps
        self.modules: dict[int, Any] = {}    # modules called, whose training flag is guarded
        self.node_slot: dict[int, int] = {}  # id(argument node) -> the slot holding the node itself
        self.proxies: set[int] = set()       # ids of the nodes that stand for a .grad read
        self.stand_ins: set[int] = set()     # ids of the nodes that stand for array and float arguments
        self.original_grads: dict[int, tuple[Node, Any]] = {}
        self.grad_slot: dict[int, int] = {}  # id(node) -> the slot of the .grad the program stored
        self.cell_grads: dict[int, Any] = {}  # id(node made in the call) -> the operand of its .grad
        self.program_epoch = modes.program_epoch
        self.irreversible = False

    @property
    def internal(self) -> bool | int:
        """Whether what runs now is not to be recorded: the engine's own code, or another thread."""
        return self._internal or threading.get_ident() != self.thread

    @internal.setter
    def internal(self, depth: int) -> None:
        self._internal = depth

    # ---- slots ----------------------------------------------------------------------------------
    def new_slot(self, value: Any, *aliases: Any) -> int:
        """A slot holding ``value``; ``value`` (an array) and ``aliases`` (nodes) are found by identity.
        A Python float never is: equal float constants may be one object (CPython merges them), so
        floats are known by their node, or registered one by one as fresh objects (:meth:`fresh`)."""
        slot = len(self.values)
        self.values.append(value)
        for obj in (value, *aliases):
            if isinstance(obj, Node) or (hasattr(obj, "shape") and obj.__class__ is not float):
                self.slot_of[id(obj)] = slot
                self.keep.append(obj)
        return slot

    def fresh(self, operand: Any) -> Any:
        """The value of ``operand`` as handed to Python code: a slot's float becomes an object of its
        own (known by identity from then on), so that it cannot be a constant of anyone's code."""
        if not isinstance(operand, Slot):
            return operand
        value = self.values[operand.index]
        if value.__class__ is float:
            value = struct.unpack("d", struct.pack("d", value))[0]
            self.slot_of[id(value)] = operand.index
            self.keep.append(value)
        return value

    def input(self, value: Any, node: Node | None = None) -> Slot:
        """A slot for an argument of the call (``node``: the traced Tensor or Value standing for it)."""
        data = node._data if node is not None else value
        aliases = (node,) if node is not None else ()
        slot = Slot(self.new_slot(data, *aliases))
        if data.__class__ is float and node is not None and node._stamp >= self.start:
            self.slot_of[id(data)] = slot.index   # a stand-in's own float (a fresh object)
        return slot

    def input_node(self, node: Node) -> Slot:
        """A slot for an argument that is a node itself (where gradients are stored, or read)."""
        slot = len(self.values)
        self.values.append(node)
        self.node_slot[id(node)] = slot
        return Slot(slot)

    def node_operand(self, node: Node) -> Any:
        """``node`` as the target of a ``.grad`` store or read: its argument slot, or the node."""
        slot = self.node_slot.get(id(node))
        return node if slot is None else Slot(slot)

    def is_dynamic(self, x: Any) -> bool:
        """Whether ``x`` may differ between calls: a slot's value, or a node from outside the call."""
        if id(x) in self.slot_of:
            return True
        return isinstance(x, Node) and x._stamp < self.start

    def operand(self, x: Any) -> Any:
        """``x`` as an operand: the slot that holds it, or ``x`` itself, a constant of the program.
        A node from outside the call (a parameter) is loaded: its data is read at call time."""
        slot = self.slot_of.get(id(x))
        if slot is not None:
            return Slot(slot)
        if isinstance(x, Node):
            if x._stamp >= self.start:     # made inside from constants: a constant
                return x._data
            return self.load(x)
        if x.__class__ in (list, tuple) and any(self.is_dynamic(item) or item.__class__ in (list, tuple)
                                                for item in x):
            items = [self.operand(item) for item in x]
            if any(isinstance(item, Slot) for item in items):   # built on each call
                return self.emit("call", _PACKERS[x.__class__], items, name=x.__class__.__name__,
                                 value=x)
        return x

    def load(self, node: Node) -> Slot:
        self.loaded.append(node)
        slot = self.new_slot(node._data, node)
        self.instructions.append(Instruction("load", slot, node, (), name="load",
                                             line=user_line()))
        return Slot(slot)

    def emit(self, kind: str, function: Any, args: Sequence[Any], kwargs: dict[str, Any] | None = None,
             *, name: str = "", value: Any = None, has_out: bool = True, **details: Any) -> Slot | None:
        """Append an instruction whose result (already computed: ``value``) gets a new slot."""
        slot = self.new_slot(value) if has_out else None
        self.instructions.append(Instruction(kind, slot, function, tuple(args), dict(kwargs or {}),
                                             name=name,
                                             line=details.pop("line", "") or self.fixed_line or user_line(),
                                             **details))
        return None if slot is None else Slot(slot)

    def call(self, function: Callable[..., Any], args: Sequence[Any], kwargs: dict[str, Any] | None = None,
             *, name: str, inline_args: bool = True) -> Any:
        """Run ``function`` on the values of the operands ``args`` now and append it as a call; the
        operand of its result (a new slot, the operand it handed back, or a constant)."""
        kwargs = kwargs or {}
        values = [self.value(a) for a in args]
        value = function(*values, **{k: self.value(v) for k, v in kwargs.items()})
        if not any(isinstance(a, Slot) for a in (*args, *kwargs.values())):
            return value   # constants in, constant out: nothing to do on each call
        expression = self.expression(function, args, kwargs, value) if inline_args else None
        if expression is not None and expression in _OPERAND_NAMES:   # the function returns an operand
            source = args[_OPERAND_NAMES.index(expression)]
            if not isinstance(source, Slot) or self.values[source.index] is value:
                return source
        if expression is not None and "{" not in expression:   # it used only constants: one too
            return value
        return self.emit("call", function, args, kwargs, name=name, value=value, expression=expression)

    def value(self, operand: Any) -> Any:
        return self.values[operand.index] if isinstance(operand, Slot) else operand

    def expression(self, function: Callable[..., Any], args: Sequence[Any], kwargs: dict[str, Any],
                   value: Any = _NOTHING) -> str | None:
        """The inline form of ``function`` on these operands (slots as ``{i}``), if it is arithmetic
        — and, where ``value`` is given, if it gives ``value``'s very bits on this call's operands
        (a function that tests its operands' class could take another path for symbols)."""
        if len(args) > len(_OPERAND_NAMES) or any(isinstance(v, Slot) for v in kwargs.values()):
            return None
        operands = [symbolic.Symbol(_OPERAND_NAMES[i]) if isinstance(a, Slot) else a
                    for i, a in enumerate(args)]
        expression = symbolic.inline(function, operands, kwargs)
        if expression is None or value is _NOTHING:
            return expression
        values = [self.value(a) for a in args]
        # speed: a function's path can depend on its operands' classes and ranks, not on their
        # values, so one check per function, expression and kinds of operands is enough
        kinds = (function, expression, *((v.__class__, getattr(v, "ndim", None)) for v in values))
        known = _CHECKED.get(kinds)
        if known is None:
            try:
                again = eval(_template(expression), _EVAL_GLOBALS,  # noqa: S307 - text built by Symbol
                             {f"a{i}": v for i, v in enumerate(values)})
                if len(_CHECKED) > 20_000:
                    _CHECKED.clear()
                known = _CHECKED[kinds] = (_same_bits(again, value), again.__class__)
            except Exception:
                return None
        self.raw_class = known[1]
        return expression if known[0] else None

    # ---- what the engine reports ----------------------------------------------------------------
    def record(self, node: Node, primitive: engine.Primitive, inputs: tuple[Any, ...],
               params: dict[str, Any]) -> None:
        """An operation ran: append its forward, unless all its operands are constants."""
        args = [self.operand(x) for x in inputs]
        kwargs = {k: self.operand(v) for k, v in params.items()}
        if not any(isinstance(a, Slot) for a in (*args, *kwargs.values())):
            return
        is_value = node.__class__._mutable_grads is False
        function = primitive.scalar_forward if is_value else primitive.forward
        self.raw_class = None
        on_numpy = is_value or all(self.values[a.index].__class__ is backend.ndarray
                                   for a in (*args, *kwargs.values()) if isinstance(a, Slot))
        expression = self.expression(function, args, kwargs, node._data) if on_numpy else None
        if is_value and expression is None:   # a call with Value's checks: a float, or an error
            function = _checked_scalar_forward(primitive, type(node))
        # a NumPy expression that gave an array here gives one for these shapes every time
        as_array = not is_value and self.raw_class is not backend.ndarray
        slot = self.new_slot(node._data, node)
        if node._data.__class__ is float:   # an object of its own, known by identity (see fresh)
            node._data = self.fresh(Slot(slot))
            self.values[slot] = node._data
        self.instructions.append(Instruction("call", slot, function, tuple(args), kwargs,
                                             name=primitive.name, line=user_line(),
                                             expression=expression, as_array=as_array))

    def data_call(self, function: Callable[..., Any], args: Sequence[Any], kwargs: dict[str, Any],
                  name: str | None = None) -> Any:
        """Library code computes raw data from traced values (:func:`modes.data_computed`): run it,
        and append it as a call whose arguments are the same kinds again (a node's data is wrapped
        in a node of its kind); a tuple result is unpacked into slots, its Nones guarded. The
        function itself runs unrecorded: it is one instruction, not the ones it is made of."""
        operands = [self.operand(a) for a in args]
        keywords = {k: self.operand(v) for k, v in kwargs.items()}
        self.internal += 1
        try:
            value = function(*args, **kwargs)
        finally:
            self.internal -= 1
        if not any(isinstance(o, Slot) for o in (*operands, *keywords.values())):
            return value
        kinds = [type(a) if isinstance(a, Node) else None for a in args]
        name = name or getattr(function, "__name__", "data")
        slot = self.emit("call", _as_given(function, kinds), operands, keywords, name=name, value=value)
        self.unpack(slot, value, name)
        return value

    def unpack(self, slot: Slot, value: Any, name: str) -> None:
        """Give each part of a computed container a slot of its own (found by identity from then
        on); a part that is a plain Python value is guarded to be the same on every call."""
        if value.__class__ in (tuple, list, dict):
            for key, part in (value.items() if value.__class__ is dict else enumerate(value)):
                if hasattr(part, "shape") or part.__class__ in (tuple, list, dict):
                    self.unpack(self.emit("call", _item(key), (slot,), name="item", value=part), part, name)
                elif not isinstance(part, Node):
                    self.emit("guard", _equal_at(key, part), (slot,), name=f"{name}[{key!r}] unchanged",
                              has_out=False, outcome=True)

    def guard(self, function: Callable[..., Any], args: Sequence[Any], outcome: Any, text: str) -> None:
        """A Python decision on traced data: replays must decide the same, or run eagerly."""
        if self.irreversible:
            raise CompileError(f"compile({self.where}): {text} at {user_line()} decides an `if` after "
                               f"an optimizer step, which a failed check could not undo")
        operands = [self.operand(a) for a in args]
        self.emit("guard", function, operands, name=text, has_out=False, outcome=outcome,
                  expression=self.expression(function, operands, {}))

    def side_effect(self, what: str) -> CompileError:
        return CompileError(f"compile({self.where}): {what} at {user_line()} changes state outside the "
                            f"graph, which a replay of the program would not repeat; run it eagerly "
                            f"(jit_compile=False, step.eager(...)) or in evaluation mode")

    def remember_grad(self, node: Node, previous: Any) -> None:
        """Note ``node``'s ``.grad`` before this call first changes it (put back if tracing fails)."""
        self.written.setdefault(id(node), node)
        self.original_grads.setdefault(id(node), (node, previous))

    def put_back_grads(self) -> None:
        for node, previous in self.original_grads.values():
            Node.__dict__["grad"].__set__(node, previous)

    def unwrapped(self, x: Any) -> Any:
        """``x`` with the stand-ins of array and float arguments back to the arguments themselves."""
        if id(x) in self.stand_ins:
            return x._data
        if x.__class__ in (tuple, list):
            return x.__class__(self.unwrapped(item) for item in x)
        return x

    def escape(self, what: str, node: Node) -> CompileError:
        kind = type(node).__name__
        return CompileError(
            f"compile({self.where}): {what} of a traced {kind} at {user_line()} would bake this call's "
            f"numbers into every later call. Keep the computation in autograd_lite's ops (ag.where, "
            f".relu(), comparisons on Values), return the value instead, or run it eagerly "
            f"(step.eager(...), with ag.disable_compile())")


_OPERAND_NAMES = tuple(f"{{{i}}}" for i in range(8))


_PACKERS = {tuple: lambda *items: tuple(items), list: lambda *items: list(items)}


def _as_given(function: Callable[..., Any], kinds: list[type[Node] | None]) -> Callable[..., Any]:
    """``function`` called with the slots' data wrapped back into nodes where it was given nodes."""
    from ..engine import _leaf

    if not any(kinds):
        return function

    def call(*args: Any, **kwargs: Any) -> Any:
        return function(*(a if kind is None else _leaf(kind, a) for a, kind in zip(args, kinds)), **kwargs)
    call.__name__ = function.__name__
    return call


def _item(index: int) -> Callable[[Any], Any]:
    return operator.itemgetter(index)


def _equal_at(key: Any, expected: Any) -> Callable[[Any], bool]:
    def unchanged(value: Any) -> bool:
        part = value[key]
        return part is expected or part.__class__ is expected.__class__ and bool(part == expected)
    return unchanged


@functools.cache
def _checked_scalar_forward(primitive: engine.Primitive, kind: type[Node]) -> Callable[..., Any]:
    """``primitive``'s scalar forward with the checks Value's ``_forward`` makes (a finite float)."""
    def forward(*args: Any, **params: Any) -> Any:
        return kind._forward(primitive, args, params)
    forward.__name__ = primitive.name
    return forward


@functools.lru_cache(maxsize=4096)
def _template(expression: str) -> Any:
    """``expression`` with its operands named ``a0``, ``a1``, … compiled once for all its uses."""
    return builtins.compile(expression.format(*(f"a{i}" for i in range(8))), "<inline>", "eval")


def _same_bits(a: Any, b: Any) -> bool:
    if isinstance(a, backend.host_namespace.generic) and b.__class__ is backend.ndarray:
        a = backend.host_namespace.asarray(a)   # what Tensor's forward makes of a NumPy scalar
    if a.__class__ is not b.__class__:
        return False
    if a.__class__ is float:
        return struct.pack("d", a) == struct.pack("d", b)
    if hasattr(a, "tobytes"):
        return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()
    return bool(a == b)


def values_equal_outcome(function: Callable[..., Any]) -> str:
    """How a guard's comparison reads in messages (``>=``, ``bool``)."""
    return {operator.lt: "<", operator.le: "<=", operator.gt: ">", operator.ge: ">=",
            operator.eq: "==", operator.ne: "!="}.get(function, getattr(function, "__name__", "?"))
