"""Tensor training step: MLP 784→256→256→10, ReLU, softmax cross-entropy, SGD, float32.

One step = forward, loss, backward, SGD update (lr 0.01) on a random batch (fixed seed). Every library
starts from the same weights (PyTorch's default initialisation, drawn once with NumPy), so the first
loss agrees across libraries (the ``first loss`` column checks it). A hand-written NumPy step is the
floor. The builders are shared with ``memory.py``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np

from .common import (
    Config,
    Result,
    Table,
    baseline_target,
    case,
    cell,
    fmt_check,
    fmt_ratio,
    load,
    measure,
    ratio,
    target,
    why_not,
    with_baseline,
)

NAME = "training_step"
TITLE = "Tensor training step"
LAYERS = (784, 256, 256, 10)
BATCHES = (32, 256)
QUICK_BATCHES = (8,)
LR = 0.01

OURS = "autograd_lite"
NUMPY = "NumPy, hand-written (floor)"
TORCH = "PyTorch (eager)"
HIPS = "HIPS autograd"
MYGRAD = "MyGrad"
JAX_EAGER = "JAX eager (no jit)"
JAX_JIT = "JAX jit"

Weights = list[np.ndarray]   # [W1, b1, W2, b2, W3, b3], W of shape (out, in) as in PyTorch


def problem(batch: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, Weights]:
    """A random batch (float32 inputs, integer labels) and initial weights U(−1/√in, 1/√in)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, LAYERS[0]), dtype=np.float32)
    labels = rng.integers(0, LAYERS[-1], batch)
    weights = []
    for n_in, n_out in zip(LAYERS, LAYERS[1:]):
        bound = 1 / np.sqrt(n_in)
        weights += [rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32),
                    rng.uniform(-bound, bound, n_out).astype(np.float32)]
    return X, labels, weights


def build_ours(X: np.ndarray, labels: np.ndarray, weights: Weights) -> Callable[[], Any]:
    from autograd_lite import nn, optim

    net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
    for parameter, w in zip(net.parameters(), weights):
        parameter.data = w.copy()   # float32, as given
    optimizer = optim.SGD(net.parameters(), lr=LR)

    def step() -> Any:
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(net(X), labels)
        loss.backward()
        optimizer.step()
        return loss

    return step


def sgd_in_place(params: list[np.ndarray], grads: list[np.ndarray]) -> None:
    """p ← p − lr·g for each NumPy parameter array."""
    for p, g in zip(params, grads):
        p -= LR * g


def build_numpy(X: np.ndarray, labels: np.ndarray, weights: Weights) -> Callable[[], Any]:
    W1, b1, W2, b2, W3, b3 = params = [w.copy() for w in weights]
    rows = np.arange(len(X))

    def step() -> Any:
        h1 = X @ W1.T + b1
        a1 = np.maximum(h1, 0)
        h2 = a1 @ W2.T + b2
        a2 = np.maximum(h2, 0)
        logits = a2 @ W3.T + b3
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        loss = np.mean(np.log(total[:, 0]) - shifted[rows, labels])
        d = e / total                      # d loss / d logits = (softmax − one-hot) / batch
        d[rows, labels] -= 1
        d /= len(X)
        da2 = d @ W3
        da2 *= h2 > 0
        da1 = da2 @ W2
        da1 *= h1 > 0
        sgd_in_place(params, [da1.T @ X, da1.sum(0), da2.T @ a1, da2.sum(0), d.T @ a2, d.sum(0)])
        return loss

    return step


def build_torch(X: np.ndarray, labels: np.ndarray, weights: Weights) -> Callable[[], Any]:
    torch = load("torch")
    F = torch.nn.functional
    net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256),
                              torch.nn.ReLU(), torch.nn.Linear(256, 10))
    with torch.no_grad():
        for parameter, w in zip(net.parameters(), weights):
            parameter.copy_(torch.from_numpy(w))
    optimizer = torch.optim.SGD(net.parameters(), lr=LR)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(labels)

    def step() -> Any:
        optimizer.zero_grad()
        loss = F.cross_entropy(net(Xt), yt)
        loss.backward()
        optimizer.step()
        return loss.detach()

    return step


def _hips_loss(anp: Any) -> Callable[..., Any]:
    def loss(params: Weights, X: np.ndarray, labels: np.ndarray) -> Any:
        W1, b1, W2, b2, W3, b3 = params
        a1 = anp.maximum(X @ W1.T + b1, 0.0)
        a2 = anp.maximum(a1 @ W2.T + b2, 0.0)
        logits = a2 @ W3.T + b3
        shifted = logits - anp.max(logits, axis=1, keepdims=True)
        log_probabilities = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
        return -anp.mean(log_probabilities[np.arange(len(labels)), labels])

    return loss


def build_hips(X: np.ndarray, labels: np.ndarray, weights: Weights) -> Callable[[], Any]:
    autograd = load("autograd")
    value_and_grad = autograd.value_and_grad(_hips_loss(autograd.numpy))
    params = [w.copy() for w in weights]

    def step() -> Any:
        loss, grads = value_and_grad(params, X, labels)
        sgd_in_place(params, grads)
        return loss

    return step


def build_mygrad(X: np.ndarray, labels: np.ndarray, weights: Weights) -> Callable[[], Any]:
    mg = load("mygrad")
    relu = importlib.import_module("mygrad.nnet.activations").relu
    softmax_crossentropy = importlib.import_module("mygrad.nnet.losses").softmax_crossentropy
    params = [mg.tensor(w) for w in weights]

    def step() -> Any:
        W1, b1, W2, b2, W3, b3 = params
        a1 = relu(mg.matmul(X, W1.T) + b1)
        a2 = relu(mg.matmul(a1, W2.T) + b2)
        loss = softmax_crossentropy(mg.matmul(a2, W3.T) + b3, labels)
        loss.backward()
        for p in params:
            p.data -= LR * p.grad
        return loss.item()

    return step


def _jax_loss(jax: Any) -> Callable[..., Any]:
    jnp = jax.numpy

    def loss(params: list[Any], X: Any, labels: Any) -> Any:
        W1, b1, W2, b2, W3, b3 = params
        a1 = jax.nn.relu(X @ W1.T + b1)
        a2 = jax.nn.relu(a1 @ W2.T + b2)
        log_probabilities = jax.nn.log_softmax(a2 @ W3.T + b3)
        return -jnp.mean(jnp.take_along_axis(log_probabilities, labels[:, None], axis=1))

    return loss


def _build_jax(X: np.ndarray, labels: np.ndarray, weights: Weights, jit: bool) -> Callable[[], Any]:
    jax = load("jax")
    value_and_grad = jax.value_and_grad(_jax_loss(jax))

    def update(params: list[Any], X: Any, labels: Any) -> tuple[Any, list[Any]]:
        loss, grads = value_and_grad(params, X, labels)
        return loss, [p - LR * g for p, g in zip(params, grads)]

    if jit:
        update = jax.jit(update)
    state = {"params": [jax.numpy.asarray(w) for w in weights]}
    Xj, yj = jax.numpy.asarray(X), jax.numpy.asarray(labels)

    def step() -> Any:
        loss, state["params"] = update(state["params"], Xj, yj)
        jax.block_until_ready(state["params"])
        return loss

    return step


def build_jax_eager(X: np.ndarray, labels: np.ndarray, weights: Weights) -> Callable[[], Any]:
    return _build_jax(X, labels, weights, jit=False)


def build_jax_jit(X: np.ndarray, labels: np.ndarray, weights: Weights) -> Callable[[], Any]:
    return _build_jax(X, labels, weights, jit=True)


BUILDERS = {OURS: build_ours, NUMPY: build_numpy, TORCH: build_torch, HIPS: build_hips, MYGRAD: build_mygrad,
            JAX_EAGER: build_jax_eager, JAX_JIT: build_jax_jit}
#: short names for ``python -m benchmarks.memory``
KEYS = {"ours": OURS, "numpy": NUMPY, "torch": TORCH, "autograd": HIPS, "mygrad": MYGRAD,
        "jax_eager": JAX_EAGER, "jax_jit": JAX_JIT}
PEERS = {TORCH: ["torch"], HIPS: ["autograd"], MYGRAD: ["mygrad"], JAX_EAGER: ["jax"], JAX_JIT: ["jax"]}


def make_step(label: str, batch: str) -> Callable[[], Any]:
    """``label``'s training step on a batch of ``batch`` (``worker.py`` calls it)."""
    return BUILDERS[label](*problem(int(batch)))


def run(config: Config) -> Result:
    batches = QUICK_BATCHES if config.quick else BATCHES
    by_batch = {}
    for batch in batches:
        cases = [case(label, __name__, batch, peers=PEERS.get(label, ())) for label in BUILDERS]
        by_batch[batch] = measure(with_baseline(cases, config, OURS), config)
    big = batches[-1]
    rows = []
    for label, final in by_batch[big].items():
        rows.append([label, *(cell(by_batch[b][label]) for b in batches), fmt_check(final.check),
                     fmt_ratio(ratio(final, by_batch[big][OURS]))])
    table = Table(
        "MLP 784→256→256→10 training step (forward, cross-entropy, backward, SGD), float32",
        ["library", *(f"batch {b}" for b in batches), f"first loss (batch {big})",
         f"time ÷ {OURS} (batch {big})"],
        rows,
        ["Random inputs and labels with a fixed seed; the same initial weights everywhere.",
         "PyTorch with its default threads; JAX jit compiles the whole step (gradient and update) once, "
         "in the warm-up."],
    )
    targets = []
    for b in batches:
        r = ratio(by_batch[b][OURS], by_batch[b][TORCH])
        targets.append(target(f"training step no slower than PyTorch eager (batch {b})", r, lambda v: v <= 1,
                              f"{fmt_ratio(r)} of PyTorch's time ({cell(by_batch[b][OURS])} vs "
                              f"{cell(by_batch[b][TORCH])})", unknown=why_not(by_batch[b], OURS, TORCH)))
    r = ratio(by_batch[big][OURS], by_batch[big][JAX_JIT])
    targets.append(target(f"training step within 1.3× of JAX jit (batch {big})", r, lambda v: v <= 1.3,
                          f"{fmt_ratio(r)} of JAX jit's time ({cell(by_batch[big][OURS])} vs "
                          f"{cell(by_batch[big][JAX_JIT])})", unknown=why_not(by_batch[big], OURS, JAX_JIT)))
    targets += baseline_target(f"training step time (batch {big})", by_batch[big], OURS, config)
    return Result(NAME, TITLE, [table], targets, {str(b): stats for b, stats in by_batch.items()})
