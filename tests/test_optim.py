"""Tests of ``autograd_lite.optim``: each optimizer's trajectory against an independent NumPy reference.

The references below are written from PyTorch's published algorithms, in the arrangement of PyTorch's
own implementation (e.g. Adam's ``step_size = lr / bias_correction1``), not copied from the library,
so agreement to 1e-12 checks the rules and their default hyperparameters.
"""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from autograd_lite import Tensor
from autograd_lite.optim import (
    SGD,
    Adagrad,
    Adam,
    AdamW,
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    Optimizer,
    RMSprop,
    StepLR,
)

STEPS = 8
_rng = np.random.default_rng(20240601)
THETA0 = _rng.normal(size=(2, 3))
# Gradient sizes that rise and fall, so that AMSGrad's running maximum and the centered variance matter.
GRADS = [scale * _rng.normal(size=(2, 3)) for scale in (3.0, 1.0, 0.2, 2.0, 0.1, 0.5, 4.0, 0.3)]


# ---- references: one plain NumPy loop per update rule ----------------------------------------------
def sgd_reference(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    theta, buf, trajectory = THETA0.copy(), None, []
    for g in GRADS:
        d_p = g + weight_decay * theta
        if momentum != 0:
            buf = d_p.copy() if buf is None else buf * momentum + d_p * (1 - dampening)
            d_p = d_p + momentum * buf if nesterov else buf
        theta = theta - lr * d_p
        trajectory.append(theta)
    return trajectory


def adam_reference(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, decoupled=False):
    beta1, beta2 = betas
    theta, trajectory = THETA0.copy(), []
    exp_avg, exp_avg_sq, max_exp_avg_sq = np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
    for step, g in enumerate(GRADS, start=1):
        if decoupled:
            theta = theta * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * theta
        exp_avg = exp_avg + (1 - beta1) * (g - exp_avg)  # torch's lerp
        exp_avg_sq = exp_avg_sq * beta2 + (1 - beta2) * g * g
        bias_correction1 = 1 - beta1**step
        bias_correction2_sqrt = math.sqrt(1 - beta2**step)
        if amsgrad:
            max_exp_avg_sq = np.maximum(max_exp_avg_sq, exp_avg_sq)
            denom = np.sqrt(max_exp_avg_sq) / bias_correction2_sqrt + eps
        else:
            denom = np.sqrt(exp_avg_sq) / bias_correction2_sqrt + eps
        theta = theta - (lr / bias_correction1) * exp_avg / denom
        trajectory.append(theta)
    return trajectory


def adamw_reference(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
    return adam_reference(lr, betas, eps, weight_decay, amsgrad, decoupled=True)


def rmsprop_reference(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    theta, trajectory = THETA0.copy(), []
    square_avg, grad_avg, buf = np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
    for g in GRADS:
        g = g + weight_decay * theta
        square_avg = square_avg * alpha + (1 - alpha) * g * g
        if centered:
            grad_avg = grad_avg + (1 - alpha) * (g - grad_avg)
            avg = np.sqrt(square_avg - grad_avg * grad_avg) + eps
        else:
            avg = np.sqrt(square_avg) + eps
        if momentum > 0:
            buf = buf * momentum + g / avg
            theta = theta - lr * buf
        else:
            theta = theta - lr * g / avg
        trajectory.append(theta)
    return trajectory


def adagrad_reference(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
    theta, trajectory = THETA0.copy(), []
    state_sum = np.full_like(theta, initial_accumulator_value)
    for step, g in enumerate(GRADS, start=1):
        g = g + weight_decay * theta
        clr = lr / (1 + (step - 1) * lr_decay)
        state_sum = state_sum + g * g
        theta = theta - clr * g / (np.sqrt(state_sum) + eps)
        trajectory.append(theta)
    return trajectory


def trajectory_of(optimizer_class, dtype=np.float64, **hyperparameters):
    """The parameter after each of the steps with the fixed gradients, and the optimizer."""
    p = Tensor(THETA0, requires_grad=True, dtype=dtype)
    optimizer = optimizer_class([p], **hyperparameters)
    trajectory = []
    for g in GRADS:
        p.grad = g.astype(dtype)
        optimizer.step()
        trajectory.append(p.data.copy())
    return trajectory, optimizer


CASES = [
    (SGD, sgd_reference, {}),
    (SGD, sgd_reference, {"lr": 0.1}),
    (SGD, sgd_reference, {"lr": 0.1, "momentum": 0.9}),
    (SGD, sgd_reference, {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}),
    (SGD, sgd_reference, {"lr": 0.1, "momentum": 0.8, "nesterov": True}),
    (SGD, sgd_reference, {"lr": 0.1, "weight_decay": 0.05}),
    (SGD, sgd_reference, {"lr": 0.05, "momentum": 0.7, "weight_decay": 0.1, "nesterov": True}),
    (Adam, adam_reference, {}),
    (Adam, adam_reference, {"lr": 0.1}),
    (Adam, adam_reference, {"lr": 0.1, "betas": (0.8, 0.9), "eps": 1e-3}),
    (Adam, adam_reference, {"lr": 0.1, "weight_decay": 0.2}),
    (Adam, adam_reference, {"lr": 0.1, "amsgrad": True}),
    (Adam, adam_reference, {"lr": 0.1, "betas": (0.5, 0.6), "amsgrad": True, "weight_decay": 0.1}),
    (AdamW, adamw_reference, {}),
    (AdamW, adamw_reference, {"lr": 0.1, "weight_decay": 0.3}),
    (AdamW, adamw_reference, {"lr": 0.1, "betas": (0.5, 0.6), "amsgrad": True}),
    (RMSprop, rmsprop_reference, {}),
    (RMSprop, rmsprop_reference, {"lr": 0.05, "alpha": 0.9, "eps": 1e-4}),
    (RMSprop, rmsprop_reference, {"lr": 0.05, "centered": True}),
    (RMSprop, rmsprop_reference, {"lr": 0.05, "momentum": 0.9}),
    (RMSprop, rmsprop_reference, {"lr": 0.05, "weight_decay": 0.2}),
    (RMSprop, rmsprop_reference, {"lr": 0.05, "alpha": 0.8, "centered": True, "momentum": 0.5,
                                  "weight_decay": 0.1}),
    (Adagrad, adagrad_reference, {}),
    (Adagrad, adagrad_reference, {"lr": 0.5}),
    (Adagrad, adagrad_reference, {"lr": 0.5, "lr_decay": 0.3}),
    (Adagrad, adagrad_reference, {"lr": 0.5, "weight_decay": 0.2}),
    (Adagrad, adagrad_reference, {"lr": 0.5, "initial_accumulator_value": 0.7, "eps": 1e-3}),
]


def case_id(case):
    optimizer_class, _, hyperparameters = case
    return optimizer_class.__name__ + "(" + ",".join(f"{k}={v}" for k, v in hyperparameters.items()) + ")"


@pytest.mark.parametrize("case", CASES, ids=map(case_id, CASES))
def test_trajectory_matches_reference(case):
    optimizer_class, reference, hyperparameters = case
    trajectory, _ = trajectory_of(optimizer_class, **hyperparameters)
    expected = reference(**hyperparameters)
    assert len(trajectory) == STEPS
    for step, (got, want) in enumerate(zip(trajectory, expected), start=1):
        assert_allclose(got, want, rtol=1e-12, atol=0, err_msg=f"step {step}")


def test_the_options_change_the_trajectory():
    """Guard against options that the tests above would not notice if they were ignored."""
    def final(optimizer_class, **hyperparameters):
        return trajectory_of(optimizer_class, **hyperparameters)[0][-1]

    assert not np.allclose(final(Adam, lr=0.1), final(Adam, lr=0.1, amsgrad=True))
    assert not np.allclose(final(AdamW, lr=0.1, amsgrad=True), final(Adam, lr=0.1, amsgrad=True))
    assert not np.allclose(final(RMSprop, centered=True), final(RMSprop))
    assert not np.allclose(final(SGD, momentum=0.9, nesterov=True), final(SGD, momentum=0.9))
    assert not np.allclose(final(SGD, momentum=0.9, dampening=0.5), final(SGD, momentum=0.9))


@pytest.mark.parametrize("optimizer_class, defaults", [
    (SGD, dict(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False)),
    (Adam, dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)),
    (AdamW, dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False)),
    (RMSprop, dict(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False)),
    (Adagrad, dict(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10)),
])
def test_defaults_are_pytorchs(optimizer_class, defaults):
    optimizer = optimizer_class([Tensor([1.0], requires_grad=True)])
    assert optimizer.defaults == defaults
    assert {k: v for k, v in optimizer.param_groups[0].items() if k != "params"} == defaults


# ---- bookkeeping ------------------------------------------------------------------------------------
ALL_OPTIMIZERS = [SGD, Adam, AdamW, RMSprop, Adagrad]


@pytest.mark.parametrize("optimizer_class", ALL_OPTIMIZERS)
def test_step_count_advances_once_per_step(optimizer_class):
    p = Tensor([1.0, 2.0], requires_grad=True)
    optimizer = optimizer_class([p])
    assert optimizer.step_count == 0
    for n in range(1, 4):
        p.grad = np.ones(2)
        optimizer.step()
        assert optimizer.step_count == n
    optimizer.zero_grad()
    optimizer.step()  # nothing to update, but it is still a step
    assert optimizer.step_count == 4


@pytest.mark.parametrize("optimizer_class", ALL_OPTIMIZERS)
def test_parameters_without_grad_are_skipped(optimizer_class):
    with_grad, without_grad = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0], requires_grad=True)
    optimizer = optimizer_class([with_grad, without_grad], lr=0.1, weight_decay=0.1)
    with_grad.grad = np.array([0.5, -0.5])
    optimizer.step()
    assert_array_equal(without_grad.data, [3.0])
    assert without_grad not in optimizer.state
    assert not np.array_equal(with_grad.data, [1.0, 2.0])


@pytest.mark.parametrize("optimizer_class", [Adam, Adagrad])
def test_bias_correction_counts_the_parameters_own_steps(optimizer_class):
    """As in PyTorch, t is the number of steps in which *this* parameter had a gradient."""
    late = Tensor(THETA0, requires_grad=True)
    optimizer = optimizer_class([Tensor([0.0], requires_grad=True), late], lr=0.1)
    optimizer.step()  # ``late`` has no gradient yet
    for g in GRADS:
        late.grad = g
        optimizer.step()
    assert optimizer.state[late]["step"] == STEPS
    assert_array_equal(late.data, trajectory_of(optimizer_class, lr=0.1)[0][-1])


@pytest.mark.parametrize("optimizer_class", ALL_OPTIMIZERS)
def test_float32_stays_float32(optimizer_class):
    options = {"momentum": 0.9} if optimizer_class in (SGD, RMSprop) else {}
    trajectory, optimizer = trajectory_of(optimizer_class, dtype=np.float32, lr=np.float64(0.01), **options)
    reference, _ = trajectory_of(optimizer_class, lr=0.01, **options)
    assert all(theta.dtype == np.float32 for theta in trajectory)
    assert_allclose(trajectory[-1], reference[-1], rtol=1e-5)
    for value in next(iter(optimizer.state.values())).values():
        assert not isinstance(value, np.ndarray) or value.dtype == np.float32


@pytest.mark.parametrize("optimizer_class", ALL_OPTIMIZERS)
def test_updates_in_place_without_touching_the_gradient_or_the_graph(optimizer_class):
    p = Tensor([1.0, -2.0], requires_grad=True)
    data = p.data
    (p * p).sum().backward()
    grad = p.grad
    options = {"momentum": 0.9} if optimizer_class in (SGD, RMSprop) else {}
    optimizer = optimizer_class([p], lr=0.1, **options)
    optimizer.step()
    optimizer.step()  # the state made from the gradient at step 1 is updated in place at step 2
    assert np.shares_memory(p.data, data) and p.is_leaf and p.requires_grad  # the same array
    assert p.grad is grad
    assert_array_equal(grad, [2.0, -4.0])


def test_a_gradient_with_a_graph_is_used_as_its_data():
    p = Tensor([1.0, -2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="reference cycle"):
        (p * p * p).sum().backward(create_graph=True)
    assert isinstance(p.grad, Tensor)
    SGD([p], lr=0.1).step()
    assert_allclose(p.data, [1.0 - 0.1 * 3.0, -2.0 - 0.1 * 12.0], rtol=1e-15)  # g = 3p²


def test_a_gradient_of_the_wrong_shape_is_an_error():
    p = Tensor([1.0, 2.0], requires_grad=True)
    p.grad = np.ones(3)
    with pytest.raises(ValueError, match=r"shape \(2,\) has a gradient of shape \(3,\)"):
        SGD([p]).step()


def test_zero_grad_sets_every_gradient_to_none():
    a, b = Tensor([1.0], requires_grad=True), Tensor([2.0], requires_grad=True)
    optimizer = SGD([{"params": [a]}, {"params": [b]}])
    a.grad, b.grad = np.ones(1), np.ones(1)
    optimizer.zero_grad()
    assert a.grad is None and b.grad is None


def test_step_returns_the_closures_loss():
    p = Tensor([3.0], requires_grad=True)
    optimizer = SGD([p], lr=0.1)

    def closure():
        optimizer.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    loss = optimizer.step(closure)
    assert loss.item() == 9.0
    assert_allclose(p.data, [3.0 - 0.1 * 6.0])


# ---- parameter groups ---------------------------------------------------------------------------------
def test_param_groups_have_their_own_hyperparameters():
    a, b = Tensor([1.0], requires_grad=True), Tensor([1.0], requires_grad=True)
    optimizer = SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in optimizer.param_groups] == [0.1, 0.5]
    assert all(g["momentum"] == 0.9 for g in optimizer.param_groups)
    a.grad, b.grad = np.ones(1), np.ones(1)
    optimizer.step()
    assert_allclose([a.item(), b.item()], [0.9, 0.5])


def test_params_may_be_a_generator():
    params = [Tensor([1.0], requires_grad=True), Tensor([2.0], requires_grad=True)]
    optimizer = Adam(p for p in params)
    assert optimizer.param_groups[0]["params"] == params


def test_add_param_group():
    a, b = Tensor([1.0], requires_grad=True), Tensor([1.0], requires_grad=True)
    optimizer = Adam([a], lr=0.1)
    optimizer.add_param_group({"params": [b], "betas": (0.5, 0.5)})
    assert optimizer.param_groups[1]["lr"] == 0.1 and optimizer.param_groups[1]["betas"] == (0.5, 0.5)
    with pytest.raises(ValueError, match="more than once"):
        optimizer.add_param_group({"params": [a]})


@pytest.mark.parametrize("params, error, match", [
    ([], ValueError, "empty parameter list"),
    (iter([]), ValueError, "empty parameter list"),
    ([np.zeros(2)], TypeError, "can only optimize Tensors"),
    ([Tensor([1.0], requires_grad=True) * 2], ValueError, "op='multiply'"),
])
def test_invalid_params(params, error, match):
    with pytest.raises(error, match=match):
        SGD(params)


def test_a_parameter_listed_twice_is_an_error():
    p = Tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="more than once"):
        SGD([p, p])


# ---- hyperparameter validation ------------------------------------------------------------------------
@pytest.mark.parametrize("optimizer_class, hyperparameters, match", [
    (SGD, {"lr": -0.1}, "invalid lr -0.1"),
    (SGD, {"momentum": -0.9}, "invalid momentum"),
    (SGD, {"weight_decay": -1e-4}, "invalid weight_decay"),
    (SGD, {"nesterov": True}, "Nesterov momentum requires momentum > 0"),
    (SGD, {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "dampening = 0"),
    (Adam, {"lr": -1e-3}, "invalid lr"),
    (Adam, {"lr": float("nan")}, "invalid lr nan"),
    (Adam, {"eps": -1e-8}, "invalid eps"),
    (Adam, {"betas": (1.0, 0.999)}, r"invalid beta1 1.0; it must be a finite number in \[0, 1\)"),
    (Adam, {"betas": (0.9, -0.1)}, "invalid beta2"),
    (Adam, {"weight_decay": -0.1}, "invalid weight_decay"),
    (AdamW, {"weight_decay": -0.1}, "AdamW: invalid weight_decay"),
    (AdamW, {"betas": (0.9, 1.5)}, "AdamW: invalid beta2"),
    (RMSprop, {"lr": -0.01}, "invalid lr"),
    (RMSprop, {"alpha": -0.5}, "invalid alpha"),
    (RMSprop, {"eps": -1.0}, "invalid eps"),
    (RMSprop, {"momentum": -0.1}, "invalid momentum"),
    (RMSprop, {"weight_decay": -0.1}, "invalid weight_decay"),
    (Adagrad, {"lr": -0.01}, "invalid lr"),
    (Adagrad, {"lr_decay": -0.1}, "invalid lr_decay"),
    (Adagrad, {"weight_decay": -0.1}, "invalid weight_decay"),
    (Adagrad, {"initial_accumulator_value": -0.1}, "invalid initial_accumulator_value"),
    (Adagrad, {"eps": -1e-10}, "invalid eps"),
])
def test_invalid_hyperparameters_raise(optimizer_class, hyperparameters, match):
    with pytest.raises(ValueError, match=match):
        optimizer_class([Tensor([1.0], requires_grad=True)], **hyperparameters)


def test_invalid_hyperparameters_in_a_group_raise():
    with pytest.raises(ValueError, match="invalid lr"):
        SGD([{"params": [Tensor([1.0], requires_grad=True)], "lr": -1.0}])


# ---- checkpoints ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=map(case_id, CASES))
def test_state_dict_round_trip_continues_identically(case):
    optimizer_class, _, hyperparameters = case
    p = Tensor(THETA0, requires_grad=True)
    optimizer = optimizer_class([p], **hyperparameters)
    for g in GRADS[:3]:
        p.grad = g
        optimizer.step()
    saved, saved_theta = optimizer.state_dict(), p.data.copy()
    for g in GRADS[3:]:
        p.grad = g
        optimizer.step()

    restored = Tensor(saved_theta, requires_grad=True)
    fresh = optimizer_class([restored])  # default hyperparameters: the checkpoint brings its own
    fresh.load_state_dict(saved)
    assert fresh.step_count == 3
    for g in GRADS[3:]:
        restored.grad = g
        fresh.step()
    assert_array_equal(restored.data, p.data)
    assert fresh.step_count == optimizer.step_count == STEPS


def test_state_dict_is_a_deep_copy_of_plain_data():
    p = Tensor([1.0, 2.0], requires_grad=True)
    optimizer = Adam([p], lr=0.1)
    p.grad = np.array([1.0, -1.0])
    optimizer.step()
    saved = optimizer.state_dict()
    assert saved["param_groups"] == [{"lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0,
                                      "amsgrad": False, "params": [0]}]
    assert saved["step_count"] == 1 and saved["state"][0]["step"] == 1
    exp_avg = saved["state"][0]["exp_avg"].copy()
    optimizer.step()
    optimizer.param_groups[0]["lr"] = 0.5
    assert_array_equal(saved["state"][0]["exp_avg"], exp_avg)
    assert saved["param_groups"][0]["lr"] == 0.1

    fresh = Adam([Tensor([1.0, 2.0], requires_grad=True)])
    fresh.load_state_dict(saved)
    saved["state"][0]["exp_avg"][:] = 0.0
    assert_array_equal(next(iter(fresh.state.values()))["exp_avg"], exp_avg)


def test_load_state_dict_casts_to_the_parameters_dtype():
    p64 = Tensor([1.0, 2.0], requires_grad=True)
    optimizer = RMSprop([p64])
    p64.grad = np.ones(2)
    optimizer.step()
    p32 = Tensor([1.0, 2.0], requires_grad=True, dtype=np.float32)
    fresh = RMSprop([p32])
    fresh.load_state_dict(optimizer.state_dict())
    assert fresh.state[p32]["square_avg"].dtype == np.float32


def test_load_state_dict_checks_the_groups():
    a, b = Tensor([1.0], requires_grad=True), Tensor([1.0], requires_grad=True)
    saved = SGD([a, b]).state_dict()
    with pytest.raises(ValueError, match=r"saved groups hold \[2\] parameters, but .* hold \[1, 1\]"):
        SGD([{"params": [a]}, {"params": [b]}]).load_state_dict(saved)


def test_load_state_dict_checks_the_shapes():
    p = Tensor([1.0, 2.0], requires_grad=True)
    optimizer = Adagrad([p])
    p.grad = np.ones(2)
    optimizer.step()
    with pytest.raises(ValueError, match=r"shape \(2,\), but its parameter has shape \(3,\)"):
        Adagrad([Tensor([1.0, 2.0, 3.0], requires_grad=True)]).load_state_dict(optimizer.state_dict())


def test_a_custom_optimizer_needs_only_an_update_rule():
    class SignDescent(Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, {"lr": lr})

        def _update(self, param, grad, state, group):
            param -= group["lr"] * np.sign(grad)

    p = Tensor([1.0, -1.0], requires_grad=True)
    p.grad = np.array([3.0, -0.5])
    SignDescent([p]).step()
    assert_allclose(p.data, [0.9, -0.9])
    with pytest.raises(ValueError, match="SignDescent: invalid lr"):
        SignDescent([p], lr=-1.0)


# ---- learning-rate schedules ------------------------------------------------------------------------
def lrs_of(make_scheduler, epochs, lrs=(0.1,)):
    """The learning rates of the groups at epochs 0 .. epochs − 1, and the scheduler."""
    optimizer = SGD([{"params": [Tensor([0.0], requires_grad=True)], "lr": lr} for lr in lrs])
    scheduler = make_scheduler(optimizer)
    history = []
    for _ in range(epochs):
        history.append([group["lr"] for group in optimizer.param_groups])
        assert scheduler.get_last_lr() == history[-1]
        optimizer.step()
        scheduler.step()
    return np.array(history), scheduler


def test_step_lr():
    got, _ = lrs_of(lambda opt: StepLR(opt, step_size=3, gamma=0.5), 10, lrs=(0.1, 2.0))
    t = np.arange(10)[:, None]
    assert_allclose(got, np.array([0.1, 2.0]) * 0.5 ** (t // 3), rtol=1e-12)


def test_exponential_lr():
    got, _ = lrs_of(lambda opt: ExponentialLR(opt, gamma=0.9), 12)
    assert_allclose(got[:, 0], 0.1 * 0.9 ** np.arange(12), rtol=1e-12)


@pytest.mark.parametrize("T_max, eta_min", [(5, 0.0), (4, 0.01), (1, 0.0)])
def test_cosine_annealing_lr(T_max, eta_min):
    epochs = 3 * T_max + 2  # down, up again, and down past the second minimum
    got, _ = lrs_of(lambda opt: CosineAnnealingLR(opt, T_max=T_max, eta_min=eta_min), epochs)
    t = np.arange(epochs)
    closed_form = eta_min + (0.1 - eta_min) * (1 + np.cos(np.pi * t / T_max)) / 2
    assert_allclose(got[:, 0], closed_form, rtol=1e-12, atol=1e-15)


def test_lambda_lr_one_function_per_group_or_one_for_all():
    got, _ = lrs_of(lambda opt: LambdaLR(opt, [lambda t: 0.95**t, lambda t: 1 / (1 + t)]), 7, lrs=(0.1, 1.0))
    t = np.arange(7)
    assert_allclose(got, np.stack([0.1 * 0.95**t, 1.0 / (1 + t)], axis=1), rtol=1e-12)
    got, _ = lrs_of(lambda opt: LambdaLR(opt, lambda t: t + 1), 4, lrs=(0.1, 1.0))
    assert_allclose(got, np.outer(np.arange(1, 5), [0.1, 1.0]), rtol=1e-12)


def test_schedulers_chain_multiplicatively():
    optimizer = SGD([Tensor([0.0], requires_grad=True)], lr=1.0)
    schedulers = [StepLR(optimizer, step_size=2, gamma=0.1), ExponentialLR(optimizer, gamma=0.5)]
    for _ in range(4):
        optimizer.step()
        for scheduler in schedulers:
            scheduler.step()
    assert_allclose(optimizer.param_groups[0]["lr"], 0.1**2 * 0.5**4, rtol=1e-12)


def test_the_scheduled_lr_is_the_one_the_optimizer_uses():
    p = Tensor([0.0], requires_grad=True)
    optimizer = SGD([p], lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.5)
    for _ in range(3):
        p.grad = np.ones(1)
        optimizer.step()
        scheduler.step()
    assert_allclose(p.data, [-(1.0 + 0.5 + 0.25)])


@pytest.mark.parametrize("make_scheduler", [
    lambda opt: StepLR(opt, step_size=2, gamma=0.3),
    lambda opt: ExponentialLR(opt, gamma=0.8),
    lambda opt: CosineAnnealingLR(opt, T_max=3, eta_min=0.001),
    lambda opt: LambdaLR(opt, lambda t: 1 / (1 + t) ** 2),
], ids=["StepLR", "ExponentialLR", "CosineAnnealingLR", "LambdaLR"])
def test_scheduler_state_dict_round_trip(make_scheduler):
    expected, _ = lrs_of(make_scheduler, 10)
    optimizer = SGD([Tensor([0.0], requires_grad=True)], lr=0.1)
    scheduler = make_scheduler(optimizer)
    for _ in range(4):
        optimizer.step()
        scheduler.step()
    saved_optimizer, saved_scheduler = optimizer.state_dict(), scheduler.state_dict()
    assert "optimizer" not in saved_scheduler and "lr_lambdas" not in saved_scheduler
    assert saved_scheduler["last_epoch"] == 4

    fresh_optimizer = SGD([Tensor([0.0], requires_grad=True)], lr=0.1)
    fresh = make_scheduler(fresh_optimizer)
    fresh_optimizer.load_state_dict(saved_optimizer)
    fresh.load_state_dict(saved_scheduler)
    resumed = []
    for _ in range(4, 10):
        resumed.append(fresh_optimizer.param_groups[0]["lr"])
        fresh_optimizer.step()
        fresh.step()
    assert_allclose(resumed, expected[4:, 0], rtol=1e-12)


@pytest.mark.parametrize("make_scheduler, error, match", [
    (lambda opt: StepLR(opt, step_size=0), ValueError, "invalid step_size 0; it must be an integer >= 1"),
    (lambda opt: StepLR(opt, step_size=2.5), TypeError, "invalid step_size 2.5; it must be an integer"),
    (lambda opt: CosineAnnealingLR(opt, T_max=0), ValueError, "invalid T_max 0; it must be an integer"),
    (lambda opt: LambdaLR(opt, [lambda t: 1.0] * 2), ValueError, "expected 1 lr_lambdas"),
    (lambda opt: ExponentialLR(opt.param_groups, gamma=0.5), TypeError, "schedules an Optimizer"),
])
def test_invalid_scheduler_arguments_raise(make_scheduler, error, match):
    with pytest.raises(error, match=match):
        make_scheduler(SGD([Tensor([0.0], requires_grad=True)]))

