"""The plan as .xlsx and .csv, and importing a plan someone already has in a spreadsheet."""

from __future__ import annotations

import csv
import io
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests import hostile_files
from tests.conftest import security_events, sign_in, soup
from tests.factories import ActionFactory, InspectionFactory, ProgressUpdateFactory, RecommendationFactory
from tests.integration.actions.conftest import Plan
from tracker.models import Action, ActionStatus, AuditEvent, ProgressUpdate, Rag, Timescale


@pytest.fixture
def full_plan(db_session, plan: Plan) -> Plan:  # noqa: ANN001
    """The plan with actions that use every column, awkward text included."""
    completed = ActionFactory(
        recommendation=plan.immediate,
        reference="1.2",
        title='=HYPERLINK("http://evil.example") is text, not a formula',
        description="Line one\nLine two – with a dash, “quotes” and <b>tags</b>",
        owner=plan.other_owner,
        lead_agency="NHS Leicester",
        start_on=date(2008, 7, 1),
        due_on=date(2008, 9, 9),
        success_criteria="- every file audited\n- report to the LSCB",
        status=ActionStatus.COMPLETE,
        rag=Rag.BLUE,
        position=1,
    )
    ActionFactory(
        recommendation=plan.six_months,
        reference="2.2",
        owner=None,
        lead_agency="",
        rag=None,
        status=ActionStatus.NOT_STARTED,
        due_on=date(2008, 12, 3),
        position=1,
    )
    ProgressUpdateFactory(
        action=plan.action, status=ActionStatus.IN_PROGRESS, rag=Rag.GREEN, narrative="On track, 3 of 5 done"
    )
    ProgressUpdateFactory(
        action=completed, status=ActionStatus.COMPLETE, rag=Rag.BLUE, narrative="All 40 files audited"
    )
    db_session.commit()
    return plan


def test_the_xlsx_export_is_formatted(client, full_plan: Plan) -> None:
    sign_in(client, full_plan.viewer)
    response = client.get(f"/inspections/{full_plan.inspection.id}/plan/download/xlsx")
    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"] == f'attachment; filename="action-plan-{full_plan.inspection.id}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == ["Recommendation", "Recommendation text", "Timescale", "Reference", "Action"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "E2"
    rows = {row[3].value: row for row in sheet.iter_rows(min_row=2)}
    assert list(rows) == ["1.1", "1.2", "2.1", "2.2"]
    due = rows["1.2"][header.index("Due date")]
    assert due.value == datetime(2008, 9, 9) and due.is_date and due.number_format == "dd/mm/yyyy"
    title = rows["1.2"][header.index("Action")]
    assert title.data_type == "s" and title.value.startswith("=HYPERLINK")
    rag = rows["1.2"][header.index("RAG")]
    assert rag.value == "Blue" and rag.fill.fgColor.rgb.endswith("D2E2F1")
    assert rows["1.1"][header.index("RAG")].value == "Green"
    assert rows["1.1"][header.index("Latest progress")].value == "On track, 3 of 5 done"
    assert rows["1.1"][header.index("Owner email")].value == full_plan.owner.email
    assert rows["2.2"][header.index("RAG")].value is None


def test_the_csv_export_protects_formula_like_text(client, full_plan: Plan) -> None:
    sign_in(client, full_plan.viewer)
    response = client.get(f"/inspections/{full_plan.inspection.id}/plan/download/csv")
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    second = rows[1]
    assert second["Action"].startswith("'=HYPERLINK")
    assert second["Success criteria"].startswith("'- every file")
    assert second["Due date"] == "2008-09-09" and second["Status"] == "Complete"


def test_the_export_is_the_whole_plan_with_each_recommendations_wording(client, db_session, full_plan: Plan) -> None:
    RecommendationFactory(inspection=full_plan.inspection, number="3", text="review the LSCB's procedures", position=2)
    db_session.commit()
    sign_in(client, full_plan.viewer)
    response = client.get(f"/inspections/{full_plan.inspection.id}/plan/download/xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row[:5]] for row in sheet.iter_rows(min_row=2)]
    assert [row[0] for row in rows] == ["1", "1", "2", "2", "3"]
    assert rows[0][1] == full_plan.immediate.text
    assert rows[-1] == ["3", "review the LSCB's procedures", full_plan.immediate.timescale.label, None, None]
    assert all(cell.value is None for cell in list(sheet.iter_rows(min_row=6))[0][3:])


def plan_snapshot(db_session, inspection_id: int) -> list[tuple]:  # noqa: ANN001
    actions = db_session.scalars(
        select(Action).where(Action.inspection_id == inspection_id).order_by(Action.recommendation_id, Action.position)
    )
    snapshot = []
    for a in actions:
        latest = a.progress_updates[-1].narrative if a.progress_updates else ""
        snapshot.append(
            (
                a.recommendation.number,
                a.reference,
                a.title,
                a.description,
                a.owner_id,
                a.lead_agency,
                a.start_on,
                a.due_on,
                a.success_criteria,
                a.status,
                a.rag,
                latest,
            )
        )
    return snapshot


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_round_trip_into_an_empty_inspection_gives_the_same_plan(
    client, db_session, full_plan: Plan, file_format: str
) -> None:
    copy = InspectionFactory(managers=[full_plan.manager], published_on=full_plan.inspection.published_on)
    RecommendationFactory(inspection=copy, number="1", timescale=Timescale.IMMEDIATE, position=0)
    RecommendationFactory(inspection=copy, number="2", timescale=Timescale.SIX_MONTHS, position=1)
    # Exported as a row with no action, and skipped on import.
    RecommendationFactory(inspection=full_plan.inspection, number="3", position=2)
    RecommendationFactory(inspection=copy, number="3", position=2)
    db_session.commit()
    sign_in(client, full_plan.manager)
    exported = client.get(f"/inspections/{full_plan.inspection.id}/plan/download/{file_format}").data
    url = f"/inspections/{copy.id}/plan/import"
    preview = client.submit(
        url, {"spreadsheet": (io.BytesIO(exported), f"plan.{file_format}")}, content_type="multipart/form-data"
    )
    assert preview.status_code == 200
    page = soup(preview)
    assert "4 rows, 4 ready to import" in page.text, page.select_one("main").get_text(" ", strip=True)[:1500]
    assert db_session.scalar(select(func.count()).select_from(Action).where(Action.inspection_id == copy.id)) == 0
    response = confirm(client, copy.id, preview)
    assert response.status_code == 302
    assert "4 actions imported from plan." in soup(client.get(response.headers["Location"])).text
    original, imported = plan_snapshot(db_session, full_plan.inspection.id), plan_snapshot(db_session, copy.id)
    assert imported == original
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.inspection_id == copy.id, AuditEvent.entity_type == "actions")
    )
    assert {event.note for event in events} == {f"Imported from plan.{file_format}"}


def upload(client, plan: Plan, rows: list[list[object]], name: str = "plan.xlsx"):  # noqa: ANN001, ANN201
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return client.submit(
        f"/inspections/{plan.inspection.id}/plan/import",
        {"spreadsheet": (io.BytesIO(buffer.getvalue()), name)},
        content_type="multipart/form-data",
    )


HEADER = ["Recommendation", "Reference", "Action", "Owner email", "Due date"]


def confirm(client, inspection_id: int, preview, *, skip_invalid: bool = False):  # noqa: ANN001, ANN201
    """Press "Import actions" on a preview page: its hidden fields, as the browser would send them."""
    form = soup(preview).select_one("form[action$='/plan/import/confirm']")
    data = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
    data.pop("csrf_token", None)
    if skip_invalid:
        data["skip_invalid"] = "y"
    return client.submit(
        f"/inspections/{inspection_id}/plan/import/confirm", data, page_url=f"/inspections/{inspection_id}/plan/import"
    )


def test_blank_references_never_take_a_number_given_later_in_the_file_and_the_plan_round_trips(
    client, db_session, plan: Plan
) -> None:
    sign_in(client, plan.manager)
    preview = upload(
        client,
        plan,
        [
            HEADER,
            [1, "", "No reference, first in the file", "", ""],
            [1, "1.2", "Numbered later in the file", "", ""],
            [2, None, "No reference under 2", "", ""],
        ],
    )
    page = soup(preview)
    assert "3 rows, 3 ready to import" in page.text
    assert [cell.get_text(" ", strip=True) for cell in page.select("tbody tr td:nth-of-type(3)")] == [
        "1.3 (next number) No reference, first in the file",
        "1.2 Numbered later in the file",
        "2.2 (next number) No reference under 2",
    ]
    assert confirm(client, plan.inspection.id, preview).status_code == 302
    references = db_session.scalars(
        select(Action.reference).where(Action.inspection_id == plan.inspection.id).order_by(Action.reference)
    ).all()
    assert references == ["1.1", "1.2", "1.3", "2.1", "2.2"]

    copy = InspectionFactory(managers=[plan.manager], published_on=plan.inspection.published_on)
    RecommendationFactory(inspection=copy, number="1", timescale=Timescale.IMMEDIATE, position=0)
    RecommendationFactory(inspection=copy, number="2", timescale=Timescale.SIX_MONTHS, position=1)
    db_session.commit()
    exported = client.get(f"/inspections/{plan.inspection.id}/plan/download/csv").data
    preview = client.submit(
        f"/inspections/{copy.id}/plan/import",
        {"spreadsheet": (io.BytesIO(exported), "plan.csv")},
        content_type="multipart/form-data",
    )
    assert "5 rows, 5 ready to import" in soup(preview).text
    assert confirm(client, copy.id, preview).status_code == 302
    assert plan_snapshot(db_session, copy.id) == plan_snapshot(db_session, plan.inspection.id)


def test_every_row_is_checked_and_nothing_is_saved_until_all_are_valid(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    response = upload(
        client,
        plan,
        [
            ["Our action plan, as agreed by the board"],  # a title row above the header is skipped
            HEADER,
            [1, "", "Good row with the next number", plan.owner.email, datetime(2008, 9, 1)],
            [1, "1.5", "Unknown owner", "nobody@example.gov.uk", "1/9/2008"],
            [1, "1.6", "Impossible date", "", "31/02/2009"],
            [9, "9.1", "Missing recommendation", "", ""],
            [None, None, None, None, None],
        ],
    )
    assert response.status_code == 200
    page = soup(response)
    summary = page.select_one(".govuk-error-summary").text
    assert "3 rows have problems" in summary
    assert "Row 4: Nobody has an account with the email address nobody@example.gov.uk" in summary
    assert "Row 5: Due date “31/02/2009” must be a real date" in summary
    assert "Row 6: There is no recommendation 9 in this inspection" in summary
    assert "4 rows, 1 ready to import" in page.text
    refused = confirm(client, plan.inspection.id, response)
    assert refused.status_code == 400
    assert "3 rows have problems" in soup(refused).text
    assert db_session.scalar(select(func.count()).select_from(Action)) == 2
    accepted = confirm(client, plan.inspection.id, refused, skip_invalid=True)
    assert accepted.status_code == 302
    assert "1 action imported from plan.xlsx; 3 skipped" in soup(client.get(accepted.headers["Location"])).text
    new = db_session.scalars(select(Action).where(Action.title == "Good row with the next number")).one()
    # 1.5 and 1.6 stay free for the skipped rows, once they are fixed and imported again.
    assert (new.reference, new.owner_id, new.due_on, new.position) == ("1.7", plan.owner.id, date(2008, 9, 1), 1)


def test_the_confirm_step_checks_again(client, db_session, plan: Plan) -> None:
    """A tampered or out-of-date preview is checked again: it cannot slip an invalid row in."""
    import json

    sign_in(client, plan.manager)
    preview = soup(upload(client, plan, [HEADER, [1, "", "Fine row", "", ""]]))
    token = preview.select_one("input[name=import_token]")["value"]
    rows = json.dumps([[2, {"recommendation": "1", "title": "Sneaky", "owner_email": "nobody@example.gov.uk"}]])
    url = f"/inspections/{plan.inspection.id}/plan/import/confirm"
    response = client.submit(url, {"rows": rows, "filename": "x.csv", "import_token": token}, page_url="/")
    assert response.status_code == 400
    for tampered in ({"rows": "{not json", "import_token": token}, {"rows": rows}, {"rows": rows, "import_token": "t"}):
        garbage = client.submit(url, {"filename": "x", **tampered}, page_url="/")
        assert garbage.status_code == 302
        assert "upload the spreadsheet again" in soup(client.get(garbage.headers["Location"])).text
    assert db_session.scalar(select(func.count()).select_from(Action)) == 2


def test_confirming_the_same_preview_twice_imports_once(client, db_session, plan: Plan) -> None:
    """A double-click or a resubmitted form: the second confirm imports nothing and says why."""
    sign_in(client, plan.manager)
    rows = [HEADER, [1, "", "No reference", "", ""], [1, "1.5", "Bad owner", "nobody@example.gov.uk", ""]]
    preview = upload(client, plan, rows)
    first = confirm(client, plan.inspection.id, preview, skip_invalid=True)
    assert "1 action imported from plan.xlsx; 1 skipped" in soup(client.get(first.headers["Location"])).text
    second = confirm(client, plan.inspection.id, preview, skip_invalid=True)
    assert second.status_code == 302
    message = soup(client.get(second.headers["Location"])).text
    assert "This preview was already imported by Jo Clarke at 10:00: 1 action from plan.xlsx." in message
    assert "Nothing was imported again" in message
    titles = db_session.scalars(select(Action.title).where(Action.inspection_id == plan.inspection.id)).all()
    assert sorted(titles) == sorted([plan.action.title, plan.other_action.title, "No reference"])
    # Uploading the file again is a new preview: the person meant it, so it imports.
    again = confirm(client, plan.inspection.id, upload(client, plan, rows), skip_invalid=True)
    assert "1 action imported from plan.xlsx; 1 skipped" in soup(client.get(again.headers["Location"])).text


def test_one_preview_confirmed_from_five_sessions_at_once_imports_once(app, client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    rows = [HEADER, [1, "", "Imported once", "", ""]]
    preview = soup(upload(client, plan, rows))
    fields = {field["name"]: field.get("value", "") for field in preview.select("form[action$='/confirm'] input")}
    url = f"/inspections/{plan.inspection.id}/plan/import/confirm"
    browsers = [app.test_client() for _ in range(5)]
    for browser in browsers:
        sign_in(browser, plan.manager)
    tokens = [browser.csrf_token(f"/inspections/{plan.inspection.id}/plan/import") for browser in browsers]
    start = threading.Barrier(5)

    def send(i: int):  # noqa: ANN202
        start.wait()
        return browsers[i].post(url, data={**fields, "csrf_token": tokens[i]})

    with ThreadPoolExecutor(max_workers=5) as pool:
        responses = list(pool.map(send, range(5)))

    assert [response.status_code for response in responses] == [302] * 5
    titles = db_session.scalars(select(Action.title).where(Action.inspection_id == plan.inspection.id)).all()
    assert titles.count("Imported once") == 1
    messages = sorted(
        soup(browser.get(response.headers["Location"]))
        .select_one(".govuk-notification-banner")
        .get_text(" ", strip=True)
        for browser, response in zip(browsers, responses, strict=True)
    )
    assert sum("1 action imported from plan.xlsx" in message for message in messages) == 1
    assert sum("This preview was already imported by Jo Clarke" in message for message in messages) == 4


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.xlsx", b"this is not a zip file", "is not an .xlsx spreadsheet we can read"),
        ("plan.csv", b"", "The selected file is empty"),
        ("plan.csv", b"Name,Colour\nSam,Blue\n", "needs a header row with the columns “Recommendation”, “Action”"),
        ("plan.csv", b"Recommendation,Action\n", "has a header row but no actions under it"),
        ("plan.docx", b"PK\x03\x04", "must be an .xlsx or .csv spreadsheet"),
        ("plan.csv", b"x" * (5 * 1024 * 1024 + 1), "must be smaller than 5 MB"),
    ],
)
def test_unreadable_uploads_get_a_clear_message(
    client, db_session, plan: Plan, name: str, data: bytes, message: str
) -> None:
    sign_in(client, plan.manager)
    response = client.submit(
        f"/inspections/{plan.inspection.id}/plan/import",
        {"spreadsheet": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert message in soup(response).select_one(".govuk-error-summary").text


def test_a_csv_from_excel_in_windows_code_page_with_semicolons(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    text = "Recommendation;Action;Lead agency;Due date\n1;Café review – phase 2;Leicester City Council;09/09/2008\n"
    data = text.encode("cp1252")
    response = client.submit(
        f"/inspections/{plan.inspection.id}/plan/import",
        {"spreadsheet": (io.BytesIO(data), "plan.csv")},
        content_type="multipart/form-data",
    )
    page = soup(response)
    assert "1 row, 1 ready to import" in page.text
    assert "Café review – phase 2" in page.text


def test_imported_progress_becomes_a_first_update(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    response = upload(
        client,
        plan,
        [
            ["Recommendation", "Action", "Status", "RAG", "Latest progress"],
            [2, "Imported with progress", "In progress", "Amber", "Half way"],
        ],
    )
    confirm(client, plan.inspection.id, response)
    action = db_session.scalars(select(Action).where(Action.title == "Imported with progress")).one()
    assert (action.reference, action.status, action.rag) == ("2.2", ActionStatus.IN_PROGRESS, Rag.AMBER)
    (update,) = db_session.scalars(select(ProgressUpdate).where(ProgressUpdate.action_id == action.id))
    assert (update.narrative, update.author_id, update.rag) == ("Half way", plan.manager.id, Rag.AMBER)


def test_an_imported_status_and_rating_is_a_progress_update_in_the_history(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    preview = upload(
        client,
        plan,
        [
            ["Recommendation", "Action", "Due date", "Status", "RAG", "Latest progress"],
            [2, "Rated without a narrative", "1/12/2026", "In progress", "Green", ""],
            [2, "Complete but green", "1/12/2026", "Complete", "Green", "Done"],
            [2, "Red with no reason", "1/12/2026", "In progress", "Red", ""],
        ],
    )
    summary = soup(preview).select_one(".govuk-error-summary").text
    assert "Row 3: A complete action or one no longer required is rated Blue" in summary
    assert "Row 4: Enter a narrative explaining the Red rating in “Latest progress”" in summary
    confirm(client, plan.inspection.id, preview, skip_invalid=True)
    (action,) = db_session.scalars(
        select(Action).where(
            Action.title.in_(["Rated without a narrative", "Complete but green", "Red with no reason"])
        )
    )
    assert (action.title, action.status, action.rag) == (
        "Rated without a narrative",
        ActionStatus.IN_PROGRESS,
        Rag.GREEN,
    )
    (update,) = db_session.scalars(select(ProgressUpdate).where(ProgressUpdate.action_id == action.id))
    assert (update.status, update.rag, update.narrative, update.author_id) == (
        ActionStatus.IN_PROGRESS,
        Rag.GREEN,
        "",
        plan.manager.id,
    )
    changes = {
        event.field: (event.old_value, event.new_value, event.note)
        for event in db_session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "actions", AuditEvent.entity_id == action.id)
        )
    }
    assert changes["status"] == ("not_started", "in_progress", "Imported from plan.xlsx")
    assert changes["rag"] == (None, "green", "Imported from plan.xlsx")
    # With progress behind it, deleting the action keeps its history.
    deleted = client.submit(f"/actions/{action.id}/delete")
    assert "Action archived" in soup(client.get(deleted.headers["Location"])).text


def test_a_row_without_a_due_date_gets_the_default_from_its_timescale(client, db_session, plan: Plan) -> None:
    """As the add-action form does: immediate → the action plan's statutory date, six months → publication + 6."""
    sign_in(client, plan.manager)
    preview = upload(client, plan, [HEADER, [1, "", "Immediate", "", None], [2, "", "Six months", "", None]])
    dates = [cell.get_text(" ", strip=True) for cell in soup(preview).select("tbody tr td:nth-of-type(5)")]
    assert dates == ["9 Sep 2008 (from the timescale)", "3 Dec 2008 (from the timescale)"]
    confirm(client, plan.inspection.id, preview)
    due = dict(
        db_session.execute(
            select(Action.title, Action.due_on).where(Action.title.in_(["Immediate", "Six months"]))
        ).all()
    )
    assert due == {"Immediate": date(2008, 9, 9), "Six months": date(2008, 12, 3)}
    add_form = soup(client.get(f"/recommendations/{plan.immediate.id}/actions/new"))
    assert [field["value"] for field in add_form.select("input[name=due_on]")] == ["09", "09", "2008"]


def test_a_spreadsheet_that_unpacks_to_gigabytes_is_refused_before_reading(client, db_session, plan: Plan) -> None:
    """A "zip bomb": a few kilobytes that unpack to 60 MB of shared strings."""
    data = hostile_files.xlsx_zip_bomb()
    assert len(data) < 200_000
    sign_in(client, plan.manager)
    response = client.submit(
        f"/inspections/{plan.inspection.id}/plan/import",
        {"spreadsheet": (io.BytesIO(data), "plan.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "too large to read" in soup(response).select_one(".govuk-error-summary").text


def test_an_import_is_a_security_event(client, db_session, plan: Plan, caplog) -> None:
    caplog.set_level(logging.INFO, logger="tracker.security")
    sign_in(client, plan.manager)
    rows = [HEADER, [1, "", "Imported action", "", ""], [9, "", "No such recommendation", "", ""]]
    preview = upload(client, plan, rows)
    assert confirm(client, plan.inspection.id, preview, skip_invalid=True).status_code == 302
    [logged] = security_events(caplog, "spreadsheet_imported")
    assert (logged["inspection_id"], logged["file"], logged["actions"], logged["skipped"], logged["actor_id"]) == (
        plan.inspection.id, "plan.xlsx", 1, 1, plan.manager.id
    )  # fmt: skip
