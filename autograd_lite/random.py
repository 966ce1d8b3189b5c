"""Random arrays from one global ``numpy.random.Generator``, seeded by :func:`manual_seed`. (Work in
progress: being written.)
"""

from __future__ import annotations

__all__ = ["manual_seed"]


def manual_seed(seed: int) -> None:
    """Seed every random draw of autograd_lite (to be written)."""
    raise NotImplementedError
