"""Normalization layers: ``BatchNorm1d/2d`` (with running statistics as buffers), ``LayerNorm``,
``GroupNorm``.

Each is a thin class over :mod:`autograd_lite.nn.functional.normalization`: the layer holds the
learned ``weight`` (ones) and ``bias`` (zeros), as PyTorch's, and BatchNorm its running statistics
as buffers (``running_mean``, ``running_var``, ``num_batches_tracked``), which ``state_dict`` saves
and ``.to()`` moves but no optimizer trains; their names and shapes are PyTorch's, so a PyTorch
``state_dict`` loads.
"""

from __future__ import annotations

from collections.abc import Sequence

from ... import backend
from ..._checks import boolean, integer, real
from ...engine import ShapeError, data_of
from ...tensor import Tensor
from ...typing import Operand
from .. import functional as F
from .._targets import _shape
from ..functional.normalization import _batch_norm, _normalized_shape, _write
from ..module import Module
from .core import _parameter_on

__all__ = ["BatchNorm1d", "BatchNorm2d", "GroupNorm", "LayerNorm"]

_host = backend.host_namespace  # initial values are made on the host, as Linear's


class _BatchNorm(Module):
    """What BatchNorm1d and BatchNorm2d share; they differ in the inputs they take (:attr:`_ranks`)."""

    #: the numbers of axes of the inputs the layer takes
    _ranks: tuple[int, ...] = ()
    _ranks_text = ""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, *, bias: bool = True) -> None:
        where = type(self).__name__
        num_features = integer(num_features, "num_features", where, minimum=1)
        eps = real(eps, "eps", where, minimum=0.0)
        if momentum is not None:
            momentum = real(momentum, "momentum", where)
        affine = boolean(affine, "affine", where)
        track_running_stats = boolean(track_running_stats, "track_running_stats", where)
        bias = boolean(bias, "bias", where)
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight = _parameter_on(_host.ones(num_features), None) if affine else None
        self.bias = _parameter_on(_host.zeros(num_features), None) if affine and bias else None
        if track_running_stats:
            self.register_buffer("running_mean", _host.zeros(num_features))
            self.register_buffer("running_var", _host.ones(num_features))
            self.register_buffer("num_batches_tracked", _host.zeros((), dtype=_host.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batch counted (as a new layer's)."""
        if self.track_running_stats:
            xp = backend.namespace(data_of(self.running_mean))
            device = backend.device_of(data_of(self.running_mean))
            self.running_mean = xp.zeros_like(data_of(self.running_mean), device=device)
            self.running_var = xp.ones_like(data_of(self.running_var), device=device)
            self.num_batches_tracked = xp.zeros_like(data_of(self.num_batches_tracked), device=device)

    def forward(self, input: Operand) -> Tensor:  # noqa: A002 - PyTorch's name
        """y = (x − mean) / √(var + eps)·weight + bias per channel (axis 1): in training with the
        batch's statistics (and the running ones updated, if tracked), in evaluation with the running
        ones (or the batch's, when they are not tracked)."""
        where = type(self).__name__
        shape = _shape(input)
        if len(shape) not in self._ranks:
            raise ShapeError(f"{where}: expected {self._ranks_text} input, but it has shape {shape}")
        if shape[1] != self.num_features:
            raise ShapeError(f"{where}: the input of shape {shape} has {shape[1]} channels (axis 1), but the "
                             f"layer has num_features={self.num_features}")
        counting = self.training and self.track_running_stats
        momentum = self.momentum
        if momentum is None:   # a cumulative average: the batch counts 1/(number of batches so far)
            momentum = 1.0 / (int(data_of(self.num_batches_tracked)) + 1) if counting else 0.0
        tracked = (self.running_mean, self.running_var) if not self.training or self.track_running_stats \
            else (None, None)
        use_batch_stats = self.training or self.running_mean is None
        out, updated = _batch_norm(input, *tracked, self.weight, self.bias, use_batch_stats, momentum,
                                   self.eps, op=where)
        if counting:   # in place, as PyTorch's, after the output: a call that raises changes nothing
            _write(self.running_mean, updated[0])
            _write(self.running_var, updated[1])
            count = data_of(self.num_batches_tracked)
            _write(self.num_batches_tracked, backend.namespace(count).asarray(count + 1,
                                                                              device=backend.device_of(count)))
        return out

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, " \
               f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) or (N, C, L) inputs over the batch (and length), per channel,
    PyTorch's ``nn.BatchNorm1d``; see :func:`~autograd_lite.nn.functional.batch_norm`.

    In training (``train()``, the default) it normalises with the batch's mean and biased variance
    and moves ``running_mean`` and ``running_var`` (in place: the same tensors, outside the graph)
    towards the batch's mean and unbiased variance by ``momentum`` (or, with ``momentum=None``,
    keeps their average over all batches, counted in ``num_batches_tracked``); in evaluation
    (``eval()``) it normalises with the running statistics.
    With ``track_running_stats=False`` it has no running statistics (the buffers are ``None``) and
    always uses the batch's. ``affine=False`` leaves out ``weight`` and ``bias``, ``bias=False`` (a
    keyword) the bias.

    >>> from autograd_lite import nn
    >>> layer = nn.BatchNorm1d(2)
    >>> layer(np.array([[1.0, 10.0], [3.0, 30.0]])).data.round(4)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> layer.running_mean.data, int(layer.num_batches_tracked.data)
    (array([0.2, 2. ]), 1)
    """

    _ranks, _ranks_text = (2, 3), "a 2-D (N, C) or 3-D (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) images over the batch and both spatial axes, per channel,
    PyTorch's ``nn.BatchNorm2d``; otherwise as :class:`BatchNorm1d`.

    >>> from autograd_lite import nn
    >>> nn.BatchNorm2d(3)(np.random.randn(4, 3, 5, 5)).shape
    (4, 3, 5, 5)
    """

    _ranks, _ranks_text = (4,), "a 4-D (N, C, H, W)"


class LayerNorm(Module):
    """Layer normalization over the trailing axes ``normalized_shape``, PyTorch's ``nn.LayerNorm``;
    see :func:`~autograd_lite.nn.functional.layer_norm`.

    ``weight`` (ones) and ``bias`` (zeros) have shape ``normalized_shape``; ``elementwise_affine=False``
    leaves both out, ``bias=False`` the bias. The same in training and evaluation.

    >>> from autograd_lite import nn
    >>> nn.LayerNorm(2)(np.array([[1.0, 3.0]])).data.round(4)
    array([[-1.,  1.]])
    """

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True) -> None:
        normalized_shape = _normalized_shape("LayerNorm", normalized_shape)
        eps = real(eps, "eps", "LayerNorm", minimum=0.0)
        elementwise_affine = boolean(elementwise_affine, "elementwise_affine", "LayerNorm")
        bias = boolean(bias, "bias", "LayerNorm")
        super().__init__()
        self.normalized_shape, self.eps, self.elementwise_affine = normalized_shape, eps, elementwise_affine
        self.weight = _parameter_on(_host.ones(normalized_shape), None) if elementwise_affine else None
        with_bias = elementwise_affine and bias
        self.bias = _parameter_on(_host.zeros(normalized_shape), None) if with_bias else None

    def forward(self, input: Operand) -> Tensor:  # noqa: A002 - PyTorch's name
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, " \
               f"bias={self.bias is not None}"


class GroupNorm(Module):
    """Group normalization of (N, C, …) inputs, ``num_groups`` blocks of channels each standardised per
    sample, PyTorch's ``nn.GroupNorm``; see :func:`~autograd_lite.nn.functional.group_norm`.

    ``weight`` (ones) and ``bias`` (zeros) have shape (num_channels,); ``affine=False`` leaves them out,
    ``bias=False`` (a keyword) the bias.

    >>> from autograd_lite import nn
    >>> nn.GroupNorm(2, 4)(np.array([[1.0, 3.0, 0.0, 4.0]])).data.round(4)
    array([[-1.,  1., -1.,  1.]])
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True, *,
                 bias: bool = True) -> None:
        num_groups = integer(num_groups, "num_groups", "GroupNorm", minimum=1)
        num_channels = integer(num_channels, "num_channels", "GroupNorm", minimum=1)
        if num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_groups {num_groups} must divide num_channels {num_channels}")
        eps = real(eps, "eps", "GroupNorm", minimum=0.0)
        affine, bias = boolean(affine, "affine", "GroupNorm"), boolean(bias, "bias", "GroupNorm")
        super().__init__()
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        self.weight = _parameter_on(_host.ones(num_channels), None) if affine else None
        self.bias = _parameter_on(_host.zeros(num_channels), None) if affine and bias else None

    def forward(self, input: Operand) -> Tensor:  # noqa: A002 - PyTorch's name
        shape = _shape(input)
        if len(shape) >= 2 and shape[1] != self.num_channels:
            raise ShapeError(f"GroupNorm: the input of shape {shape} has {shape[1]} channels (axis 1), but "
                             f"the layer has num_channels={self.num_channels}")
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, " \
               f"bias={self.bias is not None}"
