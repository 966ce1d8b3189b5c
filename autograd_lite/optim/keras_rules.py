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
from ..typing import Data
from .base import ParamGroup
from .optimizers import Adagrad, Adam, AdamW, RMSprop, State, _adagrad_update, _adam_update, _rmsprop_update

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
        return _rmsprop_update(param, grad, state, group, keras_rule=True)


class KerasAdagrad(Adagrad):
    """Adagrad with Keras' ε (see the module's docstring)."""

    def _update(self, param: Data, grad: Data, state: State, group: ParamGroup) -> Data:
        return _adagrad_update(param, grad, state, group, keras_epsilon=True)
