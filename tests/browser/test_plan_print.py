"""The printed plan in a real browser: a viewer opens the print view, downloads the PDF, prints the page (landscape
A4 either way), and reads the plan on a phone without scrolling sideways."""

from __future__ import annotations

import io

import pikepdf
from sqlalchemy import select

from tests.browser.conftest import assert_accessible, sign_in_with_browser
from tracker import clock
from tracker.demo.data import DEMO_PASSWORD
from tracker.demo.services import load_demo
from tracker.extensions import db
from tracker.models import Inspection

A4_LANDSCAPE = (842, 595)


def _sizes(data: bytes) -> set[tuple[int, int]]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return {(round(float(page.MediaBox[2])), round(float(page.MediaBox[3]))) for page in pdf.pages}


def test_a_viewer_prints_the_plan_and_downloads_it_as_a_landscape_pdf(browser, app_context, live_server) -> None:  # noqa: ANN001
    load_demo(clock.today())
    db.session.commit()
    inspection = db.session.scalars(select(Inspection)).one()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        sign_in_with_browser(page, live_server, "viewer@demo.test", DEMO_PASSWORD)
        page.goto(f"{live_server}/inspections/{inspection.id}/plan")
        page.get_by_role("link", name="Print the plan").click()
        assert page.locator("h1").inner_text().startswith("Action plan in response to the")
        assert page.locator(".app-plan__lead-in").first.inner_text() == "The local partnership should:"
        assert_accessible(page)

        with page.expect_download() as download:
            page.get_by_role("link", name="Download as a PDF").click()
        assert download.value.suggested_filename == f"action-plan-{inspection.id}.pdf"
        with open(download.value.path(), "rb") as file:
            assert _sizes(file.read()) == {A4_LANDSCAPE}

        # The browser's own print of the page is landscape too, without the service's header and menus.
        page.emulate_media(media="print")
        assert page.locator(".govuk-generic-header").is_hidden()
        assert page.get_by_role("link", name="Download as a PDF").is_hidden()
        assert _sizes(page.pdf(prefer_css_page_size=True)) == {A4_LANDSCAPE}
        page.emulate_media(media="screen")

        page.set_viewport_size({"width": 320, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        label = page.evaluate("getComputedStyle(document.querySelector('.app-plan__criteria'), '::before').content")
        assert label == '"Success criteria: "'
        assert_accessible(page)
    finally:
        context.close()
