"""Special functions of SciPy and PyTorch users: the error function, the log-sigmoid, and NumPy's
``nan_to_num``.

NumPy and the array API standard have no ``erf``: :func:`erf` and :func:`erfc` are W. J. Cody's
rational Chebyshev approximations ("Rational Chebyshev approximations for the error function",
Math. Comp. 23 (1969) 631–638, as in his SPECFUN routine CALERF), evaluated with the standard's
operations in three intervals: abs(x) ≤ 0.46875 (erf = x·R(x²)), up to 4 (erfc = e^(−x²)·R(x)),
and beyond (erfc = e^(−x²)/x·(1/√π − R(1/x²)/x²)), with e^(−x²) computed as e^(−s²)·e^(−(x−s)(x+s))
for s = x rounded down to sixteenths (s² is exact), so that the tail of ``erfc`` keeps its relative
accuracy up to x ≈ 26.5, where it leaves the normal floats. Measured (``tests/test_special.py``):
within 4 ulp (erf) and 6 ulp (erfc) of the correctly rounded value in float64, relative error below
1e-15 and 2e-15 over the whole line; float32 is computed in float64 where the device has it
(correctly rounded), else in float32 (within 5 and 8 ulp). Python floats (and so ``Value``) use
``math.erf`` and ``math.erfc``. The examples assume ``import numpy as np`` and
``from autograd_lite import Tensor``.
"""

from __future__ import annotations

import math
import numbers
import sys
from typing import Any

from .backend import default_float, device_of, host_namespace, namespace, ndarray
from .engine import data_of, docstring_tests, primitive
from .ops import _floating, exp, sigmoid
from .typing import Data, Operand

__all__ = ["erf", "erfc", "logsigmoid", "nan_to_num"]

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_ONE_OVER_SQRT_PI = 5.6418958354775628695e-1
_SMALL, _MIDDLE, _BIG = 0.46875, 4.0, 27.5  # the intervals' ends; e^(−27.5²) is below the subnormals

# Cody's coefficients: erf on [0, 0.46875] ...
_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03,
      1.85777706184603153e-1)
_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03)
# ... erfc·e^(x²) on [0.46875, 4] ...
_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
      8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
      2.15311535474403846e-8)
_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
      3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03)
# ... and erfc·x·e^(x²) beyond 4, in 1/x²
_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
      6.58749161529837803e-4, 1.63153871373020978e-2)
_Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1, 6.05183413124413191e-2,
      2.33520497626869185e-3)


def _ratio(t: Data, top: tuple[float, ...], bottom: tuple[float, ...]) -> Data:
    """Cody's rational function in ``t`` (Horner's rule, in place on new arrays): the numerator's
    leading coefficient is ``top[-1]``, its constant ``top[-2]``; the denominator is monic, its
    constant ``bottom[-1]``."""
    num, den = top[-1] * t, t + bottom[0]
    num += top[0]
    for a, b in zip(top[1:-2], bottom[1:-1]):
        num *= t
        num += a
        den *= t
        den += b
    num *= t
    num += top[-2]
    den *= t
    den += bottom[-1]
    num /= den
    return num


# erf(x) = x·A(x²)/B(x²) = x + x·(A − B)(x²)/B(x²): the last term is an eighth of the sum, so its
# rounding errors reach the result an eighth as large
_A_MINUS_B = (*(a - b for a, b in zip(_A, _B)), _A[4] - 1.0)


def _erf_small(x: Data) -> Data:
    """erf(x) for abs(x) ≤ 0.46875."""
    return x + x * _ratio(x * x, _A_MINUS_B, _B)


def _erfc_tail(y: Data) -> Data:
    """erfc(y)·e^(y²) for y ≥ 4."""
    w = 1.0 / (y * y)
    return (_ONE_OVER_SQRT_PI - w * _ratio(w, _P, _Q)) / y


def _exp_minus_square(xp: Any, y: Data) -> Data:
    """e^(−y²) for 0 ≤ y, as e^(−s²)·e^(−(y−s)(y+s)) with s = y rounded down to a multiple of 2⁻¹⁶
    (2⁻⁷ in float32): s² is exact (y ≤ 27.5), and (y−s)(y+s) so small that its rounding is lost in
    the last bit, so the tail keeps all its digits (NaN stays NaN)."""
    y = xp.minimum(y, _BIG)
    grain = 65536.0 if y.dtype == xp.float64 else 128.0
    s = xp.trunc(y * grain) / grain
    return xp.exp(-(s * s)) * xp.exp(-((y - s) * (y + s)))


def _erf_parts(x: Data) -> tuple[Any, Data, Data, Data]:
    """The namespace, x as floats (float32 computed in float64 where the device has it), erf(x)
    where abs(x) ≤ 0.46875 and erfc(abs(x)) elsewhere: each interval on its own elements (NumPy) or
    on clamped copies of all (other libraries)."""
    xp = namespace(x)
    x = _floating(xp, x)
    wider = default_float(xp, device_of(x))
    if x.dtype != wider:
        x = xp.astype(x, wider)
    y = xp.abs(x)
    if x.__class__ is ndarray:  # NumPy: each element through one interval only, 3× faster
        small, middle = y <= _SMALL, (y > _SMALL) & (y <= _MIDDLE)
        far = ~(small | middle)  # NaN too
        near, tail = host_namespace.zeros_like(x), host_namespace.zeros_like(x)
        near[small] = _erf_small(x[small])
        y_middle, y_far = y[middle], y[far]
        tail[middle] = _ratio(y_middle, _C, _D) * _exp_minus_square(xp, y_middle)
        tail[far] = _erfc_tail(y_far) * _exp_minus_square(xp, y_far)
        return xp, x, near, tail
    near = _erf_small(xp.clip(x, -_SMALL, _SMALL))
    y = xp.maximum(y, _SMALL)
    rational = xp.where(y <= _MIDDLE, _ratio(xp.minimum(y, _MIDDLE), _C, _D),
                        _erfc_tail(xp.maximum(y, _MIDDLE)))
    return xp, x, near, rational * _exp_minus_square(xp, y)


def _narrowed(xp: Any, out: Data, x: Data) -> Data:
    """``out`` in the dtype of ``x`` (float32 in, float32 out)."""
    return out if out.dtype == x.dtype or not xp.isdtype(x.dtype, "real floating") else \
        xp.astype(out, x.dtype)


def _scalar_erf(x: float) -> float:
    return math.erf(x)


@primitive(scalar=_scalar_erf)
def erf(x: Data) -> Data:
    """The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt.  ∂L/∂x = g·2/√π·e^(−x²)

    Cody's approximation (see the module), within 4 ulp; float32 in, float32 out.

    >>> x = Tensor([0.0, 0.5, -2.0], requires_grad=True)
    >>> erf(x)
    Tensor([ 0.        ,  0.52049988, -0.99532227], op='erf')
    >>> erf(x).sum().backward()
    >>> x.grad.round(4)
    array([1.1284, 0.8788, 0.0207])
    """
    xp, wide, near, tail = _erf_parts(x)
    out = xp.where(xp.abs(wide) <= _SMALL, near, xp.where(wide < 0, tail - 1.0, 1.0 - tail))
    return _narrowed(xp, out, x)


erf.defvjp(lambda g, out, x: g * _TWO_OVER_SQRT_PI * exp(-(x * x)))


def _scalar_erfc(x: float) -> float:
    return math.erfc(x)


@primitive(scalar=_scalar_erfc)
def erfc(x: Data) -> Data:
    """The complementary error function erfc(x) = 1 − erf(x), without cancellation for large x.
    ∂L/∂x = −g·2/√π·e^(−x²)

    Cody's approximation (see the module), within 6 ulp, in the tail too (erfc(26) ≈ 5.7e-296);
    float32 in, float32 out.

    >>> x = Tensor([0.0, 10.0, -1.0], requires_grad=True)
    >>> erfc(x)
    Tensor([1.00000000e+00, 2.08848758e-45, 1.84270079e+00], op='erfc')
    >>> erfc(x).sum().backward()
    >>> x.grad.round(6)
    array([-1.128379, -0.      , -0.415107])
    """
    xp, wide, near, tail = _erf_parts(x)
    out = xp.where(xp.abs(wide) <= _SMALL, 1.0 - near, xp.where(wide < 0, 2.0 - tail, tail))
    return _narrowed(xp, out, x)


erfc.defvjp(lambda g, out, x: -g * _TWO_OVER_SQRT_PI * exp(-(x * x)))


# ---- the log-sigmoid --------------------------------------------------------------------------


def _scalar_logsigmoid(x: float) -> float:
    if x >= 0:
        return -math.log1p(math.exp(-x))
    return x - math.log1p(math.exp(x))


@primitive(scalar=_scalar_logsigmoid)
def logsigmoid(x: Data) -> Data:
    """log σ(x) = −softplus(−x) = min(x, 0) − log(1 + e^(−abs(x))), finite for any x.
    ∂L/∂x = g·σ(−x) = g·(1 − σ(x))

    PyTorch's ``F.logsigmoid`` (also ``autograd_lite.nn.functional.logsigmoid``).

    >>> x = Tensor([-1000.0, 0.0, 50.0], requires_grad=True)
    >>> logsigmoid(x)
    Tensor([-1.00000000e+03, -6.93147181e-01, -1.92874985e-22], op='logsigmoid')
    >>> logsigmoid(x).sum().backward()
    >>> x.grad
    array([1.00000000e+00, 5.00000000e-01, 1.92874985e-22])
    """
    xp = namespace(x)
    return -xp.logaddexp(0.0, -_floating(xp, x))


logsigmoid.defvjp(lambda g, out, x: g * sigmoid(-x))


# ---- nan_to_num -------------------------------------------------------------------------------


def _replacement(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"nan_to_num: {name} must be a real number or None, not {type(value).__name__} "
                        f"{value!r:.40}")
    return float(value)


def _nan_to_num_params(x: Data, nan: float = 0.0, posinf: float | None = None,
                       neginf: float | None = None) -> dict[str, Any]:
    if nan is None:
        raise TypeError("nan_to_num: nan must be a real number, not None")
    return {"nan": _replacement(nan, "nan"), "posinf": _replacement(posinf, "posinf"),
            "neginf": _replacement(neginf, "neginf")}


def _scalar_nan_to_num(x: float, nan: float = 0.0, posinf: float | None = None,
                       neginf: float | None = None) -> float:
    if x.__class__ is not float or math.isfinite(x):
        return x
    if x != x:
        return float(nan)
    if x > 0:
        return sys.float_info.max if posinf is None else float(posinf)
    return -sys.float_info.max if neginf is None else float(neginf)


@primitive(scalar=_scalar_nan_to_num)
def nan_to_num(x: Data, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Data:
    """NaN replaced by ``nan``, +inf by ``posinf`` and −inf by ``neginf`` (None: the largest finite
    number of x's dtype, and its negative), as NumPy; integers and bools are returned as they are.
    ∂L/∂x = g·1 where x is finite, else g·0 (as PyTorch: 0, or NaN where g is NaN)

    >>> x = Tensor([1.0, np.nan, np.inf, -np.inf], requires_grad=True)
    >>> nan_to_num(x, posinf=9.0)
    Tensor([ 1.00000000e+000,  0.00000000e+000,  9.00000000e+000, -1.79769313e+308], op='nan_to_num')
    >>> nan_to_num(x).sum().backward()
    >>> x.grad
    array([1., 0., 0., 0.])
    """
    xp = namespace(x)
    x = xp.asarray(x)
    if not xp.isdtype(x.dtype, "real floating"):
        return xp.asarray(x, copy=True)
    if x.__class__ is ndarray:  # NumPy's own: one pass
        return host_namespace.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)
    largest = xp.finfo(x.dtype).max
    posinf, neginf = largest if posinf is None else posinf, -largest if neginf is None else neginf
    return xp.where(xp.isnan(x), nan, xp.where(x == math.inf, posinf, xp.where(x == -math.inf, neginf, x)))


nan_to_num.defparams(_nan_to_num_params)
def _nan_to_num_vjp(g: Operand, out: Operand, x: Operand, nan: float = 0.0, posinf: float | None = None,
                    neginf: float | None = None) -> Operand:
    """g times 1 where x is finite, 0 elsewhere, as PyTorch (so a NaN arriving there stays NaN)."""
    x = data_of(x)
    if x.__class__ is float or x.__class__ is int:
        return g if math.isfinite(x) else g * 0.0
    xp = namespace(x)
    finite = xp.isfinite(x)
    return g * (finite if finite.__class__ is ndarray else xp.astype(finite, x.dtype))


nan_to_num.defvjp(_nan_to_num_vjp)


__test__ = docstring_tests(globals())
