"""Helpers shared by several test files."""

import threading
from collections.abc import Callable


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
