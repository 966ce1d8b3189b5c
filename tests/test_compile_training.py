"""``ag.compile`` of a training step, for every optimizer (and learning-rate schedulers): several
compiled steps equal as many eager ones, bit for bit — parameters, gradients and optimizer state."""

import numpy as np
import pytest
from test_compile import loss_of, same, tensors

import autograd_lite as ag
from autograd_lite import Tensor, nn, optim
from autograd_lite.testing.compilecheck import compilecheck

#: (id, optimizer class name, keyword arguments): every optimizer of autograd_lite.optim, some twice
OPTIMIZER_CASES = [
    ("SGD", "SGD", dict(lr=0.1)),
    ("SGD-momentum", "SGD", dict(lr=0.1, momentum=0.9, dampening=0.1)),
    ("SGD-nesterov-decay", "SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adam", "Adam", dict(lr=0.01)),
    ("Adam-amsgrad-decay", "Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    ("AdamW", "AdamW", dict(lr=0.01)),
    ("RMSprop", "RMSprop", dict(lr=0.01)),
    ("RMSprop-centered-momentum", "RMSprop", dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.1)),
    ("Adagrad", "Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
    ("KerasAdam", "KerasAdam", dict(lr=0.01)),
    ("KerasAdamW", "KerasAdamW", dict(lr=0.01, amsgrad=True)),
    ("KerasRMSprop", "KerasRMSprop", dict(lr=0.01)),
    ("KerasRMSprop-centered-momentum", "KerasRMSprop", dict(lr=0.01, centered=True, momentum=0.5)),
    ("KerasAdagrad", "KerasAdagrad", dict(lr=0.1)),
]
CASE_IDS = [case[0] for case in OPTIMIZER_CASES]


def test_every_optimizer_is_covered():
    classes = {name for name in optim.__all__ if isinstance(getattr(optim, name), type)
               and issubclass(getattr(optim, name), optim.Optimizer) and name != "Optimizer"}
    assert classes == {case[1] for case in OPTIMIZER_CASES}


def make_training(name, options, seed=0, scheduler=None):
    """A small model (Linear, tanh, Linear), its optimizer, and the step; the same from one seed."""
    ag.manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    optimizer = getattr(optim, name)(model.parameters(), **options)
    schedule = scheduler(optimizer) if scheduler is not None else None

    def step(x, y):
        optimizer.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        if schedule is not None:
            schedule.step()
        return loss
    return model, optimizer, step


def batches(n, seed=1, size=5):
    rng = np.random.default_rng(seed)
    return [(Tensor(rng.normal(size=(size, 3))), Tensor(rng.normal(size=(size, 2)))) for _ in range(n)]


def optimizer_state(optimizer):
    """Its state per parameter (in the order of its groups), its groups' numbers, its step count."""
    params = [p for group in optimizer.param_groups for p in group["params"]]
    state = [dict(optimizer.state.get(p, {})) for p in params]
    groups = [{k: v for k, v in group.items() if k != "params"} for group in optimizer.param_groups]
    return state, groups, optimizer.step_count


@pytest.mark.parametrize("name, options", [case[1:] for case in OPTIMIZER_CASES], ids=CASE_IDS)
def test_training_step_compiles_bit_for_bit(name, options):
    _, _, step = make_training(name, options)
    data = iter(batches(6))
    compiled = compilecheck(step, lambda: next(data), fresh_draws=2)
    assert compiled.traces == 1


@pytest.mark.parametrize("name, options", [case[1:] for case in OPTIMIZER_CASES], ids=CASE_IDS)
def test_compiled_training_loop_equals_eager(name, options):
    """N compiled steps against N eager steps from the same seed: losses, parameters, gradients and
    the optimizer's state, bit for bit."""
    data = batches(8)
    model_c, optimizer_c, step_c = make_training(name, options)
    model_e, optimizer_e, step_e = make_training(name, options)
    compiled = ag.compile(step_c)
    for x, y in data:
        same(compiled(x, y), step_e(x, y))
    assert compiled.last_call == "replay" and compiled.traces == 1
    same([p.data for p in model_c.parameters()], [p.data for p in model_e.parameters()])
    same([p.grad for p in model_c.parameters()], [p.grad for p in model_e.parameters()])
    same(optimizer_state(optimizer_c), optimizer_state(optimizer_e))


SCHEDULERS = {
    "StepLR": lambda o: optim.StepLR(o, step_size=2, gamma=0.5),
    "ExponentialLR": lambda o: optim.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda o: optim.CosineAnnealingLR(o, T_max=5, eta_min=0.001),
    "LambdaLR": lambda o: optim.LambdaLR(o, lambda epoch: 1.0 / (1 + epoch)),
}


@pytest.mark.parametrize("scheduler", list(SCHEDULERS), ids=list(SCHEDULERS))
def test_scheduler_stepping_inside_the_step(scheduler):
    """The schedule's learning rate of each step is the eager one, without a new trace."""
    data = batches(8)
    _, optimizer_c, step_c = make_training("Adam", dict(lr=0.05), scheduler=SCHEDULERS[scheduler])
    model_e, optimizer_e, step_e = make_training("Adam", dict(lr=0.05), scheduler=SCHEDULERS[scheduler])
    compiled = ag.compile(step_c)
    rates = []
    for x, y in data:
        same(compiled(x, y), step_e(x, y))
        rates.append(optimizer_c.param_groups[0]["lr"])
        same(optimizer_state(optimizer_c), optimizer_state(optimizer_e))
    assert compiled.traces == 1 and compiled.last_call == "replay"
    assert len(set(rates)) > 2    # the rate did change


@pytest.mark.parametrize("name, options", [case[1:] for case in OPTIMIZER_CASES[:4]], ids=CASE_IDS[:4])
def test_learning_rate_set_between_calls_takes_effect_without_a_trace(name, options):
    data = batches(6)
    model_c, optimizer_c, step_c = make_training(name, options)
    model_e, optimizer_e, step_e = make_training(name, options)
    compiled = ag.compile(step_c)
    for k, (x, y) in enumerate(data):
        if k >= 3:
            for optimizer in (optimizer_c, optimizer_e):
                optimizer.param_groups[0]["lr"] = 0.5 / k
        same(compiled(x, y), step_e(x, y))
        same([p.data for p in model_c.parameters()], [p.data for p in model_e.parameters()])
    assert compiled.traces == 1 and compiled.last_call == "replay"


def test_keras_dense_model_with_adam():
    """A Keras Dense layer builds its weights on the first (eager) call; the step then compiles."""
    def make():
        ag.manual_seed(0)
        model = nn.Sequential(nn.Dense(4, activation="relu"), nn.Dense(2))
        model(Tensor(np.zeros((1, 3))))    # built
        optimizer = optim.KerasAdam(model.parameters(), lr=0.01)

        def step(x, y):
            optimizer.zero_grad()
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            optimizer.step()
            return loss
        return model, optimizer, step
    (model_c, optimizer_c, step_c), (model_e, optimizer_e, step_e) = make(), make()
    compiled = ag.compile(step_c)
    for x, y in batches(5):
        same(compiled(x, y), step_e(x, y))
    assert compiled.last_call == "replay"
    same([p.data for p in model_c.parameters()], [p.data for p in model_e.parameters()])
    same(optimizer_state(optimizer_c), optimizer_state(optimizer_e))


@pytest.mark.parametrize("scheduler", list(SCHEDULERS), ids=list(SCHEDULERS))
def test_scheduler_stepping_between_calls(scheduler):
    """The usual loop: the compiled step, then ``scheduler.step()`` outside it; no new trace."""
    data = batches(7)
    model_c, optimizer_c, step_c = make_training("SGD", dict(lr=0.1, momentum=0.5))
    model_e, optimizer_e, step_e = make_training("SGD", dict(lr=0.1, momentum=0.5))
    schedule_c, schedule_e = SCHEDULERS[scheduler](optimizer_c), SCHEDULERS[scheduler](optimizer_e)
    compiled = ag.compile(step_c)
    for x, y in data:
        same(compiled(x, y), step_e(x, y))
        schedule_c.step()
        schedule_e.step()
    assert compiled.traces == 1 and compiled.last_call == "replay"
    same([p.data for p in model_c.parameters()], [p.data for p in model_e.parameters()])
    same(optimizer_state(optimizer_c), optimizer_state(optimizer_e))


def test_check_on_a_training_step_keeps_eager_state():
    data = batches(6)
    model_c, optimizer_c, step_c = make_training("Adam", dict(lr=0.01))
    model_e, optimizer_e, step_e = make_training("Adam", dict(lr=0.01))
    compiled = ag.compile(step_c, check=True)
    for x, y in data:
        same(compiled(x, y), step_e(x, y))
    assert compiled.last_call == "checked"
    same([p.data for p in model_c.parameters()], [p.data for p in model_e.parameters()])
    same(optimizer_state(optimizer_c), optimizer_state(optimizer_e))


def test_tape_and_source_backends_give_the_same_bits():
    results = {}
    for backend in ("source", "tape", "auto"):
        data = batches(5)
        model, optimizer, step = make_training("RMSprop", dict(lr=0.01, momentum=0.9))
        compiled = ag.compile(step, backend=backend)
        results[backend] = ([compiled(x, y) for x, y in data], [p.data for p in model.parameters()],
                            optimizer_state(optimizer))
        assert compiled.last_call == "replay"
        compilecheck(loss_of, tensors((3, 2), (2,), (4, 3)), backend=backend)
    same(results["source"], results["tape"])
    same(results["source"], results["auto"])
