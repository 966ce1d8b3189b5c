"""Names for the kinds of argument the package's functions take, for type hints.

``Data`` is what a primitive's forward computes on: a Python number or an array (NumPy's, or of any
library with the array API; see :mod:`autograd_lite.backend`). ``Operand`` is
what an operation accepts: data, or a node (:class:`~autograd_lite.Value`,
:class:`~autograd_lite.Tensor`) that holds some. ``Axis`` is NumPy's ``axis`` argument.

>>> import numpy as np
>>> from autograd_lite.typing import Data
>>> isinstance(np.ones(2), Data.__args__)
True
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .engine import Node

__all__ = ["ArrayLike", "Axis", "DTypeLike", "Data", "Operand"]

# An array of any library with the array API (NumPy's, CuPy's, ...): typed as NumPy's, the host's.
Data: TypeAlias = float | int | bool | np.ndarray | np.generic
Operand: TypeAlias = Data | Node
Axis: TypeAlias = int | tuple[int, ...] | None
