"""Training utilities as PyTorch's ``torch.nn.utils``: gradient clipping."""

from __future__ import annotations

__all__: list[str] = []
