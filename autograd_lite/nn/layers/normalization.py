"""Normalization layers: ``BatchNorm1d/2d`` (with running statistics as buffers), ``LayerNorm``,
``GroupNorm``."""

from __future__ import annotations

__all__: list[str] = []
