"""Security headers, fresh sessions, and input that no person types."""

from __future__ import annotations

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory, UserFactory
from tracker.models import Role


def test_pages_carry_a_strict_content_security_policy_and_headers(client, db_session) -> None:
    response = client.get("/sign-in")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS would be ignored
    html = response.get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html  # nothing inline for the policy to block


def test_hsts_is_sent_over_https(client, db_session) -> None:
    response = client.get("/sign-in", base_url="https://tracker.example.gov.uk")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_behind_a_trusted_proxy_the_forwarded_scheme_counts_and_otherwise_it_is_ignored(client, db_session) -> None:
    import config
    from tracker import create_app

    class BehindProxy(config.TestingConfig):
        TRUSTED_PROXIES = 1

    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "tracker.example.gov.uk"}
    assert "Strict-Transport-Security" not in client.get("/sign-in", headers=forwarded).headers
    proxied = create_app(BehindProxy).test_client().get("/sign-in", headers=forwarded)
    assert proxied.status_code == 200
    assert proxied.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_signing_in_starts_a_fresh_session(client, db_session) -> None:
    user = UserFactory()
    db_session.commit()
    with client.session_transaction() as session:
        session["planted"] = "by someone else before sign-in"
    sign_in(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == str(user.id)
        assert len(session["sid"]) >= 43  # the server-side session's token (tests/integration/test_sessions.py)


def test_a_session_ends_eight_hours_after_its_last_request(client, db_session) -> None:
    from datetime import UTC, datetime, timedelta
    from email.utils import parsedate_to_datetime

    user = UserFactory()
    db_session.commit()
    response = sign_in(client, user)
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))
    expires = parsedate_to_datetime(next(p.split("=", 1)[1] for p in cookie.split("; ") if p.startswith("Expires=")))
    assert abs(expires - (datetime.now(UTC) + timedelta(hours=8))) < timedelta(minutes=1)


def test_nul_characters_are_removed_from_what_is_submitted(client, db_session) -> None:
    manager = UserFactory(role=Role.ADMIN)
    action = ActionFactory(title="Agree the data set")
    db_session.commit()
    sign_in(client, manager)
    found = client.get("/actions?q=Agree%00%20the")
    assert found.status_code == 200
    response = client.submit(
        "/admin/people/invite",
        {"name": "Nul\x00Byte", "email": "nul@example.gov.uk", "role": "viewer", "line_manager_id": "0"},
    )
    assert response.status_code == 302
    people = soup(client.get("/admin/people")).get_text()
    assert "NulByte" in people
    assert action.title in soup(found).get_text()
