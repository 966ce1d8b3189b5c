"""The op-table rows of autograd_lite.reshaping and autograd_lite.indexing (repeat, tile, pad, flip,
roll, split, stacks, take, at, ...).

Rows are :class:`~op_row.Op` (columns explained there); ``op_table.py`` merges :data:`ROWS` and
:data:`COVERED_THROUGH` into the table. Every op of these modules is a composite of the core's
primitives, so no row here is COVERED_THROUGH another. An op with several results (the splits,
broadcast_arrays, meshgrid) is checked through one function of all of them: the results weighted by
1, 2, 3, ... and joined (or summed), so a gradient sent to the wrong result shows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from op_inputs import SMALL, Case, _axis, _spellings, _values, separated
from op_row import Op, method

import autograd_lite as ag
from autograd_lite.testing import strategies as agst

# ---- strategies --------------------------------------------------------------------------------


def _axis_or_none(ndim: int) -> st.SearchStrategy:
    return st.none() | _axis(ndim) if ndim else st.none()


@st.composite
def repeated(draw: Any, op: Op, second_order: bool = False) -> Case:
    """An array, ``axis`` None or one axis, and ``repeats``: one count, or one per element."""
    x = draw(_values(op))
    axis = draw(_axis_or_none(x.ndim))
    size = x.size if axis is None else x.shape[int(axis)]
    counts = st.integers(0, 2)
    repeats = draw(counts | st.lists(counts, min_size=size, max_size=size).map(tuple)
                   | st.lists(counts, min_size=1, max_size=1))
    return Case((x,), {"repeats": repeats, "axis": axis})


@st.composite
def tiled(draw: Any, op: Op, second_order: bool = False) -> Case:
    x = draw(_values(op))
    reps = draw(st.integers(0, 2) | st.lists(st.integers(1, 2), max_size=3).map(tuple))
    return Case((x,), {"reps": reps})


@st.composite
def padded(draw: Any, op: Op, second_order: bool = False) -> Case:
    """An array, a mode, and a pad width (and constants) in each of NumPy's forms."""
    x = draw(_values(op))
    mode = draw(st.sampled_from(["constant", "edge", "reflect"]))
    width = st.integers(0, 3)
    per_axis = st.tuples(*[st.tuples(width, width)] * x.ndim) if x.ndim else st.nothing()
    pad_width = draw(st.one_of(width, st.tuples(width, width), st.tuples(st.tuples(width, width)), per_axis))
    params = {"pad_width": pad_width, "mode": mode}
    if mode == "constant" and draw(st.booleans()):
        value = st.floats(-3, 3)
        per_axis = st.tuples(*[st.tuples(value, value)] * x.ndim) if x.ndim else st.nothing()
        params["constant_values"] = draw(value | st.tuples(value, value) | per_axis)
    return Case((x,), params)


@st.composite
def flipped(draw: Any, op: Op, second_order: bool = False) -> Case:
    x = draw(_values(op))
    options = [st.none()]
    if x.ndim:
        options += [_axis(x.ndim), st.lists(st.integers(0, x.ndim - 1), unique=True).map(
            lambda axes: tuple(a - x.ndim if a % 2 else a for a in axes))]
    return Case((x,), {"axis": draw(st.one_of(*options))})


def _at_least(ndim: int) -> Any:
    def cases(op: Op, second_order: bool = False) -> st.SearchStrategy:
        return _values(op, min_dims=ndim).map(lambda x: Case((x,), {}))
    return cases


@st.composite
def rolled(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Shifts (negative, past the size) and axes: None, one, or tuples paired or broadcast."""
    x = draw(_values(op))
    shift = st.integers(-4, 4)
    if not x.ndim or draw(st.booleans()):
        return Case((x,), {"shift": draw(shift | st.tuples(shift, shift)), "axis": None})
    axes = tuple(draw(st.lists(_axis(x.ndim), min_size=1, max_size=3)))
    form = draw(st.sampled_from(["int", "pairs", "one shift"]))
    if form == "int":
        return Case((x,), {"shift": draw(shift), "axis": axes[0]})
    if form == "pairs":
        return Case((x,), {"shift": tuple(draw(shift) for _ in axes), "axis": axes})
    return Case((x,), {"shift": draw(shift), "axis": axes})


@st.composite
def rotated(draw: Any, op: Op, second_order: bool = False) -> Case:
    x = draw(_values(op, min_dims=2))
    first, second = draw(st.permutations(range(x.ndim)))[:2]
    axes = (draw(_spellings(first, x.ndim)), draw(_spellings(second, x.ndim)))
    return Case((x,), {"k": draw(st.integers(-2, 5)), "axes": axes})


@st.composite
def sectioned(draw: Any, op: Op, second_order: bool = False, equal: bool = True, min_dims: int = 1,
              axis: int | None = None) -> Case:
    """An array and where to split it: a number of sections (equal ones for ``equal``) or indices
    (out of order and out of range included); ``axis`` drawn unless the op fixes it."""
    x = draw(_values(op, min_dims=min_dims))
    params = {}
    if axis is None:
        params["axis"] = draw(_axis(x.ndim))
        size = x.shape[int(params["axis"])]
    else:
        size = x.shape[axis if x.ndim > 1 else 0]
    sections = [n for n in range(1, size + 1) if size % n == 0] if equal else list(range(1, size + 3))
    indices = st.lists(st.integers(-size, size + 1), max_size=3).map(tuple)
    params["indices_or_sections"] = draw(st.sampled_from(sections) | indices)
    return Case((x,), params)


def _split_cases(**options: Any) -> Any:
    return lambda op, second_order=False: sectioned(op, second_order, **options)


@st.composite
def stackable(draw: Any, op: Op, second_order: bool = False, kind: str = "hstack") -> Case:
    """One to three arrays that the stacking op ``kind`` joins: of one shape, but for the size along
    the joining axis where the inputs have that axis (0-d and 1-D inputs mixed in for hstack, 1-D and
    2-D for column_stack)."""
    ndim = draw(st.integers(0, 3))
    shape = list(draw(agst.shapes(min_dims=ndim, max_dims=ndim, max_side=3)))
    size = st.integers(1, 3)
    arrays = []
    for _ in range(draw(st.integers(1, 3))):
        this = list(shape)
        if kind == "hstack" and ndim <= 1:
            this = draw(st.sampled_from([[], [draw(size)]]))
        elif kind == "column_stack" and ndim == 1:
            this = draw(st.sampled_from([shape, shape + [draw(size)]]))
        elif kind in ("hstack", "column_stack") and ndim >= 2:
            this[1] = draw(size)
        elif kind == "vstack" and ndim >= 2:
            this[0] = draw(size)
        elif kind == "dstack" and ndim >= 3:
            this[2] = draw(size)
        arrays.append(draw(_values(op, tuple(this))))
    return Case(tuple(arrays), {})


def _stack_cases(kind: str) -> Any:
    return lambda op, second_order=False: stackable(op, second_order, kind=kind)


@st.composite
def moved(draw: Any, op: Op, second_order: bool = False) -> Case:
    x = draw(_values(op))
    count = draw(st.integers(0 if x.ndim == 0 else 1, x.ndim)) if x.ndim else 0
    sources = draw(st.permutations(range(x.ndim)))[:count]
    destinations = draw(st.permutations(range(x.ndim)))[:count]
    spell = lambda axes: tuple(draw(_spellings(a, x.ndim)) for a in axes)
    if count == 1 and draw(st.booleans()):
        return Case((x,), {"source": spell(sources)[0], "destination": spell(destinations)[0]})
    return Case((x,), {"source": spell(sources), "destination": spell(destinations)})


@st.composite
def rolled_axis(draw: Any, op: Op, second_order: bool = False) -> Case:
    x = draw(_values(op, min_dims=1))
    return Case((x,), {"axis": draw(_axis(x.ndim)), "start": draw(st.integers(-x.ndim, x.ndim))})


@st.composite
def taken(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Integer indices (negative, repeated; a number, a 0-d, 1-D or 2-D array) along an axis or None."""
    x = draw(_values(op))
    axis = draw(_axis_or_none(x.ndim))
    size = x.size if axis is None else x.shape[int(axis)]
    index = st.integers(-size, size - 1)
    shape = draw(st.sampled_from([(), (0,), (3,), (2, 2)]))
    indices = np.array(draw(st.lists(index, min_size=int(np.prod(shape)), max_size=int(np.prod(shape)))),
                       dtype=np.int64).reshape(shape)
    if draw(st.booleans()) and shape == ():
        indices = int(indices)
    return Case((x,), {"indices": indices, "axis": axis})


@st.composite
def taken_along(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Indices of x's number of dimensions along ``axis``; elsewhere of x's sizes or 1 (broadcast)."""
    x = draw(_values(op, min_dims=1))
    axis = draw(_axis(x.ndim))
    a = int(axis) % x.ndim
    shape = tuple(draw(st.integers(0, 3)) if d == a else draw(st.sampled_from([n, 1]))
                  for d, n in enumerate(x.shape))
    indices = np.array(draw(st.lists(st.integers(-x.shape[a], x.shape[a] - 1), min_size=int(np.prod(shape)),
                                     max_size=int(np.prod(shape)))), dtype=np.int64).reshape(shape)
    return Case((x,), {"indices": indices, "axis": axis})


@st.composite
def differenced(draw: Any, op: Op, second_order: bool = False) -> Case:
    """An array, and arrays to prepend and append along ``axis`` (each one used or not, by ``ends``)."""
    x = draw(_values(op, min_dims=1))
    axis = draw(_axis(x.ndim))
    ends = []
    for _ in range(2):
        shape = list(x.shape)
        shape[int(axis) % x.ndim] = draw(st.integers(1, 2))
        ends.append(draw(_values(op, tuple(shape))))
    ends_used = draw(st.sampled_from(["none", "prepend", "append", "both"]))
    return Case((x, *ends), {"n": draw(st.integers(0, 3)), "axis": axis, "ends": ends_used})


def _with_ends(diff: Any) -> Any:
    """``diff`` of x with the drawn arrays prepended and appended as ``ends`` says."""
    def function(x: Any, before: Any, after: Any, ends: str, **params: Any) -> Any:
        if ends in ("prepend", "both"):
            params["prepend"] = before
        if ends in ("append", "both"):
            params["append"] = after
        return diff(x, **params)
    return function


def broadcasting(op: Op, second_order: bool = False) -> st.SearchStrategy:
    return agst.broadcastable_arrays(2, min_value=op.values[0], max_value=op.values[1], **SMALL).map(
        lambda xy: Case(tuple(xy), {}))


@st.composite
def gridded(draw: Any, op: Op, second_order: bool = False) -> Case:
    x, y = draw(_values(op, max_dims=2)), draw(_values(op, max_dims=2))
    return Case((x, y), {"indexing": draw(st.sampled_from(["xy", "ij"])), "sparse": draw(st.booleans())})


@st.composite
def assigned(draw: Any, op: Op, second_order: bool = False) -> Case:
    """An array, an index of every kind (slices, ints, repeated integer arrays, masks, an integer array
    among slices, one per axis), and a value broadcast to the selected elements."""
    x = draw(_values(op, min_dims=1))
    n = x.shape[0]
    kind = draw(st.sampled_from(["slice", "int", "repeated", "mask", "mixed", "per axis"]))
    if kind == "slice":
        index = (slice(draw(st.integers(0, n - 1)), None, draw(st.sampled_from([1, 2, -1]))),)
    elif kind == "int":
        index = draw(st.integers(-n, n - 1))
    elif kind == "repeated":
        index = np.array(draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=5)))
    elif kind == "mask":
        index = np.array(draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size))).reshape(x.shape)
    elif kind == "mixed":
        index = (np.array([0, n - 1, 0]),) + (slice(None),) * (x.ndim - 1)
    else:
        index = tuple(np.array(draw(st.lists(st.integers(0, m - 1), min_size=2, max_size=2)))
                      for m in x.shape)
    selected = np.empty(x.shape)[index].shape
    value_shape = selected[draw(st.integers(0, len(selected))):]
    value_shape = tuple(1 if draw(st.booleans()) else m for m in value_shape)
    arrays = (x, draw(_values(op, value_shape)))
    # min and max (ties): no ties at all, since with repeated indices a value meets several others
    return Case(separated(arrays) if op.ties else arrays, {"index": index})


# ---- functions of several results, and the references ------------------------------------------


def _joined_parts(split: Any, join: Any, axis_of: Any) -> Any:
    """``split``'s parts weighted by 1, 2, 3, ... and joined again along their axis (``axis_of(x,
    params)``): one array to check all parts by."""
    def function(x: Any, **params: Any) -> Any:
        parts = split(x, **params)
        assert isinstance(parts, list)
        return join([part * (i + 1) for i, part in enumerate(parts)], axis=axis_of(x, params))
    function.__name__ = getattr(split, "__name__", "split")
    return function


def _weighted_sum(results: Any) -> Any:
    assert isinstance(results, tuple)
    return sum(r * (i + 1) for i, r in enumerate(results))


def _split_axis(axis: int | None) -> Any:
    return lambda x, params: params["axis"] if axis is None else (axis if x.ndim > 1 else 0)


def _splits(ag_split: Any, np_split: Any, axis: int | None = None) -> tuple[Any, Any]:
    return (_joined_parts(ag_split, ag.concatenate, _split_axis(axis)),
            _joined_parts(np_split, np.concatenate, _split_axis(axis)))


def _set_reference(x: np.ndarray, v: np.ndarray, index: Any) -> np.ndarray:
    out = x.copy()
    out[index] = v
    return out


def _at_reference(ufunc: np.ufunc) -> Any:
    """``x`` updated by NumPy's unbuffered ``ufunc.at`` (``np.add.at``): repeated indices each count."""
    def reference(x: np.ndarray, v: np.ndarray, index: Any) -> np.ndarray:
        out = x.copy()
        ufunc.at(out, index, np.broadcast_to(v, out[index].shape))
        return out
    return reference


#: name of the primitive (or of the composite function) -> its row
ROWS: dict[str, Op] = {
    "repeat": Op(ag.repeat, np.repeat, repeated, method=method("repeat")),
    "tile": Op(ag.tile, np.tile, tiled),
    "pad": Op(ag.pad, np.pad, padded),
    "flip": Op(ag.flip, np.flip, flipped),
    "fliplr": Op(ag.fliplr, np.fliplr, _at_least(2)),
    "flipud": Op(ag.flipud, np.flipud, _at_least(1)),
    "roll": Op(ag.roll, np.roll, rolled),
    "rot90": Op(ag.rot90, np.rot90, rotated),
    "split": Op(*_splits(ag.split, np.split), _split_cases()),
    "array_split": Op(*_splits(ag.array_split, np.array_split), _split_cases(equal=False)),
    "hsplit": Op(*_splits(ag.hsplit, np.hsplit, 1), _split_cases(axis=1)),
    "vsplit": Op(*_splits(ag.vsplit, np.vsplit, 0), _split_cases(min_dims=2, axis=0)),
    "dsplit": Op(*_splits(ag.dsplit, np.dsplit, 2), _split_cases(min_dims=3, axis=2)),
    "hstack": Op(ag.hstack, np.hstack, _stack_cases("hstack"), None),
    "vstack": Op(ag.vstack, np.vstack, _stack_cases("vstack"), None),
    "dstack": Op(ag.dstack, np.dstack, _stack_cases("dstack"), None),
    "column_stack": Op(ag.column_stack, np.column_stack, _stack_cases("column_stack"), None),
    "moveaxis": Op(ag.moveaxis, np.moveaxis, moved),
    "rollaxis": Op(ag.rollaxis, np.rollaxis, rolled_axis),
    "ravel": Op(ag.ravel, np.ravel, method=method("ravel")),
    "atleast_1d": Op(ag.atleast_1d, np.atleast_1d),
    "atleast_2d": Op(ag.atleast_2d, np.atleast_2d),
    "atleast_3d": Op(ag.atleast_3d, np.atleast_3d),
    "take": Op(ag.take, np.take, taken, method=method("take")),
    "take_along_axis": Op(ag.take_along_axis, np.take_along_axis, taken_along),
    "diff": Op(_with_ends(ag.diff), _with_ends(np.diff), differenced, 3),
    "broadcast_arrays": Op(lambda x, y: _weighted_sum(ag.broadcast_arrays(x, y)),
                           lambda x, y: _weighted_sum(np.broadcast_arrays(x, y)), broadcasting, 2),
    "meshgrid": Op(lambda x, y, **params: _weighted_sum(ag.meshgrid(x, y, **params)),
                   lambda x, y, **params: _weighted_sum(np.meshgrid(x, y, **params)), gridded, 2),
    "at_set": Op(lambda x, v, index: ag.at(x)[index].set(v), _set_reference, assigned, 2),
    "at_add": Op(lambda x, v, index: ag.at(x)[index].add(v), _at_reference(np.add), assigned, 2),
    "at_multiply": Op(lambda x, v, index: ag.at(x)[index].multiply(v), _at_reference(np.multiply),
                      assigned, 2, values=(-2, 2)),
    "at_min": Op(lambda x, v, index: ag.at(x)[index].min(v), _at_reference(np.minimum), assigned, 2,
                 ties=True),
    "at_max": Op(lambda x, v, index: ag.at(x)[index].max(v), _at_reference(np.maximum), assigned, 2,
                 ties=True),
}

#: primitive name -> the public function its row calls, where that is not the primitive itself
COVERED_THROUGH: dict[str, str] = {}
