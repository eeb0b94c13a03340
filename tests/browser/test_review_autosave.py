"""Nothing typed on the import review page is lost: each change is saved as it is made, the page says so, and
leaving with a change that could not be saved asks first."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in_with_browser
from tests.conftest import FIXTURES
from tests.factories import PASSWORD, UserFactory
from tracker.domain.importer import parse_report
from tracker.extensions import db
from tracker.inspections.drafts import create_draft
from tracker.models import ImportDraft, Role

LEICESTERSHIRE = FIXTURES / "reports" / "leicestershire-jar-2008.txt"
TYPED = "ensure that every looked after child has an up-to-date plan (typed in review)"


def _review_page(page, live_server: str, email: str) -> int:  # noqa: ANN001
    manager = UserFactory(role=Role.PROGRAMME_MANAGER, email=email)
    db.session.flush()
    draft = create_draft(
        parse_report(LEICESTERSHIRE.read_text()), user=manager, source_filename=None, source_sha256=email
    )
    db.session.commit()
    sign_in_with_browser(page, live_server, email, PASSWORD)
    page.goto(f"{live_server}/inspections/imports/{draft.id}")
    return draft.id


def _stored(draft_id: int) -> dict:
    db.session.expire_all()
    return db.session.get(ImportDraft, draft_id).fields


def test_what_is_typed_is_saved_as_it_goes_and_is_there_after_a_reload(page, live_server) -> None:  # noqa: ANN001
    draft_id = _review_page(page, live_server, "pm-autosave@example.gov.uk")
    status = page.locator("#review-save-status")
    text = page.locator("#recommendations-1-text")
    text.fill("")
    text.press_sequentially(TYPED, delay=5)
    # No button pressed, the field not even left: a pause in typing is enough.
    expect(status).to_have_text("Saved")
    published = page.get_by_role("group", name="Date the report was published")
    published.get_by_label("Day").fill("20")
    page.get_by_label("Timescale").nth(2).select_option("longer_term")
    expect(status).to_have_text("Saved")
    assert_accessible(page)

    page.reload()
    assert page.locator("#recommendations-1-text").input_value() == TYPED
    assert published.get_by_label("Day").input_value() == "20"
    assert page.get_by_label("Timescale").nth(2).input_value() == "longer_term"
    fields = _stored(draft_id)
    assert fields["recommendations"][1]["text"] == TYPED
    assert fields["published_on"][0] == "20"


def test_a_change_that_cannot_be_saved_is_shown_and_leaving_asks_first(page, live_server) -> None:  # noqa: ANN001
    draft_id = _review_page(page, live_server, "pm-offline@example.gov.uk")
    status = page.locator("#review-save-status")
    save_url = page.locator("form.app-review-form").get_attribute("data-save-url")
    page.route(f"**{save_url}", lambda route: route.abort("internetdisconnected"))
    page.get_by_label("Local authority").fill("Leicestershire County Council (edited offline)")
    page.get_by_label("Local authority").press("Tab")
    expect(status).to_have_text("Not saved — check your connection")
    assert "app-save-status--problem" in status.get_attribute("class")
    assert_accessible(page)

    with page.expect_event("dialog") as caught:
        page.close(run_before_unload=True)
    assert caught.value.type == "beforeunload"
    caught.value.dismiss()
    # The page stayed open: once the connection is back the change is saved by itself.
    page.unroute(f"**{save_url}")
    expect(status).to_have_text("Saved", timeout=15_000)
    assert _stored(draft_id)["authority"] == "Leicestershire County Council (edited offline)"


def test_a_value_refused_by_the_tracker_says_why(page, live_server) -> None:  # noqa: ANN001
    _review_page(page, live_server, "pm-refused@example.gov.uk")
    status = page.locator("#review-save-status")
    page.get_by_label("Title of the report").fill("x" * 301)
    page.get_by_label("Title of the report").press("Tab")
    expect(status).to_have_text("Not saved: Title must be 300 characters or fewer")
