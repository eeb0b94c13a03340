"""The streamed .xlsx writer: what it writes reads back in openpyxl as written, and every part is well-formed."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from tracker.actions.xlsx_stream import Column, column_letter, xlsx_chunks

COLUMNS = (Column("Name", 20), Column("Due", 12, "date"), Column("RAG", 9, "rag"), Column("Count", 8))


def _workbook(rows: list[tuple], **options) -> bytes:  # noqa: ANN003
    return b"".join(xlsx_chunks(rows, COLUMNS, sheet="Actions", title="Actions & more", **options))


@pytest.mark.parametrize(("index", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (702, "ZZ"), (703, "AAA")])
def test_column_letters(index: int, letters: str) -> None:
    assert column_letter(index) == letters


def test_values_dates_styles_and_awkward_text_read_back_as_written() -> None:
    rows = [
        ("=SUM(A1:A9) stays text", date(2026, 10, 1), "Red", 3),
        ("  <b>tags</b> & “quotes”\nline two", datetime(2008, 9, 9, 13, 0), "Blue", 2.5),
        ("bell\x07 and \x00nul dropped", None, "", None),
        ("", date(1900, 3, 1), "Purple", 0),
    ]
    data = _workbook(rows, frozen_columns=1)
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["Actions"]
    assert workbook.properties.title == "Actions & more"
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Name", "Due", "RAG", "Count"],
        ["=SUM(A1:A9) stays text", datetime(2026, 10, 1), "Red", 3],
        ["  <b>tags</b> & “quotes”\nline two", datetime(2008, 9, 9), "Blue", 2.5],
        ["bell and nul dropped", None, None, None],
        [None, datetime(1900, 3, 1), "Purple", 0],
    ]
    assert sheet["A2"].data_type == "s" and sheet["B2"].number_format == "dd/mm/yyyy"
    assert sheet["C2"].font.bold and sheet["C2"].fill.fgColor.rgb == "FFF6D7D2"
    assert sheet["C3"].fill.fgColor.rgb == "FFD2E2F1" and not sheet["C5"].font.bold  # not a RAG word: plain
    assert sheet["A1"].font.bold and sheet["A1"].fill.fgColor.rgb == "FFE5E5E5"
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == "A1:D5"
    assert [sheet.column_dimensions[letter].width for letter in "ABCD"] == [20, 12, 9, 8]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            ElementTree.fromstring(package.read(name))  # every part is well-formed XML
        assert "'Actions'!$A$1:$D$5" in package.read("xl/workbook.xml").decode()


def test_a_sheet_with_no_rows_has_its_header_and_a_filter_on_it() -> None:
    sheet = load_workbook(io.BytesIO(_workbook([]))).active
    assert [cell.value for cell in sheet[1]] == ["Name", "Due", "RAG", "Count"]
    assert sheet.max_row == 1 and sheet.auto_filter.ref == "A1:D1" and sheet.freeze_panes == "A2"
