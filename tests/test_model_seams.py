"""The seams of Keras' ``Model`` (issue 12, item 6): ``fit`` calls ``train_step`` for every batch and
``evaluate`` calls ``test_step``, so that a subclass changes what they do; ``compile`` resolves the loss
once, into a record; every registry of names is read one way, with one error."""

import ast
import dataclasses
import pathlib
import re

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import autograd_lite
from autograd_lite import nn, optim
from autograd_lite.nn import _arguments, _compiled, layers
from autograd_lite.nn import functional as F

X = np.random.default_rng(0).normal(size=(10, 2))
Y = (X[:, 0] > 0).astype(float)


def compiled(model_class=nn.Sequential, **options):
    nn.manual_seed(0)
    model = model_class(nn.Dense(1, input_dim=2, activation="sigmoid"))
    model.compile(**{"optimizer": "sgd", "loss": "binary_crossentropy", "metrics": ["accuracy"], **options})
    return model


# ---- train_step and test_step ----------------------------------------------------------------------
class Recording(nn.Sequential):
    """Keeps what fit hands each step, and what each step returned."""

    def train_step(self, data):
        logs = super().train_step(data)
        self.steps.append(((data[0].shape, data[1].shape), logs))
        return logs


def test_fit_calls_train_step_once_per_batch_with_the_batch():
    model = compiled(Recording)
    model.steps = []
    history = model.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    shapes = [((4, 2), (4, 1)), ((4, 2), (4, 1)), ((2, 2), (2, 1))] * 2   # y gets the output's axis
    assert [batch for batch, _ in model.steps] == shapes and model.optimizer.step_count == 6
    last_epoch = [logs for _, logs in model.steps[3:]]
    for name in ("loss", "accuracy"):   # a step's logs: the epoch's so far (Keras 3); the last, the epoch's
        assert history.history[name][-1] == last_epoch[-1][name]


class Frozen(nn.Sequential):
    """A step of its own: measures, never trains, and logs a value fit knows nothing of."""

    def train_step(self, data):
        x, y = data
        self.seen += len(x)   # Keras 3's step returns what the epoch logs (here: the samples so far)
        return {"loss": float(self.compute_loss(x, y, self(x)).item()), "samples": float(self.seen)}


def test_a_train_step_of_your_own_changes_what_fit_does():
    model = compiled(Frozen)
    model.seen = 0
    before = model.state_dict()
    stopper = nn.EarlyStopping(monitor="samples", patience=0)   # a log of its own may be monitored
    history = model.fit(X, Y, batch_size=4, epochs=3, shuffle=False, verbose=0, callbacks=[stopper])
    for name, array in model.state_dict().items():
        assert_array_equal(array, before[name])
    assert model.optimizer.step_count == 0
    assert set(history.history) == {"loss", "samples"}
    assert history.history["samples"][:2] == [10.0, 20.0]   # the last step's logs are the epoch's
    assert history.epoch == [0, 1]   # no improvement after the first epoch: stopped, as Keras stops


class Halved(nn.Sequential):
    def test_step(self, data):
        return {name: value / 2 for name, value in super().test_step(data).items()}


def test_a_test_step_of_your_own_changes_evaluate_and_validation():
    plain, halved = compiled(), compiled(Halved)
    assert halved.evaluate(X, Y, verbose=0) == pytest.approx(np.divide(plain.evaluate(X, Y, verbose=0), 2))
    history = halved.fit(X[:6], Y[:6], epochs=1, validation_data=(X[6:], Y[6:]), verbose=0)
    plain.load_state_dict(halved.state_dict())
    assert history.history["val_loss"][-1] == pytest.approx(plain.evaluate(X[6:], Y[6:], verbose=0)[0] / 2)


def test_compute_loss_is_the_compiled_loss_in_keras_argument_names():
    model = compiled()
    y_pred = model(X)
    expected = F.binary_cross_entropy(y_pred, Y[:, None]).item()
    assert model.compute_loss(y=Y[:, None], y_pred=y_pred).item() == expected


def test_on_batch_end_gets_each_steps_own_logs():
    seen = []

    class Batches(nn.Callback):
        def on_batch_end(self, batch, logs):
            seen.append(dict(logs))

    model = compiled(Recording)
    model.steps = []
    model.fit(X, Y, batch_size=5, shuffle=False, verbose=0, callbacks=[Batches()])
    assert seen == [logs for _, logs in model.steps] and set(seen[0]) == {"loss", "accuracy"}


# ---- the loss, resolved once ------------------------------------------------------------------------
@pytest.mark.parametrize("loss, labels, from_logits", [
    ("mse", "dense", False), ("mean_squared_error", "dense", False), ("hinge", "dense", False),
    ("binary_crossentropy", "binary", False), ("binary_crossentropy_from_logits", "binary", True),
    ("categorical_crossentropy", "dense", False), ("sparse_categorical_crossentropy", "sparse", False),
    (F.cross_entropy, "sparse", True), (F.softmax_cross_entropy, "sparse", True),
    (F.binary_cross_entropy_with_logits, "binary", True), (lambda y_true, y_pred: y_pred, "dense", False),
])
def test_compile_resolves_the_loss_into_a_record(loss, labels, from_logits):
    model = nn.Sequential(nn.Dense(1, input_dim=2))
    model.compile(loss=loss)
    record = model.resolved_loss
    assert (record.labels, record.from_logits, record.sparse) == (labels, from_logits, labels == "sparse")
    assert record.library == (not callable(loss) or loss in F.LOSS_FUNCTIONS.values())
    assert model.loss is loss
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.labels = "binary"


def test_every_loss_of_the_library_says_how_it_reads_its_targets():
    """A loss added to nn.functional without a line in LIBRARY_LOSSES could not be compiled."""
    for function in [*F.LOSSES.values(), *F.LOSS_FUNCTIONS.values()]:
        assert function in _compiled.LIBRARY_LOSSES, function


@pytest.mark.parametrize("loss", [F.margin_ranking_loss, F.cosine_embedding_loss, F.gaussian_nll_loss,
                                  F.cosine_similarity])
def test_a_library_function_of_three_arrays_is_refused_by_compile_not_called_as_keras_would(loss):
    """Called as a Keras loss would be, loss(y_true, y_pred), it would get its arguments swapped."""
    with pytest.raises(TypeError, match=f"compile: {loss.__name__} is not a loss of a prediction"):
        nn.Sequential(nn.Dense(1, input_dim=2)).compile(loss=loss)


@pytest.mark.parametrize("loss", [F.l1_loss, F.huber_loss, F.smooth_l1_loss, F.kl_div, F.nll_loss,
                                  F.soft_margin_loss, F.poisson_nll_loss])
def test_the_pytorch_losses_compile_as_the_library_s_called_prediction_first(loss):
    model = nn.Sequential(nn.Dense(1, input_dim=2))
    model.compile(loss=loss)
    assert model.resolved_loss.library and model.resolved_loss.function is loss


def test_a_keras_style_loss_is_called_y_true_first_and_named_by_its_function():
    def my_loss(y_true, y_pred):
        return F.mse_loss(y_pred, y_true) * 0 + float(np.asarray(y_true).sum())

    model = nn.Sequential(nn.Dense(1, input_dim=2))
    model.compile(loss=my_loss)
    assert model.resolved_loss.name == "my_loss"
    assert model.compute_loss(y=np.ones((3, 1)), y_pred=model(X[:3])).item() == 3.0


# ---- one registry style -----------------------------------------------------------------------------
@pytest.mark.parametrize("make, where, kind, registry", [
    (lambda: nn.Sequential().compile(loss="bcee"), "compile", "loss", F.LOSSES),
    (lambda: nn.Sequential().compile(loss="mse", optimizer="adamax"), "compile", "optimizer",
     _arguments.OPTIMIZERS),
    (lambda: nn.Dense(2, activation="swishh"), "Dense", "activation", layers.ACTIVATIONS),
])
def test_every_registry_names_the_unknown_name_and_every_choice_the_same_way(make, where, kind, registry):
    with pytest.raises(ValueError) as raised:
        make()
    match = re.fullmatch(rf"{where}: unknown {kind} '(\w+)'; choose from (\[.*\])", str(raised.value))
    assert match, str(raised.value)
    assert ast.literal_eval(match.group(2)) == sorted(registry)


def test_optimizer_names_are_read_in_any_case_as_keras_reads_them():
    model = compiled(optimizer="Adam")
    model.fit(X, Y, verbose=0)
    assert isinstance(model.optimizer, optim.Adam)


# ---- public names only --------------------------------------------------------------------------------
ENGINE_PRIVATE = {"_op", "_inputs", "_args", "_params", "_origin", "_data", "_record", "_result_type",
                  "_grad_mode", "_stamp", "_keeps_grad", "_generator"}


_PACKAGE = pathlib.Path(autograd_lite.__file__).parent
NN_AND_OPTIM = sorted(str(path.relative_to(_PACKAGE)) for folder in ("nn", "optim")
                      for path in (_PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("path", NN_AND_OPTIM)
def test_nn_and_optim_read_no_private_name_of_another_module(path):
    source = (pathlib.Path(autograd_lite.__file__).parent / path).read_text()
    read = {node.attr for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute) and node.attr in ENGINE_PRIVATE
            and not (isinstance(node.value, ast.Name) and node.value.id == "self")}
    assert not read, f"{path} reads {sorted(read)}"
