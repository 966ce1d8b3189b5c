"""Containers of modules: ``ModuleList`` and ``ModuleDict``."""

from __future__ import annotations

__all__: list[str] = []
