"""The refusals, checks and warnings of ``fit(distribute=...)`` (see test_distribute.py), without Ray."""
import copy
import os
import pickle
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
from distribute_helpers import (
    RNG,
    SLOWER,
    X,
    Y,
    assert_same_weights,
    dense_model,
    fitted,
    is_built,
    largest_difference,
    unbuilt_model,
)

import autograd_lite as ag
from autograd_lite import data, keras, nn
from autograd_lite.distribute import Local, Ray, Strategy
from autograd_lite.distribute.strategy import slices

pytestmark = pytest.mark.filterwarnings(SLOWER)


# ---- 2. refusals, before anything changes ----------------------------------------------------------------
def snapshot(model):
    optimizer = model.optimizer
    return dict(weights=[w.copy() for w in model.get_weights()], optimizer=optimizer,
                optimizer_state=None if optimizer is None else copy.deepcopy(optimizer.state_dict()),
                history=getattr(model, "history", None), rng=ag.random.get_rng_state(), built=is_built(model),
                buffers={name: np.array(b.data) for name, b in model.named_buffers()})


def assert_unchanged(model, before):
    after = snapshot(model)
    assert after["built"] == before["built"]
    assert len(after["weights"]) == len(before["weights"])
    for a, b in zip(after["weights"], before["weights"]):
        np.testing.assert_array_equal(a, b)
    assert after["optimizer"] is before["optimizer"]
    if before["optimizer_state"] is not None:
        assert after["optimizer_state"]["step_count"] == before["optimizer_state"]["step_count"]
        assert pickle.dumps(after["optimizer_state"]) == pickle.dumps(before["optimizer_state"])
    assert after["history"] is before["history"]
    assert after["rng"] == before["rng"]
    assert after["buffers"].keys() == before["buffers"].keys()
    for name, value in before["buffers"].items():
        np.testing.assert_array_equal(after["buffers"][name], value)


def trained_once(model):
    model.fit(X, Y, batch_size=16, epochs=1, verbose=0, seed=0)
    return model


def generator():
    while True:
        yield X[:10], Y[:10]


#: name: (the model's maker, fit's arguments, the error, what its message says)
REFUSALS = {
    "the-string-ray": (unbuilt_model, dict(x=X, y=Y, distribute="ray"), TypeError, "distribute"),
    "an-object": (lambda: trained_once(dense_model()), dict(x=X, y=Y, distribute=object()), TypeError,
                  "distribute must be a strategy"),
    "the-class-not-an-instance": (unbuilt_model, dict(x=X, y=Y, distribute=Local), TypeError, "distribute"),
    "a-generator": (unbuilt_model, dict(x=generator(), steps_per_epoch=2, distribute=Local()), ValueError,
                    "as arrays"),
    "a-data-loader": (lambda: trained_once(dense_model()),
                      dict(x=data.DataLoader(data.TensorDataset(X, Y), batch_size=10), distribute=Local()),
                      ValueError, "generator or DataLoader"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refused_fit_changes_nothing(case):
    make, options, error, message = REFUSALS[case]
    model = make()
    before = snapshot(model)
    with pytest.raises(error, match=message):
        model.fit(verbose=0, **options)
    assert_unchanged(model, before)


class OwnStep(nn.Sequential):
    def train_step(self, data):
        return super().train_step(data)


@pytest.mark.parametrize("built", [False, True], ids=["unbuilt", "trained-once"])
def test_a_model_that_overrides_train_step_is_refused(built):
    nn.manual_seed(0)
    model = OwnStep(nn.Dense(4, input_dim=3 if built else None), nn.Dense(1))
    model.compile(optimizer="adam", loss="mse")
    if built:
        trained_once(model)
    before = snapshot(model)
    assert before["built"] is built
    with pytest.raises(ValueError, match="OwnStep overrides train_step"):
        model.fit(X, Y, verbose=0, distribute=Local(2))
    assert_unchanged(model, before)


@pytest.mark.parametrize("built", [False, True], ids=["unbuilt", "trained-once"])
def test_a_model_with_batch_normalization_is_refused_naming_the_buffer(built):
    nn.manual_seed(0)
    if built:
        model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1))
    else:
        model = nn.Sequential(nn.Dense(4), nn.BatchNormalization(), nn.Dense(1))
    model.compile(optimizer="sgd", loss="mse")
    if built:
        trained_once(model)
    before = snapshot(model)
    assert before["built"] is built
    with pytest.raises(ValueError, match=r"update buffers in training \(1\.(running_mean|moving_mean)"):
        model.fit(X, Y, verbose=0, distribute=Local(2))
    assert_unchanged(model, before)


class Scaled(nn.Module):
    """x times a constant buffer: a buffer that training does not update, which is not refused."""

    def __init__(self):
        super().__init__()
        self.register_buffer("scale", np.full(5, 0.5))

    def forward(self, x):
        return x * self.scale


def test_a_buffer_that_training_does_not_update_is_not_refused():
    options = dict(x=X, y=Y, batch_size=16, epochs=2, seed=0)
    alone, _, _ = fitted(lambda: dense_model(hidden=Scaled()), options, None)
    split, _, model = fitted(lambda: dense_model(hidden=Scaled()), options, Local(2))
    assert_same_weights(split, alone)
    np.testing.assert_array_equal(model[1].scale.data, np.full(5, 0.5))


@pytest.mark.parametrize(("arguments", "error", "message"), [
    (dict(num_workers=0), ValueError, "num_workers"),
    (dict(num_workers=-1), ValueError, "num_workers"),
    (dict(num_workers=2.5), TypeError, "num_workers"),
    (dict(num_workers=True), TypeError, "num_workers"),
    (dict(check="yes"), TypeError, "check"),
    (dict(check=1), TypeError, "check"),
], ids=["zero", "negative", "float", "bool", "check-string", "check-int"])
def test_local_refuses_wrong_arguments(arguments, error, message):
    with pytest.raises(error, match=f"Local: invalid {message}"):
        Local(**arguments)


@pytest.mark.parametrize(("rows", "count", "sizes"),
                         [(10, 3, [4, 3, 3]), (2, 5, [1, 1]), (6, 1, [6]), (0, 2, [])],
                         ids=["uneven", "fewer-rows-than-workers", "one", "none"])
def test_slices_are_contiguous_in_order_and_leave_out_the_empty_ones(rows, count, sizes):
    order = RNG.permutation(rows)
    pieces = slices(order, count)
    assert [len(piece) for piece in pieces] == sizes
    np.testing.assert_array_equal(np.concatenate([order[:0], *pieces]), order)


def test_strategy_is_an_interface_of_three_methods():
    assert issubclass(Local, Strategy) and issubclass(Ray, Strategy)
    with pytest.raises(TypeError):
        Strategy(2)   # abstract: setup, gradients, close
    assert repr(Local(3)) == "Local(num_workers=3)"


# ---- 3. the first step's check ---------------------------------------------------------------------------
def summed_loss(y_true, y_pred):
    return ag.sum((y_pred - y_true) ** 2)


@pytest.mark.parametrize("loss", [nn.losses.MeanSquaredError(reduction="sum"), summed_loss],
                         ids=["reduction-sum", "custom-sum"])
def test_a_loss_that_is_not_a_mean_is_caught_at_the_first_step(loss):
    model = dense_model(loss=loss, metrics=())
    before = [w.copy() for w in model.get_weights()]
    first = next(name for name, _ in model.named_parameters())
    strategy = Local(2)
    with pytest.raises(ValueError, match=rf"gradient of {first} combined .* not a mean over the samples"):
        model.fit(X, Y, batch_size=16, epochs=1, verbose=0, seed=0, distribute=strategy)
    assert strategy.replicas == []   # closed, though fit raised
    for a, b in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(a, b)   # no optimizer step was taken
    assert model.optimizer is None or model.optimizer.step_count == 0


def test_check_false_trains_a_summed_loss_and_then_differs_from_one_process():
    """The documented opt-out: without the check, a sum loss trains on the replicas, and gives the
    gradient of a mean of slice sums, not the global batch's sum: not what one process gives."""
    def make():
        return dense_model(optimizer=keras.optimizers.SGD(learning_rate=0.001),
                           loss=nn.losses.MeanSquaredError(reduction="sum"), metrics=())

    options = dict(x=X, y=Y, batch_size=16, epochs=2, seed=0)
    alone, _, _ = fitted(make, options, None)
    split, _, _ = fitted(make, options, Local(num_workers=2, check=False))
    untrained = make().get_weights()
    assert largest_difference(split, untrained) > 1e-3                  # it trained
    assert largest_difference(split, alone) > 1e-3 * largest_difference(alone, untrained)   # and differs


# ---- 4. dropout --------------------------------------------------------------------------------------------
def dropout_run(hidden, strategy, seed):
    """The weights after a fit of the model with ``hidden`` in the middle, and the global generator's
    state after it (seeded with 11 before the fit)."""
    model = dense_model(hidden=hidden)
    ag.manual_seed(11)
    model.fit(X, Y, batch_size=16, epochs=2, verbose=0, seed=seed, distribute=strategy)
    return model.get_weights(), ag.random.get_rng_state()


def test_dropout_with_a_fit_seed_draws_the_same_per_step_and_rank():
    first, _ = dropout_run(nn.Dropout(0.5), Local(3), seed=4)
    second, _ = dropout_run(nn.Dropout(0.5), Local(3), seed=4)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)        # the same seed: the same draws
    without, _ = dropout_run(nn.Identity(), None, seed=4)
    assert largest_difference(first, without) > 1e-3     # and the dropout did drop
    two_workers, _ = dropout_run(nn.Dropout(0.5), Local(2), seed=4)
    assert largest_difference(two_workers, first) > 1e-6   # each rank draws its own
    other_seed, _ = dropout_run(nn.Dropout(0.5), Local(3), seed=5)
    assert largest_difference(other_seed, first) > 1e-6


def test_dropout_leaves_the_drivers_generator_as_one_process_without_it_would():
    """Without a fit seed the global generator shuffles; the replicas (in this process, for Local)
    and the first step's check draw dropout masks from it and put it back."""
    _, state = dropout_run(nn.Dropout(0.5), Local(3), seed=None)
    _, without_state = dropout_run(nn.Identity(), None, seed=None)
    assert state == without_state


def test_dropout_without_a_fit_seed_repeats_after_manual_seed():
    first, _ = dropout_run(nn.Dropout(0.5), Local(3), seed=None)
    second, _ = dropout_run(nn.Dropout(0.5), Local(3), seed=None)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


def test_dropout_with_a_fit_seed_leaves_the_global_generator_untouched():
    model = dense_model(hidden=nn.Dropout(0.3))
    ag.manual_seed(5)
    state = ag.random.get_rng_state()
    model.fit(X, Y, batch_size=16, epochs=2, verbose=0, seed=3, distribute=Local(2))
    assert ag.random.get_rng_state() == state


def test_a_summed_loss_is_caught_with_dropout_too():
    model = dense_model(hidden=nn.Dropout(0.2), loss=nn.losses.MeanSquaredError(reduction="sum"), metrics=())
    with pytest.raises(ValueError, match="not a mean over the samples"):
        model.fit(X, Y, batch_size=16, epochs=1, verbose=0, seed=0, distribute=Local(2))


# ---- 5. the "does not pay" warning -------------------------------------------------------------------------
def slower_warnings(model, **options):
    """The "does not pay" warnings of one fit of ``model`` on Local(num_workers=5)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, Y, batch_size=8, epochs=2, verbose=0, seed=0, distribute=Local(num_workers=5), **options)
    return [w for w in caught if "a distributed step takes" in str(w.message)]


def test_a_tiny_model_warns_once_per_fit_with_the_numbers():
    """Five slices of a tiny model cost ~10× one local step (2.3 ms against 0.2 ms here), 14 steps
    follow the timed ones, and each fit warns once. The local step is timed once, so a preemption
    of the driver in those 0.2 ms can hide the warning (1 fit in 300 here, see the report): a fit
    that did not warn is tried once more, one that warned twice fails at once."""
    model = dense_model()
    count = sum(int(np.size(w)) for w in model.get_weights())
    for _ in range(2):   # once per fit, not once per model or per process
        slower = slower_warnings(model)
        assert len(slower) <= 1
        slower = slower or slower_warnings(model)
        assert len(slower) == 1
    message = str(slower[0].message)
    assert slower[0].category is UserWarning
    assert slower[0].filename == __file__   # it points at the fit call
    found = re.search(r"takes (\d+\.\d) ms \(median of 3\), a local step .* about (\d+\.\d) ms: for this "
                      r"model \(([\d,]+) parameters\).*Local\(num_workers=5\) is (\d+\.\d)× slower", message)
    assert found, message
    assert int(found[3].replace(",", "")) == count == 26
    assert float(found[1]) >= float(found[2]) > 0 and float(found[4]) >= 1.0


@pytest.mark.filterwarnings("error:fit. a distributed step takes:UserWarning")
def test_check_false_never_warns(recwarn):
    model = dense_model()
    model.fit(X, Y, batch_size=8, epochs=2, verbose=0, seed=0, distribute=Local(num_workers=5, check=False))
    assert not [w for w in recwarn.list if "distributed step" in str(w.message)]


@pytest.mark.filterwarnings("error:fit. a distributed step takes:UserWarning")
def test_a_fit_of_fewer_steps_than_timed_does_not_warn():
    model = dense_model()
    model.fit(X, Y, batch_size=20, epochs=1, verbose=0, seed=0, distribute=Local(num_workers=5))   # 3 steps


# ---- 6. Ray: imported only by a run on it -----------------------------------------------------------------
def test_importing_the_package_does_not_import_ray():
    code = ("import autograd_lite, autograd_lite.distribute, autograd_lite.integrations.tune, sys; "
            "assert 'ray' not in sys.modules, sorted(m for m in sys.modules if m.startswith('ray'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_ray_without_ray_installed_raises_with_the_pip_command_before_the_model_changes(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)   # `import ray` raises ImportError
    strategy = Ray(num_workers=2)                   # making it needs no Ray
    model = unbuilt_model()
    before = snapshot(model)
    with pytest.raises(ImportError, match=r"pip install 'autograd_lite\[ray\]'"):
        model.fit(X, Y, verbose=0, distribute=strategy)
    assert_unchanged(model, before)


# ---- 7. pickling -------------------------------------------------------------------------------------------
def test_a_built_in_primitive_pickles_by_name():
    for op in (ag.ops.relu, ag.ops.exp, ag.ops.tanh):
        blob = pickle.dumps(op)
        assert pickle.loads(blob) is op
        assert len(blob) < 100   # its name, not its parts


@ag.primitive
def cube(x):
    return x ** 3


cube.defvjp(lambda g, out, x: g * 3 * x ** 2)

#: loads a pickled primitive where this test module cannot be imported, and calls it and its VJP
LOAD_AND_CALL = ("import sys, pickle, autograd_lite as ag; op = pickle.loads(sys.stdin.buffer.read()); "
                 "x = ag.Tensor(2.0, requires_grad=True); y = op(x); y.backward(); "
                 "print(float(y.data), float(x.grad))")


def cloudpickle_or_skip():
    if os.environ.get("CI"):
        from ray import cloudpickle  # in CI Ray is installed (the dev extra): fail, not skip
    else:
        cloudpickle = pytest.importorskip("ray.cloudpickle")
    return cloudpickle


def test_a_user_primitive_pickles_by_value_with_cloudpickle():
    cloudpickle = cloudpickle_or_skip()
    module = sys.modules[__name__]
    cloudpickle.register_pickle_by_value(module)
    try:
        blob = cloudpickle.dumps(cube)
    finally:
        cloudpickle.unregister_pickle_by_value(module)
    result = subprocess.run([sys.executable, "-c", LOAD_AND_CALL], input=blob, capture_output=True, cwd="/",
                            timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().split() == ["8.0", "12.0"]


def test_a_user_primitive_round_trips_with_pickle_where_its_module_is_importable():
    assert pickle.loads(pickle.dumps(cube)) is cube


def test_a_primitive_whose_module_is_missing_does_not_unpickle_as_none():
    blob = pickle.dumps(cube)
    code = "import sys, pickle; op = pickle.loads(sys.stdin.buffer.read()); print(type(op).__name__)"
    result = subprocess.run([sys.executable, "-c", code], input=blob, capture_output=True, cwd="/",
                            timeout=60)
    assert result.returncode != 0 and b"cube" in result.stderr, (result.stdout, result.stderr)



def test_the_warning_times_only_batches_as_large_as_the_one_timed_locally():
    """1030 rows in batches of 1024: each epoch ends with a batch of 6 rows, far faster than a full
    one; timed beside the full batch's local step, they would hide a slower distributed fit."""
    model = nn.Sequential(nn.Dense(4, input_dim=3), nn.Dense(1))
    model.compile(optimizer="sgd", loss="mse")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(np.ones((1030, 3)), np.ones(1030), batch_size=1024, epochs=5, verbose=0,
                  distribute=Local(num_workers=8))
    assert len([w for w in caught if "a distributed step takes" in str(w.message)]) == 1


# ---- the Tune callback's arguments ---------------------------------------------------------------------
@pytest.mark.parametrize(("arguments", "error", "message"), [
    (dict(checkpoint="all"), ValueError, "checkpoint must be 'weights', 'model' or None"),
    (dict(metrics="loss"), TypeError, "metrics must be a list of log names"),
    (dict(frequency=0), ValueError, "frequency"),
    (dict(frequency=1.5), TypeError, "frequency"),
], ids=["checkpoint", "metrics-string", "frequency-zero", "frequency-float"])
def test_tune_report_refuses_wrong_arguments(arguments, error, message):
    from autograd_lite.integrations.tune import TuneReport

    with pytest.raises(error, match=message):
        TuneReport(**arguments)


def test_tune_report_takes_numpy_integers_and_refuses_a_fit_outside_a_trial():
    from autograd_lite.integrations.tune import TuneReport

    if not os.environ.get("CI"):
        pytest.importorskip("ray.tune")
    report = TuneReport(metrics=("loss",), frequency=np.int64(2))
    assert report.frequency == 2 and type(report.frequency) is int and report.metrics == ["loss"]
    model = dense_model()
    with pytest.raises(RuntimeError, match="does not run in a Ray Tune trial"):
        model.fit(X, Y, epochs=1, verbose=0, callbacks=[report])
