"""Keras' ``jit_compile``: the computation of each step of ``fit``, ``evaluate`` and ``predict``, compiled.

Each of :class:`Model`'s steps splits in two, as Keras' JAX back end splits it: the *computation* —
the forward pass, the loss and, when training, ``zero_grad``, ``backward`` and the optimizer's step
— which :func:`autograd_lite.compile` traces once per batch shape and replays, and the
*bookkeeping* — the loss trackers, the metrics, the logs — which stays eager Python on the replay's
outputs. With ``jit_compile="auto"`` (the default) a model whose computation cannot be compiled
(dropout draws random numbers on each step, batch normalization updates its statistics in place)
runs eagerly, as Keras falls back where XLA cannot compile; ``jit_compile=True`` says so in a
warning; ``False`` and ``run_eagerly=True`` never compile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["CompiledSteps"]

Computation = Callable[..., Any]


class CompiledSteps:
    """The steps' computations of a :class:`~autograd_lite.nn.Model`, and their compiled forms."""

    def _step_function(self, kind: str) -> Computation:
        """The computation ``kind`` (``"train"``, ``"test"``, ``"predict"``): compiled, unless
        ``jit_compile`` is False; made once per ``compile``."""
        functions = self.__dict__.setdefault("_step_functions", {})
        function = functions.get(kind)
        if function is None:
            computation = getattr(self, f"_{kind}_computation")
            mode = self.__dict__.get("_jit_compile", "auto")
            if mode is False:
                function = computation
            else:
                from ..compiler import CompiledFunction

                function = CompiledFunction(computation, guard_globals=False, static_argnames=("optimizer",),
                                            fallback="warn" if mode is True else True)
            functions[kind] = function
        return function

    def _train_computation(self, x: Any, y: Any, sample_weight: Any,
                           optimizer: Any) -> tuple[Any, Any, tuple[Any, ...]]:
        """A training step's computation: the loss, the predictions and each output's loss (for
        several outputs), after one step of ``optimizer``."""
        loss, y_pred, output_losses = self._test_computation(x, y, sample_weight)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss, y_pred, output_losses

    def _test_computation(self, x: Any, y: Any, sample_weight: Any) -> tuple[Any, Any, tuple[Any, ...]]:
        """An evaluation step's computation: the loss, the predictions and each output's loss."""
        y_pred = self(x)
        loss = self.compute_loss(x, y, y_pred, sample_weight)
        return loss, y_pred, self._test_computation_losses()

    def _test_computation_losses(self) -> tuple[Any, ...]:
        return tuple(self.__dict__.get("_output_losses", ())) if len(self._heads) > 1 else ()

    def _predict_computation(self, x: Any) -> Any:
        """A prediction step's computation: the outputs."""
        return self(x)
