"""A programme manager creates, previews and issues a progress report in a real browser; axe scans each page."""

from __future__ import annotations

from sqlalchemy import select

from tests.browser.conftest import assert_accessible, sign_in_with_browser
from tracker import clock
from tracker.demo.data import DEMO_PASSWORD
from tracker.demo.services import load_demo
from tracker.extensions import db
from tracker.models import Inspection, ProgressReport, ReportState


def test_a_programme_manager_creates_previews_and_issues_a_report(page, live_server) -> None:
    load_demo(clock.today())
    db.session.commit()
    inspection_id = db.session.scalar(select(Inspection.id))

    sign_in_with_browser(page, live_server, "programme.manager@demo.test", DEMO_PASSWORD)
    page.goto(f"{live_server}/inspections/{inspection_id}/reports")
    assert page.locator("h1").inner_text() == "Progress reports"
    assert_accessible(page)

    page.get_by_role("button", name="Create a progress report").click()
    assert page.locator("h1").inner_text() == "Create a progress report"
    assert page.get_by_label("Committee", exact=True).input_value() == "Cabinet"
    assert_accessible(page)
    page.get_by_label("Report of").fill("the Interim Director of Children and Young People's Services")
    page.get_by_label("Summary").fill("The plan is broadly on track.\n\nSix actions are overdue.")
    page.locator("fieldset", has_text="Equal Opportunities: are there implications?").get_by_label("Yes").check()
    page.get_by_label("Equal Opportunities: paragraph references").fill("See paragraph 4.1")
    page.get_by_role("button", name="Save draft").click()

    assert "Draft report saved" in page.locator(".govuk-notification-banner").inner_text()
    report = page.locator("article.app-report")
    assert "Report of the Interim Director" in report.inner_text()
    assert "2.1 The plan is broadly on track." in " ".join(report.inner_text().split())
    assert report.locator("svg[role=img]").count() == 1
    assert report.locator("table.app-report__table--plan tbody tr").count() == 43
    assert_accessible(page)

    page.get_by_role("link", name="Print view").click()
    assert page.locator("h1").inner_text().endswith("progress on the action plan")
    assert_accessible(page)
    page.go_back()

    page.get_by_role("button", name="Issue report").click()
    assert page.locator("h1").inner_text() == "Issue the report"
    assert_accessible(page)
    page.get_by_role("button", name="Issue report").click()
    assert "Report issued for Cabinet" in page.locator(".govuk-notification-banner").inner_text()
    assert "This is the report exactly as issued" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Edit draft").count() == 0
    assert_accessible(page)

    db.session.expire_all()
    issued = db.session.scalar(select(ProgressReport))
    assert issued.state == ReportState.ISSUED
    assert issued.issued_pdf.startswith(b"%PDF")


def test_a_viewer_reads_an_issued_report_and_the_form_errors_pass_axe(page, live_server) -> None:
    load_demo(clock.today())
    db.session.commit()
    inspection_id = db.session.scalar(select(Inspection.id))
    sign_in_with_browser(page, live_server, "programme.manager@demo.test", DEMO_PASSWORD)
    page.goto(f"{live_server}/inspections/{inspection_id}/reports/new")
    page.get_by_label("Committee", exact=True).fill("")
    page.locator("#as_at-day").fill("31")
    page.locator("#as_at-month").fill("2")
    page.get_by_role("button", name="Save draft").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the committee" in summary
    assert "The as-at date must be a real date" in summary
    assert_accessible(page)
