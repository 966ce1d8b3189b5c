"""Convolution layers: ``Conv1d``, ``Conv2d``, ``ConvTranspose2d`` (PyTorch's names, layouts and
initialisation)."""

from __future__ import annotations

__all__: list[str] = []
