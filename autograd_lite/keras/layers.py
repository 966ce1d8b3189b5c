"""``keras.layers``: Keras 3's layers by their Keras names (see :mod:`autograd_lite.nn.keras_layers`)."""

from ..nn.keras_layers import *  # noqa: F403
from ..nn.keras_layers import __all__ as _keras_layers
from ..nn.layers.core import Dense
from ..nn.symbolic import Input

__all__ = ["Dense", "Input", *_keras_layers]
