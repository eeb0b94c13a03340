"""Told when something is theirs to do, in a real browser: a programme manager finds a revised due date waiting
for their decision from the home page and decides it, and the owner is emailed the decision with the reason;
an owner chooses to be told in their reminder email instead. Each page passes axe-core."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from tests.browser.conftest import assert_accessible, sign_in_with_browser
from tracker import clock
from tracker.actions.services.progress import record_progress
from tracker.demo.data import DEMO_PASSWORD
from tracker.demo.services import load_demo
from tracker.extensions import db
from tracker.models import Action, ActionStatus, NoticePreference, OutboxEmail, User

MORNING = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def _owner_asks_for_a_later_date(app: Flask) -> Action:
    app.config["TRACKER_NOW"] = MORNING
    load_demo(clock.today())
    sam = db.session.scalars(select(User).where(User.email == "service.manager@demo.test")).one()
    action = db.session.scalars(
        select(Action).where(Action.owner_id == sam.id, Action.status == ActionStatus.IN_PROGRESS).order_by(Action.id)
    ).first()
    assert action is not None and action.due_on is not None
    record_progress(
        action,
        sam,
        {"status": "in_progress", "rag": "amber", "narrative": "Interviews moved to January",
         "requested_due_on": action.due_on + timedelta(days=42), "request_reason": "The posts cannot be filled sooner"},
    )  # fmt: skip
    db.session.commit()
    return action


def test_a_manager_decides_a_waiting_request_from_the_home_page_and_the_owner_is_told(app, page, live_server) -> None:  # noqa: ANN001
    action = _owner_asks_for_a_later_date(app)
    sign_in_with_browser(page, live_server, "programme.manager@demo.test", DEMO_PASSWORD)
    waiting = page.locator("#waiting-for-decision")
    assert waiting.inner_text() == "Waiting for your decision"
    assert "1 request for a revised due date" in " ".join(page.locator("main").inner_text().split())
    assert_accessible(page)

    page.get_by_role("link", name="1 waiting in").click()
    assert page.url.endswith("#pending-requests")
    page.locator("#pending-requests + ul").get_by_role("link").first.click()
    page.get_by_label("Approve the revised due date").check()
    page.get_by_label("Note to the owner (optional)").fill("Agreed at the board")
    page.get_by_role("button", name="Save decision").click()
    assert "Revised due date approved" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)

    db.session.expire_all()
    told = db.session.scalars(select(OutboxEmail).where(OutboxEmail.dedupe_key.startswith("due-date-decision:"))).one()
    assert told.recipient == "service.manager@demo.test"
    assert f"Jo Clarke approved: {action.reference}" in told.text_body
    assert "(reason: Agreed at the board)" in told.text_body


def test_an_owner_chooses_to_be_told_in_their_reminder_email(page, live_server) -> None:  # noqa: ANN001
    load_demo(clock.today())
    db.session.commit()
    sign_in_with_browser(page, live_server, "service.manager@demo.test", DEMO_PASSWORD)
    page.goto(f"{live_server}/reminders")
    page.get_by_label("Tell me in my reminder email").check()
    page.get_by_role("button", name="Save").click()
    assert "Your reminder emails have been changed" in page.locator("main").inner_text()
    assert page.get_by_label("Tell me in my reminder email").is_checked()
    assert_accessible(page)
    db.session.expire_all()
    sam = db.session.scalars(select(User).where(User.email == "service.manager@demo.test")).one()
    assert sam.notice_preference == NoticePreference.DIGEST
