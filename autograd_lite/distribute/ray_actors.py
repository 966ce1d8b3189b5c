"""Data-parallel ``fit`` on a Ray cluster: the replicas are plain Ray actors, the data and each step's
weights go through Ray's object store.

Ray restarts a replica that dies (``max_restarts`` times) by running its constructor again with the
same arguments, and runs the step it was given again (``max_task_retries``): since a replica holds
nothing but what its constructor builds, and each step brings its weights and seeds its own random
draws, the retried step returns what the first try would have. The driver keeps the object
references of the data and the model alive for as long as the replicas may restart: Ray frees an
object nothing refers to, and a restart could not read it.
"""

from __future__ import annotations

from typing import Any

from .._checks import boolean, integer
from .replica import Replica, SliceResult
from .strategy import Strategy, TrainingData, slices

__all__ = ["Ray"]

INSTALL_HINT = "pip install 'autograd_lite[ray]'  (or: pip install 'ray[default]')"


def import_ray() -> Any:
    """Ray, or an ImportError that says how to install it."""
    try:
        import ray  # noqa: PLC0415 - only a run on Ray imports it
    except ImportError as error:
        raise ImportError(f"distribute=Ray(...) needs Ray, which is not installed: {INSTALL_HINT}") from error
    return ray


class RayReplica(Replica):
    """A :class:`~autograd_lite.distribute.Replica` as a Ray actor, made from object references: the
    pickled model, then ``x``, ``y`` and ``sample_weight``. They come in a list, which Ray passes as
    it is, and are read here, so a restart reads them again from the object store."""

    def __init__(self, references: list[Any], rank: int, entropy: int, use_gpu: bool) -> None:
        model, x, y, sample_weight = import_ray().get(references)
        super().__init__(model, x, y, sample_weight, rank, entropy, use_gpu)


class Ray(Strategy):
    """Run ``fit``'s replicas as ``num_workers`` Ray actors.

    ``address``: the cluster to join (``"auto"``, ``"ray://head:10001"``); None joins the cluster this
    process is already connected to (``ray.init`` called before), else starts a local one, which
    ``fit`` shuts down when it ends. ``use_gpu``: each replica takes one GPU and computes there.
    ``max_restarts``: how many times Ray restarts a replica that dies (each retrying the step it was
    running). ``check``: see :class:`~autograd_lite.distribute.Strategy`.

    >>> from autograd_lite import distribute
    >>> distribute.Ray(num_workers=2)
    Ray(num_workers=2, address=None, use_gpu=False, max_restarts=3)
    >>> distribute.Ray(num_workers=0)
    Traceback (most recent call last):
    ValueError: Ray: num_workers must be at least 1, not 0
    """

    def __init__(self, num_workers: int = 4, address: str | None = None, use_gpu: bool = False,
                 max_restarts: int = 3, check: bool = True) -> None:
        super().__init__(num_workers, check)
        if address is not None and not isinstance(address, str):
            raise TypeError(f"Ray: address must be a string (\"auto\", \"ray://host:10001\") or None, "
                            f"not {type(address).__name__}")
        self.address = address
        self.use_gpu = boolean(use_gpu, "use_gpu", "Ray")
        self.max_restarts = integer(max_restarts, "max_restarts", "Ray", minimum=-1)
        self.actors: list[Any] = []
        self._kept_refs: list[Any] = []   # the data and the model: alive while a replica may restart
        self._started_ray = False

    def require_engine(self) -> None:
        import_ray()

    def setup(self, model: Any, data: TrainingData, entropy: int) -> None:
        ray = import_ray()
        from ray import cloudpickle  # noqa: PLC0415 - pickles functions defined in a script too

        if not ray.is_initialized():
            ray.init(address=self.address, **({"include_dashboard": False} if self.address is None else {}))
            self._started_ray = True
        gpus = ray.cluster_resources().get("GPU", 0)
        if self.use_gpu and gpus < self.num_workers:   # the actors would wait for GPUs forever
            self.close()
            raise ValueError(f"Ray(use_gpu=True) gives each of the {self.num_workers} replicas a GPU, but "
                             f"the cluster has {gpus:g}; add GPU nodes or give fewer workers")
        self._kept_refs = [ray.put(cloudpickle.dumps(model)), *(ray.put(part) for part in data)]
        actor = ray.remote(num_gpus=1 if self.use_gpu else 0, max_restarts=self.max_restarts,
                           max_task_retries=-1 if self.max_restarts else 0)(RayReplica)
        self.actors = [actor.remote(self._kept_refs, rank, entropy, self.use_gpu)
                       for rank in range(self.num_workers)]

    def gradients(self, weights: list[Any], rows: Any, step: tuple[int, int]) -> list[SliceResult]:
        ray = import_ray()
        weights_ref = ray.put(weights)   # put once: every replica reads the same copy
        return ray.get([actor.gradients.remote(weights_ref, piece, step)
                        for actor, piece in zip(self.actors, slices(rows, self.num_workers))])

    def close(self) -> None:
        if not self.actors and not self._started_ray:
            return
        ray = import_ray()
        for actor in self.actors:
            ray.kill(actor, no_restart=True)
        self.actors, self._kept_refs = [], []
        if self._started_ray:
            ray.shutdown()
            self._started_ray = False

    def __repr__(self) -> str:
        return (f"Ray(num_workers={self.num_workers}, address={self.address!r}, use_gpu={self.use_gpu}, "
                f"max_restarts={self.max_restarts})")
