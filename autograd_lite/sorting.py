"""Order statistics: sort, argsort, argmax, argmin, median, quantile, partition; any and all. (Work in
progress: being written.)
"""

from __future__ import annotations

__all__: list[str] = []


class ReductionMethods:
    """The :class:`~autograd_lite.Tensor` methods of the ops of this module."""

    __slots__ = ()
