"""Devices: where a tensor's data lives, moving it (differentiably), errors that name both sides of
a mix-up, modules and optimizers that follow a move, and training on a device giving NumPy's weights.

array-api-strict's fake devices (``Device("device1")``, ``Device("device2")``) stand in for GPUs:
arrays on two of them cannot be combined, and NumPy cannot read them, so a NumPy call left anywhere
in the path raises. The done-means test: the tutorial's perceptron (OR data) and a 64→32→10 MLP on
scikit-learn's digits, trained on "device1", end with the same weights as on NumPy to 1e-12.
"""

import importlib.util

import array_api_strict as xps
import numpy as np
import pytest
from helpers import assert_on, host
from numpy.testing import assert_allclose

import autograd_lite as ag
from autograd_lite import Tensor, backend, nn, no_grad, optim
from autograd_lite.backend import DeviceError
from autograd_lite.nn import functional as F

DEVICE1, DEVICE2 = xps.Device("device1"), xps.Device("device2")
CPU = xps.Device("CPU_DEVICE")
X3 = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])


def on(device, values, requires_grad=False):
    return Tensor(xps.asarray(np.asarray(values, dtype=np.float64), device=device),
                  requires_grad=requires_grad)


# ---- one tensor ------------------------------------------------------------------------------


def test_a_tensor_says_where_its_data_lives():
    assert Tensor([1.0]).device == "cpu"
    assert on(DEVICE1, [1.0]).device == DEVICE1


def test_to_moves_a_tensor_and_the_gradient_goes_back_to_the_original_device():
    x = on(CPU, [1.0, -2.0, 3.0], requires_grad=True)
    y = x.to(DEVICE1)
    assert_on(xps, y, DEVICE1)
    assert y.requires_grad and y.op == "to_device"
    assert x.to(CPU) is x                              # already there: the tensor itself
    (y * y).sum().backward()
    assert_on(xps, x.grad, CPU)
    assert_allclose(host(x.grad), [2.0, -4.0, 6.0], rtol=1e-12)


def test_cpu_gives_a_numpy_tensor_whose_gradient_goes_back_to_the_device():
    x = on(DEVICE1, [1.0, 2.0], requires_grad=True)
    y = x.cpu()
    assert type(y.data) is np.ndarray and y.device == "cpu"
    assert_allclose(y.data, [1.0, 2.0], rtol=0)
    (y * 3.0).sum().backward()
    assert_on(xps, x.grad, DEVICE1)
    assert_allclose(host(x.grad), [3.0, 3.0], rtol=0)


@pytest.mark.parametrize("make", [lambda: on(DEVICE1, [1.0, 2.0]), lambda: Tensor([1.0, 2.0])],
                         ids=["strict", "numpy"])
def test_numpy_gives_a_writable_host_copy(make):
    t = make()
    array = t.numpy()
    assert type(array) is np.ndarray and array.flags.writeable
    array[0] = 99.0
    assert_allclose(host(t), [1.0, 2.0], rtol=0)       # the tensor does not see the change


def test_ag_asarray_puts_data_on_a_device():
    t = ag.asarray([1.0, 2.0], xp=xps, device=DEVICE1)
    assert_on(xps, t, DEVICE1)


# ---- mixing devices or libraries -------------------------------------------------------------


def test_mixing_two_devices_raises_a_device_error_naming_both_and_how_to_move():
    a, b = on(DEVICE1, [1.0]), on(DEVICE2, [2.0])
    with pytest.raises(DeviceError) as error:
        a + b
    message = str(error.value)
    assert "device1" in message and "device2" in message and ".to(" in message


@pytest.mark.parametrize("numpy_first", [True, False])
def test_mixing_numpy_and_strict_raises_naming_both_libraries(numpy_first):
    a, b = Tensor([1.0]), on(DEVICE1, [2.0])
    with pytest.raises(DeviceError) as error:
        (a * b) if numpy_first else (b * a)
    assert "numpy" in str(error.value) and "array_api_strict" in str(error.value)


def test_a_call_that_raises_for_devices_changes_no_state():
    w = on(DEVICE1, [1.0, 2.0], requires_grad=True)
    other = xps.asarray([1.0, 1.0], device=DEVICE2)
    with pytest.raises(DeviceError):
        (w * other).sum().backward()
    assert w.grad is None
    with no_grad(), pytest.raises(DeviceError):
        w += other
    assert_on(xps, w, DEVICE1)
    assert_allclose(host(w), [1.0, 2.0], rtol=0)
    (w * w).sum().backward()                            # still usable
    assert_allclose(host(w.grad), [2.0, 4.0], rtol=0)


# ---- modules and optimizers ------------------------------------------------------------------


def keras_model():
    nn.manual_seed(0)
    model = nn.Sequential(nn.Dense(4, input_dim=3, activation="relu"), nn.Dense(1))
    model.compile(optimizer="adam", loss="mse")
    return model


MODELS = {
    "Linear": lambda: nn.Linear(3, 2),
    "Sequential": lambda: nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)),
    "Keras Sequential": keras_model,
}


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_module_to_moves_every_parameter_and_old_device_data_then_raises(make):
    model = make()
    parameters = model.parameters()
    before = [p.numpy() for p in parameters]
    assert model.to(DEVICE1) is model
    assert model.parameters() == parameters and len(parameters) >= 2       # the same objects, moved
    for p, values in zip(parameters, before):
        assert_on(xps, p, DEVICE1)
        assert_allclose(host(p), values, rtol=0)
    assert_on(xps, model(on(DEVICE1, X3)), DEVICE1)
    with pytest.raises(DeviceError):
        model(on(CPU, X3))
    with pytest.raises(DeviceError):
        model(Tensor(X3))


def test_a_module_that_cannot_move_says_which_parameter_and_stays_where_it_was():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2)).to(DEVICE1)
    before = [host(p) for p in model.parameters()]
    with pytest.raises(ValueError, match=r"Sequential.to\(.*no_float64.*weight of shape \(4, 3\)"):
        model.to(xps.Device("no_float64"))                 # float64 parameters, a device without it
    for p, values in zip(model.parameters(), before):
        assert_on(xps, p, DEVICE1)
        assert_allclose(host(p), values, rtol=0)


def test_moving_a_module_moves_its_gradients_too():
    layer = nn.Linear(3, 2)
    F.mse_loss(layer(Tensor(X3)), np.zeros((2, 2))).backward()
    grads = [p.grad.copy() for p in layer.parameters()]
    layer.to(DEVICE1)
    for p, g in zip(layer.parameters(), grads):
        assert_on(xps, p.grad, DEVICE1)
        assert_allclose(host(p.grad), g, rtol=0)


def adam_run(move_after_first_step):
    nn.manual_seed(3)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    optimizer = optim.Adam(model.parameters(), lr=0.05)
    target = np.array([[1.0], [-1.0]])
    for step in range(2):
        if move_after_first_step and step == 1:
            model.to(DEVICE1)
        device = DEVICE1 if move_after_first_step and step == 1 else None
        x, y = (Tensor(X3), Tensor(target)) if device is None else (on(device, X3), on(device, target))
        optimizer.zero_grad()
        F.mse_loss(model(x), y).backward()
        optimizer.step()
    return model, optimizer


def test_optimizer_state_follows_a_moved_model():
    moved, optimizer = adam_run(move_after_first_step=True)
    never, _ = adam_run(move_after_first_step=False)
    for p, q in zip(moved.parameters(), never.parameters()):
        assert_on(xps, p, DEVICE1)
        assert_allclose(host(p), q.data, rtol=1e-12, atol=1e-12)
    for p in moved.parameters():
        state = optimizer.state[p]
        assert state["step"] == 2
        assert_on(xps, state["exp_avg"], DEVICE1)
        assert_on(xps, state["exp_avg_sq"], DEVICE1)


@pytest.mark.skipif(importlib.util.find_spec("cupy") is not None, reason="CuPy is installed")
def test_cuda_without_cupy_says_how_to_install_it_and_changes_nothing():
    hint = "pip install 'autograd_lite[gpu]'"
    layer = nn.Linear(2, 1)
    for call in (lambda: Tensor([1.0]).to("cuda"), lambda: ag.asarray([1.0], device="cuda"),
                 lambda: layer.to("cuda")):
        with pytest.raises(ImportError) as error:
            call()
        assert hint in str(error.value)
    assert all(type(p.data) is np.ndarray for p in layer.parameters())


def test_fit_takes_host_data_while_the_model_is_on_a_device():
    X, y = or_data()
    model = perceptron().to(DEVICE1)
    history = model.fit(X, y, epochs=3, batch_size=2, verbose=0)
    assert len(history.history["loss"]) == 3
    for p in model.parameters():
        assert_on(xps, p, DEVICE1)
    assert np.shape(model.predict(X)) == (4, 1)


# ---- the done-means test: training on a device gives NumPy's weights ------------------------


def or_data():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array([0.0, 1.0, 1.0, 1.0])


def perceptron():
    """The tutorial's perceptron: one Dense neuron with a sigmoid, binary cross-entropy, Adam."""
    nn.manual_seed(0)
    model = nn.Sequential(nn.Dense(1, input_dim=2, activation="sigmoid"))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def weights(model):
    return [host(p) for p in model.parameters()]


def tutorial_clusters():
    """The tutorial's data: two clusters around (10, 10) and (0, 0), split 150 / 50."""
    data = np.random.RandomState(0).randn(200, 3)
    data[:100, :2] += (10, 10)
    data[:100, 2] = 0
    data[100:, 2] = 1
    order = np.random.RandomState(42).permutation(200)
    train, test = order[50:], order[:50]
    return data[train, :2], data[train, 2], data[test, :2], data[test, 2]


@pytest.mark.parametrize("data", ["or", "clusters"])
def test_the_perceptron_trained_on_a_device_ends_with_numpys_weights(data):
    """Trained on strict arrays (the data too) it ends where NumPy does; on the tutorial's clusters
    both reach its 100% test accuracy."""
    if data == "or":
        X, y = or_data()
        X_test, y_test, epochs, batch = X, y, 200, 2
    else:
        X, y, X_test, y_test = tutorial_clusters()
        epochs, batch = 1000, 32   # the tutorial's
    reference = perceptron()
    reference.fit(X, y, epochs=epochs, batch_size=batch, verbose=0, seed=0)
    model = perceptron().to(DEVICE1)
    model.fit(ag.Tensor(xps.asarray(X, device=DEVICE1)), xps.asarray(y, device=DEVICE1),
              epochs=epochs, batch_size=batch, verbose=0, seed=0)
    for p in model.parameters():
        assert_on(xps, p, DEVICE1)
    for ours, expected in zip(weights(model), weights(reference)):
        assert_allclose(ours, expected, rtol=1e-12, atol=1e-12)
    accuracy = model.evaluate(X_test, y_test, verbose=0)[1]
    assert accuracy == reference.evaluate(X_test, y_test, verbose=0)[1]
    if data == "clusters":
        assert accuracy == 1.0


def digits_run(device):
    """A 64→32→10 MLP on scikit-learn's digits (float64): 3 epochs of Adam on mini-batches of 128,
    the data on ``device`` (None: NumPy), fixed seeds."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    X, labels = digits.data / 16.0, digits.target
    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    if device is not None:
        model.to(device)
    optimizer = optim.Adam(model.parameters(), lr=1e-2)
    order = np.random.default_rng(0).permutation(len(X))
    for _ in range(3):
        for start in range(0, len(X), 128):
            batch = order[start:start + 128]
            x, y = X[batch], labels[batch]
            if device is not None:
                x, y = xps.asarray(x, device=device), xps.asarray(y, device=device)
            optimizer.zero_grad()
            loss = F.cross_entropy(model(Tensor(x)), y)
            loss.backward()
            optimizer.step()
    return model, loss


def test_an_mlp_on_digits_trained_on_a_device_ends_with_numpys_weights():
    pytest.importorskip("sklearn")
    model, loss = digits_run(DEVICE1)
    reference, reference_loss = digits_run(None)
    assert_on(xps, loss, DEVICE1)
    assert_allclose(host(loss), reference_loss.item(), rtol=1e-12)
    for p in model.parameters():
        assert_on(xps, p, DEVICE1)
        assert backend.dtype_name(p.dtype) == "float64"
    for ours, expected in zip(weights(model), weights(reference)):
        assert_allclose(ours, expected, rtol=1e-12, atol=1e-12)


# ---- edges found in review: each raised the wrong error, or moved data silently, before its fix ----


def on_device1(values, requires_grad=False):
    return ag.asarray(values, xp=xps, device=DEVICE1, requires_grad=requires_grad)


def test_asarray_of_a_tensor_keeps_its_library_whatever_came_before():
    ag.asarray(Tensor([1.0, 2.0]))                 # a NumPy tensor first, then a strict one
    assert_on(xps, ag.asarray(on_device1([1.0, 2.0])), DEVICE1)
    assert ag.asarray(Tensor([1.0])).device == "cpu"


def test_a_list_of_tensors_of_another_library_is_not_moved_to_the_host_unseen():
    a = on_device1([1.0, 2.0])
    with pytest.raises(TypeError, match="numpy"):
        Tensor([a, a])
    with pytest.raises(TypeError, match="numpy"):
        np.asarray(a)
    assert_on(xps, ag.stack([a, a]), DEVICE1)      # what the message says to do


def test_an_in_place_change_of_a_detached_tensor_leaves_the_graph_alone():
    x = on_device1([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    d = x.detach()
    d += 1.0
    y.backward()
    assert_allclose(host(x.grad), [2.0, 4.0], rtol=0)
    assert_allclose(host(x), [1.0, 2.0], rtol=0)
    assert_allclose(host(d), [2.0, 3.0], rtol=0)


def test_comparisons_and_numpy_scalars_across_libraries_raise_a_device_error():
    numpy_tensor, strict_tensor = Tensor([1.0, 2.0]), on_device1([1.5, 1.5])
    for compare in (lambda: numpy_tensor > strict_tensor, lambda: strict_tensor == numpy_tensor,
                    lambda: strict_tensor * np.float64(2.0),
                    lambda: ag.maximum(strict_tensor, np.float64(0))):
        with pytest.raises(DeviceError, match="numpy"):
            compare()


def test_a_gradient_given_on_another_device_raises_and_changes_nothing():
    x = on_device1([1.0, 2.0], requires_grad=True)
    with pytest.raises(DeviceError, match="device2"):
        (x * 3).backward(gradient=xps.asarray([1.0, 1.0], device=xps.Device("device2")))
    with pytest.raises(DeviceError, match="numpy"):
        (x * 3).backward(gradient=np.ones(2))
    assert x.grad is None


def test_numbers_in_where_and_joins_keep_numpys_dtypes_and_work_on_any_library():
    condition = np.array([True, False])
    assert ag.where(condition, 1, 0).dtype == np.int64
    assert ag.where(condition, True, False).dtype == np.bool_
    assert_on(xps, ag.stack([on_device1([1.0])[0], 1.0]), DEVICE1)
    with pytest.raises(ValueError, match="at least one array"):
        ag.concatenate([])
    assert ag.getitem([1.0, 5.0], index=1) == 5.0
    assert on_device1([4.0]).item() == 4.0


def test_a_device_without_float64_computes_in_float32():
    no_float64 = xps.Device("no_float64")
    integers = ag.asarray(np.array([1, 2, 3], np.int32), xp=xps, device=no_float64)
    assert backend.dtype_name(ag.sigmoid(integers).dtype) == "float32"
    x = ag.asarray(np.array([1.0, -1.0], np.float32), xp=xps, device=no_float64)
    assert backend.dtype_name(ag.where(x > 0, 1.0, 0.0).dtype) == "float32"
