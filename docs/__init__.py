"""The documentation (a package only so that pytest tells its conftest.py from the one in tests/)."""
