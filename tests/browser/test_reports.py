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


FINANCE = (
    "TLL costs, £000\t2007/08\t2008/09\tTotal\n"
    "Themes\t\t\t\n"
    "Early Years and Foundation Stage\t20\t413\t604\n"
    "GRAND TOTAL\t469\t5,957\t8,160"
)


def test_a_programme_manager_writes_the_committee_paper_and_downloads_the_draft(page, live_server) -> None:
    """Issue 14: the decision box, a subheading, the optional sections, an appendix added without JavaScript and
    pasted from a spreadsheet, a ragged paste refused with what was typed kept, and a draft download named DRAFT-."""
    import io

    import pdfplumber

    load_demo(clock.today())
    db.session.commit()
    inspection_id = db.session.scalar(select(Inspection.id))
    sign_in_with_browser(page, live_server, "programme.manager@demo.test", DEMO_PASSWORD)
    page.goto(f"{live_server}/inspections/{inspection_id}/reports/new")
    page.get_by_label("Report", exact=True).fill("## Background\n\nThe review took place in 2008.")
    page.locator("fieldset", has_text="Is this a key decision?").get_by_label("No").check()
    page.locator("fieldset", has_text="Did it appear in the Forward Plan?").get_by_label("Yes").check()
    page.locator("#forward_plan_on-day").fill("4")
    page.locator("#forward_plan_on-month").fill("8")
    page.locator("#forward_plan_on-year").fill("2026")
    page.get_by_label("Executive (Cabinet)").check()
    sections = page.locator("fieldset", has_text="Sections to include")
    assert sections.get_by_label("The inspection's grades").is_checked()
    sections.get_by_label("Statutory deadlines").uncheck()

    page.get_by_role("button", name="Add an appendix").click()
    assert "Fill in the new appendix below" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("h1").inner_text() == "Edit the draft report"
    # Everything typed before the button was saved and is shown again.
    assert page.get_by_label("Report", exact=True).input_value().startswith("## Background")
    assert not page.locator("fieldset", has_text="Sections to include").get_by_label("Statutory deadlines").is_checked()
    page.get_by_label("Appendix 2: title").fill("TLL actual and forecast costs")
    page.locator("fieldset", has_text="Appendix 2: what is in it").get_by_label("A table").check()
    page.get_by_label("Appendix 2: content").fill(FINANCE + "\nA row with one cell")
    page.get_by_role("button", name="Save draft").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Appendix 2: Row 5 has 1 cell but the header row has 4" in summary
    assert page.get_by_label("Appendix 2: content").input_value().endswith("A row with one cell")
    assert_accessible(page)

    page.get_by_label("Appendix 2: content").fill(FINANCE)
    page.get_by_role("button", name="Save draft").click()
    assert "Draft report saved" in page.locator(".govuk-notification-banner").inner_text()
    report = page.locator("article.app-report")
    assert report.locator(".app-report__draft").inner_text().startswith("DRAFT")
    decision = report.locator("table.app-report__decision").inner_text()
    assert "Yes, 4 August 2026" in decision and "Executive (Cabinet)" in decision
    assert report.locator("h3.app-report__subheading").inner_text() == "Background"
    assert report.get_by_role("heading", name="Statutory deadlines").count() == 0
    assert report.get_by_role("heading", name="Appendix 2 – TLL actual and forecast costs").count() == 1
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.startswith("DRAFT-cabinet-")
    with pdfplumber.open(io.BytesIO(download.value.path().read_bytes())) as pdf:
        first = pdf.pages[0].filter(lambda o: o.get("size", 0) < 100).extract_text()
        last = pdf.pages[-1].filter(lambda o: o.get("size", 0) < 100).extract_text()
    assert first.startswith("DRAFT") and "Appeared in Forward Plan Yes, 4 August 2026" in first
    assert "Appendix 2 – TLL actual and forecast costs" in last and "GRAND TOTAL 469 5,957 8,160" in last
