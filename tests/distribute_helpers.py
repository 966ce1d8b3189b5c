"""What the tests of ``fit(distribute=...)`` share: data, small models, and comparisons."""


import numpy as np

from autograd_lite import nn

#: float64 round-off, as the issue asks: each array within 1e-12 of its largest entry
RELATIVE = 1e-12
#: the "does not pay" warning, which the tests that are not about it do not want to see
SLOWER = "ignore:fit. a distributed step takes:UserWarning"


RNG = np.random.default_rng(7)
X = RNG.normal(size=(50, 3))
Y = np.tanh(X @ np.array([[1.0], [-2.0], [0.5]])) + 0.1 * RNG.normal(size=(50, 1))
LABELS = (X[:, 0] + 0.3 * X[:, 1] > 0).astype(int) + (X[:, 2] > 1).astype(int)   # 3 classes, unbalanced
IMAGES = RNG.normal(size=(30, 6, 6, 1))
IMAGE_LABELS = (IMAGES.mean(axis=(1, 2, 3)) > 0).astype(int)


# ---- helpers -----------------------------------------------------------------------------------------
def assert_same_weights(got, expected, relative=RELATIVE):
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        assert a.shape == b.shape and a.dtype == b.dtype
        scale = max(float(np.max(np.abs(b))), 1e-300)
        assert float(np.max(np.abs(a - b))) <= relative * scale, (float(np.max(np.abs(a - b))), scale)


def assert_same_history(got, expected, relative=RELATIVE):
    assert got.keys() == expected.keys()
    for name in expected:
        np.testing.assert_allclose(got[name], expected[name], rtol=relative, atol=0, err_msg=name)


def largest_difference(got, expected):
    return max(float(np.max(np.abs(a - b))) for a, b in zip(got, expected, strict=True))


def dense_model(optimizer="adam", loss="mse", metrics=("mae",), hidden=None):
    """Dense(5, tanh) → [hidden] → Dense(1), built (input_dim), seeded."""
    nn.manual_seed(0)
    middle = [] if hidden is None else [hidden]
    model = nn.Sequential(nn.Dense(5, activation="tanh", input_dim=3), *middle, nn.Dense(1))
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    return model


def unbuilt_model():
    nn.manual_seed(0)
    model = nn.Sequential(nn.Dense(4, activation="tanh"), nn.Dense(1))
    model.compile(optimizer="adam", loss="mse")
    return model


def is_built(model):
    return all(getattr(module, "built", True) for module in model.modules())


def fitted(make, options, strategy):
    model = make()
    history = model.fit(verbose=0, distribute=strategy, **options)
    return model.get_weights(), history.history, model
