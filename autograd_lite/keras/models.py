"""``keras.models``: ``Model``, ``Sequential`` and ``load_model``."""

from ..nn.model import Model
from ..nn.saving import load_model
from ..nn.sequential import Sequential

__all__ = ["Model", "Sequential", "load_model"]
