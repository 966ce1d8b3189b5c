"""The losses of nn.functional (and their module forms in nn) against PyTorch, in float64 to 1e-10:
the forward value and the gradient of every differentiable input, for each loss × reduction × option
(class weights, ignore_index, label smoothing, probability targets, K-dimensional targets,
pos_weight, log_target, batchmean, δ and β), and the errors bad arguments raise.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import autograd_lite as ag
from autograd_lite import nn
from autograd_lite.engine import ShapeError
from autograd_lite.nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional
RNG = np.random.default_rng(0)
REDUCTIONS = ["mean", "sum", "none"]


def compare(ours, theirs, differentiable, constants=(), **options):
    """``ours(*arrays, **options)`` against ``theirs`` (PyTorch's, on tensors), for ``differentiable``
    arrays (gradients compared) and ``constants`` (targets given as data): the value, and the
    gradient of Σ r·loss for one random r, to 1e-10."""
    leaves = [ag.Tensor(x, requires_grad=True) for x in differentiable]
    tensors = [torch.tensor(x, requires_grad=True) for x in differentiable]
    out = ours(*leaves, *constants, **options)
    expected = theirs(*tensors, *[torch.from_numpy(np.asarray(c)) for c in constants], **as_torch(options))
    assert out.shape == tuple(expected.shape)
    assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    r = RNG.normal(size=out.shape)
    (out * r).sum().backward()
    (expected * torch.from_numpy(r)).sum().backward()
    for leaf, tensor in zip(leaves, tensors):
        assert_allclose(leaf.grad, tensor.grad.numpy(), rtol=1e-10, atol=1e-12)
    return out


def as_torch(options):
    return {key: torch.from_numpy(value) if isinstance(value, np.ndarray) else value
            for key, value in options.items()}


def normal(*shape):
    return RNG.normal(size=shape)


def probabilities(*shape, axis=-1):
    p = np.exp(normal(*shape))
    return p / p.sum(axis=axis, keepdims=True)


# ---- element-wise losses ----------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
def test_mse_and_l1(name, reduction):
    compare(getattr(F, name), getattr(TF, name), [normal(3, 4), normal(3, 4)], reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("delta", [1.0, 0.3, 2.5])
def test_huber_loss(reduction, delta):
    compare(F.huber_loss, TF.huber_loss, [normal(4, 5) * 2, normal(4, 5)], reduction=reduction, delta=delta)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("beta", [1.0, 0.3, 2.5, 0.0])
def test_smooth_l1_loss(reduction, beta):
    compare(F.smooth_l1_loss, TF.smooth_l1_loss, [normal(4, 5) * 2, normal(4, 5)], reduction=reduction,
            beta=beta)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy(reduction, weighted):
    p, y = RNG.uniform(0.05, 0.95, (3, 4)), RNG.uniform(0, 1, (3, 4))
    options = {"weight": RNG.uniform(0.5, 2, (4,))} if weighted else {}
    compare(F.binary_cross_entropy, TF.binary_cross_entropy, [p, y], reduction=reduction, **options)
    z = normal(3, 4)   # through a sigmoid: computed from the logits
    compare(lambda t, y, **o: F.binary_cross_entropy(F.sigmoid(t), y, **o),
            lambda t, y, **o: TF.binary_cross_entropy(torch.sigmoid(t), y, **o), [z, y], reduction=reduction,
            **options)


EDGES = np.array([0.0, 1e-300, 1e-50, 1e-9, 1e-7, 0.3, 1 - 1e-7, 1 - 1e-9, 1.0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy_at_probabilities_near_0_and_1_is_pytorchs(reduction, weighted):
    """PyTorch's rule: each log clamped at −100, ∂/∂p = (p − y)/max(p(1 − p), 1e-12) (-1e9 at
    p = 1e-9, y = 1, where a clip at 1e-7 would give 0); ∂/∂y from the clamped logs."""
    p = np.repeat(EDGES, 3)
    y = np.tile([0.0, 1.0, 0.25], len(EDGES))
    options = {"weight": RNG.uniform(0.5, 2, p.shape)} if weighted else {}
    compare(F.binary_cross_entropy, TF.binary_cross_entropy, [p, y], reduction=reduction, **options)


def keras_binary_crossentropy(p, y):
    """Keras' formula (keras.losses.binary_crossentropy on probabilities), and its gradient in p."""
    clipped = np.clip(p, 1e-7, 1 - 1e-7)
    inside = (p >= 1e-7) & (p <= 1 - 1e-7)   # the clip passes the gradient at its ends
    loss = -np.mean(y * np.log(clipped) + (1 - y) * np.log(1 - clipped))
    return loss, np.where(inside, (clipped - y) / (clipped * (1 - clipped)), 0.0) / p.size


def test_binary_crossentropy_is_keras_clipped_at_1e_7_and_named_so_in_losses():
    p = np.repeat(EDGES, 2)
    y = np.tile([0.0, 1.0], len(EDGES))
    leaf = ag.Tensor(p, requires_grad=True)
    loss = F.binary_crossentropy(leaf, y)
    loss.backward()
    expected, gradient = keras_binary_crossentropy(p, y)
    assert_allclose(loss.item(), expected, rtol=1e-12)
    assert_allclose(leaf.grad, gradient, rtol=1e-9, atol=1e-12)
    assert loss.item() < -np.log(1e-7) < F.binary_cross_entropy(ag.Tensor(p), y).item()
    assert F.LOSSES["binary_crossentropy"] is F.binary_crossentropy


@pytest.mark.parametrize("name", ["binary_cross_entropy", "binary_crossentropy"])
def test_both_binary_cross_entropies_of_a_sigmoid_use_its_logits(name):
    z = ag.Tensor(np.array([1000.0, -1000.0, 3.0, -40.0]), requires_grad=True)
    y = np.array([0.0, 0.0, 1.0, 1.0])
    loss = getattr(F, name)(F.sigmoid(z), y)
    loss.backward()
    assert_allclose(loss.item(), np.mean(np.logaddexp(0, z.data) - y * z.data), rtol=1e-12)
    assert_allclose(z.grad, (1 / (1 + np.exp(-z.data)) - y) / 4, rtol=1e-12)


@pytest.mark.parametrize("margin", [1.0, 0.0, -0.5])
def test_hinge_type_losses_pass_the_gradient_at_the_hinge_as_pytorchs_clamp_min(margin):
    """max(0, z) at z = 0: PyTorch's clamp_min passes the gradient (relu's would be 0)."""
    x1 = np.array([2.0, 1.0, 0.5 - margin, 3.0])
    x2 = np.array([1.0, 1.0, 0.5, -1.0])
    y = np.array([1.0, 1.0, 1.0, -1.0])
    x1 = np.array([x2[0] + margin, 1.0, x2[2] - margin, x2[3] - margin])   # the loss is 0 at 0, 2, 3
    compare(F.margin_ranking_loss, TF.margin_ranking_loss, [x1, x2], [y], margin=margin, reduction="sum")
    a = np.array([[1.0, 0.0], [1.0, 1.0], [3.0, 4.0]])
    b = np.array([[0.0, 2.0], [-1.0, 1.0], [4.0, -3.0]])              # orthogonal: cos = 0
    compare(F.cosine_embedding_loss, TF.cosine_embedding_loss, [a, b], [-np.ones(3)], margin=0.0)
    compare(F.cosine_embedding_loss, TF.cosine_embedding_loss, [a, b], [np.array([-1.0, 1.0, -1.0])],
            margin=0.0, reduction="none")


def test_keras_hinge_passes_the_gradient_at_the_hinge():
    prediction = ag.Tensor(np.array([1.0, -1.0, 0.5, 2.0]), requires_grad=True)
    F.hinge(prediction, np.array([1, 0, 1, 1])).backward()   # 1 − t·p: 0, 0, 0.5, −1
    assert_allclose(prediction.grad, [-0.25, 0.25, -0.25, 0.0])


@pytest.mark.parametrize("delta", [1.0, 0.5])
def test_huber_smooth_l1_and_l1_at_their_kinks_are_pytorchs(delta):
    d = np.array([delta, -delta, 0.0, 2 * delta, -0.5 * delta])
    for reduction in REDUCTIONS:
        compare(F.huber_loss, TF.huber_loss, [d, np.zeros(5)], reduction=reduction, delta=delta)
        compare(F.smooth_l1_loss, TF.smooth_l1_loss, [d, np.zeros(5)], reduction=reduction, beta=delta)
        compare(F.smooth_l1_loss, TF.smooth_l1_loss, [d, np.zeros(5)], reduction=reduction, beta=0.0)
        compare(F.l1_loss, TF.l1_loss, [d, np.zeros(5)], reduction=reduction)
        compare(F.soft_margin_loss, TF.soft_margin_loss, [d], [np.sign(d) + (d == 0)], reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight_shape", [None, (4,), (3, 1), (3, 4)])
@pytest.mark.parametrize("pos_weight_shape", [None, (4,), (3, 4)])
def test_binary_cross_entropy_with_logits(reduction, weight_shape, pos_weight_shape):
    options = {}
    if weight_shape:
        options["weight"] = RNG.uniform(0.5, 2, weight_shape)
    if pos_weight_shape:
        options["pos_weight"] = RNG.uniform(0.5, 3, pos_weight_shape)
    compare(F.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits,
            [normal(3, 4) * 3, RNG.uniform(0, 1, (3, 4))], reduction=reduction, **options)


# ---- cross-entropy and nll --------------------------------------------------------------------

#: logits shapes: (N, C), (N, C, d1), (N, C, d1, d2), and unbatched (C,)
SHAPES = [(5, 4), (3, 4, 2), (2, 3, 2, 3), (4,)]


def labels_for(shape, ignore=None):
    """Class indices for logits of ``shape`` (classes on axis 1, or 0 for one axis), some set to
    ``ignore``."""
    classes = shape[1] if len(shape) > 1 else shape[0]
    target_shape = shape[:1] + shape[2:] if len(shape) > 1 else ()
    labels = RNG.integers(0, classes, target_shape)
    if ignore is not None and labels.size > 1:
        labels.reshape(-1)[::3] = ignore
    return labels


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore_index", [-100, 1, 7])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_cross_entropy_of_class_indices(reduction, shape, weighted, ignore_index, label_smoothing):
    classes = shape[1] if len(shape) > 1 else shape[0]
    labels = labels_for(shape, ignore=ignore_index if ignore_index != -100 else None)
    options = {"reduction": reduction, "ignore_index": ignore_index, "label_smoothing": label_smoothing}
    if weighted:
        options["weight"] = RNG.uniform(0.5, 2, classes)
    compare(F.cross_entropy, TF.cross_entropy, [normal(*shape)], [labels], **options)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.3])
def test_cross_entropy_of_class_probabilities(reduction, shape, weighted, label_smoothing):
    classes = shape[1] if len(shape) > 1 else shape[0]
    options = {"reduction": reduction, "label_smoothing": label_smoothing}
    if weighted:
        options["weight"] = RNG.uniform(0.5, 2, classes)
    target = probabilities(*shape, axis=1 if len(shape) > 1 else 0)
    compare(F.cross_entropy, TF.cross_entropy, [normal(*shape), target], **options)   # target differentiable


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore_index", [-100, 0])
def test_nll_loss(reduction, shape, weighted, ignore_index):
    classes = shape[1] if len(shape) > 1 else shape[0]
    labels = labels_for(shape, ignore=ignore_index if ignore_index != -100 else None)
    options = {"reduction": reduction, "ignore_index": ignore_index}
    if weighted:
        options["weight"] = RNG.uniform(0.5, 2, classes)
    compare(F.nll_loss, TF.nll_loss, [normal(*shape)], [labels], **options)


def test_cross_entropy_with_every_label_ignored_is_nan_as_in_pytorch():
    with np.errstate(all="ignore"):
        out = F.cross_entropy(ag.Tensor(normal(3, 2)), np.array([-100, -100, -100]))
    expected = TF.cross_entropy(torch.zeros(3, 2), torch.full((3,), -100))
    assert np.isnan(out.item()) and np.isnan(expected.item())


def test_cross_entropy_keeps_axis_for_classes_last():
    """The existing spelling: axis (or dim) -1 for classes last, the same as PyTorch's for 2-D."""
    z, labels = normal(2, 3, 4), RNG.integers(0, 4, (2, 3))
    ours = F.cross_entropy(ag.Tensor(z), labels, axis=-1).item()
    expected = TF.cross_entropy(torch.tensor(z).permute(0, 2, 1), torch.tensor(labels)).item()
    assert ours == pytest.approx(expected, rel=1e-12)
    assert F.cross_entropy(ag.Tensor(z), labels, dim=-1).item() == ours


# ---- divergence and pairs ---------------------------------------------------------------------


@pytest.mark.parametrize("reduction", [*REDUCTIONS, "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    target = probabilities(3, 4)
    if log_target:
        target = np.log(target)
    compare(F.kl_div, TF.kl_div, [np.log(probabilities(3, 4)), target], reduction=reduction,
            log_target=log_target)


def test_kl_div_of_zero_probabilities_is_zero_there():
    target = np.array([[0.0, 0.5, 0.5]])
    compare(F.kl_div, TF.kl_div, [np.log(probabilities(1, 3))], [target], reduction="sum")


@pytest.mark.parametrize("shapes, dim", [(((4, 5), (4, 5)), 1), (((4, 5), (4, 5)), 0),
                                         (((3, 4, 2), (4, 2)), -2), (((2, 3), (1, 3)), 1)])
@pytest.mark.parametrize("scale", [1.0, 1e-5])
def test_cosine_similarity(shapes, dim, scale):
    """Scale 1e-5 with eps 1e-4: both norms are clamped, and the gradient is still PyTorch's."""
    arrays = [normal(*shape) * scale for shape in shapes]
    compare(F.cosine_similarity, TF.cosine_similarity, arrays, dim=dim, eps=1e-4)


def test_cosine_similarity_of_a_zero_vector_is_zero_with_a_finite_gradient():
    compare(F.cosine_similarity, TF.cosine_similarity, [np.zeros((2, 3)), normal(2, 3)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.5])
def test_margin_ranking_loss(reduction, margin):
    y = RNG.choice([-1.0, 1.0], (6,))
    compare(F.margin_ranking_loss, TF.margin_ranking_loss, [normal(6), normal(6)], [y], margin=margin,
            reduction=reduction)


# ---- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda: F.mse_loss(ag.Tensor(np.ones(2)), np.ones(2), reduction="avg"),
    lambda: F.cross_entropy(ag.Tensor(np.ones((2, 3))), np.array([0, 1]), reduction="batchmean"),
    lambda: F.kl_div(ag.Tensor(np.ones(2)), np.ones(2), reduction="elementwise_mean"),
])
def test_an_unknown_reduction_is_a_value_error_naming_the_choices(call):
    with pytest.raises(ValueError, match=r"^\w+: reduction must be one of 'mean', 'sum', 'none'"):
        call()


def test_class_weights_must_have_one_per_class():
    with pytest.raises(ShapeError, match=r"cross_entropy: weight must have shape \(3,\), one per class, "
                                         r"but it has shape \(2,\)"):
        F.cross_entropy(ag.Tensor(np.ones((2, 3))), np.array([0, 1]), weight=np.ones(2))
    with pytest.raises(ShapeError, match=r"binary_cross_entropy_with_logits: pos_weight of shape \(3,\) "
                                         r"does not broadcast to the input's shape \(2, 4\)"):
        F.binary_cross_entropy_with_logits(ag.Tensor(np.ones((2, 4))), np.ones((2, 4)), pos_weight=np.ones(3))


def test_ignore_index_may_lie_outside_the_classes_but_other_labels_may_not():
    z = ag.Tensor(normal(3, 2))
    assert np.isfinite(F.cross_entropy(z, np.array([0, -100, 1])).item())
    with pytest.raises(ValueError, match=r"nll_loss: class labels must be in \[0, 2\) \(or the ignore_index "
                                         r"-100\) for 2 classes, but the target contains \[-1\]"):
        F.nll_loss(z, np.array([0, -1, 1]))
    with pytest.raises(ValueError, match="nll_loss: class indices must have an integer dtype"):
        F.nll_loss(z, np.array([0.0, 1.0, 1.0]))


def test_the_options_are_checked():
    z = ag.Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match="cross_entropy: invalid label_smoothing 1.5"):
        F.cross_entropy(z, np.array([0, 1]), label_smoothing=1.5)
    with pytest.raises(ValueError, match="huber_loss: invalid delta 0.0"):
        F.huber_loss(z, np.ones((2, 3)), delta=0.0)
    with pytest.raises(ValueError, match="smooth_l1_loss: invalid beta -1"):
        F.smooth_l1_loss(z, np.ones((2, 3)), beta=-1.0)
    with pytest.raises(ShapeError, match=r"margin_ranking_loss: the prediction has shape \(2, 3\) but the "
                                         r"target has shape \(3,\)"):
        F.margin_ranking_loss(z, np.ones((2, 3)), np.ones(3))
    with pytest.raises(ShapeError, match=r"cosine_similarity: dim 2 is out of range for inputs of shape "
                                         r"\(2, 3\)"):
        F.cosine_similarity(z, z, dim=2)


# ---- the module forms -------------------------------------------------------------------------

MODULES = [  # our module, PyTorch's, its constructor's arguments, the inputs: differentiated, constants
    ("MSELoss", {"reduction": "sum"}, lambda: ([normal(3, 2), normal(3, 2)], [])),
    ("L1Loss", {}, lambda: ([normal(3, 2), normal(3, 2)], [])),
    ("BCELoss", {"weight": RNG.uniform(0.5, 2, 2)}, lambda: ([RNG.uniform(0.1, 0.9, (3, 2))],
                                                              [RNG.uniform(0, 1, (3, 2))])),
    ("BCEWithLogitsLoss", {"weight": RNG.uniform(0.5, 2, 2), "pos_weight": RNG.uniform(0.5, 2, 2)},
     lambda: ([normal(3, 2)], [RNG.uniform(0, 1, (3, 2))])),
    ("CrossEntropyLoss", {"weight": RNG.uniform(0.5, 2, 3), "ignore_index": 1, "label_smoothing": 0.1},
     lambda: ([normal(4, 3, 2)], [RNG.integers(0, 3, (4, 2))])),
    ("NLLLoss", {"weight": RNG.uniform(0.5, 2, 3), "reduction": "none"},
     lambda: ([normal(4, 3)], [RNG.integers(0, 3, 4)])),
    ("HuberLoss", {"delta": 0.5}, lambda: ([normal(3, 2), normal(3, 2)], [])),
    ("SmoothL1Loss", {"beta": 0.5, "reduction": "none"}, lambda: ([normal(3, 2), normal(3, 2)], [])),
    ("KLDivLoss", {"reduction": "batchmean", "log_target": True},
     lambda: ([np.log(probabilities(3, 2)), np.log(probabilities(3, 2))], [])),
    ("CosineSimilarity", {"dim": 0, "eps": 1e-6}, lambda: ([normal(3, 2), normal(3, 2)], [])),
    ("MarginRankingLoss", {"margin": 0.2}, lambda: ([normal(5), normal(5)], [RNG.choice([-1.0, 1.0], 5)])),
    ("SoftMarginLoss", {"reduction": "sum"}, lambda: ([normal(3, 2)], [RNG.choice([-1.0, 1.0], (3, 2))])),
    ("PoissonNLLLoss", {"log_input": False, "full": True},
     lambda: ([RNG.uniform(0.5, 2, (3, 2)), RNG.integers(1, 4, (3, 2)).astype(float)], [])),
    ("GaussianNLLLoss", {"full": True, "reduction": "none"},
     lambda: ([normal(3, 2), normal(3, 2), RNG.uniform(0.5, 2, (3, 1))], [])),
    ("CosineEmbeddingLoss", {"margin": 0.1},
     lambda: ([normal(4, 3), normal(4, 3)], [RNG.choice([-1, 1], 4)])),
]


@pytest.mark.parametrize("name, options, inputs", MODULES, ids=[row[0] for row in MODULES])
def test_each_loss_module_matches_pytorchs(name, options, inputs):
    ours = getattr(nn, name)(**options)
    theirs = getattr(torch.nn, name)(**as_torch(options))
    differentiable, constants = inputs()
    compare(lambda *arrays: ours(*arrays), lambda *tensors: theirs(*tensors), differentiable, constants)
    assert repr(ours).startswith(f"{name}(")


def test_class_weights_are_buffers_saved_as_pytorchs():
    weight, pos_weight = RNG.uniform(0.5, 2, 3), RNG.uniform(0.5, 2, 3)
    ours = nn.BCEWithLogitsLoss(weight=weight, pos_weight=pos_weight)
    theirs = torch.nn.BCEWithLogitsLoss(weight=torch.tensor(weight), pos_weight=torch.tensor(pos_weight))
    state = ours.state_dict()
    assert list(state) == list(theirs.state_dict()) == ["weight", "pos_weight"]
    assert_allclose(state["pos_weight"], pos_weight)
    assert ours.parameters() == [] and not ours.weight.requires_grad
    loaded = nn.CrossEntropyLoss(weight=np.ones(3))
    loaded.load_state_dict({"weight": torch.tensor(weight).numpy()})
    assert_allclose(loaded.weight.data, weight)
    assert list(nn.CrossEntropyLoss().state_dict()) == list(torch.nn.CrossEntropyLoss().state_dict()) == []


def test_the_deprecated_size_average_and_reduce_are_read_as_pytorch_reads_them():
    cases = [(False, None, "sum"), (None, False, "none"), (True, True, "mean")]
    for size_average, reduce, reduction in cases:
        with pytest.warns(UserWarning, match=f"please use reduction='{reduction}' instead"):
            assert nn.MSELoss(size_average, reduce).reduction == reduction
        with pytest.warns(UserWarning):
            assert torch.nn.MSELoss(size_average, reduce).reduction == reduction


def test_loss_modules_check_their_options_when_built():
    with pytest.raises(ValueError, match="MSELoss: reduction must be one of 'mean', 'sum', 'none', not "):
        nn.MSELoss(reduction="avg")
    assert nn.KLDivLoss(reduction="batchmean").reduction == "batchmean"
    with pytest.raises(ValueError, match="CrossEntropyLoss: invalid label_smoothing -0.1"):
        nn.CrossEntropyLoss(label_smoothing=-0.1)
    with pytest.raises(ValueError, match="HuberLoss: invalid delta 0.0; it must be a finite number > 0"):
        nn.HuberLoss(delta=0.0)
    with pytest.raises(TypeError, match="NLLLoss: invalid ignore_index 0.5"):
        nn.NLLLoss(ignore_index=0.5)
    assert repr(nn.CrossEntropyLoss(ignore_index=0, reduction="sum")) == \
        "CrossEntropyLoss(reduction='sum', ignore_index=0)"


# ---- the further losses -----------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_soft_margin_loss(reduction):
    compare(F.soft_margin_loss, TF.soft_margin_loss, [normal(3, 4)], [RNG.choice([-1.0, 1.0], (3, 4))],
            reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_input", [True, False])
@pytest.mark.parametrize("full", [False, True])
def test_poisson_nll_loss(reduction, log_input, full):
    rate = normal(3, 4) if log_input else RNG.uniform(0.1, 3, (3, 4))
    # PyTorch's gradient for a count of 0 with full is NaN (log 0 under its mask); ours is 0 there
    counts = RNG.integers(1 if full else 0, 5, (3, 4)).astype(float)
    compare(F.poisson_nll_loss, TF.poisson_nll_loss, [rate, counts], log_input=log_input, full=full,
            reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("var_shape", [(3, 4), (3,), (3, 1), (1, 4)])
def test_gaussian_nll_loss(reduction, full, var_shape):
    var = RNG.uniform(0.5, 2, var_shape)
    var.reshape(-1)[0] = 1e-8          # below eps: clamped, its gradient still PyTorch's
    compare(F.gaussian_nll_loss, TF.gaussian_nll_loss, [normal(3, 4), normal(3, 4), var], full=full,
            reduction=reduction)


def test_gaussian_nll_loss_of_one_variance_and_its_errors():
    compare(F.gaussian_nll_loss, TF.gaussian_nll_loss, [normal(3, 4), normal(3, 4)], [], var=0.7)
    with pytest.raises(ValueError, match="gaussian_nll_loss: var has negative entries"):
        F.gaussian_nll_loss(ag.Tensor(np.ones(3)), np.ones(3), -np.ones(3))
    with pytest.raises(ShapeError, match=r"gaussian_nll_loss: var must have the input's shape \(3, 4\)"):
        F.gaussian_nll_loss(ag.Tensor(np.ones((3, 4))), np.ones((3, 4)), np.ones((2, 4)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.3])
@pytest.mark.parametrize("shape", [(5, 3), (3,)], ids=str)
def test_cosine_embedding_loss(reduction, margin, shape):
    y = RNG.choice([-1, 1], shape[:-1])
    compare(F.cosine_embedding_loss, TF.cosine_embedding_loss, [normal(*shape), normal(*shape)], [y],
            margin=margin, reduction=reduction)


def test_cosine_embedding_loss_needs_targets_of_plus_or_minus_one():
    with pytest.raises(ValueError, match=r"cosine_embedding_loss: the targets must be 1 or -1, but they "
                                         r"contain \[0\]"):
        F.cosine_embedding_loss(ag.Tensor(np.ones((2, 3))), np.ones((2, 3)), np.array([0, 1]))
