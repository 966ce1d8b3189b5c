"""Norms: ``norm`` as ``numpy.linalg.norm``, ``vector_norm`` and ``matrix_norm`` as the array API
standard and NumPy 2.

``vector_norm`` is the one primitive; the matrix norms are composites of it, of ``svdvals`` and of the
reductions. At the points where a norm is not differentiable the gradient is PyTorch's (its
``linalg_vector_norm_backward``): at a zero vector the 2-norm (and any p-norm with p ≥ 1) has
gradient 0; ord=1 has sign(x) (0 at 0); ord=±inf gives g·sign(x) to the elements of extreme abs(x),
shared equally among ties; ord=0 (the count of nonzero elements) has gradient 0.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from .._checks import accepts_torch_spelling, is_bool
from ..backend import namespace
from ..engine import data_of, docstring_tests, primitive
from ..ops import abs as abs_
from ..ops import sign, where
from ..parameters import _axes, _canonical_axis, _keepdims, _shape_of
from ..reductions import _keepdims_shape
from ..reductions import max as max_
from ..reductions import min as min_
from ..reductions import sum as sum_
from ..shape_ops import reshape, transpose
from ..typing import Axis, Data, Operand
from ._common import as_float
from .decompositions import svdvals

__all__ = ["matrix_norm", "norm", "vector_norm"]

_INF = math.inf


def _order(op: str, ord: Any) -> float:  # noqa: A002 - NumPy's name
    if is_bool(ord) or not isinstance(ord, numbers.Real):
        raise ValueError(f"{op}: invalid norm order {ord!r} for vectors: a number (2, 1, inf, -inf, 0, "
                         f"any p) is expected")
    return float(ord)


@primitive
def vector_norm(x: Data, axis: Axis = None, keepdims: bool = False, ord: float = 2) -> Data:  # noqa: A002
    """The vector p-norm (Σ abs(x)^p)^(1/p) over ``axis`` (all axes, flattened, by default), as the
    standard's ``vector_norm``: ord=inf is max abs(x), −inf min abs(x), 0 the count of nonzeros.
    ∂L/∂x = g·sign(x)·abs(x)^(p−1) / norm^(p−1) (ord 2: g·x/norm), and PyTorch's at the kinks:
    0 at a zero vector; inf: g·sign(x) shared among the extreme elements

    >>> x = Tensor([3.0, -4.0], requires_grad=True)
    >>> vector_norm(x)
    Tensor(5., op='vector_norm')
    >>> vector_norm(x).backward()
    >>> x.grad
    array([ 0.6, -0.8])
    >>> z = Tensor([0.0, 0.0], requires_grad=True)
    >>> vector_norm(z).backward()
    >>> z.grad
    array([0., 0.])
    """
    xp = namespace(x)
    return xp.linalg.vector_norm(as_float(xp, x), axis=axis, keepdims=keepdims, ord=ord)


def _vector_norm_params(x: Data, axis: Axis = None, keepdims: bool = False, ord: float = 2) -> dict[str, Any]:  # noqa: A002
    return {"axis": _canonical_axis("vector_norm", axis, _shape_of(x)),
            "keepdims": _keepdims("vector_norm", keepdims), "ord": _order("vector_norm", ord)}


def _vector_norm_vjp(g: Operand, out: Operand, x: Operand, axis: Axis = None, keepdims: bool = False,
                     ord: float = 2) -> Operand:  # noqa: A002
    shape = tuple(x.shape)
    kept = _keepdims_shape(shape, axis)
    g, norm = reshape(g, shape=kept), reshape(out, shape=kept)
    xd, nd = data_of(x), data_of(norm)
    xp = namespace(xd)
    if ord == 0:  # piecewise constant: a constant zero, as PyTorch
        return xp.zeros_like(xd)
    if ord == 1:
        return g * sign(x)
    if ord in (_INF, -_INF):
        magnitude = abs_(x)
        hits = xp.astype((data_of(magnitude) == nd) | xp.isnan(data_of(magnitude)), xd.dtype)
        return g / xp.sum(hits, axis=axis, keepdims=True) * sign(x) * hits
    zero = nd == 0
    if ord == 2:
        return x * where(zero, 0.0, g / where(zero, 1.0, norm))
    if ord < 1:
        at_zero = xd == 0
        scaled = where(at_zero, 0.0, where(at_zero, 1.0, abs_(x)) ** (ord - 1)) * sign(x)
        return scaled * g * norm ** (1 - ord)
    scale = where(zero, 0.0, g / where(zero, 1.0, norm) ** (ord - 1))
    if ord < 2:
        return abs_(x) ** (ord - 1) * sign(x) * scale
    return x * abs_(x) ** (ord - 2) * scale


vector_norm.defparams(_vector_norm_params)
vector_norm.defvjp(_vector_norm_vjp)

_MATRIX_ORDERS = ("fro", "nuc", 1, -1, 2, -2, _INF, -_INF)


@accepts_torch_spelling
def matrix_norm(x: Operand, keepdims: bool = False, ord: float | str = "fro") -> Operand:  # noqa: A002
    """Composite (vector_norm, svdvals, max/min/sum): the matrix norm of each (..., M, N) matrix, as
    the standard's ``matrix_norm``: 'fro' (Frobenius), 'nuc' (Σ singular values), 2 / −2 (largest /
    smallest singular value), 1 / −1 (max / min column sum of abs), inf / −inf (max / min row sum).
    The gradient is that of its parts (ties of max share the gradient, as PyTorch's amax).

    >>> x = Tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
    >>> matrix_norm(x, ord=1)
    Tensor(6., op='max')
    >>> matrix_norm(x, ord=1).backward()
    >>> x.grad
    array([[ 0., -1.],
           [ 0.,  1.]])
    """
    shape = _shape_of(x)
    if len(shape) < 2:
        raise ValueError(f"matrix_norm: expected a matrix or a stack of them, shape (..., M, N); got an "
                         f"array of shape {shape}")
    if is_bool(ord) or ord not in _MATRIX_ORDERS:
        raise ValueError(f"matrix_norm: invalid norm order {ord!r} for matrices: one of 'fro', 'nuc', "
                         f"1, -1, 2, -2, inf, -inf")
    keepdims = _keepdims("matrix_norm", keepdims)
    if ord == "fro":
        return vector_norm(x, axis=(-2, -1), keepdims=keepdims)
    if ord == "nuc":
        out = sum_(svdvals(x), axis=-1)
    elif ord in (2, -2):
        out = (max_ if ord == 2 else min_)(svdvals(x), axis=-1)
    else:  # 1: the columns' sums (over the rows, axis -2); inf: the rows' sums
        sums = vector_norm(x, axis=-2 if ord in (1, -1) else -1, ord=1)
        out = (max_ if ord > 0 else min_)(sums, axis=-1)
    return reshape(out, shape=tuple(shape[:-2]) + (1, 1)) if keepdims else out


@accepts_torch_spelling
def norm(x: Operand, ord: float | str | None = None, axis: Axis = None,  # noqa: A002
         keepdims: bool = False) -> Operand:
    """Composite (:func:`vector_norm`, :func:`matrix_norm`): a vector or matrix norm, exactly as
    ``numpy.linalg.norm``: ``axis`` None flattens when ``ord`` is None and otherwise needs a 1-D
    (vector) or 2-D (matrix) input; an int (or 1-tuple) ``axis`` takes vector norms along it, a 2-tuple
    matrix norms over those two axes.  Gradients: those of vector_norm and matrix_norm

    PyTorch's spelling ``dim=``/``keepdim=`` is taken too (``torch.linalg.norm(A, ord, dim, keepdim)``).

    >>> x = Tensor([[3.0, 0.0], [0.0, 4.0]], requires_grad=True)
    >>> norm(x), norm(x, axis=1), norm(x, "nuc")
    (Tensor(5., op='vector_norm'), Tensor([3., 4.], op='vector_norm'), Tensor(7., op='sum'))
    >>> norm(x, dim=0, keepdim=True)
    Tensor([[3., 4.]], op='vector_norm')
    """
    shape = _shape_of(x)
    ndim = len(shape)
    keepdims = _keepdims("norm", keepdims)
    if axis is None:
        if ord is None:
            return vector_norm(x, keepdims=keepdims)
        if ndim not in (1, 2):
            raise ValueError(f"norm: improper number of dimensions to norm: ord={ord!r} with axis=None "
                             f"needs a 1-D or 2-D input, got shape {shape}")
        axes = tuple(range(ndim))
    else:
        axes = _axes("norm", axis, shape)
    if len(axes) == 1:
        if isinstance(ord, str):
            raise ValueError(f"norm: invalid norm order {ord!r} for vectors")
        return vector_norm(x, axis=axes[0], keepdims=keepdims, ord=2 if ord is None else ord)
    if len(axes) != 2:
        raise ValueError(f"norm: improper number of dimensions to norm: axis {axis!r} of an array of "
                         f"shape {shape} (1 axis for vector norms, 2 for matrix norms)")
    if is_bool(ord) or (ord is not None and ord not in _MATRIX_ORDERS):
        raise ValueError(f"norm: invalid norm order {ord!r} for matrices: one of 'fro', 'nuc', 1, -1, 2, "
                         f"-2, inf, -inf")
    if ord is None or ord == "fro":
        return vector_norm(x, axis=axes, keepdims=keepdims)
    row, column = axes
    rest = tuple(i for i in range(ndim) if i not in axes)
    moved = x if (row, column) == (ndim - 2, ndim - 1) else transpose(x, axes=rest + (row, column))
    out = matrix_norm(moved, ord=ord)
    return reshape(out, shape=tuple(1 if i in axes else n for i, n in enumerate(shape))) if keepdims else out


__test__ = docstring_tests(globals())
