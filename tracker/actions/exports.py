"""Every action a person can see, across inspections, as .xlsx or .csv: All actions' filters and order, and the
plan spreadsheet's columns with the inspection first.

Both are written as the rows arrive from the database (500 at a time; a server-side cursor on PostgreSQL) and
sent as they are written, so 10,000 actions are never all in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import aliased

from tracker.actions import xlsx_stream
from tracker.actions.queries.action_list import ActionFilters, filter_clauses, sort_order
from tracker.actions.spreadsheets import COLUMN_WIDTHS
from tracker.domain.plan_rows import COLUMNS, protect_from_formulas, tracker_key
from tracker.domain.vocabulary import RAG_WORDS, STATUS_LABELS
from tracker.extensions import db
from tracker.models import Action, Inspection, ProgressUpdate, Recommendation, User

HEADERS = ("Inspection", *(column.header for column in COLUMNS))
KEYS = ("inspection", *(column.key for column in COLUMNS))
WIDTHS = {"inspection": 40, **COLUMN_WIDTHS}
DATE_KEYS = frozenset({"start_on", "due_on"})
BATCH = 500
XLSX_COLUMNS = tuple(
    xlsx_stream.Column(header, WIDTHS[key], "date" if key in DATE_KEYS else "rag" if key == "rag" else "text")
    for header, key in zip(HEADERS, KEYS, strict=True)
)

_OWNER = aliased(User, name="export_owner")


def _latest_narrative() -> Any:
    """The narrative of the action's newest progress update (one index probe per action)."""
    return (
        select(ProgressUpdate.narrative)
        .where(ProgressUpdate.action_id == Action.id)
        .order_by(ProgressUpdate.id.desc())
        .limit(1)
        .correlate(Action)
        .scalar_subquery()
    )


def _query(filters: ActionFilters, today: date) -> Any:
    return (
        select(
            Inspection.title,
            Recommendation.number,
            Recommendation.position,
            Recommendation.text,
            Recommendation.timescale,
            Action.reference,
            Action.title,
            Action.description,
            _OWNER.email,
            _OWNER.name,
            Action.lead_agency,
            Action.start_on,
            Action.due_on,
            Action.success_criteria,
            Action.status,
            Action.rag,
            _latest_narrative(),
            Action.id,
            Action.version,
        )
        .select_from(Action)
        .join(Action.recommendation)
        .join(Action.inspection)
        .outerjoin(_OWNER, Action.owner_id == _OWNER.id)
        .where(*filter_clauses(filters, today))
        .order_by(*sort_order(filters.sort, _OWNER))
        .execution_options(yield_per=BATCH)
    )


def _values(row: Row) -> tuple[Any, ...]:
    (inspection, number, position, text, timescale, reference, title, description, owner_email, owner_name,
     agency, start_on, due_on, criteria, status, rag, narrative, action_id, version) = row  # fmt: skip
    return (
        inspection, (number or str(position + 1)).strip(), text, timescale.label, reference, title, description,
        owner_email or "", owner_name or "", agency, start_on, due_on, criteria, STATUS_LABELS[status.value],
        RAG_WORDS[rag.value] if rag else "", narrative or "", tracker_key(action_id, version),
    )  # fmt: skip


def rows(filters: ActionFilters, today: date) -> Iterator[tuple[Any, ...]]:
    """The matching actions' cells in the export's column order, read from the database as they are used."""
    for row in db.session.execute(_query(filters, today)):
        yield _values(row)


def _csv_value(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return protect_from_formulas(value or "")


def csv_chunks(filters: ActionFilters, today: date) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (so Excel reads it as UTF-8), dates as YYYY-MM-DD, sent every 500 rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(HEADERS)
    for count, values in enumerate(rows(filters, today), start=1):
        writer.writerow([_csv_value(value) for value in values])
        if count % BATCH == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_chunks(filters: ActionFilters, today: date, title: str) -> Iterator[bytes]:
    """The workbook, sent as it is written (xlsx_stream.py): bold headers, the inspection to the action frozen, a
    filter on every column, real dates, RAG as its word on its colour, and text that starts with "=" kept as text."""
    return xlsx_stream.xlsx_chunks(rows(filters, today), XLSX_COLUMNS, sheet="Actions", title=title, frozen_columns=6)
