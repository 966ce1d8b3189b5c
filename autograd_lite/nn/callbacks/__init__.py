"""Keras 3's callbacks: the hooks that ``fit``, ``evaluate`` and ``predict`` call, and the callbacks
that ship with Keras.

- :mod:`.base`: ``Callback`` (every hook), ``CallbackList`` (what the loops call), ``History``;
- :mod:`.progress`: ``ProgbarLogger`` (what ``verbose`` prints);
- :mod:`.stopping`: ``EarlyStopping``, ``TerminateOnNaN``;
- :mod:`.checkpoint`: ``ModelCheckpoint``, ``BackupAndRestore``;
- :mod:`.schedules`: ``ReduceLROnPlateau``, ``LearningRateScheduler``;
- :mod:`.loggers`: ``CSVLogger``, ``LambdaCallback``.
"""

from .base import Callback, CallbackList, History, callback_list  # noqa: F401  (the loops' check)
from .checkpoint import BackupAndRestore, ModelCheckpoint
from .loggers import CSVLogger, LambdaCallback
from .monitor import MonitorCallback  # noqa: F401  (the base of the callbacks that watch a value)
from .progress import ProgbarLogger, ProgressLogger
from .schedules import LearningRateScheduler, ReduceLROnPlateau
from .stopping import EarlyStopping, TerminateOnNaN

__all__ = [
    "BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History", "LambdaCallback",
    "LearningRateScheduler", "ModelCheckpoint", "ProgbarLogger", "ProgressLogger", "ReduceLROnPlateau",
    "TerminateOnNaN",
]
