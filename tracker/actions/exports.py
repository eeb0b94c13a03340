"""Every action a person can see, across inspections, as .xlsx or .csv: All actions' filters and order, and the
plan spreadsheet's columns with the inspection first.

Written as the rows arrive from the database (500 at a time; a server-side cursor on PostgreSQL), so 10,000
actions are never all in memory: the CSV goes out as it is written, and the workbook is written row by row to a
temporary file (openpyxl's write-only mode) and then sent from it.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from sqlalchemy import Row, select
from sqlalchemy.orm import aliased

from tracker.actions.pages import ActionFilters, filter_clauses, sort_order
from tracker.actions.spreadsheets import COLUMN_WIDTHS, RAG_FILLS
from tracker.domain.plan_rows import COLUMNS, RAG_LABELS, STATUS_LABELS, protect_from_formulas
from tracker.extensions import db
from tracker.models import Action, Inspection, ProgressUpdate, Recommendation, User

HEADERS = ("Inspection", *(column.header for column in COLUMNS))
KEYS = ("inspection", *(column.key for column in COLUMNS))
WIDTHS = {"inspection": 40, **COLUMN_WIDTHS}
DATE_KEYS = frozenset({"start_on", "due_on"})
BATCH = 500
CHUNK_BYTES = 64 * 1024

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
     agency, start_on, due_on, criteria, status, rag, narrative) = row  # fmt: skip
    return (
        inspection, (number or str(position + 1)).strip(), text, timescale.label, reference, title, description,
        owner_email or "", owner_name or "", agency, start_on, due_on, criteria, STATUS_LABELS[status.value],
        RAG_LABELS[rag.value] if rag else "", narrative or "",
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


def write_xlsx(filters: ActionFilters, today: date, title: str) -> IO[bytes]:
    """The workbook in a temporary file (gone when closed), positioned at its start: bold headers, frozen panes,
    a filter, real dates, RAG as its word on its colour, and text that starts with "=" kept as text."""
    # openpyxl (with lxml and Pillow, about 10 MB) is loaded by the first spreadsheet, not by every web worker.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    sheet = workbook.create_sheet("Actions")
    for index, key in enumerate(KEYS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[key]
    sheet.freeze_panes = "G2"
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="E5E5E5")
    wrap = Alignment(wrap_text=True, vertical="top")
    rag_fills = {RAG_LABELS[value]: PatternFill("solid", fgColor=colour) for value, colour in RAG_FILLS.items()}
    bold = Font(bold=True)

    def cell(value: Any, **style: Any) -> WriteOnlyCell:
        written = WriteOnlyCell(sheet, value=value)
        for name, setting in style.items():
            setattr(written, name, setting)
        return written

    sheet.append([cell(header, font=header_font, fill=header_fill, alignment=wrap) for header in HEADERS])
    rag_index = KEYS.index("rag")
    date_indexes = {KEYS.index(key) for key in DATE_KEYS}
    count = 0
    for count, values in enumerate(rows(filters, today), start=1):  # noqa: B007 - the count is the last row's
        line: list[Any] = list(values)
        for index in date_indexes:
            if line[index] is not None:
                line[index] = cell(line[index], number_format="dd/mm/yyyy")
        for index, value in enumerate(values):
            if isinstance(value, str) and value.startswith("="):
                text = cell(value)
                text.data_type = "s"  # text someone typed that starts with "=" is text, never a formula
                line[index] = text
            elif value == "":
                line[index] = None
        if values[rag_index]:
            line[rag_index] = cell(values[rag_index], fill=rag_fills[values[rag_index]], font=bold)
        sheet.append(line)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(KEYS))}{count + 1}"
    spool = tempfile.TemporaryFile()  # closed by file_chunks once sent
    workbook.save(spool)
    spool.seek(0)
    return spool


def file_chunks(spool: IO[bytes]) -> Iterator[bytes]:
    """The file in 64 kB pieces, closed (and so deleted) at the end or when the download is abandoned."""
    try:
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk
    finally:
        spool.close()
