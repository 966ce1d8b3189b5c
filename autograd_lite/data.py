"""Datasets and batches in the style of PyTorch's ``torch.utils.data``: ``Dataset``, ``TensorDataset``,
``Subset``, ``random_split`` and ``DataLoader``, shuffled from the package's one generator.

>>> import numpy as np
>>> import autograd_lite as ag
>>> from autograd_lite.data import DataLoader, TensorDataset
>>> X, y = np.arange(20.0).reshape(10, 2), np.arange(10) % 2
>>> ag.manual_seed(0)
>>> loader = DataLoader(TensorDataset(X, y), batch_size=4, shuffle=True)
>>> len(loader), [xb.shape for xb, yb in loader]
(3, [(4, 2), (4, 2), (2, 2)])

A batch is what the samples are, stacked along a new first axis: NumPy arrays (and numbers) give
NumPy arrays, tensors give a :class:`~autograd_lite.Tensor`, arrays of another library an array of
it; a sample that is a tuple, list or dict gives a batch of the same kind, each field stacked. The
shuffled order is drawn from the package's generator (:mod:`autograd_lite.random`, seeded by
``ag.manual_seed``) afresh at the start of each pass, so a seed makes every epoch reproducible.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from . import backend
from ._checks import boolean, integer, invalid
from .backend import ndarray
from .random import get_generator
from .tensor import Tensor
from .tensor_ops import stack

__all__ = ["DataLoader", "Dataset", "Subset", "TensorDataset", "default_collate", "random_split"]

_host = backend.host_namespace  # indices and shuffles are made on the host


class Dataset:
    """A map-style dataset: ``dataset[i]`` is the ``i``-th sample, ``len(dataset)`` how many there
    are. Subclass it and define both, as in PyTorch.

    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 5
    ...     def __getitem__(self, i):
    ...         return float(i), float(i * i)
    >>> next(iter(DataLoader(Squares(), batch_size=5)))
    (array([0., 1., 2., 3., 4.]), array([ 0.,  1.,  4.,  9., 16.]))
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


class TensorDataset(Dataset):
    """Samples that are rows of arrays or tensors of equal first dimension: ``dataset[i]`` is
    ``(a[i], b[i], ...)``.

    >>> TensorDataset(np.zeros((3, 2)), np.arange(3))[1]
    (array([0., 0.]), np.int64(1))
    """

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset: give at least one array or tensor")
        arrays = []
        for position, tensor in enumerate(tensors):
            if not (isinstance(tensor, Tensor) or backend.is_array(tensor)):
                try:
                    tensor = _host.asarray(tensor)
                except (TypeError, ValueError) as error:
                    raise TypeError(f"TensorDataset: argument {position} is not an array: {error}") from None
            if len(tensor.shape) == 0:
                raise ValueError(f"TensorDataset: argument {position} is a 0-d array; each needs a first "
                                 f"dimension, the samples")
            arrays.append(tensor)
        if len({t.shape[0] for t in arrays}) > 1:
            raise ValueError(f"TensorDataset: size mismatch between tensors: every first dimension must be "
                             f"the number of samples, but the shapes are {[tuple(t.shape) for t in arrays]}")
        self.tensors = tuple(arrays)

    def __getitem__(self, index: Any) -> tuple[Any, ...]:
        return tuple(tensor[index] for tensor in self.tensors)

    def __len__(self) -> int:
        return int(self.tensors[0].shape[0])

    def _rows(self, indices: ndarray) -> tuple[Any, ...]:
        """The samples at ``indices`` (a host array of ints), each array indexed once."""
        return tuple(_taken(tensor, indices) for tensor in self.tensors)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order.

    >>> part = Subset(TensorDataset(np.arange(5.0)), [4, 0])
    >>> len(part), part[0]
    (2, (np.float64(4.0),))
    """

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = [integer(i, "indices", "Subset") for i in indices]

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, list):
            return [self.dataset[self.indices[i]] for i in index]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset: Dataset, lengths: Sequence[int | float], generator: Any = None) -> list[Subset]:
    """Split ``dataset`` at random into :class:`Subset` s of the given ``lengths``, as PyTorch's: counts
    that sum to ``len(dataset)``, or fractions that sum to 1 (each part gets ``floor(fraction · n)``,
    and what is left is dealt out one by one from the first part on).

    >>> ag.manual_seed(0)
    >>> [len(part) for part in random_split(TensorDataset(np.arange(10)), [0.7, 0.3])]
    [7, 3]
    """
    where = "random_split"
    n = _length(where, dataset)
    lengths = list(lengths)
    if any(isinstance(x, bool) or not isinstance(x, numbers.Real) for x in lengths):
        raise TypeError(invalid(where, "lengths", lengths, "a list of ints or of fractions"))
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1 and sum(lengths) != n:
        for i, fraction in enumerate(lengths):
            if not 0 <= fraction <= 1:
                raise ValueError(f"{where}: fraction at index {i} is not between 0 and 1")
        counts = [math.floor(n * fraction) for fraction in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
    elif any(x != math.floor(x) for x in lengths):
        raise ValueError(f"{where}: the fractions {lengths} sum to {sum(lengths):g}, not to 1 (fractions "
                         f"must sum to 1; counts, to the dataset's length {n})")
    else:
        counts = [integer(x, "lengths", where, minimum=0) for x in lengths]
    if sum(counts) != n:
        raise ValueError(f"{where}: the lengths {lengths} sum to {sum(counts)}, not to the dataset's "
                         f"length {n}")
    order = _generator(where, generator).permutation(n).tolist()
    parts, start = [], 0
    for count in counts:
        parts.append(Subset(dataset, order[start:start + count]))
        start += count
    return parts


class DataLoader:
    """Batches of a map-style dataset, as PyTorch's: ``for xb, yb in loader:``.

    ``batch_size`` samples are put together by ``collate_fn`` (:func:`default_collate`: stacked), the
    last batch smaller unless ``drop_last``; ``batch_size=None`` gives the samples one by one (through
    ``collate_fn`` if one is given). With ``shuffle``, each pass goes through the samples in a new
    order drawn from ``generator`` (the package's generator for ``None``, or a NumPy ``Generator``).
    ``len(loader)`` is the number of batches: ``ceil(n / batch_size)``, or ``floor`` with ``drop_last``.
    For a :class:`TensorDataset` with the default collation, each batch is taken from each array with
    one index array, rather than sample by sample and stacked (the same batches, made faster).
    """

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool = False, *,
                 drop_last: bool = False, collate_fn: Callable[[list[Any]], Any] | None = None,
                 generator: Any = None) -> None:
        where = "DataLoader"
        _length(where, dataset)
        self.batch_size = None if batch_size is None else integer(batch_size, "batch_size", where, minimum=1)
        self.shuffle = boolean(shuffle, "shuffle", where)
        self.drop_last = boolean(drop_last, "drop_last", where)
        if self.batch_size is None and self.drop_last:
            raise ValueError(f"{where}: batch_size=None gives the samples one by one, so it is mutually "
                             f"exclusive with drop_last=True (PyTorch's rule)")
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(invalid(where, "collate_fn", collate_fn, "a function of a list of samples, or "
                                    "None"))
        _generator(where, generator)
        self.dataset, self.collate_fn, self.generator = dataset, collate_fn, generator

    def __len__(self) -> int:
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        order = _generator("DataLoader", self.generator).permutation(n) if self.shuffle else _host.arange(n)
        return self._batches(order)   # the order is drawn now, when the pass starts

    def _batches(self, order: ndarray) -> Iterator[Any]:
        if self.batch_size is None:
            for index in order.tolist():
                sample = self.dataset[index]
                yield sample if self.collate_fn is None else self.collate_fn(sample)
            return
        stop = len(order) - len(order) % self.batch_size if self.drop_last else len(order)
        fast = self.collate_fn is None and isinstance(self.dataset, TensorDataset)
        collate = self.collate_fn or default_collate
        for start in range(0, stop, self.batch_size):
            indices = order[start:start + self.batch_size]
            if fast:
                yield self.dataset._rows(indices)
            else:
                yield collate([self.dataset[i] for i in indices.tolist()])


def default_collate(batch: list[Any]) -> Any:
    """Put samples together into a batch, as PyTorch's ``default_collate``: tensors are stacked into a
    :class:`~autograd_lite.Tensor`, arrays into an array of their library, numbers into a NumPy array
    (float64 for floats), and the fields of tuples, lists and dicts each on their own (a tuple stays a
    tuple, where PyTorch gives a list); strings are kept as a list.

    >>> default_collate([{"x": np.zeros(2), "y": 1}, {"x": np.ones(2), "y": 0}])
    {'x': array([[0., 0.],
           [1., 1.]]), 'y': array([1, 0])}
    """
    first = batch[0]
    if isinstance(first, Tensor):
        return stack(batch)
    if backend.is_array(first):
        return backend.namespace(first).stack(batch) if first.__class__ is not ndarray else _host.stack(batch)
    if isinstance(first, (numbers.Number, _host.generic)) and not isinstance(first, (str, bytes)):
        return _host.asarray(batch, dtype=float if isinstance(first, float) else None)
    if isinstance(first, (str, bytes)):
        return list(batch)
    if isinstance(first, Mapping):
        fields = {key: default_collate([sample[key] for sample in batch]) for key in first}
        try:
            return type(first)(fields)   # an OrderedDict stays one
        except TypeError:
            return fields
    if isinstance(first, (tuple, list)):
        if any(len(sample) != len(first) for sample in batch):
            raise RuntimeError("default_collate: each sample in the batch should have the same number of "
                               f"fields, but their lengths are {sorted({len(sample) for sample in batch})}")
        fields = [default_collate(list(samples)) for samples in zip(*batch)]
        if isinstance(first, tuple) and hasattr(first, "_fields"):   # a namedtuple
            return type(first)(*fields)
        return tuple(fields) if isinstance(first, tuple) else fields
    raise TypeError(f"default_collate: a batch must hold tensors, arrays, numbers, dicts, tuples or lists; "
                    f"found {type(first).__name__}")


def _taken(tensor: Any, indices: ndarray) -> Any:
    """The rows of ``tensor`` at the host index array ``indices``, in one indexing."""
    if isinstance(tensor, Tensor) or tensor.__class__ is ndarray:
        return tensor[indices]
    xp = backend.namespace(tensor)
    return xp.take(tensor, xp.asarray(indices, device=backend.device_of(tensor)), axis=0)


def _length(where: str, dataset: Any) -> int:
    try:
        return len(dataset)
    except (TypeError, NotImplementedError) as error:
        raise TypeError(f"{where}: the dataset must be map-style, with __len__ and __getitem__ "
                        f"(a Dataset): {error}") from None


def _generator(where: str, generator: Any) -> Any:
    """The NumPy ``Generator`` to shuffle with: the package's unless one is given."""
    if generator is None:
        return get_generator()
    if not isinstance(generator, _host.random.Generator):
        raise TypeError(invalid(where, "generator", generator, "None (the package's generator) or a "
                                "numpy.random.Generator"))
    return generator

