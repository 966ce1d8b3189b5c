"""Keras-style layers: pooling (filled in by the #16 work)."""

from __future__ import annotations

__all__: list[str] = []
