"""Array constructors: zeros, ones, full, empty, eye, identity, arange, linspace, and their ``*_like``.
(Work in progress: being written.)
"""

from __future__ import annotations

__all__: list[str] = []
