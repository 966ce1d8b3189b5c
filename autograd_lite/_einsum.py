"""einsum: Einstein summation on any back end, as NumPy's (see :func:`autograd_lite.einsum`).

The standard has no einsum, so it is composed here of the standard's ``permute_dims``, ``reshape``,
``sum`` and ``matmul``: each operand's diagonals are taken and the indices no one else has are summed,
then the operands are contracted pairwise, left to right, each pair by one (batched) matmul. On NumPy
that matmul is BLAS; ``np.einsum`` is not used: for a dense layer's ``"bi,ij->bj"`` (b=64, i=j=256) it
took 8× longer than ``matmul`` with its default ``optimize=False``, and spent 0.2 ms finding a path
with ``optimize=True`` (see the benchmarks page). Part of :mod:`autograd_lite.contractions`, which
exports it; split off to keep each file readable in one sitting.
"""

from __future__ import annotations

import functools
import math
import string
from collections.abc import Sequence
from typing import Any

from .backend import Namespace, device_of, namespace, ndarray
from .engine import data_of, primitive
from .parameters import _shape_of
from .shape_ops import broadcast_to
from .typing import Data, Operand

__all__ = ["einsum"]

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
    arrays = [x if hasattr(x, "shape") else xp.asarray(x) for x in operands]
    singles, pairs, final = _plan(subscripts, tuple(tuple(x.shape) for x in arrays))
    reduced = []
    for (diagonals, summed), x in zip(singles, arrays):
        for first, second in diagonals:
            x = _diagonal_data(xp, x, 0, first, second)
        reduced.append(_summed(xp, x, summed))
    x = reduced[0]
    for (mismatched_a, mismatched_b, swap, order_a, shape_a, order_b, shape_b, shape, result), y in \
            zip(pairs, reduced[1:]):
        x, y = _summed(xp, x, mismatched_a), _summed(xp, y, mismatched_b)
        if swap:
            x, y = y, x
        x = matmul_into(xp, _reshaped(xp, _permuted(xp, x, order_a), shape_a),
                        _reshaped(xp, _permuted(xp, y, order_b), shape_b), shape, result)
    return _permuted(xp, x, final)


@functools.lru_cache(maxsize=1024)
def _plan(subscripts: str, shapes: tuple[tuple[int, ...], ...]) -> tuple[Any, ...]:
    """How :func:`_einsum` computes, worked out once per subscripts and shapes: for each operand its
    diagonals (repeated indices) and the axes that no one else has, summed; then the operands
    contracted pairwise, left to right, each pair by one (batched) matmul; then the output's order."""
    terms, output = _parts(subscripts)
    singles, reduced = [], []
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        wanted = set(output).union(*(t for j, t in enumerate(terms) if j != k))
        diagonals, shape = [], list(shape)
        while len(set(term)) < len(term):
            letter = next(c for c in term if term.count(c) > 1)
            first = term.index(letter)
            second = term.index(letter, first + 1)
            diagonals.append((first, second))
            rest = [i for i in range(len(term)) if i not in (first, second)]
            term, shape = "".join(term[i] for i in rest) + letter, [shape[i] for i in rest] + [shape[first]]
        summed = tuple(i for i, c in enumerate(term) if c not in wanted)
        singles.append((tuple(diagonals), summed))
        reduced.append(("".join(c for c in term if c in wanted),
                        tuple(n for i, n in enumerate(shape) if i not in summed)))
    pairs = []
    term, shape = reduced[0]
    for i in range(1, len(reduced)):
        wanted = set(output).union(*(t for t, _ in reduced[i + 1:]))
        step, (term, shape) = _pair_plan(term, shape, *reduced[i], wanted,
                                         output if i == len(reduced) - 1 else None)
        pairs.append(step)
    return tuple(singles), tuple(pairs), tuple(term.index(c) for c in output)


def _pair_plan(ta: str, sa: tuple[int, ...], tb: str, sb: tuple[int, ...], wanted: set[str],
               output: str | None) -> tuple[tuple[Any, ...], tuple[str, tuple[int, ...]]]:
    """Two operands contracted into one by a (batched) matmul: (batch, a's own, shared) @ (batch,
    shared, b's own), or b's side first where that gives the ``output``'s order as it is (no
    transposed view left for the gradient to copy). A shared index of size 1 on one side only is
    summed out first: Σ_l a[0] b[l] = a[0] Σ_l b[l]."""
    size_a, size_b = dict(zip(ta, sa)), dict(zip(tb, sb))
    mismatched = [c for c in ta if c in tb and c not in wanted and size_a[c] != size_b[c]]
    sum_a, sum_b = tuple(ta.index(c) for c in mismatched), tuple(tb.index(c) for c in mismatched)
    ta, tb = "".join(c for c in ta if c not in mismatched), "".join(c for c in tb if c not in mismatched)
    batch = [c for c in ta if c in tb and c in wanted]
    own_a = [c for c in ta if c not in tb]
    own_b = [c for c in tb if c not in ta]
    swap = output is not None and "".join(batch + own_b + own_a) == output != "".join(batch + own_a + own_b)
    if swap:
        ta, tb, size_a, size_b, own_a, own_b = tb, ta, size_b, size_a, own_b, own_a
    shared = [c for c in ta if c in tb and c not in wanted]
    batch_a, batch_b = tuple(size_a[c] for c in batch), tuple(size_b[c] for c in batch)
    m = math.prod(size_a[c] for c in own_a)
    k = math.prod(size_a[c] for c in shared)
    n = math.prod(size_b[c] for c in own_b)
    batch_out = tuple(max(p, q) for p, q in zip(batch_a, batch_b))
    result = batch_out + tuple(size_a[c] for c in own_a) + tuple(size_b[c] for c in own_b)
    step = (sum_a, sum_b, swap, tuple(ta.index(c) for c in batch + own_a + shared), batch_a + (m, k),
            tuple(tb.index(c) for c in batch + shared + own_b), batch_b + (k, n), batch_out + (m, n), result)
    return step, ("".join(batch + own_a + own_b), result)


def matmul_into(xp: Namespace, a: Data, b: Data, shape: tuple[int, ...], result: tuple[int, ...]) -> Data:
    """a @ b (of ``shape``) reshaped to ``result``. NumPy arrays multiply into a fresh array of the
    result's shape, not a reshaped view of the product: a view that becomes a gradient is copied by
    the engine, and on a machine where page faults are slow that copy cost more than the matmul."""
    if a.__class__ is ndarray and b.__class__ is ndarray:
        out = xp.empty(result, dtype=xp.result_type(a, b))
        xp.matmul(a, b, out=out.reshape(shape))
        return out
    return _reshaped(xp, xp.matmul(a, b), result)


def _einsum_vjp(k: int, g: Operand, out: Operand, *operands: Operand, subscripts: str) -> Operand:
    """einsum of g with the other operands into operand k's indices; a repeated index of operand k
    goes through an identity matrix (writing into the diagonal), an index no one else has through a
    vector of ones (spreading back over its axis)."""
    shape = _shape_of(data_of(operands[k]))
    spec, extras = _gradient_spec(subscripts, k, shape)
    if extras:
        data = data_of(g)
        xp, dtype, device = namespace(data), data.dtype, device_of(data)
        extras = [xp.eye(n, dtype=dtype, device=device) if kind == "eye" else
                  xp.ones((n,), dtype=dtype, device=device) for kind, n in extras]
    grad = _einsum(g, *(x for j, x in enumerate(operands) if j != k), *extras, subscripts=spec)
    got = _shape_of(data_of(grad))
    if got != shape and any(p == 1 and q != 1 for p, q in zip(got, shape)):  # broadcast along this axis
        grad = broadcast_to(grad, shape=tuple(max(p, q) for p, q in zip(got, shape)))
    return grad


@functools.lru_cache(maxsize=1024)
def _gradient_spec(subscripts: str, k: int, shape: tuple[int, ...]) -> tuple[str, tuple[Any, ...]]:
    """The subscripts of operand k's gradient, and the constant operands it needs: an identity matrix
    for each repeat of an index, a vector of ones for an index that neither g nor the others have."""
    terms, output = _parts(subscripts)
    others = [t for j, t in enumerate(terms) if j != k]
    known = set(output).union(*others)
    spare = iter(c for c in _LETTERS if c not in subscripts)
    target, extra_terms, extras = [], [], []
    for letter, n in zip(terms[k], shape):
        if letter in target:
            fresh = next(spare)
            target.append(fresh)
            extra_terms.append(letter + fresh)
            extras.append(("eye", n))
        else:
            target.append(letter)
            if letter not in known:
                extra_terms.append(letter)
                extras.append(("ones", n))
    return ",".join([output, *others, *extra_terms]) + "->" + "".join(target), tuple(extras)


_einsum.defvjp_argnum(_einsum_vjp)
