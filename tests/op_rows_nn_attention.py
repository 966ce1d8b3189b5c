"""The op-table rows of autograd_lite.nn.functional.attention.

Rows are :class:`~op_row.Op` (columns explained there); ``op_table.py`` merges :data:`ROWS` and
:data:`COVERED_THROUGH` into the table. ``scaled_dot_product_attention`` is a composite (of matmul,
softmax, where), with one row against PyTorch: query, key and value are differentiated, the mask and
the rest are parameters. A float mask is drawn as nested tuples of floats, made an array of the
query's library, dtype and device by the row's function (a float64 array parameter could not move to
a device without float64); a bool mask is a bool array, fully masked rows included.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_inputs import Case, _values
from op_row import Op

from autograd_lite import backend
from autograd_lite.engine import data_of
from autograd_lite.nn import functional as F


@st.composite
def attention_operands(draw: Any, op: Op, second_order: bool = False) -> Case:
    """query (..., L, E), key (..., S, E), value (..., S, Ev), leading axes () to (2, 2) (fewer key
    heads with enable_gqa), and no mask, a bool or float mask of (L, S) or the full shape, or
    is_causal; a scale or None."""
    length, source, features, value_features = (draw(st.integers(1, 3)) for _ in range(4))
    batch = draw(st.sampled_from([(), (2,), (1, 2), (2, 2)]))
    params: dict[str, Any] = {}
    key_batch = batch
    if len(batch) == 2 and batch[1] == 2 and draw(st.booleans()):
        params["enable_gqa"], key_batch = True, batch[:1] + (1,)
    query = draw(_values(op, batch + (length, features)))
    key = draw(_values(op, key_batch + (source, features)))
    value = draw(_values(op, key_batch + (source, value_features)))
    kind = draw(st.sampled_from(["none", "bool", "float", "causal"]))
    mask_shape = draw(st.sampled_from([(length, source), batch + (length, source)]))
    if kind == "bool":
        params["attn_mask"] = draw(hnp.arrays(np.bool_, mask_shape))
    elif kind == "float":
        params["attn_mask"] = draw(_values(op, mask_shape)).tolist()
        params["attn_mask"] = _tuples(params["attn_mask"])
    elif kind == "causal":
        params["is_causal"] = True
    if draw(st.booleans()):
        params["scale"] = draw(st.sampled_from([0.5, 1.0]))
    return Case((query, key, value), params)


def _tuples(nested: Any) -> Any:
    return tuple(_tuples(part) for part in nested) if isinstance(nested, list) else nested


def _attention(query: Any, key: Any, value: Any, **params: Any) -> Any:
    """scaled_dot_product_attention, a float mask made an array like the query's."""
    mask = params.get("attn_mask")
    if isinstance(mask, tuple):
        data = data_of(query)
        params["attn_mask"] = backend.array(np.array(mask), dtype=data.dtype, device=backend.device_of(data),
                                            xp=backend.namespace(data))
    return F.scaled_dot_product_attention(query, key, value, **params)


def _torch_attention(query: np.ndarray, key: np.ndarray, value: np.ndarray, **params: Any) -> np.ndarray:
    import torch  # imported when first used: only the nn rows need it
    if params.get("attn_mask") is not None:
        params["attn_mask"] = torch.from_numpy(np.array(params["attn_mask"]))
    tensors = (torch.from_numpy(np.array(x)) for x in (query, key, value))
    return torch.nn.functional.scaled_dot_product_attention(*tensors, **params).numpy()


#: name of the primitive (or of the composite function) -> its row
ROWS: dict[str, Op] = {
    "scaled_dot_product_attention": Op(_attention, _torch_attention, attention_operands, 3,
                                       values=(-3.0, 3.0)),
}

#: primitive name -> the public function its row calls (see op_table.COVERED_THROUGH)
COVERED_THROUGH: dict[str, str] = {}
