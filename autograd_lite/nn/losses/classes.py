"""Keras' loss classes (:class:`Loss`, :class:`LossFunctionWrapper` and one per loss function), what
``compile`` reads of a loss (:func:`label_kind`, :func:`takes_logits`) and Keras' names (:func:`get`,
:func:`serialize`, :func:`deserialize`); see :mod:`autograd_lite.nn.losses`. The examples assume
``import numpy as np`` and ``from autograd_lite import Tensor``."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ... import backend
from ..._checks import invalid
from ...engine import docstring_tests
from ...tensor import Tensor
from ...typing import Operand
from .. import functional as F
from .._targets import _shape
from ..functional.losses import _softmax_logits
from ..keras_layers.base import _snake_case, unique_name
from .functions import (
    LabelKind,
    _check_reduction,
    _pred,
    _sparse_losses,
    _true,
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    cosine_similarity,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    reduce_weighted_values,
    sparse_categorical_crossentropy,
    squared_hinge,
    squeeze_or_expand_to_same_rank,
)

__all__ = [
    "BinaryCrossentropy", "CategoricalCrossentropy", "CategoricalHinge", "CosineSimilarity", "Hinge", "Huber",
    "KLDivergence", "LogCosh", "Loss", "LossFunctionWrapper", "MeanAbsoluteError",
    "MeanAbsolutePercentageError", "MeanSquaredError", "MeanSquaredLogarithmicError", "Poisson",
    "SparseCategoricalCrossentropy", "SquaredHinge", "deserialize", "get", "label_kind", "serialize",
    "takes_logits",
]

_host = backend.host_namespace


# ---- classes --------------------------------------------------------------------------------------

class Loss:
    """Keras' loss base: ``loss(y_true, y_pred, sample_weight=None)`` computes :meth:`call`'s
    per-sample losses and reduces them by ``reduction`` (see :func:`reduce_weighted_values`) into a
    Tensor. Subclass it with a ``call(y_true, y_pred)`` written with autograd_lite's operations.

    ``label_kind`` (``"dense"`` here) and ``from_logits`` tell ``compile`` how ``y`` is read.
    ``dtype`` is kept for the config only: the losses compute in y_pred's dtype.

    >>> class Squares(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ((y_pred - y_true) ** 2).sum(axis=-1)
    >>> Squares(reduction="sum")(np.zeros((2, 2)), Tensor([[1.0, 1.0], [1.0, 0.0]]))
    Tensor(3.)
    """

    label_kind: LabelKind = "dense"
    from_logits: bool = False

    def __init__(self, name: str | None = None, reduction: str | None = "sum_over_batch_size",
                 dtype: Any = None) -> None:
        self.name = name if name is not None else unique_name(_snake_case(type(self).__name__))
        self.reduction = _check_reduction(reduction, type(self).__name__)
        self.dtype = dtype

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        values, mask = self._losses(y_true, y_pred)
        return reduce_weighted_values(values, sample_weight, mask, self.reduction)

    def _losses(self, y_true: Any, y_pred: Any) -> tuple[Tensor, Any]:
        """The per-sample losses and the mask of the ones that count (None: all)."""
        return self.call(y_true, y_pred), None

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        """The per-sample losses."""
        raise NotImplementedError(f"{type(self).__name__} must define call(y_true, y_pred)")

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments, JSON-able: ``type(loss)(**loss.get_config())`` is the same loss."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


class LossFunctionWrapper(Loss):
    """A loss function ``fn(y_true, y_pred, **kwargs)`` as a :class:`Loss`: y_true and y_pred are given
    one rank first (:func:`squeeze_or_expand_to_same_rank`), as Keras does.

    >>> LossFunctionWrapper(mean_squared_error)(np.array([1.0, 2.0]), Tensor([[1.0], [4.0]]))
    Tensor(2.)
    """

    def __init__(self, fn: Callable[..., Tensor], reduction: str | None = "sum_over_batch_size",
                 name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        if not callable(fn):
            raise TypeError(invalid(type(self).__name__, "fn", fn, "a function fn(y_true, y_pred)"))
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs
        self.label_kind = _FUNCTION_LABELS.get(fn, "dense")
        self.from_logits = bool(kwargs.get("from_logits", False))

    def _pair(self, y_true: Any, y_pred: Any) -> tuple[Operand, Tensor]:
        y_pred = _pred(y_pred)
        if not isinstance(y_true, Tensor) and not backend.is_array(y_true):
            y_true = _host.asarray(y_true)
        return squeeze_or_expand_to_same_rank(y_true, y_pred)

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        if sample_weight is None and self.reduction in ("sum_over_batch_size", "mean"):
            fused = self._fused_mean(*self._pair(y_true, y_pred))
            if fused is not None:
                return fused
        return super().__call__(y_true, y_pred, sample_weight)

    def _fused_mean(self, y_true: Operand, y_pred: Tensor) -> Tensor | None:
        """The unweighted mean as one fused op of nn.functional, where it has one (None: it has not).
        Speed only: a small training step spends its time on the nodes it records."""
        return None

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        return self.fn(*self._pair(y_true, y_pred), **self._fn_kwargs)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if type(self) is LossFunctionWrapper:
            config["fn"] = getattr(self.fn, "__name__", repr(self.fn))
        return {**config, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        if cls is LossFunctionWrapper:
            config = {**config, "fn": get(config["fn"])}
        return cls(**config)

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({getattr(self.fn, '__name__', self.fn)}, kwargs={self._fn_kwargs})>"


_R = "sum_over_batch_size"


def _function_class(class_name: str, fn: Callable[..., Tensor]) -> type[LossFunctionWrapper]:
    """The Keras class of a loss function without options: ``(reduction=, name=fn's name, dtype=)``."""
    def __init__(self: LossFunctionWrapper, reduction: str | None = _R, name: str = fn.__name__,
                 dtype: Any = None) -> None:
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, dtype=dtype)
    doc = f":func:`{fn.__name__}`, reduced by ``reduction`` (see :class:`Loss`)."
    namespace = {"__init__": __init__, "__doc__": doc, "__module__": __name__}
    return type(class_name, (LossFunctionWrapper,), namespace)


MeanAbsoluteError = _function_class("MeanAbsoluteError", mean_absolute_error)
MeanAbsolutePercentageError = _function_class("MeanAbsolutePercentageError", mean_absolute_percentage_error)
MeanSquaredLogarithmicError = _function_class("MeanSquaredLogarithmicError", mean_squared_logarithmic_error)
LogCosh = _function_class("LogCosh", log_cosh)
Hinge = _function_class("Hinge", hinge)
SquaredHinge = _function_class("SquaredHinge", squared_hinge)
CategoricalHinge = _function_class("CategoricalHinge", categorical_hinge)
KLDivergence = _function_class("KLDivergence", kl_divergence)
Poisson = _function_class("Poisson", poisson)


class MeanSquaredError(LossFunctionWrapper):
    """:func:`mean_squared_error`, reduced by ``reduction`` (see :class:`Loss`)."""

    def __init__(self, reduction: str | None = _R, name: str = "mean_squared_error",
                 dtype: Any = None) -> None:
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)

    def _fused_mean(self, y_true: Operand, y_pred: Tensor) -> Tensor | None:
        return F.mse_loss(y_pred, _true(y_true, y_pred)) if _shape(y_true) == _shape(y_pred) else None


class CosineSimilarity(LossFunctionWrapper):
    """:func:`cosine_similarity` along ``axis``, reduced."""

    def __init__(self, axis: int = -1, reduction: str | None = _R, name: str = "cosine_similarity",
                 dtype: Any = None) -> None:
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class Huber(LossFunctionWrapper):
    """:func:`huber` with ``delta``, reduced (Keras' default name ``"huber_loss"``).

    >>> Huber()(np.zeros((2, 1)), Tensor([[0.5], [3.0]]))
    Tensor(1.3125)
    """

    def __init__(self, delta: float = 1.0, reduction: str | None = _R, name: str = "huber_loss",
                 dtype: Any = None) -> None:
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)
        self.delta = delta


class BinaryCrossentropy(LossFunctionWrapper):
    """:func:`binary_crossentropy`, reduced; ``label_kind`` ``"binary"``.

    >>> BinaryCrossentropy(from_logits=True)(np.array([1.0, 0.0]), Tensor([[0.0], [0.0]]))
    Tensor(0.69314718)
    """

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = _R, name: str = "binary_crossentropy", dtype: Any = None) -> None:
        super().__init__(binary_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.label_smoothing, self.axis = label_smoothing, axis

    def _fused_mean(self, y_true: Operand, y_pred: Tensor) -> Tensor | None:
        if self.label_smoothing:
            return None
        y_true = _true(y_true, y_pred)
        if self.from_logits:
            return F.binary_cross_entropy_with_logits(y_pred, y_true)
        return F.binary_crossentropy(y_pred, y_true)


class CategoricalCrossentropy(LossFunctionWrapper):
    """:func:`categorical_crossentropy`, reduced."""

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = _R, name: str = "categorical_crossentropy",
                 dtype: Any = None) -> None:
        super().__init__(categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.label_smoothing, self.axis = label_smoothing, axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """:func:`sparse_categorical_crossentropy`, reduced; ``label_kind`` ``"sparse"``. Labels equal to
    ``ignore_class`` are left out of the mean (it divides by the number of the others).

    >>> SparseCategoricalCrossentropy(ignore_class=-1)(np.array([0, -1]), Tensor([[0.5, 0.5], [0.9, 0.1]]))
    Tensor(0.69314718)
    """

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None, reduction: str | None = _R,
                 axis: int = -1, name: str = "sparse_categorical_crossentropy", dtype: Any = None) -> None:
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.ignore_class, self.axis = ignore_class, axis

    def _losses(self, y_true: Any, y_pred: Any) -> tuple[Tensor, Any]:
        return _sparse_losses(*self._pair(y_true, y_pred), **self._fn_kwargs)

    def _fused_mean(self, y_true: Operand, y_pred: Tensor) -> Tensor | None:
        if self.from_logits or self.ignore_class is not None or _softmax_logits(y_pred) is None:
            return None
        return F.sparse_categorical_crossentropy(y_pred, y_true)

    def get_config(self) -> dict[str, Any]:
        return {key: value for key, value in super().get_config().items() if key != "axis"}   # as Keras


# ---- what compile reads ----------------------------------------------------------------------------

_FUNCTION_LABELS: dict[Callable[..., Tensor], LabelKind] = {
    binary_crossentropy: "binary", sparse_categorical_crossentropy: "sparse"}
for _function, _kind in _FUNCTION_LABELS.items():   # the attribute, as on the classes
    _function.label_kind = _kind  # type: ignore[attr-defined]


def label_kind(loss: object) -> LabelKind:
    """How ``loss`` reads y: ``"sparse"`` (class indices, one per sample:
    :class:`SparseCategoricalCrossentropy` and :func:`sparse_categorical_crossentropy`), ``"binary"``
    (0 or 1 per output: the binary cross-entropies), or ``"dense"`` (one value per output: the others,
    and losses of yours). A :class:`Loss`'s ``label_kind`` attribute, or the function's.

    >>> (label_kind("sparse_categorical_crossentropy"), label_kind(BinaryCrossentropy()),
    ...  label_kind(mean_squared_error))
    ('sparse', 'binary', 'dense')
    """
    loss = get(loss) if isinstance(loss, (str, dict)) else loss
    return getattr(loss, "label_kind", None) or _FUNCTION_LABELS.get(loss, "dense")  # type: ignore[arg-type]


def takes_logits(loss: object) -> bool:
    """Whether ``loss`` takes logits (``from_logits=True``): a loss object's ``from_logits``; False for
    a function (Keras' functions default to probabilities).

    >>> takes_logits(BinaryCrossentropy(from_logits=True)), takes_logits("binary_crossentropy")
    (True, False)
    """
    loss = get(loss) if isinstance(loss, (str, dict)) else loss
    return bool(getattr(loss, "from_logits", False))


# ---- names ------------------------------------------------------------------------------------------

_CLASSES = (Loss, LossFunctionWrapper, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
            MeanSquaredLogarithmicError, CosineSimilarity, Huber, LogCosh, Hinge, SquaredHinge,
            CategoricalHinge, KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
            SparseCategoricalCrossentropy)
_FUNCTIONS = (mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
              mean_squared_logarithmic_error, cosine_similarity, huber, log_cosh, hinge, squared_hinge,
              categorical_hinge, kl_divergence, poisson, binary_crossentropy, categorical_crossentropy,
              sparse_categorical_crossentropy)
#: Keras' names: class names, function names and the short forms
ALL_OBJECTS: dict[str, Any] = {
    **{cls.__name__: cls for cls in _CLASSES}, **{fn.__name__: fn for fn in _FUNCTIONS},
    "bce": binary_crossentropy, "BCE": binary_crossentropy, "kld": kl_divergence, "KLD": kl_divergence,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
}
SparseCategoricalCrossentropy.label_kind = "sparse"
BinaryCrossentropy.label_kind = "binary"


def get(identifier: Any) -> Any:
    """A loss from ``identifier``, as ``keras.losses.get``: a name (a function's, ``"mse"``, …: the
    function; a class's, ``"MeanSquaredError"``: an instance), a dict from :func:`serialize`, a class
    (instantiated), a loss object or function (as it is); None stays None.

    >>> get("mse").__name__, get("Huber").delta
    ('mean_squared_error', 1.0)
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    found = ALL_OBJECTS.get(identifier) if isinstance(identifier, str) else identifier
    if inspect.isclass(found) and issubclass(found, Loss):
        return found()
    if found is None or not callable(found):
        raise ValueError(f"Could not interpret loss identifier: {identifier!r}; the names are "
                         f"{sorted(ALL_OBJECTS)}")
    return found


def serialize(loss: Any) -> dict[str, Any] | str:
    """``{"class_name": ..., "config": ...}`` for a loss object, the name for a loss function."""
    if isinstance(loss, Loss):
        return {"class_name": type(loss).__name__, "config": loss.get_config()}
    return loss.__name__


def deserialize(config: dict[str, Any] | str, custom_objects: dict[str, Any] | None = None) -> Any:
    """The loss :func:`serialize` described; names are looked up in ``custom_objects`` first.

    >>> deserialize(serialize(Huber(delta=2.0))).delta
    2.0
    """
    known = {**ALL_OBJECTS, **(custom_objects or {})}
    if isinstance(config, str):
        return get(known[config]) if config in known else get(config)
    name = config.get("class_name")
    if name not in known or not (inspect.isclass(known[name]) and issubclass(known[name], Loss)):
        raise ValueError(f"Could not interpret loss identifier: {config!r}")
    return known[name].from_config(config.get("config", {}))


__test__ = docstring_tests(globals())
