"""Pooling and resampling as functions of tensors: max and average pooling, adaptive average pooling,
``pad`` and ``interpolate``."""

from __future__ import annotations

__all__: list[str] = []
