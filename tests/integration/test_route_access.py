"""Every route carries a permission decorator, and the roles see what they should."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.factories import UserFactory
from tracker.models import Role

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


ADMIN_PAGES = ["/admin/people", "/admin/people/invite", "/admin/outbox"]


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
