"""``Optimizer``: the bookkeeping every update rule shares, as in ``torch.optim.Optimizer``.

An optimizer holds *parameter groups*: a list of dicts, each with a ``"params"`` list and that
group's hyperparameters (``"lr"``, ...). ``step()`` walks every parameter that has a gradient and
hands its data, its gradient, its *state* (a dict of NumPy arrays and numbers, e.g. Adam's moving
averages) and its group to :meth:`Optimizer._update`, the one method an update rule defines.

Updates are NumPy operations on ``p.data``, in place: the parameter keeps its array (and so its
dtype: float32 stays float32), and no graph is ever recorded, because no operation of the engine
runs. Parameters whose ``.grad`` is ``None`` are skipped: no state is created for them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..engine import ShapeError, data_of, enable_grad
from ..tensor import Tensor

__all__ = ["Optimizer"]

ParamGroup = dict[str, Any]
Params = Iterable[Tensor] | Iterable[ParamGroup]


class Optimizer:
    """Base class of the optimizers: parameter groups, ``step``, ``zero_grad`` and checkpoints.

    ``params`` is an iterable (a list, a generator, ``model.parameters()``) of tensors, or of dicts
    that each hold ``"params"`` and any hyperparameters that differ from ``defaults`` for them.

    A subclass gives its hyperparameters' ``defaults``, lists in ``_non_negative`` those that must be
    ≥ 0, and defines ``_update(param, grad, state, group)``, which changes the array ``param`` in
    place. ``step_count`` counts the calls to :meth:`step`.
    """

    _non_negative: tuple[str, ...] = ("lr",)

    def __init__(self, params: Params, defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.param_groups: list[ParamGroup] = []
        self.state: dict[Tensor, dict[str, Any]] = {}  # tensors hash by identity
        self.step_count = 0
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: ParamGroup) -> None:
        """Add a group of parameters, with hyperparameters of its own (the rest from ``defaults``)."""
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        name = type(self).__name__
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{name} can only optimize Tensors (their arrays are updated in place), "
                                f"but got a {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{name} can't optimize a tensor computed by an operation "
                                 f"(op={p.op!r}); optimize the leaf tensors it was computed from")
        ids = [id(p) for p in params]  # by identity: ``==`` on tensors compares their entries
        taken = {id(p) for g in self.param_groups for p in g["params"]}
        if len(set(ids)) < len(ids) or taken.intersection(ids):
            raise ValueError(f"{name}: a parameter appears more than once; list each parameter once")
        new_group = {**self.defaults, **group, "params": params}
        self._validate(new_group)
        self.param_groups.append(new_group)

    def _validate(self, group: ParamGroup) -> None:
        """Raise ``ValueError`` if a hyperparameter of ``group`` is out of its range."""
        for key in self._non_negative:
            if not group[key] >= 0:
                raise ValueError(f"{type(self).__name__}: invalid {key} {group[key]!r}; it must be >= 0")

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (set ``.grad`` to ``None``)."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, once; return ``closure()`` if one is given.

        ``closure`` re-evaluates the loss (calling ``backward``) before the update, as in PyTorch.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad, data = data_of(p.grad), p._data  # backward(create_graph=True) leaves a Tensor
                if grad.shape != data.shape:
                    raise ShapeError(f"{type(self).__name__}: a parameter of shape {data.shape} has a "
                                     f"gradient of shape {grad.shape}; they must be equal")
                if grad.dtype != data.dtype:
                    grad = grad.astype(data.dtype)
                state = self.state.get(p)
                if state is None:
                    state = self.state[p] = {}
                self._update(data, grad, state, group)
                p.mark_modified()
        self.step_count += 1
        return loss

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                group: ParamGroup) -> None:
        """Change ``param`` in place, given its gradient, its state and its group (never ``grad``)."""
        raise NotImplementedError

    # ---- checkpoints --------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """A deep copy of the optimizer's state, as plain dicts of NumPy arrays and numbers.

        Parameters are named by their position (counted across groups), as in PyTorch:
        ``{"state": {index: {...}}, "param_groups": [{..., "params": [index, ...]}], "step_count": n}``.
        """
        index = {p: i for i, p in enumerate(p for g in self.param_groups for p in g["params"])}
        groups = [{**copy.deepcopy({k: v for k, v in g.items() if k != "params"}),
                   "params": [index[p] for p in g["params"]]} for g in self.param_groups]
        state = {index[p]: copy.deepcopy(s) for p, s in self.state.items()}
        return {"state": state, "param_groups": groups, "step_count": self.step_count}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict` (copied, so the dict stays independent of the optimizer).

        The groups must hold as many parameters as when it was saved; the saved arrays are cast to
        their parameter's dtype.
        """
        saved_groups = state_dict["param_groups"]
        sizes = [len(g["params"]) for g in self.param_groups]
        saved_sizes = [len(g["params"]) for g in saved_groups]
        if sizes != saved_sizes:
            raise ValueError(f"{type(self).__name__}.load_state_dict: the saved groups hold {saved_sizes} "
                             f"parameters, but this optimizer's groups hold {sizes}")
        param_of = {i: p for saved, group in zip(saved_groups, self.param_groups)
                    for i, p in zip(saved["params"], group["params"])}
        for saved, group in zip(saved_groups, self.param_groups):
            group.update(copy.deepcopy({k: v for k, v in saved.items() if k != "params"}))
            self._validate(group)
        self.state = {param_of[i]: {key: _restore(value, param_of[i]) for key, value in s.items()}
                      for i, s in state_dict["state"].items()}
        self.step_count = state_dict["step_count"]


def _restore(value: Any, p: Tensor) -> Any:
    """A copy of a saved state entry, arrays cast to the parameter's dtype."""
    if not isinstance(value, np.ndarray):
        return copy.deepcopy(value)
    if value.shape != p.shape:
        raise ShapeError(f"load_state_dict: a saved state array has shape {value.shape}, but its "
                         f"parameter has shape {p.shape}")
    return value.astype(p.dtype)
