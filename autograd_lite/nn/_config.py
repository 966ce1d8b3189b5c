"""A module's configuration: the arguments it was made with, as JSON-ready data, and the registry of
the classes that a saved model may name.

Every :class:`~autograd_lite.nn.Module` subclass records the arguments of the outermost
``__init__`` that made an instance (see :func:`record_arguments`, which ``Module.__init_subclass__``
applies), so that ``get_config()`` can return them and ``from_config`` can make the same layer again,
as Keras' ``get_config``/``from_config`` do. Loading a saved model makes only classes found here: the
package's own modules, registered when they are defined, and those passed as ``custom_objects``.

>>> from autograd_lite import nn
>>> nn.Linear(3, 2, bias=False).get_config()
{'in_features': 3, 'out_features': 2, 'bias': False}
>>> registered_class("autograd_lite.nn.layers.core", "Linear", {}) is nn.Linear
True
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .module import Module

#: the package's module classes by (module, qualified name): what a saved model may name
REGISTERED: dict[tuple[str, str], type] = {}
_ARGUMENTS = "_config_arguments"


def record_arguments(cls: type) -> None:
    """Wrap ``cls.__init__`` (if it defines one) so that an instance keeps the arguments of the
    ``__init__`` that made it (the outermost: a subclass's, not the ones its ``super().__init__``
    calls receive); register ``cls`` if it is one of the package's."""
    if cls.__module__.startswith("autograd_lite."):
        REGISTERED[(cls.__module__, cls.__qualname__)] = cls
    init = cls.__dict__.get("__init__")
    if init is None or getattr(init, "_records_arguments", False):
        return

    @functools.wraps(init)
    def recording_init(self: Any, *args: Any, **kwargs: Any) -> None:
        outermost = _ARGUMENTS not in self.__dict__
        if outermost:
            self.__dict__[_ARGUMENTS] = None   # the inner __init__ calls record nothing
        init(self, *args, **kwargs)
        if outermost:
            self.__dict__[_ARGUMENTS] = (type(self), args, kwargs)

    recording_init._records_arguments = True   # type: ignore[attr-defined]
    cls.__init__ = recording_init   # type: ignore[misc]


def constructor_arguments(module: Module) -> dict[str, Any]:
    """The arguments ``module`` was made with, by parameter name, defaults filled in (keyword
    arguments gathered by ``**kwargs`` are listed by their own names). Raises ``TypeError`` for a
    module whose ``__init__`` takes ``*args``: it has no configuration by name."""
    recorded = module.__dict__.get(_ARGUMENTS)
    if recorded is None:
        return {}
    cls, args, kwargs = recorded
    signature = inspect.signature(cls.__init__)
    bound = signature.bind(module, *args, **kwargs)
    bound.apply_defaults()
    config: dict[str, Any] = {}
    for index, (name, value) in enumerate(bound.arguments.items()):
        kind = signature.parameters[name].kind
        if index == 0:
            continue   # self
        if kind is inspect.Parameter.VAR_POSITIONAL:
            if value:
                raise TypeError(f"{cls.__name__}: made with positional *args {_short(value)}, which have "
                                f"no names to save; give it a get_config() of its own")
        elif kind is inspect.Parameter.VAR_KEYWORD:
            config.update(value)
        else:
            config[name] = value
    return config


def accepts_keyword(cls: type, name: str) -> bool:
    """Whether ``cls(...)`` takes the keyword argument ``name`` (by name, or through ``**kwargs``)."""
    parameters = inspect.signature(cls.__init__).parameters
    return name in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def json_ready(value: Any, where: str) -> Any:
    """``value`` as JSON data (tuples as lists), or a ``TypeError`` naming ``where``: only numbers,
    strings, booleans, ``None`` and lists and dicts of them can be saved."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        if not math.isfinite(value):
            raise TypeError(f"{where} is {value}, which JSON cannot hold")
        return float(value)
    if isinstance(value, (list, tuple)):
        return [json_ready(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, Mapping) and all(isinstance(key, str) for key in value):
        return {key: json_ready(item, f"{where}[{key!r}]") for key, item in value.items()}
    kind = getattr(value, "__name__", type(value).__name__)
    raise TypeError(f"{where} is {kind}, which cannot be saved as configuration (only numbers, strings, "
                    f"booleans, None, and lists and dicts of them): give it by name (e.g. "
                    f"activation='relu'), or give the layer a get_config() of its own")


def registered_class(module: str, class_name: str, custom_objects: Mapping[str, type]) -> type:
    """The class a saved configuration names: one of ``custom_objects`` (by class name) first, else
    one of the package's registered modules. Anything else is refused: a file cannot make objects
    of classes you did not allow."""
    if class_name in custom_objects:
        return custom_objects[class_name]
    cls = REGISTERED.get((module, class_name))
    if cls is None:
        raise ValueError(f"the file names the class {module}.{class_name}, which is not one of "
                         f"autograd_lite's layers; if it is yours, pass it as custom_objects="
                         f"{{{class_name!r}: {class_name}}}")
    return cls


def from_arguments(cls: type, config: Mapping[str, Any]) -> Any:
    """``cls(**config)``, with a message naming the class if the configuration does not fit it."""
    try:
        return cls(**config)
    except TypeError as error:
        raise TypeError(f"{cls.__name__}.from_config: {error}") from error


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."

