"""Traps of ``ag.compile`` that must be refused rather than frozen, kept as tests: escapes of
traced data (``.item()``, ``float()``, ``.data``, NumPy), random draws, updates by hand.

Each test's docstring states the behaviour it pins (the traps that re-trace are in
``test_compile_footguns.py``).
"""

import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from test_compile_footguns import calls, line_of, ones, same

import autograd_lite as ag
from autograd_lite import Tensor, Value, nn, optim

HERE = Path(__file__).name


# ---- what raises --------------------------------------------------------------------------------

def escape_item(x):
    return x.sum().item() * 2.0


def escape_float(x):
    return float(x.sum()) * 2.0


def escape_data(x):
    return Tensor(x.data * 2.0)


def escape_asarray(x):
    return Tensor(np.asarray(x) * 2.0)


def escape_comparison(x):
    if (x.sum() > 0).all():
        return x * 2.0
    return x


def escape_tolist(x):
    return x.tolist()


ESCAPES = {"item": (escape_item, ".item()"), "float": (escape_float, "float()"),
           "data": (escape_data, ".data"), "asarray": (escape_asarray, "np.asarray()"),
           "comparison": (escape_comparison, "a comparison >"), "tolist": (escape_tolist, ".tolist()")}


@pytest.mark.parametrize("name", list(ESCAPES))
def test_data_leaving_a_traced_tensor_raises_naming_the_line(name):
    """``.item()``, ``float(t)``, ``.data``, ``np.asarray(t)``, a Tensor comparison, ``.tolist()``
    inside a compiled function would freeze this call's numbers: a CompileError naming
    what and the user's line, on the trace (the warm-up call runs eagerly and works)."""
    function, what = ESCAPES[name]
    compiled = ag.compile(function)
    compiled(ones())
    assert compiled.last_call == "eager"
    text = {"item": ".item()", "float": "float(x.sum", "data": ".data", "asarray": "np.asarray",
            "comparison": "> 0", "tolist": ".tolist()"}[name]
    with pytest.raises(ag.CompileError) as error:
        compiled(ones())
    message = str(error.value)
    assert what in message and f"{HERE}:{line_of(function, text)}" in message, message


def test_random_draws_inside_raise():
    """A random draw (``ag.random``) inside a compiled function would repeat on every call: a
    CompileError naming the line."""
    def noisy(x):
        return x + Tensor(ag.random.normal(size=3))
    compiled = ag.compile(noisy)
    compiled(ones())
    with pytest.raises(ag.CompileError, match=f"random numbers drawn at .*{HERE}:{line_of(noisy, 'normal')}"):
        compiled(ones())


def test_dropout_in_training_mode_raises():
    """Dropout while training draws a mask per call: each call raises a CompileError (random numbers)
    or draws what eager draws from the same generator state — never one mask frozen for ever."""
    dropout = nn.Dropout(0.5)
    dropout.train()

    def forward(x):
        return dropout(x) * 1.0
    compiled = ag.compile(forward)
    x = ones(64)
    for _ in range(5):
        state = ag.random.get_rng_state()
        try:
            out = compiled(x)
        except ag.CompileError:
            continue
        ag.random.set_rng_state(state)
        same(out, forward(x))


def test_dropout_in_eval_mode_compiles():
    """In evaluation mode dropout is the identity: nothing random, it compiles."""
    dropout = nn.Dropout(0.5)
    dropout.eval()

    def forward(x):
        return (dropout(x) * 2.0).sum()
    compiled = ag.compile(forward)
    assert calls(compiled, forward, [(ones(8),)] * 3) == ["eager", "trace", "replay"]


def test_a_backward_with_create_graph_raises():
    """``ag.grad`` of Values differentiates with ``create_graph=True`` (for higher orders), which is
    not compiled: a CompileError naming the line. (With float arguments it compiles.)"""
    def cube(x):
        return x ** 3
    compiled = ag.compile(ag.grad(cube))
    compiled(Value(2.0))
    with pytest.raises(ag.CompileError, match="create_graph=True"):
        compiled(Value(2.0))
    floats = ag.compile(ag.grad(cube))
    assert calls(floats, ag.grad(cube), [(v,) for v in (1.0, 2.0, 3.0)]) == ["eager", "trace", "replay"]


def test_max_traces_exceeded_runs_eagerly_with_exactly_one_warning():
    """After ``max_traces`` traces, the function runs eagerly from then on, with one warning naming
    the function and the last reason, and results still eager's."""
    def piecewise(x):
        return x * 2.0 if x > 1 else (x * -3.0 if x > 0 else x * 4.0)
    compiled = ag.compile(piecewise, max_traces=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = calls(compiled, piecewise, [(Value(v),) for v in (2.0, 3.0, 0.5, 2.0, -1.0, 0.5, 2.0)])
    assert history[:4] == ["eager", "trace", "trace", "replay"] and set(history[4:]) == {"eager"}
    assert len(caught) == 1
    assert "compile(piecewise): 2 traces, the limit; running eagerly" in str(caught[0].message)
    assert compiled.traces == 2


# ---- updates by hand --------------------------------------------------------------------------------

PARAMS = []


def descend_by_hand(x):
    p = PARAMS[0]
    p.grad = None
    loss = ((p * x) ** 2).sum()
    loss.backward()
    with ag.no_grad():
        p -= 0.1 * p.grad
    return loss


def test_in_place_update_by_hand_under_no_grad():
    """``p -= lr * p.grad`` under ``no_grad`` inside a compiled function: each call either raises a
    CompileError or does what eager does from the same state — never a silently wrong step."""
    PARAMS[:] = [Tensor(np.ones(3), requires_grad=True)]
    compiled = ag.compile(descend_by_hand)
    x = Tensor(np.arange(3.0))
    for _ in range(6):
        start = PARAMS[0].data.copy()
        try:
            result = compiled(x)
        except ag.CompileError:
            continue
        after = PARAMS[0].data.copy()
        PARAMS[0].data = start      # the same parameter, as eager's starting point
        same((result, after), (descend_by_hand(x), PARAMS[0].data))


def test_data_assigned_by_hand_raises():
    """``p.data = p.data - lr * p.grad`` inside a compiled function reads ``.data`` of a traced
    parameter: a CompileError; use an optimizer (its step is part of the program)."""
    p = Tensor(np.ones(3), requires_grad=True)

    def step(x):
        p.grad = None
        loss = ((p * x) ** 2).sum()
        loss.backward()
        with ag.no_grad():
            p.data = p.data - 0.1 * p.grad
        return loss
    compiled = ag.compile(step)
    compiled(Tensor(np.arange(3.0)))
    with pytest.raises(ag.CompileError, match=r"\.data of a traced Tensor"):
        compiled(Tensor(np.arange(3.0)))


def test_an_optimizer_step_is_part_of_the_program():
    """The same descent with ``optim.SGD``: every replay updates the parameter, as eager."""
    def run(compiled):
        p = Tensor(np.ones(3), requires_grad=True)
        optimizer = optim.SGD([p], lr=0.1)

        def step(x):
            optimizer.zero_grad()
            loss = ((p * x) ** 2).sum()
            loss.backward()
            optimizer.step()
            return loss
        stepper = ag.compile(step) if compiled else step
        losses = [stepper(Tensor(np.arange(3.0))) for _ in range(5)]
        assert not compiled or stepper.last_call == "replay"
        return losses, p.data
    same(run(True), run(False))


def test_a_call_that_raises_changes_nothing_and_the_next_replays():
    """An input that makes an op fail on replay: eager's error, no gradient changed, and the function
    still replays for good inputs."""
    p = Value(1.5)

    def loss(x):
        out = (p * x).log()
        out.backward()
        return out
    compiled = ag.compile(loss)
    for v in (1.0, 2.0, 3.0):
        compiled(Value(v))
    before = p.grad
    with pytest.raises(ag.engine.DomainError, match="log"):
        compiled(Value(-1.0))
    assert p.grad == before and not math.isnan(p.grad)
    compiled(Value(2.0))
    compiled(Value(2.0))
    assert compiled.last_call == "replay"


def clipped_training(clip):
    """A Linear model, plain SGD (no state) and a step that clips its gradients with ``clip``."""
    ag.manual_seed(0)
    model = nn.Linear(3, 2)
    optimizer = optim.SGD(model.parameters(), lr=0.1)

    def step(x, y):
        optimizer.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        clip(model.parameters())
        optimizer.step()
        return loss
    return model, step


CLIPS = {"norm": lambda ps: nn.utils.clip_grad_norm_(ps, 0.1),
         "value": lambda ps: nn.utils.clip_grad_value_(ps, 0.01)}


@pytest.mark.parametrize("clip", list(CLIPS))
def test_gradient_clipping_inside_a_step(clip):
    """Gradient clipping in a compiled step: each call raises a CompileError or does what eager
    does from the same parameters — never a silently wrong step."""
    model, step = clipped_training(CLIPS[clip])
    twin, twin_step = clipped_training(CLIPS[clip])
    compiled = ag.compile(step)
    rng = np.random.default_rng(0)
    for _ in range(6):
        x, y = Tensor(rng.normal(size=(4, 3))), Tensor(rng.normal(size=(4, 2)))
        start = [p.data.copy() for p in model.parameters()]
        try:
            loss = compiled(x, y)
        except ag.CompileError:
            continue
        for p, data in zip(twin.parameters(), start):
            p.data = data
        same(loss, twin_step(x, y))
        same([p.data for p in model.parameters()], [p.data for p in twin.parameters()])


def test_returning_a_parameter_returns_it():
    """``return model.weight, loss``: the parameter itself comes back, as eagerly."""
    layer = nn.Linear(3, 2)

    def forward(x):
        return layer.weight, layer(x).sum()
    compiled = ag.compile(forward)
    for _ in range(3):
        weight, _ = compiled(Tensor(np.ones((2, 3))))
        assert weight is layer.weight
    assert compiled.last_call == "replay"


def test_the_input_returned_unchanged():
    """Returning an argument as it is: the same bits come back on replay."""
    def passthrough(x, y):
        return x, (x * y).sum()
    compiled = ag.compile(passthrough)
    rng = np.random.default_rng(0)
    history = calls(compiled, passthrough, [(Tensor(rng.normal(size=3)), Tensor(rng.normal(size=3)))
                                            for _ in range(4)])
    assert history[-1] == "replay"


def test_an_optimizer_step_with_a_closure_raises():
    """``optimizer.step(closure)`` inside a compiled function: a CompileError naming the line (call
    the closure's code in the function instead)."""
    p = Tensor(np.ones(3), requires_grad=True)
    optimizer = optim.SGD([p], lr=0.1)

    def step(x):
        def closure():
            optimizer.zero_grad()
            loss = (p * x).sum()
            loss.backward()
            return loss
        return optimizer.step(closure)
    compiled = ag.compile(step)
    compiled(ones())
    with pytest.raises(ag.CompileError, match=f"with a closure at .*{HERE}:{line_of(step, 'step(closure)')}"):
        compiled(ones())


def test_a_returned_node_keeps_the_gradient_the_call_gave_it():
    """``loss.backward(); return loss``: the replay's loss has the .grad eager's has (1.0)."""
    w = Value(0.5)

    def step():
        w.grad = 0.0
        loss = (w * 3.0 + 1.0).relu()
        loss.backward()
        return loss
    compiled = ag.compile(step)
    grads = [compiled().grad for _ in range(3)]
    assert grads == [1.0, 1.0, 1.0] and w.grad == 3.0 and compiled.last_call == "replay"


def test_making_other_modules_does_not_retrace():
    """Only a change of a module a program called outdates it, not a new module elsewhere."""
    compiled = ag.compile(lambda m: m * m)
    for _ in range(10):
        for v in (1.0, 2.0, 3.0):
            compiled(Value(v))
        nn.Linear(2, 2)
    assert compiled.last_call == "replay" and compiled.traces == 1
