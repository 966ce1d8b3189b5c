"""``keras.optimizers`` (filled in by the #16 work)."""

__all__: list[str] = []
