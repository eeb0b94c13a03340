"""All actions across inspections as .csv or .xlsx, from the All actions page with its filters and order, written
as the rows arrive (a fixed number of queries, whatever the number of actions)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory, InspectionFactory, ProgressUpdateFactory, RecommendationFactory
from tests.integration.actions.conftest import Plan
from tests.integration.actions.test_query_counts import add_actions, counting_queries
from tracker.actions import exports, xlsx_stream
from tracker.actions.queries.action_list import ActionFilters
from tracker.models import ActionStatus, Rag, Timescale

HEADERS = [
    "Inspection", "Recommendation", "Recommendation text", "Timescale", "Reference", "Action", "Description",
    "Owner email", "Owner", "Lead agency", "Start date", "Due date", "Success criteria", "Status", "RAG",
    "Latest progress", "Tracker ID",
]  # fmt: skip


def _world(plan: Plan) -> None:
    """A second inspection, awkward text, an update history and an archived action."""
    other = InspectionFactory(title="ILACS 2022")
    recommendation = RecommendationFactory(inspection=other, number="3", timescale=Timescale.IMPROVEMENT, position=0)
    ActionFactory(recommendation=recommendation, reference="3.1", title="=HYPERLINK(\"http://evil.example\")",
                  owner=plan.owner, rag=Rag.RED, due_on=date(2026, 10, 1), start_on=date(2026, 1, 5),
                  lead_agency="NHS Leicester")  # fmt: skip
    ActionFactory(recommendation=plan.six_months, reference="2.2", owner=None, rag=None, due_on=None,
                  original_due_on=None, status=ActionStatus.NOT_STARTED, lead_agency="",
                  description="Pasted from an old system\x07")  # fmt: skip
    ActionFactory(recommendation=plan.immediate, reference="1.9", archived_at=datetime(2026, 11, 1, tzinfo=UTC))
    ProgressUpdateFactory(action=plan.action, narrative="First", created_at=datetime(2026, 11, 1, tzinfo=UTC))
    ProgressUpdateFactory(
        action=plan.action, narrative="Newest: 3 of 5 done", created_at=datetime(2026, 11, 2, tzinfo=UTC)
    )


def _csv(client, query: str = "") -> list[list[str]]:  # noqa: ANN001
    response = client.get(f"/actions/download/csv?{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "Content-Length" not in response.headers  # sent as it is written, not built first
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_has_every_live_action_across_inspections_in_the_pages_order(
    client, db_session, plan: Plan, now
) -> None:
    _world(plan)
    db_session.commit()
    sign_in(client, plan.viewer)
    response = client.get("/actions/download/csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="actions-2026-11-24.csv"'
    rows = _csv(client)
    assert rows[0] == HEADERS
    assert [row[4] for row in rows[1:]] == ["3.1", "1.1", "2.1", "2.2"]  # due date, soonest first, undated last
    first, sams = rows[1], rows[2]
    assert first[0] == "ILACS 2022" and first[1] == "3" and first[3] == "Areas for improvement"
    assert first[5] == '\'=HYPERLINK("http://evil.example")'  # text, never a formula
    assert (first[7], first[8], first[10], first[11], first[14]) == (
        plan.owner.email, "Sam Patel", "2026-01-05", "2026-10-01", "Red",
    )  # fmt: skip
    assert sams[0] == plan.inspection.title and sams[15] == "Newest: 3 of 5 done" and sams[13] == "In progress"
    assert rows[4][7:9] == ["", ""] and rows[4][14] == ""


def test_the_download_keeps_the_pages_filters_and_sort(client, db_session, plan: Plan, now) -> None:
    _world(plan)
    db_session.commit()
    sign_in(client, plan.viewer)
    page = soup(client.get("/actions?rag=red&sort=-due&q=hyperlink"))
    links = {a.text: a["href"] for a in page.select("#download a")}
    assert links == {
        "spreadsheet (.xlsx)": "/actions/download/xlsx?rag=red&q=hyperlink&sort=-due",
        "CSV": "/actions/download/csv?rag=red&q=hyperlink&sort=-due",
    }
    assert "Download this action, in this order" in page.select_one("#download").text
    assert [row[4] for row in _csv(client, "rag=red&sort=-due&q=hyperlink")[1:]] == ["3.1"]
    assert [row[4] for row in _csv(client, "sort=-due")[1:]] == ["1.1", "2.1", "3.1", "2.2"]
    assert [row[4] for row in _csv(client, f"owner={plan.owner.id}&status=open")[1:]] == ["3.1", "1.1"]
    assert _csv(client, "owner=999999")[1:] == []


def test_the_xlsx_has_the_same_rows_with_real_dates_colours_and_text_kept_as_text(
    client, db_session, plan: Plan, now
) -> None:
    _world(plan)
    db_session.commit()
    sign_in(client, plan.viewer)
    response = client.get("/actions/download/xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="actions-2026-11-24.xlsx"'
    assert "Content-Length" not in response.headers  # sent as it is written, not built first
    workbook = load_workbook(io.BytesIO(response.get_data()))
    sheet = workbook.active
    assert sheet.title == "Actions" and workbook.properties.title == "Actions at 24 November 2026"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == HEADERS
    assert [row[4] for row in values[1:]] == ["3.1", "1.1", "2.1", "2.2"]
    assert values[1][11] == datetime(2026, 10, 1) and sheet["L2"].number_format == "dd/mm/yyyy"
    assert sheet["F2"].value == '=HYPERLINK("http://evil.example")' and sheet["F2"].data_type == "s"
    assert sheet["O2"].value == "Red" and sheet["O2"].fill.fgColor.rgb.endswith("F6D7D2") and sheet["O2"].font.bold
    assert sheet["A1"].font.bold and sheet.freeze_panes == "G2" and sheet.auto_filter.ref == "A1:Q5"
    assert values[4][7] is None  # no owner: an empty cell
    assert values[4][6] == "Pasted from an old system"  # a control character XML cannot carry is dropped
    assert values[2][15] == "Newest: 3 of 5 done"
    assert values[2][16] == f"A{plan.action.id}-v{plan.action.version}"  # the key an edited copy updates by


def test_the_workbook_is_sent_before_every_row_is_read(app, db_session, plan: Plan, now) -> None:
    add_actions(plan, 1200, start=100)
    read = []

    def counted(filters: ActionFilters, today: date):  # noqa: ANN202
        for values in exports.rows(filters, today):
            read.append(values)
            yield values

    with app.test_request_context():
        chunks = xlsx_stream.xlsx_chunks(
            counted(ActionFilters(), date(2026, 11, 24)), exports.XLSX_COLUMNS, sheet="Actions", title="Actions"
        )
        assert next(chunks).startswith(b"PK")
        assert len(read) == xlsx_stream.ROWS_PER_CHUNK - 1  # rows 2 to 500 of 1,203
        assert len(b"".join(chunks)) > 0 and len(read) == 1202


def test_the_download_runs_the_same_queries_for_10_and_1000_actions(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.viewer)

    def statements(file_format: str) -> int:
        with counting_queries() as sent:
            response = client.get(f"/actions/download/{file_format}?sort=owner")
        assert response.status_code == 200
        return len(sent)

    add_actions(plan, 8, start=100)
    with_ten = {file_format: statements(file_format) for file_format in ("csv", "xlsx")}
    add_actions(plan, 990, start=2000)
    with_a_thousand = {file_format: statements(file_format) for file_format in ("csv", "xlsx")}
    assert with_a_thousand == with_ten
    assert len(_csv(client)) == 1001


def test_signed_out_people_are_sent_to_sign_in(client, db_session) -> None:
    response = client.get("/actions/download/csv")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
