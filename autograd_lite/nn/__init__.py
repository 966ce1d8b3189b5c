"""Neural networks: modules and layers (PyTorch style), Keras 3's layers, models (``Sequential``, the
functional ``Model(inputs, outputs)``) with Keras' training API, losses, metrics and callbacks.

Where a Keras layer and a PyTorch layer share a name (``Dropout``, ``Embedding``, ``Flatten``,
``LSTM``, ``GRU``), the name here is PyTorch's layer; Keras' is in :mod:`autograd_lite.keras.layers`.

>>> import numpy as np
>>> from autograd_lite import nn, optim
>>> nn.manual_seed(0)
>>> net = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
>>> opt = optim.Adam(net.parameters(), lr=1e-3)
>>> xb, yb = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[1.0], [0.0]])
>>> loss = nn.functional.binary_cross_entropy_with_logits(net(xb), yb)
>>> opt.zero_grad(); loss.backward(); opt.step()
"""

from . import callbacks, containers, functional, init, keras_layers, layers, losses, metrics, utils
from .callbacks import *  # noqa: F403
from .containers import *  # noqa: F403
from .keras_layers import *  # noqa: F403
from .layers import *  # noqa: F403  (after the Keras layers: PyTorch's Dropout, Embedding, LSTM, GRU, ...)
from .model import Model
from .module import Module, Parameter
from .saving import load_model
from .sequential import Sequential
from .symbolic import Input, KerasTensor

__all__ = [
    "Input", "KerasTensor", "Model", "Module", "Parameter", "Sequential", "load_model",
    "callbacks", "functional", "init", "losses", "metrics", "utils", *callbacks.__all__, *layers.__all__,
    *containers.__all__, *[name for name in keras_layers.__all__ if name not in layers.__all__],
]
