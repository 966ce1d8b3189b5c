"""Pooling layers: ``MaxPool1d/2d``, ``AvgPool1d/2d``, ``AdaptiveAvgPool2d``."""

from __future__ import annotations

__all__: list[str] = []
