"""The op-table rows of autograd_lite.nn.functional.losses.

Rows are :class:`~op_row.Op` (columns explained there); ``op_table.py`` merges :data:`ROWS` and
:data:`COVERED_THROUGH` into the table.
"""

from __future__ import annotations

from op_row import Op

#: name of the primitive (or of the composite function) -> its row
ROWS: dict[str, Op] = {}

#: primitive name -> the public function its row calls (see op_table.COVERED_THROUGH)
COVERED_THROUGH: dict[str, str] = {}
