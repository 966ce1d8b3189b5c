"""Keras' losses and metrics (``autograd_lite.nn.losses`` / ``.metrics``) against Keras 3 (jax, float64):
the same random inputs on both sides, per-sample losses, reduced losses with sample weights, their
gradients (jax.grad of Keras' loss), and metric results after several weighted ``update_state``
calls, all equal to 1e-10; the logits rule against ``nn.functional``; names as Keras logs them."""

from __future__ import annotations

import importlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from keras_reference import keras
from numpy.testing import assert_allclose

import autograd_lite as ag
from autograd_lite.engine import ShapeError
from autograd_lite.nn import functional as F
from autograd_lite.nn import losses as L
from autograd_lite.nn import metrics as M  # noqa: F401 - used by the metric tests below

compile_utils = importlib.import_module("keras.src.trainers.compile_utils")   # what Keras' compile calls
RTOL, ATOL = 1e-10, 1e-12   # float64 on both sides: only the order of the sums differs


@pytest.fixture(autouse=True)
def keras_means_in_float64(monkeypatch):
    """Keras' jax ``mean`` averages in ``result_type(x.dtype, "float32")``, which Keras makes float32
    even for float64 x (errors of 1e-8 relative); here it averages float64 in float64, so that the
    comparisons can be to 1e-10."""
    numpy_backend = importlib.import_module("keras.src.backend.jax.numpy")
    keras_mean = numpy_backend.mean

    def mean(x, axis=None, keepdims=False):
        x = jnp.asarray(x)
        if x.dtype == jnp.float64:
            return jnp.mean(x, axis=axis, keepdims=keepdims)
        return keras_mean(x, axis=axis, keepdims=keepdims)

    monkeypatch.setattr(numpy_backend, "mean", mean)


def host(x):
    return np.asarray(x.data if isinstance(x, ag.Tensor) else x)


def k64(x):
    """``x`` as a float64 Keras tensor (Keras' functions make float32 tensors of NumPy arrays)."""
    return None if x is None else keras.ops.convert_to_tensor(np.asarray(x, dtype=float), dtype="float64")


def data(kind, shape, seed):
    """Random (y_true, y_pred) of ``kind`` for predictions of ``shape``."""
    rng = np.random.default_rng(seed)
    if kind == "real":
        return rng.normal(size=shape), rng.normal(size=shape)
    if kind == "positive":
        return rng.uniform(0, 3, size=shape), rng.uniform(0.1, 3, size=shape)
    if kind == "binary":
        return rng.integers(0, 2, size=shape).astype(float), rng.uniform(0.02, 0.98, size=shape)
    if kind == "probabilities":
        p = rng.uniform(0.05, 1, size=shape)
        q = rng.uniform(0.05, 1, size=shape)
        return q / q.sum(-1, keepdims=True), p / p.sum(-1, keepdims=True)
    if kind == "onehot":
        p = rng.uniform(0.05, 1, size=shape)
        return np.eye(shape[-1])[rng.integers(0, shape[-1], size=shape[:-1])], p / p.sum(-1, keepdims=True)
    if kind == "logits":
        return rng.integers(0, 2, size=shape).astype(float), rng.normal(scale=3, size=shape)
    if kind == "sparse":
        p = rng.uniform(0.05, 1, size=shape)
        return rng.integers(0, shape[-1], size=shape[:-1]), p / p.sum(-1, keepdims=True)
    raise AssertionError(kind)


FUNCTIONS = [   # (name, kind of data, keyword arguments)
    ("mean_squared_error", "real", {}), ("mean_absolute_error", "real", {}),
    ("mean_absolute_percentage_error", "real", {}), ("mean_squared_logarithmic_error", "positive", {}),
    ("huber", "real", {}), ("huber", "real", {"delta": 0.3}), ("log_cosh", "real", {}),
    ("kl_divergence", "probabilities", {}), ("poisson", "positive", {}), ("cosine_similarity", "real", {}),
    ("hinge", "binary", {}), ("hinge", "real", {}), ("squared_hinge", "binary", {}),
    ("categorical_hinge", "onehot", {}),
    ("binary_crossentropy", "binary", {}), ("binary_crossentropy", "binary", {"label_smoothing": 0.2}),
    ("binary_crossentropy", "logits", {"from_logits": True}),
    ("categorical_crossentropy", "onehot", {}), ("categorical_crossentropy", "probabilities", {}),
    ("categorical_crossentropy", "onehot", {"label_smoothing": 0.1}),
    ("categorical_crossentropy", "onehot", {"from_logits": True}),
    ("sparse_categorical_crossentropy", "sparse", {}),
    ("sparse_categorical_crossentropy", "sparse", {"from_logits": True}),
]


@pytest.mark.parametrize(("name", "kind", "options", "shape"), [   # rank 2 and rank 3 in turn (Keras is slow)
    (*case, (6, 4) if i % 2 else (3, 2, 5)) for i, case in enumerate(FUNCTIONS)])
def test_loss_functions_equal_keras_per_sample(name, kind, options, shape):
    y_true, y_pred = data(kind, shape, seed=len(name) + len(shape))
    ours = getattr(L, name)(y_true, ag.Tensor(y_pred), **options)
    theirs = getattr(keras.losses, name)(k64(y_true), k64(y_pred), **options)
    assert isinstance(ours, ag.Tensor) and ours.shape == theirs.shape == shape[:-1]
    assert_allclose(host(ours), np.asarray(theirs), rtol=RTOL, atol=ATOL)


def test_probabilities_are_clipped_as_keras_clips_them():
    y_true = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    y_pred = np.array([[0.0, 1.0, 1e-9], [1.0, 1.0 - 1e-12, 0.3]])
    for name in ("binary_crossentropy", "kl_divergence", "categorical_crossentropy"):
        truth = y_true if name != "kl_divergence" else y_true / y_true.sum(-1, keepdims=True)
        theirs = getattr(keras.losses, name)(k64(truth), k64(y_pred))
        assert_allclose(host(getattr(L, name)(truth, y_pred)), theirs, rtol=RTOL)
    assert host(L.binary_crossentropy(y_true, y_pred)).max() < 16.2   # −log 1e-7 per element at most


CLASSES = [   # (class name, kind, constructor arguments)
    ("MeanSquaredError", "real", {}), ("MeanAbsoluteError", "real", {}), ("Huber", "real", {"delta": 0.5}),
    ("LogCosh", "real", {}), ("KLDivergence", "probabilities", {}), ("Hinge", "binary", {}),
    ("SquaredHinge", "binary", {}), ("CategoricalHinge", "onehot", {}), ("Poisson", "positive", {}),
    ("MeanAbsolutePercentageError", "real", {}), ("MeanSquaredLogarithmicError", "positive", {}),
    ("CosineSimilarity", "real", {}),
    ("BinaryCrossentropy", "binary", {}), ("BinaryCrossentropy", "logits", {"from_logits": True}),
    ("CategoricalCrossentropy", "onehot", {"label_smoothing": 0.1}),
    ("SparseCategoricalCrossentropy", "sparse", {}),
    ("SparseCategoricalCrossentropy", "sparse", {"from_logits": True}),
]
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]


@pytest.mark.parametrize(("name", "kind", "options"), CLASSES)
def test_loss_classes_equal_keras_with_sample_weights_and_reductions(name, kind, options):
    rng = np.random.default_rng(len(name))
    for shape, weight_shape in (((5, 3), (5,)), ((2, 4, 3), (2, 1))):
        y_true, y_pred = data(kind, shape, seed=sum(shape))
        weight = rng.uniform(0, 2, size=weight_shape)
        for reduction, w in [("sum_over_batch_size", None), *((each, weight) for each in REDUCTIONS)]:
            ours = getattr(L, name)(reduction=reduction, **options)(y_true, ag.Tensor(y_pred), w)
            theirs = getattr(keras.losses, name)(reduction=reduction, **options)(y_true, y_pred, w)
            assert_allclose(host(ours), np.asarray(theirs), rtol=RTOL, atol=ATOL, err_msg=f"{reduction}")


@pytest.mark.parametrize(("name", "kind", "options"), [
    ("MeanSquaredError", "real", {}), ("BinaryCrossentropy", "binary", {}), ("Hinge", "binary", {}),
    ("SparseCategoricalCrossentropy", "sparse", {}),
    ("BinaryCrossentropy", "binary", {"label_smoothing": 0.1})])
def test_labels_of_rank_one_meet_a_column_of_predictions(name, kind, options):
    """(n,) against (n, 1) compares n pairs, as Keras' squeeze_or_expand_to_same_rank does."""
    y_true, y_pred = data(kind, (7, 1) if kind != "sparse" else (7, 3), seed=3)
    y_true = y_true.reshape(7)
    weight = np.linspace(0, 2, 7)
    ours = getattr(L, name)(**options)(y_true, y_pred, sample_weight=weight)
    assert_allclose(host(ours), getattr(keras.losses, name)(**options)(y_true, y_pred, sample_weight=weight),
                    rtol=RTOL)


@pytest.mark.parametrize(("name", "kind", "options"), [
    ("MeanSquaredError", "real", {}), ("Huber", "real", {}), ("LogCosh", "real", {}),
    ("BinaryCrossentropy", "binary", {}), ("BinaryCrossentropy", "logits", {"from_logits": True}),
    ("CategoricalCrossentropy", "probabilities", {}), ("SparseCategoricalCrossentropy", "sparse", {}),
    ("KLDivergence", "probabilities", {}), ("CategoricalHinge", "onehot", {}), ("Poisson", "positive", {}),
    ("CosineSimilarity", "real", {})])
def test_loss_gradients_equal_jax_gradients_of_keras(name, kind, options):
    y_true, y_pred = data(kind, (6, 4), seed=11)
    weight = np.linspace(0.5, 1.5, 6)
    p = ag.Tensor(y_pred, requires_grad=True)
    getattr(L, name)(**options)(y_true, p, weight).backward()
    expected = jax.grad(lambda q: getattr(keras.losses, name)(**options)(y_true, q, weight))(y_pred)
    assert_allclose(p.grad, np.asarray(expected), rtol=1e-9, atol=1e-12)


def test_ignore_class_is_left_out_of_the_mean():
    y_true, y_pred = data("sparse", (8, 4), seed=5)
    y_true[[1, 4]] = -1
    weight = np.linspace(0.2, 2, 8)
    for reduction in REDUCTIONS:
        ours = L.SparseCategoricalCrossentropy(ignore_class=-1, reduction=reduction)
        theirs = keras.losses.SparseCategoricalCrossentropy(ignore_class=-1, reduction=reduction)
        for w in (None, weight):
            assert_allclose(host(ours(y_true, y_pred, w)), np.asarray(theirs(y_true, y_pred, w)), rtol=RTOL,
                            atol=ATOL)


# ---- the logits rule ------------------------------------------------------------------------------------

def test_sigmoid_and_softmax_outputs_are_computed_from_their_logits():
    """The mean-reduced values equal nn.functional's, which take the logits exactly; far in the tails,
    where Keras' clip would cap the loss at −log 1e-7, the value keeps growing."""
    rng = np.random.default_rng(0)
    z = ag.Tensor(rng.normal(scale=4, size=(6, 3)), requires_grad=True)
    y_binary = rng.integers(0, 2, size=(6, 3)).astype(float)
    labels = rng.integers(0, 3, size=6)
    onehot = np.eye(3)[labels]
    cases = [
        (L.BinaryCrossentropy()(y_binary, ag.sigmoid(z)), F.binary_crossentropy(ag.sigmoid(z), y_binary)),
        (L.binary_crossentropy(y_binary, ag.sigmoid(z)).mean(),
         F.binary_cross_entropy_with_logits(z, y_binary)),
        (L.CategoricalCrossentropy()(onehot, ag.softmax(z, axis=-1)),
         F.categorical_crossentropy(ag.softmax(z, axis=-1), onehot)),
        (L.SparseCategoricalCrossentropy()(labels, ag.softmax(z, axis=-1)),
         F.sparse_categorical_crossentropy(ag.softmax(z, axis=-1), labels)),
        (L.SparseCategoricalCrossentropy(from_logits=True)(labels, z), F.cross_entropy(z, labels)),
    ]
    for ours, library in cases:
        assert_allclose(host(ours), host(library), rtol=1e-13)
    far = ag.Tensor(np.array([[40.0]]), requires_grad=True)
    assert host(L.binary_crossentropy(np.array([[0.0]]), ag.sigmoid(far)))[0] == pytest.approx(40.0)
    assert host(L.binary_crossentropy(np.array([[0.0]]), host(ag.sigmoid(far))))[0] < 16.2


def test_the_fused_means_equal_the_general_path():
    """Without weights, the default reduction of some classes is one fused op of nn.functional; with
    weights of 1 the general path computes the same value and gradient."""
    rng = np.random.default_rng(2)
    logits = rng.normal(size=(6, 3))
    y_binary, probabilities = data("binary", (6, 3), seed=4)
    cases = [(L.BinaryCrossentropy(), y_binary, ag.sigmoid), (L.BinaryCrossentropy(), y_binary, None),
             (L.BinaryCrossentropy(from_logits=True), y_binary, lambda z: z),
             (L.MeanSquaredError(), rng.normal(size=(6, 3)), lambda z: z),
             (L.SparseCategoricalCrossentropy(), rng.integers(0, 3, size=6),
              lambda z: ag.softmax(z, axis=-1))]
    for loss, y_true, make in cases:
        values, gradients = [], []
        for weight in (None, np.ones(6)):
            z = ag.Tensor(logits if make else probabilities, requires_grad=True)
            value = loss(y_true, make(z) if make else z, weight)
            value.backward()
            values.append(host(value))
            gradients.append(z.grad)
        assert_allclose(values[0], values[1], rtol=1e-13)
        assert_allclose(gradients[0], gradients[1], rtol=1e-12, atol=1e-15)


def test_gradients_through_the_logits_rule():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(5, 4))
    labels = rng.integers(0, 4, size=5)
    z = ag.Tensor(logits, requires_grad=True)
    L.SparseCategoricalCrossentropy()(labels, ag.softmax(z, axis=-1)).backward()
    theirs = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    expected = jax.grad(lambda q: theirs(labels, q))(logits)
    assert_allclose(z.grad, np.asarray(expected), rtol=1e-9, atol=1e-12)


# ---- names, configs, what compile reads --------------------------------------------------------------

def test_get_resolves_keras_identifiers():
    for name in ("mse", "MSE", "mae", "bce", "kld", "mape", "msle", "mean_squared_error", "huber", "log_cosh",
                 "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
                 "hinge"):
        assert L.get(name).__name__ == keras.losses.get(name).__name__
    for name in ("MeanSquaredError", "Huber", "BinaryCrossentropy", "SparseCategoricalCrossentropy",
                 "KLDivergence"):
        ours, theirs = L.get(name), keras.losses.get(name)
        assert type(ours).__name__ == type(theirs).__name__ and ours.name == theirs.name
        ours_config = {k: v for k, v in ours.get_config().items() if (name, k) != ("Huber", "delta")}
        # Keras' Huber drops delta from its config (so it does not round-trip); ours keeps it
        assert ours_config == {k: v for k, v in theirs.get_config().items() if k != "dtype"}
    loss = L.Huber(delta=2.0, reduction="sum", name="h")
    assert L.get(loss) is loss and L.get(L.Hinge).name == "hinge" and L.get(None) is None
    again = L.deserialize(L.serialize(loss))
    assert type(again) is L.Huber and again.get_config() == loss.get_config() == {
        "name": "h", "reduction": "sum", "delta": 2.0}
    assert L.deserialize(L.serialize(L.mse)) is L.mean_squared_error
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        L.get("no_such_loss")
    with pytest.raises(ValueError, match="reduction"):
        L.MeanSquaredError(reduction="average")


def test_label_kind_and_from_logits_for_compile():
    assert [L.label_kind(x) for x in (L.SparseCategoricalCrossentropy(), L.sparse_categorical_crossentropy,
                                      "SparseCategoricalCrossentropy", L.BinaryCrossentropy(), "bce",
                                      L.CategoricalCrossentropy(), "mse", L.Huber(), lambda t, p: p)] == [
        "sparse", "sparse", "sparse", "binary", "binary", "dense", "dense", "dense", "dense"]
    assert L.takes_logits(L.BinaryCrossentropy(from_logits=True))
    assert not L.takes_logits(L.BinaryCrossentropy()) and not L.takes_logits("binary_crossentropy")
    assert L.LossFunctionWrapper(L.binary_crossentropy, from_logits=True).from_logits


def test_loss_errors_name_the_shapes():
    with pytest.raises(ShapeError, match=r"\(4, 3\).*\(4, 2\)"):
        L.categorical_crossentropy(np.zeros((4, 3)), np.ones((4, 2)) / 2)
    with pytest.raises(ShapeError, match="sparse_categorical_crossentropy"):
        L.sparse_categorical_crossentropy(np.zeros((4, 3)), np.ones((4, 2)) / 2)
    with pytest.raises(ValueError, match=r"class labels must be in \[0, 2\)"):
        L.sparse_categorical_crossentropy(np.array([0, 2]), np.ones((2, 2)) / 2)


def test_a_loss_of_your_own():
    class Cubes(L.Loss):
        def call(self, y_true, y_pred):
            return ag.mean(abs(y_pred - y_true) ** 3, axis=-1)

    y_true, y_pred = data("real", (4, 3), seed=2)
    got = Cubes(name="cubes")(y_true, ag.Tensor(y_pred), np.arange(4.0))
    assert_allclose(host(got), (np.mean(abs(y_pred - y_true) ** 3, axis=-1) * np.arange(4.0)).sum() / 4)
    assert Cubes().name.startswith("cubes")


# ---- metrics --------------------------------------------------------------------------------------------

def batches(kind, shape, seed, count=2):
    """``count`` batches of (y_true, y_pred, sample_weight or None) of ``kind`` (see :func:`data`)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        y_true, y_pred = data(kind, shape, seed=seed * 10 + i)
        weight = None if i == 0 else rng.uniform(0, 2, size=shape[:1])
        out.append((y_true, y_pred, weight))
    return out


def compare_metric(ours, theirs, batches_, rtol=RTOL):
    """Our metric and Keras' agree after each of several update_state calls, and after a reset."""
    for y_true, y_pred, weight in batches_:
        ours.update_state(y_true, y_pred, sample_weight=weight)
        theirs.update_state(k64(y_true), k64(y_pred), sample_weight=k64(weight))
        assert_allclose(ours.result(), np.asarray(theirs.result()), rtol=rtol, atol=ATOL)
    ours.reset_state()
    theirs.reset_state()
    y_true, y_pred, weight = batches_[-1]
    ours.update_state(y_true, y_pred, weight)
    theirs.update_state(k64(y_true), k64(y_pred), k64(weight))
    assert_allclose(ours.result(), np.asarray(theirs.result()), rtol=rtol, atol=ATOL)


METRICS = [   # (class name, constructor arguments, kind, shape)
    ("BinaryAccuracy", {}, "binary", (8, 1)), ("BinaryAccuracy", {"threshold": 0.7}, "binary", (6, 3)),
    ("CategoricalAccuracy", {}, "onehot", (8, 4)), ("SparseCategoricalAccuracy", {}, "sparse", (8, 4)),
    ("TopKCategoricalAccuracy", {"k": 2}, "onehot", (8, 5)),
    ("SparseTopKCategoricalAccuracy", {}, "sparse", (8, 7)),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse", (8, 5)),
    ("MeanSquaredError", {}, "real", (8, 3)), ("MeanAbsoluteError", {}, "real", (8, 3)),
    ("RootMeanSquaredError", {}, "real", (8, 3)),
    ("Precision", {}, "binary", (16, 1)), ("Precision", {"thresholds": [0.2, 0.5, 0.9]}, "binary", (16, 2)),
    ("Precision", {"top_k": 2}, "binary", (8, 4)), ("Precision", {"class_id": 1}, "binary", (8, 3)),
    ("Recall", {}, "binary", (16, 1)), ("Recall", {"thresholds": [0.0, 0.5, 1.0]}, "binary", (16, 2)),
    ("Recall", {"top_k": 1, "class_id": 2}, "binary", (8, 4)),
    ("AUC", {}, "binary", (40, 1)), ("AUC", {"num_thresholds": 7}, "binary", (20, 2)),
    ("AUC", {"curve": "PR"}, "binary", (40, 1)),
    ("AUC", {"curve": "PR", "summation_method": "minoring"}, "binary", (30, 1)),
    ("AUC", {"summation_method": "majoring"}, "binary", (30, 1)),
    ("AUC", {"curve": "PRGAIN"}, "binary", (30, 1)),
    ("AUC", {"thresholds": [0.1, 0.3, 0.75]}, "binary", (30, 1)),
    ("AUC", {"from_logits": True}, "logits", (30, 1)),
]


@pytest.mark.parametrize(("name", "options", "kind", "shape"), METRICS)
def test_metrics_equal_keras_over_weighted_batches(name, options, kind, shape):
    ours, theirs = getattr(M, name)(**options), getattr(keras.metrics, name)(**options)
    compare_metric(ours, theirs, batches(kind, shape, 7))


def test_metric_edges_equal_keras():
    """Ties in the top k, predictions on AUC's bucket edges and outside [0, 1], labels of rank one."""
    y_true = np.array([[0, 0, 1, 0], [1, 0, 0, 0]])
    tied = np.array([[0.3, 0.3, 0.3, 0.1], [0.1, 0.5, 0.5, 0.5]])
    for k in (1, 2, 3):
        assert_allclose(M.top_k_categorical_accuracy(y_true, tied, k=k),
                        keras.metrics.top_k_categorical_accuracy(k64(y_true), k64(tied), k=k))
    edges = np.array([0.0, 0.5, 1.0, 1.5, -0.5, 0.25, 0.75, 0.2])
    labels = np.array([0, 1, 1, 0, 1, 0, 1, 1])
    for options in ({}, {"num_thresholds": 5}):
        compare_metric(M.AUC(**options), keras.metrics.AUC(**options), [(labels, edges, None)])
    thresholds = [0.0, 0.5, 1.0]
    compare_metric(M.Precision(thresholds=thresholds), keras.metrics.Precision(thresholds=thresholds),
                   [(labels, edges, None)])
    compare_metric(M.BinaryAccuracy(), keras.metrics.BinaryAccuracy(), [(labels, edges.reshape(8, 1), None)])
    compare_metric(M.SparseCategoricalAccuracy(), keras.metrics.SparseCategoricalAccuracy(),
                   [(np.array([[1], [0]]), tied[:, :2], np.array([1.0, 3.0]))])


def test_mean_and_a_wrapped_function_equal_keras():
    rng = np.random.default_rng(3)
    ours, theirs = M.Mean(), keras.metrics.Mean()
    for shape, weight in (((4,), None), ((3, 2), rng.uniform(size=3)), ((2, 3), rng.uniform(size=(2, 3)))):
        values = rng.normal(size=shape)
        ours.update_state(values, sample_weight=weight)
        theirs.update_state(k64(values), sample_weight=k64(weight))
        assert_allclose(ours.result(), np.asarray(theirs.result()), rtol=RTOL)
    theirs = keras.metrics.MeanMetricWrapper(keras.losses.huber, delta=0.5)
    compare_metric(M.MeanMetricWrapper(L.huber, delta=0.5), theirs, batches("real", (6, 3), 2))
    for name in ("binary_crossentropy", "kl_divergence", "hinge"):
        kind = {"kl_divergence": "probabilities"}.get(name, "binary")
        compare_metric(M.get(name) if isinstance(M.get(name), M.Metric) else M.MeanMetricWrapper(M.get(name)),
                       keras.metrics.get(name), batches(kind, (6, 3), 4))


def test_configs_make_the_same_metric_and_loss_again():
    metrics = [M.Mean(name="m"), M.BinaryAccuracy(threshold=0.3), M.CategoricalAccuracy(),
               M.RootMeanSquaredError(), M.TopKCategoricalAccuracy(k=3), M.SparseTopKCategoricalAccuracy(k=2),
               M.MeanSquaredError(), M.Precision(thresholds=[0.2, 0.6], class_id=1), M.Recall(top_k=2),
               M.MeanMetricWrapper(L.huber, delta=2.0), M.AUC(thresholds=[0.3, 0.6]),
               M.AUC(num_thresholds=11, curve="PR", from_logits=True)]
    for metric in metrics:
        again = type(metric).from_config(metric.get_config())
        assert type(again) is type(metric) and again.get_config() == metric.get_config()
    assert M.AUC(thresholds=[0.3, 0.6]).thresholds == keras.metrics.AUC(thresholds=[0.3, 0.6]).thresholds
    assert M.AUC().get_config().keys() <= keras.metrics.AUC().get_config().keys()
    for loss in (L.BinaryCrossentropy(from_logits=True, label_smoothing=0.1), L.CosineSimilarity(axis=0),
                 L.SparseCategoricalCrossentropy(ignore_class=3), L.LossFunctionWrapper(L.hinge, name="h")):
        again = type(loss).from_config(loss.get_config())
        assert type(again) is type(loss) and again.get_config() == loss.get_config()
    assert L.sparse_categorical_crossentropy.label_kind == "sparse"


def test_get_and_the_names_compile_logs():
    """The names are those of Keras' history keys (compile_utils.get_metric, which compile calls)."""
    y_true, y_pred = np.zeros((4, 1)), np.zeros((4, 1))
    for identifier, ours_identifier in [("mse", "mse"), ("MSE", "MSE"), ("mae", "mae"), ("acc", "acc"),
                                        ("accuracy", "accuracy"), ("AUC", "AUC"), ("auc", "auc"),
                                        ("precision", "precision"), ("Recall", "Recall"),
                                        ("binary_accuracy", "binary_accuracy"),
                                        ("root_mean_squared_error", "root_mean_squared_error"),
                                        (keras.metrics.mean_squared_error, L.mean_squared_error),
                                        (keras.metrics.AUC(name="area"), M.AUC(name="area")),
                                        (keras.metrics.BinaryAccuracy(), M.BinaryAccuracy()),
                                        (keras.losses.MeanSquaredError(), L.MeanSquaredError())]:
        theirs = compile_utils.get_metric(identifier, k64(y_true), k64(y_pred))
        ours = M.resolve(ours_identifier, label_kind="binary", output_shape=(4, 1), target_shape=(4, 1))
        assert ours.name == theirs.name
        assert isinstance(ours, M.Metric)
    assert M.resolve("rmse").name == "rmse" and isinstance(M.get("rmse"), M.RootMeanSquaredError)
    assert M.get(M.AUC) is not M.get(M.AUC) and M.get(None) is None
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        M.get("no_such_metric")


@pytest.mark.parametrize(("target_shape", "output_shape"), [
    ((8,), (8, 1)), ((8, 1), (8, 1)), ((8,), (8, 5)), ((8, 1), (8, 5)), ((8, 5), (8, 5)), ((8, 3), (8, 3))])
def test_accuracy_is_the_one_keras_compile_picks(target_shape, output_shape):
    theirs = compile_utils.get_metric("accuracy", np.zeros(target_shape), np.zeros(output_shape))
    ours = M.resolve("accuracy", label_kind="dense", output_shape=output_shape, target_shape=target_shape)
    assert type(ours).__name__ == type(theirs).__name__


def test_accuracy_from_the_loss_alone():
    sparse = M.resolve("acc", label_kind="sparse", output_shape=(None, 10))
    assert isinstance(sparse, M.SparseCategoricalAccuracy)
    assert isinstance(M.resolve("acc", label_kind="dense", output_shape=(None, 10)), M.CategoricalAccuracy)
    assert isinstance(M.resolve("acc", label_kind="binary", output_shape=(None, 3)), M.CategoricalAccuracy)
    assert isinstance(M.resolve("acc", label_kind="binary"), M.BinaryAccuracy)
    logits = M.resolve("accuracy", label_kind="binary", from_logits=True, output_shape=(None, 1))
    assert logits.threshold == 0.0 and logits(np.array([1, 0, 1]), np.array([[0.2], [-0.1], [-3.0]])) == 2 / 3


def test_metrics_read_tensors_and_results_are_floats():
    z = ag.Tensor(np.array([[0.9], [0.2]]), requires_grad=True)
    metric = M.BinaryAccuracy()
    assert metric(ag.Tensor(np.array([1.0, 1.0])), z) == 0.5 and isinstance(metric.result(), float)
    assert isinstance(M.AUC()(np.array([0, 1]), z), float)
    assert M.Precision(thresholds=[0.1, 0.5]).result().shape == (2,)
