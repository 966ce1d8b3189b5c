"""The confusion-matrix counts behind Keras' Precision, Recall and AUC, on host NumPy arrays: Keras'
thresholds, its accumulation (the bucketed one for evenly spaced thresholds, which clips predictions
to [0, 1] and counts p in bucket ⌈p·(n − 1)⌉ − 1, and the direct p > t otherwise), and the areas under
its curves."""

from __future__ import annotations

from typing import Any

from ... import backend
from ...backend import ndarray
from ..losses import EPSILON, squeeze_or_expand_to_same_rank

_host = backend.host_namespace

#: the threshold of top-k Precision/Recall: every kept prediction is above it
NEG_INF = -1e10
COUNTS = ("tp", "fp", "tn", "fn")


def parse_thresholds(thresholds: Any, default: float, where: str) -> list[float]:
    """``thresholds`` (a number or a list, each in [0, 1]) as a list; ``[default]`` for None."""
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, (list, tuple)) else [thresholds]
    wrong = [t for t in values if t is None or not 0 <= t <= 1]
    if wrong:
        raise ValueError(f"{where}: threshold values must be in [0, 1], got {wrong}")
    return [float(t) for t in values]


def evenly_spaced(thresholds: list[float]) -> bool:
    """Whether ``thresholds`` are 0, 1/(n − 1), …, 1 (to within 1e-7, n ≥ 3), as Keras decides it."""
    n = len(thresholds)
    return n >= 3 and bool(_host.allclose(thresholds, _host.arange(n) / (n - 1), atol=EPSILON))


def auc_thresholds(num_thresholds: int, thresholds: list[float] | None) -> tuple[ndarray, bool]:
    """AUC's thresholds, −ε, the inner ones, 1 + ε (inner ones evenly 1/(n − 1), …, (n − 2)/(n − 1)
    unless given), and whether they are evenly spaced."""
    if thresholds is not None:
        inner = sorted(thresholds)
        even = evenly_spaced([0.0, *inner, 1.0])
    else:
        inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        even = True
    return _host.array([0.0 - EPSILON, *inner, 1.0 + EPSILON]), even


def _top_k(x: ndarray, k: int) -> ndarray:
    """``x`` with all but the k largest of each last-axis row set to NEG_INF (ties: the first ones)."""
    order = _host.argsort(-x, axis=-1, kind="stable")[..., :k]
    kept = _host.zeros(x.shape, dtype=bool)
    _host.put_along_axis(kept, order, True, axis=-1)
    return _host.where(kept, x, NEG_INF)


def confusion_counts(y_true: ndarray, y_pred: ndarray, thresholds: list[float] | ndarray, *, even: bool,
                     sample_weight: ndarray | None = None, top_k: int | None = None,
                     class_id: int | None = None) -> dict[str, ndarray]:
    """The weighted true/false positives/negatives at each threshold (a prediction is positive where it
    is above the threshold; a label is positive where it is not 0), as Keras'
    ``update_confusion_matrix_variables`` computes them for one batch."""
    thresholds = _host.asarray(thresholds, dtype=_host.float64)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight[..., None],
                                                          expand_rank_1=False)
    if top_k is not None:
        y_pred = _top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(f"with class_id, y_pred must have shape (samples, classes), not {y_pred.shape}")
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
    weights = 1.0 if sample_weight is None else _host.broadcast_to(sample_weight, y_pred.shape).reshape(-1)
    positive = (y_true != 0).reshape(-1).astype(_host.float64)
    true_labels, false_labels = positive * weights, (1.0 - positive) * weights
    n = len(thresholds)
    if even:   # Keras' bucketed count: its results at the bucket edges, not those of p > t
        predictions = _host.clip(y_pred, 0.0, 1.0).reshape(-1)
        buckets = _host.ceil(predictions * (n - 1)) - 1
        if thresholds[0] < 0.0 or thresholds[-1] > 1.0:
            buckets = _host.maximum(buckets, 0)
        buckets = buckets.astype(_host.intp)
        inside = (buckets >= 0) & (buckets < n)
        tp = _host.bincount(buckets[inside], true_labels[inside], minlength=n)[::-1].cumsum()[::-1]
        fp = _host.bincount(buckets[inside], false_labels[inside], minlength=n)[::-1].cumsum()[::-1]
    else:
        above = y_pred.reshape(1, -1) > thresholds.reshape(-1, 1)
        tp = (above * true_labels).sum(axis=1)
        fp = (above * false_labels).sum(axis=1)
    return {"tp": tp, "fp": fp, "tn": _host.sum(false_labels) - fp, "fn": _host.sum(true_labels) - tp}


def ratio(a: ndarray, b: ndarray) -> ndarray:
    """a/b, 0 where b is 0 (Keras' divide_no_nan)."""
    safe = b != 0
    return _host.where(safe, a / _host.where(safe, b, 1.0), 0.0)


def area(counts: dict[str, ndarray], curve: str, summation_method: str) -> float:
    """The area under the ROC, PR or PRGAIN curve of ``counts`` (one entry per threshold), by Keras'
    Riemann sums (``"interpolation"``: trapezoids, or for PR Davis and Goadrich's interpolation of the
    counts; ``"minoring"``/``"majoring"``: the lower/upper of the two heights)."""
    tp, fp, tn, fn = (counts[name] for name in COUNTS)
    if curve == "PR" and summation_method == "interpolation":
        return _interpolated_pr(tp, fp, fn)
    recall = ratio(tp, tp + fn)
    if curve == "ROC":
        x, y = ratio(fp, fp + tn), recall
    elif curve == "PR":
        x, y = recall, ratio(tp, tp + fp)
    else:
        scale = ratio(tp + fn, tn + fp)
        x = _host.maximum(_host.where(tp == 0, 0.0, 1.0 - scale * ratio(fn, tp)), 0.0)
        y = _host.where(tp == 0, 1.0, 1.0 - scale * ratio(fp, tp))
    if summation_method == "interpolation":
        heights = (y[:-1] + y[1:]) / 2.0
    elif summation_method == "minoring":
        heights = _host.minimum(y[:-1], y[1:])
    else:
        heights = _host.maximum(y[:-1], y[1:])
    return float(_host.sum((x[:-1] - x[1:]) * heights))


def _interpolated_pr(tp: ndarray, fp: ndarray, fn: ndarray) -> float:
    """The PR area with precision interpolated between thresholds as Davis and Goadrich (2006) do."""
    dtp = tp[:-1] - tp[1:]
    p = tp + fp
    dp = p[:-1] - p[1:]
    slope = ratio(dtp, _host.maximum(dp, 0))
    intercept = tp[1:] - slope * p[1:]
    both = (p[:-1] > 0) & (p[1:] > 0)
    p_ratio = _host.where(both, ratio(p[:-1], _host.maximum(p[1:], 0)), 1.0)
    increments = ratio(slope * (dtp + intercept * _host.log(p_ratio)), _host.maximum(tp[1:] + fn[1:], 0))
    return float(_host.sum(increments))
