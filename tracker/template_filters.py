"""Jinja filters and globals: dates and words from the domain (tracker.domain.formatting and
tracker.domain.vocabulary), instants shown in Europe/London."""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, url_for
from markupsafe import Markup

from tracker import clock
from tracker.domain.due_phrase import due_phrase, working_days_text
from tracker.domain.formatting import format_date, format_date_time, format_long_date, format_short_date
from tracker.domain.plan_lifecycle import PLAN_STATUS_LABELS
from tracker.domain.quoting import lead_in
from tracker.domain.vocabulary import RAG_ORDER, RATING_KEYS, STATUS_LABELS, rag_label, rag_word
from tracker.permissions import manages_inspection
from tracker.routing import ID_PLACEHOLDER, around_placeholder


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


def time_of_day(value: datetime) -> str:
    """10:42 for a time today, 10:42 on 23 November 2026 otherwise (local time)."""
    local = to_local(value, current_app.config["TRACKER_TIMEZONE"])
    return f"{local:%H:%M}" if local.date() == clock.today() else f"{local:%H:%M} on {format_date(local)}"


_HTML_SPECIAL = frozenset("&<>\"'")


def _escape(text: str) -> str:
    """html.escape, skipped for the usual name or number with nothing to escape."""
    return text if _HTML_SPECIAL.isdisjoint(text) else html.escape(text)


def select_options(first: str | None, rows: Iterable[tuple[object, str] | str], selected: object) -> Markup:
    """The <option> tags govukSelect would write for `rows` ((value, text) pairs, or texts that are their own
    values), `first` (if any) meaning "no filter". Built in Python: a select with an option per person through
    the govukSelect macro cost more than the rest of the page."""
    chosen = str(selected)
    options = [] if first is None else [f'<option value="">{_escape(first)}</option>']
    for row in rows:
        value, text = (row, row) if isinstance(row, str) else row
        value = str(value)
        mark = " selected" if value == chosen else ""
        # An id (the usual value) is digits: nothing to escape.
        attribute = value if value.isdigit() else _escape(value)
        options.append(f'<option value="{attribute}"{mark}>{_escape(text)}</option>')
    # Every value and text is escaped above.
    return Markup("\n".join(options))  # nosec B704


def url_around(endpoint: str, name: str) -> tuple[str, str]:
    """url_for(endpoint) with its id parameter `name` left out: the text before it and after it, for a list that
    links every row to its record (building each row's URL from the URL map was an eighth of All actions'
    rendering; issue 17). An id is digits, the same in a path as in text."""
    values: dict[str, Any] = {name: ID_PLACEHOLDER}
    parts = around_placeholder(url_for(endpoint, **values), ID_PLACEHOLDER)
    if parts is None:
        raise ValueError(f"{endpoint}'s URL does not carry {name} as it is")
    return parts


def register(app: Flask) -> None:
    timezone = app.config["TRACKER_TIMEZONE"]
    app.add_template_filter(format_date, "date")
    app.add_template_filter(lead_in, "lead_in")
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
    # The same words as a filter, given its day: an email's rows call it directly, without the context's call of
    # a global (a tenth of rendering a digest; issue 17).
    app.add_template_filter(due_phrase, "due_phrase")
    # Values, not functions: add_template_global is typed for callables.
    app.jinja_env.globals.update(rag_order=RAG_ORDER, rating_keys=RATING_KEYS, plan_status_labels=PLAN_STATUS_LABELS)
    app.add_template_filter(time_of_day, "time_of_day")
    app.add_template_global(select_options, "select_options")
    app.add_template_global(url_around, "url_around")
    app.add_template_global(manages_inspection, "manages_inspection")

    @app.context_processor
    def service_context() -> dict[str, object]:
        return {
            "service_name": app.config["SERVICE_NAME"],
            "organisation_name": app.config["ORGANISATION_NAME"],
            "config_view_functions": app.view_functions,
        }
