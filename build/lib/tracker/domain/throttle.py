"""Throttling: how many attempts a rule allows, and how long to wait once they are used up.

NCSC's guidance prefers throttling to locking accounts: a few attempts, then growing delays, so that
guessing is slow but nobody can be locked out for good by someone else's wrong passwords. A rule either
allows `limit` attempts per `window` and then waits for the window to end (emails, feeds), or, with a
`delay`, allows `limit` attempts and then makes each further one wait `delay`, doubling up to `max_delay`
(sign-in). A counter starts again once its window has passed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

# 2**20 times any delay is far past any sensible max_delay: the exponent stops growing there.
_MAX_DOUBLINGS = 20


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window: timedelta
    delay: timedelta | None = None
    max_delay: timedelta | None = None

    def delay_after(self, attempts: int) -> timedelta | None:
        """The wait before the attempt after the `attempts`-th, or None when there is none."""
        if self.delay is None or attempts < self.limit:
            return None
        grown: timedelta = self.delay * 2 ** min(attempts - self.limit, _MAX_DOUBLINGS)
        return min(grown, self.max_delay) if self.max_delay is not None else grown


@dataclass(frozen=True)
class Counter:
    """What is stored for one subject (an address, an account) under one rule."""

    attempts: int
    window_started_at: datetime
    not_before: datetime | None = None


@dataclass(frozen=True)
class Decision:
    """Allowed (and `counter` is what to store), or refused until `retry_at`."""

    allowed: bool
    counter: Counter
    retry_at: datetime | None = None

    def retry_after_seconds(self, now: datetime) -> int:
        """Whole seconds until `retry_at` (at least 1), for a Retry-After header."""
        if self.retry_at is None:
            return 0
        return max(1, math.ceil((self.retry_at - now).total_seconds()))


def decide(rule: Rule, counter: Counter | None, now: datetime) -> Decision:
    """Whether one more attempt is allowed now, and the counter after it."""
    if counter is None or now >= counter.window_started_at + rule.window:
        counter = Counter(0, now)
    if counter.not_before is not None and now < counter.not_before:
        return Decision(False, counter, counter.not_before)
    if rule.delay is None and counter.attempts >= rule.limit:
        return Decision(False, counter, counter.window_started_at + rule.window)
    attempts = counter.attempts + 1
    wait = rule.delay_after(attempts)
    return Decision(True, Counter(attempts, counter.window_started_at, now + wait if wait else None))


def after_refund(rule: Rule, counter: Counter) -> Counter:
    """The counter once an attempt turns out not to count (a right password): one fewer, and no wait while
    the rest are within the limit."""
    attempts = max(counter.attempts - 1, 0)
    return Counter(attempts, counter.window_started_at, counter.not_before if attempts >= rule.limit else None)


def wait_in_words(seconds: int) -> str:
    """A wait as a person reads it ("1 minute", "15 minutes"), rounded up to whole minutes."""
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'' if minutes == 1 else 's'}"
