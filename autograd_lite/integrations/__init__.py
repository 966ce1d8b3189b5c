"""Bridges to other tools; none is imported until used.

- :mod:`.tune`: :class:`~autograd_lite.integrations.tune.TuneReport`, a ``fit`` callback that reports
  to Ray Tune, for hyper-parameter sweeps.
"""

from . import tune

__all__ = ["tune"]
