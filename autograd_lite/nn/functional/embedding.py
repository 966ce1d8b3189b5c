"""Embeddings, one-hot encoding and dropout as functions of tensors, with PyTorch's names and meanings.

- :func:`embedding` looks rows up in a weight matrix: ``weight[input]``. Its gradient adds each
  upstream row into the row it was read from (a scatter-add, so a repeated index collects every
  occurrence), written with differentiable ops, so second derivatives work too.
- :func:`one_hot` turns class indices into rows of zeros with a one (integers in, integers out: not
  differentiable).
- :func:`dropout` (and the channel-wise :func:`dropout1d`, :func:`dropout2d`) zero elements at random
  while training. The mask is drawn from the package's one generator (:mod:`autograd_lite.random`,
  seeded by ``ag.manual_seed``) and the survivors are scaled by 1/(1 − p); the op is a multiply by
  that constant mask, so its gradient is exactly the same mask.

The examples assume ``import numpy as np`` and ``from autograd_lite import Tensor``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ... import _checks, backend
from ...backend import ndarray
from ...engine import Node, ShapeError, _leaf, data_of, docstring_tests, primitive
from ...random import get_generator
from ...tensor import Tensor
from ...typing import Data, Operand
from .._targets import _few, _shape

__all__ = ["dropout", "dropout1d", "dropout2d", "embedding", "one_hot"]

_host = backend.host_namespace  # NumPy: the generator draws there, and index checks read a host copy
_generator = get_generator()  # the package's one generator: ag.manual_seed seeds it in place


# ---- embedding --------------------------------------------------------------------------------


def embedding(input: Operand, weight: Operand, padding_idx: int | None = None,  # noqa: A002 (PyTorch's)
              max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Operand:
    """The rows of ``weight`` (num_embeddings, embedding_dim) picked by the integer ``input``:
    out[..., :] = weight[input[...], :], of shape input.shape + (embedding_dim,).

    ∂L/∂weight[r] = Σ g[i] over the positions i where input[i] = r (a scatter-add: an index that
    occurs twice gets both gradients), and 0 for the row ``padding_idx``, which is read but never
    trained. With ``scale_grad_by_freq=True`` each row's sum is divided by how often that index
    occurs in ``input``. ``input`` gets no gradient (it holds indices).

    ``padding_idx`` may be negative (counted from the end, as PyTorch). ``max_norm`` (PyTorch
    renormalises the rows it reads, in place) and ``sparse=True`` (sparse gradients) are not
    supported and raise; ``norm_type`` only matters with ``max_norm``. The indices must be integers
    in [0, num_embeddings).

    >>> weight = Tensor([[0.0, 0.0], [1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> out = embedding(np.array([[1, 2], [1, 0]]), weight, padding_idx=0)
    >>> out.shape
    (2, 2, 2)
    >>> out.sum().backward(); weight.grad          # row 1 is read twice; row 0 is padding
    array([[0., 0.],
           [2., 2.],
           [1., 1.]])
    >>> embedding(np.array([3]), weight)
    Traceback (most recent call last):
    IndexError: embedding: indices must be in [0, 3) for a weight of 3 rows ..., but the input contains [3]
    """
    if max_norm is not None:
        raise NotImplementedError(f"embedding: max_norm={max_norm!r:.40} is not supported (PyTorch "
                                  f"renormalises the rows it reads in place, under no_grad); leave "
                                  f"max_norm=None, or rescale the weight's rows yourself")
    _checks.real(norm_type, "norm_type", "embedding", finite=False)
    scale_grad_by_freq = _checks.boolean(scale_grad_by_freq, "scale_grad_by_freq", "embedding")
    if _checks.boolean(sparse, "sparse", "embedding"):
        raise NotImplementedError("embedding: sparse=True is not supported: the gradient is a dense array "
                                  "of the weight's shape; leave sparse=False")
    if not isinstance(weight, Node) and not backend.is_array(weight):
        weight = _host.asarray(weight)
    shape = _shape(weight)
    if len(shape) != 2:
        raise ShapeError(f"embedding: the weight must have shape (num_embeddings, embedding_dim), but it "
                         f"has shape {shape}")
    padding_idx = _padding_index("embedding", padding_idx, shape[0])
    indices = _indices("embedding", input, shape[0], data_of(weight))
    return _embedding(weight, indices, padding_idx=padding_idx, scale_grad_by_freq=scale_grad_by_freq)


def _padding_index(where: str, padding_idx: Any, rows: int) -> int | None:
    """``padding_idx`` as a row in [0, rows), negative ones counted from the end; or None."""
    if padding_idx is None:
        return None
    requirement = f"None or an integer in [-{rows}, {rows}) (a row of the weight)"
    if _checks.is_bool(padding_idx) or not isinstance(padding_idx, int | _host.integer):
        raise TypeError(_checks.invalid(where, "padding_idx", padding_idx, requirement))
    if not -rows <= padding_idx < rows:
        raise ValueError(_checks.invalid(where, "padding_idx", padding_idx, requirement))
    return int(padding_idx) % rows


def _integer_data(where: str, x: Operand, name: str) -> Data:
    """The data of ``x`` (an array, or numbers NumPy reads), checked to have an integer dtype."""
    data = data_of(x)
    if not backend.is_array(data):
        data = _host.asarray(data)
    if backend.dtype_kind(data.dtype) not in "iu":
        raise TypeError(f"{where}: the {name} must have an integer dtype, not "
                        f"{backend.dtype_name(data.dtype)}; convert whole numbers with .astype(int)")
    return data


def _indices(where: str, input: Operand, rows: int, weight: Data) -> Data:  # noqa: A002 (PyTorch's)
    """``input`` as integer indices in [0, rows), checked on a host copy, on ``weight``'s device
    (NumPy's indices move there; another library's must be there already)."""
    given = _integer_data(where, input, "indices (input)")
    if given.__class__ is not ndarray and weight.__class__ is not ndarray:
        try:
            backend.namespace(weight, given)
        except backend.DeviceError as error:
            raise backend.DeviceError(f"{where}: {error}") from None
    host = backend.to_host(given)
    if host.size and (host.min() < 0 or host.max() >= rows):
        bad = host[(host < 0) | (host >= rows)]
        raise IndexError(f"{where}: indices must be in [0, {rows}) for a weight of {rows} rows "
                         f"(num_embeddings), but the input contains {_few(bad)}")
    if weight.__class__ is ndarray:
        return host
    if given.__class__ is not ndarray:
        return given
    return backend.index_in(backend.namespace(weight), host, backend.device_of(weight))


@primitive(name="embedding")
def _embedding(weight: Data, indices: Data, padding_idx: int | None = None,
               scale_grad_by_freq: bool = False) -> Data:
    """Called with checked ``indices`` on the weight's device (see :func:`embedding`)."""
    if weight.__class__ is ndarray:
        return weight[indices]
    xp = backend.namespace(weight, indices)
    rows = xp.take(weight, xp.reshape(indices, (-1,)), axis=0)
    return xp.reshape(rows, tuple(indices.shape) + (weight.shape[1],))


def _row_scale(flat: Data, rows: int, dtype: Any, padding_idx: int | None, scale_grad_by_freq: bool) -> Data:
    """The factor each looked-up row's gradient is multiplied by, as a column (n, 1): 0 at the
    padding index, 1/count of its index with ``scale_grad_by_freq``, else 1."""
    xp, device = backend.namespace(flat), backend.device_of(flat)
    scale = xp.ones(flat.shape, dtype=dtype, device=device)
    if scale_grad_by_freq:
        counts = xp.zeros((rows,), dtype=dtype, device=device)
        backend.scatter_add(counts, flat, scale)
        scale = scale / xp.take(counts, flat)
    if padding_idx is not None:
        scale = xp.where(flat == padding_idx, xp.zeros_like(scale), scale)
    return xp.reshape(scale, (-1, 1))


_embedding.defvjp(
    lambda g, out, weight, indices, padding_idx=None, scale_grad_by_freq=False: _embedding_backward(
        g, indices, num_weights=_shape(weight)[0], padding_idx=padding_idx,
        scale_grad_by_freq=scale_grad_by_freq),
    None,
)


@primitive(name="embedding_backward")
def _embedding_backward(g: Data, indices: Data, num_weights: int, padding_idx: int | None = None,
                        scale_grad_by_freq: bool = False) -> Data:
    """The weight's gradient from :func:`embedding`'s: each row of g (scaled by :func:`_row_scale`)
    added into row indices[i] of zeros (num_weights, embedding_dim), PyTorch's
    ``embedding_dense_backward``.  ∂L/∂g = h[indices], 0 where indices = padding_idx

    Its own VJP gathers h back without the 1/count factor of ``scale_grad_by_freq``, as PyTorch's
    double backward does: the second derivative of a loss through an embedding is then the
    derivative of its (scaled) first one, since the factor is applied once, in the outer backward.
    """
    xp = backend.namespace(g, indices)
    width = g.shape[-1]
    flat = xp.reshape(indices, (-1,))
    rows = xp.reshape(g, (-1, width))
    if padding_idx is not None or scale_grad_by_freq:
        rows = rows * _row_scale(flat, num_weights, g.dtype, padding_idx, scale_grad_by_freq)
    out = xp.zeros((num_weights, width), dtype=g.dtype, device=backend.device_of(g))
    backend.scatter_add(out, flat, rows)
    return out


def _embedding_backward_vjp(h: Operand, out: Operand, g: Operand, indices: Data, num_weights: int,
                            padding_idx: int | None = None, scale_grad_by_freq: bool = False) -> Operand:
    rows = _embedding(h, indices)
    if padding_idx is None:
        return rows
    xp = backend.namespace(indices)
    return rows * xp.astype(xp.expand_dims(indices != padding_idx, axis=-1), data_of(h).dtype)


_embedding_backward.defvjp(_embedding_backward_vjp, None)


# ---- one-hot ----------------------------------------------------------------------------------


def one_hot(tensor: Operand, num_classes: int = -1) -> Operand:
    """Integer class indices as one-hot rows: out[..., c] = 1 where tensor[...] = c, else 0, of
    shape tensor.shape + (num_classes,) and dtype int64, as PyTorch's (not differentiable: its input
    holds integers). ``num_classes=-1`` takes max(tensor) + 1. A Tensor gives a Tensor, an array an
    array of its library, on its device.

    >>> one_hot(np.array([0, 2, 1]))
    array([[1, 0, 0],
           [0, 0, 1],
           [0, 1, 0]])
    >>> one_hot(np.array([3]), num_classes=3)
    Traceback (most recent call last):
    ValueError: one_hot: class values must be smaller than num_classes=3, but the input contains [3]
    """
    data = _integer_data("one_hot", tensor, "input")
    num_classes = _checks.integer(num_classes, "num_classes", "one_hot", minimum=-1)
    host = backend.to_host(data)
    if host.size and host.min() < 0:
        raise ValueError(f"one_hot: class values must be non-negative, but the input contains "
                         f"{_few(host[host < 0])}")
    if num_classes == -1:
        if not host.size:
            raise ValueError("one_hot: cannot infer num_classes from an empty input; give num_classes")
        num_classes = int(host.max()) + 1
    elif host.size and host.max() >= num_classes:
        raise ValueError(f"one_hot: class values must be smaller than num_classes={num_classes}, but the "
                         f"input contains {_few(host[host >= num_classes])}")
    xp = backend.namespace(data)
    classes = xp.arange(num_classes, device=backend.device_of(data))
    encoded = xp.astype(xp.expand_dims(data, axis=-1) == classes, xp.int64)
    return _leaf(Tensor, encoded) if isinstance(tensor, Node) else encoded


# ---- dropout ----------------------------------------------------------------------------------


def dropout(input: Operand, p: float = 0.5, training: bool = True,  # noqa: A002 (PyTorch's name)
            inplace: bool = False) -> Operand:
    """While ``training``: each element zeroed with probability ``p``, the others scaled by 1/(1 − p)
    so that the expected value is unchanged: out = input · m/(1 − p), m ~ Bernoulli(1 − p) drawn
    from the package's generator (seed it with ``ag.manual_seed``).  ∂L/∂input = g · m/(1 − p)

    Not training (or ``p = 0``, or no elements) it returns ``input`` itself, as PyTorch does; ``p = 1``
    gives zeros. ``inplace=True`` is not supported (tensors here are not overwritten by ops).

    >>> import autograd_lite as ag
    >>> ag.manual_seed(0)
    >>> x = Tensor(np.ones(8), requires_grad=True)
    >>> y = dropout(x, p=0.5)
    >>> y
    Tensor([2., 0., 0., 0., 2., 2., 2., 2.], op='multiply')
    >>> y.sum().backward(); bool((x.grad == y.data).all())   # the gradient is the same mask
    True
    >>> dropout(x, p=0.5, training=False) is x
    True
    """
    return _dropped("dropout", input, p, training, inplace, lambda shape: shape)


def dropout1d(input: Operand, p: float = 0.5, training: bool = True,  # noqa: A002 (PyTorch's name)
              inplace: bool = False) -> Operand:
    """Channel dropout for (N, C, L) or unbatched (C, L) inputs: while ``training``, each whole channel
    (a row of L values) is zeroed with probability ``p``, the others scaled by 1/(1 − p), as
    :func:`dropout` but with one draw per channel.  ∂L/∂input = g · m/(1 − p)

    >>> import autograd_lite as ag
    >>> ag.manual_seed(0)
    >>> dropout1d(np.ones((1, 3, 2)))
    array([[[2., 2.],
            [0., 0.],
            [0., 0.]]])
    """
    ndim = len(_shape(input))
    if ndim not in (2, 3):
        raise ShapeError(f"dropout1d: expected a 2-D (C, L) or 3-D (N, C, L) input, but it has shape "
                         f"{_shape(input)}")
    return _dropped("dropout1d", input, p, training, inplace, lambda shape: shape[:-1] + (1,))


def dropout2d(input: Operand, p: float = 0.5, training: bool = True,  # noqa: A002 (PyTorch's name)
              inplace: bool = False) -> Operand:
    """Channel dropout for (N, C, H, W) inputs: while ``training``, each whole feature map (an H × W
    plane) is zeroed with probability ``p``, the others scaled by 1/(1 − p).  ∂L/∂input = g · m/(1 − p)

    Only 4-D input is taken: PyTorch reads a 3-D input as (N, C, L) (1-D dropout, with a warning that
    this will change to an unbatched (C, H, W)); use :func:`dropout1d` for that, or ``x[None]`` for one
    (C, H, W) image.

    >>> import autograd_lite as ag
    >>> ag.manual_seed(0)
    >>> dropout2d(np.ones((1, 3, 2, 2)), p=0.5)[0, :, 0, 0]
    array([2., 0., 0.])
    """
    if len(_shape(input)) != 4:
        raise ShapeError(f"dropout2d: expected a 4-D (N, C, H, W) input, but it has shape {_shape(input)}; "
                         f"for (N, C, L) use dropout1d, for one (C, H, W) image add the batch axis: x[None]")
    return _dropped("dropout2d", input, p, training, inplace, lambda shape: shape[:-2] + (1, 1))


def _dropped(where: str, x: Operand, p: Any, training: Any, inplace: Any,
             mask_shape: Callable[[tuple[int, ...]], tuple[int, ...]]) -> Operand:
    """``x`` times a mask of ``mask_shape(x.shape)`` (broadcast over the rest) that is 0 with
    probability ``p`` and 1/(1 − p) otherwise; every argument is checked before the generator moves."""
    p = _checks.real(p, "p", where, minimum=0.0, maximum=1.0)
    training = _checks.boolean(training, "training", where)
    if _checks.boolean(inplace, "inplace", where):
        raise NotImplementedError(f"{where}: inplace=True is not supported (ops here never overwrite a "
                                  f"tensor); use y = {where}(x, p) with inplace=False")
    data = data_of(x)
    if not backend.is_array(data):
        if isinstance(x, Node):
            raise TypeError(f"{where}: the input must be an array or a Tensor, not a {type(x).__name__}")
        x = data = _host.asarray(data)
    if backend.dtype_kind(data.dtype) != "f":
        raise TypeError(f"{where}: the input must have a floating-point dtype, not "
                        f"{backend.dtype_name(data.dtype)}")
    shape = _shape(data)
    if not training or p == 0.0 or 0 in shape:
        return x
    xp = backend.namespace(data)
    device = backend.device_of(data)
    keep = _generator.random(mask_shape(shape)) >= p  # kept with probability 1 − p
    if xp is not _host:
        keep = xp.asarray(keep, device=device)
    noise = xp.zeros(keep.shape, dtype=data.dtype, device=device) if p == 1.0 else \
        xp.astype(keep, data.dtype) / (1.0 - p)
    return x * noise


__test__ = docstring_tests(globals())
