"""``Tensor``: a differentiable NumPy array on the same core as ``Value``."""

from __future__ import annotations

import inspect
import math
import operator
import warnings
from collections.abc import Sequence
from typing import Any

from . import _checks, backend, tensor_ops
from .backend import ndarray
from .contractions import ContractionMethods
from .engine import (
    _SEQUENCES,
    Node,
    Primitive,
    ShapeError,
    _first_node,
    _joined,
    _leaf,
    data_of,
    is_grad_enabled,
)
from .indexing import _index_data
from .numpy_dispatch import NumPyProtocols
from .ops import Arithmetic
from .parameters import AxisError, _axis_index
from .reshaping import ShapeMethods
from .sorting import ReductionMethods
from .torch_names import CallableSize, TorchMethods
from .typing import ArrayLike, Axis, Data, DTypeLike, Operand

__all__ = ["Tensor", "asarray", "tensor"]

_host = backend.host_namespace  # NumPy's in-place ufuncs, for NumPy data (the fast path)
_SUPPORTED_KINDS = "biuf"  # bool, signed and unsigned integers, floats


class Tensor(Arithmetic, ReductionMethods, ContractionMethods, ShapeMethods, TorchMethods, NumPyProtocols,
             Node):
    """An N-dimensional array that remembers how it was computed.

    NumPy broadcasting applies; Python numbers and arrays mix in on either side (``ndarray + Tensor``
    is a Tensor). Only leaves created with ``requires_grad=True`` (and what is computed from them)
    are tracked. After ``backward`` the leaves hold ``.grad``: an array of the leaf's library (NumPy,
    or any array-API library: see :doc:`/devices`), shape and dtype, its own memory. Gradients *add
    up* over ``backward`` calls, as in PyTorch; call ``zero_grad()`` (or set ``.grad = None``)
    between steps. Intermediate results keep their gradient
    only if :meth:`retain_grad` was called.

    ``Tensor(data)`` copies ``data``. Integer or bool data that requires grad is converted to float64
    with a warning (gradients of integers are not integers). ``float32 ⊕ float64`` gives float64, and
    a Python number keeps the tensor's dtype (NumPy 2 rules).

    >>> import numpy as np
    >>> from autograd_lite import Tensor
    >>> w = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> loss = (np.array([1.0, 1.0, 2.0]) * w).sum()
    >>> loss.backward()
    >>> w.grad
    array([1., 1., 2.])
    """

    __slots__ = ()
    _mutable_grads = True

    def __init__(self, data: ArrayLike, requires_grad: bool = False, dtype: DTypeLike = None,
                 name: str | None = None) -> None:
        requires_grad = _checks.boolean(requires_grad, "requires_grad", "Tensor")
        name = _checks.name(name, "name", "Tensor")
        if isinstance(data, Node):
            data = data._data
        elif data.__class__ in _SEQUENCES:
            node = _first_node(data)
            if node is not None and node.requires_grad:
                raise TypeError("Tensor: the list holds nodes that require grad, and a new tensor is a "
                                "leaf without their graph: use ag.stack([...]) to keep the graph, or "
                                "detach them first")
        try:
            array = backend.array(data, dtype=dtype)
        except (TypeError, ValueError) as error:
            raise TypeError(f"Tensor: cannot make an array of {type(data).__name__} {data!r:.60}: "
                            f"{error}") from None
        kind = backend.dtype_kind(array.dtype)
        if kind not in _SUPPORTED_KINDS:
            raise TypeError(f"Tensor: unsupported dtype {array.dtype}; use float, integer or bool data")
        if requires_grad and kind != "f":
            xp = backend.namespace(array)
            to = backend.default_float(xp, backend.device_of(array))
            warnings.warn(f"Tensor: {array.dtype} data that requires grad is converted to "
                          f"{backend.dtype_name(to)}", stacklevel=2)
            array = xp.astype(array, to)
        super().__init__(array, requires_grad)
        self.name = name

    # ---- engine hooks -------------------------------------------------------------------------
    @staticmethod
    def _forward(op: Primitive, input_data: Sequence[Data], params: dict[str, Any]) -> Data:
        try:
            out = op.forward(*input_data, **params) if params else op.forward(*input_data)
        except backend.DeviceError as error:
            raise backend.DeviceError(f"{op.name}: {error}") from None
        except ValueError as error:  # NumPy's AxisError too, kept an IndexError as it is there
            shapes = ", ".join(str(_shape(d)) for d in input_data)
            kind = AxisError if isinstance(error, IndexError) else ShapeError
            if type(error).__name__ == "LinAlgError":  # a singular matrix: the library's own error
                kind = type(error)
            raise kind(f"{op.name} on inputs of shapes {shapes}: {error}") from None
        except (TypeError, OverflowError) as error:
            dtypes = ", ".join(_dtype_name(d) for d in input_data)
            raise type(error)(f"{op.name} on inputs of dtypes {dtypes}: {error}") from None
        if out.__class__ is ndarray:  # the common case: nothing to check
            return out
        return _as_array(op, out, input_data)

    def _fit_grad(self, grad: Operand) -> Operand:
        data = self._data
        if grad.__class__ is data.__class__ and grad.shape == data.shape and grad.dtype == data.dtype:
            return grad  # the common case: nothing to do
        if isinstance(grad, Node):
            if grad._data.shape != data.shape:
                grad = _summed_to(grad, data.shape)
            return grad if grad._data.dtype == data.dtype else tensor_ops.astype(grad, data.dtype)
        if _shape(grad) != data.shape:
            grad = _summed_to(grad, data.shape)
        if grad.__class__ is not data.__class__ or grad.dtype != data.dtype:
            xp = backend.namespace(data)
            grad = xp.asarray(grad, dtype=data.dtype, device=backend.device_of(data))
        return grad

    @classmethod
    def _from_sequence(cls, op: Primitive, sequence: list | tuple) -> Tensor:
        """A (nested) list holding tensors, stacked into one tensor that keeps their graph."""
        try:
            return tensor_ops.stack(_joined(op, sequence))  # inner lists that hold tensors: stacked first
        except (TypeError, ValueError) as error:
            raise type(error)(f"{op.name}: the list given does not make one array: {error}") from None

    def _accumulate_grad(self, grad: Operand, shared: bool = False) -> None:
        if self.grad is not None:
            self.grad = self.grad + grad
        elif isinstance(grad, Node) or (not shared and grad.__class__ is ndarray and grad.flags.owndata
                                        and grad.flags.writeable):
            self.grad = grad  # a fresh array that nothing else holds
        else:  # a view, an array another .grad already has, or one whose memory is not known to be
            # its own (the standard has no flags for that): give this tensor its own copy
            self.grad = backend.namespace(grad).asarray(grad, dtype=self._data.dtype, copy=True)

    def _seed_grad(self, gradient: Operand | None) -> Data:
        data = self._data
        dtype, xp, device = data.dtype, backend.namespace(data), backend.device_of(data)
        if gradient is None:
            if self._data.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient needs a single-number tensor, but this one has "
                    f"shape {self.shape}: reduce it first (e.g. .sum() or .mean()), or pass "
                    f"gradient=<array of shape {self.shape}> (d loss / d this tensor)")
            return xp.ones(self.shape, dtype=dtype, device=device)
        given = data_of(gradient)
        if backend.is_array(given):  # another library's or device's: a DeviceError, never a silent move
            try:
                backend.namespace(data, given)
            except backend.DeviceError as error:
                raise backend.DeviceError(f"backward: the gradient given: {error}") from None
        try:
            gradient = gradient._data if isinstance(gradient, Node) else \
                backend.array(gradient, dtype=dtype, device=device, xp=xp)
        except (TypeError, ValueError) as error:
            raise TypeError(f"backward: gradient must be an array of shape {self.shape}, not "
                            f"{type(gradient).__name__} {gradient!r:.40}: {error}") from None
        if tuple(gradient.shape) != self.shape:
            raise ShapeError(f"backward: the gradient has shape {gradient.shape}, but the tensor has "
                             f"shape {self.shape}; they must be equal")
        return gradient

    # ---- the data, and changing it in place ----------------------------------------------------
    @property
    def data(self) -> Data:
        """The array, read-only wherever a graph may still need it.

        Results of operations are read-only. Leaves that require grad are read-only while gradients
        are recorded: change them under ``no_grad()`` (``p -= lr * p.grad``), as optimizers do.
        (Only NumPy arrays can be made read-only; the standard has no such flag.)
        """
        array = self._data
        if array.__class__ is not ndarray:
            return array
        if self._primitive is not None:
            array.flags.writeable = False
        elif self.requires_grad and is_grad_enabled():
            array = array.view()
            array.flags.writeable = False
        return array

    @data.setter
    def data(self, value: Any) -> None:
        array = value if backend.is_array(value) else backend.array(value)
        if backend.dtype_kind(array.dtype) not in _SUPPORTED_KINDS:
            raise TypeError(f"Tensor.data: unsupported dtype {array.dtype}")
        self._data = array
        self.mark_modified()

    def detach(self) -> Tensor:
        """A new leaf that is cut off from the graph (requires no grad) and shares this tensor's
        memory, read-only: an in-place change of it would change this tensor unseen, so it raises."""
        data = self._data
        if data.__class__ is not ndarray:
            return _leaf(Tensor, data)
        view = data.view()
        view.flags.writeable = False
        return _leaf(Tensor, view)

    def _in_place(self, ufunc: Any, other: Operand) -> Tensor:
        if self._primitive is not None:
            raise RuntimeError(f"in-place {ufunc.__name__} on the result of {self.op}: results of "
                               f"operations may still be needed by the graph; compute a new tensor instead")
        if self.requires_grad and is_grad_enabled():
            raise RuntimeError(f"in-place {ufunc.__name__} on a leaf tensor that requires grad while "
                               f"gradients are recorded: do it under `with no_grad():` (as optimizers do)")
        data = self._data
        if data.__class__ is ndarray and (data.base is not None or not data.flags.writeable):
            raise RuntimeError(
                f"in-place {ufunc.__name__} on a tensor whose memory may be shared (made by detach(), or "
                f"a view such as a reshape made under no_grad()): it would change the tensor it shares "
                f"memory with, unseen by that tensor's graphs; write t = t + x, or copy first: Tensor(t)")
        other = data_of(other)
        backend.namespace(data, other)  # arrays of two libraries or devices: a DeviceError
        try:
            if data.__class__ is ndarray:
                ufunc(data, other, out=data, casting="same_kind")
            else:  # a new array: memory may be shared (detach, views) and the standard cannot tell
                self._data = _updated(data, _IN_PLACE[ufunc.__name__](data, other), ufunc.__name__)
        except ValueError as error:
            raise ShapeError(f"in-place {ufunc.__name__} of a tensor of shape {self.shape} with shape "
                             f"{_shape(other)}: {error}") from None
        self.mark_modified()
        return self

    def __iadd__(self, other: Operand) -> Tensor: return self._in_place(_host.add, other)
    def __isub__(self, other: Operand) -> Tensor: return self._in_place(_host.subtract, other)
    def __imul__(self, other: Operand) -> Tensor: return self._in_place(_host.multiply, other)
    def __itruediv__(self, other: Operand) -> Tensor: return self._in_place(_host.divide, other)

    # ---- array attributes ---------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape."""
        return self._data.shape

    @property
    def dtype(self) -> Any:
        """The array's dtype."""
        return self._data.dtype

    @property
    def ndim(self) -> int:
        """Number of axes."""
        return self._data.ndim

    @property
    def size(self) -> CallableSize:
        """Number of elements, an ``int`` as NumPy's; ``t.size()`` is also PyTorch's shape, and
        ``t.size(d)`` the length of axis ``d``."""
        return CallableSize(self._data.shape)

    def __len__(self) -> int:
        if not self._data.shape:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def item(self) -> Any:
        """The single element as a Python number."""
        data = self._data
        if data.__class__ is ndarray:
            return data.item()
        if math.prod(data.shape) != 1:
            raise ValueError(f"item: the tensor has {self.size} elements, not one")
        kind = backend.dtype_kind(data.dtype)
        return {"b": bool, "i": int, "u": int}.get(kind, float)(backend.namespace(data).reshape(data, ()))

    # ---- devices ----------------------------------------------------------------------------
    @property
    def device(self) -> Any:
        """Where the data lives: ``"cpu"`` for NumPy, else the array library's device object."""
        return backend.device_of(self._data)

    def to(self, device: Any) -> Tensor:
        """This tensor on ``device`` — ``"cpu"`` (NumPy), ``"cuda"``/``"cuda:N"`` (CuPy), or a
        device object of its array library — differentiably (the gradient moves back). On its
        device already: the tensor itself.

        >>> t = Tensor([1.0, 2.0])
        >>> t.to("cpu") is t
        True
        """
        data = self._data
        if device == "cpu" and data.__class__ is ndarray or \
                not isinstance(device, str) and data.__class__ is not ndarray and device == data.device:
            return self
        return tensor_ops.to_device(self, device=device)

    def cpu(self) -> Tensor:
        """This tensor as a NumPy tensor on the host (``to("cpu")``)."""
        return self.to("cpu")

    def numpy(self) -> ndarray:
        """The data as a NumPy array on the host: a copy, yours to change."""
        return backend.host_namespace.array(backend.to_host(self._data), copy=True)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> ndarray:
        if self._data.__class__ is not ndarray:  # never a silent move to the host, as in PyTorch
            raise TypeError(f"a Tensor on {self.device!r} does not turn into a NumPy array by "
                            f"itself: t.numpy() gives a host copy, ag.stack([...]) joins tensors")
        return self.data if dtype is None else self._data.astype(dtype)

    def __bool__(self) -> bool:
        return bool(self._data)

    def __float__(self) -> float:
        return float(self._data)

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (``.grad = None``)."""
        self.grad = None

    def __repr__(self) -> str:
        body = backend.host_namespace.array2string(backend.to_host(self._data), separator=", ",
                                                   prefix="Tensor(", threshold=20)
        extras = []
        if self._primitive is not None:
            extras.append(f"op={self.op!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self._data.__class__ is not ndarray:
            extras.append(f"device={self.device!r}")
            extras.append(f"dtype={backend.dtype_name(self.dtype)}")
        elif self.dtype != backend.host_namespace.float64:
            extras.append(f"dtype={self.dtype}")
        return "Tensor(" + ", ".join([body, *extras]) + ")"

    # ---- comparisons: of arrays of one library and device (plain boolean arrays, not recorded) ----
    def _comparable(self, other: Operand) -> Data:
        other = data_of(other)
        if other.__class__ is not float and other.__class__ is not int:
            backend.namespace(self._data, other)  # arrays of two libraries or devices: a DeviceError
        return other

    def __lt__(self, other: Operand) -> Data: return self._data < self._comparable(other)
    def __le__(self, other: Operand) -> Data: return self._data <= self._comparable(other)
    def __gt__(self, other: Operand) -> Data: return self._data > self._comparable(other)
    def __ge__(self, other: Operand) -> Data: return self._data >= self._comparable(other)
    def __eq__(self, other: Operand) -> Data: return self._data == self._comparable(other)  # type: ignore[override]
    def __ne__(self, other: Operand) -> Data: return self._data != self._comparable(other)  # type: ignore[override]
    __hash__ = Node.__hash__  # identity, so tensors can be dictionary keys

    # ---- operations ---------------------------------------------------------------------------
    def __matmul__(self, other: Operand) -> Tensor: return tensor_ops.matmul(self, other)
    def __rmatmul__(self, other: Operand) -> Tensor: return tensor_ops.matmul(other, self)
    def __getitem__(self, index: Any) -> Tensor: return tensor_ops.getitem(self, index=_index_data(index))

    def sum(self, axis: Axis = None, keepdims: bool = False, **torch_spelling: Any) -> Tensor:
        """Σ over ``axis``; see :func:`autograd_lite.sum`."""
        if torch_spelling:  # dim=, keepdim=: the primitive reads them
            return tensor_ops.sum(self, **_given(axis, keepdims), **torch_spelling)
        return tensor_ops.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Axis = None, keepdims: bool = False, **torch_spelling: Any) -> Tensor:
        """Mean over ``axis``."""
        if torch_spelling:  # dim=, keepdim=: the primitive reads them
            return tensor_ops.mean(self, **_given(axis, keepdims), **torch_spelling)
        return tensor_ops.mean(self, axis=axis, keepdims=keepdims)

    def max(self, axis: Axis = None, keepdims: bool = False, **torch_spelling: Any) -> Any:
        """Maximum over ``axis`` (ties share the gradient); with PyTorch's ``dim=`` instead,
        ``(values, indices)`` as PyTorch gives (see :mod:`autograd_lite.torch_names`)."""
        if torch_spelling:  # dim=, keepdim=: the primitive reads them
            return tensor_ops.max(self, **_given(axis, keepdims), **torch_spelling)
        return tensor_ops.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Axis = None, keepdims: bool = False, **torch_spelling: Any) -> Any:
        """Minimum over ``axis`` (ties share the gradient); with ``dim=``, ``(values, indices)``."""
        if torch_spelling:
            return tensor_ops.min(self, **_given(axis, keepdims), **torch_spelling)
        return tensor_ops.min(self, axis=axis, keepdims=keepdims)

    def var(self, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Variance over ``axis``."""
        return tensor_ops.var(self, axis=axis, keepdims=keepdims, ddof=ddof)

    def logsumexp(self, axis: Axis = None, keepdims: bool = False, **torch_spelling: Any) -> Tensor:
        """Stable log Σ exp over ``axis``."""
        if torch_spelling:  # dim=, keepdim=: the primitive reads them
            return tensor_ops.logsumexp(self, **_given(axis, keepdims), **torch_spelling)
        return tensor_ops.logsumexp(self, axis=axis, keepdims=keepdims)

    def softmax(self, axis: int = -1) -> Tensor:
        """Stable softmax along ``axis``."""
        return tensor_ops.softmax(self, axis=axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        """Stable log-softmax along ``axis``."""
        return tensor_ops.log_softmax(self, axis=axis)

    def reshape(self, *shape: Any) -> Tensor:
        """Same data in a new shape: ``t.reshape(2, 3)`` or ``t.reshape((2, 3))``."""
        return tensor_ops.reshape(self, shape=shape[0] if len(shape) == 1 else shape)

    def transpose(self, *axes: Any) -> Tensor:
        """Permute the axes (reverse them when none are given): ``t.transpose(1, 0)`` or
        ``t.transpose((1, 0))``, as NumPy."""
        if len(axes) == 1 and (backend.is_array(axes[0]) or not hasattr(axes[0], "__index__")):
            axes = axes[0]
        return tensor_ops.transpose(self, axes=None if axes is None or len(axes) == 0 else axes)

    @property
    def T(self) -> Tensor:  # noqa: N802 - NumPy's name
        """The tensor with its axes reversed."""
        return tensor_ops.transpose(self)

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        """Exchange two axes."""
        return tensor_ops.swapaxes(self, axis1=axis1, axis2=axis2)

    def squeeze(self, axis: int | Sequence[int] | None = None) -> Tensor:
        """Remove size-1 axes."""
        return tensor_ops.squeeze(self, axis=axis)

    def expand_dims(self, axis: int | Sequence[int]) -> Tensor:
        """Insert a size-1 axis at ``axis``."""
        return tensor_ops.expand_dims(self, axis=axis)

    def broadcast_to(self, shape: tuple[int, ...]) -> Tensor:
        """Broadcast to ``shape``."""
        return tensor_ops.broadcast_to(self, shape=tuple(shape))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """The tensor as 1-D, as NumPy's ``flatten()``; PyTorch's ``start_dim``/``end_dim`` flatten
        only the axes from ``start_dim`` to ``end_dim`` (both included) into one.

        >>> Tensor(np.ones((2, 3, 4))).flatten(1).shape
        (2, 12)
        """
        if start_dim == 0 and end_dim == -1:
            return tensor_ops.flatten(self)
        shape = self._data.shape
        first = _axis_index("flatten", start_dim, shape, name="start_dim")
        last = _axis_index("flatten", end_dim, shape, name="end_dim")
        if first > last:
            raise ValueError(f"flatten on a tensor of shape {shape}: start_dim {start_dim} comes after "
                             f"end_dim {end_dim}")
        return tensor_ops.reshape(self, shape=shape[:first] + (-1,) + shape[last + 1:])

    def clip(self, a_min: Operand | None, a_max: Operand | None) -> Tensor:
        """Limit values to [a_min, a_max]."""
        return tensor_ops.clip(self, a_min=data_of(a_min), a_max=data_of(a_max))

    def astype(self, dtype: DTypeLike) -> Tensor:
        """Convert to ``dtype`` (differentiable)."""
        return tensor_ops.astype(self, dtype=backend.dtype_of(backend.namespace(self._data), dtype))



def _given(axis: Axis, keepdims: bool) -> dict[str, Any]:
    """``axis`` and ``keepdims`` where the caller set them (not their defaults), to go with PyTorch's
    spellings of them: the primitive then refuses both spellings of one."""
    given: dict[str, Any] = {} if axis is None else {"axis": axis}
    if keepdims is not False:
        given["keepdims"] = keepdims
    return given


def _summed_to(grad: Operand, shape: tuple[int, ...]) -> Operand:
    """A gradient of a broadcast shape summed back to ``shape``. sum_to refuses any other shape (a
    VJP's mistake, never to be summed or reshaped away): said here in a VJP's terms."""
    try:
        return tensor_ops.sum_to(grad, shape=shape)
    except ShapeError:
        raise ShapeError(f"it gave a gradient of shape {_shape(data_of(grad))}, which does not fit an "
                         f"input of shape {shape} (the shape, or one broadcast from it, is needed)") from None


def _dtype_name(data: Any) -> str:
    dtype = getattr(data, "dtype", None)
    if dtype is not None:
        return backend.dtype_name(dtype)
    return type(data).__name__


def _shape(data: Any) -> tuple[int, ...]:
    """The shape of an array or a number (``()``)."""
    return tuple(getattr(data, "shape", ()))


def _as_array(op: Primitive, out: Any, input_data: Sequence[Data]) -> Data:
    """A forward's result that is not a NumPy array: an array (of any library) as it is; a NumPy
    scalar, a number (or what else a custom forward returned) as an array of the inputs' library, on
    their device."""
    if not backend.is_scalar(out) and backend.is_array(out):
        return out
    for d in input_data:
        if d.__class__ is ndarray:
            break
        if backend.is_array(d):
            return backend.namespace(d).asarray(out, device=backend.device_of(d))
    return _host.asarray(out)


_IN_PLACE = {"add": operator.add, "subtract": operator.sub, "multiply": operator.mul,
             "divide": operator.truediv}


def _updated(data: Data, result: Data, name: str) -> Data:
    """The result of an in-place ``name`` on ``data`` of a library other than NumPy: of ``data``'s
    shape (never broadcast up) and dtype (cast back, as NumPy's same-kind casting does)."""
    if tuple(result.shape) != tuple(data.shape):
        raise ValueError(f"the result has shape {tuple(result.shape)}, not the tensor's")
    if result.dtype != data.dtype:
        if backend.dtype_kind(result.dtype) != backend.dtype_kind(data.dtype):
            raise TypeError(f"in-place {name}: cannot cast {backend.dtype_name(result.dtype)} to the "
                            f"tensor's {backend.dtype_name(data.dtype)}")
        result = backend.namespace(data).astype(result, data.dtype)
    return result


def tensor(data: ArrayLike, requires_grad: bool = False, dtype: DTypeLike = None) -> Tensor:
    """Make a :class:`Tensor` (a copy of ``data``), like ``torch.tensor``.

    >>> from autograd_lite import tensor
    >>> tensor([[1, 2], [3, 4]], dtype=float, requires_grad=True).T
    Tensor([[1., 3.],
            [2., 4.]], op='transpose')
    """
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def asarray(data: ArrayLike | Tensor, dtype: DTypeLike = None, device: Any = None, xp: Any = None,
            requires_grad: bool = False) -> Tensor:
    """A :class:`Tensor` of ``data`` on ``device`` (a copy), like ``jnp.asarray`` with a device.

    ``device`` is ``"cpu"`` (NumPy), ``"cuda"`` or ``"cuda:N"`` (CuPy), a device object of the array
    library ``xp`` (or of ``data``'s), or ``None`` (where ``data`` is). ``xp`` picks the array library
    for data that has none yet (lists, NumPy arrays).

    >>> import array_api_strict as xps
    >>> from autograd_lite import asarray
    >>> t = asarray([1.0, 2.0], xp=xps, device=xps.Device("device1"))
    >>> t.device, type(t.data).__module__
    (array_api_strict.Device('device1'), 'array_api_strict._array_object')
    """
    try:
        array = backend.array(data_of(data), dtype=dtype, device=device, xp=xp)
    except (TypeError, ValueError) as error:
        raise type(error)(f"asarray: {error}") from None
    return Tensor(array, requires_grad=requires_grad)


def _accept_torch_spellings(cls: type) -> None:
    """Let every method of ``cls`` (its mixins' too) that takes NumPy's ``axis`` also take PyTorch's
    ``dim``/``keepdim`` (methods that pass them on themselves, as ``sum``, are left as they are)."""
    for klass in reversed(cls.__mro__):
        for name, attribute in vars(klass).items():
            if not callable(attribute) or name.startswith("__") or isinstance(attribute, type):
                continue
            parameters = inspect.signature(attribute).parameters
            spells_dim = "dim" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())
            if "axis" in parameters and not spells_dim:
                setattr(cls, name, _checks.accepts_torch_spelling(attribute))


_accept_torch_spellings(Tensor)
