"""How dates read wherever people see them: pages, emails, the calendar feed, spreadsheets' messages
and the printed report.

GOV.UK style: the day without a leading zero and the month in words, "9 September 2008"; "9 Sep
2008" in table cells; "Tuesday 9 September 2008" where the day of the week matters; times as
"10:42am". Never "09 September" or "2008-09-09" in text meant for people. Converting an instant
to the council's time zone happens at the edge; these take the local value.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, datetime
from functools import lru_cache

from tracker.domain.working_days import non_working_day_name


@lru_cache(maxsize=1024)
def format_date(value: date | None, empty: str = "") -> str:
    """9 September 2008 (a datetime shows its day). Remembered: a day's digests name the same few hundred dates
    thousands of times, and strftime is most of the cost of writing one (issue 17)."""
    return f"{value.day} {value:%B %Y}" if value else empty


def format_short_date(value: date | None, empty: str = "") -> str:
    """9 Sep 2008, for table cells."""
    return f"{value.day} {value:%b %Y}" if value else empty


def format_long_date(value: date | None, empty: str = "") -> str:
    """Tuesday 9 September 2008: for a meeting, a reply-by date or a day that may not be a working day."""
    return f"{value:%A} {format_date(value)}" if value else empty


def format_date_time(local: datetime | None, empty: str = "") -> str:
    """9 September 2008 at 10:42am, from a time already in the council's time zone."""
    if local is None:
        return empty
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{format_date(local)} at {hour}:{local:%M}{suffix}"


__all__ = ["format_date", "format_date_time", "format_long_date", "format_short_date"]


def not_a_working_day(due_on: date, holidays: Container[date]) -> str | None:
    """A due date's warning when it falls on a weekend or bank holiday (allowed, but rarely meant), naming the day."""
    day = non_working_day_name(due_on, holidays)
    return f"The due date {format_date(due_on)} is a {day}, not a working day" if day else None
