"""An uploaded action plan (.xlsx or .csv) to rows of text under its header row, within limits.

The bytes come from outside: the web app reads them through tracker.sandbox (a child process with
CPU, memory and time limits). The limits here refuse, with a reason, what no real plan needs.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from tracker.domain.archives import DamagedArchive, declares_doctype, unpacked_size
from tracker.domain.plan_rows import COLUMNS, cell_text, header_map, is_blank, missing_headers

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
# Blank rows are skipped, but each still has to be read: a sheet may go down to this row, no further.
MAX_LINES = 10_000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
HEADER_SEARCH_ROWS = 10

NOT_XLSX = "The selected file is not an .xlsx spreadsheet we can read"
NOT_CSV = "The selected file is not a CSV spreadsheet we can read"


class UnreadableSpreadsheet(ValueError):
    """An upload we cannot read as a plan; the message says why, for the person who uploaded it."""


def read_plan_file(filename: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column key: text}) for each non-blank row under the header row."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnreadableSpreadsheet(f"The selected file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    if not data:
        raise UnreadableSpreadsheet("The selected file is empty")
    lines = _xlsx_lines(data) if filename.lower().endswith(".xlsx") else _csv_lines(data)
    return _rows_under_header(lines)


def _check_archive(data: bytes) -> None:
    """Refuse an .xlsx (a ZIP of XML) that unpacks to far more than any plan, or whose XML declares entities."""
    try:
        if unpacked_size(data) > MAX_UNPACKED_BYTES:
            raise UnreadableSpreadsheet(
                "The selected spreadsheet is too large to read: save a smaller copy with only the plan"
            )
        doctype = declares_doctype(data)
    except DamagedArchive as error:
        raise UnreadableSpreadsheet(NOT_XLSX) from error
    if doctype:
        raise UnreadableSpreadsheet(
            f"{NOT_XLSX}: it holds XML declarations that Excel never writes. "
            "Open it in Excel, save it as a new .xlsx and upload that"
        )


def _xlsx_lines(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    # openpyxl (with lxml and Pillow, about 10 MB) is loaded by the first spreadsheet that needs it.
    from openpyxl import load_workbook

    _check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook["Action plan"] if "Action plan" in workbook.sheetnames else workbook.worksheets[0]
        # openpyxl parses the sheet's XML as the rows are asked for, so a malformed sheet fails here.
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    except (zipfile.BadZipFile, KeyError, IndexError, OSError, ValueError, SyntaxError) as error:
        if isinstance(error, UnreadableSpreadsheet):
            raise
        raise UnreadableSpreadsheet(NOT_XLSX) from error
    workbook.close()


def _csv_lines(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the Windows code page.
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise UnreadableSpreadsheet(NOT_CSV)
    delimiter = _delimiter(text)
    try:
        yield from enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)
    except csv.Error as error:
        raise UnreadableSpreadsheet(f"{NOT_CSV}: {error}") from error


def _delimiter(text: str) -> str:
    """Comma, or the semicolon or tab that European Excel uses: whichever finds the most of our headers."""
    lines = text.splitlines()[:HEADER_SEARCH_ROWS]

    def headers_found(delimiter: str) -> int:
        return max((len(header_map(row)) for row in csv.reader(lines, delimiter=delimiter)), default=0)

    return max((",", ";", "\t"), key=headers_found)


def _rows_under_header(lines: Iterator[tuple[int, list[Any]]]) -> list[tuple[int, dict[str, str]]]:
    mapping: dict[int, str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for number, values in lines:
        if number > MAX_LINES:
            raise UnreadableSpreadsheet(
                f"The spreadsheet goes on past row {MAX_LINES:,}: delete the rows under the plan, "
                "or copy the plan into a new spreadsheet, and upload it again"
            )
        if mapping is None:
            candidate = header_map(values)
            if not missing_headers(candidate):
                mapping = candidate
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        cells = {key: cell_text(values[index]) if index < len(values) else "" for index, key in mapping.items()}
        if is_blank(cells):
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise UnreadableSpreadsheet(
                f"The spreadsheet has more than {MAX_ROWS:,} actions: split it into smaller files"
            )
    if mapping is None:
        needed = ", ".join(f"“{column.header}”" for column in COLUMNS if column.key in ("recommendation", "title"))
        raise UnreadableSpreadsheet(f"The spreadsheet needs a header row with the columns {needed}")
    if not rows:
        raise UnreadableSpreadsheet("The spreadsheet has a header row but no actions under it")
    return rows
