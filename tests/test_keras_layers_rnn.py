"""The Keras normalization and recurrent layers (``BatchNormalization``, ``LayerNormalization``,
``SimpleRNN``, ``LSTM``, ``GRU``) against Keras 3 (jax, float64), with identical weights set through
``set_weights`` on both sides.

Keras 3's ``result_type`` maps float64 to float32 on back ends other than TensorFlow
(``BIT64_TO_BIT32_DTYPE`` in ``keras/src/backend/common/dtypes.py``, "to be aligned with JAX's
default", x64 off), so the ops that use it compute in float32 even for float64 inputs:
BatchNormalization, LayerNormalization and ``keras.ops.tanh`` among them (a float64 SimpleRNN with
tanh even fails in ``lax.scan``, its carry turning float32). With x64 on, as keras_reference sets
it, the fixture :func:`keras_in_float64` maps float64 to itself for these tests, so that Keras
computes in float64 throughout and every comparison is to 1e-10. The normalization layers are also
compared with their float64 formula written in NumPy, to 1e-12. Keras' recurrent layers run with
``unroll=True`` (the same steps, in a Python loop: much faster to trace than ``lax.scan`` for five
steps).
"""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras

import autograd_lite as ag
from autograd_lite.engine import ShapeError
from autograd_lite.nn.keras_layers import GRU, LSTM, BatchNormalization, LayerNormalization, SimpleRNN
from autograd_lite.testing import gradcheck

FLOAT64 = 1e-10
EXACT = 1e-12


@pytest.fixture(scope="module", autouse=True)
def keras_in_float64():
    """Keras' float64 kept float64 (see the module's docstring), for this module's tests only."""
    from keras.src.backend.common import dtypes

    saved = dtypes.BIT64_TO_BIT32_DTYPE["float64"]
    dtypes.BIT64_TO_BIT32_DTYPE["float64"] = "float64"
    yield
    dtypes.BIT64_TO_BIT32_DTYPE["float64"] = saved


def test_keras_computes_in_float64():
    """The fixture's effect: Keras' tanh of a float64 is computed in float64 (in float32, tanh(0.5) is
    0.46211716532707214, 8e-9 away)."""
    assert abs(float(keras.ops.tanh(np.array(0.5))) - np.tanh(0.5)) < 1e-15


def close(ours, theirs, tolerance):
    ours, theirs = np.asarray(getattr(ours, "data", ours)), np.asarray(theirs)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=tolerance, atol=tolerance)


def built(layer, x):
    """``layer`` built for ``x`` without a training step (which would move BN's statistics)."""
    layer.eval()
    layer(x)
    layer.train()
    return layer


# ---- BatchNormalization ------------------------------------------------------------------------

def bn_reference(x, axis, gamma, beta, mean, variance, eps):
    shape = [1] * x.ndim
    shape[axis] = -1
    return (x - mean.reshape(shape)) / np.sqrt(variance.reshape(shape) + eps) * gamma.reshape(shape) + \
        beta.reshape(shape)


@pytest.mark.parametrize("axis", [-1, 1, 0])
def test_batch_normalization_matches_keras_in_training_and_inference(axis):
    rng = np.random.default_rng(1)
    x = rng.normal(2.0, 3.0, (6, 3, 4))
    channels = x.shape[axis]
    weights = [rng.uniform(0.5, 2, channels), rng.normal(size=channels), rng.normal(size=channels),
               rng.uniform(0.5, 2, channels)]
    theirs = keras.layers.BatchNormalization(axis=axis, momentum=0.9)
    theirs.build(x.shape)
    theirs.set_weights(weights)
    ours = built(BatchNormalization(axis=axis, momentum=0.9), x)
    ours.set_weights(weights)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]

    out = ours(x)   # training mode, the default of a fresh layer
    close(out, theirs(x, training=True), FLOAT64)
    reduce = tuple(a for a in range(3) if a != axis % 3)
    batch_mean, batch_var = x.mean(axis=reduce), x.var(axis=reduce)   # the biased variance, as Keras
    close(out, bn_reference(x, axis % 3, weights[0], weights[1], batch_mean, batch_var, 1e-3), EXACT)
    moving = ours.get_weights()[2:]
    close(moving[0], 0.9 * weights[2] + 0.1 * batch_mean, EXACT)
    close(moving[1], 0.9 * weights[3] + 0.1 * batch_var, EXACT)
    for mine, keras_weight in zip(ours.get_weights(), theirs.get_weights()):
        close(mine, keras_weight, FLOAT64)

    ours.eval()
    out = ours(x)
    close(out, theirs(x, training=False), FLOAT64)
    close(out, bn_reference(x, axis % 3, weights[0], weights[1], *moving, 1e-3), EXACT)
    close(ours.get_weights()[2], moving[0], 0.0)   # inference moves nothing


def test_batch_normalization_frozen_runs_in_inference_mode_as_keras():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(5, 4))
    weights = [rng.uniform(0.5, 2, 4), rng.normal(size=4), rng.normal(size=4), rng.uniform(0.5, 2, 4)]
    theirs = keras.layers.BatchNormalization(trainable=False)
    theirs.build(x.shape)
    theirs.set_weights(weights)
    ours = built(BatchNormalization(trainable=False), x)
    ours.set_weights(weights)
    out = ours(x, training=True)
    close(out, theirs(x, training=True), FLOAT64)
    close(out, bn_reference(x, 1, *weights, 1e-3), EXACT)
    close(ours.get_weights()[3], weights[3], 0.0)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    assert len(list(ours.parameters())) == 2 and not any(p.requires_grad for p in ours.parameters())


def test_batch_normalization_without_center_and_scale_and_one_sample():
    ours = BatchNormalization(center=False, scale=False)
    x = np.array([[1.0, -2.0, 5.0]])
    out = ours(x, training=True)   # one value per feature: Keras normalises it to 0 (no error)
    close(out, np.zeros((1, 3)), 0.0)
    assert [w.shape for w in ours.get_weights()] == [(3,), (3,)]
    close(ours.get_weights()[0], 0.01 * x[0], EXACT)
    close(ours.get_weights()[1], np.full(3, 0.99), EXACT)   # the batch's (biased) variance is 0


def test_batch_normalization_gradients():
    layer = BatchNormalization(axis=1, epsilon=0.1)
    x = np.random.default_rng(3).normal(size=(3, 2, 2))
    assert gradcheck(lambda v: (layer(v) * np.arange(12.0).reshape(3, 2, 2)).sum(), x)
    layer.eval()
    assert gradcheck(lambda v: (layer(v) ** 2).sum(), x)
    layer.train()
    y = layer(ag.Tensor(x, requires_grad=True))
    (y * y).sum().backward()
    assert layer.gamma.grad.shape == (2,) and layer.beta.grad.shape == (2,)


# ---- LayerNormalization ----------------------------------------------------------------------------

@pytest.mark.parametrize("axis, rms", [(-1, False), ([1, 2], False), ([3, 1], False), (-1, True),
                                       ([1, 2], True)])
def test_layer_normalization_matches_keras(axis, rms):
    rng = np.random.default_rng(4)
    x = rng.normal(1.0, 2.0, (2, 3, 4, 5))
    kwargs = {"axis": axis, "rms_scaling": True} if rms else {"axis": axis}
    theirs = keras.layers.LayerNormalization(**kwargs)
    theirs.build(x.shape)
    weights = [rng.normal(size=w.shape) for w in theirs.get_weights()]
    theirs.set_weights(weights)
    ours = LayerNormalization(**kwargs)
    ours(x)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    ours.set_weights(weights)
    out = ours(x)
    close(out, theirs(x), FLOAT64)
    axes = tuple(sorted(a % 4 for a in (axis if isinstance(axis, list) else [axis])))
    shape = [x.shape[a] if a in axes else 1 for a in range(4)]
    variance = x.var(axis=axes, keepdims=True)
    if rms:
        expected = x / np.sqrt(variance + 1e-3) * weights[0].reshape(shape)
    else:
        expected = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(variance + 1e-3) * \
            weights[0].reshape(shape) + weights[1].reshape(shape)
    close(out, expected, EXACT)


def test_layer_normalization_gradients():
    layer = LayerNormalization(axis=[1, 2], epsilon=0.1, rms_scaling=False)
    x = np.random.default_rng(5).normal(size=(2, 2, 3))
    layer(x)
    layer.set_weights([np.arange(1.0, 7.0).reshape(2, 3), np.ones((2, 3))])
    assert gradcheck(lambda v: (layer(v) ** 3).sum(), x)
    rms = LayerNormalization(rms_scaling=True, epsilon=0.1)
    assert gradcheck(lambda v: (rms(v) ** 3).sum(), x)


# ---- the recurrent layers ----------------------------------------------------------------------------

RNN_CASES = {   # name: (our class, Keras class, constructor arguments)
    "simple_rnn": (SimpleRNN, "SimpleRNN", {}),
    "simple_rnn_relu": (SimpleRNN, "SimpleRNN", {"activation": "relu"}),
    "lstm": (LSTM, "LSTM", {}),
    "lstm_relu_tanh": (LSTM, "LSTM", {"activation": "relu", "recurrent_activation": "tanh"}),
    "gru": (GRU, "GRU", {}),
    "gru_softplus": (GRU, "GRU", {"activation": "softplus"}),
    "gru_reset_before_no_bias": (GRU, "GRU", {"reset_after": False, "use_bias": False}),
    "lstm_no_bias": (LSTM, "LSTM", {"use_bias": False}),
}
_keras_results: dict = {}


def keras_run(case, go_backwards):
    """Keras' outputs for ``case``: (weights, x, initial states, [(sequence, *states) without
    initial_state, with it]), computed once per case and direction."""
    key = (case, go_backwards)
    if key not in _keras_results:
        ours_class, name, kwargs = RNN_CASES[case]
        rng = np.random.default_rng(len(_keras_results))
        x = rng.normal(size=(3, 5, 4))
        layer = getattr(keras.layers, name)(6, return_sequences=True, return_state=True, unroll=True,
                                            go_backwards=go_backwards, **kwargs)
        layer.build(x.shape)
        weights = [rng.normal(0, 0.6, w.shape) for w in layer.get_weights()]
        layer.set_weights(weights)
        states = [rng.normal(size=(3, 6)) for _ in range(2 if name == "LSTM" else 1)]
        runs = [[np.asarray(part) for part in layer(x)],
                [np.asarray(part) for part in layer(x, initial_state=states)]]
        _keras_results[key] = (weights, x, states, runs, [w.shape for w in layer.get_weights()])
    return _keras_results[key]


@pytest.mark.parametrize("case, go_backwards", [(case, False) for case in RNN_CASES] + [
    (case, True) for case in ("simple_rnn", "lstm", "gru", "gru_reset_before_no_bias")])
def test_recurrent_layer_matches_keras(case, go_backwards):
    weights, x, states, runs, shapes = keras_run(case, go_backwards)
    ours_class, _, kwargs = RNN_CASES[case]
    for return_sequences in (False, True):
        for return_state in (False, True):
            layer = ours_class(6, return_sequences=return_sequences, return_state=return_state,
                               go_backwards=go_backwards, **kwargs)
            layer(x)
            assert [w.shape for w in layer.get_weights()] == shapes
            layer.set_weights(weights)
            for initial, expected in ((None, runs[0]), (states, runs[1])):
                out = layer(x, initial_state=initial)
                output = expected[0] if return_sequences else expected[1]
                if return_state:
                    assert isinstance(out, tuple) and len(out) == len(expected)
                    close(out[0], output, FLOAT64)
                    for mine, theirs in zip(out[1:], expected[1:]):
                        close(mine, theirs, FLOAT64)
                else:
                    close(out, output, FLOAT64)


def test_lstm_fused_and_composed_paths_agree():
    x = np.random.default_rng(6).normal(size=(2, 7, 3))
    fused = LSTM(4, return_sequences=True, go_backwards=True)
    composed = LSTM(4, return_sequences=True, go_backwards=True, activation=ag.nn.functional.tanh,
                    recurrent_activation=ag.nn.functional.sigmoid)
    fused(x)
    composed(x)
    composed.set_weights(fused.get_weights())
    close(fused(x), composed(x).data, EXACT)
    gru, gru_composed = GRU(4, return_sequences=True), GRU(4, return_sequences=True,
                                                           activation=ag.nn.functional.tanh)
    gru(x)
    gru_composed(x)
    gru_composed.set_weights(gru.get_weights())
    close(gru(x), gru_composed(x).data, EXACT)


@pytest.mark.parametrize("cls, kwargs", [(SimpleRNN, {}), (LSTM, {}), (LSTM, {"activation": "relu"}),
                                         (GRU, {}), (GRU, {"reset_after": False})])
def test_recurrent_gradients(cls, kwargs):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 3, 2))
    layer = cls(3, return_sequences=True, **kwargs)
    layer(x)
    layer.set_weights([rng.normal(0, 0.5, w.shape) for w in layer.get_weights()])
    h0 = rng.normal(size=(2, 3))
    states = [h0, h0 * 0.5] if cls is LSTM else [h0]
    weights = np.arange(18.0).reshape(2, 3, 3) / 10
    assert gradcheck(lambda v, *s: (layer(v, initial_state=list(s)) * weights).sum(), x, *states)
    out = layer(ag.Tensor(x, requires_grad=True))
    (out * out).sum().backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in layer.parameters())


@pytest.mark.parametrize("cls, kwargs", [(LSTM, {"go_backwards": True}), (GRU, {}),
                                         (GRU, {"reset_after": False}), (SimpleRNN, {}),
                                         (BatchNormalization, {}), (LayerNormalization, {})])
def test_weight_gradients_match_finite_differences(cls, kwargs):
    """Each weight's gradient, against a central difference along a random direction (the weights
    pass through the layers' slicing, permuting and transposing before the functional ops)."""
    rng = np.random.default_rng(8)
    x = rng.normal(size=(3, 4, 3))
    layer = cls(**kwargs) if cls in (BatchNormalization, LayerNormalization) else \
        cls(3, return_sequences=True, **kwargs)
    layer(x)
    weights = [rng.normal(0, 0.5, w.shape) + (1.0 if w.ndim == 1 and cls is BatchNormalization else 0.0)
               for w in layer.get_weights()]
    target = rng.normal(size=layer(x).shape)

    def loss(values):
        layer.set_weights(values)
        return float((layer(x).data * target).sum())

    layer.set_weights(weights)
    (layer(x) * target).sum().backward()
    grads = [np.array(parameter.grad) for parameter in layer.parameters()]
    assert len(grads) == (2 if cls is BatchNormalization else len(weights))
    for index, grad in enumerate(grads):
        direction = rng.normal(size=grad.shape)
        step = [w + 1e-6 * direction if i == index else w for i, w in enumerate(weights)]
        back = [w - 1e-6 * direction if i == index else w for i, w in enumerate(weights)]
        numeric = (loss(step) - loss(back)) / 2e-6
        assert abs(numeric - float((grad * direction).sum())) < 1e-6 * max(1.0, abs(numeric))


def test_lstm_unit_forget_bias_and_initial_weights():
    layer = LSTM(3)
    layer(np.zeros((1, 2, 5)))
    kernel, recurrent, bias = layer.get_weights()
    assert kernel.shape == (5, 12) and recurrent.shape == (3, 12)
    close(bias, np.r_[np.zeros(3), np.ones(3), np.zeros(6)], 0.0)
    close(recurrent @ recurrent.T, np.eye(3), EXACT)   # orthogonal rows, as Keras' Orthogonal
    no_forget = LSTM(3, unit_forget_bias=False)
    no_forget(np.zeros((1, 2, 5)))
    close(no_forget.get_weights()[2], np.zeros(12), 0.0)


def test_recurrent_dropout_on_the_inputs_only_in_training():
    ag.set_random_seed(0)
    layer = SimpleRNN(3, dropout=0.5, return_sequences=True, activation=None, use_bias=False)
    x = np.ones((4, 6, 8))
    layer(x)
    kernel = np.zeros((8, 3))
    kernel[:, 0] = 1.0
    layer.set_weights([kernel, np.zeros((3, 3))])
    out = layer(x).data[..., 0]   # the number of kept features (times 2) at each step
    assert np.all(out == out[:, :1])            # one mask for every time step, as Keras'
    assert np.all(out % 2 == 0) and 0 < out.mean() < 16
    layer.eval()
    close(layer(x).data[..., 0], np.full((4, 6), 8.0), 0.0)
    layer.train()
    close(layer(x, training=False).data[..., 0], np.full((4, 6), 8.0), 0.0)
    assert not np.all(layer(x, training=True).data[..., 0] == 8.0)


def test_get_config_round_trip():
    for layer in (BatchNormalization(axis=1, momentum=0.9, center=False), LayerNormalization(axis=[1, 2]),
                  SimpleRNN(3, activation="relu", go_backwards=True), LSTM(2, return_state=True, dropout=0.2),
                  GRU(4, reset_after=False, return_sequences=True)):
        config = layer.get_config()
        again = type(layer).from_config(config)
        assert again.get_config() == config and type(again) is type(layer)
    named = LSTM(3, name="encoder", go_backwards=True)
    config = named.get_config()
    assert config["name"] == "encoder" and config["units"] == 3 and config["go_backwards"] is True
    assert LSTM.from_config(config).name == "encoder"


@pytest.mark.parametrize("make, error", [
    (lambda: LSTM(0), ValueError),
    (lambda: LSTM(2, activation="nope"), ValueError),
    (lambda: GRU(2, recurrent_activation=3), TypeError),
    (lambda: LSTM(2, stateful=True), NotImplementedError),
    (lambda: GRU(2, recurrent_dropout=0.1), NotImplementedError),
    (lambda: SimpleRNN(2, dropout=1.0), ValueError),
    (lambda: LSTM(2, kernel_regularizer="l2"), NotImplementedError),
    (lambda: BatchNormalization(momentum="high"), TypeError),
    (lambda: BatchNormalization(renorm=True), NotImplementedError),
    (lambda: BatchNormalization(gamma_constraint="non_neg"), NotImplementedError),
    (lambda: LayerNormalization(axis=1.5), TypeError),
    (lambda: LayerNormalization(axis=[]), ValueError),
])
def test_bad_arguments(make, error):
    with pytest.raises(error):
        make()


def test_bad_inputs_change_nothing():
    bn = BatchNormalization(axis=3)
    with pytest.raises(ShapeError, match="axis 3"):
        bn(np.ones((2, 3)))
    bn = BatchNormalization()
    bn(np.ones((2, 3)))
    before = bn.get_weights()
    with pytest.raises(ShapeError, match="3 features"):
        bn(np.ones((2, 4)))
    with pytest.raises(ShapeError, match="2-D"):
        bn(np.ones((2, 5, 3)))
    for a, b in zip(before, bn.get_weights()):
        close(a, b, 0.0)
    with pytest.raises(ValueError, match="twice"):
        LayerNormalization(axis=[1, -1])(np.ones((2, 3)))
    lstm = LSTM(2)
    with pytest.raises(ShapeError, match="3-D"):
        lstm(np.ones((2, 3)))
    lstm(np.ones((2, 3, 4)))
    with pytest.raises(ShapeError, match=r"\(batch, timesteps, 4\)"):
        lstm(np.ones((2, 3, 5)))
    with pytest.raises(ValueError, match="2 tensor"):
        lstm(np.ones((2, 3, 4)), initial_state=[np.zeros((2, 2))])
    with pytest.raises(ShapeError, match=r"\(2, 2\)"):
        lstm(np.ones((2, 3, 4)), initial_state=[np.zeros((2, 3)), np.zeros((2, 3))])
