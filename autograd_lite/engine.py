"""The reverse-mode core that :class:`~autograd_lite.Value` and :class:`~autograd_lite.Tensor` share.

A computation is a graph of :class:`Node` objects. A node made by an operation remembers the
:class:`Primitive` that made it, its inputs and the keyword parameters of the call — no closures, so
no reference cycles: dropping the output frees the graph. A primitive is a function on raw data
(Python numbers or NumPy arrays) with one vector-Jacobian product (VJP) per input. :func:`backward`
visits the graph from the output back to the leaves and hands each VJP the upstream gradient. VJPs
are written with operators and primitives, so with ``create_graph=True`` they run on nodes and record
the gradient computation as a graph of its own, ready to be differentiated again.

Read it in order: nodes, primitives, running an operation, the backward pass, the graph walk and its
checks, then grad mode and the clock that orders nodes.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from . import _checks, anomaly, modes
from .modes import (
    clock,
    detect_anomaly,
    enable_grad,
    grad_mode,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    stamp_of,
)

if TYPE_CHECKING:
    from .typing import Data, Operand

__all__ = ["DomainError", "Node", "Primitive", "ShapeError", "apply", "backward", "data_of",
           "detect_anomaly", "enable_grad", "gradients", "is_anomaly_enabled", "is_grad_enabled",
           "no_grad", "primitive", "walk"]


class Node:
    """A value in a computation graph: its ``data``, its ``grad``, and how it was made.

    ``Value`` and ``Tensor`` are the two kinds of node. The class body below lists, one line each,
    what a kind provides (the protocol); the engine calls these hooks and nothing else of a kind.
    """

    __slots__ = ("_data", "grad", "requires_grad", "name", "_primitive", "_inputs", "_input_data",
                 "_params", "_keeps_grad", "_origin", "_stamp", "__weakref__")

    # What each kind of node provides ----------------------------------------------------------
    #: The kind of the results of operations on this node (set for each kind: ``Tensor`` for a
    #: ``Parameter``).
    _result_type: ClassVar[type[Node]]
    #: How an operation runs on this kind: :func:`apply`, unless the kind defines a faster copy.
    _apply: ClassVar[Callable[[Primitive, Sequence[Operand], dict[str, Any] | None], Node]]
    #: Whether every node keeps its gradient after backward (micrograd), or only leaves and nodes
    #: that called :meth:`retain_grad` (PyTorch).
    _all_keep_grad: ClassVar[bool] = False
    #: ``.grad`` before any backward (``0.0`` for Value, ``None`` for Tensor).
    _empty_grad: ClassVar[Data | None] = None
    #: Whether gradients are mutable arrays, which two ``.grad`` attributes must not share.
    _mutable_grads: ClassVar[bool] = False
    #: ``_fit_grad(node, grad)``: a gradient brought to ``node``'s shape and dtype (``None``: they
    #: always fit).
    _fit_grad: ClassVar[Callable[[Node, Operand], Operand] | None] = None

    @staticmethod
    def _forward(primitive: Primitive, input_data: Sequence[Data], params: dict[str, Any]) -> Data:
        """Required: the primitive's forward on raw data, checked (errors name the op and inputs)."""
        raise NotImplementedError

    def _seed_grad(self, gradient: Operand | None) -> Data:
        """Required: the gradient that starts ``backward`` from this node (``gradient`` as given)."""
        raise NotImplementedError

    def _accumulate_grad(self, grad: Operand, shared: bool) -> None:
        """Required where ``_mutable_grads``: add ``grad`` to ``.grad``; ``shared``: that array is
        already stored in another ``.grad``."""
        raise NotImplementedError

    @classmethod
    def _from_sequence(cls, primitive: Primitive, sequence: list | tuple) -> Node:
        """A (nested) list holding nodes of this kind, as one input; by default not allowed."""
        raise TypeError(f"{primitive.name}: a list or tuple of {cls.__name__}s is not an array: "
                        f"combine them with Python's operators (sum(values)), or compute on Tensors "
                        f"(grad(f) of an array argument, np.array(1.0), differentiates a Tensor)")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if Node in cls.__bases__:  # a new kind of node, whose operations give nodes of its own kind
            cls._result_type = cls
            if "_apply" not in cls.__dict__:
                cls._apply = staticmethod(apply)

    # The node itself ----------------------------------------------------------------------------
    def __init__(self, data: Data, requires_grad: bool) -> None:
        """A leaf holding ``data``, already checked by the kind's constructor."""
        self._data = data
        self.grad = self._empty_grad
        self.requires_grad = requires_grad
        self.name = self._primitive = self._params = self._origin = None
        self._inputs = self._input_data = ()
        self._keeps_grad = self._all_keep_grad
        self._stamp = next(clock)

    def __setstate__(self, state: tuple[Any, dict[str, Any]]) -> None:
        """Unpickling and ``copy.deepcopy``: the slots as saved and a stamp from this process's clock
        (pickle restores inputs before the nodes made from them, so the order holds)."""
        for slot, value in state[1].items():
            object.__setattr__(self, slot, value)
        self._stamp = next(clock)

    @property
    def is_leaf(self) -> bool:
        """True for nodes made by the user rather than by an operation."""
        return self._primitive is None

    @property
    def op(self) -> str:
        """The name of the operation that made this node (``""`` for a leaf)."""
        return "" if self._primitive is None else self._primitive.name

    @property
    def primitive(self) -> Primitive | None:
        """The :class:`Primitive` that made this node (``None`` for a leaf)."""
        return self._primitive

    @property
    def inputs(self) -> tuple[Operand, ...]:
        """What this node was made from, as given: nodes and constants (``()`` for a leaf)."""
        return self._inputs

    @property
    def params(self) -> Mapping[str, Any]:
        """The keyword parameters of the operation that made this node, read-only."""
        return MappingProxyType(self._params or _NO_PARAMS)

    @property
    def origin(self) -> anomaly.Origin | None:
        """The line of your code that made this node, if made in anomaly mode (else ``None``)."""
        return self._origin

    def mark_modified(self) -> None:
        """Record that this leaf's data was changed in place.

        Graphs recorded before then refuse to backpropagate through it (their gradients would be
        computed from the new data). In-place operators and optimizers call this; call it yourself
        after changing a leaf's data by other means.
        """
        self._stamp = modes.stamp_change()

    def retain_grad(self) -> None:
        """Keep this (non-leaf) node's gradient in ``.grad`` after ``backward``."""
        self._keeps_grad = True

    def detach(self) -> Node:
        """A new leaf with the same data, cut off from the graph (it requires no grad)."""
        return _leaf(self._result_type, self._data)

    def backward(self, gradient: Operand | None = None, create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into the ``.grad`` of every leaf that requires grad.

        ``gradient`` is d(loss)/d(self); it may be left out when ``self`` holds one number.
        Gradients *add up* over calls, as in PyTorch: clear them (``zero_grad``) between steps.
        With ``create_graph=True`` the gradients are themselves nodes that can be differentiated.
        """
        backward(self, gradient, create_graph)


def data_of(x: Operand) -> Data:
    """The raw data behind ``x``: its array or float for a node, ``x`` itself otherwise."""
    return x._data if isinstance(x, Node) else x


def constant_data(x: Operand, name: str, where: str) -> Data:
    """The data of ``x``, which ``where`` takes as a constant of its math (a fill value, a quantile):
    a node that requires grad is refused, since its gradient would silently be lost.

    >>> from autograd_lite import Tensor
    >>> constant_data(Tensor(2.0, requires_grad=True), "fill_value", "full")
    Traceback (most recent call last):
    TypeError: full: fill_value is a Tensor that requires grad, but full takes it as a constant, ...
    """
    if isinstance(x, Node) and x.requires_grad:
        raise TypeError(_constant_message(where, name, x))
    return data_of(x)


def _constant_message(where: str, name: str, x: Node) -> str:
    return (f"{where}: {name} is a {type(x).__name__} that requires grad, but {where} takes it as a "
            f"constant, so it would get no gradient; pass its data (x.detach()) if that is what you mean")


def walk(root: Node) -> list[Node]:
    """Every node behind ``root``, ``root`` included, each once: latest first, so each node comes
    before the inputs it was made from (a walk with a stack: graph depth is no limit).

    >>> from autograd_lite import Value
    >>> x = Value(2.0, label="x")
    >>> [node.op or node.name for node in walk(x * x + 1)]
    ['add', 'multiply', 'x']
    """
    if not isinstance(root, Node):
        raise TypeError(f"walk: root must be a Value or a Tensor, not {type(root).__name__}")
    seen = {id(root)}
    nodes, stack = [], [root]
    while stack:
        node = stack.pop()
        nodes.append(node)
        for parent in node._inputs:
            if isinstance(parent, Node) and id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    nodes.sort(key=stamp_of, reverse=True)
    return nodes


# --------------------------------------------------------------------------------------------
# Primitives: an operation on raw data and its VJPs
# --------------------------------------------------------------------------------------------

VJP = Callable[..., Any]


class Primitive:
    """A differentiable operation: a forward function on raw data and one VJP per input.

    Called on plain numbers or arrays, a primitive runs its forward and returns plain data; called
    on nodes, it returns a node that remembers how it was made. Every built-in op is one::

        @primitive
        def cube(x):
            "x³.  ∂L/∂x = g·3x²"
            return x ** 3

        cube.defvjp(lambda g, out, x: g * 3 * x ** 2)

    A VJP receives the upstream gradient ``g``, the output ``out``, every input and the keyword
    parameters, and returns ``g`` times the derivative of the output with respect to *its* input.
    Written with operators and primitives, it also runs on nodes (for higher-order gradients).
    Broadcasting is undone by the engine: a VJP may return a gradient of the broadcast shape.
    """

    def __init__(self, forward: Callable[..., Any], *, scalar_forward: Callable[..., Any] | None = None,
                 name: str | None = None) -> None:
        _checks.function(forward, "forward", "primitive")
        if scalar_forward is not None:
            _checks.function(scalar_forward, "scalar", "primitive")
        functools.update_wrapper(self, forward)
        self.forward = forward
        self.scalar_forward = scalar_forward or forward
        self.name = name or forward.__name__
        self.vjps: tuple[VJP | None, ...] = ()
        self.argnum_vjp: Callable[..., Any] | None = None
        self.check_params: Callable[..., dict[str, Any]] | None = None
        self.array_inputs: int | None = None
        #: it takes NumPy's ``axis``, so PyTorch's ``dim``/``keepdim`` are accepted for it
        self.takes_axis = "axis" in inspect.signature(forward).parameters
        #: what a call with PyTorch's ``dim=`` runs instead, where that differs in meaning from
        #: ``axis=`` (``max(x, dim=0)`` gives values and indices, as PyTorch)
        self.dim_call: Callable[..., Any] | None = None

    def defvjp(self, *vjps: VJP | None) -> Primitive:
        """Set the VJPs, one per positional input, in order (``None``: not differentiable there)."""
        for position, vjp in enumerate(vjps):
            if vjp is not None:
                _checks.function(vjp, f"the VJP of input {position}", f"{self.name}.defvjp")
        self.vjps = vjps
        self.argnum_vjp = None
        modes.program_epoch += 1
        return self

    def defvjp_argnum(self, vjp: Callable[..., Any]) -> Primitive:
        """Set one VJP for every input of a variadic primitive: ``vjp(i, g, out, *inputs)``."""
        self.argnum_vjp = _checks.function(vjp, "vjp", f"{self.name}.defvjp_argnum")
        self.vjps = ()
        modes.program_epoch += 1
        return self

    def defparams(self, check: Callable[..., dict[str, Any]], inputs: int | None = 1) -> Primitive:
        """Set the check of the op's parameters, for calls on nodes.

        ``check`` takes the arguments as the forward does and returns the parameters validated and in
        one canonical spelling (axes as non-negative ints): the forward and every VJP receive those,
        by name, however the caller spelled them. ``inputs`` is how many leading positional
        arguments are the op's inputs (``None``: all, for variadic ops); the rest are parameters.

        >>> import numpy as np
        >>> from autograd_lite import Tensor, primitive
        >>> @primitive
        ... def total(x, axis=None):
        ...     return np.sum(x, axis=axis)
        >>> def canonical(x, axis=None):
        ...     return {"axis": None if axis is None else int(axis) % np.ndim(x)}
        >>> _ = total.defparams(canonical)
        >>> _ = total.defvjp(lambda g, out, x, axis=None: np.expand_dims(g, axis) * np.ones(x.shape))
        >>> dict(total(Tensor(np.ones((2, 3)), requires_grad=True), np.int64(-1)).params)
        {'axis': 1}
        """
        self.check_params = _checks.function(check, "check", f"{self.name}.defparams")
        self.array_inputs = None if inputs is None else \
            _checks.integer(inputs, "inputs", f"{self.name}.defparams", minimum=0)
        return self

    def __reduce__(self) -> str | tuple[Any, ...]:
        """Pickled by name where its module holds it (every built-in op), so a model pickled for
        another process (a Ray replica) refers to the op there; else by its parts: a primitive of a
        script, or of a module that cloudpickle was told to pickle by value."""
        module, name = getattr(self, "__module__", None), getattr(self, "__qualname__", "")
        if module and module != "__main__" and not _pickled_by_value(module) \
                and _importable(module, name) is self:
            return (_primitive_named, (module, name))
        return object.__reduce__(self)

    def argnum_vjps(self, count: int) -> list[VJP]:
        """The VJPs of a variadic primitive called with ``count`` inputs."""
        return [functools.partial(self.argnum_vjp, i) for i in range(count)]

    def __call__(self, *inputs: Any, **params: Any) -> Any:
        if params and self.takes_axis and ("dim" in params or "keepdim" in params):
            if self.dim_call is not None and "dim" in params:
                return self.dim_call(*inputs, **params)
            params = _checks.numpy_spelling(self.name, params)
        for x in inputs:
            if isinstance(x, Node):
                return x._apply(self, inputs, params)
            if x.__class__ in _SEQUENCES and _first_node(x) is not None:
                return self(*_joined(self, inputs), **params)
        if modes.compiling is not None and not modes.compiling.internal:   # plain data of a traced call
            return modes.compiling.data_call(self, inputs, params, name=self.name)
        try:
            if self.scalar_forward is not self.forward:  # plain numbers take the scalar forward
                for x in inputs:
                    if type(x) not in _PYTHON_NUMBERS:
                        return self.forward(*inputs, **params)
                return self.scalar_forward(*inputs, **params)
            return self.forward(*inputs, **params)
        except TypeError as error:
            raise TypeError(f"{self.name}: {error}") from None

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


def primitive(forward: Callable[..., Any] | None = None, *,
              scalar: Callable[..., Any] | None = None, name: str | None = None) -> Any:
    """Decorator that turns a function on raw data into a :class:`Primitive`.

    ``scalar`` optionally gives a faster forward for Python floats (``math.exp`` for ``np.exp``).

    >>> from autograd_lite import Value, primitive
    >>> @primitive
    ... def cube(x):
    ...     return x ** 3
    >>> _ = cube.defvjp(lambda g, out, x: g * 3 * x ** 2)
    >>> x = Value(2.0)
    >>> cube(x).backward()
    >>> x.grad
    12.0
    """
    if forward is None:
        return functools.partial(primitive, scalar=scalar, name=name)
    return Primitive(forward, scalar_forward=scalar, name=name)


def docstring_tests(namespace: dict[str, Any]) -> dict[str, str]:
    """The docstrings of the primitives in a module's ``namespace``, as doctest's ``__test__``
    (doctest does not look inside callable instances)."""
    return {name: op.__doc__ for name, op in namespace.items()
            if isinstance(op, Primitive) and op.__doc__ and name == op.name}


# --------------------------------------------------------------------------------------------
# Running an operation: the node factory
# --------------------------------------------------------------------------------------------

_NO_PARAMS: dict[str, Any] = {}
_PYTHON_NUMBERS = (float, int, bool)
_SEQUENCES = (list, tuple)


def apply(primitive: Primitive, inputs: Sequence[Operand], params: dict[str, Any] | None = None) -> Node:
    """Run ``primitive`` on ``inputs`` (nodes and constants); record it in the graph when needed."""
    kind = None
    requires_grad = False
    input_data = []
    for x in inputs:
        if isinstance(x, Node):
            if x._result_type is not kind:
                if kind is not None:
                    raise TypeError(f"{primitive.name}: cannot combine a {kind.__name__} with a "
                                    f"{x._result_type.__name__}; convert one of them first")
                kind = x._result_type
            requires_grad = requires_grad or x.requires_grad
            input_data.append(x._data)
        elif x.__class__ in _SEQUENCES and _first_node(x) is not None:
            return apply(primitive, _joined(primitive, inputs), params)
        else:
            input_data.append(x)
    input_data, inputs = tuple(input_data), tuple(inputs)
    if params:
        _refuse_differentiable(primitive, params.items())
    check = primitive.check_params
    if check is not None:
        count = len(input_data) if primitive.array_inputs is None else primitive.array_inputs
        if params or len(input_data) > count:
            _refuse_differentiable(primitive, ((f"argument {i + 1}", x) for i, x in enumerate(inputs)
                                               if i >= count))
            params = check(*input_data, **params)
            input_data, inputs = input_data[:count], inputs[:count]
    params = params or _NO_PARAMS
    out = kind._forward(primitive, input_data, params)
    return _record(kind, out, primitive, inputs, input_data, params, requires_grad)


def _refuse_differentiable(primitive: Primitive, named: Iterable[tuple[str, Any]]) -> None:
    """Raise when a parameter of ``primitive`` (a constant of its math, not an input) is a node that
    requires grad: its gradient would silently be lost."""
    for name, value in named:
        if isinstance(value, Node) and value.requires_grad:
            raise TypeError(_constant_message(primitive.name, name, value))


def _record(kind: type[Node], out: Data, primitive: Primitive, inputs: tuple[Operand, ...],
            input_data: tuple[Data, ...] | None, params: dict[str, Any], requires_grad: bool) -> Node:
    """The node of ``kind`` holding ``out = primitive(*input_data, **params)``, not validated again.

    It joins the graph if an input requires grad and grad mode is on; otherwise it is a leaf.
    ``input_data`` is ``None`` for a kind that keeps no copy of its inputs' data (Value: backward
    reads it from ``inputs``).
    """
    node = _new_object(kind)
    node._data = out
    node.grad = kind._empty_grad
    node.name = node._origin = None
    if requires_grad and grad_mode.enabled:
        node.requires_grad = True
        node._primitive = primitive
        node._inputs = inputs
        node._input_data = input_data
        node._params = params
    else:
        node.requires_grad = False
        node._primitive = node._params = None
        node._inputs = node._input_data = ()
    node._keeps_grad = kind._all_keep_grad
    node._stamp = next(clock)
    if modes.anomaly_blocks and grad_mode.anomaly:
        node._origin = anomaly.creation_site()
        anomaly.check_forward(node, out, input_data or [data_of(x) for x in inputs])
    return node


def _leaf(kind: type[Node], data: Data, requires_grad: bool = False) -> Node:
    """A leaf of ``kind`` holding ``data`` as it is (not copied, not validated by the constructor)."""
    node = _new_object(kind)
    Node.__init__(node, data, requires_grad)
    return node


_new_object = object.__new__  # nodes made by operations skip the checks of the kind's constructor


def _first_node(sequence: list | tuple) -> Node | None:
    """The first node in a (nested) list or tuple, or None (a walk with a stack, not recursion)."""
    stack = [sequence]
    while stack:
        for item in stack.pop():
            if isinstance(item, Node):
                return item
            if item.__class__ in _SEQUENCES:
                stack.append(item)
    return None


def _joined(primitive: Primitive, inputs: Sequence[Any]) -> list[Any]:
    """``inputs`` with every list or tuple that holds nodes made into one node that keeps their graph
    (``Tensor`` stacks them, as ``ag.stack`` does): ``ag.mean([a, b])`` is differentiable."""
    joined = []
    for x in inputs:
        node = _first_node(x) if x.__class__ in _SEQUENCES else None
        joined.append(x if node is None else node._result_type._from_sequence(primitive, x))
    return joined


class DomainError(ValueError):
    """An operation (or its gradient) is undefined at the given input, e.g. ``log(-1.0)``."""


class ShapeError(ValueError):
    """The shapes given to an operation do not fit together; the message names the op and shapes."""


def _pickled_by_value(module: str) -> bool:
    """Whether a loaded cloudpickle (Ray's or the package) was told to pickle ``module`` by value."""
    import sys

    for name in ("cloudpickle", "ray.cloudpickle"):
        loaded = getattr(sys.modules.get(name), "cloudpickle", None)
        if module in getattr(loaded, "_PICKLE_BY_VALUE_MODULES", ()):
            return True
    return False


def _primitive_named(module: str, qualname: str) -> Primitive:
    """The primitive ``module.qualname``, unpickled; an error where this process has none."""
    import pickle

    found = _importable(module, qualname)
    if not isinstance(found, Primitive):
        raise pickle.UnpicklingError(f"the primitive {module}.{qualname} cannot be found in this process "
                                     f"(is {module} importable here?)")
    return found


def _importable(module: str, qualname: str) -> Any:
    """The object ``module.qualname``, or None where there is none."""
    import importlib

    try:
        found: Any = importlib.import_module(module)
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        return None
    return found


# The backward pass and the graph walk go on in backprop.py, which builds on the classes above.
from .backprop import backward, gradients  # noqa: E402
