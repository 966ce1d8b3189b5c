"""The op-table rows of autograd_lite.contractions (dot, tensordot, einsum, outer, inner, kron, trace,
diag, diagonal, tril, triu), and the strategies that draw their structured inputs.

Rows are :class:`~op_row.Op` (columns explained there); ``op_table.py`` merges :data:`ROWS` and
:data:`COVERED_THROUGH` into the table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from op_inputs import Case, _spellings, _values
from op_row import Op, method

import autograd_lite as ag

# ---- strategies ---------------------------------------------------------------------------------


@st.composite
def einsum_operands(draw: Any, op: Op, second_order: bool = False) -> Case:
    """One to three operands and subscripts that fit them: shared indices, an index repeated within
    an operand (a diagonal), a size-1 axis broadcast against its index's size, ``...`` over
    broadcasting axes, implicit or explicit output (any order, any subset)."""
    letters = "abcd"
    sizes = {c: draw(st.integers(1, 3)) for c in letters}
    count = draw(st.integers(1, 3))
    dots = draw(st.booleans())
    broadcast = tuple(draw(st.lists(st.integers(1, 2), max_size=2))) if dots else ()
    terms, arrays = [], []
    for _ in range(count):
        term = draw(st.lists(st.sampled_from(letters), max_size=3))
        shape = []
        for position, c in enumerate(term):
            repeated = c in term[:position] or c in term[position + 1:]
            shape.append(1 if not repeated and draw(st.integers(0, 5)) == 0 else sizes[c])
        text = "".join(term)
        if dots and draw(st.booleans()):
            split = draw(st.integers(0, len(term)))
            own = broadcast[len(broadcast) - draw(st.integers(0, len(broadcast))):]
            own = tuple(1 if draw(st.integers(0, 3)) == 0 else n for n in own)
            text = text[:split] + "..." + text[split:]
            shape = shape[:split] + list(own) + shape[split:]
        terms.append(text)
        arrays.append(draw(_values(op, tuple(shape))))
    subscripts = ",".join(terms)
    used = sorted(set("".join(terms)) - {"."})
    if draw(st.booleans()):  # an explicit output
        output = "".join(draw(st.permutations(used))[:draw(st.integers(0, len(used)))])
        if "..." in subscripts:
            at = draw(st.integers(0, len(output)))
            output = output[:at] + "..." + output[at:]
        subscripts += "->" + output
    return Case(tuple(arrays), {"subscripts": subscripts})


def _einsum(*operands: Any, subscripts: str) -> Any:
    """``ag.einsum`` with the subscripts as a parameter (the row's arrays come first)."""
    return ag.einsum(subscripts, *operands)


@st.composite
def tensordot_operands(draw: Any, op: Op, second_order: bool = False) -> Case:
    """a and b with 0 to 2 contracted axes, ``axes`` an int or two sequences (any order, negative)."""
    contracted = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    free_a = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    free_b = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    if draw(st.booleans()):  # axes=N: a's last N, b's first N
        a_shape, b_shape = free_a + contracted, contracted + free_b
        axes: Any = len(contracted) if draw(st.booleans()) else np.int64(len(contracted))
    else:  # two sequences: the contracted axes anywhere, paired in any order
        a_order = draw(st.permutations(range(len(free_a) + len(contracted))))
        b_order = draw(st.permutations(range(len(free_b) + len(contracted))))
        a_dims, b_dims = list(free_a + contracted), list(contracted + free_b)
        a_shape = tuple(a_dims[i] for i in a_order)
        b_shape = tuple(b_dims[i] for i in b_order)
        pairs = list(range(len(contracted)))
        pairs = draw(st.permutations(pairs))
        axes_a = [a_order.index(len(free_a) + p) for p in pairs]
        axes_b = [b_order.index(p) for p in pairs]
        axes = ([draw(_spellings(x, len(a_shape))) for x in axes_a],
                tuple(draw(_spellings(x, len(b_shape))) for x in axes_b))
    return Case((draw(_values(op, a_shape)), draw(_values(op, b_shape))), {"axes": axes})


@st.composite
def dot_operands(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Every kind ``np.dot`` takes: a 0-d side, 1-D·1-D, 2-D·2-D, N-D·1-D, 1-D·M-D and N-D·M-D."""
    n, m, k = (draw(st.integers(1, 3)) for _ in range(3))
    batch = draw(st.sampled_from([(), (2,), (1, 2)]))
    other = draw(st.sampled_from([(), (2,), (3, 1)]))
    shapes = draw(st.sampled_from([
        ((), batch + (m,)), (batch + (m,), ()), ((), ()), ((m,), (m,)), ((n, m), (m, k)),
        (batch + (n, m), (m,)), ((m,), other + (m, k)), (batch + (n, m), other + (m, k)),
    ]))
    return Case(tuple(draw(_values(op, shape)) for shape in shapes), {})


@st.composite
def inner_operands(draw: Any, op: Op, second_order: bool = False) -> Case:
    """A 0-d side, or two arrays whose last axes match."""
    m = draw(st.integers(1, 3))
    first = draw(st.sampled_from([(), (m,), (2, m), (1, 2, m)]))
    seconds = [(m,), (3, m), (2, 1, m)] if first else [(), (2, 3)]
    second = draw(st.sampled_from(seconds))
    if draw(st.booleans()):
        first, second = second, first
    return Case((draw(_values(op, first)), draw(_values(op, second))), {})


@st.composite
def two_arrays(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Two arrays of any shapes (0-d and size-1 included), independent of each other."""
    return Case((draw(_values(op)), draw(_values(op))), {})


@st.composite
def with_diagonal(draw: Any, op: Op, second_order: bool = False) -> Case:
    """An array of two axes or more, an offset (possibly past the edge) and two distinct axes."""
    x = draw(_values(op, min_dims=2))
    axis1, axis2 = draw(st.permutations(range(x.ndim)))[:2]
    return Case((x,), {"offset": draw(st.integers(-3, 3)), "axis1": draw(_spellings(axis1, x.ndim)),
                       "axis2": draw(_spellings(axis2, x.ndim))})


@st.composite
def diag_input(draw: Any, op: Op, second_order: bool = False) -> Case:
    """A vector (made into a matrix) or a matrix (its diagonal taken), and k."""
    x = draw(_values(op, min_dims=1, max_dims=2))
    k = draw(st.integers(-2, 2))
    return Case((x,), {"k": np.int64(k) if draw(st.booleans()) else k})


@st.composite
def triangle_input(draw: Any, op: Op, second_order: bool = False) -> Case:
    """An array of one axis or more (1-D: every row is it, as NumPy) and k."""
    return Case((draw(_values(op, min_dims=1)),), {"k": draw(st.integers(-3, 3))})


# ---- rows ---------------------------------------------------------------------------------------

#: name of the primitive (or of the composite function) -> its row
ROWS: dict[str, Op] = {
    "einsum": Op(_einsum, lambda *arrays, subscripts: np.einsum(subscripts, *arrays), einsum_operands,
                 values=(-2, 2)),
    "tensordot": Op(ag.tensordot, np.tensordot, tensordot_operands, 2, values=(-3, 3)),
    "dot": Op(ag.dot, np.dot, dot_operands, 2, values=(-3, 3), method=method("dot")),
    "inner": Op(ag.inner, np.inner, inner_operands, 2, values=(-3, 3)),
    "outer": Op(ag.outer, np.outer, two_arrays, 2, values=(-3, 3)),
    "kron": Op(ag.kron, np.kron, two_arrays, 2, values=(-3, 3)),
    "diagonal": Op(ag.diagonal, np.diagonal, with_diagonal, method=method("diagonal")),
    "trace": Op(ag.trace, np.trace, with_diagonal, method=method("trace")),
    "diag": Op(ag.diag, np.diag, diag_input),
    "tril": Op(ag.tril, np.tril, triangle_input),
    "triu": Op(ag.triu, np.triu, triangle_input),
}

#: primitive name -> the public function its row calls, where that is not the primitive itself
COVERED_THROUGH: dict[str, str] = {"einsum": "autograd_lite.einsum"}
