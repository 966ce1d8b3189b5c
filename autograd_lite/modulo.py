"""Remainders: mod (= remainder, the sign of the divisor, as NumPy and Python) and fmod (the sign of the
dividend, as C). (Work in progress: being written.)
"""

from __future__ import annotations

__all__: list[str] = []
