"""Names that every docstring and documentation example may use: ``np``, ``ag`` and ``Tensor``."""

import numpy as np
import pytest

import autograd_lite as ag


@pytest.fixture(autouse=True, scope="session")
def _doctest_names(doctest_namespace):
    doctest_namespace.update(np=np, ag=ag, Tensor=ag.Tensor)
