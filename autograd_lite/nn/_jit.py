"""Keras' ``jit_compile`` for ``fit``: the computation of each training step, compiled.

:meth:`Model.train_step` splits in two, as Keras' JAX back end splits it: the *computation* — the
forward pass, the loss, ``zero_grad``, ``backward`` and the optimizer's step — which
:func:`autograd_lite.compile` traces once per batch shape and replays, and the *bookkeeping* — the
loss tracker, the metrics, the logs — which stays eager Python on the replay's outputs. With
``jit_compile="auto"`` (the default) a model whose step cannot be compiled (dropout draws random
numbers on each step, batch normalization updates its statistics in place) trains eagerly, as Keras
falls back where XLA cannot compile; ``jit_compile=True`` says so in a warning; ``False`` and
``run_eagerly=True`` never compile.
"""

from __future__ import annotations

from typing import Any

__all__ = ["train_function"]


def train_function(model: Any) -> Any:
    """The function ``(x, y, sample_weight, optimizer) -> (loss, y_pred, output losses)``
    that ``model``'s ``train_step`` calls: compiled, or the model's own computation as it is."""
    mode = model.__dict__.get("_jit_compile", "auto")
    if mode is False:
        return model._train_computation
    from ..compiler import CompiledFunction

    return CompiledFunction(model._train_computation, guard_globals=False,
                            static_argnames=("optimizer",),
                            fallback="warn" if mode is True else True)
