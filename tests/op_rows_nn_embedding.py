"""The op-table rows of autograd_lite.nn.functional.embedding.

Rows are :class:`~op_row.Op` (columns explained there); ``op_table.py`` merges :data:`ROWS` and
:data:`COVERED_THROUGH` into the table.

``embedding``'s row differentiates the weight (the indices, which get no gradient, are a parameter),
against PyTorch's; ``embedding_backward`` (the primitive of its gradient, whose own VJP gives the
second order) differentiates the upstream gradient, against PyTorch's ``embedding_dense_backward``.

Dropout draws its mask from the package's generator, and a row must be a deterministic function for
finite differences: its rows call it through :func:`seeded`, which seeds the generator before each
call (and puts it back after), so every call of one case sees the same mask, and the reference draws
that mask from ``np.random.default_rng(seed)`` as the package's generator does. ``one_hot`` takes and
gives integers: it has no gradient and no row (its tests are in ``test_nn_embedding.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st
from op_inputs import Case, _values
from op_row import Op

import autograd_lite as ag
from autograd_lite.nn import functional as F
from autograd_lite.nn.functional.embedding import _embedding_backward

# ---- embedding -----------------------------------------------------------------------------------


def embedding_of_weight(weight: Any, indices: Any, padding_idx: int | None = None) -> Any:
    """F.embedding with the weight first, as the row's one differentiated array."""
    return F.embedding(indices, weight, padding_idx=padding_idx)


def torch_embedding(weight: np.ndarray, indices: np.ndarray, padding_idx: int | None = None) -> np.ndarray:
    import torch  # imported when first used

    return torch.nn.functional.embedding(torch.from_numpy(np.asarray(indices, dtype=np.int64)),
                                         torch.from_numpy(weight), padding_idx=padding_idx).numpy()


@st.composite
def weights_and_indices(draw: Any, op: Op, second_order: bool = False) -> Case:
    """A weight (rows, width), integer indices of any small shape (0-d too, repeats likely) and a
    padding_idx (None, or a row, maybe negative). The indices never read the padding row, and
    scale_grad_by_freq is left False: both change the gradient by design away from the derivative
    that finite differences see (PyTorch's rules, which ``test_nn_embedding.py`` checks against
    PyTorch, first and second order)."""
    rows, width = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    padding_idx = draw(st.none() | st.integers(-rows, rows - 1)) if rows > 1 else None
    read = [r for r in range(rows) if padding_idx is None or r != padding_idx % rows]
    shape = draw(st.lists(st.integers(0, 3), max_size=2).map(tuple))
    size = int(np.prod(shape))
    indices = np.array(draw(st.lists(st.sampled_from(read), min_size=size, max_size=size)),
                       dtype=np.int64).reshape(shape)
    return Case((draw(_values(op, (rows, width))),), {"indices": indices, "padding_idx": padding_idx})


def torch_embedding_backward(g: np.ndarray, indices: np.ndarray, num_weights: int,
                             padding_idx: int | None = None) -> np.ndarray:
    import torch  # imported when first used

    return torch.ops.aten.embedding_dense_backward(
        torch.from_numpy(g), torch.from_numpy(np.asarray(indices, dtype=np.int64)), num_weights,
        -1 if padding_idx is None else padding_idx, False).numpy()


@st.composite
def gradients_and_indices(draw: Any, op: Op, second_order: bool = False) -> Case:
    """The upstream gradient of an embedding (indices.shape + (width,)), its indices (the padding
    row among them), num_weights and padding_idx (None or a row)."""
    rows, width = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    shape = draw(st.lists(st.integers(0, 3), max_size=2).map(tuple))
    size = int(np.prod(shape))
    indices = np.array(draw(st.lists(st.integers(0, rows - 1), min_size=size, max_size=size)),
                       dtype=np.int64).reshape(shape)
    padding_idx = draw(st.none() | st.integers(0, rows - 1))
    return Case((draw(_values(op, shape + (width,))),),
                {"indices": indices, "num_weights": rows, "padding_idx": padding_idx})


# ---- dropout -------------------------------------------------------------------------------------


def seeded(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function(x, p, training)`` called with the package's generator seeded by ``seed`` (and its
    state restored after), so that each call with one seed draws the same mask."""
    def call(x: Any, p: float, training: bool, seed: int) -> Any:
        state = ag.random.get_rng_state()
        ag.manual_seed(seed)
        try:
            return function(x, p, training)
        finally:
            ag.random.set_rng_state(state)
    call.__name__ = f"seeded_{function.__name__}"
    return call


def numpy_dropout(mask_shape: Callable[[tuple[int, ...]], tuple[int, ...]]) -> Callable[..., Any]:
    """The reference: the mask as the package draws it (kept where a uniform draw is ≥ p), without
    autograd_lite."""
    def reference(x: np.ndarray, p: float, training: bool, seed: int) -> np.ndarray:
        if not training or p == 0.0 or x.size == 0:
            return x
        keep = np.random.default_rng(seed).random(mask_shape(x.shape)) >= p
        return x * (np.zeros(keep.shape) if p == 1.0 else keep.astype(x.dtype) / (1.0 - p))
    return reference


def dropped(ndims: tuple[int, ...] | None) -> Callable[..., st.SearchStrategy[Case]]:
    """Cases of one array (of ``ndims`` dimensions; None: any), ``p``, ``training`` and a seed."""
    @st.composite
    def cases(draw: Any, op: Op, second_order: bool = False) -> Case:
        ndim = None if ndims is None else draw(st.sampled_from(ndims))
        x = draw(_values(op) if ndim is None else _values(op, min_dims=ndim, max_dims=ndim, max_side=2))
        return Case((x,), {"p": draw(st.sampled_from([0.0, 0.2, 0.5, 1.0])), "training": draw(st.booleans()),
                           "seed": draw(st.integers(0, 2**16))})
    return cases


#: name of the primitive (or of the composite function) -> its row
ROWS: dict[str, Op] = {
    "embedding": Op(embedding_of_weight, torch_embedding, weights_and_indices),
    "embedding_backward": Op(_embedding_backward, torch_embedding_backward, gradients_and_indices),
    "dropout": Op(seeded(F.dropout), numpy_dropout(lambda shape: shape), dropped(None)),
    "dropout1d": Op(seeded(F.dropout1d), numpy_dropout(lambda shape: shape[:-1] + (1,)), dropped((2, 3))),
    "dropout2d": Op(seeded(F.dropout2d), numpy_dropout(lambda shape: shape[:-2] + (1, 1)), dropped((4,))),
}

#: primitive name -> the public function its row calls (see op_table.COVERED_THROUGH)
COVERED_THROUGH: dict[str, str] = {"embedding": "autograd_lite.nn.functional.embedding"}
