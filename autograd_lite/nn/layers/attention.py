"""Attention layers: ``MultiheadAttention`` and ``TransformerEncoderLayer`` built from it."""

from __future__ import annotations

__all__: list[str] = []
