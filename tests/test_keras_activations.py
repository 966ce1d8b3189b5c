"""The activations Keras 3 has and PyTorch names (elu, selu, celu, softsign, silu/swish, mish, relu6,
hard_sigmoid, hard_silu/hard_swish) against ``keras.activations`` (jax, float64): values and gradients
of ``nn.functional``'s composites, and the names ``Activation``/``Dense`` read (``ACTIVATIONS``).

PyTorch is their op-table reference (tests/op_rows_special.py); these check Keras' spelling of each.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from keras_reference import keras
from numpy.testing import assert_allclose

from autograd_lite import Tensor
from autograd_lite.nn import functional as F
from autograd_lite.nn.layers.core import ACTIVATIONS

#: points on both sides of every kink (0, ±3, 6) and far out in both tails, none on a kink
X = np.array([-30.0, -7.5, -3.2, -2.9, -1.1, -0.3, -1e-3, 2e-3, 0.7, 2.8, 3.1, 5.9, 6.2, 25.0])

#: Keras' name -> (ours, keyword arguments given to both)
CASES = {
    "elu": (F.elu, {}), "elu_alpha": (F.elu, {"alpha": 0.5}), "selu": (F.selu, {}),
    "celu": (F.celu, {}), "celu_alpha": (F.celu, {"alpha": 2.5}), "softsign": (F.softsign, {}),
    "silu": (F.silu, {}), "swish": (F.swish, {}), "mish": (F.mish, {}), "relu6": (F.relu6, {}),
    "hard_sigmoid": (F.hard_sigmoid, {}), "hard_silu": (F.hard_silu, {}), "hard_swish": (F.hard_swish, {}),
}


def _keras(name: str):
    return getattr(keras.activations, name.removesuffix("_alpha"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_match_keras(name):
    ours, kwargs = CASES[name]
    theirs = _keras(name)
    x = Tensor(X.copy(), requires_grad=True)
    out = ours(x, **kwargs)
    out.sum().backward()
    assert out.data.dtype == np.float64
    expected = np.asarray(theirs(jnp.asarray(X), **kwargs))
    assert_allclose(out.data, expected, rtol=1e-13, atol=1e-300)
    gradient = np.asarray(jax.grad(lambda v: jnp.sum(theirs(v, **kwargs)))(jnp.asarray(X)))
    assert_allclose(x.grad, gradient, rtol=1e-12, atol=1e-300)


def test_keras_names_are_the_pytorch_functions():
    assert F.swish is F.silu and F.hard_sigmoid is F.hardsigmoid
    assert F.hard_silu is F.hardswish and F.hard_swish is F.hardswish
    for name in ("elu", "selu", "celu", "softsign", "silu", "swish", "mish", "relu6", "hard_sigmoid",
                 "hard_silu", "hard_swish"):
        assert ACTIVATIONS[name] is getattr(F, name), name


def test_hard_sigmoid_is_keras_3s_not_keras_2s():
    # Keras 2's was 0.2x + 0.5 (0.7 at 1); Keras 3's and PyTorch's is relu6(x + 3)/6
    assert_allclose(F.hard_sigmoid(np.array([1.0])), [4.0 / 6.0], rtol=1e-15)


def test_elu_does_not_overflow_where_x_is_large():
    x = Tensor(np.array([800.0, -800.0]), requires_grad=True)
    out = F.elu(x)
    out.sum().backward()
    assert_allclose(out.data, [800.0, -1.0], rtol=1e-15)
    assert_allclose(x.grad, [1.0, 0.0], rtol=1e-15)   # no 0·inf from the branch where() leaves out


def test_celu_rejects_alpha_zero():
    with pytest.raises(ValueError, match="celu: invalid alpha 0.0; it must be nonzero"):
        F.celu(Tensor([1.0]), alpha=0.0)
