"""Waiting for background work (the crisis-flag outbox) without fixed sleeps."""

import time
from typing import Callable, Tuple, Type


def wait_for(
    condition: Callable[[], object],
    timeout: float = 15.0,
    every: float = 0.05,
    ignore: Tuple[Type[BaseException], ...] = (),
):
    """Poll until `condition()` is truthy (an `ignore`d exception counts as
    not yet); fail with what it last returned."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = condition()
        except ignore as exc:
            result = exc if time.monotonic() > deadline else None
        if (result and not isinstance(result, BaseException)) or time.monotonic() > deadline:
            assert result and not isinstance(result, BaseException), (
                f"not true after {timeout} s: {result!r}"
            )
            return result
        time.sleep(every)
