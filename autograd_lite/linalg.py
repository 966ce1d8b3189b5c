"""Linear algebra, as ``numpy.linalg``: inv, pinv, det, slogdet, solve, cholesky, eigh, svd, qr,
matrix_power, norm, vector_norm, matrix_norm. (Work in progress: being written.)
"""

from __future__ import annotations

__all__: list[str] = []
