"""Throttles on what an outsider can repeat: signing in, reset and invitation emails, calendar feeds and the
links in emails. The limits are below (README, Security); the counters are rows in the database, so every
worker and host shares them, and each change is one update naming the version it read, so that
concurrent attempts cannot get past a limit.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from flask import Response, make_response, render_template, request
from sqlalchemy import delete, or_, select, update

from tracker import clock
from tracker.domain.throttle import Counter, Decision, Rule, after_refund, decide, wait_in_words
from tracker.extensions import db, dialect_insert, execute_change
from tracker.models import ThrottleCounter

HOUR = timedelta(hours=1)

# Sign-in (NCSC: throttle, do not lock). Failed attempts for one typed address (known or not, so the answer
# never tells which): 5, then a wait of 1 minute before the next, doubling with each failure up to 15 minutes.
# A browser that has signed in to the account before counts on its own (SIGN_IN_BROWSER), so someone else's
# wrong passwords never keep the person out. From one client address: 30 failures an hour, then the same waits.
SIGN_IN_ACCOUNT = Rule(
    "sign-in-account", limit=5, window=timedelta(days=1), delay=timedelta(minutes=1), max_delay=timedelta(minutes=15)
)
SIGN_IN_BROWSER = Rule(
    "sign-in-browser", limit=5, window=timedelta(days=1), delay=timedelta(minutes=1), max_delay=timedelta(minutes=15)
)
SIGN_IN_ADDRESS = Rule(
    "sign-in-address", limit=30, window=HOUR, delay=timedelta(minutes=1), max_delay=timedelta(minutes=15)
)
# Emails an outsider or an administrator can cause: per recipient, and per client address.
RESET_EMAIL_RECIPIENT = Rule("reset-email-recipient", limit=3, window=HOUR)
RESET_EMAIL_ADDRESS = Rule("reset-email-address", limit=10, window=HOUR)
INVITATION_RECIPIENT = Rule("invitation-recipient", limit=3, window=HOUR)
INVITATION_ADDRESS = Rule("invitation-address", limit=50, window=HOUR)
# Calendar feeds: requests per feed, and every request per client address (calendar services fetch many feeds
# from few addresses). Links in emails: requests per update link, and links that do not work (an unknown update
# link; an unknown, used or expired password link) per client address.
CALENDAR_FEED = Rule("calendar-feed", limit=30, window=HOUR)
CALENDAR_ADDRESS = Rule("calendar-address", limit=600, window=HOUR)
EMAIL_LINK = Rule("email-link", limit=30, window=HOUR)
BAD_LINK_ADDRESS = Rule("bad-link-address", limit=20, window=HOUR)
BAD_LINKS_REASON = "Too many links that do not work have been opened from your network."

RULES = (
    SIGN_IN_ACCOUNT,
    SIGN_IN_BROWSER,
    SIGN_IN_ADDRESS,
    RESET_EMAIL_RECIPIENT,
    RESET_EMAIL_ADDRESS,
    INVITATION_RECIPIENT,
    INVITATION_ADDRESS,
    CALENDAR_FEED,
    CALENDAR_ADDRESS,
    EMAIL_LINK,
    BAD_LINK_ADDRESS,
)
# Enough for every contender of a burst to win in turn; a request that still loses is refused for a second.
_TRIES = 64
_CONTENDED = timedelta(seconds=1)


def client_address() -> str:
    """The client's IP address (the proxy's view of it when TRUSTED_PROXIES is set)."""
    return request.remote_addr or "unknown"


def counter_key(rule: Rule, subject: str) -> str:
    return hashlib.sha256(f"{rule.name}\n{subject}".encode()).hexdigest()


def _read(key: str) -> tuple[Counter, int] | None:
    columns = (
        ThrottleCounter.attempts,
        ThrottleCounter.window_started_at,
        ThrottleCounter.not_before,
        ThrottleCounter.version,
    )
    row = db.session.execute(select(*columns).where(ThrottleCounter.key == key)).first()
    if row is None:
        return None
    not_before = clock.as_utc(row.not_before) if row.not_before else None
    return Counter(row.attempts, clock.as_utc(row.window_started_at), not_before), row.version


def _write(key: str, counter: Counter, version: int | None) -> bool:
    """Store `counter` if the row is still at `version` (or still absent): False when another request changed
    it first."""
    values: dict[str, Any] = {
        "attempts": counter.attempts,
        "window_started_at": counter.window_started_at,
        "not_before": counter.not_before,
    }
    if version is None:
        statement: Any = (
            dialect_insert(ThrottleCounter)
            .values(key=key, version=1, **values)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(ThrottleCounter.key)
        )
        return db.session.execute(statement).first() is not None
    statement = (
        update(ThrottleCounter)
        .where(ThrottleCounter.key == key, ThrottleCounter.version == version)
        .values(version=version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    return execute_change(statement).rowcount == 1


def attempt(rule: Rule, subject: str) -> Decision:
    """Count one attempt by `subject` under `rule` if the rule allows it now; the caller commits at once, before
    the work the attempt pays for, so that other workers see it."""
    key, now = counter_key(rule, subject), clock.this_instant()
    for _ in range(_TRIES):
        stored = _read(key)
        decision = decide(rule, stored[0] if stored else None, now)
        if not decision.allowed or _write(key, decision.counter, stored[1] if stored else None):
            return decision
    return Decision(False, decision.counter, now + _CONTENDED)


def peek(rule: Rule, subject: str) -> Decision:
    """Whether an attempt would be allowed now, counting nothing."""
    stored = _read(counter_key(rule, subject))
    return decide(rule, stored[0] if stored else None, clock.this_instant())


def refund(rule: Rule, subject: str) -> None:
    """Take back one attempt that turned out not to count (the right password)."""
    key = counter_key(rule, subject)
    for _ in range(_TRIES):
        stored = _read(key)
        if stored is None or _write(key, after_refund(rule, stored[0]), stored[1]):
            return


def clear(rule: Rule, subject: str) -> None:
    """Forget `subject`'s attempts under `rule`."""
    statement = delete(ThrottleCounter).where(ThrottleCounter.key == counter_key(rule, subject))
    db.session.execute(statement.execution_options(synchronize_session=False))


def waiting_until(rule: Rule, subject: str) -> tuple[datetime, int] | None:
    """When `subject` may try again under `rule` and how many attempts it has made, while it must wait."""
    stored = _read(counter_key(rule, subject))
    if stored is None:
        return None
    decision = decide(rule, stored[0], clock.this_instant())
    if decision.allowed or decision.retry_at is None:
        return None
    return decision.retry_at, stored[0].attempts


def keys_waiting() -> set[str]:
    """The keys of every counter that is making its subject wait now."""
    query = select(ThrottleCounter.key).where(ThrottleCounter.not_before > clock.this_instant())
    return set(db.session.scalars(query))


def purge(now: datetime) -> int:
    """Delete counters whose window has passed under every rule and that make nobody wait."""
    cutoff = now - max(rule.window for rule in RULES)
    statement = delete(ThrottleCounter).where(
        ThrottleCounter.window_started_at < cutoff,
        or_(ThrottleCounter.not_before.is_(None), ThrottleCounter.not_before < now),
    )
    return execute_change(statement.execution_options(synchronize_session=False)).rowcount or 0


def throttled(decision: Decision, body: str | None = None, *, reason: str = "") -> Response:
    """A 429 answer with a Retry-After header: `body` (a form page that keeps what was typed), or the
    GOV.UK-styled 429 page saying `reason` and when to try again."""
    seconds = decision.retry_after_seconds(clock.this_instant())
    if body is None:
        body = render_template("errors/429.html", reason=reason, wait=wait_in_words(seconds))
    response = make_response(body, 429)
    response.headers["Retry-After"] = str(seconds)
    return response


def wait_for(decision: Decision) -> str:
    """How long the person must wait, in words."""
    return wait_in_words(decision.retry_after_seconds(clock.this_instant()))
