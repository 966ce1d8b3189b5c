"""The cells of the recurrent layers (RNN, LSTM, GRU) as functions of tensors."""

from __future__ import annotations

__all__: list[str] = []
