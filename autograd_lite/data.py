"""Datasets and batches in the style of PyTorch's ``torch.utils.data``: ``Dataset``, ``TensorDataset``,
``DataLoader``, shuffled from the package's one generator."""

from __future__ import annotations

__all__: list[str] = []
