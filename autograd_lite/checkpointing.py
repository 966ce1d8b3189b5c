"""``checkpoint(f)``: gradient checkpointing, as ``jax.checkpoint`` and ``torch.utils.checkpoint``.

A checkpointed call is recorded as *one* node, whose inputs are ``f``'s arguments (and the nodes
that ``f`` closed over, such as a layer's weights). Its forward runs ``f`` and keeps only the
result: the intermediate results of ``f`` are freed as soon as it returns. Its VJP runs ``f`` again,
with recording on, and backpropagates through that fresh graph, which is freed when the VJP returns.
So the memory held between the forward and the backward pass is the inputs and outputs of each
checkpointed block, not everything inside it, for the price of a second forward pass.

``f`` must compute the same thing when it runs again (no random numbers drawn inside it, no state it
changes).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from . import _checks, backend, modes
from .engine import Node, Primitive, _first_node, _leaf, apply, enable_grad, gradients, is_grad_enabled
from .modes import clock

__all__ = ["checkpoint"]


class _Saved:
    """What a checkpointed call keeps for its backward pass (the ``saved`` parameter of its node):
    ``f`` and its keyword arguments, which inputs are differentiated, and the gradients of the
    latest backward pass, computed once for every input and handed out one input at a time."""

    __slots__ = ("f", "kwargs", "kinds", "wanted", "outside", "out", "for_g", "grads", "pending")

    def __init__(self, f: Callable[..., Any], kwargs: dict[str, Any], kinds: list[type[Node] | None],
                 wanted: list[int], outside: list[Node], out: Any) -> None:
        self.f, self.kwargs, self.kinds, self.wanted, self.outside = f, kwargs, kinds, wanted, outside
        self.out = out
        self.for_g = self.grads = None
        self.pending: set[int] = set()

    def __repr__(self) -> str:
        return f"<saved for the backward pass of {getattr(self.f, '__name__', 'f')}>"

    def gradient(self, i: int, g: Any, out: Any, inputs: Sequence[Any]) -> Any:
        """The gradient for input ``i``; the first input asked of a backward pass runs ``f`` again."""
        if self.for_g is not g:
            self.grads = self._recompute(g, out, inputs)
            self.for_g, self.pending = g, set(self.wanted)
        grads = self.grads
        self.pending.discard(i)
        if not self.pending:  # every input has its gradient: drop them
            self.for_g = self.grads = None
        gradient = grads[i]
        return _zeros(inputs[i]) if gradient is None else gradient

    def _recompute(self, g: Any, out: Any, inputs: Sequence[Any]) -> list[Any]:
        count = len(self.kinds)
        args, targets = list(inputs[:count]), []
        if isinstance(out, Node):  # create_graph=True: the gradients are graphs of the inputs and g
            from .functional import _identity  # functional imports this module
            arguments = [k for k in self.wanted if k < count]
            if self.outside:
                self._check_not_behind_arguments([inputs[k] for k in arguments])
            for k in arguments:
                args[k] = _identity(inputs[k])  # a node of its own: each input's own share
                targets.append(args[k])
            with enable_grad():
                again = self.f(*args, **self.kwargs)
                if not isinstance(again, Node):
                    return [None] * len(inputs)
                total = again * g  # ⟨again, g⟩: seeding with g would cut g's graph
                total = total.sum() if getattr(total, "shape", ()) != () else total
            grads = gradients(total, targets + self.outside, create_graph=True)
            # a node f closed over and also got as an argument: its total counts the argument's path too
            for j, node in enumerate(self.outside):
                for position, k in enumerate(arguments):
                    if inputs[k] is node and grads[len(arguments) + j] is not None and \
                            grads[position] is not None:
                        grads[len(arguments) + j] = grads[len(arguments) + j] - grads[position]
        else:
            for k, kind in enumerate(self.kinds):
                if kind is not None:
                    args[k] = _leaf(kind, args[k], k in self.wanted)
                    if k in self.wanted:
                        targets.append(args[k])
            with enable_grad():
                again = self.f(*args, **self.kwargs)
            if not isinstance(again, Node):
                return [None] * len(inputs)
            grads = gradients(again, targets + self.outside, gradient=g)
        result: list[Any] = [None] * len(inputs)
        for k, gradient in zip(self.wanted, grads):
            result[k] = gradient
        return result


    def _check_not_behind_arguments(self, arguments: list[Node]) -> None:
        """Raise if a node ``f`` closed over is behind (an input of the computation of) one of the
        differentiated arguments: its second-order gradient would also count the path through it."""
        parent = _ancestor_among(arguments, {id(node) for node in self.outside})
        if parent is not None:
            raise NotImplementedError(
                f"checkpoint({getattr(self.f, '__name__', 'f')}): second-order gradients "
                f"(create_graph=True) through a checkpointed function that uses a node from "
                f"outside its arguments (a {type(parent).__name__} of shape "
                f"{tuple(parent.shape)}) from which one of its arguments was computed are "
                f"not supported: pass that node to the function as an argument")


def _ancestor_among(starts: list[Node], targets: set[int]) -> Node | None:
    """The first node that requires grad, with its id in ``targets``, found walking back from
    ``starts`` through their inputs (``starts`` themselves excluded); None if there is none."""
    seen = {id(node) for node in starts}
    stack = list(starts)
    while stack:
        for parent in stack.pop()._inputs:
            if isinstance(parent, Node) and parent.requires_grad and id(parent) not in seen:
                if id(parent) in targets:
                    return parent
                seen.add(id(parent))
                stack.append(parent)
    return None


def _zeros(x: Any) -> Any:
    data = x._data if isinstance(x, Node) else x
    if not hasattr(data, "shape") or isinstance(data, float):
        return 0.0
    return backend.namespace(data).zeros_like(data)


def _take_out(*inputs: Any, saved: _Saved) -> Any:
    """The forward of a checkpointed call: ``f``'s result, already computed (kept by nothing else)."""
    out, saved.out = saved.out, None
    return out


def _vjp(i: int, g: Any, out: Any, *inputs: Any, saved: _Saved) -> Any:
    return saved.gradient(i, g, out, inputs)


def _outside(out: Node, start: int) -> list[Node]:
    """The nodes that require grad, were made before ``start`` and are inputs of ops made since:
    what ``f`` used from outside its arguments (a walk with a stack)."""
    seen, outside, stack = {id(out)}, [], [out]
    while stack:
        node = stack.pop()
        for parent in node._inputs:
            if isinstance(parent, Node) and parent.requires_grad and id(parent) not in seen:
                seen.add(id(parent))
                if parent._stamp < start:
                    outside.append(parent)
                elif not parent.is_leaf:
                    stack.append(parent)
    return outside


def _check_independent(outside: list[Node], name: str) -> None:
    """Raise if one of the nodes ``f`` closed over is computed from another of them: their gradients
    would overlap (the gradient of the first would also count the paths through the second)."""
    ids = {id(node) for node in outside}
    for node in outside:
        parent = _ancestor_among([node], ids)
        if parent is not None:
            raise ValueError(
                f"checkpoint({name}): f uses two nodes from outside its arguments, one of "
                f"which is computed from the other (a {type(parent).__name__} of shape "
                f"{tuple(parent.shape)} and one made from it by {node.op}): pass them to f "
                f"as arguments")


def checkpoint(f: Callable[..., Any]) -> Callable[..., Any]:
    """``f``, recorded as one node that recomputes ``f``'s forward pass in the backward pass instead
    of keeping its intermediate results (``jax.checkpoint``, ``torch.utils.checkpoint``).

    ``checkpoint(f)(*args, **kwargs)`` equals ``f(*args, **kwargs)`` and has the same gradients, with
    respect to the arguments and to the nodes ``f`` uses from outside (a layer's weights). Keyword
    arguments are constants. ``f`` returns one array or number, and must give the same result when
    run again. Second-order gradients through it (``create_graph=True``, :func:`jvp`,
    :func:`hessian`) work, except when a node ``f`` closed over is also behind one of its arguments
    (the argument was computed from it): that raises ``NotImplementedError``.

    >>> import numpy as np
    >>> from autograd_lite import Tensor, checkpoint
    >>> W = Tensor(np.eye(2) * 2, requires_grad=True)
    >>> block = checkpoint(lambda h: (h @ W).tanh())
    >>> x = Tensor([[0.5, -0.5]], requires_grad=True)
    >>> y = block(x)
    >>> y.op
    'checkpoint(<lambda>)'
    >>> y.sum().backward()
    >>> x.grad.round(6), W.grad.round(6)
    (array([[0.839949, 0.839949]]), array([[ 0.209987,  0.209987],
           [-0.209987, -0.209987]]))
    """
    _checks.function(f, "f", "checkpoint")
    name = getattr(f, "__name__", type(f).__name__)
    op = Primitive(_take_out, name=f"checkpoint({name})")
    op.defvjp_argnum(_vjp)

    @functools.wraps(f, updated=())  # f may be a layer: its attributes stay its own
    def checkpointed(*args: Any, **kwargs: Any) -> Any:
        modes.outside_the_graph("ag.checkpoint (a forward recomputed inside a VJP)")
        if not is_grad_enabled():
            return f(*args, **kwargs)
        for position, arg in enumerate(args):
            if isinstance(arg, (list, tuple)) and _first_node(arg) is not None:
                raise TypeError(f"checkpoint({name}): argument {position} is a {type(arg).__name__} that "
                                f"holds nodes; pass each node as an argument of its own")
        detached = [arg.detach() if isinstance(arg, Node) else arg for arg in args]
        start = next(clock)
        with enable_grad():  # records only what f takes from outside its arguments
            out = f(*detached, **kwargs)
        if isinstance(out, (list, tuple)):
            raise TypeError(f"checkpoint({name}): f returned a {type(out).__name__}; a checkpointed "
                            f"function returns one array or number (checkpoint each output's function)")
        wanted = [k for k, arg in enumerate(args) if isinstance(arg, Node) and arg.requires_grad]
        outside = _outside(out, start) if isinstance(out, Node) and out.requires_grad else []
        if not isinstance(out, Node) or not wanted and not outside:
            return out  # nothing to differentiate: f's result as it is
        _check_independent(outside, name)
        kinds = [arg._result_type if isinstance(arg, Node) else None for arg in args]
        wanted += range(len(args), len(args) + len(outside))
        saved = _Saved(f, kwargs, kinds, wanted, outside, out._data)
        del out, detached  # f's intermediate results go here
        return apply(op, (*args, *outside), {"saved": saved})

    return checkpointed
