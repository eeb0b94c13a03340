"""Every route carries a permission decorator, and the roles see what they should."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory, UserFactory
from tracker.api_tokens.services import issue_token
from tracker.models import EmailState, OutboxEmail, Role

# Routes without a permission decorator must be listed here with the reason.
ALLOWED_WITHOUT_PERMISSION = {"static": "GOV.UK Frontend assets and our CSS/JS, public by nature"}


def test_every_route_has_a_permission_decorator(app) -> None:
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ALLOWED_WITHOUT_PERMISSION:
            continue
        view = app.view_functions[rule.endpoint]
        if not getattr(view, "permission", None):
            missing.append(f"{rule.endpoint} ({rule.rule})")
    assert missing == [], "routes without a permission decorator: " + ", ".join(missing)


ADMIN_PAGES = ["/admin/people", "/admin/people/invite", "/admin/outbox", "/admin/api-tokens", "/admin/api-tokens/new"]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_are_for_administrators_only(client, db_session, role: Role, url: str) -> None:
    user = UserFactory(role=role)
    db_session.commit()
    sign_in(client, user)
    response = client.get(url)
    if role == Role.ADMIN:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "You do not have permission" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", list(Role))
def test_revoking_an_api_token_is_for_administrators_only(client, db_session, role: Role) -> None:
    admin = UserFactory(role=Role.ADMIN)
    api_token, _ = issue_token(name="Power BI", user=UserFactory(role=Role.VIEWER), days=30, actor=admin)
    user = UserFactory(role=role)
    db_session.commit()
    sign_in(client, user)
    url = f"/admin/api-tokens/{api_token.id}/revoke"
    assert client.get(url).status_code == (200 if role == Role.ADMIN else 403)
    assert client.submit(url, page_url="/").status_code == (302 if role == Role.ADMIN else 403)


def test_every_api_route_but_its_description_needs_a_token_whoever_is_signed_in(app, client, db_session) -> None:
    """Token routes carry the token decorator's mark; a signed-in administrator's cookie is not a token."""
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)
    api_rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")]
    assert len(api_rules) == 8
    for rule in api_rules:
        permission = app.view_functions[rule.endpoint].permission
        url = rule.rule.replace("<int:inspection_id>", "1").replace("<int:action_id>", "1")
        if rule.endpoint == "api.openapi_description":
            assert permission == "public" and client.get(url).status_code == 200
            continue
        assert permission == "api-token:read", rule.endpoint
        response = client.get(url)
        assert (response.status_code, response.mimetype) == (401, "application/problem+json"), url


@pytest.mark.parametrize("role", list(Role))
def test_everyone_signed_in_has_a_home_page(client, db_session, role: Role) -> None:
    user = UserFactory(role=role)
    db_session.commit()
    sign_in(client, user)
    assert client.get("/").status_code == 200


def test_a_non_admin_cannot_post_to_an_admin_form(client, db_session) -> None:
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    db_session.commit()
    sign_in(client, manager)
    response = client.submit(
        "/admin/people/invite",
        {"name": "X", "email": "x@example.gov.uk", "role": "admin", "line_manager_id": "0"},
        page_url="/",
    )
    assert response.status_code == 403


def test_unknown_pages_are_a_styled_404(client, db_session) -> None:
    user = UserFactory()
    db_session.commit()
    sign_in(client, user)
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "govuk-template" in response.get_data(as_text=True)


def _navigation(page) -> list[str]:  # noqa: ANN001
    return [link.text.strip() for link in page.select(".govuk-service-navigation__link")]


def test_a_viewer_has_no_actions_of_their_own_on_the_home_page_or_in_the_navigation(client, db_session) -> None:
    viewer = UserFactory(role=Role.VIEWER)
    db_session.commit()
    sign_in(client, viewer)
    page = soup(client.get("/"))
    assert "Your actions" not in [heading.text.strip() for heading in page.select("h2")]
    assert "My actions" not in _navigation(page)
    assert "All actions" in _navigation(page)


def test_the_home_page_counts_one_other_open_action_in_the_singular(client, db_session) -> None:
    manager = UserFactory(role=Role.SERVICE_MANAGER)
    ActionFactory(owner=manager, due_on=None)
    db_session.commit()
    sign_in(client, manager)
    page = soup(client.get("/"))
    assert "My actions" in _navigation(page)
    cards = [card.get_text(" ", strip=True) for card in page.select(".app-count-card")]
    assert "1 other open action" in cards


def test_an_admin_home_shows_invitations_slowed_sign_ins_and_failed_emails(app, client, db_session, now) -> None:
    admin = UserFactory(role=Role.ADMIN)
    UserFactory(password_hash=None)
    UserFactory(password_hash=None)
    UserFactory(password_hash=None, active=False)
    slowed, not_yet = UserFactory(), UserFactory()
    db_session.add(
        OutboxEmail(recipient="a@example.com", subject="Hi", text_body="Hi", dedupe_key="x", state=EmailState.FAILED)
    )
    db_session.commit()
    guesser = app.test_client()
    for person, attempts in ((slowed, 5), (not_yet, 4)):
        for _ in range(attempts):
            guesser.submit("/sign-in", {"email": person.email, "password": "not the password"})
    sign_in(client, admin)
    page = soup(client.get("/"))
    assert "Your actions" not in [heading.text.strip() for heading in page.select("h2")]
    cards = {link.get_text(" ", strip=True): link["href"] for link in page.select("#admin-summary a")}
    assert cards == {
        "2 people invited, not yet signed in": "/admin/people",
        "1 account with sign-in slowed down": "/admin/people",
        "1 email failed": "/admin/outbox?state=failed",
    }
