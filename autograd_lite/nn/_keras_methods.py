"""What every module has for Keras code: ``get_config``/``from_config`` (the arguments it was made
with, see :mod:`._config`), ``get_weights``/``set_weights``/``count_params``, and
``save_weights``/``load_weights`` (the state as an ``.npz`` of plain arrays, see :mod:`._weights_file`).
:class:`~autograd_lite.nn.Module` takes them from :class:`KerasMethods`.
"""

from __future__ import annotations

import math
import os
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import backend
from .._checks import boolean, invalid
from ..backend import ndarray
from ..engine import data_of
from ..typing import ArrayLike
from ._config import accepts_keyword, constructor_arguments, from_arguments, json_ready
from ._state import checked_path, saved_items
from ._weights_file import CorruptFile, read_arrays, save_atomically

if TYPE_CHECKING:
    from .module import Module


class KerasMethods:
    """Keras' methods of every module (mixed into :class:`~autograd_lite.nn.Module`)."""

    def get_config(self) -> dict[str, Any]:
        """The arguments this module was made with, as JSON-ready data (Keras' ``get_config``):
        ``type(m).from_config(m.get_config())`` makes an equal, freshly initialised module."""
        where = f"{type(self).__name__}.get_config()"
        config = {name: json_ready(value, f"{where}: argument {name!r}")
                  for name, value in constructor_arguments(self).items()}
        if isinstance(getattr(self, "name", None), str) and accepts_keyword(type(self), "name"):
            config["name"] = self.name   # an automatic name too, so that a loaded model has the same
        if isinstance(getattr(self, "trainable", None), bool) and accepts_keyword(type(self), "trainable"):
            config["trainable"] = self.trainable
        return config

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Module:
        """A new module made from :meth:`get_config`'s arguments."""
        return from_arguments(cls, config)

    def get_weights(self) -> list[ndarray]:
        """Host copies of the weights, as Keras' ``get_weights``: every parameter and persistent
        buffer, in :meth:`state_dict`'s order (a layer's trainable weights, then its others, as
        Keras orders them), each once.

        >>> from autograd_lite import nn
        >>> [w.shape for w in nn.Dense(2, input_dim=3).get_weights()]
        [(3, 2), (2,)]
        """
        return [backend.to_host(data_of(tensor)).copy() for _, tensor in saved_items(self)]

    def set_weights(self, weights: Sequence[ArrayLike]) -> None:
        """Set the weights from arrays in :meth:`get_weights`' order and shapes; all are checked
        before any is copied, so a mismatch (count, shape, non-numbers) changes nothing."""
        items = list(saved_items(self))
        if isinstance(weights, (str, bytes, Mapping)) or not isinstance(weights, Sequence):
            raise TypeError(invalid("set_weights", "weights", weights,
                                    "a list of arrays, as get_weights gives"))
        if len(weights) != len(items):
            raise ValueError(f"set_weights: {type(self).__name__} has {len(items)} weight arrays "
                             f"({', '.join(name for name, _ in items) or 'none'}), but {len(weights)} "
                             f"were given")
        self.load_state_dict(dict(zip((name for name, _ in items), weights)))

    def count_params(self) -> int:
        """The number of weights, trainable or not (Keras' ``count_params``)."""
        return sum(math.prod(tensor.shape) for _, tensor in saved_items(self))

    def save_weights(self, filepath: str | os.PathLike[str], overwrite: bool = True) -> None:
        """Save the state (parameters and persistent buffers) to exactly ``filepath`` (Keras'
        argument names; ``overwrite=False`` refuses an existing file), as an ``.npz``
        archive of plain arrays named as in :meth:`state_dict` (never pickled objects; a tensor reached
        by two paths once, under its first name, which :meth:`load_weights` expects). Any name works
        (Keras' ``"model.weights.h5"`` too); the file is written beside ``path`` and renamed over it,
        so a failure leaves an earlier file as it was.

        >>> import os, tempfile
        >>> from autograd_lite import nn
        >>> path = os.path.join(tempfile.mkdtemp(), "model.weights.h5")
        >>> layer = nn.Linear(2, 1)
        >>> layer.save_weights(path)
        >>> os.listdir(os.path.dirname(path))
        ['model.weights.h5']
        >>> copy = nn.Linear(2, 1)
        >>> copy.load_weights(path)
        >>> bool((copy.weight.data == layer.weight.data).all())
        True
        """
        path = checked_path(filepath, "save_weights")
        if not boolean(overwrite, "overwrite", "save_weights") and os.path.exists(path):
            raise FileExistsError(f"save_weights: {os.fspath(path)!r} exists and overwrite=False")
        save_atomically(path, OrderedDict((name, backend.to_host(data_of(tensor)))   # tied: once
                                          for name, tensor in saved_items(self)))

    def load_weights(self, filepath: str | os.PathLike[str], skip_mismatch: bool = False) -> None:
        """Load a state saved by :meth:`save_weights`; the model is unchanged if the file is bad
        (``ValueError``), missing (``FileNotFoundError``), or made for another model (the errors of
        :meth:`load_state_dict`).

        The file is untrusted data: it is never unpickled, each array's header is checked against its
        parameter or buffer before anything is allocated, and no member is read (or inflated) past
        the bytes that its parameter or buffer takes.
        """
        path = checked_path(filepath, "load_weights")
        if boolean(skip_mismatch, "skip_mismatch", "load_weights"):
            raise NotImplementedError("load_weights: skip_mismatch=True is not supported; a file made for "
                                      "another model is refused whole (load_state_dict(strict=False) "
                                      "loads the names that match)")
        shapes = {name: tensor.shape for name, tensor in saved_items(self)}
        with open(path, "rb") as file:
            try:
                arrays = read_arrays(file, shapes, "load_weights")
            except CorruptFile as error:
                raise ValueError(f"load_weights: {os.fspath(path)!r} is not a readable weights file: "
                                 f"{error}") from error
        self.load_state_dict(arrays)


class KerasWeights:
    """Keras' weight lists of a layer or model (mixed into the Keras layers and ``Model``): the
    tensors themselves, in :meth:`~KerasMethods.get_weights`' order."""

    @property
    def weights(self) -> list[Any]:
        """Every weight: the parameters and the persistent buffers (a batch norm's moving statistics)."""
        return [tensor for _, tensor in saved_items(self)]

    @property
    def trainable_weights(self) -> list[Any]:
        """The weights ``fit`` trains: the parameters that require gradients."""
        return [tensor for tensor in self.weights if getattr(tensor, "requires_grad", False)]

    @property
    def non_trainable_weights(self) -> list[Any]:
        """The others: frozen parameters and buffers."""
        return [tensor for tensor in self.weights if not getattr(tensor, "requires_grad", False)]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
