"""Callbacks that record or run what you give them: Keras 3's ``CSVLogger`` and ``LambdaCallback``."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from .base import Callback, Logs
from .monitor import flag

__all__ = ["CSVLogger", "LambdaCallback"]


def _cell(value: Any) -> Any:
    """A log value as Keras writes it: a string as it is, a sequence as ``"[a, b]"``, else the value."""
    if isinstance(value, str) or getattr(value, "shape", None) == ():
        return value
    if isinstance(value, Iterable):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Write each epoch's logs as a row of a CSV file, as Keras 3's ``CSVLogger``: the columns are
    ``epoch`` (from 0) and the names the first epoch logs, sorted; with no ``val_`` names among them
    a ``val_`` column is added for each, filled with ``NA`` (as Keras, so that a later fit that
    validates fits the same header). ``append=True`` adds to an existing file (no second header);
    otherwise the file is overwritten when training begins. The file is flushed after each row and
    closed when training ends.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> logger = CSVLogger(path)
    >>> logger.on_train_begin()
    >>> logger.on_epoch_end(0, {"loss": 0.5, "accuracy": 0.75})
    >>> logger.on_train_end()
    >>> print(open(path).read())
    epoch,accuracy,loss,val_accuracy,val_loss
    0,0.75,0.5,NA,NA
    <BLANKLINE>
    """

    def __init__(self, filename: str | os.PathLike[str], separator: str = ",", append: bool = False) -> None:
        if not isinstance(filename, (str, os.PathLike)) or not isinstance(os.fspath(filename), str) \
                or not os.fspath(filename):
            raise TypeError(f"CSVLogger: filename must be a path (a str or os.PathLike), not {filename!r}")
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(f"CSVLogger: separator must be one character, not {separator!r}")
        self.filename, self.sep = os.fspath(filename), separator
        self.append = flag(append, "append", "CSVLogger")
        self.csv_file: TextIO | None = None
        self.writer: csv.DictWriter | None = None
        self.keys: list[str] | None = None
        self.append_header = True

    def on_train_begin(self, logs: Logs | None = None) -> None:
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename, newline="") as existing:
                    self.append_header = not existing.readline()
            mode = "a"
        else:
            mode = "w"
        self._close()
        self.csv_file = open(self.filename, mode, newline="")  # noqa: SIM115 (closed in on_train_end)
        self.writer, self.keys = None, None

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys += [f"val_{key}" for key in self.keys]
        if self.writer is None:
            dialect = type("Dialect", (csv.excel,), {"delimiter": self.sep})
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch", *self.keys], dialect=dialect)
            if self.append_header:
                self.writer.writeheader()
        self.writer.writerow({"epoch": epoch, **{key: _cell(logs.get(key, "NA")) for key in self.keys}})
        self.csv_file.flush()

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._close()
        self.writer = None

    def _close(self) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()


#: the hooks a LambdaCallback may be given
_HOOKS = tuple(name for name in vars(Callback) if name.startswith("on_"))


class LambdaCallback(Callback):
    """A callback made of functions, as Keras 3's ``LambdaCallback``: each argument is the function
    to run at that hook, called as the hook is (``on_epoch_end(epoch, logs)``,
    ``on_train_begin(logs)``, ``on_train_batch_end(batch, logs)``); ``kwargs`` give any other hook
    of :class:`Callback` (``on_test_end=...``). Unlike Keras, a name that is not a hook is refused.

    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> losses = []
    >>> record = LambdaCallback(on_epoch_end=lambda epoch, logs: losses.append(round(logs["loss"], 3)))
    >>> model = nn.Sequential(nn.Dense(1, input_dim=2, kernel_initializer="zeros"))
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> _ = model.fit(np.ones((4, 2)), np.ones(4), epochs=2, verbose=0, callbacks=[record])
    >>> losses
    [1.0, 0.884]
    """

    def __init__(self, on_epoch_begin: Callable[..., Any] | None = None,
                 on_epoch_end: Callable[..., Any] | None = None,
                 on_train_begin: Callable[..., Any] | None = None,
                 on_train_end: Callable[..., Any] | None = None,
                 on_train_batch_begin: Callable[..., Any] | None = None,
                 on_train_batch_end: Callable[..., Any] | None = None, **kwargs: Callable[..., Any]) -> None:
        functions = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                         on_train_begin=on_train_begin, on_train_end=on_train_end,
                         on_train_batch_begin=on_train_batch_begin, on_train_batch_end=on_train_batch_end)
        for name, function in kwargs.items():
            if name not in _HOOKS:
                raise TypeError(f"LambdaCallback: {name!r} is not a hook of Callback; the hooks are "
                                f"{', '.join(_HOOKS)}")
            functions[name] = function
        for name, function in functions.items():
            if function is not None and not callable(function):
                raise TypeError(f"LambdaCallback: {name} must be a function or None, not "
                                f"{type(function).__name__}")
        for name, function in functions.items():   # all checked: now set
            if function is not None:
                setattr(self, name, function)
