"""Neural-network operations as functions of tensors (PyTorch's ``torch.nn.functional``), each with
its math and its gradient in the docstring, grouped by area:

- :mod:`~autograd_lite.nn.functional.activations`: ``linear``, ``relu``, ``gelu``, ``softplus``, …
- :mod:`~autograd_lite.nn.functional.losses`: ``mse_loss``, ``l1_loss``, ``huber_loss``, Keras' losses, …
- :mod:`~autograd_lite.nn.functional.losses_extra`: ``cross_entropy``, ``nll_loss``, ``kl_div``,
  ``cosine_similarity``, ``margin_ranking_loss``
- :mod:`~autograd_lite.nn.functional.convolution`: ``conv1d``, ``conv2d``, ``conv_transpose2d``,
  ``unfold``, ``fold``
- :mod:`~autograd_lite.nn.functional.pooling`: ``max_pool2d``, ``avg_pool2d``, ``adaptive_avg_pool2d``, …
- :mod:`~autograd_lite.nn.functional.resampling`: ``pad``, ``interpolate``
- :mod:`~autograd_lite.nn.functional.normalization`: ``batch_norm``, ``layer_norm``, ``group_norm``
- :mod:`~autograd_lite.nn.functional.attention`: ``scaled_dot_product_attention``
- :mod:`~autograd_lite.nn.functional.embedding`: ``embedding``, ``one_hot``, ``dropout``
- :mod:`~autograd_lite.nn.functional.recurrent`: the cells of ``RNN``, ``LSTM`` and ``GRU``

Each primitive is defined as in :mod:`autograd_lite.ops`, with the gradient in the same notation:
``g`` is ∂L/∂out and ``∂L/∂x = …`` is what the VJP below the op returns. Every function runs on the
array library of its inputs (see :mod:`autograd_lite.backend`). A product of a tensor and an array
puts the tensor first, and a VJP puts ``g`` last (the same numbers): an array of a library other than
NumPy raises on ``array * Tensor`` instead of handing it over.
"""

from . import (
    activations,
    attention,
    convolution,
    losses,
    losses_extra,
    normalization,
    pooling,
    recurrent,
    resampling,
)
from . import embedding as _embedding  # the module: its function ``embedding`` takes the name below
from .activations import *  # noqa: F403
from .attention import *  # noqa: F403
from .convolution import *  # noqa: F403
from .embedding import *  # noqa: F403
from .losses import *  # noqa: F403
from .losses_extra import *  # noqa: F403
from .normalization import *  # noqa: F403
from .pooling import *  # noqa: F403
from .recurrent import *  # noqa: F403
from .resampling import *  # noqa: F403

__all__ = [*activations.__all__, *losses.__all__, *losses_extra.__all__, *convolution.__all__,
           *pooling.__all__, *resampling.__all__, *normalization.__all__, *attention.__all__,
           *_embedding.__all__, *recurrent.__all__]
