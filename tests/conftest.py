"""Shared test set-up: a deterministic hypothesis profile for CI, and the ``xp`` fixture.

``xp`` is the array library a test runs on (SciPy's array-API test practice): NumPy, and
array-api-strict, a back end that raises on anything outside the array API standard. A test draws
or writes its inputs on the host and converts them with ``xp.asarray``; the result must come back
an array of ``xp`` (see ``helpers.assert_on``: NumPy functions silently turn strict arrays into
NumPy arrays, so the type is what shows that no NumPy call was left in the way). ``device`` is
where a test puts its arrays: array-api-strict's fake device "device1", whose arrays NumPy cannot
convert at all, so that a NumPy call left in a forward or a VJP raises instead of passing unseen.
"""

import os

import array_api_strict
import numpy
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

#: the back ends of the ``xp`` fixture, by the name that tests' ids show
BACKENDS = {"numpy": numpy, "array_api_strict": array_api_strict}


@pytest.fixture(params=list(BACKENDS.values()), ids=list(BACKENDS), scope="session")
def xp(request):
    """The array namespace a test runs on: NumPy, then array-api-strict."""
    return request.param


#: where the tests of each back end put their arrays (None: the library's default device)
DEVICES = {"numpy": None, "array_api_strict": array_api_strict.Device("device1")}


@pytest.fixture(scope="session")
def device(xp):
    """The device of ``xp`` that tests put arrays on: "device1" on array-api-strict, where NumPy
    calls raise (it converts CPU_DEVICE arrays silently); NumPy's own on NumPy."""
    return DEVICES[xp.__name__]
