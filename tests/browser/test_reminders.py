"""Reminders in a real browser: an owner records progress from the link in their digest without signing
in, the reminders page and the admin outbox; every page passes axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import select, update

from tests.browser.conftest import assert_accessible, sign_in_with_browser
from tracker import clock, jobs
from tracker.demo.data import DEMO_PASSWORD
from tracker.demo.services import load_demo
from tracker.extensions import db
from tracker.models import EmailState, OutboxEmail, ProgressUpdate

MORNING = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)  # a Tuesday
LINK = re.compile(r"Record progress \(no sign-in needed\): (\S+)")


def demo_with_digests(app: Flask) -> OutboxEmail:
    app.config["TRACKER_NOW"] = MORNING
    load_demo(clock.today())
    db.session.commit()
    jobs.run_reminders(clock.today(), clock.now())
    return db.session.scalars(select(OutboxEmail).where(OutboxEmail.recipient == "service.manager@demo.test")).one()


def test_an_owner_records_progress_from_the_digest_link_without_signing_in(app, page, live_server) -> None:  # noqa: ANN001
    digest = demo_with_digests(app)
    path = urlsplit(LINK.search(digest.text_body)[1]).path
    page.goto(live_server + path)
    assert page.locator("h1").inner_text() == "Record progress"
    assert "Sam Patel" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Sign out").count() == 0
    assert_accessible(page)

    page.get_by_role("button", name="Save progress").click()  # Red is suggested: it needs a narrative
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label("Progress narrative").fill("Children in Care Council session booked for 3 December.")
    page.get_by_role("button", name="Save progress").click()
    assert page.locator("h1").inner_text() == "Thank you"
    assert "Progress recorded for" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    update_row = db.session.scalars(select(ProgressUpdate).where(ProgressUpdate.via_email_link.is_(True))).one()
    assert update_row.narrative.startswith("Children in Care Council")

    page.goto(live_server + path)
    assert page.locator("h1").inner_text() == "This link has already been used"
    assert_accessible(page)


def test_reminders_page_calendar_and_preview(app, page, live_server) -> None:  # noqa: ANN001
    demo_with_digests(app)
    sign_in_with_browser(page, live_server, "service.manager@demo.test", DEMO_PASSWORD)
    page.get_by_role("link", name="Reminders").first.click()
    assert page.locator("h1").inner_text() == "Reminders and calendar"
    assert_accessible(page)
    page.get_by_role("button", name="Create a calendar address").click()
    assert page.get_by_label("Your calendar address").input_value().endswith(".ics")
    assert_accessible(page)
    page.get_by_label("Never").check()
    page.get_by_role("button", name="Save").click()
    assert "Your reminder emails have been changed" in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_role("link", name="See what your reminder email says today").click()
    assert "You will not get this email today" in page.locator("main").inner_text()
    assert_accessible(page)


def test_admin_outbox_with_a_failure_and_the_html_preview(app, page, live_server) -> None:  # noqa: ANN001
    digest = demo_with_digests(app)
    db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == digest.id)
        .values(state=EmailState.FAILED, attempts=5, last_error="451 4.3.0 Mailbox temporarily unavailable")
    )
    db.session.commit()
    sign_in_with_browser(page, live_server, "admin@demo.test", DEMO_PASSWORD)
    page.get_by_role("link", name="Outbox").first.click()
    assert page.locator("h1").inner_text() == "Outbox"
    assert "451 4.3.0" in page.locator("tbody").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Failed (1)").click()
    page.get_by_role("link", name=digest.subject).click()
    frame = page.frame_locator("iframe.app-email-frame")
    assert "Dear Sam Patel" in frame.locator("body").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Send it again").click()
    assert "back in the queue" in page.locator(".govuk-notification-banner").inner_text()
    db.session.expire_all()
    assert db.session.get(OutboxEmail, digest.id).state == EmailState.QUEUED
