"""Keras 3, on its jax back end in float64, as the reference the Keras-surface tests compare with.

Import ``keras`` from here, never directly: the back end and the precision must be chosen before
Keras is first imported. Keras is a test dependency (the ``dev`` extra), never a runtime one.
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

__all__ = ["keras"]
