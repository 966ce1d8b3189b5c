"""The layers, as modules that hold parameters and call :mod:`autograd_lite.nn.functional`, grouped
by area: :mod:`~.core` (``Linear``, ``Dense``, the activations, ``Identity``, ``Flatten``,
``Dropout``, ``Embedding``), :mod:`~.convolution`, :mod:`~.pooling`, :mod:`~.normalization`,
:mod:`~.recurrent`, :mod:`~.attention`, and the losses as modules (:mod:`~.losses`).
"""

from . import attention, convolution, core, losses, normalization, pooling, recurrent
from .attention import *  # noqa: F403
from .convolution import *  # noqa: F403
from .core import *  # noqa: F403
from .losses import *  # noqa: F403
from .normalization import *  # noqa: F403
from .pooling import *  # noqa: F403
from .recurrent import *  # noqa: F403

__all__ = [*core.__all__, *convolution.__all__, *pooling.__all__, *normalization.__all__,
           *recurrent.__all__, *attention.__all__, *losses.__all__]
