"""The op-table rows of autograd_lite.special and autograd_lite.modulo (erf, erfc, logsigmoid,
nan_to_num, mod, fmod) and the nn.functional activations built on them.

Rows are :class:`~op_row.Op` (columns explained there); ``op_table.py`` merges :data:`ROWS` and
:data:`COVERED_THROUGH` into the table.

The remainders jump wherever x/y is a whole number, which a row's ``avoid`` (points of one input)
cannot keep finite differences away from. So each has two rows: one through a shift that keeps x/y
inside one interval between jumps for any inputs in the row's values (it runs on ``Value`` too, whose
tests draw both numbers from one range), and one on the op itself whose strategy,
:func:`between_jumps`, draws divisors of ±½, ±1, ±2 and dividends off the multiples of ¼: many
quotients, both signs, never within a finite-difference step of a jump (in float32 too).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import scipy.special
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_inputs import SMALL, Case, broadcasting
from op_row import Op

import autograd_lite as ag
from autograd_lite.nn import functional as F
from autograd_lite.testing import strategies as agst


def _torch(function: Any, x: np.ndarray, **params: Any) -> np.ndarray:
    return function(torch.from_numpy(np.asarray(x)), **params).numpy()


def between_jumps(op: Op, second_order: bool = False) -> st.SearchStrategy:
    """A dividend and a divisor whose shapes broadcast: dividends in [−3, 3] at least 0.05 from the
    multiples of ¼ (so from every multiple of each divisor), divisors ±½, ±1 or ±2."""
    dividends = st.builds(lambda k, f: 0.25 * (k + f), st.integers(-12, 11), st.floats(0.2, 0.8))
    divisors = st.sampled_from([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0])

    def arrays(shapes: tuple[tuple[int, ...], ...]) -> st.SearchStrategy:
        return st.tuples(hnp.arrays(np.float64, shapes[0], elements=dividends),
                         hnp.arrays(np.float64, shapes[1], elements=divisors))
    return st.builds(Case, agst.broadcastable_shapes(2, **SMALL).flatmap(arrays), op.params)


# x/y stays in (2.33, 2.69) for x, y in [−1, 1]: floor 2 (mod); in (−2.69, −2.33): trunc −2 (fmod)
def _mod_shifted(x: Any, y: Any) -> Any:
    return ag.mod(x + 50.0, y + 20.0)


def _fmod_shifted(x: Any, y: Any) -> Any:
    return ag.fmod(x - 50.0, y + 20.0)

#: name of the primitive (or of the composite function) -> its row
ROWS: dict[str, Op] = {
    # the error function: SciPy's is the reference (NumPy has none)
    "erf": Op(ag.erf, scipy.special.erf, values=(-5, 5), scalar_values=(-6, 6), on_value=True),
    "erfc": Op(ag.erfc, scipy.special.erfc, values=(-5, 5), scalar_values=(-6, 6), on_value=True),
    "logsigmoid": Op(ag.logsigmoid, lambda x: -np.logaddexp(0.0, -x), scalar_values=(-30, 30),
                     on_value=True),
    "nan_to_num": Op(ag.nan_to_num, np.nan_to_num, on_value=True,
                     params=st.sampled_from([{}, {"nan": 1.0, "posinf": 5.0, "neginf": -5.0}])),
    # remainders (see the module docstring); % is mod's operator
    "mod": Op(_mod_shifted, lambda x, y: np.remainder(x + 50.0, y + 20.0), broadcasting, 2,
              values=(-1, 1), method=lambda x, y: (x + 50.0) % (y + 20.0), on_value=True),
    "fmod": Op(_fmod_shifted, lambda x, y: np.fmod(x - 50.0, y + 20.0), broadcasting, 2, values=(-1, 1),
               on_value=True),
    "mod_between_jumps": Op(ag.mod, np.remainder, between_jumps, 2, method=operator.mod),
    "fmod_between_jumps": Op(ag.fmod, np.fmod, between_jumps, 2),
    # nn.functional, against PyTorch
    "gelu": Op(F.gelu, lambda x: _torch(torch.nn.functional.gelu, x), values=(-5, 5)),
    "gelu_tanh": Op(F.gelu, lambda x, approximate: _torch(torch.nn.functional.gelu, x, approximate="tanh"),
                    values=(-5, 5), params=st.just({"approximate": "tanh"})),
    # the kink of softplus(beta=2, threshold=3), where it turns linear, is at x = 1.5
    "softplus_beta": Op(F.softplus, lambda x, beta, threshold: _torch(torch.nn.functional.softplus, x,
                                                                      beta=beta, threshold=threshold),
                        avoid=(1.5,), params=st.just({"beta": 2.0, "threshold": 3.0})),
    # Keras' further activations (composites), against PyTorch's functions of the same names; avoid:
    # where the first or the second derivative jumps
    "elu": Op(F.elu, lambda x, alpha: _torch(torch.nn.functional.elu, x, alpha=alpha), avoid=(0.0,),
              params=st.fixed_dictionaries({"alpha": st.floats(0.1, 2.0)})),
    "selu": Op(F.selu, lambda x: _torch(torch.nn.functional.selu, x), avoid=(0.0,)),
    "celu": Op(F.celu, lambda x, alpha: _torch(torch.nn.functional.celu, x, alpha=alpha), avoid=(0.0,),
               params=st.fixed_dictionaries({"alpha": st.floats(0.5, 2.0)})),
    "softsign": Op(F.softsign, lambda x: _torch(torch.nn.functional.softsign, x), avoid=(0.0,)),
    "silu": Op(F.silu, lambda x: _torch(torch.nn.functional.silu, x)),
    "mish": Op(F.mish, lambda x: _torch(torch.nn.functional.mish, x)),
    "relu6": Op(F.relu6, lambda x: _torch(torch.nn.functional.relu6, x), avoid=(0.0, 6.0)),
    "hardsigmoid": Op(F.hardsigmoid, lambda x: _torch(torch.nn.functional.hardsigmoid, x), avoid=(-3.0, 3.0)),
    "hardswish": Op(F.hardswish, lambda x: _torch(torch.nn.functional.hardswish, x), avoid=(-3.0, 3.0)),
}

#: primitive name -> the public function its row calls, where that is not the primitive itself
COVERED_THROUGH: dict[str, str] = {"mod": "autograd_lite.mod", "fmod": "autograd_lite.fmod"}
