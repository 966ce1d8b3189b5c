"""Keras 3, on its jax back end in float64, as the reference the Keras-surface tests compare with.

Import ``keras`` from here, never directly: the back end and the precision must be chosen before
Keras is first imported. Keras is a test dependency (the ``dev`` extra), never a runtime one.

Three settings make the reference float64 throughout: jax's x64 mode, Keras' ``floatx``, and Keras'
type promotion, which maps float64 to float32 on every back end but TensorFlow
(``BIT64_TO_BIT32_DTYPE`` in ``keras/src/backend/common/dtypes.py``, "to be aligned with JAX's
default" of x64 off): left as it is, BatchNormalization, LayerNormalization, ``ops.tanh`` and the
compiled loss compute in float32 even on float64 inputs (tanh(0.5) 8e-9 away), so it maps float64
to float64 here.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "jax")
if os.environ["KERAS_BACKEND"] != "jax":
    raise RuntimeError(f"the Keras tests compare with Keras' jax back end, but KERAS_BACKEND="
                       f"{os.environ['KERAS_BACKEND']!r} was set before they ran")

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)

import keras  # noqa: E402

keras.config.set_floatx("float64")

from keras.src.backend.common import dtypes as _dtypes  # noqa: E402

_dtypes.BIT64_TO_BIT32_DTYPE["float64"] = "float64"

__all__ = ["keras"]
