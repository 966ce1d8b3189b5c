"""Separate models train in several threads at once, each exactly as it would alone."""

import numpy as np
from helpers import run_together

from autograd_lite import nn, no_grad, optim


def make_job(seed):
    nn.manual_seed(seed)
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(32, 3)), rng.normal(size=(32, 1))
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
    return model, optim.Adam(model.parameters(), lr=1e-2), X, y


def train(model, opt, X, y, steps=300, barrier=None):
    for step in range(steps):
        if barrier is not None and step == steps // 2:
            barrier.wait()                      # both threads are mid-training together
        loss = nn.functional.mse_loss(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0:
            with no_grad():                     # a per-thread mode, entered and left repeatedly
                model(X)


def test_models_trained_in_parallel_threads_match_sequential_training():
    alone = [make_job(seed) for seed in (1, 2, 3)]
    for job in alone:
        train(*job)
    together = [make_job(seed) for seed in (1, 2, 3)]
    run_together(*[lambda barrier, job=job: train(*job, barrier=barrier) for job in together])
    for (model_alone, *_), (model_together, *_) in zip(alone, together):
        for a, b in zip(model_alone.parameters(), model_together.parameters()):
            np.testing.assert_array_equal(a.data, b.data)
