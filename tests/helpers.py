"""Helpers shared by several test files."""

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_lite import backend
from autograd_lite.engine import data_of


def run_together(*functions: Callable[[threading.Barrier], None]) -> None:
    """Run each function in its own thread, all given one barrier to meet at; re-raise any failure."""
    barrier = threading.Barrier(len(functions))
    errors = []

    def guarded(function):
        try:
            function(barrier)
        except BaseException as error:  # noqa: BLE001 - reported in the main thread
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=guarded, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def assert_on(xp: Any, x: Any, device: Any = None) -> None:
    """``x`` (a tensor or an array) is an array of namespace ``xp`` (on ``device``, if given): a NumPy
    call left in an op would have turned a strict array into a NumPy one, silently."""
    data = data_of(x)
    if xp is np:  # NumPy's plain functions give NumPy scalars for 0-d results
        assert isinstance(data, (np.ndarray, np.generic)), f"expected a NumPy array, got {type(data)}"
        return
    got = f"{type(data).__module__}.{type(data).__name__}"
    assert type(data) is type(xp.asarray(0.0)), f"expected an array of {xp.__name__}, got {got}"
    if device is not None:
        assert backend.device_of(data) == device, f"on {backend.device_of(data)!r}, not {device!r}"


def host(x: Any) -> np.ndarray:
    """A NumPy copy of the data of ``x`` (a tensor, an array of any library, a number)."""
    return np.asarray(backend.to_host(data_of(x)))


# ---- comparing with PyTorch (the layer tests) ---------------------------------------------------
#: forward values and gradients of the layers agree with PyTorch's in float64 to this
TORCH_TOLERANCE = {"rtol": 1e-10, "atol": 1e-10}


def close(ours: Any, theirs: Any, equal_nan: bool = False) -> None:
    """Our array (or Tensor) equals PyTorch's tensor (or an array) to :data:`TORCH_TOLERANCE`."""
    import torch

    expected = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    np.testing.assert_allclose(host(ours), expected, equal_nan=equal_nan, **TORCH_TOLERANCE)


def pair(array: np.ndarray) -> tuple[Any, Any]:
    """The same float64 array as a leaf of ours and of PyTorch's, both requiring grad."""
    import torch

    from autograd_lite import Tensor
    return Tensor(array.copy(), requires_grad=True), torch.tensor(array, requires_grad=True)


def backward_both(ours: Any, theirs: Any, rng: np.random.Generator) -> None:
    """Backpropagate one random upstream gradient through both results."""
    import torch

    g = rng.normal(size=ours.shape)
    (ours * g).sum().backward()
    (theirs * torch.from_numpy(g)).sum().backward()


def copy_from_torch(layer: Any, torch_layer: Any) -> None:
    """Load the PyTorch layer's state_dict (parameters and buffers) into ours."""
    layer.load_state_dict({name: value.detach().numpy().copy()
                           for name, value in torch_layer.state_dict().items()})
