"""autograd_lite: reverse-mode automatic differentiation on Python floats and NumPy arrays.

``Value`` (a scalar) and ``Tensor`` (an array) share one engine; every operation is a
:class:`Primitive` with its gradient beside it, and the functions below work on nodes, on plain
numbers and on plain arrays alike (plain in, plain out).

>>> from autograd_lite import Value, grad
>>> def cost(m):
...     return (m * 2.0 - 1.0) ** 2
>>> grad(cost)(0.0)
-4.0
"""

from . import backend, nn, optim, testing  # the subpackages, which build on the modules imported below
from .anomaly import AnomalyError
from .backend import DeviceError
from .engine import (
    DomainError,
    Node,
    Primitive,
    ShapeError,
    detect_anomaly,
    enable_grad,
    gradients,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    primitive,
)
from .functional import grad, hessian, hvp, jacobian, value_and_grad
from .math_ops import (
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    cbrt,
    cos,
    cosh,
    exp2,
    expm1,
    hypot,
    log1p,
    log2,
    log10,
    logaddexp,
    logaddexp2,
    reciprocal,
    sin,
    sinh,
    square,
    tan,
)
from .ops import (
    abs,
    add,
    divide,
    exp,
    log,
    maximum,
    minimum,
    multiply,
    negative,
    power,
    relu,
    sigmoid,
    sign,
    sqrt,
    subtract,
    tanh,
)
from .rounding import ceil, floor, isfinite, isinf, isnan, rint, round, trunc
from .tensor import Tensor, asarray, tensor
from .tensor_ops import (
    astype,
    broadcast_to,
    clip,
    concatenate,
    expand_dims,
    flatten,
    getitem,
    log_softmax,
    logsumexp,
    matmul,
    max,
    mean,
    min,
    reshape,
    softmax,
    squeeze,
    stack,
    sum,
    sum_to,
    swapaxes,
    to_device,
    transpose,
    var,
    where,
)
from .value import Value
from .viz import draw_graph

__version__ = "0.1.0"

__all__ = [
    "AnomalyError", "detect_anomaly", "is_anomaly_enabled",
    "DeviceError", "DomainError", "Node", "Primitive", "ShapeError", "Tensor", "Value", "abs", "add",
    "asarray", "astype",
    "broadcast_to", "clip", "concatenate", "divide", "draw_graph", "enable_grad", "exp", "expand_dims",
    "flatten", "getitem", "grad", "gradients", "hessian", "hvp", "is_grad_enabled", "jacobian", "log",
    "log_softmax", "logsumexp", "matmul", "max", "maximum", "mean", "min", "minimum", "multiply",
    "negative", "no_grad", "power", "primitive", "relu", "reshape", "sigmoid", "sign", "softmax", "sqrt",
    "squeeze", "stack", "subtract", "sum", "sum_to", "swapaxes", "tanh", "tensor", "to_device", "transpose",
    "value_and_grad", "var", "where", "backend", "nn", "optim", "testing",
    # NumPy's elementwise math (autograd_lite.math_ops)
    "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctanh", "cos", "cosh", "expm1", "log10",
    "log1p", "log2", "reciprocal", "sin", "sinh", "square", "tan",
    "arctan2", "hypot", "logaddexp", "logaddexp2", "exp2", "cbrt",
    # rounding (gradient 0) and floating-point class (autograd_lite.rounding)
    "ceil", "floor", "isfinite", "isinf", "isnan", "rint", "round", "trunc",
]
