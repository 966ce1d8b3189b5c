"""Optimizers and learning-rate schedules, with PyTorch's update rules and defaults (``torch.optim``),
and Keras 3's rules where they differ (:mod:`~autograd_lite.optim.keras_rules`).

The training loop is PyTorch's: clear the gradients, compute the loss, ``backward``, ``step``.

>>> import numpy as np
>>> from autograd_lite import Tensor
>>> from autograd_lite.optim import Adam, ExponentialLR
>>> w = Tensor(np.zeros(2), requires_grad=True)
>>> target = np.array([1.0, -1.0])
>>> optimizer = Adam([w], lr=0.1)
>>> scheduler = ExponentialLR(optimizer, gamma=0.99)
>>> for epoch in range(200):
...     optimizer.zero_grad()
...     loss = ((w - target) ** 2).sum()
...     loss.backward()
...     optimizer.step()
...     scheduler.step()
>>> np.round(w.data, 2)
array([ 1., -1.])

Parameter groups give parts of a model hyperparameters of their own:
``SGD([{"params": [w]}, {"params": [b], "lr": 0.1}], lr=0.01, momentum=0.9)``.
"""

from .base import Optimizer
from .keras_rules import KerasAdagrad, KerasAdam, KerasAdamW, KerasRMSprop
from .lr_scheduler import CosineAnnealingLR, ExponentialLR, LambdaLR, LRScheduler, StepLR
from .optimizers import SGD, Adagrad, Adam, AdamW, RMSprop

__all__ = [
    "SGD", "Adagrad", "Adam", "AdamW", "CosineAnnealingLR", "ExponentialLR", "KerasAdagrad", "KerasAdam",
    "KerasAdamW", "KerasRMSprop", "LRScheduler", "LambdaLR", "Optimizer", "RMSprop", "StepLR",
]
