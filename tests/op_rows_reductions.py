"""The op-table rows of autograd_lite.reductions (prod, std), autograd_lite.scans and
autograd_lite.sorting.

Rows are :class:`~op_row.Op` (columns explained there); ``op_table.py`` merges :data:`ROWS` and
:data:`COVERED_THROUGH` into the table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from op_inputs import Case, _axis, _values, reduction
from op_row import Op, method

from autograd_lite import reductions, scans, sorting

QUANTILE_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")


def distinct(x: np.ndarray) -> np.ndarray:
    """``x`` made distinct: its elements, in their order (ties broken by position), moved to a grid
    of halves, each kept within 0.1 of its grid point, so any two are ≥ 0.3 apart — more than even
    float32's finite-difference step (the gradient of a sort jumps where elements tie)."""
    flat = np.asarray(x, dtype=np.float64).ravel()
    ranks = np.argsort(np.argsort(flat, kind="stable"), kind="stable")
    return ((ranks - flat.size / 2) * 0.5 + flat * 0.01).reshape(np.shape(x))


def _distinct(op: Op, second_order: bool = False) -> st.SearchStrategy[Case]:
    """A reduction case on distinct values (:func:`distinct`)."""
    return reduction(op, second_order).map(lambda case: Case((distinct(case.arrays[0]),), case.params))


@st.composite
def _spread_reduction(draw: Any, op: Op, second_order: bool = False) -> Case:
    """A reduction case whose reduced elements are spread apart (by multiples of 0.37), with ``ddof``
    0, or 1 where more than one element is reduced: std's derivatives blow up as the variance goes to
    0 (a cone), so the finite differences stay away from it."""
    case = draw(reduction(op, second_order))
    (x,) = case.arrays
    x = x + np.arange(x.size).reshape(x.shape) * 0.37
    axis = case.params["axis"]
    count = x.size if axis is None else int(np.prod([x.shape[a] for a in np.atleast_1d(axis)]))
    ddof = draw(st.sampled_from([0, 1])) if count > 1 else 0
    return Case((x,), {**case.params, "ddof": ddof})


@st.composite
def _scanned(draw: Any, op: Op, second_order: bool = False) -> Case:
    """One array of any shape (0-d too: NumPy scans it as shape (1,)) and ``axis`` None or one axis."""
    x = draw(_values(op))
    axis = draw(st.one_of(st.none(), _axis(max(x.ndim, 1))))
    return Case((x,), {"axis": axis})


@st.composite
def _sorted(draw: Any, op: Op, second_order: bool = False) -> Case:
    """One array on distinct values and ``axis`` None or one axis (a 0-d array sorts with None only)."""
    x = distinct(draw(_values(op)))
    axis = draw(st.one_of(st.none(), _axis(x.ndim))) if x.ndim else None
    return Case((x,), {"axis": axis})


@st.composite
def _quantiles(draw: Any, op: Op, second_order: bool = False) -> Case:
    """A reduction case on distinct values, ``q`` a number or an array of them, and a ``method``."""
    case = draw(_distinct(op, second_order))
    fractions = st.floats(0.0, 1.0)
    q = draw(st.one_of(fractions, st.lists(fractions, min_size=1, max_size=3)))  # (a list: NumPy reads it)
    return Case(case.arrays, {**case.params, "q": q, "method": draw(st.sampled_from(QUANTILE_METHODS))})


def _logcumsumexp(x: np.ndarray, axis: int | None = None) -> np.ndarray:
    """torch.logcumsumexp, with NumPy's axis None (flattened) and 0-d (as shape (1,)), as cumsum."""
    import torch  # imported when first used

    t = torch.from_numpy(np.asarray(x))
    if axis is None or t.ndim == 0:
        t, axis = t.reshape(-1), 0
    return torch.logcumsumexp(t, dim=int(axis)).numpy()


#: name of the primitive (or of the composite function) -> its row
ROWS: dict[str, Op] = {
    # reductions.py; values small enough that products of 27 of them stay in range, and away from 0:
    # near (not at) 0 the second order of out/x cancels two huge terms (tests/test_reductions.py
    # checks exact zeros, first and second order)
    "prod": Op(reductions.prod, np.prod, reduction, values=(-2, 2), avoid=(0.0,), method=method("prod"),
               messy=True),
    "std": Op(reductions.std, np.std, _spread_reduction, method=method("std"), messy=True),
    # scans.py (cumprod away from 0: its second order is exact with at most one zero per line, and
    # tests/test_reductions.py checks zeros against PyTorch)
    "cumsum": Op(scans.cumsum, np.cumsum, _scanned, method=method("cumsum"), messy=True),
    "cumprod": Op(scans.cumprod, np.cumprod, _scanned, values=(-2, 2), avoid=(0.0,),
                  method=method("cumprod"), messy=True),
    "logcumsumexp": Op(scans.logcumsumexp, _logcumsumexp, _scanned),
    # sorting.py
    "sort": Op(sorting.sort, lambda x, axis: np.sort(x, axis=axis, kind="stable"), _sorted),
    # ties=True: its derivative jumps where elements tie (its own strategy draws distinct values)
    "median": Op(sorting.median, np.median, _distinct, ties=True, messy=True),
    "quantile": Op(sorting.quantile, lambda x, q, **params: np.quantile(x, q, **params), _quantiles),
}

#: primitive name -> the public function its row calls, where that is not the primitive itself
COVERED_THROUGH: dict[str, str] = {}
