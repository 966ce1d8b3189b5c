"""Every known trap of ``ag.compile``, kept as a test (tinygrad's ``test_jit_footguns`` practice).

Each test's docstring states the behaviour it pins; a trap that could give a silently wrong result
asserts eager's result (or the CompileError that refuses it).
"""

import inspect
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import Tensor, Value, nn, optim, primitive

HERE = Path(__file__).name


def same(a, b):
    """The same bits: nodes by kind and data, arrays by dtype, shape and bytes, floats exactly."""
    if isinstance(a, (Tensor, Value)) or isinstance(b, (Tensor, Value)):
        assert type(a) is type(b), f"{type(a).__name__} against {type(b).__name__}"
        return same(a._data, b._data)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        assert type(a) is type(b) and a.shape == b.shape and a.dtype == b.dtype, (a, b)
        assert a.tobytes() == b.tobytes(), (a, b)
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            same(x, y)
    else:
        assert type(a) is type(b) and a == b, (a, b)


def line_of(function, text):
    lines, start = inspect.getsourcelines(function)
    return start + next(i for i, line in enumerate(lines) if text in line)


def calls(compiled, function, args_list):
    """Call ``compiled`` on each argument tuple, check it against ``function``; the ``last_call``s."""
    history = []
    for args in args_list:
        same(compiled(*args), function(*args))
        history.append(compiled.last_call)
    return history


def ones(n=3):
    return Tensor(np.ones(n))


# ---- what re-traces, and what does not -----------------------------------------------------------

def test_a_branch_flip_retraces():
    """A Python ``if`` on a traced Value is a guard: the call that takes the other branch runs
    eagerly (it traces the new branch), and the result is eager's."""
    def piecewise(x):
        return x * 2.0 if x > 0 else x * -3.0
    compiled = ag.compile(piecewise)
    history = calls(compiled, piecewise, [(Value(v),) for v in (1.0, 2.0, 3.0, -1.0, -2.0)])
    assert history == ["eager", "trace", "replay", "trace", "replay"]
    assert "a comparison > changed outcome" in compiled.explain()


SCALE = 2.0


def scaled_by_global(x):
    return (x * SCALE).sum()


def test_a_changed_global_retraces():
    """A global the function reads is guarded by identity: rebinding it drops the trace."""
    global SCALE
    compiled = ag.compile(scaled_by_global)
    try:
        assert calls(compiled, scaled_by_global, [(ones(),)] * 3) == ["eager", "trace", "replay"]
        SCALE = 5.0
        assert calls(compiled, scaled_by_global, [(ones(),)] * 2) == ["trace", "replay"]
        assert "the global 'SCALE' was rebound" in compiled.explain()
    finally:
        SCALE = 2.0


def test_a_rebound_closure_variable_retraces():
    """A closure cell is guarded by identity, as a global is."""
    scale = 2.0

    def scaled(x):
        return (x * scale).sum()
    compiled = ag.compile(scaled)
    assert calls(compiled, scaled, [(ones(),)] * 3) == ["eager", "trace", "replay"]
    scale = 7.0
    assert calls(compiled, scaled, [(ones(),)] * 2) == ["trace", "replay"]
    assert "the closure variable 'scale' was rebound" in compiled.explain()


CONSTANTS = [2.0]


def scaled_by_list_item(x):
    return (x * CONSTANTS[0]).sum()


def test_a_global_list_changed_in_place_is_frozen_until_reset():
    """Documented (docs/compiling.rst, "Attributes of other objects are frozen"): a number read from
    a global list changed in place (the list is the same object, so no guard fails) stays the traced
    constant; ``reset()`` after the change picks it up."""
    compiled = ag.compile(scaled_by_list_item)
    try:
        calls(compiled, scaled_by_list_item, [(ones(),)] * 3)
        CONSTANTS[0] = 10.0
        assert compiled(ones()).data == 6.0 and compiled.last_call == "replay"   # eager: 30.0
        compiled.reset()
        assert calls(compiled, scaled_by_list_item, [(ones(),)] * 3)[-1] == "replay"
    finally:
        CONSTANTS[0] = 2.0


def test_python_side_effects_run_only_on_the_eager_and_tracing_calls():
    """Documented: an append inside the function happens on the warm-up and the trace (and the
    trace's check), never on a replay."""
    runs = []

    def counted(x):
        runs.append(1)
        return x * 2.0
    compiled = ag.compile(counted)
    for v in (1.0, 2.0):
        compiled(Value(v))
    before = len(runs)
    for v in (3.0, 4.0, 5.0):
        compiled(Value(v))
    assert len(runs) == before and compiled.last_call == "replay"


def test_a_float_argument_does_not_retrace_a_value_function():
    """With Values (no array among the arguments) a Python float is an input of the program: a new
    value replays, as a learning rate in a schedule must."""
    def step(m, lr):
        return m - lr * (m * m - 2.0)
    compiled = ag.compile(step)
    history = calls(compiled, step, [(Value(1.0), lr) for lr in (0.1, 0.2, 0.3, 0.05, 1e-3)])
    assert history == ["eager", "trace", "replay", "replay", "replay"] and compiled.traces == 1


def test_a_float_beside_a_tensor_is_static_and_retraces():
    """With a Tensor among the arguments a Python float is static, keyed by its value: each new value
    is a new signature (eager, then trace). Pass a changing number as a Tensor or a Value."""
    def scaled(x, scale):
        return (x * scale).sum()
    compiled = ag.compile(scaled)
    history = calls(compiled, scaled, [(ones(), s) for s in (1.0, 1.0, 1.0, 2.0, 2.0, 2.0)])
    assert history == ["eager", "trace", "replay", "eager", "trace", "replay"]


def test_a_function_of_floats_returns_a_float():
    """``f(2.0)`` of a function of Python floats is a float, compiled or not."""
    def half_square(x):
        return 0.5 * x * x + 1.0
    compiled = ag.compile(half_square)
    assert calls(compiled, half_square, [(v,) for v in (1.0, 2.0, 3.0)]) == ["eager", "trace", "replay"]


def test_int_arguments_are_static():
    """An int is static: each new value traces again (ints pick shapes and axes)."""
    def raised(x, n):
        return (x ** n).sum()
    compiled = ag.compile(raised)
    history = calls(compiled, raised, [(ones(), n) for n in (2, 2, 2, 3)])
    assert history == ["eager", "trace", "replay", "eager"]


NAMED_LIKE_OPS = {"tanh": "x.tanh() * 2.0", "power": "(x ** 3).sum()", "sum": "x.sum()",
                  "mean": "x.mean()", "exp": "x.exp()", "log": "x.log()", "matmul": "x @ x",
                  "reshape": "x.reshape(3, 1)", "maximum": "ag.maximum(x, x * 2.0)",
                  "transpose": "x.reshape(1, 3).T", "concatenate": "ag.concatenate([x, x])"}


def test_a_function_named_like_an_op_it_calls_replays():
    """``def mean(x): return x.mean()`` compiles and replays like any other name (for each name)."""
    not_replayed = []
    for name, body in NAMED_LIKE_OPS.items():
        namespace = {"ag": ag}
        exec(f"def {name}(x):\n    return {body}\n", namespace)
        compiled = ag.compile(namespace[name])
        history = calls(compiled, namespace[name], [(ones(),)] * 3)
        if history[-1] != "replay":
            not_replayed.append(name)
    assert not not_replayed


# ---- parameters and data --------------------------------------------------------------------------

def linear_and_forward():
    ag.manual_seed(0)
    layer = nn.Linear(3, 2)

    def forward(x):
        return layer(x).sum()
    return layer, forward


def test_parameter_data_set_to_a_new_array_of_the_same_shape_is_seen():
    """``p.data = new`` with the same shape: the replay reads the new numbers (no trace needed)."""
    layer, forward = linear_and_forward()
    compiled = ag.compile(forward)
    x = Tensor(np.arange(6.0).reshape(2, 3))
    calls(compiled, forward, [(x,)] * 3)
    layer.weight.data = np.full((2, 3), 0.25)
    assert calls(compiled, forward, [(x,)] * 2) == ["replay", "replay"]


def test_parameter_data_set_to_a_new_shape_invalidates():
    """``p.data = new`` of another shape: the program no longer fits; the call runs eagerly (and
    traces again) and gives eager's result."""
    layer, forward = linear_and_forward()
    compiled = ag.compile(forward)
    x = Tensor(np.arange(6.0).reshape(2, 3))
    calls(compiled, forward, [(x,)] * 3)
    layer.weight.data = np.full((4, 3), 0.25)
    layer.bias.data = np.full(4, 0.5)
    history = calls(compiled, forward, [(x,)] * 3)
    assert history[0] != "replay" and history[-1] == "replay"


def test_parameter_requires_grad_switched_off_invalidates():
    """Freezing a parameter (``requires_grad = False``) changes what backward computes: a new trace."""
    layer, forward = linear_and_forward()

    def step(x):
        layer.zero_grad()
        forward(x).backward()
        return [p.grad for p in layer.parameters()]
    compiled = ag.compile(step)
    x = Tensor(np.arange(6.0).reshape(2, 3))
    calls(compiled, step, [(x,)] * 3)
    layer.bias.requires_grad = False
    layer.bias.grad = None
    history = calls(compiled, step, [(x,)] * 3)
    assert history[0] != "replay" and history[-1] == "replay"


def test_the_last_partial_batch_gets_its_own_trace():
    """A batch of another size is another signature: 10 samples in batches of 4 give two traces
    (4 and 2), each replayed in the next epochs."""
    layer, forward = linear_and_forward()
    compiled = ag.compile(forward)
    data = np.arange(30.0).reshape(10, 3)
    history = []
    for _ in range(3):
        for start in range(0, 10, 4):
            x = Tensor(data[start:start + 4])
            same(compiled(x), forward(x))
            history.append((x.shape[0], compiled.last_call))
    assert history == [(4, "eager"), (4, "trace"), (2, "eager"), (4, "replay"), (4, "replay"), (2, "trace"),
                       (4, "replay"), (4, "replay"), (2, "replay")]
    assert compiled.traces == 2


def test_defvjp_after_compiling_invalidates():
    """Redefining a VJP drops every trace that used the old one: the next call is eager's."""
    @primitive
    def square(x):
        return x * x
    square.defvjp(lambda g, out, x: 2 * x * g)
    w = Tensor(np.arange(3.0), requires_grad=True)

    def gradient():
        w.grad = None
        square(w).sum().backward()
        return w.grad
    compiled = ag.compile(gradient)
    calls(compiled, gradient, [()] * 3)
    square.defvjp(lambda g, out, x: 3 * x * g)
    history = calls(compiled, gradient, [()] * 2)
    assert history == ["trace", "replay"]
    same(compiled(), np.array([0.0, 3.0, 6.0]))
    assert "a VJP was redefined (defvjp)" in compiled.explain()


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


# ---- modes ---------------------------------------------------------------------------------------

class TrainingDependent(nn.Module):
    def forward(self, x):
        return x * 2.0 if self.training else x * 3.0


def test_train_eval_switch_retraces():
    """A module's ``train()``/``eval()`` is part of what a trace assumed: switching drops it."""
    module = TrainingDependent()

    def forward(x):
        return module(x).sum()
    compiled = ag.compile(forward)
    assert calls(compiled, forward, [(ones(),)] * 3) == ["eager", "trace", "replay"]
    module.eval()
    assert calls(compiled, forward, [(ones(),)] * 2) == ["trace", "replay"]
    assert "switched to eval mode" in compiled.explain()
    module.train()
    assert calls(compiled, forward, [(ones(),)] * 2)[-1] == "replay"


def test_grad_mode_is_part_of_the_key():
    """Under ``no_grad`` a call has another signature: its own warm-up and trace, and the result
    requires no grad, as eager's."""
    w = Tensor(np.ones(3), requires_grad=True)

    def forward(x):
        return (w * x).sum()
    compiled = ag.compile(forward)
    calls(compiled, forward, [(ones(),)] * 3)
    with ag.no_grad():
        assert calls(compiled, forward, [(ones(),)] * 3) == ["eager", "trace", "replay"]
        assert not compiled(ones()).requires_grad
    assert compiled.traces == 2
    assert compiled(ones()) is not None and compiled.last_call == "replay"


def test_a_replayed_result_is_a_leaf_without_a_graph():
    """Documented ("Outputs are leaves without a graph"): a replay returns a fresh Tensor with no
    graph, so ``backward()`` on it raises; do the backward pass inside the compiled function."""
    w = Tensor(np.ones(3), requires_grad=True)

    def forward(x):
        return (w * x).sum()
    compiled = ag.compile(forward)
    outputs = [compiled(Tensor(np.arange(3.0))) for _ in range(3)]
    assert compiled.last_call == "replay"
    assert outputs[0].requires_grad and not outputs[-1].requires_grad
    with pytest.raises(RuntimeError, match="does not require grad"):
        outputs[-1].backward()


def test_anomaly_mode_runs_eagerly():
    """Inside ``detect_anomaly()`` every call runs eagerly (and the anomaly checks run)."""
    def forward(x):
        return (x.log() * 2.0).sum()
    compiled = ag.compile(forward)
    calls(compiled, forward, [(ones(),)] * 3)
    with ag.detect_anomaly():
        assert calls(compiled, forward, [(ones(),)] * 2) == ["eager", "eager"]
        with pytest.raises(ag.AnomalyError), np.errstate(invalid="ignore"):
            compiled(Tensor(np.array([1.0, -1.0, 2.0])))
    assert calls(compiled, forward, [(ones(),)])[0] == "replay"


def test_nested_compile_runs_the_inner_one_eagerly():
    """A compiled function called while another traces runs eagerly inside it (one program)."""
    inner = ag.compile(lambda x: x.tanh() * 2.0)

    def outer(x):
        return inner(x).sum()
    compiled = ag.compile(outer)
    assert calls(compiled, outer, [(ones(),)] * 3) == ["eager", "trace", "replay"]


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
