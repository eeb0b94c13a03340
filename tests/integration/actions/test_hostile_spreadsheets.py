"""Spreadsheets built to overload the plan import (issue 11, attacks 3 and 13, and their neighbours): refused
with a reason on the import form, read in a child process within the file-reading bounds (tracker.sandbox).
The files are made by tests/hostile_files.py; each test has a hard timeout so a regression fails, not hangs.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from tests import hostile_files
from tests.conftest import sign_in, soup
from tests.integration.actions.conftest import Plan
from tracker.models import Action

pytestmark = pytest.mark.timeout(90, method="thread")

PAST_THE_LAST_ROW = (
    "The spreadsheet goes on past row 10,000: delete the rows under the plan, "
    "or copy the plan into a new spreadsheet, and upload it again"
)
ENTITIES = (
    "The selected file is not an .xlsx spreadsheet we can read: it holds XML declarations that Excel never "
    "writes. Open it in Excel, save it as a new .xlsx and upload that"
)


def _import(client, plan: Plan, data: bytes, name: str):  # noqa: ANN001, ANN202
    sign_in(client, plan.manager)
    return client.submit(
        f"/inspections/{plan.inspection.id}/plan/import",
        {"spreadsheet": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _refusal(response) -> str:  # noqa: ANN001
    assert response.status_code == 400, soup(response).get_text(" ", strip=True)[:500]
    return soup(response).select_one("#spreadsheet-error").get_text(" ", strip=True).removeprefix("Error: ")


def test_a_spreadsheet_with_a_cell_at_row_30_million_is_refused_at_once(client, db_session, plan: Plan) -> None:
    """Attack 3: blank rows did not count towards the 2,000-row limit, so the reader walked 30 million of them
    (39 s here, 120 s and a killed worker under load) and then showed a preview of the one real row."""
    data = hostile_files.xlsx_far_row()
    assert len(data) < 5 * 1024
    assert _refusal(_import(client, plan, data, "plan.xlsx")) == PAST_THE_LAST_ROW


def test_a_csv_of_millions_of_blank_lines_is_refused_at_once(client, db_session, plan: Plan) -> None:
    assert _refusal(_import(client, plan, hostile_files.csv_blank_lines(), "plan.csv")) == PAST_THE_LAST_ROW


def test_blank_rows_within_the_limit_are_still_skipped(client, db_session, plan: Plan) -> None:
    rows = "\n" * 9000 + f"{plan.immediate.number},Audit every file\n"
    response = _import(client, plan, f"Recommendation,Action\n{rows}".encode(), "plan.csv")
    assert response.status_code == 200, soup(response).get_text(" ", strip=True)[:500]
    assert "Audit every file" in soup(response).text


ENTITY_ATTACKS = {
    "an internal entity": '<!DOCTYPE worksheet [<!ENTITY greeting "Review every plan">]>',
    "an external entity": '<!DOCTYPE worksheet [<!ENTITY greeting SYSTEM "file:///etc/passwd">]>',
    "billion laughs": "<!DOCTYPE worksheet [<!ENTITY a 'aaaaaaaaaa'>"
    + "".join(f"<!ENTITY {b} '{f'&{a};' * 10}'>" for a, b in zip("abcdefg", "bcdefgh", strict=True))
    + "<!ENTITY greeting '&h;&h;'>]>",
}


@pytest.mark.parametrize("doctype", ENTITY_ATTACKS.values(), ids=ENTITY_ATTACKS.keys())
def test_a_spreadsheet_that_declares_entities_is_refused_clearly(client, db_session, plan: Plan, doctype: str) -> None:
    """Attack 13: a DOCTYPE made the sheet's XML parser fail while rows were read: a 500 instead of a reason."""
    data = hostile_files.xlsx_with_doctype(doctype)
    assert _refusal(_import(client, plan, data, "plan.xlsx")) == ENTITIES
    assert db_session.scalar(select(func.count()).select_from(Action)) == 2


def test_a_spreadsheet_that_is_slow_to_read_is_stopped_at_the_cpu_bound(
    client, db_session, plan: Plan, quick_read_limits
) -> None:
    """The bound behind the checks: a workbook that still takes too long is stopped, and the form says so."""
    data = hostile_files.xlsx_many_cells()
    assert _refusal(_import(client, plan, data, "plan.xlsx")).startswith("This file took too long to read")
