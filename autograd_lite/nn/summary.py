"""``model.summary()``: Keras 3's table of a model's layers — name and type, output shape, parameter
count (and, for a functional model with branches, what each layer is connected to) — and the totals
of trainable and non-trainable weights, with their sizes in bytes.

>>> from autograd_lite.nn import Dense, Input, Sequential
>>> model = Sequential([Input(shape=(2,)), Dense(4, activation="relu", name="hidden"),
...                     Dense(1, name="out")], name="tiny")
>>> model.summary()
Model: "tiny"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ hidden (Dense)                  │ (None, 4)              │            12 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ out (Dense)                     │ (None, 1)              │             5 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 17 (136.00 B)
 Trainable params: 17 (136.00 B)
 Non-trainable params: 0 (0.00 B)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .. import backend
from ..engine import data_of
from .keras_layers.base import _snake_case

if TYPE_CHECKING:
    from .model import Model
    from .module import Module

_host = backend.host_namespace
#: Keras' column widths (characters inside the borders), for two kinds of models
_WIDTHS = {False: (31, 22, 13), True: (27, 20, 9, 22)}


def print_summary(
    model: Model, print_fn: Callable[[str], Any] | None = None, line_length: int | None = None
) -> None:
    """Print ``model``'s table (see the module's docstring) through ``print_fn`` (``print``)."""
    emit = print_fn or print
    rows, connected = _rows(model)
    widths = list(_WIDTHS[connected])
    if line_length is not None:  # stretch or shrink the first column to the total asked for
        widths[0] = max(10, line_length - sum(widths[1:]) - 3 * len(widths) - 1)
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if connected else [])
    lines = [
        f'Model: "{model.name}"',
        _border("┏", "━", "┳", "┓", widths),
        _line("┃", headers, widths),
        _border("┡", "━", "╇", "┩", widths),
    ]
    for index, row in enumerate(rows):
        if index:
            lines.append(_border("├", "─", "┼", "┤", widths))
        lines.extend(_line("│", cells, widths) for cells in _wrapped(row, widths))
    lines.append(_border("└", "─", "┴", "┘", widths))
    trainable, frozen = _weight_counts(model)
    optimizer = _optimizer_state(model)  # Keras' total counts the optimizer's variables too
    total = (trainable[0] + frozen[0] + optimizer[0], trainable[1] + frozen[1] + optimizer[1])
    lines += [
        f" Total params: {_count(total)}",
        f" Trainable params: {_count(trainable)}",
        f" Non-trainable params: {_count(frozen)}",
    ]
    if optimizer[0]:
        lines.append(f" Optimizer params: {_count(optimizer)}")
    for line in lines:
        emit(line)


def _rows(model: Model) -> tuple[list[list[str]], bool]:
    """The table's rows, and whether it has the "Connected to" column (a functional model that is not
    a chain)."""
    from .symbolic import Functional, InputLayer

    if isinstance(model, Functional):
        chain = (
            len(model.inputs) == 1
            and len(model.outputs) == 1
            and all(len(list(node.inputs())) == 1 for node in model._nodes)
            and len({id(node.layer) for node in model._nodes}) == len(model._nodes)
        )
        rows = []
        for layer in model.layers:
            nodes = sorted(
                (node for node in model._nodes if node.layer is layer), key=lambda n: n.call_index
            ) or [tensor.node for tensor in model.inputs if tensor.node.layer is layer]
            shape = _shape_text([tensor.shape for tensor in nodes[0].outputs])
            row = [_title(layer), shape, _params(layer)]
            if not chain:
                row.append(
                    ", ".join(
                        _connections(node, model) for node in nodes if not isinstance(layer, InputLayer)
                    )
                    or "-"
                )
            rows.append(row)
        if chain:  # Keras leaves the input layer out of a chain's table
            rows = rows[1:]
        return rows, not chain
    layers = list(getattr(model, "layers", None) or [module for _, module in model.named_children()])
    shapes = _output_shapes(model, layers)
    return [[_title(layer), shape, _params(layer)] for layer, shape in zip(layers, shapes)], False


def _connections(node: Any, model: Model) -> str:
    """Keras' "layer[k][j]" for each input of ``node``: output j of the k-th call of that layer."""
    parts = []
    for tensor in node.inputs():
        producer = tensor.node
        parts.append(f"{producer.layer.name}[{producer.call_index}][{tensor.index}]")
    return ", ".join(parts)


def _output_shapes(model: Model, layers: list[Module]) -> list[str]:
    """Each layer's output shape (batch axis None), found by running the layers on a zero sample of
    the model's input shape; "?" for a model that has not seen its input shape."""
    input_shape = getattr(model, "input_shape", None) or getattr(model, "_built_input_shape", None)
    if input_shape is None:
        return ["?"] * len(layers)
    from .sequential import _built_output_shape

    shapes, shape = [], tuple(input_shape)
    for layer in layers:
        shape = _built_output_shape(layer, shape, _host.float64)
        shapes.append(_shape_text([shape]))
    return shapes


def _title(layer: Module) -> str:
    name = getattr(layer, "name", None) or _snake_case(type(layer).__name__)
    return f"{name} ({type(layer).__name__})"


def _shape_text(shapes: list[tuple[int | None, ...]]) -> str:
    texts = [
        "(" + ", ".join(str(size) for size in shape) + ("," if len(shape) == 1 else "") + ")"
        for shape in shapes
    ]
    return texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"


def _params(layer: Module) -> str:
    return f"{layer.count_params():,}"


def _weight_counts(model: Model) -> tuple[tuple[int, int], tuple[int, int]]:
    """((count, bytes) of the trainable weights, (count, bytes) of the others), each weight once."""
    from ._state import saved_items

    trainable, frozen = [0, 0], [0, 0]
    for _, tensor in saved_items(model):
        array = data_of(tensor)
        total = trainable if getattr(tensor, "requires_grad", False) else frozen
        total[0] += math.prod(array.shape)
        total[1] += math.prod(array.shape) * _host.dtype(str(array.dtype)).itemsize
    return (trainable[0], trainable[1]), (frozen[0], frozen[1])


def _optimizer_state(model: Model) -> tuple[int, int]:
    """(count, bytes) of the optimizer's variables, once it has stepped: its state arrays (Adam's
    moments) and, as Keras counts them, its step counter and learning rate."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not (optimizer.state or optimizer.step_count):
        return 0, 0
    count, size = 2, 4 + 8  # as Keras counts them: the step counter (int32) and the learning rate
    for state in optimizer.state.values():
        for value in _arrays(state):
            count += math.prod(value.shape)
            size += math.prod(value.shape) * _host.dtype(str(value.dtype)).itemsize
    return count, size


def _arrays(state: Any) -> Iterator[Any]:
    values = state.values() if isinstance(state, dict) else [state]
    for value in values:
        array = data_of(value)
        if backend.is_array(array) and array.ndim > 0:
            yield array


def _count(count_and_bytes: tuple[int, int]) -> str:
    count, size = count_and_bytes
    return f"{count:,} ({_bytes(size)})"


def _bytes(size: float) -> str:
    """Keras' readable sizes: B, KB, MB, GB, by 1024."""
    unit = "B"
    for larger in ("KB", "MB", "GB"):
        if size < 1024:
            break
        size, unit = size / 1024, larger
    return f"{size:.2f} {unit}"


def _border(left: str, fill: str, middle: str, right: str, widths: list[int]) -> str:
    return left + middle.join(fill * (width + 2) for width in widths) + right


def _line(edge: str, cells: list[str], widths: list[int]) -> str:
    parts = [
        f" {cell:<{width}} " if index != 2 else f" {cell:>{width}} "
        for index, (cell, width) in enumerate(zip(cells, widths))
    ]
    return edge + edge.join(parts) + edge


def _wrapped(row: list[str], widths: list[int]) -> list[list[str]]:
    """The row as lines, each cell cut to its column's width (a long name continues below)."""
    pieces = [
        [cell[i : i + width] for i in range(0, max(len(cell), 1), width)] for cell, width in zip(row, widths)
    ]
    height = max(len(piece) for piece in pieces)
    return [[piece[line] if line < len(piece) else "" for piece in pieces] for line in range(height)]
