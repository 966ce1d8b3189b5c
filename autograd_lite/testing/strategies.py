"""Hypothesis strategies for property tests of differentiable code.

Draw arrays of given or random shapes (0-d included), shapes that broadcast together, and values kept
away from an op's poles and kinks, then hand them to :func:`~autograd_lite.testing.gradcheck`::

    from hypothesis import given
    from autograd_lite.testing import gradcheck, strategies as agst

    @given(agst.arrays(min_value=0.1, max_value=10))        # log needs x > 0
    def test_log(x):
        assert gradcheck(lambda t: t.log(), x)

    @given(agst.broadcastable_arrays(2))
    def test_mul(xy):
        assert gradcheck(lambda a, b: a * b, *xy)

Needs the ``hypothesis`` package (``pip install 'autograd_lite[testing]'``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .. import backend
from ..tensor import Tensor

__all__ = ["arrays", "axes", "broadcastable_arrays", "broadcastable_shapes", "elements", "shapes",
           "tensors"]


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4) -> st.SearchStrategy:
    """Array shapes, from 0-d ``()`` up to ``max_dims`` axes of ``min_side``..``max_side`` each."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def elements(min_value: float = -10.0, max_value: float = 10.0, avoid: Sequence[float] = (),
             margin: float = 0.05, dtype: Any = np.float64) -> st.SearchStrategy:
    """Finite floats in [min_value, max_value] at least ``margin`` away from each point in ``avoid``.

    ``avoid`` holds an op's poles and kinks (0 for ``abs``, ``relu`` and ``1/x``), where finite
    differences straddle a discontinuity of the derivative.
    """
    width = np.finfo(dtype).bits
    values = st.floats(min_value, max_value, allow_nan=False, allow_infinity=False,
                       allow_subnormal=False, width=width)
    if avoid:
        points = tuple(avoid)
        values = values.filter(lambda v: all(abs(v - p) >= margin for p in points))
    return values


def arrays(shape: tuple[int, ...] | st.SearchStrategy | None = None, dtype: Any = np.float64,
           min_value: float = -10.0, max_value: float = 10.0, avoid: Sequence[float] = (),
           margin: float = 0.05, **shape_options: Any) -> st.SearchStrategy:
    """NumPy arrays of ``shape`` (drawn with :func:`shapes` and ``shape_options`` if not given)."""
    if shape is None:
        shape = shapes(**shape_options)
    return hnp.arrays(np.dtype(dtype), shape,
                      elements=elements(min_value, max_value, avoid, margin, dtype))


def tensors(requires_grad: bool = True, xp: Any = None, device: Any = None,
            **array_options: Any) -> st.SearchStrategy:
    """:class:`~autograd_lite.Tensor` leaves over :func:`arrays` drawn with ``array_options``: of
    NumPy arrays, or of arrays of library ``xp`` on ``device`` when either is given (the arrays are
    drawn on the host and moved there, as ``ag.asarray(a, device=device, xp=xp)`` moves them)."""
    def leaf(a: np.ndarray) -> Tensor:
        data = a if xp is None and device is None else backend.array(a, device=device, xp=xp)
        return Tensor(data, requires_grad=requires_grad)
    return arrays(**array_options).map(leaf)


def broadcastable_shapes(num_shapes: int = 2, min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
                         max_side: int = 4) -> st.SearchStrategy:
    """Tuples of ``num_shapes`` shapes that broadcast together (size-1 and missing axes included)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
        max_side=max_side).map(lambda shapes: shapes.input_shapes)


def broadcastable_arrays(num_arrays: int = 2, dtype: Any = np.float64, min_value: float = -10.0,
                         max_value: float = 10.0, avoid: Sequence[float] = (), margin: float = 0.05,
                         **shape_options: Any) -> st.SearchStrategy:
    """Tuples of ``num_arrays`` arrays whose shapes broadcast together."""
    return broadcastable_shapes(num_arrays, **shape_options).flatmap(lambda shapes: st.tuples(*[
        arrays(shape, dtype, min_value, max_value, avoid, margin) for shape in shapes]))


def axes(ndim: int) -> st.SearchStrategy:
    """A valid ``axis`` argument for an array of ``ndim`` axes: None, an int or a tuple of ints —
    negative ones and NumPy integers included, as users write them."""
    options = [st.none()]
    if ndim:
        options += [st.integers(-ndim, ndim - 1).flatmap(_integer_spellings),
                    hnp.valid_tuple_axes(ndim, min_size=1).flatmap(
                        lambda axes: st.tuples(*[_integer_spellings(a) for a in axes]))]
    return st.one_of(*options)


def _integer_spellings(axis: int) -> st.SearchStrategy:
    """``axis`` as a Python int, its negative twin where it has one, or a NumPy integer."""
    return st.sampled_from([axis, np.int64(axis), np.int32(axis)])
