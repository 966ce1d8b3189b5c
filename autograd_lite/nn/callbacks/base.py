"""Keras 3's ``Callback`` (every hook), ``CallbackList`` (what the loops call) and ``History``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import Model

__all__ = ["Callback", "CallbackList", "History", "callback_list"]

Logs = dict[str, Any]


class Callback:
    """The hooks that ``fit``, ``evaluate`` and ``predict`` call, as Keras 3's ``Callback``: override
    the ones you need; each default does nothing, except that ``on_train_batch_begin`` and
    ``on_train_batch_end`` call Keras' older names ``on_batch_begin`` and ``on_batch_end``.

    ``fit`` calls ``on_train_begin``; for each epoch ``on_epoch_begin(epoch)``, for each batch
    ``on_train_batch_begin(batch)`` and ``on_train_batch_end(batch, logs)`` (the loss and metrics so
    far this epoch), then ``on_epoch_end(epoch, logs)`` (with ``val_`` entries when it validates);
    finally ``on_train_end(logs)``. ``evaluate`` calls the ``on_test_*`` hooks (so does ``fit``'s
    validation) and ``predict`` the ``on_predict_*`` ones. Epochs and batches count from 0. The
    loop gives the callback its model (``set_model``, then ``self.model``) and its parameters
    (``set_params``, then ``self.params``: ``verbose``, ``epochs``, ``steps``). Set
    ``self.model.stop_training = True`` to end training after the current batch.

    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> class Count(nn.Callback):
    ...     def on_train_begin(self, logs=None):
    ...         self.batches = 0
    ...     def on_batch_end(self, batch, logs=None):
    ...         self.batches += 1
    >>> model = nn.Sequential(nn.Dense(1, input_dim=2))
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> count = Count()
    >>> _ = model.fit(np.ones((8, 2)), np.ones(8), batch_size=2, epochs=3, verbose=0, callbacks=[count])
    >>> count.batches, count.params["epochs"], count.model is model
    (12, 3, True)
    """

    #: the model being trained, evaluated or used to predict (set by :meth:`set_model`)
    model: Model | None = None
    #: the loop's parameters (set by :meth:`set_params`): ``verbose``, ``epochs``, ``steps``
    params: dict[str, Any] | None = None

    def set_model(self, model: Model) -> None:
        """Give the callback its model, ``self.model``."""
        self.model = model

    def set_params(self, params: dict[str, Any]) -> None:
        """Give the callback the loop's parameters, ``self.params``."""
        self.params = params

    def on_train_begin(self, logs: Logs | None = None) -> None:
        """At the start of ``fit``."""

    def on_train_end(self, logs: Logs | None = None) -> None:
        """At the end of ``fit`` (also after an interruption), with the last epoch's logs."""

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        """At the start of each epoch of ``fit``."""

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        """At the end of each epoch of ``fit``, with the epoch's loss and metrics (and the
        validation ones, named ``val_...``)."""

    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Before each training step; calls :meth:`on_batch_begin`, as Keras 3 does."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """After each training step, with the loss and metrics so far this epoch; calls
        :meth:`on_batch_end`, as Keras 3 does."""
        self.on_batch_end(batch, logs=logs)

    def on_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Keras' older name of :meth:`on_train_batch_begin`."""

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Keras' older name of :meth:`on_train_batch_end`."""

    def on_test_begin(self, logs: Logs | None = None) -> None:
        """At the start of ``evaluate``, and of each validation in ``fit``."""

    def on_test_end(self, logs: Logs | None = None) -> None:
        """At the end of ``evaluate`` (and of each validation), with its loss and metrics."""

    def on_test_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Before each batch of ``evaluate`` (and of the validation)."""

    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """After each batch of ``evaluate``, with the loss and metrics so far."""

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        """At the start of ``predict``."""

    def on_predict_end(self, logs: Logs | None = None) -> None:
        """At the end of ``predict``."""

    def on_predict_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Before each batch of ``predict``."""

    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """After each batch of ``predict``; ``logs["outputs"]`` holds the batch's outputs."""


def callback_list(callbacks: object, where: str = "fit") -> list[Callback]:
    """``fit``'s ``callbacks`` as a list, checked: a list (or tuple, nested ones flattened as Keras 3
    flattens them) of :class:`Callback` objects, or one Callback alone.

    >>> callback_list(Callback())
    [<...Callback object at ...>]
    >>> callback_list(Callback)
    Traceback (most recent call last):
    TypeError: fit: callbacks must be a list of Callback objects, not type
    """
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback):
        return [callbacks]
    if not isinstance(callbacks, (list, tuple)):
        raise TypeError(f"{where}: callbacks must be a list of Callback objects, not "
                        f"{type(callbacks).__name__}")
    flat: list[Callback] = []
    for index, callback in enumerate(callbacks):
        if isinstance(callback, (list, tuple)):
            flat.extend(callback_list(callback, where))
        elif isinstance(callback, Callback):
            flat.append(callback)
        else:
            raise TypeError(f"{where}: callbacks[{index}] is {callback!r} ({type(callback).__name__}), "
                            f"not a Callback")
    return flat


def _pythonified(logs: Mapping[str, Any] | None) -> Logs:
    """A new dict of ``logs``, each single number (a Python, NumPy or tensor scalar) as a Python
    float and nested dicts flattened into it, as Keras 3 hands logs to callbacks (but in the loop's
    order: Keras sorts the names, we keep ``loss`` first, as our loops log it)."""
    result: Logs = {}
    for name, value in (logs or {}).items():
        if isinstance(value, Mapping):
            result.update(_pythonified(value))
        elif isinstance(value, str) or getattr(value, "shape", ()) != ():
            result[name] = value
        else:
            try:
                result[name] = float(value)
            except (TypeError, ValueError):
                result[name] = value
    return result


class CallbackList(Callback):
    """Callbacks called together, as Keras 3's ``CallbackList``: each hook calls it on every callback
    in order, with one converted copy of the logs (so a callback that adds an entry, as
    :class:`ReduceLROnPlateau` adds ``learning_rate``, adds it for those after it).

    ``add_history`` and ``add_progbar`` append a :class:`History` and a :class:`ProgbarLogger`
    unless ``callbacks`` holds one already; ``model`` is given to every callback (and the History
    becomes ``model.history``), and ``params`` (``verbose``, ``epochs``, ``steps``) too. The loops
    call it as Keras' do: ``fit`` makes
    ``CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self, verbose=verbose,
    epochs=epochs, steps=steps_per_epoch)``, and returns ``.history``.

    >>> from autograd_lite import nn
    >>> callbacks = CallbackList([nn.TerminateOnNaN()], add_history=True, epochs=2)
    >>> for epoch in range(2):
    ...     callbacks.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1)})
    >>> callbacks.history.history, callbacks.history.params
    ({'loss': [1.0, 0.5]}, {'epochs': 2})
    """

    def __init__(self, callbacks: object = None, add_history: bool = False, add_progbar: bool = False,
                 model: Model | None = None, **params: Any) -> None:
        from .progress import ProgbarLogger

        self.callbacks = callback_list(callbacks, "CallbackList")
        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        self._progbar = next((c for c in self.callbacks if isinstance(c, ProgbarLogger)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        if model is not None:
            self.set_model(model)
        self.set_params(params)

    @property
    def history(self) -> History | None:
        """The :class:`History` among the callbacks (None if there is none)."""
        return self._history

    def append(self, callback: Callback) -> None:
        """Add a callback at the end, as Keras' ``CallbackList.append``."""
        self.callbacks.extend(callback_list(callback, "CallbackList.append"))

    def set_model(self, model: Model) -> None:
        self.model = model
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def _each(self, hook: str, *args: int, logs: Mapping[str, Any] | None) -> None:
        logs = _pythonified(logs)
        for callback in self.callbacks:
            getattr(callback, hook)(*args, logs)

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._each("on_train_begin", logs=logs)

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._each("on_train_end", logs=logs)

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._each("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self._each("on_epoch_end", epoch, logs=logs)

    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        self._each("on_train_batch_begin", batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._each("on_train_batch_end", batch, logs=logs)

    def on_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        self._each("on_batch_begin", batch, logs=logs)

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._each("on_batch_end", batch, logs=logs)

    def on_test_begin(self, logs: Logs | None = None) -> None:
        self._each("on_test_begin", logs=logs)

    def on_test_end(self, logs: Logs | None = None) -> None:
        self._each("on_test_end", logs=logs)

    def on_test_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        self._each("on_test_batch_begin", batch, logs=logs)

    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._each("on_test_batch_end", batch, logs=logs)

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        self._each("on_predict_begin", logs=logs)

    def on_predict_end(self, logs: Logs | None = None) -> None:
        self._each("on_predict_end", logs=logs)

    def on_predict_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        self._each("on_predict_batch_begin", batch, logs=logs)

    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._each("on_predict_batch_end", batch, logs=logs)


class History(Callback):
    """What ``fit`` returns (also ``model.history``): ``history[name]`` is the per-epoch list of each
    loss and metric, ``epoch`` the epochs' numbers, ``params`` fit's parameters. As in Keras 3,
    ``on_train_begin`` empties ``epoch`` but not ``history``, so one History given to two fits keeps
    the values of both.

    >>> h = History()
    >>> h.on_epoch_end(0, {"loss": 0.5, "accuracy": 0.75})
    >>> h.history, h.epoch
    ({'loss': [0.5], 'accuracy': [0.75]}, [0])
    """

    def __init__(self) -> None:
        self.history: dict[str, list[Any]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self.epoch.append(epoch)
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(value)
        if self.model is not None:
            self.model.history = self
