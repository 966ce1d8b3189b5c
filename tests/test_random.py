"""ag.random and ag.manual_seed: NumPy's Generator numbers for the same seed, on every device; one
generator behind the draws, nn's initial weights and fit's shuffling, so one seed makes a run
reproducible; errors that name the function and leave the generator where it was."""

import array_api_strict as xps
import numpy as np
import pytest
from helpers import assert_on, host
from numpy.testing import assert_array_equal

import autograd_lite as ag
from autograd_lite import Tensor, nn, optim
from autograd_lite.parameters import AxisError

DEVICE1 = xps.Device("device1")
R = ag.random

# (id, our draw, the same draw from NumPy's Generator): the reference is NumPy's default_rng(seed)
DRAWS = [
    ("normal", lambda **k: R.normal(**k), lambda g: g.normal()),
    ("normal-size", lambda **k: R.normal(2.0, 0.5, (3, 2), **k), lambda g: g.normal(2.0, 0.5, (3, 2))),
    ("normal-array-loc", lambda **k: R.normal([0.0, 10.0], 1.0, **k), lambda g: g.normal([0.0, 10.0])),
    ("normal-broadcast", lambda **k: R.normal(np.zeros((2, 1)), [1.0, 2.0, 3.0], size=(4, 2, 3), **k),
     lambda g: g.normal(np.zeros((2, 1)), [1.0, 2.0, 3.0], size=(4, 2, 3))),
    ("normal-tensor-loc", lambda **k: R.normal(Tensor([1.0, 2.0]), **k), lambda g: g.normal([1.0, 2.0])),
    ("uniform", lambda **k: R.uniform(size=5, **k), lambda g: g.uniform(size=5)),
    ("uniform-bounds", lambda **k: R.uniform(-3, 2, (2, 2), **k), lambda g: g.uniform(-3, 2, (2, 2))),
    ("uniform-0d", lambda **k: R.uniform(size=(), **k), lambda g: g.uniform(size=())),
    ("uniform-empty", lambda **k: R.uniform(size=(0, 3), **k), lambda g: g.uniform(size=(0, 3))),
    ("rand", lambda **k: R.rand(2, 3, **k), lambda g: g.random((2, 3))),
    ("rand-tuple", lambda **k: R.rand((4,), **k), lambda g: g.random((4,))),
    ("rand-0d", lambda **k: R.rand(**k), lambda g: g.random(())),
    ("randn", lambda **k: R.randn(3, **k), lambda g: g.standard_normal(3)),
    ("randint", lambda **k: R.randint(10, size=6, **k), lambda g: g.integers(10, size=6)),
    ("randint-low-high", lambda **k: R.randint(-5, 5, (2, 3), **k), lambda g: g.integers(-5, 5, (2, 3))),
    ("randint-endpoint", lambda **k: R.randint(1, 3, 8, endpoint=True, **k),
     lambda g: g.integers(1, 3, 8, endpoint=True)),
    ("randint-int32", lambda **k: R.randint(0, 100, 4, dtype=np.int32, **k),
     lambda g: g.integers(0, 100, 4, dtype=np.int32)),
    ("randint-uint8", lambda **k: R.randint(0, 256, 4, dtype="uint8", **k),
     lambda g: g.integers(0, 256, 4, dtype="uint8")),
    ("randint-bool", lambda **k: R.randint(2, size=5, dtype=bool, **k),
     lambda g: g.integers(2, size=5, dtype=bool)),
    ("randint-array-high", lambda **k: R.randint(0, [3, 30, 300], **k),
     lambda g: g.integers(0, [3, 30, 300])),
    ("randint-0d", lambda **k: R.randint(7, **k), lambda g: g.integers(7)),
    ("permutation-int", lambda **k: R.permutation(6, **k), lambda g: g.permutation(6)),
    ("permutation-0", lambda **k: R.permutation(0, **k), lambda g: g.permutation(0)),
    ("permutation-list", lambda **k: R.permutation([1.5, 2.5, 3.5, 4.5], **k),
     lambda g: g.permutation([1.5, 2.5, 3.5, 4.5])),
    ("permutation-rows", lambda **k: R.permutation(np.arange(12).reshape(4, 3), **k),
     lambda g: g.permutation(np.arange(12).reshape(4, 3))),
    ("permutation-axis", lambda **k: R.permutation(np.arange(12).reshape(3, 4), axis=1, **k),
     lambda g: g.permutation(np.arange(12).reshape(3, 4), axis=1)),
    ("permutation-negative-axis", lambda **k: R.permutation(np.arange(24).reshape(2, 3, 4), axis=-2, **k),
     lambda g: g.permutation(np.arange(24).reshape(2, 3, 4), axis=-2)),
]


def expected_draw(numpys, seed):
    return np.asarray(numpys(np.random.default_rng(seed)))


@pytest.mark.parametrize("seed", [0, 12345])
@pytest.mark.parametrize("ours, numpys", [d[1:] for d in DRAWS], ids=[d[0] for d in DRAWS])
def test_a_draw_is_numpys_generator_draw_for_the_same_seed(ours, numpys, seed, xp, device):
    expected = expected_draw(numpys, seed)
    ag.manual_seed(seed)
    t = ours(xp=xp, device=device)
    assert isinstance(t, Tensor) and t.is_leaf and not t.requires_grad
    assert_on(xp, t, device)
    assert t.shape == expected.shape and ag.backend.dtype_name(t.dtype) == expected.dtype.name
    assert_array_equal(host(t), expected, strict=True)


@pytest.mark.parametrize("ours, numpys", [d[1:] for d in DRAWS], ids=[d[0] for d in DRAWS])
def test_the_same_seed_gives_the_same_draw_and_another_seed_another(ours, numpys):
    ag.manual_seed(3)
    a = ours()
    ag.manual_seed(3)
    b = ours()
    assert_array_equal(a.data, b.data, strict=True)
    if a.size > 1:
        ag.manual_seed(4)
        assert not np.array_equal(ours().data, a.data)
        assert not np.array_equal(ours().data, a.data)   # and the stream moved on


@pytest.mark.parametrize("ours", [lambda **k: R.normal(size=5, **k), lambda **k: R.uniform(size=5, **k),
                                  lambda **k: R.rand(5, **k), lambda **k: R.randn(5, **k)])
def test_float32_draws_are_the_float64_draws_rounded(ours):
    ag.manual_seed(0)
    wide = ours().data
    ag.manual_seed(0)
    narrow = ours(dtype=np.float32)
    assert narrow.dtype == np.float32
    assert_array_equal(narrow.data, wide.astype(np.float32))
    ag.manual_seed(0)
    strict = ours(dtype=xps.float32, device=DEVICE1)
    assert strict.dtype == xps.float32
    assert_array_equal(host(strict), wide.astype(np.float32))


@pytest.mark.parametrize("ours", [lambda **k: R.normal(size=3, **k),
                                  lambda **k: R.uniform(size=3, **k),
                                  lambda **k: R.rand(3, **k), lambda **k: R.randn(3, **k)])
def test_requires_grad_makes_a_leaf_that_gradients_reach(ours):
    t = ours(requires_grad=True)
    assert t.requires_grad and t.is_leaf
    (t * np.array([1.0, 2.0, 3.0])).sum().backward()
    assert_array_equal(t.grad, [1.0, 2.0, 3.0])
    moved = ours(device=DEVICE1, requires_grad=True)
    (moved * 2.0).sum().backward()
    assert_on(xps, moved.grad, DEVICE1)


def test_parameters_on_a_device_put_the_draw_there():
    loc = ag.asarray([0.0, 10.0], xp=xps, device=DEVICE1)
    ag.manual_seed(1)
    t = R.normal(loc, 2.0)
    assert_on(xps, t, DEVICE1)
    assert_array_equal(host(t), np.random.default_rng(1).normal([0.0, 10.0], 2.0))
    assert_on(xps, R.uniform(0.0, xps.asarray([1.0, 2.0], device=DEVICE1)), DEVICE1)
    assert_on(xps, R.randint(0, ag.full(3, 5, device=DEVICE1)), DEVICE1)
    assert_on(np, R.normal(loc, device="cpu"))


# ---- permutation keeps a tensor's graph ---------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_the_permutation_of_a_tensor_keeps_its_graph(axis, xp, device):
    values = np.arange(12.0).reshape(3, 4)
    weights = np.random.default_rng(1).normal(size=(3, 4))
    order = np.random.default_rng(5).permutation(values.shape[axis])
    x = ag.asarray(values, xp=xp, device=device, requires_grad=True)
    ag.manual_seed(5)
    out = R.permutation(x, axis=axis)
    assert_on(xp, out, device)
    assert_array_equal(host(out), np.take(values, order, axis=axis))
    (out * ag.asarray(weights, xp=xp, device=device)).sum().backward()
    expected = np.zeros_like(values)          # out = take(x, order): the gradient goes back to x's places
    index = (slice(None),) * (axis % 2) + (order,)
    expected[index] = weights
    assert_on(xp, x.grad, device)
    assert_array_equal(host(x.grad), expected)


def test_the_permutation_of_a_tensor_can_change_dtype_and_device():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = R.permutation(x, dtype=np.float32, device=DEVICE1)
    assert_on(xps, out, DEVICE1)
    assert out.dtype == xps.float32 and out.requires_grad
    (out * 2.0).sum().backward()
    assert_array_equal(x.grad, [2.0, 2.0, 2.0])
    leaf = R.permutation(Tensor([1.0, 2.0]), requires_grad=True)
    assert leaf.is_leaf and leaf.requires_grad


def test_the_permutation_of_device_data_stays_on_the_device():
    x = xps.asarray([1, 2, 3, 4], device=DEVICE1)
    ag.manual_seed(2)
    out = R.permutation(x)
    assert_on(xps, out, DEVICE1)
    assert_array_equal(host(out), np.random.default_rng(2).permutation([1, 2, 3, 4]))
    assert_on(np, R.permutation(x, device="cpu"))


# ---- one generator, one seed --------------------------------------------------------------------------


def test_nn_manual_seed_and_its_state_functions_are_the_packages():
    assert nn.manual_seed is ag.manual_seed is R.manual_seed
    assert nn.get_rng_state is R.get_rng_state and nn.set_rng_state is R.set_rng_state


def test_manual_seed_gives_numpys_default_rng_of_the_seed():
    ag.manual_seed(2024)
    assert R.get_rng_state() == np.random.default_rng(2024).bit_generator.state
    assert R.get_generator() is R.get_generator()


def test_draws_and_initial_weights_come_from_one_stream():
    """A draw, then a layer: the layer's weights are the numbers NumPy's generator gives next."""
    ag.manual_seed(0)
    drawn = R.normal(size=4)
    layer = nn.Linear(3, 2)
    reference = np.random.default_rng(0)
    assert_array_equal(drawn.data, reference.normal(size=4))
    bound = 1 / np.sqrt(3)
    assert_array_equal(layer.weight.data, reference.uniform(-bound, bound, size=(2, 3)))
    assert_array_equal(layer.bias.data, reference.uniform(-bound, bound, size=(2,)))


@pytest.mark.parametrize("seed", [0, 1, np.uint32(7)])
def test_manual_seed_makes_layers_reproducible_and_seeds_differ(seed):
    def build():
        ag.manual_seed(seed)
        return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Dense(2, input_dim=4)).state_dict()
    first, second = build(), build()
    for name in first:
        assert_array_equal(first[name], second[name], strict=True)
    ag.manual_seed(int(seed) + 100)
    other = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Dense(2, input_dim=4)).state_dict()
    assert not np.array_equal(other["0.weight"], first["0.weight"])


def test_get_and_set_rng_state_replay_draws_too():
    state = R.get_rng_state()
    a = R.normal(size=3), R.permutation(5)
    R.set_rng_state(state)
    b = R.normal(size=3), R.permutation(5)
    for x, y in zip(a, b):
        assert_array_equal(x.data, y.data)


# ---- fit's shuffling --------------------------------------------------------------------------------

X = np.random.default_rng(0).normal(size=(40, 3))
Y = (X @ np.array([1.0, -2.0, 0.5]) > 0).astype(float)


def model_with_weights(state=None):
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    if state is not None:
        model.load_state_dict(state)
    model.compile(loss="mse", optimizer=lambda params: optim.SGD(params, lr=0.1))
    return model


def run(seed, **fit_options):
    """ag.manual_seed(seed), then a small model trained 2 epochs with shuffling: its history and weights."""
    ag.manual_seed(seed)
    model = model_with_weights()
    history = model.fit(X, Y, epochs=2, batch_size=8, shuffle=True, verbose=0, **fit_options)
    return history.history["loss"], model.state_dict()


def test_manual_seed_makes_fit_reproducible():
    (loss_a, weights_a), (loss_b, weights_b) = run(11), run(11)
    assert loss_a == loss_b
    for name in weights_a:
        assert_array_equal(weights_a[name], weights_b[name])
    loss_c, _ = run(12)
    assert loss_c != loss_a


def test_fit_without_a_seed_shuffles_from_the_seeded_generator():
    """The same starting weights, ag.manual_seed(s) then fit: the same history; another seed: the
    same weights but another shuffle, so another history."""
    ag.manual_seed(0)
    start = model_with_weights().state_dict()
    histories = []
    for seed in (5, 5, 6):
        model = model_with_weights(start)
        ag.manual_seed(seed)
        histories.append(model.fit(X, Y, epochs=2, batch_size=8, verbose=0).history["loss"])
        assert R.get_rng_state() != np.random.default_rng(seed).bit_generator.state  # it drew
    assert histories[0] == histories[1] and histories[2] != histories[0]


def test_fit_shuffles_with_numpys_permutations_of_the_generator():
    """Epoch by epoch, fit's order is the generator's next permutation: with a model that records its
    batches, the first batch of each epoch is X at NumPy's permutation for the seed."""
    seen = []

    class Recording(nn.Sequential):
        def train_step(self, data):
            seen.append(np.array(data[0]))
            return super().train_step(data)

    ag.manual_seed(0)
    model = Recording(nn.Linear(3, 1))
    model.compile(loss="mse", optimizer="sgd")
    ag.manual_seed(9)
    model.fit(X, Y, epochs=2, batch_size=40, verbose=0)
    reference = np.random.default_rng(9)
    for batch in seen:
        assert_array_equal(batch, X[reference.permutation(40)])


def test_fit_with_a_seed_keeps_its_own_meaning_and_leaves_the_generator_alone():
    ag.manual_seed(0)
    start = model_with_weights().state_dict()
    losses = []
    for seed in (3, 4):
        model = model_with_weights(start)
        ag.manual_seed(seed)       # a different global seed each time, the same fit seed
        state = R.get_rng_state()
        losses.append(model.fit(X, Y, epochs=2, batch_size=8, seed=7, verbose=0).history["loss"])
        assert R.get_rng_state() == state
    assert losses[0] == losses[1]


# ---- errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("call, error, message", [
    (lambda: R.normal(0.0, -1.0), ValueError, "normal: scale < 0"),
    (lambda: R.normal(size=-1), ValueError, "normal: negative dimensions are not allowed, got size -1"),
    (lambda: R.normal(size=(2, 3.0)), TypeError, r"normal: invalid size \(2, 3.0\)"),
    (lambda: R.normal([0.0, 1.0], size=3), ValueError, "normal: shape mismatch"),
    (lambda: R.normal("0"), TypeError, "normal: invalid loc '0'; it must be a real number or an array"),
    (lambda: R.normal(True), TypeError, "normal: invalid loc True"),
    (lambda: R.normal(dtype=int), TypeError, "normal: dtype must be a floating dtype, not int64"),
    (lambda: R.normal(dtype="nope"), TypeError, "normal: invalid dtype 'nope'"),
    (lambda: R.normal(device="tpu"), ValueError, "normal: unknown device 'tpu'"),
    (lambda: R.normal(requires_grad="yes"), TypeError, "normal: invalid requires_grad 'yes'"),
    (lambda: R.uniform(0.0, float("inf")), OverflowError, "uniform: high - low range exceeds valid bounds"),
    (lambda: R.uniform(dtype=bool), TypeError, "uniform: dtype must be a floating dtype, not bool"),
    (lambda: R.rand(2, -1), ValueError, "rand: negative dimensions"),
    (lambda: R.randn(2.5), TypeError, "randn: invalid shape"),
    (lambda: R.randint(0), ValueError, "randint: high <= 0"),
    (lambda: R.randint(5, 2), ValueError, "randint: low >= high"),
    (lambda: R.randint(0, 300, dtype=np.int8), ValueError, "randint: high is out of bounds for int8"),
    (lambda: R.randint(0, 5, dtype=float), TypeError, "randint: invalid dtype dtype.'float64'.; it "
                                                               "must be an integer dtype"),
    (lambda: R.randint(0, 5, dtype=None), TypeError, "randint: invalid dtype None"),
    (lambda: R.randint(5, requires_grad=True), TypeError, "randint: only floating dtypes can require grad"),
    (lambda: R.randint(5, endpoint=1), TypeError, "randint: invalid endpoint 1"),
    (lambda: R.permutation(-1), ValueError, "permutation: invalid x -1; it must be an integer >= 0"),
    (lambda: R.permutation(np.array(3.0)), ValueError, "permutation: x must be an integer or an array "
                                                               "of at least one dimension"),
    (lambda: R.permutation(np.ones(3), axis=1), AxisError,
     "permutation on inputs of shapes"),
    (lambda: R.permutation(Tensor([1.0, 2.0], requires_grad=True), requires_grad=True), TypeError,
     "permutation: x already requires grad"),
    (lambda: R.permutation(Tensor([1.0, 2.0]), xp=xps), TypeError, "permutation: xp= is for data"),
    (lambda: R.permutation(3, requires_grad=True), TypeError, "permutation: only floating dtypes"),
    (lambda: R.permutation(3, dtype=complex), TypeError, "permutation: unsupported dtype complex128"),
    (lambda: R.permutation(Tensor([1.0, 2.0]), device="tpu"), ValueError, "permutation: unknown device"),
    (lambda: R.permutation([1.0, 2.0], device="tpu"), ValueError, "permutation: unknown device"),
    (lambda: R.permutation([1, 2], requires_grad=True), TypeError, "permutation: only floating dtypes"),
    (lambda: R.permutation(Tensor([1, 2]), requires_grad=True), TypeError, "permutation: only floating"),
    (lambda: R.permutation([[1], [2, 3]]), TypeError, "permutation: invalid x"),
    (lambda: ag.manual_seed(-1), ValueError, "manual_seed: invalid seed -1; it must be an integer >= 0"),
    (lambda: ag.manual_seed(0.5), TypeError, "manual_seed: invalid seed 0.5"),
    (lambda: R.set_rng_state("state"), TypeError, "set_rng_state: invalid state 'state'"),
    (lambda: R.set_rng_state({"bit_generator": "MT19937"}), ValueError, "set_rng_state: invalid state"),
])
def test_bad_arguments_raise_errors_naming_the_function_and_draw_nothing(call, error, message):
    state = R.get_rng_state()
    with pytest.raises(error, match=f"^{message}"):
        call()
    assert R.get_rng_state() == state


def test_the_random_names_are_in_their_namespace_and_documented():
    for name in R.__all__:
        function = getattr(ag.random, name)
        assert function.__doc__ and function.__module__ == "autograd_lite.random"
    assert ag.manual_seed is R.manual_seed


def test_set_random_seed_seeds_python_numpy_and_ours_so_a_whole_fit_repeats():
    """Keras' keras.utils.set_random_seed: the tutorial draws its data with np.random, then fits."""
    import random

    def run():
        ag.set_random_seed(7)
        data = np.random.randn(40, 2)
        labels = (data.sum(axis=1) > 0).astype(float)
        model = nn.Sequential(nn.Dense(4, input_dim=2, activation="relu"), nn.Dense(1, activation="sigmoid"))
        model.compile(loss="binary_crossentropy", optimizer="adam")
        model.fit(data, labels, epochs=3, batch_size=8, verbose=0)   # shuffled from our generator
        return random.random(), [p.data.copy() for p in model.parameters()]

    (first_python, first), (second_python, second) = run(), run()
    assert first_python == second_python
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (2 ** 32, ValueError), (1.5, TypeError),
                                         (True, TypeError)])
def test_set_random_seed_refuses_what_keras_refuses(seed, error):
    state = ag.random.get_rng_state()
    with pytest.raises(error, match="set_random_seed"):
        ag.set_random_seed(seed)
    assert ag.random.get_rng_state() == state
