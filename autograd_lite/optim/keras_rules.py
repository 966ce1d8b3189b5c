"""Keras 3's update rules where they differ from PyTorch's: where ε enters Adam, RMSprop and Adagrad,
and RMSprop's momentum taken with the learning rate inside.

``compile(optimizer="adam")`` and :mod:`autograd_lite.keras.optimizers` make these, so that a Keras
model trained here follows Keras' steps to round-off. Each is its PyTorch namesake (the same
arguments, state and checkpoints) with Keras' rule for one parameter:

* Adam, AdamW:  θ ← θ − γ·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε)    (PyTorch: γ m̂ / (√v̂ + ε))
* RMSprop:      θ ← θ − γ g / √(v + ε)  (centered: √(v − ḡ² + ε)); with momentum μ,
  b ← μb + γ g / √(…), θ ← θ − b                                   (PyTorch: g / (√v + ε), γ outside b)
* Adagrad:      θ ← θ − γ g / √(s + ε)                              (PyTorch: g / (√s + ε))

>>> from autograd_lite import Tensor
>>> w = Tensor([1.0, -2.0], requires_grad=True)
>>> optimizer = KerasAdagrad([w], lr=0.5, initial_accumulator_value=0.0, eps=0.0)
>>> (w * w).sum().backward()
>>> optimizer.step()                    # s = g², so each entry moves by γ
>>> w.data
array([ 0.5, -1.5])
"""

from __future__ import annotations

from .. import backend
from ..backend import ndarray
from ..typing import Data
from .base import ParamGroup
from .optimizers import Adagrad, Adam, AdamW, RMSprop, State, _adam_update

__all__ = ["KerasAdagrad", "KerasAdam", "KerasAdamW", "KerasRMSprop"]

_host = backend.host_namespace


class KerasAdam(Adam):
    """Adam with Keras' ε (see the module's docstring)."""

    def _update(self, param: Data, grad: Data, state: State, group: ParamGroup) -> Data:
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param
        return _adam_update(param, grad, state, group, keras_epsilon=True)


class KerasAdamW(AdamW):
    """AdamW with Keras' ε: the decay θ ← θ − γλθ first, as Keras' and PyTorch's."""

    def _update(self, param: Data, grad: Data, state: State, group: ParamGroup) -> Data:
        param *= 1 - group["lr"] * group["weight_decay"]
        return _adam_update(param, grad, state, group, keras_epsilon=True)


class KerasRMSprop(RMSprop):
    """RMSprop with Keras' ε and momentum (see the module's docstring)."""

    def _update(self, param: Data, grad: Data, state: State, group: ParamGroup) -> Data:
        xp = _host if param.__class__ is ndarray else backend.namespace(param)
        alpha, momentum = group["alpha"], group["momentum"]
        if not state:
            state["square_avg"] = xp.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = xp.zeros_like(param)
            if momentum > 0:
                state["momentum_buffer"] = xp.zeros_like(param)
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param
        v = state["square_avg"] = alpha * state["square_avg"] + (1 - alpha) * grad**2
        if group["centered"]:
            g_avg = state["grad_avg"] = alpha * state["grad_avg"] + (1 - alpha) * grad
            v = v - g_avg**2
        increment = group["lr"] * grad / xp.sqrt(v + group["eps"])
        if momentum > 0:
            increment = state["momentum_buffer"] = momentum * state["momentum_buffer"] + increment
        param -= increment
        return param


class KerasAdagrad(Adagrad):
    """Adagrad with Keras' ε (see the module's docstring)."""

    def _update(self, param: Data, grad: Data, state: State, group: ParamGroup) -> Data:
        xp = _host if param.__class__ is ndarray else backend.namespace(param)
        if not state:
            state["step"] = 0
            state["sum"] = xp.full_like(param, group["initial_accumulator_value"])
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param
        lr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        s = state["sum"]
        s += grad**2
        state["sum"] = s
        param -= lr * grad / xp.sqrt(s + group["eps"])
        return param
