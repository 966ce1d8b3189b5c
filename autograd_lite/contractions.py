"""Contractions and matrix structure: dot, tensordot, einsum, outer, inner, kron, trace, diag, diagonal,
tril, triu. (Work in progress: being written.)
"""

from __future__ import annotations

__all__: list[str] = []


class ContractionMethods:
    """The :class:`~autograd_lite.Tensor` methods of the ops of this module."""

    __slots__ = ()
