"""How the rows of the op table draw their inputs: each function here returns a hypothesis strategy of
:class:`Case` for one row (see ``op_table.py``), given the row and whether the case is for a
second-order check.

Shapes are small (up to 3 axes of up to 3 elements, 0-d and size-1 axes included) and values float64,
so that gradcheck's element-by-element finite differences stay cheap. Axes come as users write them:
non-negative, negative, tuples, NumPy integers.

Cases are drawn on the host (NumPy arrays); a test moves one to the back end it runs on with
:meth:`Case.on` (``xp.asarray`` of every array, parameters included).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_lite.testing import strategies as agst

if TYPE_CHECKING:
    from op_row import Op

SMALL = {"max_dims": 3, "max_side": 3}


class AnotherDevice:
    """A ``device`` parameter: the back end's second device (``array_api_strict.Device("device1")``;
    NumPy has one device, ``"cpu"``), chosen when the case moves to its back end (:meth:`Case.on`)."""

    def __repr__(self) -> str:
        return "ANOTHER_DEVICE"


ANOTHER_DEVICE = AnotherDevice()


class Case(NamedTuple):
    """One call of an op: its array inputs (the ones differentiated) and its keyword parameters."""

    arrays: tuple[np.ndarray, ...]
    params: dict[str, Any]

    def on(self, xp: Any, device: Any = None) -> Case:
        """This case on back end ``xp`` (on ``device``; None: its default): ``xp.asarray`` of every
        array, in the parameters too (indices, conditions, labels), and :data:`ANOTHER_DEVICE` made
        one of ``xp``'s devices other than ``device``."""
        return Case(tuple(xp.asarray(a, device=device) for a in self.arrays),
                    {key: _on(xp, device, value) for key, value in self.params.items()})


def _on(xp: Any, device: Any, value: Any) -> Any:
    if isinstance(value, (np.ndarray, np.bool_)):  # a condition of 0-d arrays is a NumPy bool
        return xp.asarray(value, device=device)
    if isinstance(value, tuple):
        return tuple(_on(xp, device, part) for part in value)
    if value is ANOTHER_DEVICE:
        info = xp.__array_namespace_info__()
        here = info.default_device() if device is None else device
        return next((other for other in info.devices() if other != here), here)
    return value


def on_grid(arrays: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """Values on a grid of quarters: ties are exact or at least 0.25 apart, never within the FD step."""
    return tuple(np.round(a * 4) / 4 for a in arrays)


def separated(arrays: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """Values on the grid, made distinct (by ≥ 1e-3) within and across arrays: no ties at all.

    The gradient of max/min jumps at a tie, so second derivatives are only checked away from ties.
    """
    return tuple(a + i / 8 + np.arange(a.size).reshape(a.shape) * 1e-3
                 for i, a in enumerate(on_grid(arrays)))


def _spread(op: Op, second_order: bool) -> Any:
    """How the drawn values are moved for an op whose derivative jumps at ties (see ``Op.ties``)."""
    if not op.ties:
        return lambda arrays: arrays
    return separated if second_order else on_grid


def _spellings(axis: int, ndim: int) -> st.SearchStrategy:
    """A valid axis index as users write it: non-negative, negative, or a NumPy integer."""
    return st.sampled_from([axis % ndim, axis % ndim - ndim, np.int64(axis)])


def _axis(ndim: int) -> st.SearchStrategy:
    """One valid axis of an array of ``ndim`` ≥ 1 axes, in any spelling."""
    return st.integers(0, ndim - 1).flatmap(lambda a: _spellings(a, ndim))


def _values(op: Op, shape: Any = None, **shape_options: Any) -> st.SearchStrategy:
    """Arrays of the row's values, away from its kinks and poles."""
    return agst.arrays(shape, min_value=op.values[0], max_value=op.values[1], avoid=op.avoid,
                       **{**SMALL, **shape_options})


# ---- the common kinds: one array, two that broadcast, reductions ------------------------------


def elementwise(op: Op, second_order: bool = False) -> st.SearchStrategy:
    """One array of any shape, and the row's parameters."""
    return st.builds(Case, _values(op).map(lambda x: _spread(op, second_order)((x,))), op.params)


def either_sign(op: Op, second_order: bool = False) -> st.SearchStrategy:
    """One array of any shape whose magnitudes lie in the row's (positive) values, each element of
    either sign: both branches of an op with a pole at 0 (``1/x``), never near the pole."""
    def signed(x: np.ndarray) -> st.SearchStrategy:
        signs = hnp.arrays(np.float64, x.shape, elements=st.sampled_from([-1.0, 1.0]))
        return signs.map(lambda s: (x * s,))
    return st.builds(Case, _values(op).flatmap(signed), op.params)


def broadcasting(op: Op, second_order: bool = False) -> st.SearchStrategy:
    """Two arrays whose shapes broadcast together (size-1 and missing axes included)."""
    arrays = agst.broadcastable_arrays(2, min_value=op.values[0], max_value=op.values[1], avoid=op.avoid,
                                       **SMALL)
    return st.builds(Case, arrays.map(_spread(op, second_order)), op.params)


@st.composite
def reduction(draw: Any, op: Op, second_order: bool = False) -> Case:
    """One array, ``axis`` None, an int or a tuple, and ``keepdims``."""
    (x,) = _spread(op, second_order)((draw(_values(op)),))
    params = {**draw(op.params), "axis": draw(agst.axes(x.ndim)), "keepdims": draw(st.booleans())}
    return Case((x,), params)


@st.composite
def along_axis(draw: Any, op: Op, second_order: bool = False) -> Case:
    """One array of at least one axis and one ``axis`` (softmax and its kin)."""
    x = draw(_values(op, min_dims=1))
    return Case((x,), {**draw(op.params), "axis": draw(_axis(x.ndim))})


# ---- shapes -----------------------------------------------------------------------------------


@st.composite
def reshaped(draw: Any, op: Op, second_order: bool = False) -> Case:
    x = draw(_values(op))
    targets = [(-1,), (x.size, 1), (1, x.size), (1, 1, x.size)] + ([()] if x.size == 1 else [])
    return Case((x,), {"shape": draw(st.sampled_from(targets))})


@st.composite
def transposed(draw: Any, op: Op, second_order: bool = False) -> Case:
    x = draw(_values(op))
    permutation = draw(st.permutations(range(x.ndim)))
    axes = tuple(draw(_spellings(a, x.ndim)) for a in permutation)
    return Case((x,), {"axes": draw(st.sampled_from([axes, None]))})


@st.composite
def swapped(draw: Any, op: Op, second_order: bool = False) -> Case:
    x = draw(_values(op, min_dims=1))
    return Case((x,), {"axis1": draw(_axis(x.ndim)), "axis2": draw(_axis(x.ndim))})


@st.composite
def squeezed(draw: Any, op: Op, second_order: bool = False) -> Case:
    """An array with size-1 axes, squeezed along all of them (None), one or several."""
    shape = list(draw(agst.shapes(**SMALL)))
    for _ in range(draw(st.integers(0, 2))):  # insert extra size-1 axes
        shape.insert(draw(st.integers(0, len(shape))), 1)
    x = draw(_values(op, tuple(shape)))
    ones = [i for i, n in enumerate(shape) if n == 1]
    options = [st.none()]
    if ones:
        options += [st.sampled_from(ones).flatmap(lambda a: _spellings(a, x.ndim)),
                    st.lists(st.sampled_from(ones), min_size=1, unique=True).map(tuple)]
    return Case((x,), {"axis": draw(st.one_of(*options))})


@st.composite
def expanded(draw: Any, op: Op, second_order: bool = False) -> Case:
    x = draw(_values(op))
    return Case((x,), {"axis": draw(_axis(x.ndim + 1))})


@st.composite
def broadcast_target(draw: Any, op: Op, second_order: bool = False) -> Case:
    """An array and a shape it broadcasts to, with an extra leading axis or not."""
    small, other = draw(agst.broadcastable_shapes(2, **SMALL))
    target = draw(st.sampled_from([(2,), ()])) + np.broadcast_shapes(small, other)
    return Case((draw(_values(op, small)),), {"shape": target})


@st.composite
def sum_to_target(draw: Any, op: Op, second_order: bool = False) -> Case:
    """An array of a broadcast shape and the shape it is summed down to."""
    small, other = draw(agst.broadcastable_shapes(2, **SMALL))
    big = draw(st.sampled_from([(2,), ()])) + np.broadcast_shapes(small, other)
    return Case((draw(_values(op, big)),), {"shape": small})


# ---- indexing and joining ---------------------------------------------------------------------


@st.composite
def indexed(draw: Any, op: Op, second_order: bool = False) -> Case:
    x = draw(_values(op, min_dims=1))
    kind = draw(st.sampled_from(["slice", "int", "repeated", "mask", "mixed"]))
    n = x.shape[0]
    if kind == "slice":
        index = (slice(draw(st.integers(0, n - 1)), None, draw(st.integers(1, 2))),)
    elif kind == "int":
        index = draw(st.integers(-n, n - 1))
    elif kind == "repeated":  # repeated indices must accumulate
        index = np.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=5)))
    elif kind == "mask":
        index = np.array(draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size))).reshape(x.shape)
    else:
        index = (np.array([0, n - 1, 0]),) + (slice(None),) * (x.ndim - 1)
    return Case((x,), {"index": index})


@st.composite
def scattered(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Values added into zeros of ``shape`` at integer indices, some repeated."""
    size = draw(st.integers(1, 4))
    index = np.array(draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=5)))
    return Case((draw(_values(op, (len(index),))),), {"index": index, "shape": (size,)})


@st.composite
def joined(draw: Any, op: Op, second_order: bool = False, new_axis: bool = False) -> Case:
    """One to three arrays that join along ``axis``: an existing one (concatenate: sizes along it may
    differ) or a new one (``new_axis``: stack, one shape)."""
    shape = draw(agst.shapes(min_dims=1, **SMALL))
    ndim = len(shape) + new_axis
    axis = draw(st.integers(0, ndim - 1))
    arrays = []
    for _ in range(draw(st.integers(1, 3))):
        this = list(shape)
        if not new_axis:
            this[axis] = draw(st.integers(1, 3))
        arrays.append(draw(_values(op, tuple(this))))
    return Case(tuple(arrays), {"axis": draw(_spellings(axis, ndim))})


def stacked(op: Op, second_order: bool = False) -> st.SearchStrategy:
    return joined(op, second_order, new_axis=True)


def chosen(op: Op, second_order: bool = False) -> st.SearchStrategy:
    """Two arrays and a condition (a parameter), their three shapes broadcasting together."""
    return agst.broadcastable_arrays(3, **SMALL).map(lambda cxy: Case(cxy[1:], {"condition": cxy[0] > 0}))


# ---- linear algebra and the nn ops ------------------------------------------------------------


@st.composite
def matmul_operands(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Operands of every kind ``np.matmul`` takes: 1-D on either side, batched, batch-broadcast."""
    n, m, k = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    batch, other_batch = draw(st.sampled_from([
        ((), ()), ((2,), ()), ((2,), (1,)), ((2, 1), (3,)), ((), (2,)), ((1, 2), (3, 1))]))
    shapes = draw(st.sampled_from([
        ((m,), (m,)), ((m,), batch + (m, k)), (batch + (n, m), (m,)),
        (batch + (n, m), other_batch + (m, k)), ((n, m), batch + (m, k)),
    ]))
    return Case(tuple(draw(_values(op, shape)) for shape in shapes), {})


@st.composite
def linear_operands(draw: Any, op: Op, second_order: bool = False) -> Case:
    """x of shape (..., in), a weight (out, in) and, half the time, a bias (out,)."""
    batch = draw(st.sampled_from([(), (1,), (2,), (2, 3)]))
    features, units = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    arrays = (draw(_values(op, batch + (features,))), draw(_values(op, (units, features))))
    if draw(st.booleans()):
        arrays += (draw(_values(op, (units,))),)
    return Case(arrays, {})


@st.composite
def dense_operands(draw: Any, op: Op, second_order: bool = False) -> Case:
    """x of shape (..., in), a kernel (in, out) and, half the time, a bias (out,)."""
    batch = draw(st.sampled_from([(), (1,), (2,), (2, 3)]))
    features, units = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    arrays = (draw(_values(op, batch + (features,))), draw(_values(op, (features, units))))
    if draw(st.booleans()):
        arrays += (draw(_values(op, (units,))),)
    return Case(arrays, {})


@st.composite
def prediction_and_target(draw: Any, op: Op, second_order: bool = False,
                          target: tuple[float, float] | None = None) -> Case:
    """A prediction and a target of one shape (losses never broadcast); the target drawn from
    ``target`` if given (probabilities, for binary cross-entropy), else from the row's values."""
    shape = draw(agst.shapes(**SMALL))
    low, high = target or op.values
    return Case((draw(_values(op, shape)), draw(agst.arrays(shape, min_value=low, max_value=high))), {})


def logits_and_probabilities(op: Op, second_order: bool = False) -> st.SearchStrategy:
    return prediction_and_target(op, second_order, target=(0.0, 1.0))


@st.composite
def logits_and_labels(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Logits of shape (n, classes) and n integer labels (not differentiated: a parameter)."""
    n, classes = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    labels = np.array(draw(st.lists(st.integers(0, classes - 1), min_size=n, max_size=n)))
    return Case((draw(_values(op, (n, classes))),), {"labels": labels})
