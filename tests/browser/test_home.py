"""A person signs in with a real browser and sees their home page; every page is scanned by axe-core."""

from __future__ import annotations

from tests.browser.conftest import assert_accessible, sign_in_with_browser
from tracker import clock
from tracker.demo.data import DEMO_PASSWORD
from tracker.demo.services import load_demo
from tracker.extensions import db


def test_a_service_manager_signs_in_and_sees_what_matters_to_them(page, live_server) -> None:
    load_demo(clock.today())
    db.session.commit()

    page.goto(f"{live_server}/")
    assert "/sign-in" in page.url
    assert_accessible(page)

    sign_in_with_browser(page, live_server, "service.manager@demo.test", DEMO_PASSWORD)
    assert page.locator("h1").inner_text() == "Sam Patel"
    assert "overdue" in page.locator("main").inner_text()
    overdue_table = page.locator("table", has=page.locator("caption", has_text="Overdue"))
    assert overdue_table.locator("tbody tr").count() >= 1
    assert "working day" in overdue_table.inner_text()
    assert_accessible(page)


def test_sign_in_errors_are_shown_in_the_error_summary_and_pass_axe(page, live_server) -> None:
    sign_in_with_browser(page, live_server, "nobody@example.gov.uk", "not a real password")
    summary = page.locator(".govuk-error-summary")
    assert "Enter a correct email address and password" in summary.inner_text()
    assert page.get_by_label("Email address").input_value() == "nobody@example.gov.uk"
    assert_accessible(page)


def test_admin_pages_pass_axe(page, live_server) -> None:
    load_demo(clock.today())
    db.session.commit()
    sign_in_with_browser(page, live_server, "admin@demo.test", DEMO_PASSWORD)
    for path in ("/", "/admin/people", "/admin/people/invite", "/admin/outbox", "/accessibility"):
        page.goto(f"{live_server}{path}")
        assert_accessible(page)
