"""Keras 3's losses, ``keras.losses``: functions and classes called ``(y_true, y_pred)``, Keras' order.

The functions return one loss per sample (the mean, or the sum, over the last axis: the shape of the
batch axes), differentiable Tensors computed with autograd_lite's operations; the classes reduce
them as Keras does (``reduction="sum_over_batch_size"``: the weighted losses summed and divided by
their number, not by the total weight). Probabilities are clipped to [1e-7, 1 − 1e-7] before a log,
as Keras clips them, except where ``y_pred`` came out of :func:`~autograd_lite.sigmoid` or
:func:`~autograd_lite.softmax` in a recorded graph: then the cross-entropies are computed from the
logits, exactly, as :mod:`nn.functional <autograd_lite.nn.functional>`'s are (whose functions take
``(prediction, target)``, PyTorch's order).

:func:`label_kind` and :func:`takes_logits` say how a loss reads ``y`` (``"sparse"``: class indices;
``"binary"``: 0/1 per output; ``"dense"``: one value per output) and whether it takes logits, for
``compile``'s choice of accuracy. The examples assume ``import numpy as np`` and
``from autograd_lite import Tensor``.
"""

from . import classes, functions
from .classes import *  # noqa: F403
from .classes import ALL_OBJECTS  # noqa: F401
from .functions import *  # noqa: F403
from .functions import EPSILON, REDUCTIONS, LabelKind  # noqa: F401

__all__ = sorted([*classes.__all__, *functions.__all__])
