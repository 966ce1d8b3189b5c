"""The op-table rows of autograd_lite.nn.functional.losses and losses_extra: the public losses (each a
composite of differentiable ops, so its rows check first and second order through them) with their
options; the fused primitives of the default calls (mse_loss, binary_cross_entropy_with_logits,
softmax_cross_entropy) keep their rows in ``op_table.py``.

Rows are :class:`~op_row.Op` (columns explained there); ``op_table.py`` merges :data:`ROWS` and
:data:`COVERED_THROUGH` into the table. The reference of each is PyTorch's function in float64. Each
strategy keeps the inputs a finite-difference step away from its loss's kinks (|x − y| at 0, δ or β;
the ranking margin), and draws class weights as float32, so that the rows also run on a device
without float64 (the weights are constants, not differentiated).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st
from op_inputs import SMALL, Case
from op_row import Op

from autograd_lite.nn import functional as F
from autograd_lite.testing import strategies as agst

REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


def _torch(name: str) -> Any:
    """``torch.nn.functional.<name>`` on NumPy arrays, the parameters by keyword (arrays as tensors,
    floating ones in float64)."""
    def reference(*arrays: np.ndarray, **params: Any) -> np.ndarray:
        def convert(x: Any) -> Any:
            if not isinstance(x, np.ndarray):
                return x
            return torch.from_numpy(x.astype(np.float64) if x.dtype.kind == "f" else x)
        with warnings.catch_warnings():   # kl_div's, that reduction="mean" is not the divergence
            warnings.simplefilter("ignore", UserWarning)
            return getattr(torch.nn.functional, name)(*map(convert, arrays), **{
                key: convert(value) for key, value in params.items()}).numpy()
    return reference


def _weights(shape: tuple[int, ...]) -> st.SearchStrategy:
    return agst.arrays(shape, dtype=np.float32, min_value=0.5, max_value=2.0)


@st.composite
def _differences(draw: Any, op: Op, second_order: bool = False, kinks: str = "") -> Case:
    """A prediction and a target of one shape whose differences stay 0.05 from the loss's kinks: 0
    (``l1``), ±δ (``delta``) or ±β (``beta``); and a ``reduction``."""
    params = {"reduction": draw(REDUCTIONS)}
    if kinks:
        params[kinks] = draw(st.sampled_from([0.5, 1.0, 2.0]))
    shape = draw(agst.shapes(**SMALL))
    x = draw(agst.arrays(shape, min_value=-3, max_value=3))
    avoid = (0.0,) if not kinks else (-params[kinks], params[kinks])
    difference = draw(agst.arrays(shape, min_value=-4, max_value=4, avoid=avoid))
    return Case((x, x - difference), params)


def _on_kinks(kinks: str) -> Any:
    return lambda op, second_order=False: _differences(op, second_order, kinks)


@st.composite
def _binary(draw: Any, op: Op, second_order: bool = False, logits: bool = True) -> Case:
    """Logits (or probabilities in [0.05, 0.95]) and targets in [0, 1] of one shape, with a
    ``weight`` (and for logits a ``pos_weight``) broadcast to it, or none, and a ``reduction``."""
    shape = draw(agst.shapes(min_dims=1, **SMALL))
    low, high = (-5, 5) if logits else (0.05, 0.95)
    params = {"reduction": draw(REDUCTIONS)}
    for name in ("weight", "pos_weight") if logits else ("weight",):
        if draw(st.booleans()):
            params[name] = draw(_weights(shape[-1:] if draw(st.booleans()) else shape))
    x = draw(agst.arrays(shape, min_value=low, max_value=high))
    return Case((x, draw(agst.arrays(shape, min_value=0.0, max_value=1.0))), params)


@st.composite
def _keras_binary(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Probabilities in [0.05, 0.95] (inside Keras' clip at 1e-7) and targets in [0, 1] of one shape."""
    shape = draw(agst.shapes(min_dims=1, **SMALL))
    x = draw(agst.arrays(shape, min_value=0.05, max_value=0.95))
    return Case((x, draw(agst.arrays(shape, min_value=0.0, max_value=1.0))), {})


def _keras_binary_crossentropy(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Keras' binary_crossentropy on probabilities: clipped to [1e-7, 1 − 1e-7], averaged."""
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.asarray(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@st.composite
def _classes(draw: Any, op: Op, second_order: bool = False, indices: bool = True,
             smoothing: bool = True) -> Case:
    """Logits of shape (N, C), (N, C, d) or (C,), classes on axis 1 (0), and class indices of the
    rest of the shape, some equal to ``ignore_index`` (one kept at least), or class probabilities
    (then differentiated too); a ``weight`` per class or none, a label smoothing, a ``reduction``."""
    layout = draw(st.sampled_from(["batch", "spatial", "unbatched"]))
    n, classes, d = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    shape = {"batch": (n, classes), "spatial": (n, classes, d), "unbatched": (classes,)}[layout]
    rows = {"batch": (n,), "spatial": (n, d), "unbatched": ()}[layout]
    params: dict[str, Any] = {"reduction": draw(REDUCTIONS)}
    if draw(st.booleans()):
        params["weight"] = draw(_weights((classes,)))
    if smoothing and draw(st.booleans()):
        params["label_smoothing"] = draw(st.sampled_from([0.1, 0.5]))
    logits = draw(agst.arrays(shape, min_value=-5, max_value=5))
    if not indices:
        return Case((logits, draw(agst.arrays(shape, min_value=0.0, max_value=1.0))), params)
    ignore_index = draw(st.sampled_from([-100, 5] + ([classes - 1] if classes > 1 else [])))
    count = int(np.prod(rows))
    labels = np.array(draw(st.lists(st.sampled_from([*range(classes), ignore_index]), min_size=count,
                                    max_size=count)))
    labels[0] = draw(st.sampled_from([c for c in range(classes) if c != ignore_index]))   # one kept
    params["ignore_index"] = ignore_index
    return Case((logits,), {"target": labels.reshape(rows), **params})


@st.composite
def _divergences(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Log-probabilities and targets (probabilities in [0.05, 1], or their logs) of one shape, with
    ``log_target`` and a ``reduction`` (``"batchmean"`` too)."""
    shape = draw(agst.shapes(min_dims=1, **SMALL))
    log_target = draw(st.booleans())
    low, high = (-3.0, 0.0) if log_target else (0.05, 1.0)
    target = draw(agst.arrays(shape, min_value=low, max_value=high))
    params = {"reduction": draw(st.sampled_from(["mean", "sum", "none", "batchmean"])),
              "log_target": log_target}
    return Case((draw(agst.arrays(shape, min_value=-3, max_value=0)), target), params)


@st.composite
def _vectors(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Two arrays whose shapes broadcast (of one axis at least), entries of magnitude 0.5 to 2 and
    either sign (so no norm is near 0), and a ``dim`` of the broadcast shape."""
    shapes = draw(agst.broadcastable_shapes(2, min_dims=1, **SMALL))
    dims = max(len(shapes[0]), len(shapes[1]))
    arrays = tuple(draw(agst.arrays(shape, min_value=0.5, max_value=2.0)) * np.sign(draw(agst.arrays(
        shape, min_value=-1, max_value=1, avoid=(0.0,)))) for shape in shapes)
    return Case(arrays, {"dim": draw(st.integers(-dims, dims - 1))})


@st.composite
def _rankings(draw: Any, op: Op, second_order: bool = False) -> Case:
    """x1, x2 and targets y = ±1 of one shape, the loss's argument margin − y·(x1 − x2) drawn 0.05 from
    its kink at 0; a ``margin`` and a ``reduction``."""
    shape = draw(agst.shapes(**SMALL))
    margin = draw(st.sampled_from([0.0, 0.5]))
    x2 = draw(agst.arrays(shape, min_value=-3, max_value=3))
    y = np.sign(draw(agst.arrays(shape, min_value=-1, max_value=1, avoid=(0.0,))))
    argument = draw(agst.arrays(shape, min_value=-3, max_value=3, avoid=(0.0,)))
    return Case((x2 + y * (margin - argument), x2, y), {"margin": margin, "reduction": draw(REDUCTIONS)})


@st.composite
def _signs(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Inputs and targets ±1 (not differentiated: PyTorch refuses their gradient; float32, for a
    device without float64) of one shape."""
    shape = draw(agst.shapes(**SMALL))
    signs = draw(agst.arrays(shape, min_value=-1, max_value=1, avoid=(0.0,)))
    y = np.asarray(np.sign(signs), dtype=np.float32)
    return Case((draw(agst.arrays(shape, min_value=-5, max_value=5)),), {"target": y,
                                                                          "reduction": draw(REDUCTIONS)})


@st.composite
def _counts(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Log-rates (or rates in [0.1, 3]) and counts of one shape: whole numbers 0 to 4 (1 to 4 with
    ``full``, whose Stirling term starts at 1: counts a step from 1 are drawn 0.05 away from it), with
    ``log_input``, ``full`` and a ``reduction``."""
    shape = draw(agst.shapes(**SMALL))
    log_input, full = draw(st.booleans()), draw(st.booleans())
    rates = draw(agst.arrays(shape, min_value=-2, max_value=2) if log_input else
                 agst.arrays(shape, min_value=0.1, max_value=3))
    counts = draw(agst.arrays(shape, min_value=0.0 if not full else 1.2, max_value=4.0))
    return Case((rates, counts), {"log_input": log_input, "full": full, "reduction": draw(REDUCTIONS)})


@st.composite
def _gaussians(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Means, targets and variances in [0.5, 2] of the means' shape, or it without its last axis, or
    with one axis of size 1; ``full`` and a ``reduction``."""
    shape = draw(agst.shapes(min_dims=1, **SMALL))
    var_shape = draw(st.sampled_from([shape, shape[:-1], shape[:-1] + (1,)]))
    means, targets = (draw(agst.arrays(shape, min_value=-3, max_value=3)) for _ in range(2))
    arrays = (means, targets, draw(agst.arrays(var_shape, min_value=0.5, max_value=2)))
    return Case(arrays, {"full": draw(st.booleans()), "reduction": draw(REDUCTIONS)})


@st.composite
def _embeddings(draw: Any, op: Op, second_order: bool = False) -> Case:
    """Rows x1, x2 of shape (N, D) or (D,), entries of magnitude 0.5 to 2, and targets ±1 (a
    parameter); the margin 0.05 from each pushed-apart row's cosine, where the loss has a kink."""
    shape = draw(st.sampled_from([(2, 3), (3, 1), (1, 2), (3,), (1,)]))
    x1, x2 = (draw(agst.arrays(shape, min_value=0.5, max_value=2.0)) * np.sign(draw(agst.arrays(
        shape, min_value=-1, max_value=1, avoid=(0.0,)))) for _ in range(2))
    y = np.asarray(np.sign(draw(agst.arrays(shape[:-1], min_value=-1, max_value=1, avoid=(0.0,)))),
                   dtype=np.int64)
    cosines = np.sum(x1 * x2, axis=-1) / np.sqrt(np.sum(x1 * x1, axis=-1) * np.sum(x2 * x2, axis=-1))
    margins = [m for m in (0.0, 0.3, -0.5) if np.all(np.abs(cosines - m) > 0.05)]
    return Case((x1, x2), {"target": y, "margin": margins[0] if margins else 2.0,
                           "reduction": draw(REDUCTIONS)})


#: name of the primitive (or of the composite function) -> its row
ROWS: dict[str, Op] = {
    "mse_loss(reduction)": Op(F.mse_loss, _torch("mse_loss"), _differences, 2),
    "l1_loss": Op(F.l1_loss, _torch("l1_loss"), _differences, 2),
    "huber_loss": Op(F.huber_loss, _torch("huber_loss"), _on_kinks("delta"), 2),
    "smooth_l1_loss": Op(F.smooth_l1_loss, _torch("smooth_l1_loss"), _on_kinks("beta"), 2),
    "binary_cross_entropy": Op(F.binary_cross_entropy, _torch("binary_cross_entropy"),
                               lambda op, second_order=False: _binary(op, second_order, logits=False), 2),
    "binary_crossentropy": Op(F.binary_crossentropy, _keras_binary_crossentropy, _keras_binary, 2),
    "binary_cross_entropy_with_logits(weights)": Op(F.binary_cross_entropy_with_logits,
                                                    _torch("binary_cross_entropy_with_logits"), _binary, 2),
    "cross_entropy": Op(F.cross_entropy, _torch("cross_entropy"), _classes),
    "cross_entropy(probabilities)": Op(F.cross_entropy, _torch("cross_entropy"),
                                       lambda op, second_order=False: _classes(op, second_order,
                                                                               indices=False), 2),
    "nll_loss": Op(F.nll_loss, _torch("nll_loss"),
                   lambda op, second_order=False: _classes(op, second_order, smoothing=False)),
    "kl_div": Op(F.kl_div, _torch("kl_div"), _divergences, 2),
    "cosine_similarity": Op(F.cosine_similarity, _torch("cosine_similarity"), _vectors, 2),
    "margin_ranking_loss": Op(F.margin_ranking_loss, _torch("margin_ranking_loss"), _rankings, 3),
    "soft_margin_loss": Op(F.soft_margin_loss, _torch("soft_margin_loss"), _signs),
    "poisson_nll_loss": Op(F.poisson_nll_loss, _torch("poisson_nll_loss"), _counts, 2),
    "gaussian_nll_loss": Op(F.gaussian_nll_loss, _torch("gaussian_nll_loss"), _gaussians, 3),
    "cosine_embedding_loss": Op(F.cosine_embedding_loss, _torch("cosine_embedding_loss"), _embeddings, 2),
}

#: primitive name -> the public function its row calls (see op_table.COVERED_THROUGH)
COVERED_THROUGH: dict[str, str] = {"binary_cross_entropy": "binary_cross_entropy (its weight and reduction)"}
