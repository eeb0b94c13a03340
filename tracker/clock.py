"""The one place that reads the clock, so tests and the demo can set "today".

A request reads the clock once: the first `now()` in a request is kept on it, so every row the request writes (the
column defaults read this too), every date it shows and every check it makes use the same instant, however long
the request takes. Jobs and commands read it once where they start and pass it on (tracker.jobs); the outbox
sender, which runs for minutes, reads it afresh for each email, outside any request.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request

from tracker.domain.working_days import BANK_HOLIDAYS


def now() -> datetime:
    """The current instant (UTC), or the configured TRACKER_NOW when set; within a request, the request's instant."""
    fixed = current_app.config.get("TRACKER_NOW")
    if fixed is not None:
        return fixed
    if has_request_context():
        moment: datetime = request.environ.setdefault("tracker.now", datetime.now(UTC))
        return moment
    return datetime.now(UTC)


def this_instant() -> datetime:
    """The instant now even within a request (TRACKER_NOW still wins): for a decision taken under a lock the
    request may have waited for, such as a throttle's, which must measure the time that has really passed."""
    fixed = current_app.config.get("TRACKER_NOW")
    return fixed if fixed is not None else datetime.now(UTC)


def today() -> date:
    """Today's date in the council's time zone: within a request, the request's instant's date (worked out once:
    a list page asks for it on every row)."""
    if has_request_context() and current_app.config.get("TRACKER_NOW") is None:
        environ = request.environ
        day: date | None = environ.get("tracker.today")
        if day is None:
            day = environ["tracker.today"] = _local_date(now())
        return day
    return _local_date(now())


def zone() -> ZoneInfo:
    """The council's time zone (TRACKER_TIMEZONE)."""
    return ZoneInfo(current_app.config["TRACKER_TIMEZONE"])


def _local_date(moment: datetime) -> date:
    return moment.astimezone(zone()).date()


def as_utc(value: datetime) -> datetime:
    """A stored instant as aware UTC (SQLite hands timezone-aware columns back naive)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def local(value: datetime, in_zone: ZoneInfo | None = None) -> datetime:
    """An instant in the council's time zone (TRACKER_TIMEZONE), for showing it or taking its day; `in_zone`, the
    zone looked up once by a caller converting many."""
    return as_utc(value).astimezone(in_zone or zone())


__all__ = ["BANK_HOLIDAYS", "as_utc", "local", "now", "this_instant", "today"]
