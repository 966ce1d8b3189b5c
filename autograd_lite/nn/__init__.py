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

from . import functional
from .callbacks import Callback, EarlyStopping, History, TerminateOnNaN
from .layers import (
    GELU,
    Dense,
    Input,
    LeakyReLU,
    Linear,
    ReLU,
    Sigmoid,
    Softmax,
    Step,
    Tanh,
    get_rng_state,
    manual_seed,
    set_rng_state,
)
from .model import Model, Sequential
from .module import Module, Parameter

__all__ = [
    "GELU", "Callback", "Dense", "EarlyStopping", "History", "Input", "LeakyReLU", "Linear", "Model",
    "Module", "Parameter", "ReLU", "Sequential", "Sigmoid", "Softmax", "Step", "Tanh", "TerminateOnNaN",
    "functional", "get_rng_state", "manual_seed", "set_rng_state",
]
