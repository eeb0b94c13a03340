"""Signing in with a council account in a real browser, through the test OpenID provider's sign-in page.

Screenshots of the provider's sign-in page and of the page the person lands on go to test-artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import assert_accessible, only_this_machine
from tests.oidc import PASSWORD

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _sign_in_at_provider(page, login: str) -> None:  # noqa: ANN001
    page.get_by_label("Username").fill(login)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def test_a_council_administrator_signs_in_through_the_providers_page_and_out_again(
    page, live_server, council_sign_in_on, browser_oidc_provider
) -> None:
    only_this_machine(page)
    ARTIFACTS.mkdir(exist_ok=True)

    # 1. The sign-in page offers the council account first, the password form after it for partners.
    page.goto(f"{live_server}/sign-in")
    start = page.get_by_role("button", name="Sign in with your council account")
    assert start.is_visible()
    headings = page.locator("main h2").all_inner_texts()
    assert headings == ["If you work for Leicester City Council", "If you work for a partner organisation"]
    assert_accessible(page)

    # 2. Off to the provider's sign-in page.
    start.click()
    page.wait_for_load_state("load")
    assert page.url.startswith(browser_oidc_provider.settings["url"] + "/interaction/")
    assert page.locator("h1").inner_text() == "Sign in to your account"
    page.screenshot(path=str(ARTIFACTS / "council-sign-in-1-provider-login.png"), full_page=True)

    # 3. Signed in there, back at the tracker's home page with the role from the `roles` claim (Tracker.Admin).
    _sign_in_at_provider(page, "alex.admin")
    assert page.url == f"{live_server}/"
    assert page.locator("h1").inner_text() == "Alex Admin"
    assert page.locator("#admin-summary").is_visible()
    navigation = page.locator(".govuk-service-navigation__list").inner_text()
    assert "People" in navigation and "Outbox" in navigation
    assert_accessible(page)
    page.screenshot(path=str(ARTIFACTS / "council-sign-in-2-landing-page.png"), full_page=True)
    page.goto(f"{live_server}/account")
    assert re.search(r"Role\s+Admin", page.locator("main dl").inner_text())

    # 4. Signing out ends the tracker's session and offers the provider's sign-out.
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "You have signed out of the tracker"
    assert_accessible(page)
    page.get_by_role("button", name="Sign out of your council account").click()
    page.wait_for_load_state("load")
    assert page.url.startswith(browser_oidc_provider.settings["url"] + "/session/end")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(re.compile(re.escape(f"{live_server}/sign-in")))
    page.goto(f"{live_server}/")
    assert "/sign-in" in page.url


def test_someone_without_a_mapped_role_is_refused_with_whom_to_ask(page, live_server, council_sign_in_on) -> None:
    only_this_machine(page)
    page.goto(f"{live_server}/sign-in")
    page.get_by_role("button", name="Sign in with your council account").click()
    page.wait_for_load_state("load")
    _sign_in_at_provider(page, "no.role")

    assert page.locator("h1").inner_text() == "You have not been signed in"
    assert page.locator("#council-sign-in-message").inner_text() == (
        "Your council account has not been given access to the Inspection action tracker. "
        "Ask the administrator of the tracker at Leicester City Council to give you a role."
    )
    assert_accessible(page)
    page.screenshot(path=str(ARTIFACTS / "council-sign-in-3-refused-no-role.png"), full_page=True)


def test_a_password_at_the_councils_domain_is_refused_on_the_form(page, live_server, council_sign_in_on) -> None:
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("jo.bloggs@council.test")
    page.get_by_role("textbox", name="Password").fill("any password at all")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state("load")

    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Email addresses at council.test sign in with their council account" in summary
    assert page.get_by_label("Email address").input_value() == "jo.bloggs@council.test"
    assert_accessible(page)
