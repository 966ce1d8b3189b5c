"""Benchmarks of autograd_lite against its peers: ``python -m benchmarks.run`` (see ``run.py``).

Not part of the test suite: ``tests/test_benchmarks.py`` only smoke-runs them at tiny sizes.
"""
