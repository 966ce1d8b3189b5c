"""How ``fit(distribute=...)`` reaches its replicas: the :class:`Strategy` interface, and
:class:`Local`, which runs the replicas one after another in this process.

A strategy does three things, and ``fit`` knows nothing else of it (so an MPI strategy, say, needs
no change to ``fit``):

- :meth:`Strategy.setup` starts the replicas from a copy of the model and the training data, sent
  once;
- :meth:`Strategy.gradients` sends the weights and one global batch's row indices, and returns each
  replica's :class:`~autograd_lite.distribute.replica.SliceResult` (in rank order);
- :meth:`Strategy.close` stops them.

The driver (:mod:`autograd_lite.distribute.data_parallel`) combines the results, keeps the
optimizer, and runs the callbacks.
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from typing import Any

from .. import backend
from .._checks import boolean, integer
from .replica import Replica, SliceResult

__all__ = ["Local", "Strategy", "TrainingData", "slices"]

_host = backend.host_namespace
#: the training set's host arrays, as a replica's constructor takes them: x, y, sample_weight
TrainingData = tuple[Any, Any, Any]


def slices(rows: Any, count: int) -> list[Any]:
    """``rows`` cut into ``count`` contiguous slices of sizes differing by at most one, the empty
    ones (a batch smaller than ``count``) left out.

    >>> [piece.tolist() for piece in slices(__import__("numpy").arange(5), 2)]
    [[0, 1, 2], [3, 4]]
    """
    return [piece for piece in _host.array_split(rows, count) if len(piece)]


class Strategy(ABC):
    """Where data-parallel ``fit`` runs its replicas. ``num_workers`` replicas each compute the
    gradient on one slice of every global batch; ``check`` makes the first step also run on the
    driver, to check the combined gradient against the global batch's and to time a local step."""

    def __init__(self, num_workers: int, check: bool = True) -> None:
        self.num_workers = integer(num_workers, "num_workers", type(self).__name__, minimum=1)
        self.check = boolean(check, "check", type(self).__name__)

    def require_engine(self) -> None:
        """Raise ImportError, with the command that installs it, if the engine the strategy runs on
        is missing; ``fit`` calls it before anything changes. (Nothing to check for :class:`Local`.)"""
        return None

    @abstractmethod
    def setup(self, model: Any, data: TrainingData, entropy: int) -> None:
        """Start the replicas: ``Replica(copy, *data, rank, entropy)`` for each rank, where ``copy`` is
        a copy of ``model`` (the driver's, without its optimizer: see
        :func:`~autograd_lite.distribute.replica.without_driver_state`), or that copy pickled."""

    @abstractmethod
    def gradients(self, weights: list[Any], rows: Any, step: tuple[int, int]) -> list[SliceResult]:
        """Each replica's result for its slice of ``rows`` (see :func:`slices`) at the driver's
        ``weights`` (host arrays in ``model.parameters()`` order), in rank order."""

    @abstractmethod
    def close(self) -> None:
        """Stop the replicas (``fit`` calls it when it ends, however it ends)."""


class Local(Strategy):
    """Data-parallel ``fit`` with its replicas in this process, one after another: the same
    slicing and combining as on a cluster, with nothing to install — to check that a model trains
    the same when distributed, before renting machines.

    >>> import numpy as np
    >>> from autograd_lite import distribute, nn
    >>> def trained(strategy):
    ...     nn.manual_seed(0)
    ...     model = nn.Sequential(nn.Dense(3, activation="tanh", input_dim=2), nn.Dense(1))
    ...     model.compile(optimizer="adam", loss="mse")
    ...     x = np.random.default_rng(0).normal(size=(64, 2))
    ...     model.fit(x, x[:, :1] * x[:, 1:], batch_size=32, epochs=2, verbose=0, seed=0,
    ...               distribute=strategy)
    ...     return model.get_weights()
    >>> alone, split = trained(None), trained(distribute.Local(num_workers=3))
    >>> max(float(np.max(np.abs(a - b))) for a, b in zip(alone, split)) < 1e-12
    True
    """

    def __init__(self, num_workers: int = 2, check: bool = True) -> None:
        super().__init__(num_workers, check)
        self.replicas: list[Replica] = []

    def setup(self, model: Any, data: TrainingData, entropy: int) -> None:
        self.replicas = [Replica(copy.deepcopy(model), *data, rank, entropy)
                         for rank in range(self.num_workers)]

    def gradients(self, weights: list[Any], rows: Any, step: tuple[int, int]) -> list[SliceResult]:
        return [replica.gradients(weights, piece, step)
                for replica, piece in zip(self.replicas, slices(rows, self.num_workers))]

    def close(self) -> None:
        self.replicas = []

    def __repr__(self) -> str:
        return f"Local(num_workers={self.num_workers})"
