"""Losses check their targets: a prediction and a target of different shapes, or class labels that are
not integers in [0, classes), are a clear error — never a broadcast, a truncation or a wrap-around.

Issue 11, section 3. Each class of defect is a property over every loss of ``nn.functional``.
PyTorch is the reference for ``cross_entropy`` (class indices need an integer dtype; out-of-range
indices are an error), Keras for the Keras-named losses (``categorical_crossentropy`` needs the
output's shape; sparse labels may be whole-number floats).
"""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import autograd_lite as ag
from autograd_lite.engine import ShapeError
from autograd_lite.nn import functional as F
from autograd_lite.testing import strategies as agst

#: losses that compare prediction and target element by element, with a target valid for any input
ELEMENTWISE = {
    "mse_loss": F.mse_loss,
    "binary_cross_entropy": F.binary_cross_entropy,
    "binary_crossentropy": F.binary_crossentropy,
    "binary_cross_entropy_with_logits": F.binary_cross_entropy_with_logits,
    "hinge": F.hinge,
    "categorical_crossentropy": F.categorical_crossentropy,
    "l1_loss": F.l1_loss,
    "huber_loss": F.huber_loss,
    "smooth_l1_loss": F.smooth_l1_loss,
    "kl_div": F.kl_div,
    "soft_margin_loss": F.soft_margin_loss,
    "poisson_nll_loss": F.poisson_nll_loss,
}
#: losses that take integer class labels along the last axis of their (n, classes) input
LABELLED = {
    "cross_entropy": F.cross_entropy,
    "nll_loss": F.nll_loss,
    "softmax_cross_entropy": F.softmax_cross_entropy,
    "sparse_categorical_crossentropy": F.sparse_categorical_crossentropy,
}
#: of three inputs, or not a loss: tests/test_nn_losses.py checks their shapes
PAIRWISE = {"margin_ranking_loss", "cosine_similarity", "cosine_embedding_loss", "gaussian_nll_loss"}


def test_every_loss_of_the_module_is_covered_here():
    """So that a loss added later is added to the properties below too."""
    assert set(F.LOSS_FUNCTIONS) <= set(ELEMENTWISE) | set(LABELLED)
    assert set(F.LOSSES.values()) <= set(F.LOSS_FUNCTIONS.values())
    functions = {name for name in [*F.losses.__all__, *F.losses_extra.__all__] if name.islower()}
    assert functions == set(ELEMENTWISE) | set(LABELLED) | PAIRWISE


def probabilities(shape):
    return agst.arrays(shape, min_value=0.05, max_value=0.95)


@given(st.sampled_from(sorted(ELEMENTWISE)), agst.shapes(min_dims=1, max_dims=3),
       agst.shapes(min_dims=0, max_dims=3))
def test_an_elementwise_loss_of_mismatched_shapes_is_a_shape_error(name, shape, target_shape):
    """mse_loss((4, 1), (4,)) gave 2.5 for a perfect fit: the shapes broadcast to (4, 4)."""
    assume(shape != target_shape)
    prediction = ag.Tensor(np.full(shape, 0.5), requires_grad=True)
    with pytest.raises(ShapeError) as caught:
        ELEMENTWISE[name](prediction, np.ones(target_shape))
    message = str(caught.value)
    assert message.startswith(f"{name}: ") and str(shape) in message and str(target_shape) in message
    if np.prod(shape) == np.prod(target_shape):   # the likely fix: a reshape (or the sparse loss)
        assert f"reshape the target to {shape}" in message or "looks like class labels" in message


@given(st.sampled_from(sorted(ELEMENTWISE)), agst.shapes(min_dims=1, max_dims=3).flatmap(
    lambda shape: st.tuples(probabilities(shape), st.sampled_from([0.0, 1.0]))))
def test_an_elementwise_loss_of_equal_shapes_is_the_mean_over_the_elements(name, case):
    """The check costs nothing in the right case: the loss of a constant target, computed by hand."""
    p, label = case
    y = np.full(p.shape, label)
    expected = {
        "mse_loss": np.mean((p - y) ** 2),
        "binary_cross_entropy": -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)),
        "binary_crossentropy": -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)),
        "binary_cross_entropy_with_logits": np.mean(np.logaddexp(0, p) - y * p),
        "hinge": np.mean(np.maximum(1 - (2 * y - 1) * p, 0)),
        "categorical_crossentropy": -np.mean(np.sum(y * np.log(p), axis=-1)),
        "l1_loss": np.mean(np.abs(p - y)),
        "huber_loss": np.mean(np.where(np.abs(p - y) < 1, 0.5 * (p - y) ** 2, np.abs(p - y) - 0.5)),
        "smooth_l1_loss": np.mean(np.where(np.abs(p - y) < 1, 0.5 * (p - y) ** 2, np.abs(p - y) - 0.5)),
        "kl_div": np.mean(np.where(y > 0, y * np.log(np.where(y > 0, y, 1)), 0) - y * p),
        "soft_margin_loss": np.mean(np.log1p(np.exp(-y * p))),
        "poisson_nll_loss": np.mean(np.exp(p) - y * p),
    }[name]
    assert_allclose(ELEMENTWISE[name](ag.Tensor(p), y).item(), expected, rtol=1e-12)


@st.composite
def logits_and_target_shape(draw):
    """Logits (n, classes) and a target shape that is neither labels (n,)/(n, 1) nor the logits'."""
    n, classes = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    target_shape = draw(agst.shapes(min_dims=0, max_dims=3))
    assume(target_shape not in ((n,), (n, 1), (n, classes)))
    return np.zeros((n, classes)), target_shape


@given(st.sampled_from(sorted(LABELLED)), logits_and_target_shape())
def test_a_labelled_loss_of_a_target_of_another_shape_is_a_shape_error(name, case):
    logits, target_shape = case
    with pytest.raises(ShapeError, match=rf"^{name}: ") as caught:
        LABELLED[name](ag.Tensor(logits), np.zeros(target_shape, dtype=int))
    assert str(target_shape) in str(caught.value) and str(logits.shape) in str(caught.value)


def softmax_input(name, logits):
    """What each labelled loss takes: logits, or (Keras' sparse loss) probabilities from a softmax."""
    tensor = ag.Tensor(logits, requires_grad=True)
    return F.softmax(tensor) if name == "sparse_categorical_crossentropy" else tensor


@given(st.sampled_from(sorted(LABELLED)), st.integers(1, 4), st.integers(2, 4), st.data())
def test_every_label_out_of_range_is_a_value_error_naming_it(name, n, classes, data):
    """[-1] wrapped to the last class and [classes] was NumPy's IndexError; both are ValueErrors now."""
    bad = data.draw(st.one_of(st.integers(-5, -1), st.integers(classes, classes + 5)))
    labels = data.draw(st.lists(st.integers(0, classes - 1), min_size=n, max_size=n))
    labels[data.draw(st.integers(0, n - 1))] = bad
    with pytest.raises(ValueError, match=rf"^{name}: class labels must be in \[0, {classes}\) .*\[{bad}\]"):
        LABELLED[name](softmax_input(name, np.zeros((n, classes))), np.array(labels))


@given(st.sampled_from(sorted(LABELLED)), st.floats(0.01, 2.99).filter(lambda v: v != round(v)))
def test_a_fractional_label_is_a_value_error(name, label):
    """[1.7] was truncated to class 1, and [[0.7]] read as index 0."""
    targets = [np.array([label])] + ([np.array([[label]])] if name != "softmax_cross_entropy" else [])
    for target in targets:
        with pytest.raises(ValueError, match=rf"^{name}: class .*{label}"):
            LABELLED[name](softmax_input(name, np.zeros((1, 3))), target)


def test_whole_number_float_labels_follow_pytorch_or_keras():
    """PyTorch's cross_entropy needs an integer dtype for indices; Keras' sparse loss casts floats."""
    logits = np.array([[1.0, 2.0, 3.0], [0.5, 0.0, -1.0]])
    with pytest.raises(ValueError, match="integer dtype, but the target has dtype float64"):
        F.cross_entropy(ag.Tensor(logits), np.array([2.0, 0.0]))
    with pytest.raises(ValueError, match="integer dtype"):
        F.softmax_cross_entropy(ag.Tensor(logits), np.array([2.0, 0.0]))
    with pytest.raises(ValueError, match="integer dtype, but the target has dtype bool"):
        F.cross_entropy(ag.Tensor(logits), np.array([True, False]))
    expected = F.cross_entropy(ag.Tensor(logits), np.array([2, 0])).item()
    for labels in (np.array([2.0, 0.0]), np.array([[2.0], [0.0]]), np.array([2, 0])):
        probability = F.softmax(ag.Tensor(logits, requires_grad=True))
        assert F.sparse_categorical_crossentropy(probability, labels).item() == pytest.approx(expected)


def test_pytorch_rejects_the_same_targets():
    """The reference agrees: out-of-range and float class indices are errors in PyTorch too."""
    torch = pytest.importorskip("torch")
    logits = torch.tensor([[1.0, 2.0, 3.0]])
    for target in (torch.tensor([-1]), torch.tensor([3]), torch.tensor([1.7])):
        with pytest.raises((RuntimeError, IndexError)):
            torch.nn.functional.cross_entropy(logits, target)
    ours = F.cross_entropy(ag.Tensor(logits.numpy().astype(float)), np.array([1])).item()
    assert ours == pytest.approx(torch.nn.functional.cross_entropy(logits, torch.tensor([1])).item())


def test_categorical_crossentropy_of_integer_labels_names_the_sparse_loss():
    """Keras: "Arguments `target` and `output` must have the same shape"."""
    probability = F.softmax(ag.Tensor(np.zeros((4, 10))))
    for labels in (np.array([1, 2, 3, 4]), np.array([[1], [2], [3], [4]])):
        with pytest.raises(ShapeError, match=r"use sparse_categorical_crossentropy, or one-hot encode them "
                                             r"\(np.eye\(10\)\[labels\]\)"):
            F.categorical_crossentropy(probability, labels)


def test_labels_may_be_given_with_a_trailing_axis_of_one_along_any_class_axis():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 3, 4))                 # (batch, classes, positions)
    labels = rng.integers(0, 3, size=(2, 4))
    expected = F.cross_entropy(ag.Tensor(logits), labels, axis=1).item()
    assert F.cross_entropy(ag.Tensor(logits), labels[:, None, :], axis=1).item() == expected
    with pytest.raises(ShapeError, match="axis 3 is out of range for logits of shape"):
        F.cross_entropy(ag.Tensor(logits), labels, axis=3)


def test_a_loss_raises_before_recording_anything():
    """The check comes first: the input's graph gets no loss node, and no gradient flows."""
    w = ag.Tensor(np.ones((4, 1)), requires_grad=True)
    with pytest.raises(ShapeError):
        F.mse_loss(w * 2.0, np.ones(4))
    assert w.grad is None


def test_a_loss_of_an_ignored_label_out_of_range_is_not_an_error_but_any_other_is():
    """ignore_index (PyTorch's default -100) marks labels to skip; it need not be a class."""
    logits = ag.Tensor(np.zeros((3, 2)))
    assert F.cross_entropy(logits, np.array([1, -100, 0])).item() == pytest.approx(np.log(2))
    assert F.nll_loss(logits, np.array([7, 7, 0]), ignore_index=7).item() == 0.0
    with pytest.raises(ValueError, match=r"^cross_entropy: class labels must be in \[0, 2\) \(or the "
                                         r"ignore_index 7\) for 2 classes, but the target contains \[-100\]"):
        F.cross_entropy(logits, np.array([1, -100, 0]), ignore_index=7)


EMPTY_BATCH = {  # our loss, PyTorch's, the prediction's shape, the target
    "mse_loss": (F.mse_loss, "mse_loss", (0, 1), np.zeros((0, 1))),
    "binary_cross_entropy": (F.binary_cross_entropy, "binary_cross_entropy", (0, 1), np.zeros((0, 1))),
    "binary_cross_entropy_with_logits": (F.binary_cross_entropy_with_logits,
                                         "binary_cross_entropy_with_logits", (0, 1), np.zeros((0, 1))),
    "cross_entropy": (F.cross_entropy, "cross_entropy", (0, 3), np.zeros((0,), dtype=np.int64)),
    "nll_loss": (F.nll_loss, "nll_loss", (0, 3), np.zeros((0,), dtype=np.int64)),
    "l1_loss": (F.l1_loss, "l1_loss", (0, 1), np.zeros((0, 1))),
    "huber_loss": (F.huber_loss, "huber_loss", (0, 1), np.zeros((0, 1))),
    "smooth_l1_loss": (F.smooth_l1_loss, "smooth_l1_loss", (0, 1), np.zeros((0, 1))),
}


@pytest.mark.parametrize("name", sorted(EMPTY_BATCH))
def test_a_loss_over_an_empty_batch_is_nan_with_an_empty_gradient_as_in_pytorch(name):
    import warnings

    torch = pytest.importorskip("torch")
    ours, theirs, shape, target = EMPTY_BATCH[name]
    p = ag.Tensor(np.full(shape, 0.5), requires_grad=True)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        loss = ours(p, target)
        loss.backward()
    tp = torch.full(shape, 0.5, dtype=torch.float64, requires_grad=True)
    expected = getattr(torch.nn.functional, theirs)(tp, torch.tensor(target))
    expected.backward()
    assert np.isnan(loss.item()) and np.isnan(expected.item())
    assert p.grad.shape == tuple(tp.grad.shape) == shape
