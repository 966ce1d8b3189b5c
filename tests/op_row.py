"""One row of the op table (:class:`Op`) and the helpers rows are written with.

The table itself, and what reads it, is described in ``op_table.py``; the rows are grouped by the
module that defines their ops: ``op_table.py`` (the core: ``ops``, ``math_ops``, ``rounding``,
``tensor_ops``, ``nn.functional``) and one ``op_rows_<area>.py`` per further area, which
``op_table.py`` merges.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st
from op_inputs import Case, elementwise


@dataclass(frozen=True)
class Op:
    """One row of the table: what the tests need to know about one operation."""

    #: the op as users call it: ``function(*arrays, **params)``, or ``function(list(arrays), **params)``
    #: when ``arity`` is None. The primitive itself, or (see :data:`COVERED_THROUGH`) the public
    #: function that checks its arguments and then calls the primitive.
    function: Callable[..., Any]
    #: the same computation on NumPy arrays, written without autograd_lite (NumPy; PyTorch for the nn
    #: ops): the forward must agree with it to rounding
    reference: Callable[..., Any]
    #: how a case is drawn: a function of the row (and ``second_order``) returning a strategy of
    #: :class:`~op_inputs.Case`: ``elementwise`` (one array of any shape), ``broadcasting`` (two arrays
    #: whose shapes broadcast), ``reduction`` (one array, ``axis`` None/int/tuple, ``keepdims``),
    #: ``along_axis`` (one array and one axis), or a strategy of its own for ops with structured inputs
    inputs: Callable[..., st.SearchStrategy[Case]] = elementwise
    #: how many array inputs it takes (None: any number, joined in one list, as ``concatenate``)
    arity: int | None = 1
    #: the range the array tests draw values from: inside the op's domain (log: x > 0), and where finite
    #: differences of a sum over many elements stay accurate to gradcheck's float64 tolerances
    values: tuple[float, float] = (-10.0, 10.0)
    #: the kinks and poles inside ``values`` (0 for abs and relu): values are drawn at least 0.05 from
    #: them in the array tests and 1e-3 in the scalar tests, since finite differences straddling a kink
    #: see neither side's slope
    avoid: tuple[float, ...] = ()
    #: its derivative jumps where inputs tie (maximum, max): the first-order test draws values on a grid
    #: of quarters, so ties happen and are checked (the gradient is shared), the second-order test none
    ties: bool = False
    #: a strategy of the keyword parameters it takes besides those ``inputs`` draws (clip's bounds)
    params: st.SearchStrategy[dict[str, Any]] = st.just({})
    #: the Tensor (and Value) method or Python operator that calls it, as a function of the same
    #: arguments as ``function``: it must record the same op with the same result
    method: Callable[..., Any] | None = None
    #: it runs on ``Value``, the scalar engine, through a forward on Python floats (``math.exp``)
    on_value: bool = False
    #: the range the scalar tests draw from, if wider than ``values``: a lone number has no other
    #: elements whose rounding could swamp its own derivative
    scalar_values: tuple[float, float] | None = None
    #: its reference is NumPy's own function, which defines the answer for any input (dtype promotion,
    #: empty arrays, NaN, errors): the fuzz tests compare the two on awkward inputs
    messy: bool = False

    def cases(self, second_order: bool = False) -> st.SearchStrategy[Case]:
        """The strategy of this op's cases (for second order: without ties, where ``ties`` is set)."""
        return self.inputs(self, second_order)

    def call(self, function: Callable[..., Any], arrays: Any, params: dict[str, Any]) -> Any:
        """``function`` (the op, its method or its reference) on one case's arrays and parameters."""
        if self.arity is None:
            return function(list(arrays), **params)
        return function(*arrays, **params)

    def of_arrays(self, case: Case) -> Callable[..., Any]:
        """The op as a function of the case's arrays alone, as gradcheck differentiates it."""
        return lambda *arrays: self.call(self.function, arrays, case.params)


def method(name: str) -> Callable[..., Any]:
    """``x.name(*args, **params)`` as a function, for the ``method`` column."""
    def call(x: Any, *args: Any, **params: Any) -> Any:
        return getattr(x, name)(*args, **params)
    call.__name__ = f"x.{name}"
    return call


def torch_reference(name: str) -> Callable[..., Any]:
    """``torch.nn.functional.<name>`` as a reference on NumPy arrays: arrays in, then the parameters
    (positionally, in order), an array out."""
    def reference(*arrays: Any, **params: Any) -> np.ndarray:
        import torch  # imported when first used: only the nn rows need it

        def convert(x: Any) -> Any:
            return torch.from_numpy(np.asarray(x)) if isinstance(x, np.ndarray) else x

        function = getattr(torch.nn.functional, name)
        return function(*map(convert, arrays), *map(convert, params.values())).numpy()
    return reference
