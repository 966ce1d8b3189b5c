"""``model.save("m.keras")`` and ``load_model("m.keras")``: a model as one zip archive — its architecture
and compile settings as JSON, its weights (and its optimizer's state) as ``.npz`` arrays — never
pickled, as Keras 3's ``.keras`` format keeps them (there, the arrays are in HDF5).

Loading makes only the classes the configuration names that are the package's own layers and models,
or are given in ``custom_objects``; a file naming anything else is refused. Every array is checked
against the model's before any is read in full (see :mod:`._weights_file`).

>>> import os, tempfile
>>> from autograd_lite.nn import Dense, Input, Sequential, load_model
>>> model = Sequential([Input(shape=(3,)), Dense(2, activation="relu")])
>>> model.compile(optimizer="adam", loss="mse")
>>> path = os.path.join(tempfile.mkdtemp(), "tiny.keras")
>>> model.save(path)
>>> again = load_model(path)
>>> [bool((a == b).all()) for a, b in zip(again.get_weights(), model.get_weights())], again.loss
([True, True], 'mse')
"""

from __future__ import annotations

import datetime
import io
import json
import math
import os
import zipfile
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import backend, optim
from ..engine import data_of
from ._config import json_ready, registered_class
from ._state import checked_path, saved_items
from ._weights_file import CorruptFile, read_arrays, save_atomically

if TYPE_CHECKING:
    from .model import Model
    from .module import Module

__all__ = ["deserialize", "load_model", "save_model", "serialize"]

_host = backend.host_namespace
FORMAT = "autograd_lite.keras/1"
_MAX_JSON = 64 * 2**20  # configuration members larger than this are refused unread


def serialize(module: Module) -> dict[str, Any]:
    """A layer or model as JSON data: its class (module and name) and its ``get_config()``."""
    cls = type(module)
    return {"module": cls.__module__, "class_name": cls.__qualname__, "config": module.get_config()}


def deserialize(entry: Mapping[str, Any], custom_objects: Mapping[str, type] | None = None) -> Module:
    """The layer or model that :func:`serialize` described (a registered class, or one of
    ``custom_objects``), freshly initialised."""
    if not isinstance(entry, Mapping) or not {"module", "class_name", "config"} <= entry.keys():
        raise ValueError(f"a layer entry must hold module, class_name and config; got {_short(entry)}")
    cls = registered_class(str(entry["module"]), str(entry["class_name"]), custom_objects or {})
    config = entry["config"]
    if not isinstance(config, Mapping):
        raise ValueError(f"{entry['class_name']}: its config must be a dict, not {type(config).__name__}")
    from_config = cls.from_config
    if "custom_objects" in _parameters(from_config):
        return from_config(config, custom_objects=custom_objects)
    return from_config(config)


def save_model(model: Model, filepath: str | os.PathLike[str], overwrite: bool = True) -> None:
    """Write ``model`` to ``filepath``, which must end in ``.keras`` (Keras 3's rule)."""
    path = checked_path(filepath, "save")
    if not os.fspath(path).endswith(".keras"):
        raise ValueError(
            f"save: the file name must end in .keras, as Keras 3 requires, not "
            f"{os.fspath(path)!r}; for the weights alone use save_weights"
        )
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"save: {os.fspath(path)!r} exists and overwrite=False")
    config = {
        **serialize(model),
        "build_input_shape": _json_shape(getattr(model, "_built_input_shape", None)),
        "compile_config": _compile_config(model),
    }
    weights = {name: backend.to_host(data_of(tensor)) for name, tensor in saved_items(model)}
    optimizer_arrays, optimizer_state = _optimizer_state(model)
    config["optimizer_state"] = optimizer_state
    metadata = {
        "format": FORMAT,
        "library": "autograd_lite",
        "date_saved": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    members = {
        "metadata.json": json.dumps(metadata, indent=2).encode(),
        "config.json": json.dumps(config, indent=2).encode(),
        "model.weights.npz": _npz_bytes(weights),
        "optimizer.npz": _npz_bytes(optimizer_arrays),
    }
    _write_zip_atomically(path, members)


def load_model(
    filepath: str | os.PathLike[str],
    custom_objects: Mapping[str, type] | None = None,
    compile: bool = True,  # noqa: A002 - Keras' name
    safe_mode: bool = True,
) -> Model:
    """The model saved in ``filepath`` by ``model.save``: rebuilt from its configuration, its weights
    loaded, and compiled as it was (with its optimizer's state) unless ``compile=False``.
    ``custom_objects`` maps class names to your own layer or model classes (and loss or metric
    functions, by name). ``safe_mode`` is accepted for Keras code: loading never runs code from the
    file in any mode."""
    path = checked_path(filepath, "load_model")
    if custom_objects is not None and not isinstance(custom_objects, Mapping):
        raise TypeError("load_model: custom_objects must be a dict from names to classes or functions")
    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(_member(archive, "config.json", _MAX_JSON))
            metadata = json.loads(_member(archive, "metadata.json", _MAX_JSON))
            if metadata.get("format") != FORMAT:
                raise CorruptFile(
                    f"its format is {metadata.get('format')!r}, not {FORMAT!r} (a .keras file "
                    f"written by Keras itself holds HDF5 weights, which are not read here)"
                )
            model = deserialize(config, custom_objects)
            _build_for(model, config.get("build_input_shape"))
            shapes = {name: tensor.shape for name, tensor in saved_items(model)}
            weights = read_arrays(_member_file(archive, "model.weights.npz", shapes), shapes, "load_model")
            optimizer_state = config.get("optimizer_state")
            optimizer_arrays = {}
            if compile and optimizer_state:
                array_shapes = {key: tuple(shape) for key, shape in optimizer_state["shapes"].items()}
                optimizer_arrays = read_arrays(
                    _member_file(archive, "optimizer.npz", array_shapes),
                    array_shapes,
                    "load_model (optimizer)",
                )
    except (
        zipfile.BadZipFile,
        json.JSONDecodeError,
        KeyError,
        CorruptFile,
        RecursionError,
        AttributeError,
        IndexError,
    ) as error:  # what a damaged or hostile file raises on the way
        raise ValueError(f"load_model: {os.fspath(path)!r} is not a readable .keras file: {error}") from error
    model.load_state_dict(weights)
    if compile and config.get("compile_config"):
        _compile_from(model, config["compile_config"], custom_objects or {})
        if optimizer_state:
            model._make_optimizer()
            model.optimizer.load_state_dict(_optimizer_checkpoint(optimizer_state, optimizer_arrays))
    return model


# ---- compile settings ---------------------------------------------------------------------------
def _compile_config(model: Model) -> dict[str, Any] | None:
    if not getattr(model, "_heads", None):
        return None
    arguments = model._compile_arguments
    return {
        "optimizer": _optimizer_entry(model._optimizer_spec, model.optimizer),
        **{name: _encoded(value, name) for name, value in arguments.items()},
    }


def _encoded(value: Any, where: str) -> Any:
    """A compile argument as JSON: names and numbers as they are, lists and dicts entry by entry,
    loss and metric objects by class and config, functions by name."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return {"value": json_ready(value, f"save: compile's {where}")}
    if isinstance(value, (list, tuple)):
        return {"list": [_encoded(item, where) for item in value]}
    if isinstance(value, Mapping):
        return {"dict": {str(key): _encoded(item, where) for key, item in value.items()}}
    module = _library_area(type(value).__module__)
    if hasattr(value, "get_config") and module is not None:
        return {
            "module": module,
            "class_name": type(value).__qualname__,
            "config": json_ready(value.get_config(), f"save: compile's {where}"),
        }
    name = getattr(value, "__name__", None)
    if name is None:
        raise TypeError(
            f"save: compile's {where} holds {value!r}, which cannot be saved; use names, or the "
            f"losses and metrics of nn.losses and nn.metrics"
        )
    library = _library_area(getattr(value, "__module__", None) or "")
    if library is not None and getattr(_LIBRARY_FUNCTIONS[library](), name, None) is value:
        return {"library_function": name, "module": library}
    return {"function": name}


def _decoded(entry: Any, custom_objects: Mapping[str, Any]) -> Any:
    """The compile argument :func:`_encoded` wrote."""
    if not isinstance(entry, Mapping):
        raise CorruptFile(f"a compile setting must be an object, not {_short(entry)}")
    if "value" in entry:
        return entry["value"]
    if "list" in entry:
        return [_decoded(item, custom_objects) for item in entry["list"]]
    if "dict" in entry:
        return {key: _decoded(item, custom_objects) for key, item in entry["dict"].items()}
    if "library_function" in entry:
        name = entry["library_function"]
        found = (
            getattr(_LIBRARY_FUNCTIONS[entry["module"]](), name, None)
            if entry.get("module") in _LIBRARY_FUNCTIONS and name in _allowed_functions(entry["module"])
            else None
        )
        if not callable(found):
            raise CorruptFile(
                f"it names {entry['module']}.{entry['library_function']}, which is not a loss "
                f"or metric of the library"
            )
        return found
    if "function" in entry:
        name = entry["function"]
        if name not in custom_objects:
            raise ValueError(
                f"load_model: the model was compiled with your function {name!r}; pass it as "
                f"custom_objects={{{name!r}: {name}}}, or load with compile=False"
            )
        return custom_objects[name]
    if entry.get("module") not in _LIBRARY_OBJECTS:
        raise CorruptFile(
            f"it names {entry.get('module')}.{entry.get('class_name')}, which is not a loss or "
            f"metric class of the library"
        )
    module, base = _LIBRARY_OBJECTS[entry["module"]]()
    return _library_class(module, base, entry, custom_objects).from_config(entry["config"])


def _losses_and_base() -> tuple[Any, type]:
    from . import losses

    return losses, losses.Loss


def _metrics_and_base() -> tuple[Any, type]:
    from . import metrics

    return metrics, metrics.Metric


def _allowed_functions(area: str) -> set[str]:
    """The names of the loss or metric functions (one value per sample) a file may name in ``area``:
    the public functions of its ``functions`` module, not its helpers."""
    module = _LIBRARY_FUNCTIONS[area]()
    return set(module.functions.__all__) - {"squeeze_or_expand_to_same_rank", "reduce_weighted_values"}


#: the Keras optimizers a file may name
_KERAS_OPTIMIZERS = frozenset({"SGD", "Adam", "AdamW", "RMSprop", "Adagrad"})

#: where the loss and metric classes that a file may name are defined, and their base classes
_LIBRARY_OBJECTS = {f"{__package__}.losses": _losses_and_base, f"{__package__}.metrics": _metrics_and_base}


def _library_area(module: str) -> str | None:
    """``nn.losses`` or ``nn.metrics`` if ``module`` is one of them or inside one (the name a file
    gives, whatever file of the area defines the class or function), else None."""
    for area in _LIBRARY_OBJECTS:
        if module == area or module.startswith(area + "."):
            return area
    return None


#: the modules whose loss and metric functions a file may name
_LIBRARY_FUNCTIONS = {
    f"{__package__}.losses": lambda: _losses_and_base()[0],
    f"{__package__}.metrics": lambda: _metrics_and_base()[0],
}


def _optimizer_entry(spec: Any, optimizer: optim.Optimizer | None) -> Any:
    if isinstance(spec, str):
        return spec
    if hasattr(spec, "get_config") and hasattr(spec, "make"):  # a Keras-style optimizer
        return {"keras": type(spec).__name__, "config": spec.get_config()}
    made = optimizer if optimizer is not None else spec if isinstance(spec, optim.Optimizer) else None
    if made is None:
        raise TypeError(
            "save: the optimizer given to compile is a function, which cannot be saved; give "
            "compile a name, a keras.optimizers optimizer, or an optim.Optimizer"
        )
    group = {k: v for k, v in made.param_groups[0].items() if k != "params"}
    return {"optim": type(made).__name__, "config": json_ready(group, "save: the optimizer's settings")}


def _compile_from(model: Model, config: Mapping[str, Any], custom_objects: Mapping[str, Any]) -> None:
    from ..keras import optimizers as keras_optimizers

    optimizer = config["optimizer"]
    if isinstance(optimizer, Mapping) and "keras" in optimizer:
        if optimizer["keras"] not in _KERAS_OPTIMIZERS:
            raise CorruptFile(
                f"it names the optimizer {optimizer['keras']!r}, which is not one of "
                f"{sorted(_KERAS_OPTIMIZERS)}"
            )
        optimizer = getattr(keras_optimizers, optimizer["keras"])(**optimizer["config"])
    elif isinstance(optimizer, Mapping):
        optimizer = keras_optimizers.from_optim(optimizer["optim"], optimizer["config"])
    arguments = {
        name: _decoded(config[name], custom_objects)
        for name in ("loss", "loss_weights", "metrics", "weighted_metrics")
    }
    model.compile(optimizer=optimizer, **arguments)


def _library_class(
    module: Any, base: type, entry: Mapping[str, Any], custom_objects: Mapping[str, Any]
) -> type:
    """The loss or metric class an entry names: one of ``custom_objects``, or a subclass of ``base``
    defined in ``module`` (:mod:`~autograd_lite.nn.losses` or :mod:`~autograd_lite.nn.metrics`)."""
    name = entry["class_name"]
    if name in custom_objects:
        return custom_objects[name]
    cls = getattr(module, name, None) if entry["module"] == module.__name__ else None
    if not (isinstance(cls, type) and issubclass(cls, base)) or cls is base:  # (the base is abstract)
        raise ValueError(
            f"load_model: the file names {entry['module']}.{name}, which is not one of "
            f"{module.__name__}'s classes; pass your own in custom_objects"
        )
    return cls


# ---- the optimizer's state ------------------------------------------------------------------------
def _optimizer_state(model: Model) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The optimizer's checkpoint split into arrays (by dotted key) and JSON (everything else)."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return {}, None
    checkpoint = optimizer.state_dict()
    arrays, state = {}, {}
    for index, entries in checkpoint["state"].items():
        state[str(index)] = {}
        for key, value in entries.items():
            if backend.is_array(data_of(value)):
                arrays[f"{index}.{key}"] = backend.to_host(data_of(value))
            else:
                state[str(index)][key] = json_ready(value, f"save: optimizer state {key!r}")
    return arrays, {
        "state": state,
        "param_groups": json_ready(
            [{k: v for k, v in g.items()} for g in checkpoint["param_groups"]], "save: the optimizer's groups"
        ),
        "step_count": checkpoint["step_count"],
        "shapes": {key: list(array.shape) for key, array in arrays.items()},
    }


def _optimizer_checkpoint(state: Mapping[str, Any], arrays: Mapping[str, Any]) -> dict[str, Any]:
    entries: dict[int, dict[str, Any]] = {
        int(index): dict(values) for index, values in state["state"].items()
    }
    for key, array in arrays.items():
        index, name = key.split(".", 1)
        entries.setdefault(int(index), {})[name] = array
    groups = [
        {k: tuple(v) if isinstance(v, list) and k != "params" else v for k, v in g.items()}
        for g in state["param_groups"]
    ]
    return {"state": entries, "param_groups": groups, "step_count": state["step_count"]}


# ---- the archive ------------------------------------------------------------------------------------
def _build_for(model: Model, shape: Any) -> None:
    """Build a model whose layers are made from its first batch, for samples of ``shape``."""
    if shape is None or all(getattr(m, "built", True) for m in model.modules()):
        return
    if not isinstance(shape, list) or not all(s is None or (isinstance(s, int) and s > 0) for s in shape):
        raise CorruptFile(f"build_input_shape must be a list of sizes, not {_short(shape)}")
    model._built_input_shape = tuple(shape)
    from .sequential import _built_output_shape

    _built_output_shape(model, tuple(shape), _host.float64)


def _json_shape(shape: Any) -> list[int | None] | None:
    return None if shape is None else [None if size is None else int(size) for size in shape]


def _npz_bytes(arrays: Mapping[str, Any]) -> bytes:
    buffer = io.BytesIO()
    _host.savez(buffer, **arrays)
    return buffer.getvalue()


def _write_zip_atomically(path: str | os.PathLike[str], members: Mapping[str, bytes]) -> None:
    def write(file: Any) -> None:
        with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED) as archive:
            for name, content in members.items():
                archive.writestr(name, content)

    save_atomically(path, None, writer=write)


def _member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise CorruptFile(f"{name} declares {info.file_size} bytes; at most {limit} are read")
    with archive.open(info) as member:
        return member.read(limit + 1)[: limit + 1]


def _member_file(archive: zipfile.ZipFile, name: str, shapes: Mapping[str, tuple[int, ...]]) -> io.BytesIO:
    """A member holding arrays, read into memory only if no larger than the arrays it must hold
    (each at most 8 bytes an entry) plus their headers."""
    expected = sum(8 * math.prod(shape) + 1024 for shape in shapes.values()) + 1024
    return io.BytesIO(_member(archive, name, expected))


def _parameters(function: Any) -> Any:
    import inspect

    return inspect.signature(function).parameters


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."
