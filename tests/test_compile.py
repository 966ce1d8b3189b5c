"""``ag.compile`` end to end: compiled equals eager bit for bit, and the body does not run on replay.

For the slides' Cost and ReLU network, micrograd's demo MLP, functions with several outputs and the
functional transforms; then the options (``check``, ``backend``, ``static_argnames``), the ways to
read a compiled function (``.code``, ``explain()``) and the errors. A training step of every
optimizer is in ``test_compile_training.py``, ``fit`` in ``test_compile_fit.py``, the op table in
``test_compile_ops.py``, and the traps kept as tests in ``test_compile_footguns.py``.
"""

import inspect
import math
from pathlib import Path

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import Tensor, Value
from autograd_lite.engine import DomainError
from autograd_lite.testing.compilecheck import compilecheck
from benchmarks.scalar import ScalarMLP, demo_loss, moons

HERE = Path(__file__).name


def same(a, b):
    """``a`` and ``b`` hold the same bits, nested containers and node kinds too."""
    if isinstance(a, (Tensor, Value)) or isinstance(b, (Tensor, Value)):
        assert type(a) is type(b), f"{type(a).__name__} against {type(b).__name__}"
        same(a._data, b._data)
    elif isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        assert type(a) is type(b) and a.shape == b.shape and a.dtype == b.dtype, (a, b)
        assert a.tobytes() == b.tobytes(), (a, b)
    elif isinstance(a, float) or isinstance(b, float):
        assert type(a) is type(b) and (a == b or a != a and b != b) and math.copysign(1, a) == \
            math.copysign(1, b), (a, b)
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            same(x, y)
    elif isinstance(a, dict):
        assert type(b) is dict and list(a) == list(b), (a, b)
        for k in a:
            same(a[k], b[k])
    else:
        assert a == b, (a, b)


def against_eager(function, make_args, draws=4, **options):
    """Compile ``function``; on each draw, call it compiled and eagerly on two copies of the same
    arguments and assert the same bits (outputs and the arguments' ``.grad``); from the third call
    on it must replay without running the body. The compiled function."""
    body_runs = [0]

    def counted(*args):
        body_runs[0] += 1
        return function(*args)

    counted.__name__ = function.__name__
    compiled = ag.compile(counted, **options)
    for draw in range(draws):
        runs = body_runs[0]
        args = make_args(draw)
        result = compiled(*args)
        if draw >= 2:
            assert compiled.last_call == "replay" and body_runs[0] == runs, compiled.explain()
        expected_args = make_args(draw)
        expected = function(*expected_args)
        same(result, expected)
        same(grads_of(args), grads_of(expected_args))
    return compiled


def grads_of(args):
    """The ``.grad`` of every node among ``args`` (nested lists too), in order."""
    if isinstance(args, (Tensor, Value)):
        return [args.grad]
    if isinstance(args, (list, tuple)):
        return [g for a in args for g in grads_of(a)]
    return []


#: one compiler bug, several tests: see the report of issue 17's compile tests
def line_of(function, text):
    """The line number of the first line of ``function``'s source that contains ``text``."""
    lines, start = inspect.getsourcelines(function)
    return start + next(i for i, line in enumerate(lines) if text in line)


# ---- the slides: Cost(m) over the Moore's-law data, and the ReLU network ------------------------

X = [x - 1970 for x in [1971, 1972, 1974, 1979, 1982, 1985]]
Y = [math.log10(y) for y in [2.31, 3.55, 6.10, 29.16, 135.77, 273.84]]


def f(m, x):
    return m * x


def Cost(m):  # noqa: N802 - the slide's name
    return sum(((f(m, x) - y) ** 2 for x, y in zip(X, Y))) / len(X)


def slides_relu(x):
    return x if x >= 0 else 0


def network(mm, nn_, bb, x):
    return sum((n * slides_relu(m * x + b) for m, n, b in zip(mm, nn_, bb)))


def network_relu(mm, nn_, bb, x):
    return sum((n * (m * x + b).relu() for m, n, b in zip(mm, nn_, bb)))


def draws(values):
    it = iter(values)
    return lambda: (Value(next(it)),)


def test_cost_compiles_bit_for_bit():
    compiled = compilecheck(Cost, draws([0.1, 0.25, -3.0, 1e3]), fresh_draws=3)
    assert compiled.traces == 1


def test_cost_and_its_gradient_compile_bit_for_bit():
    def cost_and_slope(m):
        cost = Cost(m)
        cost.backward()
        return cost, m.grad

    values = [0.1, 0.25, -3.0, 7.5, 1e3]
    against_eager(cost_and_slope, lambda i: (Value(values[i]),), draws=5)


def test_cost_gradient_of_floats_compiles_bit_for_bit():
    values = [0.1, 0.25, -3.0, 7.5, 1e3]
    it = iter(values)
    compilecheck(ag.value_and_grad(Cost), lambda: (next(it),), fresh_draws=3)   # floats
    it = iter(values)
    compilecheck(ag.grad(Cost), lambda: (next(it),), fresh_draws=3)


def test_compilecheck_of_a_value_backward():
    def cost_and_slope(m):
        cost = Cost(m)
        cost.backward()
        return cost, m.grad

    compilecheck(cost_and_slope, draws([0.1, 0.25, -3.0, 7.5]), fresh_draws=3)


SLIDES_PARAMETERS = ([1.0, 1.0, 1.0], [1e4, 1e5, 7.5e5], [0.0, -35.0, -40.0])


def network_args(x, grads=False):
    mm, nn_, bb = ([Value(v) for v in vs] for vs in SLIDES_PARAMETERS)
    return mm, nn_, bb, Value(x)


def with_gradients(net):
    def fit_step(mm, nn_, bb, x):
        out = net(mm, nn_, bb, x)
        out.backward()
        return out, [p.grad for p in (*mm, *nn_, *bb, x)]
    fit_step.__name__ = net.__name__
    return fit_step


@pytest.mark.parametrize("net", [network_relu, network], ids=["relu-method", "slides-if-else"])
def test_relu_network_compiles_bit_for_bit(net):
    # x in (40, 60): every neuron fires, so the slides' branches are the same on every draw
    it = iter([41.5, 50.0, 59.25, 44.0])
    compilecheck(net, lambda: network_args(next(it)), fresh_draws=3)
    it = iter([41.5, 50.0, 59.25, 44.0])
    compilecheck(with_gradients(net), lambda: network_args(next(it)), fresh_draws=3)


def test_relu_method_replays_across_the_kink():
    """``.relu()`` is an op (its VJP reads the data on every call): no guard, one trace for all x."""
    compiled = ag.compile(with_gradients(network_relu))
    for x in (10.0, 50.0, 20.0, 36.0, 38.0, 60.0, -5.0, 37.0):
        same(compiled(*network_args(x)), with_gradients(network_relu)(*network_args(x)))
    assert compiled.traces == 1 and compiled.last_call == "replay"


def test_slides_relu_branch_is_a_guard():
    """The slides' ``x if x >= 0 else 0``: a replay on inputs that take the traced branches; a branch
    flip runs eagerly (as a new trace) and gives eager's result; then that pattern replays too."""
    compiled, eager = ag.compile(with_gradients(network)), with_gradients(network)
    history = []
    for x in (50.0, 45.0, 55.0, 20.0, 25.0, 37.0, 38.5):
        same(compiled(*network_args(x)), eager(*network_args(x)))
        history.append((compiled.last_call, compiled.traces))
    assert history == [("eager", 0), ("trace", 1), ("replay", 1),     # all three neurons fire
                       ("trace", 2), ("replay", 2),                   # only the first
                       ("trace", 3), ("replay", 3)]                   # the first two
    assert "changed outcome" in compiled.explain()


def test_slides_relu_earlier_branch_pattern_replays_again():
    """Inputs alternating between two branch patterns: two traces, then replays of both."""
    compiled, eager = ag.compile(with_gradients(network)), with_gradients(network)
    for x in (50.0, 55.0, 20.0, 25.0, 50.0, 20.0, 55.0, 25.0):
        same(compiled(*network_args(x)), eager(*network_args(x)))
    assert compiled.traces == 2 and compiled.last_call == "replay", compiled.explain()


def test_slides_network_with_the_slides_literals():
    """The slide's own ``mm = [1, 1, 1]`` and ``bb = [0, -35, -40]`` are ints: constants of the
    trace (ints are static); the slope stays a traced input."""
    mm, nn_, bb = [1, 1, 1], [1e4, 1e5, 7.5e5], [0, -35, -40]
    compiled = ag.compile(network)
    for x in (50.0, 45.0, 55.0):
        same(compiled(mm, nn_, bb, Value(x)), network(mm, nn_, bb, Value(x)))
    assert compiled.last_call == "replay"


# ---- micrograd's demo MLP, with autograd_lite's Values ------------------------------------------

def small_mlp(sizes=(2, 4, 4, 1), seed=0):
    rng = np.random.default_rng(seed)
    weights = [rng.uniform(-1, 1, size=(n_out, n_in)).tolist() for n_in, n_out in zip(sizes, sizes[1:])]
    return ScalarMLP(weights, Value)


def test_micrograd_demo_mlp_forward_and_backward_compile_bit_for_bit():
    points, labels = moons(8)
    model = small_mlp()
    parameters = model.parameters()

    def step(points, labels):
        for p in parameters:
            p.grad = 0.0
        loss = demo_loss(model, parameters, points, labels)
        loss.backward()
        return loss, [p.grad for p in parameters]

    rng = np.random.default_rng(1)
    batches = [(np.array(points) + rng.normal(0, 0.01, (8, 2))).tolist() for _ in range(4)]
    compiled = against_eager(step, lambda i: ([[Value(v) for v in row] for row in batches[i]],
                                              [Value(v) for v in labels]))
    assert compiled.traces == 1


def test_micrograd_demo_training_follows_eager():
    """Descent by hand between compiled calls (micrograd's ``p.data -= lr * p.grad``), 6 steps."""
    points, labels = moons(8)

    def train(compiled):
        model = small_mlp()
        parameters = model.parameters()

        def step():
            for p in parameters:
                p.grad = 0.0
            loss = demo_loss(model, parameters, points, labels)
            loss.backward()
            return loss

        run = ag.compile(step) if compiled else step
        losses = []
        for k in range(6):
            losses.append(run().data)
            for p in parameters:
                p.data -= (1.0 - 0.9 * k / 6) * p.grad
        return losses, [p.data for p in parameters], run

    (compiled_losses, compiled_params, run), (eager_losses, eager_params, _) = train(True), train(False)
    same(compiled_losses, eager_losses)
    same(compiled_params, eager_params)
    assert run.last_call == "replay" and run.traces == 1


# ---- several outputs, the transforms, gradients returned ------------------------------------------

def arrays(*shapes, seed=2):
    rng = np.random.default_rng(seed)
    return lambda: tuple(rng.normal(size=s) for s in shapes)


def tensors(*shapes, seed=2):
    make = arrays(*shapes, seed=seed)
    return lambda: tuple(Tensor(a) for a in make())


def test_several_outputs_in_dicts_tuples_and_lists():
    def outputs(a, b):
        c = a * b
        return {"sum": c.sum(), "parts": (c, a - b), "list": [a.exp(), (b ** 2).mean(axis=0)]}
    compilecheck(outputs, tensors((3, 2), (3, 2)), fresh_draws=2)


def test_several_outputs_with_a_constant_among_them():
    compilecheck(lambda a: (a.tanh(), "label", 3, None), tensors((4,)), fresh_draws=2)


def loss_of(w, b, x):
    return ((x @ w + b).tanh() ** 2).sum()


@pytest.mark.parametrize("argnums", [0, (0,), (0, 1), (1, 0, 2)], ids=["0", "(0,)", "(0,1)", "(1,0,2)"])
def test_grad_and_value_and_grad_of_arrays(argnums):
    compilecheck(ag.grad(loss_of, argnums=argnums), arrays((3, 2), (2,), (4, 3)), fresh_draws=2)
    compilecheck(ag.value_and_grad(loss_of, argnums=argnums), arrays((3, 2), (2,), (4, 3)), fresh_draws=2)


def test_value_and_grad_with_aux():
    def with_aux(w, x):
        out = x @ w
        return (out ** 2).sum(), {"out": out, "norm": (w * w).sum()}
    compilecheck(ag.value_and_grad(with_aux, argnums=(0, 1), has_aux=True), arrays((3, 2), (4, 3)),
                 fresh_draws=2)


def test_grad_of_float_arguments():
    def cube(x, y):
        return x ** 3 * y - (x * y).tanh()
    rng = np.random.default_rng(3)
    compilecheck(ag.value_and_grad(cube, argnums=(0, 1)), lambda: tuple(rng.normal(size=2).tolist()),
                 fresh_draws=3)


def test_backward_then_the_gradients_of_the_parameters():
    rng = np.random.default_rng(4)
    params = [Tensor(rng.normal(size=(3, 2)), requires_grad=True),
              Tensor(rng.normal(size=2), requires_grad=True)]

    def gradients(x):
        for p in params:
            p.grad = None
        loss = ((x @ params[0] + params[1]).relu() ** 2).sum()
        loss.backward()
        return loss, [p.grad for p in params]
    compilecheck(gradients, tensors((5, 3)), fresh_draws=2)

    def accumulated(x):      # .grad accumulates over calls, as eager's
        loss = ((x @ params[0] + params[1]).sigmoid()).sum()
        loss.backward()
        return [p.grad for p in params]
    compilecheck(accumulated, tensors((5, 3)), fresh_draws=2)


def test_arithmetic_on_a_grad_read_returns_what_eager_returns():
    w = Tensor(np.ones(3), requires_grad=True)

    def scaled_gradient(x):
        w.grad = None
        (w * x).sum().backward()
        return w.grad * 0.5

    compiled = ag.compile(scaled_gradient)
    for _ in range(3):
        result = compiled(Tensor(np.arange(3.0)))
        same(result, scaled_gradient(Tensor(np.arange(3.0))))


def test_backward_with_a_gradient_argument_and_inputs():
    rng = np.random.default_rng(5)
    w = Tensor(rng.normal(size=(3, 3)), requires_grad=True)

    def partial(x, seed):
        w.grad = None
        out = (x @ w).tanh()
        out.backward(seed)
        return out, w.grad
    compilecheck(partial, lambda: (Tensor(rng.normal(size=(2, 3))), rng.normal(size=(2, 3))), fresh_draws=2)


# ---- the options, and reading a compiled function ------------------------------------------------

def polynomial(x, scale=1.0, mode="tanh"):
    y = x * scale
    return (y.tanh() if mode == "tanh" else y.exp()).sum()


@pytest.mark.parametrize("check, checked", [(True, [2, 3, 4, 5, 6]), (2, [3, 5]), (3, [2, 5])],
                         ids=["True", "2", "3"])
def test_check_runs_eager_beside_compiled(check, checked):
    compiled = ag.compile(polynomial, check=check)
    calls = []
    for i in range(7):
        x = Tensor(np.arange(3.0) + i)
        same(compiled(x), polynomial(x))
        calls.append(compiled.last_call)
    assert [i for i, c in enumerate(calls) if c == "checked"] == checked
    assert all(c == "replay" for i, c in enumerate(calls[2:], 2) if i not in checked)


def test_code_names_the_users_file_and_line():
    compiled = ag.compile(polynomial)
    for _ in range(2):
        compiled(Tensor(np.arange(3.0)))
    assert f"{HERE}:{line_of(polynomial, 'y = x * scale')}" in compiled.code
    assert f"{HERE}:{line_of(polynomial, 'return')}" in compiled.code
    assert compiled.code.startswith("def polynomial(")


def test_explain_mentions_the_traces_and_why():
    compiled = ag.compile(polynomial)
    for n in (3, 3, 3, 4, 4):
        compiled(Tensor(np.ones(n)))
    text = compiled.explain()
    assert "5 calls, 2 traces" in text and "warm-up" in text and text.count("traced") == 2
    assert repr(compiled) == "<compiled polynomial: 2 traces>"


def test_reset_eager_and_disable_compile():
    compiled = ag.compile(polynomial)
    x = Tensor(np.arange(3.0))
    for _ in range(3):
        compiled(x)
    assert compiled.last_call == "replay" and compiled.code
    same(compiled.eager(x), polynomial(x))
    assert compiled.last_call == "eager" and compiled.calls == 3
    with ag.disable_compile():
        same(compiled(x), polynomial(x))
        assert compiled.last_call == "eager" and compiled.calls == 3
    compiled(x)
    assert compiled.last_call == "replay"
    compiled.reset()
    assert (compiled.traces, compiled.calls, compiled.code) == (0, 0, "")
    assert [(compiled(x), compiled.last_call)[1] for _ in range(3)] == ["eager", "trace", "replay"]


def test_static_argnames_trace_per_value():
    compiled = ag.compile(polynomial, static_argnames=("mode",))
    x = Tensor(np.arange(3.0))
    calls = []
    for mode in ["tanh", "tanh", "tanh", "exp", "exp", "exp", "tanh"]:
        same(compiled(x, mode=mode), polynomial(x, mode=mode))
        calls.append(compiled.last_call)
    assert calls == ["eager", "trace", "replay", "eager", "trace", "replay", "replay"]
    assert compiled.traces == 2
    assert ag.compile(polynomial, static_argnames="mode").static_argnames == ("mode",)


def test_decorator_form():
    @ag.compile(max_traces=3, backend="tape")
    def double(x):
        return x * 2.0
    assert [(double(Value(v)).data, double.last_call) for v in (1.0, 2.0, 3.0)] == \
        [(2.0, "eager"), (4.0, "trace"), (6.0, "replay")]
    assert double.max_traces == 3 and double.__name__ == "double"


@pytest.mark.parametrize("options, message", [
    (dict(backend="cuda"), "backend must be 'auto', 'source' or 'tape'"),
    (dict(max_traces=0), "max_traces must be an int >= 1"),
    (dict(max_traces=True), "max_traces must be an int >= 1"),
    (dict(max_traces=2.0), "max_traces must be an int >= 1"),
    (dict(check=0), "check must be True, False or an int >= 1"),
    (dict(check=-2), "check must be True, False or an int >= 1"),
    (dict(check="always"), "check must be True, False or an int >= 1"),
    (dict(check=1.5), "check must be True, False or an int >= 1"),
], ids=["backend", "max_traces-0", "max_traces-bool", "max_traces-float", "check-0", "check-negative",
        "check-str", "check-float"])
def test_argument_validation(options, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        ag.compile(polynomial, **options)


def test_numpy_integers_and_name_lists_are_accepted():
    compiled = ag.compile(polynomial, max_traces=np.int64(2), check=np.int32(3), static_argnames=["mode"])
    assert compiled.max_traces == 2 and compiled.check_every == 3 and compiled.static_argnames == ("mode",)
    x = Tensor(np.arange(3.0))
    same([compiled(x, mode="sin") for _ in range(3)], [polynomial(x, mode="sin")] * 3)


def test_static_argnames_must_be_names():
    with pytest.raises(TypeError, match=r"static_argnames must be names \(strings\)"):
        ag.compile(polynomial, static_argnames=[1])


def test_grad_code_edges():
    """Arrays trace too (the code names the argument); a non-function or a function of nothing is
    refused by name; a wrong number of arguments is the function's own error."""
    code = ag.grad_code(lambda w: (w * w).sum(), np.ones(3))
    assert code.startswith("def d_lambda_(w):") and "np.multiply(w, w)" in code
    with pytest.raises(TypeError, match="grad_code: invalid function 3"):
        ag.grad_code(3)
    with pytest.raises(ValueError, match="grad_code: <lambda> takes no argument to differentiate"):
        ag.grad_code(lambda: 1.0)
    with pytest.raises(TypeError, match="missing 1 required positional argument"):
        ag.grad_code(lambda a, b: a * b, 1.0)


def test_not_a_function():
    with pytest.raises(TypeError, match="expected a function, got int"):
        ag.compile(3)


# ---- errors on replay read as eager's -----------------------------------------------------------

def test_error_on_replay_is_the_eager_error_and_leaves_state_unchanged():
    """A replay whose input makes an op fail (log of a negative number): the call runs eagerly, so the
    error is eager's DomainError naming the op, and no gradient was changed."""
    p = Value(0.5)

    def step(x):
        loss = (p * x).log()
        loss.backward()
        return loss

    compiled = ag.compile(step)
    for v in (1.0, 2.0, 3.0):
        compiled(Value(v))
    assert compiled.last_call == "replay"
    grad_before = p.grad
    with pytest.raises(DomainError, match=r"log\(-1\.0\) is undefined") as compiled_error:
        compiled(Value(-2.0))
    assert p.grad == grad_before
    with pytest.raises(DomainError) as eager_error:
        step(Value(-2.0))
    assert str(compiled_error.value) == str(eager_error.value)
    assert p.grad == grad_before
    assert "raised DomainError" in compiled.explain()
    assert step.__code__.co_filename in [str(entry.path) for entry in compiled_error.traceback]
    compiled(Value(4.0))    # and it goes on compiled
    p.grad = 0.0
    result, compiled_grad = compiled(Value(5.0)), p.grad
    assert compiled.last_call == "replay"
    p.grad = 0.0
    same((result, compiled_grad), (step(Value(5.0)), p.grad))


def test_error_on_replay_of_a_tensor_step_is_the_eager_error():
    """The same with Tensors: a singular matrix on replay raises eager's LinAlgError naming ``inv``;
    the parameter's ``.grad`` is what eager leaves, and later calls replay again."""
    w = Tensor(np.eye(2), requires_grad=True)

    def step(a):
        w.grad = np.full((2, 2), 7.0)
        loss = (ag.linalg.inv(a @ w) ** 2).sum()
        w.grad = None
        loss.backward()
        return loss

    compiled = ag.compile(step)
    for k in range(3):
        compiled(Tensor(np.eye(2) * (k + 1)))
    assert compiled.last_call == "replay"
    with pytest.raises(np.linalg.LinAlgError) as compiled_error:
        compiled(Tensor(np.zeros((2, 2))))
    compiled_grad = w.grad
    with pytest.raises(np.linalg.LinAlgError) as eager_error:
        step(Tensor(np.zeros((2, 2))))
    assert str(compiled_error.value) == str(eager_error.value) == \
        "inv on inputs of shapes (2, 2): Singular matrix"
    same(compiled_grad, w.grad)
    assert step.__code__.co_filename in [str(entry.path) for entry in compiled_error.traceback]
    for _ in range(2):
        result = compiled(Tensor(np.eye(2) * 3.0))
    assert compiled.last_call == "replay"
    compiled_grad = w.grad
    same((result, compiled_grad), (step(Tensor(np.eye(2) * 3.0)), w.grad))


def test_micrograd_demo_mlp_forward_compiles_bit_for_bit():
    points, labels = moons(8)
    model = small_mlp()
    parameters = model.parameters()
    rng = np.random.default_rng(2)

    def loss(points, labels):
        return demo_loss(model, parameters, points, labels)

    compilecheck(loss, lambda: ([[Value(v) for v in row] for row in
                                 (np.array(points) + rng.normal(0, 0.01, (8, 2))).tolist()],
                                [Value(v) for v in labels]), fresh_draws=2)
