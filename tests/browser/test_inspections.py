"""A programme manager imports a real inspection report in Chromium: upload → review → edit → save, and sees
the recommendations and statutory deadlines on the inspection page; axe-core scans every page on the way."""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import assert_accessible, sign_in_with_browser
from tests.factories import PASSWORD, UserFactory
from tests.integration.inspections.conftest import deadline_named, make_inspection
from tracker.domain.importer import parse_report
from tracker.extensions import db
from tracker.inspections.drafts import create_draft
from tracker.models import Role

BURY = Path(__file__).resolve().parents[1] / "fixtures" / "pdfs" / "bury-2021-12-17.pdf"
LEICESTERSHIRE = Path(__file__).resolve().parents[1] / "fixtures" / "reports" / "leicestershire-jar-2008.txt"
EDITED = "The timely recognition of, and response to, risk at the front door (edited in review)."


def test_a_programme_manager_imports_a_report_pdf_and_saves_it(page, live_server) -> None:
    UserFactory(role=Role.PROGRAMME_MANAGER, email="pm@example.gov.uk", name="Jo Clarke")
    db.session.commit()
    sign_in_with_browser(page, live_server, "pm@example.gov.uk", PASSWORD)

    page.goto(f"{live_server}/inspections")
    page.get_by_role("link", name="New inspection").click()
    assert page.locator("h1").inner_text() == "New inspection"
    assert_accessible(page)

    page.get_by_label("Upload the report").set_input_files(str(BURY))
    with page.expect_navigation():
        page.get_by_role("button", name="Read the report").click()
    assert page.locator("h1").inner_text() == "Check the report before saving it"
    assert page.get_by_label("Local authority").input_value() == "Bury Metropolitan Borough Council"
    assert "No publication date found" in page.locator(".app-import-warnings").inner_text()
    assert "What needs to improve" in page.locator(".app-source-text").inner_text()
    assert_accessible(page)

    # ILACS reports print no publication date: the reviewer enters it, and the date the report arrived.
    published = page.get_by_role("group", name="Date the report was published")
    published.get_by_label("Day").fill("17")
    published.get_by_label("Month").fill("12")
    published.get_by_label("Year").fill("2021")
    received = page.get_by_role("group", name="Date the council received the report")
    received.get_by_label("Day").fill("10")
    received.get_by_label("Month").fill("12")
    received.get_by_label("Year").fill("2021")
    # Editing an item marks where it is in the report's text.
    page.locator("#recommendations-0-text").focus()
    assert (
        page.locator(".app-source-text mark").inner_text()
        == "The timely recognition and response to risk at the front door."
    )
    page.locator("#recommendations-0-text").fill(EDITED)
    page.locator("#recommendations-0-theme").fill("Help and protection")
    items = page.locator("textarea[name$='-text']").count()

    with page.expect_navigation():
        page.get_by_role("button", name="Save inspection").click()
    assert page.locator("h1").inner_text() == "Inspection of Bury local authority children’s services"
    assert "was saved with" in page.locator(".govuk-notification-banner").inner_text()
    recommendations = page.locator(".app-recommendation")
    assert recommendations.count() == items
    assert EDITED in recommendations.first.inner_text()
    assert "Help and protection" in recommendations.first.inner_text()
    deadlines = page.locator(".app-deadline")
    assert deadlines.count() == 2
    text = page.locator("main").inner_text()
    assert "Written statement of proposed action" in text
    assert "30 March 2022" in text  # 70 working days counted after 17 December 2021
    assert "26 January 2022" in text  # 30 working days counted after receipt on 10 December 2021
    assert "Missed by" in text  # these dates are long past
    assert_accessible(page)


def test_review_page_buttons_work_by_keyboard_without_losing_edits(page, live_server) -> None:
    UserFactory(role=Role.PROGRAMME_MANAGER, email="pm2@example.gov.uk")
    db.session.commit()
    sign_in_with_browser(page, live_server, "pm2@example.gov.uk", PASSWORD)
    page.goto(f"{live_server}/inspections/new")
    page.get_by_label("Upload the report").set_input_files(str(BURY))
    with page.expect_navigation():
        page.get_by_role("button", name="Read the report").click()

    first = page.locator("#recommendations-0-text")
    original = first.input_value()
    first.fill("First half of the item. Second half of the item.")
    # Put the cursor before "Second" and split there (the script adds the line break at the cursor).
    first.focus()
    first.evaluate("t => { const at = t.value.indexOf('Second'); t.setSelectionRange(at, at); }")
    first.press("ArrowRight")
    first.press("ArrowLeft")
    page.get_by_role("button", name="Split item 1").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#recommendations-0-text").input_value() == "First half of the item."
    assert page.locator("#recommendations-1-text").input_value() == "Second half of the item."

    # Enter in a text box keeps the edit and changes nothing else.
    page.get_by_label("Local authority").fill("Bury Council")
    with page.expect_navigation():
        page.get_by_label("Local authority").press("Enter")
    assert page.get_by_label("Local authority").input_value() == "Bury Council"
    assert page.locator("#recommendations-1-text").input_value() == "Second half of the item."
    assert original not in page.locator("#recommendations-0-text").input_value()


def test_every_inspection_page_passes_axe_including_its_errors(page, live_server) -> None:
    manager = UserFactory(role=Role.PROGRAMME_MANAGER, email="pm3@example.gov.uk")
    db.session.flush()
    inspection = make_inspection(db.session, manager)
    deadline = deadline_named(db.session, inspection.id, "Publish the report locally")
    checklist_item = deadline.checklist[0]
    draft = create_draft(parse_report("Leicester City Council"), user=manager, source_filename=None, source_sha256="x")
    db.session.commit()
    sign_in_with_browser(page, live_server, "pm3@example.gov.uk", PASSWORD)

    base = f"{live_server}/inspections/{inspection.id}"
    for path in (
        "/inspections",
        f"/inspections/{inspection.id}",
        f"/inspections/{inspection.id}/history",
        f"/inspections/imports/{draft.id}/discard",
        f"{base}/deadlines/{deadline.id}/checklist/{checklist_item.id}",
    ):
        page.goto(path if path.startswith("http") else f"{live_server}{path}")
        assert_accessible(page)

    # Each form, then the same form sent empty: the error summary and messages must pass too.
    for path, button in (
        ("/edit", "Save changes"),
        ("/due-date-rules", "Save due date rules"),
        ("/deadlines/new", "Add deadline"),
        (f"/deadlines/{deadline.id}/change-date", "Change the date"),
        (f"/deadlines/{deadline.id}/mark-done", "Mark as done"),
        ("/meetings/new", "Add meeting"),
    ):
        page.goto(f"{base}{path}")
        assert_accessible(page)
        for field in page.locator("main input[type=text], main textarea").all():
            field.fill("")
        with page.expect_navigation():
            page.get_by_role("button", name=button).click()
        assert page.locator(".govuk-error-summary").count() == 1, path
        assert_accessible(page)


def test_split_at_the_cursor_keeps_an_item_s_sub_items_together(page, live_server) -> None:  # noqa: ANN001
    manager = UserFactory(role=Role.PROGRAMME_MANAGER, email="pm4@example.gov.uk")
    db.session.flush()
    draft = create_draft(
        parse_report(LEICESTERSHIRE.read_text()), user=manager, source_filename=None, source_sha256="pm4"
    )
    db.session.commit()
    sign_in_with_browser(page, live_server, "pm4@example.gov.uk", PASSWORD)
    page.goto(f"{live_server}/inspections/imports/{draft.id}")
    first = page.locator("#recommendations-0-text")
    first.fill("Improve oversight of:\nsupervision\naudits. Review the front door.")
    first.focus()
    first.evaluate("t => { const at = t.value.indexOf('Review'); t.setSelectionRange(at, at); }")
    first.press("ArrowRight")
    first.press("ArrowLeft")
    with page.expect_navigation():
        page.get_by_role("button", name="Split item 1").click()
    assert page.locator("#recommendations-0-text").input_value() == "Improve oversight of:\nsupervision\naudits."
    assert page.locator("#recommendations-1-text").input_value() == "Review the front door."
