"""Gathering and functional item assignment: take, take_along_axis, and ``at(x)[index].set(v)`` /
``.add(v)``. (Work in progress: being written.)
"""

from __future__ import annotations

__all__: list[str] = []
