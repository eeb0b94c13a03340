"""Jinja filters and globals: dates and words from the domain (tracker.domain.formatting and
tracker.domain.vocabulary), instants shown in Europe/London."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask

from tracker import clock
from tracker.domain.due_phrase import due_phrase, working_days_text
from tracker.domain.formatting import format_date, format_date_time, format_long_date, format_short_date
from tracker.domain.vocabulary import RAG_ORDER, RATING_KEYS, STATUS_LABELS, rag_label, rag_word


def to_local(value: datetime, timezone: str) -> datetime:
    """An instant shown in the council's time zone (naive values are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(timezone))


def format_datetime(value: datetime | None, timezone: str = "Europe/London", empty: str = "") -> str:
    """9 September 2008 at 10:42am, in local time."""
    if value is None:
        return empty
    return format_date_time(to_local(value, timezone))


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
    app.add_template_filter(format_long_date, "long_date")
    app.add_template_filter(working_days_text, "working_days")
    app.add_template_filter(rag_word, "rag_word")
    app.add_template_filter(rag_label, "rag_label")
    app.add_template_filter(STATUS_LABELS.__getitem__, "status_label")
    app.add_template_filter(as_sentence, "sentence")
    app.add_template_filter(lambda value, empty="": format_datetime(value, timezone, empty), "datetime")
    app.add_template_filter(lambda value: format_date(to_local(value, timezone)) if value else "", "local_date")
    app.add_template_filter(lambda value: value.isoformat() if value else "", "iso")
    app.add_template_global(_due_phrase, "due_phrase")
    app.add_template_global(RAG_ORDER, "rag_order")
    app.add_template_global(RATING_KEYS, "rating_keys")

    @app.context_processor
    def service_context() -> dict[str, object]:
        return {
            "service_name": app.config["SERVICE_NAME"],
            "organisation_name": app.config["ORGANISATION_NAME"],
            "config_view_functions": app.view_functions,
        }
