"""Special functions and activations of NumPy/SciPy/PyTorch users: erf, erfc, logsigmoid, nan_to_num. (Work
in progress: being written.)
"""

from __future__ import annotations

__all__: list[str] = []
