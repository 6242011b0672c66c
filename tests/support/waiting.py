"""Waiting for background work (the crisis-flag outbox) without fixed sleeps."""

import time
from typing import Callable


def wait_for(condition: Callable[[], object], timeout: float = 15.0, every: float = 0.05):
    """Poll until `condition()` is truthy; fail with what it last returned."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result or time.monotonic() > deadline:
            assert result, f"not true after {timeout} s: {result!r}"
            return result
        time.sleep(every)
