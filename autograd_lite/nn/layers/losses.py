"""The losses as modules, PyTorch's ``nn.MSELoss``, ``nn.CrossEntropyLoss``, …: each holds its options
and calls its function in :mod:`autograd_lite.nn.functional`, ``loss(input, target)``.

The constructors take PyTorch's arguments in PyTorch's order, the deprecated ``size_average`` and
``reduce`` too (read into ``reduction`` as PyTorch does, with its warning). Class weights
(``weight``, ``pos_weight``) are buffers, as in PyTorch: in ``state_dict``, moved by ``to()``, never
trained.
"""

from __future__ import annotations

import warnings

from ..._checks import boolean, integer, real
from ...tensor import Tensor
from ...typing import Operand
from .. import functional as F
from .._targets import _reduction
from ..functional.losses import _positive
from ..module import Module

__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "CosineEmbeddingLoss", "CosineSimilarity", "CrossEntropyLoss",
    "GaussianNLLLoss", "HuberLoss", "KLDivLoss", "L1Loss", "MSELoss", "MarginRankingLoss", "NLLLoss",
    "PoissonNLLLoss", "SmoothL1Loss", "SoftMarginLoss",
]


def _legacy_reduction(size_average: bool | None, reduce: bool | None) -> str:
    """PyTorch's reading of the deprecated ``size_average`` and ``reduce`` (each True when None)."""
    reduction = "none" if reduce is False else "sum" if size_average is False else "mean"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' "
                  f"instead.", UserWarning, stacklevel=3)
    return reduction


class _Loss(Module):
    """A loss module: its ``reduction``, checked here (``also``: the further ones it takes)."""

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
                 also: tuple[str, ...] = ()) -> None:
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = _legacy_reduction(size_average, reduce)
        self.reduction = _reduction(type(self).__name__, reduction, also)

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """The mean squared error (see :func:`~autograd_lite.nn.functional.mse_loss`).

    >>> from autograd_lite import nn
    >>> nn.MSELoss(reduction="sum")(Tensor([1.0, 3.0]), np.array([1.0, 1.0]))
    Tensor(4.)
    """

    def forward(self, input: Operand, target: Operand) -> Tensor:  # noqa: A002
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """The mean absolute error (see :func:`~autograd_lite.nn.functional.l1_loss`)."""

    def forward(self, input: Operand, target: Operand) -> Tensor:  # noqa: A002
        return F.l1_loss(input, target, reduction=self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities (see
    :func:`~autograd_lite.nn.functional.binary_cross_entropy`)."""

    def __init__(self, weight: Operand | None = None, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)

    def forward(self, input: Operand, target: Operand) -> Tensor:  # noqa: A002
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits, stable (see
    :func:`~autograd_lite.nn.functional.binary_cross_entropy_with_logits`).

    >>> from autograd_lite import nn
    >>> loss = nn.BCEWithLogitsLoss(pos_weight=np.array([3.0]))
    >>> loss(Tensor([0.0]), np.array([1.0])), [name for name, _ in loss.named_buffers()]
    (Tensor(2.07944154), ['pos_weight'])
    """

    def __init__(self, weight: Operand | None = None, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean",
                 pos_weight: Operand | None = None) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Operand, target: Operand) -> Tensor:  # noqa: A002
        return F.binary_cross_entropy_with_logits(input, target, weight=self.weight, reduction=self.reduction,
                                                  pos_weight=self.pos_weight)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy of logits, classes on axis 1 (see
    :func:`~autograd_lite.nn.functional.cross_entropy`).

    >>> from autograd_lite import nn
    >>> loss = nn.CrossEntropyLoss(label_smoothing=0.1)
    >>> loss, loss(Tensor([[2.0, 0.0], [0.0, 2.0]]), np.array([0, 1])).item()
    (CrossEntropyLoss(label_smoothing=0.1), 0.2269280110429727)
    """

    def __init__(self, weight: Operand | None = None, size_average: bool | None = None,
                 ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.ignore_index = integer(ignore_index, "ignore_index", "CrossEntropyLoss")
        self.label_smoothing = real(label_smoothing, "label_smoothing", "CrossEntropyLoss", minimum=0.0,
                                    maximum=1.0)
        self.register_buffer("weight", weight)

    def forward(self, input: Operand, target: Operand) -> Tensor:  # noqa: A002
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)

    def extra_repr(self) -> str:
        options = [super().extra_repr(),
                   "" if self.ignore_index == -100 else f"ignore_index={self.ignore_index}",
                   "" if self.label_smoothing == 0.0 else f"label_smoothing={self.label_smoothing}"]
        return ", ".join(option for option in options if option)


class NLLLoss(_Loss):
    """The negative log-likelihood of log-probabilities (see
    :func:`~autograd_lite.nn.functional.nll_loss`)."""

    def __init__(self, weight: Operand | None = None, size_average: bool | None = None,
                 ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.ignore_index = integer(ignore_index, "ignore_index", "NLLLoss")
        self.register_buffer("weight", weight)

    def forward(self, input: Operand, target: Operand) -> Tensor:  # noqa: A002
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class HuberLoss(_Loss):
    """Huber's loss, quadratic within ``delta`` (see :func:`~autograd_lite.nn.functional.huber_loss`)."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = _positive("HuberLoss", "delta", delta, zero=False)

    def forward(self, input: Operand, target: Operand) -> Tensor:  # noqa: A002
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(_Loss):
    """The smooth L1 loss, quadratic within ``beta`` (see
    :func:`~autograd_lite.nn.functional.smooth_l1_loss`)."""

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
                 beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = real(beta, "beta", "SmoothL1Loss", minimum=0.0)

    def forward(self, input: Operand, target: Operand) -> Tensor:  # noqa: A002
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class KLDivLoss(_Loss):
    """The Kullback–Leibler divergence of log-probabilities (see
    :func:`~autograd_lite.nn.functional.kl_div`; ``reduction="batchmean"`` is the divergence)."""

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
                 log_target: bool = False) -> None:
        super().__init__(size_average, reduce, reduction, also=("batchmean",))
        self.log_target = boolean(log_target, "log_target", "KLDivLoss")

    def forward(self, input: Operand, target: Operand) -> Tensor:  # noqa: A002
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class CosineSimilarity(Module):
    """The cosine similarity of two inputs along ``dim`` (see
    :func:`~autograd_lite.nn.functional.cosine_similarity`)."""

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim = integer(dim, "dim", "CosineSimilarity")
        self.eps = real(eps, "eps", "CosineSimilarity", minimum=0.0)

    def forward(self, x1: Operand, x2: Operand) -> Tensor:
        return F.cosine_similarity(x1, x2, dim=self.dim, eps=self.eps)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, eps={self.eps:g}"


class MarginRankingLoss(_Loss):
    """max(0, −y·(x1 − x2) + margin) (see :func:`~autograd_lite.nn.functional.margin_ranking_loss`)."""

    def __init__(self, margin: float = 0.0, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = real(margin, "margin", "MarginRankingLoss")

    def forward(self, input1: Operand, input2: Operand, target: Operand) -> Tensor:
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """The logistic loss of targets ±1 (see :func:`~autograd_lite.nn.functional.soft_margin_loss`)."""

    def forward(self, input: Operand, target: Operand) -> Tensor:  # noqa: A002
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """The Poisson negative log-likelihood of counts (see
    :func:`~autograd_lite.nn.functional.poisson_nll_loss`)."""

    def __init__(self, log_input: bool = True, full: bool = False, size_average: bool | None = None,
                 eps: float = 1e-8, reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input = boolean(log_input, "log_input", "PoissonNLLLoss")
        self.full = boolean(full, "full", "PoissonNLLLoss")
        self.eps = real(eps, "eps", "PoissonNLLLoss", minimum=0.0)

    def forward(self, input: Operand, target: Operand) -> Tensor:  # noqa: A002
        return F.poisson_nll_loss(input, target, self.log_input, self.full, eps=self.eps,
                                  reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """The Gaussian negative log-likelihood of targets, ``loss(input, target, var)`` (see
    :func:`~autograd_lite.nn.functional.gaussian_nll_loss`)."""

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        self.full = boolean(full, "full", "GaussianNLLLoss")
        self.eps = real(eps, "eps", "GaussianNLLLoss", minimum=0.0)

    def forward(self, input: Operand, target: Operand, var: Operand | float) -> Tensor:  # noqa: A002
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """1 − cos for targets 1, max(0, cos − margin) for −1 (see
    :func:`~autograd_lite.nn.functional.cosine_embedding_loss`)."""

    def __init__(self, margin: float = 0.0, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = real(margin, "margin", "CosineEmbeddingLoss")

    def forward(self, input1: Operand, input2: Operand, target: Operand) -> Tensor:
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)
