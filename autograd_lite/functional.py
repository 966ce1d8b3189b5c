"""Function transforms in the style of JAX: ``grad``, ``value_and_grad``, ``jacobian`` and the rest.

They take a function of plain numbers (or nodes) and return a function that computes its derivative.
Plain in, plain out: ``grad(f)(0.1)`` returns a float. They compose: ``grad(grad(f))`` is the second
derivative, because when the argument is itself a node that requires grad, the derivative is recorded
as a graph (``create_graph=True``) and can be differentiated again.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

from . import _checks, backend
from .backend import ndarray
from .engine import Node, ShapeError, apply, data_of, enable_grad, gradients, is_grad_enabled, primitive
from .parameters import _shape_of
from .tensor import Tensor
from .tensor_ops import reshape, stack
from .tensor_ops import sum as sum_
from .value import Value

__all__ = ["checkpoint", "elementwise_grad", "grad", "hessian", "hvp", "jacfwd", "jacobian", "jacrev", "jvp",
           "stop_gradient", "value_and_grad", "vjp"]

ArgNums = int | Sequence[int]


@primitive
def _identity(x: Any) -> Any:
    return x.view() if x.__class__ is ndarray else x  # a node of its own, sharing the memory


_identity.defvjp(lambda g, out, x: g)


def _as_variable(x: Any, transform: str, position: int) -> Node:
    """A fresh node to differentiate with respect to, still connected to ``x`` if ``x`` is a node."""
    if isinstance(x, (list, tuple)):
        x = stack(x)  # a list of tensors keeps their graph
    if isinstance(x, Node):
        if x.requires_grad and is_grad_enabled():
            return apply(_identity, (x,))
        leaf = x.detach()
        leaf.requires_grad = True
        return leaf
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return Value(x)
    array = x if backend.is_array(x) else backend.array(x)  # an array of any library, or NumPy's
    kind = backend.dtype_kind(array.dtype)
    if kind not in "biuf":
        raise TypeError(f"{transform}: argument {position} is {type(x).__name__} {x!r:.60}; it must be a "
                        f"number, an array or a node to be differentiated")
    if kind != "f":  # gradients of integers are real numbers
        xp = backend.namespace(array)
        array = xp.astype(array, backend.default_float(xp, backend.device_of(array)))
    return Tensor(array, requires_grad=True)


def _nested(out: Any, variables: list[Node]) -> bool:
    """Whether the derivative must be recorded as a graph: grad mode is on and ``out`` depends on a
    node outside this transform — an argument made of nodes (its variable is then an op on them, not
    a leaf), or one ``f`` closed over (the derivative is a function of it, as in
    ``grad(lambda x: grad(lambda y: x * y)(1.0))``)."""
    if not is_grad_enabled():
        return False
    return any(not v.is_leaf for v in variables) or _depends_on_other_leaves(out, variables)


def _retire(variables: list[Node]) -> None:
    """The transform's own leaves stop requiring grad once it is done: no one outside can ask for a
    derivative with respect to them, so an enclosing transform must not count them as its
    dependencies (its result would stay a node, not plain data)."""
    for variable in variables:
        if variable.is_leaf:
            variable.requires_grad = False


def _depends_on_other_leaves(output: Any, variables: Sequence[Node]) -> bool:
    """Whether ``output`` depends on a node that requires grad and is neither one of ``variables`` nor
    behind one: then its derivative with respect to ``variables`` is a function of that node too.

    >>> from autograd_lite import Value
    >>> x, y = Value(1.0), Value(2.0)
    >>> _depends_on_other_leaves(x * y, [y]), _depends_on_other_leaves(y * y, [y])
    (True, False)
    """
    if not isinstance(output, Node) or not output.requires_grad:
        return False
    stop = {id(v) for v in variables}
    seen, stack = {id(output)}, [output]
    while stack:
        node = stack.pop()
        if id(node) in stop:
            continue
        if node.is_leaf:
            return True
        for parent in node.inputs:
            if isinstance(parent, Node) and parent.requires_grad and id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return False


def _zero_like(x: Node) -> Any:
    return backend.namespace(x._data).zeros_like(x._data) if isinstance(x, Tensor) else 0.0


def value_and_grad(f: Callable[..., Any], argnums: ArgNums = 0,
                   has_aux: bool = False) -> Callable[..., tuple[Any, Any]]:
    """Turn ``f`` into a function that returns ``(f(*args), ∂f/∂args[argnums])``.

    ``f`` must return a scalar. Arguments may be numbers (differentiated as :class:`Value`), arrays
    (as :class:`Tensor`) or nodes; gradients come back in the same kind. ``argnums`` is an int (one
    gradient) or a tuple of ints (a tuple of gradients). With ``has_aux=True`` (JAX), ``f`` returns
    a pair ``(value, aux)``, only ``value`` is differentiated, and the result is
    ``((value, aux), gradient)``.

    >>> from autograd_lite import value_and_grad
    >>> value_and_grad(lambda x, y: x * y, argnums=(0, 1))(3.0, 4.0)
    (12.0, (4.0, 3.0))
    >>> value_and_grad(lambda x: (x ** 2, x + 1), has_aux=True)(3.0)
    ((9.0, 4.0), 6.0)
    """
    _checks.function(f, "f", "grad")
    has_aux = _checks.boolean(has_aux, "has_aux", "grad")
    single = not isinstance(argnums, (tuple, list))
    positions = tuple(_checks.integer(a, "argnums", "grad") for a in ((argnums,) if single else argnums))
    if not positions:
        raise ValueError("grad: argnums is empty; name at least one argument to differentiate")

    @functools.wraps(f)
    def value_and_grad_f(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        args = list(args)
        for i in positions:
            if not -len(args) <= i < len(args):
                raise IndexError(f"argnums={argnums!r} but the function was called with "
                                 f"{len(args)} positional argument(s)")
        if len({i % len(args) for i in positions}) != len(positions):
            raise ValueError(f"grad: argnums={argnums!r} names an argument twice")
        variables = [_as_variable(args[i], "grad", i) for i in positions]
        for i, variable in zip(positions, variables):
            args[i] = variable
        with enable_grad():  # a derivative is asked for: record f even inside no_grad()
            out = f(*args, **kwargs)
        if has_aux:
            out, aux = _split_aux(out, True, "grad")
        out_shape = _shape_of(data_of(out))
        if math.prod(out_shape) != 1:
            raise ValueError(f"grad: f must return a single number, but it returned shape {out_shape}: "
                             f"reduce it (sum, mean), or use jacobian for the derivative of every element")
        nested = _nested(out, variables)
        if isinstance(out, Node) and out.requires_grad:
            grads = gradients(out, variables, create_graph=nested)
        else:
            grads = [None] * len(variables)
        _retire(variables)
        grads = [_zero_like(v) if g is None else g for g, v in zip(grads, variables)]
        if not nested:
            out = out.data if isinstance(out, Node) else out
            grads = [g.data if isinstance(g, Node) else g for g in grads]
        grads = grads[0] if single else tuple(grads)
        if has_aux:
            return (out, aux if nested else _plain(aux)), grads
        return out, grads

    return value_and_grad_f


def grad(f: Callable[..., Any], argnums: ArgNums = 0, has_aux: bool = False) -> Callable[..., Any]:
    """Turn ``f`` into a function that returns ∂f/∂args[argnums]; composes for higher order.

    With ``has_aux=True`` (JAX), ``f`` returns a pair ``(value, aux)`` and the result is
    ``(gradient, aux)``; ``aux`` comes back as plain data, as the value does.

    >>> from autograd_lite import grad
    >>> cube = lambda x: x ** 3
    >>> grad(cube)(2.0), grad(grad(cube))(2.0)
    (12.0, 12.0)
    >>> grad(lambda x: (x ** 3, x ** 2), has_aux=True)(2.0)
    (12.0, 4.0)
    """
    value_and_grad_f = value_and_grad(f, argnums, has_aux)

    @functools.wraps(f)
    def grad_f(*args: Any, **kwargs: Any) -> Any:
        value, gradient = value_and_grad_f(*args, **kwargs)
        return (gradient, value[1]) if has_aux else gradient

    return grad_f


def elementwise_grad(f: Callable[..., Any], argnums: ArgNums = 0) -> Callable[..., Any]:
    """Turn ``f`` into a function that returns the gradient of Σ f(args) (HIPS autograd's
    ``elementwise_grad``): for an ``f`` that acts element by element, the derivative of each output
    element with respect to its input element, in one reverse pass (a VJP with ones).

    >>> import numpy as np
    >>> from autograd_lite import elementwise_grad
    >>> elementwise_grad(lambda x: x ** 3)(np.array([1.0, 2.0, 3.0]))
    array([ 3., 12., 27.])
    """
    _checks.function(f, "f", "elementwise_grad")

    @functools.wraps(f)
    def summed(*args: Any, **kwargs: Any) -> Any:
        out = f(*args, **kwargs)
        return out.sum() if isinstance(out, Tensor) else sum_(out) if backend.is_array(out) else out

    return grad(summed, argnums)


def stop_gradient(x: Any) -> Any:
    """``x`` in the forward pass, a constant in the backward pass: its gradient is zero (JAX's
    ``jax.lax.stop_gradient``). A node gives a detached leaf sharing its data (``x.detach()``);
    tuples and lists are done element by element; plain data passes through as it is.

    >>> from autograd_lite import grad, stop_gradient
    >>> grad(lambda x: x * stop_gradient(x))(3.0)      # d/dx (x · c) with c = x held constant
    3.0
    """
    if isinstance(x, Node):
        return x.detach()
    if isinstance(x, (tuple, list)):
        items = [stop_gradient(item) for item in x]
        return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)  # a named tuple: by position
    return x


def jacobian(f: Callable[..., Any], argnums: int = 0) -> Callable[..., Any]:
    """Turn ``f`` into a function that returns the Jacobian ∂f(x)/∂x, of shape out.shape + x.shape.

    Built one output element at a time (reverse mode), each a vector-Jacobian product.

    >>> import numpy as np
    >>> from autograd_lite import jacobian
    >>> jacobian(lambda x: x ** 2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """

    _checks.function(f, "f", "jacobian")
    argnums = _checks.integer(argnums, "argnums", "jacobian")
    return _jacobian(f, argnums)


def _jacobian(f: Callable[..., Any], argnums: int) -> Callable[..., Any]:

    @functools.wraps(f)
    def jacobian_f(*args: Any, **kwargs: Any) -> Any:
        args = list(args)
        if not -len(args) <= argnums < len(args):
            raise IndexError(f"jacobian: argnums={argnums} but the function was called with "
                             f"{len(args)} positional argument(s)")
        if isinstance(args[argnums], (int, float)) and not isinstance(args[argnums], bool):
            args[argnums] = backend.array(float(args[argnums]))  # a number is a 0-d array here
        variable = _as_variable(args[argnums], "jacobian", argnums)
        args[argnums] = variable
        with enable_grad():  # a derivative is asked for: record f even inside no_grad()
            out = f(*args, **kwargs)
        nested = _nested(out, [variable])
        out_shape = _shape_of(data_of(out))
        rows = []
        for index in itertools.product(*map(range, out_shape)):  # each element, in C order
            if isinstance(out, Node) and out.requires_grad:
                seed = _one_hot(out._data, index)
                (row,) = gradients(out, [variable], gradient=seed, create_graph=nested)
            else:
                row = None
            rows.append(_zero_like(variable) if row is None else row)
        _retire([variable])
        if nested:
            return reshape(stack(rows), out_shape + variable.shape)
        return _stacked([data_of(r) for r in rows], out_shape + _shape_of(variable._data), variable._data)

    return jacobian_f


def jacrev(f: Callable[..., Any], argnums: ArgNums = 0, has_aux: bool = False) -> Callable[..., Any]:
    """Turn ``f`` into a function that returns the Jacobian ∂f(x)/∂x by reverse mode (JAX's
    ``jax.jacrev``): :func:`jacobian`, with ``argnums`` an int or a tuple of ints (a tuple of
    Jacobians). One backward pass per *output* element: suits functions with few outputs. With
    ``has_aux=True``, ``f`` returns ``(output, aux)`` and the result is ``(jacobian, aux)``.

    >>> import numpy as np
    >>> from autograd_lite import jacrev
    >>> jacrev(lambda a, b: a * b, argnums=(0, 1))(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    (array([[3., 0.],
           [0., 4.]]), array([[1., 0.],
           [0., 2.]]))
    """
    _checks.function(f, "f", "jacrev")
    if _checks.boolean(has_aux, "has_aux", "jacrev"):
        auxes = []

        def value(*args: Any, **kwargs: Any) -> Any:
            out, aux = _split_aux(f(*args, **kwargs), True, "jacrev")
            auxes.append(aux)
            return out

        jacobian_f = jacrev(value, argnums)

        @functools.wraps(f)
        def with_aux(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
            auxes.clear()
            try:
                return jacobian_f(*args, **kwargs), _aux_of(auxes[-1])
            finally:
                auxes.clear()

        return with_aux
    if not isinstance(argnums, (tuple, list)):
        return _jacobian(f, _checks.integer(argnums, "argnums", "jacrev"))
    positions = tuple(_checks.integer(a, "argnums", "jacrev") for a in argnums)
    if not positions:
        raise ValueError("jacrev: argnums is empty; name at least one argument to differentiate")
    each = [_jacobian(f, i) for i in positions]

    @functools.wraps(f)
    def jacrev_f(*args: Any, **kwargs: Any) -> tuple[Any, ...]:
        return tuple(jacobian_f(*args, **kwargs) for jacobian_f in each)

    return jacrev_f


def _one_hot(like: Any, index: tuple[int, ...]) -> Any:
    """Zeros of ``like``'s shape, dtype and device with a 1 at ``index``: a seed of ``jacobian``."""
    xp = backend.namespace(like)
    if not hasattr(like, "shape"):
        like = xp.asarray(like)  # the float of a Value
    seed = xp.zeros(like.shape, dtype=like.dtype, device=backend.device_of(like))
    seed[index] = 1
    return seed


def _stacked(rows: list[Any], shape: tuple[int, ...], like: Any) -> Any:
    """The rows of a Jacobian as one array of ``shape``, of ``like``'s library and device."""
    xp = backend.namespace(like, *rows)
    if not rows:  # an output with no elements
        return xp.zeros(shape, dtype=getattr(like, "dtype", None), device=backend.device_of(like))
    return xp.reshape(xp.stack([xp.asarray(r) for r in rows]), shape)


def hessian(f: Callable[..., Any], argnums: int = 0) -> Callable[..., Any]:
    """Turn a scalar ``f`` into a function that returns its Hessian ∂²f/∂x², of shape x.shape * 2.

    >>> import numpy as np
    >>> from autograd_lite import hessian
    >>> hessian(lambda w: (w ** 3).sum())(np.ones(3))
    array([[6., 0., 0.],
           [0., 6., 0.],
           [0., 0., 6.]])
    """
    return jacobian(grad(f, argnums), argnums)


def hvp(f: Callable[..., Any], x: Any, v: Any) -> Any:
    """The Hessian-vector product ∇²f(x)·v, without building the Hessian.

    Computed as the gradient of ⟨∇f(x), v⟩: two backward passes, each as cheap as one gradient.

    >>> import numpy as np
    >>> from autograd_lite import hvp
    >>> hvp(lambda w: (w ** 3).sum(), np.ones(3), np.array([1.0, 0.0, 2.0]))
    array([ 6.,  0., 12.])
    """
    x_data, v = data_of(x), data_of(v)
    if not backend.is_array(v):  # a number or nested lists: an array of x's library, on its device
        v = backend.namespace(x_data).asarray(v, device=getattr(x_data, "device", None))
    if _shape_of(v) != _shape_of(x_data):
        raise ShapeError(f"hvp: v has shape {_shape_of(v)}, but x has shape {_shape_of(x_data)}; they "
                         f"must be equal")
    return grad(lambda x: (grad(f)(x) * v).sum())(x)


# Forward mode (forward_mode.py) and checkpointing (checkpointing.py) build on the functions above.
from .checkpointing import checkpoint  # noqa: E402
from .forward_mode import _aux_of, _plain, _split_aux, jacfwd, jvp, vjp  # noqa: E402
