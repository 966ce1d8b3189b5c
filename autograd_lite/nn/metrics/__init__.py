"""Keras 3's metrics, ``keras.metrics``: stateful objects that accumulate over batches
(``update_state(y_true, y_pred, sample_weight=None)``, ``result()``, ``reset_state()``), and the
per-sample accuracy functions, all in Keras' ``(y_true, y_pred)`` order.

They compute on host NumPy copies of their inputs (Tensors and arrays of any library are copied to
the host), in float64. :func:`resolve` is what ``compile`` calls for each entry of ``metrics=``: it
picks the accuracy that ``"accuracy"`` means for the loss and the output, and gives each metric the
name Keras 3 logs it under. The examples assume ``import numpy as np``.
"""

from . import classes, functions
from .classes import *  # noqa: F403
from .classes import ALL_OBJECTS  # noqa: F401
from .functions import *  # noqa: F403

__all__ = sorted([*classes.__all__, *functions.__all__])
