"""Learning-rate schedules, as in ``torch.optim.lr_scheduler``.

A scheduler changes ``group["lr"]`` of its optimizer's parameter groups. Call ``scheduler.step()``
once per epoch (or per batch), *after* ``optimizer.step()``. Creating a scheduler counts as its step 0,
at which every group keeps its learning rate; that first learning rate is remembered as the group's
``"initial_lr"`` (the schedule's base, γ₀ below).

Like PyTorch's, the multiplicative schedules are written *chainable*: each step scales the current
``group["lr"]``, so two schedulers on one optimizer multiply their effects.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._checks import integer, invalid, real
from .base import Optimizer

__all__ = ["CosineAnnealingLR", "ExponentialLR", "LRScheduler", "LambdaLR", "StepLR"]


class LRScheduler:
    """Base class of the schedulers: ``step()``, ``get_last_lr()`` and checkpoints.

    A subclass checks its own arguments in :meth:`_check` (which :meth:`load_state_dict` calls too)
    and defines :meth:`get_lr`: the learning rates of the groups at step ``last_epoch``. Every rate
    it gives must be a finite number ≥ 0: otherwise ``step`` raises and changes nothing.
    """

    _not_saved: tuple[str, ...] = ("optimizer",)

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__} schedules an Optimizer, not a {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lrs: list[float] = [group.get("initial_lr", group["lr"])
                                      for group in optimizer.param_groups]
        self.last_epoch = -1
        self.step()  # step 0 keeps the rates; if it raises, the groups have no initial_lr yet
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])

    def _check(self, settings: dict[str, Any]) -> None:
        """Raise if a setting (``step_size``, ``gamma``, ...) in ``settings`` is invalid."""

    def get_lr(self) -> list[float]:
        """The learning rate of each group at step ``last_epoch``."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance the schedule by one step and set each group's ``"lr"``."""
        self.last_epoch += 1
        try:
            lrs = list(self.get_lr())
            if len(lrs) != len(self.optimizer.param_groups):
                raise ValueError(f"{type(self).__name__}.get_lr gave {len(lrs)} learning rates for "
                                 f"{len(self.optimizer.param_groups)} parameter groups")
            for lr in lrs:
                real(lr, f"learning rate at step {self.last_epoch}", type(self).__name__, minimum=0)
        except BaseException:
            self.last_epoch -= 1  # a step that raises changes nothing
            raise
        self._last_lr = lrs
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr

    def get_last_lr(self) -> list[float]:
        """The learning rates this scheduler set last, one per group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """A deep copy of the scheduler's attributes (step, base rates, settings), not the optimizer."""
        return {key: copy.deepcopy(value) for key, value in vars(self).items()
                if key not in self._not_saved}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict` (copied); it is checked first, so a bad one changes nothing.

        >>> from autograd_lite.optim import SGD, StepLR
        >>> scheduler = StepLR(SGD([Tensor([0.0], requires_grad=True)], lr=1.0), step_size=2)
        >>> saved = scheduler.state_dict()
        >>> saved["step_size"] = 0
        >>> scheduler.load_state_dict(saved)
        Traceback (most recent call last):
        ValueError: StepLR: invalid step_size 0; it must be an integer >= 1
        >>> scheduler.step_size
        2
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"{where}: expected a dict from state_dict(), not a {type(state_dict).__name__}")
        expected = self.state_dict().keys()
        if state_dict.keys() != expected:
            raise ValueError(f"{where}: missing {sorted(expected - state_dict.keys())}, unexpected "
                             f"{sorted(state_dict.keys() - expected, key=str)}")
        state = copy.deepcopy(dict(state_dict))
        self._check(state)
        integer(state["last_epoch"], "last_epoch", where, minimum=0)
        groups = len(self.optimizer.param_groups)
        for key in ("base_lrs", "_last_lr"):
            rates = state[key]
            if not isinstance(rates, list) or len(rates) != groups:
                raise ValueError(f"{where}: {key} must be a list of {groups} learning rates (one per "
                                 f"group), not {rates!r:.80}")
            for lr in rates:
                real(lr, key, where, minimum=0)
        vars(self).update(state)


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` steps: γₜ = γ₀ · gamma^⌊t / step_size⌋.

    >>> from autograd_lite import Tensor
    >>> from autograd_lite.optim import SGD, StepLR
    >>> optimizer = SGD([Tensor([0.0], requires_grad=True)], lr=1.0)
    >>> scheduler = StepLR(optimizer, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(scheduler.get_last_lr()[0])
    ...     optimizer.step()
    ...     scheduler.step()
    >>> lrs
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        self._check({"step_size": step_size, "gamma": gamma})
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer)

    def _check(self, settings: dict[str, Any]) -> None:
        integer(settings["step_size"], "step_size", "StepLR", minimum=1)
        real(settings["gamma"], "gamma", "StepLR", minimum=0)

    def get_lr(self) -> list[float]:
        lrs = [group["lr"] for group in self.optimizer.param_groups]
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return lrs
        return [lr * self.gamma for lr in lrs]


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` at every step: γₜ = γ₀ · gammaᵗ.

    >>> from autograd_lite import Tensor
    >>> from autograd_lite.optim import SGD, ExponentialLR
    >>> optimizer = SGD([Tensor([0.0], requires_grad=True)], lr=1.0)
    >>> scheduler = ExponentialLR(optimizer, gamma=0.5)
    >>> for epoch in range(3):
    ...     optimizer.step()
    ...     scheduler.step()
    >>> optimizer.param_groups[0]["lr"]
    0.125
    """

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        self._check({"gamma": gamma})
        self.gamma = gamma
        super().__init__(optimizer)

    def _check(self, settings: dict[str, Any]) -> None:
        real(settings["gamma"], "gamma", "ExponentialLR", minimum=0)

    def get_lr(self) -> list[float]:
        lrs = [group["lr"] for group in self.optimizer.param_groups]
        if self.last_epoch == 0:
            return lrs
        return [lr * self.gamma for lr in lrs]


class CosineAnnealingLR(LRScheduler):
    """Anneal the learning rate from γ₀ to ``eta_min`` along half a cosine over ``T_max`` steps.

    With γ₀ the base rate::

        γₜ = η_min + (γ₀ − η_min) · (1 + cos(π t / T_max)) / 2

    Past ``T_max`` the cosine goes on: the rate climbs back to γ₀ at 2·T_max. As in PyTorch, each step
    computes the rate from the current ``group["lr"]`` (so it chains with other schedulers)::

        γₜ = η_min + (γₜ₋₁ − η_min) · (1 + cos(π t / T_max)) / (1 + cos(π (t − 1) / T_max))

    except where that ratio is 0/0 — when leaving the minimum (t − 1 = T_max, 3·T_max, ...) — which
    adds the closed form's increase instead: γₜ = γₜ₋₁ + (γ₀ − η_min) · (1 − cos(π / T_max)) / 2.

    >>> from autograd_lite import Tensor
    >>> from autograd_lite.optim import SGD, CosineAnnealingLR
    >>> optimizer = SGD([Tensor([0.0], requires_grad=True)], lr=1.0)
    >>> scheduler = CosineAnnealingLR(optimizer, T_max=2)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(round(scheduler.get_last_lr()[0], 12))
    ...     optimizer.step()
    ...     scheduler.step()
    >>> lrs
    [1.0, 0.5, 0.0, 0.5, 1.0]
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:
        self._check({"T_max": T_max, "eta_min": eta_min})
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer)

    def _check(self, settings: dict[str, Any]) -> None:
        integer(settings["T_max"], "T_max", "CosineAnnealingLR", minimum=1)
        real(settings["eta_min"], "eta_min", "CosineAnnealingLR", minimum=0)

    def get_lr(self) -> list[float]:
        t, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        lrs = [group["lr"] for group in self.optimizer.param_groups]
        if t == 0:
            return lrs
        if (t - 1 - T) % (2 * T) == 0:
            return [lr + (base - eta_min) * (1 - math.cos(math.pi / T)) / 2
                    for lr, base in zip(lrs, self.base_lrs)]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [eta_min + (lr - eta_min) * ratio for lr in lrs]


class LambdaLR(LRScheduler):
    """Set the learning rate to γ₀ · f(t), for a function f of the step (one per group, or one for all).

    The functions are not part of :meth:`state_dict`: give them again when restoring.

    >>> from autograd_lite import Tensor
    >>> from autograd_lite.optim import SGD, LambdaLR
    >>> optimizer = SGD([Tensor([0.0], requires_grad=True)], lr=0.1)
    >>> scheduler = LambdaLR(optimizer, lambda t: 1 / (t + 1))
    >>> for epoch in range(3):
    ...     optimizer.step()
    ...     scheduler.step()
    >>> scheduler.get_last_lr()
    [0.025]
    """

    _not_saved = ("optimizer", "lr_lambdas")

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]]) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"LambdaLR schedules an Optimizer, not a {type(optimizer).__name__}")
        groups = len(optimizer.param_groups)
        lambdas = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * groups
        if len(lambdas) != groups:
            raise ValueError(f"LambdaLR: expected {groups} lr_lambdas (one per group), "
                             f"but got {len(lambdas)}")
        for f in lambdas:
            if not callable(f):
                raise TypeError(invalid("LambdaLR", "lr_lambda", f, "a function of the step (or a list "
                                        "of them, one per group)"))
        self.lr_lambdas = lambdas
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        lrs = []
        for i, (base, f) in enumerate(zip(self.base_lrs, self.lr_lambdas)):
            factor = f(self.last_epoch)
            real(factor, f"lr_lambda({self.last_epoch}) of group {i}", "LambdaLR", minimum=0)
            lrs.append(base * factor)
        return lrs
