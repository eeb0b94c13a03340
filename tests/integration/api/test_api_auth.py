"""Who may read the API: a personal access token in the Authorization header, and nothing else (no cookie, no
token in the address); what stops a token; when its last use is recorded; and its limit of requests a minute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.integration.actions.conftest import Plan
from tests.integration.actions.test_query_counts import counting_queries
from tests.integration.api.conftest import API, Tokens, bearer, check_against_description
from tracker.api_tokens.services import hash_token, issue_token, revoke_token
from tracker.clock import as_utc
from tracker.extensions import csrf
from tracker.models import ApiToken, Role


def _token(db_session, token: str) -> ApiToken:  # noqa: ANN001
    return db_session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).one()


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "Send a personal access token in the Authorization header: Bearer iat_…"),
        ({"Authorization": ""}, "Send a personal access token"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "The Authorization header must be Bearer followed by"),
        ({"Authorization": "Bearer"}, "The Authorization header must be Bearer followed by"),
        ({"Authorization": "Bearer not-a-token"}, "The Authorization header must be Bearer followed by"),
        ({"Authorization": "Bearer iat_" + "x" * 43}, "This token is not known: check it was copied whole"),
    ],
)
def test_without_a_working_token_every_api_address_is_a_json_401(
    client, db_session, tokens: Tokens, description, headers: dict[str, str], detail: str
) -> None:
    response = client.get(f"{API}/actions", headers=headers)
    assert response.status_code == 401
    body = check_against_description(description, "/actions", response)
    assert body["detail"].startswith(detail)
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="api"')
    assert ("invalid_token" in response.headers["WWW-Authenticate"]) == ("Authorization" in headers)


def test_the_scheme_is_not_case_sensitive_and_the_token_is_not_read_from_the_address(
    client, db_session, tokens: Tokens
) -> None:
    assert client.get(f"{API}/actions", headers={"Authorization": f"bearer {tokens.viewer}"}).status_code == 200
    assert client.get(f"{API}/actions?access_token={tokens.viewer}").status_code == 401


def test_a_signed_in_browser_is_not_a_caller_and_gets_no_session_cookie_back(
    client, db_session, plan: Plan, tokens: Tokens
) -> None:
    sign_in(client, plan.admin)
    assert client.get("/actions").status_code == 200  # the session works for the pages
    response = client.get(f"{API}/actions")
    assert response.status_code == 401
    with_token = client.get(f"{API}/actions", headers=bearer(tokens.viewer))
    assert with_token.status_code == 200
    assert "Set-Cookie" not in response.headers and "Set-Cookie" not in with_token.headers
    assert "Cookie" not in with_token.headers.get("Vary", "")


def test_csrf_is_waived_for_the_api_alone_and_a_post_to_it_is_a_json_405(
    app, client, db_session, tokens: Tokens
) -> None:
    assert {blueprint.name for blueprint in csrf._exempt_blueprints} == {"api"}
    assert csrf._exempt_views == {"tracker.health.routes.healthz"}
    response = client.post(f"{API}/actions", headers=bearer(tokens.viewer), data={"title": "x"})
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json" and response.headers["Allow"] == "GET, HEAD, OPTIONS"
    # Everywhere else a form without its CSRF token is still refused.
    assert client.post("/sign-in", data={"email": "a@example.gov.uk", "password": "x"}).status_code == 400


def test_only_the_hash_is_kept_and_the_token_acts_as_its_person(client, db_session, plan: Plan) -> None:
    api_token, token = issue_token(name="Scrutiny", user=plan.viewer, days=30, actor=plan.admin)
    db_session.commit()
    assert token.startswith("iat_") and len(token) == 47
    stored = [str(value) for value in db_session.execute(select(ApiToken.__table__)).one()]
    assert api_token.token_hash == hash_token(token) and token not in stored
    assert api_token.hint == token[:8] and api_token.scope == "read"
    assert client.get(f"{API}/actions", headers=bearer(token)).status_code == 200


def test_a_token_stops_when_it_expires_is_revoked_or_its_person_is_deactivated(
    app, client, db_session, plan: Plan, tokens: Tokens, now
) -> None:
    expires_at = as_utc(_token(db_session, tokens.viewer).expires_at)

    def status(token: str) -> tuple[int, str]:
        response = client.get(f"{API}/inspections", headers=bearer(token))
        return response.status_code, (response.get_json() or {}).get("detail", "")

    app.config["TRACKER_NOW"] = expires_at - timedelta(seconds=1)
    assert status(tokens.viewer)[0] == 200
    app.config["TRACKER_NOW"] = expires_at
    assert status(tokens.viewer) == (401, f"This token expired on {expires_at:%Y-%m-%d}: ask an "
                                          "administrator for a new one")  # fmt: skip
    app.config["TRACKER_NOW"] = now

    revoke_token(_token(db_session, tokens.owner), actor=plan.admin)
    db_session.commit()
    assert status(tokens.owner) == (401, "This token has been revoked: ask an administrator for a new one")

    plan.viewer.active = False
    db_session.commit()
    assert status(tokens.viewer) == (401, "The person this token acts as has been deactivated")
    plan.viewer.active = True
    db_session.commit()
    assert status(tokens.viewer)[0] == 200


def test_any_role_that_may_sign_in_may_read_through_a_token(client, db_session, plan: Plan) -> None:
    for role in Role:
        _, token = issue_token(name=f"As {role}", user=UserFactory(role=role), days=30, actor=plan.admin)
        db_session.commit()
        body = client.get(f"{API}/actions", headers=bearer(token)).get_json()
        assert [action["id"] for action in body["data"]] == [plan.action.id, plan.other_action.id], role


def test_last_use_is_recorded_at_most_once_a_minute(app, client, db_session, tokens: Tokens, now) -> None:
    assert _token(db_session, tokens.viewer).last_used_at is None
    client.get(f"{API}/inspections", headers=bearer(tokens.viewer))
    assert _token(db_session, tokens.viewer).last_used_at.replace(tzinfo=now.tzinfo) == now

    app.config["TRACKER_NOW"] = now + timedelta(seconds=59)
    with counting_queries() as statements:
        client.get(f"{API}/inspections", headers=bearer(tokens.viewer))
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE API_TOKENS")]
    assert _token(db_session, tokens.viewer).last_used_at.replace(tzinfo=now.tzinfo) == now

    app.config["TRACKER_NOW"] = now + timedelta(seconds=60)
    client.get(f"{API}/inspections", headers=bearer(tokens.viewer))
    assert _token(db_session, tokens.viewer).last_used_at.replace(tzinfo=now.tzinfo) == now + timedelta(seconds=60)


def test_each_token_has_its_own_limit_of_requests_a_minute(
    app, client, db_session, tokens: Tokens, now, description
) -> None:
    app.config["API_REQUESTS_PER_MINUTE"] = 3
    app.config["TRACKER_NOW"] = now + timedelta(seconds=15)
    answers = [client.get(f"{API}/actions", headers=bearer(tokens.viewer)) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    refused = answers[-1]
    assert refused.headers["Retry-After"] == "45"
    body = check_against_description(description, "/actions", refused)
    assert body["detail"] == "This token has made more than 3 requests this minute: wait 45 seconds"
    # Another token is counted on its own; and the next minute starts again.
    assert client.get(f"{API}/actions", headers=bearer(tokens.owner)).status_code == 200
    app.config["TRACKER_NOW"] = now + timedelta(seconds=60)
    assert client.get(f"{API}/actions", headers=bearer(tokens.viewer)).status_code == 200
    # A 304 counts as a request too (it costs the same queries).
    app.config["API_REQUESTS_PER_MINUTE"] = 1
    etag = answers[0].headers["ETag"]
    assert client.get(f"{API}/actions", headers={**bearer(tokens.viewer), "If-None-Match": etag}).status_code == 429


def test_a_signed_in_admin_page_keeps_its_html_errors(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.viewer)
    response = client.get("/admin/api-tokens")
    assert response.status_code == 403 and response.mimetype == "text/html"
