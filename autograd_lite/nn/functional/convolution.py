"""Convolutions as functions of tensors: ``conv1d``, ``conv2d``, ``conv_transpose2d``, and ``unfold``
(im2col) and ``fold``, which they are built on."""

from __future__ import annotations

__all__: list[str] = []
