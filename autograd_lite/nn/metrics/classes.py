"""Keras' metric classes (:class:`Metric`, the means, the accuracies, Precision, Recall, AUC), Keras'
names for them (:func:`get`) and what ``compile`` calls (:func:`resolve`); see
:mod:`autograd_lite.nn.metrics`. The examples assume ``import numpy as np``."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ... import backend
from ..._checks import invalid
from ...backend import ndarray
from ...engine import docstring_tests
from .. import losses
from ..keras_layers.base import _snake_case, unique_name
from ..losses import squeeze_or_expand_to_same_rank
from . import curves
from .functions import (
    _host_array,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)

__all__ = [
    "AUC", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "Mean", "MeanAbsoluteError",
    "MeanMetricWrapper", "MeanSquaredError", "Metric", "Precision", "Recall", "RootMeanSquaredError",
    "SparseCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "TopKCategoricalAccuracy", "get",
    "resolve",
]

_host = backend.host_namespace


# ---- the base and the means ---------------------------------------------------------------------------

class Metric:
    """Keras' metric base: ``update_state`` adds a batch, ``result()`` is the value so far (a float),
    ``reset_state()`` starts again; ``metric(y_true, y_pred)`` is an update and the result. ``name`` is
    the metric's (automatic: the class's in snake case, ``auc``, ``auc_1``, …); ``dtype`` is kept for
    the config only (the state is float64)."""

    def __init__(self, name: str | None = None, dtype: Any = None) -> None:
        self.name = name if name is not None else unique_name(_snake_case(type(self).__name__))
        self.dtype = dtype
        self.reset_state()

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} must define update_state")

    def result(self) -> float:
        raise NotImplementedError(f"{type(self).__name__} must define result")

    def reset_state(self) -> None:
        """Forget every batch seen."""

    def __call__(self, *args: Any, **kwargs: Any) -> float:
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


def _per_sample(values: ndarray, sample_weight: Any, reduce: Callable[..., ndarray]
                ) -> tuple[ndarray, ndarray | None]:
    """Keras' ``reduce_to_samplewise_values``: values (and weights) reduced to one per sample, the
    values multiplied by their weights."""
    weight = None
    if sample_weight is not None:
        values, weight = squeeze_or_expand_to_same_rank(values, _host_array(sample_weight))
        if values.ndim > weight.ndim:
            values = reduce(values, axis=tuple(range(weight.ndim, values.ndim)))
        weight = _host.broadcast_to(weight, values.shape)
        values = values * weight
        if weight.ndim > 1:
            weight = reduce(weight, axis=tuple(range(1, weight.ndim)))
    if values.ndim > 1:
        values = reduce(values, axis=tuple(range(1, values.ndim)))
    return values, weight


class Mean(Metric):
    """The weighted mean of the values given to ``update_state(values, sample_weight=None)``: Σ w·v / Σ w
    over every batch (values of several axes are averaged to one per sample first; 0 before any).

    >>> m = Mean()
    >>> m.update_state(np.array([1.0, 3.0, 5.0, 7.0]), sample_weight=np.array([1, 1, 0, 0]))
    >>> m.result()
    2.0
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def reset_state(self) -> None:
        self.total, self.count = 0.0, 0.0

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, weight = _per_sample(_host_array(values), sample_weight, _host.mean)
        self.total += float(_host.sum(values))
        if weight is not None:
            self.count += float(_host.sum(weight))
        else:
            self.count += values.shape[0] if values.ndim else 1

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """The weighted mean of ``fn(y_true, y_pred, **kwargs)``, a function of one value per sample (a
    loss of :mod:`~autograd_lite.nn.losses`, an accuracy function, one of yours on host arrays).
    y_true and y_pred are given one rank first
    (:func:`~autograd_lite.nn.losses.squeeze_or_expand_to_same_rank`; Keras' wrapper leaves them).

    >>> m = MeanMetricWrapper(losses.mean_squared_error, name="mse")
    >>> m.update_state(np.array([[0.0], [1.0]]), np.array([[1.0], [1.0]]))
    >>> m.update_state(np.array([[0.0]]), np.array([[2.0]]), sample_weight=np.array([2.0]))
    >>> m.result()   # (1 + 0 + 2·4) / (1 + 1 + 2)
    2.25
    """

    def __init__(self, fn: Callable[..., Any], name: str | None = None, dtype: Any = None,
                 **kwargs: Any) -> None:
        if not callable(fn):
            raise TypeError(invalid(type(self).__name__, "fn", fn, "a function fn(y_true, y_pred)"))
        self._fn, self._fn_kwargs = fn, kwargs
        super().__init__(name=name if name is not None else _snake_case(getattr(fn, "__name__", "mean")),
                         dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, y_pred = squeeze_or_expand_to_same_rank(_host_array(y_true), _host_array(y_pred))
        super().update_state(_host_array(self._fn(y_true, y_pred, **self._fn_kwargs)), sample_weight)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if type(self) is MeanMetricWrapper:
            config["fn"] = getattr(self._fn, "__name__", repr(self._fn))
        return {**config, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        fn = config.get("fn")
        if cls is MeanMetricWrapper and isinstance(fn, str):   # a function of the library, by name
            config = {**config, "fn": _FUNCTIONS.get(fn) or losses.get(fn)}
        return cls(**config)


def _wrapper_class(class_name: str, fn: Callable[..., Any], name: str, doc: str) -> type[MeanMetricWrapper]:
    """The Keras class of a per-sample metric function without options: ``(name=, dtype=)``."""
    def __init__(self: MeanMetricWrapper, name: str = name, dtype: Any = None) -> None:
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype)
    namespace = {"__init__": __init__, "__doc__": doc, "__module__": __name__}
    return type(class_name, (MeanMetricWrapper,), namespace)


Accuracy = _wrapper_class("Accuracy", accuracy, "accuracy", "The mean of :func:`accuracy`.")
CategoricalAccuracy = _wrapper_class("CategoricalAccuracy", categorical_accuracy, "categorical_accuracy",
                                     "The mean of :func:`categorical_accuracy`.")
SparseCategoricalAccuracy = _wrapper_class("SparseCategoricalAccuracy", sparse_categorical_accuracy,
                                           "sparse_categorical_accuracy",
                                           "The mean of :func:`sparse_categorical_accuracy`.")
MeanSquaredError = _wrapper_class("MeanSquaredError", losses.mean_squared_error, "mean_squared_error",
                                  "The mean of :func:`~autograd_lite.nn.losses.mean_squared_error`.")
MeanAbsoluteError = _wrapper_class("MeanAbsoluteError", losses.mean_absolute_error, "mean_absolute_error",
                                   "The mean of :func:`~autograd_lite.nn.losses.mean_absolute_error`.")


class BinaryAccuracy(MeanMetricWrapper):
    """The mean of :func:`binary_accuracy` at ``threshold`` (Keras' argument order: name, dtype, threshold).

    >>> BinaryAccuracy()(np.array([1, 0, 1, 1]), np.array([0.9, 0.6, 0.2, 0.7]))
    0.5
    """

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5) -> None:
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """The mean of :func:`top_k_categorical_accuracy`."""

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """The mean of :func:`sparse_top_k_categorical_accuracy`."""

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype: Any = None,
                 from_sorted_ids: bool = False) -> None:
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k, self.from_sorted_ids = k, from_sorted_ids

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if not self.from_sorted_ids:
            del config["from_sorted_ids"]
        return config


class RootMeanSquaredError(Mean):
    """√(Σ w·(y_pred − y_true)² / Σ w) over every batch (squares of several outputs averaged per sample).

    >>> RootMeanSquaredError()(np.zeros((2, 1)), np.array([[1.0], [7.0]]))
    5.0
    """

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, y_pred = squeeze_or_expand_to_same_rank(_host_array(y_true), _host_array(y_pred))
        super().update_state((y_pred - y_true) ** 2, sample_weight)

    def result(self) -> float:
        return float(_host.sqrt(super().result()))


# ---- from the confusion matrix --------------------------------------------------------------------------

class _Confusion(Metric):
    """Counts of true/false positives/negatives at each of ``self.thresholds`` (set before this)."""

    _counts: tuple[str, ...] = curves.COUNTS

    def reset_state(self) -> None:
        for name in self._counts:
            setattr(self, name, _host.zeros(len(self.thresholds)))

    def _add(self, y_true: Any, y_pred: Any, sample_weight: Any, **options: Any) -> None:
        weight = None if sample_weight is None else _host_array(sample_weight)
        counts = curves.confusion_counts(_host_array(y_true), _host_array(y_pred), self.thresholds,
                                         even=self._even, sample_weight=weight, **options)
        for name in self._counts:
            setattr(self, name, getattr(self, name) + counts[name])

    def _one_or_all(self, values: ndarray) -> float | ndarray:
        return float(values[0]) if len(self.thresholds) == 1 else values


class Precision(_Confusion):
    """TP/(TP + FP) over every batch: predictions above a threshold (0.5 by default; ``thresholds``
    a number or a list: then ``result()`` is one value per threshold) are positive; labels not 0 are.
    ``top_k``: only each row's k largest predictions may be positive; ``class_id``: only that column
    (of rows of class scores) is counted.

    >>> m = Precision()
    >>> m.update_state(np.array([0, 1, 1, 1]), np.array([1.0, 1.0, 0.0, 1.0]))
    >>> m.result()
    0.6666666666666666
    """

    _counts = ("tp", "fp")

    def __init__(self, thresholds: float | list[float] | None = None, top_k: int | None = None,
                 class_id: int | None = None, name: str | None = None, dtype: Any = None) -> None:
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        self.thresholds = curves.parse_thresholds(thresholds, 0.5 if top_k is None else curves.NEG_INF,
                                                  type(self).__name__)
        self._even = curves.evenly_spaced(self.thresholds)
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        self._add(y_true, y_pred, sample_weight, top_k=self.top_k, class_id=self.class_id)

    def result(self) -> float | ndarray:
        return self._one_or_all(curves.ratio(self.tp, self.tp + self.fp))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Recall(Precision):
    """TP/(TP + FN) over every batch, with :class:`Precision`'s arguments.

    >>> Recall()(np.array([0, 1, 1, 1]), np.array([1.0, 0.0, 1.0, 1.0]))
    0.6666666666666666
    """

    _counts = ("tp", "fn")

    def result(self) -> float | ndarray:
        return self._one_or_all(curves.ratio(self.tp, self.tp + self.fn))


class AUC(_Confusion):
    """The area under the ROC curve (``curve="ROC"``; ``"PR"``, precision against recall; ``"PRGAIN"``)
    from the confusion counts at ``num_thresholds`` thresholds −ε, 1/(n − 1), …, (n − 2)/(n − 1), 1 + ε
    (or at ``thresholds`` with −ε and 1 + ε added), summed as Keras does (``summation_method``:
    ``"interpolation"``, trapezoids, ``"minoring"``, ``"majoring"``). ``from_logits``: y_pred are logits,
    passed through a sigmoid first. Single-label only (Keras' ``multi_label`` is not implemented).

    >>> AUC()(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC", summation_method: str = "interpolation",
                 name: str | None = None, dtype: Any = None, thresholds: list[float] | None = None,
                 from_logits: bool = False) -> None:
        curves_known = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
        if not isinstance(curve, str) or curve not in (*curves_known, *curves_known.values()):
            raise ValueError(invalid("AUC", "curve", curve, "'ROC', 'PR' or 'PRGAIN'"))
        methods = ("interpolation", "majoring", "minoring")
        if not isinstance(summation_method, str) or summation_method.lower() not in methods:
            raise ValueError(invalid("AUC", "summation_method", summation_method,
                                     "one of " + ", ".join(methods)))
        if thresholds is None and (not isinstance(num_thresholds, int) or num_thresholds <= 1):
            raise ValueError(invalid("AUC", "num_thresholds", num_thresholds, "an integer > 1"))
        self._given_thresholds = thresholds is not None
        self.num_thresholds = len(thresholds) + 2 if thresholds is not None else num_thresholds
        self.curve = curves_known.get(curve, curve)
        self.summation_method = summation_method.lower()
        self.from_logits = from_logits
        self._thresholds, self._even = curves.auc_thresholds(num_thresholds, thresholds)
        super().__init__(name=name, dtype=dtype)

    @property
    def thresholds(self) -> list[float]:
        return list(self._thresholds)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = _host_array(y_pred)
        if self.from_logits:
            y_pred = 1.0 / (1.0 + _host.exp(-y_pred))
        self._add(y_true, y_pred, sample_weight)

    def result(self) -> float:
        return curves.area({name: getattr(self, name) for name in curves.COUNTS}, self.curve,
                           self.summation_method)

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                  "summation_method": self.summation_method, "from_logits": self.from_logits}
        if self._given_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config


# ---- names, and what compile calls ----------------------------------------------------------------------

_CLASSES = (Metric, Mean, MeanMetricWrapper, Accuracy, BinaryAccuracy, CategoricalAccuracy,
            SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
            MeanSquaredError, MeanAbsoluteError, RootMeanSquaredError, Precision, Recall, AUC)
#: Keras' metric names: the classes' names and their snake case, the short forms, and ``"rmse"``
ALL_OBJECTS: dict[str, type[Metric]] = {
    **{cls.__name__: cls for cls in _CLASSES}, **{_snake_case(cls.__name__): cls for cls in _CLASSES},
    "mse": MeanSquaredError, "MSE": MeanSquaredError, "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "rmse": RootMeanSquaredError, "RMSE": RootMeanSquaredError,
}
#: per-sample functions that a name gives, wrapped (Keras' loss metrics and the accuracy functions)
_FUNCTIONS: dict[str, Callable[..., Any]] = {
    **{name: fn for name, fn in losses.ALL_OBJECTS.items()
       if inspect.isfunction(fn) and name != "cosine_similarity"},   # Keras' cosine metric is +cos
    **{_snake_case(name): losses.ALL_OBJECTS[_snake_case(name)] for name in (
        "Hinge", "SquaredHinge", "CategoricalHinge", "KLDivergence", "Poisson", "BinaryCrossentropy",
        "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "MeanAbsolutePercentageError",
        "MeanSquaredLogarithmicError")},
    **{fn.__name__: fn for fn in (binary_accuracy, top_k_categorical_accuracy,
                                  sparse_top_k_categorical_accuracy)},
}


def get(identifier: Any) -> Metric | Callable[..., Any] | None:
    """A metric from ``identifier``, as ``keras.metrics.get``: a name (of a class, in either spelling:
    ``"AUC"``, ``"auc"``, ``"Precision"``, ``"root_mean_squared_error"``, or short: ``"mse"``,
    ``"mae"``, ``"rmse"``: an instance; of a per-sample function, ``"binary_crossentropy"``,
    ``"top_k_categorical_accuracy"``: the function), a class (instantiated), a metric or function (as
    it is); None stays None.

    >>> get("auc").curve, get("mse").name, get("binary_crossentropy").__name__
    ('ROC', 'mean_squared_error', 'binary_crossentropy')
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        found = ALL_OBJECTS.get(identifier) or _FUNCTIONS.get(identifier)
    else:
        found = identifier
    if inspect.isclass(found) and issubclass(found, Metric):
        return found()
    if found is None or not callable(found):
        raise ValueError(f"Could not interpret metric identifier: {identifier!r}; the names are "
                         f"{sorted({*ALL_OBJECTS, *_FUNCTIONS})}")
    return found


def resolve(identifier: Any, *, label_kind: str = "dense", from_logits: bool = False,
            output_shape: tuple[int, ...] | None = None,
            target_shape: tuple[int, ...] | None = None) -> Metric:
    """The :class:`Metric` that ``compile(metrics=[identifier])`` keeps, named as Keras 3 logs it.

    ``"accuracy"``/``"acc"`` (any case) is Keras' choice by the shapes: :class:`BinaryAccuracy` for one
    output per sample (``output_shape[-1] == 1``), :class:`SparseCategoricalAccuracy` for class labels
    (a ``target_shape`` of lower rank, or ending in 1 where the output does not; without a target shape,
    a ``label_kind`` of ``"sparse"``, see :func:`~autograd_lite.nn.losses.label_kind`),
    :class:`CategoricalAccuracy` otherwise (a binary loss of several outputs too, as in Keras); named
    as written. One difference from Keras: for a loss ``from_logits`` the binary accuracy splits at
    0, not ½. Any other identifier goes through :func:`get`, a function is wrapped in
    :class:`MeanMetricWrapper`; the name is the string given (``"mse"`` logs as ``mse``, ``"AUC"`` as
    ``AUC``), or the metric's own (``AUC()``: ``auc``, ``auc_1``, …), or the function's.

    >>> resolve("acc", label_kind="binary", output_shape=(None, 1), from_logits=True).threshold
    0.0
    >>> resolve("accuracy", label_kind="sparse", output_shape=(None, 10))
    <SparseCategoricalAccuracy name=accuracy>
    >>> resolve("mse", output_shape=(None, 1))
    <MeanSquaredError name=mse>
    """
    if identifier is None:
        raise ValueError("Expected metric, received `None`")
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"):
        if output_shape is not None and output_shape[-1:] == (1,):
            return BinaryAccuracy(name=identifier, threshold=0.0 if from_logits else 0.5)
        if target_shape is not None and output_shape is not None:
            sparse = len(target_shape) < len(output_shape) or (
                target_shape[-1:] == (1,) and output_shape[-1] != 1)
        else:
            sparse = label_kind == "sparse"
        if sparse:
            return SparseCategoricalAccuracy(name=identifier)
        if label_kind == "binary" and output_shape is None:
            return BinaryAccuracy(name=identifier, threshold=0.0 if from_logits else 0.5)
        return CategoricalAccuracy(name=identifier)
    metric = get(identifier)
    if isinstance(identifier, str):
        name = identifier
    else:
        name = getattr(metric, "name", None) or _snake_case(
            getattr(metric, "__name__", type(metric).__name__))
    if not isinstance(metric, Metric):
        metric = MeanMetricWrapper(metric)
    metric.name = name
    return metric


__test__ = docstring_tests(globals())
