"""Reading an uploaded plan's bytes (tracker.domain.plan_files): the checks that refuse what no real plan needs,
before and while the rows are read. The hostile files are made by tests/hostile_files.py."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from tests import hostile_files
from tracker.domain.plan_files import MAX_LINES, UnreadableSpreadsheet, read_plan_file

pytestmark = pytest.mark.timeout(60)


def _refusal(filename: str, data: bytes) -> str:
    with pytest.raises(UnreadableSpreadsheet) as refused:
        read_plan_file(filename, data)
    return str(refused.value)


def _workbook(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_plan_reads_as_rows_under_its_header() -> None:
    data = _workbook([["Recommendation", "Action"], ["1", "Audit every file"], [None, None], ["2", "Train staff"]])
    assert read_plan_file("plan.xlsx", data) == [
        (2, {"recommendation": "1", "title": "Audit every file"}),
        (4, {"recommendation": "2", "title": "Train staff"}),
    ]


def test_rows_past_the_last_line_read_are_refused_whether_blank_or_not() -> None:
    assert _refusal("plan.xlsx", hostile_files.xlsx_far_row()).startswith(
        f"The spreadsheet goes on past row {MAX_LINES:,}"
    )
    assert _refusal("plan.csv", hostile_files.csv_blank_lines()).startswith("The spreadsheet goes on past row")


def test_a_sheet_that_declares_a_document_type_is_refused_before_it_is_parsed() -> None:
    assert "XML declarations that Excel never writes" in _refusal("plan.xlsx", hostile_files.xlsx_with_doctype())


def test_a_sheet_whose_xml_fails_while_its_rows_are_read_is_refused_not_raised() -> None:
    sheet = hostile_files.plan_sheet('<row r="2"><c r="A2" t="inlineStr"><is><t>1</t></is></c></row><row')
    assert (
        _refusal("plan.xlsx", hostile_files.xlsx_with_sheet(sheet))
        == "The selected file is not an .xlsx spreadsheet we can read"
    )


def test_a_zip_bomb_is_refused_by_its_declared_size() -> None:
    assert _refusal("plan.xlsx", hostile_files.xlsx_zip_bomb()).startswith("The selected spreadsheet is too large")
