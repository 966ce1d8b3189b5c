"""``Sequential``: layers applied one after another, with Keras' training API.

As in Keras, once the input shape is known — from an ``Input(shape=...)`` first, or a first layer
given ``input_shape=``/``input_dim=`` — each layer added is built at once, by running it on a
zero sample (in evaluation mode, no graph recorded), so its weights exist and ``summary()`` shows
every output shape before any data is seen. Otherwise the model is built by its first batch.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .. import backend, modes
from ..engine import data_of, no_grad
from ..typing import Operand
from .keras_layers.base import Layer
from .layers import Linear
from .model import Model
from .module import Module, training_mode
from .symbolic import KerasTensor

__all__ = ["Sequential"]

_host = backend.host_namespace


class Sequential(Model):
    """Layers applied one after another: as arguments (PyTorch), as a list or through ``.add`` (Keras).

    The layers' parameters are named by position (``0.kernel``, ``1.bias``), as PyTorch's
    ``Sequential`` names them.

    >>> from autograd_lite.nn import Dense, Input, Sequential
    >>> model = Sequential([Input(shape=(2,)), Dense(4, activation="relu")])
    >>> model.add(Dense(1, activation="sigmoid"))
    >>> model.count_params(), model.output_shape
    (17, (None, 1))
    """

    def __init__(
        self,
        *layers: Module | KerasTensor | Sequence[Module | KerasTensor],
        name: str | None = None,
        trainable: bool = True,
    ) -> None:
        super().__init__(name=name, trainable=trainable)
        self.layers: list[Module] = []
        self.input_shape: tuple[int | None, ...] | None = None  # with the batch axis, None
        self._input_dtype = _host.float64
        self.output_shape: tuple[int | None, ...] | None = None
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):  # Keras: Sequential([...])
            layers = tuple(layers[0])
        for layer in layers:
            self.add(layer)

    def add(self, layer: Module | KerasTensor) -> None:
        """Append a layer (or, first, an ``Input``); built at once if the input shape is known."""
        if isinstance(layer, KerasTensor):
            if self.layers or self.input_shape is not None:
                raise ValueError("Sequential.add: an Input can only come first")
            self.input_shape, self._input_dtype = layer.shape, layer.dtype
            self.output_shape = layer.shape
            return
        if not isinstance(layer, Module):
            raise TypeError(f"Sequential.add: expected a layer (Module), got {type(layer).__name__}")
        if (
            not self.layers
            and self.input_shape is None
            and isinstance(layer, Layer)
            and layer.declared_input_shape is not None
        ):
            self.input_shape = self.output_shape = (None, *layer.declared_input_shape)
        if self.output_shape is not None:
            self.output_shape = _built_output_shape(
                layer, self.output_shape, self._input_dtype if not self.layers else _host.float64
            )
        self.layers.append(layer)
        self.name_parameters()  # the layers' parameters by position: 0.kernel, ...
        modes.program_epoch += 1   # a compiled step of the layers before is out of date

    def pop(self) -> Module:
        """Remove and return the last layer (Keras' ``pop``)."""
        if not self.layers:
            raise IndexError("Sequential.pop: there are no layers")
        layer = self.layers.pop()
        modes.program_epoch += 1
        if self.input_shape is not None:
            shape = self.input_shape
            for kept in self.layers:
                shape = _built_output_shape(kept, shape, _host.float64)
            self.output_shape = shape
        return layer

    def get_config(self) -> dict[str, Any]:
        """The name, the input shape (if known) and every layer's class and configuration."""
        from .saving import serialize

        return {
            "name": self.name,
            "input_shape": None if self.input_shape is None else list(self.input_shape),
            "input_dtype": str(_host.dtype(self._input_dtype)),
            "layers": [serialize(layer) for layer in self.layers],
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, type] | None = None) -> Sequential:
        from .saving import deserialize
        from .symbolic import Input

        model = cls(name=config["name"])
        if config.get("input_shape") is not None:
            model.add(Input(batch_shape=config["input_shape"], dtype=config.get("input_dtype")))
        for entry in config["layers"]:
            model.add(deserialize(entry, custom_objects))
        return model

    def _child_slots(self) -> Iterator[tuple[str, Module]]:
        for index, layer in enumerate(self.layers):
            yield str(index), layer

    def forward(self, x: Operand) -> Operand:
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)

    def _expected_features(self) -> int | None:
        if self.input_shape is not None and self.input_shape[-1] is not None:
            return self.input_shape[-1]
        first = self.layers[0] if self.layers else None
        if isinstance(first, Linear):
            return first.in_features
        return None

    def _input_rank(self) -> int | None:
        return None if self.input_shape is None else len(self.input_shape)

    def _needs_matrix(self) -> bool:
        first = self.layers[0] if self.layers else None
        return isinstance(first, Linear) or (
            self.input_shape is not None and len(self.input_shape) == 2 and not _takes_indices(first)
        )


def _takes_indices(layer: Any) -> bool:
    return type(layer).__name__ == "Embedding"


def _built_output_shape(
    layer: Module, input_shape: tuple[int | None, ...], dtype: Any
) -> tuple[int | None, ...]:
    """Build ``layer`` for inputs of ``input_shape`` (batch axis None) by running it on one zero
    sample, in evaluation mode and without a graph; its output shape, batch axis None."""
    sample = _host.zeros((1, *(1 if size is None else size for size in input_shape[1:])), dtype=dtype)
    with training_mode(layer, False), no_grad():
        out = layer(sample)
    if isinstance(out, (tuple, list)):
        out = out[0]
    return (None, *tuple(data_of(out).shape)[1:])
