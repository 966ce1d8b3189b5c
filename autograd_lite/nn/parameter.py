"""Parameters: the tensors that a :class:`~autograd_lite.nn.Module` trains."""

from __future__ import annotations

from .. import _checks, backend
from .._checks import invalid
from ..backend import ndarray
from ..engine import data_of
from ..tensor import Tensor
from ..typing import ArrayLike, DTypeLike

__all__ = ["Parameter"]

_host = backend.host_namespace  # lists and numbers become NumPy arrays


class Parameter(Tensor):
    """A tensor that a :class:`~autograd_lite.nn.Module` trains: always float, and
    ``requires_grad=True`` unless :meth:`~autograd_lite.nn.Module.requires_grad_` freezes it.

    Integer data becomes float64 (the widest float of its device); ``dtype``, if given, must be a
    float dtype. Anything else (bools, complex numbers, strings, objects) is a ``TypeError``. An
    array of any array library stays one, on its device; lists and numbers become NumPy arrays.
    ``name`` labels it in graph drawings; left ``None``, the module it is assigned to names it by its
    path (see :class:`~autograd_lite.nn.Module`).

    >>> from autograd_lite.nn import Parameter
    >>> Parameter([1, 2])
    Tensor([1., 2.], requires_grad=True)
    """

    __slots__ = ("_path_name",)   # the last name a module gave it, to tell it from a name of yours

    def __init__(self, data: ArrayLike | Tensor, dtype: DTypeLike = None, *, name: str | None = None) -> None:
        name = _checks.name(name, "name", "Parameter")
        if dtype is not None and _dtype_kind(dtype) != "f":
            raise TypeError(invalid("Parameter", "dtype", dtype, "a float dtype (float32, float64)"))
        data = data_of(data)
        try:
            if backend.is_array(data) and data.__class__ is not ndarray:   # another library's: kept
                xp = backend.namespace(data)
                array = data if dtype is None else xp.astype(data, backend.dtype_of(xp, dtype))
            else:
                array = _host.asarray(data, dtype=dtype)
        except (TypeError, ValueError) as error:
            raise TypeError(f"Parameter: cannot make a float array of {type(data).__name__} "
                            f"{data!r:.60}: {error}") from None
        kind = backend.dtype_kind(array.dtype)
        if kind not in "iuf":
            raise TypeError(f"Parameter: data must hold real numbers (float or integer), not {array.dtype}")
        if kind != "f":
            xp = backend.namespace(array)
            array = xp.astype(array, backend.default_float(xp, backend.device_of(array)))
        super().__init__(array, requires_grad=True, name=name)
        self._path_name: str | None = None

    def _take_path_name(self, path: str) -> None:
        """Be named ``path``, unless it carries a name that no module gave it (one of yours)."""
        if self.name is None or self.name == self._path_name:
            self.name = self._path_name = path


def _dtype_kind(dtype: DTypeLike) -> str:
    """The kind of a dtype as NumPy spells it (``float``, ``"float32"``) or as a library's dtype
    object; ``"O"`` for what is not a dtype."""
    try:
        return _host.dtype(dtype).kind
    except TypeError:
        try:
            return backend.dtype_kind(dtype)
        except (AttributeError, ImportError, TypeError):
            return "O"
