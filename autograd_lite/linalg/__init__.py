"""Linear algebra, as ``numpy.linalg`` (``ag.linalg.inv(x)``): inverses and systems (``solvers``),
decompositions (``decompositions``) and norms (``norms``), each op differentiable twice and batched
over leading axes, on NumPy and on any array-API library (through its ``linalg`` extension).
"""

from __future__ import annotations

from ._common import mT as matrix_transpose
from .decompositions import (
    EighResult,
    QRResult,
    SVDResult,
    cholesky,
    eigh,
    eigvalsh,
    qr,
    svd,
    svdvals,
)
from .norms import matrix_norm, norm, vector_norm
from .solvers import SlogdetResult, det, inv, matrix_power, pinv, slogdet, solve

__all__ = ["EighResult", "QRResult", "SVDResult", "SlogdetResult", "cholesky", "det", "eigh", "eigvalsh",
           "inv", "matrix_norm", "matrix_power", "matrix_transpose", "norm", "pinv", "qr", "slogdet",
           "solve", "svd", "svdvals", "vector_norm"]
