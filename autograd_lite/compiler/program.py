"""A trace made runnable: straight-line Python source (the default), or a tape interpreter.

:func:`build` takes the instructions of a :class:`~.tracing.Trace`, drops those whose results
nothing uses, and returns a :class:`Program`. Its ``source`` is plain Python, one statement per
instruction with the user's line beside it, compiled under a file name registered in
:mod:`linecache` so tracebacks, ``pdb`` and profilers show the generated lines (as torch.fx does).
Graphs too big for CPython's ``compile`` to be quick run on :meth:`Program.run_tape` instead, a loop
over the same instructions.
"""

from __future__ import annotations

import itertools
import linecache
import math
import re
from collections.abc import Sequence
from typing import Any

from ..backend import host_namespace, ndarray
from ..engine import Node
from ..tensor import _as_array
from .tracing import Instruction, Slot

__all__ = ["Bail", "Program", "build"]

#: Above this many instructions, ``backend="auto"`` interprets the tape rather than compiling
#: source: CPython's ``compile`` takes about 12 µs a line, so 500,000 lines cost several seconds.
SOURCE_LIMIT = 500_000

#: Arrays of at least this many elements are deleted from the program after their last use, so that
#: NumPy can reuse their memory (a trace would otherwise keep every intermediate until the end).
LARGE_ARRAY = 4096

_numbers = itertools.count(1)


class Bail(Exception):
    """A guard failed on replay: this call must run eagerly."""

    def __init__(self, index: int, reason: str = "") -> None:
        super().__init__(index, reason)
        self.index, self.reason = index, reason


def _used_slots(instructions: Sequence[Instruction], outputs: Sequence[Any]) -> list[Instruction]:
    """The instructions that matter: effects, guards, and what they and the outputs read."""
    needed = {o.index for o in outputs if isinstance(o, Slot)}
    kept = []
    for instruction in reversed(instructions):
        if instruction.kind in ("call", "load") and instruction.out not in needed:
            continue
        kept.append(instruction)
        for operand in (*instruction.args, *instruction.kwargs.values()):
            if isinstance(operand, Slot):
                needed.add(operand.index)
    kept.reverse()
    return kept


class Program:
    """The straight-line program of one trace: ``run(inputs, done)`` gives the flat outputs."""

    def __init__(self, name: str, instructions: list[Instruction], input_slots: list[int],
                 outputs: list[Any], float_outputs: list[int], backend: str,
                 big_slots: frozenset[int] = frozenset()) -> None:
        self.name = name
        self.instructions = instructions
        self.input_slots = input_slots
        self.outputs = outputs
        self.float_outputs = float_outputs
        self.big_slots = big_slots   # slots of large arrays, deleted after their last use
        self.namespace: dict[str, Any] = {"_Bail": Bail, "ndarray": ndarray, "_as_array": _as_array,
                                          "np": host_namespace}
        self._names: dict[int, str] = {}
        self._counts: dict[str, int] = {}
        #: the generated function's name: the traced one's, unless a name the program uses has it
        self.function_name = _identifier(name)
        self.source = self._generate()
        self.backend = backend if backend != "auto" else \
            ("source" if len(instructions) <= SOURCE_LIMIT else "tape")
        self.run = self._compile() if self.backend == "source" else self.run_tape

    # ---- source -------------------------------------------------------------------------------
    def _name(self, obj: Any, hint: str) -> str:
        """The name under which ``obj`` (a function or a constant) is in the program's namespace."""
        name = self._names.get(id(obj))
        if name is None:
            base = "".join(c if c.isalnum() else "_" for c in hint).strip("_") or "c"
            if base[0].isdigit():
                base = "_" + base
            name = base
            while name in self.namespace:   # the next free number for this base name
                self._counts[base] = self._counts.get(base, 1) + 1
                name = f"{base}_{self._counts[base]}"
            self.namespace[name] = obj
            self._names[id(obj)] = name
        return name

    def _operand(self, operand: Any) -> str:
        if isinstance(operand, Slot):
            return f"s{operand.index}"
        if operand is None or operand.__class__ is bool or operand.__class__ is str:
            return repr(operand)
        if operand.__class__ is int or operand.__class__ is float and math.isfinite(operand):
            return repr(operand) if operand >= 0 and not _is_negative_zero(operand) else f"({operand!r})"
        return self._name(operand, type(operand).__name__.lower() if not isinstance(operand, Node)
                          else (operand.name or "node"))

    def _call_text(self, instruction: Instruction) -> str:
        args = [self._operand(a) for a in instruction.args]
        if instruction.expression is not None:
            return instruction.expression.format(*args)
        args += [f"{k}={self._operand(v)}" for k, v in instruction.kwargs.items()]
        return f"{self._name(instruction.function, instruction.name)}({', '.join(args)})"

    def _generate(self) -> str:
        body = self._body()
        while self.function_name in self.namespace:
            self.function_name = "compiled_" + self.function_name
        return body.replace("def \0(", f"def {self.function_name}(", 1)

    def _body(self) -> str:
        lines = ["def \0(inputs, done):"]
        if self.input_slots:
            lines.append(f"    {''.join(f's{i}, ' for i in self.input_slots)}= inputs")
        last_line = None
        freed = self._freed_after()
        for index, instruction in enumerate(self.instructions):
            if instruction.line and instruction.line != last_line:
                lines.append(f"    # {_short(instruction.line)}")
                last_line = instruction.line
            lines.extend("    " + text for text in self._statement(index, instruction))
            if index in freed:   # speed: a large array no later line reads goes back to NumPy now
                lines.append(f"    del {', '.join(f's{slot}' for slot in freed[index])}")
        for slot in self.float_outputs:   # an overflow eager would have reported: run eagerly
            lines.append(f"    if s{slot} - s{slot} != 0.0: raise _Bail(-1, 'not finite')")
        lines.append(f"    return [{', '.join(self._operand(o) for o in self.outputs)}]")
        return "\n".join(lines) + "\n"

    def _freed_after(self) -> dict[int, list[int]]:
        """For each instruction, the large arrays (``big_slots``) it is the last to read."""
        last: dict[int, int] = {}
        for index, instruction in enumerate(self.instructions):
            for operand in (*instruction.args, *instruction.kwargs.values()):
                if isinstance(operand, Slot) and operand.index in self.big_slots:
                    last[operand.index] = index
        kept = {o.index for o in self.outputs if isinstance(o, Slot)} | set(self.input_slots)
        freed: dict[int, list[int]] = {}
        for slot, index in sorted(last.items()):
            if slot not in kept:
                freed.setdefault(index, []).append(slot)
        return freed

    def _statement(self, index: int, instruction: Instruction) -> list[str]:
        kind, out = instruction.kind, f"s{instruction.out}"
        if kind == "load":
            node = self._name(instruction.function, instruction.function.name or "param")
            data = instruction.function._data
            text = [f"{out} = {node}._data"]
            checks = [f"{node}.requires_grad is not {instruction.function.requires_grad}"]
            if data.__class__ is ndarray:
                checks = [f"{out}.__class__ is not ndarray", f"{out}.shape != {tuple(data.shape)!r}",
                          f"{out}.dtype != {self._name(data.dtype, 'dtype_' + str(data.dtype))}", *checks]
            elif data.__class__ is float:
                checks.insert(0, f"{out}.__class__ is not float")
            text.append(f"if {' or '.join(checks)}: raise _Bail({index}, 'a parameter changed')")
            return text
        if kind == "call":
            text = [f"{out} = {self._call_text(instruction)}"]
            if instruction.as_array:
                args = "".join(f"{self._operand(a)}, " for a in instruction.args)
                text.append(f"if {out}.__class__ is not ndarray: {out} = _as_array(None, {out}, ({args}))")
            return text
        if kind == "guard":
            test = _comparison_text(instruction, [self._operand(a) for a in instruction.args])
            if test is None:
                test = self._call_text(instruction)
            reason = f"{instruction.name} changed outcome"
            return [f"if ({test}) != {instruction.outcome!r}: raise _Bail({index}, {reason!r})"]
        call = self._call_text(instruction)
        text = [f"{out} = {call}" if instruction.out is not None else call]
        if instruction.irreversible:
            text.append("done[0] = True")
        return text

    def _compile(self) -> Any:
        filename = f"<autograd_lite.compile {self.name} #{next(_numbers)}>"
        linecache.cache[filename] = (len(self.source), None, self.source.splitlines(True), filename)
        code = compile(self.source, filename, "exec")
        exec(code, self.namespace)
        return self.namespace[self.function_name]

    # ---- tape -----------------------------------------------------------------------------------
    def run_tape(self, inputs: Sequence[Any], done: list[bool]) -> list[Any]:
        """Interpret the instructions one by one (what ``backend="tape"`` runs)."""
        values: dict[int, Any] = dict(zip(self.input_slots, inputs))

        def value(operand: Any) -> Any:
            return values[operand.index] if isinstance(operand, Slot) else operand

        for index, instruction in enumerate(self.instructions):
            kind = instruction.kind
            if kind == "load":
                node = instruction.function
                data = node._data
                if _signature(data, node) != instruction.outcome:
                    raise Bail(index, "a parameter changed")
                values[instruction.out] = data
                continue
            args = [value(a) for a in instruction.args]
            kwargs = {k: value(v) for k, v in instruction.kwargs.items()}
            result = instruction.function(*args, **kwargs)
            if kind == "guard":
                if result != instruction.outcome:
                    raise Bail(index, f"{instruction.name} changed outcome")
                continue
            if instruction.as_array and result.__class__ is not ndarray:
                result = _as_array(None, result, args)
            if instruction.out is not None:
                values[instruction.out] = result
            if instruction.irreversible:
                done[0] = True
        for slot in self.float_outputs:
            if values[slot] - values[slot] != 0.0:
                raise Bail(-1, "not finite")
        return [value(o) for o in self.outputs]


def _signature(data: Any, node: Node) -> tuple[Any, ...]:
    """What a load checks on replay: the data's class, shape and dtype, and ``requires_grad``."""
    return data.__class__, getattr(data, "shape", None), getattr(data, "dtype", None), node.requires_grad


def _comparison_text(instruction: Instruction, args: list[str]) -> str | None:
    symbol = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "==", "!=": "!="}.get(
        instruction.name.rpartition(" ")[2])
    if symbol is None or len(args) != 2:
        return None
    return f"{args[0]} {symbol} {args[1]}"


def _is_negative_zero(x: Any) -> bool:
    return x.__class__ is float and x == 0.0 and math.copysign(1.0, x) < 0


def _identifier(name: str) -> str:
    text = "".join(c if c.isalnum() else "_" for c in name) or "compiled"
    return text if not text[0].isdigit() else "_" + text


def _short(line: str) -> str:
    """``moores_law.py:12 (cost)``: the user's line, with the file's directory left out."""
    return re.sub(r"[^\s(<]*[/\\]", "", line)


def build(trace: Any, input_slots: list[int], outputs: list[Any], backend: str) -> Program:
    """The program of ``trace`` that takes the values of ``input_slots`` and gives ``outputs``."""
    instructions = _used_slots(trace.instructions, outputs)
    for instruction in instructions:
        if instruction.kind == "load":
            instruction.outcome = _signature(instruction.function._data, instruction.function)
    float_outputs = [o.index for o in outputs if isinstance(o, Slot)
                     and trace.values[o.index].__class__ is float]
    big = frozenset(i for i, v in enumerate(trace.values)
                    if v.__class__ is ndarray and v.size >= LARGE_ARRAY)
    return Program(trace.where, instructions, input_slots, outputs, float_outputs, backend, big)
