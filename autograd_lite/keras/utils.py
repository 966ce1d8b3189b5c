"""``keras.utils``: ``set_random_seed``."""

from ..random import set_random_seed

__all__ = ["set_random_seed"]
