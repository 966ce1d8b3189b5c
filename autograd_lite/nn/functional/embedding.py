"""Embeddings, one-hot encoding and dropout as functions of tensors."""

from __future__ import annotations

__all__: list[str] = []
