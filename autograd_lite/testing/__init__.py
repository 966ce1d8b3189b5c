"""Gradient checking for your own tests: autodiff against central finite differences.

>>> import numpy as np
>>> from autograd_lite import Tensor
>>> from autograd_lite.testing import gradcheck
>>> W = Tensor(np.random.default_rng(0).normal(size=(3, 2)), requires_grad=True)
>>> x = np.ones((4, 3))
>>> gradcheck(lambda W: (x @ W).sigmoid().sum(), W)
True

A non-scalar output is projected on a fixed random direction ``r`` (the check is of ``rᵀJ``, which a
wrong Jacobian fails for almost every ``r``). Inputs with more than ``max_elements`` elements are
checked along random directions instead of element by element.

When the check fails, the report points at the culprit: each primitive of ``f``'s graph is checked
alone, at the values it was given, and the first (in the order ``f`` ran them) whose VJP disagrees
with finite differences is named; an input that reaches ``f``'s output only outside the graph
(through ``math.tanh``, ``.data`` or ``float(x)``) is reported as such.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np  # host copies only: finite differences perturb and compare NumPy copies of the data

from .. import _checks, backend
from ..engine import Node, data_of, gradients, walk
from ..tensor import Tensor

__all__ = ["CompileCheckError", "GradcheckError", "compilecheck", "gradcheck", "gradgradcheck",
           "numerical_grad"]


class GradcheckError(AssertionError):
    """Autodiff and finite differences disagree; the message says where and by how much."""


#: Default tolerances per dtype: |analytic − numeric| ≤ atol + rtol·|numeric|.
#: Central differences with step h = ε^⅓·max(1, |x|) are accurate to about ε^⅔ relative
#: (4e-11 in float64, 2e-5 in float32); the defaults leave room for curvature while still
#: catching a gradient that is off by 1% (rtol is 100× smaller than that in float64).
#: float32 (float32 data, or a device without float64): ε ≈ 1.2e-7, h ≈ 5e-3·max(1, |x|), and the
#: formula's ε^⅔ ≈ 2.4e-5 is only its best case: f's own float32 rounding, about ε·|f| per value,
#: enters the difference divided by 2h (≈ 1.2e-5·|f| per element), and adds up over the elements of
#: a projected output — a few times 1e-4 for the op tests' ≤ 27 elements of |f| ≲ 10. atol = 1e-3
#: covers that where a gradient is near 0; rtol = 1e-2 leaves ~400× the formula's accuracy for
#: curvature. The price: a gradient wrong by less than about 1% (plus atol) passes, hence a warning.
TOLERANCES = {
    np.dtype(np.float64): (1e-6, 1e-4),
    np.dtype(np.float32): (1e-3, 1e-2),
    np.dtype(np.float16): (1e-1, 1e-1),
}


class _Place(NamedTuple):
    """Where an input lives, its array namespace and device: finite differences perturb a NumPy
    copy on the host and move each perturbed copy back here before calling ``f``."""

    xp: Any
    device: Any

    def put(self, host: np.ndarray) -> Any:
        """A host array moved here (NumPy: the array itself; ``Tensor`` copies it anyway)."""
        return host if self.xp is np else backend.array(host, device=self.device, xp=self.xp)


def _place_of(data: Any) -> _Place:
    if backend.is_array(data) and data.__class__ is not np.ndarray:
        return _Place(backend.namespace(data), backend.device_of(data))
    return _Place(np, "cpu")


def _host(x: Any) -> np.ndarray:
    """A NumPy array of the data of ``x`` (a node, an array of any library, a number)."""
    return np.asarray(backend.to_host(data_of(x)))


def _step(x: np.ndarray, eps: float | None) -> np.ndarray:
    """Finite-difference step per element: ε^⅓ of the dtype times max(1, |x|), unless ``eps`` is given."""
    if eps is not None:
        return np.full(x.shape, eps, dtype=x.dtype)
    return (np.finfo(x.dtype).eps ** (1 / 3) * np.maximum(1.0, np.abs(x))).astype(x.dtype)


def _as_arrays(inputs: Sequence[Any]) -> tuple[list[np.ndarray], list[_Place]]:
    """Host copies of the inputs (non-floating ones as the widest float of their device: float64,
    float32 where the device has no float64) and where each lives."""
    arrays, places = [], []
    for x in inputs:
        data = data_of(x)
        place = _place_of(data)
        array = np.array(backend.to_host(data) if backend.is_array(data) else data)
        if array.dtype.kind != "f":
            array = array.astype(backend.dtype_name(backend.default_float(place.xp, place.device)))
        arrays.append(array)
        places.append(place)
    return arrays, places


def _projected(out: Any, direction: np.ndarray | None) -> Any:
    """``out`` (a scalar) or ``Σ direction·out`` (direction moved to where ``out`` lives)."""
    if direction is None or not isinstance(out, Node):
        return out
    return (out * _place_of(out._data).put(direction)).sum()


def _scalar_function(f: Callable[..., Any], places: list[_Place],
                     direction: np.ndarray | None) -> Callable[..., float]:
    """f as a float-valued function of host arrays: Σ direction·f(x) (Σ f(x) without a direction),
    each array moved to its input's place before the call, summed on the host in float64."""

    on_host = all(place.xp is np for place in places)

    def scalar_f(*xs: np.ndarray) -> float:
        # NumPy inputs need no moving (one check here, not one per input and call: finite
        # differences call this twice per element)
        result = f(*[Tensor(x) for x in xs]) if on_host else \
            f(*[Tensor(place.put(x)) for place, x in zip(places, xs)])
        result = np.asarray(backend.to_host(data_of(result)), dtype=np.float64)
        return float(np.sum(result * direction) if direction is not None else np.sum(result))

    return scalar_f


def _random_direction(f: Callable[..., Any], arrays: list[np.ndarray], places: list[_Place],
                      seed: int) -> np.ndarray | None:
    """A fixed random cotangent (on the host) for a non-scalar output of f (None for a scalar one)."""
    out = _host(f(*[Tensor(place.put(a)) for place, a in zip(places, arrays)]))
    if out.size == 1:
        return None
    return np.random.default_rng(seed).normal(size=out.shape).astype(out.dtype)


def numerical_grad(f: Callable[..., Any], *inputs: Any, eps: float | None = None,
                   direction: Any = None) -> list[np.ndarray]:
    """Central-difference gradients of ``Σ direction·f(*inputs)`` (of ``f`` if ``direction`` is None),
    as NumPy arrays on the host, whatever library and device the inputs are on (``f`` is called on
    tensors there).

    >>> import numpy as np
    >>> from autograd_lite.testing import numerical_grad
    >>> [g.round(6) for g in numerical_grad(lambda x: (x ** 2).sum(), np.array([1.0, 3.0]))]
    [array([2., 6.])]
    """
    arrays, places = _as_arrays(inputs)
    scalar_f = _scalar_function(f, places, None if direction is None else _host(direction))
    return [_central(scalar_f, arrays, i, eps)[0] for i in range(len(arrays))]


def _central(scalar_f: Callable[..., float], arrays: list[np.ndarray], which: int,
             eps: float | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Central differences for every element of input ``which``, and the two one-sided differences."""
    x = arrays[which]
    steps = _step(x, eps)
    numeric = np.zeros(x.shape, dtype=np.float64)
    forward = np.zeros(x.shape, dtype=np.float64)
    backward = np.zeros(x.shape, dtype=np.float64)
    base = scalar_f(*arrays)
    for index in np.ndindex(*x.shape):
        h = float(steps[index])
        values = []
        for delta in (h, -h):
            shifted = x.copy()
            shifted[index] += delta
            values.append(scalar_f(*arrays[:which], shifted, *arrays[which + 1:]))
        plus, minus = values
        numeric[index] = (plus - minus) / (2 * h)
        forward[index], backward[index] = (plus - base) / h, (base - minus) / h
    return numeric, forward, backward


def _warn_low_precision(position: int, array: np.ndarray, place: _Place) -> None:
    """Say that an input below float64 is checked with its dtype's looser tolerances, and why."""
    atol, rtol = TOLERANCES.get(array.dtype, TOLERANCES[np.dtype(np.float64)])
    widest = backend.dtype_name(backend.default_float(place.xp, place.device))
    why = (f"its device {place.device!r} has no float64" if widest != "float64" else
           "float64 would check it more sharply")
    accuracy = np.finfo(array.dtype).eps ** (2 / 3)
    warnings.warn(f"gradcheck: input {position} is {array.dtype} ({why}), so {array.dtype} tolerances "
                  f"are used, atol={atol:g} and rtol={rtol:g}: finite differences in {array.dtype} are "
                  f"accurate to about {accuracy:.0e} relative (4e-11 in float64), and a gradient off by "
                  f"less than about {rtol:.0%} may pass", stacklevel=3)


def gradcheck(f: Callable[..., Any], *inputs: Any, eps: float | None = None, atol: float | None = None,
              rtol: float | None = None, max_elements: int = 200, directions: int = 8,
              seed: int = 0, _localize: bool = True) -> bool:
    """Check the gradients of ``f`` at ``inputs`` against central finite differences.

    Every floating input is differentiated. Returns ``True``, or raises :class:`GradcheckError` whose
    message names the input, the multi-indices of the worst elements with the analytic (autodiff) and
    numeric (finite-difference) values, their errors and the tolerance. Elements at a kink (the two
    one-sided differences disagree) pass if the analytic value lies between them. Inputs with more than
    ``max_elements`` elements are checked along ``directions`` random directions.

    Inputs may be arrays or tensors of any array-API library, on any device: ``f`` is called on
    tensors there. Finite differences perturb NumPy copies on the host and move each perturbed copy
    back. Inputs below float64 (float32 on a device without float64) are checked with
    their dtype's looser :data:`TOLERANCES`, with a warning that says so.

    >>> W = Tensor(np.ones((3, 2)), requires_grad=True)
    >>> gradcheck(lambda W, b: (np.ones((4, 3)) @ W + b).tanh().sum(), W, np.zeros(2))
    True
    >>> gradcheck(lambda x: abs(x), np.array([0.0, 2.0]))     # a kink at 0: any subgradient passes
    True
    >>> import math
    >>> gradcheck(lambda x: x * math.tanh(x.item()), np.array(0.5))
    Traceback (most recent call last):
      ...
    autograd_lite.testing.GradcheckError: gradcheck failed for input 0 ...
    ... every primitive of f's graph has the right VJP at its own inputs, so part of f's dependence ...
    >>> import array_api_strict as xps
    >>> gradcheck(lambda x: (x * x).tanh().sum(), xps.asarray([0.5, -1.0], device=xps.Device("device1")))
    True
    """
    _checks.function(f, "f", "gradcheck")
    if eps is not None and _checks.real(eps, "eps", "gradcheck", minimum=0.0) == 0.0:
        raise ValueError(_checks.invalid("gradcheck", "eps", eps, "a finite number > 0"))
    atol = None if atol is None else _checks.real(atol, "atol", "gradcheck", minimum=0.0)
    rtol = None if rtol is None else _checks.real(rtol, "rtol", "gradcheck", minimum=0.0)
    max_elements = _checks.integer(max_elements, "max_elements", "gradcheck", minimum=0)
    directions = _checks.integer(directions, "directions", "gradcheck", minimum=1)
    arrays, places = _as_arrays(inputs)
    for position, (array, place) in enumerate(zip(arrays, places)):
        if array.dtype != np.float64 and _localize:  # (the culprit's search has warned already)
            _warn_low_precision(position, array, place)
    direction = _random_direction(f, arrays, places, seed)
    scalar_f = _scalar_function(f, places, direction)
    leaves = [Tensor(place.put(a), requires_grad=True) for place, a in zip(places, arrays)]
    loss = _projected(f(*leaves), direction)
    analytic = gradients(loss, leaves) if isinstance(loss, Node) and loss.requires_grad else \
        [None] * len(leaves)
    for position, (array, leaf) in enumerate(zip(arrays, leaves)):
        if not np.array_equal(array, _host(leaf), equal_nan=True):
            raise GradcheckError(f"gradcheck: f modified input {position} in place")
    for position, (array, grad) in enumerate(zip(arrays, analytic)):
        grad = np.zeros_like(array) if grad is None else _host(grad)
        if grad.shape != array.shape or grad.dtype != array.dtype:
            raise GradcheckError(f"gradcheck: the gradient of input {position} has shape {grad.shape} "
                                 f"and dtype {grad.dtype}, but the input has {array.shape} {array.dtype}")
        default_atol, default_rtol = TOLERANCES.get(array.dtype, TOLERANCES[np.dtype(np.float64)])
        tolerance = (default_atol if atol is None else atol, default_rtol if rtol is None else rtol)
        try:
            if array.size > max_elements:
                _check_directions(scalar_f, arrays, position, grad, eps, tolerance, directions, seed)
            else:
                _check_elements(scalar_f, arrays, position, grad, eps, tolerance)
        except GradcheckError as error:
            message = str(error)
            if direction is not None:
                message += (f"\n(f's output has shape {direction.shape}: the values are gradients of "
                            f"Σ r·f for a fixed random r, seed={seed})")
            if analytic[position] is None:
                message += (f"\nInput {position} does not reach f's output through the graph (autodiff "
                            f"gives it no gradient), yet changing it changes the output: f uses it "
                            f"outside the graph (math functions, .data, .item(), float(x), np.asarray(x)); "
                            f"use autograd_lite's operations on it instead.")
            elif _localize:
                message += "\n" + _culprit(f, arrays, places, eps, atol, rtol, max_elements, directions,
                                            seed)
            raise GradcheckError(message) from None
    return True


def _culprit(f: Callable[..., Any], arrays: list[np.ndarray], places: list[_Place], eps: float | None,
             atol: float | None, rtol: float | None, max_elements: int, directions: int, seed: int) -> str:
    """Which primitive of f's graph has a wrong VJP: each is checked alone, at the data it was given,
    in the order f ran them; the report of the first that fails, or why none did."""
    leaves = [Tensor(place.put(a), requires_grad=True) for place, a in zip(places, arrays)]
    out = f(*leaves)
    if not isinstance(out, Node) or not out.requires_grad:
        return "f's output is not connected to its inputs through the graph."
    operations = [node for node in walk(out) if not node.is_leaf and node.requires_grad]
    for node in reversed(operations):  # the order in which f ran them
        op, args, params = node.primitive, tuple(map(data_of, node.inputs)), dict(node.params)
        for k, parent in enumerate(node.inputs):
            differentiable = isinstance(parent, Node) and parent.requires_grad
            if not differentiable or backend.dtype_kind(args[k].dtype) != "f":
                continue
            alone = _with_input(op, args, k, params)
            try:
                gradcheck(alone, args[k], eps=eps, atol=atol, rtol=rtol, max_elements=max_elements,
                          directions=directions, seed=seed, _localize=False)
            except GradcheckError as error:
                return (f"The culprit: the VJP of primitive {op.name!r} for its input {k} (of shape "
                        f"{tuple(getattr(args[k], 'shape', ()))}) disagrees with finite differences of "
                        f"{op.name} alone, at the values f gave it:\n{error}")
    return ("Yet every primitive of f's graph has the right VJP at its own inputs, so part of f's "
            "dependence on its inputs bypasses the graph: a value taken out with .data, .item(), "
            "float() or np.asarray() and used again, or a VJP that treats something differentiable as "
            "a constant.")


def _with_input(op: Any, args: tuple, k: int, params: dict[str, Any]) -> Callable[[Tensor], Any]:
    """``op`` as a function of its input ``k`` alone, the others fixed at ``args``."""
    def alone(t: Tensor) -> Any:
        return op(*args[:k], t, *args[k + 1:], **params)
    return alone


def _check_elements(scalar_f: Callable[..., float], arrays: list[np.ndarray], position: int,
                    analytic: np.ndarray, eps: float | None, tolerance: tuple[float, float]) -> None:
    atol, rtol = tolerance
    numeric, forward, backward = _central(scalar_f, arrays, position, eps)
    allowed = atol + rtol * np.abs(numeric)
    bad = ~(np.abs(analytic - numeric) <= allowed)       # NaN counts as bad
    # At a kink the one-sided slopes disagree, and any value between them is a valid subgradient.
    kink = np.abs(forward - backward) > allowed
    between = (analytic >= np.minimum(forward, backward) - allowed) & \
        (analytic <= np.maximum(forward, backward) + allowed)
    bad &= ~(kink & between)
    if bad.any():
        raise GradcheckError(_report(position, arrays[position], analytic, numeric, bad, eps, tolerance))


def _check_directions(scalar_f: Callable[..., float], arrays: list[np.ndarray], position: int,
                      analytic: np.ndarray, eps: float | None, tolerance: tuple[float, float],
                      directions: int, seed: int) -> None:
    atol, rtol = tolerance
    x = arrays[position]
    rng = np.random.default_rng(seed + 1)
    h = float(_step(np.array([np.abs(x).max()], dtype=x.dtype), eps)[0])
    for k in range(directions):
        d = rng.normal(size=x.shape).astype(x.dtype)
        d /= np.linalg.norm(d)
        plus = scalar_f(*arrays[:position], x + h * d, *arrays[position + 1:])
        minus = scalar_f(*arrays[:position], x - h * d, *arrays[position + 1:])
        numeric = (plus - minus) / (2 * h)
        expected = float(np.sum(analytic * d))
        if not abs(expected - numeric) <= atol + rtol * abs(numeric):
            raise GradcheckError(
                f"gradcheck failed for input {position} (shape {x.shape}, {x.dtype}) along random "
                f"direction {k}: analytic (autodiff) {expected:.6g} vs numeric (finite differences) "
                f"{numeric:.6g}; abs error {abs(expected - numeric):.3g} > atol + rtol·|numeric| "
                f"with atol={atol:g}, rtol={rtol:g}, step {h:.3g}")


def _report(position: int, x: np.ndarray, analytic: np.ndarray, numeric: np.ndarray, bad: np.ndarray,
            eps: float | None, tolerance: tuple[float, float], worst: int = 5) -> str:
    atol, rtol = tolerance
    error = np.abs(analytic - numeric)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = error / np.abs(numeric)
    bad_indices = np.argwhere(bad) if x.ndim else np.zeros((1, 0), dtype=int)
    order = np.argsort(-np.nan_to_num(error[bad], nan=np.inf))[:worst]
    lines = [
        f"gradcheck failed for input {position} (shape {x.shape}, {x.dtype}): "
        f"{int(bad.sum())} of {x.size} elements differ; the worst:",
        f"  {'index':<14}{'analytic (autodiff)':>22}{'numeric (finite diff)':>24}{'abs error':>12}"
        f"{'rel error':>12}",
    ]
    for k in order:
        index = tuple(int(i) for i in bad_indices[k])
        lines.append(f"  {index!s:<14}{analytic[index]:>22.8g}{numeric[index]:>24.8g}"
                     f"{error[index]:>12.2e}{relative[index]:>12.2e}")
    step = f"{eps:g}" if eps is not None else f"{np.finfo(x.dtype).eps ** (1 / 3):.2g}·max(1, |x|)"
    lines.append(f"tolerance: |analytic − numeric| ≤ atol + rtol·|numeric| with atol={atol:g}, "
                 f"rtol={rtol:g}; finite-difference step {step}")
    return "\n".join(lines)


def gradgradcheck(f: Callable[..., Any], *inputs: Any, seed: int = 0, **options: Any) -> bool:
    """Check second derivatives: gradcheck of the (randomly projected) gradient of ``f``.

    >>> import numpy as np
    >>> from autograd_lite.testing import gradgradcheck
    >>> gradgradcheck(lambda x: (x.tanh() * x).sum(), np.array([0.3, -1.2]))
    True
    """
    arrays, places = _as_arrays(inputs)
    rng = np.random.default_rng(seed + 2)
    weights = [place.put(rng.normal(size=a.shape).astype(a.dtype)) for place, a in zip(places, arrays)]
    direction = _random_direction(f, arrays, places, seed)

    def projected_gradient(*xs: Tensor) -> Any:
        # finite differences call this with constants: differentiate them all the same
        xs = [x if x.requires_grad else Tensor(x.data, requires_grad=True) for x in xs]
        grads = gradients(_projected(f(*xs), direction), xs, create_graph=True)
        total = 0.0
        for g, w in zip(grads, weights):
            if g is not None:  # a constant gradient (of a piecewise-constant op) is a raw array
                total = total + ((g if isinstance(g, Node) else Tensor(g)) * w).sum()
        return total if isinstance(total, Node) else Tensor(total)

    return gradcheck(projected_gradient, *[place.put(a) for place, a in zip(places, arrays)], seed=seed,
                     **options)


from .compilecheck import CompileCheckError, compilecheck  # noqa: E402 - it builds on the compiler
