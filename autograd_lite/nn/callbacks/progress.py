"""What ``verbose`` prints: Keras 3's ``ProgbarLogger``."""

from __future__ import annotations

import numbers
import sys
from typing import Any

from .base import Callback, Logs

__all__ = ["ProgbarLogger", "ProgressLogger"]


def _format(logs: Logs | None) -> str:
    return " - ".join(f"{name}: {value:.4f}" if isinstance(value, numbers.Real) else f"{name}: {value}"
                      for name, value in (logs or {}).items())


class ProgbarLogger(Callback):
    """Prints the progress of ``fit``, ``evaluate`` and ``predict``, as Keras 3's ``ProgbarLogger``
    (the loops add one unless ``verbose=0``; its ``verbose``, ``epochs`` and ``steps`` come from
    ``set_params``).

    ``verbose=1`` (and ``"auto"``) on a terminal: ``Epoch i/N`` before each epoch (when there are
    several, as Keras) and a live bar over the epoch's steps, drawn by ``tqdm``, ending with the
    epoch's loss and metrics; ``evaluate`` and ``predict`` draw a bar too. Anywhere else (a file, a
    pipe, a notebook's captured output), and with ``verbose=2``: one line per epoch,
    ``Epoch i/N - loss: ... - accuracy: ...``, one line for ``evaluate``, none for ``predict``.
    Within ``fit`` the validation prints nothing of its own; its values end the epoch's line.

    >>> logger = ProgbarLogger()
    >>> logger.set_params({"verbose": 2, "epochs": 3, "steps": 4})
    >>> logger.on_epoch_end(0, {"loss": 0.25, "val_loss": 0.5})
    Epoch 1/3 - loss: 0.2500 - val_loss: 0.5000
    """

    def __init__(self) -> None:
        self.verbose: int = 1
        self.epochs: int = 1
        self.steps: int | None = None
        self.bar: Any = None         # the tqdm bar being drawn, on a terminal with verbose=1
        self._in_fit = False

    def set_params(self, params: dict[str, Any]) -> None:
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.steps = params.get("steps")

    def _live(self) -> bool:
        """A bar is drawn for verbose=1 on a terminal."""
        return self.verbose == 1 and getattr(sys.stdout, "isatty", lambda: False)()

    def _open(self) -> None:
        self._close()
        if self._live():
            from tqdm import tqdm

            self.bar = tqdm(total=self.steps, unit="step", file=sys.stdout, dynamic_ncols=True)

    def _update(self, batch: int, logs: Logs | None) -> None:
        if self.bar is not None:
            self.bar.update(batch + 1 - self.bar.n)
            if logs:
                self.bar.set_postfix_str(_format(logs), refresh=False)

    def _finish(self, logs: Logs | None) -> None:
        """Complete the bar with the final logs; as Keras, steps unknown until now are those seen."""
        if self.steps is None:
            self.steps = self.bar.n
            self.bar.total = self.bar.n
        if logs:
            self.bar.set_postfix_str(_format(logs), refresh=False)
        self._close()

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._in_fit = True

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._in_fit = False
        self._close()

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        if self._live() and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)
        self._open()

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._update(batch, logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self.bar is not None:
            self._finish(logs)
        elif self.verbose:
            print(f"Epoch {epoch + 1}/{self.epochs} - {_format(logs)}")

    def on_test_begin(self, logs: Logs | None = None) -> None:
        if not self._in_fit:
            self._open()

    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if not self._in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs: Logs | None = None) -> None:
        if self._in_fit:
            return
        if self.bar is not None:
            self._finish(logs)
        elif self.verbose:
            print(_format(logs))

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        self._open()

    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._update(batch, None)   # as Keras: the outputs are not shown

    def on_predict_end(self, logs: Logs | None = None) -> None:
        if self.bar is not None:
            self._finish(None)


#: the name this logger had before it followed Keras 3's ``ProgbarLogger``
ProgressLogger = ProgbarLogger
