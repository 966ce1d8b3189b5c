"""Every op of the table (``op_table.py``) compiled: ``compilecheck`` of ``value_and_grad`` of the op.

For each row, a case is drawn by the row's own strategy and ``f(*arrays) = value_and_grad(lambda *xs:
op(*xs, **params).sum(), argnums=<the row's arrays>)`` is checked with
:func:`autograd_lite.testing.compilecheck`: traced, then replayed on the traced arrays and on fresh
ones of the same shapes and dtypes, each replay equal to eager bit for bit and without running the
Python body; then once more on a third draw, compared here by type, dtype, shape and bytes.

Fresh arrays (:func:`fresh`) are the drawn ones with each float scaled by a factor in (1 − 10⁻³, 1]:
the sign, the zeros and the bounds 0 and 1 are kept (probabilities, targets), and no value moves by
more than 0.01 on the tables' ranges (|x| ≤ 10), under the 0.05 the strategies keep from kinks, poles
and jumps — so every fresh array is still in its op's domain, while every nonzero value a trace
could freeze changes. Integer and boolean arrays (indices, labels, masks, conditions) have their
entries permuted along the last axis: still valid indices (the same multiset, per row of a mask too),
other positions.

Three tests per row:

- the row's array parameters (indices, labels, class weights, masks) closed over as constants, its
  differentiated arrays the compiled function's arguments (every row of :data:`OPS` not in
  :data:`REFUSED`);
- the row's array parameters passed as arguments too, and replaced by fresh ones on the replay (the
  rows that have array parameters): the replay must follow them, not the traced ones;
- on the scalar engine (the rows marked ``on_value``): ``value_and_grad`` of the op on Python floats.

Rows that ``ag.compile`` refuses by design are listed in :data:`REFUSED` (some of a row's cases: in
:data:`REFUSED_CASES`) with the reason, and the refusal must be a ``CompileError`` that says it.
Rows whose array parameters an op converts in Python (:data:`REFUSED_AS_ARGUMENTS`) are refused when
those arrays are arguments: the first call on other values is checked against eager and raises a
``CompileError`` that says so. The compiler bugs found here are kept as their smallest repros at the
end.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from op_table import OPS

import autograd_lite as ag
from autograd_lite import Node
from autograd_lite.testing import compilecheck
from autograd_lite.testing import strategies as agst

#: the rows ag.compile refuses by design: name -> (why, the CompileError's message must match this)
REFUSED = {
    "dropout": ("draws random numbers: a trace would repeat its mask", "random numbers drawn"),
    "dropout1d": ("draws random numbers: a trace would repeat its mask", "random numbers drawn"),
    "dropout2d": ("draws random numbers: a trace would repeat its mask", "random numbers drawn"),
    "_identity": ("grad inside the function differentiates with create_graph=True, which is not "
                  "compiled", "create_graph=True"),
    "checkpoint": ("its VJP recomputes the forward and differentiates it, a pass of its own that the "
                   "trace would not see", "ag.checkpoint"),
}

#: the rows whose cases ag.compile refuses by design in part: name -> (which cases: a function of the
#: parameters, why, the CompileError's message must match this); the others are checked
REFUSED_CASES = {
    "batch_norm": (lambda params: params["training"] and params["running_mean"] is not None,
                   "training updates the running statistics in place, which a replay would not repeat",
                   "updating running statistics in place"),
}


#: the rows whose array parameters, passed as arguments, the op converts in Python (a gather's indices
#: flattened, class weights indexed by the labels): a trace would freeze the converted copy, so the
#: first call on other values is refused, by the check against eager, with a CompileError that says so
REFUSED_AS_ARGUMENTS = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits(weights)", "cosine_embedding_loss",
    "cross_entropy", "cross_entropy(probabilities)", "nll_loss"]
FROZEN = "computes something else than eager on other arguments"

#: row -> its bug, for the test on floats

#: the rows whose cases have array parameters (the first test below fails for a row that draws one and is
#: not listed here)
WITH_ARRAY_PARAMETERS = [
    "at_add", "at_max", "at_min", "at_multiply", "at_set", "binary_cross_entropy",
    "binary_cross_entropy_with_logits(weights)", "cosine_embedding_loss", "cross_entropy",
    "cross_entropy(probabilities)", "embedding", "embedding_backward", "getitem", "nll_loss",
    "scaled_dot_product_attention", "scatter_add", "soft_margin_loss", "softmax_cross_entropy", "take",
    "take_along_axis", "where",
]

CHECKED = sorted(set(OPS) - set(REFUSED))


def examples(count: int, bug: bool = False) -> settings:
    """A few derandomized examples (the same cases on every run); a known bug's without shrinking."""
    phases = (Phase.explicit, Phase.generate) if bug else tuple(Phase)
    return settings(max_examples=count, deadline=None, derandomize=True, database=None, phases=phases,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


# ---- fresh arguments, and the comparison of the third draw -------------------------------------

def fresh(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An array of ``x``'s shape and dtype with other values in ``x``'s domain (see the module
    docstring): floats scaled by (1 − 10⁻³, 1], integers and booleans permuted along the last axis."""
    if x.dtype.kind == "f":
        return np.asarray(x * (1 - 1e-3 * rng.random(x.shape))).astype(x.dtype)
    return rng.permuted(x, axis=-1) if x.ndim else x.copy()


def same(a, b):
    """The same kinds and bits: nodes by type and data, arrays by dtype, shape and bytes."""
    assert type(a) is type(b), f"{type(a).__name__} against {type(b).__name__}"
    if isinstance(a, Node):
        same(a._data, b._data)
    elif isinstance(a, np.ndarray):
        assert (a.shape, a.dtype, a.tobytes()) == (b.shape, b.dtype, b.tobytes()), (a, b)
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            same(x, y)
    else:
        assert a == b and repr(a) == repr(b) or a != a and b != b, (a, b)


def assert_refused(f, args, match):
    """ag.compile(f) runs the first call eagerly, and its trace (the second) raises CompileError."""
    compiled = ag.compile(f)
    compiled(*args)
    assert compiled.last_call == "eager"
    with pytest.raises(ag.CompileError, match=match):
        compiled(*args)


def check_compiled(f, traced, draws):
    """compilecheck of ``f`` on the ``traced`` arguments and the fresh draws (a list of argument tuples;
    the last one is compared here, after compilecheck's own comparisons of the others)."""
    draws = list(draws)
    queue = iter([traced] + draws[:-1])
    compiled = compilecheck(f, lambda: tuple(a.copy() if isinstance(a, np.ndarray) else a
                                             for a in next(queue)), fresh_draws=len(draws) - 1)
    result = compiled(*draws[-1])
    assert compiled.last_call == "replay", compiled.explain()
    same(result, f(*draws[-1]))
    return compiled


# ---- the array parameters of a case: lifted out as arguments, or left as constants -------------

class _Hole:
    """Where an array parameter was taken out of a case's parameters (by position)."""

    def __init__(self, position: int) -> None:
        self.position = position


def lifted(params):
    """The parameters with every ndarray in them (tuples too, as getitem's index) replaced by a hole,
    and those arrays in order."""
    arrays = []

    def lift(value):
        if isinstance(value, np.ndarray):
            arrays.append(value)
            return _Hole(len(arrays) - 1)
        return tuple(lift(v) for v in value) if isinstance(value, tuple) else value

    return {key: lift(value) for key, value in params.items()}, arrays


def filled(skeleton, arrays):
    """:func:`lifted`'s parameters with the holes filled from ``arrays``."""
    def fill(value):
        if isinstance(value, _Hole):
            return arrays[value.position]
        return tuple(fill(v) for v in value) if isinstance(value, tuple) else value

    return {key: fill(value) for key, value in skeleton.items()}


def value_and_grad_of_sum(op, n, skeleton, weights=None):
    """f(*arrays, *parameter arrays): value_and_grad of op(arrays, **params).sum() (of
    (op(...) * weights).sum() if ``weights`` is given) with respect to the first ``n`` arguments, the
    rest filling ``skeleton``'s holes."""
    def loss(*xs):
        out = op.call(op.function, xs[:n], filled(skeleton, xs[n:]))
        return (out if weights is None else out * weights).sum()

    def f(*xs):
        return ag.value_and_grad(loss, argnums=tuple(range(n)))(*xs)

    return f


# ---- the tests ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", CHECKED)
def test_value_and_grad_of_each_op_compiles_to_eager_bit_for_bit(name):
    """Array parameters closed over as constants; the differentiated arrays fresh on the replays."""
    op = OPS[name]

    @examples(5)
    @given(data=st.data())
    def check(data):
        case = data.draw(op.cases()).on(np)
        assert not lifted(case.params)[1] or name in WITH_ARRAY_PARAMETERS, "list it there"
        f = value_and_grad_of_sum(op, len(case.arrays), case.params)
        if name in REFUSED_CASES and REFUSED_CASES[name][0](case.params):
            assert_refused(f, case.arrays, REFUSED_CASES[name][2])
            return
        rng = np.random.default_rng(0)
        draws = [tuple(fresh(a, rng) for a in case.arrays) for _ in range(2)]
        check_compiled(f, case.arrays, draws)

    check()


@pytest.mark.parametrize("name", WITH_ARRAY_PARAMETERS)
def test_array_parameters_passed_as_arguments_are_inputs_of_the_replay(name):
    """Indices, labels, class weights and masks as arguments: a replay with other values of them (the
    differentiated arrays unchanged) equals eager. Only cases where the new values change eager's
    result are kept, so that a frozen parameter cannot pass unseen; and the op's result is summed
    with random weights, since a plain sum of a gather does not see its indices permuted."""
    op = OPS[name]

    @examples(5, bug=name in REFUSED_AS_ARGUMENTS)
    @given(data=st.data())
    def check(data):
        case = data.draw(op.cases()).on(np)
        skeleton, parameters = lifted(case.params)
        assume(parameters)
        rng = np.random.default_rng(0)
        shape = np.shape(op.call(op.function, case.arrays, case.params))
        f = value_and_grad_of_sum(op, len(case.arrays), skeleton, weights=rng.normal(size=shape))
        traced = case.arrays + tuple(parameters)
        draws = [case.arrays + tuple(fresh(p, rng) for p in parameters) for _ in range(2)]
        expected = f(*traced)
        for draw in draws:  # each new draw of the parameters changes eager's result
            try:
                same(f(*draw), expected)
            except AssertionError:
                continue
            assume(False)
        if name in REFUSED_AS_ARGUMENTS:
            compiled = ag.compile(f)
            compiled(*traced)
            compiled(*traced)
            try:   # refused (then eager from then on), or, where this draw cannot tell, eager's result
                same(compiled(*draws[0]), f(*draws[0]))
            except ag.CompileError as error:
                assert FROZEN in str(error)
            same(compiled(*draws[1]), f(*draws[1]))
            return
        check_compiled(f, traced, draws)

    check()


VALUE_ROWS = sorted(name for name, op in OPS.items() if op.on_value)


def scalars(op):
    """Floats of the row's scalar range, 10⁻³ from its kinks (as ``test_value.py`` draws them)."""
    low, high = op.scalar_values or op.values
    values = agst.elements(low, high, avoid=op.avoid, margin=1e-3)
    return values.map(lambda x: round(x * 4) / 4) if op.ties else values


def fresh_float(x, rng):
    """``x`` scaled by (1 − 10⁻⁷, 1]: it moves by at most 10⁻⁴ on the scalar ranges (|x| ≤ 1000),
    under their 10⁻³ margin from kinks and jumps."""
    return float(x * (1 - 1e-7 * rng.random()))


@pytest.mark.parametrize("name", VALUE_ROWS)
def test_value_and_grad_of_each_op_on_floats_compiles_to_eager_bit_for_bit(name):
    """The scalar engine: ``value_and_grad`` of the op (its function or its method) on Python floats,
    which are the compiled function's inputs; the result and the gradients are floats."""
    op = OPS[name]

    @examples(5)
    @given(data=st.data())
    def check(data):
        xs = tuple(data.draw(scalars(op)) for _ in range(op.arity))
        spelling = data.draw(st.sampled_from([op.function] + ([op.method] if op.method else [])))
        params = data.draw(op.params)
        f = ag.value_and_grad(lambda *vs: spelling(*vs, **params), argnums=tuple(range(op.arity)))
        rng = np.random.default_rng(0)
        draws = [tuple(fresh_float(x, rng) for x in xs) for _ in range(2)]
        compiled = check_compiled(f, xs, draws)
        value, grads = compiled(*draws[-1])
        assert type(value) is float and all(type(g) is float for g in grads)

    check()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_each_refused_op_raises_a_compile_error_that_says_why(name):
    """The second call (the trace) raises CompileError naming the reason; eager ran the first."""
    op = OPS[name]
    _, match = REFUSED[name]

    @examples(2)
    @given(data=st.data())
    def check(data):
        case = data.draw(op.cases()).on(np)
        assert_refused(value_and_grad_of_sum(op, len(case.arrays), case.params), case.arrays, match)

    check()


def test_every_row_is_checked_or_refused_with_a_reason():
    assert set(CHECKED) | set(REFUSED) == set(OPS) and not set(CHECKED) & set(REFUSED)
    assert all(reason and match for reason, match in REFUSED.values())
    assert all(reason and match for _, reason, match in REFUSED_CASES.values())
    assert set(REFUSED_CASES) <= set(CHECKED)
    assert set(REFUSED_AS_ARGUMENTS) <= set(WITH_ARRAY_PARAMETERS) and set(VALUE_ROWS) <= set(CHECKED)


# ---- the compiler bugs above, each as its smallest repro (and fixed ones, kept) ---------------

def _replays_as_eager(f, traced, other):
    """compilecheck on ``traced`` and ``other``, and a replay on ``other`` equal to eager."""
    check_compiled(f, traced, [other, other])


X = np.array([1.0, 2.0, 3.0])


def test_zero_gradient_of_an_unused_input_replays():
    """Once a bug: value_and_grad's zeros for an input the result does not depend on (the rows diff and
    max_pool_backward) were refused as 'computed outside autograd_lite's ops'."""
    f = ag.compile(lambda x, y: ag.value_and_grad(lambda a, b: (a * 2.0).sum(), argnums=(0, 1))(x, y))
    for _ in range(3):
        f(X, X)
    assert f.last_call == "replay"


@pytest.mark.parametrize("g", [lambda a: a + 1.0, ag.floor], ids=["add", "floor"])
def test_constant_gradient_on_floats_replays(g):
    """Once a bug: on floats, the seed 1.0 passed on by add (subtract, negative, mod) or floor's 0.0
    were refused as 'computed outside autograd_lite's ops'."""
    _replays_as_eager(ag.value_and_grad(g), (0.25,), (0.5,))


@pytest.mark.parametrize("x", [np.array(0.5), X], ids=["0-d", "1-d"])
def test_checkpoint_inside_is_refused(x):
    """Once a bug (replays raised ShapeError and re-traced): ag.checkpoint is refused when traced."""
    tanh = ag.checkpoint(ag.tanh)
    compiled = ag.compile(lambda x: ag.value_and_grad(lambda a: tanh(a).sum())(x))
    compiled(x)
    with pytest.raises(ag.CompileError, match="ag.checkpoint"):
        compiled(x)


def test_take_follows_its_indices():
    """Once a bug (a replay gave the traced indices' result): take checks its indices in Python, which
    is an instruction of the program now (modes.data_computed)."""
    def f(x, i):
        return ag.value_and_grad(lambda a: (ag.take(a, i) * a[0]).sum())(x)
    _replays_as_eager(f, (X, np.array([0, 0])), (X, np.array([2, 1])))


def test_class_weights_converted_by_a_loss_are_refused_not_frozen():
    """cross_entropy indexes its class weights by the labels in Python: the first call on other
    weights is checked against eager and refused, changing nothing."""
    from autograd_lite.nn import functional as F
    logits, labels = np.arange(6.0).reshape(2, 3), np.array([0, 2])

    def f(z, w):
        return ag.value_and_grad(lambda a: F.cross_entropy(a, labels, weight=w))(z)
    compiled = ag.compile(f)
    compiled(logits, np.array([1.0, 2.0, 3.0]))
    compiled(logits, np.array([1.0, 2.0, 3.0]))
    with pytest.raises(ag.CompileError, match=FROZEN):
        compiled(logits, np.array([3.0, 1.0, 2.0]))
    same(compiled(logits, np.array([3.0, 1.0, 2.0])), f(logits, np.array([3.0, 1.0, 2.0])))


def test_scatter_add_takes_its_index_as_an_argument():
    """Once a bug: the index, a Tensor stand-in while tracing, reached np.add.at."""
    from autograd_lite import tensor_ops

    def f(x, i):
        return ag.value_and_grad(lambda a: tensor_ops.scatter_add(a, index=i, shape=(3,)).sum())(x)
    _replays_as_eager(f, (X, np.array([0, 2, 0])), (X, np.array([1, 2, 0])))


def test_getitem_takes_its_index_tuple_as_an_argument():
    """Once a bug: an index tuple holding a Tensor stand-in was refused ('computed outside')."""
    def f(x, i):
        return ag.value_and_grad(lambda a: (ag.getitem(a, index=(i,)) * a[0]).sum())(x)
    _replays_as_eager(f, (X, np.array([0, 2, 0])), (X, np.array([1, 2, 1])))
