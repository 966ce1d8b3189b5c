"""The driver of data-parallel ``fit``: what ``fit(distribute=strategy)`` does in place of
:meth:`~autograd_lite.nn.Model.train_step`.

Each step of a global batch of ``N`` rows:

1. the driver sends its weights and the batch's row indices (the data went once, at the start);
2. replica ``i`` returns the gradient ``gᵢ`` of the mean loss over its ``nᵢ`` rows;
3. the driver writes ``Σ gᵢnᵢ / Σ nᵢ`` into each parameter's ``.grad`` and calls the optimizer's
   unchanged ``step``.

For a loss that is a mean over the samples (every Keras loss, reduction ``"sum_over_batch_size"``)
``Σ gᵢnᵢ / N`` is the gradient of the global batch's loss, so the weights follow one-process ``fit``
to round-off. Two things break that equality, and are refused rather than trained wrongly: a layer
that updates buffers in training (batch normalization's statistics, which would be each replica's,
from its slice, and never reach the driver), checked before anything changes; and a loss that is
not a mean over the samples (``reduction="sum"``), caught by the first step's check against the
global batch's gradient on the driver (for a model with dropout, whose replicas draw their own
masks, against the global batch's loss in evaluation mode). Dropout trains, with each replica's own
draws.

The first step (with ``check``) also times a local step on the driver; when the distributed steps
of a batch that size that follow are slower, ``fit`` warns once, with the numbers: distributing
pays only for large models and global batches (see the docs' "Training on many machines").
"""

from __future__ import annotations

import copy
import statistics
import time
import warnings
from collections.abc import Iterator
from typing import Any

from .. import backend
from ..engine import data_of, no_grad
from ..nn._fit_data import ArraySource, placed, take
from ..nn._model_checks import is_built, probing
from ..nn.module import training_mode
from ..random import get_generator, get_rng_state, set_rng_state
from .replica import SliceResult, without_driver_state
from .strategy import Strategy, slices

__all__ = ["DataParallel"]

_host = backend.host_namespace
#: the distributed steps timed, after the first, before fit says whether distributing pays
TIMED_STEPS = 3


class DataParallel:
    """``fit``'s data-parallel steps on ``strategy``, for a model and its checked array data."""

    def __init__(self, model: Any, strategy: Strategy, training: ArraySource, seed: int | None) -> None:
        self.model, self.strategy, self.training = model, strategy, training
        #: the training set's host arrays: x, y and the sample weights (class weights folded in)
        self.arrays = (training.x, training.y, training.sample_weight)
        # the replicas' random draws: from the fit's seed, else from the global generator (read, not
        # advanced), so that ag.manual_seed makes a distributed fit repeat as it does one process's
        self.entropy = seed if seed is not None else int(copy.deepcopy(get_generator()).integers(2 ** 63))
        self.checked = not strategy.check
        self.local_seconds: float | None = None
        self.timed_rows = 0
        self.step_seconds: list[float] = []
        self.warned = False

    @classmethod
    def checked_for(cls, model: Any, strategy: object, training: object, seed: int | None) -> DataParallel:
        """The driver, once the arguments are checked; nothing has changed if this raises."""
        name = type(strategy).__name__
        if isinstance(strategy, type) and issubclass(strategy, Strategy):
            raise TypeError(f"fit: distribute must be a strategy, not the class {strategy.__name__}: call "
                            f"it, as in distribute={strategy.__name__}(num_workers=2)")
        if not isinstance(strategy, Strategy):
            raise TypeError(f"fit: distribute must be a strategy of autograd_lite.distribute (Ray(...), "
                            f"Local(...)) or None, not {name}")
        if not isinstance(training, ArraySource):
            raise ValueError(f"fit: distribute={name}(...) needs the data as arrays (x and y), which go to "
                             f"the replicas once; a generator or DataLoader would send every batch")
        if _overrides_train_step(model):
            raise ValueError(f"fit: distribute={name}(...) runs Model's own train_step on the replicas, but "
                             f"{type(model).__name__} overrides train_step")
        strategy.require_engine()
        _refuse_updated_buffers(model, training, name)
        return cls(model, strategy, training, seed)

    # ---- fit's hooks ------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the replicas, each with a copy of the (built) model and the training data."""
        with without_driver_state(self.model) as model:
            self.strategy.setup(model, self.arrays, self.entropy)

    def batches(self, batch_size: int, shuffle: bool, rng: Any) -> Iterator[Any]:
        """One epoch's global batches as row indices, in the order one-process ``fit`` takes them."""
        for rows in self.training.rows(batch_size, shuffle, rng):
            yield _host.arange(rows.start, rows.stop) if isinstance(rows, slice) else rows

    def train_step(self, rows: Any, epoch: int, batch: int) -> dict[str, float]:
        """One synchronous step on the global batch ``rows``; returns the logs, as ``train_step``."""
        parameters = self.model.parameters()
        start = time.perf_counter()
        results = self.strategy.gradients([backend.to_host(p.data) for p in parameters], rows, (epoch, batch))
        gradients = _combined(results, len(parameters))
        seconds = time.perf_counter() - start
        if not self.checked:
            self._check_against_local(rows, gradients)
            self.timed_rows = len(rows)
        elif self.local_seconds is not None and len(self.step_seconds) < TIMED_STEPS \
                and len(rows) == self.timed_rows:   # a batch as large as the one timed locally
            self.step_seconds.append(seconds)
            if len(self.step_seconds) == TIMED_STEPS:
                self._warn_if_slower()
        for parameter, gradient in zip(parameters, gradients):
            parameter.grad = None if gradient is None else \
                backend.array(gradient, dtype=parameter.data.dtype, device=parameter.device)
        self.model.optimizer.step()
        return self._logged(rows, results)

    def close(self) -> None:
        self.strategy.close()

    # ---- the step's parts -------------------------------------------------------------------------
    def _logged(self, rows: Any, results: list[SliceResult]) -> dict[str, float]:
        """The logs, from the slices' losses and predictions, as one process's ``train_step`` logs."""
        n = sum(result.n for result in results)
        loss = _host.asarray(sum(result.loss_sum for result in results) / n)
        heads = len(results[0].output_loss_sums)
        output_losses = tuple(None if results[0].output_loss_sums[k] is None
                              else _host.asarray(sum(r.output_loss_sums[k] for r in results) / n)
                              for k in range(heads))
        first = results[0].predictions
        if isinstance(first, list):
            predictions = [_host.concatenate([r.predictions[k] for r in results]) for k in range(len(first))]
        else:
            predictions = _host.concatenate([r.predictions for r in results])
        return self.model._logged(*self._rows_of(rows), loss, predictions, output_losses)

    def _check_against_local(self, rows: Any, gradients: list[Any]) -> None:
        """The first step: the global batch's gradient on the driver against the combined one, and
        the local step's time (the faster of two runs, so that a first call's costs do not count).
        Where the model draws random numbers (dropout), the gradients differ by design: the losses
        of the global batch and of the slices are compared instead, in evaluation mode."""
        self.checked = True
        batch = self._placed_rows(rows)
        (local, random, first), (_, _, second) = self._local_step(batch), self._local_step(batch)
        self.local_seconds = min(first, second)
        if not random:
            _compare(self.model, local, gradients, type(self.strategy).__name__)
            return
        with training_mode(self.model, False), no_grad():
            whole = float(data_of(self._loss(batch)))
            pieces = [(len(piece), float(data_of(self._loss(self._placed_rows(piece)))))
                      for piece in slices(rows, self.strategy.num_workers)]
        combined = sum(n * value for n, value in pieces) / len(rows)
        if abs(combined - whole) > 1e-8 * max(abs(whole), 1e-30):
            raise ValueError(f"fit: distribute={type(self.strategy).__name__}(...): the loss of the global "
                             f"batch, {whole:.6g}, is not the mean of its slices' losses weighted by their "
                             f"rows, {combined:.6g}: the loss is not a mean over the samples "
                             f"(reduction='sum'?), so the combined gradient would be wrong. Use a loss that "
                             f"averages over the batch, or train without distribute")

    def _rows_of(self, rows: Any) -> tuple[Any, Any, Any]:
        """``(x, y, sample_weight)`` of ``rows``, host arrays."""
        return tuple(take(part, rows) for part in self.arrays)

    def _placed_rows(self, rows: Any) -> tuple[Any, Any, Any]:
        """``(x, y, sample_weight)`` of ``rows``, on the model's device."""
        placement = self.model._placement()
        return tuple(placed(part, placement) for part in self._rows_of(rows))

    def _loss(self, batch: tuple[Any, Any, Any]) -> Any:
        x, y, weight = batch
        return self.model.compute_loss(None, y, self.model(x), weight)

    def _local_step(self, batch: tuple[Any, Any, Any]) -> tuple[list[Any], bool, float]:
        """The gradients of one local forward and backward on ``batch``, whether it drew random
        numbers, and its time; the generator and the parameters' ``.grad`` are put back."""
        parameters = self.model.parameters()
        state, before = get_rng_state(), [p.grad for p in parameters]
        try:
            start = time.perf_counter()
            for parameter in parameters:
                parameter.grad = None
            self._loss(batch).backward()
            seconds = time.perf_counter() - start
            return [None if p.grad is None else backend.to_host(p.grad) for p in parameters], \
                get_rng_state() != state, seconds
        finally:
            set_rng_state(state)
            for parameter, grad in zip(parameters, before):
                parameter.grad = grad

    def _warn_if_slower(self) -> None:
        step = statistics.median(self.step_seconds)
        if step > self.local_seconds and not self.warned:
            self.warned = True
            count = sum(int(p.data.size) for p in self.model.parameters())
            warnings.warn(f"fit: a distributed step takes {step * 1e3:.1f} ms (median of {TIMED_STEPS}), a "
                          f"local step on the same global batch about {self.local_seconds * 1e3:.1f} ms: for "
                          f"this model ({count:,} parameters) and batch, {self.strategy!r} is "
                          f"{step / self.local_seconds:.1f}× slower than one process. Distributing pays for "
                          f"larger models and global batches (see the docs, 'Training on many machines')",
                          UserWarning, stacklevel=4)


def _combined(results: list[SliceResult], count: int) -> list[Any]:
    """``Σ gᵢnᵢ / Σ nᵢ`` for each parameter, summed in rank order (so the same every run)."""
    n = sum(result.n for result in results)
    combined: list[Any] = []
    for k in range(count):
        parts = [(result.gradients[k], result.n) for result in results if result.gradients[k] is not None]
        if not parts:
            combined.append(None)
            continue
        total = parts[0][0] * parts[0][1]
        for gradient, rows in parts[1:]:
            total = total + gradient * rows
        combined.append(total / n)
    return combined


def _compare(model: Any, local: list[Any], combined: list[Any], strategy: str) -> None:
    """A ValueError naming the first parameter whose combined gradient is not the global batch's."""
    names = [name for name, _ in model.named_parameters()]
    for name, expected, got in zip(names, local, combined):
        if (expected is None) != (got is None):
            raise ValueError(f"fit: distribute={strategy}(...): the replicas give {name} "
                             f"{'no' if got is None else 'a'} gradient, the global batch "
                             f"{'none' if expected is None else 'one'}")
        if expected is None:
            continue
        scale = float(_host.max(_host.abs(expected))) if expected.size else 0.0
        difference = float(_host.max(_host.abs(got - expected))) if expected.size else 0.0
        tolerance = (1e-8 if expected.dtype == _host.float64 else 1e-3) * max(scale, 1e-30)
        if difference > tolerance:
            raise ValueError(f"fit: distribute={strategy}(...): the gradient of {name} combined from the "
                             f"replicas' slices (Σ gᵢnᵢ / Σ nᵢ) differs from the global batch's by "
                             f"{difference:.3g} (its largest entry is {scale:.3g}): the loss is not a mean "
                             f"over the samples (reduction='sum'?) or a layer mixes the samples of a batch. "
                             f"Use a loss that averages over the batch, or train without distribute")


def _overrides_train_step(model: Any) -> bool:
    from ..nn.model import Model  # noqa: PLC0415 - nn.model imports this module's package

    return type(model).train_step is not Model.train_step


def _refuse_updated_buffers(model: Any, training: ArraySource, strategy: str) -> None:
    """A ValueError if a training-mode forward on two rows changes a buffer (batch normalization's
    statistics): each replica would update its own. Run on a copy where the model is not built; the
    generator and the buffers are put back."""
    built = is_built(model)
    buffers: list[tuple[str, Any]] = []
    saved: list[Any] = []
    with probing(model) as probe:
        two_rows = placed(take(training.x, slice(0, 2)), probe._placement())
        try:
            if not built:   # build the copy's layers (and buffers) first, in evaluation mode: it updates none
                with training_mode(probe, False), no_grad():
                    probe(two_rows)
            buffers = list(probe.named_buffers())
            saved = [_host.array(backend.to_host(data_of(buffer))) for _, buffer in buffers]
            with training_mode(probe, True), no_grad():
                probe(two_rows)
            changed = [name for (name, buffer), old in zip(buffers, saved)
                       if not _host.array_equal(backend.to_host(data_of(buffer)), old)]
        finally:
            with no_grad():
                for (_, buffer), old in zip(buffers, saved):
                    buffer.data = backend.array(old, dtype=buffer.data.dtype, device=buffer.device)
    if changed:
        raise ValueError(f"fit: distribute={strategy}(...) cannot train a model whose layers update buffers "
                         f"in training ({', '.join(changed)}): each replica would update its own copy from "
                         f"its slice, and the driver's would never change. Train it without distribute")
