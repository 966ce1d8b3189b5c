"""The reverse-mode core that :class:`~autograd_lite.Value` and :class:`~autograd_lite.Tensor` share.

A computation is a graph of :class:`Node` objects. Every node made by an operation remembers the
:class:`Primitive` that made it, the inputs it was made from (and, for arrays, their data), the keyword
parameters of the call and a stamp from a global clock — no closures, so no reference cycles: dropping
the output frees the graph at once (``backward(create_graph=True)`` is the exception, and warns).

A :class:`Primitive` is a function on raw data (Python floats or NumPy arrays) together with one
vector-Jacobian product (VJP) per input. ``backward`` walks the graph in reverse topological order,
iteratively, and hands each VJP the upstream gradient ``g``, the output ``out`` and the inputs. The
VJPs are written with ordinary operators and primitives, so they work on raw data (fast) and, with
``create_graph=True``, on nodes — which records the gradient computation as a graph of its own, ready
to be differentiated again.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import operator
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from types import MappingProxyType
from typing import Any

from . import _checks, anomaly

__all__ = [
    "DomainError",
    "Node",
    "ShapeError",
    "Primitive",
    "apply",
    "backward",
    "data_of",
    "enable_grad",
    "gradients",
    "is_grad_enabled",
    "no_grad",
    "primitive",
    "walk",
]


class DomainError(ValueError):
    """An operation (or its gradient) is undefined at the given input, e.g. ``log(-1.0)``."""


class ShapeError(ValueError):
    """The shapes given to an operation do not fit together; the message names the op and shapes."""


# --------------------------------------------------------------------------------------------
# Grad mode: whether operations record a graph. Per thread, so one thread's ``no_grad`` never
# leaks into another.
# --------------------------------------------------------------------------------------------


class _GradMode(threading.local):
    enabled = True   # record graphs
    anomaly = False  # check for NaN/Inf and remember where nodes were created


_grad_mode = _GradMode()
#: How many ``detect_anomaly`` blocks are open, in all threads: while none is, operations skip
#: reading this thread's anomaly flag (a plain global is cheaper to read than a thread-local).
_anomaly_blocks = 0
_anomaly_lock = threading.Lock()


def is_grad_enabled() -> bool:
    """Whether operations on nodes that require grad are recorded, in the calling thread.

    >>> from autograd_lite import is_grad_enabled, no_grad
    >>> with no_grad():
    ...     is_grad_enabled()
    False
    """
    return _grad_mode.enabled


@contextlib.contextmanager
def _mode_set(name: str, value: bool) -> Iterator[None]:
    """Set one of this thread's modes for the block, and restore it afterwards (even on error)."""
    previous = getattr(_grad_mode, name)
    setattr(_grad_mode, name, value)
    try:
        yield
    finally:
        setattr(_grad_mode, name, previous)


def _grad_enabled_as(enabled: bool) -> contextlib.AbstractContextManager[None]:
    return _mode_set("enabled", enabled)


def no_grad() -> contextlib.AbstractContextManager[None]:
    """Stop recording graphs in the calling thread (a context manager and a decorator).

    >>> from autograd_lite import Value, no_grad
    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.requires_grad
    False
    """
    return _grad_enabled_as(False)


def enable_grad() -> contextlib.AbstractContextManager[None]:
    """Record graphs again inside a ``no_grad`` block (a context manager and a decorator).

    >>> from autograd_lite import Value, enable_grad, no_grad
    >>> with no_grad(), enable_grad():
    ...     (Value(1.0) * 2).requires_grad
    True
    """
    return _grad_enabled_as(True)


def detect_anomaly() -> contextlib.AbstractContextManager[None]:
    """Anomaly mode for the calling thread (a context manager and a decorator).

    The first NaN or Inf made from finite inputs, in a forward op or in a gradient, raises
    :class:`~autograd_lite.anomaly.AnomalyError` naming the op and the line of your code that
    created the node. See :mod:`autograd_lite.anomaly`.

    >>> import numpy as np
    >>> from autograd_lite import Tensor, detect_anomaly
    >>> x = Tensor([1.0, 0.0], requires_grad=True)
    >>> with detect_anomaly(), np.errstate(divide="ignore"):
    ...     y = x.log()
    Traceback (most recent call last):
      ...
    autograd_lite.anomaly.AnomalyError: log produced 1 NaN/Inf value(s) ...
    """
    return _anomaly_mode()


@contextlib.contextmanager
def _anomaly_mode() -> Iterator[None]:
    """This thread's anomaly flag on for the block, counted in ``_anomaly_blocks`` meanwhile."""
    global _anomaly_blocks
    with _anomaly_lock:
        _anomaly_blocks += 1
    try:
        with _mode_set("anomaly", True):
            yield
    finally:
        with _anomaly_lock:
            _anomaly_blocks -= 1


def is_anomaly_enabled() -> bool:
    """Whether anomaly mode is on in the calling thread.

    >>> from autograd_lite import detect_anomaly, is_anomaly_enabled
    >>> with detect_anomaly():
    ...     is_anomaly_enabled()
    True
    """
    return _grad_mode.anomaly


# --------------------------------------------------------------------------------------------
# The clock: one global count that ticks whenever a node is made or a leaf is changed in place, and
# stamps it. Inputs are made before the nodes that use them, so in a graph a larger stamp means later:
# backward visits nodes by decreasing stamp (a reverse topological order), and an input whose stamp is
# larger than its consumer's was changed after the graph was recorded — backward refuses.
# ``_last_change`` is the stamp of the latest in-place change anywhere: when it is older than a graph's
# first operation, no input of that graph can have changed, and backward skips the per-input check.
# (``next`` on an ``itertools.count`` is atomic, so threads need no lock to draw a stamp.)
# --------------------------------------------------------------------------------------------

_clock = itertools.count(1)
_stamp_of = operator.attrgetter("_stamp")
_last_change = 0
_last_change_lock = threading.Lock()


# --------------------------------------------------------------------------------------------
# Nodes and primitives
# --------------------------------------------------------------------------------------------


_new_object = object.__new__


class Node:
    """A value in a computation graph: its ``data``, its ``grad`` and how it was made.

    Subclasses (``Value``, ``Tensor``) decide what ``data`` is and how a primitive's forward runs on
    it (``_forward``), and how a gradient is fitted to their shape (``_fit_grad``).
    """

    __slots__ = ("_data", "grad", "requires_grad", "name", "_op", "_inputs", "_args", "_params",
                 "_keeps_grad", "_origin", "_stamp", "__weakref__")

    #: The class of the results of operations on this kind of node (``Tensor`` for a ``Parameter``).
    _result_type: type[Node]
    #: Whether every node of this kind keeps its gradient after ``backward`` (micrograd-style), or
    #: only leaves and nodes that called :meth:`retain_grad` (PyTorch-style, frees memory early).
    _all_keep_grad: bool = False
    #: ``.grad`` before any backward: ``0.0`` for ``Value`` (micrograd), ``None`` for ``Tensor``.
    _empty_grad: Any = None
    #: Whether gradients are mutable objects (arrays) that two ``.grad`` attributes must not share.
    _mutable_grads: bool = False

    def __init__(self, data: Any, requires_grad: bool) -> None:
        """A leaf holding ``data``, already checked by the subclass's constructor."""
        self._data = data
        self.grad = self._empty_grad
        self.requires_grad = requires_grad
        self.name = None
        self._op = None
        self._inputs = self._args = ()
        self._params = None
        self._keeps_grad = self._all_keep_grad
        self._origin = None
        self._stamp = next(_clock)

    # Hooks for subclasses -------------------------------------------------------------------
    @staticmethod
    def _forward(op: Primitive, datas: Sequence[Any], params: dict[str, Any]) -> Any:
        """``op``'s forward on raw data, checked: errors name the op and its inputs."""
        raise NotImplementedError

    #: ``_fit_grad(node, grad)`` brings a gradient flowing into ``node`` to its shape and dtype;
    #: ``None`` for kinds whose gradients always fit (Python floats).
    _fit_grad: Callable[[Node, Any], Any] | None = None

    def _accumulate_grad(self, grad: Any, shared: bool = False) -> None:
        """Add ``grad`` to ``self.grad`` (out of place: earlier gradients are never mutated).

        ``shared``: the same gradient object was already handed to another node in this pass.
        backward calls this for kinds with mutable gradients; for the others (``Value``: floats) it
        adds ``self.grad + grad`` itself, which is what this does.
        """
        self.grad = grad if self.grad is None else self.grad + grad

    def _seed_grad(self, gradient: Any) -> Any:
        """The gradient that starts ``backward`` from this node."""
        raise NotImplementedError

    @classmethod
    def _from_sequence(cls, op: Primitive, sequence: list | tuple) -> Node:
        """A (nested) list or tuple holding nodes of this kind, as one node input of ``op``."""
        raise TypeError(f"{op.name}: a list or tuple of {cls.__name__}s is not an array: combine them "
                        f"with Python's operators (sum(values)), or compute on Tensors (grad(f) of an "
                        f"array argument, np.array(1.0), differentiates a Tensor)")

    def __setstate__(self, state: tuple[Any, dict[str, Any]]) -> None:
        """Unpickling and ``copy.deepcopy``: the slots as saved, and a fresh stamp from this process's
        clock (a stamp from another process's clock would mean nothing here). Pickle restores inputs
        before the nodes made from them, so fresh stamps keep their order."""
        for name, value in state[1].items():
            object.__setattr__(self, name, value)
        self._stamp = next(_clock)

    # Public graph API -------------------------------------------------------------------------
    @property
    def is_leaf(self) -> bool:
        """True for nodes made by the user rather than by an operation."""
        return self._op is None

    @property
    def op(self) -> str:
        """Name of the operation that made this node (``""`` for a leaf)."""
        return "" if self._op is None else self._op.name

    @property
    def primitive(self) -> Primitive | None:
        """The :class:`Primitive` that made this node (``None`` for a leaf)."""
        return self._op

    @property
    def inputs(self) -> tuple[Any, ...]:
        """The inputs this node was made from, as given: nodes and constants (``()`` for a leaf)."""
        return self._inputs

    @property
    def params(self) -> Mapping[str, Any]:
        """The keyword parameters of the operation that made this node, read-only (``{}`` if none)."""
        return MappingProxyType(self._params or _NO_PARAMS)

    @property
    def origin(self) -> anomaly.Origin | None:
        """Where in your code this node was made, if it was made in anomaly mode; ``None`` otherwise."""
        return self._origin

    def mark_modified(self) -> None:
        """Record that this leaf's data was changed in place.

        Graphs recorded before then will refuse to backpropagate through it (their gradients would
        be computed from the new data). In-place operators and optimizers call this; call it
        yourself after changing a leaf's data by other means.
        """
        global _last_change
        with _last_change_lock:
            self._stamp = next(_clock)
            _last_change = self._stamp

    def retain_grad(self) -> None:
        """Keep this (non-leaf) node's gradient in ``.grad`` after ``backward``."""
        self._keeps_grad = True

    def detach(self) -> Node:
        """A new leaf with the same data that is cut off from the graph (requires no grad)."""
        return _leaf(self._result_type, self._data)

    def backward(self, gradient: Any = None, create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into the ``.grad`` of every leaf that requires grad.

        ``gradient`` is d(loss)/d(self); it may be left out when ``self`` holds a single number.
        Gradients *add up* over calls, as in PyTorch: clear them (``zero_grad``) between steps.
        With ``create_graph=True`` the gradients are themselves nodes that can be differentiated.
        """
        backward(self, gradient, create_graph)


def data_of(x: Any) -> Any:
    """The raw data behind ``x``: its array or float for a node, ``x`` itself otherwise."""
    return x._data if isinstance(x, Node) else x


def walk(root: Node) -> list[Node]:
    """Every node behind ``root``, ``root`` included, each once: the latest first, so every node comes
    before the inputs it was made from (a walk with a stack, so graph depth is no limit).

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
    nodes.sort(key=_stamp_of, reverse=True)
    return nodes


VJP = Callable[..., Any]


class Primitive:
    """A differentiable operation: a forward function on raw data and one VJP per input.

    Calling a primitive on plain numbers or arrays runs the forward function and returns plain data;
    calling it on nodes returns a node that remembers how it was made. This is the public way to add
    an operation; every built-in operation is defined this way::

        @primitive
        def cube(x):
            "x³.  d/dx x³ = 3x²"
            return x ** 3

        cube.defvjp(lambda g, out, x: g * 3 * x ** 2)

    A VJP receives the upstream gradient ``g``, the output ``out``, every input of the call and its
    keyword parameters, and returns ``g`` times the derivative of the output with respect to *its*
    input. Write it with operators and primitives only, so that it also runs on nodes (needed for
    higher-order gradients). Broadcasting is undone by the engine: a VJP may return a gradient of the
    broadcast shape.
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

    def defvjp(self, *vjps: VJP | None) -> Primitive:
        """Set the VJPs, one per positional input, in order (``None``: not differentiable there)."""
        for position, vjp in enumerate(vjps):
            if vjp is not None:
                _checks.function(vjp, f"the VJP of input {position}", f"{self.name}.defvjp")
        self.vjps = vjps
        self.argnum_vjp = None
        return self

    def defvjp_argnum(self, vjp: Callable[..., Any]) -> Primitive:
        """Set one VJP for every input of a variadic primitive: ``vjp(i, g, out, *inputs)``."""
        self.argnum_vjp = _checks.function(vjp, "vjp", f"{self.name}.defvjp_argnum")
        self.vjps = ()
        return self

    def defparams(self, check: Callable[..., dict[str, Any]], inputs: int | None = 1) -> Primitive:
        """Set the check of the op's parameters, for calls on nodes.

        ``check`` takes the arguments as the forward does and returns the parameters validated and in
        one canonical spelling (axes as non-negative ints): the forward and every VJP receive those,
        by name, however the caller spelled them. ``inputs`` is how many leading positional
        arguments are the op's inputs (``None``: all of them, for variadic ops); positional
        arguments after them are parameters.

        >>> import numpy as np
        >>> from autograd_lite import Tensor, primitive
        >>> @primitive
        ... def total(x, axis=None):
        ...     return np.sum(x, axis=axis)
        >>> def canonical(x, axis=None):
        ...     return {"axis": None if axis is None else int(axis) % np.ndim(x)}
        >>> _ = total.defparams(canonical)
        >>> _ = total.defvjp(lambda g, out, x, axis=None: np.expand_dims(g, axis) * np.ones(x.shape))
        >>> total(Tensor(np.ones((2, 3)), requires_grad=True), np.int64(-1))._params   # as the VJP sees it
        {'axis': 1}
        """
        self.check_params = _checks.function(check, "check", f"{self.name}.defparams")
        self.array_inputs = None if inputs is None else \
            _checks.integer(inputs, "inputs", f"{self.name}.defparams", minimum=0)
        return self

    def argnum_vjps(self, count: int) -> list[VJP]:
        """The VJPs of a variadic primitive called with ``count`` inputs."""
        return [functools.partial(self.argnum_vjp, i) for i in range(count)]

    def __call__(self, *args: Any, **params: Any) -> Any:
        for arg in args:
            if isinstance(arg, Node):
                return arg._apply(self, args, params)
            if (arg.__class__ is list or arg.__class__ is tuple) and _first_node(arg) is not None:
                return self(*_joined(self, args), **params)
        try:
            if self.scalar_forward is not self.forward:  # plain numbers take the fast scalar path
                for arg in args:
                    if type(arg) not in _PYTHON_NUMBERS:
                        return self.forward(*args, **params)
                return self.scalar_forward(*args, **params)
            return self.forward(*args, **params)
        except TypeError as error:
            raise TypeError(f"{self.name}: {error}") from None

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


_PYTHON_NUMBERS = (float, int, bool)
_SEQUENCES = (list, tuple)


def _first_node(sequence: list | tuple) -> Node | None:
    """The first node in a (nested) list or tuple, or None: a walk with a stack, not recursion."""
    stack = [sequence]
    while stack:
        for item in stack.pop():
            if isinstance(item, Node):
                return item
            if item.__class__ in _SEQUENCES:
                stack.append(item)
    return None


def _joined(op: Primitive, args: Sequence[Any]) -> list[Any]:
    """``args`` with every list or tuple that holds nodes made into one node that keeps their graph
    (``Tensor`` stacks them, as ``ag.stack`` does): ``ag.mean([a, b])`` is differentiable."""
    joined = []
    for arg in args:
        node = _first_node(arg) if arg.__class__ in _SEQUENCES else None
        joined.append(arg if node is None else node._result_type._from_sequence(op, arg))
    return joined


def docstring_tests(namespace: dict[str, Any]) -> dict[str, str]:
    """The docstrings of the primitives in a module's ``namespace``, as doctest's ``__test__``.

    doctest does not look inside callable instances, so a module that defines primitives sets
    ``__test__ = docstring_tests(globals())`` to have their examples run.
    """
    return {name: op.__doc__ for name, op in namespace.items()
            if isinstance(op, Primitive) and op.__doc__ and name == op.name}


def primitive(forward: Callable[..., Any] | None = None, *,
              scalar: Callable[..., Any] | None = None, name: str | None = None) -> Any:
    """Decorator that turns a function on raw data into a :class:`Primitive`.

    ``scalar`` optionally gives a faster forward for Python floats (``math.exp`` for ``np.exp``).

    >>> import numpy as np
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


_NO_PARAMS: dict[str, Any] = {}
_NO_VJP = object()  # stands for the VJPs a primitive did not define


def apply(op: Primitive, args: Sequence[Any], params: dict[str, Any] | None = None) -> Node:
    """Run ``op`` on ``args`` (nodes and constants) and record it in the graph when needed."""
    result_type = None
    requires_grad = False
    datas = []
    for arg in args:
        if isinstance(arg, Node):
            kind = arg._result_type
            if kind is not result_type:
                if result_type is not None:
                    raise TypeError(f"{op.name}: cannot combine a {result_type.__name__} with a "
                                    f"{kind.__name__}; convert one of them first")
                result_type = kind
            if arg.requires_grad:
                requires_grad = True
            datas.append(arg._data)
        elif (arg.__class__ is list or arg.__class__ is tuple) and _first_node(arg) is not None:
            return apply(op, _joined(op, args), params)
        else:
            datas.append(arg)
    datas = tuple(datas)
    inputs = args if args.__class__ is tuple else tuple(args)
    check = op.check_params
    if check is not None:
        count = len(datas) if op.array_inputs is None else op.array_inputs
        if params or len(datas) > count:
            params = check(*datas, **params)
            datas, inputs = datas[:count], inputs[:count]
    if not params:
        params = _NO_PARAMS
    return _record(result_type, result_type._forward(op, datas, params), op, inputs, datas, params,
                  requires_grad)


#: How operations on a kind of node run: ``apply``, unless the kind has a faster one (``Value``).
Node._apply = staticmethod(apply)


def _leaf(kind: type[Node], data: Any, requires_grad: bool = False) -> Node:
    """A leaf of ``kind`` holding ``data`` as it is (not copied, not validated)."""
    node = _new_object(kind)
    node._data = data
    node.grad = kind._empty_grad
    node.requires_grad = requires_grad
    node.name = node._op = node._params = node._origin = None
    node._inputs = node._args = ()
    node._keeps_grad = kind._all_keep_grad
    node._stamp = next(_clock)
    return node


def _record(result_type: type[Node], out: Any, op: Primitive | None = None, inputs: tuple = (),
           args: tuple | None = (), params: dict[str, Any] | None = None,
           requires_grad: bool = False) -> Node:
    """The node holding ``out = op(*args, **params)``, made without validating ``out``.

    ``inputs`` are the nodes and constants whose raw data are ``args`` (``None``: backward reads them
    from ``inputs`` instead, for kinds whose data are plain numbers). The node remembers how it
    was made — it joins the graph — if an input requires grad and grad mode is on; otherwise it is a
    leaf that requires no grad (``_record(result_type, data)`` makes such a leaf directly).
    """
    node = _new_object(result_type)
    node._data = out
    node.grad = result_type._empty_grad
    node.name = None
    if requires_grad and _grad_mode.enabled:
        node.requires_grad = True
        node._op = op
        node._inputs = inputs
        node._args = args
        node._params = params
    else:
        node.requires_grad = False
        node._op = node._params = None
        node._inputs = node._args = ()
    node._keeps_grad = result_type._all_keep_grad
    node._origin = None
    node._stamp = next(_clock)
    if _anomaly_blocks and _grad_mode.anomaly and op is not None:
        _check_forward(op, node, [data_of(x) for x in inputs] if args is None else args)
    return node


def _check_forward(op: Primitive, node: Node, datas: list[Any]) -> None:
    """Anomaly mode: remember where ``node`` was made; fail if it turned finite inputs into NaN/Inf."""
    node._origin = anomaly.creation_site()
    bad = anomaly.count_non_finite(node._data)
    if bad and not any(anomaly.count_non_finite(d) for d in datas):
        raise anomaly.AnomalyError(
            f"{op.name} produced {bad} NaN/Inf value(s) from finite inputs "
            f"({anomaly.describe_inputs(datas)}); the node was created at\n  {node._origin}",
            node, node._origin)


# --------------------------------------------------------------------------------------------
# Backpropagation
# --------------------------------------------------------------------------------------------


def _graph_behind(root: Node) -> tuple[list[Node], list[Node]]:
    """The nodes that require grad and lead to ``root``: its operations, latest first (a reverse
    topological order), and its leaves.

    A walk with an explicit stack, so graph depth is no limit. Before any gradient is computed, an
    input that requires grad where the primitive has no VJP, or one changed in place after its
    consumer was recorded, raises here.
    """
    seen = {root}
    operations, leaves = [], []
    stack = [root]
    while stack:
        node = stack.pop()
        op = node._op
        if op is None:
            leaves.append(node)
            continue
        operations.append(node)
        for parent in node._inputs:
            if isinstance(parent, Node) and parent.requires_grad and parent not in seen:
                seen.add(parent)
                stack.append(parent)
        if len(node._inputs) > len(op.vjps) and op.argnum_vjp is None:
            _check_vjps_defined(node)
    operations.sort(key=_stamp_of, reverse=True)
    if operations and _last_change > operations[-1]._stamp:  # something changed since recording
        _check_unchanged(operations)
    return operations, leaves


def _check_unchanged(operations: list[Node]) -> None:
    """Raise if an input of one of ``operations`` was changed in place after the operation ran."""
    for node in operations:
        for parent in node._inputs:
            if isinstance(parent, Node) and parent._stamp > node._stamp:
                raise _modified_since(node, parent)


def _check_vjps_defined(node: Node) -> None:
    """Raise if an input of ``node`` that requires grad has no VJP (``defvjp`` gave fewer)."""
    op = node._op
    for position, parent in enumerate(node._inputs):
        if position >= len(op.vjps) and isinstance(parent, Node) and parent.requires_grad:
            raise TypeError(f"{op.name} has no VJP for its input {position}, which requires grad: give "
                            f"it one with {op.name}.defvjp(...), or pass None there if it is not "
                            f"differentiable")


def _leading_to(targets: Set[Node], operations: list[Node]) -> set[Node]:
    """The targets and every operation with a target behind it: the only nodes whose gradients
    ``gradients()`` needs (``operations`` latest first, so inputs are decided before consumers)."""
    relevant = set(targets)
    for node in reversed(operations):
        for parent in node._inputs:
            if isinstance(parent, Node) and parent in relevant:
                relevant.add(node)
                break
    return relevant


def _backpropagate(root: Node, seed: Any, create_graph: bool,
                   targets: Sequence[Node] | None) -> dict[Node, Any]:
    """Push ``seed`` = d(loss)/d(root) back through the graph, in reverse topological order.

    Each operation hands its gradient to its inputs (through the VJPs) and drops it, so memory is
    released as the pass goes. Without ``targets``: accumulate into the ``.grad`` of leaves (and of
    nodes that keep their grad). With ``targets``: return {target: gradient} and touch no ``.grad``;
    a target's gradient is complete when the pass reaches it (every consumer came first), and the pass
    goes on through it to the targets behind it.
    """
    operations, leaves = _graph_behind(root)
    wanted = relevant = None
    if targets is not None:
        wanted = frozenset(targets)
        relevant = _leading_to(wanted, operations)
        operations = [node for node in operations if node in relevant]
    grads: dict[Node, Any] = {root: seed}
    pop = grads.pop
    check = _grad_mode.anomaly
    fit = root._result_type._fit_grad
    handed_out: set[int] | None = set() if root._mutable_grads else None  # ids stored in a .grad
    collected: dict[Node, Any] = {}
    stored: list[tuple[Node, Any]] = []  # the nodes whose .grad this pass changed, as they were
    recording = _grad_mode.enabled
    _grad_mode.enabled = create_graph  # VJPs record a graph only for higher-order gradients
    try:
        for node in operations + leaves:  # every consumer before what it consumed; the leaves last
            g = pop(node, None)
            if g is None:  # no gradient reached this node (the VJPs towards it were None)
                continue
            op = node._op
            if wanted is not None:
                if node in wanted:
                    collected[node] = g if fit is None else fit(node, g)
            elif op is None or node._keeps_grad:
                stored.append((node, node.grad))
                if handed_out is None:  # immutable gradients (floats): nothing can be shared
                    if g.__class__ is not float and not isinstance(g, Node):
                        g = _scalar_gradient(node, g)
                    previous = node.grad
                    node.grad = g if previous is None else previous + g
                else:
                    node._accumulate_grad(g, id(g) in handed_out)
                    handed_out.add(id(g))
            if op is None:
                continue
            inputs = node._inputs
            if create_graph:
                out, args = node, inputs
            else:
                out, args = node._data, node._args
                if args is None:  # a kind that keeps no copy of its inputs' data (Value)
                    if len(inputs) == 2:  # the usual case, spelled out: it pays on scalar graphs
                        x, y = inputs
                        args = (x._data if isinstance(x, Node) else x, y._data if isinstance(y, Node) else y)
                    else:
                        args = []
                        for x in inputs:  # (a loop: cheaper than a comprehension's frame, here)
                            args.append(x._data if isinstance(x, Node) else x)
            params = node._params
            vjps = op.vjps if op.argnum_vjp is None else op.argnum_vjps(len(inputs))
            for parent, vjp in zip(inputs, vjps):
                if vjp is None or not isinstance(parent, Node) or not parent.requires_grad or \
                        relevant is not None and parent not in relevant:
                    continue
                try:
                    # One or two inputs without parameters: a direct call, which builds no tuple of
                    # arguments; it pays on every edge.
                    if params:
                        parent_grad = vjp(g, out, *args, **params)
                    elif len(args) == 2:
                        parent_grad = vjp(g, out, args[0], args[1])
                    elif len(args) == 1:
                        parent_grad = vjp(g, out, args[0])
                    else:
                        parent_grad = vjp(g, out, *args)
                    if fit is not None:
                        parent_grad = fit(parent, parent_grad)
                except ShapeError as error:
                    raise _misfit(node, parent, error) from None
                except (ArithmeticError, ValueError) as error:
                    raise DomainError(
                        f"the gradient of {op.name} at {_describe(args)} is undefined: {error}"
                    ) from error
                if check:
                    _check_backward(node, parent, parent_grad, g, args)
                previous = grads.get(parent)
                grads[parent] = parent_grad if previous is None else previous + parent_grad
    except BaseException:
        for node, previous in stored:  # a pass that fails leaves every .grad as it was
            node.grad = previous
        raise
    finally:  # (set by hand, not with enable_grad(): a context manager costs a backward ~2 µs)
        _grad_mode.enabled = recording
    return collected


def _scalar_gradient(node: Node, g: Any) -> float:
    """``g`` as the float gradient of a scalar ``node``, or the error that a VJP gave it an array."""
    shape = getattr(g, "shape", ())
    if shape and any(n != 1 for n in shape):
        made = f"the result of {node._op.name}" if node._op is not None else "a leaf"
        raise ShapeError(f"a gradient of shape {tuple(shape)} reached a {type(node).__name__} ({made}), "
                         f"which holds one number: a VJP of an op that consumed it returned an array")
    try:
        return float(g)
    except (TypeError, ValueError):
        raise TypeError(f"a gradient of type {type(g).__name__} reached a {type(node).__name__}: a VJP "
                        f"of an op that consumed it returned something that is not a number") from None


def _misfit(node: Node, parent: Node, error: ShapeError) -> ShapeError:
    """The error for a VJP of ``node``'s op whose gradient does not fit ``parent``."""
    return ShapeError(f"the VJP of {node._op.name} for its input {_position(node, parent)}: {error}")


def _position(node: Node, parent: Node) -> int:
    """Where ``parent`` stands among ``node``'s inputs (by identity: == compares data)."""
    return next(i for i, x in enumerate(node._inputs) if x is parent)


def _modified_since(node: Node, parent: Node) -> RuntimeError:
    what = f"input {_position(node, parent)} of {node._op.name}"
    return RuntimeError(
        f"{what} (a {type(parent).__name__} of shape {tuple(parent.shape)}) was modified in place "
        f"after the graph was recorded, so its gradient can no longer be computed: call backward() "
        f"before changing it, or compute the forward pass again")


def _check_backward(node: Node, parent: Node, parent_grad: Any, g: Any, args: Sequence[Any]) -> None:
    """Anomaly mode: fail if a VJP turned a finite gradient and finite inputs into NaN/Inf."""
    bad = anomaly.count_non_finite(data_of(parent_grad))
    if bad and not anomaly.count_non_finite(data_of(g)) and \
            not any(anomaly.count_non_finite(data_of(a)) for a in args):
        where = f"; the node was created at\n  {node._origin}" if node._origin else ""
        what = f"the gradient of {node._op.name} with respect to its input {_position(node, parent)}"
        raise anomaly.AnomalyError(
            f"{what} has {bad} NaN/Inf "
            f"value(s), from finite inputs ({anomaly.describe_inputs([data_of(a) for a in args])}) "
            f"and a finite upstream gradient{where}", node, node._origin)


def _describe(args: Sequence[Any]) -> str:
    return "(" + ", ".join(_short_repr(data_of(a)) for a in args) + ")"


def _short_repr(x: Any) -> str:
    shape = getattr(x, "shape", None)
    if shape:
        return f"<array of shape {shape}>"
    return repr(x.item() if hasattr(x, "item") else x)


def backward(root: Node, gradient: Any = None, create_graph: bool = False) -> None:
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


def gradients(output: Node, inputs: Sequence[Node], gradient: Any = None,
              create_graph: bool = False) -> list[Any]:
    """d(output)/d(input) for each of ``inputs``, without touching any ``.grad``.

    Like ``torch.autograd.grad``: ``inputs`` is a sequence of nodes (a lone node counts as a
    sequence of one, and gives a list of one gradient); an input that ``output`` does not depend on
    gets ``None``. An input may be an intermediate result: its gradient is the total derivative, and
    the inputs behind it still receive the paths that pass through it.

    >>> from autograd_lite import Value, gradients
    >>> x, y = Value(3.0), Value(4.0)
    >>> gradients(x * y, [x, y])
    [4.0, 3.0]
    >>> z = x * 2
    >>> gradients(z * x, [z, x])        # d/dz = x, d/dx = z + 2x
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


def depends_on_other_leaves(output: Node, variables: Sequence[Node]) -> bool:
    """Whether ``output`` depends, through the graph, on some node that requires grad and is neither
    one of ``variables`` nor behind one: then its derivative with respect to ``variables`` is itself
    a function of that node, and must be recorded (``create_graph``) to stay differentiable.

    >>> from autograd_lite import Value
    >>> x, y = Value(1.0), Value(2.0)
    >>> depends_on_other_leaves(x * y, [y]), depends_on_other_leaves(y * y, [y])
    (True, False)
    """
    if not isinstance(output, Node) or not output.requires_grad:
        return False
    stop = set(variables)
    seen = {output}
    stack = [output]
    while stack:
        node = stack.pop()
        if node in stop:
            continue
        if node._op is None:
            return True
        for parent in node._inputs:
            if isinstance(parent, Node) and parent.requires_grad and parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return False
