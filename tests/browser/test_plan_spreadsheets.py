"""The plan's spreadsheet round trip in a real browser: download it, edit it in "Excel" (openpyxl), upload it,
check each change and the conflict on the preview, and confirm."""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from tests.browser.conftest import assert_accessible, sign_in_with_browser
from tracker import clock
from tracker.actions.services.editing import update_action
from tracker.demo.data import DEMO_PASSWORD
from tracker.demo.services import load_demo
from tracker.extensions import db
from tracker.models import Action, Inspection, ProgressUpdate, Role, User

SCREENSHOTS = Path(os.environ.get("TRACKER_SCREENSHOTS", "/tmp/h14"))


def edit_workbook(data: bytes, edits: dict[str, dict[str, object]], new_row: dict[str, object]) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["Action plan"]
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for header, value in edits.get(row[headers.index("Reference")].value, {}).items():
            row[headers.index(header)].value = value
    sheet.append([new_row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_programme_manager_updates_the_plan_from_an_edited_download(page, live_server) -> None:  # noqa: ANN001
    load_demo(clock.today())
    db.session.commit()
    inspection = db.session.scalars(select(Inspection)).one()
    # The demo gives an action to a viewer (issue 14 item 10), which a sheet cannot save: give it to Sam first.
    sam = db.session.scalars(select(User).where(User.email == "service.manager@demo.test")).one()
    for action in db.session.scalars(select(Action).join(Action.owner).where(User.role == Role.VIEWER)):
        action.owner = sam
    db.session.commit()
    first, second, third = db.session.scalars(
        select(Action).where(Action.inspection_id == inspection.id, Action.archived_at.is_(None)).order_by(Action.id)
    ).all()[:3]
    sign_in_with_browser(page, live_server, "programme.manager@demo.test", DEMO_PASSWORD)
    page.goto(f"{live_server}/inspections/{inspection.id}/plan")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a spreadsheet (.xlsx)").click()
    data = Path(download.value.path()).read_bytes()

    # While the sheet is being edited, someone renames the third action in the tracker.
    director = db.session.scalars(select(User).where(User.email == "admin@demo.test")).one()
    update_action(third, {"title": third.title + " (renamed in the tracker)"}, actor=director)
    db.session.commit()
    edited = edit_workbook(
        data,
        {
            first.reference: {"Due date": datetime(2027, 6, 30), "Status": "In progress", "RAG": "Amber",
                              "Latest progress": "Two auditors off sick; half the case files audited"},
            second.reference: {"Success criteria": "Every child's plan reviewed within 20 working days"},
            third.reference: {"Success criteria": "Edited in the sheet after someone renamed it"},
        },
        {"Recommendation": first.recommendation.shown_number, "Action": "Train every team manager in the new model"},
    )  # fmt: skip

    page.get_by_role("link", name="Update the plan or import actions from a spreadsheet").click()
    page.get_by_label("Upload a spreadsheet").set_input_files(
        {"name": "action-plan.xlsx", "mimeType": "application/octet-stream", "buffer": edited}
    )
    page.get_by_role("button", name="Check the spreadsheet").click()
    assert page.locator("h1").inner_text() == "Check the actions to import"
    counts = page.locator("#import-counts").inner_text()
    assert "1 new action" in counts and "2 actions to update" in counts
    assert "1 changed in the tracker since you downloaded the spreadsheet" in counts
    assert "→ 30 June 2027" in page.locator("tr", has_text=first.title).inner_text()
    conflict_row = page.locator("tr", has=page.locator(".govuk-tag", has_text="Conflict"))
    assert "renamed in the tracker" in conflict_row.inner_text()
    assert_accessible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "sheet-preview.png"), full_page=True)

    page.get_by_role("button", name="Save changes to 2 actions and add 1").click()
    assert "Enter the reason for changing the due dates" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Reason for changing the due dates").fill("Auditors off sick over the winter")
    page.get_by_role("button", name="Save changes to 2 actions and add 1").click()
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "1 action added and 2 updated from action-plan.xlsx" in banner
    assert "1 changed in the tracker since the download not updated" in banner

    db.session.expire_all()
    assert db.session.get(Action, first.id).due_on.isoformat() == "2027-06-30"
    assert db.session.get(Action, third.id).success_criteria != "Edited in the sheet after someone renamed it"
    update = db.session.scalars(select(ProgressUpdate).where(ProgressUpdate.action_id == first.id).order_by(
        ProgressUpdate.id.desc())).first()  # fmt: skip
    assert update.via_spreadsheet and update.narrative == "Two auditors off sick; half the case files audited"
    page.goto(f"{live_server}/actions/{first.id}")
    assert "(from a spreadsheet)" in page.locator(".app-timeline").inner_text()
