"""Rearranging arrays: repeat, tile, pad, flip, roll, rot90, splits and stacks, moveaxis, atleast_nd, diff,
broadcast_arrays, meshgrid. (Work in progress: being written.)
"""

from __future__ import annotations

__all__: list[str] = []


class ShapeMethods:
    """The :class:`~autograd_lite.Tensor` methods of the ops of this module."""

    __slots__ = ()
