"""``keras.losses``: see :mod:`autograd_lite.nn.losses`."""

from ..nn.losses import *  # noqa: F403
from ..nn.losses import __all__  # noqa: F401
