"""Initialisations as PyTorch's ``torch.nn.init``: in-place functions of a parameter, drawn from the package's
one generator."""

from __future__ import annotations

__all__: list[str] = []
