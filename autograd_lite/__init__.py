"""autograd_lite: reverse-mode automatic differentiation on Python floats and NumPy arrays.

>>> from autograd_lite import Value, grad
>>> def cost(m):
...     return (m * 2.0 - 1.0) ** 2
>>> grad(cost)(0.0)
-4.0
"""

from .engine import (
    DomainError,
    Node,
    Primitive,
    enable_grad,
    gradients,
    is_grad_enabled,
    no_grad,
    primitive,
)
from .functional import grad, value_and_grad
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
    sqrt,
    subtract,
    tanh,
)
from .value import Value
from .viz import draw_graph

__version__ = "0.1.0"

__all__ = [
    "DomainError", "Node", "Primitive", "Value", "abs", "add", "divide", "draw_graph", "enable_grad",
    "exp", "grad", "gradients", "is_grad_enabled", "log", "maximum", "minimum", "multiply",
    "negative", "no_grad", "power", "primitive", "relu", "sigmoid", "sqrt", "subtract", "tanh",
    "value_and_grad",
]
