"""Names for the kinds of argument the package's functions take, for type hints.

``Data`` is what a primitive's forward computes on: a Python number or a NumPy array. ``Operand`` is
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

from .engine import Node

__all__ = ["Axis", "Data", "Operand"]

Data: TypeAlias = float | int | bool | np.ndarray | np.generic
Operand: TypeAlias = Data | Node
Axis: TypeAlias = int | tuple[int, ...] | None
