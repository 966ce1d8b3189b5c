"""Contractions and matrix structure: einsum, tensordot, dot, outer, inner, kron, trace, diag, diagonal,
tril, triu — with NumPy's names and semantics.

Three are primitives with their gradient beside them (``einsum``, ``tensordot``, ``diagonal``); the
rest are composites of primitives, said so in their docstrings. The standard has no einsum: here it is
composed of the standard's ``permute_dims``, ``reshape``, ``sum`` and ``matmul`` (the operands
contracted pairwise, left to right), so it runs on any back end and on NumPy reaches BLAS through
``matmul`` (``np.einsum`` is not used: at an MLP's size it took 8× longer than ``matmul`` with its
default ``optimize=False``, and spent 0.2 ms finding a path with ``optimize=True``; see
:doc:`/benchmarks`). The examples assume ``import numpy as np`` and ``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import functools
import math
import operator
import string
from collections.abc import Sequence
from typing import Any

from ._checks import is_bool
from .backend import Namespace, device_of, dtype_kind, namespace, ndarray
from .engine import ShapeError, data_of, docstring_tests, primitive
from .ops import multiply, where
from .parameters import AxisError, _axis_index, _shape_of
from .reductions import sum as _sum
from .shape_ops import broadcast_to, expand_dims, reshape, transpose
from .tensor_ops import concatenate
from .typing import Data, Operand

__all__ = ["diag", "diagonal", "dot", "einsum", "inner", "kron", "outer", "tensordot", "trace", "tril",
           "triu"]

_LETTERS = string.ascii_letters  # the 52 index letters NumPy's einsum takes


# ---- small helpers on raw data (NumPy's methods where they are NumPy arrays) ---------------------


def _permuted(xp: Namespace, x: Data, order: Sequence[int]) -> Data:
    if tuple(order) == tuple(range(len(order))):
        return x
    return x.transpose(order) if x.__class__ is ndarray else xp.permute_dims(x, tuple(order))


def _reshaped(xp: Namespace, x: Data, shape: tuple[int, ...]) -> Data:
    if tuple(x.shape) == shape:
        return x
    return x.reshape(shape) if x.__class__ is ndarray else xp.reshape(x, shape)


def _summed(xp: Namespace, x: Data, axes: tuple[int, ...]) -> Data:
    """Σ over ``axes``, keeping the dtype (as einsum does: int32 stays int32)."""
    if not axes:
        return x
    if x.__class__ is ndarray:
        return x.sum(axis=axes, dtype=x.dtype)
    return xp.sum(x, axis=axes, dtype=x.dtype)


def _diagonal_data(xp: Namespace, x: Data, offset: int, axis1: int, axis2: int) -> Data:
    """NumPy's ``diagonal`` on raw data: the diagonal as the last axis. Off NumPy, the two axes go last
    and the diagonal is every (L+1)-th element of the flattened L×L corner (the standard has no
    diagonal, but slices with a step)."""
    if x.__class__ is ndarray:
        return x.diagonal(offset, axis1, axis2)
    ndim = len(x.shape)
    x = _permuted(xp, x, [i for i in range(ndim) if i not in (axis1, axis2)] + [axis1, axis2])
    rows, columns = x.shape[-2:]  # (the standard takes no slice that starts past the end)
    x = x[..., :, min(offset, columns):] if offset >= 0 else x[..., min(-offset, rows):, :]
    size = min(x.shape[-2:])
    corner = x[..., :size, :size]
    return xp.reshape(corner, tuple(x.shape[:-2]) + (size * size,))[..., ::size + 1]


# ---- einsum ---------------------------------------------------------------------------------------


def einsum(subscripts: str, *operands: Operand) -> Operand:
    """Einstein summation, as ``np.einsum``: Σ over the indices not in the output of the product of
    the operands.  ∂L/∂operand_k = einsum of g with the other operands into operand k's subscripts

    Any number of operands; implicit output (the indices that appear once, in alphabetical order) or
    explicit ``->``; an index repeated within one operand takes its diagonal (``"ii->i"``, ``"ii"``:
    the trace); ``...`` broadcasts; a size-1 axis broadcasts against its index's size, as in NumPy.
    In the gradient an index repeated in operand k writes back into its diagonal (zeros elsewhere),
    and an index summed within operand k alone spreads back over its axis. This is a public check of
    the subscripts in front of one primitive (named ``einsum``), which computes with the standard's
    ``matmul`` (see the module's notes). Not supported: ``optimize=``, ``out=`` and the
    ``einsum(op0, sublist0, ...)`` form.

    >>> x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    >>> W = Tensor(np.ones((3, 2)), requires_grad=True)
    >>> einsum("bi,ij->bj", x, W)
    Tensor([[ 3.,  3.],
            [12., 12.]], op='einsum')
    >>> einsum("bi,ij->", x, W).backward()
    >>> W.grad
    array([[3., 3.],
           [5., 5.],
           [7., 7.]])
    >>> float(einsum("ii", np.eye(3)))  # the trace
    3.0
    """
    shapes = tuple(_shape_of(data_of(x)) for x in operands)
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a string such as 'ij,jk->ik', not "
                        f"{type(subscripts).__name__} (the einsum(op0, sublist0, ...) form is not supported)")
    canonical = _canonical(subscripts, shapes)
    return _einsum(*operands, subscripts=canonical)


def _failure(subscripts: str, shapes: tuple[tuple[int, ...], ...]) -> Any:
    def fail(why: str) -> None:
        listed = ", ".join(map(str, shapes)) or "none"
        raise ValueError(f"einsum {subscripts!r} on operands of shapes {listed}: {why}")
    return fail


@functools.lru_cache(maxsize=512)
def _canonical(subscripts: str, shapes: tuple[tuple[int, ...], ...]) -> str:
    """The subscripts checked against the operands' shapes and spelled out: explicit output, ``...``
    replaced by letters of its own (right-aligned, as broadcasting aligns axes), no spaces."""
    fail = _failure(subscripts, shapes)
    text = subscripts.replace(" ", "")
    bad = set(text) - set(_LETTERS + ",.->")
    if bad:
        fail(f"the subscripts may hold only letters, ',', '...' and '->', not {''.join(sorted(bad))!r}")
    inputs, arrow, output = text.partition("->")
    if "-" in inputs + output or ">" in inputs + output:
        fail("'->' separates the operands' subscripts from the output's, once")
    if not shapes:
        fail("einsum needs at least one operand")
    terms = inputs.split(",")
    if len(terms) != len(shapes):
        fail(f"the subscripts name {len(terms)} operand(s), but {len(shapes)} were given")

    def split(term: str) -> tuple[str, str, bool]:
        if "." not in term:
            return term, "", False
        head, _, tail = term.partition("...")
        if "." in head + tail or "..." not in term:
            fail(f"{term!r}: a '.' may appear only as one '...'")
        return head, tail, True

    parsed = []
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        head, tail, ellipsis = split(term)
        named = len(head) + len(tail)
        if named > len(shape) or (named < len(shape) and not ellipsis):
            fail(f"operand {k} has {len(shape)} axes, but its subscripts {term!r} name {named}")
        parsed.append((head, tail, len(shape) - named))
    spare = [c for c in _LETTERS if c not in text]
    broadcast = max(n for _, _, n in parsed)
    if broadcast > len(spare):
        fail("the '...' axes need more letters than the 52 that are left")
    dots = "".join(spare[:broadcast])
    specs = [head + dots[broadcast - n:] + tail for head, tail, n in parsed]
    sizes: dict[str, int] = {}
    for k, (spec, shape) in enumerate(zip(specs, shapes)):
        own: dict[str, int] = {}
        for letter, n in zip(spec, shape):
            name = "a '...' axis" if letter in dots else f"index {letter!r}"
            if own.setdefault(letter, n) != n:
                fail(f"{name} is repeated in operand {k} with sizes {own[letter]} and {n}")
            size = sizes.setdefault(letter, n)
            if size != n and 1 not in (size, n):
                fail(f"{name} has size {size} in one operand and {n} in operand {k}")
            sizes[letter] = n if size == 1 else size
    named = "".join(head + tail for head, tail, _ in parsed)
    if arrow:
        head, tail, ellipsis = split(output)
        if broadcast and not ellipsis:
            fail("the operands have '...' axes, so the output needs '...' too")
        out = head + (dots if ellipsis else "") + tail
        for letter in head + tail:
            if letter not in named:
                fail(f"the output's index {letter!r} is not an index of any operand")
            if (head + tail).count(letter) > 1:
                fail(f"the output repeats index {letter!r}")
    else:
        out = dots + "".join(sorted(c for c in set(named) if named.count(c) == 1))
    return ",".join(specs) + "->" + out


@functools.lru_cache(maxsize=512)
def _parts(subscripts: str) -> tuple[tuple[str, ...], str]:
    """Canonical subscripts as (the operands' terms, the output)."""
    inputs, _, output = subscripts.partition("->")
    return tuple(inputs.split(",")), output


@primitive(name="einsum")
def _einsum(*operands: Data, subscripts: str) -> Data:
    """The primitive behind :func:`einsum`, on canonical subscripts (explicit, no ``...``)."""
    xp = namespace(*operands)
    terms, output = _parts(subscripts)
    arrays = [x if hasattr(x, "shape") else xp.asarray(x) for x in operands]
    reduced = []
    for k, (term, x) in enumerate(zip(terms, arrays)):
        others = set(output).union(*(t for j, t in enumerate(terms) if j != k))
        reduced.append(_on_its_own(xp, term, x, others))
    term, x = reduced[0]
    for i in range(1, len(reduced)):
        wanted = set(output).union(*(t for t, _ in reduced[i + 1:]))
        last = i == len(reduced) - 1
        term, x = _pair(xp, term, x, *reduced[i], wanted, output if last else None)
    return _permuted(xp, x, [term.index(letter) for letter in output])


def _on_its_own(xp: Namespace, term: str, x: Data, wanted: set[str]) -> tuple[str, Data]:
    """One operand's diagonals taken (repeated indices) and the indices that no one else wants summed."""
    while len(set(term)) < len(term):
        letter = next(c for c in term if term.count(c) > 1)
        first = term.index(letter)
        second = term.index(letter, first + 1)
        x = _diagonal_data(xp, x, 0, first, second)
        term = "".join(c for i, c in enumerate(term) if i not in (first, second)) + letter
    summed = tuple(i for i, c in enumerate(term) if c not in wanted)
    return "".join(c for c in term if c in wanted), _summed(xp, x, summed)


def _pair(xp: Namespace, ta: str, a: Data, tb: str, b: Data, wanted: set[str],
          output: str | None = None) -> tuple[str, Data]:
    """Two operands contracted into one by a (batched) matmul: (batch, a's own, shared) @ (batch,
    shared, b's own), or b's side first where that gives the ``output``'s order as it is (no
    transposed view left for the gradient to copy). A shared index of size 1 on one side only is
    summed out first."""
    for letter in [c for c in ta if c in tb and c not in wanted]:
        i, j = ta.index(letter), tb.index(letter)
        if a.shape[i] != b.shape[j]:  # broadcast: Σ_l a[0] b[l] = a[0] Σ_l b[l]
            a, b = _summed(xp, a, (i,)), _summed(xp, b, (j,))
            ta, tb = ta.replace(letter, ""), tb.replace(letter, "")
    batch = [c for c in ta if c in tb and c in wanted]
    shared = [c for c in ta if c in tb and c not in wanted]
    own_a = [c for c in ta if c not in tb]
    own_b = [c for c in tb if c not in ta]
    if output is not None and "".join(batch + own_b + own_a) == output != "".join(batch + own_a + own_b):
        return _pair(xp, tb, b, ta, a, wanted)
    size_a, size_b = dict(zip(ta, a.shape)), dict(zip(tb, b.shape))
    batch_a = tuple(size_a[c] for c in batch)
    batch_b = tuple(size_b[c] for c in batch)
    m = math.prod(size_a[c] for c in own_a)
    k = math.prod(size_a[c] for c in shared)
    n = math.prod(size_b[c] for c in own_b)
    a = _reshaped(xp, _permuted(xp, a, [ta.index(c) for c in batch + own_a + shared]), batch_a + (m, k))
    b = _reshaped(xp, _permuted(xp, b, [tb.index(c) for c in batch + shared + own_b]), batch_b + (k, n))
    product = a @ b if a.__class__ is ndarray and b.__class__ is ndarray else xp.matmul(a, b)
    shape = tuple(max(p, q) for p, q in zip(batch_a, batch_b)) + \
        tuple(size_a[c] for c in own_a) + tuple(size_b[c] for c in own_b)
    return "".join(batch + own_a + own_b), _reshaped(xp, product, shape)


def _einsum_vjp(k: int, g: Operand, out: Operand, *operands: Operand, subscripts: str) -> Operand:
    """einsum of g with the other operands into operand k's indices; a repeated index of operand k
    goes through an identity matrix (writing into the diagonal), an index no one else has through a
    vector of ones (spreading back over its axis)."""
    terms, output = _parts(subscripts)
    term, shape = terms[k], _shape_of(data_of(operands[k]))
    others = [t for j, t in enumerate(terms) if j != k]
    known = set(output).union(*others)
    spare = iter(c for c in _LETTERS if c not in subscripts)
    data = data_of(g)
    xp, dtype, device = namespace(data), data.dtype, device_of(data)
    target, extra_terms, extra = [], [], []
    for letter, n in zip(term, shape):
        if letter in target:
            fresh = next(spare)
            target.append(fresh)
            extra_terms.append(letter + fresh)
            extra.append(xp.eye(n, dtype=dtype, device=device))
        else:
            target.append(letter)
            if letter not in known:
                extra_terms.append(letter)
                extra.append(xp.ones((n,), dtype=dtype, device=device))
    spec = ",".join([output, *others, *extra_terms]) + "->" + "".join(target)
    grad = _einsum(g, *(x for j, x in enumerate(operands) if j != k), *extra, subscripts=spec)
    got = _shape_of(data_of(grad))
    if any(p == 1 and q != 1 for p, q in zip(got, shape)):  # the others broadcast along this axis
        grad = broadcast_to(grad, shape=tuple(max(p, q) for p, q in zip(got, shape)))
    return grad


_einsum.defvjp_argnum(_einsum_vjp)


# ---- tensordot, dot, inner, outer, kron ---------------------------------------------------------------


def _integer(value: Any) -> bool:
    """An int or a NumPy integer (not a bool, not a sequence)."""
    return not is_bool(value) and hasattr(value, "__index__") and getattr(value, "shape", ()) == ()


def _tensordot_params(a: Data, b: Data, axes: Any = 2) -> dict[str, Any]:
    """``axes`` as NumPy takes it (an int N: a's last N with b's first N; or two sequences, or two
    ints) as a pair of tuples of non-negative ints, checked against the shapes."""
    sa, sb = _shape_of(a), _shape_of(b)

    def fail(kind: type, why: str) -> None:
        raise kind(f"tensordot on inputs of shapes {sa}, {sb}: {why}")

    if is_bool(axes):
        fail(TypeError, f"axes must be an integer or a pair of sequences of axes, not {axes!r}")
    if _integer(axes):
        count = operator.index(axes)
        if not 0 <= count <= min(len(sa), len(sb)):
            fail(ValueError, f"axes={count} contracts more axes than an input has (or is negative)")
        pair = (tuple(range(len(sa) - count, len(sa))), tuple(range(count)))
    else:
        try:
            first, second = axes
        except (TypeError, ValueError):
            fail(TypeError, f"axes must be an integer or a pair of sequences of axes, not {axes!r}")
        pair = tuple(_axes_of(x, shape, fail) for x, shape in ((first, sa), (second, sb)))
        if len(pair[0]) != len(pair[1]):
            fail(ValueError, f"axes {axes!r} name {len(pair[0])} axes of a but {len(pair[1])} of b")
    for i, j in zip(*pair):
        if sa[i] != sb[j]:
            fail(ShapeError, f"axis {i} of a has size {sa[i]} and axis {j} of b size {sb[j]}: the contracted "
                             f"sizes must be equal")
    return {"axes": pair}


def _axes_of(axes: Any, shape: tuple[int, ...], fail: Any) -> tuple[int, ...]:
    listed = (axes,) if _integer(axes) else tuple(axes)
    if not shape and listed:
        fail(AxisError, f"axes {listed} of an input of 0 dimensions")
    canonical = tuple(_axis_index("tensordot", x, shape, "axes") for x in listed)
    if len(set(canonical)) != len(canonical):
        fail(ValueError, f"axes {listed} name an axis twice")
    return canonical


@primitive
def tensordot(a: Data, b: Data, axes: Any = 2) -> Data:
    """Σ over the paired ``axes`` of a ⊗ b, as ``np.tensordot`` (``axes=N``: a's last N with b's
    first N).  ∂L/∂a = tensordot(g, b) over b's free axes, ∂L/∂b = tensordot(a, g) over a's free axes
    (each permuted back to its input's axes)

    >>> a = Tensor(np.ones((2, 3)), requires_grad=True)
    >>> tensordot(a, np.arange(3.0), axes=1)
    Tensor([3., 3.], op='tensordot')
    >>> tensordot(a, np.ones((3, 2)), axes=([1], [0])).sum().backward()
    >>> a.grad
    array([[2., 2., 2.],
           [2., 2., 2.]])
    """
    xp = namespace(a, b)
    axes = _tensordot_params(a, b, axes)["axes"]  # (calls on plain data skip defparams' check)
    if a.__class__ is ndarray and b.__class__ is ndarray:
        return xp.tensordot(a, b, axes=axes)
    return xp.tensordot(xp.asarray(a), xp.asarray(b), axes=axes)


def _free(axes: tuple[int, ...], ndim: int) -> list[int]:
    return [i for i in range(ndim) if i not in axes]


def _back_to(r: Operand, sources: list[int]) -> Operand:
    """``r``, whose axis t stands for its input's axis ``sources[t]``, with the axes in input order."""
    order = tuple(sorted(range(len(sources)), key=sources.__getitem__))
    return r if order == tuple(range(len(order))) else transpose(r, axes=order)


def _tensordot_vjp_a(g: Operand, out: Operand, a: Operand, b: Operand, axes: Any) -> Operand:
    ca, cb = axes
    free_a, free_b = _free(ca, len(_shape_of(data_of(a)))), _free(cb, len(_shape_of(data_of(b))))
    r = tensordot(g, b, axes=(tuple(range(len(free_a), len(free_a) + len(free_b))), tuple(free_b)))
    return _back_to(r, free_a + [ca[cb.index(j)] for j in sorted(cb)])


def _tensordot_vjp_b(g: Operand, out: Operand, a: Operand, b: Operand, axes: Any) -> Operand:
    ca, cb = axes
    free_a, free_b = _free(ca, len(_shape_of(data_of(a)))), _free(cb, len(_shape_of(data_of(b))))
    r = tensordot(a, g, axes=(tuple(free_a), tuple(range(len(free_a)))))
    return _back_to(r, [cb[ca.index(i)] for i in sorted(ca)] + free_b)


tensordot.defparams(_tensordot_params, inputs=2)
tensordot.defvjp(_tensordot_vjp_a, _tensordot_vjp_b)


def dot(a: Operand, b: Operand) -> Operand:
    """Composite (of ``multiply`` or ``tensordot``): NumPy's ``dot``. A 0-d operand multiplies; else
    Σ over a's last axis and b's second-to-last (its only axis when 1-D): 1-D·1-D is the inner
    product, 2-D·2-D the matrix product, and N-D·M-D *not* matmul's batching, as in NumPy.

    >>> dot(Tensor([1.0, 2.0]), np.array([3.0, 4.0]))
    Tensor(11.)
    >>> dot(np.ones((2, 3, 4)), np.ones((5, 4, 6))).shape
    (2, 3, 5, 6)
    """
    sa, sb = _shape_of(data_of(a)), _shape_of(data_of(b))
    if not sa or not sb:
        return multiply(a, b)
    axis = len(sb) - 2 if len(sb) > 1 else 0
    if sa[-1] != sb[axis]:
        raise ShapeError(f"dot on inputs of shapes {sa}, {sb}: shapes not aligned: the last axis of a has "
                         f"size {sa[-1]}, axis {axis} of b has size {sb[axis]}")
    return tensordot(a, b, axes=((len(sa) - 1,), (axis,)))


def inner(a: Operand, b: Operand) -> Operand:
    """Composite (of ``multiply`` or ``tensordot``): NumPy's ``inner``, Σ over the last axes of a and
    b (a 0-d operand multiplies).

    >>> inner(Tensor(np.ones((2, 3))), np.arange(3.0))
    Tensor([3., 3.])
    """
    sa, sb = _shape_of(data_of(a)), _shape_of(data_of(b))
    if not sa or not sb:
        return multiply(a, b)
    if sa[-1] != sb[-1]:
        raise ShapeError(f"inner on inputs of shapes {sa}, {sb}: the last axes have sizes {sa[-1]} and "
                         f"{sb[-1]}; they must be equal")
    return tensordot(a, b, axes=((len(sa) - 1,), (len(sb) - 1,)))


def outer(a: Operand, b: Operand) -> Operand:
    """Composite (of ``reshape`` and ``multiply``): NumPy's ``outer``, out[i, j] = a[i]·b[j] of the
    flattened inputs.

    >>> outer(Tensor([1.0, 2.0]), np.array([1.0, 10.0, 100.0]))
    Tensor([[  1.,  10., 100.],
            [  2.,  20., 200.]])
    """
    return reshape(a, (-1, 1)) * reshape(b, (1, -1))


def kron(a: Operand, b: Operand) -> Operand:
    """Composite (of ``reshape`` and ``multiply``): the Kronecker product, as ``np.kron`` (the input
    with fewer axes gets leading size-1 axes): out[i·n + k] = a[i]·b[k] along every axis.

    >>> kron(Tensor([1.0, 2.0]), np.array([1.0, 10.0]))
    Tensor([ 1., 10.,  2., 20.])
    """
    sa, sb = _shape_of(data_of(a)), _shape_of(data_of(b))
    ndim = max(len(sa), len(sb))
    sa, sb = (1,) * (ndim - len(sa)) + sa, (1,) * (ndim - len(sb)) + sb
    spread_a = tuple(n for size in sa for n in (size, 1))
    spread_b = tuple(n for size in sb for n in (1, size))
    return reshape(reshape(a, spread_a) * reshape(b, spread_b), tuple(p * q for p, q in zip(sa, sb)))


# ---- diagonals and triangles -------------------------------------------------------------------------


def _diagonal_params(x: Data, offset: int = 0, axis1: int = 0, axis2: int = 1) -> dict[str, Any]:
    shape = _shape_of(x)
    if len(shape) < 2:
        raise ValueError(f"diagonal on inputs of shapes {shape}: the input needs 2 dimensions at least")
    if is_bool(offset) or not hasattr(offset, "__index__"):
        raise TypeError(f"diagonal: offset must be an integer, not {offset!r}")
    first = _axis_index("diagonal", axis1, shape, "axis1")
    second = _axis_index("diagonal", axis2, shape, "axis2")
    if first == second:
        raise ValueError(f"diagonal on inputs of shapes {shape}: axis1 and axis2 are the same axis {first}")
    return {"offset": operator.index(offset), "axis1": first, "axis2": second}


@primitive
def diagonal(x: Data, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Data:
    """The diagonal x[..., i, i + offset] of the axes ``axis1`` and ``axis2``, as a last axis (NumPy's
    ``diagonal``).  ∂L/∂x = g written into that diagonal, zeros elsewhere

    >>> x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    >>> diagonal(x, offset=1)
    Tensor([1., 5.], op='diagonal')
    >>> diagonal(x).sum().backward()
    >>> x.grad
    array([[1., 0., 0.],
           [0., 1., 0.]])
    """
    params = _diagonal_params(x, offset, axis1, axis2)  # (calls on plain data skip defparams' check)
    xp = namespace(x)
    return _diagonal_data(xp, x if hasattr(x, "shape") else xp.asarray(x), **params)


def _zero_of(x: Operand) -> bool | int:
    """A zero that keeps ``x``'s dtype in ``where``: False for bools, 0 otherwise."""
    dtype = getattr(data_of(x), "dtype", None)
    return False if dtype is not None and dtype_kind(dtype) == "b" else 0


def _embedded(v: Operand, rows: int, columns: int, offset: int) -> Operand:
    """A (..., rows, columns) array holding v (..., L) on its diagonal of ``offset``, zeros elsewhere
    (the inverse of :func:`diagonal` on its last two axes)."""
    data = data_of(v)
    xp = namespace(data)
    data = data if hasattr(data, "shape") else xp.asarray(data)
    mask = xp.eye(rows, columns, k=offset, dtype=xp.bool, device=device_of(data))
    size = rows if offset >= 0 else columns  # element (r, r + offset) holds v[r]; (c − offset, c) v[c]
    length = data.shape[-1]
    if length < size:
        zeros = xp.zeros(tuple(data.shape[:-1]) + (size - length,), dtype=data.dtype, device=device_of(data))
        v = concatenate([v, zeros], axis=-1)
    return where(mask, expand_dims(v, -1 if offset >= 0 else -2), _zero_of(v))


def _diagonal_vjp(g: Operand, out: Operand, x: Operand, offset: int = 0, axis1: int = 0,
                  axis2: int = 1) -> Operand:
    shape = _shape_of(data_of(x))
    full = _embedded(g, shape[axis1], shape[axis2], offset)
    return _back_to(full, [i for i in range(len(shape)) if i not in (axis1, axis2)] + [axis1, axis2])


diagonal.defparams(_diagonal_params)
diagonal.defvjp(_diagonal_vjp)


def trace(x: Operand, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Operand:
    """Composite (of ``diagonal`` and ``sum``): Σ of the diagonal of ``offset`` of the axes ``axis1``
    and ``axis2``, as ``np.trace``.  ∂L/∂x = g on that diagonal, zeros elsewhere

    >>> x = Tensor(np.arange(4.0).reshape(2, 2), requires_grad=True)
    >>> trace(x)
    Tensor(3., op='sum')
    """
    return _sum(diagonal(x, offset=offset, axis1=axis1, axis2=axis2), axis=-1)


def diag(v: Operand, k: int = 0) -> Operand:
    """Composite (of ``where`` and ``expand_dims``, or ``diagonal``): NumPy's ``diag``. A 1-D ``v``
    becomes the square matrix with v on its diagonal ``k``; a 2-D ``v`` gives its diagonal ``k``.

    >>> diag(Tensor([1.0, 2.0]))
    Tensor([[1., 0.],
            [0., 2.]])
    >>> diag(np.arange(4.0).reshape(2, 2), k=1)
    array([1.])
    """
    shape = _shape_of(data_of(v))
    if is_bool(k) or not hasattr(k, "__index__"):
        raise TypeError(f"diag: k must be an integer, not {k!r}")
    k = operator.index(k)
    if len(shape) == 1:
        n = shape[0] + abs(k)
        return _embedded(v, n, n, k)
    if len(shape) == 2:
        return diagonal(v, offset=k)
    raise ValueError(f"diag on inputs of shapes {shape}: v must be 1-D or 2-D")


def _triangle(op: str, x: Operand, k: int, lower: bool) -> Operand:
    shape = _shape_of(data_of(x))
    if not shape:
        raise ValueError(f"{op} on inputs of shapes (): the input needs 1 dimension at least")
    if is_bool(k) or not hasattr(k, "__index__"):
        raise TypeError(f"{op}: k must be an integer, not {k!r}")
    rows, columns = shape[-2:] if len(shape) > 1 else (shape[0], shape[0])
    data = data_of(x)
    xp = namespace(data)
    device = device_of(data) if hasattr(data, "shape") else None
    diagonals = xp.arange(columns, device=device)[None, :] - xp.arange(rows, device=device)[:, None]
    keep = diagonals <= operator.index(k) if lower else diagonals >= operator.index(k)
    return where(keep, x, _zero_of(x))


def tril(x: Operand, k: int = 0) -> Operand:
    """Composite (of ``where``): the lower triangle of the last two axes, x[..., i, j] for j ≤ i + k,
    zeros above it, as ``np.tril`` (a 1-D x is taken as every row).  ∂L/∂x = g on the triangle, 0 off it

    >>> tril(Tensor(np.ones((2, 3))))
    Tensor([[1., 0., 0.],
            [1., 1., 0.]])
    """
    return _triangle("tril", x, k, lower=True)


def triu(x: Operand, k: int = 0) -> Operand:
    """Composite (of ``where``): the upper triangle of the last two axes, x[..., i, j] for j ≥ i + k,
    zeros below it, as ``np.triu`` (a 1-D x is taken as every row).  ∂L/∂x = g on the triangle, 0 off it

    >>> triu(Tensor(np.ones((2, 3))), k=1)
    Tensor([[0., 1., 1.],
            [0., 0., 1.]])
    """
    return _triangle("triu", x, k, lower=False)


class ContractionMethods:
    """The :class:`~autograd_lite.Tensor` methods of the ops of this module."""

    __slots__ = ()

    def dot(self, b: Operand) -> Operand:
        """NumPy's ``dot`` of this tensor and ``b``; see :func:`autograd_lite.dot`."""
        return dot(self, b)

    def trace(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Operand:
        """Σ of a diagonal; see :func:`autograd_lite.trace`."""
        return trace(self, offset=offset, axis1=axis1, axis2=axis2)

    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Operand:
        """A diagonal as the last axis; see :func:`autograd_lite.diagonal`."""
        return diagonal(self, offset=offset, axis1=axis1, axis2=axis2)


# The primitives defined here (the imported ones have their examples run in their own modules).
__test__ = docstring_tests({name: value for name, value in globals().items()
                            if getattr(value, "__module__", None) == __name__})
