"""Vector-Jacobian and Jacobian-vector products: ``vjp``, ``jvp`` and ``jacfwd``, with JAX's names.

Forward mode has no rules of its own: it is derived from the VJPs by the double-VJP trick. Every VJP
is linear in its upstream gradient ``u`` and is written with differentiable ops, so for
``w(u) = uᵀ·J`` (one reverse pass with ``create_graph=True``, from a dummy ``u`` of the output's
shape) the Jacobian-vector product is ``J·t = ∂⟨w(u), t⟩/∂u`` (a second reverse pass). It costs
about three times a forward pass, and works for every primitive that has a VJP.

Arguments and results may be numbers, arrays, nodes, or tuples and lists of them (a "pytree" of
tuples and lists), as in JAX.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from typing import Any

from . import _checks, backend
from .engine import Node, ShapeError, data_of, enable_grad, gradients, is_grad_enabled
from .functional import _as_variable, _depends_on_other_leaves, _one_hot, _retire, _zero_like
from .parameters import _shape_of
from .tensor import Tensor
from .tensor_ops import reshape, stack
from .value import Value

__all__ = ["jacfwd", "jvp", "vjp"]


# ---- pytrees of tuples and lists ------------------------------------------------------------------


def _flatten(tree: Any) -> tuple[list[Any], Callable[[Sequence[Any]], Any]]:
    """The leaves of a tree of tuples and lists, and the function that puts new leaves in their place.

    >>> leaves, rebuild = _flatten((1.0, [2.0, 3.0]))
    >>> leaves, rebuild([4.0, 5.0, 6.0])
    ([1.0, 2.0, 3.0], (4.0, [5.0, 6.0]))
    """
    if not isinstance(tree, (tuple, list)):
        return [tree], lambda leaves: leaves[0]
    kind = tuple if isinstance(tree, tuple) else list
    parts = [_flatten(branch) for branch in tree]
    leaves = [leaf for branch_leaves, _ in parts for leaf in branch_leaves]

    def rebuild(new: Sequence[Any]) -> Any:
        out, start = [], 0
        for branch_leaves, branch_rebuild in parts:
            out.append(branch_rebuild(new[start:start + len(branch_leaves)]))
            start += len(branch_leaves)
        return kind(out)

    return leaves, rebuild


def _plain(tree: Any) -> Any:
    """``tree`` with every node replaced by its data (plain out)."""
    leaves, rebuild = _flatten(tree)
    return rebuild([data_of(leaf) for leaf in leaves])


def _split_aux(result: Any, has_aux: bool, transform: str) -> tuple[Any, Any]:
    """``(value, aux)`` of what ``f`` returned: a pair when ``has_aux``, else ``(result, None)``."""
    if not _checks.boolean(has_aux, "has_aux", transform):
        return result, None
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        what = f"a {type(result).__name__} of length {len(result)}" if isinstance(result, (tuple, list)) \
            else f"a {type(result).__name__}"
        raise TypeError(f"{transform}(has_aux=True): f must return a pair (value, aux), but it returned "
                        f"{what}")
    return result[0], result[1]


def _aux_of(aux: Any) -> Any:
    """``aux`` once its transform is done: plain data, except the nodes that depend on a node of an
    enclosing transform (they stay nodes, to be differentiated by it)."""
    leaves, rebuild = _flatten(aux)
    return rebuild([leaf if isinstance(leaf, Node) and _depends_on_other_leaves(leaf, []) else data_of(leaf)
                    for leaf in leaves])


# ---- helpers on nodes -----------------------------------------------------------------------------


def _differentiable(x: Any) -> bool:
    return isinstance(x, Node) and x.requires_grad


def _inner(a: Node, b: Any) -> Node:
    """⟨a, b⟩ = Σ a·b, a node (``b`` has ``a``'s shape: a node, an array or a number)."""
    product = a * b
    return product.sum() if isinstance(product, Tensor) else product


def _like(x: Any, node: Node, what: str, transform: str) -> Any:
    """``x`` (a node, an array or a number) checked to have ``node``'s shape; plain data becomes a
    float for a Value and an array of the node's library and device for a Tensor."""
    if isinstance(x, Node):
        if _shape_of(x._data) != _shape_of(node._data):
            raise ShapeError(f"{transform}: {what} has shape {_shape_of(x._data)}, but it must have the "
                             f"shape of its {'primal' if what.startswith('tangent') else 'output'}, "
                             f"{_shape_of(node._data)}")
        return x
    if isinstance(x, (bool, str)) or x is None:
        raise TypeError(f"{transform}: {what} is {type(x).__name__} {x!r:.40}; it must be a number, "
                        f"an array or a node")
    shape = _shape_of(x)
    if shape != _shape_of(node._data):
        raise ShapeError(f"{transform}: {what} has shape {shape}, but it must have the shape of its "
                         f"{'primal' if what.startswith('tangent') else 'output'}, "
                         f"{_shape_of(node._data)}")
    if isinstance(node, Value):
        return float(x)
    data = node._data
    if backend.is_array(x):
        return x
    return backend.namespace(data).asarray(x, dtype=data.dtype, device=backend.device_of(data))


def _dummy(out: Node) -> Node:
    """A leaf of zeros of ``out``'s shape that requires grad: the ``u`` of the double-VJP trick."""
    if isinstance(out, Value):
        return Value(0.0)
    return Tensor(backend.namespace(out._data).zeros_like(out._data), requires_grad=True)


def _zeros_of(out: Any) -> Any:
    """The derivative of an output that depends on nothing differentiated: zeros of its shape."""
    data = data_of(out)
    if isinstance(out, Value) or isinstance(data, (float, int)):
        return 0.0
    xp = backend.namespace(data)
    dtype = data.dtype if backend.dtype_kind(data.dtype) == "f" else \
        backend.default_float(xp, backend.device_of(data))
    return xp.zeros(data.shape, dtype=dtype, device=backend.device_of(data))


def _nested(outputs: Sequence[Any], variables: list[Node]) -> bool:
    """Whether the derivatives must be recorded as graphs (see functional._nested)."""
    if not is_grad_enabled():
        return False
    return any(not v.is_leaf for v in variables) or \
        any(_depends_on_other_leaves(out, variables) for out in outputs)


def _variables(primals: Sequence[Any], transform: str) -> tuple[list[Node], Callable[[Sequence[Any]], Any]]:
    """A node to differentiate for each leaf of ``primals``. Numbers are Values, unless another leaf
    is an array (or a Tensor): then they are 0-d arrays, since Values and Tensors do not mix."""
    leaves, rebuild = _flatten(list(primals))
    if any(isinstance(x, Tensor) or backend.is_array(x) for x in leaves):
        leaves = [backend.array(float(x)) if isinstance(x, (int, float)) and not isinstance(x, bool) else x
                  for x in leaves]
    return [_as_variable(x, transform, i) for i, x in enumerate(leaves)], rebuild


# ---- the transforms -------------------------------------------------------------------------------


def vjp(f: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """``(f(*primals), vjp_fn)``: ``vjp_fn(cotangent)`` returns ``cotangentᵀ·∂f/∂primals``, a tuple
    with one gradient per primal, as JAX's ``jax.vjp``.

    The cotangent has the structure and shapes of ``f``'s output. ``vjp_fn`` may be called any number
    of times (the graph is kept as long as ``vjp_fn`` is). With ``has_aux=True``, ``f`` returns
    ``(output, aux)`` and ``vjp`` returns ``(output, vjp_fn, aux)``.

    >>> import numpy as np
    >>> from autograd_lite import vjp
    >>> out, vjp_fn = vjp(lambda x, y: x * y, np.array([1.0, 2.0]), 3.0)
    >>> out
    array([3., 6.])
    >>> vjp_fn(np.array([1.0, 10.0]))          # the number came in with an array: a 0-d array
    (array([ 3., 30.]), array(21.))
    >>> vjp(lambda x, y: x * y, 2.0, 3.0)[1](1.0)
    (3.0, 2.0)
    """
    _checks.function(f, "f", "vjp")
    if not primals:
        raise TypeError("vjp: give at least one primal: vjp(f, x, ...) differentiates f at x")
    variables, rebuild = _variables(primals, "vjp")
    with enable_grad():  # a derivative is asked for: record f even inside no_grad()
        out, aux = _split_aux(f(*rebuild(variables)), has_aux, "vjp")
    out_leaves, _ = _flatten(out)
    nested = _nested(out_leaves, variables)
    ours = [v for v in variables if v.is_leaf]  # the leaves made here: retired between calls
    _retire(ours)

    def vjp_fn(cotangent: Any) -> tuple[Any, ...]:
        ct_leaves, _ = _flatten(cotangent)
        if len(ct_leaves) != len(out_leaves):
            raise ValueError(f"vjp: the cotangent has {len(ct_leaves)} leaves, but f's output has "
                             f"{len(out_leaves)}: give one of the output's structure")
        pairs = [(o, _like(c, o, f"cotangent {k}", "vjp")) for k, (o, c) in
                 enumerate(zip(out_leaves, ct_leaves)) if isinstance(o, Node)]
        create = nested or any(_differentiable(c) for _, c in pairs)
        for v in ours:
            v.requires_grad = True
        try:
            with enable_grad():
                terms = [_inner(o, c) for o, c in pairs if o.requires_grad]
                total = functools.reduce(lambda a, b: a + b, terms) if terms else None
            grads = [None] * len(variables) if total is None else \
                gradients(total, variables, create_graph=create)
        finally:
            _retire(ours)
        grads = [_zero_like(v) if g is None else g for g, v in zip(grads, variables)]
        if not create:
            grads = [data_of(g) for g in grads]
        return tuple(rebuild(grads))

    value = out if nested else _plain(out)
    if has_aux:
        return value, vjp_fn, (aux if nested else _plain(aux))
    return value, vjp_fn


def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any],
        has_aux: bool = False) -> tuple[Any, ...]:
    """``(f(*primals), ∂f/∂primals · tangents)``: the Jacobian-vector product, as JAX's ``jax.jvp``.

    ``primals`` and ``tangents`` are tuples (or lists) of the same structure and shapes. Derived from
    the VJPs by the double-VJP trick (see the module's docstring): every primitive with a VJP has a
    JVP. With ``has_aux=True``, ``f`` returns ``(output, aux)`` and ``jvp`` returns
    ``(output, tangent_out, aux)``.

    >>> import numpy as np
    >>> from autograd_lite import jvp, sin
    >>> jvp(lambda x: sin(x) * 2, (np.array([0.0, np.pi / 2]),), (np.array([1.0, 1.0]),))
    (array([0., 2.]), array([2.0000000e+00, 1.2246468e-16]))
    """
    _checks.function(f, "f", "jvp")
    for what, seq in (("primals", primals), ("tangents", tangents)):
        if not isinstance(seq, (tuple, list)):
            raise TypeError(f"jvp: {what} must be a tuple (or list) of f's arguments, got "
                            f"{type(seq).__name__}: write jvp(f, (x,), (t,))")
    p_leaves, _ = _flatten(list(primals))
    t_leaves, _ = _flatten(list(tangents))
    if len(p_leaves) != len(t_leaves) or len(primals) != len(tangents):
        raise ValueError(f"jvp: primals and tangents must have the same structure, but they have "
                         f"{len(p_leaves)} and {len(t_leaves)} leaves")
    variables, rebuild = _variables(primals, "jvp")
    t_leaves = [_like(t, v, f"tangent {i}", "jvp") for i, (t, v) in enumerate(zip(t_leaves, variables))]
    with enable_grad():
        out, aux = _split_aux(f(*rebuild(variables)), has_aux, "jvp")
        out_leaves, out_rebuild = _flatten(out)
        nested = _nested(out_leaves, variables)
        create = nested or any(_differentiable(t) for t in t_leaves)
        live = [k for k, o in enumerate(out_leaves) if _differentiable(o)]
        dummies = [_dummy(out_leaves[k]) for k in live]
        tangents_out: list[Any] = [None] * len(out_leaves)
        if live:
            total = functools.reduce(lambda a, b: a + b,
                                     [_inner(out_leaves[k], u) for k, u in zip(live, dummies)])
            w = gradients(total, variables, create_graph=True)  # w = uᵀJ, linear in u
            terms = [_inner(wi, t) for wi, t in zip(w, t_leaves) if _differentiable(wi)]
            if terms:
                along = functools.reduce(lambda a, b: a + b, terms)  # ⟨uᵀJ, t⟩ = uᵀ(Jt)
                for k, g in zip(live, gradients(along, dummies, create_graph=create)):
                    tangents_out[k] = g
    _retire(variables + dummies)
    tangents_out = [_zeros_of(o) if g is None else g for g, o in zip(tangents_out, out_leaves)]
    if not create:
        tangents_out = [data_of(g) for g in tangents_out]
    value = out if nested else _plain(out)
    tangent_out = out_rebuild(tangents_out)
    if has_aux:
        return value, tangent_out, (aux if nested else _plain(aux))
    return value, tangent_out


def jacfwd(f: Callable[..., Any], argnums: int | Sequence[int] = 0,
           has_aux: bool = False) -> Callable[..., Any]:
    """Turn ``f`` into a function that returns the Jacobian ∂f(x)/∂x by forward mode (JAX's
    ``jax.jacfwd``), of shape ``out.shape + x.shape``; a tuple of them for a tuple ``argnums``. With
    ``has_aux=True``, ``f`` returns ``(output, aux)`` and the result is ``(jacobian, aux)``.

    One forward pass and one reverse pass build ``w(u) = uᵀJ``; then one cheap pass per *input*
    element reads a column of ``J`` off it. Suits functions with more outputs than inputs (reverse
    mode, :func:`jacrev`, suits the opposite). A number argument is a 0-d array here.

    >>> import numpy as np
    >>> from autograd_lite import jacfwd
    >>> jacfwd(lambda x: x ** 2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    _checks.function(f, "f", "jacfwd")
    has_aux = _checks.boolean(has_aux, "has_aux", "jacfwd")
    single = not isinstance(argnums, (tuple, list))
    positions = tuple(_checks.integer(a, "argnums", "jacfwd") for a in ((argnums,) if single else argnums))
    if not positions:
        raise ValueError("jacfwd: argnums is empty; name at least one argument to differentiate")

    @functools.wraps(f)
    def jacfwd_f(*args: Any, **kwargs: Any) -> Any:
        args = list(args)
        for i in positions:
            if not -len(args) <= i < len(args):
                raise IndexError(f"jacfwd: argnums={argnums!r} but the function was called with "
                                 f"{len(args)} positional argument(s)")
        variables = []
        for i in positions:
            if isinstance(args[i], (int, float)) and not isinstance(args[i], bool):
                args[i] = backend.array(float(args[i]))  # a number is a 0-d array here
            variables.append(_as_variable(args[i], "jacfwd", i))
            args[i] = variables[-1]
        with enable_grad():
            out, aux = _split_aux(f(*args, **kwargs), has_aux, "jacfwd")
            if isinstance(out, (tuple, list)):
                raise TypeError("jacfwd: f must return one array (or number); for several outputs, "
                                "use jvp, or one jacfwd per output")
            nested = _nested([out], variables)
            out_shape = _shape_of(data_of(out))
            jacobians = []
            if _differentiable(out):
                u = _dummy(out)
                w = gradients(_inner(out, u), variables, create_graph=True)
            else:
                u, w = None, [None] * len(variables)
            for variable, wi in zip(variables, w):
                in_shape = _shape_of(variable._data)
                columns = []
                for index in itertools.product(*map(range, in_shape)):  # each input element, in C order
                    column = None
                    if _differentiable(wi):
                        (column,) = gradients(wi, [u], gradient=_one_hot(wi._data, index),
                                              create_graph=nested)
                    columns.append(_zeros_of(out) if column is None else column)
                jacobians.append(_columns(columns, out_shape, in_shape, variable, nested))
        _retire(variables + ([u] if u is not None else []))
        jacobian = jacobians[0] if single else tuple(jacobians)
        return (jacobian, _aux_of(aux)) if has_aux else jacobian

    return jacfwd_f


def _columns(columns: list[Any], out_shape: tuple[int, ...], in_shape: tuple[int, ...], variable: Node,
             nested: bool) -> Any:
    """The columns of a Jacobian (one per input element, each of the output's shape) as one array of
    shape ``out_shape + in_shape``."""
    shape = out_shape + in_shape
    if nested:
        if not columns:
            return Tensor(backend.namespace(variable._data).zeros(shape))
        return reshape(stack(columns, axis=-1), shape)
    columns = [data_of(c) for c in columns]
    like = variable._data
    xp = backend.namespace(like, *columns)
    if not columns:
        return xp.zeros(shape, dtype=like.dtype, device=backend.device_of(like))
    return xp.reshape(xp.stack([xp.asarray(c) for c in columns], axis=-1), shape)
