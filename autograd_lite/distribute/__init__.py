"""Training on many machines: ``model.fit(..., distribute=ag.distribute.Ray(num_workers=4))`` runs
synchronous data-parallel SGD. Every step, each replica computes the gradient of the loss on its slice
of the global batch, the driver averages them weighted by the slices' sizes, ``Σ gᵢnᵢ / Σ nᵢ``
(the gradient of the global batch's mean loss), and calls the optimizer's unchanged ``step``.
The weights equal a one-process ``fit``'s to float64 round-off.

- :class:`Ray`: the replicas are Ray actors on a cluster (``pip install 'autograd_lite[ray]'``);
- :class:`Local`: in this process, one after another, to check a model before a cluster;
- :class:`Strategy`: the interface both implement, for another engine (MPI, say).

Importing this package does not import Ray; a run on it does.
"""

from .ray_actors import Ray
from .replica import Replica, SliceResult
from .strategy import Local, Strategy

__all__ = ["Local", "Ray", "Replica", "SliceResult", "Strategy"]
