"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU``, with PyTorch's weight names and gate order."""

from __future__ import annotations

__all__: list[str] = []
