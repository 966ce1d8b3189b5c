"""Keras' functional API: ``Input`` gives a symbolic tensor, calling a layer on symbolic tensors records
a node, and ``Model(inputs, outputs)`` is the graph of those nodes, run in order on real data.

>>> from autograd_lite.nn import Dense, Flatten, Input, Model
>>> x = Input(shape=(8, 8, 1))
>>> y = Dense(10, activation="softmax")(Flatten()(x))
>>> y
<KerasTensor shape=(None, 10)>
>>> model = Model(inputs=x, outputs=y)
>>> model(np.zeros((4, 8, 8, 1))).shape
(4, 10)

A symbolic tensor's shape is found by running the layer on a zero sample (in evaluation mode,
without a graph), which also builds the layer, so its weights exist as soon as it is called, as in
Keras. An axis of unknown size (``None``) is found by running it on samples of two sizes.
Several inputs and outputs are lists; a layer called twice is one layer (shared weights) with two
nodes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .. import backend
from .._checks import invalid
from ..engine import data_of, no_grad
from . import module as _module
from .keras_layers.base import _snake_case, unique_name
from .model import Model
from .module import Module, training_mode

__all__ = ["Functional", "Input", "InputLayer", "KerasTensor"]

_host = backend.host_namespace


class KerasTensor:
    """A symbolic tensor: the shape (batch axis ``None``) and dtype of what a layer will compute, and
    the node that computes it."""

    def __init__(self, shape: tuple[int | None, ...], dtype: Any, node: Node | None, index: int = 0) -> None:
        self.shape, self.dtype, self.node, self.index = tuple(shape), _host.dtype(dtype), node, index

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}>"

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            "a KerasTensor is symbolic (the input of a model being defined), not data: call "
            "layers on it, then make a Model(inputs, outputs) and call that on arrays"
        )


_module._symbolic_type = KerasTensor  # Module.__call__ hands calls on symbolic tensors to symbolic_call


class Node:
    """One call of a layer on symbolic tensors: the layer, its arguments (symbolic tensors where
    they were), its keyword arguments, and the symbolic tensors it returned."""

    def __init__(self, layer: Module, arguments: list[Any], kwargs: dict[str, Any]) -> None:
        self.layer, self.arguments, self.kwargs = layer, arguments, kwargs
        self.outputs: list[KerasTensor] = []
        self.call_index = layer.__dict__.get("_symbolic_calls", 0)  # the k-th call of this layer
        layer.__dict__["_symbolic_calls"] = self.call_index + 1

    def inputs(self) -> Iterator[KerasTensor]:
        """The symbolic tensors among the arguments."""
        for argument in [*self.arguments, *self.kwargs.values()]:
            if isinstance(argument, KerasTensor):
                yield argument
            elif isinstance(argument, (list, tuple)):
                yield from (item for item in argument if isinstance(item, KerasTensor))


class InputLayer(Module):
    """The layer an :func:`Input` stands for: it holds the shape and passes its input through."""

    def __init__(
        self, shape: tuple[int | None, ...], dtype: Any = "float64", name: str | None = None
    ) -> None:
        super().__init__()
        self.name = name if name is not None else unique_name("input_layer")
        self.shape, self.dtype = tuple(shape), str(_host.dtype(dtype))

    def forward(self, x: Any) -> Any:
        return x

    def get_config(self) -> dict[str, Any]:
        return {"shape": list(self.shape), "dtype": self.dtype, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> InputLayer:
        return cls(tuple(config["shape"]), config["dtype"], config["name"])

    def extra_repr(self) -> str:
        return f"shape={self.shape}"


def Input(
    shape: Sequence[int | None] | None = None,
    batch_size: int | None = None,
    dtype: Any = None,  # noqa: N802
    name: str | None = None,
    batch_shape: Sequence[int | None] | None = None,
) -> KerasTensor:
    """Keras' ``Input``: a symbolic tensor for samples of ``shape`` (the batch axis not included;
    ``None`` for a size that varies), to call layers on and give to ``Model(inputs, outputs)``, or
    to put first in a :class:`~autograd_lite.nn.Sequential`. ``dtype`` defaults to float64
    (Keras' float32 precision is not followed: the library computes in float64); use an integer
    dtype for the indices an ``Embedding`` reads.

    >>> Input(shape=(3,))
    <KerasTensor shape=(None, 3)>
    """
    requirement = "a tuple of positive integers or None, e.g. (8, 8, 1)"
    given, argument = (batch_shape, "batch_shape") if batch_shape is not None else (shape, "shape")
    if given is None:
        raise ValueError("Input: give shape=(...) (the shape of one sample)")
    if not isinstance(given, (tuple, list)):
        raise TypeError(invalid("Input", argument, given, requirement))
    for size in given[1:] if batch_shape is not None else given:
        if size is not None and (isinstance(size, bool) or not isinstance(size, int)):
            raise TypeError(invalid("Input", argument, tuple(given), requirement))
        if size is not None and size < 1:
            raise ValueError(invalid("Input", argument, tuple(given), requirement))
    full = tuple(given) if batch_shape is not None else (batch_size, *given)
    dtype = "float64" if dtype is None else dtype
    layer = InputLayer(full, dtype, name)
    node = Node(layer, [], {})
    tensor = KerasTensor((None, *full[1:]), dtype, node)
    node.outputs.append(tensor)
    return tensor


def symbolic_call(layer: Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``layer(*args, **kwargs)`` on symbolic tensors: a new node, and its output's symbolic tensors."""
    node = Node(layer, list(args), dict(kwargs))
    shapes = [_probe(layer, args, kwargs, 1)]
    if any(size is None for tensor in node.inputs() for size in tensor.shape[1:]):
        shapes.append(_probe(layer, args, kwargs, 2))
    results = []
    for index, (first, *others) in enumerate(zip(*shapes)):
        dtype, shape = first[0], first[1]
        shape = tuple(
            None if any(other[1][axis] != size for other in others) else size
            for axis, size in enumerate(shape)
        )
        results.append(KerasTensor((None, *shape[1:]), dtype, node, index))
    node.outputs = results
    return results[0] if len(results) == 1 and not shapes[0][0][2] else results


def _probe(
    layer: Module, args: tuple[Any, ...], kwargs: dict[str, Any], size: int
) -> list[tuple[Any, tuple[int, ...], bool]]:
    """Run ``layer`` on zero samples standing for the symbolic arguments (unknown sizes ``size``):
    the (dtype, shape, came-as-a-list) of each output."""

    def concrete(value: Any) -> Any:
        if isinstance(value, KerasTensor):
            return _host.zeros((1, *(size if s is None else s for s in value.shape[1:])), dtype=value.dtype)
        if isinstance(value, (list, tuple)):
            return type(value)(concrete(item) for item in value)
        return value

    with training_mode(layer, False), no_grad():
        out = layer(*concrete(list(args)), **{k: concrete(v) for k, v in kwargs.items()})
    several = isinstance(out, (list, tuple))
    return [
        (data_of(item).dtype, tuple(data_of(item).shape), several) for item in (out if several else [out])
    ]


class Functional(Model):
    """A model made by ``Model(inputs, outputs)``: the layers between the inputs and the outputs, run
    in the order they were called. ``layers`` lists them (the input layers first), each once, and
    they are its children, named by their names (``dense.kernel``)."""

    def __init__(
        self,
        inputs: KerasTensor | Sequence[KerasTensor],
        outputs: KerasTensor | Sequence[KerasTensor],
        name: str | None = None,
        trainable: bool = True,
    ) -> None:
        super().__init__(name=name if name is not None else unique_name("functional"), trainable=trainable)
        self._single_input = isinstance(inputs, KerasTensor)
        self._single_output = isinstance(outputs, KerasTensor)
        self.inputs = [inputs] if self._single_input else list(inputs)
        self.outputs = [outputs] if self._single_output else list(outputs)
        for tensor in [*self.inputs, *self.outputs]:
            if not isinstance(tensor, KerasTensor):
                raise TypeError(
                    f"Model: inputs and outputs must be symbolic tensors (from Input and layers "
                    f"called on them), not {type(tensor).__name__}"
                )
        for tensor in self.inputs:
            if not isinstance(tensor.node.layer, InputLayer):
                raise ValueError("Model: each of inputs must be made by Input(...), not by a layer")
        self._nodes = _nodes_between(self.inputs, self.outputs)
        layers = _keras_layer_order(self.outputs)
        for layer in layers:  # a PyTorch-style module gets a Keras-style name, for summary and saving
            if not isinstance(getattr(layer, "name", None), str):
                layer.name = unique_name(_snake_case(type(layer).__name__))
        names = [layer.name for layer in layers]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"Model: layer names must be unique; {repeated} appear more than once")
        self.layers = layers
        self.name_parameters()

    def _child_slots(self) -> Iterator[tuple[str, Module]]:
        for layer in self.layers:
            yield layer.name, layer

    def forward(self, inputs: Any) -> Any:
        values = [inputs] if self._single_input else list(inputs)
        if len(values) != len(self.inputs):
            raise ValueError(
                f"{self.name}: the model has {len(self.inputs)} inputs but was given {len(values)}"
            )
        known = {id(tensor): value for tensor, value in zip(self.inputs, values)}

        def value_of(argument: Any) -> Any:
            if isinstance(argument, KerasTensor):
                return known[id(argument)]
            if isinstance(argument, (list, tuple)):
                return type(argument)(value_of(item) for item in argument)
            return argument

        for node in self._nodes:
            out = node.layer(*value_of(node.arguments), **{k: value_of(v) for k, v in node.kwargs.items()})
            for tensor, value in zip(node.outputs, out if isinstance(out, (list, tuple)) else [out]):
                known[id(tensor)] = value
        results = [known[id(tensor)] for tensor in self.outputs]
        return results[0] if self._single_output else results

    def _output_names(self) -> list[str | None]:
        """The outputs' names, for their losses and logs: their layers' names (Keras')."""
        if self._single_output:
            return [None]
        names = [tensor.node.layer.name for tensor in self.outputs]
        return [
            name if names.count(name) == 1 else f"{name}_{tensor.index}"
            for name, tensor in zip(names, self.outputs)
        ]

    def _takes_several_inputs(self) -> bool:
        return not self._single_input

    def get_config(self) -> dict[str, Any]:
        """The layers (their classes and configurations), the calls between them, and which
        symbolic tensors are the inputs and the outputs, as JSON data."""
        from .saving import serialize

        nodes = [tensor.node for tensor in self.inputs] + self._nodes
        where = {
            id(tensor): [index, position]
            for index, node in enumerate(nodes)
            for position, tensor in enumerate(node.outputs)
        }

        def encoded(argument: Any) -> Any:
            if isinstance(argument, KerasTensor):
                return {"tensor": where[id(argument)]}
            if isinstance(argument, (list, tuple)):
                return {"list": [encoded(item) for item in argument]}
            return {"value": argument}

        return {
            "name": self.name,
            "layers": [serialize(layer) for layer in self.layers],
            "nodes": [
                {
                    "layer": node.layer.name,
                    "call_index": node.call_index,
                    "arguments": [encoded(a) for a in node.arguments],
                    "kwargs": {k: encoded(v) for k, v in node.kwargs.items()},
                }
                for node in self._nodes
            ],
            "inputs": [where[id(t)] for t in self.inputs],
            "outputs": [where[id(t)] for t in self.outputs],
            "single_input": self._single_input,
            "single_output": self._single_output,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, type] | None = None) -> Functional:
        """The model :meth:`get_config` described, its layers made afresh and called as before."""
        from .saving import deserialize

        layers = {}
        for entry in config["layers"]:
            layer = deserialize(entry, custom_objects)
            layers[layer.name] = layer
        tensors: list[list[KerasTensor]] = []
        for layer in layers.values():
            if isinstance(layer, InputLayer):
                tensor = Input(batch_shape=layer.shape, dtype=layer.dtype)
                tensor.node.layer = layer
                tensors.append([tensor])

        def decoded(argument: dict[str, Any]) -> Any:
            if "tensor" in argument:
                index, position = argument["tensor"]
                return tensors[index][position]
            if "list" in argument:
                return [decoded(item) for item in argument["list"]]
            return argument["value"]

        for node in config["nodes"]:
            out = layers[node["layer"]](
                *[decoded(a) for a in node["arguments"]], **{k: decoded(v) for k, v in node["kwargs"].items()}
            )
            made = (out[0] if isinstance(out, list) else out).node
            made.call_index = node.get("call_index", made.call_index)  # as the saved model numbered it
            tensors.append(out if isinstance(out, list) else [out])
        inputs = [tensors[i][j] for i, j in config["inputs"]]
        outputs = [tensors[i][j] for i, j in config["outputs"]]
        return cls(
            inputs[0] if config["single_input"] else inputs,
            outputs[0] if config["single_output"] else outputs,
            name=config["name"],
        )

    def _input_rank(self) -> int | None:
        return len(self.inputs[0].shape) if self._single_input else None

    def _expected_features(self) -> int | None:
        shape = self.inputs[0].shape
        return shape[-1] if self._single_input and len(shape) == 2 else None


def _keras_layer_order(outputs: list[KerasTensor]) -> list[Module]:
    """The model's layers in Keras' order (its ``map_graph``), so that ``layers``, ``get_weights``
    and ``summary`` list them as Keras does: by depth from the inputs (a node's depth is the longest
    path from it to an output; a layer's, its nodes' largest), ties in the order a depth-first walk
    from the outputs, first input first, meets them."""
    first_seen: dict[int, int] = {}
    post_order: list[Node] = []
    done: set[int] = set()
    stack: list[tuple[Node, bool]] = [(tensor.node, False) for tensor in reversed(outputs)]
    while stack:   # iterative depth-first walk: pre-order numbers layers, post-order lists nodes
        node, expanded = stack.pop()
        if expanded:
            if id(node) not in done:
                done.add(id(node))
                post_order.append(node)
            continue
        if id(node) in done:
            continue
        first_seen.setdefault(id(node.layer), len(first_seen))
        stack.append((node, True))
        parents = [] if isinstance(node.layer, InputLayer) else [tensor.node for tensor in node.inputs()]
        stack.extend((parent, False) for parent in reversed(parents) if id(parent) not in done)
    node_depth: dict[int, int] = {}
    layer_depth: dict[int, int] = {}
    layers: dict[int, Module] = {}
    for node in reversed(post_order):   # outputs first: each parent is deeper than its child
        depth = max(node_depth.get(id(node), 0), layer_depth.get(id(node.layer), 0))
        node_depth[id(node)] = layer_depth[id(node.layer)] = depth
        layers[id(node.layer)] = node.layer
        for parent in ([] if isinstance(node.layer, InputLayer) else [t.node for t in node.inputs()]):
            node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    return sorted(layers.values(), key=lambda layer: (-layer_depth[id(layer)], first_seen[id(layer)]))


def _nodes_between(inputs: list[KerasTensor], outputs: list[KerasTensor]) -> list[Node]:
    """The nodes that compute ``outputs`` from ``inputs``, each after the nodes it reads (an
    iterative depth-first walk); a ValueError if an output needs an input not among ``inputs``."""
    given = {id(tensor) for tensor in inputs}
    order: list[Node] = []
    done: set[int] = set()
    stack: list[tuple[Node, bool]] = [
        (tensor.node, False) for tensor in reversed(outputs) if id(tensor) not in given
    ]
    while stack:
        node, expanded = stack.pop()
        if id(node) in done:
            continue
        if expanded:
            done.add(id(node))
            order.append(node)
            continue
        if isinstance(node.layer, InputLayer):
            raise ValueError(
                f"Model: an output depends on the Input {node.layer.name!r} (shape "
                f"{node.outputs[0].shape}), which is not among inputs"
            )
        stack.append((node, True))
        stack.extend(
            (tensor.node, False)
            for tensor in node.inputs()
            if id(tensor) not in given and id(tensor.node) not in done
        )
    return order
