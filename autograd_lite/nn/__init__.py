"""Neural networks: modules and layers (PyTorch style), ``Sequential`` with Keras' training API,
activations, losses and callbacks.

>>> import numpy as np
>>> from autograd_lite import nn, optim
>>> nn.manual_seed(0)
>>> net = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
>>> opt = optim.Adam(net.parameters(), lr=1e-3)
>>> xb, yb = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[1.0], [0.0]])
>>> loss = nn.functional.binary_cross_entropy_with_logits(net(xb), yb)
>>> opt.zero_grad(); loss.backward(); opt.step()
"""

from . import containers, functional, init, layers, utils
from .callbacks import Callback, EarlyStopping, History, TerminateOnNaN
from .containers import *  # noqa: F403
from .layers import *  # noqa: F403
from .model import Model, Sequential
from .module import Module, Parameter

__all__ = [
    "Callback", "EarlyStopping", "History", "Model", "Module", "Parameter", "Sequential", "TerminateOnNaN",
    "functional", "init", "utils", *layers.__all__, *containers.__all__,
]
