"""The update rules: SGD, Adam, AdamW, RMSprop and Adagrad, as defined in PyTorch's ``torch.optim``.

Each rule is written for one parameter θ (the array, changed in place) with gradient g, in the
operations of the array's own library (``xp``): augmented assignments (``θ -= …``) change arrays in
place where the library can, and rebind them (the rule stores them back) where it cannot. The step
number t that Adam and Adagrad use is the parameter's own (``state["step"]``): it counts the steps
in which *that* parameter had a gradient, as in PyTorch.
"""

from __future__ import annotations

from typing import Any

from .. import backend
from .._checks import boolean, invalid, real
from ..backend import ndarray
from ..typing import Data
from .base import Optimizer, ParamGroup, Params

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "RMSprop"]

State = dict[str, Any]
_host = backend.host_namespace  # a NumPy parameter's namespace, found without a call into backend


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum, as ``torch.optim.SGD``.

    With learning rate γ, momentum μ, dampening τ and weight decay λ, at step t::

        g ← g + λθ                                      if λ ≠ 0
        if μ ≠ 0:
            b ← g                      if t = 1,  else  b ← μb + (1 − τ)g
            g ← g + μb                 if nesterov,  else  g ← b
        θ ← θ − γg

    >>> from autograd_lite import Tensor
    >>> from autograd_lite.optim import SGD
    >>> w = Tensor([1.0, -2.0], requires_grad=True)
    >>> optimizer = SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     optimizer.zero_grad()
    ...     (w * w).sum().backward()       # g = 2w
    ...     optimizer.step()
    >>> w.data                              # 0.8w, then 0.8w − 0.1(0.9·2w + 1.6w) = 0.46w
    array([ 0.46, -0.92])
    """

    _non_negative = ("lr", "momentum", "weight_decay")

    def __init__(self, params: Params, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def _validate(self, group: ParamGroup) -> None:
        super()._validate(group)
        real(group["dampening"], "dampening", "SGD")
        if boolean(group["nesterov"], "nesterov", "SGD") and (group["momentum"] <= 0 or
                                                               group["dampening"] != 0):
            raise ValueError(f"SGD: Nesterov momentum requires momentum > 0 and dampening = 0, but "
                             f"momentum={group['momentum']!r} and dampening={group['dampening']!r}")

    def _update(self, param: Data, grad: Data, state: State, group: ParamGroup) -> Data:
        momentum, weight_decay = group["momentum"], group["weight_decay"]
        if weight_decay != 0:
            grad = grad + weight_decay * param
        if momentum != 0:
            if "momentum_buffer" not in state:
                b = state["momentum_buffer"] = backend.array(grad)   # a copy
            else:
                b = state["momentum_buffer"] = momentum * state["momentum_buffer"] + \
                    (1 - group["dampening"]) * grad
            grad = grad + momentum * b if group["nesterov"] else b
        param -= group["lr"] * grad
        return param


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), optionally AMSGrad, as ``torch.optim.Adam``.

    With learning rate γ, betas (β₁, β₂), weight decay λ and ε, at step t (m, v start at 0)::

        g ← g + λθ                                      if λ ≠ 0
        m ← β₁m + (1 − β₁)g
        v ← β₂v + (1 − β₂)g²
        m̂ ← m / (1 − β₁ᵗ)
        v̂ ← v / (1 − β₂ᵗ),  or with amsgrad:  v_max ← max(v_max, v),  v̂ ← v_max / (1 − β₂ᵗ)
        θ ← θ − γ m̂ / (√v̂ + ε)

    >>> from autograd_lite import Tensor
    >>> from autograd_lite.optim import Adam
    >>> w = Tensor([1.0, -2.0], requires_grad=True)
    >>> optimizer = Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> optimizer.step()                    # the first step moves each entry by about γ
    >>> w.data
    array([ 0.9, -1.9])
    """

    _non_negative = ("lr", "eps", "weight_decay")

    def __init__(self, params: Params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad))

    def _validate(self, group: ParamGroup) -> None:
        super()._validate(group)
        name, betas = type(self).__name__, group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(invalid(name, "betas", betas, "a pair (beta1, beta2)"))
        for i, beta in enumerate(betas, start=1):
            real(beta, f"beta{i}", name, minimum=0, below=1)
        boolean(group["amsgrad"], "amsgrad", name)

    def _update(self, param: Data, grad: Data, state: State, group: ParamGroup) -> Data:
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param
        return _adam_update(param, grad, state, group)


class AdamW(Adam):
    """Adam with *decoupled* weight decay (Loshchilov & Hutter, 2019), as ``torch.optim.AdamW``.

    The decay shrinks θ directly instead of entering the gradient (so it is not rescaled by √v̂)::

        θ ← θ − γλθ
        then Adam's update of θ with the gradient g (m, v, m̂, v̂ as in :class:`Adam`, no λ in g)

    >>> from autograd_lite import Tensor
    >>> from autograd_lite.optim import AdamW
    >>> w = Tensor([1.0, -2.0], requires_grad=True)
    >>> optimizer = AdamW([w], lr=0.1, weight_decay=0.5)
    >>> (w * w).sum().backward()
    >>> optimizer.step()                    # θ(1 − 0.05), then −0.1 sign(g)
    >>> w.data
    array([ 0.85, -1.8 ])
    """

    def __init__(self, params: Params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)

    def _update(self, param: Data, grad: Data, state: State, group: ParamGroup) -> Data:
        param *= 1 - group["lr"] * group["weight_decay"]
        return _adam_update(param, grad, state, group)


def _adam_update(param: Data, grad: Data, state: State, group: ParamGroup,
                 keras_epsilon: bool = False) -> Data:
    """Adam's moment estimates and update, shared by :class:`Adam` and :class:`AdamW` (and Keras'
    Adam, which adds ε to √v before the bias correction: ``keras_epsilon``)."""
    xp = _host if param.__class__ is ndarray else backend.namespace(param)
    beta1, beta2 = group["betas"]
    if not state:
        state["step"] = 0
        state["exp_avg"] = xp.zeros_like(param)  # m
        state["exp_avg_sq"] = xp.zeros_like(param)  # v
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = xp.zeros_like(param)
    state["step"] += 1
    t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
    m *= beta1
    m += (1 - beta1) * grad                          # m ← β₁m + (1 − β₁)g
    v *= beta2
    v += (1 - beta2) * (grad * grad)                 # v ← β₂v + (1 − β₂)g²
    state["exp_avg"], state["exp_avg_sq"] = m, v
    fast = param.__class__ is ndarray   # NumPy: the temporaries below are written into (out=)
    if group["amsgrad"]:
        v_max = state["max_exp_avg_sq"]
        v = xp.maximum(v_max, v, out=v_max) if fast else xp.maximum(v_max, v)
        state["max_exp_avg_sq"] = v
    if keras_epsilon:   # Keras: lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε)
        step = xp.sqrt(v)
        step += group["eps"]
        step = xp.divide(m, step, out=step) if fast else m / step
        step *= group["lr"] * (1 - beta2**t) ** 0.5 / (1 - beta1**t)
    else:
        step = xp.sqrt(v / (1 - beta2**t))           # √v̂
        step += group["eps"]
        step = xp.divide(m, step, out=step) if fast else m / step
        step *= group["lr"] / (1 - beta1**t)         # lr · m̂ / (√v̂ + ε)
    param -= step
    return param


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012), optionally centered and with momentum, as ``torch.optim.RMSprop``.

    With learning rate γ, smoothing α, momentum μ, weight decay λ and ε (v, ḡ, b start at 0)::

        g ← g + λθ                                      if λ ≠ 0
        v ← αv + (1 − α)g²
        ṽ ← v,  or if centered:  ḡ ← αḡ + (1 − α)g,  ṽ ← v − ḡ²
        if μ > 0:   b ← μb + g / (√ṽ + ε),   θ ← θ − γb
        else:       θ ← θ − γ g / (√ṽ + ε)

    >>> from autograd_lite import Tensor
    >>> from autograd_lite.optim import RMSprop
    >>> w = Tensor([1.0, -2.0], requires_grad=True)
    >>> optimizer = RMSprop([w], lr=0.01, alpha=0.75)
    >>> (w * w).sum().backward()
    >>> optimizer.step()                    # v = g²/4, so each entry moves by γ·2 = 0.02
    >>> w.data
    array([ 0.98, -1.98])
    """

    _non_negative = ("lr", "alpha", "eps", "momentum", "weight_decay")

    def __init__(self, params: Params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False) -> None:
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered))

    def _validate(self, group: ParamGroup) -> None:
        super()._validate(group)
        # PyTorch takes any alpha >= 0, but above 1 the average of g² goes negative: NaN steps
        real(group["alpha"], "alpha", "RMSprop", minimum=0, maximum=1)
        boolean(group["centered"], "centered", "RMSprop")

    def _update(self, param: Data, grad: Data, state: State, group: ParamGroup) -> Data:
        return _rmsprop_update(param, grad, state, group)


def _rmsprop_update(param: Data, grad: Data, state: State, group: ParamGroup,
                    keras_rule: bool = False) -> Data:
    """RMSprop's averages and update, shared by :class:`RMSprop` and Keras' (``keras_rule``: ε under
    the square root, and the momentum buffer holding the rate-scaled steps)."""
    xp = _host if param.__class__ is ndarray else backend.namespace(param)
    alpha, eps, momentum = group["alpha"], group["eps"], group["momentum"]
    if not state:
        state["square_avg"] = xp.zeros_like(param)  # v
        if group["centered"]:
            state["grad_avg"] = xp.zeros_like(param)  # ḡ
        if momentum > 0:
            state["momentum_buffer"] = xp.zeros_like(param)  # b
    if group["weight_decay"] != 0:
        grad = grad + group["weight_decay"] * param
    v = state["square_avg"] = alpha * state["square_avg"] + (1 - alpha) * grad**2
    if group["centered"]:
        g_avg = state["grad_avg"] = alpha * state["grad_avg"] + (1 - alpha) * grad
        v = v - g_avg**2
    if keras_rule:
        increment = group["lr"] * grad / xp.sqrt(v + eps)
        if momentum > 0:
            increment = state["momentum_buffer"] = momentum * state["momentum_buffer"] + increment
        param -= increment
    elif momentum > 0:
        b = state["momentum_buffer"] = momentum * state["momentum_buffer"] + grad / (xp.sqrt(v) + eps)
        param -= group["lr"] * b
    else:
        param -= group["lr"] * grad / (xp.sqrt(v) + eps)
    return param


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), as ``torch.optim.Adagrad``.

    With learning rate γ, learning-rate decay η, weight decay λ, ε, and s starting at
    ``initial_accumulator_value``, at step t::

        g ← g + λθ                                      if λ ≠ 0
        γ̃ ← γ / (1 + (t − 1)η)
        s ← s + g²
        θ ← θ − γ̃ g / (√s + ε)

    >>> from autograd_lite import Tensor
    >>> from autograd_lite.optim import Adagrad
    >>> w = Tensor([1.0, -2.0], requires_grad=True)
    >>> optimizer = Adagrad([w], lr=0.5)
    >>> (w * w).sum().backward()
    >>> optimizer.step()                    # s = g², so each entry moves by γ
    >>> w.data
    array([ 0.5, -1.5])
    """

    _non_negative = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(self, params: Params, lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10) -> None:
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))

    def _update(self, param: Data, grad: Data, state: State, group: ParamGroup) -> Data:
        return _adagrad_update(param, grad, state, group)


def _adagrad_update(param: Data, grad: Data, state: State, group: ParamGroup,
                    keras_epsilon: bool = False) -> Data:
    """Adagrad's sum and update, shared by :class:`Adagrad` and Keras' (``keras_epsilon``: ε under
    the square root, g / √(s + ε))."""
    xp = _host if param.__class__ is ndarray else backend.namespace(param)
    if not state:
        state["step"] = 0
        state["sum"] = xp.full_like(param, group["initial_accumulator_value"])  # s
    state["step"] += 1
    if group["weight_decay"] != 0:
        grad = grad + group["weight_decay"] * param
    lr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
    s = state["sum"]
    s += grad**2
    state["sum"] = s
    param -= lr * grad / (xp.sqrt(s + group["eps"]) if keras_epsilon else xp.sqrt(s) + group["eps"])
    return param
