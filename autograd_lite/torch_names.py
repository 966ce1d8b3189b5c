"""PyTorch's spellings, where they cannot change the meaning of a NumPy call.

NumPy's names and meanings come first; PyTorch's are accepted beside them where no NumPy call could be
read differently:

- ``dim=`` and ``keepdim=`` wherever ``axis=`` and ``keepdims=`` are taken (every primitive with an
  ``axis``, and every :class:`~autograd_lite.Tensor` method);
- the Tensor methods below (``view``, ``unsqueeze``, ``permute``, ``clone``, ``numel``, ``mT`` …), and
  :func:`cat` for :func:`~autograd_lite.concatenate`;
- ``max(x, dim=d)`` and ``min(x, dim=d)`` return ``(values, indices)``, as PyTorch's do (with
  ``axis=``, NumPy's meaning: the values alone). The gradient goes to the one element picked, the
  first of ties, as PyTorch's does.

Where PyTorch's meaning differs, NumPy's wins: ``t.transpose(0, 1)`` permutes the axes as NumPy does
(PyTorch swaps two axes: that is :meth:`~autograd_lite.Tensor.swapaxes`), ``t.size`` is NumPy's
element count (and also callable: ``t.size()`` is the shape, ``t.size(0)`` one side), and
``t.flatten()`` takes PyTorch's ``start_dim``/``end_dim``. :doc:`/coming_from` lists the mapping.

>>> t = Tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
>>> t.sum(dim=1, keepdim=True)
Tensor([[6.],
        [5.]], op='sum')
>>> values, indices = t.max(dim=1)
>>> values, indices
(Tensor([5., 3.], op='squeeze'), array([1, 0]))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from . import reductions
from .backend import namespace
from .engine import data_of
from .parameters import _axis_index, _shape_of
from .shape_ops import expand_dims, reshape, squeeze, swapaxes, transpose
from .tensor_ops import astype, concatenate, getitem

__all__ = ["TorchMethods", "cat"]


def cat(tensors: Sequence[Any], dim: int = 0) -> Any:
    """PyTorch's name of :func:`~autograd_lite.concatenate` (composite): join along axis ``dim``.

    >>> cat([Tensor([1.0], requires_grad=True), Tensor([2.0, 3.0])])
    Tensor([1., 2., 3.], op='concatenate')
    """
    return concatenate(tensors, axis=dim)


class ValuesAndIndices(NamedTuple):
    """What ``max(x, dim=...)`` and ``min(x, dim=...)`` return, as PyTorch's ``torch.return_types``."""

    values: Any
    indices: Any


def _extreme_along(op: str, x: Any, dim: int, keepdim: bool = False,
                   **numpy_spelling: Any) -> ValuesAndIndices:
    """The largest (``op="max"``) or smallest element along ``dim`` and where it is (the first of ties):
    ``x`` indexed at the arg-extremes, so the gradient reaches that one element."""
    if numpy_spelling:
        raise TypeError(f"{op}: with PyTorch's dim=, spell the rest as PyTorch does (keepdim=), not "
                        f"{', '.join(f'{key}=' for key in numpy_spelling)}")
    data = data_of(x)
    shape = _shape_of(data)
    if not shape:
        return ValuesAndIndices(x, 0)
    axis = _axis_index(op, dim, shape, name="dim")
    if shape[axis] == 0:
        raise ValueError(f"{op} on a tensor of shape {shape}: dim {dim} is empty, so it has no {op} "
                         f"(as PyTorch)")
    xp = namespace(data)
    where = (xp.argmax if op == "max" else xp.argmin)(data, axis=axis, keepdims=True)
    index = tuple(where if a == axis else
                  xp.reshape(xp.arange(n), tuple(n if b == a else 1 for b in range(len(shape))))
                  for a, n in enumerate(shape))
    values = getitem(x, index=index)
    if not keepdim:
        values, where = squeeze(values, axis=axis), xp.squeeze(where, axis=axis)
    return ValuesAndIndices(values, where)


def _max_along(x: Any, dim: int, keepdim: bool = False, **numpy_spelling: Any) -> ValuesAndIndices:
    return _extreme_along("max", x, dim, keepdim, **numpy_spelling)


def _min_along(x: Any, dim: int, keepdim: bool = False, **numpy_spelling: Any) -> ValuesAndIndices:
    return _extreme_along("min", x, dim, keepdim, **numpy_spelling)


class TorchMethods:
    """The :class:`~autograd_lite.Tensor` methods of PyTorch's names (see the module's description)."""

    __slots__ = ()

    def view(self, *shape: Any) -> Any:
        """PyTorch's name of :meth:`reshape` (here a new array, not shared memory).

        >>> Tensor([1.0, 2.0, 3.0, 4.0]).view(2, -1).shape
        (2, 2)
        """
        return reshape(self, shape=shape[0] if len(shape) == 1 else shape)

    def unsqueeze(self, dim: int) -> Any:
        """A size-1 axis inserted at ``dim``: :meth:`expand_dims`.

        >>> Tensor([1.0, 2.0]).unsqueeze(0).shape
        (1, 2)
        """
        return expand_dims(self, axis=dim)

    def permute(self, *dims: Any) -> Any:
        """The axes in the order ``dims``: :meth:`transpose` with them.

        >>> Tensor(np.ones((2, 3, 4))).permute(2, 0, 1).shape
        (4, 2, 3)
        """
        return transpose(self, axes=dims[0] if len(dims) == 1 else dims)

    def clone(self) -> Any:
        """A copy that stays in the graph (the gradient passes through to this tensor).

        >>> t = Tensor([1.0], requires_grad=True)
        >>> t.clone().op
        'astype'
        """
        return astype(self, dtype=self.dtype)

    def tolist(self) -> Any:
        """The data as nested Python lists of numbers (a host copy, outside the graph).

        >>> Tensor([[1.0, 2.0]]).tolist()
        [[1.0, 2.0]]
        """
        return self.numpy().tolist()

    def numel(self) -> int:
        """The number of elements (NumPy's ``size``).

        >>> Tensor(np.ones((2, 3))).numel()
        6
        """
        return self.size

    @property
    def mT(self) -> Any:  # noqa: N802 - the array API's and PyTorch's name
        """The last two axes swapped (a stack of matrices, each transposed).

        >>> Tensor(np.ones((5, 2, 3))).mT.shape
        (5, 3, 2)
        """
        return swapaxes(self, axis1=-1, axis2=-2)

    def float(self) -> Any:  # noqa: A003 - PyTorch's name
        """As float32 (PyTorch's ``float``, differentiable); ``float(t)`` is still the Python number.

        >>> Tensor([1, 2]).float().dtype
        dtype('float32')
        """
        return astype(self, dtype=namespace(self._data).float32)

    def double(self) -> Any:
        """As float64 (differentiable).

        >>> Tensor([1, 2]).double().dtype
        dtype('float64')
        """
        return astype(self, dtype=namespace(self._data).float64)


class CallableSize(int):
    """NumPy's ``t.size`` (an ``int``, the element count) that PyTorch's ``t.size()`` can also call:
    ``t.size()`` is the shape, ``t.size(d)`` the length of axis ``d``."""

    shape: tuple[int, ...]

    def __new__(cls, shape: tuple[int, ...]) -> CallableSize:
        count = 1
        for n in shape:
            count *= n
        size = super().__new__(cls, count)
        size.shape = shape
        return size

    def __call__(self, dim: int | None = None) -> Any:
        if dim is None:
            return self.shape
        return self.shape[_axis_index("size", dim, self.shape, name="dim")]


# ``max(x, dim=d)`` and ``min(x, dim=d)`` run these (see Primitive.dim_call)
reductions.max.dim_call = _max_along
reductions.min.dim_call = _min_along
