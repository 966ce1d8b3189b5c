"""``Optimizer``: the bookkeeping every update rule shares, as in ``torch.optim.Optimizer``.

An optimizer holds *parameter groups*: a list of dicts, each with a ``"params"`` list and that
group's hyperparameters (``"lr"``, ...). ``step()`` walks every parameter that has a gradient and
hands its data, its gradient, its *state* (a dict of arrays and numbers, e.g. Adam's moving
averages) and its group to :meth:`Optimizer._update`, the one method an update rule defines.

Updates are operations of the array's own library (``xp``, NumPy's or any other with the array API)
on ``p.data``, in place where the library changes arrays in place (NumPy, CuPy, array-api-strict):
the parameter keeps its array, its dtype (float32 stays float32) and its device, and no graph is
ever recorded, because no operation of the engine runs. State arrays live on their parameter's
device; when a parameter has moved (``Module.to``), its state follows it at the next step.
Parameters whose ``.grad`` is ``None`` are skipped: no state is created for them.
"""

from __future__ import annotations

import copy
import numbers
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .. import backend
from .._checks import integer, real
from ..backend import ndarray
from ..engine import ShapeError, data_of, enable_grad, no_grad
from ..tensor import Tensor
from ..typing import Data, Operand

__all__ = ["Optimizer"]

ParamGroup = dict[str, Any]
Params = Iterable[Tensor] | Iterable[ParamGroup]


class Optimizer:
    """Base class of the optimizers: parameter groups, ``step``, ``zero_grad`` and checkpoints.

    ``params`` is an iterable (a list, a generator, ``model.parameters()``) of tensors, or of dicts
    that each hold ``"params"`` and any hyperparameters that differ from ``defaults`` for them.
    Everything is checked where it is given, as PyTorch checks it (and a little more: a parameter
    group may not name a hyperparameter the optimizer does not have, and a flag must be a bool).

    A subclass gives its hyperparameters' ``defaults``, lists in ``_non_negative`` those that must be
    finite and ≥ 0, extends :meth:`_validate` for any other rule, and defines
    ``_update(param, grad, state, group)``, which changes the array ``param`` in place (or returns
    a new one, for a library whose arrays cannot change).
    ``step_count`` counts the calls to :meth:`step`.

    >>> from autograd_lite.optim import SGD
    >>> w = Tensor([1.0], requires_grad=True)
    >>> SGD([w], lr=-0.1)
    Traceback (most recent call last):
    ValueError: SGD: invalid lr -0.1; it must be a finite number >= 0
    """

    _non_negative: tuple[str, ...] = ("lr",)
    #: keys a group may hold besides ``"params"`` and the defaults (set by schedulers, or a label)
    _extra_keys: tuple[str, ...] = ("initial_lr", "name")

    def __init__(self, params: Params, defaults: dict[str, Any]) -> None:
        name = type(self).__name__
        if isinstance(params, (Tensor, dict, str)) or not isinstance(params, Iterable):
            raise TypeError(f"{name}: params must be an iterable of Tensors or of dicts (parameter "
                            f"groups), not a {type(params).__name__}; e.g. {name}([w, b]) or "
                            f"{name}(model.parameters())")
        if isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: params must be an ordered collection, not a set (a set's order "
                            "changes between runs, and with it the checkpoints); use a list")
        self.defaults = dict(defaults)
        self._validate(self.defaults)
        groups = list(params)
        if not groups:
            raise ValueError(f"{name} got an empty parameter list")
        if not all(isinstance(g, dict) for g in groups):
            if any(isinstance(g, dict) for g in groups):
                raise TypeError(f"{name}: params mixes tensors and dicts; give tensors, or only dicts "
                                "(parameter groups)")
            groups = [{"params": groups}]
        self.param_groups: list[ParamGroup] = []
        self.state: dict[Tensor, dict[str, Any]] = {}  # tensors hash by identity
        self.step_count = 0
        checked: list[ParamGroup] = []
        for group in groups:  # all checked before any is added: a bad one leaves nothing behind
            checked.append(self._checked_group(group, checked))
        self.param_groups.extend(checked)

    def add_param_group(self, group: ParamGroup) -> None:
        """Add a group of parameters, with hyperparameters of its own (the rest from ``defaults``).

        >>> from autograd_lite.optim import SGD
        >>> optimizer = SGD([Tensor([1.0], requires_grad=True)], lr=0.1)
        >>> optimizer.add_param_group({"params": [Tensor([2.0], requires_grad=True)], "lr": 0.5})
        >>> [g["lr"] for g in optimizer.param_groups]
        [0.1, 0.5]
        """
        self.param_groups.append(self._checked_group(group, self.param_groups))

    def _checked_group(self, group: ParamGroup, others: list[ParamGroup]) -> ParamGroup:
        """``group`` with the defaults filled in, once its parameters and hyperparameters are valid."""
        name = type(self).__name__
        if not isinstance(group, dict):
            raise TypeError(f"{name}: a parameter group must be a dict, not a {type(group).__name__}")
        if "params" not in group:
            raise ValueError(f"{name}: a parameter group must have a 'params' entry; got keys "
                             f"{sorted(group)}")
        params = group["params"]
        if isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: a group's params must be an ordered collection, not a set; "
                            "use a list")
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (dict, str)) or not isinstance(params, Iterable):
            raise TypeError(f"{name}: a group's params must be a Tensor or an iterable of Tensors, "
                            f"not a {type(params).__name__}")
        params = list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{name} can only optimize Tensors (their arrays are updated in place), "
                                f"but got a {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{name} can't optimize a tensor computed by an operation "
                                 f"(op={p.op!r}); optimize the leaf tensors it was computed from")
        ids = [id(p) for p in params]  # by identity: ``==`` on tensors compares their entries
        taken = {id(p) for g in others for p in g["params"]}
        if len(set(ids)) < len(ids) or taken.intersection(ids):
            raise ValueError(f"{name}: a parameter appears more than once; list each parameter once")
        new_group = {**self.defaults, **group, "params": params}
        self._validate(new_group)
        return new_group

    def _validate(self, group: ParamGroup) -> None:
        """Raise ``ValueError`` (``TypeError``) if a hyperparameter of ``group`` is out of its range
        (of the wrong kind), or the group names one this optimizer does not have."""
        name = type(self).__name__
        unknown = group.keys() - self.defaults.keys() - {"params", *self._extra_keys}
        if unknown:
            raise ValueError(f"{name}: unknown hyperparameter(s) {sorted(unknown)} in a parameter group; "
                             f"{name} has {sorted(self.defaults)}")
        for key in self._non_negative:
            real(group[key], key, name, minimum=0)
        if "initial_lr" in group:
            real(group["initial_lr"], "initial_lr", name, minimum=0)

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (set ``.grad`` to ``None``)."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None

    def step(self, closure: Callable[[], Operand] | None = None) -> Operand | None:
        """Update every parameter that has a gradient, once; return ``closure()`` if one is given.

        ``closure`` re-evaluates the loss (calling ``backward``) before the update, as in PyTorch.
        The hyperparameters (which a program may have changed in ``param_groups``) and the
        gradients' shapes are checked before any parameter changes: a step that raises updates none.

        >>> from autograd_lite.optim import SGD
        >>> w = Tensor([1.0], requires_grad=True)
        >>> optimizer = SGD([w], lr=0.1)
        >>> w.grad = np.array([2.0])
        >>> optimizer.step()
        >>> w.data
        array([0.8])
        """
        name = type(self).__name__
        if closure is not None and not callable(closure):
            raise TypeError(f"{name}.step: invalid closure {closure!r:.80}; it must be a function that "
                            "computes the loss (and calls backward), or None")
        checked = self.__dict__.setdefault("_checked_settings", {})
        for index, group in enumerate(self.param_groups):
            settings = [(k, list(v) if isinstance(v, list) else v) for k, v in group.items() if k != "params"]
            if checked.get(index) != settings:   # speed: settings are checked again only once they change
                self._validate(group)
                checked[index] = settings
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():   # there p.data is a leaf's own array, not the read-only view a graph would need
            updates = [self._checked_update(p, group) for group in self.param_groups
                       for p in group["params"] if p.grad is not None]
        for p, data, grad, group in updates:   # all checked: now change
            state = self.state.get(p)
            if state is None:
                state = self.state[p] = {}
            elif data.__class__ is not ndarray:
                _follow(state, data)
            else:   # a NumPy parameter: its state follows only if it was made on another device
                for value in state.values():
                    if value.__class__ not in _HOST_STATE:
                        _follow(state, data)
                        break
            new = self._update(data, grad, state, group)
            if new is None or new is data:
                p.mark_modified()
            else:
                p.data = new   # a library without in-place updates: the new array (the setter marks it)
        self.step_count += 1
        return loss

    def _checked_update(self, p: Tensor, group: ParamGroup) -> tuple[Tensor, Data, Data, ParamGroup]:
        """``(p, its array, its gradient in the array's dtype, group)``, once the gradient fits the array
        and the array can be changed (call it under ``no_grad()``, where ``p.data`` is the array itself).
        A gradient on another device than its parameter is a :class:`~autograd_lite.backend.DeviceError`."""
        name = type(self).__name__
        data, grad = p.data, data_of(p.grad)   # create_graph=True leaves a Tensor
        if data.__class__ is not ndarray or grad.__class__ is not ndarray:   # NumPy's: nothing to look up
            if not backend.is_array(grad):
                grad = backend.host_namespace.asarray(grad)   # a list or a number: NumPy data
            try:
                backend.namespace(data, grad)
            except backend.DeviceError as error:
                raise backend.DeviceError(f"{name}.step: a parameter and its gradient: {error}") from None
        if grad.shape != data.shape:
            raise ShapeError(f"{name}: a parameter of shape {data.shape} has a gradient of shape "
                             f"{grad.shape}; they must be equal")
        if (grad.dtype.kind if grad.__class__ is ndarray else backend.dtype_kind(grad.dtype)) not in "biuf":
            raise TypeError(f"{name}: a parameter has a gradient of dtype {grad.dtype}, not numbers")
        if data.__class__ is ndarray and not data.flags.writeable:
            raise RuntimeError(f"{name}: a parameter of shape {data.shape} has read-only data (it shares "
                               f"memory with another tensor, as detach() gives), which a step cannot "
                               f"change: give it its own copy, Tensor(t.detach(), requires_grad=True)")
        if grad.dtype != data.dtype:
            grad = backend.namespace(grad).astype(grad, data.dtype)
        return p, data, grad, group

    def _update(self, param: Data, grad: Data, state: dict[str, Any], group: ParamGroup) -> Data | None:
        """Change ``param`` in place, given its gradient, its state and its group (never ``grad``);
        return it, or the new array where its library cannot change arrays in place."""
        raise NotImplementedError

    @property
    def learning_rate(self) -> float:
        """Keras' name for the first group's ``lr``; setting it sets every group's."""
        return self.param_groups[0]["lr"]

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        for group in self.param_groups:
            self._validate({**group, "lr": value})
        for group in self.param_groups:
            group["lr"] = float(value)

    # ---- checkpoints --------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """A deep copy of the optimizer's state, as plain dicts of arrays (on their parameters'
        devices) and numbers.

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

        The groups must hold as many parameters as when it was saved; the saved arrays (NumPy's, or
        of any array library) are cast to their parameter's dtype and copied onto its device.
        Everything is checked before anything changes: a checkpoint that does not fit raises and
        leaves the optimizer as it was.

        >>> from autograd_lite.optim import SGD
        >>> optimizer = SGD([Tensor([1.0], requires_grad=True)], lr=0.1)
        >>> saved = optimizer.state_dict()
        >>> saved["param_groups"][0]["lr"] = -1.0
        >>> optimizer.load_state_dict(saved)
        Traceback (most recent call last):
        ValueError: SGD: invalid lr -1.0; it must be a finite number >= 0
        >>> optimizer.param_groups[0]["lr"]
        0.1
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"{where}: expected a dict from state_dict(), not a {type(state_dict).__name__}")
        keys = {"state", "param_groups", "step_count"}
        if state_dict.keys() != keys:
            raise ValueError(f"{where}: a checkpoint has the keys {sorted(keys)}, but this one has "
                             f"{sorted(state_dict.keys(), key=str)}")
        saved_groups = state_dict["param_groups"]
        if not isinstance(saved_groups, (list, tuple)) or not all(
                isinstance(g, Mapping) and isinstance(g.get("params"), (list, tuple)) for g in saved_groups):
            raise ValueError(f"{where}: param_groups must be a list of dicts that each hold a 'params' list")
        sizes = [len(g["params"]) for g in self.param_groups]
        saved_sizes = [len(g["params"]) for g in saved_groups]
        if sizes != saved_sizes:
            raise ValueError(f"{where}: the saved groups hold {saved_sizes} "
                             f"parameters, but this optimizer's groups hold {sizes}")
        indices = [i for g in saved_groups for i in g["params"]]
        if not all(isinstance(i, numbers.Integral) and not isinstance(i, bool) for i in indices) or \
                sorted(indices) != list(range(len(indices))):
            raise ValueError(f"{where}: the saved groups must number their parameters 0 .. "
                             f"{len(indices) - 1}, each once; got {indices}")
        param_of = {i: p for saved, group in zip(saved_groups, self.param_groups)
                    for i, p in zip(saved["params"], group["params"])}
        hyperparameters = []
        for saved, group in zip(saved_groups, self.param_groups):
            values = copy.deepcopy({k: v for k, v in saved.items() if k != "params"})
            self._validate({**group, **values})
            hyperparameters.append(values)
        saved_state = state_dict["state"]
        if not isinstance(saved_state, Mapping):
            raise ValueError(f"{where}: state must be a dict, not a {type(saved_state).__name__}")
        state = {}
        for i, entries in saved_state.items():
            if i not in param_of or not isinstance(entries, Mapping):
                raise ValueError(f"{where}: state has an entry {i!r} that is not a dict for one of the "
                                 f"parameters 0 .. {len(indices) - 1}")
            state[param_of[i]] = {key: _restore(value, param_of[i], f"{where}: state[{i}][{key!r}]")
                                  for key, value in entries.items()}
        step_count = integer(state_dict["step_count"], "step_count", where, minimum=0)
        for group, values in zip(self.param_groups, hyperparameters):  # checked: now change
            group.update(values)
        self.state = state
        self.step_count = step_count


#: the classes of state entries that need no moving for a NumPy parameter
_HOST_STATE = frozenset({ndarray, int, float})


def _follow(state: dict[str, Any], data: Data) -> None:
    """Move the state arrays that are not where the parameter's array ``data`` is to its device
    (after ``Module.to``): copies of the same numbers, so the next step computes what it would have."""
    for key, value in state.items():
        if backend.is_array(value) and (value.__class__ is not data.__class__ or
                                        data.__class__ is not ndarray and value.device != data.device):
            state[key] = _like(value, data)


def _like(value: Data, data: Data) -> Data:
    """A copy of the array ``value`` on the device, and of the library, of the array ``data``."""
    if data.__class__ is ndarray:
        return backend.host_namespace.array(backend.to_host(value), copy=True)
    return backend.array(value, device=backend.device_of(data), xp=backend.namespace(data))


def _restore(value: object, p: Tensor, where: str) -> Data | numbers.Real:
    """A copy of a saved state entry (an array of ``p``'s shape or a number), arrays cast to its dtype
    and put on its device."""
    if backend.is_array(value):
        host = backend.to_host(value)
        if host.dtype.kind not in "iuf":
            raise TypeError(f"{where} has dtype {host.dtype}; state arrays hold numbers")
        if host.shape != p.shape:
            raise ShapeError(f"{where} has shape {host.shape}, but its parameter has shape {p.shape}")
        converted = host.astype(backend.dtype_name(p.dtype))
        return converted if data_of(p).__class__ is ndarray else _like(converted, data_of(p))
    if isinstance(value, numbers.Real):
        return copy.deepcopy(value)
    raise TypeError(f"{where} is a {type(value).__name__}; state entries are arrays or numbers")
