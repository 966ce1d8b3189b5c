"""Cumulative scans along an axis: cumsum, cumprod, logcumsumexp. (Work in progress: being written.)
"""

from __future__ import annotations

__all__: list[str] = []
