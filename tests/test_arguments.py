"""Every public constructor checks its arguments where they are given (issue 11, section 5).

Where PyTorch defines the behaviour, the same arguments go to ``torch.optim`` (and ``torch.nn``): a
bad argument is rejected by both, a good one accepted by both. Where we are stricter than PyTorch (a
NaN or infinite rate, a truthy stand-in for a bool, a misspelt hyperparameter in a group, a
parameter listed twice), only ours is asserted, with a comment that says so. Every error names the
argument and its value, and a call that raises changes nothing.
"""

import copy
import math

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from autograd_lite import Tensor, nn
from autograd_lite.optim import (
    SGD,
    Adagrad,
    Adam,
    AdamW,
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    RMSprop,
    StepLR,
)

torch = pytest.importorskip("torch")

NAN, INF = float("nan"), float("inf")
OURS = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW, "RMSprop": RMSprop, "Adagrad": Adagrad}


def ours_param():
    return Tensor([0.5, -1.0], requires_grad=True)


def torch_param():
    return torch.tensor([0.5, -1.0], dtype=torch.float64, requires_grad=True)


def build(library, name, kwargs, params=None):
    """``name(params, **kwargs)`` in ``library`` ("ours" or "torch"), with one parameter by default."""
    if library == "ours":
        return OURS[name]([ours_param()] if params is None else params, **kwargs)
    return getattr(torch.optim, name)([torch_param()] if params is None else params, **kwargs)


# ---- optimizers: hyperparameters, against torch.optim ---------------------------------------------
BAD_HYPERPARAMETERS = [  # (optimizer, arguments, the words our message must contain)
    ("SGD", {"lr": -0.1}, "invalid lr -0.1"),
    ("SGD", {"lr": "0.1"}, "invalid lr '0.1'"),
    ("SGD", {"lr": None}, "invalid lr None"),
    ("SGD", {"momentum": -0.5}, "invalid momentum -0.5"),
    ("SGD", {"weight_decay": -1.0}, "invalid weight_decay -1.0"),
    ("SGD", {"nesterov": True}, "momentum=0.0 and dampening=0.0"),
    ("SGD", {"nesterov": True, "momentum": 0.9, "dampening": 0.5}, "dampening=0.5"),
    ("Adam", {"lr": -1e-3}, "invalid lr -0.001"),
    ("Adam", {"eps": -1e-8}, "invalid eps -1e-08"),
    ("Adam", {"betas": (0.9,)}, r"invalid betas \(0.9,\); it must be a pair"),
    ("Adam", {"betas": 0.9}, "invalid betas 0.9"),
    ("Adam", {"betas": (1.0, 0.999)}, "invalid beta1 1.0"),
    ("Adam", {"betas": (0.9, -0.1)}, "invalid beta2 -0.1"),
    ("Adam", {"betas": (0.9, 1.5)}, "invalid beta2 1.5"),
    ("Adam", {"weight_decay": -0.1}, "invalid weight_decay -0.1"),
    ("AdamW", {"betas": (0.9,)}, "invalid betas"),
    ("AdamW", {"weight_decay": -0.1}, "invalid weight_decay -0.1"),
    ("AdamW", {"eps": NAN}, "invalid eps nan"),
    ("RMSprop", {"lr": -0.01}, "invalid lr -0.01"),
    ("RMSprop", {"alpha": -0.5}, "invalid alpha -0.5"),
    ("RMSprop", {"eps": -1.0}, "invalid eps -1.0"),
    ("RMSprop", {"momentum": -0.1}, "invalid momentum -0.1"),
    ("RMSprop", {"weight_decay": -0.1}, "invalid weight_decay -0.1"),
    ("Adagrad", {"lr": -0.01}, "invalid lr -0.01"),
    ("Adagrad", {"lr_decay": -0.1}, "invalid lr_decay -0.1"),
    ("Adagrad", {"weight_decay": -0.1}, "invalid weight_decay -0.1"),
    ("Adagrad", {"initial_accumulator_value": -0.1}, "invalid initial_accumulator_value -0.1"),
    ("Adagrad", {"eps": -1e-10}, "invalid eps -1e-10"),
]


@pytest.mark.parametrize("name, kwargs, message", BAD_HYPERPARAMETERS)
def test_bad_hyperparameters_are_rejected_at_construction_as_torch_rejects_them(name, kwargs, message):
    with pytest.raises(Exception):  # noqa: B017 - torch raises ValueError, TypeError or IndexError
        build("torch", name, kwargs)
    with pytest.raises((ValueError, TypeError), match=f"^{name}: .*{message}"):
        build("ours", name, kwargs)


GOOD_HYPERPARAMETERS = [
    ("SGD", {}), ("SGD", {"lr": 0.0}), ("SGD", {"lr": 1}), ("SGD", {"lr": np.float64(0.1)}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weight_decay": 1e-4}),
    ("Adam", {}), ("Adam", {"betas": (0.0, 0.0), "eps": 0.0}), ("Adam", {"betas": [0.5, 0.99]}),
    ("Adam", {"amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {}), ("AdamW", {"weight_decay": 0.0, "amsgrad": True}),
    ("RMSprop", {}), ("RMSprop", {"alpha": 0.5, "centered": True, "momentum": 0.9}),
    ("RMSprop", {"alpha": 1.0}),
    ("Adagrad", {}), ("Adagrad", {"lr_decay": 0.1, "initial_accumulator_value": 0.1, "eps": 0.0}),
]


@pytest.mark.parametrize("name, kwargs", GOOD_HYPERPARAMETERS)
def test_good_hyperparameters_are_accepted_and_step_as_torch_does(name, kwargs):
    ours, theirs = ours_param(), torch_param()
    optimizers = [OURS[name]([ours], **kwargs), getattr(torch.optim, name)([theirs], **kwargs)]
    for _ in range(3):
        ours.grad = np.array([0.3, -0.7])
        theirs.grad = torch.tensor([0.3, -0.7], dtype=torch.float64)
        for optimizer in optimizers:
            optimizer.step()
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12, atol=1e-15)


STRICTER_THAN_TORCH = [  # torch accepts these; each would give a wrong or meaningless run
    ("SGD", {"lr": NAN}, "invalid lr nan"),  # torch's SGD checks lr < 0, which NaN passes
    ("SGD", {"lr": INF}, "invalid lr inf; it must be a finite number"),
    ("SGD", {"lr": True}, "invalid lr True"),
    ("SGD", {"dampening": NAN}, "invalid dampening nan"),
    ("SGD", {"momentum": 0.9, "nesterov": "yes"}, "invalid nesterov 'yes'; it must be True or False"),
    ("Adam", {"amsgrad": 1}, "invalid amsgrad 1"),
    ("Adam", {"betas": (0.9, 0.99, 0.9)}, "it must be a pair"),
    ("RMSprop", {"centered": None}, "invalid centered None"),
    ("RMSprop", {"alpha": 2.0}, r"invalid alpha 2.0; it must be a finite number in \[0, 1\]"),  # NaN steps
]


@pytest.mark.parametrize("name, kwargs, message", STRICTER_THAN_TORCH)
def test_we_also_reject_what_torch_lets_through(name, kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        build("ours", name, kwargs)


# ---- optimizers: params -----------------------------------------------------------------------------
def bad_params(library):
    """(case, params) that both libraries reject."""
    make = ours_param if library == "ours" else torch_param
    shared = make()
    return {
        "empty list": [],
        "empty generator": (p for p in []),
        "a lone tensor": make(),
        "a number in the list": [make(), 1.0],
        "an array in the list": [np.zeros(2)],
        "a non-leaf": [make() * 2],
        "a dict, not a list of dicts": {"params": [make()]},
        "tensors mixed with groups": [make(), {"params": [make()]}],
        "a group without params": [{"lr": 0.1}],
        "a group's params as a set": [{"params": {make()}}],
        "a parameter in two groups": [{"params": [shared]}, {"params": [shared]}],
        "a string": "weights",
    }


@pytest.mark.parametrize("case", list(bad_params("ours")))
def test_bad_params_are_rejected_as_torch_rejects_them(case):
    with pytest.raises(Exception):  # noqa: B017 - torch raises TypeError, ValueError or KeyError
        torch.optim.SGD(bad_params("torch")[case], lr=0.1)
    with pytest.raises((ValueError, TypeError), match="^SGD"):
        SGD(bad_params("ours")[case], lr=0.1)


def test_good_params_are_accepted_by_both():
    for library, make in (("ours", ours_param), ("torch", torch_param)):
        a, b = make(), make()
        for params in ([a, b], (p for p in [a, b]), (a, b), [{"params": [a]}, {"params": b, "lr": 0.5}],
                       [{"params": []}, {"params": [a]}]):
            optimizer = build(library, "SGD", {"lr": 0.1}, params)
            assert [len(g["params"]) for g in optimizer.param_groups] in ([2], [1, 1], [0, 1])


@pytest.mark.parametrize("params, message", [
    (lambda p: {p, Tensor([1.0], requires_grad=True)}, "not a set"),
    (lambda p: [p, p], "more than once"),
    (lambda p: [{"params": [p], "learning_rate": 0.1}], r"unknown hyperparameter\(s\) \['learning_rate'\]"),
    (lambda p: [{"params": [p], "lr": -1.0}], "invalid lr -1.0"),
    (lambda p: [{"params": [p], "lr": 0.1}, {"params": [Tensor([1.0], requires_grad=True)], "lr": NAN}],
     "invalid lr nan"),
])
def test_params_that_only_we_reject(params, message):
    # torch accepts all of these: a set's order changes between runs, a duplicate is updated twice,
    # a misspelt key silently keeps the default, a group's own lr is not checked at all
    with pytest.raises((ValueError, TypeError), match=message):
        SGD(params(ours_param()), lr=0.1)


def test_a_failed_add_param_group_changes_nothing():
    a = ours_param()
    optimizer = Adam([a], lr=0.1)
    before = copy.deepcopy(optimizer.state_dict())
    for group in ({"params": [ours_param()], "betas": (0.9,)}, {"params": [a]}, {"params": [ours_param(), 3]},
                  {"lr": 0.1}, [ours_param()]):
        with pytest.raises((ValueError, TypeError)):
            optimizer.add_param_group(group)
        assert len(optimizer.param_groups) == 1
        assert optimizer.state_dict() == before


# ---- learning-rate schedulers -------------------------------------------------------------------------
def one_group(library):
    return SGD([ours_param()], lr=0.1) if library == "ours" else torch.optim.SGD([torch_param()], lr=0.1)


SCHEDULERS = {"ours": {"StepLR": StepLR, "ExponentialLR": ExponentialLR,
                       "CosineAnnealingLR": CosineAnnealingLR, "LambdaLR": LambdaLR},
              "torch": vars(torch.optim.lr_scheduler)}


def schedule(library, name, kwargs, optimizer=None):
    return SCHEDULERS[library][name](one_group(library) if optimizer is None else optimizer, **kwargs)


@pytest.mark.parametrize("name, kwargs", [
    ("LambdaLR", {"lr_lambda": 3}),
    ("LambdaLR", {"lr_lambda": [lambda t: 1.0, lambda t: 0.5]}),
    ("LambdaLR", {"lr_lambda": "linear"}),
])
def test_bad_scheduler_arguments_are_rejected_as_torch_rejects_them(name, kwargs):
    with pytest.raises(Exception):  # noqa: B017
        schedule("torch", name, kwargs)
    with pytest.raises((ValueError, TypeError), match="LambdaLR: .*lr_lambda"):
        schedule("ours", name, kwargs)


def test_a_scheduler_needs_an_optimizer_in_both():
    with pytest.raises(TypeError):
        torch.optim.lr_scheduler.ExponentialLR(one_group("torch").param_groups, gamma=0.5)
    for cls in SCHEDULERS["ours"].values():
        with pytest.raises(TypeError, match="schedules an Optimizer, not a list"):
            cls(one_group("ours").param_groups, 1)


@pytest.mark.parametrize("name, kwargs", [
    ("StepLR", {"step_size": 1}), ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("StepLR", {"step_size": 2, "gamma": 0}),
    ("ExponentialLR", {"gamma": 0.9}), ("ExponentialLR", {"gamma": 1.5}),
    ("CosineAnnealingLR", {"T_max": 4}), ("CosineAnnealingLR", {"T_max": 3, "eta_min": 0.01}),
    ("LambdaLR", {"lr_lambda": lambda t: 1 / (1 + t)}), ("LambdaLR", {"lr_lambda": [lambda t: 0.9**t]}),
])
def test_good_scheduler_arguments_are_accepted_and_give_torchs_rates(name, kwargs):
    runs = {}
    for library in ("ours", "torch"):
        optimizer = one_group(library)
        scheduler = schedule(library, name, kwargs, optimizer)
        rates = []
        for _ in range(10):
            rates.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step()
        runs[library] = rates
    np.testing.assert_allclose(runs["ours"], runs["torch"], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name, kwargs, error, message", [
    # torch accepts each of these and fails (ZeroDivisionError) or goes wrong (a negative rate) later
    ("StepLR", {"step_size": 0}, ValueError, "invalid step_size 0; it must be an integer >= 1"),
    ("StepLR", {"step_size": -1}, ValueError, "invalid step_size -1"),
    ("StepLR", {"step_size": 2.5}, TypeError, "invalid step_size 2.5"),
    ("StepLR", {"step_size": "3"}, TypeError, "invalid step_size '3'"),
    ("StepLR", {"step_size": True}, TypeError, "invalid step_size True"),
    ("StepLR", {"step_size": 2, "gamma": -0.5}, ValueError, "invalid gamma -0.5"),
    ("StepLR", {"step_size": 2, "gamma": NAN}, ValueError, "invalid gamma nan"),
    ("ExponentialLR", {"gamma": -1.0}, ValueError, "invalid gamma -1.0"),
    ("ExponentialLR", {"gamma": INF}, ValueError, "invalid gamma inf"),
    ("ExponentialLR", {"gamma": "0.5"}, TypeError, "invalid gamma '0.5'"),
    ("CosineAnnealingLR", {"T_max": 0}, ValueError, "invalid T_max 0"),
    ("CosineAnnealingLR", {"T_max": 1.5}, TypeError, "invalid T_max 1.5"),
    ("CosineAnnealingLR", {"T_max": 3, "eta_min": -0.1}, ValueError, "invalid eta_min -0.1"),
    ("LambdaLR", {"lr_lambda": lambda t: -1.0}, ValueError, r"invalid lr_lambda\(0\) of group 0 -1.0"),
    ("LambdaLR", {"lr_lambda": lambda t: "1"}, TypeError, r"invalid lr_lambda\(0\) of group 0 '1'"),
])
def test_scheduler_arguments_that_only_we_check_and_nothing_is_changed(name, kwargs, error, message):
    optimizer = one_group("ours")
    before = optimizer.state_dict()
    with pytest.raises(error, match=f"^{name}: {message}"):
        schedule("ours", name, kwargs, optimizer)
    assert optimizer.state_dict() == before  # no "initial_lr" was left behind


def test_a_scheduler_step_that_raises_changes_nothing():
    optimizer = one_group("ours")
    scheduler = LambdaLR(optimizer, lambda t: 1.0 if t < 3 else math.nan)
    for _ in range(2):
        scheduler.step()
    saved, lr = scheduler.state_dict(), optimizer.param_groups[0]["lr"]
    with pytest.raises(ValueError, match=r"LambdaLR: invalid lr_lambda\(3\) of group 0 nan"):
        scheduler.step()
    assert scheduler.state_dict() == saved and optimizer.param_groups[0]["lr"] == lr


# ---- nn: layers and modules ----------------------------------------------------------------------------
@pytest.mark.parametrize("args", [(-1, 3), (3, -1), (2.5, 3), ("3", 3), (3, None)])
def test_bad_linear_sizes_are_rejected_as_torch_rejects_them(args):
    with pytest.raises((TypeError, ValueError, RuntimeError)):
        torch.nn.Linear(*args)
    with pytest.raises((TypeError, ValueError), match=r"^Linear: invalid (in|out)_features "):
        nn.Linear(*args)


@pytest.mark.parametrize("args", [(0, 3), (3, 0), (np.int64(3), 2), (3, 2, False), (1, 1)])
def test_good_linear_sizes_are_accepted_and_compute_what_torch_computes(args):
    ours, theirs = nn.Linear(*args), torch.nn.Linear(*args, dtype=torch.float64)
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(ours.weight.data))
        if ours.bias is not None:
            theirs.bias.copy_(torch.from_numpy(ours.bias.data))
    x = np.random.default_rng(0).normal(size=(4, int(args[0])))
    np.testing.assert_allclose(ours(x).data, theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-12)
    if args[0] == 0:  # PyTorch's bound for an empty input is 0: the bias starts at zero
        assert_array_equal(ours.bias.data, np.zeros(args[1]))
        assert not theirs.bias.detach().numpy().any()


def test_train_mode_must_be_a_bool_in_both():
    with pytest.raises(ValueError, match="boolean"):
        torch.nn.Linear(2, 2).train("False")
    layer = nn.Sequential(nn.Linear(2, 2))
    with pytest.raises(TypeError, match=r"Sequential.train: invalid mode 'False'; it must be True or False"):
        layer.train("False")
    assert not layer.training and layer[0].training   # unchanged: a Keras model starts in inference


@pytest.mark.parametrize("make, error, message", [
    # torch accepts these at construction (a truthy bias, any slope or dim) and fails or misleads later
    (lambda: nn.Linear(2, 3, bias="no"), TypeError, "Linear: invalid bias 'no'; it must be True or False"),
    (lambda: nn.Linear(True, 3), TypeError, "Linear: invalid in_features True"),
    (lambda: nn.LeakyReLU(negative_slope="0.1"), TypeError, "LeakyReLU: invalid negative_slope '0.1'"),
    (lambda: nn.LeakyReLU(negative_slope=NAN), ValueError, "LeakyReLU: invalid negative_slope nan"),
    (lambda: nn.Softmax(axis=1.5), TypeError, "Softmax: invalid axis 1.5; it must be an integer"),
    (lambda: nn.Softmax(axis=None), TypeError, "Softmax: invalid axis None"),
    (lambda: nn.Dense(units=0), ValueError, "Dense: invalid units 0; it must be an integer >= 1"),
    (lambda: nn.Dense(units=-1), ValueError, "Dense: invalid units -1"),
    (lambda: nn.Dense(units=2.5), TypeError, "Dense: invalid units 2.5"),
    (lambda: nn.Dense(units="3"), TypeError, "Dense: invalid units '3'"),
    (lambda: nn.Dense(units=3, activation="relux"), ValueError, "Dense: unknown activation 'relux'"),
    (lambda: nn.Dense(units=3, activation=3), TypeError, "Dense: invalid activation 3"),
    (lambda: nn.Dense(units=3, input_dim=0), ValueError, "Dense: invalid input_dim 0"),
    (lambda: nn.Dense(units=3, input_dim="2"), TypeError, "Dense: invalid input_dim '2'"),
    (lambda: nn.Dense(units=3, input_dim=2, use_bias="yes"), TypeError, "Dense: invalid use_bias 'yes'"),
    (lambda: nn.Dense(units=3).build(0), ValueError, "Dense: invalid input_dim 0"),
    (lambda: nn.Input(shape=3), TypeError, r"Input: invalid shape 3; it must be a tuple of"),
    (lambda: nn.Input(shape=(0,)), ValueError, r"Input: invalid shape \(0,\)"),
    (lambda: nn.Input(shape=(3.5,)), TypeError, r"Input: invalid shape \(3.5,\)"),
    (lambda: nn.Input(shape="3"), TypeError, "Input: invalid shape '3'"),
    (lambda: nn.Parameter(["a", "b"]), TypeError, "Parameter: data must hold real numbers .* not <U1"),
    (lambda: nn.Parameter([True, False]), TypeError, "Parameter: data must hold real numbers .* not bool"),
    (lambda: nn.Parameter([1j]), TypeError, "Parameter: data .* not complex128"),
    (lambda: nn.Parameter([[1.0], [2.0, 3.0]]), TypeError, "Parameter: cannot make a float array of list"),
    (lambda: nn.Parameter([1.0], dtype=int), TypeError, "Parameter: invalid dtype <class 'int'>"),
    (lambda: nn.manual_seed(-1), ValueError, "manual_seed: invalid seed -1; it must be an integer >= 0"),
    (lambda: nn.manual_seed(1.5), TypeError, "manual_seed: invalid seed 1.5"),
    (lambda: nn.manual_seed("0"), TypeError, "manual_seed: invalid seed '0'"),
])
def test_nn_arguments_are_checked_where_given_and_a_failure_draws_nothing(make, error, message):
    nn.manual_seed(0)
    expected = nn.Linear(3, 3).weight.data
    nn.manual_seed(0)
    if error is None:   # accepted (a generator is made, not run)
        make()
    else:
        with pytest.raises(error, match=f"^{message}"):
            make()
    if message is None or not message.startswith("manual_seed"):
        assert_array_equal(nn.Linear(3, 3).weight.data, expected)  # the seeded generator is untouched


def test_named_parameters_prefix_must_be_a_string():
    with pytest.raises(TypeError, match="named_parameters: invalid prefix 1; it must be a str"):
        list(nn.Linear(2, 2).named_parameters(prefix=1))


def test_good_nn_arguments_are_accepted():
    assert nn.Dense(np.int64(3), activation="relu", input_dim=np.int32(2), use_bias=np.bool_(False)).built
    assert nn.Dense(2, activation=lambda z: z * 2).activation_name == "<lambda>"
    assert nn.Input([3]).shape == (None, 3) and nn.Input((2, 3)).shape == (None, 2, 3)   # Keras' batch axis
    assert nn.Input(shape=()).shape == (None,)
    assert nn.LeakyReLU(np.float32(0.2)).negative_slope == pytest.approx(0.2)
    assert nn.LeakyReLU(-1).negative_slope == -1.0 and nn.Softmax(np.int64(0)).axis == 0
    assert nn.Parameter(np.arange(3), dtype=np.float32).dtype == np.float32
    assert nn.Parameter(Tensor([1.0, 2.0])).requires_grad
    nn.manual_seed(np.uint32(7))


# ---- a load_state_dict or a step that raises changes nothing ----------------------------------------
def assert_same_checkpoint(a, b):
    """Two state dicts are equal, arrays entry by entry and with the same dtype."""
    assert type(a) is type(b)
    if isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            assert_same_checkpoint(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same_checkpoint(x, y)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        assert_array_equal(a, b)
    else:
        assert a == b


def set_in(path, value):
    """An edit of a checkpoint: ``saved[path[0]][path[1]]... = value``."""
    def edit(saved):
        target = saved
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return saved
    return edit


@pytest.mark.parametrize("edit, error, match", [
    (set_in(["state", 0, "exp_avg"], np.zeros(3)), ValueError, r"state\[0\]\['exp_avg'\] has shape \(3,\)"),
    (set_in(["state", 0, "exp_avg"], np.array(["a", "b"])), TypeError, "has dtype <U1"),
    (set_in(["state", 0, "step"], "1"), TypeError, r"state\[0\]\['step'\] is a str"),
    (set_in(["state", 7], {}), ValueError, "entry 7"),
    (set_in(["state"], [1]), ValueError, "state must be a dict"),
    (set_in(["param_groups", 0, "betas"], (0.9,)), ValueError, r"invalid betas \(0.9,\)"),
    (set_in(["param_groups", 0, "eps"], -1.0), ValueError, "invalid eps -1.0"),
    (set_in(["param_groups", 0, "lr_typo"], 0.1), ValueError, r"unknown hyperparameter\(s\) \['lr_typo'\]"),
    (set_in(["param_groups", 0, "params"], [1]), ValueError,
     r"number their parameters 0 .. 0, each once; got \[1\]"),
    (set_in(["param_groups", 0, "params"], [0, 0]), ValueError, r"saved groups hold \[2\] parameters"),
    (set_in(["param_groups"], [{"lr": 0.1}]), ValueError, "each hold a 'params' list"),
    (set_in(["step_count"], -1), ValueError, "invalid step_count -1"),
    (set_in(["step_count"], 1.5), TypeError, "invalid step_count 1.5"),
    (lambda saved: {k: v for k, v in saved.items() if k != "state"}, ValueError, "this one has"),
    (lambda saved: [saved], TypeError, "expected a dict from state_dict"),
])
def test_a_failed_load_state_dict_changes_nothing(edit, error, match):
    # the checkpoint's lr (0.5) differs from the optimizer's: a load that fails must not have set it
    source = Tensor([1.0, 2.0], requires_grad=True)
    saved_from = Adam([source], lr=0.5)
    source.grad = np.array([1.0, -1.0])
    saved_from.step()
    p = Tensor([3.0, 4.0], requires_grad=True)
    optimizer = Adam([p], lr=0.1)
    p.grad = np.array([0.5, 0.5])
    optimizer.step()
    before = optimizer.state_dict()
    with pytest.raises(error, match=match):
        optimizer.load_state_dict(edit(saved_from.state_dict()))
    assert_same_checkpoint(optimizer.state_dict(), before)
    assert optimizer.param_groups[0]["lr"] == 0.1


def test_a_failed_scheduler_load_state_dict_changes_nothing():
    optimizer = SGD([Tensor([0.0], requires_grad=True)], lr=1.0)
    scheduler = StepLR(optimizer, step_size=2, gamma=0.5)
    scheduler.step()
    before = scheduler.state_dict()
    for edit, match in [(set_in(["gamma"], -1.0), "invalid gamma -1.0"),
                        (set_in(["last_epoch"], "3"), "invalid last_epoch '3'"),
                        (set_in(["base_lrs"], [1.0, 2.0]), "base_lrs must be a list of 1"),
                        (set_in(["_last_lr"], [-1.0]), "invalid _last_lr -1.0"),
                        (set_in(["extra"], 1), r"unexpected \['extra'\]")]:
        with pytest.raises((ValueError, TypeError), match=match):
            scheduler.load_state_dict(edit(scheduler.state_dict()))
        assert scheduler.state_dict() == before


def test_a_step_that_raises_updates_no_parameter():
    a, b = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0], requires_grad=True)
    optimizer = SGD([a, b], lr=0.1, momentum=0.9)
    a.grad, b.grad = np.ones(2), np.ones(2)   # b's gradient has the wrong shape: a comes first
    with pytest.raises(ValueError, match=r"shape \(1,\) has a gradient of shape \(2,\)"):
        optimizer.step()
    assert_array_equal(a.data, [1.0, 2.0])
    assert optimizer.state == {} and optimizer.step_count == 0


def test_hyperparameters_changed_in_param_groups_are_checked_at_step():
    p = Tensor([1.0], requires_grad=True)
    optimizer = Adam([p], lr=0.1)
    p.grad = np.ones(1)
    for key, value, match in [("lr", -0.1, "invalid lr -0.1"), ("betas", (0.9,), "invalid betas"),
                              ("learning_rate", 0.1, "unknown hyperparameter")]:
        group = optimizer.param_groups[0]
        saved = group.get(key)
        group[key] = value
        with pytest.raises(ValueError, match=match):
            optimizer.step()
        assert_array_equal(p.data, [1.0])
        assert optimizer.step_count == 0
        if saved is None:
            del group[key]
        else:
            group[key] = saved
    with pytest.raises(TypeError, match=r"Adam.step: invalid closure 3"):
        optimizer.step(3)
    optimizer.step()
    assert p.data[0] < 1.0


@pytest.mark.parametrize("state", [{}, {"bit_generator": "PCG64", "state": {"state": 1}}])
def test_a_bad_generator_state_is_an_error_naming_set_rng_state_and_changes_nothing(state):
    before = nn.get_rng_state()
    with pytest.raises(ValueError, match="set_rng_state: invalid state"):
        nn.set_rng_state(state)
    assert nn.get_rng_state() == before
