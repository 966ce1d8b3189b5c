"""The data of ``fit``, ``evaluate`` and ``predict``, as batches: from arrays (cut on the host, in order or
shuffled), or from any iterable of batches (a generator, a :class:`~autograd_lite.data.DataLoader`), as
Keras 3's data adapters give them.

A batch is handed to the steps as Keras hands it: ``(x, y)``, ``(x, y, sample_weight)`` when there
are sample weights, ``(x,)`` for ``predict``; ``x`` is one array or a list of arrays (a model with
several inputs). Array data is checked (by the model)
before the first batch is made; batches from an iterable are converted and checked one by one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .. import backend
from ..backend import ndarray
from ..engine import data_of
from ..typing import ArrayLike
from .module import Placement

_host = backend.host_namespace  # the data's host side: checks, shuffling, batches, logs, predict's result

#: a batch as the steps receive it: (x, y, sample_weight)
Batch = tuple[Any, ...]


def on_host(data: ArrayLike) -> ndarray:
    """The data as a NumPy array: NumPy's as it is, another library's (or a tensor's) as a host copy."""
    data = data_of(data)
    return backend.to_host(data) if backend.is_array(data) else _host.asarray(data)


def placed(batch: Any, placement: Placement) -> Any:
    """A host batch (an array, a list of arrays, or None) on the model's device; NumPy's as it is."""
    if batch is None or placement is None:
        return batch
    if isinstance(batch, list):
        return [placed(item, placement) for item in batch]
    xp, device = placement
    return backend.array(batch, device=device, xp=xp)


def is_batch_source(x: object) -> bool:
    """Whether ``x`` gives batches (a generator, an iterator, a DataLoader, any iterable that is not
    an array, a list or a tuple) rather than being the samples' inputs."""
    if x is None or isinstance(x, (list, tuple, str, bytes, Mapping)) or backend.is_array(data_of(x)):
        return False
    return hasattr(x, "__iter__") or hasattr(x, "__next__")


def take(structure: Any, rows: Any) -> Any:
    """The rows ``rows`` (a slice or index array) of an array, or of each array of a list."""
    if structure is None:
        return None
    if isinstance(structure, list):
        return [item[rows] for item in structure]
    return structure[rows]


def batch_tuple(x: Any, y: Any, sample_weight: Any) -> tuple[Any, ...]:
    """What a step receives, as Keras hands it: ``(x,)`` with no targets, ``(x, y)`` without sample
    weights, else ``(x, y, sample_weight)``."""
    if y is None:
        return (x,)
    return (x, y) if sample_weight is None else (x, y, sample_weight)


def unpack(where: str, batch: object) -> Batch:
    """``(x, y, sample_weight)`` of a batch an iterable gave, as Keras' ``unpack_x_y_sample_weight``:
    a tuple or list ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``, or ``x`` alone; each converted to
    host arrays (an ``x`` that is itself a tuple or list is a model's several inputs)."""
    items = tuple(batch) if isinstance(batch, (tuple, list)) else (batch,)
    if not 1 <= len(items) <= 3:
        raise ValueError(f"{where}: each batch must be x, (x, y) or (x, y, sample_weight), but one has "
                         f"{len(items)} items")
    x, y, sample_weight = (*items, None, None)[:3]
    x = [on_host(item) for item in x] if isinstance(x, (tuple, list)) else on_host(x)
    y = [on_host(item) for item in y] if isinstance(y, (tuple, list)) else None if y is None else on_host(y)
    return x, y, None if sample_weight is None else on_host(sample_weight)


class BatchStream:
    """The batches of an iterable, epoch after epoch, as Keras reads a generator or a dataset.

    An iterable that can be iterated again (a DataLoader, a list of batches) starts afresh at each
    epoch unless ``steps`` stops it earlier; an iterator (a generator) is one stream, continued
    from epoch to epoch, so ``steps`` batches are taken from it each time (all that are left for
    ``None``). The first batch can be read before training (:meth:`peek`) to check it.
    """

    def __init__(self, source: Iterable[Any], steps: int | None, where: str) -> None:
        self.source, self.steps, self.where = source, steps, where
        self.restartable = not hasattr(source, "__next__")
        self._iterator: Iterator[Any] | None = None
        self._peeked: list[Batch] = []

    def _next_iterator(self) -> Iterator[Any]:
        if self._iterator is None or self.restartable:
            self._iterator = iter(self.source)
        return self._iterator

    def peek(self) -> Batch:
        """The first batch, which the first epoch then still gives."""
        if not self._peeked:
            iterator = self._next_iterator()
            try:
                self._peeked.append(unpack(self.where, next(iterator)))
            except StopIteration:
                raise ValueError(f"{self.where}: the data gave no batches") from None
        return self._peeked[0]

    def epoch(self) -> Iterator[Batch]:
        """One epoch's batches: ``steps`` of them, or until the data runs out."""
        if self._peeked:
            iterator, first = self._iterator, self._peeked.pop()
        else:
            iterator, first = self._next_iterator(), None
        taken = 0
        if first is not None:
            taken += 1
            yield first
        while self.steps is None or taken < self.steps:
            try:
                batch = next(iterator)
            except StopIteration:
                return
            taken += 1
            yield unpack(self.where, batch)


def class_weights_to_sample_weights(where: str, y: ndarray, class_weight: Mapping[Any, float]) -> ndarray:
    """Each sample's weight from its class, as Keras: the class is the label (rounded), the argmax of
    a one-hot row, or a column of one; classes not in ``class_weight`` weigh 1."""
    if not isinstance(class_weight, Mapping):
        raise TypeError(f"{where}: class_weight must be a dict from class index to weight, not "
                        f"{type(class_weight).__name__}")
    for key, value in class_weight.items():
        if isinstance(key, bool) or not isinstance(key, (int, _host.integer)):
            raise TypeError(f"{where}: class_weight keys must be class indices (ints), not {key!r}")
        if isinstance(value, bool) or not isinstance(value, (int, float, _host.integer, _host.floating)):
            raise TypeError(f"{where}: class_weight[{key}] must be a number, not {value!r}")
    labels = y
    if labels.ndim > 1:
        labels = _host.argmax(labels, axis=-1) if labels.shape[-1] != 1 else labels[..., 0]
    labels = _host.round(labels).astype(_host.int64).reshape(len(y), -1)[:, 0]
    return _host.asarray([float(class_weight.get(int(label), 1.0)) for label in labels])


def checked_sample_weight(where: str, sample_weight: ArrayLike, samples: int) -> ndarray:
    """``sample_weight`` as one finite, non-negative float per sample."""
    weights = on_host(sample_weight)
    if weights.dtype.kind not in "biuf":
        raise TypeError(f"{where}: sample_weight must hold numbers, not {weights.dtype}")
    weights = weights.astype(_host.float64)
    if weights.ndim == 2 and weights.shape[1] == 1:
        weights = weights[:, 0]
    if weights.shape != (samples,):
        raise ValueError(f"{where}: sample_weight must have one weight per sample, shape ({samples},); got "
                         f"shape {weights.shape}")
    if not _host.isfinite(weights).all() or (weights < 0).any():
        raise ValueError(f"{where}: sample_weight must be finite and non-negative")
    return weights


def reject_non_finite(array: ndarray, name: str, where: str) -> None:
    """A ValueError naming the first NaN or infinite entry of ``array``, if it has one."""
    if array.dtype.kind == "f":
        bad = ~_host.isfinite(array)
        if bad.any():
            first = _host.argwhere(bad)[0].tolist()
            raise ValueError(f"{where}: {name} contains {int(bad.sum())} NaN or infinite value(s), the "
                             f"first at index {first}; clean or impute the data first")


class ArraySource:
    """Checked host arrays — ``x`` (one array or a list), ``y``, ``sample_weight`` — as batches.
    ``class_factor`` is each sample's class weight (``fit``'s ``class_weight``), kept apart because
    it weighs training only: the samples ``validation_split`` holds out keep their sample weights,
    not their class weights, as in Keras."""

    held_out: ArraySource | None = None   # the samples validation_split held out, if any

    def __init__(self, x: Any, y: ndarray | None, sample_weight: ndarray | None,
                 class_factor: ndarray | None = None) -> None:
        self.x, self.y, self.class_factor = x, y, class_factor
        self.user_weight = sample_weight
        self.sample_weight = sample_weight if class_factor is None else \
            class_factor if sample_weight is None else sample_weight * class_factor

    def samples(self) -> int:
        return len(self.x[0]) if isinstance(self.x, list) else len(self.x)

    def first_x(self) -> Any:
        return self.x

    def steps(self, batch_size: int) -> int:
        return -(-self.samples() // batch_size)

    def batches(self, batch_size: int, shuffle: bool, rng: Any, placement: Placement) -> Iterator[Batch]:
        """An epoch's batches, on the model's device."""
        for rows in self.rows(batch_size, shuffle, rng):
            yield batch_tuple(*(placed(take(part, rows), placement)
                                for part in (self.x, self.y, self.sample_weight)))

    def rows(self, batch_size: int, shuffle: bool, rng: Any) -> Iterator[slice | ndarray]:
        """The rows of each batch of an epoch: slices in order, or index arrays of a shuffled order
        (one permutation of ``rng`` an epoch); the last batch has what is left."""
        count = self.samples()
        order = rng.permutation(count) if shuffle else None
        for start in range(0, count, batch_size):
            yield slice(start, min(start + batch_size, count)) if order is None \
                else order[start:start + batch_size]

    def skip_shuffles(self, epochs: int, rng: Any) -> None:
        """Draw the ``epochs`` shuffles an uninterrupted ``fit`` would have drawn before, so that one
        resumed at ``initial_epoch`` with the same seed shuffles as it would have."""
        for _ in range(epochs):
            rng.permutation(self.samples())

    def split(self, keep: float, validation_split: float) -> ArraySource:
        """The first ``keep`` of the samples, holding the rest out (``held_out``), as Keras'
        ``validation_split`` does: the last samples, before any shuffling."""
        count = self.samples()
        cut = int(count * keep)
        if not 0 < cut < count:
            raise ValueError(f"fit: validation_split={validation_split} of {count} samples leaves {cut} for "
                             f"training and {count - cut} for validation; both need at least one: give "
                             f"more data or another validation_split")
        first, rest = slice(0, cut), slice(cut, count)
        kept = ArraySource(take(self.x, first), take(self.y, first), take(self.user_weight, first),
                           take(self.class_factor, first))
        kept.held_out = ArraySource(take(self.x, rest), take(self.y, rest), take(self.user_weight, rest))
        return kept


class StreamSource:
    """The batches of an iterable (see :class:`BatchStream`), each ``y`` given the shape that the
    first batch's check found (``y_shape``, per sample), and class weights applied."""

    held_out = None

    def __init__(self, stream: BatchStream, y_shape: Any,
                 class_weight: Mapping[Any, float] | None, where: str) -> None:
        self.stream, self.y_shape, self.class_weight, self.where = stream, y_shape, class_weight, where

    def samples(self) -> int:
        x = self.stream.peek()[0]
        return len(x[0]) if isinstance(x, list) else len(x)

    def first_x(self) -> Any:
        return self.stream.peek()[0]

    def steps(self, batch_size: int) -> int | None:
        if self.stream.steps is not None:
            return self.stream.steps
        return len(self.stream.source) if hasattr(self.stream.source, "__len__") else None

    def skip_shuffles(self, epochs: int, rng: Any) -> None:
        """Nothing: an iterable's batches come as it gives them, unshuffled by ``fit``."""

    def batches(self, batch_size: int, shuffle: bool, rng: Any, placement: Placement) -> Iterator[Batch]:
        for x, y, sample_weight in self.stream.epoch():
            if y is not None and self.y_shape is not None:   # as the first batch's check reshaped it
                y = [_reshaped(t, shape) for t, shape in zip(y, self.y_shape)] if isinstance(y, list) \
                    else _reshaped(y, self.y_shape)
            if self.class_weight is not None and y is not None:
                by_class = class_weights_to_sample_weights(self.where, y, self.class_weight)
                sample_weight = by_class if sample_weight is None else sample_weight * by_class
            yield batch_tuple(placed(x, placement), placed(y, placement), placed(sample_weight, placement))


def _reshaped(y: ndarray, shape: tuple[int, ...]) -> ndarray:
    """``y`` with samples of ``shape``, if it holds as many numbers per sample (an axis of 1 added
    or removed); else as it is, for the loss to report."""
    if y.shape[1:] != shape and math.prod(y.shape[1:]) == math.prod(shape):
        return y.reshape((len(y), *shape))
    return y


#: what fit, evaluate and predict read batches from
Source = ArraySource | StreamSource
