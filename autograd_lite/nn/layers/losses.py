"""The losses as modules, PyTorch's ``nn.MSELoss``, ``nn.CrossEntropyLoss``, …: each holds its options
and calls its function in :mod:`autograd_lite.nn.functional`."""

from __future__ import annotations

__all__: list[str] = []
