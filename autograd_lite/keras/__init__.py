"""Keras 3's API, by its module paths: code written for Keras runs with ``import keras`` changed to
``from autograd_lite import keras`` (and ``from keras.layers import Dense`` to
``from autograd_lite.keras.layers import Dense``).

Everything here is a name for something defined in :mod:`autograd_lite.nn`; nothing is implemented
twice. The layers whose Keras names are also PyTorch names with other arguments (``LSTM``, ``GRU``,
``Embedding``, ``Dropout``, ``Flatten``) are Keras' here and PyTorch's in :mod:`autograd_lite.nn`.

>>> from autograd_lite import keras
>>> model = keras.Sequential([keras.layers.Dense(1, input_dim=2, activation="sigmoid")])
>>> model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
"""

from . import callbacks, layers, losses, metrics, models, optimizers, utils
from .layers import Input
from .models import Model, Sequential
from .utils import set_random_seed

__all__ = ["Input", "Model", "Sequential", "callbacks", "layers", "losses", "metrics", "models", "optimizers",
           "set_random_seed", "utils"]
