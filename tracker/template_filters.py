"""Jinja filters: dates as "9 September 2008", instants in Europe/London."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask

from tracker import clock
from tracker.domain.due_phrase import due_phrase


def format_date(value: date | None, empty: str = "") -> str:
    """GOV.UK date style: 9 September 2008."""
    if value is None:
        return empty
    if isinstance(value, datetime):
        value = value.date()
    return f"{value.day} {value:%B %Y}"


def format_short_date(value: date | None, empty: str = "") -> str:
    """Tables: 9 Sep 2008."""
    if value is None:
        return empty
    return f"{value.day} {value:%b %Y}"


def to_local(value: datetime, timezone: str) -> datetime:
    """An instant shown in the council's time zone (naive values are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(timezone))


def format_datetime(value: datetime | None, timezone: str = "Europe/London", empty: str = "") -> str:
    """9 September 2008 at 10:42am, in local time."""
    if value is None:
        return empty
    local = to_local(value, timezone)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{format_date(local)} at {hour}:{local:%M}{suffix}"


def as_sentence(text: str | None) -> str:
    """`text` ending in one full stop: "ends in January 2027." is left alone, "ends in January 2027" gets one.

    Typed reasons and notes are joined into sentences; a stop the person typed must not become "..".
    """
    text = (text or "").rstrip()
    if not text or text[-1] in ".!?…" or (len(text) > 1 and text[-1] in "\"')”’" and text[-2] in ".!?"):
        return text
    return f"{text}."


def _due_phrase(due_on: date | None, days: int | None, today: date | None = None, dated: bool = False) -> str:
    """`due_phrase` for templates: pages leave out `today` (the clock's), emails pass their own day."""
    return due_phrase(due_on, days, today or clock.today(), dated=dated)


def register(app: Flask) -> None:
    timezone = app.config["TRACKER_TIMEZONE"]
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_short_date, "short_date")
    app.add_template_filter(as_sentence, "sentence")
    app.add_template_filter(lambda value, empty="": format_datetime(value, timezone, empty), "datetime")
    app.add_template_filter(lambda value: format_date(to_local(value, timezone)) if value else "", "local_date")
    app.add_template_filter(lambda value: value.isoformat() if value else "", "iso")
    app.add_template_global(_due_phrase, "due_phrase")

    @app.context_processor
    def service_context() -> dict[str, object]:
        return {
            "service_name": app.config["SERVICE_NAME"],
            "organisation_name": app.config["ORGANISATION_NAME"],
            "config_view_functions": app.view_functions,
        }
