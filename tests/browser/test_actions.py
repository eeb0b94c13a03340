"""The action plan in a real browser: a service manager closes an overdue action, two people edit one
action at once, and every action page passes axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import select

from tests.browser.conftest import assert_accessible, sign_in_with_browser
from tracker import clock
from tracker.demo.data import DEMO_PASSWORD
from tracker.demo.services import load_demo
from tracker.extensions import db
from tracker.models import Action, Inspection, ProgressUpdate, Rag, Recommendation, User


def demo() -> Inspection:
    load_demo(clock.today())
    db.session.commit()
    return db.session.scalars(select(Inspection)).one()


def overdue_rows(page):  # noqa: ANN001, ANN201
    return page.locator("table", has=page.locator("caption", has_text="Overdue")).locator("tbody tr")


def test_a_service_manager_completes_an_overdue_action_and_it_leaves_the_overdue_list(page, live_server) -> None:  # noqa: ANN001
    demo()
    sign_in_with_browser(page, live_server, "service.manager@demo.test", DEMO_PASSWORD)
    page.get_by_role("link", name="My actions").first.click()
    assert page.locator("h1").inner_text() == "My actions"
    assert_accessible(page)
    overdue_before = overdue_rows(page).count()
    assert overdue_before >= 1
    first = overdue_rows(page).first
    title = first.locator("td").first.inner_text()
    assert "working days overdue" in first.inner_text()
    assert page.locator(".app-count-card--overdue .app-count-card__number").inner_text() == str(overdue_before)

    first.get_by_role("link", name="Update progress").click()
    assert page.locator("h1").inner_text() == "Update progress"
    assert page.get_by_label("Red – off track").is_checked()  # suggested: it is overdue
    assert_accessible(page)
    page.get_by_label("Complete", exact=True).check()
    assert page.get_by_label("Blue – complete").is_checked()  # the suggestion follows the status
    assert page.locator(".app-rag-suggestion").inner_text() == "Blue – complete"
    page.get_by_role("button", name="Save progress").click()
    assert (
        "Enter a narrative saying what was done to complete the action"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.get_by_label("Progress narrative").fill("All case files audited and the findings reported to the LSCB.")
    page.get_by_role("button", name="Save progress").click()
    assert "Progress recorded" in page.locator(".govuk-notification-banner").inner_text()
    assert "All case files audited" in page.locator(".app-timeline").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="My actions").first.click()
    assert overdue_rows(page).count() == overdue_before - 1
    overdue_text = page.locator("main").inner_text().split("Due in the next")[0]
    assert title not in overdue_text
    page.get_by_label("Status").select_option("complete")
    page.get_by_role("button", name="Show actions").click()
    assert title in page.locator("main").inner_text()
    assert "status=complete" in page.url
    assert_accessible(page)


def test_two_people_edit_one_action_and_the_second_is_told(browser, page, live_server) -> None:  # noqa: ANN001
    inspection = demo()
    action = db.session.scalars(select(Action).where(Action.inspection_id == inspection.id).order_by(Action.id)).first()
    url = f"{live_server}/actions/{action.id}/edit"
    sign_in_with_browser(page, live_server, "programme.manager@demo.test", DEMO_PASSWORD)
    page.goto(url)
    assert_accessible(page)
    page.get_by_label("Action", exact=True).fill("Programme manager's wording")
    page.get_by_label("Success criteria and measures").fill("My criteria, typed with care")

    other_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        other = other_context.new_page()
        sign_in_with_browser(other, live_server, "admin@demo.test", DEMO_PASSWORD)
        other.goto(url)
        other.get_by_label("Action", exact=True).fill("Administrator's wording")
        other.get_by_role("button", name="Save action").click()
        assert "Action saved" in other.locator(".govuk-notification-banner").inner_text()
    finally:
        other_context.close()

    page.get_by_role("button", name="Save action").click()
    banner = page.locator(".app-conflict")
    assert "Changed by Priya Shah at" in banner.inner_text()
    assert "Administrator's wording" in banner.inner_text()
    assert page.get_by_label("Action", exact=True).input_value() == "Programme manager's wording"
    assert page.get_by_label("Success criteria and measures").input_value() == "My criteria, typed with care"
    assert_accessible(page)
    page.get_by_role("button", name="Save action").click()
    assert "Action saved" in page.locator(".govuk-notification-banner").first.inner_text()
    assert page.locator("h1").inner_text().endswith("Programme manager's wording")


def test_every_action_page_passes_axe(page, live_server) -> None:  # noqa: ANN001
    inspection = demo()
    action = db.session.scalars(select(Action).where(Action.inspection_id == inspection.id).order_by(Action.id)).first()
    recommendation = db.session.scalars(
        select(Recommendation).where(Recommendation.inspection_id == inspection.id)
    ).first()
    owner = db.session.scalars(select(User).where(User.email == "service.manager@demo.test")).one()
    db.session.add(
        ProgressUpdate(
            action=action,
            inspection_id=action.inspection_id,
            author_id=owner.id,
            status=action.status,
            rag=Rag.AMBER,
            narrative="Waiting for the new system",
            requested_due_on=action.due_on.replace(year=action.due_on.year + 1),
            request_reason="Supplier delay",
            request_state="pending",
        )
    )
    db.session.commit()
    sign_in_with_browser(page, live_server, "programme.manager@demo.test", DEMO_PASSWORD)
    base = f"{live_server}/inspections/{inspection.id}"
    for path in (
        "/my-actions",
        "/actions",
        "/actions?rag=red&sort=owner&q=plan",
        f"/actions/{action.id}",
        f"/actions/{action.id}/edit",
        f"/actions/{action.id}/progress",
        f"/actions/{action.id}/delete",
        f"/recommendations/{recommendation.id}/actions/new",
    ):
        page.goto(f"{live_server}{path}")
        assert_accessible(page)
    for path in ("/plan", "/plan/print", "/plan/status", "/plan/assign", "/dashboard", "/plan/import"):
        page.goto(f"{base}{path}")
        assert_accessible(page)

    # Forms in their error state, and the import preview with a bad row.
    page.goto(f"{live_server}/recommendations/{recommendation.id}/actions/new")
    page.get_by_label("Action", exact=True).fill("")
    page.locator("#due_on-day").fill("31")
    page.locator("#due_on-month").fill("2")
    page.locator("#due_on-year").fill("2009")
    page.get_by_role("button", name="Save action").click()
    assert "Due date must be a real date" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.goto(f"{base}/plan/assign")
    page.get_by_role("button", name="Assign owner").click()
    assert_accessible(page)
    page.goto(f"{base}/plan/import")
    workbook = Workbook()
    workbook.active.append(["Recommendation", "Action", "Owner email", "Due date"])
    workbook.active.append([1, "Fine", "", "1/9/2008"])
    workbook.active.append([99, "Bad", "nobody@example.test", "31/02/2009"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    page.get_by_label("Upload a spreadsheet").set_input_files(
        {"name": "plan.xlsx", "mimeType": "application/octet-stream", "buffer": buffer.getvalue()}
    )
    page.get_by_role("button", name="Check the spreadsheet").click()
    assert "1 row has problems" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)


def test_my_actions_fits_a_phone_without_scrolling_sideways(browser, app_context, live_server, tmp_path) -> None:  # noqa: ANN001
    demo()
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in_with_browser(page, live_server, "service.manager@demo.test", DEMO_PASSWORD)
        page.goto(f"{live_server}/my-actions")
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        links = page.get_by_role("link", name="Update progress")
        assert links.count() >= 1
        for i in range(links.count()):
            box = links.nth(i).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
        # Stacked, each cell says what it is, since the column headings are no longer above it.
        labels = page.evaluate(
            "[...document.querySelectorAll('main table tbody tr:first-child td')]"
            ".map(td => getComputedStyle(td, '::before').content)"
        )
        assert labels[1:4] == ['"Inspection: "', '"Due: "', '"Status and rating: "']
        page.screenshot(path=str(tmp_path / "my-actions-375.png"), full_page=True)
        assert_accessible(page)
    finally:
        context.close()
