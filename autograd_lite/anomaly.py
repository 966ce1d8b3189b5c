"""Anomaly mode: find the operation — and the line of your code — where NaN or Inf first appears.

Inside ``with detect_anomaly():`` every recorded node remembers the line of user code that created
it, and the first operation (forward) or gradient (backward) that turns finite inputs into NaN or
Inf raises :class:`AnomalyError` naming the op, its inputs' shapes and dtypes, how many elements went
bad, and that line. Outside the block the engine pays one flag check per operation.
"""

from __future__ import annotations

import linecache
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .backend import dtype_kind, dtype_name, namespace

__all__ = ["AnomalyError", "Origin", "check_backward", "check_forward", "count_non_finite", "creation_site"]

_PACKAGE = __name__.rpartition(".")[0]


class AnomalyError(FloatingPointError):
    """NaN or Inf appeared in a forward op or a gradient (raised only in anomaly mode).

    ``node`` is the node concerned (draw it with ``draw_graph(root, highlight=error.node)``) and
    ``origin`` the line of user code that created it.
    """

    def __init__(self, message: str, node: Any = None, origin: Origin | None = None) -> None:
        super().__init__(message)
        self.node = node
        self.origin = origin


@dataclass(frozen=True)
class Origin:
    """Where a node was created: the first frame outside autograd_lite."""

    filename: str
    lineno: int
    function: str

    @property
    def source(self) -> str:
        """The line of code itself."""
        return linecache.getline(self.filename, self.lineno).strip()

    def __str__(self) -> str:
        return f'File "{self.filename}", line {self.lineno}, in {self.function}: {self.source}'


def creation_site() -> Origin | None:
    """The innermost frame of the caller that is not inside this package."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").partition(".")[0] == _PACKAGE:
        frame = frame.f_back
    if frame is None:
        return None
    return Origin(frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)


def count_non_finite(x: Any) -> int:
    """How many elements of ``x`` are NaN or ±Inf (0 for non-float data)."""
    if isinstance(x, float):
        return 0 if math.isfinite(x) else 1
    dtype = getattr(x, "dtype", None)
    if dtype is None or dtype_kind(dtype) not in "fc":
        return 0
    xp = namespace(x)
    return int(xp.count_nonzero(~xp.isfinite(x)))


def describe_inputs(input_data: Sequence[Any]) -> str:
    """'(3, 4) float64, (4,) float64' — the shapes and dtypes of an op's inputs."""
    parts = []
    for d in input_data:
        array = d if hasattr(d, "dtype") else namespace(d).asarray(d)  # numbers, lists: as NumPy reads them
        parts.append(f"{tuple(array.shape)} {dtype_name(array.dtype)}")
    return ", ".join(parts)


def check_forward(node: Any, out: Any, input_data: Sequence[Any]) -> None:
    """Fail if ``node``'s operation turned finite inputs (raw data) into NaN/Inf in ``out``."""
    bad = count_non_finite(out)
    if bad and not any(count_non_finite(x) for x in input_data):
        raise AnomalyError(f"{node.op} produced {bad} NaN/Inf value(s) from finite inputs "
                           f"({describe_inputs(input_data)}); the node was created at\n  {node.origin}",
                           node, node.origin)


def check_backward(node: Any, position: int, parent_grad: Any, g: Any, input_data: Sequence[Any]) -> None:
    """Fail if the VJP of ``node``'s input ``position`` turned a finite gradient ``g`` and finite
    inputs into NaN/Inf in ``parent_grad`` (all raw data)."""
    bad = count_non_finite(parent_grad)
    if bad and not count_non_finite(g) and not any(count_non_finite(x) for x in input_data):
        where = f"; the node was created at\n  {node.origin}" if node.origin else ""
        raise AnomalyError(f"the gradient of {node.op} with respect to its input {position} has {bad} "
                           f"NaN/Inf value(s), from finite inputs ({describe_inputs(input_data)}) and a "
                           f"finite upstream gradient{where}", node, node.origin)
