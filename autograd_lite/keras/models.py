"""``keras.models``: ``Model`` and ``Sequential``."""

from ..nn.model import Model, Sequential

__all__ = ["Model", "Sequential"]
