"""A plan downloaded, edited in Excel (or as a CSV) and uploaded again updates its actions and adds new ones."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import sign_in, soup
from tests.integration.actions.conftest import Plan
from tracker.actions.services.editing import update_action
from tracker.models import Action, ActionStatus, AuditEvent, PlanStatus, ProgressUpdate, Rag


def download(client, plan: Plan, file_format: str = "xlsx") -> bytes:  # noqa: ANN001
    response = client.get(f"/inspections/{plan.inspection.id}/plan/download/{file_format}")
    assert response.status_code == 200
    return response.data


def edit_xlsx(data: bytes, edits: dict[str, dict[str, object]], new_rows: list[dict[str, object]] = ()) -> bytes:
    """The workbook with the cells of the rows named by reference changed ({reference: {header: value}})."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["Action plan"]
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        reference = row[headers.index("Reference")].value
        for header, value in edits.get(reference, {}).items():
            row[headers.index(header)].value = value
    for values in new_rows:
        sheet.append([values.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def edit_csv(data: bytes, edits: dict[str, dict[str, str]]) -> bytes:
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    for row in rows:
        row.update(edits.get(row["Reference"], {}))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def upload(client, plan: Plan, data: bytes, name: str = "plan.xlsx"):  # noqa: ANN001, ANN201
    return client.submit(
        f"/inspections/{plan.inspection.id}/plan/import",
        {"spreadsheet": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def confirm(client, plan: Plan, preview, **choices: object):  # noqa: ANN001, ANN003, ANN201
    """Press the preview's button with its hidden fields and the choices given (apply_conflicts, due_date_reason)."""
    form = soup(preview).select_one("form[action$='/plan/import/confirm']")
    data: dict[str, object] = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
    data.pop("csrf_token", None)
    data.update(choices)
    url = f"/inspections/{plan.inspection.id}/plan/import/confirm"
    return client.submit(url, data, page_url=f"/inspections/{plan.inspection.id}/plan/import")


def changes_shown(preview, line: int) -> list[str]:  # noqa: ANN001
    row = soup(preview).select_one(f"#row-{line}")
    return [item.get_text(" ", strip=True) for item in row.select(".app-changes li")]


def line_of(preview, reference: str) -> int:  # noqa: ANN001
    for row in soup(preview).select("tbody tr"):
        if row.select("td")[2].get_text(" ", strip=True).startswith(reference + " "):
            return int(row.select_one("td").text)
    raise AssertionError(f"no row for {reference}")


def history(db_session, action_id: int) -> dict[str, AuditEvent]:  # noqa: ANN001
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "actions", AuditEvent.entity_id == action_id)
    )
    return {event.field: event for event in events}


def test_an_edited_download_updates_the_plan_after_a_preview_of_each_change(client, db_session, plan: Plan) -> None:
    plan.inspection.plan_status = PlanStatus.PUBLISHED
    db_session.commit()
    sign_in(client, plan.manager)
    edited = edit_xlsx(
        download(client, plan),
        {
            "1.1": {
                "Due date": datetime(2027, 1, 20),
                "Owner email": plan.other_owner.email,
                "Success criteria": "All 240 case files audited",
                "Status": "In progress",
                "RAG": "Amber",
                "Latest progress": "Two auditors off sick; half the files done",
            }
        },
        new_rows=[{"Recommendation": "2", "Action": "Train every team manager", "Due date": datetime(2027, 3, 1)}],
    )
    preview = upload(client, plan, edited)
    assert preview.status_code == 200
    page = soup(preview)
    assert "3 rows, 2 ready to import" in page.text
    counts = page.select_one("#import-counts").get_text(" ", strip=True)
    assert "1 new action" in counts and "1 action to update" in counts and "1 unchanged" in counts
    line = line_of(preview, "1.1")
    assert changes_shown(preview, line) == [
        f"Owner: {plan.owner.email} → {plan.other_owner.email}",
        "Due date: 18 December 2026 → 20 January 2027",
        f"Success criteria: {plan.action.success_criteria or 'none'} → All 240 case files audited",
        "RAG: Green → Amber",
        "Latest progress: none → Two auditors off sick; half the files done",
    ]
    assert page.select_one(f"#row-{line} .govuk-tag").text == "Update"
    assert "New action" in page.select_one(f"#row-{line_of(preview, '2.2')}").text
    assert db_session.get(Action, plan.action.id).owner_id == plan.owner.id  # nothing saved by the preview

    refused = confirm(client, plan, preview)
    assert refused.status_code == 400
    assert "Enter the reason for changing the due dates" in soup(refused).select_one(".govuk-error-summary").text
    assert db_session.get(Action, plan.action.id).due_on == date(2026, 12, 18)

    response = confirm(client, plan, refused, due_date_reason="Auditors off sick in December")
    assert response.status_code == 302
    assert "1 action added and 1 updated from plan.xlsx" in soup(client.get(response.headers["Location"])).text
    action = db_session.get(Action, plan.action.id)
    assert (action.due_on, action.owner_id, action.success_criteria) == (
        date(2027, 1, 20), plan.other_owner.id, "All 240 case files audited"
    )  # fmt: skip
    assert (action.status, action.rag) == (ActionStatus.IN_PROGRESS, Rag.AMBER)
    [update] = db_session.scalars(select(ProgressUpdate).where(ProgressUpdate.action_id == action.id)).all()
    assert (update.author_id, update.via_spreadsheet, update.narrative) == (
        plan.manager.id, True, "Two auditors off sick; half the files done"
    )  # fmt: skip
    events = history(db_session, action.id)
    assert (events["due_on"].old_value, events["due_on"].new_value) == ("2026-12-18", "2027-01-20")
    assert events["due_on"].note == "Auditors off sick in December"
    assert events["owner"].note == "From a spreadsheet (plan.xlsx)" and events["owner"].actor_id == plan.manager.id
    assert action.original_due_on == date(2026, 12, 18)  # the published plan's date is kept
    new = db_session.scalars(select(Action).where(Action.title == "Train every team manager")).one()
    assert (new.reference, new.due_on) == ("2.2", date(2027, 3, 1))
    page = soup(client.get(f"/actions/{action.id}"))
    assert "(from a spreadsheet)" in page.text


def test_a_row_changed_in_the_tracker_since_the_download_is_a_conflict_skipped_unless_chosen(
    client, db_session, plan: Plan
) -> None:
    sign_in(client, plan.manager)
    data = download(client, plan)
    original_title = plan.action.title
    # After the download, the owner's manager renames 1.1 in the tracker.
    update_action(db_session.get(Action, plan.action.id), {"title": "Audit every open case file"}, actor=plan.admin)
    db_session.commit()
    edited = edit_xlsx(
        data,
        {"1.1": {"Success criteria": "Sheet criteria for 1.1"}, "2.1": {"Success criteria": "Sheet criteria for 2.1"}},
    )
    preview = upload(client, plan, edited)
    page = soup(preview)
    line = line_of(preview, "1.1")
    assert page.select_one(f"#row-{line} .govuk-tag").text == "Conflict"
    assert "Changed in the tracker since you downloaded the spreadsheet (last by Priya Shah," in page.select_one(
        f"#row-{line}"
    ).get_text(" ", strip=True)
    # The sheet still has the old title: saving it would undo the other change, so the preview shows it.
    assert f"Action: Audit every open case file → {original_title}" in changes_shown(preview, line)
    assert "1 changed in the tracker since you downloaded the spreadsheet" in page.select_one("#import-counts").text
    assert page.select_one(f"input[name=apply_conflicts][value='{plan.action.id}']") is not None

    response = confirm(client, plan, preview)
    assert response.status_code == 302
    message = soup(client.get(response.headers["Location"])).text
    assert "1 action updated from plan.xlsx; 1 changed in the tracker since the download not updated" in message
    assert db_session.get(Action, plan.other_action.id).success_criteria == "Sheet criteria for 2.1"
    kept = db_session.get(Action, plan.action.id)
    assert (kept.title, kept.success_criteria) == ("Audit every open case file", plan.action.success_criteria)

    again = upload(client, plan, edited)
    assert confirm(client, plan, again, apply_conflicts=str(plan.action.id)).status_code == 302
    chosen = db_session.get(Action, plan.action.id)
    assert (chosen.title, chosen.success_criteria) == (original_title, "Sheet criteria for 1.1")


def test_an_edited_csv_updates_the_plan(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    edited = edit_csv(
        download(client, plan, "csv"),
        {"2.1": {"Due date": "2027-02-26", "Status": "Complete", "RAG": "", "Latest progress": "Report agreed"}},
    )
    preview = upload(client, plan, edited, "plan.csv")
    assert changes_shown(preview, line_of(preview, "2.1")) == [
        "Due date: 18 December 2026 → 26 February 2027",
        "Status: In progress → Complete",
        "RAG: Green → Blue",
        "Latest progress: none → Report agreed",
    ]
    assert confirm(client, plan, preview).status_code == 302  # a draft plan: no reason needed for the due date
    action = db_session.get(Action, plan.other_action.id)
    assert (action.due_on, action.original_due_on, action.status, action.rag) == (
        date(2027, 2, 26), date(2027, 2, 26), ActionStatus.COMPLETE, Rag.BLUE
    )  # fmt: skip
    assert action.completed_on is not None
    update = db_session.scalars(select(ProgressUpdate).where(ProgressUpdate.action_id == action.id)).one()
    assert (update.narrative, update.via_spreadsheet, update.author_id) == ("Report agreed", True, plan.manager.id)


def test_bad_cells_get_row_level_messages_and_nothing_is_saved(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    edited = edit_xlsx(
        download(client, plan),
        {
            "1.1": {"Owner email": "nobody@example.gov.uk", "Due date": "31/02/2027"},
            "2.1": {"Status": "Nearly there", "Success criteria": "Changed"},
        },
        new_rows=[
            {"Recommendation": "1", "Action": "Rated red with nothing said", "RAG": "Red"},
            {"Recommendation": "2", "Action": "A good new row"},
        ],
    )
    preview = upload(client, plan, edited)
    page = soup(preview)
    summary = page.select_one(".govuk-error-summary").text
    line = line_of(preview, "1.1")
    assert f"Row {line}: Due date “31/02/2027” must be a real date" in summary
    assert "Nobody has an account with the email address nobody@example.gov.uk" in summary
    assert f"Row {line_of(preview, '2.1')}: Status “Nearly there” is not one of: Not started" in summary
    assert "Enter a narrative explaining the Red rating in “Latest progress”" in summary
    refused = confirm(client, plan, preview)
    assert refused.status_code == 400
    assert "3 rows have problems: fix the spreadsheet and upload it again, or choose to skip them" in soup(refused).text
    assert db_session.get(Action, plan.other_action.id).success_criteria != "Changed"
    assert db_session.scalars(select(Action).where(Action.title == "A good new row")).all() == []
    assert db_session.scalars(select(ProgressUpdate)).all() == []

    # A red rating on an existing action needs a narrative, as on the progress form.
    preview = upload(client, plan, edit_xlsx(download(client, plan), {"1.1": {"RAG": "Red"}}))
    row = soup(preview).select_one(f"#row-{line_of(preview, '1.1')}")
    assert "Enter a narrative explaining the Red rating in “Latest progress”" in row.text
    assert soup(preview).select_one("form[action$='/plan/import/confirm']") is None
    assert db_session.get(Action, plan.action.id).rag == Rag.GREEN


def test_an_unchanged_download_changes_nothing(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    preview = upload(client, plan, download(client, plan))
    page = soup(preview)
    assert "2 unchanged" in page.select_one("#import-counts").text
    assert "Nothing in the spreadsheet differs from the plan" in page.text
    assert page.select_one("form[action$='/plan/import/confirm']") is None


def test_a_chosen_conflict_in_odd_digits_is_no_choice_and_no_500(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    data = download(client, plan)
    update_action(db_session.get(Action, plan.action.id), {"title": "Renamed in the tracker"}, actor=plan.admin)
    db_session.commit()
    preview = upload(client, plan, edit_xlsx(data, {"1.1": {"Success criteria": "From the sheet"}}))
    response = confirm(client, plan, preview, apply_conflicts=["²", "99999999999999999999", "x"])
    assert response.status_code == 302
    assert db_session.get(Action, plan.action.id).success_criteria != "From the sheet"
