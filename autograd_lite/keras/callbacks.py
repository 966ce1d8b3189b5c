"""``keras.callbacks``: the callbacks ``fit`` accepts (see :mod:`autograd_lite.nn.callbacks`)."""

from ..nn.callbacks import *  # noqa: F403
from ..nn.callbacks import __all__  # noqa: F401
