"""Keras' normalization layers: ``BatchNormalization`` and ``LayerNormalization``, with Keras 3's
arguments, defaults (momentum 0.99, epsilon 1e-3) and weights (``gamma``, ``beta``, then the
non-trainable ``moving_mean`` and ``moving_variance``), over the standardisation primitive of
:mod:`autograd_lite.nn.functional.normalization`.

One deliberate difference: Keras 3 on back ends other than TensorFlow computes these two layers in
float32 even for float64 inputs (its ``result_type`` maps float64 to float32); here they compute in
the inputs' precision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ... import backend
from ..._checks import boolean, integer, invalid, real
from ...engine import ShapeError, data_of
from ...ops import add, multiply, sqrt
from ...reductions import var
from ...shape_ops import reshape
from ...typing import Operand
from .. import functional as F
from .._targets import _shape
from ..functional.normalization import _affine, _normalize, _write
from .base import Layer

__all__ = ["BatchNormalization", "LayerNormalization"]


def _refuse_extras(where: str, **given: Any) -> None:
    """Regularizers and constraints are accepted by Keras' names, but only as ``None``."""
    from ..layers.core import refuse_unless_none  # that module imports this package
    refuse_unless_none(where, **given)


def _axis_in(where: str, axis: int, ndim: int, shape: tuple[int, ...]) -> int:
    if not -ndim <= axis < ndim or ndim < 1:
        raise ShapeError(f"{where}: axis {axis} is out of range for the input of shape {shape}")
    return axis % ndim


class BatchNormalization(Layer):
    """Keras' batch normalization: y = (x − mean) / √(var + epsilon)·gamma + beta, per feature of
    ``axis`` (the last, channels-last; ``axis=1`` for channels-first).

    In training mode (``train()``, or ``training=True`` in the call) mean and var are the batch's,
    over every axis but ``axis`` (the variance biased, divided by the count), and the moving
    statistics move towards them: moving ← moving·momentum + batch·(1 − momentum), the biased
    variance too, as Keras 3's. In inference mode (a direct call, ``training=False``) the moving
    statistics are used. A layer with ``trainable=False`` always runs in inference mode, as Keras 3's
    (for fine-tuning). ``center=False`` leaves out beta, ``scale=False`` gamma. Regularizers,
    constraints and ``renorm`` are accepted by name only as their defaults; ``synchronized`` has no
    effect (one device).

    >>> import numpy as np
    >>> layer = BatchNormalization(epsilon=0.0)
    >>> layer(np.array([[1.0, 10.0], [3.0, 30.0]]), training=True).data
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> [w.round(4) for w in layer.get_weights()][2:]   # moving mean and variance, 1% of the way
    [array([0.02, 0.2 ]), array([1.  , 1.99])]
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: str = "zeros", gamma_initializer: str = "ones",
                 moving_mean_initializer: str = "zeros", moving_variance_initializer: str = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, renorm: bool = False, renorm_clipping: Any = None,
                 renorm_momentum: float = 0.99, synchronized: bool = False, **kwargs: Any) -> None:
        where = "BatchNormalization"
        self.axis = integer(axis, "axis", where)
        self.momentum = real(momentum, "momentum", where)
        self.epsilon = real(epsilon, "epsilon", where, minimum=0.0)
        self.center, self.scale = boolean(center, "center", where), boolean(scale, "scale", where)
        _refuse_extras(where, beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
                       beta_constraint=beta_constraint, gamma_constraint=gamma_constraint,
                       renorm_clipping=renorm_clipping)
        if boolean(renorm, "renorm", where):
            raise NotImplementedError(f"{where}: renorm=True (batch renormalization) is not supported")
        real(renorm_momentum, "renorm_momentum", where)
        self.synchronized = boolean(synchronized, "synchronized", where)
        self._initializers = (gamma_initializer, beta_initializer, moving_mean_initializer,
                              moving_variance_initializer)
        super().__init__(**kwargs)

    def build(self, input_shape: tuple[int, ...]) -> None:
        where = type(self).__name__
        self._axis = _axis_in(where, self.axis, len(input_shape), input_shape)
        self._ndim = len(input_shape)
        shape = (input_shape[self._axis],)
        gamma, beta, mean, variance = self._initializers
        if self.scale:
            self.add_weight(shape, gamma, name="gamma")
        if self.center:
            self.add_weight(shape, beta, name="beta")
        self.add_weight(shape, mean, trainable=False, name="moving_mean")
        self.add_weight(shape, variance, trainable=False, name="moving_variance")

    def call(self, inputs: Operand) -> Operand:
        where = type(self).__name__
        shape = _shape(inputs)
        channels = data_of(self.moving_mean).shape[0]
        if len(shape) != self._ndim or shape[self._axis] != channels:
            raise ShapeError(f"{where}: the input of shape {shape} must be {self._ndim}-D with {channels} "
                             f"features on axis {self.axis}, as the layer was built for")
        gamma, beta = getattr(self, "gamma", None), getattr(self, "beta", None)
        # the input as (before, features, after), a view with the features on axis 1: one rule for any axis
        before = _count(shape[:self._axis])
        view = reshape(inputs, (before, channels, _count(shape[self._axis + 1:])))
        if not (self.training and self.trainable):
            out = F.batch_norm(view, self.moving_mean, self.moving_variance, gamma, beta, training=False,
                               eps=self.epsilon)
            return reshape(out, shape)
        column = (channels, 1)
        out = _affine(_normalize(view, axis=(0, 2), eps=self.epsilon),
                      None if gamma is None else reshape(gamma, column),
                      None if beta is None else reshape(beta, column))
        data = data_of(view)
        xp = backend.namespace(data)
        batch_mean, batch_var = xp.mean(data, axis=(0, 2)), xp.var(data, axis=(0, 2))
        for buffer, batch in ((self.moving_mean, batch_mean), (self.moving_variance, batch_var)):
            moving = data_of(buffer)   # written last: a call that raises changes nothing
            _write(buffer, xp.astype(moving * self.momentum + batch * (1.0 - self.momentum), moving.dtype))
        return reshape(out, shape)


def _count(shape: Sequence[int]) -> int:
    count = 1
    for size in shape:
        count *= size
    return count


class LayerNormalization(Layer):
    """Keras' layer normalization: each sample standardised over ``axis`` (an int or a list of
    ints, the last by default), y = (x − mean) / √(var + epsilon)·gamma + beta, the variance biased;
    gamma and beta have the sizes of those axes. The same in training and inference.

    ``rms_scaling=True`` is Keras' deprecated rule y = x / √(var + epsilon)·gamma (no centring, no
    beta: the variance, not the mean square, as Keras computes it). Regularizers and constraints
    are accepted by name only as ``None``.

    >>> import numpy as np
    >>> LayerNormalization(epsilon=0.0)(np.array([[1.0, 3.0], [0.0, 4.0]])).data
    array([[-1.,  1.],
           [-1.,  1.]])
    """

    def __init__(self, axis: int | Sequence[int] = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: str = "zeros", gamma_initializer: str = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, rms_scaling: bool = False, **kwargs: Any) -> None:
        where = "LayerNormalization"
        if isinstance(axis, (list, tuple)):
            if not axis:
                raise ValueError(invalid(where, "axis", axis, "an int or a non-empty list of ints"))
            self.axis: int | list[int] = [integer(a, "axis", where) for a in axis]
        else:
            try:
                self.axis = integer(axis, "axis", where)
            except TypeError:
                raise TypeError(invalid(where, "axis", axis, "an int or a list of ints")) from None
        self.epsilon = real(epsilon, "epsilon", where, minimum=0.0)
        self.center, self.scale = boolean(center, "center", where), boolean(scale, "scale", where)
        self.rms_scaling = boolean(rms_scaling, "rms_scaling", where)
        _refuse_extras(where, beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
                       beta_constraint=beta_constraint, gamma_constraint=gamma_constraint)
        self._initializers = (gamma_initializer, beta_initializer)
        super().__init__(**kwargs)

    def build(self, input_shape: tuple[int, ...]) -> None:
        where = type(self).__name__
        given = self.axis if isinstance(self.axis, list) else [self.axis]
        axes = sorted(_axis_in(where, a, len(input_shape), input_shape) for a in given)
        if len(set(axes)) != len(axes):
            raise ValueError(f"{where}: axis {self.axis} names an axis twice (input of shape {input_shape})")
        self._axes = tuple(axes)
        shape = tuple(input_shape[a] for a in axes)
        # gamma and beta broadcast against the input: their sizes on the axes, 1 elsewhere
        self._broadcast = tuple(input_shape[a] if a in axes else 1 for a in range(len(input_shape)))
        gamma, beta = self._initializers
        if self.scale or self.rms_scaling:
            self.add_weight(shape, gamma, name="gamma")
        if self.center and not self.rms_scaling:
            self.add_weight(shape, beta, name="beta")

    def call(self, inputs: Operand) -> Operand:
        shape = _shape(inputs)
        if len(shape) != len(self._broadcast) or any(shape[a] != self._broadcast[a] for a in self._axes):
            sizes = [self._broadcast[a] for a in self._axes]
            raise ShapeError(f"{type(self).__name__}: the input has shape {shape}, but the layer was built "
                             f"for axes {list(self._axes)} of sizes {sizes}")
        gamma, beta = (None if w is None else reshape(w, self._broadcast)
                       for w in (getattr(self, "gamma", None), getattr(self, "beta", None)))
        if self.rms_scaling:
            variance = var(inputs, axis=self._axes, keepdims=True)
            scaled = multiply(inputs, 1.0 / sqrt(add(variance, self.epsilon)))
            return scaled if gamma is None else multiply(scaled, gamma)
        return _affine(_normalize(inputs, axis=self._axes, eps=self.epsilon), gamma, beta)
