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

from . import (  # the subpackages and namespaces, which build on the modules imported below
    backend,
    compiler,
    contractions,
    creation,
    data,
    distribute,
    functional,
    indexing,
    integrations,
    linalg,
    modulo,
    nn,
    optim,
    random,
    reshaping,
    scans,
    sorting,
    special,
    testing,
)
from .anomaly import AnomalyError
from .backend import DeviceError
from .compiler import CompileError, compile, disable_compile, grad_code  # noqa: A004, F401 - ag.compile
from .contractions import *  # noqa: F403 - each area's public names, listed in its __all__
from .creation import *  # noqa: F403
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
from .functional import *  # noqa: F403
from .indexing import *  # noqa: F403
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
from .modulo import *  # noqa: F403
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
from .random import manual_seed, set_random_seed
from .reductions import prod, std
from .reshaping import *  # noqa: F403
from .rounding import ceil, floor, isfinite, isinf, isnan, rint, round, trunc
from .scans import *  # noqa: F403
from .sorting import *  # noqa: F403
from .special import *  # noqa: F403
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
from .torch_names import cat
from .value import Value
from .viz import draw_graph

__version__ = "0.1.0"

__all__ = [
    "AnomalyError", "detect_anomaly", "is_anomaly_enabled",
    "DeviceError", "DomainError", "Node", "Primitive", "ShapeError", "Tensor", "Value", "abs", "add",
    "asarray", "astype",
    "broadcast_to", "clip", "concatenate", "divide", "draw_graph", "enable_grad", "exp", "expand_dims",
    "flatten", "getitem", "gradients", "is_grad_enabled", "log",
    "log_softmax", "logsumexp", "matmul", "max", "maximum", "mean", "min", "minimum", "multiply",
    "negative", "no_grad", "power", "primitive", "relu", "reshape", "sigmoid", "sign", "softmax", "sqrt",
    "squeeze", "stack", "subtract", "sum", "sum_to", "swapaxes", "tanh", "tensor", "to_device", "transpose",
    "var", "where", "backend", "data", "distribute", "integrations", "nn", "optim", "testing",
    # compiling (autograd_lite.compiler); ``compile`` itself is ag.compile, not star-imported
    "CompileError", "compiler", "disable_compile", "grad_code",
    # NumPy's elementwise math (autograd_lite.math_ops)
    "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctanh", "cos", "cosh", "expm1", "log10",
    "log1p", "log2", "reciprocal", "sin", "sinh", "square", "tan",
    "arctan2", "hypot", "logaddexp", "logaddexp2", "exp2", "cbrt",
    # rounding (gradient 0) and floating-point class (autograd_lite.rounding)
    "ceil", "floor", "isfinite", "isinf", "isnan", "rint", "round", "trunc",
    # the areas below each list their names in their own __all__
    "linalg", "random", "manual_seed", "set_random_seed", "cat", "prod", "std",
    *contractions.__all__, *creation.__all__, *functional.__all__, *indexing.__all__, *modulo.__all__,
    *reshaping.__all__, *scans.__all__, *sorting.__all__, *special.__all__,
]
