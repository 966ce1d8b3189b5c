"""Drawing computation graphs with graphviz: one box per node, named, with its op, data and grad."""

from __future__ import annotations

import html
import inspect
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

import graphviz
import numpy as np

from . import _checks
from .backend import device_of, dtype_name, is_array, to_host
from .engine import Node, Primitive

__all__ = ["GraphDrawing", "draw_graph"]

_INSTALL_HINT = (
    "Rendering a graph needs Graphviz's `dot` program, which was not found on PATH. Install it with "
    "`apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) or "
    "`conda install graphviz`. The DOT source is still available as `.source`."
)

#: An op's parameter is shown as ``name=value`` when its value reads in at most this many characters.
_SHORT = 24


class GraphDrawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose rendering errors say how to install Graphviz."""

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise RuntimeError(_INSTALL_HINT) from error

    def render(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise RuntimeError(_INSTALL_HINT) from error

    def write_image(self, path: str | Path) -> Path:
        """Render to ``path`` in the format its suffix names (``.svg``, ``.png``, ``.pdf``)."""
        path = Path(path)
        path.write_bytes(self.pipe(format=path.suffix.lstrip(".") or "svg"))
        return path


class NamedParameters(Protocol):
    """Anything with PyTorch's ``named_parameters()``, such as an :class:`~autograd_lite.nn.Module`."""

    def named_parameters(self) -> Iterable[tuple[str, Node]]: ...


# ---- the text in the boxes ---------------------------------------------------------------------------
def _summary(x: Any) -> str:
    """A short text for a number or an array."""
    if x is None:
        return "None"
    if isinstance(x, Node):
        x = x.data
    array = to_host(x)  # drawn on the host, whatever device the data is on
    if array.size == 1:
        return f"{float(array.reshape(())):.4g}"
    if array.size == 0:
        return "empty"
    return f"min {array.min():.3g} · mean {array.mean():.3g} · max {array.max():.3g}"


def _is_finite(x: Any) -> bool:
    if x is None:
        return True
    if isinstance(x, Node):
        x = x.data
    return bool(np.all(np.isfinite(to_host(x))))


def _param_text(value: Any) -> str:
    """A parameter as NumPy code spells it: ``(0, 1)``, ``1:`` for a slice, ``float32`` for a dtype."""
    if isinstance(value, slice):
        text = ("" if value.start is None else str(value.start)) + ":" + \
               ("" if value.stop is None else str(value.stop))
        return text if value.step is None else f"{text}:{value.step}"
    if isinstance(value, tuple):
        items = [_param_text(item) for item in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(_param_text(item) for item in value) + "]"
    if isinstance(value, np.dtype):
        return str(value)
    if is_array(value):
        value = to_host(value)
        return f"array{value.shape} {value.dtype}" if value.size > 4 else repr(value.tolist())
    if isinstance(value, np.generic):
        return repr(value.item())
    return repr(value)


def _defaults(primitive: Primitive, cache: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The default of each keyword parameter of ``primitive``'s forward, where its signature has one."""
    if id(primitive) not in cache:
        try:
            parameters = inspect.signature(primitive.forward).parameters.values()
        except (TypeError, ValueError):  # a forward without a signature (a NumPy ufunc): no defaults
            parameters = ()
        cache[id(primitive)] = {p.name: p.default for p in parameters if p.default is not p.empty}
    return cache[id(primitive)]


def _is_default(value: Any, default: Any) -> bool:
    try:
        return type(value) is type(default) and bool(value == default)
    except (TypeError, ValueError):  # arrays compare elementwise: never taken for a default
        return False


def _op_text(node: Node, defaults: dict[str, Any]) -> str:
    """``<b>sum</b> axis=1``: the op's name and those of its parameters that differ from the default
    and read short (``…`` for a long one)."""
    shown = []
    for key, value in node.params.items():
        if key in defaults and _is_default(value, defaults[key]):
            continue
        text = _param_text(value)
        shown.append(f"{key}={text if len(text) <= _SHORT else '…'}")
    return f"<b>{html.escape(node.op)}</b>" + "".join(" " + html.escape(text) for text in shown)


def _label(node: Node, name: str | None, defaults: dict[str, Any]) -> str:
    """The box of ``node`` as a Graphviz HTML-like label: every text in it escaped."""
    rows = []
    if name:
        rows.append(f"<b>{html.escape(name)}</b>")
    if not node.is_leaf:
        rows.append(_op_text(node, defaults))
    elif not name:
        rows.append("<b>leaf</b>")
    if is_array(node.data):
        where = "" if isinstance(node.data, np.ndarray) else f" on {device_of(node.data)}"
        rows.append(html.escape(f"{node.data.shape} {dtype_name(node.data.dtype)}{where}"))
    rows.append("data " + html.escape(_summary(node.data)))
    if node.requires_grad and (node.grad is not None or node.is_leaf):  # intermediates may not keep it
        rows.append("grad " + html.escape(_summary(node.grad)))
    if node.origin is not None:  # recorded in anomaly mode
        rows.append(html.escape(f"{Path(node.origin.filename).name}:{node.origin.lineno}"))
    return "<" + "<br/>".join(rows) + ">"


def _given_names(names: Mapping[str, Node] | NamedParameters | None) -> dict[int, str]:
    """``id(node) → name`` from ``draw_graph``'s ``names``; a node given several names gets them all."""
    if names is None:
        return {}
    if callable(getattr(names, "named_parameters", None)):
        pairs = list(names.named_parameters())
    elif isinstance(names, Mapping):
        pairs = list(names.items())
    else:
        raise TypeError(f"draw_graph: names must be a mapping of name to node or a module with "
                        f"named_parameters(), not {type(names).__name__}")
    by_node: dict[int, list[str]] = {}
    for name, node in pairs:
        if not isinstance(name, str) or not isinstance(node, Node):
            raise TypeError(f"draw_graph: names must map str to a Value or a Tensor, but "
                            f"{name!r:.40} maps to {type(node).__name__}")
        by_node.setdefault(id(node), []).append(name)
    return {key: ", ".join(given) for key, given in by_node.items()}


# ---- the drawing -------------------------------------------------------------------------------------
def _nearest(root: Node, max_nodes: int) -> list[Node]:
    """The first ``max_nodes`` nodes met breadth first from ``root``, level by level without recursion,
    so graph depth is no limit."""
    seen = {id(root)}
    ordered, frontier = [], [root]
    while frontier and len(ordered) < max_nodes:
        ordered.extend(frontier[:max_nodes - len(ordered)])
        next_frontier = []
        for node in frontier:
            for parent in node.inputs:
                if isinstance(parent, Node) and id(parent) not in seen:
                    seen.add(id(parent))
                    next_frontier.append(parent)
        frontier = next_frontier
    return ordered


def draw_graph(root: Node, rankdir: str = "LR", max_nodes: int = 200, highlight: Node | None = None,
               names: Mapping[str, Node] | NamedParameters | None = None) -> GraphDrawing:
    """The graph behind ``root`` as a ``graphviz.Digraph``: one box per node, named, with its op,
    shape and dtype (tensors), data and grad.

    A box is titled by the node's name where one is known: the one in ``names``, else the node's own
    ``name`` (``Value(2.0, label="m")``, ``Tensor(x, name="w")``, a module's parameters named by their
    path, ``layers.0.weight``); an unnamed leaf reads ``leaf``. ``names`` maps names to nodes, or is a
    module whose ``named_parameters()`` give them (as torchviz's ``params``). A node made by an
    operation also shows the op, with those of its parameters that differ from the op's defaults and
    read short (``sum axis=1``; a long one as ``index=…``).

    Edges point in the direction of computation (inputs → outputs). Constants are shown as plain
    text; nodes holding NaN or Inf are drawn in red, and ``highlight`` (say, the ``node`` of an
    :class:`~autograd_lite.AnomalyError`) with a thick red border. Nodes created in anomaly mode show
    the file and line that created them. At most ``max_nodes`` nodes are drawn (those nearest to
    ``root``); the output is deterministic, so it can be compared in tests.

    >>> from autograd_lite import Value, draw_graph
    >>> x = Value(2.0, label="x")
    >>> y = (x * x).tanh()
    >>> dot = draw_graph(y)
    >>> print(dot.source.count("->"), "<b>x</b>" in dot.source, "<b>tanh</b>" in dot.source)
    3 True True
    """
    if not isinstance(root, Node):
        raise TypeError(f"draw_graph: root must be a Value or a Tensor, not {type(root).__name__}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_graph: rankdir must be 'LR', 'RL', 'TB' or 'BT', not {rankdir!r}")
    max_nodes = _checks.integer(max_nodes, "max_nodes", "draw_graph", minimum=1)
    given = _given_names(names)
    drawing = GraphDrawing(graph_attr={"rankdir": rankdir}, node_attr={"fontname": "Helvetica"})
    ordered = _nearest(root, max_nodes)
    ids = {id(node): f"n{position}" for position, node in enumerate(ordered)}
    defaults: dict[int, dict[str, Any]] = {}
    hidden = 0
    for node in ordered:
        node_id = ids[id(node)]
        finite = _is_finite(node.data) and _is_finite(node.grad)
        marked = node is highlight
        op_defaults = {} if node.primitive is None else _defaults(node.primitive, defaults)
        drawing.node(node_id, _label(node, given.get(id(node), node.name), op_defaults), shape="box",
                     style="rounded,filled", fillcolor="white" if finite else "#ffb3b3",
                     color="black" if finite and not marked else "red", penwidth="3" if marked else "1")
        for position, parent in enumerate(node.inputs):
            if isinstance(parent, Node):
                if id(parent) in ids:
                    drawing.edge(ids[id(parent)], node_id)
                else:
                    hidden += 1
            else:
                constant = f"{node_id}_c{position}"
                drawing.node(constant, html.escape(_summary(parent)), shape="plaintext")
                drawing.edge(constant, node_id)
    if hidden:
        drawing.node("truncated", f"… graph truncated at {max_nodes} nodes", shape="plaintext")
    return drawing
