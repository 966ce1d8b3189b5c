"""Keras 3's layers, by Keras' names and arguments, as thin classes over :mod:`autograd_lite.nn.functional`:
:mod:`~.base` (``Layer``, ``add_weight``, the initializers), :mod:`~.core` (``Activation``, ``Reshape``,
``Dropout``, ``Flatten``, ``Embedding``, ``Concatenate``, ``Add``), :mod:`~.convolution` (``Conv1D``,
``Conv2D``), :mod:`~.pooling`, :mod:`~.normalization` and :mod:`~.recurrent` (``SimpleRNN``, ``LSTM``,
``GRU``). ``Dense`` and ``Input`` are in :mod:`autograd_lite.nn.layers.core` and
:mod:`autograd_lite.nn.symbolic`.
"""

from . import base, convolution, core, normalization, pooling, recurrent
from .base import *  # noqa: F403
from .convolution import *  # noqa: F403
from .core import *  # noqa: F403
from .normalization import *  # noqa: F403
from .pooling import *  # noqa: F403
from .recurrent import *  # noqa: F403

__all__ = [*base.__all__, *core.__all__, *convolution.__all__, *pooling.__all__, *normalization.__all__,
           *recurrent.__all__]
