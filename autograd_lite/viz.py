"""Drawing computation graphs with graphviz."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from . import _checks
from .engine import Node

__all__ = ["GraphDrawing", "draw_graph"]

_INSTALL_HINT = (
    "Rendering a graph needs Graphviz's `dot` program, which was not found on PATH. Install it with "
    "`apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) or "
    "`conda install graphviz`. The DOT source is still available as `.source`."
)


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


def _summary(x: Any) -> str:
    """A short text for a number or an array."""
    if x is None:
        return "None"
    if isinstance(x, Node):
        x = x.data
    array = np.asarray(x)
    if array.ndim == 0:
        return f"{float(array):.4g}"
    if array.size == 0:
        return "empty"
    return f"min {array.min():.3g} · mean {array.mean():.3g} · max {array.max():.3g}"


def _is_finite(x: Any) -> bool:
    if x is None:
        return True
    if isinstance(x, Node):
        x = x.data
    return bool(np.all(np.isfinite(x)))


def _label(node: Node) -> str:
    title = node.op or "leaf"
    rows = [f"<b>{html.escape(title)}</b>"]
    if node.shape != () or not isinstance(node.data, float):
        rows.append(html.escape(f"{tuple(node.shape)} {node.data.dtype}"))
    rows.append("data " + html.escape(_summary(node.data)))
    if node.requires_grad and (node.grad is not None or node.is_leaf):  # intermediates may not keep it
        rows.append("grad " + html.escape(_summary(node.grad)))
    if node._origin is not None:  # recorded in anomaly mode
        rows.append(html.escape(f"{Path(node._origin.filename).name}:{node._origin.lineno}"))
    return "<" + "<br/>".join(rows) + ">"


def draw_graph(root: Node, rankdir: str = "LR", max_nodes: int = 200,
               highlight: Node | None = None) -> GraphDrawing:
    """The graph behind ``root`` as a ``graphviz.Digraph``: one box per node with its op, data, grad.

    Edges point in the direction of computation (inputs → outputs). Constants are shown as plain
    text; nodes holding NaN or Inf are drawn in red, and ``highlight`` (say, the ``node`` of an
    :class:`~autograd_lite.AnomalyError`) with a thick red border. Nodes created in anomaly mode show
    the file and line that created them. At most ``max_nodes`` nodes are drawn (those nearest to
    ``root``); the output is deterministic, so it can be compared in tests.

    >>> from autograd_lite import Value, draw_graph
    >>> x = Value(2.0)
    >>> y = (x * x).tanh()
    >>> dot = draw_graph(y)
    >>> print(dot.source.count("->"))
    3
    """
    if not isinstance(root, Node):
        raise TypeError(f"draw_graph: root must be a Value or a Tensor, not {type(root).__name__}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_graph: rankdir must be 'LR', 'RL', 'TB' or 'BT', not {rankdir!r}")
    max_nodes = _checks.integer(max_nodes, "max_nodes", "draw_graph", minimum=1)
    drawing = GraphDrawing(graph_attr={"rankdir": rankdir}, node_attr={"fontname": "Helvetica"})
    names: dict[int, str] = {}
    frontier = [root]
    ordered: list[Node] = []
    while frontier and len(ordered) < max_nodes:  # breadth first from the root
        next_frontier = []
        for node in frontier:
            if id(node) in names or len(ordered) >= max_nodes:
                continue
            names[id(node)] = f"n{len(ordered)}"
            ordered.append(node)
            next_frontier.extend(x for x in node._inputs if isinstance(x, Node))
        frontier = next_frontier
    hidden = 0
    for node in ordered:
        name = names[id(node)]
        finite = _is_finite(node.data) and _is_finite(node.grad)
        marked = node is highlight
        drawing.node(name, _label(node), shape="box", style="rounded,filled",
                     fillcolor="white" if finite else "#ffb3b3",
                     color="black" if finite and not marked else "red",
                     penwidth="3" if marked else "1")
        for position, parent in enumerate(node._inputs):
            if isinstance(parent, Node):
                if id(parent) in names:
                    drawing.edge(names[id(parent)], name)
                else:
                    hidden += 1
            else:
                constant = f"{name}_c{position}"
                drawing.node(constant, html.escape(_summary(parent)), shape="plaintext")
                drawing.edge(constant, name)
    if hidden:
        drawing.node("truncated", f"… graph truncated at {max_nodes} nodes", shape="plaintext")
    return drawing
