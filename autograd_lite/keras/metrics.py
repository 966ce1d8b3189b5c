"""``keras.metrics``: see :mod:`autograd_lite.nn.metrics`."""

from ..nn.metrics import *  # noqa: F403
from ..nn.metrics import __all__  # noqa: F401
