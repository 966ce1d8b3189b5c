"""Every known trap of ``ag.compile``, kept as a test (tinygrad's ``test_jit_footguns`` practice).

Each test's docstring states the behaviour it pins; a trap that could give a silently wrong result
asserts eager's result (or the CompileError that refuses it).
"""

import inspect
from pathlib import Path

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import Tensor, Value, nn, primitive

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
