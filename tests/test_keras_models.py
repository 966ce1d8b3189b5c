"""The Keras model surface: the functional API, subclassing with ``call``, ``summary``, saving and
loading ``.keras`` archives, ``get_weights``/``set_weights``, and ``fit``'s Keras arguments
(``x=``/``y=``, ``sample_weight``, ``class_weight``, ``initial_epoch``, ``validation_freq``, generators,
DataLoaders, ``steps_per_epoch``) and the one-batch calls. The numbers are compared with Keras itself
in ``tests/test_keras_parity.py``; here, the semantics and the errors."""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np
import pytest

from autograd_lite import keras, nn
from autograd_lite.data import DataLoader, TensorDataset

layers = keras.layers
RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3))
Y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(float)


def small_model(name: str | None = None) -> nn.Sequential:
    keras.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4, activation="relu"),
                              layers.Dense(1, activation="sigmoid")], name=name)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


# ---- the functional API ------------------------------------------------------------------------
def test_model_of_inputs_and_outputs_is_a_functional_model_that_runs_its_layers_in_order():
    inputs = keras.Input(shape=(3,))
    hidden = layers.Dense(5, activation="tanh", name="hidden")(inputs)
    outputs = layers.Dense(2, name="out")(hidden)
    model = keras.Model(inputs=inputs, outputs=outputs)
    assert isinstance(model, nn.symbolic.Functional) and isinstance(model, keras.Model)
    assert [layer.name for layer in model.layers][1:] == ["hidden", "out"]
    assert list(model.state_dict()) == ["hidden.kernel", "hidden.bias", "out.kernel", "out.bias"]
    hidden_layer, out_layer = model.layers[1], model.layers[2]
    expected = out_layer(hidden_layer(X)).data
    np.testing.assert_array_equal(model.predict(X, verbose=0), expected)
    assert outputs.shape == (None, 2) and hidden.shape == (None, 5)


def test_several_inputs_and_outputs_and_a_shared_layer():
    left, right = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    shared = layers.Dense(2, name="shared")
    a, b = shared(left), shared(right)
    joined = layers.Concatenate()([a, b])
    model = keras.Model([left, right], [joined, a])
    assert sum(layer is shared for layer in model.layers) == 1      # one layer, two calls
    assert model.count_params() == 3 * 2 + 2
    first, second = model.predict([X, 2 * X], verbose=0)
    w, bias = shared.get_weights()
    np.testing.assert_allclose(first, np.concatenate([X @ w + bias, 2 * X @ w + bias], axis=1), rtol=1e-14)
    np.testing.assert_allclose(second, X @ w + bias, rtol=1e-14)


def test_a_model_with_two_inputs_trains_on_a_list_of_arrays():
    left, right = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    out = layers.Dense(1)(layers.Add()([layers.Dense(4)(left), layers.Dense(4)(right)]))
    model = keras.Model(inputs=[left, right], outputs=out)
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit([X, X[::-1]], Y, epochs=3, batch_size=8, verbose=0)
    assert len(history.history["loss"]) == 3 and history.history["loss"][-1] < history.history["loss"][0]
    with pytest.raises(ValueError, match="the same number of samples"):
        model.fit([X, X[:10]], Y, verbose=0)


def test_an_unknown_axis_stays_unknown():
    inputs = keras.Input(shape=(None, 4))
    outputs = layers.Dense(2)(inputs)
    assert outputs.shape == (None, None, 2)
    model = keras.Model(inputs, outputs)
    assert model.predict(np.ones((2, 7, 4)), verbose=0).shape == (2, 7, 2)


def test_functional_errors_name_what_is_wrong():
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    out = layers.Add()([layers.Dense(2)(a), layers.Dense(2)(b)])
    with pytest.raises(ValueError, match="depends on the Input .* which is not among inputs"):
        keras.Model(inputs=a, outputs=out)
    with pytest.raises(TypeError, match="must be symbolic tensors"):
        keras.Model(inputs=a, outputs=np.ones(3))
    with pytest.raises(TypeError, match="symbolic"):
        np.asarray(a)


def test_subclassing_with_call_and_training():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(3)
            self.seen = []

        def call(self, x, training=None):
            self.seen.append(training)
            return self.dense(x)

    model = Net()
    model(X[:2])                      # called directly: inference, as in Keras
    model(X[:2], training=True)       # for this call only
    assert model.seen == [False, True] and model.training is False and model.dense.training is False
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, np.zeros((40, 3)), epochs=1, batch_size=40, verbose=0)
    assert model.seen[-1] is True and model.training is False and model.dense.training is False
    assert model.count_params() == 12


def test_keras_layers_called_directly_run_in_inference_and_fit_puts_every_mode_back():
    dropout = layers.Dropout(0.5)
    np.testing.assert_array_equal(dropout(X).data, X)                  # Keras: inference unless training
    assert not np.array_equal(dropout(X, training=True).data, X)
    norm = layers.BatchNormalization()
    norm(X)
    np.testing.assert_array_equal(norm.moving_mean.data, np.zeros(3))   # no statistics moved
    mixed = nn.Sequential(layers.Dense(3), nn.Dropout(0.5), layers.Dense(1))   # PyTorch's Dropout trains
    mixed.compile(optimizer="sgd", loss="mse")
    mixed.fit(X, Y, epochs=1, verbose=0)
    mixed.evaluate(X, Y, verbose=0)
    assert [module.training for module in mixed.layers] == [False, True, False]


# ---- summary -------------------------------------------------------------------------------------
def summary_lines(model: nn.Model) -> list[str]:
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    return lines


def test_summary_lists_each_layer_with_its_output_shape_and_parameters():
    model = keras.Sequential([keras.Input(shape=(8, 8, 1)), layers.Conv2D(4, 3, name="conv"),
                              layers.Flatten(name="flat"), layers.Dense(10, name="out")], name="net")
    lines = summary_lines(model)
    assert lines[0] == 'Model: "net"'
    rows = {line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:4]]
            for line in lines if line.startswith("│") and "(" in line.split("│")[1]}
    assert rows == {"conv (Conv2D)": ["(None, 6, 6, 4)", "40"], "flat (Flatten)": ["(None, 144)", "0"],
                    "out (Dense)": ["(None, 10)", "1,450"]}
    assert " Total params: 1,490 (11.64 KB)" in lines and " Non-trainable params: 0 (0.00 B)" in lines


def test_summary_counts_frozen_weights_and_an_unbuilt_model_shows_question_marks():
    model = keras.Sequential([layers.Dense(2, input_shape=(3,)), layers.Dense(1, trainable=False)])
    lines = summary_lines(model)
    assert " Trainable params: 8 (64.00 B)" in lines and " Non-trainable params: 3 (24.00 B)" in lines
    unbuilt = keras.Sequential([layers.Dense(2)])
    assert any("?" in line for line in summary_lines(unbuilt))


def test_a_branching_functional_model_shows_what_each_layer_is_connected_to():
    a, b = keras.Input(shape=(3,), name="left"), keras.Input(shape=(3,), name="right")
    out = layers.Concatenate(name="cat")([layers.Dense(2, name="d1")(a), layers.Dense(2, name="d2")(b)])
    lines = summary_lines(keras.Model([a, b], out))
    assert any("Connected to" in line for line in lines)
    assert any(line.startswith("│ cat (Concatenate)") and "d1[0][0], d2[0][0]" in line for line in lines)


# ---- weights ---------------------------------------------------------------------------------------
def test_get_and_set_weights_in_keras_order_and_a_bad_list_changes_nothing():
    model = small_model()
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(3, 4), (4,), (4, 1), (1,)]
    before = model.get_weights()
    with pytest.raises(ValueError, match="has 4 weight arrays .* but 3 were given"):
        model.set_weights(before[:3])
    with pytest.raises(ValueError, match="shape"):
        model.set_weights([before[0], before[1], np.ones((1, 4)), before[3]])
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)
    model.set_weights([w + 1 for w in before])
    np.testing.assert_array_equal(model.get_weights()[0], before[0] + 1)


@pytest.mark.parametrize("name", ["model.weights.h5", "weights.bin", "no_extension"])
def test_save_weights_round_trips_any_file_name(tmp_path, name):
    model = small_model()
    path = tmp_path / name
    model.save_weights(path)
    other = small_model()
    other.set_weights([w * 0 for w in other.get_weights()])
    other.load_weights(path)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)


# ---- saving whole models -------------------------------------------------------------------------
def test_save_and_load_model_round_trips_architecture_weights_compile_and_optimizer(tmp_path):
    model = small_model()
    model.fit(X, Y, epochs=2, verbose=0, shuffle=False)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is nn.Sequential and [layer.name for layer in loaded.layers] == \
        [layer.name for layer in model.layers]
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    assert loaded.loss == "binary_crossentropy" and loaded.metrics_names == ["loss", "accuracy"]
    # the optimizer's moments came along: training on continues exactly as it would have
    continued, resumed = model.fit(X, Y, epochs=2, verbose=0, shuffle=False), \
        loaded.fit(X, Y, epochs=2, verbose=0, shuffle=False)
    assert continued.history == resumed.history


def test_a_saved_functional_model_loads_with_its_graph(tmp_path):
    left, right = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    shared = layers.Dense(2)
    out = layers.Concatenate()([shared(left), shared(right)])
    model = keras.Model([left, right], out)
    model.save(tmp_path / "f.keras")
    loaded = keras.models.load_model(tmp_path / "f.keras", compile=False)
    np.testing.assert_array_equal(loaded.predict([X, -X], verbose=0), model.predict([X, -X], verbose=0))
    assert loaded.count_params() == 8


def test_the_archive_is_json_and_plain_arrays_never_pickle(tmp_path):
    small_model().save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.npz",
                                              "optimizer.npz"]
        json.loads(archive.read("config.json"))
        with archive.open("model.weights.npz") as member:
            arrays = np.load(member, allow_pickle=False)
            assert sorted(arrays.files) == ["0.bias", "0.kernel", "1.bias", "1.kernel"]


def rewrite_config(path, change) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    change(config)
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)


def test_a_file_naming_a_class_that_is_not_registered_is_refused(tmp_path):
    path = tmp_path / "m.keras"
    small_model().save(path)

    def evil(config):
        config["config"]["layers"][0].update(module="os", class_name="system")
    rewrite_config(path, evil)
    with pytest.raises(ValueError, match="names the class os.system, which is not one of autograd_lite's"):
        keras.models.load_model(path)


class Scale(keras.layers.Layer):
    def __init__(self, factor: float = 2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor


def test_a_layer_of_your_own_loads_through_custom_objects(tmp_path):
    model = keras.Sequential([keras.Input(shape=(3,)), Scale(3.0), layers.Dense(1)])
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="custom_objects"):
        keras.models.load_model(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", custom_objects={"Scale": Scale})
    assert loaded.layers[0].factor == 3.0
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_saving_and_loading_errors(tmp_path):
    model = small_model()
    with pytest.raises(ValueError, match=r"must end in \.keras"):
        model.save(tmp_path / "m.h5")
    assert not os.listdir(tmp_path)
    (tmp_path / "junk.keras").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="is not a readable .keras file"):
        keras.models.load_model(tmp_path / "junk.keras")
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "m.keras", overwrite=False)


def test_a_model_compiled_with_a_loss_of_your_own_needs_it_to_load_compiled(tmp_path):
    def my_loss(y_true, y_pred):
        return nn.losses.mean_squared_error(y_true, y_pred)

    model = small_model()
    model.compile(optimizer="sgd", loss=my_loss)
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="custom_objects"):
        keras.models.load_model(tmp_path / "m.keras")
    assert keras.models.load_model(tmp_path / "m.keras", custom_objects={"my_loss": my_loss}).loss is my_loss
    assert keras.models.load_model(tmp_path / "m.keras", compile=False).resolved_loss is None


# ---- fit's Keras arguments ---------------------------------------------------------------------------
def test_fit_takes_x_and_y_by_keyword_and_initial_epoch_counts_from_there():
    history = small_model().fit(x=X, y=Y, epochs=5, initial_epoch=2, verbose=0)
    assert history.epoch == [2, 3, 4]


def test_validation_freq_validates_every_nth_epoch():
    history = small_model().fit(X, Y, epochs=4, validation_split=0.25, validation_freq=2, verbose=0)
    assert len(history.history["loss"]) == 4 and len(history.history["val_loss"]) == 2


def test_sample_weight_is_keras_rule_sum_of_weighted_losses_over_the_samples():
    model = small_model()
    weights = RNG.uniform(0, 2, size=40)
    per_sample = nn.losses.binary_crossentropy(Y[:, None], model(X)).data
    expected = float(np.sum(per_sample * weights) / 40)
    logs = model.test_on_batch(X, Y, sample_weight=weights, return_dict=True)
    assert logs["loss"] == pytest.approx(expected, rel=1e-12)


def test_class_weight_weighs_each_sample_by_its_class():
    model = small_model()
    by_class = model.test_on_batch(X, Y, sample_weight=np.where(Y == 1, 3.0, 0.5), return_dict=True)
    first = model.get_weights()
    a = model.train_on_batch(X, Y, class_weight={0: 0.5, 1: 3.0}, return_dict=True)
    model.set_weights(first)
    b = model.train_on_batch(X, Y, sample_weight=np.where(Y == 1, 3.0, 0.5), return_dict=True)
    assert a == b and a["loss"] == pytest.approx(by_class["loss"], rel=1e-12)


def test_a_bad_sample_weight_is_refused_before_anything_changes():
    model = small_model()
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"one weight per sample, shape \(40,\)"):
        model.fit(X, Y, sample_weight=np.ones(39), verbose=0)
    with pytest.raises(TypeError, match="class_weight keys must be class indices"):
        model.fit(X, Y, class_weight={"a": 1.0}, verbose=0)
    assert model.optimizer is None
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_a_generator_gives_steps_per_epoch_batches_and_continues_across_epochs():
    seen = []

    def batches():
        start = 0
        while True:
            seen.append(start)
            yield X[start:start + 8], Y[start:start + 8]
            start = (start + 8) % 40

    history = small_model().fit(batches(), steps_per_epoch=3, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and seen[:6] == [0, 8, 16, 24, 32, 0]
    with pytest.raises(ValueError, match="y and sample_weight must be None"):
        small_model().fit(batches(), Y, verbose=0)


def test_a_dataloader_is_read_afresh_each_epoch():
    loader = DataLoader(TensorDataset(X, Y), batch_size=16)
    model = small_model()
    steps = []

    class Count(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            steps.append(batch)
    model.fit(loader, epochs=2, verbose=0, callbacks=Count(), validation_data=loader)
    assert steps == [0, 1, 2, 0, 1, 2]
    assert set(model.evaluate(loader, verbose=0, return_dict=True)) == {"loss", "accuracy"}


def test_predict_evaluate_and_the_one_batch_calls():
    model = small_model()
    assert model.predict(X, batch_size=7, verbose=0).shape == (40, 1)
    np.testing.assert_array_equal(model.predict_on_batch(X), model.predict(X, verbose=0))
    logs = model.evaluate(X, Y, batch_size=40, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "accuracy"]
    assert model.evaluate(X, Y, batch_size=40, verbose=0) == [logs["loss"], logs["accuracy"]]
    assert model.test_on_batch(X, Y) == [logs["loss"], logs["accuracy"]]
    before = model.get_weights()
    loss, accuracy = model.train_on_batch(X, Y)
    assert loss == pytest.approx(logs["loss"], rel=1e-12)       # of the outputs before the step
    assert not np.array_equal(before[0], model.get_weights()[0])


def test_keras_optimizers_are_settings_made_into_the_optimizer_at_the_first_fit():
    model = small_model()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="binary_crossentropy")
    model.fit(X, Y, epochs=1, verbose=0)
    assert model.optimizer.learning_rate == 0.05 and type(model.optimizer).__name__ == "KerasAdam"
    model.optimizer.learning_rate = 0.01
    assert all(group["lr"] == 0.01 for group in model.optimizer.param_groups)


def test_loss_and_metric_objects_are_saved_by_class_and_config(tmp_path):
    model = small_model()
    model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(label_smoothing=0.1),
                  metrics=[keras.metrics.AUC(num_thresholds=50), "accuracy"])
    model.fit(X, Y, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.loss.label_smoothing == 0.1 and loaded.metrics_names == model.metrics_names
    assert loaded.evaluate(X, Y, verbose=0) == model.evaluate(X, Y, verbose=0)


# ---- several outputs ---------------------------------------------------------------------------------
def two_output_model(library):
    inputs = library.Input(shape=(3,))
    hidden = library.layers.Dense(4, activation="tanh", name="hidden")(inputs)
    first = library.layers.Dense(1, name="first")(hidden)
    second = library.layers.Dense(2, activation="softmax", name="second")(hidden)
    return library.Model(inputs, [first, second])


def test_several_outputs_train_with_a_loss_each_and_log_as_keras_3(tmp_path):
    from keras_reference import keras as reference

    ours, theirs = two_output_model(keras), two_output_model(reference)
    theirs.set_weights(ours.get_weights())
    targets = [X[:, :1] * 2.0, (X[:, 1] > 0).astype(int)]
    settings = dict(loss={"first": "mse", "second": "sparse_categorical_crossentropy"},
                    loss_weights=[1.0, 0.5], metrics={"first": ["mae"], "second": ["accuracy"]})
    for model in (ours, theirs):
        model.compile(optimizer=(keras if model is ours else reference).optimizers.SGD(learning_rate=0.1),
                      **settings)
    mine = ours.fit(X, targets, epochs=3, batch_size=8, shuffle=False, verbose=0).history
    reference_history = theirs.fit(X, targets, epochs=3, batch_size=8, shuffle=False, verbose=0).history
    assert set(mine) == set(reference_history) == {"loss", "first_loss", "second_loss", "first_mae",
                                                   "second_accuracy"}
    for name, values in reference_history.items():   # both in float64: round-off of different orders
        np.testing.assert_allclose(mine[name], values, rtol=1e-10, err_msg=name)
    ours.save(tmp_path / "two.keras")
    loaded = keras.models.load_model(tmp_path / "two.keras")
    assert loaded.evaluate(X, targets, verbose=0, return_dict=True) == \
        ours.evaluate(X, targets, verbose=0, return_dict=True)


def test_several_outputs_errors():
    model = two_output_model(keras)
    with pytest.raises(ValueError, match="one entry per output"):
        model.compile(optimizer="sgd", loss=["mse"])
    with pytest.raises(ValueError, match=r"names \['third'\], which are not outputs"):
        model.compile(optimizer="sgd", loss={"third": "mse"})
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="so y must be a list"):
        model.fit(X, Y, verbose=0)
    with pytest.raises(ValueError, match="class_weight is only supported for models with one output"):
        model.fit(X, [Y, np.ones((40, 2))], class_weight={0: 1.0}, verbose=0)


def test_symbolic_tensors_given_by_keyword_are_part_of_the_graph():
    """The encoder-decoder pattern: a decoder LSTM starts from the encoder's states, given as
    ``initial_state=``."""
    encoder_in, decoder_in = keras.Input(shape=(5, 2)), keras.Input(shape=(4, 3))
    _, h, c = layers.LSTM(6, return_state=True)(encoder_in)
    decoded = layers.LSTM(6, return_sequences=True)(decoder_in, initial_state=[h, c])
    model = keras.Model([encoder_in, decoder_in], layers.Dense(1)(decoded))
    a, b = RNG.normal(size=(2, 5, 2)), RNG.normal(size=(2, 4, 3))
    encoder, decoder, head = model.layers[2], model.layers[3], model.layers[4]
    _, h_value, c_value = encoder(a)
    expected = head(decoder(b, initial_state=[h_value, c_value])).data
    np.testing.assert_allclose(model.predict([a, b], verbose=0), expected, rtol=1e-13)


def test_a_functional_model_lists_its_layers_in_keras_order_so_keras_weights_load():
    """Keras orders a functional model's layers by depth from the inputs, then by a walk from the
    outputs; get_weights follows that order, so a different one would load Keras' weights into the
    wrong layers without an error wherever shapes agree."""
    from keras_reference import keras as reference

    def build(library):
        a, b = library.Input((4,), name="a"), library.Input((4,), name="b")
        left = library.layers.Dense(4, name="A2")(library.layers.Dense(4, name="A1")(a))
        right = library.layers.Dense(4, name="B1")(b)
        return library.Model([a, b], library.layers.Dense(1, name="out")(
            library.layers.Concatenate(name="cat")([left, right])))

    ours, theirs = build(keras), build(reference)
    assert [layer.name for layer in ours.layers] == [layer.name for layer in theirs.layers] == \
        ["a", "A1", "b", "A2", "B1", "cat", "out"]
    ours.set_weights(theirs.get_weights())
    inputs = [RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))]
    np.testing.assert_allclose(ours.predict(inputs, verbose=0), theirs.predict(inputs, verbose=0), rtol=1e-12)


def test_class_weight_weighs_training_only_not_the_validation_split():
    """Keras applies class_weight to the training samples; the held-out ones are evaluated as
    evaluate would (their sample weights, if any, but no class weights)."""
    model = small_model()
    before = model.get_weights()
    history = model.fit(X, Y, epochs=1, batch_size=40, class_weight={0: 1.0, 1: 5.0}, validation_split=0.25,
                        shuffle=False, verbose=0)
    plain = small_model()
    plain.set_weights(model.get_weights())
    assert history.history["val_loss"][0] == pytest.approx(plain.evaluate(X[30:], Y[30:], verbose=0)[0],
                                                           rel=1e-12)
    assert not np.array_equal(before[0], model.get_weights()[0])


def test_model_from_config_of_a_functional_model_is_functional():
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, layers.Dense(2)(inputs))
    again = keras.Model.from_config(model.get_config())
    assert isinstance(again, nn.symbolic.Functional) and again.count_params() == 8


@pytest.mark.parametrize("change, message", [
    (lambda c: c["compile_config"].update(optimizer={"keras": "Tensor", "config": {}}), "optimizer 'Tensor'"),
    (lambda c: c["compile_config"].update(loss={"library_function": "deserialize",
                                                "module": "autograd_lite.nn.losses"}), "not a loss"),
    (lambda c: c["compile_config"].update(loss={"module": "autograd_lite.nn.losses", "class_name": "Loss",
                                                "config": {}}), "not one of"),
    (lambda c: c.update(optimizer_state={"state": {}, "param_groups": [], "step_count": 0, "shapes": []}),
     "readable"),
])
def test_a_hostile_compile_config_makes_nothing_it_names(tmp_path, change, message):
    path = tmp_path / "m.keras"
    model = small_model()
    model.fit(X, Y, epochs=1, verbose=0)
    model.save(path)
    rewrite_config(path, change)
    with pytest.raises(ValueError, match=message):
        keras.models.load_model(path)


def test_save_weights_takes_keras_arguments(tmp_path):
    model = small_model()
    model.save_weights(filepath=tmp_path / "w.weights.h5")
    with pytest.raises(FileExistsError):
        model.save_weights(tmp_path / "w.weights.h5", overwrite=False)
    model.load_weights(filepath=tmp_path / "w.weights.h5", skip_mismatch=False)
    with pytest.raises(NotImplementedError, match="skip_mismatch"):
        model.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)


def test_every_keras_loss_name_compiles():
    for name in ["mae", "huber", "kld", "log_cosh", "poisson", "msle", "squared_hinge", "Huber",
                 "MeanSquaredError"]:
        model = small_model()
        model.compile(optimizer="sgd", loss=name)
        assert np.isfinite(model.fit(X, Y, epochs=1, verbose=0).history["loss"][0])


def test_a_model_of_scalar_samples_takes_a_vector():
    model = keras.Sequential([keras.Input(shape=()), layers.Reshape((1,)), layers.Dense(1)])
    assert model.predict(np.ones(5), verbose=0).shape == (5, 1)


def test_keras_weight_lists_and_optimizer_arguments():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4), layers.BatchNormalization(),
                              layers.Dense(1, trainable=False)])
    assert (len(model.weights), len(model.trainable_weights), len(model.non_trainable_weights)) == (8, 4, 4)
    assert [w.shape for w in model.layers[1].non_trainable_weights] == [(4,), (4,)]   # moving mean, variance
    assert keras.optimizers.Adam(name="adam", clipnorm=None).get_config()["learning_rate"] == 0.001
    with pytest.raises(NotImplementedError, match="clipnorm=1.0 is not supported"):
        keras.optimizers.SGD(clipnorm=1.0)
    with pytest.raises(TypeError, match="unexpected argument 'lr'"):
        keras.optimizers.SGD(lr=0.1)


def test_sample_weights_with_a_loss_without_a_per_sample_form_are_refused_before_training():
    model = nn.Sequential(nn.Dense(3, input_dim=3))
    model.compile(optimizer="sgd", loss=nn.functional.softmax_cross_entropy)
    before = model.get_weights()
    with pytest.raises(TypeError, match="'softmax_cross_entropy' does not"):
        model.fit(X, (X[:, 0] > 0).astype(int), sample_weight=np.ones(40), verbose=0)
    assert model.optimizer is None and all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
