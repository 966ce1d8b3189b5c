"""The backward pass: :func:`backward`, :func:`gradients`, and the graph walk with its checks.

The second half of the engine (:mod:`autograd_lite.engine` records graphs; this module runs them
backwards). The pass visits the operations behind the output latest first — every consumer before
the inputs it consumed — and hands each operation's gradient to its inputs' VJPs.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence, Set
from typing import TYPE_CHECKING, Any

from . import _checks, anomaly, modes
from .engine import DomainError, Node, ShapeError, _leaf, data_of
from .modes import grad_enabled_as, grad_mode, stamp_of

if TYPE_CHECKING:
    from .typing import Data, Operand

__all__ = ["backward", "gradients"]


def backward(root: Node, gradient: Operand | None = None, create_graph: bool = False) -> None:
    """Accumulate d(root)/d(leaf) into ``leaf.grad`` for every leaf behind ``root``.

    See :meth:`Node.backward`.
    """
    if not isinstance(root, Node):
        raise TypeError(f"backward: expected a Value or a Tensor, got {type(root).__name__}")
    create_graph = _checks.boolean(create_graph, "create_graph", "backward")
    if not root.requires_grad:
        raise RuntimeError("backward() on a node that does not require grad: nothing it depends "
                           "on requires grad (or it was computed under no_grad())")
    if create_graph:
        warnings.warn(_CREATE_GRAPH_CYCLE, stacklevel=3)
    _backpropagate(root, root._seed_grad(gradient), create_graph, None)


_CREATE_GRAPH_CYCLE = (
    "backward(create_graph=True) stores in each leaf's .grad a node whose graph holds that leaf: a "
    "reference cycle, freed only by Python's garbage collector. Prefer ag.gradients(..., "
    "create_graph=True), which touches no .grad, or set .grad = None when done with it.")


def gradients(output: Node, inputs: Sequence[Node], gradient: Operand | None = None,
              create_graph: bool = False) -> list[Any]:
    """d(output)/d(input) for each of ``inputs``, without touching any ``.grad``.

    Like ``torch.autograd.grad``: ``inputs`` is a sequence of nodes (a lone node counts as a
    sequence of one); an input that ``output`` does not depend on gets ``None``. An input may be an
    intermediate result: its gradient is the total derivative, and the inputs behind it still
    receive the paths that pass through it.

    >>> from autograd_lite import Value, gradients
    >>> x, y = Value(3.0), Value(4.0)
    >>> gradients(x * y, [x, y])
    [4.0, 3.0]
    >>> z = x * 2
    >>> gradients(z * x, [z, x])        # ∂/∂z = x, ∂/∂x = z + 2x
    [3.0, 12.0]
    """
    if not isinstance(output, Node):
        raise TypeError(f"gradients: output must be a Value or a Tensor, got {type(output).__name__}")
    create_graph = _checks.boolean(create_graph, "create_graph", "gradients")
    inputs = [inputs] if isinstance(inputs, Node) else list(inputs)
    for position, node in enumerate(inputs):
        if not isinstance(node, Node):
            raise TypeError(f"gradients: inputs[{position}] must be a Value or a Tensor, got "
                            f"{type(node).__name__}")
    if not output.requires_grad:
        return [None for _ in inputs]
    collected = _backpropagate(output, output._seed_grad(gradient), create_graph, inputs)
    return [collected.get(node) for node in inputs]


def _backpropagate(root: Node, seed: Data, create_graph: bool,
                   targets: Sequence[Node] | None) -> dict[Node, Operand]:
    """Push ``seed`` = d(loss)/d(root) back through the graph, every consumer before its inputs.

    Without ``targets``, gradients add up in the ``.grad`` of leaves (and of nodes that keep
    theirs); with ``targets``, they are returned as {target: gradient} and no ``.grad`` changes.
    A pass that fails leaves every ``.grad`` as it was.
    """
    operations, leaves = _graph_behind(root)
    wanted = relevant = None
    if targets is not None:
        wanted = frozenset(targets)
        relevant = _leading_to(wanted, operations)
        operations = [node for node in operations if node in relevant]
    fit, check = root._result_type._fit_grad, grad_mode.anomaly
    if create_graph and seed.__class__ is not float and not isinstance(seed, Node):
        seed = _leaf(root._result_type, seed)  # VJPs then meet nodes: array * Tensor is not every library's
    grads = {root: seed}   # the gradients that reached each node so far
    collected, stored = {}, []
    handed_out = set() if root._mutable_grads else None   # ids of the arrays stored in some .grad
    try:
        with grad_enabled_as(create_graph):  # VJPs record a graph only for higher-order gradients
            for node in operations + leaves:
                g = grads.pop(node, None)
                if g is None:  # no gradient reached this node
                    continue
                if wanted is not None:
                    if node in wanted:
                        collected[node] = g if fit is None else fit(node, g)
                elif node._primitive is None or node._keeps_grad:
                    stored.append((node, node.grad))
                    if g.__class__ is float and node.grad.__class__ is float:  # just an optimization
                        node.grad += g
                    else:
                        _store_grad(node, g, handed_out)
                if node._primitive is not None:
                    _chain_rule(node, g, grads, create_graph, fit, relevant, check)
    except BaseException:
        for node, previous in stored:
            node.grad = previous
        raise
    return collected


def _store_grad(node: Node, g: Operand, handed_out: set[int] | None) -> None:
    """Add ``g`` to ``node.grad``; an array already stored in another ``.grad`` is not shared."""
    if handed_out is None:  # immutable gradients (floats): a plain sum
        if g.__class__ is not float and not isinstance(g, Node):
            g = _scalar_gradient(node, g)
        node.grad = g if node.grad is None else node.grad + g
    else:
        node._accumulate_grad(g, id(g) in handed_out)
        handed_out.add(id(g))


def _chain_rule(node: Node, g: Operand, grads: dict[Node, Operand], create_graph: bool,
                fit: Callable[[Node, Operand], Operand] | None, relevant: Set[Node] | None,
                check: bool) -> None:
    """Hand ``g`` to the VJP of each input of ``node`` that requires grad; add up what comes back."""
    primitive, inputs, params = node._primitive, node._inputs, node._params
    if create_graph:
        out, input_data = node, inputs
    else:
        out, input_data = node._data, node._input_data
        # The cases for two inputs are just optimizations (docs/benchmarks.rst, "Where the time goes").
        if input_data is None:  # Value keeps no copy of its inputs' data: read it from the inputs
            if len(inputs) == 2:
                x, y = inputs
                input_data = (x._data if isinstance(x, Node) else x, y._data if isinstance(y, Node) else y)
            else:
                input_data = [data_of(x) for x in inputs]
    vjps = primitive.vjps if primitive.argnum_vjp is None else primitive.argnum_vjps(len(inputs))
    for parent, vjp in zip(inputs, vjps):
        if vjp is None or not isinstance(parent, Node) or not parent.requires_grad or \
                relevant is not None and parent not in relevant:
            continue
        try:
            if params:
                parent_grad = vjp(g, out, *input_data, **params)
            elif len(input_data) == 2:
                parent_grad = vjp(g, out, input_data[0], input_data[1])
            else:
                parent_grad = vjp(g, out, *input_data)
            if fit is not None:
                parent_grad = fit(parent, parent_grad)
        except ShapeError as error:
            raise ShapeError(f"the VJP of {primitive.name} for its input "
                             f"{_position(node, parent)}: {error}") from None
        except (ArithmeticError, ValueError) as error:
            raise DomainError(f"the gradient of {primitive.name} at {_describe(input_data)} is "
                              f"undefined: {error}") from error
        if check:
            anomaly.check_backward(node, _position(node, parent), data_of(parent_grad), data_of(g),
                                   [data_of(x) for x in input_data])
        previous = grads.get(parent)
        grads[parent] = parent_grad if previous is None else previous + parent_grad


def _scalar_gradient(node: Node, g: Operand) -> float:
    """``g`` as the float gradient of a scalar ``node``, or the error that a VJP gave it an array."""
    shape = getattr(g, "shape", ())
    if shape and any(n != 1 for n in shape):
        made = f"the result of {node.op}" if node._primitive is not None else "a leaf"
        raise ShapeError(f"a gradient of shape {tuple(shape)} reached a {type(node).__name__} ({made}), "
                         f"which holds one number: a VJP of an op that consumed it returned an array")
    try:
        return float(g)
    except (TypeError, ValueError):
        raise TypeError(f"a gradient of type {type(g).__name__} reached a {type(node).__name__}: a VJP "
                        f"of an op that consumed it returned something that is not a number") from None


def _position(node: Node, parent: Node) -> int:
    """Where ``parent`` stands among ``node``'s inputs (by identity: == compares data)."""
    return next(i for i, x in enumerate(node._inputs) if x is parent)


def _describe(input_data: Sequence[Data]) -> str:
    """``(1.0, <array of shape (3,)>)``: the inputs of a failed VJP, short."""
    parts = []
    for x in map(data_of, input_data):
        shape = getattr(x, "shape", None)
        parts.append(f"<array of shape {shape}>" if shape else repr(x.item() if hasattr(x, "item") else x))
    return "(" + ", ".join(parts) + ")"


# --------------------------------------------------------------------------------------------
# The graph walk and its checks
# --------------------------------------------------------------------------------------------


def _graph_behind(root: Node) -> tuple[list[Node], list[Node]]:
    """The nodes that require grad and lead to ``root``: its operations, latest first (a reverse
    topological order), and its leaves.

    A walk with a stack, so graph depth is no limit. Before any gradient is computed, an input that
    requires grad where the primitive has no VJP, or one changed in place after its consumer was
    recorded, raises here.
    """
    seen = {root}
    operations, leaves = [], []
    stack = [root]
    while stack:
        node = stack.pop()
        primitive = node._primitive
        if primitive is None:
            leaves.append(node)
            continue
        operations.append(node)
        for parent in node._inputs:
            if isinstance(parent, Node) and parent.requires_grad and parent not in seen:
                seen.add(parent)
                stack.append(parent)
        if len(node._inputs) > len(primitive.vjps) and primitive.argnum_vjp is None:
            _check_vjps_defined(node)
    operations.sort(key=stamp_of, reverse=True)
    if operations and modes.last_change > operations[-1]._stamp:  # something changed since recording
        _check_unchanged(operations)
    return operations, leaves


def _check_unchanged(operations: list[Node]) -> None:
    """Raise if an input of one of ``operations`` was changed in place after the operation ran."""
    for node in operations:
        for parent in node._inputs:
            if isinstance(parent, Node) and parent._stamp > node._stamp:
                raise RuntimeError(
                    f"input {_position(node, parent)} of {node.op} (a {type(parent).__name__} of shape "
                    f"{tuple(parent.shape)}) was modified in place after the graph was recorded, so its "
                    f"gradient can no longer be computed: call backward() before changing it, or "
                    f"compute the forward pass again")


def _check_vjps_defined(node: Node) -> None:
    """Raise if an input of ``node`` that requires grad has no VJP (``defvjp`` gave fewer)."""
    name, vjps = node.op, node._primitive.vjps
    for position, parent in enumerate(node._inputs):
        if position >= len(vjps) and isinstance(parent, Node) and parent.requires_grad:
            raise TypeError(f"{name} has no VJP for its input {position}, which requires grad: give it "
                            f"one with {name}.defvjp(...), or pass None there if it is not differentiable")


def _leading_to(targets: Set[Node], operations: list[Node]) -> set[Node]:
    """The targets and every operation with a target behind it: the only nodes whose gradients
    ``gradients()`` needs (``operations`` latest first, so inputs are decided before consumers)."""
    relevant = set(targets)
    for node in reversed(operations):
        if any(isinstance(parent, Node) and parent in relevant for parent in node._inputs):
            relevant.add(node)
    return relevant
