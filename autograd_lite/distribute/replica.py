"""A replica of data-parallel training: a copy of the model that computes the gradient of the loss on
its slice of each global batch, and holds nothing it cannot rebuild.

A replica is made from a copy of the model (without its optimizer, history and compiled steps),
pickled where it goes to another process, and the training data, all given to its constructor, so
a replica that dies can be made again from the same arguments (Ray re-runs the constructor when it
restarts an actor).
Each step it receives the driver's weights and the rows of its slice, and returns
:class:`SliceResult`: the gradient of the mean loss over the slice, the sum of the losses, the
number of rows and the predictions (for the driver's metrics). It is stateless between steps: the
weights come with every call, and the random draws of a step (dropout) come from a generator
seeded by ``(entropy, epoch, batch, rank)``, so a step that is retried draws the same numbers.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .. import backend
from ..engine import data_of, no_grad
from ..nn import _fit_data
from ..random import get_rng_state, manual_seed, set_rng_state

__all__ = ["Replica", "SliceResult", "without_driver_state"]

_host = backend.host_namespace
#: what a replica is not sent: the driver's optimizer, history and compiled steps
_DRIVER_ONLY = ("optimizer", "history", "_step_functions", "_optimizer_spec")


@dataclass
class SliceResult:
    """What a replica returns for its slice of ``n`` rows: each parameter's gradient of the slice's
    mean loss (None where it has none), ``n`` times that mean loss (and each output's, for several),
    and the predictions (an array, or a list for several outputs)."""

    gradients: list[Any]
    loss_sum: float
    output_loss_sums: tuple[float | None, ...]
    n: int
    predictions: Any


@contextmanager
def without_driver_state(model: Any) -> Iterator[Any]:
    """The model, for the block, without the parts only the driver keeps (its optimizer, history and
    compiled steps), to be copied or pickled for the replicas; put back after."""
    kept = {name: model.__dict__[name] for name in _DRIVER_ONLY if name in model.__dict__}
    try:
        for name in kept:
            model.__dict__[name] = {} if name == "_step_functions" else None
        yield model
    finally:
        model.__dict__.update(kept)


class Replica:
    """One replica: ``Replica(model, x, y, sample_weight, rank, entropy)``, where ``model`` is a
    copy of the driver's (see :func:`without_driver_state`) or that copy pickled.

    ``x``, ``y`` and ``sample_weight`` are the whole training set's host arrays (``sample_weight``
    with any ``class_weight`` folded in, or None); each step takes its rows of them. ``rank`` is the
    replica's place among the others and ``entropy`` the seed of the run, which together seed its
    random draws; ``use_gpu`` moves the model to ``"cuda"``.

    A step returns ``gᵢ = ∇Lᵢ``, the gradient of the mean loss ``Lᵢ`` over its ``nᵢ`` rows, and
    ``nᵢLᵢ``. For ``ŷ = x·w`` and the squared error, ``∇_w Lᵢ = (2/nᵢ) Σ (ŷ − y) x``:

    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> model = nn.Sequential(nn.Dense(1, input_dim=2))
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x, y = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0], [0.0]])
    >>> replica = Replica(model, x, y, None, rank=0, entropy=0)
    >>> kernel, bias = np.array([[0.5], [0.0]]), np.array([0.0])   # ŷ = [0.5, 1.5]: errors −0.5, 1.5
    >>> result = replica.gradients([kernel, bias], np.array([0, 1]), step=(0, 0))
    >>> [g.ravel().tolist() for g in result.gradients], result.loss_sum, result.n
    ([[4.0, 5.0], [1.0]], 2.5, 2)
    """

    def __init__(self, model: Any, x: Any, y: Any, sample_weight: Any, rank: int,
                 entropy: int, use_gpu: bool = False) -> None:
        self.model = pickle.loads(model) if isinstance(model, bytes) else model
        self.model.train(True)
        self.placement = None
        if use_gpu:
            self.model.to("cuda")
            self.placement = self.model._placement()
        self.parameters = self.model.parameters()
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.rank, self.entropy = rank, entropy

    def gradients(self, weights: list[Any], rows: Any, step: tuple[int, int]) -> SliceResult:
        """The gradient of the mean loss on ``rows`` at ``weights`` (the driver's, in the order of
        ``model.parameters()``), in step ``step = (epoch, batch)``, which seeds its random draws."""
        with no_grad():
            for parameter, value in zip(self.parameters, weights, strict=True):
                parameter.data = backend.array(value, dtype=parameter.data.dtype, device=parameter.device)
        state = get_rng_state()   # put back after: a replica in the driver's process (Local) shares it
        try:
            manual_seed(int(_host.random.SeedSequence([self.entropy, *step, self.rank]).generate_state(1)[0]))
            return self._slice_result(rows)
        finally:
            set_rng_state(state)

    def _slice_result(self, rows: Any) -> SliceResult:
        x, y, weight = (_fit_data.placed(_fit_data.take(part, rows), self.placement)
                        for part in (self.x, self.y, self.sample_weight))
        for parameter in self.parameters:
            parameter.grad = None
        loss, predictions, output_losses = self.model._test_computation(x, y, weight)
        loss.backward()
        n = len(rows)
        return SliceResult(
            gradients=[None if p.grad is None else backend.to_host(p.grad) for p in self.parameters],
            loss_sum=float(data_of(loss)) * n,
            output_loss_sums=tuple(None if value is None else float(data_of(value)) * n
                                   for value in output_losses),
            n=n,
            predictions=[backend.to_host(data_of(p)) for p in predictions] if isinstance(predictions, list)
            else backend.to_host(data_of(predictions)))

    def process_id(self) -> int:
        """The operating-system id of the process the replica runs in (to find it, or kill it in a test)."""
        return os.getpid()
