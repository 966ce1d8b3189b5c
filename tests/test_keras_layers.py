"""The Keras core, convolution and pooling layers and ``Dense`` against Keras 3 (jax, float64): the
same weights set through ``set_weights`` on both sides, the same inputs, outputs equal to 1e-10; the
weights' shapes and count as Keras'; gradients (finite differences); errors; ``get_config``.

Keras 3's ``result_type`` maps float64 to float32 on back ends other than TensorFlow
(``BIT64_TO_BIT32_DTYPE``), so ``keras.ops.tanh`` and ``keras.ops.mean`` compute in float32 even for
float64 inputs (off by ~1e-8); the fixture :func:`keras_in_float64` maps float64 to itself for this
module, as tests/test_keras_layers_rnn.py does, so that every comparison is to 1e-10."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import host
from keras_reference import keras
from numpy.testing import assert_allclose

import autograd_lite as ag
from autograd_lite import nn
from autograd_lite.engine import ShapeError
from autograd_lite.keras import layers as L
from autograd_lite.nn.layers.core import ACTIVATIONS
from autograd_lite.testing import gradcheck

RTOL, ATOL = 1e-10, 1e-12   # float64 on both sides: only the order of the sums differs


@pytest.fixture(scope="module", autouse=True)
def keras_in_float64():
    """Keras' float64 kept float64 (see the module's docstring), for this module's tests only."""
    from keras.src.backend.common import dtypes

    saved = dtypes.BIT64_TO_BIT32_DTYPE["float64"]
    dtypes.BIT64_TO_BIT32_DTYPE["float64"] = "float64"
    yield
    dtypes.BIT64_TO_BIT32_DTYPE["float64"] = saved


def value(out):
    return np.asarray(out.data if isinstance(out, ag.Tensor) else out)


def compare(ours, theirs, inputs):
    """Build both layers on ``inputs``, give ours Keras' weights (made non-trivial first), and
    compare the outputs, the weights' shapes and their count."""
    rng = np.random.default_rng(0)
    keras_out = theirs(inputs)
    if theirs.get_weights():
        theirs.set_weights([rng.normal(size=w.shape) for w in theirs.get_weights()])
        keras_out = theirs(inputs)
    ours(inputs)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    assert ours.count_params() == theirs.count_params()
    ours.set_weights(theirs.get_weights())
    out = value(ours(inputs))
    expected = np.asarray(keras_out)
    assert out.shape == expected.shape
    assert_allclose(out, expected, rtol=RTOL, atol=ATOL)
    return out


def images(shape, seed=1):
    return np.random.default_rng(seed).normal(size=shape)


# ---- convolution ------------------------------------------------------------------------------

GEOMETRY_2D = [(1, 1), (2, 1), ((2, 3), 1), (1, 2), (1, (2, 1))]   # (strides, dilation_rate)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("strides, dilation", GEOMETRY_2D)
@pytest.mark.parametrize("data_format, groups", [("channels_last", 1), ("channels_first", 2)])
def test_conv2d_matches_keras(padding, strides, dilation, data_format, groups):
    shape = (2, 8, 7, 4) if data_format == "channels_last" else (2, 4, 8, 7)   # odd and even sizes
    arguments = dict(filters=6, kernel_size=(3, 2), strides=strides, padding=padding, dilation_rate=dilation,
                     data_format=data_format, groups=groups, activation="tanh")
    compare(L.Conv2D(**arguments), keras.layers.Conv2D(**arguments), images(shape))


@pytest.mark.parametrize("padding", ["valid", "same", "causal"])
@pytest.mark.parametrize("strides, dilation, data_format", [
    (1, 1, "channels_last"), (2, 1, "channels_first"), (3, 1, "channels_last"), (1, 2, "channels_first")])
def test_conv1d_matches_keras(padding, strides, dilation, data_format):
    shape = (2, 9, 4) if data_format == "channels_last" else (2, 4, 9)
    groups = 2 if strides == 1 else 1
    arguments = dict(filters=4, kernel_size=4, strides=strides, padding=padding, dilation_rate=dilation,
                     data_format=data_format, groups=groups)
    compare(L.Conv1D(**arguments), keras.layers.Conv1D(**arguments), images(shape))


def test_conv_without_bias_and_kernel_layout():
    layer = L.Conv2D(5, (3, 2), use_bias=False)
    layer(np.ones((1, 6, 6, 3)))
    assert [w.shape for w in layer.get_weights()] == [(3, 2, 3, 5)] and layer.bias is None
    compare(L.Conv2D(5, 3, use_bias=False, padding="same", strides=2),
            keras.layers.Conv2D(5, 3, use_bias=False, padding="same", strides=2), images((1, 5, 5, 3)))


def test_conv2d_same_stride_2_gradients():
    """Finite differences through Keras' asymmetric "same" padding with stride 2, in the input,
    the kernel and the bias (the layer's weights replaced by the checked tensors)."""
    layer = L.Conv2D(2, 3, strides=2, padding="same", activation="tanh")
    x = images((1, 6, 5, 2))
    layer(x)
    r = images(value(layer(x)).shape, seed=2)

    def loss(x, kernel, bias):
        layer.kernel, layer.bias = kernel, bias
        return (layer(x) * r).sum()

    assert gradcheck(loss, x, images((3, 3, 2, 2), seed=3), images((2,), seed=4))


def test_layers_made_not_trainable_get_no_gradients():
    for layer in (L.Conv2D(3, 2, trainable=False), L.Dense(2, input_dim=2, trainable=False)):
        out = layer(ag.Tensor(np.ones((1, 4, 4, 2)), requires_grad=True))
        out.sum().backward()
        assert layer.kernel.grad is None and not layer.kernel.requires_grad


# ---- pooling ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["MaxPooling2D", "AveragePooling2D"])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("pool_size, strides, data_format", [
    (2, None, "channels_last"), (3, 2, "channels_first"), ((3, 2), (1, 2), "channels_last"),
    (2, 3, "channels_first")])
def test_pooling2d_matches_keras(kind, padding, pool_size, strides, data_format):
    shape = (2, 7, 6, 3) if data_format == "channels_last" else (2, 3, 7, 6)
    arguments = dict(pool_size=pool_size, strides=strides, padding=padding, data_format=data_format)
    compare(getattr(L, kind)(**arguments), getattr(keras.layers, kind)(**arguments), images(shape))


@pytest.mark.parametrize("kind", ["MaxPooling1D", "AveragePooling1D"])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("pool_size, strides, data_format", [
    (2, None, "channels_first"), (3, 2, "channels_last"), (3, 1, "channels_first"), (2, 3, "channels_last")])
def test_pooling1d_matches_keras(kind, padding, pool_size, strides, data_format):
    shape = (2, 7, 3) if data_format == "channels_last" else (2, 3, 7)
    arguments = dict(pool_size=pool_size, strides=strides, padding=padding, data_format=data_format)
    compare(getattr(L, kind)(**arguments), getattr(keras.layers, kind)(**arguments), images(shape))


def test_max_pooling_same_never_picks_the_padding():
    """-inf inputs at the edge: Keras' -inf padding is never the maximum nor takes the gradient."""
    x = ag.Tensor(np.full((1, 3, 1), -np.inf), requires_grad=True)
    out = L.MaxPooling1D(2, padding="same")(x)
    assert value(out).tolist() == [[[-np.inf], [-np.inf]]]
    out.sum().backward()
    assert x.grad.sum() == 2.0


@pytest.mark.parametrize("kind", ["GlobalAveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling2D",
                                  "GlobalMaxPooling2D"])
@pytest.mark.parametrize("data_format, keepdims", [("channels_last", False), ("channels_first", True)])
def test_global_pooling_matches_keras(kind, data_format, keepdims):
    shape = (2, 5, 3) if kind.endswith("1D") else (2, 5, 4, 3)
    arguments = dict(data_format=data_format, keepdims=keepdims)
    average = "Average" in kind
    out = compare(getattr(L, kind)(**arguments), getattr(keras.layers, kind)(**arguments), images(shape))
    axes = tuple(range(1, len(shape) - 1)) if data_format == "channels_last" else tuple(range(2, len(shape)))
    exact = (np.mean if average else np.max)(images(shape), axis=axes, keepdims=keepdims)
    assert_allclose(out, exact, rtol=1e-12)


# ---- Dense and the core layers ----------------------------------------------------------------


@pytest.mark.parametrize("shape", [(4, 3), (2, 4, 3)])
def test_dense_matches_keras(shape):
    compare(L.Dense(5, activation="relu"), keras.layers.Dense(5, activation="relu"), images(shape))
    compare(L.Dense(2, use_bias=False), keras.layers.Dense(2, use_bias=False), images(shape))


def test_keras_slopes_and_tails_of_the_activations():
    """Keras' leaky_relu has slope 0.2 and its softplus never switches to x (F's: 0.01, above 20)."""
    x = np.array([[-2.0, 20.5, 25.0, 30.0]])
    for name in ("softplus", "leaky_relu"):
        theirs = np.asarray(keras.layers.Activation(name)(x))
        assert_allclose(value(L.Activation(name)(x)), theirs, rtol=1e-15)


def test_dense_keras_layout_and_building():
    layer = nn.Dense(2, input_dim=3)
    assert layer.built and layer.kernel.shape == (3, 2) and layer.bias.shape == (2,)
    assert list(layer.state_dict()) == ["kernel", "bias"] and layer.input_dim == 3 and layer.units == 2
    lazy = nn.Dense(4, input_shape=(None,))
    assert not lazy.built and lazy.get_weights() == [] and lazy.input_dim is None
    lazy(np.ones((2, 5)))
    assert lazy.built and lazy.input_dim == 5 and lazy.kernel.shape == (5, 4)
    built = nn.Dense(3)
    built.build((None, 7))
    assert built.kernel.shape == (7, 3)


@pytest.mark.parametrize("name", sorted(set(ACTIVATIONS) - {"step"}))
def test_activations_match_keras(name):
    x = np.linspace(-3.0, 3.0, 12).reshape(2, 6)
    compare(L.Activation(name), keras.layers.Activation(name), x)
    if name in ("softmax", "gelu"):   # Dense reads the same table: two of it through Dense
        compare(L.Dense(3, activation=name), keras.layers.Dense(3, activation=name), x)


@pytest.mark.parametrize("make", [
    lambda k: k.Reshape((3, -1)), lambda k: k.Reshape((12,)), lambda k: k.Flatten(),
    lambda k: k.Flatten(data_format="channels_first"), lambda k: k.Permute((3, 1, 2)),
])
def test_shape_layers_match_keras(make):
    compare(make(L), make(keras.layers), images((2, 2, 3, 2)))


def test_repeat_vector_and_flatten_of_vectors_match_keras():
    compare(L.RepeatVector(3), keras.layers.RepeatVector(3), images((2, 4)))
    compare(L.Flatten(), keras.layers.Flatten(), images((3,)))


@pytest.mark.parametrize("kind", ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"])
def test_merging_layers_match_keras(kind):
    a, b, c = images((2, 3, 4), 1), images((2, 3, 4), 2), images((2, 1, 4), 3)
    inputs = [a, b] if kind == "Subtract" else [a, b, c]   # a size-1 axis broadcasts, as in Keras
    compare(getattr(L, kind)(), getattr(keras.layers, kind)(), inputs)


@pytest.mark.parametrize("axis", [-1, 1, 2])
def test_concatenate_matches_keras(axis):
    shapes = {-1: [(2, 3, 4), (2, 3, 1)], 1: [(2, 3, 4), (2, 5, 4)], 2: [(2, 3, 4), (2, 3, 2)]}[axis]
    inputs = [images(shape, seed) for seed, shape in enumerate(shapes)]
    compare(L.Concatenate(axis=axis), keras.layers.Concatenate(axis=axis), inputs)


@pytest.mark.parametrize("indices", [np.array([[1, 2, 9], [0, 0, 3]]), np.array([[1.0, 2.7], [9.0, 0.0]])])
def test_embedding_matches_keras(indices):
    compare(L.Embedding(10, 4), keras.layers.Embedding(10, 4), indices)


def test_embedding_gradient_adds_repeated_rows():
    layer = L.Embedding(4, 2)
    layer(np.array([1, 1, 3])).sum().backward()
    assert_allclose(layer.embeddings.grad, [[0, 0], [2, 2], [0, 0], [1, 1]])


def test_dropout_inverted_in_training_only():
    x = np.ones((200, 100))
    layer = L.Dropout(0.3)
    ag.set_random_seed(0)
    out = value(layer(x, training=True))   # called directly, a Keras layer is in inference
    assert set(np.unique(out).tolist()) == {0.0, 1.0 / 0.7}
    assert abs((out == 0).mean() - 0.3) < 0.01
    assert layer(x) is x and layer(x, training=False) is x and layer.eval()(x) is x
    ag.set_random_seed(0)
    assert_allclose(value(L.Dropout(0.3)(x, training=True)), out)       # the package's generator, seeded
    first, second = L.Dropout(0.5, seed=7)(x, training=True), L.Dropout(0.5, seed=7)(x, training=True)
    assert_allclose(value(first), value(second))          # a generator of its own, from the seed
    shared = value(L.Dropout(0.5, noise_shape=(None, 1, 3))(np.ones((4, 5, 3)), training=True))
    assert (shared == shared[:, :1, :]).all() and 0 < (shared == 0).mean() < 1
    assert_allclose(value(L.Dropout(1.0, seed=1)(x, training=True)), 0.0)
    assert_allclose(value(L.Dropout(0.5)(x, training=False)), x)
    keras_out = keras.layers.Dropout(0.3)(x, training=False)
    assert_allclose(value(layer(x, training=False)), np.asarray(keras_out))


def test_dropout_gradient_is_the_mask():
    x = ag.Tensor(np.ones((3, 4)), requires_grad=True)
    out = L.Dropout(0.5, seed=3)(x)
    out.sum().backward()
    assert_allclose(x.grad, out.data)


# ---- errors, and get_config -----------------------------------------------------------------------


@pytest.mark.parametrize("make, error, match", [
    (lambda: L.Conv2D(0, 3), ValueError, r"Conv2D: invalid filters 0"),
    (lambda: L.Conv2D(3, (3, 3, 3)), ValueError, r"Conv2D: invalid kernel_size \(3, 3, 3\)"),
    (lambda: L.Conv2D(3, 3, strides=2, dilation_rate=2), ValueError, r"Conv2D: strides \(2, 2\) > 1"),
    (lambda: L.Conv2D(3, 3, padding="causal"), ValueError, r"Conv2D: invalid padding 'causal'"),
    (lambda: L.Conv2D(3, 3, groups=2), ValueError, r"Conv2D: filters=3 must be divisible by groups=2"),
    (lambda: L.Conv2D(3, 3, data_format="NHWC"), ValueError, r"Conv2D: invalid data_format 'NHWC'"),
    (lambda: L.Conv2D(3, 3, kernel_regularizer="l2"), NotImplementedError, r"Conv2D: kernel_regularizer"),
    (lambda: L.Conv1D(3, 2, activation="nope"), ValueError, r"Conv1D: unknown activation 'nope'"),
    (lambda: L.MaxPooling2D(padding="full"), ValueError, r"MaxPooling2D: invalid padding 'full'"),
    (lambda: L.AveragePooling1D(pool_size=0), ValueError, r"AveragePooling1D: invalid pool_size 0"),
    (lambda: L.GlobalMaxPooling2D(keepdims=1), TypeError, r"GlobalMaxPooling2D: invalid keepdims 1"),
    (lambda: L.Reshape((2, -1, -1)), ValueError, r"Reshape: invalid target_shape"),
    (lambda: L.Permute((1, 3)), ValueError, r"Permute: invalid dims \(1, 3\)"),
    (lambda: L.Dropout(1.5), ValueError, r"Dropout: invalid rate 1.5"),
    (lambda: L.Embedding(10, 3, mask_zero=True), NotImplementedError, r"Embedding: mask_zero=True"),
    (lambda: L.Dense(0), ValueError, r"Dense: invalid units 0"),
    (lambda: L.Dense(2, kernel_constraint="max_norm"), NotImplementedError, r"Dense: kernel_constraint"),
])
def test_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize("layer, inputs, match", [
    (L.Conv2D(2, 3), np.ones((4, 4, 3)),
     r"Conv2D 'conv2d\w*': the input must have 4 axes, \(batch, height, width, channels\) for "
     r"data_format='channels_last', not shape \(4, 4, 3\)"),
    (L.Conv2D(2, 3, groups=2), np.ones((1, 5, 5, 3)),
     r"the input's 3 channels \(shape \(1, 5, 5, 3\)\) must be divisible by groups=2"),
    (L.Conv2D(2, 5), np.ones((1, 4, 6, 1)),
     r"Conv2D 'conv2d\w*': the input of shape \(1, 4, 6, 1\) is too small"),
    (L.Conv1D(2, 3, data_format="channels_first"), np.ones((1, 3)), r"\(batch, channels, steps\)"),
    (L.MaxPooling2D(3), np.ones((1, 2, 5, 1)), r"MaxPooling2D 'max_pooling2d\w*': the input of shape "
                                               r"\(1, 2, 5, 1\) is too small"),
    (L.MaxPooling1D(), np.ones((1, 4, 1), dtype=np.int64), r"MaxPooling1D .*floating dtype, not int64"),
    (L.GlobalAveragePooling2D(), np.ones((2, 3, 4)), r"GlobalAveragePooling2D .* 4 axes"),
    (L.Reshape((4, 4)), np.ones((2, 5)), r"Reshape 'reshape\w*': target_shape \(4, 4\) does not fit an input "
                                         r"of shape \(2, 5\)"),
    (L.Concatenate(), [np.ones((2, 3)), np.ones((3, 3))], r"Concatenate .* must match except along axis -1"),
    (L.Add(), [np.ones((2, 3)), np.ones((2, 4))], r"Add 'add\w*': the inputs' shapes \[\(2, 3\), \(2, 4\)\]"),
    (L.Subtract(), [np.ones(2)] * 3, r"Subtract .* exactly 2 inputs, not 3"),
    (L.Multiply(), np.ones((2, 3)), r"Multiply .* a list of inputs"),
    (L.Permute((2, 1)), np.ones((2, 3)), r"Permute .* dims \(2, 1\) need an input of 3 axes"),
    (L.RepeatVector(2), np.ones((2, 3, 1)), r"RepeatVector .* 2-D"),
    (L.Dropout(0.5, noise_shape=(None, 2)), np.ones((3, 4)), r"Dropout .* noise_shape \(None, 2\)"),
    (L.Dense(2), np.ones(3), r"Dense: the input must have at least 2 axes"),
])
def test_bad_inputs_name_the_layer_and_the_shapes(layer, inputs, match):
    with pytest.raises((ShapeError, ValueError, TypeError), match=match):
        layer.train()(inputs)
    assert not layer.get_weights()          # a call that raises changes nothing: nothing was built


def test_a_built_layer_refuses_other_channels():
    conv, dense = L.Conv2D(2, 3), L.Dense(2)
    conv(np.ones((1, 5, 5, 3))), dense(np.ones((1, 3)))
    with pytest.raises(ShapeError, match=r"the input has 4 channels \(shape \(1, 5, 5, 4\)\), but the layer"):
        conv(np.ones((1, 5, 5, 4)))
    with pytest.raises(ShapeError, match=r"Dense 'dense\w*': the input's last axis must have 3 features"):
        dense(np.ones((1, 4)))


LAYERS = [
    lambda: L.Conv2D(4, (3, 2), strides=2, padding="same", data_format="channels_first", groups=2,
                     activation="relu", use_bias=False, kernel_initializer="he_normal"),
    lambda: L.Conv1D(3, 2, padding="causal", dilation_rate=2, name="c1"),
    lambda: L.MaxPooling2D((2, 3), strides=1, padding="same"), lambda: L.AveragePooling1D(3),
    lambda: L.GlobalMaxPooling1D(keepdims=True),
    lambda: L.GlobalAveragePooling2D(data_format="channels_first"),
    lambda: L.Dense(3, activation="softmax", input_dim=4), lambda: L.Activation("gelu"),
    lambda: L.Reshape((2, -1)), lambda: L.Flatten(data_format="channels_first"), lambda: L.Permute((2, 1)),
    lambda: L.RepeatVector(2), lambda: L.Dropout(0.2, noise_shape=(None, 1), seed=3),
    lambda: L.Embedding(5, 2, embeddings_initializer="zeros"), lambda: L.Concatenate(axis=1), lambda: L.Add(),
    lambda: L.Subtract(), lambda: L.Multiply(), lambda: L.Average(), lambda: L.Maximum(), lambda: L.Minimum(),
]


@pytest.mark.parametrize("make", LAYERS)
def test_get_config_round_trip(make):
    layer = make()
    config = layer.get_config()
    again = type(layer).from_config(config)
    assert type(again) is type(layer) and again.get_config() == config
    for key in set(config) & {"kernel_size", "strides", "padding", "data_format", "units", "rate", "axis"}:
        assert getattr(again, key) == getattr(layer, key)


def test_every_public_layer_is_exported_and_compared():
    names = {"Conv1D", "Conv2D", "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
             "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
             "Activation", "Reshape", "Flatten", "Permute", "RepeatVector", "Dropout", "Embedding",
             "Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dense"}
    assert names <= set(L.__all__)
    for name in ["Flatten", "Dropout", "Embedding"]:   # Keras' here, PyTorch's in autograd_lite.nn
        assert getattr(L, name).__module__ == "autograd_lite.nn.keras_layers.core"


DEVICE_LAYERS = [
    lambda: L.Conv2D(4, 3, strides=2, padding="same"), lambda: L.Conv1D(2, 3, padding="causal"),
    lambda: L.MaxPooling2D(padding="same"), lambda: L.AveragePooling2D(3, 2, padding="same"),
    lambda: L.GlobalAveragePooling2D(), lambda: L.Flatten(), lambda: L.Dense(3),
    lambda: L.Dropout(0.5, noise_shape=(None, 1, 1, 3), seed=2),
]


@pytest.mark.parametrize("make", DEVICE_LAYERS)
def test_layers_run_on_the_device_of_their_input(make):
    """array-api-strict's device1 stands for an accelerator: weights are made there, outputs and
    gradients stay there, and the numbers are the host's."""
    xps = pytest.importorskip("array_api_strict")
    device = xps.Device("device1")
    data = images((2, 7, 6, 3))[..., 0] if make().__class__.__name__ == "Conv1D" else images((2, 7, 6, 3))
    ours, on_host = make().train(), make().train()
    x = ag.Tensor(xps.asarray(data, device=device), requires_grad=True)
    out = ours(x)
    out.sum().backward()
    assert out.data.device == device and x.grad.device == device
    assert all(w.data.device == device for w in ours.parameters())
    if ours.get_weights():   # a seeded Dropout has none: its first call draws the same mask
        on_host(data)
        on_host.set_weights(ours.get_weights())
    assert_allclose(host(out), value(on_host(data)), rtol=1e-12)
