"""Selecting and assigning: split and its kin, take, take_along_axis, diff, broadcast_arrays, meshgrid,
and item assignment: JAX's functional ``at(x)[index].set(v)`` / ``.add(v)`` and, outside any graph,
NumPy's ``t[index] = v``.

Like :mod:`autograd_lite.reshaping`, every op here is a composite of the primitives of
:mod:`autograd_lite.tensor_ops` (``getitem``, ``scatter_add``, ``concatenate``, ``broadcast_to``,
``where``), each docstring saying which, so gradients of every order come with them. Which elements an
op selects is worked out from the shapes and indices alone, on the host where NumPy is needed.
The examples assume ``import numpy as np``, ``import autograd_lite as ag`` and
``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from . import backend, modes
from ._checks import accepts_torch_spelling
from .engine import Node, ShapeError, data_of, docstring_tests, is_grad_enabled
from .ops import maximum, minimum, subtract, where
from .parameters import _shape_of
from .reshaping import _along, _array, _axis, _ints
from .shape_ops import astype, broadcast_to, reshape
from .tensor_ops import concatenate, getitem, scatter_add
from .typing import Operand

__all__ = ["array_split", "at", "broadcast_arrays", "diff", "dsplit", "hsplit", "meshgrid", "split", "take",
           "take_along_axis", "vsplit"]

_host = backend.host_namespace  # index arithmetic on shapes, on the host


# ---- splitting -------------------------------------------------------------------------------


def _split(op: str, x: Any, indices_or_sections: Any, axis: Any, equal: bool) -> list[Any]:
    x = _array(x)
    shape = _shape_of(x)
    axis = _axis(op, axis, shape)
    size = shape[axis]
    if not isinstance(indices_or_sections, (tuple, list)) and not (
            backend.is_array(data_of(indices_or_sections)) and data_of(indices_or_sections).ndim):
        (sections,) = _ints(op, indices_or_sections, "indices_or_sections")
        if sections <= 0:
            raise ValueError(f"{op}: the number of sections must be positive, not {sections}")
        if equal and size % sections:
            raise ValueError(f"{op}: an axis of size {size} (axis {axis} of shape {shape}) does not split "
                             f"into {sections} equal sections; array_split allows unequal ones")
        each, extra = divmod(size, sections)
        bounds = [0]
        for i in range(sections):
            bounds.append(bounds[-1] + each + (i < extra))
    else:
        bounds = [0, *_ints(op, indices_or_sections, "indices_or_sections"), size]
    parts = (slice(*slice(start, stop).indices(size)[:2]) for start, stop in zip(bounds, bounds[1:]))
    return [getitem(x, _along(axis, part)) for part in parts]  # (bounds inside the axis: the standard)


def split(x: Operand, indices_or_sections: int | Sequence[int], axis: int = 0, **torch_spelling: Any
          ) -> list[Operand]:
    """Composite (of getitem): ``x`` cut along ``axis`` into that many equal parts, or at those indices,
    as ``np.split``; a list, each part connected to the graph.  ∂L/∂x = the parts' gradients, joined

    >>> [part.shape for part in split(Tensor(np.ones((4, 2))), [1, 3])]
    [(1, 2), (2, 2), (1, 2)]
    """
    if torch_spelling:  # refused: torch.split(x, n, dim) cuts parts of n elements, np.split n parts
        raise TypeError(f"split: {', '.join(f'{key}=' for key in torch_spelling)} is PyTorch's spelling, "
                        f"and torch.split(x, n, dim) means parts of n elements, where np.split means n "
                        f"equal parts: write axis= for NumPy's meaning")
    return _split("split", x, indices_or_sections, axis, equal=True)


@accepts_torch_spelling
def array_split(x: Operand, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[Operand]:
    """Composite (of getitem): as :func:`split`, but ``n`` sections need not be equal (the first
    ``size % n`` are one longer), as ``np.array_split``.

    >>> [part.shape for part in array_split(Tensor(np.ones(5)), 3)]
    [(2,), (2,), (1,)]
    """
    return _split("array_split", x, indices_or_sections, axis, equal=False)


def _at_least(op: str, x: Any, ndim: int) -> Any:
    x = _array(x)
    if len(_shape_of(x)) < ndim:
        raise ValueError(f"{op}: the input must have at least {ndim} dimension(s), not shape {_shape_of(x)}")
    return x


def hsplit(x: Operand, indices_or_sections: int | Sequence[int]) -> list[Operand]:
    """Composite (of getitem): split along axis 1 (axis 0 for 1-D arrays), as ``np.hsplit``.

    >>> [part.shape for part in hsplit(Tensor(np.ones((2, 4))), 2)]
    [(2, 2), (2, 2)]
    """
    x = _at_least("hsplit", x, 1)
    return split(x, indices_or_sections, 1 if len(_shape_of(x)) > 1 else 0)


def vsplit(x: Operand, indices_or_sections: int | Sequence[int]) -> list[Operand]:
    """Composite (of getitem): split along axis 0 of an array of at least 2 dimensions, as ``np.vsplit``.

    >>> [part.shape for part in vsplit(Tensor(np.ones((4, 2))), 2)]
    [(2, 2), (2, 2)]
    """
    return split(_at_least("vsplit", x, 2), indices_or_sections, 0)


def dsplit(x: Operand, indices_or_sections: int | Sequence[int]) -> list[Operand]:
    """Composite (of getitem): split along axis 2 of an array of at least 3 dimensions, as ``np.dsplit``.

    >>> [part.shape for part in dsplit(Tensor(np.ones((1, 1, 4))), [1])]
    [(1, 1, 1), (1, 1, 3)]
    """
    return split(_at_least("dsplit", x, 3), indices_or_sections, 2)


# ---- gathering -------------------------------------------------------------------------------


def _in_bounds(op: str, indices: Any, shape: tuple[int, ...], axis: int) -> Any:
    """Integer ``indices`` along ``axis`` of an array of ``shape``, checked and made non-negative."""
    indices = data_of(indices)
    if not backend.is_array(indices):
        indices = _host.asarray(indices)
        if indices.size == 0:
            indices = indices.astype(_host.intp)  # an empty list, read as floats
    if backend.dtype_kind(indices.dtype) not in "iu":
        raise TypeError(f"{op}: indices must be integers, not {backend.dtype_name(indices.dtype)}")
    xp, size = backend.namespace(indices), shape[axis]
    if bool(xp.any((indices < -size) | (indices >= size))):
        raise IndexError(f"{op}: an index is out of bounds for axis {axis} of size {size} (an input of "
                         f"shape {shape}); indices from {-size} to {size - 1} are valid")
    return xp.where(indices < 0, indices + size, indices)


@accepts_torch_spelling
def take(x: Operand, indices: Any, axis: int | None = None) -> Operand:
    """Composite (of getitem): the elements at ``indices`` (integers, negative from the end) along
    ``axis`` (of the flattened array for None), as ``np.take``.  ∂L/∂x = scatter_add of g at indices
    (repeated indices accumulate)

    >>> take(Tensor([[1.0, 2.0], [3.0, 4.0]]), [1, 1, -2], axis=1)
    Tensor([[2., 2., 1.],
            [4., 4., 3.]])
    """
    x = _array(x)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    shape = _shape_of(x)
    axis = _axis("take", axis, shape)
    return getitem(x, _along(axis, modes.data_computed(_in_bounds, "take", indices, shape, axis)))


@accepts_torch_spelling
def take_along_axis(x: Operand, indices: Any, axis: int | None = -1) -> Operand:
    """Composite (of getitem): ``out[..., i, ...] = x[..., indices[..., i, ...], ...]`` along ``axis``
    (``indices`` has x's number of dimensions; the others broadcast), as ``np.take_along_axis`` — what
    picks the elements that ``argsort`` or ``argmax`` (with keepdims) found.
    ∂L/∂x = scatter_add of g at those elements

    >>> x = Tensor([[3.0, 1.0, 2.0]])
    >>> take_along_axis(x, np.argsort(x.data, axis=1), axis=1)
    Tensor([[1., 2., 3.]])
    """
    x = _array(x)
    indices = data_of(indices)
    if not backend.is_array(indices):
        indices = _host.asarray(indices)
    if axis is None:
        if indices.ndim != 1:
            raise ValueError(f"take_along_axis: with axis=None the indices must be 1-D, not of shape "
                             f"{indices.shape}")
        x, axis = reshape(x, (-1,)), 0
    shape = _shape_of(x)
    if indices.ndim != len(shape):
        raise ValueError(f"take_along_axis: indices of shape {tuple(indices.shape)} and an input of shape "
                         f"{shape} must have as many dimensions")
    axis = _axis("take_along_axis", axis, shape)
    indices = modes.data_computed(_in_bounds, "take_along_axis", indices, shape, axis)
    others = tuple(1 if d == axis else n for d, n in enumerate(shape))
    try:
        _host.broadcast_shapes(others, tuple(indices.shape))
    except ValueError:
        raise ShapeError(f"take_along_axis: indices of shape {tuple(indices.shape)} do not broadcast with "
                         f"an input of shape {shape} outside axis {axis}") from None
    ndim = len(shape)
    index = tuple(indices if d == axis else _host.arange(n).reshape((1,) * d + (n,) + (1,) * (ndim - d - 1))
                  for d, n in enumerate(shape))
    return getitem(x, index)


class _NoValue:
    def __repr__(self) -> str:
        return "<no value>"


_NO_VALUE: Any = _NoValue()


@accepts_torch_spelling
def diff(x: Operand, n: int = 1, axis: int = -1, prepend: Any = _NO_VALUE,
         append: Any = _NO_VALUE) -> Operand:
    """Composite (of concatenate, getitem and subtract): the ``n``-th differences
    ``out[i] = x[i + 1] - x[i]`` along ``axis``, after joining ``prepend`` and ``append`` (arrays, or
    numbers broadcast to one slice) at either end, as ``np.diff`` (booleans: ``x[i + 1] != x[i]``).
    ∂L/∂x = g[i - 1] - g[i], n times; ``prepend`` and ``append`` are differentiated too

    >>> diff(Tensor([1.0, 4.0, 9.0, 16.0]), n=2)
    Tensor([2., 2.])
    """
    n = _ints("diff", n, "n")[0]
    if n < 0:
        raise ValueError(f"diff: the order n must not be negative, not {n}")
    x = _array(x)
    shape = _shape_of(x)
    if not shape:
        raise ValueError("diff: the input must have at least 1 dimension, not shape ()")
    axis = _axis("diff", axis, shape)
    if n == 0:
        return x
    pieces = [_end(x, prepend, axis), x, _end(x, append, axis)]
    if pieces[0] is not None or pieces[2] is not None:
        x = concatenate([p for p in pieces if p is not None], axis=axis)
    boolean = backend.dtype_kind(data_of(x).dtype) == "b"
    for _ in range(n):
        size = _shape_of(x)[axis]  # (slice bounds inside the axis, as the standard wants)
        later = getitem(x, _along(axis, slice(min(1, size), size)))
        earlier = getitem(x, _along(axis, slice(0, max(size - 1, 0))))
        if boolean:  # as NumPy: not_equal (booleans have no subtraction, nor a gradient)
            data = backend.namespace(data_of(later)).not_equal(data_of(later), data_of(earlier))
            x = type(x)(data) if isinstance(x, Node) else data
        else:
            x = subtract(later, earlier)
    return x


def _end(x: Any, value: Any, axis: int) -> Any:
    """``prepend`` or ``append`` of diff as an array to join to ``x`` (None when not given)."""
    if value is _NO_VALUE:
        return None
    data = data_of(x)
    shape = list(_shape_of(data))
    shape[axis] = 1
    if value.__class__ in (int, float, bool):  # a number: one slice of x's library, device and dtype kind
        xp = backend.namespace(data)
        float_x = backend.dtype_kind(data.dtype) == "f"
        dtype = data.dtype if float_x or value.__class__ is not float else \
            backend.default_float(xp, backend.device_of(data))
        return xp.full(tuple(shape), value, dtype=dtype, device=backend.device_of(data))
    value = _array(value)
    return broadcast_to(value, tuple(shape)) if not _shape_of(value) else value


def broadcast_arrays(*arrays: Operand) -> tuple[Operand, ...]:
    """Composite (of broadcast_to): the inputs broadcast to one shape, as ``np.broadcast_arrays`` (a
    tuple, as in NumPy 2; each result a new array).  ∂L/∂(input i) = sum_to(g_i, its shape)

    >>> [t.shape for t in broadcast_arrays(Tensor([1.0, 2.0]), Tensor([[1.0], [2.0], [3.0]]))]
    [(3, 2), (3, 2)]
    """
    arrays = [_array(a) for a in arrays]
    shapes = [_shape_of(a) for a in arrays]
    try:
        shape = _host.broadcast_shapes(*shapes)
    except ValueError:
        raise ShapeError(f"broadcast_arrays: the shapes {', '.join(map(str, shapes))} do not broadcast "
                         f"together") from None
    return tuple(broadcast_to(a, shape) for a in arrays)


def meshgrid(*xi: Operand, copy: bool = True, sparse: bool = False,
             indexing: str = "xy") -> tuple[Operand, ...]:
    """Composite (of reshape and broadcast_to): coordinate arrays of the grid the 1-D inputs span
    (inputs of other shapes are flattened), as ``np.meshgrid``: ``indexing="xy"`` (Cartesian: the first
    two axes swapped) or ``"ij"`` (matrix); ``sparse=True`` leaves them unbroadcast; a tuple. Results are
    always new arrays (``copy`` is accepted for NumPy's signature).
    ∂L/∂(input i) = the sum of g_i over the other axes

    >>> X, Y = meshgrid(Tensor([1.0, 2.0, 3.0]), Tensor([4.0, 5.0]))
    >>> X.shape, Y.shape
    ((2, 3), (2, 3))
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', not {indexing!r}")
    ndim = len(xi)
    outputs = []
    for i, x in enumerate(xi):
        shape = [1] * ndim
        shape[i] = -1
        if indexing == "xy" and ndim > 1 and i < 2:
            shape[0], shape[1] = shape[1], shape[0]
        outputs.append(reshape(_array(x), tuple(shape)))
    return tuple(outputs) if sparse else broadcast_arrays(*outputs)


# ---- item assignment -------------------------------------------------------------------------


def _index_data(index: Any) -> Any:
    """An index with any tensors in it replaced by their arrays (indices are not differentiated);
    ``t[index]`` reads it too."""
    if isinstance(index, tuple):
        return tuple(i._data if isinstance(i, Node) else i for i in index)
    return index._data if isinstance(index, Node) else index


def at(x: Operand) -> _At:
    """JAX's functional item assignment: ``at(x)[index].set(v)`` and ``.add(v)`` return a *new* array
    or tensor, ``x`` with ``v`` (broadcast to the selected elements) written or added at ``index``
    (any NumPy index); ``.get()`` is ``x[index]``. ``x`` is never changed, and both are
    differentiable (composites of scatter_add, where and broadcast_to):
    ∂L/∂x = g, with 0 at the set positions for ``set``; ∂L/∂v = g[index] summed to v's shape.

    ``.multiply(v)``, ``.min(v)`` and ``.max(v)`` combine the elements there with ``v`` (ties of min and
    max share the gradient, as :func:`minimum` does).

    Repeated integer indices: ``add`` adds every value (``np.add.at``), and ``multiply``, ``min`` and
    ``max`` apply each in turn (``np.multiply.at``); ``set`` keeps the value NumPy's ``x[index] = v``
    keeps — the last — and only that value gets a gradient. The result has x's dtype, as NumPy's and
    JAX's assignment (integer and boolean ``x`` are computed in floats, then cast).

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> v = Tensor(10.0, requires_grad=True)
    >>> y = ag.at(x)[np.array([0, 0, 2])].add(v)
    >>> y
    Tensor([21.,  2., 13.], op='add')
    >>> (y * Tensor([1.0, 2.0, 3.0])).sum().backward()
    >>> x.grad, v.grad
    (array([1., 2., 3.]), array(5.))
    >>> ag.at(np.zeros(3))[1:].set(np.array([7.0, 8.0]))
    array([0., 7., 8.])
    """
    return _At(_array(x))


class _At:
    """``at(x)``: indexing it gives the updates of ``x`` at that index."""

    __slots__ = ("_x",)

    def __init__(self, x: Any) -> None:
        self._x = x

    def __getitem__(self, index: Any) -> _AtIndex:
        return _AtIndex(self._x, _index_data(index))

    def __repr__(self) -> str:
        return f"at({self._x!r})"


class _AtIndex:
    """``at(x)[index]``: ``set``, ``add``, ``multiply``, ``min``, ``max`` or ``get`` there."""

    __slots__ = ("_x", "_index")

    def __init__(self, x: Any, index: Any) -> None:
        self._x, self._index = x, index

    def set(self, value: Any) -> Any:
        """``x`` with ``value`` written at the index (a new array or tensor)."""
        return _set(self._x, self._index, value)

    def add(self, value: Any) -> Any:
        """``x`` with ``value`` added at the index, repeated indices adding up (a new array or tensor)."""
        return _add(self._x, self._index, value)

    def multiply(self, value: Any) -> Any:
        """``x`` with the elements at the index multiplied by ``value`` (repeated indices: by each)."""
        return _combined("multiply", self._x, self._index, value, lambda a, b: a * b)

    def min(self, value: Any) -> Any:
        """``x`` with the elements at the index replaced by their minimum with ``value``."""
        return _combined("min", self._x, self._index, value, minimum)

    def max(self, value: Any) -> Any:
        """``x`` with the elements at the index replaced by their maximum with ``value``."""
        return _combined("max", self._x, self._index, value, maximum)

    def get(self) -> Any:
        """``x[index]``."""
        return getitem(self._x, self._index)


def _update(op: str, x: Any, index: Any, value: Any) -> tuple[Any, Any, tuple[int, ...], Any]:
    """What the updates share: x in a float dtype, the value broadcast to the selected elements (an
    error naming the update and the shapes where it does not broadcast), x's shape, and x's dtype."""
    data = data_of(x)
    xp, device, shape = backend.namespace(data), backend.device_of(data), _shape_of(data)
    try:
        selected = _shape_of(getitem(data, index))
    except IndexError as error:
        raise IndexError(f"at(x)[index].{op} on x of shape {shape}: {error}") from None
    work = x
    if backend.dtype_kind(data.dtype) != "f":
        work = astype(x, backend.default_float(xp, device))
    if value.__class__ in (int, float, bool):
        value = xp.asarray(value, dtype=data_of(work).dtype, device=device)
    else:
        value = _array(value)
    try:
        fits = _host.broadcast_shapes(_shape_of(value), selected) == selected
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(f"at(x)[index].{op}: a value of shape {_shape_of(value)} does not broadcast to the "
                         f"{selected} elements selected in x of shape {shape}")
    return work, broadcast_to(value, selected), shape, data.dtype


def _cast(out: Any, dtype: Any) -> Any:
    return out if data_of(out).dtype == dtype else astype(out, dtype)


def _add(x: Any, index: Any, value: Any) -> Any:
    work, values, shape, dtype = _update("add", x, index, value)
    return _cast(work + scatter_add(values, index, shape), dtype)


def _set(x: Any, index: Any, value: Any) -> Any:
    work, values, shape, dtype = _update("set", x, index, value)
    data = data_of(work)
    xp, device = backend.namespace(data), backend.device_of(data)
    if data.__class__ is backend.ndarray:  # NumPy marks the written places by assignment: no np.add.at
        covered = modes.data_computed(_covered, shape, index)
    else:
        covered = modes.data_computed(_positive, scatter_add(xp.ones(_shape_of(values), dtype=data.dtype,
                                                                    device=device), index, shape))
    # a compiled function computes these from the index on every call (modes.data_computed)
    winners = modes.data_computed(_winners, data, index, _shape_of(values))
    if winners is not None:
        values = where(winners, values, 0.0)
    return _cast(where(covered, scatter_add(values, index, shape), work), dtype)


def _combined(op: str, x: Any, index: Any, value: Any, combine: Any) -> Any:
    """``x`` with ``combine(x, v)`` at the index, repeated indices applied one after another (as
    ``np.multiply.at``): one round per write of a position, each a scatter without repeats."""
    work, values, shape, dtype = _update(op, x, index, value)
    data = data_of(work)
    xp, device, selected = backend.namespace(data), backend.device_of(data), _shape_of(values)
    ranks, rounds = modes.data_computed(_ranks_and_rounds, data, index, selected)
    out = work
    for k in range(rounds):
        if ranks is None:
            chosen, written = values, xp.ones(selected, dtype=data.dtype, device=device)
        else:  # the k-th write of each position
            mask, written = modes.data_computed(_kth_writes, ranks, k, data)
            chosen = where(mask, values, 0.0)
        covered = modes.data_computed(_positive, scatter_add(written, index, shape))
        out = where(covered, combine(out, scatter_add(chosen, index, shape)), out)
    return _cast(out, dtype)


def _positive(counts: Any) -> Any:
    return counts > 0


def _covered(shape: tuple[int, ...], index: Any) -> Any:
    """True where ``index`` selects an element of an array of ``shape`` (a host array)."""
    covered = _host.zeros(shape, dtype=bool)
    covered[index] = True
    return covered


def _ranks_and_rounds(data: Any, index: Any, selected: tuple[int, ...]) -> tuple[Any, int]:
    """:func:`_ranks`, and how many rounds of writes they make (1 without repeats)."""
    ranks = _ranks(data, index, selected)
    return ranks, 1 if ranks is None else int(ranks.max()) + 1


def _kth_writes(ranks: Any, k: int, data: Any) -> tuple[Any, Any]:
    """True where an element is the ``k``-th write of its position, on the device of ``data``; and
    that mask as numbers of ``data``'s dtype (1 where written)."""
    xp = backend.namespace(data)
    mask = backend.array(ranks == k, device=backend.device_of(data), xp=xp)
    return mask, xp.astype(mask, data.dtype)


def _ranks(data: Any, index: Any, selected: tuple[int, ...]) -> Any:
    """Where integer indices repeat: which write to its position each selected element is (0 for the
    first), a host array of the selected shape; None where every position is written once."""
    parts = index if isinstance(index, tuple) else (index,)
    if not any(isinstance(p, list) or backend.is_array(p) and backend.dtype_kind(p.dtype) in "iu"
               for p in parts):
        return None
    host_index = tuple(backend.to_host(p) if backend.is_array(p) else p for p in parts)
    positions = _host.arange(math.prod(_shape_of(data))).reshape(_shape_of(data))[host_index].reshape(-1)
    order = _host.argsort(positions, kind="stable")
    ordered = positions[order]
    ranks = _host.empty_like(positions)
    ranks[order] = _host.arange(positions.size) - _host.searchsorted(ordered, ordered, side="left")
    return ranks.reshape(selected) if ranks.size and ranks.max() > 0 else None


def _winners(data: Any, index: Any, selected: tuple[int, ...]) -> Any:
    """Where integer indices repeat: which of the selected elements NumPy's ``x[index] = v`` keeps (a
    boolean array of the selected shape, on x's device); None where every one is kept."""
    parts = index if isinstance(index, tuple) else (index,)
    if not any(isinstance(p, list) or backend.is_array(p) and backend.dtype_kind(p.dtype) in "iu"
               for p in parts):
        return None  # slices, ints and masks select each element once
    host_index = tuple(backend.to_host(p) if backend.is_array(p) else p for p in parts)
    owner = _host.full(_shape_of(data), -1)
    ids = _host.arange(math.prod(selected)).reshape(selected)
    owner[host_index] = ids
    kept = owner[host_index] == ids
    if kept.all():
        return None
    return backend.array(kept, device=backend.device_of(data), xp=backend.namespace(data))


def _assign(tensor: Any, index: Any, value: Any) -> None:
    """``tensor[index] = value`` (Tensor.__setitem__): in place outside any graph, else an error."""
    who = f"tensor {tensor.name!r}" if tensor.name else f"a tensor of shape {tensor.shape}"
    if tensor._primitive is not None or tensor.requires_grad and is_grad_enabled():
        what = f"the result of {tensor.op}" if tensor._primitive is not None else "a leaf that requires grad"
        raise RuntimeError(f"item assignment to {who} ({what}): its graph may still need its data; "
                           f"write t = ag.at(t)[index].set(value), which gives a new tensor and keeps the "
                           f"gradient")
    if isinstance(value, Node) and value.requires_grad and is_grad_enabled():
        raise RuntimeError(f"item assignment to {who} of a value that requires grad would drop the "
                           f"value's gradient: write t = ag.at(t)[index].set(value), which keeps it")
    data, value, index = tensor._data, data_of(value), _index_data(index)
    if data.__class__ is backend.ndarray and (data.base is not None or not data.flags.writeable):
        raise RuntimeError(f"item assignment to {who}, whose memory may be shared (made by detach(), or "
                           f"a view made under no_grad()): copy it first, Tensor(t), or write "
                           f"t = ag.at(t)[index].set(value)")
    backend.namespace(data, value)  # arrays of two libraries or devices: a DeviceError
    try:
        if data.__class__ is backend.ndarray:
            data[index] = value
        else:  # a new array, as the in-place operators make off NumPy: memory may be shared
            tensor._data = _set(data, index, value)
    except ValueError as error:
        raise ShapeError(f"item assignment to {who}: a value of shape {_shape_of(value)} does not fit the "
                         f"selected elements: {error}") from None
    tensor.mark_modified()


__test__ = docstring_tests(globals())
