"""Waiting on real processes (servers, schedulers, SMTP sessions) in the tests that start them."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(condition: Callable[[], bool], *, timeout: float = 30.0, interval: float = 0.05) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass (for real processes only)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
