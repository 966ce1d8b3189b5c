"""What the callback tests share: a small compiled model, data, a stand-in for a
Keras model that records what Keras' callbacks do to it, and a driver that runs a callback through
a sequence of logged values as ``fit`` would."""

import os

import numpy as np

import autograd_lite as ag
from autograd_lite import nn, optim


def small_model(lr=0.1, groups=None):
    """``Dense(1)`` on two inputs, compiled with an SGD that exists already (``fit`` makes a named
    optimizer only when it starts)."""
    ag.manual_seed(0)
    model = nn.Sequential(nn.Dense(1, input_dim=2))
    params = list(model.parameters())
    model.compile(optimizer=optim.SGD(groups(params) if groups else params, lr=lr), loss="mse")
    model.stop_training = False
    return model


def data(n=16, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    return x, x @ np.array([1.0, -2.0]) + 0.5


class KerasStandIn:
    """What Keras' callbacks need of a model, recording what they do to it."""

    def __init__(self, keras, lr=0.1):
        self.stop_training = False
        self.optimizer = keras.optimizers.SGD(learning_rate=lr)
        self.saved = []

    def get_weights(self):
        return []

    def set_weights(self, weights):
        pass

    def save_weights(self, filepath, overwrite=True):
        self.saved.append(os.path.basename(filepath))

    def save(self, filepath, overwrite=True):
        self.saved.append(os.path.basename(filepath))


def drive(callback, model, sequence, monitor):
    """Run ``callback`` through the epochs of ``sequence`` as fit does (stopping when asked); the
    model's stop flag and learning rate after each epoch."""
    callback.set_model(model)
    callback.on_train_begin()
    seen = []
    for epoch, value in enumerate(sequence):
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, {monitor: float(value)})
        lr = model.optimizer.learning_rate if hasattr(model.optimizer, "variables") \
            else model.optimizer.param_groups[0]["lr"]
        seen.append((model.stop_training, float(np.asarray(lr))))
        if model.stop_training:
            break
    callback.on_train_end()
    return seen


def sequences():
    """Monitored values with plateaus, exact ties, steps just above and below min_delta, and a
    bump: what makes the counters differ if they differ."""
    rng = np.random.default_rng(7)
    walk = np.round(np.cumsum(rng.choice([-0.05, 0.0, 0.0, 0.001, 0.02], size=30)) + 1.0, 6)
    return [
        [1.0, 0.9, 0.9, 0.9, 0.85, 0.86, 0.87, 0.8, 0.8, 0.8, 0.8, 0.8],
        [0.5, 0.6, 0.6005, 0.61, 0.59, 0.7, 0.7, 0.7, 0.7, 0.71, 0.7],
        list(walk),
        list(-walk + 2.0),
    ]
